//! The completion notifier of failed AWS Batch jobs (see `oqcloud_functions::notifier`).

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::notifier::main()
}
