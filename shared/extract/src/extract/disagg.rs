//! Disaggregation: `disagg` (the matrix of one output at one site) and `disagg_layer` (every
//! site and output, averaged over the site's realizations), from the `disagg-rlzs`,
//! `disagg-stats`, `disagg-bins`, `best_rlzs`, `poe4` and `hmap3` datasets.
//!
//! `disagg?kind=K&site_id=N&spec=S[&imt=..][&poe_id=..]`: `kind` one of the calculation's
//! outputs (`Mag`, `Mag_Dist`, `TRT_Lon_Lat`, ...), `spec` `rlzs`, `stats`,
//! `rlzs-traditional` or `stats-traditional` (the matrix as the rate-based fraction of the
//! aggregate PoE, `ln(1 − p) / ln(1 − poe)`); `imt` and `poe_id` select (repeatable, in the
//! order given). The answer echoes the query, then the bin mid-points of each axis under its
//! lower-case name (`trt`: the names), `imt`, `poe`, `traditional`, `shape_descr`,
//! `weights` (the normalized weights of the site's realizations, `rlzs` only), `extra`
//! (`rlzN` per realization, or `mean`) and `array` [axes…, IMTs, PoEs, realizations].

use oqcloud_datastore::{DType, Datastore, RawArray};
use oqcloud_model::jobini::float_repr;

use super::npz::{NpyArray, Npz, compound};
use super::{ExtractError, ExtractResult, Query, bad, job_imts as imts, malformed, position_in};

/// The outputs OpenQuake computes when the job does not set `disagg_outputs`.
const DEFAULT_OUTPUTS: [&str; 11] = [
    "Mag",
    "Dist",
    "Mag_Dist",
    "Mag_Dist_Eps",
    "Lon_Lat",
    "Mag_Lon_Lat",
    "TRT",
    "TRT_Mag",
    "TRT_Lon_Lat",
    "TRT_Mag_Dist",
    "TRT_Mag_Dist_Eps",
];

/// An f8 array read whole, with its shape.
struct Floats {
    shape: Vec<usize>,
    values: Vec<f64>,
}

fn floats(ds: &Datastore, path: &str) -> ExtractResult<Floats> {
    let raw = ds.read_dataset_raw(path)?;
    Ok(Floats {
        values: raw.to_f64(path)?,
        shape: raw.shape,
    })
}

/// The query values as OpenQuake echoes them (`ast.literal_eval` of each): integers,
/// else floats, else strings.
fn echo(values: &[&str]) -> NpyArray {
    if let Ok(ints) = values
        .iter()
        .map(|v| v.parse::<i64>())
        .collect::<Result<Vec<_>, _>>()
    {
        return NpyArray::i64s(&ints);
    }
    let finite = |v: &&str| v.parse::<f64>().ok().filter(|x| x.is_finite());
    if let Some(floats) = values.iter().map(finite).collect::<Option<Vec<f64>>>() {
        return NpyArray::f64s(&floats);
    }
    NpyArray::unicode(values)
}

/// The single, required value of `name`.
fn required<'a>(query: &Query<'a>, name: &str) -> ExtractResult<&'a str> {
    query
        .one(name)?
        .ok_or_else(|| bad(format!("extract/disagg needs {name}=")))
}

/// The realization indices of site `sid` (`best_rlzs`).
fn best_rlzs(ds: &Datastore, sid: usize) -> ExtractResult<Vec<usize>> {
    let raw = ds.read_dataset_raw("best_rlzs")?;
    let z = raw.shape.get(1).copied().unwrap_or(1);
    let all = raw.to_i64("best_rlzs")?;
    all.get(sid * z..(sid + 1) * z)
        .ok_or_else(|| malformed("best_rlzs", "fewer rows than sites"))?
        .iter()
        .map(|&r| usize::try_from(r).map_err(|_| malformed("best_rlzs", "negative index")))
        .collect()
}

/// The bins of `axis` (`Mag`, `Dist`, `Eps`, `Lon`, `Lat`, `TRT`) at site `sid`: the edges
/// (per site for `Lon` and `Lat`), or the names of `TRT` as stored.
fn bins(ds: &Datastore, axis: &str, sid: usize) -> ExtractResult<RawArray> {
    let path = format!("disagg-bins/{axis}");
    if !ds.contains(&path) {
        return Err(malformed(&path, "missing"));
    }
    let raw = ds.read_dataset_raw(&path)?;
    if raw.shape.len() != 2 {
        return Ok(raw);
    }
    let width = raw.shape[1] * raw.dtype.size();
    let row = raw
        .data
        .get(sid * width..(sid + 1) * width)
        .ok_or_else(|| malformed(&path, "fewer rows than sites"))?
        .to_vec();
    Ok(RawArray {
        dtype: raw.dtype,
        shape: vec![raw.shape[1]],
        data: row,
    })
}

