//! The Lambda of `GET /v1/available_gsims`.

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::api::main()
}
