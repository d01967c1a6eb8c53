//! Reads the reference datastore (OpenQuake 3.26.2) and compares with the values dumped by
//! `tools/datastore_dump.py`; writes everything back and checks it again, with our reader and
//! (when the reference python is available) with h5py and OpenQuake.

use std::path::{Path, PathBuf};
use std::process::Command;

use oqcloud_datastore::{AttrValue, DType, Datastore, Error, HazardDataset, HazardKind};
use serde_json::Value;

const KINDS: [HazardKind; 4] = [
    HazardKind::CurvesRlzs,
    HazardKind::CurvesStats,
    HazardKind::MapsRlzs,
    HazardKind::MapsStats,
];

fn data(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/data/datastore")
        .join(name)
}

fn reference() -> Datastore {
    Datastore::open(data("classical.hdf5")).unwrap()
}

fn expected() -> Value {
    serde_json::from_str(&std::fs::read_to_string(data("classical.expected.json")).unwrap())
        .unwrap()
}

fn f64s(v: &Value) -> Vec<f64> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_f64().unwrap())
        .collect()
}

fn strs(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap()
        .iter()
        .map(|x| x.as_str().unwrap().to_string())
        .collect()
}

/// Checks a datastore against the dump of the reference one.
fn check_against_dump(ds: &Datastore) {
    let exp = expected();
    // oqparam: same JSON text, byte for byte
    let oq = ds.oqparam().unwrap();
    assert_eq!(oq.to_json_text(), exp["oqparam_text"].as_str().unwrap());
    assert_eq!(oq.calculation_mode(), Some("classical"));
    assert_eq!(oq.investigation_time(), Some(50.0));
    assert_eq!(oq.poes().unwrap(), vec![0.1, 0.02]);
    let imtls = oq.hazard_imtls().unwrap();
    assert_eq!(
        imtls.iter().map(|(i, _)| i.as_str()).collect::<Vec<_>>(),
        ["PGA", "SA(0.1)"]
    );
    assert_eq!(imtls[1].1.last(), Some(&3.0));

    let sc = ds.sitecol().unwrap();
    let esc = &exp["sitecol"];
    assert_eq!(
        sc.sids.iter().map(|&s| s as f64).collect::<Vec<_>>(),
        f64s(&esc["sids"])
    );
    assert_eq!(sc.lon, f64s(&esc["lon"]));
    assert_eq!(sc.lat, f64s(&esc["lat"]));
    assert_eq!(sc.depth, f64s(&esc["depth"]));
    let param = |name: &str| sc.param(name).unwrap().to_f64(name).unwrap();
    assert_eq!(param("vs30"), f64s(&esc["vs30"]));
    assert_eq!(param("z1pt0"), f64s(&esc["z1pt0"]));
    assert!(sc.param("z2pt5").is_none());
    let measured: Vec<bool> = esc["vs30measured"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b.as_bool().unwrap())
        .collect();
    let vs30measured = sc.param("vs30measured").unwrap();
    assert_eq!(vs30measured.dtype, DType::Bool);
    assert_eq!(vs30measured.to_bool("vs30measured").unwrap(), measured);
    let cols: Vec<String> = sc.columns().into_iter().map(|(n, _)| n).collect();
    assert_eq!(cols.join(" "), exp["sitecol_pdcolumns"].as_str().unwrap());

    let lt = ds.full_lt().unwrap();
    let e = &exp["full_lt"];
    assert_eq!(
        lt.gsim_lt
            .iter()
            .map(|b| b.uncertainty.clone())
            .collect::<Vec<_>>(),
        strs(&e["gsim_lt"]["uncertainty"])
    );
    assert_eq!(
        lt.gsim_lt
            .iter()
            .map(|b| b.branch.clone())
            .collect::<Vec<_>>(),
        strs(&e["gsim_lt"]["branch"])
    );
    assert_eq!(
        lt.gsim_lt.iter().map(|b| b.weight).collect::<Vec<_>>(),
        f64s(&e["gsim_lt"]["weight"])
    );
    assert_eq!(
        lt.source_model_lt
            .iter()
            .map(|b| b.uvalue.clone())
            .collect::<Vec<_>>(),
        strs(&e["source_model_lt"]["uvalue"])
    );
    assert_eq!(
        lt.sm_data
            .iter()
            .map(|s| s.path.clone())
            .collect::<Vec<_>>(),
        strs(&e["sm_data"]["path"])
    );
    assert_eq!(
        lt.sm_data
            .iter()
            .map(|s| s.samples as f64)
            .collect::<Vec<_>>(),
        f64s(&e["sm_data"]["samples"])
    );
    assert_eq!(
        lt.source_data
            .iter()
            .map(|s| s.source.clone())
            .collect::<Vec<_>>(),
        strs(&e["source_data"]["source"])
    );
    assert_eq!(lt.trts, strs(&exp["full_lt_attrs"]["trts"]));
    assert_eq!(lt.seed, exp["full_lt_attrs"]["seed"].as_i64().unwrap());
    assert_eq!(lt.source_model_lt_attrs.sampling_method, "early_weights");

    let rlzs = ds.realizations().unwrap();
    let erlzs = exp["realizations"].as_array().unwrap();
    assert_eq!(rlzs.len(), erlzs.len());
    for (r, e) in rlzs.iter().zip(erlzs) {
        assert_eq!(r.ordinal as u64, e[0].as_u64().unwrap());
        assert_eq!(r.branch_path, e[1].as_str().unwrap());
        assert_eq!(r.weight as f32 as f64, e[2].as_f64().unwrap());
    }
    assert_eq!(
        ds.weights()
            .unwrap()
            .iter()
            .map(|&w| w as f64)
            .collect::<Vec<_>>(),
        f64s(&exp["weights"])
    );

    for kind in KINDS {
        let h = ds.hazard(kind).unwrap();
        let e = &exp[kind.dataset()];
        let shape: Vec<usize> = e["shape"]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as usize)
            .collect();
        assert_eq!(h.array.shape(), shape.as_slice(), "{}", kind.dataset());
        // C order, f32 values exact
        let values: Vec<f32> = f64s(&e["values"]).into_iter().map(|x| x as f32).collect();
        assert_eq!(
            h.array.iter().copied().collect::<Vec<_>>(),
            values,
            "{}",
            kind.dataset()
        );
        let names: Vec<&str> = h.axes.iter().map(|a| a.name.as_str()).collect();
        assert_eq!(names, kind.axis_names());
        assert_eq!(h.labels("imt").unwrap(), ["PGA", "SA(0.1)"]);
    }
    assert_eq!(
        ds.hazard(HazardKind::CurvesStats)
            .unwrap()
            .labels("stat")
            .unwrap(),
        ["mean", "quantile-0.15", "quantile-0.85"]
    );
}

