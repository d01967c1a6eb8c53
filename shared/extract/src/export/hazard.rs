//! Hazard curves, hazard maps and uniform hazard spectra, one file per kind (realization or
//! statistic) as OpenQuake's `export_hcurves_csv` writes them; curves also one file per IMT.

use std::path::PathBuf;

use oqcloud_datastore::{Datastore, HazardDataset, HazardKind, OqParam, SiteCollection};
use oqcloud_model::jobini::float_repr;

use super::csv::{self, Meta, coordinate, scientific, value};
use super::{ExportError, Target, flag};

/// A realization or a statistic, and where its values are in the `-rlzs`/`-stats` arrays.
struct Kind {
    /// `rlz-000`, `mean`, `quantile-0.15`, ...
    name: String,
    /// Index along the second axis of the array of `source`.
    index: usize,
    /// Whether the values are in the `-stats` array.
    stats: bool,
}

impl Kind {
    /// The file stem: `<prefix>-<kind>`, quantiles as `quantile_<suffix>-<q>` (OpenQuake's
    /// `hazard_name`; `prefix` is `hazard_curve`, `hazard_map` or `hazard_uhs`).
    fn stem(&self, prefix: &str) -> String {
        match self.name.strip_prefix("quantile-") {
            Some(q) => format!("quantile_{}-{q}", &prefix["hazard_".len()..]),
            None => format!("{prefix}-{}", self.name),
        }
    }
}

/// The kinds OpenQuake exports by default: every realization when there are several and
/// `individual_rlzs` is on (or there are no statistics), then the statistics.
fn kinds(ds: &Datastore, oq: &OqParam) -> Result<Vec<Kind>, ExportError> {
    let stats = if ds.contains("hcurves-stats") {
        ds.hazard(HazardKind::CurvesStats)?
            .labels("stat")
            .unwrap_or_default()
    } else {
        Vec::new()
    };
    let num_rlzs = ds.weights()?.len();
    let mut kinds = Vec::new();
    if (num_rlzs > 1 && flag(oq, "individual_rlzs")) || stats.is_empty() {
        kinds.extend((0..num_rlzs).map(|r| Kind {
            name: format!("rlz-{r:03}"),
            index: r,
            stats: false,
        }));
    }
    kinds.extend(stats.into_iter().enumerate().map(|(s, name)| Kind {
        name,
        index: s,
        stats: true,
    }));
    Ok(kinds)
}

/// The hazard arrays a kind reads: curves or maps.
struct Arrays {
    rlzs: Option<HazardDataset>,
    stats: Option<HazardDataset>,
}

impl Arrays {
    fn read(ds: &Datastore, rlzs: HazardKind, stats: HazardKind) -> Result<Self, ExportError> {
        let read = |kind: HazardKind| -> Result<Option<HazardDataset>, ExportError> {
            Ok(if ds.contains(kind.dataset()) {
                Some(ds.hazard(kind)?)
            } else {
                None
            })
        };
        Ok(Arrays {
            rlzs: read(rlzs)?,
            stats: read(stats)?,
        })
    }

    /// Values of `kind` at `site` for the `imt`-th IMT (levels or PoEs).
    fn values(&self, kind: &Kind, site: usize, imt: usize) -> Result<Vec<f64>, ExportError> {
        let (array, name) = if kind.stats {
            (&self.stats, "the -stats array")
        } else {
            (&self.rlzs, "the -rlzs array")
        };
        let array = array
            .as_ref()
            .ok_or_else(|| ExportError::missing(name, kind.name.clone()))?;
        Ok(array
            .array
            .slice(ndarray::s![site, kind.index, imt, ..])
            .iter()
            .map(|&v| f64::from(v))
            .collect())
    }
}

/// Site columns: an optional `custom_site_id`, lon, lat and (for curves, or when not every
/// site is at sea level) depth. Curves write the coordinates through float32, as OpenQuake
/// does (144.708 as 144.70799).
struct Sites {
    custom_ids: Option<Vec<String>>,
    sitecol: SiteCollection,
    with_depth: bool,
    single_precision: bool,
}

