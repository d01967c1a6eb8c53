//! The Lambda of `GET /v1/calc/{id}/status`.

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::api::main()
}
