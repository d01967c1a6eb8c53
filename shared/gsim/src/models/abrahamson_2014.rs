//! Abrahamson, Silva and Kamai (2014), "Summary of the ASK14 ground motion
//! relation for active crustal regions", Earthquake Spectra 30(3),
//! 1025-1055. OpenQuake's default configuration: California (no regional
//! term), no basin-scaling adjustments.

use super::{clip, gsim_model, interp};
use crate::coeffs::{CoeffTable, table};
use crate::{Contexts, GsimError, Imt};

gsim_model! {
    /// Abrahamson et al. (2014), active shallow crust; RotD50 component.
    /// A negative `z1pt0` (e.g. -999) selects the model's vs30-based
    /// reference basin depth.
    AbrahamsonEtAl2014 = "AbrahamsonEtAl2014",
    imts: [Pga, Pgv, Sa],
    rupture: [Mag, Rake, Dip, Ztor, Width],
    site: [Vs30, Z1pt0, Vs30Measured],
    distance: [Rrup, Rjb, Rx, Ry0],
    component: RotD50,
}

table!(
    /// Coefficients of Abrahamson et al. (2014), annex B (as in OpenQuake).
    COEFFS = "
    IMT   m1   vlin b     c    c4  a1     a2     a3    a4   a5    a6    a7  a8     a10   a11 a12  a13  a14   a15   a17     a43  a44  a45  a46   a25     a28    a29     a31     a36    a37    a38   a39 a40   a41    a42    s1e   s2e   s3   s4   s1m   s2m   s5   s6
    pga   6.75 660  -1.47 2.4  4.5 0.587  -0.79  0.275 -0.1 -0.41 2.154 0.0 -0.015 1.735 0   -0.1 0.6  -0.3  1.1   -0.0072 0.1  0.05 0    -0.05 -0.0015 0.0025 -0.0034 -0.1503 0.265  0.337  0.188 0   0.088 -0.196 0.044  0.754 0.52  0.47 0.36 0.741 0.501 0.54 0.6300
    pgv   6.75 330  -2.02 2400 4.5 5.975  -0.919 0.275 -0.1 -0.41 2.366 0.0 -0.094 2.36  0   -0.1 0.25 0.22  0.3   -0.0005 0.28 0.15 0.09 0.07  -0.0001 0.0005 -0.0037 -0.1462 0.377  0.212  0.157 0   0.095 -0.038 0.065  0.662 0.51  0.38 0.38 0.66  0.51  0.58 0.5300
    0.01  6.75 660  -1.47 2.4  4.5 0.587  -0.790 0.275 -0.1 -0.41 2.154 0.0 -0.015 1.735 0   -0.1 0.6  -0.3  1.1   -0.0072 0.1  0.05 0    -0.05 -0.0015 0.0025 -0.0034 -0.1503 0.265  0.337  0.188 0   0.088 -0.196 0.044  0.754 0.52  0.47 0.36 0.741 0.501 0.54 0.6300
    0.02  6.75 680  -1.46 2.4  4.5 0.598  -0.790 0.275 -0.1 -0.41 2.146 0.0 -0.015 1.718 0   -0.1 0.6  -0.3  1.1   -0.0073 0.1  0.05 0    -0.05 -0.0015 0.0024 -0.0033 -0.1479 0.255  0.328  0.184 0   0.088 -0.194 0.061  0.76  0.52  0.47 0.36 0.747 0.501 0.54 0.6300
    0.03  6.75 770  -1.39 2.4  4.5 0.602  -0.790 0.275 -0.1 -0.41 2.157 0.0 -0.015 1.615 0   -0.1 0.6  -0.3  1.1   -0.0075 0.1  0.05 0    -0.05 -0.0016 0.0023 -0.0034 -0.1447 0.249  0.32   0.18  0   0.093 -0.175 0.162  0.781 0.52  0.47 0.36 0.769 0.501 0.55 0.6300
    0.05  6.75 915  -1.22 2.4  4.5 0.707  -0.790 0.275 -0.1 -0.41 2.085 0.0 -0.015 1.358 0   -0.1 0.6  -0.3  1.1   -0.008  0.1  0.05 0    -0.05 -0.002  0.0027 -0.0033 -0.1326 0.202  0.289  0.167 0   0.133 -0.09  0.451  0.81  0.53  0.47 0.36 0.798 0.512 0.56 0.6500
    0.075 6.75 960  -1.15 2.4  4.5 0.973  -0.790 0.275 -0.1 -0.41 2.029 0.0 -0.015 1.258 0   -0.1 0.6  -0.3  1.1   -0.0089 0.1  0.05 0    -0.05 -0.0027 0.0032 -0.0029 -0.1353 0.126  0.275  0.173 0   0.186 0.09   0.506  0.81  0.54  0.47 0.36 0.798 0.522 0.57 0.6900
    0.1   6.75 910  -1.23 2.4  4.5 1.169  -0.790 0.275 -0.1 -0.41 2.041 0.0 -0.015 1.31  0   -0.1 0.6  -0.3  1.1   -0.0095 0.1  0.05 0    -0.05 -0.0033 0.0036 -0.0025 -0.1128 0.022  0.256  0.189 0   0.16  0.006  0.335  0.81  0.55  0.47 0.36 0.795 0.527 0.57 0.7000
    0.15  6.75 740  -1.59 2.4  4.5 1.442  -0.790 0.275 -0.1 -0.41 2.121 0.0 -0.022 1.66  0   -0.1 0.6  -0.3  1.1   -0.0095 0.1  0.05 0    -0.05 -0.0035 0.0033 -0.0025 0.0383  -0.136 0.162  0.108 0   0.068 -0.156 -0.084 0.801 0.56  0.47 0.36 0.773 0.519 0.58 0.7000
    0.2   6.75 590  -2.01 2.4  4.5 1.637  -0.790 0.275 -0.1 -0.41 2.224 0.0 -0.03  2.22  0   -0.1 0.6  -0.3  1.1   -0.0086 0.1  0.05 0    -0.03 -0.0033 0.0027 -0.0031 0.0775  -0.078 0.224  0.115 0   0.048 -0.274 -0.178 0.789 0.565 0.47 0.36 0.753 0.514 0.59 0.7000
    0.25  6.75 495  -2.41 2.4  4.5 1.701  -0.790 0.275 -0.1 -0.41 2.312 0.0 -0.038 2.77  0   -0.1 0.6  -0.24 1.1   -0.0074 0.1  0.05 0    0     -0.0029 0.0024 -0.0036 0.0741  0.037  0.248  0.122 0   0.055 -0.248 -0.187 0.77  0.57  0.47 0.36 0.729 0.513 0.61 0.7000
    0.3   6.75 430  -2.76 2.4  4.5 1.712  -0.790 0.275 -0.1 -0.41 2.338 0.0 -0.045 3.25  0   -0.1 0.6  -0.19 1.03  -0.0064 0.1  0.05 0.03 0.03  -0.0027 0.002  -0.0039 0.2548  -0.091 0.203  0.096 0   0.073 -0.203 -0.159 0.74  0.58  0.47 0.36 0.693 0.519 0.63 0.7000
    0.4   6.75 360  -3.28 2.4  4.5 1.662  -0.790 0.275 -0.1 -0.41 2.469 0.0 -0.055 3.99  0   -0.1 0.58 -0.11 0.92  -0.0043 0.1  0.07 0.06 0.06  -0.0023 0.001  -0.0048 0.2136  0.129  0.232  0.123 0   0.143 -0.154 -0.023 0.699 0.59  0.47 0.36 0.644 0.524 0.66 0.7000
    0.5   6.75 340  -3.6  2.4  4.5 1.571  -0.790 0.275 -0.1 -0.41 2.559 0.0 -0.065 4.45  0   -0.1 0.56 -0.04 0.84  -0.0032 0.1  0.1  0.1  0.09  -0.002  0.0008 -0.005  0.1542  0.31   0.252  0.134 0   0.16  -0.159 -0.029 0.676 0.6   0.47 0.36 0.616 0.532 0.69 0.7000
    0.75  6.75 330  -3.8  2.4  4.5 1.299  -0.790 0.275 -0.1 -0.41 2.682 0.0 -0.095 4.75  0   -0.1 0.53 0.07  0.68  -0.0025 0.14 0.14 0.14 0.13  -0.001  0.0007 -0.0041 0.0787  0.505  0.208  0.129 0   0.158 -0.141 0.061  0.631 0.615 0.47 0.36 0.566 0.548 0.73 0.6900
    1     6.75 330  -3.5  2.4  4.5 1.043  -0.790 0.275 -0.1 -0.41 2.763 0.0 -0.11  4.3   0   -0.1 0.5  0.15  0.57  -0.0025 0.17 0.17 0.17 0.14  -0.0005 0.0007 -0.0032 0.0476  0.358  0.208  0.152 0   0.145 -0.144 0.062  0.609 0.63  0.47 0.36 0.541 0.565 0.77 0.6800
    1.5   6.75 330  -2.4  2.4  4.5 0.665  -0.790 0.275 -0.1 -0.41 2.836 0.0 -0.124 2.6   0   -0.1 0.42 0.27  0.42  -0.0022 0.22 0.21 0.2  0.16  -0.0004 0.0006 -0.002  -0.0163 0.131  0.108  0.118 0   0.131 -0.126 0.037  0.578 0.64  0.47 0.36 0.506 0.576 0.8  0.6600
    2     6.75 330  -1    2.4  4.5 0.329  -0.790 0.275 -0.1 -0.41 2.897 0.0 -0.138 0.55  0   -0.1 0.35 0.35  0.31  -0.0019 0.26 0.25 0.22 0.16  -0.0002 0.0003 -0.0017 -0.1203 0.123  0.068  0.119 0   0.083 -0.075 -0.143 0.555 0.65  0.47 0.36 0.48  0.587 0.8  0.6200
    3     6.82 330  0     2.4  4.5 -0.060 -0.790 0.275 -0.1 -0.41 2.906 0.0 -0.172 -0.95 0   -0.1 0.2  0.46  0.16  -0.0015 0.34 0.3  0.23 0.16  0       0      -0.002  -0.2719 0.109  -0.023 0.093 0   0.07  -0.021 -0.028 0.548 0.64  0.47 0.36 0.472 0.576 0.8  0.5500
    4     6.92 330  0     2.4  4.5 -0.299 -0.790 0.275 -0.1 -0.41 2.889 0.0 -0.197 -0.95 0   -0.1 0    0.54  0.05  -0.001  0.41 0.32 0.23 0.14  0       0      -0.002  -0.2958 0.135  0.028  0.084 0   0.101 0.072  -0.097 0.527 0.63  0.47 0.36 0.447 0.565 0.76 0.5200
    5     7    330  0     2.4  4.5 -0.562 -0.765 0.275 -0.1 -0.41 2.898 0.0 -0.218 -0.93 0   -0.1 0    0.61  -0.04 -0.001  0.51 0.32 0.22 0.13  0       0      -0.002  -0.2718 0.189  0.031  0.058 0   0.095 0.205  0.015  0.505 0.63  0.47 0.36 0.425 0.568 0.72 0.5000
    6     7.06 330  0     2.4  4.5 -0.875 -0.711 0.275 -0.1 -0.41 2.896 0.0 -0.235 -0.91 0   -0.2 0    0.65  -0.11 -0.001  0.55 0.32 0.2  0.1   0       0      -0.002  -0.2517 0.215  0.024  0.065 0   0.133 0.285  0.104  0.477 0.63  0.47 0.36 0.395 0.571 0.7  0.5000
    7.5   7.15 330  0     2.4  4.5 -1.303 -0.634 0.275 -0.1 -0.41 2.870 0.0 -0.255 -0.87 0   -0.2 0    0.72  -0.19 -0.001  0.49 0.28 0.17 0.09  0       0      -0.002  -0.14   0.15   -0.07  0     0   0.151 0.329  0.299  0.457 0.63  0.47 0.36 0.378 0.575 0.67 0.5000
    10    7.25 330  0     2.4  4.5 -1.928 -0.529 0.275 -0.1 -0.41 2.843 0.0 -0.285 -0.8  0   -0.2 0    0.8   -0.3  -0.001  0.42 0.22 0.14 0.08  0       0      -0.002  -0.0216 0.092  -0.159 -0.05 0   0.124 0.301  0.243  0.429 0.63  0.47 0.36 0.359 0.585 0.64 0.5000
"
);

