//! `NGAEastUSGSGMPE`: the NGA-East ground-motion models as the USGS uses them in its
//! 2018 and 2023 hazard models of the central and eastern United States (Goulet et al.
//! 2017, PEER report 2017/03; Petersen et al. 2019): hard-rock (vs30 = 3000 m/s) medians
//! read from the USGS tables of the seventeen NGA-East models and the seed models,
//! interpolated in ln(median) against log10(rrup); the site amplification of Stewart et
//! al. (2019, linear, with the 760 m/s factor) and Hashash et al. (2019, nonlinear),
//! collapsed over its epistemic uncertainty (weights 0.185, 0.63, 0.185 at −1, 0, +1
//! sigma) unless `epistemic_site = false`; sigma from the EPRI (2013) model, the USGS
//! panel model with the Stewart et al. (2019) site-to-site term, or their 0.8/0.2
//! `COLLAPSED` mix (total only, the default).
//!
//! In `gsim_logic_tree.xml`, as in OpenQuake:
//!
//! ```toml
//! [NGAEastUSGSGMPE]
//! gmpe_table = "nga_east_usgs_17.hdf5"
//! coastal_plains_site_amp = true
//! ```
//!
//! or by an alias such as `NGAEastUSGSSammons17`.
//!
//! `coastal_plains_site_amp` adds the Chapman and Guo (2021) coastal plains term (see
//! [`super::chapman_guo_2021`]) less the reference (vs30 = 1000 m/s) amplification scaled
//! by sediment depth, and switches the nonlinear `f4` to the average of `f4` and the USGS
//! `f4_mod`; it needs `z_sed_scaling = true`, which makes the sites' `z_sed` required (as
//! in OpenQuake, where the term reads `z_sed`). `usgs_2023_bias_adj` is not implemented.

use std::collections::HashMap;
use std::sync::Arc;

use super::chapman_guo_2021;
use super::gmpe_table::table_requirements;
use crate::coeffs::{CoeffTable, table};
use crate::table::{self, AtMagnitude, GmpeTable, built_in_tables};
use crate::{Component, Contexts, Gsim, GsimError, Imt, ImtKind, Requirements, SiteParam};

const NAME: &str = "NGAEastUSGSGMPE";

built_in_tables!(
    /// The USGS tables of the NGA-East models, by file name.
    TABLES = "nga_east_usgs" [
        "nga_east_1CCSP.hdf5", "nga_east_1CVSP.hdf5", "nga_east_2CCSP.hdf5",
        "nga_east_2CVSP.hdf5", "nga_east_B_a04.hdf5", "nga_east_B_ab14.hdf5",
        "nga_east_B_ab95.hdf5", "nga_east_B_bca10d.hdf5", "nga_east_B_bs11.hdf5",
        "nga_east_B_sgd02.hdf5", "nga_east_Frankel.hdf5", "nga_east_Graizer.hdf5",
        "nga_east_Graizer16.hdf5", "nga_east_Graizer17.hdf5", "nga_east_HA15.hdf5",
        "nga_east_PEER_EX.hdf5", "nga_east_PEER_GP.hdf5", "nga_east_PZCT15_M1SS.hdf5",
        "nga_east_PZCT15_M2ES.hdf5", "nga_east_SP15.hdf5", "nga_east_YA15.hdf5",
        "nga_east_usgs_1.hdf5", "nga_east_usgs_10.hdf5", "nga_east_usgs_11.hdf5",
        "nga_east_usgs_12.hdf5", "nga_east_usgs_13.hdf5", "nga_east_usgs_14.hdf5",
        "nga_east_usgs_15.hdf5", "nga_east_usgs_16.hdf5", "nga_east_usgs_17.hdf5",
        "nga_east_usgs_2.hdf5", "nga_east_usgs_3.hdf5", "nga_east_usgs_4.hdf5",
        "nga_east_usgs_5.hdf5", "nga_east_usgs_6.hdf5", "nga_east_usgs_7.hdf5",
        "nga_east_usgs_8.hdf5", "nga_east_usgs_9.hdf5",
    ]
);

