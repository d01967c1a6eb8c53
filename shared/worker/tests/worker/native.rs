//! The native engine as an `Engine`, and the engine choice (`engine = auto|native|openquake`).

use std::path::{Path, PathBuf};
use std::sync::Arc;

use oqcloud_datastore::Datastore;
use oqcloud_worker::native::NativeEngine;
use oqcloud_worker::{Engine, EngineChoice, RunContext, run_local};

use crate::support::{Ending, FakeEngine};

/// A classical QA case of the repository (`tests/data/qa/classical`).
/// A job with a GSIM the native engine does not implement (Kanno2006Shallow).
fn unsupported_job() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tests/data/native-unsupported/job.ini")
}

fn qa_case(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../tests/data/qa/classical")
        .join(name)
        .join("job.ini")
}

/// case_03 copied into a scratch directory, with `extra` appended to its job.ini.
fn case_03_with(extra: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let source = qa_case("case_03");
    for entry in std::fs::read_dir(source.parent().unwrap()).unwrap() {
        let path = entry.unwrap().path();
        if path.is_file() {
            std::fs::copy(&path, dir.path().join(path.file_name().unwrap())).unwrap();
        }
    }
    let ini = dir.path().join("job.ini");
    let text = std::fs::read_to_string(&ini).unwrap();
    std::fs::write(&ini, format!("{text}\n{extra}\n")).unwrap();
    dir
}

#[tokio::test]
async fn the_native_engine_runs_a_classical_job_and_exports_it() {
    let out = tempfile::tempdir().unwrap();
    let engines: Vec<Arc<dyn Engine>> = vec![Arc::new(NativeEngine)];
    let written = run_local(
        &engines,
        &qa_case("case_03"),
        Some(EngineChoice::Native),
        &["csv".into(), "rst".into()],
        out.path(),
    )
    .await
    .unwrap();
    let names: Vec<String> = written
        .iter()
        .map(|p| p.file_name().unwrap().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["hazard_curve-mean-PGA_1.csv", "report_1.rst"]);
    let csv = std::fs::read_to_string(&written[0]).unwrap();
    let first = csv.lines().next().unwrap();
    assert!(first.contains("generated_by='oqcloud "), "{first}");
    assert!(
        first.ends_with("kind='mean', investigation_time=50.0, imt='PGA'\""),
        "{first}"
    );
}

#[tokio::test]
async fn engine_native_fails_naming_the_unsupported_feature() {
    let out = tempfile::tempdir().unwrap();
    let engines: Vec<Arc<dyn Engine>> = vec![Arc::new(NativeEngine)];
    let err = run_local(
        &engines,
        &unsupported_job(),
        Some(EngineChoice::Native),
        &[],
        out.path(),
    )
    .await
    .unwrap_err()
    .to_string();
    let expected =
        "The native engine cannot run this job: not supported yet: GSIM Kanno2006Shallow (";
    assert!(err.starts_with(expected), "{err}");
    assert!(err.ends_with("gmpe_logic_tree.xml, line 7)"), "{err}");
}

#[tokio::test]
async fn auto_falls_back_to_the_next_engine_when_the_native_one_refuses() {
    let out = tempfile::tempdir().unwrap();
    let fallback = FakeEngine::new(Ending::Complete);
    let engines: Vec<Arc<dyn Engine>> = vec![Arc::new(NativeEngine), fallback.clone()];
    run_local(&engines, &unsupported_job(), None, &[], out.path())
        .await
        .unwrap();
    assert_eq!(fallback.runs(), 1);

    // a job the native engine supports is not passed on
    run_local(&engines, &qa_case("case_03"), None, &[], out.path())
        .await
        .unwrap();
    assert_eq!(fallback.runs(), 1);
}