#[test]
fn reads_the_reference_datastore_like_openquake() {
    check_against_dump(&reference());
}

#[test]
fn hazard_json_attributes_are_rebuilt_exactly() {
    let ds = reference();
    let poes = [0.1, 0.02];
    for kind in KINDS {
        let h = ds.hazard(kind).unwrap();
        let stats = ["mean", "quantile-0.15", "quantile-0.85"];
        let rebuilt = HazardDataset::new(kind, h.array.clone(), &stats, &["PGA", "SA(0.1)"], &poes);
        assert_eq!(rebuilt, h, "{}", kind.dataset());
    }
}

#[test]
fn raw_reads_have_the_reference_shapes_and_types() {
    let ds = reference();
    let exp = expected();
    let mut checked = 0;
    for (name, v) in exp["layout"].as_object().unwrap() {
        let numpy_type = v[0].as_str().unwrap();
        let shape: Vec<usize> = v[1]
            .as_array()
            .unwrap()
            .iter()
            .map(|x| x.as_u64().unwrap() as usize)
            .collect();
        match ds.read_dataset_raw(name) {
            Ok(raw) => {
                assert_eq!(raw.shape, shape, "{name}");
                assert_eq!(raw.data.len(), raw.len() * raw.dtype.size(), "{name}");
                let simple = match numpy_type {
                    "float32" => Some(DType::Float(4)),
                    "float64" => Some(DType::Float(8)),
                    "uint32" => Some(DType::UInt(4)),
                    "uint16" => Some(DType::UInt(2)),
                    "int64" => Some(DType::Int(8)),
                    "bool" => Some(DType::Bool),
                    _ => None,
                };
                if let Some(t) = simple {
                    assert_eq!(raw.dtype, t, "{name}");
                }
                checked += 1;
            }
            // only variable-length sequences are refused
            Err(Error::Unsupported { path, .. })
                if ["trt_smrs", "rup/probs_occur"].contains(&name.as_str()) =>
            {
                assert_eq!(&path, name)
            }
            Err(e) => panic!("{name}: {e}"),
        }
    }
    assert!(checked > 40, "{checked}");
    let tasks = ds.read_dataset_raw("task_info").unwrap();
    assert_eq!(
        tasks.dtype.numpy_descr(),
        "[('taskname', '|S50'), ('task_no', '<u4'), ('weight', '<f4'), ('duration', '<f4'), ('received', '<i8'), ('mem_gb', '<f4')]"
    );
    let gsims = ds.read_dataset_raw("gsims").unwrap();
    assert_eq!(
        gsims.to_strings("gsims").unwrap(),
        ["[BooreAtkinson2008]", "[ChiouYoungs2008]"]
    );
    assert_eq!(gsims.dtype, DType::Bytes(19));
    let oq = ds.read_dataset_raw("oqparam").unwrap();
    assert!(oq.shape.is_empty());
}

