//! One module per published model: its coefficient tables as data and its
//! equations as functions over context columns.

use crate::{Gsim, GsimError};

pub mod abrahamson_2014;
pub mod abrahamson_2015;
pub mod akkar_2014;
pub mod akkar_bommer_2010;
pub mod atkinson_2015;
pub mod atkinson_boore_2006;
pub mod boore_2014;
pub mod boore_atkinson_2008;
pub mod campbell_2003;
pub mod campbell_bozorgnia_2003;
pub mod campbell_bozorgnia_2014;
pub mod chapman_guo_2021;
pub mod chiou_youngs_2008;
pub mod chiou_youngs_2014;
pub mod gmpe_table;
pub mod idini_2017;
pub mod lanzano_2016;
pub mod lanzano_2019;
pub mod mcverry_2006;
pub mod modifiable_gmpe;
pub mod morikawa_fujiwara_2013;
pub mod nbcc2015_aa13;
pub mod nga_east_usgs;
pub mod nrcan15_site_term;
pub mod pezeshk_2011;
pub mod sadigh_1997;
pub mod toro_2002;
pub mod tusa_langer_2016;
pub mod yu_2013;
pub mod zhao_2016;

/// Builds a GSIM from its `key=value` parameters.
type Builder = fn(&[(String, String)]) -> Result<Box<dyn Gsim>, GsimError>;

