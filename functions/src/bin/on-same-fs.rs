//! The Lambda of `POST /v1/on_same_fs`.

fn main() -> oqcloud_functions::MainResult {
    oqcloud_functions::api::main()
}
