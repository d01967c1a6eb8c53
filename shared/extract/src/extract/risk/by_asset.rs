//! Average losses and exposure asset by asset, site by site and location by location:
//! `losses_by_asset` (one member per statistic, or `rlz-000` for a single realization: the
//! asset table with one f4 field per loss type), `losses_by_site`, `losses_by_location` and
//! `exposure_by_location` (tables of `lon`, `lat` and the sums over the assets at each site,
//! or location rounded to 5 decimals: losses of the first statistic or realization per loss
//! type, or the `value-*` and `occupants_*` fields of the exposure).

use oqcloud_datastore::{DType, Datastore, RawArray};

use super::super::npz::{NpyArray, Npz};
use super::super::{ExtractResult, Query, bad, malformed};
use super::assets::{Assets, exposure_array};
use super::{hazard_stats, loss_columns, loss_types, record_column};

/// The group of average losses to read: `avg_losses-stats`, else `avg_losses-rlzs`.
fn loss_group(ds: &Datastore) -> ExtractResult<&'static str> {
    ["avg_losses-stats", "avg_losses-rlzs"]
        .into_iter()
        .find(|group| ds.contains(group))
        .ok_or_else(|| bad("this calculation has no average losses (avg_losses-rlzs)"))
}

/// `losses_by_asset`: see the module documentation.
pub(crate) fn losses_by_asset(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("losses_by_asset", &[])?;
    let group = loss_group(ds)?;
    let names = if group == "avg_losses-stats" {
        hazard_stats(ds)?
    } else {
        let num_rlzs = ds.weights()?.len();
        if num_rlzs != 1 {
            return Err(bad(format!(
                "extract/losses_by_asset needs statistics or a single realization (the \
                 calculation has {num_rlzs} realizations and no statistics)"
            )));
        }
        vec!["rlz-000".to_owned()]
    };
    let assets = Assets::read(ds)?;
    let mut npz = Npz::new();
    for (k, name) in names.iter().enumerate() {
        let mut columns = assets.table();
        for (lt, losses) in loss_columns(ds, group, k, loss_types(ds)?)? {
            let bytes = losses.iter().flat_map(|v| v.to_le_bytes()).collect();
            columns.push((lt, DType::Float(4), bytes));
        }
        npz.add(name.clone(), NpyArray::records(assets.len(), &columns));
    }
    npz.add_extra();
    Ok(npz)
}

/// The assets grouped by location as the reference's `group_assets_by_location`: the
/// ordinal of each asset row, the group of each row (groups sorted by their `%.5f,%.5f`
/// text) and the groups' `lon` and `lat` (f4, parsed from that text).
struct Locations {
    ordinals: Vec<usize>,
    group_of_row: Vec<usize>,
    lons: Vec<f32>,
    lats: Vec<f32>,
}

impl Locations {
    fn read(array: &RawArray) -> ExtractResult<Locations> {
        let column = |name: &str| record_column(array, "assetcol/array", name);
        let (lons, lats) = (column("lon")?, column("lat")?);
        let texts: Vec<String> = lons
            .iter()
            .zip(&lats)
            .map(|(lon, lat)| format!("{lon:.5},{lat:.5}"))
            .collect();
        let mut unique = texts.clone();
        unique.sort();
        unique.dedup();
        let group_of_row = texts
            .iter()
            .map(|t| unique.binary_search(t).unwrap_or(0))
            .collect();
        let parse = |text: &str| text.parse::<f64>().map_or(f32::NAN, |v| v as f32);
        let (lons, lats) = unique
            .iter()
            .map(|t| t.split_once(',').unwrap_or((t, t)))
            .map(|(lon, lat)| (parse(lon), parse(lat)))
            .unzip();
        let ordinals = column("ordinal")?.into_iter().map(|o| o as usize).collect();
        Ok(Locations {
            ordinals,
            group_of_row,
            lons,
            lats,
        })
    }

