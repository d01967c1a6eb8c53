//! Our extracts against the reference engine's (`tools/reference_extracts.py`, in
//! `tests/data/extract`): on the reference's own datastore of a classical job with two
//! realizations, mean and quantiles (same members, dtypes, shapes and bytes), and on a
//! native run of the same job (same members, dtypes and shapes; values within [`RTOL`]).

use std::collections::BTreeMap;
use std::io::Read;
use std::path::{Path, PathBuf};

use oqcloud_datastore::Datastore;
use oqcloud_extract::{ExtractError, extract};
use oqcloud_worker::{Engine, RunContext, native::NativeEngine};
use py_literal::Value as PyValue;

mod common;
use common::{Member, read_npz};

/// Absolute tolerance on native values (PoEs below it are noise), as the QA cases.
const ATOL: f64 = 1e-8;
/// Relative tolerance on native values: the tolerance of the QA cases (the native engine
/// reproduces this job's curves to about 1e-5 of the reference's).
const RTOL: f64 = 1e-4;

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn fixtures() -> PathBuf {
    root().join("tests/data/extract")
}

/// The fixtures of the disaggregation job (`tests/data/extract-disagg/job`).
fn disagg_fixtures() -> PathBuf {
    root().join("tests/data/extract-disagg")
}

/// The fixtures of the event-based job (`tests/data/extract-event/job`).
fn event_fixtures() -> PathBuf {
    root().join("tests/data/extract-event")
}

/// The fixtures of the scenario job (`tests/data/extract-scenario/job`).
fn scenario_fixtures() -> PathBuf {
    root().join("tests/data/extract-scenario")
}

/// The fixtures of a risk job (`tests/data/extract-risk-<kind>/job`, `kind` one of
/// `scenario`, `damage`, `event`, `event-damage`).
fn risk_fixtures(kind: &str) -> PathBuf {
    root().join(format!("tests/data/extract-risk-{kind}"))
}

/// File name → spec, as the tool wrote them.
fn specs() -> Vec<(String, String)> {
    specs_in(&fixtures())
}

fn specs_in(dir: &Path) -> Vec<(String, String)> {
    let text = std::fs::read_to_string(dir.join("specs.json")).unwrap();
    let map: serde_json::Map<String, serde_json::Value> = serde_json::from_str(&text).unwrap();
    map.into_iter()
        .map(|(file, spec)| (file, spec.as_str().unwrap().to_owned()))
        .collect()
}

/// Extracts `spec` (`what?k=v&k=v`) as the API does.
fn ours(ds: &Datastore, spec: &str) -> Result<BTreeMap<String, Member>, ExtractError> {
    let (what, query) = spec.split_once('?').unwrap_or((spec, ""));
    let params: Vec<(String, String)> = query
        .split('&')
        .filter(|pair| !pair.is_empty())
        .map(|pair| {
            let (k, v) = pair.split_once('=').unwrap();
            (k.to_owned(), v.to_owned())
        })
        .collect();
    let npz = extract(ds, what, &params)?;
    Ok(read_npz(&npz.to_bytes().unwrap()))
}

fn theirs(file: &str) -> BTreeMap<String, Member> {
    theirs_in(&fixtures(), file)
}

fn theirs_in(dir: &Path, file: &str) -> BTreeMap<String, Member> {
    read_npz(&std::fs::read(dir.join(file)).unwrap())
}

/// The (offset, kind, size) of every scalar of a dtype, and the item size.
fn leaves(descr: &PyValue, base: usize, out: &mut Vec<(usize, char, usize)>) -> usize {
    match descr {
        PyValue::String(code) => {
            let kind = code.chars().nth(1).unwrap();
            let n: usize = code[2..].parse().unwrap();
            let size = if kind == 'U' { 4 * n } else { n };
            out.push((base, kind, size));
            size
        }
        PyValue::List(fields) => {
            let mut offset = 0;
            for field in fields {
                let PyValue::Tuple(parts) = field else {
                    panic!("{field:?}")
                };
                offset += leaves(&parts[1], base + offset, out);
            }
            offset
        }
        other => panic!("unexpected descr {other:?}"),
    }
}