impl Sites {
    fn read(ds: &Datastore, curves: bool) -> Result<Self, ExportError> {
        let sitecol = ds.sitecol()?;
        let custom_ids = sitecol
            .param("custom_site_id")
            .map(|column| column.to_strings("sitecol/custom_site_id"))
            .transpose()?;
        let with_depth = curves || sitecol.depth.iter().any(|&d| d != 0.0);
        Ok(Sites {
            custom_ids,
            sitecol,
            with_depth,
            single_precision: curves,
        })
    }

    fn header(&self) -> Vec<String> {
        let mut header: Vec<String> = Vec::new();
        if self.custom_ids.is_some() {
            header.push("custom_site_id".into());
        }
        header.extend(["lon".into(), "lat".into()]);
        if self.with_depth {
            header.push("depth".into());
        }
        header
    }

    fn cells(&self, site: usize) -> Vec<String> {
        let mut cells = Vec::new();
        if let Some(ids) = &self.custom_ids {
            cells.push(ids[site].clone());
        }
        let coord = |x: f64| {
            coordinate(if self.single_precision {
                x as f32 as f64
            } else {
                x
            })
        };
        cells.push(coord(self.sitecol.lon[site]));
        cells.push(coord(self.sitecol.lat[site]));
        if self.with_depth {
            cells.push(coord(self.sitecol.depth[site]));
        }
        cells
    }

    fn len(&self) -> usize {
        self.sitecol.len()
    }
}

/// What every hazard export reads first.
struct Common {
    oq: OqParam,
    imtls: Vec<(String, Vec<f64>)>,
    meta: Vec<(&'static str, Meta)>,
    kinds: Vec<Kind>,
}

impl Common {
    fn read(ds: &Datastore) -> Result<Self, ExportError> {
        let oq = ds.oqparam()?;
        Ok(Common {
            imtls: oq.hazard_imtls()?,
            meta: csv::datastore_metadata(ds)?,
            kinds: kinds(ds, &oq)?,
            oq,
        })
    }

