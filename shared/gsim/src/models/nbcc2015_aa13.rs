//! Atkinson and Adams (2013), "Ground motion prediction equations for application to the
//! 2015 Canadian national seismic hazard maps", Can. J. Civ. Eng. 40, 988-998, as the
//! tables of the 2015 National Building Code of Canada (NBCC2015): medians and total
//! sigmas on site class C (vs30 = 450 m/s) read from GMPE tables (see [`crate::table`]),
//! with a site term to other vs30: for vs30 ≥ 760 m/s the 760-to-2000 m/s factor `c`
//! interpolated in log-log, below it the Boore and Atkinson (2008) site term, both
//! relative to 450 m/s.
//!
//! In `gsim_logic_tree.xml`, as OpenQuake's `NBCC2015_AA13`:
//!
//! ```toml
//! [NBCC2015_AA13]
//! gmpe_table = "WcrustFRjb_low_clC.hdf5"
//! REQUIRES_DISTANCES = ["rjb"]
//! DEFINED_FOR_TECTONIC_REGION_TYPE = "Active Crust Fault"
//! ```
//!
//! or by one of its aliases, such as `NBCC2015_AA13_activecrustFRjb_low`. The table is one
//! of the 22 NBCC2015 tables built into oqcloud, found by its file name alone.

use std::collections::HashMap;
use std::sync::Arc;

use super::boore_atkinson_2008::{COEFFS_SOIL, site_term as ba08_site_term};
use super::gmpe_table::table_requirements;
use crate::coeffs::{CoeffTable, table};
use crate::table::{self, AtMagnitude, GmpeTable, built_in_tables, interp};
use crate::{Component, Contexts, Gsim, GsimError, Imt, ImtKind, Requirements, SiteParam};

const NAME: &str = "NBCC2015_AA13";

built_in_tables!(
    /// The NBCC2015 tables, by file name.
    TABLES = "nbcc2015" [
        "ENA_high_clC.hdf5",
        "ENA_low_clC.hdf5",
        "ENA_med_clC.hdf5",
        "WcrustFRjb_high_clC.hdf5",
        "WcrustFRjb_low_clC.hdf5",
        "WcrustFRjb_med_clC.hdf5",
        "Wcrust_high_clC.hdf5",
        "Wcrust_low_clC.hdf5",
        "Wcrust_med_clC.hdf5",
        "Wcrust_med_clC_0sig.hdf5",
        "WinslabD30_high_clC.hdf5",
        "WinslabD30_low_clC.hdf5",
        "WinslabD30_med_clC.hdf5",
        "WinslabD50_high_clC.hdf5",
        "WinslabD50_low_clC.hdf5",
        "WinslabD50_med_clC.hdf5",
        "WinterfaceCombo_highclC.hdf5",
        "WinterfaceCombo_lowclC.hdf5",
        "WinterfaceCombo_medclC.hdf5",
        "Woffshore_high_clC.hdf5",
        "Woffshore_low_clC.hdf5",
        "Woffshore_med_clC.hdf5",
    ]
);

