//! Tusa and Langer (2016), "Prediction of ground motion parameters for the
//! volcanic area of Mount Etna", Journal of Seismology 20, 1-42: the epicentral
//! models in the two functional forms of the paper (Sabetta and Pugliese 1987,
//! SP87, and a simplified Boore and Atkinson 2008, BA08) for shallow (SE, focal
//! depth < 5 km) and deep (DE) events, and the version in hypocentral distance
//! developed for the V3-2012 INGV-DPC project. EC8 site classes A, B and D; total
//! sigma only.

use super::ln_g_of_log10_cms2;
use crate::coeffs::{CoeffTable, Table, table};
use crate::{
    Component, Contexts, DistanceParam, Gsim, GsimError, Imt, ImtKind, Requirements, RuptureParam,
    SiteParam,
};

table!(
    /// BA08 form, shallow events, epicentral distance (Tables 9 and 12; the 0.14 s b2
    /// as corrected by the authors in 2019), log10 of cm/s².
    COEFFS_BA08_SE = "
    IMT a b1 b2 c1 c2 h c3 sA sB sD SigmaTot
    pga -0.568 0.475 0.037 -2.054 -0.015 2.317 0.006 0 0.452 0.477 0.390
    10.0 -4.794 0.827 0.054 -1.273 0.096 2.221 -0.002 0 0.363 0.340 0.351
    5.00 -4.010 0.646 0.083 -1.036 0.142 1.517 -0.003 0 0.296 0.241 0.363
    3.33 -5.200 1.456 -0.015 -0.953 0.092 1.728 -0.006 0 0.281 0.246 0.369
    2.50 -5.753 1.912 -0.069 -1.024 0.025 2.641 -0.006 0 0.343 0.353 0.359
    2.00 -5.531 2.016 -0.089 -1.139 0.037 3.044 -0.005 0 0.375 0.367 0.355
    1.67 -3.923 1.431 -0.023 -1.369 0.061 3.542 -0.003 0 0.403 0.384 0.342
    1.43 -3.023 1.184 -0.011 -1.461 0.114 3.668 -0.001 0 0.438 0.385 0.342
    1.25 -2.558 1.091 -0.014 -1.468 0.142 3.565 -0.001 0 0.433 0.379 0.341
    1.11 -1.921 0.847 0.011 -1.523 0.157 3.580 0.000 0 0.450 0.397 0.346
    1.00 -1.358 0.629 0.030 -1.522 0.191 3.356 0.000 0 0.465 0.416 0.353
    0.67 -1.348 0.824 -0.012 -1.631 0.152 3.229 0.003 0 0.532 0.510 0.339
    0.50 -2.278 1.574 -0.115 -1.897 0.075 3.761 0.005 0 0.486 0.523 0.337
    0.40 -2.601 1.771 -0.141 -1.916 -0.001 3.513 0.004 0 0.491 0.559 0.332
    0.33 -1.309 1.112 -0.051 -1.957 -0.020 3.442 0.004 0 0.460 0.510 0.339
    0.29 0.025 0.441 0.047 -2.134 -0.037 3.759 0.006 0 0.455 0.505 0.356
    0.25 0.127 0.413 0.051 -2.219 -0.051 3.695 0.007 0 0.468 0.528 0.374
    0.22 0.139 0.448 0.040 -2.259 -0.038 3.476 0.007 0 0.478 0.546 0.385
    0.20 0.136 0.455 0.038 -2.266 -0.044 3.363 0.007 0 0.468 0.576 0.392
    0.17 0.021 0.556 0.016 -2.240 -0.026 2.997 0.006 0 0.423 0.542 0.413
    0.14 -0.289 0.741 -0.013 -2.240 -0.023 2.676 0.006 0 0.403 0.516 0.428
    0.13 -0.119 0.593 0.011 -2.243 -0.035 2.402 0.007 0 0.412 0.490 0.437
    0.11 -0.015 0.476 0.031 -2.219 -0.044 2.316 0.006 0 0.411 0.456 0.439
    0.10 -0.221 0.522 0.030 -2.193 -0.062 2.300 0.006 0 0.412 0.435 0.437
"
);

