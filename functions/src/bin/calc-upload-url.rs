//! The Lambda of `POST /v1/calc/upload_url`.

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::api::main()
}
