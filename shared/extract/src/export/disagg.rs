//! Disaggregation matrices as OpenQuake writes them: one file per kind (`Mag_Dist`, ...) and
//! site, `<kind>-<site>_<calc>.csv` for the realizations and `<kind>-mean-<site>_<calc>.csv`
//! for the mean, kinds whose matrix is all zeros left out. Each row is a bin (its midpoints,
//! or its tectonic region type), an IMT and a PoE, preceded by the IMT, the IML of the mean
//! hazard map and the PoE, and followed by one column per realization (`rlz<N>`, the
//! site's realizations) or `mean`; rows sorted by IMT name then PoE, numbers in `%.5E`. The
//! metadata row carries the bin edges, the site and, for realizations, their weights.

use std::path::PathBuf;

use oqcloud_datastore::{Datastore, RawArray};

use super::csv::{self, Meta};
use super::table::five_digits;
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
    ExportError::Missing {
        dataset: dataset.to_owned(),
        kind: "disaggregation".to_owned(),
    }
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
            Label::Number(x) => five_digits(*x),
            Label::Text(t) => t.clone(),
        }
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
    let imts: Vec<String> = oq.hazard_imtls()?.into_iter().map(|(imt, _)| imt).collect();
    let sitecol = ds.sitecol()?;
    let weights = ds.weights()?;
    let best = ds.read_dataset_raw("best_rlzs")?;
    let best_shape = best.shape.clone();
    let best = best.to_i64("best_rlzs")?;
    let (num_sites, z) = match best_shape.as_slice() {
        [n, z] => (*n, *z),
        _ => return Err(missing("best_rlzs (sites, realizations)")),
    };
    let (hmap3, _) = floats(ds, "hmap3")?;
    let bins = Bins::read(ds)?;
    let mut meta = csv::datastore_metadata(ds)?;
    let mut files = Vec::new();
    for site in 0..num_sites {
        let rlzs = &best[site * z..(site + 1) * z];
        let mut site_meta = Vec::new();
        if let Some(t) = oq.investigation_time() {
            site_meta.push(("investigation_time", Meta::Float(t)));
        }
        for (key, name) in [
            ("mag_bin_edges", "Mag"),
            ("dist_bin_edges", "Dist"),
            ("lon_bin_edges", "Lon"),
            ("lat_bin_edges", "Lat"),
            ("eps_bin_edges", "Eps"),
        ] {
            site_meta.push((key, Meta::Floats(bins.edges(name, site)?)));
        }
        site_meta.push(("tectonic_region_types", Meta::Strs(bins.trts.clone())));
        site_meta.push(("lon", Meta::Float(sitecol.lon[site])));
        site_meta.push(("lat", Meta::Float(sitecol.lat[site])));
        if spec == Spec::Rlzs {
            // the site's weights normalized, in single precision
            let chosen: Vec<f32> = rlzs
                .iter()
                .map(|&r| {
                    usize::try_from(r)
                        .ok()
                        .and_then(|r| weights.get(r).copied())
                        .ok_or_else(|| missing("best_rlzs (a realization)"))
                })
                .collect::<Result<_, _>>()?;
            let total: f32 = chosen.iter().sum();
            let normalized = chosen.iter().map(|&w| f64::from(w / total)).collect();
            site_meta.push(("weights", Meta::Floats(normalized)));
            site_meta.push(("rlz_ids", Meta::Ints(rlzs.to_vec())));
        }
        update(&mut meta, site_meta);
        let extras: Vec<String> = match spec {
            Spec::Rlzs => rlzs.iter().map(|r| format!("rlz{r}")).collect(),
            Spec::Stats => vec!["mean".into()],
        };
        let iml = |m: usize, p: usize| hmap3[(site * imts.len() + m) * poes.len() + p];
        for kind in ds.members(group)? {
            let path = format!("{group}/{kind}");
            let raw = ds.read_dataset_raw(&path)?;
            let matrix = site_matrix(&raw, site, &path)?;
            if matrix.values.iter().sum::<f64>() == 0.0 {
                continue;
            }
            let names: Vec<&str> = kind.split('_').collect();
            let axes = names
                .iter()
                .map(|name| bins.axis(name, site))
                .collect::<Result<Vec<_>, _>>()?;
            let sizes: Vec<usize> = axes.iter().map(Vec::len).collect();
            let expected: Vec<usize> = sizes
                .iter()
                .copied()
                .chain([imts.len(), poes.len(), extras.len()])
                .collect();
            if matrix.shape != expected {
                return Err(missing(&format!("{path} of shape {expected:?}")));
            }
            // the value columns of all zeros are integers in the reference's data frame
            let all_zero: Vec<bool> = (0..extras.len())
                .map(|e| {
                    matrix
                        .values
                        .iter()
                        .skip(e)
                        .step_by(extras.len())
                        .all(|&v| v == 0.0)
                })
                .collect();
            let bins_count: usize = sizes.iter().product();
            let mut rows = Vec::with_capacity(bins_count * imts.len() * poes.len());
            for b in 0..bins_count {
                let labels = unravel(b, &sizes);
                for (m, imt) in imts.iter().enumerate() {
                    for (p, poe) in poes.iter().enumerate() {
                        let start = ((b * imts.len() + m) * poes.len() + p) * extras.len();
                        let mut row = vec![imt.clone(), five_digits(iml(m, p)), five_digits(*poe)];
                        row.extend(labels.iter().zip(&axes).map(|(&i, axis)| axis[i].cell()));
                        row.extend(
                            matrix.values[start..start + extras.len()]
                                .iter()
                                .zip(&all_zero)
                                .map(|(&v, &zero)| match (zero, v == 0.0) {
                                    (true, _) => "0".to_owned(),
                                    (false, true) => five_digits(0.0),
                                    (false, false) => five_digits(v),
                                }),
                        );
                        rows.push(((imt.clone(), *poe), row));
                    }
                }
            }
            rows.sort_by(|(a, _), (b, _)| a.0.cmp(&b.0).then(a.1.total_cmp(&b.1)));
            let mut header = ["imt", "iml", "poe"].map(String::from).to_vec();
            header.extend(names.iter().map(|n| n.to_lowercase()));
            header.extend(extras.iter().cloned());
            let stem = match spec {
                Spec::Rlzs => format!("{kind}-{site}"),
                Spec::Stats => format!("{kind}-mean-{site}"),
            };
            let rows = rows.into_iter().map(|(_, row)| row);
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

fn site_matrix(raw: &RawArray, site: usize, path: &str) -> Result<Matrix, ExportError> {
    let values = raw.to_f64(path)?;
    let (&sites, shape) = raw
        .shape
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