/// The aliases OpenQuake defines: (name, table key of `nga_east_<key>.hdf5`).
pub const ALIASES: &[(&str, &str)] = &[
    ("NGAEastUSGSSeedSP15", "SP15"),
    ("NGAEastUSGSSeed1CCSP", "1CCSP"),
    ("NGAEastUSGSSeed2CVSP", "2CVSP"),
    ("NGAEastUSGSSeed1CVSP", "1CVSP"),
    ("NGAEastUSGSSeed2CCSP", "2CCSP"),
    ("NGAEastUSGSSeedGraizer", "Graizer"),
    ("NGAEastUSGSSeedB_ab95", "B_ab95"),
    ("NGAEastUSGSSeedB_bca10d", "B_bca10d"),
    ("NGAEastUSGSSeedB_sgd02", "B_sgd02"),
    ("NGAEastUSGSSeedB_a04", "B_a04"),
    ("NGAEastUSGSSeedB_bs11", "B_bs11"),
    ("NGAEastUSGSSeedB_ab14", "B_ab14"),
    ("NGAEastUSGSSeedHA15", "HA15"),
    ("NGAEastUSGSSeedPEER_EX", "PEER_EX"),
    ("NGAEastUSGSSeedPEER_GP", "PEER_GP"),
    ("NGAEastUSGSSeedGraizer16", "Graizer16"),
    ("NGAEastUSGSSeedGraizer17", "Graizer17"),
    ("NGAEastUSGSSeedFrankel", "Frankel"),
    ("NGAEastUSGSSeedYA15", "YA15"),
    ("NGAEastUSGSSeedPZCT15_M1SS", "PZCT15_M1SS"),
    ("NGAEastUSGSSeedPZCT15_M2ES", "PZCT15_M2ES"),
    ("NGAEastUSGSSammons1", "usgs_1"),
    ("NGAEastUSGSSammons2", "usgs_2"),
    ("NGAEastUSGSSammons3", "usgs_3"),
    ("NGAEastUSGSSammons4", "usgs_4"),
    ("NGAEastUSGSSammons5", "usgs_5"),
    ("NGAEastUSGSSammons6", "usgs_6"),
    ("NGAEastUSGSSammons7", "usgs_7"),
    ("NGAEastUSGSSammons8", "usgs_8"),
    ("NGAEastUSGSSammons9", "usgs_9"),
    ("NGAEastUSGSSammons10", "usgs_10"),
    ("NGAEastUSGSSammons11", "usgs_11"),
    ("NGAEastUSGSSammons12", "usgs_12"),
    ("NGAEastUSGSSammons13", "usgs_13"),
    ("NGAEastUSGSSammons14", "usgs_14"),
    ("NGAEastUSGSSammons15", "usgs_15"),
    ("NGAEastUSGSSammons16", "usgs_16"),
    ("NGAEastUSGSSammons17", "usgs_17"),
];

table!(
    /// Linear site amplification of Stewart et al. (2017), electronic supplement.
    COEFFS_LINEAR = "
    IMT c v1 v2 vf sigma_vc sigma_L sigma_U
    pgv -0.449 331.0 760.0 314.0 0.251 0.306 0.334
    pga -0.290 319.0 760.0 345.0 0.300 0.345 0.480
    0.010 -0.290 319.0 760.0 345.0 0.300 0.345 0.480
    0.020 -0.303 319.0 760.0 343.0 0.290 0.336 0.479
    0.030 -0.315 319.0 810.0 342.0 0.282 0.327 0.478
    0.050 -0.344 319.0 1010.0 338.0 0.271 0.308 0.476
    0.075 -0.348 319.0 1380.0 334.0 0.269 0.285 0.473
    0.100 -0.372 317.0 1900.0 319.0 0.270 0.263 0.470
    0.150 -0.385 302.0 1500.0 317.0 0.261 0.284 0.402
    0.200 -0.403 279.0 1073.0 314.0 0.251 0.306 0.334
    0.250 -0.417 250.0 945.0 282.0 0.238 0.291 0.357
    0.300 -0.426 225.0 867.0 250.0 0.225 0.276 0.381
    0.400 -0.452 217.0 843.0 250.0 0.225 0.275 0.381
    0.500 -0.480 217.0 822.0 280.0 0.225 0.311 0.323
    0.750 -0.510 227.0 814.0 280.0 0.225 0.330 0.310
    1.000 -0.557 255.0 790.0 300.0 0.225 0.377 0.361
    1.500 -0.574 276.0 805.0 300.0 0.242 0.405 0.375
    2.000 -0.584 296.0 810.0 300.0 0.259 0.413 0.388
    3.000 -0.588 312.0 820.0 313.0 0.306 0.410 0.551
    4.000 -0.579 321.0 821.0 322.0 0.340 0.405 0.585
    5.000 -0.558 324.0 825.0 325.0 0.340 0.409 0.587
    7.500 -0.544 325.0 820.0 328.0 0.345 0.420 0.594
    10.00 -0.507 325.0 820.0 330.0 0.350 0.440 0.600
"
);

