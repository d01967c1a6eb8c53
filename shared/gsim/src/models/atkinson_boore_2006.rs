//! Atkinson and Boore (2006), "Earthquake ground-motion prediction equations for eastern
//! North America", BSSA 96(6), 2181-2205: hard-rock (vs30 ≥ 2000 m/s) and BC-boundary
//! equations in rrup, the Boore and Atkinson (2008) soil response below 2000 m/s driven by
//! the BC PGA, a total sigma of 0.30 log10 units. `AtkinsonBoore2006Modified2011` adds the
//! magnitude-dependent stress parameter of Atkinson and Boore (2011, BSSA 101(3),
//! 1121-1135); `AtkinsonBoore2006SGS` raises rrup to at least 5 km (the Saudi Geological
//! Survey's near-field filter).

use super::boore_atkinson_2008::{COEFFS_SOIL, site_term};
use crate::coeffs::{CoeffTable, table};
use crate::{
    Component, Contexts, DistanceParam, Gsim, GsimError, Imt, ImtKind, Requirements, RuptureParam,
    SiteParam,
};

table!(
    /// Hard-rock coefficients (table 6), at the precision of Boore's Fortran code.
    COEFFS_HARD_ROCK = "
    IMT c1 c2 c3 c4 c5 c6 c7 c8 c9 c10
    5.000 -5.408E+00 1.714E+00 -9.012E-02 -2.537E+00 2.267E-01 -1.268E+00 1.162E-01 9.792E-01 -1.767E-01 -1.757E-04
    4.000 -5.791E+00 1.916E+00 -1.071E-01 -2.441E+00 2.113E-01 -1.162E+00 1.018E-01 1.012E+00 -1.824E-01 -2.010E-04
    3.125 -6.038E+00 2.080E+00 -1.221E-01 -2.367E+00 2.002E-01 -1.073E+00 8.950E-02 1.002E+00 -1.803E-01 -2.306E-04
    2.500 -6.169E+00 2.211E+00 -1.348E-01 -2.299E+00 1.898E-01 -9.860E-01 7.860E-02 9.683E-01 -1.765E-01 -2.823E-04
    2.000 -6.183E+00 2.302E+00 -1.442E-01 -2.223E+00 1.770E-01 -9.370E-01 7.067E-02 9.518E-01 -1.768E-01 -3.220E-04
    1.587 -6.043E+00 2.342E+00 -1.496E-01 -2.157E+00 1.662E-01 -8.704E-01 6.047E-02 9.207E-01 -1.734E-01 -3.748E-04
    1.250 -5.724E+00 2.324E+00 -1.505E-01 -2.104E+00 1.565E-01 -8.202E-01 5.186E-02 8.563E-01 -1.661E-01 -4.329E-04
    1.000 -5.272E+00 2.264E+00 -1.483E-01 -2.069E+00 1.497E-01 -8.132E-01 4.666E-02 8.262E-01 -1.622E-01 -4.862E-04
    0.794 -4.604E+00 2.132E+00 -1.406E-01 -2.062E+00 1.468E-01 -7.974E-01 4.345E-02 7.748E-01 -1.558E-01 -5.790E-04
    0.629 -3.917E+00 1.987E+00 -1.314E-01 -2.045E+00 1.419E-01 -7.818E-01 4.297E-02 7.878E-01 -1.590E-01 -6.948E-04
    0.500 -3.216E+00 1.826E+00 -1.201E-01 -2.018E+00 1.344E-01 -8.134E-01 4.437E-02 8.839E-01 -1.751E-01 -7.704E-04
    0.397 -2.437E+00 1.649E+00 -1.084E-01 -2.051E+00 1.363E-01 -8.426E-01 4.483E-02 7.386E-01 -1.557E-01 -8.509E-04
    0.315 -1.721E+00 1.483E+00 -9.739E-02 -2.080E+00 1.382E-01 -8.893E-01 4.869E-02 6.101E-01 -1.389E-01 -9.538E-04
    0.251 -1.121E+00 1.342E+00 -8.722E-02 -2.082E+00 1.349E-01 -9.714E-01 5.628E-02 6.140E-01 -1.432E-01 -1.055E-03
    0.199 -6.153E-01 1.227E+00 -7.886E-02 -2.087E+00 1.312E-01 -1.120E+00 6.788E-02 6.055E-01 -1.459E-01 -1.125E-03
    0.158 -1.455E-01 1.123E+00 -7.143E-02 -2.116E+00 1.302E-01 -1.303E+00 8.311E-02 5.617E-01 -1.438E-01 -1.182E-03
    0.125 2.144E-01 1.054E+00 -6.664E-02 -2.154E+00 1.295E-01 -1.608E+00 1.046E-01 4.273E-01 -1.303E-01 -1.153E-03
    0.100 4.797E-01 1.017E+00 -6.404E-02 -2.201E+00 1.270E-01 -2.007E+00 1.326E-01 3.371E-01 -1.266E-01 -1.047E-03
    0.079 6.906E-01 9.974E-01 -6.276E-02 -2.262E+00 1.246E-01 -2.487E+00 1.636E-01 2.139E-01 -1.207E-01 -8.469E-04
    0.063 9.109E-01 9.802E-01 -6.208E-02 -2.360E+00 1.263E-01 -2.972E+00 1.910E-01 1.069E-01 -1.173E-01 -5.786E-04
    0.050 1.105E+00 9.719E-01 -6.197E-02 -2.466E+00 1.276E-01 -3.390E+00 2.144E-01 -1.391E-01 -9.839E-02 -3.167E-04
    0.040 1.264E+00 9.680E-01 -6.232E-02 -2.581E+00 1.317E-01 -3.644E+00 2.276E-01 -3.506E-01 -8.126E-02 -1.225E-04
    0.031 1.436E+00 9.592E-01 -6.276E-02 -2.714E+00 1.400E-01 -3.728E+00 2.343E-01 -5.430E-01 -6.448E-02 -3.230E-05
    0.025 1.522E+00 9.597E-01 -6.351E-02 -2.813E+00 1.458E-01 -3.654E+00 2.362E-01 -6.544E-01 -5.500E-02 -4.848E-05
    pga 9.069E-01 9.830E-01 -6.595E-02 -2.698E+00 1.594E-01 -2.795E+00 2.120E-01 -3.011E-01 -6.532E-02 -4.484E-04
    pgv -1.442E+00 9.909E-01 -5.848E-02 -2.701E+00 2.155E-01 -2.436E+00 2.659E-01 8.479E-02 -6.927E-02 -3.734E-04
"
);