/// Same values, floats within `atol + rtol * |expected|` (`rtol` 0: the same bytes); returns
/// the largest relative difference of the floats above `atol`.
fn assert_close(
    spec: &str,
    name: &str,
    ours: &Member,
    theirs: &Member,
    (rtol, atol): (f64, f64),
) -> f64 {
    let mut scalars = Vec::new();
    let itemsize = leaves(&theirs.descr, 0, &mut scalars);
    assert_eq!(ours.data.len(), theirs.data.len(), "{spec}: {name}");
    if rtol == 0.0 {
        assert!(ours.data == theirs.data, "{spec}: {name} differs");
        return 0.0;
    }
    let mut largest: f64 = 0.0;
    for (item, (a, b)) in ours
        .data
        .chunks(itemsize)
        .zip(theirs.data.chunks(itemsize))
        .enumerate()
    {
        for &(offset, kind, size) in &scalars {
            let (x, y) = (&a[offset..offset + size], &b[offset..offset + size]);
            if kind != 'f' {
                assert_eq!(x, y, "{spec}: {name}[{item}] at byte {offset}");
                continue;
            }
            let float = |bytes: &[u8]| match size {
                4 => f64::from(f32::from_le_bytes(bytes.try_into().unwrap())),
                _ => f64::from_le_bytes(bytes.try_into().unwrap()),
            };
            let (x, y) = (float(x), float(y));
            assert!(
                (x - y).abs() <= atol + rtol * y.abs(),
                "{spec}: {name}[{item}] at byte {offset}: {x} != {y}"
            );
            if y.abs() > atol {
                largest = largest.max((x - y).abs() / y.abs());
            }
        }
    }
    largest
}

/// The kind of a dtype without string widths (`|S1664` and `|S1700` are both `|S`).
fn without_widths(descr: &PyValue) -> String {
    let text = format!("{descr:?}");
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        out.push(c);
        if c == 'S' || c == 'U' {
            while chars.peek().is_some_and(char::is_ascii_digit) {
                chars.next();
            }
        }
    }
    out
}

/// The text of a gzip member (`rupture_info`'s `boundaries`): 0-d bytes, decompressed.
fn gunzipped(spec: &str, member: &Member) -> String {
    assert!(member.shape.is_empty(), "{spec}: boundaries is not 0-d");
    assert_eq!(without_widths(&member.descr), "String(\"|S\")", "{spec}");
    let mut text = String::new();
    flate2::read::GzDecoder::new(member.data.as_slice())
        .read_to_string(&mut text)
        .unwrap_or_else(|e| panic!("{spec}: boundaries is not gzip: {e}"));
    text
}

/// Every spec of the fixtures in `dir` extracted from its `calc.hdf5`: the same members,
/// dtypes, shapes and bytes as the reference's (for gzip members, the same text: the
/// compressed bytes carry a time stamp).
fn check_reference(dir: &Path) {
    check_reference_within(dir, (0.0, 0.0));
}

/// [`check_reference`] with floats within `atol + rtol * |expected|` of the reference's
/// (`rtol` 0: the same bytes); the largest relative difference.
fn check_reference_within(dir: &Path, tolerance: (f64, f64)) -> f64 {
    let mut largest: f64 = 0.0;
    let ds = Datastore::open(dir.join("calc.hdf5")).unwrap();
    for (file, spec) in specs_in(dir) {
        let ours = ours(&ds, &spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
        let theirs = theirs_in(dir, &file);
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>(),
            "{spec}: members"
        );
        for (name, expected) in &theirs {
            let got = &ours[name];
            if name == "boundaries" {
                assert_eq!(
                    gunzipped(&spec, got),
                    gunzipped(&spec, expected),
                    "{spec}: boundaries"
                );
                continue;
            }
            assert_eq!(got.descr, expected.descr, "{spec}: {name} dtype");
            assert_eq!(got.shape, expected.shape, "{spec}: {name} shape");
            largest = largest.max(assert_close(&spec, name, got, expected, tolerance));
        }
    }
    largest
}

#[test]
fn extracts_of_the_reference_datastore_are_the_references() {
    check_reference(&fixtures());
}

