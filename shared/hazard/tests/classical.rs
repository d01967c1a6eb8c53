//! Classical hazard curves compared with OpenQuake's, on its QA cases copied into
//! `tests/data/qa/classical/` (`expected/hazard_curve-<IMT>.csv`, written by OpenQuake).

use std::path::{Path, PathBuf};

use oqcloud_hazard::classical::sites::read_sites;
use oqcloud_hazard::classical::{
    ClassicalParams, HazardCurves, compute, compute_hazard_curves, compute_hazard_curves_from,
};
use oqcloud_model::jobini::JobIni;

const RTOL: f64 = 1e-4;
const ATOL: f64 = 1e-8;

fn case_dir(case: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/qa/classical")
        .join(case)
}

/// An expected CSV: the levels of the header and one (lon, lat, poes) row per site.
struct Expected {
    levels: Vec<f64>,
    rows: Vec<(f64, f64, Vec<f64>)>,
}

fn read_expected(path: &Path) -> Expected {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{path:?}: {e}"));
    let mut lines = text.lines().filter(|l| !l.starts_with('#'));
    let header = lines.next().unwrap();
    let levels = header
        .split(',')
        .skip(3)
        .map(|h| h.strip_prefix("poe-").unwrap().parse().unwrap())
        .collect();
    let rows = lines
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let f: Vec<f64> = l.split(',').map(|x| x.parse().unwrap()).collect();
            (f[0], f[1], f[3..].to_vec())
        })
        .collect();
    Expected { levels, rows }
}

/// Compares the mean curves with every `expected/hazard_curve-<IMT>.csv` (each PoE within
/// `ATOL + RTOL × expected`); returns the largest relative difference over expected PoEs
/// above `ATOL`.
fn compare(case: &str, curves: &HazardCurves) -> f64 {
    compare_files(case, curves, |imt| format!("hazard_curve-{imt}.csv"))
}

fn compare_files(case: &str, curves: &HazardCurves, file: impl Fn(&str) -> String) -> f64 {
    compare_curves(&case_dir(case), case, curves, None, file)
}

/// Compares the mean curves (`rlz` None) or those of realization `rlz` with the files
/// `dir/expected/<file(IMT)>`.
fn compare_curves(
    dir: &Path,
    case: &str,
    curves: &HazardCurves,
    rlz: Option<usize>,
    file: impl Fn(&str) -> String,
) -> f64 {
    let mut max_rel: f64 = 0.0;
    let mut failures = Vec::new();
    for (m, imt) in curves.imts.iter().enumerate() {
        let path = dir.join("expected").join(file(&imt.name));
        let expected = read_expected(&path);
        assert_eq!(
            expected.rows.len(),
            curves.sites.len(),
            "{case} {}",
            imt.name
        );
        for (want, got) in expected.levels.iter().zip(&imt.levels) {
            // the header rounds levels to 7 decimals
            assert!(
                (want - got).abs() <= 5.1e-8,
                "{case}: level {got} vs {want}"
            );
        }
        for (s, (lon, lat, want)) in expected.rows.iter().enumerate() {
            let site = curves.sites[s];
            // exports write coordinates through float32 (144.708 as 144.70799)
            assert!((site.lon - lon).abs() < 2e-5 && (site.lat - lat).abs() < 2e-5);
            let got = match rlz {
                Some(r) => curves.curve(r, s, m),
                None => curves.mean_curve(s, m),
            };
            assert_eq!(got.len(), want.len());
            for (k, (&g, &w)) in got.iter().zip(want).enumerate() {
                let diff = (g - w).abs();
                if w.abs() > ATOL {
                    max_rel = max_rel.max(diff / w.abs());
                }
                if diff > ATOL + RTOL * w.abs() {
                    failures.push(format!(
                        "{} site {s} level {}: got {g:e}, want {w:e}",
                        imt.name, imt.levels[k]
                    ));
                }
            }
        }
    }
    println!(
        "{case}{}: {} realization(s), max relative difference {max_rel:.3e}",
        rlz.map(|r| format!(" rlz {r}")).unwrap_or_default(),
        curves.realizations.len()
    );
    assert!(failures.is_empty(), "{case}:\n{}", failures.join("\n"));
    max_rel
}