#[test]
fn attributes_groups_and_members() {
    let ds = reference();
    assert_eq!(
        ds.attr("", "engine_version").unwrap(),
        AttrValue::Str("3.26.2".into())
    );
    assert!(matches!(
        ds.attr("", "checksum32").unwrap(),
        AttrValue::Int(_)
    ));
    let attrs = ds.attrs("full_lt/source_model_lt").unwrap();
    assert!(attrs.contains(&("is_source_specific".into(), AttrValue::Bool(false))));
    assert!(attrs.contains(&("num_paths".into(), AttrValue::Int(1))));
    assert_eq!(
        ds.attr("full_lt", "trts").unwrap(),
        AttrValue::Strs(vec!["Active Shallow Crust".into()])
    );
    assert!(ds.is_group("sitecol").unwrap());
    assert!(!ds.is_group("weights").unwrap());
    assert_eq!(
        ds.members("full_lt").unwrap(),
        ["gsim_lt", "sm_data", "source_data", "source_model_lt"]
    );
    assert!(
        ds.members("")
            .unwrap()
            .contains(&"hcurves-stats".to_string())
    );
    assert!(ds.contains("full_lt/gsim_lt"));
    assert!(!ds.contains("nope/deeper"));
}

#[test]
fn errors_name_the_dataset() {
    let ds = reference();
    let e = ds.read_dataset_raw("uhs").unwrap_err();
    assert_eq!(e.to_string(), "No 'uhs' found in the datastore");
    assert!(
        matches!(ds.read_dataset_raw("sitecol"), Err(Error::Malformed { path, .. }) if path == "sitecol")
    );
    assert!(matches!(ds.attr("weights", "json"), Err(Error::Missing(p)) if p == "weights@json"));

    let dir = tempfile::tempdir().unwrap();
    let junk = dir.path().join("junk.hdf5");
    std::fs::write(&junk, b"not an hdf5 file").unwrap();
    assert!(
        matches!(Datastore::open(&junk), Err(Error::Hdf5 { path, .. }) if path.ends_with("junk.hdf5"))
    );

    // a sitecol without lon, and a hazard array without its json attribute
    let broken = Datastore::create(dir.path().join("broken.hdf5")).unwrap();
    let mut sc = reference().sitecol().unwrap();
    sc.lon.pop();
    assert!(
        matches!(broken.write_sitecol(&sc), Err(Error::Malformed { path, .. }) if path == "sitecol/lon")
    );
    let sids = reference().read_dataset_raw("sitecol/sids").unwrap();
    broken.write_dataset_raw("sitecol/sids", &sids).unwrap();
    broken
        .set_attr(
            "sitecol",
            "__pdcolumns__",
            &AttrValue::Str("sids lon".into()),
        )
        .unwrap();
    let e = broken.sitecol().unwrap_err();
    assert_eq!(e.to_string(), "No 'sitecol/lon' found in the datastore");
    let h = reference().read_dataset_raw("hcurves-stats").unwrap();
    broken.write_dataset_raw("hcurves-stats", &h).unwrap();
    let e = broken.hazard(HazardKind::CurvesStats).unwrap_err();
    assert_eq!(
        e.to_string(),
        "No 'hcurves-stats@json' found in the datastore"
    );
    broken.write_dataset_raw("oqparam", &h).unwrap();
    assert!(
        broken
            .oqparam()
            .unwrap_err()
            .to_string()
            .starts_with("oqparam: ")
    );
}