/// `disagg`: see the module documentation.
pub(super) fn disagg(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("disagg", &["kind", "site_id", "spec", "imt", "poe_id"])?;
    let kind = required(query, "kind")?;
    let site = required(query, "site_id")?;
    let (spec, traditional) = match required(query, "spec")? {
        "rlzs" => ("rlzs", false),
        "stats" => ("stats", false),
        "rlzs-traditional" => ("rlzs", true),
        "stats-traditional" => ("stats", true),
        other => {
            return Err(bad(format!(
                "spec: '{other}' is not one of rlzs, stats, rlzs-traditional, stats-traditional"
            )));
        }
    };
    let group = format!("disagg-{spec}");
    if !ds.contains(&group) {
        return Err(bad(format!(
            "this calculation has no disaggregation by {spec} ({group})"
        )));
    }
    let kinds = ds.members(&group)?;
    if !kinds.iter().any(|k| k == kind) {
        return Err(bad(format!(
            "kind: '{kind}' is not one of the outputs of this calculation ({})",
            kinds.join(", ")
        )));
    }
    let path = format!("{group}/{kind}");
    let full = floats(ds, &path)?;
    let n_sites = full.shape[0];
    let sid = site
        .parse::<usize>()
        .map_err(|_| bad(format!("site_id: '{site}' is not an integer")))?;
    if sid >= n_sites {
        return Err(bad(format!(
            "site_id: {sid} is out of range (the calculation has {n_sites} sites)"
        )));
    }
    let rank = full.shape.len();
    if rank < 4 {
        return Err(malformed(&path, "fewer than 4 dimensions"));
    }
    let (m_all, p_all, z) = (
        full.shape[rank - 3],
        full.shape[rank - 2],
        full.shape[rank - 1],
    );
    let axes_shape = &full.shape[1..rank - 3];

    let imts = imts(ds)?;
    let imt_query = query.all("imt");
    let imt_ids: Vec<usize> = if imt_query.is_empty() {
        (0..m_all).collect()
    } else {
        imt_query
            .iter()
            .map(|imt| position_in("imt", imt, &imts))
            .collect::<Result<_, _>>()?
    };
    let poe_query = query.all("poe_id");
    let poe_ids: Vec<usize> = if poe_query.is_empty() {
        (0..p_all).collect()
    } else {
        poe_query
            .iter()
            .map(|p| {
                p.parse::<usize>()
                    .ok()
                    .filter(|&p| p < p_all)
                    .ok_or_else(|| {
                        bad(format!(
                            "poe_id: '{p}' is not a PoE index (0 to {})",
                            p_all - 1
                        ))
                    })
            })
            .collect::<Result<_, _>>()?
    };

    // the site's matrix, IMTs and PoEs selected: [axes…, M', P', Z]
    let cells: usize = axes_shape.iter().product();
    let site_block = cells * m_all * p_all * z;
    let site_values = &full.values[sid * site_block..(sid + 1) * site_block];
    let mut matrix = Vec::with_capacity(cells * imt_ids.len() * poe_ids.len() * z);
    for cell in 0..cells {
        for &m in &imt_ids {
            for &p in &poe_ids {
                let start = ((cell * m_all + m) * p_all + p) * z;
                matrix.extend_from_slice(&site_values[start..start + z]);
            }
        }
    }
    if traditional {
        let poe4 = floats(ds, "poe4")?;
        if poe4.shape.len() != 4 || poe4.shape[3] != z {
            return Err(bad(format!(
                "spec={spec}-traditional: the aggregate PoEs (poe4) are stored by realization \
                 ({} of them), not for {z} {spec}",
                poe4.shape.last().copied().unwrap_or(0)
            )));
        }
        let (pm, pp) = (poe4.shape[1], poe4.shape[2]);
        let per_cell = imt_ids.len() * poe_ids.len() * z;
        for (i, value) in matrix.iter_mut().enumerate() {
            let within = i % per_cell;
            let (mi, rest) = (within / (poe_ids.len() * z), within % (poe_ids.len() * z));
            let (pi, zi) = (rest / z, rest % z);
            let agg = poe4.values[((sid * pm + imt_ids[mi]) * pp + poe_ids[pi]) * z + zi];
            *value = (1.0 - *value).ln() / (1.0 - agg).ln();
        }
    }

    let mut npz = Npz::new();
    let mut echoed: Vec<&str> = Vec::new();
    for (name, _) in &query.pairs {
        if !echoed.contains(name) {
            echoed.push(name);
            npz.add(*name, echo(&query.all(name)));
        }
    }
    let axis_names: Vec<&str> = kind.split('_').collect();
    for axis in &axis_names {
        let edges = bins(ds, axis, sid)?;
        let array = if matches!(edges.dtype, DType::Bytes(_)) {
            NpyArray::from_raw(edges)
        } else {
            let e = edges.to_f64(axis)?;
            let mids: Vec<f64> = e.windows(2).map(|w| (w[0] + w[1]) / 2.0).collect();
            NpyArray::f64s(&mids)
        };
        npz.add(axis.to_lowercase(), array);
    }
    if imt_query.is_empty() {
        npz.add("imt", NpyArray::unicode(&imts));
    }
    let poes = ds.oqparam()?.poes()?;
    if poes.is_empty() {
        return Err(ExtractError::Unsupported(
            "disagg of a calculation by iml_disagg (no poes)".to_owned(),
        ));
    }
    let selected_poes: Vec<f64> = poe_ids
        .iter()
        .map(|&p| {
            poes.get(p)
                .copied()
                .ok_or_else(|| malformed("oqparam", "fewer poes than the disaggregation"))
        })
        .collect::<Result<_, _>>()?;
    npz.add("poe", NpyArray::f64s(&selected_poes));
    npz.add("traditional", NpyArray::bool_scalar(traditional));
    let mut shape_descr: Vec<String> = axis_names.iter().map(|a| a.to_lowercase()).collect();
    shape_descr.extend(["imt".to_owned(), "poe".to_owned()]);
    npz.add("shape_descr", NpyArray::unicode(&shape_descr));
    let rlzs = best_rlzs(ds, sid)?;
    let extra: Vec<String> = if spec == "rlzs" {
        // the realization weights are float32 in the datastore, normalized in float32
        let all = ds.weights()?;
        let weights: Vec<f32> = rlzs
            .iter()
            .map(|&r| {
                all.get(r)
                    .copied()
                    .ok_or_else(|| malformed("weights", "too short"))
            })
            .collect::<Result<_, _>>()?;
        let total: f32 = weights.iter().sum();
        let normalized: Vec<f64> = weights.iter().map(|w| f64::from(w / total)).collect();
        npz.add("weights", NpyArray::f64s(&normalized));
        rlzs.iter().map(|r| format!("rlz{r}")).collect()
    } else {
        vec!["mean".to_owned()]
    };
    npz.add("extra", NpyArray::unicode(&extra));
    let mut shape = axes_shape.to_vec();
    shape.extend([imt_ids.len(), poe_ids.len(), z]);
    npz.add(
        "array",
        NpyArray::new(
            &DType::Float(8),
            shape,
            matrix.iter().flat_map(|v| v.to_le_bytes()).collect(),
        ),
    );
    Ok(npz)
}

