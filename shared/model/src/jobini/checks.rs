//! The checks OpenQuake makes across parameters when it accepts a job (`OqParam.__init__`
//! and `OqParam.validate`), in its order and with its wording, for everything that can be
//! decided without reading the input files.

use super::imt;
use super::inputs::Inputs;
use super::params::{ParamDefault, Typed, lookup};
use super::value::{Py, float_repr, str_repr};

/// The installed engine's version, for `minimum_engine_version`.
const ENGINE_VERSION: [i64; 3] = [3, 26, 2];

/// A validated parameter: canonical name, key as written, line, value.
#[derive(Debug, Clone)]
pub(crate) struct Value {
    pub name: String,
    pub key: String,
    pub line: Option<usize>,
    pub typed: Typed,
}

/// A failed check: the parameter it is about (canonical name) and OpenQuake's message.
#[derive(Debug, PartialEq)]
pub(crate) struct Problem {
    pub name: &'static str,
    pub message: String,
}

fn problem(name: &'static str, message: impl Into<String>) -> Problem {
    Problem {
        name,
        message: message.into(),
    }
}

/// The parameters of one job, with OpenQuake's defaults for the ones not given.
pub(crate) struct Job<'a> {
    pub values: &'a [Value],
    pub inputs: &'a Inputs,
    pub file: &'a str,
}

impl Job<'_> {
    fn value(&self, name: &str) -> Option<&Value> {
        self.values.iter().find(|v| v.name == name)
    }

    /// Whether the parameter was given.
    fn given(&self, name: &str) -> bool {
        self.value(name).is_some()
    }

    /// The value, or the default (`None` when there is none).
    fn get(&self, name: &str) -> Typed {
        match self.value(name) {
            Some(v) => v.typed.clone(),
            None => match lookup(name).map(|p| &p.default) {
                Some(ParamDefault::Json(json)) => Typed::from_default(json),
                Some(ParamDefault::NaN) => Typed::Float(f64::NAN),
                _ => Typed::None,
            },
        }
    }

    fn truthy(&self, name: &str) -> bool {
        self.get(name).truthy()
    }

    /// A number; `None` for unset or `None` values.
    fn number(&self, name: &str) -> Option<f64> {
        match self.get(name) {
            Typed::Int(i) => Some(i as f64),
            Typed::Float(f) => Some(f),
            Typed::Bool(b) => Some(f64::from(u8::from(b))),
            _ => None,
        }
    }

    fn text(&self, name: &str) -> String {
        match self.get(name) {
            Typed::Str(s) => s,
            _ => String::new(),
        }
    }

    fn floats(&self, name: &str) -> Vec<f64> {
        match self.get(name) {
            Typed::Floats(v) => v,
            _ => vec![],
        }
    }

    fn imtls(&self, name: &str) -> Vec<(String, Vec<f64>)> {
        match self.get(name) {
            Typed::Imtls(v) => v,
            _ => vec![],
        }
    }

    fn mode(&self) -> String {
        self.text("calculation_mode")
    }

    /// Whether `hazard_calculation_id` is not `None` (some checks want it truthy instead).
    fn has_parent(&self) -> bool {
        !matches!(self.get("hazard_calculation_id"), Typed::None)
    }

    /// The job type: risk for risk, damage and bcr modes.
    fn is_risk(&self) -> bool {
        let mode = self.mode();
        mode.contains("risk") || mode.contains("damage") || mode.contains("bcr")
    }

    /// Whether vulnerability or fragility functions are among the inputs.
    fn risk_files(&self) -> bool {
        self.inputs.kinds().any(|k| {
            k == "fragility"
                || k.ends_with("_fragility")
                || k.ends_with("_vulnerability")
                || k.ends_with("_vulnerability_retrofitted")
        })
    }

    fn fragility_files(&self) -> bool {
        self.inputs
            .kinds()
            .any(|k| k == "fragility" || k.ends_with("_fragility"))
    }

    fn vulnerability_files(&self) -> bool {
        self.inputs.kinds().any(|k| k.contains("_vulnerability"))
    }

    fn input_truthy(&self, kind: &str) -> bool {
        !self.inputs.files(kind).is_empty()
    }
}