/// Writes every dataset this crate knows, read from the reference datastore, to `path`.
fn write_copy(path: &Path) {
    let src = reference();
    let out = Datastore::create(path).unwrap();
    out.write_oqparam(&src.oqparam().unwrap()).unwrap();
    out.write_sitecol(&src.sitecol().unwrap()).unwrap();
    out.write_full_lt(&src.full_lt().unwrap()).unwrap();
    out.write_weights(&src.weights().unwrap()).unwrap();
    for kind in KINDS {
        out.write_hazard(kind, &src.hazard(kind).unwrap()).unwrap();
    }
    for (name, value) in src.attrs("").unwrap() {
        out.set_attr("", &name, &value).unwrap();
    }
    out.flush().unwrap();
}

#[test]
fn round_trip_with_our_reader() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calc_1.hdf5");
    write_copy(&path);
    let (src, ds) = (reference(), Datastore::open(&path).unwrap());
    check_against_dump(&ds);
    assert_eq!(ds.full_lt().unwrap(), src.full_lt().unwrap());
    assert_eq!(ds.sitecol().unwrap(), src.sitecol().unwrap());
    assert_eq!(ds.attrs("").unwrap(), src.attrs("").unwrap());
    for name in [
        "full_lt",
        "full_lt/gsim_lt",
        "full_lt/source_model_lt",
        "sitecol",
        "oqparam",
        "hcurves-rlzs",
    ] {
        assert_eq!(ds.attrs(name).unwrap(), src.attrs(name).unwrap(), "{name}");
    }
    for name in [
        "full_lt/gsim_lt",
        "full_lt/sm_data",
        "sitecol/vs30measured",
        "weights",
    ] {
        assert_eq!(
            ds.read_dataset_raw(name).unwrap(),
            src.read_dataset_raw(name).unwrap(),
            "{name}"
        );
    }
    // rewriting replaces
    let rw = Datastore::create(dir.path().join("rw.hdf5")).unwrap();
    rw.write_weights(&[1.0]).unwrap();
    rw.write_weights(&[0.25, 0.75]).unwrap();
    assert_eq!(rw.weights().unwrap(), [0.25, 0.75]);
}

/// The reference engine's python, if installed.
fn reference_python() -> Option<PathBuf> {
    let from_env = std::env::var_os("OQCLOUD_OPENQUAKE")
        .map(PathBuf::from)
        .and_then(|oq| oq.parent().map(|d| d.join("python")));
    [from_env, Some(PathBuf::from("/work/.venv-oq/bin/python"))]
        .into_iter()
        .flatten()
        .find(|p| p.exists())
}

#[test]
fn round_trip_seen_by_h5py_and_openquake() {
    let Some(python) = reference_python() else {
        eprintln!(
            "SKIPPED round_trip_seen_by_h5py_and_openquake: no reference OpenQuake python (set OQCLOUD_OPENQUAKE)"
        );
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calc_1.hdf5");
    write_copy(&path);
    // Python reads its own copy of the reference: the other tests of this binary open the
    // shared file meanwhile, and another process's HDF5 open could get in their way
    let reference = dir.path().join("reference.hdf5");
    std::fs::copy(data("classical.hdf5"), &reference).unwrap();
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tools/datastore_check.py");
    let out = Command::new(python)
        .arg(script)
        .arg(&reference)
        .arg(&path)
        .env("OQ_DATABASE", "127.0.0.1")
        .output()
        .unwrap();
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && stdout.trim() == "OK",
        "{stdout}\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn chunked_and_compressed_datasets() {
    let ds = reference();
    // chunked compound table: the slices of `_rates` by source group
    let slices = ds.read_dataset_raw("_rates/slice_by_idx").unwrap();
    let col = |f: &str| slices.field(f).unwrap().to_i64(f).unwrap();
    assert_eq!(col("idx"), [0, 1, 0, 1]);
    assert_eq!(col("start"), [0, 30, 45, 75]);
    assert_eq!(col("stop"), [30, 45, 75, 90]);
    // chunked and gzip-compressed columns
    let rates = ds.read_dataset_raw("_rates/rate").unwrap();
    assert_eq!(rates.dtype, DType::Float(4));
    let rates = rates.to_f64("_rates/rate").unwrap();
    assert_eq!(rates.len(), 90);
    assert!(rates.iter().all(|r| r.is_finite() && *r > 0.0));
    let mags = ds
        .read_dataset_raw("rup/mag")
        .unwrap()
        .to_f64("rup/mag")
        .unwrap();
    assert_eq!(mags.len(), 8319);
    assert!(mags.iter().all(|m| (5.0..=7.0).contains(m)), "{mags:?}");
    let tasks = ds.read_dataset_raw("task_info").unwrap();
    assert_eq!(tasks.shape, [12]);
    assert!(
        tasks
            .field("taskname")
            .unwrap()
            .to_strings("task_info")
            .unwrap()
            .contains(&"preclassical".to_string())
    );
}

#[test]
fn child_processes_do_not_inherit_open_datastores() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("calc_2.hdf5");
    let ds = Datastore::create(&path).unwrap();
    ds.write_weights(&[1.0]).unwrap();
    // a child spawned while the file is open must not keep HDF5's lock on it
    let mut child = Command::new("sleep").arg("10").spawn().unwrap();
    drop(ds);
    let reopened = Datastore::open(&path);
    child.kill().unwrap();
    child.wait().unwrap();
    assert_eq!(reopened.unwrap().weights().unwrap(), [1.0]);
}

