//! The exposure of a risk calculation (`assetcol`): asset ids, locations and tags, and the
//! sums over assets the risk extracts make, with the reference's float arithmetic so that
//! the results are the same bytes.

use oqcloud_datastore::{AttrValue, DType, Datastore, RawArray};

use super::super::npz::NpyArray;
use super::super::{ExtractResult, bad, malformed};

/// The assets of `assetcol`: ids, locations and the index of each asset's tag values.
pub(crate) struct Assets {
    /// The asset ids.
    ids: Vec<String>,
    /// Longitudes and latitudes (f4, as stored).
    lons: Vec<f32>,
    lats: Vec<f32>,
    /// The tags, in the exposure's order (`assetcol/tagcol` attribute `tagnames`).
    tags: Vec<Tag>,
}

/// One tag of the exposure.
struct Tag {
    name: String,
    /// Its values, `?` (no value) first.
    values: Vec<String>,
    /// Per asset, the index of its value in `values`.
    of_asset: Vec<usize>,
}

impl Assets {
    /// Reads `assetcol`, or a 400 when the calculation has no exposure.
    pub(crate) fn read(ds: &Datastore) -> ExtractResult<Assets> {
        let array = exposure_array(ds)?;
        let column = |name: &str| {
            array
                .field(name)
                .ok_or_else(|| malformed("assetcol/array", &format!("no {name} column")))
        };
        let f32s = |name: &str| -> ExtractResult<Vec<f32>> {
            Ok(column(name)?
                .to_f64("assetcol/array")?
                .into_iter()
                .map(|v| v as f32)
                .collect())
        };
        let names = match ds.attr("assetcol/tagcol", "tagnames")? {
            AttrValue::Strs(names) => names,
            AttrValue::Str(name) => vec![name],
            _ => return Err(malformed("assetcol/tagcol", "tagnames is not strings")),
        };
        let mut tags = Vec::with_capacity(names.len());
        for name in names {
            let path = format!("assetcol/tagcol/{name}");
            let values = ds.read_dataset_raw(&path)?.to_strings(&path)?;
            let of_asset = column(&name)?
                .to_i64("assetcol/array")?
                .into_iter()
                .map(|i| usize::try_from(i).ok().filter(|&i| i < values.len()))
                .collect::<Option<Vec<_>>>()
                .ok_or_else(|| malformed("assetcol/array", &format!("bad {name} index")))?;
            tags.push(Tag {
                name,
                values,
                of_asset,
            });
        }
        Ok(Assets {
            ids: column("id")?.to_strings("assetcol/array")?,
            lons: f32s("lon")?,
            lats: f32s("lat")?,
            tags,
        })
    }

    /// The number of assets.
    pub(crate) fn len(&self) -> usize {
        self.ids.len()
    }

    /// The tag `name`, or a 400 naming the exposure's tags.
    fn tag(&self, name: &str) -> ExtractResult<&Tag> {
        self.tags.iter().find(|t| t.name == name).ok_or_else(|| {
            let names: Vec<&str> = self.tags.iter().map(|t| t.name.as_str()).collect();
            bad(format!(
                "tag: '{name}' is not a tag of the exposure ({})",
                names.join(", ")
            ))
        })
    }

    /// The values of tag `name`, without the leading `?`.
    pub(crate) fn tag_values(&self, name: &str) -> ExtractResult<&[String]> {
        Ok(&self.tag(name)?.values[1..])
    }

    /// The assets whose tag `name` is `value` (400 for a value the exposure does not have).
    fn having(&self, name: &str, value: &str) -> ExtractResult<Vec<bool>> {
        let tag = self.tag(name)?;
        let index = tag.values[1..]
            .iter()
            .position(|v| v == value)
            .ok_or_else(|| {
                bad(format!(
                    "{name}: '{value}' is not one of the exposure's values ({})",
                    tag.values[1..].join(", ")
                ))
            })?
            + 1;
        Ok(tag.of_asset.iter().map(|&i| i == index).collect())
    }

    /// The asset table of the reference's `get_assets`: `id` (S100), every tag but `id` in
    /// name order (S100), `lon` and `lat` (f4, rounded to 5 decimals as numpy rounds f4).
    pub(crate) fn table(&self) -> Vec<(String, DType, Vec<u8>)> {
        let s100 = |values: &mut dyn Iterator<Item = &str>| -> Vec<u8> {
            values
                .flat_map(|v| {
                    let mut bytes = v.as_bytes().to_vec();
                    bytes.resize(100, 0);
                    bytes
                })
                .collect()
        };
        let mut columns = vec![(
            "id".to_owned(),
            DType::Bytes(100),
            s100(&mut self.ids.iter().map(String::as_str)),
        )];
        let mut tags: Vec<&Tag> = self.tags.iter().filter(|t| t.name != "id").collect();
        tags.sort_by(|a, b| a.name.cmp(&b.name));
        for tag in tags {
            let mut values = tag.of_asset.iter().map(|&i| tag.values[i].as_str());
            columns.push((tag.name.clone(), DType::Bytes(100), s100(&mut values)));
        }
        let round5 = |v: &f32| ((v * 1e5f32).round_ties_even() / 1e5f32).to_le_bytes();
        for (name, values) in [("lon", &self.lons), ("lat", &self.lats)] {
            let bytes = values.iter().flat_map(round5).collect();
            columns.push((name.to_owned(), DType::Float(4), bytes));
        }
        columns
    }