const NAME: &str = "AbrahamsonEtAl2014";
/// Period-independent constants: site-response exponent, the magnitude of the
/// lower magnitude-scaling break and the hanging-wall taper coefficients.
const N: f64 = 1.5;
const M2: f64 = 5.0;
const H1: f64 = 0.25;
const H2: f64 = 1.5;
const H3: f64 = -0.75;
const A2_HW: f64 = 0.2;
/// Reference rock vs30 (m/s).
const VS_ROCK: f64 = 1180.0;
/// Site-amplification part of phi.
const PHI_AMP: f64 = 0.4;

const NAMES: [&str; 29] = [
    "m1", "vlin", "b", "c", "c4", "a1", "a2", "a3", "a4", "a5", "a6", "a7", "a8", "a10", "a11",
    "a12", "a13", "a15", "a17", "a43", "a44", "a45", "a46", "s1e", "s2e", "s3", "s4", "s1m", "s2m",
];

/// The coefficients of one IMT.
struct Coeffs {
    m1: f64,
    vlin: f64,
    b: f64,
    c: f64,
    c4: f64,
    a1: f64,
    a2: f64,
    a3: f64,
    a4: f64,
    a5: f64,
    a6: f64,
    a7: f64,
    a8: f64,
    a10: f64,
    a11: f64,
    a12: f64,
    a13: f64,
    a15: f64,
    a17: f64,
    a43: f64,
    a44: f64,
    a45: f64,
    a46: f64,
    s1e: f64,
    s2e: f64,
    s3: f64,
    s4: f64,
    s1m: f64,
    s2m: f64,
}