    /// `values` (one per asset, by ordinal) summed by location as numpy's `bincount` (f8 in
    /// row order), then f4.
    fn sum(&self, values: &[f32]) -> ExtractResult<Vec<f32>> {
        let mut sums = vec![0f64; self.lons.len()];
        for (&ordinal, &group) in self.ordinals.iter().zip(&self.group_of_row) {
            let value = values
                .get(ordinal)
                .ok_or_else(|| malformed("assetcol/array", "ordinal out of range"))?;
            sums[group] += f64::from(*value);
        }
        Ok(sums.into_iter().map(|v| v as f32).collect())
    }

    /// The table: `lon`, `lat`, then the named columns.
    fn table(&self, columns: Vec<(String, Vec<f32>)>) -> ExtractResult<Npz> {
        let mut npz = Npz::new();
        let n = self.lons.len();
        npz.add("lon", NpyArray::f32(vec![n], self.lons.iter().copied()));
        npz.add("lat", NpyArray::f32(vec![n], self.lats.iter().copied()));
        for (name, values) in columns {
            npz.add(name, NpyArray::f32(vec![n], self.sum(&values)?));
        }
        Ok(npz)
    }
}

/// `losses_by_location`: see the module documentation.
pub(crate) fn losses_by_location(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("losses_by_location", &[])?;
    let group = loss_group(ds)?;
    let locations = Locations::read(&exposure_array(ds)?)?;
    locations.table(loss_columns(ds, group, 0, loss_types(ds)?)?)
}

/// `losses_by_site`: `lon` and `lat` (f4) of the sites with assets and, per loss type, the
/// losses of the first statistic or realization summed over each site's assets as numpy's
/// `bincount` (f8 in asset order, then f4).
pub(crate) fn losses_by_site(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("losses_by_site", &[])?;
    let group = loss_group(ds)?;
    let site_of_asset: Vec<usize> =
        record_column(&exposure_array(ds)?, "assetcol/array", "site_id")?
            .into_iter()
            .map(|s| s as usize)
            .collect();
    let mut sites = site_of_asset.clone();
    sites.sort_unstable();
    sites.dedup();
    let sitecol = ds.sitecol()?;
    let mut npz = Npz::new();
    for (name, all) in [("lon", &sitecol.lon), ("lat", &sitecol.lat)] {
        let values = sites
            .iter()
            .map(|&s| all.get(s).map(|&v| v as f32))
            .collect::<Option<Vec<f32>>>()
            .ok_or_else(|| malformed("assetcol/array", "site_id out of the site collection"))?;
        npz.add(name, NpyArray::f32(vec![sites.len()], values));
    }
    let last = sites.last().map_or(0, |&s| s + 1);
    for (lt, losses) in loss_columns(ds, group, 0, loss_types(ds)?)? {
        let mut sums = vec![0f64; last];
        for (&site, &loss) in site_of_asset.iter().zip(&losses) {
            sums[site] += f64::from(loss);
        }
        let values = sites.iter().map(|&s| sums[s] as f32);
        npz.add(lt, NpyArray::f32(vec![sites.len()], values));
    }
    Ok(npz)
}

/// `exposure_by_location`: see the module documentation.
pub(crate) fn exposure_by_location(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("exposure_by_location", &[])?;
    let array = exposure_array(ds)?;
    let DType::Compound { fields, .. } = &array.dtype else {
        return Err(malformed("assetcol/array", "not records"));
    };
    let columns = fields
        .iter()
        .filter(|f| f.name.starts_with("value-") || f.name.starts_with("occupants_"))
        .map(|f| {
            let values = record_column(&array, "assetcol/array", &f.name)?;
            Ok((
                f.name.clone(),
                values.into_iter().map(|v| v as f32).collect(),
            ))
        })
        .collect::<ExtractResult<Vec<_>>>()?;
    Locations::read(&array)?.table(columns)
}