/// Every native GSIM by its OpenQuake name.
pub(crate) const REGISTRY: &[(&str, Builder)] = &[
    ("AbrahamsonEtAl2014", |p| {
        plain(abrahamson_2014::AbrahamsonEtAl2014, p)
    }),
    ("AbrahamsonEtAl2015SInter", |p| {
        bc_hydro("AbrahamsonEtAl2015SInter", p)
    }),
    ("AbrahamsonEtAl2015SInterHigh", |p| {
        bc_hydro("AbrahamsonEtAl2015SInterHigh", p)
    }),
    ("AbrahamsonEtAl2015SInterLow", |p| {
        bc_hydro("AbrahamsonEtAl2015SInterLow", p)
    }),
    ("AbrahamsonEtAl2015SSlab", |p| {
        bc_hydro("AbrahamsonEtAl2015SSlab", p)
    }),
    ("AbrahamsonEtAl2015SSlabHigh", |p| {
        bc_hydro("AbrahamsonEtAl2015SSlabHigh", p)
    }),
    ("AbrahamsonEtAl2015SSlabLow", |p| {
        bc_hydro("AbrahamsonEtAl2015SSlabLow", p)
    }),
    ("AkkarBommer2010", |p| {
        plain(akkar_bommer_2010::AkkarBommer2010, p)
    }),
    ("AkkarEtAlRjb2014", |p| {
        plain(akkar_2014::AkkarEtAlRjb2014, p)
    }),
    ("AtkinsonBoore2006", |p| {
        plain(atkinson_boore_2006::AtkinsonBoore2006::ORIGINAL, p)
    }),
    ("AtkinsonBoore2006Modified2011", |p| {
        plain(atkinson_boore_2006::AtkinsonBoore2006::MODIFIED_2011, p)
    }),
    ("AtkinsonBoore2006SGS", |p| {
        plain(atkinson_boore_2006::AtkinsonBoore2006::SGS, p)
    }),
    ("Atkinson2015", |p| {
        plain(atkinson_2015::Atkinson2015::DEFAULT, p)
    }),
    ("Atkinson2015AltDistSat", |p| {
        plain(atkinson_2015::Atkinson2015::ALT_DIST_SAT, p)
    }),
    ("BooreAtkinson2008", |p| {
        plain(boore_atkinson_2008::BooreAtkinson2008, p)
    }),
    ("BooreEtAl2014", |p| plain(boore_2014::BooreEtAl2014, p)),
    ("Campbell2003", |p| plain(campbell_2003::Campbell2003, p)),
    ("CampbellBozorgnia2003NSHMP2007", |p| {
        plain(campbell_bozorgnia_2003::CampbellBozorgnia2003NSHMP2007, p)
    }),
    ("CampbellBozorgnia2014", |p| {
        plain(campbell_bozorgnia_2014::CampbellBozorgnia2014, p)
    }),
    ("ChiouYoungs2008", |p| {
        plain(chiou_youngs_2008::ChiouYoungs2008, p)
    }),
    ("ChiouYoungs2014", |p| {
        plain(chiou_youngs_2014::ChiouYoungs2014, p)
    }),
    ("IdiniEtAl2017SInter", |p| idini("IdiniEtAl2017SInter", p)),
    ("IdiniEtAl2017SSlab", |p| idini("IdiniEtAl2017SSlab", p)),
    ("LanzanoEtAl2016_RJB", |p| {
        lanzano_2016("LanzanoEtAl2016_RJB", p)
    }),
    ("LanzanoEtAl2016_Rhypo", |p| {
        lanzano_2016("LanzanoEtAl2016_Rhypo", p)
    }),
    ("LanzanoEtAl2019_RJB_OMO", |p| {
        lanzano_2019("LanzanoEtAl2019_RJB_OMO", p)
    }),
    ("LanzanoEtAl2019_RJB_OMOscaled", |p| {
        lanzano_2019("LanzanoEtAl2019_RJB_OMOscaled", p)
    }),
    ("LanzanoEtAl2019_RUP_OMO", |p| {
        lanzano_2019("LanzanoEtAl2019_RUP_OMO", p)
    }),
    ("McVerry2006Asc", |p| mcverry("McVerry2006Asc", p)),
    ("McVerry2006SInter", |p| mcverry("McVerry2006SInter", p)),
    ("McVerry2006SSlab", |p| mcverry("McVerry2006SSlab", p)),
    ("McVerry2006Volc", |p| mcverry("McVerry2006Volc", p)),
    ("McVerry2006AscSC", |p| mcverry("McVerry2006AscSC", p)),
    ("McVerry2006SInterSC", |p| mcverry("McVerry2006SInterSC", p)),
    ("McVerry2006SSlabSC", |p| mcverry("McVerry2006SSlabSC", p)),
    ("McVerry2006VolcSC", |p| mcverry("McVerry2006VolcSC", p)),
    ("MorikawaFujiwara2013Crustal", |p| {
        morikawa_fujiwara("MorikawaFujiwara2013Crustal", p)
    }),
    ("MorikawaFujiwara2013SubInterface", |p| {
        morikawa_fujiwara("MorikawaFujiwara2013SubInterface", p)
    }),
    ("MorikawaFujiwara2013SubInterfaceNE", |p| {
        morikawa_fujiwara("MorikawaFujiwara2013SubInterfaceNE", p)
    }),
    ("MorikawaFujiwara2013SubInterfaceSW", |p| {
        morikawa_fujiwara("MorikawaFujiwara2013SubInterfaceSW", p)
    }),
    ("MorikawaFujiwara2013SubSlab", |p| {
        morikawa_fujiwara("MorikawaFujiwara2013SubSlab", p)
    }),
    ("MorikawaFujiwara2013SubSlabNE", |p| {
        morikawa_fujiwara("MorikawaFujiwara2013SubSlabNE", p)
    }),
    ("MorikawaFujiwara2013SubSlabSW", |p| {
        morikawa_fujiwara("MorikawaFujiwara2013SubSlabSW", p)
    }),
    ("MorikawaFujiwara2013SubInterfaceNENIED", |p| {
        morikawa_fujiwara("MorikawaFujiwara2013SubInterfaceNENIED", p)
    }),
    ("MorikawaFujiwara2013SubInterfaceSWNIED", |p| {
        morikawa_fujiwara("MorikawaFujiwara2013SubInterfaceSWNIED", p)
    }),
    ("MorikawaFujiwara2013SubSlabNENIED", |p| {
        morikawa_fujiwara("MorikawaFujiwara2013SubSlabNENIED", p)
    }),
    ("MorikawaFujiwara2013SubSlabSWNIED", |p| {
        morikawa_fujiwara("MorikawaFujiwara2013SubSlabSWNIED", p)
    }),
    ("PezeshkEtAl2011", |p| {
        plain(pezeshk_2011::PezeshkEtAl2011::HARD_ROCK, p)
    }),
    ("PezeshkEtAl2011NEHRPBC", |p| {
        plain(pezeshk_2011::PezeshkEtAl2011::NEHRP_BC, p)
    }),
    ("SadighEtAl1997", |p| plain(sadigh_1997::SadighEtAl1997, p)),
    ("ToroEtAl2002", |p| plain(toro_2002::ToroEtAl2002, p)),
    ("TusaLanger2016RepiBA08DE", |p| {
        tusa_langer("TusaLanger2016RepiBA08DE", p)
    }),
    ("TusaLanger2016RepiBA08SE", |p| {
        tusa_langer("TusaLanger2016RepiBA08SE", p)
    }),
    ("TusaLanger2016RepiSP87DE", |p| {
        tusa_langer("TusaLanger2016RepiSP87DE", p)
    }),
    ("TusaLanger2016RepiSP87SE", |p| {
        tusa_langer("TusaLanger2016RepiSP87SE", p)
    }),
    ("TusaLanger2016Rhypo", |p| {
        tusa_langer("TusaLanger2016Rhypo", p)
    }),
    ("YuEtAl2013Ms", |p| yu("YuEtAl2013Ms", p)),
    ("YuEtAl2013MsEastern", |p| yu("YuEtAl2013MsEastern", p)),
    ("YuEtAl2013MsStable", |p| yu("YuEtAl2013MsStable", p)),
    ("YuEtAl2013MsTibet", |p| yu("YuEtAl2013MsTibet", p)),
    ("YuEtAl2013Mw", |p| yu("YuEtAl2013Mw", p)),
    ("YuEtAl2013MwEastern", |p| yu("YuEtAl2013MwEastern", p)),
    ("YuEtAl2013MwStable", |p| yu("YuEtAl2013MwStable", p)),
    ("YuEtAl2013MwTibet", |p| yu("YuEtAl2013MwTibet", p)),
    ("ZhaoEtAl2016Asc", |p| zhao("ZhaoEtAl2016Asc", p)),
    ("ZhaoEtAl2016AscSiteSigma", |p| {
        zhao("ZhaoEtAl2016AscSiteSigma", p)
    }),
    ("ZhaoEtAl2016SInter", |p| zhao("ZhaoEtAl2016SInter", p)),
    ("ZhaoEtAl2016SInterSiteSigma", |p| {
        zhao("ZhaoEtAl2016SInterSiteSigma", p)
    }),
    ("ZhaoEtAl2016SSlab", |p| zhao("ZhaoEtAl2016SSlab", p)),
    ("ZhaoEtAl2016SSlabPErg", zhao_path_corrected),
    ("ZhaoEtAl2016SSlabSiteSigma", |p| {
        zhao("ZhaoEtAl2016SSlabSiteSigma", p)
    }),
    ("ZhaoEtAl2016UpperMantle", |p| {
        zhao("ZhaoEtAl2016UpperMantle", p)
    }),
    ("ZhaoEtAl2016UpperMantleSiteSigma", |p| {
        zhao("ZhaoEtAl2016UpperMantleSiteSigma", p)
    }),
];