/// `disagg` and `disagg_layer` (and the hazard specs) of the reference's disaggregation
/// datastore: byte for byte.
#[test]
fn disaggregation_extracts_are_the_references() {
    check_reference(&disagg_fixtures());
}

/// `events`, `num_events`, `gmf_data`, `avg_gmf`, `event_based_mfd`, `rupture_info`,
/// `ruptures` (and the hazard specs) of the reference's event-based datastore: byte for byte.
#[test]
fn event_based_extracts_are_the_references() {
    check_reference(&event_fixtures());
}

/// `events`, `rupture_info` and `ruptures` of the reference's scenario datastore (one planar
/// rupture, no sources, no investigation time): byte for byte.
#[test]
fn scenario_extracts_are_the_references() {
    check_reference(&scenario_fixtures());
}

/// The risk extracts of the reference's datastores, byte for byte: scenario_risk (one
/// realization), scenario_damage (two realizations), event_based_risk (two realizations,
/// mean and quantiles, aggregate_by NAME_1) and event_based_damage (10 sampled
/// realizations, aggregate_by taxonomy and NAME_1).
#[test]
fn risk_extracts_are_the_references() {
    for kind in ["scenario", "damage", "event", "event-damage"] {
        check_reference(&risk_fixtures(kind));
    }
}

/// Runs the job of the fixtures with the native engine; returns the scratch directory and
/// the datastore in it.
fn native_run() -> (tempfile::TempDir, PathBuf) {
    let scratch = tempfile::tempdir().unwrap();
    let work_dir = scratch.path().join("work");
    std::fs::create_dir_all(&work_dir).unwrap();
    let job_ini = root().join("tests/data/qa/oqcloud/area_quantiles/job.ini");
    let (log, _rows) = tokio::sync::mpsc::unbounded_channel();
    let ctx = RunContext {
        calc_id: 1,
        input_dir: job_ini.parent().unwrap().to_path_buf(),
        job_ini,
        work_dir,
        log,
        cancel: tokio_util::sync::CancellationToken::new(),
        parent: None,
    };
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let output = runtime.block_on(NativeEngine.run(ctx)).unwrap();
    (scratch, output.datastore)
}

#[test]
fn extracts_of_a_native_run_match_the_references() {
    let (_scratch, path) = native_run();
    let ds = Datastore::open(path).unwrap();
    let mut largest: f64 = 0.0;
    for (file, spec) in specs() {
        let ours = ours(&ds, &spec).unwrap_or_else(|e| panic!("{spec}: {e}"));
        let theirs = theirs(&file);
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>(),
            "{spec}: members"
        );
        for (name, expected) in &theirs {
            let got = &ours[name];
            if spec == "oqparam" {
                // the job parameters as each engine records them (paths, defaults)
                assert_eq!(without_widths(&got.descr), without_widths(&expected.descr));
                assert_eq!(got.shape, expected.shape, "{spec}: {name} shape");
                continue;
            }
            assert_eq!(got.descr, expected.descr, "{spec}: {name} dtype");
            assert_eq!(got.shape, expected.shape, "{spec}: {name} shape");
            largest = largest.max(assert_close(&spec, name, got, expected, (RTOL, ATOL)));
        }
    }
    println!("largest relative difference: {largest:.2e}");
}

fn bad_request(spec: &str) -> String {
    let ds = Datastore::open(fixtures().join("calc.hdf5")).unwrap();
    match ours(&ds, spec) {
        Err(ExtractError::BadRequest(message)) => message,
        Err(ExtractError::Unsupported(key)) => format!("unsupported extract spec: {key}"),
        other => panic!("{spec}: {other:?}"),
    }
}