#[test]
fn case_01_point_source_sadigh() {
    // job.ini sets the intentionally misspelled `minimun_magnitude`, which JobIni rejects.
    let dir = case_dir("case_01");
    let text = std::fs::read_to_string(dir.join("job.ini")).unwrap();
    let text: String = text
        .lines()
        .filter(|l| !l.trim_start().starts_with("minimun_magnitude"))
        .map(|l| format!("{l}\n"))
        .collect();
    let ini = JobIni::parse(&text, "job.ini", &dir).unwrap();
    let curves = compute_hazard_curves_from(&ini, &dir).unwrap();
    assert_eq!(curves.sites.len(), 4);
    assert_eq!(curves.realizations.len(), 1);
    compare("case_01", &curves);
}

#[test]
fn case_03_area_sources_minimum_magnitude() {
    let dir = case_dir("case_03");
    let curves = compute_hazard_curves(&dir.join("job.ini")).unwrap();
    compare("case_03", &curves);
    // minimum_magnitude = 5.7 matters: without it the hazard is higher
    let ini = JobIni::from_file(&dir.join("job.ini")).unwrap();
    let mut params = ClassicalParams::from_ini(&ini, &dir).unwrap();
    assert_eq!(params.minimum_magnitude, vec![("default".to_owned(), 5.7)]);
    params.minimum_magnitude.clear();
    let all = compute(&params).unwrap();
    assert!(
        all.mean[1] > curves.mean[1] * 1.01,
        "{:?}",
        (all.mean, curves.mean)
    );
}

/// A simple fault source (BooreEtAl2014, one site 155 km away). The expected mean curves
/// were exported by OpenQuake 3.26.2 running this case (`oq engine --run job.ini --exports
/// csv`); the case's own expected output is its uniform hazard spectrum (`uhs.csv`).
#[test]
fn case_04_simple_fault_boore_2014() {
    let curves = compute_hazard_curves(&case_dir("case_04").join("job.ini")).unwrap();
    assert_eq!(curves.imts.len(), 10);
    let max_rel = compare_files("case_04", &curves, |imt| {
        format!("hazard_curve-mean-{imt}.csv")
    });
    assert!(max_rel <= RTOL, "{max_rel}");
}

/// `expected/` comes from OpenQuake 3.20, which honoured `collapse_level = 0` by rounding the
/// float64 context parameters (here mag and rjb) to half precision before computing the PoEs;
/// OpenQuake 3.26 ignores `collapse_level`, and so do we: rounding mag and rjb to float16
/// reproduces the 3.20 file to 5e-7. `expected-3.26/` is OpenQuake 3.26.2's export of this job;
/// the 3.20 file is checked with the absolute tolerance 1e-3 of OpenQuake's own QA test.
#[test]
fn case_24_area_source_pgv_pga_sa_two_sites() {
    // pointsource_distance = 1000 exceeds maximum_distance: no approximation
    let curves = compute_hazard_curves(&case_dir("case_24").join("job.ini")).unwrap();
    assert_eq!(curves.imts.len(), 9);
    compare_files("case_24", &curves, |imt| {
        format!("../expected-3.26/hazard_curve-mean-{imt}.csv")
    });
    for (m, imt) in curves.imts.iter().enumerate() {
        let path = case_dir("case_24").join(format!("expected/hazard_curve-{}.csv", imt.name));
        for (s, (_, _, want)) in read_expected(&path).rows.iter().enumerate() {
            for (g, w) in curves.mean_curve(s, m).iter().zip(want) {
                assert!((g - w).abs() < 1e-3, "{} site {s}: {g} vs {w}", imt.name);
            }
        }
    }
}

#[test]
fn case_26_area_source_sa1() {
    let curves = compute_hazard_curves(&case_dir("case_26").join("job.ini")).unwrap();
    compare_files("case_26", &curves, |_| {
        "hazard_curve-rlz-000.csv".to_owned()
    });
}

#[test]
fn case_25_sites_csv_with_depths_tusa_langer() {
    // sites above sea level (negative depths), rhypo to them; the CSV rows are sorted
    let curves = compute_hazard_curves(&case_dir("case_25").join("job.ini")).unwrap();
    assert_eq!(curves.sites.len(), 6);
    assert_eq!(curves.sites[1].depth, -2.095);
    compare_files("case_25", &curves, |_| {
        "hazard_curve-smltp_b1-gsimltp_b1.csv".to_owned()
    });
}