table!(
    /// Nonlinear site amplification of Hashash et al. (2017), table 2.1, with the USGS's
    /// alternative `f4_mod`.
    COEFFS_NONLINEAR = "
    IMT f3 f4 f5 Vc sigma_c f4_mod
    pgv 0.06089 -0.08344 -0.00667 2257.0 0.120 -0.08344
    pga 0.07520 -0.43755 -0.00131 2990.0 0.120 -0.43755
    0.010 0.07520 -0.43755 -0.00131 2990.0 0.120 -0.43755
    0.020 0.05660 -0.41511 -0.00098 2990.0 0.120 -0.41511
    0.030 0.10360 -0.49871 -0.00127 2990.0 0.120 -0.49871
    0.050 0.16781 -0.58073 -0.00187 2990.0 0.120 -0.58073
    0.075 0.17386 -0.53646 -0.00259 2990.0 0.120 -0.53646
    0.100 0.15083 -0.44661 -0.00335 2990.0 0.120 -0.44661
    0.150 0.14272 -0.38264 -0.00410 2335.0 0.120 -0.38264
    0.200 0.12815 -0.30481 -0.00488 1533.0 0.120 -0.30481
    0.250 0.13286 -0.27506 -0.00564 1318.0 0.135 -0.27506
    0.300 0.13070 -0.22825 -0.00655 1152.0 0.150 -0.22825
    0.400 0.09414 -0.11591 -0.00872 1018.0 0.150 -0.13060
    0.500 0.09888 -0.07793 -0.01028 939.0 0.150 -0.09571
    0.750 0.06101 -0.01780 -0.01456 835.0 0.125 -0.02909
    1.000 0.04367 -0.00478 -0.01823 951.0 0.060 -0.01057
    1.500 0.00480 -0.00086 -0.02000 882.0 0.050 -0.00253
    2.000 0.00164 -0.00236 -0.01296 879.0 0.040 -0.00236
    3.000 0.00746 -0.00626 -0.01043 894.0 0.040 -0.00626
    4.000 0.00269 -0.00331 -0.01215 875.0 0.030 -0.00331
    5.000 0.00242 -0.00256 -0.01325 856.0 0.020 -0.00256
    7.500 0.04219 -0.00536 -0.01418 832.0 0.020 -0.00536
    10.00 0.05329 -0.00631 -0.01403 837.0 0.020 -0.00631
"
);

table!(
    /// The 760 m/s factors (impedance and gradient) and their sigmas, as the US NSHMP
    /// software gives them.
    COEFFS_F760 = "
    IMT f760i f760g f760is f760gs
    pgv 0.3753 0.297 0.313 0.117
    pga 0.1850 0.121 0.434 0.248
    0.010 0.1850 0.121 0.434 0.248
    0.020 0.1850 0.031 0.434 0.270
    0.030 0.2240 0.000 0.404 0.229
    0.050 0.3370 0.062 0.363 0.093
    0.075 0.4750 0.211 0.322 0.102
    0.100 0.5210 0.338 0.293 0.088
    0.150 0.5860 0.470 0.253 0.066
    0.200 0.4190 0.509 0.214 0.053
    0.250 0.3320 0.509 0.177 0.052
    0.300 0.2700 0.498 0.131 0.055
    0.400 0.2090 0.473 0.112 0.060
    0.500 0.1750 0.447 0.105 0.067
    0.750 0.1270 0.386 0.138 0.077
    1.000 0.0950 0.344 0.124 0.078
    1.500 0.0830 0.289 0.112 0.081
    2.000 0.0790 0.258 0.118 0.088
    3.000 0.0730 0.233 0.111 0.100
    4.000 0.0660 0.224 0.120 0.109
    5.000 0.0640 0.220 0.108 0.115
    7.500 0.0560 0.216 0.082 0.130
    10.00 0.0530 0.218 0.069 0.137
"
);

