//! `run_job` and the worker pool over the embedded stores (SQLite, files, mail log).

use std::path::Path;
use std::sync::Arc;
use std::time::Duration;

use oqcloud_model::{CalcId, Job, JobStatus, LogRecord, NewJob};
use oqcloud_store::local::{LocalStores, MailLog};
use oqcloud_store::{
    AbortOutcome, BlobStore, JobInfo, JobRepo, Mail, RunQueue, TransitionFields, blob_keys,
};
use oqcloud_worker::{Engine, WorkerDeps, run_job, spawn_pool};
use tempfile::TempDir;
use tokio_util::sync::CancellationToken;

use crate::support::{
    Ending, FakeEngine, assert_gone, data, group_members, oq_pid, reference_engine,
};

/// Embedded stores under a temporary data directory.
struct Setup {
    dir: TempDir,
    stores: LocalStores,
}

impl Setup {
    fn new() -> Setup {
        let dir = tempfile::tempdir().unwrap();
        let stores = LocalStores::open(&dir.path().join("data")).unwrap();
        Setup { dir, stores }
    }

    fn deps(&self, engines: Vec<Arc<dyn Engine>>) -> WorkerDeps {
        WorkerDeps {
            jobs: self.stores.jobs.clone(),
            blobs: self.stores.blobs.clone(),
            mailer: self.stores.mailer.clone(),
            engines,
            scratch_dir: self.dir.path().join("scratch"),
        }
    }

    /// Creates a job owned by alice whose inputs are the files of `job_dir` (recursively).
    async fn submit(&self, job_dir: &Path, parent: Option<CalcId>) -> CalcId {
        let job = self
            .stores
            .jobs
            .create_job(NewJob {
                user_name: "alice".into(),
                host: "test".into(),
            })
            .await
            .unwrap();
        upload(self.stores.blobs.as_ref(), job.id, job_dir, "").await;
        let info = JobInfo {
            calculation_mode: "classical".into(),
            description: format!("test job from {}", job_dir.display()),
            hazard_calculation_id: parent,
            job_ini: "job.ini".into(),
        };
        self.stores.jobs.set_info(job.id, &info).await.unwrap();
        job.id
    }

    async fn job(&self, id: CalcId) -> Job {
        self.stores.jobs.get_job(id).await.unwrap().unwrap()
    }

    async fn log(&self, id: CalcId) -> Vec<LogRecord> {
        self.stores.jobs.log_slice(id, 0, None).await.unwrap()
    }

    async fn output_types(&self, id: CalcId) -> Vec<String> {
        let outputs = self.stores.jobs.outputs(id).await.unwrap();
        outputs.into_iter().map(|o| o.output_type).collect()
    }

    /// The mails sent, once there are at least `count` (they follow the final status).
    async fn mails(&self, count: usize) -> Vec<Mail> {
        for _ in 0..50 {
            let mails = MailLog::read_all(self.stores.mailer.path()).unwrap();
            if mails.len() >= count {
                return mails;
            }
            tokio::time::sleep(Duration::from_millis(100)).await;
        }
        panic!("fewer than {count} mails sent");
    }

    fn scratch_is_empty(&self) -> bool {
        std::fs::read_dir(self.dir.path().join("scratch"))
            .map(|mut entries| entries.next().is_none())
            .unwrap_or(true)
    }
}

async fn upload(blobs: &dyn BlobStore, id: CalcId, dir: &Path, prefix: &str) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let entry = entry.unwrap();
        let name = format!("{prefix}{}", entry.file_name().to_string_lossy());
        if entry.file_type().unwrap().is_dir() {
            Box::pin(upload(blobs, id, &entry.path(), &format!("{name}/"))).await;
        } else {
            let bytes = std::fs::read(entry.path()).unwrap();
            blobs
                .put(&blob_keys::input_key(id, &name), bytes.into())
                .await
                .unwrap();
        }
    }
}