/// The hazard IMTs and levels OpenQuake derives: from `iml_disagg`, else the IMTLs, else
/// the IMTs (levels `[0]`); the risk IMTLs when there are none.
fn effective_imtls(job: &Job) -> Result<Vec<(String, Vec<f64>)>, Problem> {
    let mut hazard: Vec<(String, Vec<f64>)> = Vec::new();
    if job.given("iml_disagg") {
        if let Typed::Dict(pairs) = job.get("iml_disagg") {
            for (imt_name, iml) in pairs {
                let Py::Str(imt_name) = imt_name else {
                    return Err(problem(
                        "iml_disagg",
                        format!("{} is not an IMT", imt_name.repr()),
                    ));
                };
                let normal = imt::normalize(&imt_name).map_err(|e| problem("iml_disagg", e))?;
                let Some(level) = iml.number() else {
                    return Err(problem(
                        "iml_disagg",
                        format!(
                            "float() argument must be a string or a real number, not '{}'",
                            iml.type_name()
                        ),
                    ));
                };
                hazard.push((normal, vec![level]));
            }
        }
        if job.given("intensity_measure_types_and_levels") {
            return Err(problem(
                "intensity_measure_types_and_levels",
                "Please remove the intensity_measure_types_and_levels : they will be inferred from the iml_disagg dictionary",
            ));
        }
    } else if job.given("intensity_measure_types_and_levels") {
        hazard = job.imtls("intensity_measure_types_and_levels");
        let first = hazard.first().map_or(0, |(_, l)| l.len());
        if hazard.iter().any(|(_, l)| l.len() != first) {
            let lens: Vec<String> = hazard
                .iter()
                .map(|(imt, l)| format!("'{imt}': {}", l.len()))
                .collect();
            return Err(problem(
                "intensity_measure_types_and_levels",
                format!(
                    "Each IMT must have the same number of levels, instead you have {{{}}}",
                    lens.join(", ")
                ),
            ));
        }
    } else if let Typed::Names(imts) = job.get("intensity_measure_types") {
        hazard = imts.into_iter().map(|imt| (imt, vec![0.0])).collect();
    }
    Ok(if hazard.is_empty() {
        job.imtls("risk_imtls")
    } else {
        hazard
    })
}

/// OpenQuake's `check_siteid`, made right after reading the values.
pub(crate) fn check_siteid(job: &Job) -> Result<(), Problem> {
    let Typed::Names(ids) = job.get("siteid") else {
        return Ok(());
    };
    let sites = match job.get("sites") {
        Typed::List(n) => n,
        _ => 0,
    };
    if !ids.is_empty() && ids.len() != sites {
        let ids: Vec<String> = ids.iter().map(|i| str_repr(i)).collect();
        let message = format!(
            "There are {sites} sites but self.siteid=[{}]",
            ids.join(", ")
        );
        return Err(problem("siteid", message));
    }
    Ok(())
}

/// Runs the checks made once the calculation mode is known; the first failure is returned.
pub(crate) fn run(job: &Job) -> Result<(), Problem> {
    let imtls = effective_imtls(job)?;
    if let Typed::Dict(pairs) = job.get("minimum_intensity") {
        for (key, _) in pairs {
            match key {
                Py::Str(k) if k == "default" => {}
                Py::Str(k) => {
                    imt::normalize(&k).map_err(|e| problem("minimum_intensity", e))?;
                }
                other => {
                    return Err(problem(
                        "minimum_intensity",
                        format!("{} is not an IMT", other.repr()),
                    ));
                }
            }
        }
    }
    let mut poes = job.floats("poes");
    check_hazard(job, &imtls, &mut poes)?;
    check_gsim_logic_tree(job)?;
    check_risk(job, &mut poes)?;
    validate(job, &imtls, &poes)?;
    check_source_model(job)
}