table!(
    /// BA08 form, deep events, epicentral distance (Tables 9 and 13).
    COEFFS_BA08_DE = "
    IMT a b1 b2 c1 c2 h c3 sA sB sD SigmaTot
    pga 2.527 -0.397 0.094 -1.998 0.315 9.6080 0.000 0 -0.200 0.002 0.399
    10.0 -3.019 -0.236 0.123 -0.716 0.144 2.0850 -0.004 0 0.115 0.006 0.342
    5.00 -2.383 -0.325 0.147 -0.695 0.062 2.0800 -0.002 0 0.120 0.003 0.347
    3.33 -2.170 -0.307 0.155 -0.633 0.002 2.2200 -0.002 0 0.107 -0.023 0.359
    2.50 -2.038 -0.210 0.136 -0.620 0.053 2.1350 -0.003 0 0.132 -0.026 0.348
    2.00 -1.977 -0.056 0.106 -0.625 0.120 2.3880 -0.004 0 0.139 -0.041 0.343
    1.67 -1.893 0.048 0.088 -0.635 0.158 2.8030 -0.005 0 0.128 -0.040 0.340
    1.43 -1.656 0.065 0.078 -0.667 0.199 3.2940 -0.005 0 0.136 -0.022 0.345
    1.25 -1.441 0.059 0.075 -0.702 0.216 4.0100 -0.005 0 0.145 0.004 0.344
    1.11 -1.054 0.025 0.076 -0.834 0.229 5.5460 -0.004 0 0.140 -0.003 0.346
    1.00 -0.945 0.041 0.074 -0.871 0.226 5.5910 -0.004 0 0.140 -0.007 0.345
    0.67 0.202 -0.354 0.121 -0.902 0.244 3.9200 -0.003 0 0.151 0.050 0.340
    0.50 1.322 -0.596 0.146 -1.135 0.256 5.9340 -0.002 0 0.062 0.037 0.342
    0.40 2.073 -0.688 0.152 -1.420 0.274 7.0510 0.000 0 0.021 0.024 0.351
    0.33 2.131 -0.635 0.144 -1.484 0.277 6.8740 0.000 0 0.037 0.035 0.362
    0.29 2.496 -0.600 0.138 -1.761 0.282 8.2450 0.002 0 0.046 0.050 0.371
    0.25 2.651 -0.482 0.116 -1.953 0.305 8.8410 0.003 0 0.021 0.051 0.380
    0.22 2.967 -0.358 0.097 -2.294 0.296 10.742 0.006 0 -0.014 0.058 0.383
    0.20 3.633 -0.334 0.091 -2.764 0.299 12.651 0.009 0 -0.061 0.666 0.389
    0.17 3.837 -0.311 0.085 -2.820 0.301 13.203 0.007 0 -0.145 0.079 0.403
    0.14 3.980 -0.328 0.081 -2.811 0.316 13.357 0.006 0 -0.197 0.051 0.414
    0.13 4.139 -0.335 0.077 -2.879 0.337 13.486 0.006 0 -0.232 0.015 0.427
    0.11 3.918 -0.339 0.077 -2.736 0.342 12.535 0.005 0 -0.241 -0.025 0.434
    0.10 3.746 -0.339 0.074 -2.612 0.354 12.019 0.004 0 -0.247 -0.054 0.443
"
);

