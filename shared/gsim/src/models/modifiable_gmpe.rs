//! `ModifiableGMPE`: an underlying GSIM whose means and sigmas are then adjusted, each
//! adjustment in the order the logic tree gives them (OpenQuake's
//! `hazardlib.gsim.mgmpe.modifiable_gmpe`).
//!
//! In `gsim_logic_tree.xml` it is written as TOML:
//!
//! ```toml
//! [ModifiableGMPE]
//! gmpe.AkkarEtAlRjb2014 = {}
//! set_between_epsilon.epsilon_tau = 0.5
//! ```
//!
//! Adjustments implemented (ln units for the mean):
//! - `set_between_epsilon.epsilon_tau = e`: mean += e·τ, then τ = 0 and σ = φ (the
//!   underlying GSIM must give τ);
//! - `set_scale_median_scalar.scaling_factor = f`: mean += ln f;
//! - `set_scale_total_sigma_scalar.scaling_factor = f`: σ ×= f;
//! - `add_delta_to_total_std_scalar.delta = d`: σ = √(σ² + sign(d)·d²), an error if that
//!   is not a number;
//! - `nrcan15_site_term.kind = 'base'|'linear'`: the underlying GSIM computed on rock
//!   (vs30 = 760 m/s), its mean then amplified to the site's vs30 (see
//!   [`super::nrcan15_site_term`]).
//!
//! The others (site terms, IMT-dependent tables, conditional GMPEs) are not implemented
//! and named in the error.

use super::nrcan15_site_term;
use crate::{Contexts, Gsim, GsimError, Imt, ImtKind, Requirements, SiteParam, gsim_by_name};

const NAME: &str = "ModifiableGMPE";

/// One adjustment of the underlying GSIM's output.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Adjustment {
    SetBetweenEpsilon {
        epsilon_tau: f64,
    },
    ScaleMedian {
        scaling_factor: f64,
    },
    ScaleTotalSigma {
        scaling_factor: f64,
    },
    AddDeltaToTotalStd {
        delta: f64,
    },
    /// `linear`: the `linear` kind, else `base`.
    Nrcan15SiteTerm {
        linear: bool,
    },
}

/// A GSIM with adjustments applied to its output.
pub struct ModifiableGmpe {
    gmpe: Box<dyn Gsim>,
    adjustments: Vec<Adjustment>,
    requires: Requirements,
    /// Whether the underlying GSIM computes on rock (a site term adjusts its output).
    on_rock: bool,
}

impl ModifiableGmpe {
    /// From the logic tree's `key = value` pairs: one `gmpe.<Name> = {}` and
    /// `<adjustment>.<argument> = <number>` pairs (or `<adjustment> = {}`).
    pub fn from_params(params: &[(String, String)]) -> Result<Self, GsimError> {
        let invalid = |name: &str, value: &str| GsimError::InvalidParameter {
            gsim: NAME.to_string(),
            name: name.to_string(),
            value: value.to_string(),
        };
        let mut gmpe = None;
        // (adjustment, [(argument, value)]) in order of first appearance; `name = {}` is an
        // adjustment without arguments
        let mut methods: Vec<(&str, Vec<(&str, &str)>)> = Vec::new();
        for (key, value) in params {
            let (head, tail) = match key.split_once('.') {
                Some((head, tail)) => (head, Some(tail)),
                None if value.trim() == "{}" => (key.as_str(), None),
                None => return Err(invalid(key, value)),
            };
            if head == "gmpe" {
                match tail {
                    Some(name) if gmpe.is_none() && value.trim() == "{}" => {
                        gmpe = Some(gsim_by_name(name, &[])?);
                    }
                    _ => return Err(invalid(key, value)),
                }
                continue;
            }
            let index = match methods.iter().position(|(m, _)| *m == head) {
                Some(i) => i,
                None => {
                    methods.push((head, Vec::new()));
                    methods.len() - 1
                }
            };
            if let Some(argument) = tail {
                methods[index].1.push((argument, value.as_str()));
            }
        }
        let gmpe = gmpe.ok_or_else(|| invalid("gmpe", "missing"))?;
        let adjustments: Vec<Adjustment> = methods
            .into_iter()
            .map(|(method, args)| {
                let only = |argument: &str| match args[..] {
                    [(name, value)] if name == argument => value
                        .trim()
                        .parse::<f64>()
                        .map_err(|_| invalid(method, value)),
                    _ => Err(invalid(method, &format!("{args:?}"))),
                };
                Ok(match method {
                    "set_between_epsilon" => {
                        if !gmpe.has_between_event_std() {
                            return Err(invalid(
                                method,
                                &format!("{} has no between-event sigma", gmpe.name()),
                            ));
                        }
                        Adjustment::SetBetweenEpsilon {
                            epsilon_tau: only("epsilon_tau")?,
                        }
                    }
                    "set_scale_median_scalar" => Adjustment::ScaleMedian {
                        scaling_factor: only("scaling_factor")?,
                    },
                    "set_scale_total_sigma_scalar" => Adjustment::ScaleTotalSigma {
                        scaling_factor: only("scaling_factor")?,
                    },
                    "add_delta_to_total_std_scalar" => Adjustment::AddDeltaToTotalStd {
                        delta: only("delta")?,
                    },
                    "nrcan15_site_term" => match args[..] {
                        [("kind", kind)] => match kind.trim().trim_matches(['\'', '"']) {
                            "base" => Adjustment::Nrcan15SiteTerm { linear: false },
                            "linear" => Adjustment::Nrcan15SiteTerm { linear: true },
                            _ => return Err(invalid("nrcan15_site_term.kind", kind)),
                        },
                        _ => return Err(invalid(method, &format!("{args:?}"))),
                    },
                    other => return Err(GsimError::UnknownGsim(format!("{NAME} with {other}"))),
                })
            })
            .collect::<Result<_, _>>()?;
        let mut requires = gmpe.requires();
        let on_rock = adjustments
            .iter()
            .any(|a| matches!(a, Adjustment::Nrcan15SiteTerm { .. }));
        if on_rock && !requires.site.contains(&SiteParam::Vs30) {
            if !requires.site.is_empty() {
                return Err(GsimError::UnknownGsim(format!(
                    "{NAME} with nrcan15_site_term on {}, which reads site parameters \
                     other than vs30",
                    gmpe.name()
                )));
            }
            requires.site = &[SiteParam::Vs30];
        }
        Ok(ModifiableGmpe {
            gmpe,
            adjustments,
            requires,
            on_rock,
        })
    }
}