/// OpenQuake's `check_hazard`.
fn check_hazard(
    job: &Job,
    imtls: &[(String, Vec<f64>)],
    poes: &mut Vec<f64>,
) -> Result<(), Problem> {
    let mode = job.mode();
    if job.truthy("sites") && job.inputs.has("site_model") && job.truthy("hazard_calculation_id") {
        return Err(problem(
            "sites",
            "You cannot specify both sites and site_model in the presence of a parent calculation",
        ));
    }
    let gmfs = job.inputs.files("gmfs").first().map_or("", String::as_str);
    let samples = job.number("number_of_logic_tree_samples").unwrap_or(0.0);
    if gmfs.ends_with(".csv") && !job.inputs.has("site_model") && !job.truthy("sites") {
        return Err(problem("sites", "You forgot to specify a site_model"));
    } else if gmfs.ends_with(".xml") {
        return Err(problem(
            "calculation_mode",
            "GMFs in XML are not supported anymore",
        ));
    } else if samples >= 65536.0 {
        return Err(problem(
            "number_of_logic_tree_samples",
            format!("number_of_logic_tree_samples too big: {}", samples as i64),
        ));
    }
    let event_based = mode.contains("event_based") || mode.contains("damage");
    if mode != "workflow" && event_based {
        let ses = job.number("ses_per_logic_tree_path").unwrap_or(1.0);
        if ses >= 4_294_967_296.0 {
            return Err(problem(
                "ses_per_logic_tree_path",
                format!("ses_per_logic_tree_path too big: {}", ses as i64),
            ));
        }
    } else if mode != "workflow" && job.truthy("maximum_rupture_depth") {
        return Err(problem(
            "maximum_rupture_depth",
            "maximum_rupture_depth can be defined only in event_based calculations",
        ));
    }
    if job.inputs.has("amplification")
        && !imtls.is_empty()
        && ["classical", "classical_risk", "disaggregation"].contains(&mode.as_str())
    {
        check_same_levels(imtls)?;
    }
    if mode == "disaggregation" {
        check_disaggregation(job, poes)?;
    }
    if job.text("postproc_func").contains("rtgm") && !imtls.iter().any(|(imt, _)| imt == "SA(1.0)")
    {
        return Err(problem(
            "postproc_func",
            "the IMTs PGA, SA(0.2), and SA(1.0) are required to use compute_rtgm",
        ));
    }
    Ok(())
}

/// OpenQuake's `check_same_levels`, for site amplification.
fn check_same_levels(imtls: &[(String, Vec<f64>)]) -> Result<(), Problem> {
    let name = "intensity_measure_types_and_levels";
    let first = &imtls[0].1;
    for (imt, levels) in imtls {
        if !imt.starts_with("PGA") && !imt.starts_with("SA") {
            return Err(problem(
                name,
                format!("Site amplification works only with PGA and SA, got {imt}"),
            ));
        }
        if levels.iter().all(|l| *l == 0.0) {
            return Err(problem(
                name,
                "You forgot to set intensity_measure_types_and_levels!",
            ));
        }
        if levels != first {
            return Err(problem(
                name,
                "Site amplification works only if the levels are the same across all IMTs",
            ));
        }
    }
    Ok(())
}

fn float_list(values: &[f64]) -> String {
    let items: Vec<String> = values.iter().map(|f| float_repr(*f)).collect();
    format!("[{}]", items.join(", "))
}

