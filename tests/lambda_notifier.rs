//! The completion notifier against a moto server: a failed AWS Batch job ("Batch Job State
//! Change" EventBridge event, from the fixture in `tests/data/lambda`) whose worker did not
//! settle its calculation ends it `failed` and mails the owner; a settled calculation
//! (whose worker already mailed) is left alone. Separate from `lambda.rs` because moto's
//! mail read-back fails once Batch resources exist in the same moto process.

use std::time::Duration;

use oqcloud_functions::notifier::{BatchEvent, Notified, Notifier};
use oqcloud_model::{JobStatus, NewJob};
use oqcloud_store::{JobRepo, TransitionFields};
use oqcloud_store_aws::moto::TestEnv;
use oqcloud_tests::lambda::fixture;

/// The fixture event for calculation `id`, with Batch status `status`.
fn state_change(id: i64, status: &str) -> BatchEvent {
    let mut event = fixture("batch-job-failed.json");
    event["detail"]["parameters"]["calc_id"] = id.to_string().into();
    event["detail"]["jobName"] = format!("oqcloud-calc-{id}").into();
    event["detail"]["status"] = status.into();
    serde_json::from_value(event).expect("a Batch job state change")
}

/// Subjects of the mail sent so far.
async fn subjects(env: &TestEnv) -> Vec<String> {
    env.sent_mail()
        .await
        .iter()
        .filter_map(|message| message["subject"].as_str().map(str::to_owned))
        .collect()
}

async fn job_in(env: &TestEnv, status: Option<JobStatus>) -> i64 {
    let id = env
        .stores
        .jobs
        .create_job(NewJob {
            user_name: "tester".into(),
            host: "batch".into(),
        })
        .await
        .unwrap()
        .id;
    let path: &[JobStatus] = match status {
        None => &[],
        Some(JobStatus::Executing) => &[JobStatus::Executing],
        Some(JobStatus::Complete) => &[JobStatus::Executing, JobStatus::Complete],
        Some(other) => panic!("no path to {other}"),
    };
    for to in path {
        env.stores
            .jobs
            .transition(id, *to, TransitionFields::default())
            .await
            .unwrap()
            .unwrap();
    }
    id
}

#[tokio::test(flavor = "multi_thread")]
async fn a_failed_batch_job_fails_its_unsettled_calculation_once() {
    let Some(env) = TestEnv::new("a_failed_batch_job_fails_its_unsettled_calculation_once").await
    else {
        return;
    };
    let notifier = Notifier::new(&env.stores);

    // The container was killed while the calculation ran.
    let running = job_in(&env, Some(JobStatus::Executing)).await;
    let outcome = notifier
        .handle(&state_change(running, "FAILED"))
        .await
        .unwrap();
    assert_eq!(outcome, Notified::Failed(running));
    let job = env.stores.jobs.get_job(running).await.unwrap().unwrap();
    assert_eq!(job.status, JobStatus::Failed);
    let traceback = env.stores.jobs.last_error(running).await.unwrap().unwrap();
    for part in [
        "4c7599ae-0a82-49aa-ba5a-4727fcce14a8",
        "Essential container in task exited",
        "exit code: 137",
        "OutOfMemoryError",
    ] {
        assert!(traceback.contains(part), "{part:?} not in {traceback}");
    }
    // The event again (EventBridge delivers at least once): nothing more.
    let again = notifier
        .handle(&state_change(running, "FAILED"))
        .await
        .unwrap();
    assert_eq!(again, Notified::AlreadySettled(running));

    // The container never started the calculation.
    let waiting = job_in(&env, None).await;
    let outcome = notifier
        .handle(&state_change(waiting, "FAILED"))
        .await
        .unwrap();
    assert_eq!(outcome, Notified::Failed(waiting));

    // A calculation its worker settled (and mailed) is left as it is.
    let complete = job_in(&env, Some(JobStatus::Complete)).await;
    let outcome = notifier
        .handle(&state_change(complete, "FAILED"))
        .await
        .unwrap();
    assert_eq!(outcome, Notified::AlreadySettled(complete));
    assert_eq!(
        env.stores
            .jobs
            .get_job(complete)
            .await
            .unwrap()
            .unwrap()
            .status,
        JobStatus::Complete
    );
    // Other state changes are not the notifier's business.
    let running_ok = job_in(&env, Some(JobStatus::Executing)).await;
    for status in ["SUCCEEDED", "RUNNING"] {
        let outcome = notifier
            .handle(&state_change(running_ok, status))
            .await
            .unwrap();
        assert_eq!(outcome, Notified::Ignored);
    }

    // One mail per failed calculation, none for the others.
    let mut sent = Vec::new();
    for _ in 0..50 {
        sent = subjects(&env).await;
        if sent.len() >= 2 {
            break;
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
    let about = |id: i64| {
        sent.iter()
            .filter(|subject| subject.starts_with(&format!("Calculation {id} ")))
            .cloned()
            .collect::<Vec<_>>()
    };
    assert_eq!(
        about(running),
        [format!("Calculation {running} failed: {}", job.description)]
    );
    assert_eq!(about(waiting).len(), 1, "{sent:?}");
    assert!(about(waiting)[0].starts_with(&format!("Calculation {waiting} failed")));
    assert!(about(complete).is_empty(), "{sent:?}");
    assert!(about(running_ok).is_empty(), "{sent:?}");
}
