//! Registry, error and robustness behaviour of the public API.

use oqcloud_gsim::{Contexts, GsimError, Imt, gsim_by_name, native_gsims};

fn ctx_with(n: usize, value: f64) -> Contexts {
    let col = vec![value; n];
    Contexts {
        mag: col.clone(),
        rake: col.clone(),
        dip: col.clone(),
        ztor: col.clone(),
        width: col.clone(),
        hypo_depth: col.clone(),
        hypo_lon: col.clone(),
        hypo_lat: col.clone(),
        vs30: col.clone(),
        vs30measured: vec![true; n],
        z1pt0: col.clone(),
        z2pt5: col.clone(),
        z_sed: col.clone(),
        z1pt4: col.clone(),
        lon: col.clone(),
        lat: col.clone(),
        bas: vec![true; n],
        backarc: vec![true; n],
        soiltype: col.clone(),
        siteclass: vec![b'D'; n],
        rrup: col.clone(),
        rjb: col.clone(),
        rx: col.clone(),
        ry0: col.clone(),
        rhypo: col.clone(),
        repi: col.clone(),
        azimuth: col.clone(),
        rvolc: col,
        ..Default::default()
    }
}

#[test]
fn registry_lists_sorted_openquake_names() {
    let names = native_gsims();
    let mut sorted = names.clone();
    sorted.sort_unstable();
    assert_eq!(names, sorted);
    for name in [
        "BooreAtkinson2008",
        "SadighEtAl1997",
        "ChiouYoungs2008",
        "BooreEtAl2014",
        "ChiouYoungs2014",
        "CampbellBozorgnia2014",
        "AbrahamsonEtAl2014",
    ] {
        assert!(names.contains(&name), "{name}");
    }
    for name in &names {
        assert_eq!(
            gsim_by_name(name, &[])
                .map(|g| g.name().to_string())
                .ok()
                .as_deref(),
            Some(*name)
        );
    }
}

#[test]
fn unknown_names_and_parameters_are_errors() {
    let err = gsim_by_name("NoSuchGsim2099", &[]).err();
    assert_eq!(err, Some(GsimError::UnknownGsim("NoSuchGsim2099".into())));
    assert!(err.is_some_and(|e| e.to_string().contains("NoSuchGsim2099")));
    let params = [("region".to_string(), "JPN".to_string())];
    assert!(matches!(
        gsim_by_name("BooreEtAl2014", &params),
        Err(GsimError::InvalidParameter { .. })
    ));
}

#[test]
fn unsupported_imts_name_gsim_and_imt() {
    let ctx = ctx_with(3, 500.0);
    let mut out = [vec![0.0; 3], vec![0.0; 3], vec![0.0; 3], vec![0.0; 3]];
    let [m, s, t, p] = &mut out;
    for (name, imt) in [
        ("SadighEtAl1997", Imt::Pgv),
        ("ToroEtAl2002", Imt::Sa(0.01)),
        ("BooreAtkinson2008", Imt::Sa(20.0)),
        ("BooreAtkinson2008", Imt::Pgd),
        ("ChiouYoungs2014", Imt::Sa(0.005)),
        ("CampbellBozorgnia2014", Imt::Sa(20.0)),
        ("AbrahamsonEtAl2014", Imt::Pgd),
    ] {
        let gsim = gsim_by_name(name, &[]).expect("gsim");
        let err = gsim.compute(&ctx, &imt, m, s, t, p).expect_err("error");
        let text = err.to_string();
        assert!(
            text.contains(name) && text.contains(&imt.to_string()),
            "{text}"
        );
    }
}

#[test]
fn wrong_lengths_are_errors_not_panics() {
    let gsim = gsim_by_name("ChiouYoungs2008", &[]).expect("gsim");
    let mut ctx = ctx_with(4, 10.0);
    ctx.rx.pop();
    let mut out = [vec![0.0; 4], vec![0.0; 4], vec![0.0; 4], vec![0.0; 4]];
    let [m, s, t, p] = &mut out;
    let err = gsim.compute(&ctx, &Imt::Pga, m, s, t, p).err();
    assert!(matches!(err, Some(GsimError::ColumnLength { ref column, .. }) if column == "rx"));
    let ctx = ctx_with(4, 10.0);
    let mut short = vec![0.0; 3];
    let err = gsim.compute(&ctx, &Imt::Pga, m, s, t, &mut short).err();
    assert!(matches!(err, Some(GsimError::ColumnLength { .. })));
}