/// The aliases OpenQuake defines: (name, table, distance, tectonic region type).
pub const ALIASES: &[(&str, &str, &str, &str)] = &[
    (
        "NBCC2015_AA13_stablecrust_low",
        "ENA_low_clC.hdf5",
        "rhypo",
        "Stable Crust",
    ),
    (
        "NBCC2015_AA13_stablecrust_central",
        "ENA_med_clC.hdf5",
        "rhypo",
        "Stable Crust",
    ),
    (
        "NBCC2015_AA13_stablecrust_high",
        "ENA_high_clC.hdf5",
        "rhypo",
        "Stable Crust",
    ),
    (
        "NBCC2015_AA13_activecrust_low",
        "Wcrust_low_clC.hdf5",
        "rhypo",
        "Active Crust",
    ),
    (
        "NBCC2015_AA13_activecrust_central",
        "Wcrust_med_clC.hdf5",
        "rhypo",
        "Active Crust",
    ),
    (
        "NBCC2015_AA13_activecrust_high",
        "Wcrust_high_clC.hdf5",
        "rhypo",
        "Active Crust",
    ),
    (
        "NBCC2015_AA13_activecrustFRjb_low",
        "WcrustFRjb_low_clC.hdf5",
        "rjb",
        "Active Crust Fault",
    ),
    (
        "NBCC2015_AA13_activecrustFRjb_central",
        "WcrustFRjb_med_clC.hdf5",
        "rjb",
        "Active Crust Fault",
    ),
    (
        "NBCC2015_AA13_activecrustFRjb_high",
        "WcrustFRjb_high_clC.hdf5",
        "rjb",
        "Active Crust Fault",
    ),
    (
        "NBCC2015_AA13_inslab30_low",
        "WinslabD30_low_clC.hdf5",
        "rhypo",
        "Subduction Inslab 30",
    ),
    (
        "NBCC2015_AA13_inslab30_central",
        "WinslabD30_med_clC.hdf5",
        "rhypo",
        "Subduction Inslab 30",
    ),
    (
        "NBCC2015_AA13_inslab30_high",
        "WinslabD30_high_clC.hdf5",
        "rhypo",
        "Subduction Inslab 30",
    ),
    (
        "NBCC2015_AA13_inslab50_low",
        "WinslabD50_low_clC.hdf5",
        "rhypo",
        "Subduction Inslab 50",
    ),
    (
        "NBCC2015_AA13_inslab50_central",
        "WinslabD50_med_clC.hdf5",
        "rhypo",
        "Subduction Inslab 50",
    ),
    (
        "NBCC2015_AA13_inslab50_high",
        "WinslabD50_high_clC.hdf5",
        "rhypo",
        "Subduction Inslab 50",
    ),
    (
        "NBCC2015_AA13_interface_low",
        "WinterfaceCombo_lowclC.hdf5",
        "rrup",
        "Subduction Interface",
    ),
    (
        "NBCC2015_AA13_interface_central",
        "WinterfaceCombo_medclC.hdf5",
        "rrup",
        "Subduction Interface",
    ),
    (
        "NBCC2015_AA13_interface_high",
        "WinterfaceCombo_highclC.hdf5",
        "rrup",
        "Subduction Interface",
    ),
    (
        "NBCC2015_AA13_offshore_low",
        "Woffshore_low_clC.hdf5",
        "rhypo",
        "Offshore",
    ),
    (
        "NBCC2015_AA13_offshore_central",
        "Woffshore_med_clC.hdf5",
        "rhypo",
        "Offshore",
    ),
    (
        "NBCC2015_AA13_offshore_high",
        "Woffshore_high_clC.hdf5",
        "rhypo",
        "Offshore",
    ),
];

table!(
    /// The 760-to-2000 m/s amplification factor `c` of Atkinson and Adams (2013).
    COEFFS_2000_TO_BC = "
    IMT c
    pgv 1.23
    pga 0.891
    0.05 0.794
    0.1 1.072
    0.2 1.318
    0.3 1.38
    0.5 1.38
    1.0 1.288
    2.0 1.230
    5.0 1.148
    10.0 1.072
"
);

/// The built-in table of file name `file`.
fn built_in(file: &str) -> Result<Arc<GmpeTable>, GsimError> {
    table::built_in(NAME, TABLES, file)
}

/// `NBCC2015_AA13` with one of its tables.
pub struct Nbcc2015Aa13 {
    name: String,
    table: Arc<GmpeTable>,
}

