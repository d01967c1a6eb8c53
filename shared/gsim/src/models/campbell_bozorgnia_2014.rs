//! Campbell and Bozorgnia (2014), "NGA-West2 ground motion model for the
//! average horizontal components of PGA, PGV, and 5% damped linear
//! acceleration response spectra", Earthquake Spectra 30(3), 1087-1115.
//! OpenQuake's default configuration: California (not Japan), average
//! anelastic attenuation, ztor, width and hypocentral depth given.

use super::{clip, gsim_model};
use crate::coeffs::{CoeffTable, table};
use crate::{Contexts, GsimError, Imt};

gsim_model! {
    /// Campbell and Bozorgnia (2014), active shallow crust; RotD50 component.
    /// A `z2pt5` of -999 selects the model's vs30-based basin depth.
    CampbellBozorgnia2014 = "CampbellBozorgnia2014",
    imts: [Pga, Pgv, Sa],
    rupture: [Mag, Rake, Dip, Ztor, Width, HypoDepth],
    site: [Vs30, Z2pt5],
    distance: [Rrup, Rjb, Rx],
    component: RotD50,
}

table!(
    /// Coefficients of Campbell and Bozorgnia (2014), tables 1-2 and the
    /// aleatory-variability table (as in OpenQuake; the CAV and IA rows are
    /// left out).
    COEFFS = "
    IMT   c0      c1    c2     c3     c4     c5     c6    c7    c8 c9     c10   c11    c12    c13   c14     c15    c16   c17     c18    c19     c20     Dc20 a2    h1    h2    h3     h5     h6     k1   k2     k3    phi1  phi2  tau1  tau2  rho1pga rho2pga philnAF phiC  rholny
    0.01  -4.365  0.977 0.533  -1.485 -0.499 -2.773 0.248 6.753 0  -0.214 0.72  1.094  2.191  1.416 -0.007  -0.207 0.39  0.0981  0.0334 0.00755 -0.0055 0    0.168 0.242 1.471 -0.714 -0.336 -0.27  865  -1.186 1.839 0.734 0.492 0.404 0.325 1       1       0.3     0.19  1
    0.02  -4.348  0.976 0.549  -1.488 -0.501 -2.772 0.247 6.502 0  -0.208 0.73  1.149  2.189  1.453 -0.0167 -0.199 0.387 0.1009  0.0327 0.00759 -0.0055 0    0.166 0.244 1.467 -0.711 -0.339 -0.263 865  -1.219 1.84  0.738 0.496 0.417 0.326 0.999   0.998   0.3     0.166 0.998
    0.03  -4.024  0.931 0.628  -1.494 -0.517 -2.782 0.246 6.291 0  -0.213 0.759 1.29   2.164  1.476 -0.0422 -0.202 0.378 0.1095  0.0331 0.0079  -0.0057 0    0.167 0.246 1.467 -0.713 -0.338 -0.259 908  -1.273 1.841 0.747 0.503 0.446 0.344 0.987   0.987   0.3     0.166 0.986
    0.05  -3.479  0.887 0.674  -1.388 -0.615 -2.791 0.24  6.317 0  -0.244 0.826 1.449  2.138  1.549 -0.0663 -0.339 0.295 0.1226  0.027  0.00803 -0.0063 0    0.173 0.251 1.449 -0.701 -0.338 -0.263 1054 -1.346 1.843 0.777 0.52  0.508 0.377 0.955   0.946   0.3     0.166 0.938
    0.075 -3.293  0.902 0.726  -1.469 -0.596 -2.745 0.227 6.861 0  -0.266 0.815 1.535  2.446  1.772 -0.0794 -0.404 0.322 0.1165  0.0288 0.00811 -0.007  0    0.198 0.26  1.435 -0.695 -0.347 -0.219 1086 -1.471 1.845 0.782 0.535 0.504 0.418 0.943   0.897   0.3     0.165 0.887
    0.1   -3.666  0.993 0.698  -1.572 -0.536 -2.633 0.21  7.294 0  -0.229 0.831 1.615  2.969  1.916 -0.0294 -0.416 0.384 0.0998  0.0325 0.00744 -0.0073 0    0.174 0.259 1.449 -0.708 -0.391 -0.201 1032 -1.624 1.847 0.769 0.543 0.445 0.426 0.942   0.883   0.3     0.162 0.87
    0.15  -4.866  1.267 0.51   -1.669 -0.49  -2.458 0.183 8.031 0  -0.211 0.749 1.877  3.544  2.161 0.0642  -0.407 0.417 0.076   0.0388 0.00716 -0.0069 0    0.198 0.254 1.461 -0.715 -0.449 -0.099 878  -1.931 1.852 0.769 0.543 0.382 0.387 0.921   0.891   0.3     0.158 0.876
    0.2   -5.411  1.366 0.447  -1.75  -0.451 -2.421 0.182 8.385 0  -0.163 0.764 2.069  3.707  2.465 0.0968  -0.311 0.404 0.0571  0.0437 0.00688 -0.006  0    0.204 0.237 1.484 -0.721 -0.393 -0.198 748  -2.188 1.856 0.761 0.552 0.339 0.338 0.874   0.881   0.3     0.17  0.87
    0.25  -5.962  1.458 0.274  -1.711 -0.404 -2.392 0.189 7.534 0  -0.15  0.716 2.205  3.343  2.766 0.1441  -0.172 0.466 0.0437  0.0463 0.00556 -0.0055 0    0.185 0.206 1.581 -0.787 -0.339 -0.21  654  -2.381 1.861 0.744 0.545 0.34  0.316 0.809   0.861   0.3     0.18  0.85
    0.3   -6.403  1.528 0.193  -1.77  -0.321 -2.376 0.195 6.99  0  -0.131 0.737 2.306  3.334  3.011 0.1597  -0.084 0.528 0.0323  0.0508 0.00458 -0.0049 0    0.164 0.21  1.586 -0.795 -0.447 -0.121 587  -2.518 1.865 0.727 0.568 0.34  0.3   0.741   0.824   0.3     0.186 0.819
    0.4   -7.566  1.739 -0.02  -1.594 -0.426 -2.303 0.185 7.012 0  -0.159 0.738 2.398  3.544  3.203 0.141   0.085  0.54  0.0209  0.0432 0.00401 -0.0037 0    0.16  0.226 1.544 -0.77  -0.525 -0.086 503  -2.657 1.874 0.69  0.593 0.356 0.264 0.635   0.738   0.3     0.191 0.743
    0.5   -8.379  1.872 -0.121 -1.577 -0.44  -2.296 0.186 6.902 0  -0.153 0.718 2.355  3.016  3.333 0.1474  0.233  0.638 0.0092  0.0405 0.00388 -0.0027 0    0.184 0.217 1.554 -0.77  -0.407 -0.281 457  -2.669 1.883 0.663 0.611 0.379 0.263 0.553   0.661   0.3     0.198 0.684
    0.75  -9.841  2.021 -0.042 -1.757 -0.443 -2.232 0.186 5.522 0  -0.09  0.795 1.995  2.616  3.054 0.1764  0.411  0.776 -0.0082 0.042  0.0042  -0.0016 0    0.216 0.154 1.626 -0.78  -0.371 -0.285 410  -2.401 1.906 0.606 0.633 0.43  0.326 0.393   0.526   0.3     0.206 0.562
    1     -11.011 2.18  -0.069 -1.707 -0.527 -2.158 0.169 5.65  0  -0.105 0.556 1.447  2.47   2.562 0.2593  0.479  0.771 -0.0131 0.0426 0.00409 -0.0006 0    0.596 0.117 1.616 -0.733 -0.128 -0.756 400  -1.955 1.929 0.579 0.628 0.47  0.353 0.313   0.438   0.3     0.208 0.467
    1.5   -12.469 2.27  0.047  -1.621 -0.63  -2.063 0.158 5.795 0  -0.058 0.48  0.33   2.108  1.453 0.2881  0.566  0.748 -0.0187 0.038  0.00424 0       0    0.596 0.117 1.616 -0.733 -0.128 -0.756 400  -1.025 1.974 0.541 0.603 0.497 0.399 0.242   0.36    0.3     0.221 0.364
    2     -12.969 2.271 0.149  -1.512 -0.768 -2.104 0.158 6.632 0  -0.028 0.401 -0.514 1.327  0.657 0.3112  0.562  0.763 -0.0258 0.0252 0.00448 0       0    0.596 0.117 1.616 -0.733 -0.128 -0.756 400  -0.299 2.019 0.529 0.588 0.499 0.4   0.234   0.318   0.3     0.225 0.298
    3     -13.306 2.15  0.368  -1.315 -0.89  -2.051 0.148 6.759 0  0      0.206 -0.848 0.601  0.367 0.3478  0.534  0.686 -0.0311 0.0236 0.00345 0       0    0.596 0.117 1.616 -0.733 -0.128 -0.756 400  0      2.11  0.527 0.578 0.5   0.417 0.236   0.295   0.3     0.222 0.234
    4     -14.02  2.132 0.726  -1.506 -0.885 -1.986 0.135 7.978 0  0      0.105 -0.793 0.568  0.306 0.3747  0.522  0.691 -0.0413 0.0102 0.00603 0       0    0.596 0.117 1.616 -0.733 -0.128 -0.756 400  0      2.2   0.521 0.559 0.543 0.393 0.232   0.274   0.3     0.226 0.202
    5     -14.558 2.116 1.027  -1.721 -0.878 -2.021 0.135 8.538 0  0      0     -0.748 0.356  0.268 0.3382  0.477  0.67  -0.0281 0.0034 0.00805 0       0    0.596 0.117 1.616 -0.733 -0.128 -0.756 400  0      2.291 0.502 0.551 0.534 0.421 0.182   0.247   0.3     0.229 0.184
    7.5   -15.509 2.223 0.169  -0.756 -1.077 -2.179 0.165 8.468 0  0      0     -0.664 0.075  0.374 0.3754  0.321  0.757 -0.0205 0.005  0.0028  0       0    0.596 0.117 1.616 -0.733 -0.128 -0.756 400  0      2.517 0.457 0.546 0.523 0.438 0.142   0.203   0.3     0.237 0.176
    10    -15.975 2.132 0.367  -0.8   -1.282 -2.244 0.18  6.564 0  0      0     -0.576 -0.027 0.297 0.3506  0.174  0.621 0.0009  0.0099 0.00458 0       0    0.596 0.117 1.616 -0.733 -0.128 -0.756 400  0      2.744 0.441 0.543 0.466 0.438 0.111   0.103   0.3     0.237 0.154
    pga   -4.416  0.984 0.537  -1.499 -0.496 -2.773 0.248 6.768 0  -0.212 0.72  1.09   2.186  1.42  -0.0064 -0.202 0.393 0.0977  0.0333 0.00757 -0.0055 0    0.167 0.241 1.474 -0.715 -0.337 -0.27  865  -1.186 1.839 0.734 0.492 0.409 0.322 1       1       0.3     0.271 1
    pgv   -2.895  1.51  0.27   -1.299 -0.453 -2.466 0.204 5.837 0  -0.168 0.305 1.713  2.602  2.457 0.106   0.332  0.585 0.0517  0.0327 0.00613 -0.0017 0    0.596 0.117 1.616 -0.733 -0.128 -0.756 400  -1.955 1.929 0.655 0.494 0.317 0.297 0.877   0.654   0.3     0.29  0.684
"
);

