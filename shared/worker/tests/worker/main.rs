//! Integration tests of the worker: the reference OpenQuake engine as an `Engine`, and
//! `run_job` / the worker pool over the embedded stores.
//!
//! Tests that need OpenQuake find it as the server does (`OQCLOUD_OPENQUAKE`, `oq` on the
//! PATH) or in `.venv-openquake` at the workspace root, and print `SKIPPED: ...` without it.

mod local;
mod native;
mod openquake;
mod run_job;
mod support;