table!(
    /// NEHRP B/C boundary (vs30 = 760 m/s) coefficients (table 9), at the precision of
    /// Boore's Fortran code.
    COEFFS_BC = "
    IMT c1 c2 c3 c4 c5 c6 c7 c8 c9 c10
    5.000 -4.852E+00 1.580E+00 -8.066E-02 -2.530E+00 2.216E-01 -1.426E+00 1.361E-01 6.340E-01 -1.413E-01 -1.608E-04
    4.000 -5.256E+00 1.787E+00 -9.785E-02 -2.435E+00 2.068E-01 -1.307E+00 1.210E-01 7.340E-01 -1.560E-01 -1.959E-04
    3.125 -5.590E+00 1.972E+00 -1.136E-01 -2.331E+00 1.908E-01 -1.204E+00 1.099E-01 8.449E-01 -1.723E-01 -2.452E-04
    2.500 -5.800E+00 2.126E+00 -1.278E-01 -2.257E+00 1.790E-01 -1.123E+00 9.539E-02 8.911E-01 -1.797E-01 -2.601E-04
    2.000 -5.853E+00 2.233E+00 -1.385E-01 -2.195E+00 1.688E-01 -1.037E+00 8.002E-02 8.666E-01 -1.790E-01 -2.860E-04
    1.587 -5.754E+00 2.287E+00 -1.450E-01 -2.131E+00 1.582E-01 -9.568E-01 6.762E-02 8.670E-01 -1.789E-01 -3.429E-04
    1.250 -5.489E+00 2.289E+00 -1.476E-01 -2.081E+00 1.501E-01 -9.000E-01 5.794E-02 8.208E-01 -1.719E-01 -4.070E-04
    1.000 -5.058E+00 2.233E+00 -1.454E-01 -2.030E+00 1.408E-01 -8.744E-01 5.412E-02 7.922E-01 -1.697E-01 -4.886E-04
    0.794 -4.446E+00 2.119E+00 -1.387E-01 -2.009E+00 1.356E-01 -8.576E-01 4.976E-02 7.084E-01 -1.589E-01 -5.751E-04
    0.629 -3.748E+00 1.973E+00 -1.294E-01 -1.997E+00 1.313E-01 -8.417E-01 4.820E-02 6.772E-01 -1.557E-01 -6.763E-04
    0.500 -3.007E+00 1.803E+00 -1.178E-01 -1.982E+00 1.274E-01 -8.466E-01 4.698E-02 6.670E-01 -1.546E-01 -7.676E-04
    0.397 -2.281E+00 1.629E+00 -1.054E-01 -1.967E+00 1.227E-01 -8.880E-01 5.033E-02 6.839E-01 -1.582E-01 -8.587E-04
    0.315 -1.560E+00 1.455E+00 -9.312E-02 -1.977E+00 1.209E-01 -9.466E-01 5.576E-02 6.499E-01 -1.558E-01 -9.552E-04
    0.251 -8.756E-01 1.293E+00 -8.193E-02 -2.014E+00 1.226E-01 -1.027E+00 6.341E-02 5.808E-01 -1.491E-01 -1.053E-03
    0.199 -3.056E-01 1.156E+00 -7.211E-02 -2.038E+00 1.220E-01 -1.147E+00 7.375E-02 5.082E-01 -1.430E-01 -1.140E-03
    0.158 1.194E-01 1.057E+00 -6.473E-02 -2.054E+00 1.190E-01 -1.355E+00 9.160E-02 5.164E-01 -1.503E-01 -1.178E-03
    0.125 5.356E-01 9.647E-01 -5.835E-02 -2.110E+00 1.205E-01 -1.672E+00 1.156E-01 3.433E-01 -1.322E-01 -1.130E-03
    0.100 7.818E-01 9.235E-01 -5.555E-02 -2.165E+00 1.191E-01 -2.097E+00 1.483E-01 2.847E-01 -1.319E-01 -9.897E-04
    0.079 9.667E-01 9.033E-01 -5.476E-02 -2.249E+00 1.215E-01 -2.530E+00 1.775E-01 1.001E-01 -1.147E-01 -7.724E-04
    0.063 1.109E+00 8.875E-01 -5.386E-02 -2.334E+00 1.229E-01 -2.881E+00 2.007E-01 -3.189E-02 -1.069E-01 -5.483E-04
    0.050 1.209E+00 8.830E-01 -5.441E-02 -2.440E+00 1.295E-01 -3.035E+00 2.133E-01 -2.098E-01 -8.997E-02 -4.145E-04
    0.040 1.261E+00 8.789E-01 -5.515E-02 -2.536E+00 1.388E-01 -2.994E+00 2.158E-01 -3.908E-01 -6.746E-02 -3.881E-04
    0.031 1.191E+00 8.884E-01 -5.642E-02 -2.577E+00 1.451E-01 -2.840E+00 2.121E-01 -4.370E-01 -5.866E-02 -4.329E-04
    0.025 1.052E+00 9.030E-01 -5.768E-02 -2.571E+00 1.483E-01 -2.652E+00 2.065E-01 -4.084E-01 -5.769E-02 -5.122E-04
    pga 5.233E-01 9.686E-01 -6.196E-02 -2.439E+00 1.465E-01 -2.335E+00 1.912E-01 -8.695E-02 -8.285E-02 -6.304E-04
    pgv -1.662E+00 1.050E+00 -6.035E-02 -2.496E+00 1.840E-01 -2.301E+00 2.500E-01 1.268E-01 -8.704E-02 -4.266E-04
"
);