table!(
    /// EPRI (2013) inter- and intra-event sigmas at magnitudes 5, 6 and 7.
    COEFFS_SIGMA_EPRI = "
    IMT tau_M5 phi_M5 tau_M6 phi_M6 tau_M7 phi_M7
    pgv 0.3925 0.5979 0.3612 0.5218 0.3502 0.5090
    pga 0.4320 0.6269 0.3779 0.5168 0.3525 0.5039
    0.010 0.4320 0.6269 0.3779 0.5168 0.3525 0.5039
    0.020 0.4710 0.6682 0.4385 0.5588 0.4138 0.5462
    0.030 0.4710 0.6682 0.4385 0.5588 0.4138 0.5462
    0.050 0.4710 0.6682 0.4385 0.5588 0.4138 0.5462
    0.075 0.4710 0.6682 0.4385 0.5588 0.4138 0.5462
    0.100 0.4710 0.6682 0.4385 0.5588 0.4138 0.5462
    0.150 0.4433 0.6693 0.4130 0.5631 0.3886 0.5506
    0.200 0.4216 0.6691 0.3822 0.5689 0.3579 0.5566
    0.250 0.4150 0.6646 0.3669 0.5717 0.3427 0.5597
    0.300 0.4106 0.6623 0.3543 0.5846 0.3302 0.5727
    0.400 0.4088 0.6562 0.3416 0.5997 0.3176 0.5882
    0.500 0.4175 0.6526 0.3456 0.6125 0.3217 0.6015
    0.750 0.4439 0.6375 0.3732 0.6271 0.3494 0.6187
    1.000 0.4620 0.6219 0.3887 0.6283 0.3650 0.6227
    1.500 0.4774 0.5957 0.4055 0.6198 0.3819 0.6187
    2.000 0.4809 0.5860 0.4098 0.6167 0.3863 0.6167
    3.000 0.4862 0.5813 0.4186 0.6098 0.3952 0.6098
    4.000 0.4904 0.5726 0.4144 0.6003 0.3910 0.6003
    5.000 0.4899 0.5651 0.4182 0.5986 0.3949 0.5986
    7.500 0.4803 0.5502 0.4067 0.5982 0.3835 0.5982
    10.00 0.4666 0.5389 0.3993 0.5885 0.3761 0.5885
"
);

table!(
    /// The USGS sigma panel's inter-event (t1-t4) and single-station (ss_a, ss_b) sigmas,
    /// and the site-to-site sigmas of Stewart et al. (2019) (s2s1, s2s2).
    COEFFS_SIGMA_PANEL = "
    IMT t1 t2 t3 t4 ss_a ss_b s2s1 s2s2
    pgv 0.3633 0.3532 0.3340 0.3136 0.4985 0.3548 0.487 0.458
    pga 0.4436 0.4169 0.3736 0.3415 0.5423 0.3439 0.533 0.566
    0.010 0.4436 0.4169 0.3736 0.3415 0.5423 0.3439 0.533 0.566
    0.020 0.4436 0.4169 0.3736 0.3415 0.5410 0.3438 0.537 0.577
    0.030 0.4436 0.4169 0.3736 0.3415 0.5397 0.3437 0.542 0.598
    0.050 0.4436 0.4169 0.3736 0.3415 0.5371 0.3435 0.583 0.653
    0.075 0.4436 0.4169 0.3736 0.3415 0.5339 0.3433 0.619 0.633
    0.100 0.4436 0.4169 0.3736 0.3415 0.5308 0.3431 0.623 0.590
    0.150 0.4436 0.4169 0.3736 0.3415 0.5247 0.3466 0.603 0.532
    0.200 0.4436 0.4169 0.3736 0.3415 0.5189 0.3585 0.578 0.461
    0.250 0.4436 0.4169 0.3736 0.3415 0.5132 0.3694 0.554 0.396
    0.300 0.4436 0.4169 0.3736 0.3415 0.5077 0.3808 0.527 0.373
    0.400 0.4436 0.4169 0.3736 0.3415 0.4973 0.4004 0.491 0.339
    0.500 0.4436 0.4169 0.3736 0.3415 0.4875 0.4109 0.472 0.305
    0.750 0.4436 0.4169 0.3736 0.3415 0.4658 0.4218 0.432 0.273
    1.000 0.4436 0.4169 0.3736 0.3415 0.4475 0.4201 0.431 0.257
    1.500 0.4436 0.4169 0.3736 0.3415 0.4188 0.4097 0.424 0.247
    2.000 0.4436 0.4169 0.3736 0.3415 0.3984 0.3986 0.423 0.239
    3.000 0.4436 0.4169 0.3736 0.3415 0.3733 0.3734 0.418 0.230
    4.000 0.4436 0.4169 0.3736 0.3415 0.3604 0.3604 0.412 0.221
    5.000 0.4436 0.4169 0.3736 0.3415 0.3538 0.3537 0.404 0.214
    7.500 0.4436 0.4169 0.3736 0.3415 0.3482 0.3481 0.378 0.201
    10.00 0.4436 0.4169 0.3736 0.3415 0.3472 0.3471 0.319 0.193
"
);