impl Gsim for ModifiableGmpe {
    /// OpenQuake declares no component for `ModifiableGMPE`: nothing is converted.
    fn component(&self) -> crate::Component {
        crate::Component::Other
    }

    fn name(&self) -> &str {
        NAME
    }

    fn requires(&self) -> Requirements {
        self.requires
    }

    fn supported_imts(&self) -> &'static [ImtKind] {
        self.gmpe.supported_imts()
    }

    fn volc_arc_file(&self) -> Option<&str> {
        self.gmpe.volc_arc_file()
    }

    fn has_between_event_std(&self) -> bool {
        self.gmpe.has_between_event_std()
    }

    fn compute(
        &self,
        ctx: &Contexts,
        imt: &Imt,
        mean: &mut [f64],
        sig: &mut [f64],
        tau: &mut [f64],
        phi: &mut [f64],
    ) -> Result<(), GsimError> {
        if self.on_rock {
            // the underlying GSIM on rock
            let rock = Contexts {
                vs30: vec![nrcan15_site_term::ROCK_VS30; ctx.len()],
                ..ctx.clone()
            };
            self.gmpe.compute(&rock, imt, mean, sig, tau, phi)?;
        } else {
            self.gmpe.compute(ctx, imt, mean, sig, tau, phi)?;
        }
        for adjustment in &self.adjustments {
            match *adjustment {
                Adjustment::SetBetweenEpsilon { epsilon_tau } => {
                    for i in 0..mean.len() {
                        mean[i] += epsilon_tau * tau[i];
                        tau[i] = 0.0;
                        sig[i] = phi[i];
                    }
                }
                Adjustment::ScaleMedian { scaling_factor } => {
                    let shift = scaling_factor.ln();
                    mean.iter_mut().for_each(|m| *m += shift);
                }
                Adjustment::ScaleTotalSigma { scaling_factor } => {
                    sig.iter_mut().for_each(|s| *s *= scaling_factor);
                }
                Adjustment::Nrcan15SiteTerm { linear } => {
                    nrcan15_site_term::amplify(&ctx.vs30, imt, linear, mean)?;
                }
                Adjustment::AddDeltaToTotalStd { delta } => {
                    for s in sig.iter_mut() {
                        let adjusted = (*s * *s + delta.signum() * delta * delta).sqrt();
                        if adjusted.is_nan() {
                            return Err(GsimError::InvalidParameter {
                                gsim: NAME.to_string(),
                                name: "add_delta_to_total_std_scalar.delta".to_string(),
                                value: format!("{delta} (a negative total sigma)"),
                            });
                        }
                        *s = adjusted;
                    }
                }
            }
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn params(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    fn compute(gsim: &dyn Gsim, ctx: &Contexts) -> [f64; 4] {
        let imt: Imt = "PGA".parse().unwrap();
        let mut out = [[0.0]; 4];
        let [m, s, t, p] = &mut out;
        gsim.compute(ctx, &imt, m, s, t, p).unwrap();
        out.map(|v| v[0])
    }

    #[test]
    fn adjustments_apply_in_order() {
        let ctx = Contexts {
            mag: vec![6.0],
            rake: vec![0.0],
            vs30: vec![400.0],
            rjb: vec![20.0],
            ..Default::default()
        };
        let plain = gsim_by_name("AkkarEtAlRjb2014", &[]).unwrap();
        let [mean, _, tau, phi] = compute(plain.as_ref(), &ctx);
        let modified = ModifiableGmpe::from_params(&params(&[
            ("gmpe.AkkarEtAlRjb2014", "{}"),
            ("set_between_epsilon.epsilon_tau", "0.5"),
            ("set_scale_total_sigma_scalar.scaling_factor", "2"),
        ]))
        .unwrap();
        let [m, s, t, p] = compute(&modified, &ctx);
        assert_eq!(m, mean + 0.5 * tau);
        assert_eq!((s, t, p), (2.0 * phi, 0.0, phi));
    }

    #[test]
    fn unsupported_and_invalid_adjustments_are_named() {
        let err = ModifiableGmpe::from_params(&params(&[
            ("gmpe.BooreAtkinson2008", "{}"),
            ("cy14_site_term", "{}"),
        ]))
        .err()
        .unwrap();
        assert_eq!(
            err.to_string(),
            "unknown GSIM: ModifiableGMPE with cy14_site_term"
        );
        let err = ModifiableGmpe::from_params(&params(&[
            ("gmpe.SadighEtAl1997", "{}"),
            ("set_between_epsilon.epsilon_tau", "1"),
        ]))
        .err()
        .unwrap();
        assert!(err.to_string().contains("no between-event sigma"), "{err}");
    }
}
