//! `aggrisk`: the aggregate risk by realization, `aggrisk-_<calc>.csv` for the total and
//! `aggrisk-<tags>_<calc>.csv` by the `aggregate_by` tags. Rows by aggregation key and loss
//! type (occupants named `occupants_<time_event>`), in stored order within; columns
//! `loss_type`, the tags, `rlz_id` (with several realizations), then each stored column:
//! damage states named `no_damage` and the limit states, consequences as `<c>_value` and
//! `<c>_ratio` (over the exposed value of the key, in f4). Floats `%.5E`.

use std::collections::BTreeMap;
use std::path::PathBuf;

use oqcloud_datastore::Datastore;

use super::super::csv;
use super::super::{ExportError, Target};
use super::{Aggregation, extract_error, metadata_with_times, tagged_path, time_event};
use crate::extract::risk::curves::LOSS_TYPES;
use crate::extract::risk::stats::{Column, ColumnValues, read_table};

pub(super) fn export(ds: &Datastore, target: &Target) -> Result<Vec<PathBuf>, ExportError> {
    let table = Table::read(ds, "aggrisk")?;
    let aggregation = Aggregation::read(ds, "aggrisk")?;
    let exposed = ExposedValues::read(ds)?;
    let time_event = time_event(ds)?;
    let limit_states = limit_states(ds)?;
    let meta = metadata_with_times(ds)?;
    let many_rlzs = table
        .ints("rlz_id")?
        .iter()
        .collect::<std::collections::BTreeSet<_>>()
        .len()
        > 1;
    let (agg_ids, loss_ids, rlz_ids) = (
        table.ints("agg_id")?,
        table.ints("loss_id")?,
        table.ints("rlz_id")?,
    );
    let values: Vec<(&str, &[f64])> = table
        .columns
        .iter()
        .filter(|c| !["agg_id", "rlz_id", "loss_id"].contains(&c.name.as_str()))
        .map(|c| match &c.values {
            ColumnValues::Floats(v) => Ok((c.name.as_str(), v.as_slice())),
            _ => Err(table.malformed(&c.name)),
        })
        .collect::<Result<_, _>>()?;
    let mut files = Vec::new();
    for (tagnames, selected) in aggregation.files() {
        let mut groups: BTreeMap<(i64, i64), Vec<usize>> = BTreeMap::new();
        for row in (0..agg_ids.len()).filter(|&r| selected(agg_ids[r])) {
            groups
                .entry((agg_ids[row], loss_ids[row]))
                .or_default()
                .push(row);
        }
        let mut header = vec!["loss_type".to_owned()];
        header.extend(tagnames.iter().cloned());
        if many_rlzs {
            header.push("rlz_id".to_owned());
        }
        for (name, _) in &values {
            match damage_state(name, &limit_states) {
                Some(state) => header.push(state),
                None => header.extend([format!("{name}_value"), format!("{name}_ratio")]),
            }
        }
        let mut rows = Vec::new();
        for ((agg_id, loss_id), group) in groups {
            let mut loss_type = loss_type_name(loss_id)?.to_owned();
            if loss_type == "claim" {
                continue;
            }
            if loss_type == "occupants" {
                loss_type = format!("occupants_{time_event}");
            }
            let tags = if tagnames.is_empty() {
                &[][..]
            } else {
                aggregation.tags(agg_id)?
            };
            for &row in &group {
                let mut cells = vec![loss_type.clone()];
                cells.extend(tags.iter().cloned());
                if many_rlzs {
                    cells.push(rlz_ids[row].to_string());
                }
                for (name, column) in &values {
                    let value = column[row] as f32;
                    if damage_state(name, &limit_states).is_some() {
                        cells.push(csv::pandas_float(f64::from(value)));
                    } else {
                        let exposed = exposed.value(name, agg_id, &loss_type, &time_event)?;
                        cells.push(csv::pandas_float(f64::from(value)));
                        cells.push(csv::pandas_float(f64::from(value / exposed)));
                    }
                }
                rows.push(cells);
            }
        }
        let path = tagged_path(target, "aggrisk", tagnames);
        files.push(csv::write(path, &meta, &header, rows)?);
    }
    Ok(files)
}

/// The name of a `dmg_<i>` column (`no_damage`, then the limit states), or `None` for a
/// consequence.
fn damage_state(column: &str, limit_states: &[String]) -> Option<String> {
    let i: usize = column.strip_prefix("dmg_")?.parse().ok()?;
    if i == 0 {
        Some("no_damage".to_owned())
    } else {
        limit_states.get(i - 1).cloned()
    }
}

