//! Disaggregation matrices as OpenQuake writes them: one file per kind (`Mag_Dist`, ...) and
//! site, `<kind>-<site>_<calc>.csv` for the realizations and `<kind>-mean-<site>_<calc>.csv`
//! for the mean, kinds whose matrix is all zeros left out. Each row is a bin (its midpoints,
//! or its tectonic region type), an IMT and a PoE, preceded by the IMT, the IML of the mean
//! hazard map and the PoE, and followed by one column per realization (`rlz<N>`, the
//! site's realizations) or `mean`; rows sorted by IMT name then PoE, numbers in `%.5E`. The
//! metadata row carries the bin edges, the site and, for realizations, their weights.

use std::path::PathBuf;

use oqcloud_datastore::Datastore;

use super::csv::pandas_float;
use super::csv::{self, Meta};
use super::{ExportError, Target};

/// `disagg-rlzs`: the matrices of each site's realizations.
pub(super) fn export_rlzs(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    export(ds, target, Spec::Rlzs)
}

/// `disagg-stats`: the matrices of the mean.
pub(super) fn export_stats(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    export(ds, target, Spec::Stats)
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Spec {
    Rlzs,
    Stats,
}

fn missing(dataset: &str) -> ExportError {
    ExportError::missing(dataset, "disaggregation")
}

fn floats(ds: &Datastore, path: &str) -> Result<(Vec<f64>, Vec<usize>), ExportError> {
    let raw = ds.read_dataset_raw(path)?;
    Ok((raw.to_f64(path)?, raw.shape))
}

/// The bin edges of `disagg-bins`: regular ones, or a row per site (longitude, latitude).
struct Bins {
    edges: Vec<(String, Vec<f64>, Vec<usize>)>,
    trts: Vec<String>,
}

impl Bins {
    fn read(ds: &Datastore) -> Result<Bins, ExportError> {
        let mut edges = Vec::new();
        for name in ["Mag", "Dist", "Lon", "Lat", "Eps"] {
            let (values, shape) = floats(ds, &format!("disagg-bins/{name}"))?;
            edges.push((name.to_owned(), values, shape));
        }
        let trts = ds
            .read_dataset_raw("disagg-bins/TRT")?
            .to_strings("disagg-bins/TRT")?;
        Ok(Bins { edges, trts })
    }

    /// The edges of bin `name` at site `site`.
    fn edges(&self, name: &str, site: usize) -> Result<Vec<f64>, ExportError> {
        let (_, values, shape) = self
            .edges
            .iter()
            .find(|(n, _, _)| n == name)
            .ok_or_else(|| missing(&format!("disagg-bins/{name}")))?;
        Ok(match shape.as_slice() {
            [_, width] => values[site * width..(site + 1) * width].to_vec(),
            _ => values.clone(),
        })
    }

    /// The labels of axis `name` at `site`: bin midpoints, or the tectonic region types.
    fn axis(&self, name: &str, site: usize) -> Result<Vec<Label>, ExportError> {
        if name == "TRT" {
            return Ok(self.trts.iter().cloned().map(Label::Text).collect());
        }
        let edges = self.edges(name, site)?;
        Ok(edges
            .windows(2)
            .map(|pair| Label::Number((pair[0] + pair[1]) / 2.0))
            .collect())
    }
}

#[derive(Debug, Clone)]
enum Label {
    Number(f64),
    Text(String),
}

impl Label {
    fn cell(&self) -> String {
        match self {
            Label::Number(x) => pandas_float(*x),
            Label::Text(t) => t.clone(),
        }
    }
}

/// A header and rows of cells.
type Cells = (Vec<String>, Vec<Vec<String>>);

/// What every site's files are written from.
struct Calculation {
    spec: Spec,
    imts: Vec<String>,
    poes: Vec<f64>,
    weights: Vec<f32>,
    /// The realizations of each site (`best_rlzs`), `rlzs_per_site` each.
    best: Vec<i64>,
    rlzs_per_site: usize,
    /// The IML of the mean hazard map of each site, IMT and PoE (`hmap3`).
    hmap3: Vec<f64>,
    bins: Bins,
}

impl Calculation {
    /// The realizations of `site`.
    fn rlzs(&self, site: usize) -> &[i64] {
        &self.best[site * self.rlzs_per_site..(site + 1) * self.rlzs_per_site]
    }

    /// The value columns: the site's realizations (`rlz<N>`) or `mean`.
    fn extras(&self, site: usize) -> Vec<String> {
        match self.spec {
            Spec::Rlzs => self.rlzs(site).iter().map(|r| format!("rlz{r}")).collect(),
            Spec::Stats => vec!["mean".into()],
        }
    }

    /// The metadata of `site` (bin edges, location; for realizations their ids and weights
    /// normalized in single precision), in the reference's order.
    fn site_meta(
        &self,
        oq: &oqcloud_datastore::OqParam,
        sitecol: &oqcloud_datastore::SiteCollection,
        site: usize,
    ) -> Result<Vec<(&'static str, Meta)>, ExportError> {
        let mut meta = Vec::new();
        if let Some(t) = oq.investigation_time() {
            meta.push(("investigation_time", Meta::Float(t)));
        }
        for (key, name) in [
            ("mag_bin_edges", "Mag"),
            ("dist_bin_edges", "Dist"),
            ("lon_bin_edges", "Lon"),
            ("lat_bin_edges", "Lat"),
            ("eps_bin_edges", "Eps"),
        ] {
            meta.push((key, Meta::Floats(self.bins.edges(name, site)?)));
        }
        meta.push(("tectonic_region_types", Meta::Strs(self.bins.trts.clone())));
        meta.push(("lon", Meta::Float(sitecol.lon[site])));
        meta.push(("lat", Meta::Float(sitecol.lat[site])));
        if self.spec == Spec::Rlzs {
            let chosen: Vec<f32> = self
                .rlzs(site)
                .iter()
                .map(|&r| {
                    usize::try_from(r)
                        .ok()
                        .and_then(|r| self.weights.get(r).copied())
                        .ok_or_else(|| missing("best_rlzs (a realization)"))
                })
                .collect::<Result<_, _>>()?;
            let total: f32 = chosen.iter().sum();
            let normalized = chosen.iter().map(|&w| f64::from(w / total)).collect();
            meta.push(("weights", Meta::Floats(normalized)));
            meta.push(("rlz_ids", Meta::Ints(self.rlzs(site).to_vec())));
        }
        Ok(meta)
    }

    /// The header and rows of matrix `kind` at `site` (`None` when it is all zeros).
    fn table(
        &self,
        kind: &str,
        site: usize,
        matrix: &Matrix,
    ) -> Result<Option<Cells>, ExportError> {
        if matrix.values.iter().all(|&v| v == 0.0) {
            return Ok(None);
        }
        let (imts, poes, extras) = (&self.imts, &self.poes, self.extras(site));
        let names: Vec<&str> = kind.split('_').collect();
        let axes = names
            .iter()
            .map(|name| self.bins.axis(name, site))
            .collect::<Result<Vec<_>, _>>()?;
        let sizes: Vec<usize> = axes.iter().map(Vec::len).collect();
        let expected: Vec<usize> = sizes
            .iter()
            .copied()
            .chain([imts.len(), poes.len(), extras.len()])
            .collect();
        if matrix.shape != expected {
            return Err(missing(&format!("{kind} of shape {expected:?}")));
        }
        // a value column of zeros only is one of integers in the reference's data frame
        let all_zero: Vec<bool> = (0..extras.len())
            .map(|e| {
                let column = matrix.values.iter().skip(e).step_by(extras.len());
                column.copied().all(|v| v == 0.0)
            })
            .collect();
        let value = |v: f64, zero_column: bool| match (zero_column, v == 0.0) {
            (true, _) => "0".to_owned(),
            // `-0` is written as `0`
            (false, true) => pandas_float(0.0),
            (false, false) => pandas_float(v),
        };
        let bins_count: usize = sizes.iter().product();
        let mut rows = Vec::with_capacity(bins_count * imts.len() * poes.len());
        for b in 0..bins_count {
            let labels = unravel(b, &sizes);
            for (m, imt) in imts.iter().enumerate() {
                for (p, poe) in poes.iter().enumerate() {
                    let iml = self.hmap3[(site * imts.len() + m) * poes.len() + p];
                    let mut row = vec![imt.clone(), pandas_float(iml), pandas_float(*poe)];
                    row.extend(labels.iter().zip(&axes).map(|(&i, axis)| axis[i].cell()));
                    let start = ((b * imts.len() + m) * poes.len() + p) * extras.len();
                    let values = &matrix.values[start..start + extras.len()];
                    row.extend(values.iter().zip(&all_zero).map(|(&v, &z)| value(v, z)));
                    rows.push(((imt, *poe), row));
                }
            }
        }
        // by IMT name, then PoE; a stable sort keeps the bins in order
        rows.sort_by(|(a, _), (b, _)| a.0.cmp(b.0).then(a.1.total_cmp(&b.1)));
        let mut header = ["imt", "iml", "poe"].map(String::from).to_vec();
        header.extend(names.iter().map(|n| n.to_lowercase()));
        header.extend(extras);
        Ok(Some((
            header,
            rows.into_iter().map(|(_, row)| row).collect(),
        )))
    }
}

fn export(ds: &Datastore, target: &Target, spec: Spec) -> Result<Vec<PathBuf>, ExportError> {
    let oq = ds.oqparam()?;
    let group = match spec {
        Spec::Rlzs => "disagg-rlzs",
        Spec::Stats => "disagg-stats",
    };
    let poes = oq.poes()?;
    if poes.is_empty() {
        // with `iml_disagg` the PoEs come from the mean curves: not written here
        return Err(missing("poes (disaggregation by IML)"));
    }
    let best = ds.read_dataset_raw("best_rlzs")?;
    let [num_sites, rlzs_per_site] = best.shape[..] else {
        return Err(missing("best_rlzs (sites, realizations)"));
    };
    let calc = Calculation {
        spec,
        imts: oq.hazard_imtls()?.into_iter().map(|(imt, _)| imt).collect(),
        poes,
        weights: ds.weights()?,
        best: best.to_i64("best_rlzs")?,
        rlzs_per_site,
        hmap3: floats(ds, "hmap3")?.0,
        bins: Bins::read(ds)?,
    };
    let sitecol = ds.sitecol()?;
    let matrices = ds
        .members(group)?
        .into_iter()
        .map(|kind| {
            let path = format!("{group}/{kind}");
            let matrix = floats(ds, &path)?;
            Ok((kind, path, matrix))
        })
        .collect::<Result<Vec<_>, ExportError>>()?;
    let mut meta = csv::datastore_metadata(ds)?;
    let mut files = Vec::new();
    for site in 0..num_sites {
        update(&mut meta, calc.site_meta(&oq, &sitecol, site)?);
        for (kind, path, all_sites) in &matrices {
            let matrix = site_matrix(all_sites, site, path)?;
            let Some((header, rows)) = calc.table(kind, site, &matrix)? else {
                continue;
            };
            let stem = match spec {
                Spec::Rlzs => format!("{kind}-{site}"),
                Spec::Stats => format!("{kind}-mean-{site}"),
            };
            files.push(csv::write(target.path(&stem, "csv"), &meta, &header, rows)?);
        }
    }
    Ok(files)
}

/// Sets each key of `items` in `meta`: in place when present, else appended (a dictionary's
/// update).
fn update(meta: &mut Vec<(&'static str, Meta)>, items: Vec<(&'static str, Meta)>) {
    for (key, value) in items {
        match meta.iter_mut().find(|(k, _)| *k == key) {
            Some((_, slot)) => *slot = value,
            None => meta.push((key, value)),
        }
    }
}

/// The indices along each axis of flat index `flat` (C order).
fn unravel(mut flat: usize, sizes: &[usize]) -> Vec<usize> {
    let mut index = vec![0; sizes.len()];
    for (slot, &size) in index.iter_mut().zip(sizes).rev() {
        *slot = flat % size.max(1);
        flat /= size.max(1);
    }
    index
}

/// One site's slice of a stored matrix (sites first).
struct Matrix {
    values: Vec<f64>,
    shape: Vec<usize>,
}

fn site_matrix(
    (values, shape): &(Vec<f64>, Vec<usize>),
    site: usize,
    path: &str,
) -> Result<Matrix, ExportError> {
    let (&sites, shape) = shape
        .split_first()
        .ok_or_else(|| missing(&format!("{path} (sites first)")))?;
    let size: usize = shape.iter().product();
    if site >= sites {
        return Err(missing(&format!("{path} of site {site}")));
    }
    Ok(Matrix {
        values: values[site * size..(site + 1) * size].to_vec(),
        shape: shape.to_vec(),
    })
}
