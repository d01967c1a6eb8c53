//! The Lambda of `POST /v1/calc/{id}/remove`.

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::api::main()
}