    /// The metadata row of `kind`'s file.
    fn meta(&self, kind: &Kind) -> Vec<(&'static str, Meta)> {
        let mut meta = self.meta.clone();
        meta.push(("kind", Meta::Str(kind.name.clone())));
        if let Some(t) = self.oq.investigation_time() {
            meta.push(("investigation_time", Meta::Float(t)));
        }
        meta
    }
}

/// `hazard_curve-<kind>-<IMT>_<calc>.csv`: one row per site, one `poe-<level>` column per
/// level.
pub(super) fn export_curves(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    let common = Common::read(ds)?;
    let sites = Sites::read(ds, true)?;
    let curves = Arrays::read(ds, HazardKind::CurvesRlzs, HazardKind::CurvesStats)?;
    let mut files = Vec::new();
    for kind in &common.kinds {
        for (m, (imt, levels)) in common.imtls.iter().enumerate() {
            let mut header = sites.header();
            header.extend(levels.iter().map(|&level| level_column(imt, level)));
            let rows = (0..sites.len())
                .map(|s| {
                    let mut row = sites.cells(s);
                    row.extend(curves.values(kind, s, m)?.into_iter().map(value));
                    Ok(row)
                })
                .collect::<Result<Vec<_>, ExportError>>()?;
            let mut meta = common.meta(kind);
            meta.push(("imt", Meta::Str(imt.clone())));
            let stem = format!("{}-{imt}", kind.stem("hazard_curve"));
            files.push(csv::write(target.path(&stem, "csv"), &meta, &header, rows)?);
        }
    }
    Ok(files)
}

/// The column of a level in a curves file: `poe-%.7f` for PGA, PGV and SA, `poe-%.5e`
/// otherwise.
fn level_column(imt: &str, level: f64) -> String {
    if imt.starts_with("PGA") || imt.starts_with("PGV") || imt.starts_with("SA") {
        format!("poe-{level:.7}")
    } else {
        format!("poe-{}", scientific(level, 5, false))
    }
}

/// `hazard_map-<kind>_<calc>.csv`: one row per site, one `<IMT>-<poe>` column per IMT and
/// PoE (IMT-major).
pub(super) fn export_maps(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    let common = Common::read(ds)?;
    let poes = common.oq.poes()?;
    let sites = Sites::read(ds, false)?;
    let maps = Arrays::read(ds, HazardKind::MapsRlzs, HazardKind::MapsStats)?;
    let mut header = sites.header();
    for (imt, _) in &common.imtls {
        header.extend(poes.iter().map(|&poe| format!("{imt}-{}", float_repr(poe))));
    }
    let mut files = Vec::new();
    for kind in &common.kinds {
        let rows = (0..sites.len())
            .map(|s| {
                let mut row = sites.cells(s);
                for m in 0..common.imtls.len() {
                    row.extend(maps.values(kind, s, m)?.into_iter().map(value));
                }
                Ok(row)
            })
            .collect::<Result<Vec<_>, ExportError>>()?;
        let path = target.path(&kind.stem("hazard_map"), "csv");
        files.push(csv::write(path, &common.meta(kind), &header, rows)?);
    }
    Ok(files)
}

/// `hazard_uhs-<kind>_<calc>.csv`: one row per site, one `<poe>~<IMT>` column per PoE and
/// period IMT (PGA and SA; PoE-major, `%.6f`).
pub(super) fn export_uhs(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    let common = Common::read(ds)?;
    let poes = common.oq.poes()?;
    let sites = Sites::read(ds, false)?;
    let maps = Arrays::read(ds, HazardKind::MapsRlzs, HazardKind::MapsStats)?;
    let periodic: Vec<(usize, &str)> = common
        .imtls
        .iter()
        .enumerate()
        .filter(|(_, (imt, _))| imt.starts_with("PGA") || imt.starts_with("SA"))
        .map(|(m, (imt, _))| (m, imt.as_str()))
        .collect();
    let mut header = sites.header();
    for poe in &poes {
        header.extend(periodic.iter().map(|(_, imt)| format!("{poe:.6}~{imt}")));
    }
    let mut files = Vec::new();
    for kind in &common.kinds {
        let rows = (0..sites.len())
            .map(|s| {
                let by_imt = periodic
                    .iter()
                    .map(|&(m, _)| maps.values(kind, s, m))
                    .collect::<Result<Vec<_>, ExportError>>()?;
                let mut row = sites.cells(s);
                for p in 0..poes.len() {
                    row.extend(by_imt.iter().map(|levels| value(levels[p])));
                }
                Ok(row)
            })
            .collect::<Result<Vec<_>, ExportError>>()?;
        let path = target.path(&kind.stem("hazard_uhs"), "csv");
        files.push(csv::write(path, &common.meta(kind), &header, rows)?);
    }
    Ok(files)
}

/// `hazard_map-<stat>-<return period>y_<calc>.csv` (quantiles as
/// `quantile_map-<q>-<period>y`): for each statistic and PoE, one row per site and one
/// column per IMT, return periods rounded to whole years (half to even).
pub(super) fn export_maps_stats(
    ds: &Datastore,
    target: &Target,
) -> Result<Vec<PathBuf>, ExportError> {
    let oq = ds.oqparam()?;
    let imts: Vec<String> = oq.hazard_imtls()?.into_iter().map(|(imt, _)| imt).collect();
    let time = oq
        .investigation_time()
        .ok_or_else(|| ExportError::missing("investigation_time", "hmaps-stats"))?;
    let maps = ds.hazard(HazardKind::MapsStats)?;
    let stats = maps.labels("stat").unwrap_or_default();
    let sites = Sites::read(ds, false)?;
    let meta = csv::datastore_metadata(ds)?;
    let mut header = sites.header();
    header.extend(imts.iter().cloned());
    let mut files = Vec::new();
    for (s, stat) in stats.into_iter().enumerate() {
        for (p, poe) in oq.poes()?.into_iter().enumerate() {
            let period = (-time / (1.0 - poe).ln()).round_ties_even();
            let kind = Kind {
                name: format!("{stat}-{period}y"),
                index: s,
                stats: true,
            };
            let rows = (0..sites.len()).map(|site| {
                let mut row = sites.cells(site);
                row.extend((0..imts.len()).map(|m| value(f64::from(maps.array[[site, s, m, p]]))));
                row
            });
            let path = target.path(&kind.stem("hazard_map"), "csv");
            files.push(csv::write(path, &meta, &header, rows)?);
        }
    }
    Ok(files)
}