/// `ZhaoEtAl2016SSlabPErg`, whose only parameter is `volc_arc_file`.
fn zhao_path_corrected(params: &[(String, String)]) -> Result<Box<dyn Gsim>, GsimError> {
    let mut file = None;
    for (name, value) in params {
        if name != "volc_arc_file" || file.is_some() {
            return Err(GsimError::InvalidParameter {
                gsim: "ZhaoEtAl2016SSlabPErg".to_string(),
                name: name.clone(),
                value: value.clone(),
            });
        }
        file = Some(value.clone());
    }
    Ok(Box::new(zhao_2016::ZhaoEtAl2016::path_corrected(file)))
}

/// A parameterless model of the Zhao et al. (2016) family by name.
fn zhao(name: &str, params: &[(String, String)]) -> Result<Box<dyn Gsim>, GsimError> {
    of_family(
        name,
        params,
        zhao_2016::ZhaoEtAl2016::by_name,
        "Zhao et al. (2016)",
    )
}

/// A model of the Abrahamson et al. (2015) family (BC Hydro) by name.
fn bc_hydro(name: &str, params: &[(String, String)]) -> Result<Box<dyn Gsim>, GsimError> {
    let by_name = abrahamson_2015::AbrahamsonEtAl2015::by_name;
    of_family(name, params, by_name, "Abrahamson et al. (2015)")
}

