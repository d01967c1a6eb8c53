//! The Lambda of `POST /v1/calc/validate_zip`.

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::api::main()
}