/// The disaggregation part of OpenQuake's `check_hazard`.
fn check_disaggregation(job: &Job, poes: &mut Vec<f64>) -> Result<(), Problem> {
    let mut poes_disagg = job.floats("poes_disagg");
    if poes_disagg.is_empty() && !poes.is_empty() {
        poes_disagg.clone_from(poes);
    } else if poes.is_empty() && !poes_disagg.is_empty() {
        poes.clone_from(&poes_disagg);
    } else if *poes != poes_disagg {
        return Err(problem(
            "poes_disagg",
            format!(
                "poes_disagg != poes: {}!={}",
                float_list(&poes_disagg),
                float_list(poes)
            ),
        ));
    }
    let iml_disagg = job.truthy("iml_disagg");
    if poes_disagg.is_empty() && !iml_disagg {
        return Err(problem(
            "poes_disagg",
            "poes_disagg or iml_disagg must be set",
        ));
    } else if !poes_disagg.is_empty() && iml_disagg {
        return Err(problem(
            "iml_disagg",
            "iml_disagg and poes_disagg cannot be set at the same time",
        ));
    }
    if !job.truthy("disagg_bin_edges") {
        for name in [
            "mag_bin_width",
            "distance_bin_width",
            "coordinate_bin_width",
            "num_epsilon_bins",
        ] {
            if !job.given(name) {
                return Err(problem(name, format!("{name} must be set")));
            }
        }
    }
    if job.given("rlz_index") && job.number("num_rlzs_disagg") != Some(1.0) {
        return Err(problem(
            "rlz_index",
            "you cannot set rlzs_index and num_rlzs_disagg at the same time",
        ));
    }
    Ok(())
}

/// The part of OpenQuake's `check_gsim_lt` that needs no file.
fn check_gsim_logic_tree(job: &Job) -> Result<(), Problem> {
    if job.input_truthy("gsim_logic_tree") {
        if job.text("gsim") != "[FromFile]" {
            return Err(problem(
                "gsim",
                "if `gsim_logic_tree_file` is set, there must be no `gsim` key",
            ));
        }
    } else if job.text("gsim").is_empty() {
        return Err(problem("gsim", "Missing gsim or gsim_logic_tree_file"));
    }
    let params = match job.get("sec_peril_params") {
        Typed::List(n) => n,
        _ => 0,
    };
    let perils = match job.get("secondary_perils") {
        Typed::Names(names) => names.len(),
        _ => 0,
    };
    if params > 0 && params != perils {
        return Err(problem(
            "sec_peril_params",
            format!("there are {params} sec_peril_params for {perils} secondary_perils"),
        ));
    }
    Ok(())
}

/// OpenQuake's `check_risk`.
fn check_risk(job: &Job, poes: &mut Vec<f64>) -> Result<(), Problem> {
    let mode = job.mode();
    let parent = job.has_parent();
    let parent_truthy = job.truthy("hazard_calculation_id");
    let impact = job
        .inputs
        .files("exposure")
        .first()
        .is_some_and(|f| f.ends_with(".hdf5"));
    if job.is_risk() && !job.truthy("shakemap_uri") && !impact {
        if mode.contains("damage") && !parent_truthy {
            if !job.fragility_files() {
                return Err(problem("calculation_mode", "Missing fragility files"));
            }
        } else if mode.contains("risk")
            && !job.inputs.has("multi_peril")
            && !parent_truthy
            && !job.vulnerability_files()
        {
            return Err(problem("calculation_mode", "missing vulnerability files"));
        }
    }
    let truncation = [
        "truncation_level",
        "truncation_level_between",
        "truncation_level_within",
    ]
    .iter()
    .any(|n| !matches!(job.get(n), Typed::None));
    if !job.inputs.has("hazard_curves")
        && !job.inputs.has("gmfs")
        && mode != "scenario"
        && !parent
        && !job.inputs.has("multi_peril")
        && !truncation
    {
        return Err(problem(
            "truncation_level",
            "Missing truncation_level or truncation_level_between/truncation_level_within",
        ));
    }
    let investigation_time = job.truthy("investigation_time");
    if investigation_time && mode.starts_with("scenario") {
        return Err(problem(
            "investigation_time",
            format!("there cannot be investigation_time in {mode}"),
        ));
    }
    if job.truthy("return_periods") && poes.is_empty() && investigation_time {
        // OpenQuake computes the poes from the return periods
        poes.push(f64::NAN);
    }
    if mode == "classical_damage" {
        if job.truthy("conditional_loss_poes") {
            return Err(problem(
                "conditional_loss_poes",
                "conditional_loss_poes are not defined for classical_damage calculations",
            ));
        }
        if !investigation_time && !parent {
            return Err(problem("investigation_time", "missing investigation_time"));
        }
    }
    Ok(())
}

