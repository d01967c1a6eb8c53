//! Results read out of an OpenQuake datastore (ours or the reference engine's): exported files
//! in OpenQuake's formats ([`export`]) and the named arrays of the extract API ([`extract`]).
//!
//! Invariant: everything here reads the datastore only, never the engine that wrote it, so a
//! native calculation and a reference one export alike. File names, headers, column order and
//! number formats are the reference engine's (3.26), byte for byte after the `#` metadata line;
//! that line carries the same keys (`generated_by`, `start_date`, `checksum`, `kind`,
//! `investigation_time`, `imt`).

pub mod export;
pub mod extract;

pub use export::{ExportError, OutputSpec, available_outputs, export};
pub use extract::{ExtractError, Npz, extract};