/// Stewart et al. (2019) constants: reference, lower and upper vs30 (m/s), and the vs30
/// limits and weights of the impedance/gradient mix of the 760 m/s factor.
const VREF: f64 = 760.0;
const V_L: f64 = 200.0;
const V_U: f64 = 2000.0;
const VW1: f64 = 600.0;
const VW2: f64 = 400.0;
const WT1: f64 = 0.767;
const WT2: f64 = 0.1;

/// The aleatory sigma model.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum SigmaModel {
    Epri,
    Panel,
    /// 0.8 × EPRI + 0.2 × panel total sigma; no inter/intra split.
    Collapsed,
}

/// `NGAEastUSGSGMPE` with one of the USGS tables.
pub struct NgaEastUsgs {
    name: String,
    table: Arc<GmpeTable>,
    sigma_model: SigmaModel,
    epistemic_site: bool,
    coastal_plains: bool,
    /// Whether the sites' sediment depth `z_sed` is read.
    z_sed_scaling: bool,
}

/// The coefficients of one IMT.
struct Coeffs {
    lin: [f64; 7],
    nl: [f64; 6],
    f760: [f64; 4],
}

impl Coeffs {
    fn of(imt: &Imt) -> Result<Coeffs, GsimError> {
        Ok(Coeffs {
            lin: CoeffTable::get(
                &COEFFS_LINEAR,
                NAME,
                imt,
                ["c", "v1", "v2", "vf", "sigma_vc", "sigma_L", "sigma_U"],
            )?,
            nl: CoeffTable::get(
                &COEFFS_NONLINEAR,
                NAME,
                imt,
                ["f3", "f4", "f5", "Vc", "sigma_c", "f4_mod"],
            )?,
            f760: CoeffTable::get(
                &COEFFS_F760,
                NAME,
                imt,
                ["f760i", "f760g", "f760is", "f760gs"],
            )?,
        })
    }
}