table!(
    /// SP87 form, shallow events, epicentral distance (Tables 8 and 10).
    COEFFS_SP87_SE = "
    IMT a b1 c1 h sA sB sD SigmaTot
    pga -1.186 0.726 -1.719 1.551 0 0.357 0.376 0.393
    10.0 -5.799 1.335 -1.408 2.731 0 0.379 0.354 0.351
    5.00 -5.528 1.424 -1.274 2.510 0 0.336 0.280 0.364
    3.33 -4.975 1.464 -1.415 4.285 0 0.312 0.268 0.371
    2.50 -4.410 1.454 -1.568 5.747 0 0.354 0.348 0.360
    2.00 -4.116 1.435 -1.589 5.364 0 0.387 0.368 0.357
    1.67 -3.676 1.352 -1.611 4.623 0 0.410 0.386 0.343
    1.43 -3.328 1.265 -1.573 4.078 0 0.438 0.383 0.342
    1.25 -2.978 1.189 -1.568 3.866 0 0.432 0.378 0.341
    1.11 -2.808 1.143 -1.536 3.520 0 0.441 0.390 0.347
    1.00 -2.655 1.108 -1.530 3.248 0 0.454 0.406 0.354
    0.67 -2.077 0.954 -1.468 2.577 0 0.491 0.471 0.340
    0.50 -1.474 0.866 -1.595 2.795 0 0.426 0.468 0.339
    0.40 -1.113 0.778 -1.613 2.585 0 0.433 0.506 0.334
    0.33 -0.839 0.729 -1.662 2.575 0 0.410 0.463 0.340
    0.29 -0.739 0.725 -1.723 2.615 0 0.395 0.448 0.358
    0.25 -0.661 0.710 -1.757 2.484 0 0.396 0.458 0.377
    0.22 -0.574 0.688 -1.777 2.297 0 0.389 0.458 0.388
    0.20 -0.501 0.669 -1.795 2.247 0 0.376 0.484 0.395
    0.17 -0.357 0.643 -1.844 2.125 0 0.333 0.450 0.415
    0.14 -0.275 0.623 -1.873 1.921 0 0.307 0.417 0.430
    0.13 -0.334 0.627 -1.863 1.669 0 0.304 0.440 0.439
    0.11 -0.427 0.640 -1.843 1.593 0 0.303 0.341 0.442
    0.10 -0.538 0.653 -1.814 1.556 0 0.306 0.322 0.440
"
);

table!(
    /// SP87 form, deep events, epicentral distance (Tables 8 and 11).
    COEFFS_SP87_DE = "
    IMT a b1 c1 h sA sB sD SigmaTot
    pga -0.377 0.765 -1.824 9.5270 0 -0.202 0.004 0.402
    10.0 -4.942 0.877 -1.035 6.1470 0 0.122 0.013 0.344
    5.00 -4.444 0.853 -0.879 4.4510 0 0.133 0.017 0.349
    3.33 -4.039 0.841 -0.841 4.6740 0 0.120 -0.011 0.361
    2.50 -3.804 0.871 -0.886 5.6350 0 0.141 -0.019 0.350
    2.00 -3.470 0.899 -1.015 7.4860 0 0.138 -0.044 0.345
    1.67 -3.164 0.923 -1.134 8.8600 0 0.123 -0.048 0.342
    1.43 -3.007 0.926 -1.140 9.0160 0 0.132 -0.029 0.348
    1.25 -2.838 0.928 -1.169 9.5550 0 0.138 -0.006 0.348
    1.11 -2.642 0.920 -1.200 9.7200 0 0.132 -0.013 0.348
    1.00 -2.555 0.913 -1.182 9.2180 0 0.134 -0.015 0.348
    0.67 -2.242 0.895 -1.130 6.9400 0 0.152 0.050 0.344
    0.50 -1.567 0.858 -1.305 8.1620 0 0.056 0.031 0.346
    0.40 -1.268 0.840 -1.359 7.5770 0 0.018 0.023 0.355
    0.33 -1.201 0.839 -1.349 6.9760 0 0.032 0.034 0.366
    0.29 -1.072 0.833 -1.385 6.9500 0 0.045 0.055 0.375
    0.25 -0.908 0.825 -1.442 6.8940 0 0.023 0.061 0.384
    0.22 -0.697 0.806 -1.505 7.4290 0 0.001 0.083 0.387
    0.20 -0.535 0.794 -1.558 7.6410 0 -0.031 0.109 0.393
    0.17 -0.097 0.777 -1.763 9.0800 0 -0.116 0.119 0.406
    0.14 0.215 0.758 -1.907 10.038 0 -0.172 0.085 0.416
    0.13 0.215 0.758 -1.907 10.038 0 -0.172 0.085 0.430
    0.11 0.239 0.747 -1.930 9.6770 0 -0.221 0.004 0.437
    0.10 0.219 0.745 -1.929 9.6990 0 -0.233 -0.031 0.446
"
);