#[test]
fn bad_specs_and_parameters_are_named() {
    for (spec, message) in [
        (
            "hcurves?kind=foo",
            "kind: unknown 'foo' (expected one of mean, quantile-0.15, quantile-0.85, stats, rlzs, rlz-<n>)",
        ),
        ("hcurves?imt=PGA", "extract/hcurves: kind is required"),
        (
            "hcurves?kind=mean&imt=XXX",
            "imt: 'XXX' is not one of the calculation's (PGA, SA(0.1))",
        ),
        (
            "hcurves?kind=mean&imt=PGA&imt=SA(0.1)",
            "imt: give one value only",
        ),
        (
            "hcurves?kind=mean&site_id=3",
            "site_id: 3 is out of range (the calculation has 3 sites)",
        ),
        (
            "hcurves?kind=mean&site_id=x",
            "site_id: 'x' is not an integer",
        ),
        (
            "hcurves?kind=rlz-2",
            "kind: no realization 2 (the calculation has 2)",
        ),
        (
            "hcurves?kind=rlz-0&kind=mean",
            "kind: realizations and statistics cannot be mixed",
        ),
        (
            "hmaps?kind=mean&foo=1",
            "unknown parameter 'foo' for extract/hmaps (expected kind, imt, site_id)",
        ),
        (
            "uhs?kind=mean&imt=PGA",
            "unknown parameter 'imt' for extract/uhs (expected kind, site_id)",
        ),
        (
            "sitecol?field=xxx",
            "field: the site collection has no 'xxx'",
        ),
        (
            "oqparam?x=1",
            "extract/oqparam takes no parameters (got 'x')",
        ),
        ("events", "this calculation has no events"),
        ("ruptures", "this calculation has no ruptures"),
        (
            "agg_losses/structural",
            "this calculation has no risk model (crm)",
        ),
        (
            "foo",
            "unknown extract spec 'foo': neither an extractor nor a datastore path",
        ),
        ("foo?x=1", "unknown extract spec 'foo'"),
        (
            "hcurves/PGA",
            "extract/hcurves takes no path argument (got 'PGA')",
        ),
    ] {
        assert_eq!(bad_request(spec), message, "{spec}");
    }
}

#[test]
fn negative_site_ids_count_from_the_end() {
    let ds = Datastore::open(fixtures().join("calc.hdf5")).unwrap();
    let last = ours(&ds, "hcurves?kind=mean&site_id=-1").unwrap();
    let third = ours(&ds, "hcurves?kind=mean&site_id=2").unwrap();
    assert_eq!(last["mean"], third["mean"]);
}

#[test]
fn attrs_suffix_gives_the_attributes_only() {
    let ds = Datastore::open(fixtures().join("calc.hdf5")).unwrap();
    let attrs = ours(&ds, "hcurves-stats.attrs").unwrap();
    assert_eq!(attrs.keys().collect::<Vec<_>>(), ["extra", "json"]);
    let full = ours(&ds, "hcurves-stats").unwrap();
    assert_eq!(attrs["json"], full["json"]);
}

#[test]
fn a_group_gives_its_member_names() {
    let ds = Datastore::open(fixtures().join("calc.hdf5")).unwrap();
    let group = ours(&ds, "full_lt").unwrap();
    let array = &group["array"];
    assert_eq!(array.descr, PyValue::String("<U15".into()));
    // gsim_lt, sm_data, source_data, source_model_lt
    assert_eq!(array.shape, [4]);
    assert!(group.contains_key("seed") && group.contains_key("trts"));
}