    /// The asset table of [`Assets::table`] as text: the column names (`id`, the tags but
    /// `id` in name order, `lon`, `lat`) and per asset its id, tag values and coordinates
    /// rounded to 5 decimals as numpy rounds f4, written `%.5f`.
    pub(crate) fn text_table(&self) -> (Vec<String>, Vec<Vec<String>>) {
        let mut tags: Vec<&Tag> = self.tags.iter().filter(|t| t.name != "id").collect();
        tags.sort_by(|a, b| a.name.cmp(&b.name));
        let mut header = vec!["id".to_owned()];
        header.extend(tags.iter().map(|t| t.name.clone()));
        header.extend(["lon".to_owned(), "lat".to_owned()]);
        let round5 = |v: f32| f64::from((v * 1e5f32).round_ties_even() / 1e5f32);
        let rows = (0..self.len())
            .map(|a| {
                let mut row = vec![self.ids[a].clone()];
                row.extend(tags.iter().map(|t| t.values[t.of_asset[a]].clone()));
                row.push(format!("{:.5}", round5(self.lons[a])));
                row.push(format!("{:.5}", round5(self.lats[a])));
                row
            })
            .collect();
        (header, rows)
    }

    /// The tag names in the exposure's order.
    pub(crate) fn tag_names(&self) -> Vec<&str> {
        self.tags.iter().map(|t| t.name.as_str()).collect()
    }

    /// Per asset, its value of tag `name` (its id for the tag `id`).
    pub(crate) fn tag_column(&self, name: &str) -> ExtractResult<Vec<&str>> {
        if name == "id" && self.tags.iter().all(|t| t.name != "id") {
            return Ok(self.ids.iter().map(String::as_str).collect());
        }
        let tag = self.tag(name)?;
        Ok(tag
            .of_asset
            .iter()
            .map(|&i| tag.values[i].as_str())
            .collect())
    }

    /// Per asset, its values of `tagnames` joined by tabs (as `agg_keys` stores the
    /// aggregation keys).
    pub(crate) fn keys(&self, tagnames: &[String]) -> ExtractResult<Vec<String>> {
        let tags = tagnames
            .iter()
            .map(|name| self.tag(name))
            .collect::<ExtractResult<Vec<_>>>()?;
        Ok((0..self.len())
            .map(|a| {
                let values: Vec<&str> = tags
                    .iter()
                    .map(|t| t.values[t.of_asset[a]].as_str())
                    .collect();
                values.join("\t")
            })
            .collect())
    }

    /// `values` (`width` f4 per asset, asset-major) summed per combination of the values of
    /// `tags`, as the reference's `aggregateby`: sums in f8 in asset order, then f4; shape
    /// [values of each tag…] + `trailing`. No tag: the plain sum over the assets.
    pub(crate) fn aggregate_by(
        &self,
        tags: &[&str],
        values: &[f32],
        trailing: &[usize],
    ) -> ExtractResult<NpyArray> {
        let width: usize = trailing.iter().product();
        if tags.is_empty() {
            // numpy sums each column of a strided (A, L) view pairwise
            let all: Vec<usize> = (0..self.len()).collect();
            let sums = (0..width).map(|c| pairwise_sum(&column(values, width, c, &all)));
            return Ok(NpyArray::f32(trailing.to_vec(), sums));
        }
        let tags = tags
            .iter()
            .map(|name| self.tag(name))
            .collect::<ExtractResult<Vec<_>>>()?;
        let mut shape: Vec<usize> = tags.iter().map(|t| t.values.len() - 1).collect();
        let cells: usize = shape.iter().product();
        let mut sums = vec![0f64; cells * width];
        for asset in 0..self.len() {
            // the '?' value (index 0) has no cell: such assets are left out
            let mut cell = 0;
            for tag in &tags {
                let i = tag.of_asset[asset];
                if i == 0 {
                    cell = usize::MAX;
                    break;
                }
                cell = cell * (tag.values.len() - 1) + i - 1;
            }
            if cell == usize::MAX {
                continue;
            }
            for c in 0..width {
                sums[cell * width + c] += f64::from(values[asset * width + c]);
            }
        }
        shape.extend_from_slice(trailing);
        Ok(NpyArray::f32(shape, sums.into_iter().map(|v| v as f32)))
    }