/// A model of the McVerry et al. (2006) family by name.
fn mcverry(name: &str, params: &[(String, String)]) -> Result<Box<dyn Gsim>, GsimError> {
    let by_name = mcverry_2006::McVerry2006::by_name;
    of_family(name, params, by_name, "McVerry et al. (2006)")
}

/// A model of the Morikawa and Fujiwara (2013) family by name.
fn morikawa_fujiwara(name: &str, params: &[(String, String)]) -> Result<Box<dyn Gsim>, GsimError> {
    let by_name = morikawa_fujiwara_2013::MorikawaFujiwara2013::by_name;
    of_family(name, params, by_name, "Morikawa and Fujiwara (2013)")
}

/// A model of the Idini et al. (2017) family by name.
fn idini(name: &str, params: &[(String, String)]) -> Result<Box<dyn Gsim>, GsimError> {
    let by_name = idini_2017::IdiniEtAl2017::by_name;
    of_family(name, params, by_name, "Idini et al. (2017)")
}

/// A model of the Lanzano et al. (2016) family by name.
fn lanzano_2016(name: &str, params: &[(String, String)]) -> Result<Box<dyn Gsim>, GsimError> {
    of_family(
        name,
        params,
        lanzano_2016::LanzanoEtAl2016::by_name,
        "Lanzano et al. (2016)",
    )
}

/// A model of the Lanzano et al. (2019) family by name.
fn lanzano_2019(name: &str, params: &[(String, String)]) -> Result<Box<dyn Gsim>, GsimError> {
    of_family(
        name,
        params,
        lanzano_2019::LanzanoEtAl2019::by_name,
        "Lanzano et al. (2019)",
    )
}

/// A model of the Tusa and Langer (2016) family by name.
fn tusa_langer(name: &str, params: &[(String, String)]) -> Result<Box<dyn Gsim>, GsimError> {
    let by_name = tusa_langer_2016::TusaLanger2016::by_name;
    of_family(name, params, by_name, "Tusa and Langer (2016)")
}

/// A model of the Yu et al. (2013) family by name.
fn yu(name: &str, params: &[(String, String)]) -> Result<Box<dyn Gsim>, GsimError> {
    of_family(
        name,
        params,
        yu_2013::YuEtAl2013::by_name,
        "Yu et al. (2013)",
    )
}

/// The parameterless model `name` of a family whose `by_name` knows its members (`family`
/// names it in the error, which only a registry entry without a member can raise).
fn of_family<G: Gsim + 'static>(
    name: &str,
    params: &[(String, String)],
    by_name: fn(&str) -> Option<G>,
    family: &str,
) -> Result<Box<dyn Gsim>, GsimError> {
    let model =
        by_name(name).ok_or_else(|| GsimError::Internal(format!("no {family} model {name}")))?;
    plain(model, params)
}

/// Boxes a model that takes no parameters, rejecting any given.
pub(crate) fn plain<G: Gsim + 'static>(
    gsim: G,
    params: &[(String, String)],
) -> Result<Box<dyn Gsim>, GsimError> {
    if let Some((name, value)) = params.first() {
        return Err(GsimError::InvalidParameter {
            gsim: gsim.name().to_string(),
            name: name.clone(),
            value: value.clone(),
        });
    }
    Ok(Box::new(gsim))
}

