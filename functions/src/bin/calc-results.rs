//! The Lambda of `GET /v1/calc/{id}/results and /v1/calc/{id}/result/list`.

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::api::main()
}