#[tokio::test]
async fn the_engine_parameter_of_the_job_limits_the_engines() {
    let out = tempfile::tempdir().unwrap();
    let fallback = FakeEngine::new(Ending::Complete);
    let engines: Vec<Arc<dyn Engine>> = vec![Arc::new(NativeEngine), fallback.clone()];

    let job = case_03_with("engine = openquake");
    let err = run_local(&engines, &job.path().join("job.ini"), None, &[], out.path())
        .await
        .unwrap_err();
    assert_eq!(
        err.to_string(),
        "The job asks for engine = openquake, which is not installed on this server"
    );

    // the command line's choice wins over the job's
    run_local(
        &engines,
        &job.path().join("job.ini"),
        Some(EngineChoice::Native),
        &[],
        out.path(),
    )
    .await
    .unwrap();
    assert_eq!(fallback.runs(), 0);
}

/// A job.ini parameter OpenQuake reads and the native engine does not is refused, named,
/// rather than dropped (`tile_spec` computes a part of the sites); a key OpenQuake does not
/// know it ignores, and so does the native engine.
#[tokio::test]
async fn job_parameters_the_native_engine_does_not_read_are_refused() {
    let out = tempfile::tempdir().unwrap();
    let engines: Vec<Arc<dyn Engine>> = vec![Arc::new(NativeEngine)];
    let run_natively_with = |extra: &'static str| {
        let (engines, out) = (engines.clone(), out.path().to_owned());
        async move {
            let job = case_03_with(extra);
            let ini = job.path().join("job.ini");
            run_local(&engines, &ini, Some(EngineChoice::Native), &[], &out).await
        }
    };
    let err = run_natively_with("tile_spec = [1, 2]").await.unwrap_err();
    assert_eq!(
        err.to_string(),
        "The native engine cannot run this job: the job.ini parameter tile_spec"
    );
    run_natively_with("a_note_of_ours = not read by OpenQuake")
        .await
        .unwrap();
}

/// The columns of the reference's `sitecol` of a QA case (`sitecol-3.26.txt` beside its
/// job.ini): `name dtype` lines, the dtype as numpy writes it (`<f8`).
fn reference_sitecol(job_ini: &Path) -> Vec<String> {
    let path = job_ini.with_file_name("sitecol-3.26.txt");
    std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(str::to_owned)
        .collect()
}

/// The native datastores of QA cases have OpenQuake's site collection: the same columns in
/// the same order with the same dtypes, in the `sitecol` group and in `extract/sitecol`.
/// case_13: `sites_csv` with an `xvf` column and the reference parameters; case_32: a site
/// model of `siteclass` only; case_63: an NRML site model with `soiltype`; case_87: a site
/// model with a `region` column.
#[tokio::test]
async fn native_datastores_have_openquakes_site_collection() {
    for case in ["case_13", "case_32", "case_63", "case_87"] {
        let job_ini = qa_case(case);
        let scratch = tempfile::tempdir().unwrap();
        let work_dir = scratch.path().join("work");
        std::fs::create_dir_all(&work_dir).unwrap();
        let (log, _rows) = tokio::sync::mpsc::unbounded_channel();
        let ctx = RunContext {
            calc_id: 1,
            input_dir: job_ini.parent().unwrap().to_path_buf(),
            job_ini: job_ini.clone(),
            work_dir,
            log,
            cancel: tokio_util::sync::CancellationToken::new(),
            parent: None,
        };
        let output = NativeEngine.run(ctx).await.unwrap();
        let ds = Datastore::open(&output.datastore).unwrap();
        let expected = reference_sitecol(&job_ini);
        let stored: Vec<String> = ds
            .sitecol()
            .unwrap()
            .columns()
            .iter()
            .map(|(name, c)| format!("{name} {}", c.dtype.numpy_descr().trim_matches('\'')))
            .collect();
        assert_eq!(stored, expected, "{case}: sitecol");
        let npz = oqcloud_extract::extract(&ds, "sitecol", &[]).unwrap();
        let descr = &npz.get("array").unwrap().descr;
        let fields: Vec<String> = expected
            .iter()
            .map(|line| {
                let (name, dtype) = line.split_once(' ').unwrap();
                format!("('{name}', '{dtype}')")
            })
            .collect();
        assert_eq!(
            *descr,
            format!("[{}]", fields.join(", ")),
            "{case}: extract"
        );
    }
}
