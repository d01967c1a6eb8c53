//! Ground motion fields and the sites they are on, as OpenQuake writes them:
//! `gmf-data_<calc>.csv` (one row per event and site, by event then site),
//! `sigma_epsilon_<calc>.csv` (the inter-event standard deviation and epsilon of each
//! event), `sitemesh_<calc>.csv` (the sites), `avg_gmf_<calc>.csv` (the average ground motion
//! per site) and `site_model_<calc>.csv` (the site parameters).

use std::path::PathBuf;

use oqcloud_datastore::{AttrValue, Datastore};

use super::csv::pandas_float;
use super::csv::{self, value};
use super::events::{extracted, member};
use super::table::{Column, Table, npy_column, npy_floats};
use super::{ExportError, Target};

/// The columns of a data-frame group (`sitecol`, `complete`, `gmf_data`) in their stored
/// order (`__pdcolumns__`).
fn frame(ds: &Datastore, group: &str) -> Result<Table, ExportError> {
    let names = match ds.attr(group, "__pdcolumns__")? {
        AttrValue::Str(names) => names,
        _ => {
            return Err(ExportError::missing(
                format!("{group}.__pdcolumns__"),
                group,
            ));
        }
    };
    let mut table = Table::default();
    for name in names.split_whitespace() {
        let path = format!("{group}/{name}");
        let column = Column::from_raw(&ds.read_dataset_raw(&path)?, &path)?;
        table.push(name, column);
    }
    Ok(table)
}

/// The complete site collection: `complete` when the job filtered the sites, else `sitecol`.
fn complete_sites(ds: &Datastore) -> Result<Table, ExportError> {
    frame(
        ds,
        if ds.contains("complete") {
            "complete"
        } else {
            "sitecol"
        },
    )
}

/// `gmf-data_<calc>.csv`, `sigma_epsilon_<calc>.csv` (when stored) and
/// `sitemesh_<calc>.csv`. The ground motions are a data frame (`%.5E`) with `event_id`,
/// `gmv_<IMT>` columns (secondary perils by name) and the site as `site_id` first or
/// `custom_site_id` last; sigma and epsilon are records (`%.6E`) by event id.
pub(super) fn export_gmf_data(
    ds: &Datastore,
    target: &Target,
) -> Result<Vec<PathBuf>, ExportError> {
    let meta = csv::datastore_metadata(ds)?;
    let sites = complete_sites(ds)?;
    let custom_ids = match sites.column("custom_site_id") {
        Some(Column::Str(ids)) => Some(ids.clone()),
        _ => None,
    };
    let mut files = Vec::new();

    let mut mesh = Table::default();
    match &custom_ids {
        Some(ids) => mesh.push("custom_site_id", Column::Str(ids.clone())),
        None => mesh.push(
            "site_id",
            sites
                .column("sids")
                .ok_or_else(|| ExportError::missing("sids", "sitemesh"))?
                .clone(),
        ),
    }
    for name in ["lon", "lat"] {
        let column = sites
            .column(name)
            .ok_or_else(|| ExportError::missing(name, "sitemesh"))?;
        mesh.push(name, column.clone());
    }
    let path = target.path("sitemesh", "csv");
    files.push(csv::write(
        path,
        &meta,
        &mesh.names,
        mesh.numpy_rows(value),
    )?);

    let gmfs = frame(ds, "gmf_data")?;
    let ints = |name: &str| match gmfs.column(name) {
        Some(Column::Int(v)) => Ok(v.clone()),
        _ => Err(ExportError::missing(format!("gmf_data/{name}"), "gmf_data")),
    };
    let (eids, sids) = (ints("eid")?, ints("sid")?);
    let mut order: Vec<usize> = (0..eids.len()).collect();
    order.sort_by_key(|&i| (eids[i], sids[i]));
    let mut table = gmfs.take(&order);
    if let Some(ids) = &custom_ids {
        let csi = order
            .iter()
            .map(|&i| {
                usize::try_from(sids[i])
                    .ok()
                    .and_then(|s| ids.get(s).cloned())
                    .ok_or_else(|| {
                        ExportError::missing("gmf_data/sid", "a site of the site collection")
                    })
            })
            .collect::<Result<Vec<_>, _>>()?;
        let at = table.names.iter().position(|n| n == "sid");
        if let Some(at) = at {
            table.names.remove(at);
            table.columns.remove(at);
        }
        table.push("custom_site_id", Column::Str(csi));
    } else {
        table.rename("sid", "site_id");
    }
    table.rename("eid", "event_id");
    for (imt, _) in ds.oqparam()?.hazard_imtls()? {
        table.rename(&imt, &format!("gmv_{imt}"));
    }
    let path = target.path("gmf-data", "csv");
    files.push(csv::write(
        path,
        &meta,
        &table.names,
        table.pandas_rows(pandas_float),
    )?);

    if ds.contains("gmf_data/sigma_epsilon") {
        let raw = ds.read_dataset_raw("gmf_data/sigma_epsilon")?;
        let mut table = Table::from_records(&raw, "gmf_data/sigma_epsilon")?;
        let events = if ds.contains("relevant_events") {
            "relevant_events"
        } else {
            "events"
        };
        let event_ids = ds
            .read_dataset_raw(events)?
            .field("id")
            .ok_or_else(|| ExportError::missing(format!("{events}/id"), "sigma_epsilon"))?
            .to_i64(events)?;
        if let Some(Column::Int(eids)) = table.columns.first_mut() {
            for eid in eids.iter_mut() {
                *eid = usize::try_from(*eid)
                    .ok()
                    .and_then(|e| event_ids.get(e).copied())
                    .ok_or_else(|| ExportError::missing("sigma_epsilon/eid", "an event"))?;
            }
            let mut order: Vec<usize> = (0..eids.len()).collect();
            order.sort_by_key(|&i| eids[i]);
            table = table.take(&order);
        }
        if let Some(first) = table.names.first_mut() {
            *first = "event_id".into();
        }
        let path = target.path("sigma_epsilon", "csv");
        files.push(csv::write(
            path,
            &meta,
            &table.names,
            table.numpy_rows(value),
        )?);
    }
    Ok(files)
}

