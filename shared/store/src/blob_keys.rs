//! Layout of blob keys: everything of calculation N lives under `calcs/N/`; short-lived
//! blobs (downloads too big to answer inline, archives uploaded to presigned URLs) under
//! [`TEMPORARY_PREFIX`], which the bucket's lifecycle rule empties (template.yaml).

use oqcloud_model::CalcId;

/// Prefix of every blob of a calculation.
pub fn calc_prefix(id: CalcId) -> String {
    format!("calcs/{id}/")
}

/// Prefix of the uploaded input files of a calculation.
pub fn inputs_prefix(id: CalcId) -> String {
    format!("calcs/{id}/inputs/")
}

/// Key of one uploaded input file (`relative` uses `/` separators).
pub fn input_key(id: CalcId, relative: &str) -> String {
    format!("calcs/{id}/inputs/{relative}")
}

/// Key of the HDF5 datastore of a calculation.
pub fn datastore_key(id: CalcId) -> String {
    format!("calcs/{id}/calc_{id}.hdf5")
}

/// Prefix of the exported files of one output in one format.
pub fn export_prefix(id: CalcId, output_type: &str, format: &str) -> String {
    format!("calcs/{id}/exports/{output_type}/{format}/")
}

/// Prefix of every temporary blob; the deployment deletes them after a day.
pub const TEMPORARY_PREFIX: &str = "tmp/";

/// Key of a download written for a presigned redirect: `token` (unique, `[0-9a-z]`) keeps
/// concurrent downloads of the same name apart.
pub fn temporary_download_key(token: &str, filename: &str) -> String {
    format!("{TEMPORARY_PREFIX}exports/{token}/{filename}")
}

/// Prefix of every archive uploaded to a presigned URL.
pub const UPLOADS_PREFIX: &str = "tmp/uploads/";

/// Prefix of the archives `user` uploaded to presigned URLs: the name hex-encoded, so any
/// user name makes one safe path component and no user's prefix contains another's.
pub fn upload_prefix(user: &str) -> String {
    let hex: String = user.bytes().map(|b| format!("{b:02x}")).collect();
    format!("{UPLOADS_PREFIX}{hex}/")
}

/// Key of one archive `user` uploads to a presigned URL (`token` unique, `[0-9a-z]`).
pub fn upload_key(user: &str, token: &str) -> String {
    format!("{}{token}.zip", upload_prefix(user))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_nest_under_the_calc_prefix() {
        let prefix = calc_prefix(7);
        for key in [
            inputs_prefix(7),
            input_key(7, "a/b.xml"),
            datastore_key(7),
            export_prefix(7, "hcurves", "csv"),
        ] {
            assert!(key.starts_with(&prefix), "{key}");
        }
        assert!(!calc_prefix(7).starts_with(&calc_prefix(70)));
        assert!(!calc_prefix(70).starts_with(&calc_prefix(7)));
    }

    #[test]
    fn temporary_keys_stay_under_the_temporary_prefix() {
        for key in [
            temporary_download_key("t0", "calc_1.hdf5"),
            upload_key("carol", "t0"),
        ] {
            assert!(key.starts_with(TEMPORARY_PREFIX), "{key}");
        }
        assert_eq!(upload_key("a/b", "t0"), "tmp/uploads/612f62/t0.zip");
        assert!(upload_prefix("a").starts_with(UPLOADS_PREFIX));
        // No user's prefix starts another's: hex digits come in pairs, then the slash.
        assert!(!upload_prefix("ab").starts_with(&upload_prefix("a")));
    }
}
