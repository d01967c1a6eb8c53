//! The Lambda of `GET /v1/engine_version and /v1/engine_latest_version`.

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::api::main()
}
