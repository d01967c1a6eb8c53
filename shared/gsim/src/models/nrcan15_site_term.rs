//! The NRCan (2015) site term: ground motion computed on rock (vs30 = 760 m/s) amplified to
//! the site's vs30 with the Boore and Atkinson (2008) site term (non-linear in the motion on
//! rock: [`super::boore_atkinson_2008::site_term`]); above 760 m/s, the `linear` kind
//! de-amplifies instead toward the Atkinson and Boore (2006) hard-rock factors at 2000 m/s.
//! As the 2015 National Building Code of Canada hazard model (and OpenQuake's
//! `hazardlib.gsim.mgmpe.nrcan15_site_term`) applies it, the motion on rock that drives the
//! non-linearity is that of the IMT itself.

use super::boore_atkinson_2008::{COEFFS_SOIL, site_term};
use crate::coeffs::{CoeffTable, table};
use crate::{GsimError, Imt};

/// The reference rock velocity of the motion being amplified, m/s.
pub(crate) const ROCK_VS30: f64 = 760.0;

table!(
    /// Atkinson and Boore (2006) hard-rock (2000 m/s) over rock factors.
    COEFFS_AB06R = "
    IMT c
    pgv 1.230
    pga 0.891
    0.05 0.891
    0.10 1.072
    0.20 1.318
    0.30 1.380
    0.50 1.380
    1.00 1.288
    2.00 1.230
    5.00 1.148
    10.0 1.072
"
);

const NAME: &str = "ModifiableGMPE nrcan15_site_term";

/// Amplifies `mean` (ln, computed on rock) of `imt` to the sites' `vs30`; `linear` is the
/// `linear` kind, else `base`.
pub(crate) fn amplify(
    vs30: &[f64],
    imt: &Imt,
    linear: bool,
    mean: &mut [f64],
) -> Result<(), GsimError> {
    let soil = CoeffTable::get(&COEFFS_SOIL, NAME, imt, ["blin", "b1", "b2"])?;
    let hard_rock = if linear {
        let [c] = CoeffTable::get(&COEFFS_AB06R, NAME, imt, ["c"])?;
        Some(c)
    } else {
        None
    };
    for (m, &v) in mean.iter_mut().zip(vs30) {
        let on_rock = m.exp();
        let factor = match hard_rock {
            Some(c) if v > ROCK_VS30 => {
                // log-linear from 1 at 760 m/s to c at 2000 m/s (numpy.interp), inverted
                let (x0, x1) = (ROCK_VS30.log10(), 2000f64.log10());
                let x = v.min(2000.0).log10();
                let y = if x >= x1 {
                    c.log10()
                } else {
                    (c.log10() - 0.0) / (x1 - x0) * (x - x0)
                };
                1.0 / 10f64.powf(y)
            }
            _ if v == ROCK_VS30 => 1.0,
            _ => {
                // hard rock not de-amplified further beyond 2000 m/s
                let vs = if linear {
                    v.min(2000.0)
                } else if v >= 2000.0 {
                    1999.0
                } else {
                    v
                };
                site_term(vs, on_rock, soil).exp()
            }
        };
        *m = (on_rock * factor).ln();
    }
    Ok(())
}
