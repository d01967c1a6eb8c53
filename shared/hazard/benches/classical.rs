//! Times the classical calculator alone (no datastore, no exports) on the job.ini files
//! given after `--`, so a profiler sees only the engine:
//!
//! ```sh
//! CARGO_PROFILE_BENCH_DEBUG=true cargo bench -p oqcloud-hazard --bench classical -- JOB.ini
//! perf record -g target/release/deps/classical-<hash> JOB.ini
//! ```
//!
//! The comparison with the reference engine is `benches/classical.py`.

use std::path::Path;
use std::time::Instant;

use oqcloud_hazard::classical::compute_hazard_curves;

fn main() {
    // cargo passes `--bench`; everything else is a job.ini
    let jobs: Vec<String> = std::env::args()
        .skip(1)
        .filter(|arg| !arg.starts_with("--"))
        .collect();
    if jobs.is_empty() {
        eprintln!("usage: cargo bench -p oqcloud-hazard --bench classical -- JOB.ini ...");
    }
    for job in jobs {
        let clock = Instant::now();
        match compute_hazard_curves(Path::new(&job)) {
            Ok(curves) => println!(
                "{job}: {} site(s), {} realization(s) in {:.3} s",
                curves.sites.len(),
                curves.realizations.len(),
                clock.elapsed().as_secs_f64()
            ),
            Err(err) => println!("{job}: {err}"),
        }
    }
}
