//! The plot grammar of `oq plot`: `<what>?<name>=<value>&...`.

use crate::PlotError;

/// Which picture.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Family {
    /// `hcurves`: hazard curves of one site and IMT.
    Curves,
    /// `hmaps`: hazard maps of one IMT, one panel per kind and PoE.
    Maps,
    /// `uhs`: uniform hazard spectra of one site.
    Uhs,
    /// `disagg`: the disaggregation of one site, IMT and PoE.
    Disagg,
}

impl Family {
    /// The extract key (`hcurves`, `hmaps`, `uhs`).
    pub fn what(self) -> &'static str {
        match self {
            Family::Curves => "hcurves",
            Family::Maps => "hmaps",
            Family::Uhs => "uhs",
            Family::Disagg => "disagg",
        }
    }

    /// The query parameters a spec of this family may carry.
    fn parameters(self) -> &'static [&'static str] {
        match self {
            Family::Curves => &["kind", "imt", "site_id"],
            Family::Maps => &["kind", "imt"],
            Family::Uhs => &["kind", "site_id"],
            Family::Disagg => &["kind", "imt", "site_id", "poe_id", "spec"],
        }
    }
}

/// A parsed plot spec.
#[derive(Debug, Clone, PartialEq)]
pub struct PlotSpec {
    pub family: Family,
    /// The `kind` values in order (at least one).
    pub kinds: Vec<String>,
    /// `imt` (default: the job's first IMT).
    pub imt: Option<String>,
    /// `site_id` (default: 0).
    pub site_id: Option<usize>,
    /// `poe_id` of a disaggregation (default: 0).
    pub poe_id: Option<usize>,
    /// `spec` of a disaggregation: `rlzs`, `stats`, `rlzs-traditional`, `stats-traditional`.
    pub disagg_spec: Option<String>,
}

impl PlotSpec {
    /// Parses `hcurves?kind=mean&imt=PGA&site_id=0` and the like.
    pub fn parse(text: &str) -> Result<PlotSpec, PlotError> {
        let err = |message: String| PlotError::Spec(message);
        let (what, query) = text.split_once('?').unwrap_or((text, ""));
        let family = match what {
            "hcurves" => Family::Curves,
            "hmaps" => Family::Maps,
            "uhs" => Family::Uhs,
            "disagg" => Family::Disagg,
            "disagg_layer" => {
                return Err(PlotError::Unsupported(
                    "disagg_layer is not drawn: plot one site with \
                     'disagg?kind=Mag_Dist&imt=PGA&site_id=0&poe_id=0&spec=rlzs'"
                        .into(),
                ));
            }
            other => {
                return Err(err(format!(
                    "cannot plot '{other}': expected hcurves, hmaps, uhs or disagg \
                     (e.g. 'hcurves?kind=mean&imt=PGA&site_id=0')"
                )));
            }
        };
        let mut spec = PlotSpec {
            family,
            kinds: Vec::new(),
            imt: None,
            site_id: None,
            poe_id: None,
            disagg_spec: None,
        };
        for pair in query.split('&').filter(|p| !p.is_empty()) {
            let (name, value) = pair.split_once('=').unwrap_or((pair, ""));
            let value = percent_decode(value);
            if !family.parameters().contains(&name) {
                return Err(err(format!(
                    "unknown parameter '{name}' for {what} plots (expected {})",
                    family.parameters().join(", ")
                )));
            }
            if value.is_empty() {
                return Err(err(format!("{name}: empty value")));
            }
            match name {
                "kind" if family != Family::Disagg || spec.kinds.is_empty() => {
                    spec.kinds.push(value)
                }
                "spec" if spec.disagg_spec.is_none() => spec.disagg_spec = Some(value),
                "poe_id" if spec.poe_id.is_none() => {
                    spec.poe_id = Some(value.parse().map_err(|_| {
                        err(format!("poe_id: '{value}' is not a non-negative integer"))
                    })?);
                }
                "imt" if spec.imt.is_none() => spec.imt = Some(value),
                "site_id" if spec.site_id.is_none() => {
                    spec.site_id = Some(value.parse().map_err(|_| {
                        err(format!("site_id: '{value}' is not a non-negative integer"))
                    })?);
                }
                _ => return Err(err(format!("{name}: give one value only"))),
            }
        }
        if spec.kinds.is_empty() {
            return Err(err(format!(
                "{what}: kind is required (e.g. '{what}?kind=mean')"
            )));
        }
        if family == Family::Disagg && spec.disagg_spec.is_none() {
            return Err(err(
                "disagg: spec is required (rlzs, stats, rlzs-traditional or stats-traditional)"
                    .into(),
            ));
        }
        Ok(spec)
    }
}

/// `%XX` escapes and `+` as a space, as in a URL query.
fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = bytes
            .get(i + 1..i + 3)
            .and_then(|h| std::str::from_utf8(h).ok())
            .and_then(|h| u8::from_str_radix(h, 16).ok());
        match (bytes[i], hex) {
            (b'%', Some(byte)) => {
                out.push(byte);
                i += 3;
            }
            (b'+', _) => {
                out.push(b' ');
                i += 1;
            }
            (byte, _) => {
                out.push(byte);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_seed_grammar_parses() {
        let spec =
            PlotSpec::parse("hcurves?kind=rlzs&kind=mean&imt=SA%280.1%29&site_id=2").unwrap();
        assert_eq!(spec.family, Family::Curves);
        assert_eq!(spec.kinds, ["rlzs", "mean"]);
        assert_eq!(spec.imt.as_deref(), Some("SA(0.1)"));
        assert_eq!(spec.site_id, Some(2));
        let spec = PlotSpec::parse("uhs?kind=mean&site_id=0").unwrap();
        assert_eq!((spec.family, spec.imt), (Family::Uhs, None));
    }

    #[test]
    fn bad_specs_name_the_problem() {
        let message = |text: &str| PlotSpec::parse(text).unwrap_err().to_string();
        assert!(message("hcurves?imt=PGA").contains("kind is required"));
        assert!(message("hmaps?kind=mean&site_id=0").contains("unknown parameter 'site_id'"));
        assert!(message("hcurves?kind=mean&site_id=x").contains("'x' is not"));
        assert!(message("gmf_data?kind=mean").contains("cannot plot 'gmf_data'"));
        assert!(message("disagg?kind=Mag&imt=PGA").contains("spec is required"));
        assert!(message("disagg?kind=Mag&kind=Dist&spec=rlzs").contains("one value only"));
        assert!(message("disagg_layer").contains("not drawn"));
        let spec = PlotSpec::parse("disagg?kind=Mag_Dist&poe_id=1&spec=rlzs-traditional").unwrap();
        assert_eq!(spec.family, Family::Disagg);
        assert_eq!(
            (spec.poe_id, spec.disagg_spec.as_deref()),
            (Some(1), Some("rlzs-traditional"))
        );
    }
}