#[test]
fn bad_disaggregation_specs_are_named() {
    let ds = Datastore::open(disagg_fixtures().join("calc.hdf5")).unwrap();
    let kinds = "Dist, Lon_Lat, Mag, Mag_Dist, Mag_Dist_Eps, Mag_Lon_Lat, TRT, TRT_Lon_Lat, \
                 TRT_Mag, TRT_Mag_Dist, TRT_Mag_Dist_Eps";
    for (spec, message) in [
        (
            "disagg?kind=Mag&site_id=0",
            "extract/disagg needs spec=".to_owned(),
        ),
        (
            "disagg?kind=Foo&site_id=0&spec=rlzs",
            format!("kind: 'Foo' is not one of the outputs of this calculation ({kinds})"),
        ),
        (
            "disagg?kind=Mag&site_id=2&spec=stats",
            "site_id: 2 is out of range (the calculation has 2 sites)".to_owned(),
        ),
        (
            "disagg?kind=Mag&site_id=0&spec=stats&poe_id=2",
            "poe_id: '2' is not a PoE index (0 to 1)".to_owned(),
        ),
        (
            "disagg?kind=Mag&site_id=0&spec=stats&imt=PGV",
            "imt: 'PGV' is not one of the calculation's (PGA, SA(0.1))".to_owned(),
        ),
        (
            "disagg?kind=Mag&site_id=0&spec=mean",
            "spec: 'mean' is not one of rlzs, stats, rlzs-traditional, stats-traditional"
                .to_owned(),
        ),
        // the reference fails (500) broadcasting the 2 realizations' PoEs onto the mean
        (
            "disagg?kind=Mag&site_id=0&spec=stats-traditional",
            "spec=stats-traditional: the aggregate PoEs (poe4) are stored by realization \
             (2 of them), not for 1 stats"
                .to_owned(),
        ),
        (
            "disagg_layer?kind=Foo",
            format!("kind: 'Foo' is not one of the outputs of this calculation ({kinds})"),
        ),
    ] {
        match ours(&ds, spec) {
            Err(ExtractError::BadRequest(got)) => assert_eq!(got, message, "{spec}"),
            other => panic!("{spec}: {other:?}"),
        }
    }
    // a classical calculation has no disaggregation
    assert_eq!(
        bad_request("disagg?kind=Mag&site_id=0&spec=rlzs"),
        "this calculation has no disaggregation by rlzs (disagg-rlzs)"
    );
}

#[test]
fn bad_event_based_specs_are_named() {
    let ds = Datastore::open(event_fixtures().join("calc.hdf5")).unwrap();
    for (spec, message) in [
        (
            "gmf_data?event_id=2470",
            "event_id: 2470 is out of range (the calculation has 2470 events)",
        ),
        (
            "gmf_data?event_id=x",
            "event_id: 'x' is not an event number",
        ),
        ("avg_gmf", "extract/avg_gmf needs imt="),
        (
            "gmf_scenario?imt=PGA&kind=rlz-0",
            "extract/gmf_scenario is for scenario calculations (this one is event_based)",
        ),
        (
            "avg_gmf?imt=SA(1.0)",
            "imt: 'SA(1.0)' is not one of the calculation's (PGA)",
        ),
        (
            "events?kind=mean",
            "extract/events takes no parameters (got 'kind')",
        ),
        ("rupture_info?min_mag=x", "min_mag: 'x' is not a number"),
        ("ruptures?min_mag=inf", "min_mag: 'inf' is not a number"),
        (
            "rupture_info?boundaries=maybe",
            "boundaries: 'maybe' is not yes or no",
        ),
        (
            "rupture_info?min_mag=5&min_mag=6",
            "min_mag: give one value only",
        ),
        (
            "rupture_info?rup_id=1",
            "unknown parameter 'rup_id' for extract/rupture_info (expected min_mag, boundaries)",
        ),
        ("ruptures?rup_id=six", "rup_id: 'six' is not an integer"),
        ("ruptures?rup_id=8", "rup_id: there is no rupture 8"),
        (
            "ruptures?slice=1",
            "slice: give two integers, start and stop (got 1)",
        ),
        ("ruptures?slice=a&slice=2", "slice: 'a' is not an integer"),
        ("ruptures?threshold=x", "threshold: 'x' is not a number"),
        (
            "ruptures?threshold=2",
            "threshold: 2 is not between 0 and 1",
        ),
        (
            "ruptures?threshold=0.9",
            "threshold: this calculation has no losses by rupture (loss_by_rupture)",
        ),
    ] {
        match ours(&ds, spec) {
            Err(ExtractError::BadRequest(got)) => assert_eq!(got, message, "{spec}"),
            other => panic!("{spec}: {other:?}"),
        }
    }
    // a classical calculation has no events nor ruptures
    assert_eq!(bad_request("num_events"), "this calculation has no events");
    assert_eq!(
        bad_request("event_based_mfd"),
        "this calculation has no ruptures"
    );
    assert_eq!(
        bad_request("rupture_info"),
        "this calculation has no ruptures"
    );
}