/// Not an OpenQuake QA case: `tests/data/classical/source_model_branches`, three
/// source-model branches (one listing two files, two sharing a file), two tectonic region
/// types with two GSIMs each; expected files exported by OpenQuake 3.26.2
/// (`individual_rlzs = true`).
#[test]
fn source_model_branches_enumerate_like_openquake() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/classical/source_model_branches");
    let curves = compute_hazard_curves(&dir.join("job.ini")).unwrap();
    // 3 source models x 2 x 2 GSIM paths: a branch without a TRT still multiplies
    assert_eq!(curves.realizations.len(), 12);
    let paths: Vec<String> = curves
        .realizations
        .iter()
        .map(|r| {
            let gsims: Vec<&str> = r.gsims.iter().map(|(_, b)| b.gsim.as_str()).collect();
            format!("{}~{}", r.source_model, gsims.join("_"))
        })
        .collect();
    assert_eq!(paths[0], "b1~BooreAtkinson2008_ToroEtAl2002");
    assert_eq!(paths[1], "b1~BooreAtkinson2008_AkkarBommer2010");
    assert_eq!(paths[11], "b3~SadighEtAl1997_AkkarBommer2010");
    assert!((curves.realizations[5].weight - 0.3 * 0.7 * 0.4).abs() < 1e-15);
    let mut max_rel = compare_curves(&dir, "source_model_branches", &curves, None, |imt| {
        format!("hazard_curve-mean-{imt}.csv")
    });
    for r in 0..curves.realizations.len() {
        max_rel = max_rel.max(compare_curves(
            &dir,
            "source_model_branches",
            &curves,
            Some(r),
            |imt| format!("hazard_curve-rlz-{r:03}-{imt}.csv"),
        ));
    }
    println!("source_model_branches: max relative difference {max_rel:.3e}");
}

/// OpenQuake's QA test checks rupture distances only, without an expected file:
/// `expected/` here is OpenQuake 3.26.2's export of this job. `pointsource_distance = 1000`
/// exceeds the maximum distance; `rupture_mesh_spacing` takes its default, 5 km.
#[test]
fn case_48_point_sources_finite_size() {
    let curves = compute_hazard_curves(&case_dir("case_48").join("job.ini")).unwrap();
    compare_files("case_48", &curves, |imt| {
        format!("hazard_curve-mean-{imt}.csv")
    });
}

/// Runs `case` and compares its mean curves with `expected/<file(IMT)>`.
fn run_case(case: &str, file: impl Fn(&str) -> String) {
    let curves = compute_hazard_curves(&case_dir(case).join("job.ini")).unwrap();
    compare_files(case, &curves, file);
}

#[test]
fn case_12_two_trts_modifiable_gmpe() {
    run_case("case_12", |_| {
        "hazard_curve-smltp_b1-gsimltp_b1_b2.csv".into()
    });
}

#[test]
fn case_43_ps_grid_spacing() {
    run_case("case_43", |imt| format!("hazard_curve-mean-{imt}.csv"));
}

/// Atkinson2015 with `shift_hypo = true`: point-rupture hypocentres move with their surface.
/// (`expected/hazard_curve-mean-PGA.csv` is the same job without shift_hypo.)
#[test]
fn case_44_shift_hypo() {
    run_case("case_44", |imt| format!("hc-shift-hypo-{imt}.csv"));
}

#[test]
fn case_51_region_grid() {
    run_case("case_51", |imt| format!("hcurves-{imt}.csv"));
}

#[test]
fn case_60_point_source_alaska() {
    run_case("case_60", |_| "hazard_curve.csv".into());
}

#[test]
fn case_36_magnitude_dependent_aspect_ratios() {
    run_case("case_36", |imt| format!("hazard_curve-mean-{imt}.csv"));
}

/// A simple fault with a hypocentral depth distribution (the hypocentres themselves are
/// checked against OpenQuake's in `reference.rs`: this GSIM does not read them).
#[test]
fn case_28_simple_fault_hypo_depths() {
    run_case("case_28", |imt| format!("hazard_curve-mean-{imt}.csv"));
}

