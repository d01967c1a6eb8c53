//! Checks every native GSIM against the OpenQuake 3.26.2 tables written by
//! `tools/gsim_tables.py` into `tests/data/gsim/<Name>.csv`.

use std::collections::HashMap;
use std::path::PathBuf;

use oqcloud_gsim::{Contexts, Imt, gsim_by_name, native_gsims};

/// Relative tolerance on the mean and on each sigma.
const RTOL: f64 = 1e-6;
/// Absolute floor for values near zero.
const ATOL: f64 = 1e-10;

fn table_path(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(format!("../../tests/data/gsim/{name}.csv"))
}

/// Per IMT (in file order): the contexts and the expected [mean, sig, tau, phi].
type Cases = Vec<(Imt, Contexts, Vec<[f64; 4]>)>;

fn read_cases(name: &str) -> Cases {
    let path = table_path(name);
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut lines = text.lines();
    let header: Vec<&str> = lines.next().expect("header").split(',').collect();
    let mut cases: Cases = Vec::new();
    for line in lines {
        let cells: Vec<&str> = line.split(',').collect();
        assert_eq!(cells.len(), header.len(), "{line}");
        let imt: Imt = cells[0].parse().expect("imt");
        if cases.last().is_none_or(|(i, _, _)| *i != imt) {
            cases.push((imt, Contexts::default(), Vec::new()));
        }
        let (_, ctx, expected) = cases.last_mut().expect("case");
        // the one column of letters: the site class
        let mut value: HashMap<&str, f64> = HashMap::new();
        for (h, c) in header[1..].iter().zip(&cells[1..]) {
            match (*h, c.as_bytes()) {
                ("siteclass", &[letter]) => ctx.siteclass.push(letter),
                _ => {
                    value.insert(*h, c.parse::<f64>().expect("number"));
                }
            }
        }
        for (col, v) in &value {
            let column = match *col {
                "vs30measured" => {
                    ctx.vs30measured.push(*v != 0.0);
                    continue;
                }
                "bas" => {
                    ctx.bas.push(*v != 0.0);
                    continue;
                }
                "backarc" => {
                    ctx.backarc.push(*v != 0.0);
                    continue;
                }
                "mag" => &mut ctx.mag,
                "rake" => &mut ctx.rake,
                "dip" => &mut ctx.dip,
                "ztor" => &mut ctx.ztor,
                "width" => &mut ctx.width,
                "hypo_depth" => &mut ctx.hypo_depth,
                "hypo_lon" => &mut ctx.hypo_lon,
                "hypo_lat" => &mut ctx.hypo_lat,
                "vs30" => &mut ctx.vs30,
                "z1pt0" => &mut ctx.z1pt0,
                "z2pt5" => &mut ctx.z2pt5,
                "rrup" => &mut ctx.rrup,
                "rjb" => &mut ctx.rjb,
                "rx" => &mut ctx.rx,
                "ry0" => &mut ctx.ry0,
                "rhypo" => &mut ctx.rhypo,
                "repi" => &mut ctx.repi,
                "azimuth" => &mut ctx.azimuth,
                "rvolc" => &mut ctx.rvolc,
                "z_sed" => &mut ctx.z_sed,
                "z1pt4" => &mut ctx.z1pt4,
                "lon" => &mut ctx.lon,
                "lat" => &mut ctx.lat,
                "soiltype" => &mut ctx.soiltype,
                "mean" | "sig" | "tau" | "phi" => continue,
                other => panic!("unknown column {other}"),
            };
            column.push(*v);
        }
        expected.push(["mean", "sig", "tau", "phi"].map(|k| value[k]));
    }
    cases
}

/// Compares one GSIM with its table; returns the largest relative error.
fn check(name: &str) -> f64 {
    check_table(name, name, &[])
}