impl NgaEastUsgs {
    /// From the logic tree's parameters: `gmpe_table` (one of the USGS tables, by file
    /// name), `sigma_model` (`COLLAPSED`, `EPRI` or `PANEL`), `epistemic_site`,
    /// `coastal_plains_site_amp`, `z_sed_scaling`, `usgs_2023_bias_adj` (false only).
    pub fn from_params(params: &[(String, String)]) -> Result<Self, GsimError> {
        let invalid = |name: &str, value: &str| GsimError::InvalidParameter {
            gsim: NAME.to_string(),
            name: name.to_string(),
            value: value.to_string(),
        };
        let boolean = |name: &str, value: &str| match value.to_ascii_lowercase().as_str() {
            "true" => Ok(true),
            "false" => Ok(false),
            _ => Err(invalid(name, value)),
        };
        let (mut sigma_model, mut epistemic_site, mut coastal_plains, mut z_sed_scaling) =
            (SigmaModel::Collapsed, true, false, false);
        let mut file = None;
        for (key, value) in params {
            match key.as_str() {
                "gmpe_table" => file = Some(value.as_str()),
                "sigma_model" => {
                    sigma_model = match value.as_str() {
                        "COLLAPSED" => SigmaModel::Collapsed,
                        "EPRI" => SigmaModel::Epri,
                        "PANEL" => SigmaModel::Panel,
                        _ => return Err(invalid(key, value)),
                    }
                }
                "epistemic_site" => epistemic_site = boolean(key, value)?,
                "coastal_plains_site_amp" => coastal_plains = boolean(key, value)?,
                "z_sed_scaling" => z_sed_scaling = boolean(key, value)?,
                "usgs_2023_bias_adj" if !boolean(key, value)? => {}
                _ => return Err(invalid(key, value)),
            }
        }
        let file = file.ok_or_else(|| invalid("gmpe_table", "missing"))?;
        if coastal_plains && !z_sed_scaling {
            return Err(invalid(
                "coastal_plains_site_amp",
                "true needs z_sed_scaling = true (the coastal term reads the sites' z_sed)",
            ));
        }
        let table = built_in(file)?;
        if coastal_plains && table.metric() != crate::DistanceParam::Rrup {
            return Err(invalid(
                "gmpe_table",
                "the coastal term needs a table in rrup",
            ));
        }
        Ok(NgaEastUsgs {
            name: NAME.to_string(),
            table,
            sigma_model,
            epistemic_site,
            coastal_plains,
            z_sed_scaling,
        })
    }

    /// The model an alias names (e.g. `NGAEastUSGSSammons17`), or `None`.
    pub fn alias(name: &str) -> Option<Result<Self, GsimError>> {
        let &(alias, key) = ALIASES.iter().find(|a| a.0 == name)?;
        let params = [("gmpe_table".to_string(), format!("nga_east_{key}.hdf5"))];
        Some(Self::from_params(&params).map(|mut model| {
            model.name = alias.to_string();
            model
        }))
    }

    /// The total, inter- and intra-event sigmas at magnitude `mag` (rounded) and `vs30`.
    fn sigmas(&self, imt: &Imt, mag: f64, vs30: f64) -> Result<[f64; 3], GsimError> {
        let total = |tau: f64, phi: f64| (tau * tau + phi * phi).sqrt();
        let epri = || -> Result<(f64, f64), GsimError> {
            let [t5, p5, t6, p6, t7, p7] = CoeffTable::get(
                &COEFFS_SIGMA_EPRI,
                NAME,
                imt,
                ["tau_M5", "phi_M5", "tau_M6", "phi_M6", "tau_M7", "phi_M7"],
            )?;
            Ok(if mag <= 5.0 {
                (t5, p5)
            } else if mag <= 6.0 {
                (itpl(mag, t6, t5, 5.0, 1.0), itpl(mag, p6, p5, 5.0, 1.0))
            } else if mag <= 7.0 {
                (itpl(mag, t7, t6, 6.0, 1.0), itpl(mag, p7, p6, 6.0, 1.0))
            } else {
                (t7, p7)
            })
        };
        let panel = || -> Result<(f64, f64), GsimError> {
            let [t1, t2, t3, t4, ss_a, ss_b, s2s1, s2s2] = CoeffTable::get(
                &COEFFS_SIGMA_PANEL,
                NAME,
                imt,
                ["t1", "t2", "t3", "t4", "ss_a", "ss_b", "s2s1", "s2s2"],
            )?;
            let tau = if mag <= 4.5 {
                t1
            } else if mag <= 5.0 {
                itpl(mag, t2, t1, 4.5, 0.5)
            } else if mag <= 5.5 {
                itpl(mag, t3, t2, 5.0, 0.5)
            } else if mag <= 6.5 {
                itpl(mag, t4, t3, 5.5, 1.0)
            } else {
                t4
            };
            let phi_ss = if mag <= 5.0 {
                ss_a
            } else if mag <= 6.5 {
                itpl(mag, ss_b, ss_a, 5.0, 1.5)
            } else {
                ss_b
            };
            // Stewart et al. (2019) site-to-site sigma
            let (v1, v2) = (1200.0, 1500.0);
            let phi_s2s = if vs30 > v2 {
                s2s2
            } else if vs30 > v1 {
                s2s1 - ((s2s1 - s2s2) / (v2 - v1)) * (vs30 - v1)
            } else {
                s2s1
            };
            Ok((tau, (phi_ss * phi_ss + phi_s2s * phi_s2s).sqrt()))
        };
        Ok(match self.sigma_model {
            SigmaModel::Epri => {
                let (tau, phi) = epri()?;
                [total(tau, phi), tau, phi]
            }
            SigmaModel::Panel => {
                let (tau, phi) = panel()?;
                [total(tau, phi), tau, phi]
            }
            SigmaModel::Collapsed => {
                let ((te, pe), (tp, pp)) = (epri()?, panel()?);
                [0.8 * total(te, pe) + 0.2 * total(tp, pp), 0.0, 0.0]
            }
        })
    }
}

