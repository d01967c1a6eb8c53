//! The Lambda of `GET /v1/calc/{id}/traceback`.

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::api::main()
}
