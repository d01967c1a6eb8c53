//! The Lambda of `GET /v1/calc/result/{rid}`.

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::api::main()
}