table!(
    /// Stress-parameter adjustment coefficients (equation 6).
    COEFFS_STRESS = "
    IMT delta M1 Mh
    pga 0.15 0.50 5.50
    0.025 0.15 0.00 5.00
    0.031 0.15 0.00 5.00
    0.04 0.15 0.00 5.00
    0.05 0.15 0.00 5.00
    0.063 0.15 0.17 5.17
    0.079 0.15 0.34 5.34
    0.1 0.15 0.50 5.50
    0.126 0.15 1.15 5.67
    0.158 0.15 1.85 5.84
    0.199 0.15 2.50 6.00
    0.251 0.15 2.90 6.12
    0.315 0.15 3.30 6.25
    0.397 0.15 3.65 6.37
    0.5 0.15 4.00 6.50
    0.629 0.15 4.17 6.70
    0.794 0.15 4.34 6.95
    1.00 0.15 4.50 7.20
    1.25 0.15 4.67 7.45
    1.587 0.15 4.84 7.70
    2.0 0.15 5.00 8.00
    2.5 0.15 5.25 8.12
    3.125 0.15 5.50 8.25
    4.0 0.15 5.75 8.37
    5.0 0.15 6.00 8.50
    pgv 0.11 2.00 5.50
"
);

/// Standard gravity (m/s²), to convert cm/s² to g.
const G: f64 = 9.80665;

/// One of the Atkinson and Boore (2006) models.
#[derive(Debug, Clone, Copy)]
pub struct AtkinsonBoore2006 {
    name: &'static str,
    /// Whether the stress parameter depends on magnitude (Atkinson and Boore 2011).
    modified: bool,
    /// The smallest rrup used (km), 0 for none.
    min_rrup: f64,
}

impl AtkinsonBoore2006 {
    /// The original model, stress parameter 140 bars.
    pub const ORIGINAL: Self = Self {
        name: "AtkinsonBoore2006",
        modified: false,
        min_rrup: 0.0,
    };
    /// With the magnitude-dependent stress parameter of Atkinson and Boore (2011).
    pub const MODIFIED_2011: Self = Self {
        name: "AtkinsonBoore2006Modified2011",
        modified: true,
        min_rrup: 0.0,
    };
    /// With rrup at least 5 km, as the Saudi Geological Survey uses it.
    pub const SGS: Self = Self {
        name: "AtkinsonBoore2006SGS",
        modified: false,
        min_rrup: 5.0,
    };
}

