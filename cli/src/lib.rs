//! The `oqcloud` command's library: how the embedded server is put together, so the
//! binary and the end-to-end tests start exactly the same thing.

pub mod embedded;
