//! The `oqcloud` command's library: how the embedded server, the local AWS mode and the AWS
//! Batch worker are put together, so the binary, the Lambda functions and the end-to-end
//! tests start exactly the same thing; and the client verbs ([`client`]).

pub mod aws;
pub mod batch_worker;
pub mod client;
pub mod embedded;
mod serving;