impl Coeffs {
    fn of(imt: &Imt) -> Result<Self, GsimError> {
        let [
            m1,
            vlin,
            b,
            c,
            c4,
            a1,
            a2,
            a3,
            a4,
            a5,
            a6,
            a7,
            a8,
            a10,
            a11,
            a12,
            a13,
            a15,
            a17,
            a43,
            a44,
            a45,
            a46,
            s1e,
            s2e,
            s3,
            s4,
            s1m,
            s2m,
        ] = CoeffTable::get(&COEFFS, NAME, imt, NAMES)?;
        Ok(Self {
            m1,
            vlin,
            b,
            c,
            c4,
            a1,
            a2,
            a3,
            a4,
            a5,
            a6,
            a7,
            a8,
            a10,
            a11,
            a12,
            a13,
            a15,
            a17,
            a43,
            a44,
            a45,
            a46,
            s1e,
            s2e,
            s3,
            s4,
            s1m,
            s2m,
        })
    }
}

/// Magnitude and distance scaling, equations 2-4.
fn f1(c: &Coeffs, mag: f64, rrup: f64) -> f64 {
    let c4m = if mag > 5.0 {
        c.c4
    } else if mag < 4.0 {
        1.0
    } else {
        c.c4 - (c.c4 - 1.0) * (5.0 - mag)
    };
    let ln_r = (rrup * rrup + c4m * c4m).sqrt().ln();
    let base = c.a1 + c.a17 * rrup;
    let term = if mag >= c.m1 {
        c.a5 * (mag - c.m1)
            + c.a8 * ((8.5 - mag) * (8.5 - mag))
            + (c.a2 + c.a3 * (mag - c.m1)) * ln_r
    } else if mag >= M2 {
        c.a4 * (mag - c.m1)
            + c.a8 * ((8.5 - mag) * (8.5 - mag))
            + (c.a2 + c.a3 * (mag - c.m1)) * ln_r
    } else {
        c.a4 * (M2 - c.m1)
            + c.a8 * ((8.5 - M2) * (8.5 - M2))
            + c.a6 * (mag - M2)
            + c.a7 * ((mag - M2) * (mag - M2))
            + (c.a2 + c.a3 * (M2 - c.m1)) * ln_r
    };
    base + term
}