#[test]
fn case_69_collapsing_area_source() {
    run_case("case_69", |_| "hcurve-mean.csv".into());
}

#[test]
fn case_83_simple_fault_sites_csv() {
    run_case("case_83", |_| "hazard_curve-mean.csv".into());
}

/// MorikawaFujiwara2013's NIED subduction variants: z1pt4 from the job, and the positions of
/// the sites and of the characteristic faults' hypocentres.
#[test]
fn case_30_morikawa_fujiwara_2013() {
    run_case("case_30", |imt| format!("hazard_curve-mean-{imt}.csv"));
}

#[test]
fn case_87_site_model_csv() {
    run_case("case_87", |imt| format!("hazard_curve-mean-{imt}.csv"));
}

/// The sum of the mean hazard curve of `case` run with `site_model` as its
/// `site_model.csv` and its job.ini edited by `edit`.
fn total_poe_with_site_model(
    case: &str,
    site_model: &str,
    edit: impl Fn(String) -> String,
) -> Result<f64, oqcloud_hazard::HazardError> {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(case_dir(case)).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    std::fs::write(dir.path().join("site_model.csv"), site_model).unwrap();
    let ini = dir.path().join("job.ini");
    let text = std::fs::read_to_string(&ini).unwrap();
    std::fs::write(&ini, edit(text)).unwrap();
    compute_hazard_curves(&ini).map(|c| c.mean.iter().sum::<f64>())
}

/// LanzanoEtAl2016_RJB reads the site's coordinates and its basin flag `bas` from the site
/// model: in the Po Plain (`bas = 1`) its PGA term (-0.060 in log10) lowers the hazard;
/// without the column the job is refused, naming it.
#[test]
fn case_64_basin_flag_from_the_site_model() {
    run_case("case_64", |_| "hcurve-mean.csv".into());
    // levels where the motion is not certain to exceed them
    let total_poe = |site_model: &str| {
        total_poe_with_site_model("case_64", site_model, |ini| {
            ini.replace("[0.005]", "[0.01, 0.02, 0.05]")
        })
    };
    let plain = total_poe("lon,lat,vs30,vs30measured,bas\n12,44.3,800,0,0\n").unwrap();
    let basin = total_poe("lon,lat,vs30,vs30measured,bas\n12,44.3,800,0,1\n").unwrap();
    assert!(basin < plain, "{basin} vs {plain}");
    let err = total_poe("lon,lat,vs30,vs30measured\n12,44.3,800,0\n").unwrap_err();
    assert!(err.to_string().contains("site parameter bas"), "{err}");
}

/// AbrahamsonEtAl2015SInterHigh (BC Hydro) reads `backarc` from the site model, false where
/// it is not given, as in OpenQuake: the backarc term changes the hazard, and the along-arc
/// code 2 counts as backarc.
#[test]
fn case_42_backarc_from_the_site_model() {
    run_case("case_42", |imt| format!("hazard_curve-mean-{imt}.csv"));
    let total_poe = |site_model: &str| {
        total_poe_with_site_model("case_42", site_model, |ini| {
            ini.replace("sites = -71.9 -37.1", "site_model_file = site_model.csv")
        })
        .unwrap()
    };
    let forearc = total_poe("lon,lat,vs30,backarc\n-71.9,-37.1,800,0\n");
    assert_eq!(forearc, total_poe("lon,lat,vs30\n-71.9,-37.1,800\n"));
    let backarc = total_poe("lon,lat,vs30,backarc\n-71.9,-37.1,800,1\n");
    assert_ne!(backarc, forearc);
    assert_eq!(
        backarc,
        total_poe("lon,lat,vs30,backarc\n-71.9,-37.1,800,2\n")
    );
}

