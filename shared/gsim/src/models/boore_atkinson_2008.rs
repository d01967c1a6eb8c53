//! Boore and Atkinson (2008), "Ground-motion prediction equations for the
//! average horizontal component of PGA, PGV, and 5%-damped PSA at spectral
//! periods between 0.01 s and 10.0 s", Earthquake Spectra 24(1), 99-138.

use super::{ba08_fault_style, gsim_model};
use crate::coeffs::{CoeffTable, table};
use crate::{Contexts, GsimError, Imt};

gsim_model! {
    /// Boore and Atkinson (2008), active shallow crust; GMRotI50 component.
    BooreAtkinson2008 = "BooreAtkinson2008",
    imts: [Pga, Pgv, Sa],
    rupture: [Mag, Rake],
    site: [Vs30],
    distance: [Rjb],
    component: GmRotI50,
}

table!(
    /// Mean and sigma coefficients (Boore and Atkinson 2008, tables 6-8).
    COEFFS = "
    IMT c1 c2 c3 h e1 e2 e3 e4 e5 e6 e7 Mh sigma tau std
    pgv -0.87370 0.10060 -0.00334 2.54 5.00121 5.04727 4.63188 5.08210 0.18322 -0.12736 0.00000 8.50 0.500 0.256 0.560
    pga -0.66050 0.11970 -0.01151 1.35 -0.53804 -0.50350 -0.75472 -0.50970 0.28805 -0.10164 0.00000 6.75 0.502 0.260 0.564
    0.010 -0.66220 0.12000 -0.01151 1.35 -0.52883 -0.49429 -0.74551 -0.49966 0.28897 -0.10019 0.00000 6.75 0.502 0.262 0.566
    0.020 -0.66600 0.12280 -0.01151 1.35 -0.52192 -0.48508 -0.73906 -0.48895 0.25144 -0.11006 0.00000 6.75 0.502 0.262 0.566
    0.030 -0.69010 0.12830 -0.01151 1.35 -0.45285 -0.41831 -0.66722 -0.42229 0.17976 -0.12858 0.00000 6.75 0.507 0.274 0.576
    0.050 -0.71700 0.13170 -0.01151 1.35 -0.28476 -0.25022 -0.48462 -0.26092 0.06369 -0.15752 0.00000 6.75 0.516 0.286 0.589
    0.075 -0.72050 0.12370 -0.01151 1.55 0.00767 0.04912 -0.20578 0.02706 0.01170 -0.17051 0.00000 6.75 0.513 0.320 0.606
    0.10 -0.70810 0.11170 -0.01151 1.68 0.20109 0.23102 0.03058 0.22193 0.04697 -0.15948 0.00000 6.75 0.520 0.318 0.608
    0.15 -0.69610 0.09884 -0.01113 1.86 0.46128 0.48661 0.30185 0.49328 0.17990 -0.14539 0.00000 6.75 0.518 0.290 0.594
    0.20 -0.58300 0.04273 -0.00952 1.98 0.57180 0.59253 0.40860 0.61472 0.52729 -0.12964 0.00102 6.75 0.523 0.288 0.596
    0.25 -0.57260 0.02977 -0.00837 2.07 0.51884 0.53496 0.33880 0.57747 0.60880 -0.13843 0.08607 6.75 0.527 0.267 0.592
    0.30 -0.55430 0.01955 -0.00750 2.14 0.43825 0.44516 0.25356 0.51990 0.64472 -0.15694 0.10601 6.75 0.546 0.269 0.608
    0.40 -0.64430 0.04394 -0.00626 2.24 0.39220 0.40602 0.21398 0.46080 0.78610 -0.07843 0.02262 6.75 0.541 0.267 0.603
    0.50 -0.69140 0.06080 -0.00540 2.32 0.18957 0.19878 0.00967 0.26337 0.76837 -0.09054 0.00000 6.75 0.555 0.265 0.615
    0.75 -0.74080 0.07518 -0.00409 2.46 -0.21338 -0.19496 -0.49176 -0.10813 0.75179 -0.14053 0.10302 6.75 0.571 0.299 0.645
    1.0 -0.81830 0.10270 -0.00334 2.54 -0.46896 -0.43443 -0.78465 -0.39330 0.67880 -0.18257 0.05393 6.75 0.573 0.302 0.647
    1.5 -0.83030 0.09793 -0.00255 2.66 -0.86271 -0.79593 -1.20902 -0.88085 0.70689 -0.25950 0.19082 6.75 0.566 0.373 0.679
    2.0 -0.82850 0.09432 -0.00217 2.73 -1.22652 -1.15514 -1.57697 -1.27669 0.77989 -0.29657 0.29888 6.75 0.580 0.389 0.700
    3.0 -0.78440 0.07282 -0.00191 2.83 -1.82979 -1.74690 -2.22584 -1.91814 0.77966 -0.45384 0.67466 6.75 0.566 0.401 0.695
    4.0 -0.68540 0.03758 -0.00191 2.89 -2.24656 -2.15906 -2.58228 -2.38168 1.24961 -0.35874 0.79508 6.75 0.583 0.385 0.698
    5.0 -0.50960 -0.02391 -0.00191 2.93 -1.28408 -1.21270 -1.50904 -1.41093 0.14271 -0.39006 0.00000 8.50 0.601 0.437 0.744
    7.5 -0.37240 -0.06568 -0.00191 3.00 -1.43145 -1.31632 -1.81022 -1.59217 0.52407 -0.37578 0.00000 8.50 0.626 0.477 0.787
    10.0 -0.09824 -0.13800 -0.00191 3.04 -2.15446 -2.16137 -2.53323 -2.14635 0.40387 -0.48492 0.00000 8.50 0.645 0.477 0.801
"
);