/// Style-of-faulting terms f7 (reverse) and f8 (normal), equations 5-6.
fn f_flt(c: &Coeffs, mag: f64, rake: f64) -> f64 {
    let ramp = clip(mag - 4.0, 0.0, 1.0);
    let rev = (rake > 30.0 && rake < 150.0) as u8 as f64;
    let nor = (rake > -150.0 && rake < -30.0) as u8 as f64;
    c.a11 * ramp * rev + c.a12 * ramp * nor
}

/// Hanging-wall term, equations 11-15.
fn f4(c: &Coeffs, ctx: &Contexts, i: usize) -> f64 {
    let (mag, dip, ztor, width) = (ctx.mag[i], ctx.dip[i], ctx.ztor[i], ctx.width[i]);
    let (rx, ry0) = (ctx.rx[i], ctx.ry0[i]);
    let on_hw = if rx > 0.0 && dip != 90.0 { 1.0 } else { 0.0 };
    let t1 = if dip <= 30.0 {
        60.0 / 45.0
    } else {
        (90.0 - dip) / 45.0
    };
    let dm = mag - 6.5;
    let t2 = if mag > 6.5 {
        1.0 + A2_HW * dm
    } else if mag <= 5.5 {
        0.0
    } else {
        1.0 + A2_HW * dm - (1.0 - A2_HW) * (dm * dm)
    };
    let r1 = width * dip.to_radians().cos();
    let r2 = 3.0 * r1;
    let t3 = if rx < r1 {
        let q = rx / r1;
        H1 + H2 * q + H3 * (q * q)
    } else if rx <= r2 {
        1.0 - (rx - r1) / (r2 - r1)
    } else {
        0.0
    };
    let t4 = if ztor <= 10.0 {
        1.0 - ztor * ztor / 100.0
    } else {
        0.0
    };
    let d = ry0 - rx * 20f64.to_radians().tan();
    let t5 = if d <= 0.0 {
        1.0
    } else if d < 5.0 {
        1.0 - d / 5.0
    } else {
        0.0
    };
    on_hw * c.a13 * t1 * t2 * t3 * t4 * t5
}

