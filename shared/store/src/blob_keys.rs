//! Layout of blob keys: everything of calculation N lives under `calcs/N/`.

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
}