/// OpenQuake's `is_valid_*` checks, in their (alphabetical) order.
fn validate(job: &Job, imtls: &[(String, Vec<f64>)], poes: &[f64]) -> Result<(), Problem> {
    let mode = job.mode();
    check_collect_rlzs(job)?;
    let cfms = job.number("complex_fault_mesh_spacing").unwrap_or(0.0);
    if cfms != 0.0 && cfms < job.number("rupture_mesh_spacing").unwrap_or(0.0) {
        return Err(problem(
            "complex_fault_mesh_spacing",
            "The `complex_fault_mesh_spacing` parameter must be greater than `rupture_mesh_spacing` (or at most equal).",
        ));
    }
    if job.number("concurrent_tasks").unwrap_or(0.0) > 30_000.0 {
        return Err(problem(
            "concurrent_tasks",
            "At most you can use 30_000 tasks",
        ));
    }
    if job.truthy("disagg_by_src") && job.number("ps_grid_spacing").unwrap_or(0.0) != 0.0 {
        return Err(problem(
            "disagg_by_src",
            "disagg_by_src can be set only if ps_grid_spacing = 0",
        ));
    }
    if !valid_geometry(job) {
        return Err(problem(
            "sites",
            "It is possible to infer the geometry only if exactly one of sites, sites_csv, \
             hazard_curves_csv, region is set. You did set more than one, or nothing.",
        ));
    }
    let no_imls = imtls.iter().flat_map(|(_, l)| l).sum::<f64>() == 0.0;
    if no_imls
        && !job.risk_files()
        && (job.truthy("hazard_curves_from_gmfs")
            || mode == "classical"
            || mode == "disaggregation")
    {
        return Err(problem(
            "intensity_measure_types_and_levels",
            "In order to compute hazard curves, `intensity_measure_types_and_levels` must be set \
             or extracted from the risk models.",
        ));
    }
    if let Typed::Str(model) = job.get("ground_motion_correlation_model")
        && let Some((imt, _)) = imtls
            .iter()
            .find(|(imt, _)| !(imt.starts_with("SA") || imt == "PGA" || imt == "PGV"))
    {
        return Err(problem(
            "ground_motion_correlation_model",
            format!("Correlation model {model} does not accept IMT={imt}"),
        ));
    }
    if job.risk_files()
        && job.given("intensity_measure_types")
        && (job.given("intensity_measure_types_and_levels") || job.given("iml_disagg"))
    {
        return Err(problem(
            "intensity_measure_types",
            "If the IMTs and levels are extracted from the risk models, they must not be set \
             directly. Moreover, if `intensity_measure_types_and_levels` is set directly, \
             `intensity_measure_types` must not be set.",
        ));
    }
    if job.inputs.has("gsim_logic_tree") && !job.given("maximum_distance") {
        return Err(problem("maximum_distance", "Missing maximum_distance"));
    }
    if (job.truthy("hazard_maps") || job.truthy("uniform_hazard_spectra")) && poes.is_empty() {
        return Err(problem(
            "poes",
            "When computing hazard maps and/or uniform hazard spectra, the poes list must be non-empty.",
        ));
    }
    if !job.truthy("shakemap_uri")
        && job.truthy("shakemap_id")
        && !job.truthy("hazard_calculation_id")
    {
        return Err(problem(
            "shakemap_id",
            "hazard_calculation_id must be set if shakemap_id is set",
        ));
    }
    check_soil_intensities(job)?;
    if job.truthy("specific_assets") && job.inputs.has("specific_assets") {
        return Err(problem(
            "specific_assets",
            "Read the special assets from the parameters `specific_assets` or \
             `specific_assets_csv`, if present. You cannot have both. The concept is meaninful \
             only for risk calculators.",
        ));
    }
    if let Typed::Version(v) = job.get("minimum_engine_version")
        && v > ENGINE_VERSION
    {
        let message = format!(
            "The engine version must be >= ({}, {}, {})",
            v[0], v[1], v[2]
        );
        return Err(problem("minimum_engine_version", message));
    }
    Ok(())
}

