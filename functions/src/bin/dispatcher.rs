//! The run queue's consumer: one AWS Batch job per calculation (see `oqcloud_functions::dispatcher`).

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::dispatcher::main()
}
