//! The Lambda of `GET /v1/ini_defaults`.

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::api::main()
}
