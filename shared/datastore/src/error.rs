//! Errors, each naming the dataset or attribute involved.

/// An error reading or writing a datastore.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// The HDF5 library failed on `path`.
    #[error("{path}: {source}")]
    Hdf5 {
        /// Dataset, group or file concerned.
        path: String,
        /// The library's error.
        source: hdf5::Error,
    },
    /// `path` does not exist in the datastore.
    #[error("No '{0}' found in the datastore")]
    Missing(String),
    /// `path` exists but does not have the expected layout.
    #[error("{path}: {reason}")]
    Malformed {
        /// Dataset, group or attribute concerned.
        path: String,
        /// What is wrong.
        reason: String,
    },
    /// `path` uses a layout this crate does not handle.
    #[error("{path}: unsupported: {reason}")]
    Unsupported {
        /// Dataset, group or attribute concerned.
        path: String,
        /// What is not supported.
        reason: String,
    },
}

/// Result of datastore operations.
pub type Result<T> = std::result::Result<T, Error>;

impl Error {
    pub(crate) fn malformed(path: &str, reason: impl Into<String>) -> Self {
        Error::Malformed {
            path: path.to_string(),
            reason: reason.into(),
        }
    }
}

/// Adds the path to an HDF5 error.
pub(crate) trait Ctx<T> {
    fn at(self, path: &str) -> Result<T>;
}

impl<T> Ctx<T> for std::result::Result<T, hdf5::Error> {
    fn at(self, path: &str) -> Result<T> {
        self.map_err(|source| {
            let msg = source.to_string();
            if msg.contains("bad version number") {
                let (a, b, c) = hdf5::library_version();
                Error::Unsupported {
                    path: path.to_string(),
                    reason: format!(
                        "HDF5 file format newer than the linked HDF5 {a}.{b}.{c} ({msg})"
                    ),
                }
            } else {
                Error::Hdf5 {
                    path: path.to_string(),
                    source,
                }
            }
        })
    }
}