/// The vs30 above which site amplification stops growing, equations 8-9.
fn v1(imt: &Imt) -> f64 {
    match *imt {
        Imt::Sa(t) if t > 0.5 && t < 3.0 => (-0.35 * (t / 0.5).ln() + 1500f64.ln()).exp(),
        Imt::Sa(t) if t >= 3.0 => 800.0,
        _ => 1500.0,
    }
}

/// Site response on `vs30` under rock motion `sa1180`, equation 7.
fn f5(c: &Coeffs, v1: f64, vs30: f64, sa1180: f64) -> f64 {
    let ratio = if vs30 >= v1 { v1 } else { vs30 } / c.vlin;
    if vs30 >= c.vlin {
        (c.a10 + c.b * N) * ratio.ln()
    } else if vs30 < c.vlin {
        c.a10 * ratio.ln() - c.b * (sa1180 + c.c).ln() + c.b * (sa1180 + c.c * ratio.powf(N)).ln()
    } else {
        0.0
    }
}

/// Reference Z1.0 (km) for a vs30 in California, equation 18.
fn z1_ref(vs30: f64) -> f64 {
    ((-7.67 / 4.0)
        * ((vs30.powf(4.0) + 610f64.powf(4.0)) / (1360f64.powf(4.0) + 610f64.powf(4.0))).ln())
    .exp()
        / 1000.0
}