impl Nbcc2015Aa13 {
    /// From the logic tree's parameters: `gmpe_table`, and optionally
    /// `REQUIRES_DISTANCES` and `DEFINED_FOR_TECTONIC_REGION_TYPE` (the table's own
    /// distance is the one used).
    pub fn from_params(params: &[(String, String)]) -> Result<Self, GsimError> {
        let mut file = None;
        for (key, value) in params {
            match key.as_str() {
                "gmpe_table" => file = Some(value.as_str()),
                "REQUIRES_DISTANCES" | "DEFINED_FOR_TECTONIC_REGION_TYPE" => {}
                _ => {
                    return Err(GsimError::InvalidParameter {
                        gsim: NAME.to_string(),
                        name: key.clone(),
                        value: value.clone(),
                    });
                }
            }
        }
        let file = file.ok_or_else(|| GsimError::InvalidParameter {
            gsim: NAME.to_string(),
            name: "gmpe_table".to_string(),
            value: "missing".to_string(),
        })?;
        Ok(Nbcc2015Aa13 {
            name: NAME.to_string(),
            table: built_in(file)?,
        })
    }

    /// The model an alias names (e.g. `NBCC2015_AA13_activecrustFRjb_low`), or `None`.
    pub fn alias(name: &str) -> Option<Result<Self, GsimError>> {
        let &(alias, file, _, _) = ALIASES.iter().find(|a| a.0 == name)?;
        Some(built_in(file).map(|table| Nbcc2015Aa13 {
            name: alias.to_string(),
            table,
        }))
    }
}

/// The site term (ln) at `vs30` relative to site class C, given the class-C PGA and
/// SA(0.2) at the site and the factor `c` of the IMT.
fn site_term(vs30: f64, pga450: f64, sa02: f64, c: f64, soil: [f64; 3]) -> f64 {
    let pga450 = if sa02 / pga450 < 2.0 {
        pga450 * 0.8
    } else {
        pga450
    };
    let pga760 = interp(
        pga450,
        &[0.1, 0.2, 0.3, 0.4, 0.5],
        &[0.083, 0.165, 0.248, 0.331, 0.414],
    );
    let pga760 = if vs30 > 450.0 { 0.1 } else { pga760 };
    let amplification = |vs30: f64| {
        if vs30 >= 760.0 {
            let log = interp(
                vs30.log10(),
                &[760f64.log10(), 2000f64.log10()],
                &[0.0, c.log10()],
            );
            1.0 / 10f64.powf(log)
        } else {
            ba08_site_term(vs30, pga760, soil).exp()
        }
    };
    (amplification(vs30) / amplification(450.0)).ln()
}

impl Gsim for Nbcc2015Aa13 {
    fn name(&self) -> &str {
        &self.name
    }

    fn requires(&self) -> Requirements {
        table_requirements(self.table.metric(), &[SiteParam::Vs30])
    }

    fn supported_imts(&self) -> &'static [ImtKind] {
        &[ImtKind::Pga, ImtKind::Pgv, ImtKind::Sa]
    }

    fn component(&self) -> Component {
        Component::RotD50
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
        let [c] = CoeffTable::get(&COEFFS_2000_TO_BC, NAME, imt, ["c"])?;
        let soil = CoeffTable::get(&COEFFS_SOIL, NAME, imt, ["blin", "b1", "b2"])?;
        let dist = ctx.distance(self.table.metric());
        let [mut seen, mut seen_pga, mut seen_sa02] = [(); 3].map(|_| HashMap::new());
        for i in 0..mean.len() {
            let (mag, x) = (ctx.mag[i], dist[i]);
            let pga = AtMagnitude::of(&self.table, mag, &Imt::Pga, &mut seen_pga)?.median(x);
            let sa02 = AtMagnitude::of(&self.table, mag, &Imt::Sa(0.2), &mut seen_sa02)?.median(x);
            let own = AtMagnitude::of(&self.table, mag, imt, &mut seen)?;
            mean[i] = own.median(x).ln() + site_term(ctx.vs30[i], pga, sa02, c, soil);
            sig[i] = own.total(x);
            tau[i] = 0.0;
            phi[i] = 0.0;
        }
        Ok(())
    }
}
