//! The Lambda of `POST /v1/valid/`.

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::api::main()
}