/// The mean of equation (5), log10 of cm/s² (cm/s for PGV), without the site term: `c` the
/// ten coefficients, `stress` the stress adjustment.
fn log10_motion(c: &[f64; 10], mag: f64, rrup: f64, stress: f64) -> f64 {
    const R0: f64 = 10.0;
    const R1: f64 = 70.0;
    const R2: f64 = 140.0;
    let f0 = (R0 / rrup).log10().max(0.0);
    let f1 = rrup.log10().min(R1.log10());
    let f2 = (rrup / R2).log10().max(0.0);
    let [c1, c2, c3, c4, c5, c6, c7, c8, c9, c10] = *c;
    c1 + c2 * mag
        + c3 * mag * mag
        + (c4 + c5 * mag) * f1
        + (c6 + c7 * mag) * f2
        + (c8 + c9 * mag) * f0
        + c10 * rrup
        + stress
}

/// The stress adjustment of equation (6) for the IMT's `[delta, M1, Mh]`, scaled by
/// `scale` (0 for the 140-bar model).
fn stress_adjustment([delta, m1, mh]: [f64; 3], mag: f64, scale: f64) -> f64 {
    scale * (0.05 + delta * (mag - m1).max(0.0) / (mh - m1)).min(delta + 0.05)
}

/// The stress scale of Atkinson and Boore (2011, equation 6): log2 of the magnitude's
/// stress parameter (capped at its value for M5) over 140 bars.
fn stress_scale(mag: f64) -> f64 {
    let cap = 10f64.powf(3.45 - 0.2 * 5.0);
    let stress = 10f64.powf(3.45 - 0.2 * mag).min(cap);
    (stress / 140.0).log10() / 2f64.log10()
}

const NAMES: [&str; 10] = ["c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10"];

impl Gsim for AtkinsonBoore2006 {
    fn name(&self) -> &str {
        self.name
    }

    fn requires(&self) -> Requirements {
        Requirements {
            rupture: &[RuptureParam::Mag],
            site: &[SiteParam::Vs30],
            distance: &[DistanceParam::Rrup],
        }
    }

    fn supported_imts(&self) -> &'static [ImtKind] {
        &[ImtKind::Pga, ImtKind::Pgv, ImtKind::Sa]
    }

    fn component(&self) -> Component {
        Component::GeometricMean
    }

    fn has_between_event_std(&self) -> bool {
        false
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
        crate::precheck(
            self,
            ctx,
            imt,
            [mean.len(), sig.len(), tau.len(), phi.len()],
        )?;
        let hard = CoeffTable::get(&COEFFS_HARD_ROCK, self.name, imt, NAMES)?;
        let bc = CoeffTable::get(&COEFFS_BC, self.name, imt, NAMES)?;
        let bc_pga = CoeffTable::get(&COEFFS_BC, self.name, &Imt::Pga, NAMES)?;
        let stress = CoeffTable::get(&COEFFS_STRESS, self.name, imt, ["delta", "M1", "Mh"])?;
        let soil = CoeffTable::get(&COEFFS_SOIL, self.name, imt, ["blin", "b1", "b2"])?;
        let total = 0.30 * std::f64::consts::LN_10;
        for i in 0..mean.len() {
            let (mag, vs30) = (ctx.mag[i], ctx.vs30[i]);
            // OpenQuake clips rrup below 1 km (the equations are singular at 0)
            let rrup = ctx.rrup[i].max(self.min_rrup);
            let rrup = if rrup < 1.0 { 1.0 } else { rrup };
            let scale = if self.modified {
                stress_scale(mag)
            } else {
                0.0
            };
            let adjustment = stress_adjustment(stress, mag, scale);
            let log10_mean = if vs30 >= 2000.0 {
                log10_motion(&hard, mag, rrup, adjustment)
            } else {
                // the soil response of Boore and Atkinson (2008), driven by the BC PGA (in
                // g, with the IMT's stress adjustment)
                let pga_bc = 10f64.powf(log10_motion(&bc_pga, mag, rrup, adjustment)) * 1e-2 / G;
                log10_motion(&bc, mag, rrup, adjustment)
                    + site_term(vs30, pga_bc, soil) / std::f64::consts::LN_10
            };
            mean[i] = if *imt == Imt::Pgv {
                10f64.powf(log10_mean).ln()
            } else {
                (10f64.powf(log10_mean) * 1e-2 / G).ln()
            };
            sig[i] = total;
            tau[i] = 0.0;
            phi[i] = 0.0;
        }
        Ok(())
    }
}