/// The limit states of the risk model (`crm` attribute `limit_states`).
pub(super) fn limit_states(ds: &Datastore) -> Result<Vec<String>, ExportError> {
    Ok(match ds.attr("crm", "limit_states")? {
        oqcloud_datastore::AttrValue::Strs(names) => names,
        oqcloud_datastore::AttrValue::Str(name) if !name.is_empty() => vec![name],
        _ => Vec::new(),
    })
}

/// The name of loss type `id`.
pub(super) fn loss_type_name(id: i64) -> Result<&'static str, ExportError> {
    usize::try_from(id)
        .ok()
        .and_then(|i| LOSS_TYPES.get(i))
        .copied()
        .ok_or_else(|| ExportError::missing("loss_id", format!("loss type {id}")))
}

/// A table stored column-wise (`__pdcolumns__`).
pub(super) struct Table {
    pub(super) name: String,
    pub(super) columns: Vec<Column>,
}

impl Table {
    pub(super) fn read(ds: &Datastore, name: &str) -> Result<Table, ExportError> {
        Ok(Table {
            name: name.to_owned(),
            columns: read_table(ds, name, name).map_err(extract_error(name))?,
        })
    }

    pub(super) fn column(&self, name: &str) -> Option<&ColumnValues> {
        self.columns
            .iter()
            .find(|c| c.name == name)
            .map(|c| &c.values)
    }

    pub(super) fn ints(&self, name: &str) -> Result<&[i64], ExportError> {
        match self.column(name) {
            Some(ColumnValues::Ints(v)) => Ok(v),
            _ => Err(self.malformed(name)),
        }
    }

    pub(super) fn malformed(&self, column: &str) -> ExportError {
        ExportError::missing(
            format!("{}/{column}", self.name),
            format!("the {} table", self.name),
        )
    }
}

/// The exposed values of the aggregation keys (`agg_values`: f4 fields by value type, the
/// total last).
pub(super) struct ExposedValues {
    fields: Vec<(String, Vec<f32>)>,
}

impl ExposedValues {
    pub(super) fn read(ds: &Datastore) -> Result<ExposedValues, ExportError> {
        let raw = ds.read_dataset_raw("agg_values")?;
        let oqcloud_datastore::DType::Compound { fields, .. } = &raw.dtype else {
            return Err(ExportError::missing("agg_values", "exposed values"));
        };
        let fields = fields
            .iter()
            .map(|f| {
                let values = raw
                    .field(&f.name)
                    .map(|c| c.to_f64("agg_values"))
                    .transpose()?
                    .unwrap_or_default();
                Ok((
                    f.name.clone(),
                    values.into_iter().map(|v| v as f32).collect(),
                ))
            })
            .collect::<Result<_, ExportError>>()?;
        Ok(ExposedValues { fields })
    }

    fn field(&self, name: &str, agg_id: i64) -> Option<f32> {
        let i = usize::try_from(agg_id).ok()?;
        self.fields
            .iter()
            .find(|(n, _)| n == name)
            .and_then(|(_, v)| v.get(i).copied())
    }

    /// The exposed value a consequence is divided by (the reference's `get_agg_value`):
    /// residents for `affectedpop` and `homeless`, occupants at `time_event` for `injured`
    /// and `fatalities`, the number of buildings for `collapsed` and `non_operational`, the
    /// value of the loss type (summed over the parts of a total one, 0 when absent) for
    /// losses.
    pub(super) fn value(
        &self,
        consequence: &str,
        agg_id: i64,
        loss_type: &str,
        time_event: &str,
    ) -> Result<f32, ExportError> {
        let occupants = format!("occupants_{time_event}");
        let field = |name: &str| self.field(name, agg_id).unwrap_or(0.0);
        Ok(match (loss_type, consequence) {
            ("affectedpop", _) => field("residents"),
            ("injured", _) => field(&occupants),
            (_, "collapsed" | "non_operational") => field("number"),
            (_, "injured" | "fatalities") => field(&occupants),
            (_, "homeless") => field("residents"),
            (_, c) if c.contains("loss") => {
                let lt = loss_type.strip_suffix("_ins").unwrap_or(loss_type);
                if lt.contains('+') {
                    lt.split('+').fold(0f32, |sum, part| sum + field(part))
                } else {
                    field(lt)
                }
            }
            _ => {
                return Err(ExportError::Unsupported {
                    output_type: format!("the consequence {consequence}"),
                    format: "csv".to_owned(),
                });
            }
        })
    }
}