/// `ruptures` of the reference's scenario of a simple-fault rupture, and its `rupture_info`
/// (the WKT outline the same text): the reference computes the angles and the centroid in
/// single precision from the stored float32 mesh (its Earth-centred coordinates in float32
/// are 0.4 m apart), oqcloud in double precision: within 1e-4 relative, 1e-5 degrees.
#[test]
fn fault_rupture_extracts_are_the_references() {
    let dir = root().join("tests/data/extract-scenario-fault");
    let largest = check_reference_within(&dir, (RTOL, 1e-5));
    println!("largest relative difference: {largest:.2e}");
}

/// A scenario has no sources: the reference fails (500 `KeyError: source_info`) naming the
/// source of `ruptures?rup_id=`; oqcloud leaves the source out of the metadata line.
#[test]
fn a_scenario_rupture_has_no_source() {
    let ds = Datastore::open(scenario_fixtures().join("calc.hdf5")).unwrap();
    let one = ours(&ds, "ruptures?rup_id=0").unwrap();
    let all = ours(&ds, "ruptures").unwrap();
    assert_eq!(one["array"], all["array"]);
}

/// `ruptures?min_mag=` keeps the ruptures of at least that magnitude (compared in single
/// precision, as numpy compares the stored magnitudes) and `rupture_info` the same ones.
#[test]
fn ruptures_and_rupture_info_select_the_same_ruptures() {
    let ds = Datastore::open(event_fixtures().join("calc.hdf5")).unwrap();
    for min_mag in ["5.5", "6", "6.5", "6.50000001"] {
        let info = ours(&ds, &format!("rupture_info?min_mag={min_mag}")).unwrap();
        let csv = ours(&ds, &format!("ruptures?min_mag={min_mag}")).unwrap();
        let text = String::from_utf8_lossy(&csv["array"].data).into_owned();
        let rows = text.trim_end_matches('\0').lines().count() - 2;
        assert_eq!(info["array"].shape, [rows], "min_mag={min_mag}");
    }
}