const NAME: &str = "CampbellBozorgnia2014";
/// Period-independent constants: hanging-wall h4 and the site-response c, n.
const H4: f64 = 1.0;
const C_SITE: f64 = 1.88;
const N_SITE: f64 = 1.18;
/// Vs30 (m/s) of the rock used for the nonlinear site response.
const VS_ROCK: f64 = 1100.0;
/// SA periods (s) below this have their median floored at the PGA median.
const PGA_FLOOR_BELOW_PERIOD: f64 = 0.25;

const NAMES: [&str; 34] = [
    "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7", "c8", "c9", "c10", "c11", "c14", "c16", "c17",
    "c18", "c19", "c20", "Dc20", "a2", "h1", "h2", "h3", "h5", "h6", "k1", "k2", "k3", "phi1",
    "phi2", "tau1", "tau2", "philnAF", "rholny",
];

/// The coefficients of one IMT.
struct Coeffs {
    c0: f64,
    c1: f64,
    c2: f64,
    c3: f64,
    c4: f64,
    c5: f64,
    c6: f64,
    c7: f64,
    c8: f64,
    c9: f64,
    c10: f64,
    c11: f64,
    c14: f64,
    c16: f64,
    c17: f64,
    c18: f64,
    c19: f64,
    c20: f64,
    dc20: f64,
    a2: f64,
    h1: f64,
    h2: f64,
    h3: f64,
    h5: f64,
    h6: f64,
    k1: f64,
    k2: f64,
    k3: f64,
    phi1: f64,
    phi2: f64,
    tau1: f64,
    tau2: f64,
    phi_ln_af: f64,
    rho_ln_y: f64,
}