/// `disagg_layer[?kind=..]`: one record per site with its location, its longitude and
/// latitude bin edges, each output (`<kind>-<imt>-<poe>`, f4 of the output's bins) averaged
/// over the site's realizations with their normalized weights, and the disaggregated
/// intensity `iml-<imt>-<poe>` (f4 per realization); members `mag`, `dist`, `eps` (bin
/// edges) and `trt` (names).
pub(super) fn disagg_layer(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("disagg_layer", &["kind"])?;
    if !ds.contains("disagg-rlzs") {
        return Err(bad("this calculation has no disaggregation (disagg-rlzs)"));
    }
    let oq = ds.oqparam()?;
    let stored: Vec<String> = ds.members("disagg-rlzs")?;
    let kinds: Vec<String> = match query.all("kind") {
        given if !given.is_empty() => given.iter().map(|k| k.to_string()).collect(),
        _ => match oq.params.get("disagg_outputs").and_then(|v| v.as_array()) {
            Some(list) => list
                .iter()
                .filter_map(|v| v.as_str().map(str::to_owned))
                .collect(),
            None => DEFAULT_OUTPUTS.iter().map(|k| k.to_string()).collect(),
        },
    };
    if let Some(missing) = kinds.iter().find(|k| !stored.contains(k)) {
        return Err(bad(format!(
            "kind: '{missing}' is not one of the outputs of this calculation ({})",
            stored.join(", ")
        )));
    }
    let poes: Vec<String> = match oq.params.get("poes_disagg").and_then(|v| v.as_array()) {
        Some(list) if !list.is_empty() => list
            .iter()
            .map(|v| v.as_f64().map(float_repr))
            .collect::<Option<_>>()
            .ok_or_else(|| malformed("oqparam", "poes_disagg: not numbers"))?,
        _ => vec!["None".to_owned()],
    };
    let imts = imts(ds)?;
    let sitecol = ds.sitecol()?;
    let n = sitecol.len();
    let lons = bins_all(ds, "Lon")?;
    let lats = bins_all(ds, "Lat")?;
    let hmap3 = floats(ds, "hmap3")?;
    let weights: Vec<f64> = ds.realizations()?.iter().map(|r| r.weight).collect();
    let outputs = kinds
        .iter()
        .map(|k| floats(ds, &format!("disagg-rlzs/{k}")))
        .collect::<Result<Vec<_>, _>>()?;
    let z = outputs
        .first()
        .and_then(|o| o.shape.last().copied())
        .unwrap_or(1);

    let f4 = || DType::Float(4);
    let sub = |dims: &[usize]| {
        dims.iter()
            .rev()
            .fold(f4(), |inner, &d| DType::Array(Box::new(inner), d))
    };
    let mut fields = vec![
        ("site_id".to_owned(), DType::UInt(4)),
        ("lon".to_owned(), f4()),
        ("lat".to_owned(), f4()),
        ("lon_bins".to_owned(), sub(&[lons.shape[1]])),
        ("lat_bins".to_owned(), sub(&[lats.shape[1]])),
    ];
    for (kind, output) in kinds.iter().zip(&outputs) {
        let rank = output.shape.len();
        for imt in &imts {
            for poe in &poes {
                fields.push((
                    format!("{kind}-{imt}-{poe}"),
                    sub(&output.shape[1..rank - 3]),
                ));
            }
        }
    }
    for imt in &imts {
        for poe in &poes {
            fields.push((format!("iml-{imt}-{poe}"), sub(&[z])));
        }
    }
    let dtype = compound(fields);

    let (lon, lat) = (&sitecol.lon, &sitecol.lat);
    let mut data = Vec::with_capacity(n * dtype.size());
    let push = |data: &mut Vec<u8>, v: f64| data.extend_from_slice(&(v as f32).to_le_bytes());
    for sid in 0..n {
        let rlzs = best_rlzs(ds, sid)?;
        let ws: Vec<f64> = rlzs
            .iter()
            .map(|&r| {
                weights
                    .get(r)
                    .copied()
                    .ok_or_else(|| malformed("full_lt", "too few"))
            })
            .collect::<Result<_, _>>()?;
        let total: f64 = ws.iter().sum();
        let ws: Vec<f64> = ws.iter().map(|w| w / total).collect();
        data.extend_from_slice(&u32::try_from(sid).unwrap_or(u32::MAX).to_le_bytes());
        push(&mut data, lon[sid]);
        push(&mut data, lat[sid]);
        for edges in [&lons, &lats] {
            let width = edges.shape[1];
            for v in &edges.values[sid * width..(sid + 1) * width] {
                push(&mut data, *v);
            }
        }
        for output in &outputs {
            let rank = output.shape.len();
            let (m_all, p_all) = (output.shape[rank - 3], output.shape[rank - 2]);
            let cells: usize = output.shape[1..rank - 3].iter().product();
            let block = cells * m_all * p_all * z;
            let site = &output.values[sid * block..(sid + 1) * block];
            for m in 0..m_all {
                for p in 0..p_all {
                    for cell in 0..cells {
                        let start = ((cell * m_all + m) * p_all + p) * z;
                        let dot: f64 = site[start..start + z]
                            .iter()
                            .zip(&ws)
                            .map(|(v, w)| v * w)
                            .sum();
                        push(&mut data, dot);
                    }
                }
            }
        }
        let (m_all, p_all) = (hmap3.shape[1], hmap3.shape[2]);
        for m in 0..m_all {
            for p in 0..p_all {
                let iml = hmap3.values[(sid * m_all + m) * p_all + p];
                for _ in 0..z {
                    push(&mut data, iml);
                }
            }
        }
    }

    let mut npz = Npz::new();
    for (member, axis) in [("mag", "Mag"), ("dist", "Dist"), ("eps", "Eps")] {
        let edges = bins(ds, axis, 0)?;
        npz.add(member, NpyArray::f64s(&edges.to_f64(axis)?));
    }
    // the names re-encoded, as wide as the longest
    let trt = bins(ds, "TRT", 0)?.to_strings("disagg-bins/TRT")?;
    npz.add("trt", NpyArray::from_raw(RawArray::from_strings(&trt)));
    npz.add_extra();
    npz.add("array", NpyArray::new(&dtype, vec![n], data));
    Ok(npz)
}

/// The per-site bin edges of `axis` (`Lon` or `Lat`), [sites, edges].
fn bins_all(ds: &Datastore, axis: &str) -> ExtractResult<Floats> {
    let path = format!("disagg-bins/{axis}");
    let all = floats(ds, &path)?;
    if all.shape.len() != 2 {
        return Err(malformed(&path, "not one row of edges per site"));
    }
    Ok(all)
}