table!(
    /// BA08 form in hypocentral distance (the authors' spreadsheet of May 2016, PGA as
    /// revised in July 2016).
    COEFFS_RHYPO = "
    IMT a b1 b2 c1 c2 h c3 sA sB sD SigmaTot
    pga 0.3290 0.1050 0.0760 -2.1110 0.0390 1.5530 0.0060000 0 0.45000 0.45700 0.3940
    0.10 0.8594 0.0525 0.0790 -2.2258 0.0066 1.8689 0.0068670 0 0.41397 0.42120 0.4424
    0.20 1.0619 0.0418 0.0804 -2.2684 0.0194 2.6969 0.0072450 0 0.47176 0.56672 0.3960
    0.25 0.9928 0.0316 0.0904 -2.2318 0.0067 3.1724 0.0067460 0 0.47069 0.51751 0.3779
    0.40 -1.8031 1.4272 -0.1051 -1.9414 0.0496 3.0608 0.0047120 0 0.49105 0.54594 0.3353
    0.50 -1.4907 1.2390 -0.0806 -1.9292 0.1235 3.3918 0.0049110 0 0.48505 0.50924 0.3401
    1.00 -0.6283 0.3082 0.0638 -1.5327 0.2391 2.7319 0.0005733 0 0.46483 0.40585 0.3549
    1.25 -1.8557 0.7888 0.0174 -1.4873 0.1883 3.0522 -0.0006545 0 0.43149 0.36715 0.3426
    2.00 -4.8586 1.7503 -0.0610 -1.1999 0.0767 2.8470 -0.0043670 0 0.36832 0.34906 0.3567
"
);

/// Reference magnitude and distance (km) of the BA08 distance term.
const MREF: f64 = 3.6;
const RREF: f64 = 1.0;

/// The functional form of a model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Form {
    /// `a + b1·M + b2·M² + (c1 + c2·(M − 3.6))·log10(R) + c3·(R − 1)`, `R = √(d² + h²)`.
    Ba08,
    /// `a + b1·M + c1·log10(R)`, `R = √(repi² + h²)`.
    Sp87,
}

/// The models of the family, by OpenQuake name.
const MODELS: [(&str, Variant); 5] = [
    ("TusaLanger2016RepiBA08SE", Variant::RepiBa08Se),
    ("TusaLanger2016RepiBA08DE", Variant::RepiBa08De),
    ("TusaLanger2016RepiSP87SE", Variant::RepiSp87Se),
    ("TusaLanger2016RepiSP87DE", Variant::RepiSp87De),
    ("TusaLanger2016Rhypo", Variant::Rhypo),
];

/// A model's form, events and distance.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Variant {
    RepiBa08Se,
    RepiBa08De,
    RepiSp87Se,
    RepiSp87De,
    Rhypo,
}

/// One model of the family.
#[derive(Debug, Clone, Copy)]
pub struct TusaLanger2016 {
    name: &'static str,
    variant: Variant,
}

impl TusaLanger2016 {
    /// The model called `name` (`TusaLanger2016RepiSP87SE`, `TusaLanger2016Rhypo`, ...).
    pub fn by_name(name: &str) -> Option<Self> {
        MODELS
            .into_iter()
            .find(|(n, _)| *n == name)
            .map(|(name, variant)| Self { name, variant })
    }

    fn form(&self) -> Form {
        match self.variant {
            Variant::RepiSp87Se | Variant::RepiSp87De => Form::Sp87,
            _ => Form::Ba08,
        }
    }

