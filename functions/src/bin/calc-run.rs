//! The Lambda of `POST /v1/calc/run`.

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::api::main()
}