table!(
    /// Site-response coefficients (Boore and Atkinson 2008, table 8; shared with Atkinson and Boore 2006).
    pub(crate) COEFFS_SOIL = "
    IMT blin b1 b2
    pgv -0.60 -0.50 -0.06
    pga -0.36 -0.64 -0.14
    0.010 -0.36 -0.64 -0.14
    0.020 -0.34 -0.63 -0.12
    0.030 -0.33 -0.62 -0.11
    0.040 -0.31 -0.61 -0.11
    0.050 -0.29 -0.64 -0.11
    0.060 -0.25 -0.64 -0.11
    0.075 -0.23 -0.64 -0.11
    0.090 -0.23 -0.64 -0.12
    0.100 -0.25 -0.60 -0.13
    0.120 -0.26 -0.56 -0.14
    0.150 -0.28 -0.53 -0.18
    0.170 -0.29 -0.53 -0.19
    0.200 -0.31 -0.52 -0.19
    0.240 -0.38 -0.52 -0.16
    0.250 -0.39 -0.52 -0.16
    0.300 -0.44 -0.52 -0.14
    0.360 -0.48 -0.51 -0.11
    0.400 -0.50 -0.51 -0.10
    0.460 -0.55 -0.50 -0.08
    0.500 -0.60 -0.50 -0.06
    0.600 -0.66 -0.49 -0.03
    0.750 -0.69 -0.47 -0.00
    0.850 -0.69 -0.46 -0.00
    1.000 -0.70 -0.44 -0.00
    1.500 -0.72 -0.40 -0.00
    2.000 -0.73 -0.38 -0.00
    3.000 -0.74 -0.34 -0.00
    4.000 -0.75 -0.31 -0.00
    5.000 -0.75 -0.291 -0.00
    7.500 -0.692 -0.247 -0.00
    10.00 -0.650 -0.215 -0.00
"
);

const NAME: &str = "BooreAtkinson2008";
const SOURCE: [&str; 10] = ["c1", "c2", "c3", "h", "e2", "e3", "e4", "e5", "e6", "e7"];

/// Magnitude, fault-style and distance terms (equations 3-5) for the source
/// coefficients `[c1, c2, c3, h, e2, e3, e4, e5, e6, e7]` and hinge magnitude, at the
/// distance `r` = √(rjb² + h²) whose logarithm is `ln_r`.
fn source_path(c: &[f64; 10], mh: f64, mag: f64, rake: f64, r: f64, ln_r: f64) -> f64 {
    let [c1, c2, c3, _, e2, e3, e4, e5, e6, e7] = *c;
    let (ss, ns, rs) = ba08_fault_style(rake);
    let dm = mag - mh;
    let fm = if mag <= mh {
        e2 * ss + e3 * ns + e4 * rs + e5 * dm + e6 * dm * dm
    } else {
        e2 * ss + e3 * ns + e4 * rs + e7 * dm
    };
    fm + (c1 + c2 * (mag - 4.5)) * ln_r + c3 * (r - 1.0)
}

/// √(rjb² + h²) of each context.
fn distance(ctx: &Contexts, h: f64) -> impl Iterator<Item = f64> + '_ {
    ctx.rjb.iter().map(move |rjb| (rjb * rjb + h * h).sqrt())
}

/// ln √(rjb² + h²) of each context, shared by the IMTs of the same `h`.
fn ln_distance(ctx: &Contexts, h: f64) -> std::sync::Arc<[f64]> {
    ctx.derived_for("BooreAtkinson2008: ln √(rjb² + h²)", h, |ctx| {
        distance(ctx, h).map(f64::ln).collect()
    })
}

/// The site term (ln of the amplification from 760 m/s to `vs30`, equations 6-13) for
/// the motion `pga4nl` (g) on rock and the [`COEFFS_SOIL`] `blin`, `b1`, `b2` of the IMT.
pub(crate) fn site_term(vs30: f64, pga4nl: f64, soil: [f64; 3]) -> f64 {
    site_term_ln(vs30, (vs30 / VREF).ln(), pga4nl.ln(), soil)
}

/// [`site_term`] given ln(`vs30` / 760) and ln(`pga4nl`).
fn site_term_ln(vs30: f64, ln_vs30_ratio: f64, ln_pga4nl: f64, [blin, b1, b2]: [f64; 3]) -> f64 {
    blin * ln_vs30_ratio + nonlinear_term(ln_pga4nl, nonlinear_slope(vs30, ln_vs30_ratio, b1, b2))
}

