//! Outputs of a calculation and OpenQuake's export registry (output type -> name, formats).

use crate::CalcId;

/// A result id: unique across all calculations, used by `/v1/calc/result/:id`.
pub type ResultId = i64;

/// One exportable output of a finished calculation.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputRecord {
    pub id: ResultId,
    pub calc_id: CalcId,
    /// The output type: the datastore key OpenQuake exports it from (`hcurves`, `hmaps`, ...).
    pub output_type: String,
    /// Display name, e.g. `Hazard Curves`.
    pub display_name: String,
    /// Size of the stored dataset; `None` when it is computed on the fly.
    pub size_mb: Option<f64>,
}

/// An output to register for a calculation.
#[derive(Debug, Clone, PartialEq)]
pub struct NewOutput {
    pub output_type: String,
    pub display_name: String,
    pub size_mb: Option<f64>,
}

impl NewOutput {
    /// A new output of a registered type, named as OpenQuake names it.
    pub fn of_kind(kind: &OutputKind, size_mb: Option<f64>) -> Self {
        NewOutput {
            output_type: kind.output_type.to_owned(),
            display_name: kind.display_name.to_owned(),
            size_mb,
        }
    }
}

/// An entry of OpenQuake's export registry.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct OutputKind {
    pub output_type: &'static str,
    pub display_name: &'static str,
    /// Export formats, in registry order (the first is the one `results` links to).
    pub formats: &'static [&'static str],
    /// Hidden outputs are listed only for users allowed to see them.
    pub hidden: bool,
}

const fn kind(
    output_type: &'static str,
    display_name: &'static str,
    formats: &'static [&'static str],
) -> OutputKind {
    OutputKind {
        output_type,
        display_name,
        formats,
        hidden: false,
    }
}

const fn hidden(
    output_type: &'static str,
    display_name: &'static str,
    formats: &'static [&'static str],
) -> OutputKind {
    OutputKind {
        output_type,
        display_name,
        formats,
        hidden: true,
    }
}

const CSV: &[&str] = &["csv"];

/// OpenQuake 3.26's export registry (spec §8.3), sorted by output type.
pub static OUTPUT_KINDS: &[OutputKind] = &[
    kind("agg_risk", "Total Risk", CSV),
    kind("aggcurves", "Aggregate Risk Curves", CSV),
    kind("aggcurves-stats", "Aggregate Risk Curves Statistics", CSV),
    kind("aggexp_tags", "Aggregated Exposure Values", CSV),
    kind("aggrisk", "Aggregate Risk", CSV),
    kind("aggrisk-stats", "Aggregate Risk Statistics", CSV),
    kind("asce07", "ASCE 7 Parameters", CSV),
    kind("asce41", "ASCE 41 Parameters", CSV),
    kind("asce41_sa_final", "ASCE 41 Response Spectra", CSV),
    kind("asset_risk", "Exposure + Risk", CSV),
    kind("avg_gmf", "Average Ground Motion Field", CSV),
    kind("avg_losses-rlzs", "Average Asset Losses", CSV),
    kind("avg_losses-stats", "Average Asset Losses Statistics", CSV),
    kind("avg_losses_by", "Average Losses By", CSV),
    kind("bcr-rlzs", "Benefit Cost Ratios", CSV),
    kind("bcr-stats", "Benefit Cost Ratios Statistics", CSV),
    kind("cs-stats", "Mean Conditional Spectra", CSV),
    kind("damages-rlzs", "Asset Risk Distributions", &["npz", "csv"]),
    kind("damages-stats", "Asset Risk Statistics", CSV),
    kind("disagg-rlzs", "Disaggregation Outputs Per Realization", CSV),
    kind("disagg-stats", "Statistical Disaggregation Outputs", CSV),
    kind("event_based_mfd", "Annual Frequency of Events", CSV),
    kind("events", "Events", CSV),
    hidden("exposure", "Exposure", &["zip"]),
    kind(
        "exposure_by_landslide_lse",
        "Exposure grouped by Region and by Landslide LSE",
        CSV,
    ),
    kind(
        "exposure_by_liquefaction_lse",
        "Exposure grouped by Region and by Liquefaction LSE",
        CSV,
    ),
    kind("fullreport", "Full Report", &["rst"]),
    kind("gmf_data", "Ground Motion Fields", &["csv", "hdf5"]),
    kind("hcurves", "Hazard Curves", &["csv", "npz"]),
    kind("hmaps", "Hazard Maps", &["csv", "npz"]),
    kind("hmaps-stats", "Hazard Maps Statistics", CSV),
    kind("input", "Input Files", &["zip"]),
    hidden("job", "job.zip", &["zip"]),
    kind("loss_curves-rlzs", "Asset Loss Curves", CSV),
    kind("loss_curves-stats", "Asset Loss Curves Statistics", CSV),
    kind("loss_maps-rlzs", "Asset Loss Maps", &["csv", "npz"]),
    kind(
        "loss_maps-stats",
        "Asset Loss Maps Statistics",
        &["csv", "npz"],
    ),
    kind("mag_dst_eps_sig", "Deterministic Earthquake Scenarios", CSV),
    kind("mce", "MCE calculations", CSV),
    kind("mce_governing", "ASCE 7 MCEr Response Spectrum", CSV),
    kind(
        "mean_disagg_by_src",
        "Mag-Dist-Eps Disaggregation per Source",
        CSV,
    ),
    kind("mean_rates_by_src", "Hazard Curves per Source", CSV),
    kind("median_spectra", "Median Spectra per Site and PoE", CSV),
    kind(
        "median_spectrum_disagg",
        "Median Spectrum Disaggregation",
        CSV,
    ),
    kind("mmi_tags", "Exposure grouped by Admin1 and MMI", CSV),
    kind("realizations", "Realizations", CSV),
    kind(
        "reinsurance-aggcurves",
        "Aggregated Reinsurance Curves",
        CSV,
    ),
    kind(
        "reinsurance-avg_policy",
        "Average Reinsurance By Policy",
        CSV,
    ),
    kind("reinsurance-avg_portfolio", "Average Reinsurance", CSV),
    kind("reinsurance-risk_by_event", "Reinsurance By Event", CSV),
    kind("risk_by_event", "Aggregated Risk By Event", CSV),
    kind("rtgm", "Risk Targeted Ground Motion", CSV),
    kind("ruptures", "Earthquake Ruptures", CSV),
    kind("site_model", "Site Model", CSV),
    kind("spectra_asce41", "ASCE 41 Calculations", CSV),
    kind("src_loss_table", "Source Loss Table", CSV),
    kind("uhs", "Uniform Hazard Spectra", &["csv", "npz"]),
];

/// The registry entry of an output type, if OpenQuake exports it.
pub fn output_kind(output_type: &str) -> Option<&'static OutputKind> {
    OUTPUT_KINDS
        .binary_search_by(|k| k.output_type.cmp(output_type))
        .ok()
        .map(|i| &OUTPUT_KINDS[i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn registry_is_sorted_for_binary_search() {
        for pair in OUTPUT_KINDS.windows(2) {
            assert!(pair[0].output_type < pair[1].output_type, "{pair:?}");
        }
    }

    #[test]
    fn looks_up_types() {
        assert_eq!(output_kind("hcurves").unwrap().formats, &["csv", "npz"]);
        assert_eq!(output_kind("damages-rlzs").unwrap().formats[0], "npz");
        assert!(output_kind("exposure").unwrap().hidden);
        assert!(output_kind("trt_gsim").is_none());
    }
}
