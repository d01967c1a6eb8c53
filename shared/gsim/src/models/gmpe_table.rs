//! `GMPETable`: medians and total sigmas interpolated from a table file (see
//! [`crate::table`]), for the distance the file names. In `gsim_logic_tree.xml`:
//!
//! ```toml
//! [GMPETable]
//! gmpe_table = "Wcrust_low_rhypo.hdf5"
//! ```
//!
//! The file name is relative to the logic tree. Contexts more than 1 m beyond the last
//! tabulated distance get a median of 1e-20.

use std::collections::HashMap;
use std::path::Path;
use std::sync::Arc;

use crate::table::{AtMagnitude, GmpeTable};
use crate::{
    Component, Contexts, DistanceParam, Gsim, GsimError, Imt, ImtKind, Requirements, RuptureParam,
};

const NAME: &str = "GMPETable";

/// A GSIM given by a table file.
pub struct TableGsim {
    table: Arc<GmpeTable>,
}

impl TableGsim {
    /// From the logic tree's one parameter, `gmpe_table` (a path).
    pub fn from_params(params: &[(String, String)]) -> Result<TableGsim, GsimError> {
        match params {
            [(key, path)] if key == "gmpe_table" => Ok(TableGsim {
                table: Arc::new(GmpeTable::read(Path::new(path))?),
            }),
            _ => Err(GsimError::InvalidParameter {
                gsim: NAME.to_string(),
                name: params.first().map_or("gmpe_table", |p| &p.0).to_string(),
                value: "expected exactly one parameter, gmpe_table".to_string(),
            }),
        }
    }
}

/// The requirements of a table GSIM: the magnitude, the table's distance and `sites`.
pub(crate) fn table_requirements(
    metric: DistanceParam,
    site: &'static [crate::SiteParam],
) -> Requirements {
    Requirements {
        rupture: &[RuptureParam::Mag],
        site,
        distance: match metric {
            DistanceParam::Rjb => &[DistanceParam::Rjb],
            DistanceParam::Rrup => &[DistanceParam::Rrup],
            DistanceParam::Rhypo => &[DistanceParam::Rhypo],
            _ => &[DistanceParam::Repi],
        },
    }
}

impl Gsim for TableGsim {
    fn name(&self) -> &str {
        NAME
    }

    fn requires(&self) -> Requirements {
        table_requirements(self.table.metric(), &[])
    }

    fn supported_imts(&self) -> &'static [ImtKind] {
        &[ImtKind::Pga, ImtKind::Pgv, ImtKind::Sa]
    }

    fn component(&self) -> Component {
        Component::Other
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
        if !self.table.has_total() {
            return Err(GsimError::InvalidParameter {
                gsim: NAME.to_string(),
                name: "gmpe_table".to_string(),
                value: "the table has no Total standard deviations".to_string(),
            });
        }
        let dist = ctx.distance(self.table.metric());
        let mut seen = HashMap::new();
        for i in 0..mean.len() {
            let curves = AtMagnitude::of(&self.table, ctx.mag[i], imt, &mut seen)?;
            mean[i] = curves.median(dist[i]).ln();
            sig[i] = curves.total(dist[i]);
            tau[i] = 0.0;
            phi[i] = 0.0;
        }
        Ok(())
    }
}