/// The built-in table of file name `file`.
fn built_in(file: &str) -> Result<Arc<GmpeTable>, GsimError> {
    table::built_in(NAME, TABLES, file)
}

/// Linear interpolation in magnitude from `tl` at `ml` to `tu` at `ml + f`.
fn itpl(mag: f64, tu: f64, tl: f64, ml: f64, f: f64) -> f64 {
    tl + (tu - tl) * (mag - ml) / f
}

/// The 760 m/s factor: the vs30-weighted mix of the impedance and gradient factors
/// (Stewart et al. 2019, equations 5-7), or of their sigmas.
fn f760(c: &Coeffs, vs30: f64, sigma: bool) -> f64 {
    let [f760i, f760g, f760is, f760gs] = c.f760;
    let wimp = if vs30 >= VW1 {
        WT1
    } else if vs30 < VW2 {
        WT2
    } else {
        (WT1 - WT2) * ((vs30 / VW2).ln() / (VW1 / VW2).ln()) + WT2
    };
    let (imp, grad) = if sigma {
        (f760is, f760gs)
    } else {
        (f760i, f760g)
    };
    wimp * imp + (1.0 - wimp) * grad
}

/// The mean linear amplification (Stewart et al. 2019, equation 3) plus `f760`.
fn linear(c: &Coeffs, vs30: f64, f760: f64) -> f64 {
    let [c_, v1, v2, ..] = c.lin;
    let const2 = c_ * (v2 / VREF).ln();
    let f_v = if vs30 >= 3000.0 {
        -f760
    } else if vs30 > V_U {
        const2 - (const2 + f760) * ((vs30 / V_U).ln() / (3000.0 / V_U).ln())
    } else if vs30 > v2 {
        const2
    } else if vs30 <= v1 {
        c_ * (v1 / VREF).ln()
    } else {
        c_ * (vs30 / VREF).ln()
    };
    f_v + f760
}

/// The nonlinear amplification (Hashash et al. 2019, equation 2) and `f_rk`, for rock PGA
/// `pga_rock` (g) at the IMT of `period` (0.01 s for PGA, 0.5 s for PGV).
fn nonlinear(c: &Coeffs, pga_rock: f64, vs30: f64, period: f64, us23: bool) -> (f64, f64) {
    let [f3, f4, f5, vc, _, f4_mod] = c.nl;
    let vref = if period < 0.4 { 760.0 } else { 3000.0 };
    let f_rk = ((pga_rock + f3) / f3).ln();
    if vs30 >= vc {
        return (0.0, f_rk);
    }
    let c_vs = vs30.min(vref);
    let f4 = if us23 { f4 * 0.5 + f4_mod * 0.5 } else { f4 };
    let f2 = f4 * ((f5 * (c_vs - 360.0)).exp() - (f5 * (vref - 360.0)).exp());
    (f2 * f_rk, f_rk)
}