impl Coeffs {
    fn of(imt: &Imt) -> Result<Self, GsimError> {
        let [
            c0,
            c1,
            c2,
            c3,
            c4,
            c5,
            c6,
            c7,
            c8,
            c9,
            c10,
            c11,
            c14,
            c16,
            c17,
            c18,
            c19,
            c20,
            dc20,
            a2,
            h1,
            h2,
            h3,
            h5,
            h6,
            k1,
            k2,
            k3,
            phi1,
            phi2,
            tau1,
            tau2,
            phi_ln_af,
            rho_ln_y,
        ] = CoeffTable::get(&COEFFS, NAME, imt, NAMES)?;
        Ok(Self {
            c0,
            c1,
            c2,
            c3,
            c4,
            c5,
            c6,
            c7,
            c8,
            c9,
            c10,
            c11,
            c14,
            c16,
            c17,
            c18,
            c19,
            c20,
            dc20,
            a2,
            h1,
            h2,
            h3,
            h5,
            h6,
            k1,
            k2,
            k3,
            phi1,
            phi2,
            tau1,
            tau2,
            phi_ln_af,
            rho_ln_y,
        })
    }
}

/// California Z2.5 (km) for a vs30, equation 33.
fn z2pt5_ref(vs30: f64) -> f64 {
    (7.089 - 1.144 * vs30.ln()).exp()
}

