//! The Lambda of `GET /v1/calc/list`.

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::api::main()
}
