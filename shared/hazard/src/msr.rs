//! Magnitude-scaling relationships: median rupture area (km²) from magnitude and rake.

use oqcloud_nrml::source::MagScaleRel;

use crate::HazardError;

/// The magnitude-scaling relationships implemented, by their OpenQuake class names.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Msr {
    /// Wells & Coppersmith (1994), rupture area by slip type.
    Wc1994,
    /// PEER test cases: `A = 10^(M - 4)`.
    Peer,
    /// A fixed 1e-4 km² (point-like ruptures).
    Point,
    /// `A = 10^(M - C)`.
    CScaling { c: f64 },
    /// Strasser et al. (2010), interface events.
    StrasserInterface,
    /// Strasser et al. (2010), intraslab events.
    StrasserIntraslab,
    /// Leonard (2014), stable continental regions.
    Leonard2014Scr,
    /// Leonard (2014), interplate.
    Leonard2014Interplate,
    /// The CEUS SSC project (2011): `A = 10^(M - 4.366)`.
    Ceus2011,
}

impl Msr {
    /// The relationship a source names; an error for the ones not implemented.
    pub fn from_nrml(msr: &MagScaleRel) -> Result<Self, HazardError> {
        Ok(match msr.name {
            "WC1994" => Msr::Wc1994,
            "PeerMSR" => Msr::Peer,
            "PointMSR" => Msr::Point,
            "CScalingMSR" => match msr.parameters.as_slice() {
                [(name, c)] if name == "C" => Msr::CScaling { c: *c },
                _ => {
                    return Err(HazardError::Invalid(
                        "CScalingMSR needs exactly the parameter C".to_owned(),
                    ));
                }
            },
            "StrasserInterface" => Msr::StrasserInterface,
            "StrasserIntraslab" => Msr::StrasserIntraslab,
            "Leonard2014_SCR" => Msr::Leonard2014Scr,
            "Leonard2014_Interplate" => Msr::Leonard2014Interplate,
            "CEUS2011" => Msr::Ceus2011,
            other => {
                return Err(HazardError::Unsupported(format!(
                    "magnitude-scaling relationship {other}"
                )));
            }
        })
    }

    /// Median rupture area in km² for moment magnitude `mag` and `rake` in degrees (`None`:
    /// all slip types, for the relationships that distinguish them).
    pub fn median_area(self, mag: f64, rake: Option<f64>) -> f64 {
        let strike_slip = |r: f64| (-45.0..=45.0).contains(&r) || r >= 135.0 || r <= -135.0;
        let pow10 = |x: f64| 10f64.powf(x);
        match self {
            Msr::Wc1994 => match rake {
                None => pow10(-3.49 + 0.91 * mag),
                Some(r) if strike_slip(r) => pow10(-3.42 + 0.90 * mag),
                Some(r) if r > 0.0 => pow10(-3.99 + 0.98 * mag),
                Some(_) => pow10(-2.87 + 0.82 * mag),
            },
            Msr::Peer => pow10(mag - 4.0),
            Msr::Point => 1e-4,
            Msr::CScaling { c } => pow10(mag - c),
            Msr::Ceus2011 => pow10(mag - 4.366),
            Msr::StrasserInterface => pow10(-3.476 + 0.952 * mag),
            Msr::StrasserIntraslab => pow10(-3.225 + 0.89 * mag),
            Msr::Leonard2014Scr => match rake {
                None => pow10(mag - 4.185),
                Some(r) if strike_slip(r) => pow10(mag - 4.18),
                Some(_) => pow10(mag - 4.19),
            },
            Msr::Leonard2014Interplate => match rake {
                None => pow10(mag - 3.995),
                Some(r) if strike_slip(r) => pow10(mag - 3.99),
                Some(_) => pow10(mag - 4.00),
            },
        }
    }

    /// Median rupture length in km where the relationship gives one: Wells & Coppersmith's
    /// subsurface rupture length (RLD) and Strasser et al.'s interface length.
    pub fn median_length(self, mag: f64, rake: Option<f64>) -> Option<f64> {
        let strike_slip = |r: f64| (-45.0..=45.0).contains(&r) || r >= 135.0 || r <= -135.0;
        let pow10 = |x: f64| 10f64.powf(x);
        match self {
            Msr::Wc1994 => Some(match rake {
                None => pow10(-2.44 + 0.59 * mag),
                Some(r) if strike_slip(r) => pow10(-2.57 + 0.62 * mag),
                Some(r) if r > 0.0 => pow10(-2.42 + 0.58 * mag),
                Some(_) => pow10(-1.88 + 0.50 * mag),
            }),
            Msr::StrasserInterface => Some(pow10(-2.477 + 0.585 * mag)),
            _ => None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn areas_by_slip_type() {
        assert!((Msr::Wc1994.median_area(6.0, Some(0.0)) - 10f64.powf(1.98)).abs() < 1e-9);
        assert!((Msr::Wc1994.median_area(6.0, Some(90.0)) - 10f64.powf(1.89)).abs() < 1e-9);
        assert!((Msr::Wc1994.median_area(6.0, Some(-90.0)) - 10f64.powf(2.05)).abs() < 1e-9);
        assert_eq!(Msr::Point.median_area(8.0, None), 1e-4);
        assert!((Msr::CScaling { c: 4.0 }.median_area(6.0, None) - 100.0).abs() < 1e-9);
        assert!(Msr::Peer.median_length(6.0, None).is_none());
    }
}