/// Polls until the job reaches a terminal status.
async fn wait_finished(setup: &Setup, id: CalcId) -> Job {
    for _ in 0..1200 {
        let job = setup.job(id).await;
        if job.status.is_terminal() {
            return job;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    panic!("calculation {id} did not finish");
}

#[tokio::test]
async fn a_job_delivered_twice_runs_once_and_stores_its_results() {
    let setup = Setup::new();
    let engine = FakeEngine::new(Ending::Complete);
    let deps = setup.deps(vec![engine.clone()]);
    let id = setup.submit(&data("classical"), None).await;

    let (a, b) = tokio::join!(
        run_job(&deps, id, CancellationToken::new()),
        run_job(&deps, id, CancellationToken::new())
    );
    let mut ends = [a.unwrap(), b.unwrap()];
    ends.sort_by_key(Option::is_some);
    assert_eq!(ends, [None, Some(JobStatus::Complete)]);
    assert_eq!(engine.runs(), 1);
    // A late delivery of a finished job is refused too.
    assert_eq!(
        run_job(&deps, id, CancellationToken::new()).await.unwrap(),
        None
    );
    assert_eq!(engine.runs(), 1);

    let job = setup.job(id).await;
    assert_eq!(job.status, JobStatus::Complete);
    assert_eq!(job.size_mb, Some(1.0));
    assert_eq!(job.pid, i64::from(std::process::id()));
    assert!(job.stop_time.is_some());
    let outputs = setup.stores.jobs.outputs(id).await.unwrap();
    assert_eq!(outputs.len(), 1);
    assert_eq!(outputs[0].display_name, "Hazard Maps");
    assert_eq!(outputs[0].size_mb, Some(0.5));
    let blobs = setup.stores.blobs.as_ref();
    assert_eq!(
        blobs
            .head(&blob_keys::datastore_key(id))
            .await
            .unwrap()
            .unwrap()
            .size,
        1024 * 1024
    );
    let export = format!(
        "{}hazard_map-mean_{id}.csv",
        blob_keys::export_prefix(id, "hmaps", "csv")
    );
    assert_eq!(
        blobs.get(&export).await.unwrap().unwrap(),
        "lon,lat\n".as_bytes()
    );
    let log = setup.log(id).await;
    assert!(log.iter().any(|r| r.message == "computing"));
    assert!(
        log.iter()
            .any(|r| r.message == format!("Running calculation {id} with the fake engine 0.0"))
    );
    assert!(setup.scratch_is_empty());

    let mails = setup.mails(1).await;
    assert_eq!(mails.len(), 1);
    assert_eq!(mails[0].to, "alice");
    assert!(
        mails[0]
            .subject
            .starts_with(&format!("Calculation {id} completed: test job"))
    );
    assert!(
        mails[0].body.contains("its status is complete"),
        "{}",
        mails[0].body
    );
}

#[tokio::test]
async fn the_pool_runs_queued_jobs_and_skips_jobs_aborted_while_queued() {
    let setup = Setup::new();
    let engine = FakeEngine::new(Ending::Complete);
    let deps = Arc::new(setup.deps(vec![engine.clone()]));
    let aborted = setup.submit(&data("classical"), None).await;
    let queued = setup.submit(&data("classical"), None).await;
    setup
        .stores
        .jobs
        .transition(aborted, JobStatus::Aborted, TransitionFields::default())
        .await
        .unwrap()
        .unwrap();

    let workers = spawn_pool(deps, setup.stores.queue.clone(), 2);
    setup.stores.queue.enqueue(aborted).await.unwrap();
    setup.stores.queue.enqueue(queued).await.unwrap();
    assert_eq!(
        wait_finished(&setup, queued).await.status,
        JobStatus::Complete
    );
    assert_eq!(setup.job(aborted).await.status, JobStatus::Aborted);
    assert_eq!(engine.runs(), 1);
    assert!(setup.log(aborted).await.is_empty());
    assert_eq!(setup.mails(1).await.len(), 1);
    for worker in workers {
        worker.abort();
    }
}

#[tokio::test]
async fn a_job_removed_while_it_runs_leaves_nothing_behind() {
    let setup = Setup::new();
    let engine = FakeEngine::new(Ending::WaitForAbort);
    let deps = setup.deps(vec![engine.clone()]);
    let id = setup.submit(&data("classical"), None).await;
    let cancel = CancellationToken::new();
    let (result, ()) = tokio::join!(run_job(&deps, id, cancel.clone()), async {
        while engine.runs() == 0 {
            tokio::time::sleep(Duration::from_millis(20)).await;
        }
        assert!(setup.stores.jobs.delete_job(id).await.unwrap());
        cancel.cancel();
    });
    assert_eq!(result.unwrap(), None);
    let left = setup
        .stores
        .blobs
        .list(&blob_keys::calc_prefix(id))
        .await
        .unwrap();
    assert!(left.is_empty(), "{left:?}");
    assert!(
        setup
            .stores
            .jobs
            .log_slice(id, 0, None)
            .await
            .unwrap()
            .is_empty()
    );
    assert!(setup.scratch_is_empty());
    assert!(
        MailLog::read_all(setup.stores.mailer.path())
            .unwrap()
            .is_empty()
    );
}

#[tokio::test]
async fn a_failing_engine_ends_the_job_failed_with_its_traceback() {
    let setup = Setup::new();
    let deps = setup.deps(vec![FakeEngine::new(Ending::Fail)]);
    let id = setup.submit(&data("classical"), None).await;
    let status = run_job(&deps, id, CancellationToken::new()).await.unwrap();
    assert_eq!(status, Some(JobStatus::Failed));
    assert_eq!(
        setup.stores.jobs.last_error(id).await.unwrap().unwrap(),
        "  File \"fake.py\", line 1, in run\nValueError: boom"
    );
    assert!(setup.output_types(id).await.is_empty());
    assert!(
        setup
            .stores
            .blobs
            .head(&blob_keys::datastore_key(id))
            .await
            .unwrap()
            .is_none()
    );
    assert!(setup.scratch_is_empty());
    let mails = setup.mails(1).await;
    assert!(
        mails[0]
            .subject
            .starts_with(&format!("Calculation {id} failed"))
    );
    assert!(mails[0].body.contains(&format!("/v1/calc/{id}/traceback")));
}

#[tokio::test]
async fn without_an_engine_the_job_fails_saying_why() {
    let setup = Setup::new();
    let id = setup.submit(&data("classical"), None).await;
    let status = run_job(&setup.deps(vec![]), id, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(status, Some(JobStatus::Failed));
    let error = setup.stores.jobs.last_error(id).await.unwrap().unwrap();
    assert!(
        error.contains("the reference OpenQuake engine is not installed"),
        "{error}"
    );
    assert!(error.contains("OQCLOUD_OPENQUAKE"), "{error}");

    // An engine that refuses the job is named with its reason.
    let id = setup.submit(&data("classical"), None).await;
    let refusing = setup.deps(vec![FakeEngine::new(Ending::Refuse)]);
    run_job(&refusing, id, CancellationToken::new())
        .await
        .unwrap();
    let error = setup.stores.jobs.last_error(id).await.unwrap().unwrap();
    assert!(
        error.contains("fake: it uses a feature nobody implements"),
        "{error}"
    );

    // The next engine runs what the first refuses.
    let id = setup.submit(&data("classical"), None).await;
    let fallback = FakeEngine::new(Ending::Complete);
    let deps = setup.deps(vec![FakeEngine::new(Ending::Refuse), fallback.clone()]);
    let status = run_job(&deps, id, CancellationToken::new()).await.unwrap();
    assert_eq!(status, Some(JobStatus::Complete));
    assert_eq!(fallback.runs(), 1);
}

#[tokio::test]
async fn openquake_runs_a_job_and_its_child_on_the_stored_datastore() {
    let Some(engine) =
        reference_engine("openquake_runs_a_job_and_its_child_on_the_stored_datastore")
    else {
        return;
    };
    let setup = Setup::new();
    let deps = setup.deps(vec![engine]);
    let parent = setup.submit(&data("classical"), None).await;
    let status = run_job(&deps, parent, CancellationToken::new())
        .await
        .unwrap();
    let log = setup.log(parent).await;
    assert_eq!(status, Some(JobStatus::Complete), "{log:#?}");
    assert_eq!(
        setup.output_types(parent).await,
        ["fullreport", "hcurves", "hmaps", "uhs"]
    );
    let job = setup.job(parent).await;
    assert!(job.size_mb.unwrap() > 0.0);
    let blobs = setup.stores.blobs.as_ref();
    let exports = blobs
        .list(&format!("calcs/{parent}/exports/"))
        .await
        .unwrap();
    let keys: Vec<&str> = exports.iter().map(|b| b.key.as_str()).collect();
    for key in [
        format!("calcs/{parent}/exports/fullreport/rst/report_{parent}.rst"),
        format!("calcs/{parent}/exports/hcurves/csv/hazard_curve-mean-PGA_{parent}.csv"),
        format!("calcs/{parent}/exports/hcurves/npz/hcurves_{parent}.npz"),
        format!("calcs/{parent}/exports/hmaps/csv/hazard_map-mean_{parent}.csv"),
        format!("calcs/{parent}/exports/uhs/csv/hazard_uhs-mean_{parent}.csv"),
    ] {
        assert!(keys.contains(&key.as_str()), "{key} not in {keys:#?}");
    }
    let datastore = blobs
        .head(&blob_keys::datastore_key(parent))
        .await
        .unwrap()
        .unwrap();
    assert!((job.size_mb.unwrap() - datastore.size as f64 / 1048576.0).abs() < 1e-9);
    assert!(
        log.iter()
            .any(|r| r.message.starts_with("Checksum of the inputs: "))
    );

    let child = setup.submit(&data("classical"), Some(parent)).await;
    let status = run_job(&deps, child, CancellationToken::new())
        .await
        .unwrap();
    let log = setup.log(child).await;
    assert_eq!(status, Some(JobStatus::Complete), "{log:#?}");
    assert!(
        log.iter()
            .any(|r| r.message == "Reading from parent calculation"),
        "{log:#?}"
    );
    assert!(
        log.iter()
            .any(|r| r.message.ends_with(&format!("--hc={parent}"))),
        "{log:#?}"
    );
    assert!(setup.scratch_is_empty());
    assert_eq!(setup.mails(2).await.len(), 2);
}

#[tokio::test]
async fn openquake_failure_ends_the_job_failed_with_the_traceback() {
    let Some(engine) = reference_engine("openquake_failure_ends_the_job_failed_with_the_traceback")
    else {
        return;
    };
    let setup = Setup::new();
    let id = setup.submit(&data("missing_source"), None).await;
    let status = run_job(&setup.deps(vec![engine]), id, CancellationToken::new())
        .await
        .unwrap();
    assert_eq!(status, Some(JobStatus::Failed));
    let error = setup.stores.jobs.last_error(id).await.unwrap().unwrap();
    let lines: Vec<&str> = error.split('\n').collect();
    assert!(lines[0].starts_with("  File \""), "{error}");
    let last = lines.last().unwrap();
    assert!(last.starts_with("LogicTreeError: "), "{error}");
    assert!(last.contains("missing_source_model.xml"), "{error}");
    // The raw traceback OpenQuake printed is not appended to the row logged before it.
    let log = setup.log(id).await;
    let reading = log
        .iter()
        .find(|r| r.message.starts_with("Reading ") && r.message.contains("logic_tree"))
        .unwrap();
    assert!(!reading.message.contains('\n'), "{reading:?}");
    assert!(setup.output_types(id).await.is_empty());
    assert!(setup.scratch_is_empty());
    assert!(setup.mails(1).await[0].subject.contains("failed"));
}

#[tokio::test]
async fn aborting_a_running_openquake_job_ends_it_aborted_with_no_process_left() {
    let Some(engine) =
        reference_engine("aborting_a_running_openquake_job_ends_it_aborted_with_no_process_left")
    else {
        return;
    };
    let setup = Setup::new();
    let deps = Arc::new(setup.deps(vec![engine]));
    let queue = setup.stores.queue.clone();
    let workers = spawn_pool(deps, queue.clone(), 1);
    let id = setup.submit(&data("slow"), None).await;
    queue.enqueue(id).await.unwrap();

    // The stored log shows the progress of the running job.
    let mut progress = Vec::new();
    for _ in 0..1200 {
        progress = setup.log(id).await;
        if progress.iter().any(|r| r.message.starts_with("Sent ")) {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert_eq!(setup.job(id).await.status, JobStatus::Executing);
    let pid = progress
        .iter()
        .find_map(oq_pid)
        .expect("rows name the oq process");
    let members = group_members(pid);
    assert!(members.len() >= 2, "{members:?}");

    assert_eq!(queue.abort(id).await.unwrap(), AbortOutcome::Signalled);
    let job = wait_finished(&setup, id).await;
    assert_eq!(job.status, JobStatus::Aborted);
    assert_gone(&members).await;
    assert!(group_members(pid).is_empty());
    assert!(setup.output_types(id).await.is_empty());
    assert!(
        setup
            .stores
            .blobs
            .list(&blob_keys::calc_prefix(id))
            .await
            .unwrap()
            .iter()
            .all(|blob| blob.key.starts_with(&blob_keys::inputs_prefix(id)))
    );
    let mails = setup.mails(1).await;
    assert!(
        mails[0]
            .subject
            .starts_with(&format!("Calculation {id} was aborted"))
    );
    // The scratch directory goes once the worker has finished with the job.
    for _ in 0..50 {
        if setup.scratch_is_empty() {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    assert!(setup.scratch_is_empty());
    for worker in workers {
        worker.abort();
    }
}