/// The reference velocity (m/s).
const VREF: f64 = 760.0;

/// Nonlinear site slope (equations 13a-d), given ln(`vs30` / 760).
fn nonlinear_slope(vs30: f64, ln_vs30_ratio: f64, b1: f64, b2: f64) -> f64 {
    const V1: f64 = 180.0;
    const V2: f64 = 300.0;
    if vs30 <= V1 {
        b1
    } else if vs30 <= V2 {
        // ln(vs30 / V2) = ln(vs30 / 760) − ln(V2 / 760)
        (b1 - b2) * (ln_vs30_ratio - LN_V2_VREF) / LN_V1_V2 + b2
    } else if vs30 < VREF {
        b2 * ln_vs30_ratio / LN_V2_VREF
    } else {
        0.0
    }
}

/// ln(300 / 760) and ln(180 / 300): the velocities bounding the nonlinear slope's pieces.
const LN_V2_VREF: f64 = -0.9295359586241757;
const LN_V1_V2: f64 = -0.5108256237659907;

/// ln of the rock PGA (g) below which the nonlinear term is constant (`a1` = 0.03 g).
const LN_A1: f64 = -3.506557897319982;
/// ln of the rock PGA (g) above which it is linear in ln PGA (`a2` = 0.09 g).
const LN_A2: f64 = -2.4079456086518722;
/// ln of `pga_low` (0.06 g).
const LN_PGA_LOW: f64 = -2.8134107167600364;
/// ln 0.1 (g).
const LN_TENTH: f64 = -2.3025850929940455;

/// Nonlinear site term (equations 8a-c) for the ln of the rock PGA in g, `ln_pga4nl`.
fn nonlinear_term(ln_pga4nl: f64, bnl: f64) -> f64 {
    if ln_pga4nl <= LN_A1 {
        bnl * (LN_PGA_LOW - LN_TENTH)
    } else if ln_pga4nl <= LN_A2 {
        let dx = LN_A2 - LN_A1;
        let dy = bnl * (LN_A2 - LN_PGA_LOW);
        let c = (3.0 * dy - bnl * dx) / (dx * dx);
        let d = -(2.0 * dy - bnl * dx) / (dx * dx * dx);
        let l = ln_pga4nl - LN_A1;
        bnl * (LN_PGA_LOW - LN_TENTH) + c * l * l + d * l * l * l
    } else if ln_pga4nl > LN_A2 {
        bnl * (ln_pga4nl - LN_TENTH)
    } else {
        0.0
    }
}

fn compute(
    ctx: &Contexts,
    imt: &Imt,
    mean: &mut [f64],
    sig: &mut [f64],
    tau: &mut [f64],
    phi: &mut [f64],
) -> Result<(), GsimError> {
    let c_pga = CoeffTable::get(&COEFFS, NAME, &Imt::Pga, SOURCE)?;
    let [mh_pga] = CoeffTable::get(&COEFFS, NAME, &Imt::Pga, ["Mh"])?;
    let c = CoeffTable::get(&COEFFS, NAME, imt, SOURCE)?;
    let [mh, s_intra, s_inter, s_total] =
        CoeffTable::get(&COEFFS, NAME, imt, ["Mh", "sigma", "tau", "std"])?;
    let soil = CoeffTable::get(&COEFFS_SOIL, NAME, imt, ["blin", "b1", "b2"])?;
    // the same for every IMT
    let ln_pga4nl = ctx.derived("BooreAtkinson2008: ln PGA on rock", |ctx| {
        let ln_r = ln_distance(ctx, c_pga[3]);
        distance(ctx, c_pga[3])
            .enumerate()
            .map(|(i, r)| source_path(&c_pga, mh_pga, ctx.mag[i], ctx.rake[i], r, ln_r[i]))
            .collect()
    });
    let ln_r = ln_distance(ctx, c[3]);
    let ln_vs30_ratio = ctx.derived("ln(vs30 / 760)", |ctx| {
        ctx.vs30.iter().map(|v| (v / VREF).ln()).collect()
    });
    for (i, r) in distance(ctx, c[3]).enumerate().take(mean.len()) {
        let (mag, rake, vs30) = (ctx.mag[i], ctx.rake[i], ctx.vs30[i]);
        let site = site_term_ln(vs30, ln_vs30_ratio[i], ln_pga4nl[i], soil);
        mean[i] = if *imt == Imt::Pga {
            ln_pga4nl[i] + site
        } else {
            source_path(&c, mh, mag, rake, r, ln_r[i]) + site
        };
        sig[i] = s_total;
        tau[i] = s_inter;
        phi[i] = s_intra;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn logarithm_constants() {
        assert_eq!(LN_A1, 0.03_f64.ln());
        assert_eq!(LN_A2, 0.09_f64.ln());
        assert_eq!(LN_PGA_LOW, 0.06_f64.ln());
        assert_eq!(LN_TENTH, 0.1_f64.ln());
        assert_eq!(LN_V2_VREF, (300.0_f64 / 760.0).ln());
        assert_eq!(LN_V1_V2, (180.0_f64 / 300.0).ln());
    }
}