/// Magnitude term, equation 2.
fn f_mag(c: &Coeffs, mag: f64) -> f64 {
    let mut f = c.c0 + c.c1 * mag;
    if mag > 4.5 {
        f += c.c2 * (mag - 4.5);
    }
    if mag > 5.5 {
        f += c.c3 * (mag - 5.5);
    }
    if mag > 6.5 {
        f += c.c4 * (mag - 6.5);
    }
    f
}

/// Style-of-faulting term, equations 4-6.
fn f_flt(c: &Coeffs, mag: f64, rake: f64) -> f64 {
    let frv = (rake > 30.0 && rake < 150.0) as u8 as f64;
    let fnm = (rake > -150.0 && rake < -30.0) as u8 as f64;
    let fm = if mag <= 4.5 {
        0.0
    } else if mag > 5.5 {
        1.0
    } else {
        mag - 4.5
    };
    (c.c8 * frv + c.c9 * fnm) * fm
}

/// Hanging-wall term, equations 7-16.
fn f_hng(c: &Coeffs, ctx: &Contexts, i: usize) -> f64 {
    let (mag, dip, ztor, width) = (ctx.mag[i], ctx.dip[i], ctx.ztor[i], ctx.width[i]);
    let (rrup, rjb, rx) = (ctx.rrup[i], ctx.rjb[i], ctx.rx[i]);
    let r1 = width * dip.to_radians().cos();
    let r2 = 62.0 * mag - 350.0;
    let f_rx = if rx >= 0.0 && rx < r1 {
        let q = rx / r1;
        c.h1 + c.h2 * q + c.h3 * (q * q)
    } else if rx >= r1 {
        let q = (rx - r1) / (r2 - r1);
        let f2 = H4 + c.h5 * q + c.h6 * (q * q);
        if f2 < 0.0 { 0.0 } else { f2 }
    } else {
        0.0
    };
    let f_rrup = if rrup > 0.0 { (rrup - rjb) / rrup } else { 1.0 };
    let f_m = if mag < 5.5 {
        0.0
    } else if mag > 6.5 {
        1.0 + c.a2 * (mag - 6.5)
    } else {
        (mag - 5.5) * (1.0 + c.a2 * (mag - 6.5))
    };
    let f_z = if ztor > 16.66 { 0.0 } else { 1.0 - 0.06 * ztor };
    let f_dip = (90.0 - dip) / 45.0;
    c.c10 * f_rx * f_rrup * f_m * f_z * f_dip
}

/// Shallow site response on a site of `vs30` under rock PGA `pga_rock`,
/// equations 17-18 (California).
fn f_site(c: &Coeffs, vs30: f64, pga_rock: f64) -> f64 {
    let v = vs30 / c.k1;
    let lin = c.c11 * v.ln();
    if vs30 > c.k1 {
        lin + c.k2 * N_SITE * v.ln()
    } else {
        lin + c.k2 * ((pga_rock + C_SITE * v.powf(N_SITE)).ln() - (pga_rock + C_SITE).ln())
    }
}

/// Basin response for a Z2.5 of `z` km, equation 20 (California).
fn f_sed(c: &Coeffs, z: f64) -> f64 {
    if z < 1.0 {
        c.c14 * (z - 1.0)
    } else if z > 3.0 {
        c.c16 * c.k3 * (-0.75f64).exp() * (1.0 - (-0.25 * (z - 3.0)).exp())
    } else {
        0.0
    }
}

/// Hypocentral-depth term, equations 21-23.
fn f_hyp(c: &Coeffs, mag: f64, hypo_depth: f64) -> f64 {
    let fh = clip(hypo_depth - 7.0, 0.0, 13.0);
    let fm = if mag <= 5.5 {
        c.c17
    } else if mag > 6.5 {
        c.c18
    } else {
        c.c17 + (c.c18 - c.c17) * (mag - 5.5)
    };
    fh * fm
}