    /// The reference's `_filter_agg`: the assets selected by `filters` (`tag=value` pairs,
    /// ANDed; at most one `tag=*`) and the sum of their `values` (`width` f4 per asset).
    /// Without `*`: `Some(sums)` (`None` when no asset is selected). With `tag=*`: one sum per
    /// value of that tag with selected assets, and the `tag=value` names of those.
    pub(crate) fn filter_sum(
        &self,
        filters: &[(&str, &str)],
        values: &[f32],
        width: usize,
    ) -> ExtractResult<Filtered> {
        let mut selected = vec![true; self.len()];
        let mut star = Vec::new();
        for &(name, value) in filters {
            if value == "*" {
                self.tag(name)?;
                star.push(name);
                continue;
            }
            for (s, ok) in selected.iter_mut().zip(self.having(name, value)?) {
                *s &= ok;
            }
        }
        let sum_of = |mask: &[bool]| -> Option<Vec<f32>> {
            let rows: Vec<usize> = (0..self.len()).filter(|&a| mask[a]).collect();
            (!rows.is_empty()).then(|| sum_rows(values, width, &rows))
        };
        match star.as_slice() {
            [] => Ok(Filtered::One(sum_of(&selected))),
            [name] => {
                let mut groups = Vec::new();
                for value in self.tag_values(name)? {
                    let mask: Vec<bool> = self
                        .having(name, value)?
                        .into_iter()
                        .zip(&selected)
                        .map(|(a, b)| a && *b)
                        .collect();
                    if let Some(sums) = sum_of(&mask) {
                        groups.push((format!("{name}={value}"), sums));
                    }
                }
                Ok(Filtered::ByTag(groups))
            }
            names => Err(bad(format!(
                "only one tag may be '*' (got {})",
                names.join(", ")
            ))),
        }
    }
}

/// The records of `assetcol/array`, or a 400 when the calculation has no exposure.
pub(crate) fn exposure_array(ds: &Datastore) -> ExtractResult<RawArray> {
    if !ds.contains("assetcol/array") {
        return Err(bad("this calculation has no exposure (assetcol)"));
    }
    Ok(ds.read_dataset_raw("assetcol/array")?)
}

/// What [`Assets::filter_sum`] found.
pub(crate) enum Filtered {
    /// The sum over the selected assets (`None`: no asset selected).
    One(Option<Vec<f32>>),
    /// `tag=value` and the sum over the selected assets of that value, for each value with
    /// selected assets.
    ByTag(Vec<(String, Vec<f32>)>),
}

/// Column `c` of `values` (`width` per row) at `rows`.
fn column(values: &[f32], width: usize, c: usize, rows: &[usize]) -> Vec<f32> {
    rows.iter().map(|&r| values[r * width + c]).collect()
}

/// The sum over `rows` of `values` (`width` f4 per row) as numpy sums a C-ordered (rows,
/// width) f4 array along its first axis: pairwise when it is a single column, else row by
/// row.
fn sum_rows(values: &[f32], width: usize, rows: &[usize]) -> Vec<f32> {
    if width == 1 {
        return vec![pairwise_sum(&column(values, 1, 0, rows))];
    }
    let mut sums = vec![0f32; width];
    for &r in rows {
        for (s, v) in sums.iter_mut().zip(&values[r * width..(r + 1) * width]) {
            *s += v;
        }
    }
    sums
}

/// numpy's pairwise summation of f4 values (`pairwise_sum` of its add loop, blocks of 128
/// with eight accumulators), added to 0.
pub(crate) fn pairwise_sum(values: &[f32]) -> f32 {
    0f32 + pairwise(values)
}

fn pairwise(a: &[f32]) -> f32 {
    let n = a.len();
    if n < 8 {
        a.iter().fold(-0f32, |s, v| s + v)
    } else if n <= 128 {
        let mut r: [f32; 8] = a[..8].try_into().unwrap_or([0.0; 8]);
        let whole = n - n % 8;
        for block in a[8..whole].chunks_exact(8) {
            for (acc, v) in r.iter_mut().zip(block) {
                *acc += v;
            }
        }
        let res = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        a[whole..].iter().fold(res, |s, v| s + v)
    } else {
        let half = n / 2;
        let half = half - half % 8;
        pairwise(&a[..half]) + pairwise(&a[half..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pairwise_sums_blocks_of_eight() {
        // 2^24 + 1 rounds back to 2^24 in f4: added one by one the ones are lost, in
        // numpy's eight accumulators only the one added to 2^24 is
        let mut values = vec![1f32; 16];
        values[0] = 16_777_216.0;
        assert_eq!(values.iter().sum::<f32>(), 16_777_216.0);
        assert_eq!(pairwise_sum(&values), 16_777_230.0);
        assert_eq!(pairwise_sum(&[1.0, 2.0]), 3.0);
        assert_eq!(pairwise_sum(&[]), 0.0);
    }
}