/// Basin term for a Z1.0 of `z1` m (negative: unknown), equations 16-17 with
/// the linear vs30 interpolation of the application guidelines.
fn f10(c: &Coeffs, vs30: f64, z1: f64) -> f64 {
    let zref = z1_ref(vs30);
    let z = z1 / 1000.0;
    let z = if z < 0.0 { zref } else { z };
    let factor = ((z + 0.01) / (zref + 0.01)).ln();
    let slope = interp(
        vs30,
        [0.0, 150.0, 250.0, 400.0, 700.0, 1000.0, 6000.0],
        [c.a43, c.a43, c.a44, c.a45, c.a46, c.a46, c.a46],
    );
    slope * factor
}

/// Derivative of the site amplification with respect to rock motion,
/// equation 30.
fn der_amp(c: &Coeffs, vs30: f64, sa1180: f64) -> f64 {
    if vs30 < c.vlin {
        c.b * sa1180 * (-1.0 / (sa1180 + c.c) + 1.0 / (sa1180 + c.c * (vs30 / c.vlin).powf(N)))
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
    let c = Coeffs::of(imt)?;
    let v1 = v1(imt);
    for i in 0..mean.len() {
        let (mag, vs30) = (ctx.mag[i], ctx.vs30[i]);
        let source = f1(&c, mag, ctx.rrup[i]) + f_flt(&c, mag, ctx.rake[i]);
        let hw = f4(&c, ctx, i);
        let ztor = c.a15 * clip(ctx.ztor[i] / 20.0, f64::NEG_INFINITY, 1.0);
        // Motion on the reference rock, with its own (zero) basin term.
        let sa1180 = (source + f5(&c, v1, VS_ROCK, 0.0) + hw + ztor + f10(&c, VS_ROCK, -1.0)).exp();
        mean[i] = source + hw + f5(&c, v1, vs30, sa1180) + ztor + f10(&c, vs30, ctx.z1pt0[i]);
        // Standard deviations, equations 24-30.
        let (s1, s2) = if ctx.vs30measured[i] {
            (c.s1m, c.s2m)
        } else {
            (c.s1e, c.s2e)
        };
        let phi_al = if mag < 4.0 {
            s1
        } else if mag >= 6.0 {
            s2
        } else {
            s1 + (s2 - s1) / 2.0 * (mag - 4.0)
        };
        let tau_al = if mag < 5.0 {
            c.s3
        } else if mag >= 7.0 {
            c.s4
        } else {
            c.s3 + (c.s4 - c.s3) / 2.0 * (mag - 5.0)
        };
        let der = der_amp(&c, vs30, sa1180);
        // phi_amp must stay below phi_al (small magnitudes, long periods).
        let phi_amp = if phi_al < PHI_AMP {
            0.99 * phi_al
        } else {
            PHI_AMP
        };
        let phi_b2 = phi_al * phi_al - phi_amp * phi_amp;
        let p = (phi_b2 * ((1.0 + der) * (1.0 + der)) + phi_amp * phi_amp).sqrt();
        let t = tau_al * (1.0 + der);
        sig[i] = (p * p + t * t).sqrt();
        tau[i] = t;
        phi[i] = p;
    }
    Ok(())
}