    fn table(&self) -> &'static Table {
        match self.variant {
            Variant::RepiBa08Se => &COEFFS_BA08_SE,
            Variant::RepiBa08De => &COEFFS_BA08_DE,
            Variant::RepiSp87Se => &COEFFS_SP87_SE,
            Variant::RepiSp87De => &COEFFS_SP87_DE,
            Variant::Rhypo => &COEFFS_RHYPO,
        }
    }

    /// The log10 (cm/s²) magnitude and distance terms at magnitude `mag` and distance
    /// `d` (km).
    fn source_path(&self, c: &Coefficients, mag: f64, d: f64) -> f64 {
        let r = (d * d + c.h * c.h).sqrt();
        match self.form() {
            Form::Ba08 => {
                c.a + c.b1 * mag
                    + c.b2 * mag * mag
                    + (c.c1 + c.c2 * (mag - MREF)) * (r / RREF).log10()
                    + c.c3 * (r - RREF)
            }
            Form::Sp87 => c.a + c.b1 * mag + c.c1 * r.log10(),
        }
    }
}

/// The coefficients of one IMT (`b2`, `c2` and `c3` are 0 in the SP87 form).
struct Coefficients {
    a: f64,
    b1: f64,
    b2: f64,
    c1: f64,
    c2: f64,
    c3: f64,
    h: f64,
    s_a: f64,
    s_b: f64,
    s_d: f64,
    sigma: f64,
}

impl Coefficients {
    fn of(model: &TusaLanger2016, imt: &Imt) -> Result<Self, GsimError> {
        let names = ["a", "b1", "c1", "h", "sA", "sB", "sD", "SigmaTot"];
        let [a, b1, c1, h, s_a, s_b, s_d, sigma] =
            CoeffTable::get(model.table(), model.name, imt, names)?;
        let [b2, c2, c3] = match model.form() {
            Form::Ba08 => CoeffTable::get(model.table(), model.name, imt, ["b2", "c2", "c3"])?,
            Form::Sp87 => [0.0; 3],
        };
        Ok(Self {
            a,
            b1,
            b2,
            c1,
            c2,
            c3,
            h,
            s_a,
            s_b,
            s_d,
            sigma,
        })
    }

    /// The EC8 site term: class A from 800 m/s, B from 360 m/s, D below 180 m/s (class C
    /// is refused before).
    fn site(&self, vs30: f64) -> f64 {
        if vs30 >= 800.0 {
            self.s_a
        } else if vs30 >= 360.0 {
            self.s_b
        } else if vs30 < 180.0 {
            self.s_d
        } else {
            0.0
        }
    }
}

impl Gsim for TusaLanger2016 {
    fn name(&self) -> &str {
        self.name
    }

    fn requires(&self) -> Requirements {
        Requirements {
            rupture: &[RuptureParam::Mag],
            site: &[SiteParam::Vs30],
            distance: if self.variant == Variant::Rhypo {
                &[DistanceParam::Rhypo]
            } else {
                &[DistanceParam::Repi]
            },
        }
    }

    fn supported_imts(&self) -> &'static [ImtKind] {
        &[ImtKind::Pga, ImtKind::Sa]
    }

    fn component(&self) -> Component {
        Component::GreaterOfTwoHorizontal
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
        let lens = [mean.len(), sig.len(), tau.len(), phi.len()];
        crate::precheck(self, ctx, imt, lens)?;
        let c = Coefficients::of(self, imt)?;
        // EC8 class C (180 < vs30 < 360) has no coefficients
        if let Some(vs30) = ctx.vs30.iter().find(|&&v| v > 180.0 && v < 360.0) {
            return Err(GsimError::UnsupportedSite {
                gsim: self.name.to_string(),
                reason: format!("vs30 = {vs30}: EC8 site class C is not covered"),
            });
        }
        let distance = if self.variant == Variant::Rhypo {
            &ctx.rhypo
        } else {
            &ctx.repi
        };
        for i in 0..mean.len() {
            let log10_cms2 = self.source_path(&c, ctx.mag[i], distance[i]) + c.site(ctx.vs30[i]);
            // log10 of cm/s² to ln of g
            mean[i] = ln_g_of_log10_cms2(log10_cms2);
            sig[i] = c.sigma * std::f64::consts::LN_10;
            tau[i] = 0.0;
            phi[i] = 0.0;
        }
        Ok(())
    }
}