/// OpenQuake's `is_valid_collect_rlzs`, for risk jobs.
fn check_collect_rlzs(job: &Job) -> Result<(), Problem> {
    if !job.is_risk() {
        return Ok(());
    }
    let samples = job.number("number_of_logic_tree_samples").unwrap_or(0.0);
    let collect = match job.get("collect_rlzs") {
        Typed::Bool(b) => b,
        _ => samples > 1.0,
    };
    if collect && job.get("individual_rlzs") == Typed::Bool(true) {
        return Err(problem(
            "collect_rlzs",
            "you cannot have individual_rlzs=true with collect_rlzs=true",
        ));
    }
    if job.mode() == "event_based_damage" {
        if !job.truthy("investigation_time") {
            return Err(problem("investigation_time", "Missing investigation_time"));
        }
        return Ok(());
    }
    if !collect {
        return Ok(());
    }
    let quantiles = job.floats("quantiles").len();
    let stats = usize::from(job.truthy("mean"))
        + usize::from(job.truthy("std"))
        + quantiles
        + usize::from(job.truthy("max"));
    let only_mean = stats == 1 && job.truthy("mean");
    if stats > 0 && !only_mean {
        return Err(problem(
            "collect_rlzs",
            "quantiles are not supported with collect_rlzs=true",
        ));
    }
    if samples == 0.0 {
        return Err(problem(
            "collect_rlzs",
            "collect_rlzs=true is inconsistent with full enumeration",
        ));
    }
    if job.text("sampling_method") != "early_weights" {
        return Err(problem(
            "sampling_method",
            "sampling_method must be early_weights with collect_rlzs=true",
        ));
    }
    Ok(())
}

/// OpenQuake's `is_valid_geometry`.
fn valid_geometry(job: &Job) -> bool {
    if job.mode() == "preclassical" {
        return true;
    }
    let sites = job.truthy("sites");
    if job.inputs.has("hazard_curves") && (sites || job.inputs.has("site_model")) {
        return false;
    }
    if !(sites || job.inputs.has("site_model") || job.truthy("ground_motion_fields")) {
        return true;
    }
    if job.is_risk() {
        return true;
    }
    let region = job.truthy("region") && job.truthy("region_grid_spacing");
    let flags = [
        sites,
        job.input_truthy("site_model"),
        job.input_truthy("hazard_curves"),
        job.input_truthy("gmfs"),
        region,
    ];
    flags.iter().filter(|f| **f).count() == 1
        || job.input_truthy("exposure")
        || job.input_truthy("site_model")
}

/// OpenQuake's `is_valid_soil_intensities`.
fn check_soil_intensities(job: &Job) -> Result<(), Problem> {
    let mode = job.mode();
    let classical = mode.contains("classical") || mode.contains("disaggregation");
    let soil = job.get("soil_intensities");
    let ok = if classical
        && job.inputs.has("amplification")
        && job.text("amplification_method") == "convolution"
    {
        matches!(&soil, Typed::Floats(v) if v.len() > 1)
    } else {
        soil == Typed::None
    };
    if ok {
        return Ok(());
    }
    Err(problem(
        "soil_intensities",
        "soil_intensities must be defined only in classical calculations with amplification_method=convolution",
    ))
}

/// OpenQuake's `check_source_model`.
fn check_source_model(job: &Job) -> Result<(), Problem> {
    let inputs = job.inputs;
    if ["hazard_curves", "gmfs", "rupture_model", "ins_loss"]
        .iter()
        .any(|k| inputs.has(k))
        || job.mode().contains("scenario")
    {
        return Ok(());
    }
    if !inputs.has("source_model_logic_tree")
        && !inputs.has("source_model")
        && !inputs.has("multi_peril")
        && !job.has_parent()
    {
        return Err(problem(
            "source_model_logic_tree_file",
            format!(
                "Missing source_model_logic_tree in {} or missing --hc option",
                job.file
            ),
        ));
    }
    Ok(())
}