/// IdiniEtAl2017SInter reads the soil type `soiltype` from the site model (NRML or CSV):
/// rock (type I) takes no site term; without it the job is refused, naming it.
#[test]
fn case_63_soil_type_from_the_site_model() {
    run_case("case_63", |imt| format!("hazard_curve-mean-{imt}.csv"));
    let total_poe = |site_model: &str| {
        total_poe_with_site_model("case_63", site_model, |ini| {
            ini.replace("site_model.xml", "site_model.csv")
        })
    };
    // the NRML site model's site: vs30 330, soil type III
    let soil = total_poe("lon,lat,vs30,soiltype\n172.63,-43.53,330,3\n").unwrap();
    let xml = compute_hazard_curves(&case_dir("case_63").join("job.ini")).unwrap();
    assert_eq!(soil, xml.mean.iter().sum::<f64>());
    let rock = total_poe("lon,lat,vs30,soiltype\n172.63,-43.53,330,1\n").unwrap();
    assert_ne!(rock, soil);
    let err = total_poe("lon,lat,vs30\n172.63,-43.53,330\n").unwrap_err();
    assert!(err.to_string().contains("site parameter soiltype"), "{err}");
}

/// McVerry2006AscSC reads the New Zealand site class `siteclass` from the site model (and
/// no vs30): class C takes a site term that rock (A) does not; without the column the job
/// is refused, naming it.
#[test]
fn case_32_site_class_from_the_site_model() {
    run_case("case_32", |imt| format!("hazard_curve-mean-{imt}.csv"));
    let total_poe = |site_model: &str| {
        total_poe_with_site_model("case_32", site_model, |ini| {
            ini.replace("sites.csv", "site_model.csv")
        })
    };
    let soil = total_poe("lon,lat,siteclass\n0.5,-0.5,C\n").unwrap();
    let rock = total_poe("lon,lat,siteclass\n0.5,-0.5,A\n").unwrap();
    assert_ne!(rock, soil);
    assert_eq!(rock, total_poe("lon,lat,siteclass\n0.5,-0.5,B\n").unwrap());
    let err = total_poe("lon,lat,vs30\n0.5,-0.5,300\n").unwrap_err();
    assert!(
        err.to_string().contains("site parameter siteclass"),
        "{err}"
    );
}

fn demo_dir(demo: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/qa/demos")
        .join(demo)
}

/// The sites of `region` grids against OpenQuake 3.26's site collections, written by
/// `tools/region_sites.py` into `tests/data/qa/demos/region_sites.csv` (`name,lon,lat`).
#[test]
fn region_grids_as_openquake() {
    let table = std::fs::read_to_string(demo_dir("region_sites.csv")).unwrap();
    let mut expected: Vec<(String, Vec<(f64, f64)>)> = Vec::new();
    for line in table.lines().skip(1) {
        let f: Vec<&str> = line.split(',').collect();
        let site = (f[1].parse().unwrap(), f[2].parse().unwrap());
        match expected.last_mut() {
            Some((name, sites)) if name == f[0] => sites.push(site),
            _ => expected.push((f[0].to_owned(), vec![site])),
        }
    }
    assert!(expected.len() >= 2);
    for (name, want) in expected {
        let dir = if name.starts_with("case_") {
            case_dir(&name)
        } else {
            demo_dir(&name)
        };
        let ini = JobIni::from_file(&dir.join("job.ini")).unwrap();
        let got = read_sites(&ini, &dir).unwrap().sites;
        assert_eq!(got.len(), want.len(), "{name}");
        for (s, (site, (lon, lat))) in got.iter().zip(&want).enumerate() {
            assert!(
                site.lon == *lon && site.lat == *lat,
                "{name} site {s}: ({}, {}) vs ({lon}, {lat})",
                site.lon,
                site.lat
            );
        }
    }
}

/// Runs the reduced job `job_test.ini` of a demo (see `tools/demo_tests.py`) and compares its
/// mean curves with OpenQuake 3.26's in `expected/`.
fn run_demo(demo: &str) -> f64 {
    let dir = demo_dir(demo);
    let curves = compute_hazard_curves(&dir.join("job_test.ini")).unwrap();
    compare_curves(&dir, demo, &curves, None, |imt| {
        format!("hazard_curve-mean-{imt}.csv")
    })
}

#[test]
fn demo_area_source() {
    run_demo("AreaSourceClassicalPSHA");
}

/// `GMPETable` with its table named by an attribute of `uncertaintyModel` (the older form).
#[test]
fn demo_gmpe_table() {
    run_demo("GMPETablePSHA");
}

#[test]
fn demo_multi_point_magnitude_dependent_distance() {
    run_demo("MultiPointClassicalPSHA");
}