#[test]
fn write_and_read_back_without_reference() {
    use ndarray::Array4;
    use oqcloud_datastore::{
        FullLogicTree, GsimBranch, OqParam, SiteCollection, SiteValues, SmRealization, SmltBranch,
    };
    let dir = tempfile::tempdir().unwrap();
    let ds = Datastore::create(dir.path().join("native.hdf5")).unwrap();
    let oq = OqParam::from_json_text(
        r#"{"calculation_mode": "classical", "poes": [0.1], "hazard_imtls": {"PGA": [0.1, 0.2]}}"#,
    )
    .unwrap();
    ds.write_oqparam(&oq).unwrap();
    let mut sc = SiteCollection::new(vec![1.0, 2.0], vec![3.0, 4.0], vec![0.0, -0.1]);
    // in the order set, whatever the names
    let text = |v: &[&str]| SiteValues::Text(v.iter().map(|s| s.to_string()).collect());
    sc.set_param("vs30", &SiteValues::Numbers(vec![760.0, 400.0]))
        .unwrap();
    sc.set_param("z2pt5", &SiteValues::Numbers(vec![1.0, 2.0]))
        .unwrap();
    sc.set_param("vs30measured", &SiteValues::Flags(vec![true, false]))
        .unwrap();
    sc.set_param("backarc", &text(&["2", "0"])).unwrap();
    sc.set_param("siteclass", &text(&["C", "D"])).unwrap();
    sc.set_param("soiltype", &SiteValues::Numbers(vec![3.0, 1.0]))
        .unwrap();
    ds.write_sitecol(&sc).unwrap();
    let branch = |trt: &str, id: &str, gsim: &str| GsimBranch {
        trt: trt.into(),
        branch: id.into(),
        uncertainty: gsim.into(),
        weight: 0.5,
    };
    let lt = FullLogicTree {
        num_samples: 0,
        seed: 42,
        oversampling: "tolerate".into(),
        trts: vec!["Active".into(), "Stable".into()],
        gsim_lt: vec![
            branch("Stable", "s1", "[A]"),
            branch("Stable", "s2", "[B]"),
            branch("Active", "a1", "[C]"),
            branch("Active", "a2", "[D]"),
        ],
        source_model_lt: vec![SmltBranch {
            branchset: "bs".into(),
            branch: "b1".into(),
            utype: "sourceModel".into(),
            uvalue: "'sm.xml'".into(),
            weight: 1.0,
        }],
        sm_data: vec![SmRealization {
            name: "['sm.xml']".into(),
            weight: 1.0,
            path: "b1".into(),
            samples: 4,
        }],
        ..Default::default()
    };
    ds.write_full_lt(&lt).unwrap();
    let h = HazardDataset::new(
        HazardKind::CurvesRlzs,
        Array4::from_elem((2, 4, 1, 2), 0.5),
        &[],
        &["PGA"],
        &[],
    );
    ds.write_hazard(HazardKind::CurvesRlzs, &h).unwrap();
    assert_eq!(ds.oqparam().unwrap(), oq);
    assert_eq!(ds.hazard(HazardKind::CurvesRlzs).unwrap(), h);
    assert_eq!(ds.sitecol().unwrap(), sc);
    let paths: Vec<String> = lt
        .realizations()
        .unwrap()
        .into_iter()
        .map(|r| r.branch_path)
        .collect();
    // TRTs sorted: Active varies slowest
    assert_eq!(paths, ["A~AA", "A~AB", "A~BA", "A~BB"]);
}