/// Defines a parameterless model struct and its [`Gsim`] implementation, which
/// validates the IMT family and column lengths and then calls the module's
/// `compute(ctx, imt, mean, sig, tau, phi)`.
macro_rules! gsim_model {
    (
        $(#[$m:meta])*
        $ty:ident = $name:literal,
        imts: [$($k:ident),*],
        rupture: [$($r:ident),*],
        site: [$($s:ident),*],
        distance: [$($d:ident),*],
        component: $c:ident
        $(, between_event_std: $between:literal)? $(,)?
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, Default)]
        pub struct $ty;

        impl $crate::Gsim for $ty {
            fn name(&self) -> &str {
                $name
            }

            fn requires(&self) -> $crate::Requirements {
                $crate::Requirements {
                    rupture: &[$($crate::RuptureParam::$r),*],
                    site: &[$($crate::SiteParam::$s),*],
                    distance: &[$($crate::DistanceParam::$d),*],
                }
            }

            fn supported_imts(&self) -> &'static [$crate::ImtKind] {
                &[$($crate::ImtKind::$k),*]
            }

            fn component(&self) -> $crate::Component {
                $crate::Component::$c
            }

            fn has_between_event_std(&self) -> bool {
                true $(&& $between)?
            }

            fn compute(
                &self,
                ctx: &$crate::Contexts,
                imt: &$crate::Imt,
                mean: &mut [f64],
                sig_total: &mut [f64],
                sig_inter: &mut [f64],
                sig_intra: &mut [f64],
            ) -> Result<(), $crate::GsimError> {
                let lens = [mean.len(), sig_total.len(), sig_inter.len(), sig_intra.len()];
                $crate::precheck(self, ctx, imt, lens)?;
                compute(ctx, imt, mean, sig_total, sig_inter, sig_intra)
            }
        }
    };
}
pub(crate) use gsim_model;

/// Fault-style dummies (strike-slip, normal, reverse) from rake, as in
/// Boore and Atkinson (2008): within 30 degrees of horizontal is strike-slip,
/// 30..150 reverse, -150..-30 normal.
pub(crate) fn ba08_fault_style(rake: f64) -> (f64, f64, f64) {
    let ss = (rake.abs() <= 30.0 || 180.0 - rake.abs() <= 30.0) as u8 as f64;
    let rs = (rake > 30.0 && rake < 150.0) as u8 as f64;
    let ns = (rake > -150.0 && rake < -30.0) as u8 as f64;
    (ss, ns, rs)
}

/// Standard gravity, m/s².
const G: f64 = 9.80665;

/// The natural logarithm, in g, of an acceleration given as the log10 of cm/s² (the models
/// fitted in those units).
pub(crate) fn ln_g_of_log10_cms2(log10_cms2: f64) -> f64 {
    (10f64.powf(log10_cms2 - 2.0) / G).ln()
}

/// `x` limited to `[lo, hi]`; NaN stays NaN (like `numpy.clip`).
/// The value last computed from one input, recomputed only when the input changes (bit for
/// bit): contexts come rupture by rupture, so that a term of the magnitude alone is the same
/// for a run of sites, and one of a site parameter often the same for every site.
pub(crate) struct Memo<T> {
    input: Option<u64>,
    output: T,
}

impl<T: Copy + Default> Memo<T> {
    pub(crate) fn new() -> Self {
        Memo {
            input: None,
            output: T::default(),
        }
    }

    /// `compute(input)`, or the value it gave the last time `input` was the same.
    #[inline]
    pub(crate) fn get(&mut self, input: f64, compute: impl FnOnce(f64) -> T) -> T {
        if self.input != Some(input.to_bits()) {
            self.input = Some(input.to_bits());
            self.output = compute(input);
        }
        self.output
    }
}

pub(crate) fn clip(x: f64, lo: f64, hi: f64) -> f64 {
    if x < lo {
        lo
    } else if x > hi {
        hi
    } else {
        x
    }
}

/// Piecewise-linear interpolation with constant extension beyond the end
/// points (like `numpy.interp`); NaN gives NaN.
pub(crate) fn interp<const N: usize>(x: f64, xp: [f64; N], fp: [f64; N]) -> f64 {
    crate::table::interp(x, &xp, &fp)
}