#[test]
fn bad_risk_specs_are_named() {
    let event = Datastore::open(risk_fixtures("event").join("calc.hdf5")).unwrap();
    let scenario = Datastore::open(risk_fixtures("scenario").join("calc.hdf5")).unwrap();
    let damage = Datastore::open(risk_fixtures("damage").join("calc.hdf5")).unwrap();
    let tags = "taxonomy, NAME_4, NAME_2, NAME_3, NAME_1";
    let curves = "agg_curves?kind=mean&loss_type=structural";
    for (ds, spec, message) in [
        (
            &event,
            "agg_losses",
            "extract/agg_losses needs loss_type: agg_losses/<loss_type>".to_owned(),
        ),
        (
            &event,
            "agg_losses/contents",
            "loss_type: 'contents' is not one of the calculation's (nonstructural, structural)"
                .to_owned(),
        ),
        (
            &event,
            "agg_losses/structural?foo=1",
            format!("tag: 'foo' is not a tag of the exposure ({tags})"),
        ),
        (
            &event,
            "agg_losses/structural?NAME_1=Nowhere",
            "NAME_1: 'Nowhere' is not one of the exposure's values \
             (Central, East, Far-Western, Mid-Western, West)"
                .to_owned(),
        ),
        (
            &event,
            "agg_losses/structural?NAME_1=*&taxonomy=*",
            "only one tag may be '*' (got NAME_1, taxonomy)".to_owned(),
        ),
        (
            &event,
            "agg_damages/structural",
            "this calculation has no damages (damages-rlzs)".to_owned(),
        ),
        (
            &event,
            "damages-stats",
            "this calculation has no damages (damages-stats)".to_owned(),
        ),
        (
            &event,
            "aggregate/avg_losses?loss_type=structural",
            "extract/aggregate/avg_losses: kind is required".to_owned(),
        ),
        (
            &event,
            "aggregate/avg_losses?kind=max",
            "kind: unknown 'max' (expected one of mean, quantile-0.15, quantile-0.85, stats, \
             rlzs, rlz-<n>)"
                .to_owned(),
        ),
        (
            &event,
            "aggregate/avg_losses?kind=mean&tag=foo",
            format!("tag: 'foo' is not a tag of the exposure ({tags})"),
        ),
        (
            &event,
            "aggregate/losses?kind=mean",
            "extract/aggregate: 'losses' is not avg_losses (the only aggregate)".to_owned(),
        ),
        (
            &event,
            "avg_losses_by/NAME_1",
            "extract/avg_losses_by needs a single realization (the calculation has 2)".to_owned(),
        ),
        (
            &event,
            &format!("{curves}&absolute=1"),
            "extract/agg_curves needs NAME_1= (kind, loss_type, absolute and the aggregate_by \
             tags are required)"
                .to_owned(),
        ),
        (
            &event,
            &format!("{curves}&absolute=2&NAME_1=East"),
            "absolute: '2' is not 0 or 1".to_owned(),
        ),
        (
            &event,
            &format!("{curves}&absolute=1&NAME_1=Nowhere"),
            "NAME_1=Nowhere: no aggregate curves for these tag values".to_owned(),
        ),
        (
            &event,
            &format!("{curves}&absolute=1&NAME_1=East&taxonomy=Wood"),
            "unknown parameter 'taxonomy' for extract/agg_curves (expected kind, loss_type, \
             absolute, NAME_1)"
                .to_owned(),
        ),
        (
            &scenario,
            &format!("{curves}&absolute=1"),
            "this calculation has no aggregate loss curves (aggcurves)".to_owned(),
        ),
        (
            &event,
            "risk_stats",
            "extract/risk_stats needs table: risk_stats/<table>".to_owned(),
        ),
        (
            &event,
            "risk_stats/nothing",
            "this calculation has no nothing".to_owned(),
        ),
        (
            &event,
            "risk_stats/assetcol",
            "risk_stats: 'assetcol' is not a table".to_owned(),
        ),
        (
            &event,
            "risk_stats/risk_by_event",
            "risk_stats: 'risk_by_event' is not a table by realization and loss type".to_owned(),
        ),
        (
            &event,
            "aggrisk_tags?x=1",
            "extract/aggrisk_tags takes no parameters (got 'x')".to_owned(),
        ),
        (
            &scenario,
            "aggrisk_tags",
            "this calculation has no aggregate_by tags".to_owned(),
        ),
        (
            &damage,
            "losses_by_location",
            "this calculation has no average losses (avg_losses-rlzs)".to_owned(),
        ),
        (
            &event,
            "losses_by_asset?kind=mean",
            "extract/losses_by_asset takes no parameters (got 'kind')".to_owned(),
        ),
        (
            &scenario,
            "aggregate/avg_losses?kind=mean",
            // one realization: no statistics
            "this calculation has no avg_losses-stats/nonstructural".to_owned(),
        ),
    ] {
        match ours(ds, spec) {
            Err(ExtractError::BadRequest(got)) => assert_eq!(got, message, "{spec}"),
            other => panic!("{spec}: {other:?}"),
        }
    }
    // a hazard calculation has no exposure
    assert_eq!(
        bad_request("exposure_by_location"),
        "this calculation has no exposure (assetcol)"
    );
}

#[test]
fn bad_scenario_specs_are_named() {
    let ds = Datastore::open(scenario_fixtures().join("calc.hdf5")).unwrap();
    for (spec, message) in [
        ("gmf_scenario?kind=rlz-0", "extract/gmf_scenario needs imt="),
        (
            "gmf_scenario?imt=SA(0.6)",
            "extract/gmf_scenario needs kind=rlz-<n>",
        ),
        (
            "gmf_scenario?imt=SA(0.6)&kind=rlz-1",
            "kind: no realization 1 (the calculation has 1)",
        ),
        (
            "gmf_scenario?imt=PGV&kind=rlz-0",
            "imt: 'PGV' is not one of the calculation's (PGA, SA(0.3), SA(0.6), SA(1.0))",
        ),
    ] {
        match ours(&ds, spec) {
            Err(ExtractError::BadRequest(got)) => assert_eq!(got, message, "{spec}"),
            other => panic!("{spec}: {other:?}"),
        }
    }
}
