//! The `oqcloud` command's library: how the embedded server and the local AWS mode are put
//! together, so the binary and the end-to-end tests start exactly the same thing; and the
//! client verbs ([`client`]).

pub mod aws;
pub mod client;
pub mod embedded;
mod serving;