/// `avg_gmf_<calc>.csv`: the sites with a positive average (as `avg_gmf?imt=` selects them),
/// `custom_site_id` or `site_id`, `lon`, `lat` and one column per IMT, a data frame in
/// `%.5E`.
pub(super) fn export_avg_gmf(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    let oq = ds.oqparam()?;
    let mut imts: Vec<String> = oq.hazard_imtls()?.into_iter().map(|(imt, _)| imt).collect();
    if let Some(sec) = oq.params.get("sec_imts").and_then(|v| v.as_array()) {
        imts.extend(sec.iter().filter_map(|v| v.as_str().map(String::from)));
    }
    let mut sites = Table::default();
    let mut values = Vec::new();
    for imt in &imts {
        let npz = extracted(ds, "avg_gmf", &[("imt", imt)])?;
        // the site columns of the last IMT, as a dictionary updated IMT by IMT keeps them
        sites = Table::default();
        for name in ["custom_site_id", "site_id", "lon", "lat"] {
            if let Some(array) = npz.get(name) {
                sites.push(name, npy_column(array, name)?);
            }
        }
        values.push((imt, npy_floats(member(&npz, imt, "avg_gmf")?, imt)?));
    }
    for (imt, column) in values {
        if column.len() != sites.len() {
            return Err(ExportError::missing(
                format!("avg_gmf of {imt}"),
                "the sites of the other IMTs",
            ));
        }
        sites.push(imt.clone(), Column::Float(column));
    }
    let meta = csv::datastore_metadata(ds)?;
    let path = target.path("avg_gmf", "csv");
    let rows = sites.pandas_rows(pandas_float);
    Ok(vec![csv::write(path, &meta, &sites.names, rows)?])
}

/// `site_model_<calc>.csv`: every stored column of the site collection, records in `%.5E`
/// (coordinates `%.5f`).
pub(super) fn export_site_model(
    ds: &Datastore,
    target: &Target,
) -> Result<Vec<PathBuf>, ExportError> {
    let sites = frame(ds, "sitecol")?;
    let meta = csv::datastore_metadata(ds)?;
    let path = target.path("site_model", "csv");
    let rows = sites.numpy_rows(|x| csv::scientific(x, 5, true));
    Ok(vec![csv::write(path, &meta, &sites.names, rows)?])
}

/// `gmf-data_<calc>.hdf5`: the complete site collection as `sitecol` and the `gmf_data`
/// group (every column, the group's attributes), as stored.
pub(super) fn export_gmf_data_hdf5(
    ds: &Datastore,
    target: &Target,
) -> Result<Vec<PathBuf>, ExportError> {
    let path = target.path("gmf-data", "hdf5");
    let out = Datastore::create(&path)?;
    let sites = if ds.contains("complete") {
        "complete"
    } else {
        "sitecol"
    };
    copy_group(ds, sites, &out, "sitecol")?;
    copy_group(ds, "gmf_data", &out, "gmf_data")?;
    out.flush()?;
    Ok(vec![path])
}

/// Copies the datasets of group `from` of `src`, with their attributes and the group's, to
/// group `to` of `dst`.
fn copy_group(src: &Datastore, from: &str, dst: &Datastore, to: &str) -> Result<(), ExportError> {
    for member in src.members(from)? {
        let (source, target) = (format!("{from}/{member}"), format!("{to}/{member}"));
        dst.write_dataset_raw(&target, &src.read_dataset_raw(&source)?)?;
        for (name, value) in src.attrs(&source)? {
            dst.set_attr(&target, &name, &value)?;
        }
    }
    for (name, value) in src.attrs(from)? {
        dst.set_attr(to, &name, &value)?;
    }
    Ok(())
}
