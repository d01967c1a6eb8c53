//! The `oqcloud` command's library: how the embedded server and the local AWS mode are put
//! together, so the binary and the end-to-end tests start exactly the same thing.

pub mod aws;
pub mod embedded;
mod serving;