/// Compares GSIM `gsim` built with `params` with table `name`; returns the largest
/// relative error.
fn check_table(name: &str, gsim: &str, params: &[(&str, &str)]) -> f64 {
    let params: Vec<(String, String)> = params
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect();
    let gsim = gsim_by_name(gsim, &params).expect("gsim");
    let mut worst: f64 = 0.0;
    let mut failures = Vec::new();
    let mut rows = 0;
    for (imt, ctx, expected) in read_cases(name) {
        let n = ctx.len();
        let mut out = [vec![0.0; n], vec![0.0; n], vec![0.0; n], vec![0.0; n]];
        let [mean, sig, tau, phi] = &mut out;
        gsim.compute(&ctx, &imt, mean, sig, tau, phi)
            .unwrap_or_else(|e| panic!("{name} {imt}: {e}"));
        for (i, want) in expected.iter().enumerate() {
            rows += 1;
            for (k, label) in ["mean", "sig", "tau", "phi"].iter().enumerate() {
                let (got, want) = (out[k][i], want[k]);
                let err = (got - want).abs();
                if want != 0.0 {
                    worst = worst.max(err / want.abs());
                }
                let ok = err <= RTOL * want.abs() + ATOL || (got.is_nan() && want.is_nan());
                if !ok && failures.len() < 10 {
                    failures.push(format!("{imt} row {i} {label}: got {got}, want {want}"));
                }
            }
        }
    }
    assert!(rows > 1000, "{name}: only {rows} rows");
    assert!(failures.is_empty(), "{name}:\n{}", failures.join("\n"));
    println!("{name}: {rows} rows, max relative error {worst:.2e}");
    worst
}

#[test]
fn every_native_gsim_matches_openquake() {
    // the aliases of table GSIMs differ only by their table: a few are checked below
    for name in native_gsims() {
        if !name.starts_with("NBCC2015_AA13_") && !name.starts_with("NGAEastUSGS") {
            check(name);
        }
    }
}

/// Table GSIMs, by the aliases in `TABLES` of `tools/gsim_tables.py` (one per distance
/// metric and magnitude range), and with the parameters of its `TABLE_VARIANTS`.
#[test]
fn table_gsims_match_openquake() {
    for name in [
        "NBCC2015_AA13_activecrustFRjb_low",
        "NBCC2015_AA13_stablecrust_central",
        "NBCC2015_AA13_interface_high",
        "NGAEastUSGSSammons17",
    ] {
        check(name);
    }
    check_table(
        "NGAEastUSGSGMPE-coastal-panel",
        "NGAEastUSGSGMPE",
        &[
            ("gmpe_table", "nga_east_usgs_17.hdf5"),
            ("coastal_plains_site_amp", "true"),
            ("z_sed_scaling", "true"),
            ("sigma_model", "PANEL"),
        ],
    );
    check_table(
        "NGAEastUSGSGMPE-epri",
        "NGAEastUSGSGMPE",
        &[
            ("gmpe_table", "nga_east_usgs_1.hdf5"),
            ("sigma_model", "EPRI"),
            ("epistemic_site", "false"),
        ],
    );
}

/// `ModifiableGMPE`s, with the parameters of `MODIFIED` in `tools/gsim_tables.py` as a
/// `gsim_logic_tree.xml` branch gives them.
#[test]
fn modifiable_gmpes_match_openquake() {
    let nrcan = |kind| {
        [
            ("gmpe.BooreAtkinson2008", "{}"),
            ("nrcan15_site_term.kind", kind),
        ]
    };
    check_table(
        "ModifiableGMPE-nrcan15-base",
        "ModifiableGMPE",
        &nrcan("'base'"),
    );
    check_table(
        "ModifiableGMPE-nrcan15-linear",
        "ModifiableGMPE",
        &nrcan("'linear'"),
    );
    check_table(
        "ModifiableGMPE-epsilon-tau",
        "ModifiableGMPE",
        &[
            ("gmpe.AkkarEtAlRjb2014", "{}"),
            ("set_between_epsilon.epsilon_tau", "0.5"),
            ("set_scale_total_sigma_scalar.scaling_factor", "1.2"),
        ],
    );
}