#[test]
fn nan_contexts_give_nan_without_panicking() {
    for name in native_gsims() {
        let gsim = gsim_by_name(name, &[]).expect("gsim");
        for value in [f64::NAN, f64::INFINITY, -1.0, 0.0] {
            let ctx = ctx_with(2, value);
            let mut out = [vec![0.0; 2], vec![0.0; 2], vec![0.0; 2], vec![0.0; 2]];
            let [m, s, t, p] = &mut out;
            match gsim.compute(&ctx, &Imt::Pga, m, s, t, p) {
                // tabulated models cover a range of magnitudes
                Err(GsimError::OutOfRange { .. }) if !value.is_nan() => continue,
                other => other.expect("compute"),
            }
            if value.is_nan() {
                assert!(m.iter().all(|x| x.is_nan()), "{name}: {m:?}");
            }
        }
        // Empty contexts are fine too.
        let ctx = Contexts::default();
        gsim.compute(&ctx, &Imt::Pga, &mut [], &mut [], &mut [], &mut [])
            .expect("empty");
    }
}

#[test]
fn odd_contexts_at_every_imt_never_panic() {
    let imts = [
        Imt::Pga,
        Imt::Pgv,
        Imt::Sa(0.0),
        Imt::Sa(0.01),
        Imt::Sa(0.2),
        Imt::Sa(0.3),
        Imt::Sa(1.7),
        Imt::Sa(3.0),
        Imt::Sa(10.0),
        Imt::Sa(1e6),
    ];
    let values = [
        f64::NAN,
        f64::INFINITY,
        f64::NEG_INFINITY,
        -999.0,
        -1.0,
        0.0,
        1e-300,
        90.0,
        1e300,
    ];
    for name in native_gsims() {
        let gsim = gsim_by_name(name, &[]).expect("gsim");
        for imt in &imts {
            for value in values {
                let mut ctx = ctx_with(2, value);
                ctx.vs30measured = vec![false, true];
                let mut out = [vec![0.0; 2], vec![0.0; 2], vec![0.0; 2], vec![0.0; 2]];
                let [m, s, t, p] = &mut out;
                // Errors (unsupported IMTs) are fine; panics are not.
                let _ = gsim.compute(&ctx, imt, m, s, t, p);
            }
        }
    }
}

#[test]
fn tusa_langer_refuses_ec8_class_c_sites() {
    let gsim = gsim_by_name("TusaLanger2016Rhypo", &[]).unwrap();
    let mut ctx = ctx_with(2, 500.0);
    ctx.mag = vec![4.0; 2];
    ctx.rhypo = vec![10.0; 2];
    ctx.vs30 = vec![800.0, 250.0];
    let mut out = [vec![0.0; 2], vec![0.0; 2], vec![0.0; 2], vec![0.0; 2]];
    let [mean, sig, tau, phi] = &mut out;
    let err = gsim.compute(&ctx, &Imt::Pga, mean, sig, tau, phi).err();
    assert!(
        matches!(err, Some(GsimError::UnsupportedSite { .. })),
        "{err:?}"
    );
}

/// `GMPETable` reads the table file it is given; on site class C (vs30 = 450 m/s) its
/// medians and sigmas are those of `NBCC2015_AA13` with the same table, whose site term is
/// then zero.
#[test]
fn gmpe_table_reads_a_table_file() {
    let file = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tables/nbcc2015/Wcrust_med_clC.hdf5"
    );
    let table = gsim_by_name("GMPETable", &[("gmpe_table".into(), file.into())]).unwrap();
    let nbcc = gsim_by_name("NBCC2015_AA13_activecrust_central", &[]).unwrap();
    let mut ctx = ctx_with(4, 450.0);
    ctx.mag = vec![4.8, 5.55, 6.0, 9.4];
    ctx.rhypo = vec![0.5, 12.0, 150.0, 2000.0];
    for imt in [Imt::Pga, Imt::Sa(0.15), Imt::Sa(1.0)] {
        let mut a = [vec![0.0; 4], vec![0.0; 4], vec![0.0; 4], vec![0.0; 4]];
        let mut b = a.clone();
        let [m, s, t, p] = &mut a;
        table.compute(&ctx, &imt, m, s, t, p).unwrap();
        let [m, s, t, p] = &mut b;
        nbcc.compute(&ctx, &imt, m, s, t, p).unwrap();
        for i in 0..3 {
            assert!((a[0][i] - b[0][i]).abs() < 1e-12, "{imt} mean {i}");
            assert_eq!(a[1][i], b[1][i], "{imt} sigma {i}");
        }
        // beyond the last tabulated distance the median is negligible
        assert_eq!(a[0][3], 1e-20f64.ln());
    }

    let err = gsim_by_name(
        "GMPETable",
        &[("gmpe_table".into(), "/no/such.hdf5".into())],
    )
    .err()
    .unwrap()
    .to_string();
    assert!(err.contains("/no/such.hdf5"), "{err}");
    let mut ctx = ctx_with(1, 100.0);
    ctx.mag = vec![3.0];
    let mut out = [vec![0.0; 1], vec![0.0; 1], vec![0.0; 1], vec![0.0; 1]];
    let [m, s, t, p] = &mut out;
    let err = table.compute(&ctx, &Imt::Pga, m, s, t, p).unwrap_err();
    assert!(matches!(err, GsimError::OutOfRange { .. }), "{err}");
}