/// Rupture-dip term, equation 24.
fn f_dip(c: &Coeffs, mag: f64, dip: f64) -> f64 {
    if mag < 4.5 {
        c.c19 * dip
    } else if mag > 5.5 {
        0.0
    } else {
        c.c19 * (5.5 - mag) * dip
    }
}

/// ln-median at context `i`: on the reference rock (vs30 1100 m/s and its
/// Z2.5) when `pga_rock` is `None`, else on the site under that rock PGA.
fn ln_median(c: &Coeffs, ctx: &Contexts, i: usize, pga_rock: Option<f64>) -> f64 {
    let (mag, rrup) = (ctx.mag[i], ctx.rrup[i]);
    let (site, basin) = match pga_rock {
        None => (f_site(c, VS_ROCK, f64::NAN), f_sed(c, z2pt5_ref(VS_ROCK))),
        Some(pga) => {
            let vs30 = ctx.vs30[i];
            let z = match ctx.z2pt5[i] {
                -999.0 => z2pt5_ref(vs30),
                z => z,
            };
            (f_site(c, vs30, pga), f_sed(c, z))
        }
    };
    let geom = (c.c5 + c.c6 * mag) * (rrup * rrup + c.c7 * c.c7).sqrt().ln();
    let atn = if rrup >= 80.0 {
        (c.c20 + c.dc20) * (rrup - 80.0)
    } else {
        0.0
    };
    f_mag(c, mag)
        + geom
        + f_flt(c, mag, ctx.rake[i])
        + f_hng(c, ctx, i)
        + site
        + basin
        + f_hyp(c, mag, ctx.hypo_depth[i])
        + f_dip(c, mag, ctx.dip[i])
        + atn
}

/// Between-event sigma on the base rock, equation 27.
fn tau_ln_y(c: &Coeffs, mag: f64) -> f64 {
    if mag <= 4.5 {
        c.tau1
    } else if mag >= 5.5 {
        c.tau2
    } else {
        c.tau2 + (c.tau1 - c.tau2) * (5.5 - mag)
    }
}

/// Within-event sigma on the base rock (site-amplification part removed),
/// equation 28.
fn phi_ln_y_base(c: &Coeffs, mag: f64) -> f64 {
    let phi = if mag <= 4.5 {
        c.phi1
    } else if mag >= 5.5 {
        c.phi2
    } else {
        c.phi2 + (c.phi1 - c.phi2) * (5.5 - mag)
    };
    (phi * phi - c.phi_ln_af * c.phi_ln_af).sqrt()
}

fn compute(
    ctx: &Contexts,
    imt: &Imt,
    mean: &mut [f64],
    sig: &mut [f64],
    tau: &mut [f64],
    phi: &mut [f64],
) -> Result<(), GsimError> {
    let c_pga = Coeffs::of(&Imt::Pga)?;
    let c = Coeffs::of(imt)?;
    let floor = matches!(imt, Imt::Sa(p) if *p < PGA_FLOOR_BELOW_PERIOD);
    for i in 0..mean.len() {
        let mag = ctx.mag[i];
        let pga1100 = ln_median(&c_pga, ctx, i, None).exp();
        let mut m = ln_median(&c, ctx, i, Some(pga1100));
        if floor {
            // Short-period SA never falls below PGA on the same site.
            let pga = ln_median(&c_pga, ctx, i, Some(pga1100));
            if m <= pga {
                m = pga;
            }
        }
        mean[i] = m;
        // Standard deviations, equations 29-32.
        let (tau_pga, phi_pga) = (tau_ln_y(&c_pga, mag), phi_ln_y_base(&c_pga, mag));
        let (tau_b, phi_b) = (tau_ln_y(&c, mag), phi_ln_y_base(&c, mag));
        let vs30 = ctx.vs30[i];
        let alpha = if vs30 < c.k1 {
            let v = vs30 / c.k1;
            c.k2 * pga1100 * (1.0 / (pga1100 + C_SITE * v.powf(N_SITE)) - 1.0 / (pga1100 + C_SITE))
        } else {
            0.0
        };
        let t = (tau_b * tau_b
            + alpha * alpha * (tau_pga * tau_pga)
            + 2.0 * alpha * c.rho_ln_y * tau_b * tau_pga)
            .sqrt();
        let p = (phi_b * phi_b
            + c.phi_ln_af * c.phi_ln_af
            + alpha * alpha * (phi_pga * phi_pga)
            + 2.0 * alpha * c.rho_ln_y * phi_b * phi_pga)
            .sqrt();
        sig[i] = (t * t + p * p).sqrt();
        tau[i] = t;
        phi[i] = p;
    }
    Ok(())
}