/// On faults the Joyner-Boore distance is measured to the polygon GEOS builds around the
/// mesh, rebuilt down to where its ring starts (`enclosing_polygon`, `geos_union`).
#[test]
fn demo_simple_fault() {
    run_demo("SimpleFaultSourceClassicalPSHA");
}

#[test]
fn demo_complex_fault() {
    run_demo("ComplexFaultSourceClassicalPSHA");
}

/// A characteristic fault of two planes (OpenQuake's `MultiSurface`).
#[test]
fn demo_characteristic_fault_1() {
    run_demo("CharacteristicFaultSourceCase1ClassicalPSHA");
}

#[test]
fn demo_characteristic_fault_2() {
    run_demo("CharacteristicFaultSourceCase2ClassicalPSHA");
}

#[test]
fn demo_characteristic_fault_3() {
    run_demo("CharacteristicFaultSourceCase3ClassicalPSHA");
}

#[test]
fn demo_point_source() {
    run_demo("PointSourceClassicalPSHA");
}

/// A GSIM the native engine does not have is named with the file and line of its branch.
#[test]
fn unknown_gsims_are_named_where_they_are_written() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/native-unsupported");
    let ini = JobIni::from_file(&dir.join("job.ini")).unwrap();
    let err = ClassicalParams::from_ini(&ini, &dir)
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with("not supported yet: GSIM Kanno2006Shallow")
            && err.contains("gmpe_logic_tree.xml, line 7"),
        "{err}"
    );
}

/// case_03 in a scratch directory, its source model edited by `edit`.
fn case_03_with_source_model(edit: impl Fn(&str) -> String) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    for entry in std::fs::read_dir(case_dir("case_03")).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let model = dir.path().join("source_model.xml");
    let text = std::fs::read_to_string(&model).unwrap();
    std::fs::write(&model, edit(&text)).unwrap();
    dir
}

/// What a source model says that the native engine does not model is refused, named, never
/// dropped: a group of sources rupturing as a cluster, a group's temporal occurrence model, a
/// source's other than Poisson or negative binomial, a source's element it does not read.
#[test]
fn source_model_features_not_modelled_are_refused_not_dropped() {
    let cases = [
        (
            r#"name="group 1""#,
            r#"name="group 1" cluster="true""#,
            "not supported yet: cluster source groups",
        ),
        (
            r#"name="group 1""#,
            r#"name="group 1" tom="NegativeBinomialTOM" mu="0.1" alpha="2.0""#,
            "not supported yet: a source group's NegativeBinomialTOM",
        ),
        (
            r#"id="1""#,
            r#"id="1" tom="FatedTOM""#,
            "source 1: not supported yet: the temporal occurrence model FatedTOM",
        ),
        (
            "</areaSource>",
            r#"<hypoList><hypo alongStrike="0.5" downDip="0.5" weight="1.0"/></hypoList></areaSource>"#,
            "source 1: not supported yet: <hypoList>",
        ),
    ];
    for (from, to, expected) in cases {
        let dir = case_03_with_source_model(|text| text.replacen(from, to, 1));
        let err = compute_hazard_curves(&dir.path().join("job.ini"))
            .unwrap_err()
            .to_string();
        assert_eq!(err, expected);
    }
    // a Poisson group, said so, is fine
    let dir = case_03_with_source_model(|text| {
        text.replacen(r#"name="group 1""#, r#"name="group 1" tom="PoissonTOM""#, 1)
    });
    compute_hazard_curves(&dir.path().join("job.ini")).unwrap();
}

/// `source_nodes` keeps the sources of the kinds it names (case_01 names its only kind).
#[test]
fn source_nodes_discards_the_other_kinds_of_source() {
    let dir = case_03_with_source_model(|text| text.to_owned());
    let ini = dir.path().join("job.ini");
    let text = std::fs::read_to_string(&ini).unwrap();
    std::fs::write(&ini, format!("{text}\nsource_nodes = pointSource\n")).unwrap();
    let curves = compute_hazard_curves(&ini).unwrap();
    assert!(curves.mean.iter().all(|&p| p == 0.0), "{:?}", curves.mean);
    std::fs::write(&ini, format!("{text}\nsource_nodes = areaSource\n")).unwrap();
    let curves = compute_hazard_curves(&ini).unwrap();
    assert!(curves.mean.iter().any(|&p| p > 0.0));
}