/// The epistemic sigma of the amplification: the linear (Stewart et al. 2019, equation 4,
/// with the 760 m/s factor's) and nonlinear (Hashash et al. 2017, equation 2.5) sigmas
/// combined as independent.
fn amplification_sigma(c: &Coeffs, vs30: f64, f_rk: f64) -> f64 {
    let [_, _, v2, vf, sigma_vc, sigma_l, sigma_u] = c.lin;
    let sigma_v = if vs30 > 3000.0 {
        0.0
    } else if vs30 >= V_U {
        sigma_u * (1.0 - ((vs30 / V_U).ln() / (3000.0 / V_U).ln()))
    } else if vs30 > v2 {
        let d = (vs30 - v2) / (V_U - v2);
        sigma_vc + (sigma_u - sigma_vc) * d * d
    } else if vs30 < vf {
        let dsig = sigma_l - sigma_vc;
        let d = (vs30 - V_L) / (vf - V_L);
        sigma_l - 2.0 * dsig * d + dsig * d * d
    } else {
        sigma_vc
    };
    let f760_sigma = f760(c, vs30, true);
    let lin = (f760_sigma * f760_sigma + sigma_v * sigma_v).sqrt();
    let sigma_c = c.nl[4];
    let sigma_f2 = if vs30 < 300.0 {
        sigma_c
    } else if vs30 < 1000.0 {
        (-sigma_c / (1000f64 / 300.0).ln()) * (vs30 / 300.0).ln() + sigma_c
    } else {
        0.0
    };
    let nl = sigma_f2 * f_rk;
    (lin * lin + nl * nl).sqrt()
}

impl Gsim for NgaEastUsgs {
    fn name(&self) -> &str {
        &self.name
    }

    fn requires(&self) -> Requirements {
        let site: &'static [SiteParam] = if self.z_sed_scaling {
            &[SiteParam::Vs30, SiteParam::ZSed]
        } else {
            &[SiteParam::Vs30]
        };
        table_requirements(self.table.metric(), site)
    }

    fn supported_imts(&self) -> &'static [ImtKind] {
        &[ImtKind::Pga, ImtKind::Pgv, ImtKind::Sa]
    }

    fn component(&self) -> Component {
        Component::RotD50
    }

    fn has_between_event_std(&self) -> bool {
        self.sigma_model != SigmaModel::Collapsed
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
        if self.coastal_plains && !chapman_guo_2021::covers(imt) {
            return Err(GsimError::UnsupportedImt {
                gsim: format!("{} (coastal_plains_site_amp)", self.name),
                imt: imt.to_string(),
            });
        }
        let c = Coeffs::of(imt)?;
        let period = match imt {
            Imt::Pga => 0.01,
            Imt::Pgv => 0.5,
            _ => imt.period(),
        };
        let dist = ctx.distance(self.table.metric());
        let (mut seen, mut seen_pga) = (HashMap::new(), HashMap::new());
        for i in 0..mean.len() {
            let (mag, x, vs30) = (ctx.mag[i], dist[i], ctx.vs30[i]);
            let ln_pga_rock = AtMagnitude::of(&self.table, mag, &Imt::Pga, &mut seen_pga)?
                .median_log_log(x)
                .ln();
            let ln_rock = if *imt == Imt::Pga {
                ln_pga_rock
            } else {
                AtMagnitude::of(&self.table, mag, imt, &mut seen)?
                    .median_log_log(x)
                    .ln()
            };
            let pga_rock = ln_pga_rock.exp();
            let f760_site = f760(&c, vs30, false);
            let (f_nl, f_rk) = nonlinear(&c, pga_rock, vs30, period, self.coastal_plains);
            let ln_mean = ln_rock + linear(&c, vs30, f760_site) + f_nl;
            let collapsed = if self.epistemic_site {
                let s = amplification_sigma(&c, vs30, f_rk);
                (0.185 * (ln_mean - s).exp() + 0.63 * ln_mean.exp() + 0.185 * (ln_mean + s).exp())
                    .ln()
            } else {
                ln_mean
            };
            mean[i] = if self.coastal_plains {
                // the coastal term, less the reference (1000 m/s) amplification scaled by
                // the sediment depth
                let z_sed = ctx.z_sed[i];
                let f_cpa = chapman_guo_2021::ln_ratio(imt, z_sed, mag, x)?;
                let f760_ref = f760(&c, 1000.0, false);
                let (f_nl_ref, _) = nonlinear(&c, pga_rock, 1000.0, period, false);
                let reference = linear(&c, 1000.0, f760_ref) + f_nl_ref;
                collapsed + f_cpa - reference * chapman_guo_2021::z_scale(z_sed)
            } else {
                collapsed
            };
            [sig[i], tau[i], phi[i]] =
                self.sigmas(imt, crate::table::round_magnitude(mag), vs30)?;
        }
        Ok(())
    }
}
