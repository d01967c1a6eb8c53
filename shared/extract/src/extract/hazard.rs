//! Hazard curves, maps and uniform hazard spectra: `hcurves`, `hmaps`, `uhs`.
//!
//! Without parameters each returns the QGIS table `all` (one record per site: the site
//! columns, then per statistic, sorted by name, the values by IMT and level or PoE) and
//! `investigation_time`. With `kind=` (required; `mean`, `quantile-Q`, `stats`, `rlzs`,
//! `rlz-N`, repeatable), `imt=` and `site_id=` each returns one member per selected kind,
//! f4 [sites, IMTs, levels or PoEs] (`uhs`: one record per site, PoE then IMT), plus the
//! echoes `kind`, `k`, `rlzs`, `imt`, `site_id`.

use ndarray::{Array4, s};
use oqcloud_datastore::{DType, Datastore, HazardDataset, HazardKind};
use oqcloud_model::jobini::float_repr;

use super::npz::{NpyArray, Npz, compound};
use super::{ExtractResult, Query, bad, malformed, position_in};

/// Which of the three.
#[derive(Clone, Copy, PartialEq)]
enum Family {
    Curves,
    Maps,
    Uhs,
}

impl Family {
    fn spec(self) -> &'static str {
        match self {
            Family::Curves => "hcurves",
            Family::Maps => "hmaps",
            Family::Uhs => "uhs",
        }
    }

    /// The array read for realizations or statistics.
    fn dataset(self, rlzs: bool) -> HazardKind {
        match (self, rlzs) {
            (Family::Curves, true) => HazardKind::CurvesRlzs,
            (Family::Curves, false) => HazardKind::CurvesStats,
            (_, true) => HazardKind::MapsRlzs,
            (_, false) => HazardKind::MapsStats,
        }
    }
}

/// `hcurves`: see the module documentation.
pub(super) fn hcurves(ds: &Datastore, query: &Query) -> ExtractResult {
    family(ds, query, Family::Curves)
}

/// `hmaps`: see the module documentation.
pub(super) fn hmaps(ds: &Datastore, query: &Query) -> ExtractResult {
    family(ds, query, Family::Maps)
}

/// `uhs`: see the module documentation.
pub(super) fn uhs(ds: &Datastore, query: &Query) -> ExtractResult {
    family(ds, query, Family::Uhs)
}

fn family(ds: &Datastore, query: &Query, family: Family) -> ExtractResult {
    let known: &[&str] = if family == Family::Uhs {
        &["kind", "site_id"]
    } else {
        &["kind", "imt", "site_id"]
    };
    query.only(family.spec(), known)?;
    if query.is_empty() {
        qgis(ds, family)
    } else {
        selected(ds, query, family)
    }
}

/// Reads a hazard array, or a 400 naming it when the calculation did not store it.
fn read(ds: &Datastore, kind: HazardKind, why: &str) -> ExtractResult<HazardDataset> {
    if !ds.contains(kind.dataset()) {
        return Err(bad(format!(
            "this calculation has no {} ({why})",
            kind.dataset()
        )));
    }
    Ok(ds.hazard(kind)?)
}

/// One selected realization or statistic.
pub(super) struct Selected {
    /// Member name: the statistic or `rlz-NNN`.
    member: String,
    /// Index along the realization/statistic axis (`k` in the reference).
    pub(super) k: usize,
}

/// The `kind` values normalized as the reference does: the members, the echoed names and
/// whether they are realizations.
pub(super) fn kinds(
    values: &[&str],
    stats: &[String],
    num_rlzs: usize,
) -> ExtractResult<(Vec<Selected>, Vec<String>, bool)> {
    let mut selected = Vec::new();
    let mut echo = Vec::new();
    let (mut rlzs, mut statistics) = (false, false);
    let rlz = |r: usize| format!("rlz-{r:03}");
    for &kind in values {
        if let Some(number) = kind.strip_prefix("rlz-") {
            let r: usize = number
                .parse()
                .map_err(|_| bad(format!("kind: '{kind}' is not rlz-<number>")))?;
            if r >= num_rlzs {
                return Err(bad(format!(
                    "kind: no realization {r} (the calculation has {num_rlzs})"
                )));
            }
            selected.push(Selected {
                member: rlz(r),
                k: r,
            });
            echo.push(kind.to_owned());
            rlzs = true;
        } else if kind == "rlzs" {
            for r in 0..num_rlzs {
                selected.push(Selected {
                    member: rlz(r),
                    k: r,
                });
                echo.push(rlz(r));
            }
            rlzs = true;
        } else if kind == "stats" {
            for (k, stat) in stats.iter().enumerate() {
                selected.push(Selected {
                    member: stat.clone(),
                    k,
                });
                echo.push(stat.clone());
            }
            statistics = true;
        } else if let Some(k) = stats.iter().position(|s| s == kind) {
            selected.push(Selected {
                member: kind.to_owned(),
                k,
            });
            echo.push(kind.to_owned());
            statistics = true;
        } else {
            let mut expected = stats.to_vec();
            expected.extend(["stats", "rlzs", "rlz-<n>"].map(String::from));
            return Err(bad(format!(
                "kind: unknown '{kind}' (expected one of {})",
                expected.join(", ")
            )));
        }
    }
    if rlzs && statistics {
        return Err(bad("kind: realizations and statistics cannot be mixed"));
    }
    if selected.is_empty() {
        return Err(bad(
            "kind: nothing selected (the calculation has no statistics)",
        ));
    }
    Ok((selected, echo, rlzs))
}

/// The names of the statistics stored in the `-stats` array of a family (empty if none).
fn stat_names(ds: &Datastore, family: Family) -> ExtractResult<Vec<String>> {
    let kind = family.dataset(false);
    if !ds.contains(kind.dataset()) {
        return Ok(Vec::new());
    }
    Ok(ds.hazard(kind)?.labels("stat").unwrap_or_default())
}

/// `<spec>?kind=..[&imt=..][&site_id=..]`.
fn selected(ds: &Datastore, query: &Query, family: Family) -> ExtractResult {
    let kind_values = query.all("kind");
    if kind_values.is_empty() {
        return Err(bad(format!("extract/{}: kind is required", family.spec())));
    }
    let stats = stat_names(ds, family)?;
    let num_rlzs = ds.weights()?.len();
    let (selected, echo, rlzs) = kinds(&kind_values, &stats, num_rlzs)?;
    let why = if rlzs {
        "individual_rlzs is off"
    } else {
        "no statistics"
    };
    let data = read(ds, family.dataset(rlzs), why)?;
    let (n, _, m, _) = data.array.dim();

    let imt = query.one("imt")?;
    let imts = match imt {
        None => 0..m,
        Some(imt) => {
            let i = position_in("imt", imt, &data.labels("imt").unwrap_or_default())?;
            i..i + 1
        }
    };
    let site_ids = query
        .all("site_id")
        .into_iter()
        .map(|text| {
            text.parse::<i64>()
                .map_err(|_| bad(format!("site_id: '{text}' is not an integer")))
        })
        .collect::<ExtractResult<Vec<i64>>>()?;
    // as the reference, only the first site_id counts (all are echoed)
    let sites = match site_ids.first() {
        None => 0..n,
        Some(&id) => {
            // Python indexing: -1 is the last site
            let index = if id < 0 { n as i64 + id } else { id };
            if !(0..n as i64).contains(&index) {
                return Err(bad(format!(
                    "site_id: {id} is out of range (the calculation has {n} sites)"
                )));
            }
            index as usize..index as usize + 1
        }
    };

    let mut npz = Npz::new();
    for sel in &selected {
        // statistics are found by name in the stored array, as the reference's `sel`
        let index = if rlzs {
            sel.k
        } else {
            data.labels("stat")
                .and_then(|names| names.iter().position(|s| *s == sel.member))
                .ok_or_else(|| bad(format!("no statistic '{}' stored", sel.member)))?
        };
        let view = data
            .array
            .slice(s![sites.clone(), index, imts.clone(), ..])
            .to_owned();
        let array = if family == Family::Uhs {
            uhs_records(ds, &view)?
        } else {
            let shape = view.shape().to_vec();
            NpyArray::f32(shape, view.iter().copied())
        };
        npz.add(sel.member.clone(), array);
    }
    npz.add("kind", NpyArray::unicode(&echo));
    if let Some(imt) = imt {
        npz.add("imt", NpyArray::unicode(&[imt]));
    }
    if !site_ids.is_empty() {
        npz.add("site_id", NpyArray::i64s(&site_ids));
    }
    let ks: Vec<i64> = selected.iter().map(|sel| sel.k as i64).collect();
    npz.add("k", NpyArray::i64s(&ks));
    npz.add("rlzs", NpyArray::bool_scalar(rlzs));
    npz.add_extra();
    Ok(npz)
}

/// The PoEs and the IMTs with a period (PGA, SA) of the job: the axes of a spectrum.
struct SpectrumAxes {
    poes: Vec<f64>,
    /// (index in the hazard arrays, name)
    imts: Vec<(usize, String)>,
}

impl SpectrumAxes {
    fn read(ds: &Datastore) -> ExtractResult<SpectrumAxes> {
        let oq = ds.oqparam()?;
        let imts = oq
            .hazard_imtls()?
            .into_iter()
            .enumerate()
            .filter(|(_, (imt, _))| imt.starts_with("PGA") || imt.starts_with("SA"))
            .map(|(m, (imt, _))| (m, imt))
            .collect();
        Ok(SpectrumAxes {
            poes: oq.poes()?,
            imts,
        })
    }

    /// `'%.6f' % poe` → (IMT → f4).
    fn dtype(&self) -> DType {
        let by_imt = compound(
            self.imts
                .iter()
                .map(|(_, imt)| (imt.clone(), DType::Float(4))),
        );
        compound(
            self.poes
                .iter()
                .map(|poe| (format!("{poe:.6}"), by_imt.clone())),
        )
    }

    /// The spectrum of one site from its map values [M, P].
    fn row(&self, maps: ndarray::ArrayView2<f32>) -> ExtractResult<Vec<u8>> {
        let (m, p) = maps.dim();
        if self.poes.len() != p || self.imts.iter().any(|&(i, _)| i >= m) {
            return Err(malformed(
                "hmaps",
                "the hazard maps do not match the job's poes and IMTs",
            ));
        }
        let mut out = Vec::new();
        for p in 0..self.poes.len() {
            for &(i, _) in &self.imts {
                out.extend(maps[[i, p]].to_le_bytes());
            }
        }
        Ok(out)
    }
}

/// Uniform hazard spectra of the sites of `maps` [N, M, P]: one record per site.
fn uhs_records(ds: &Datastore, maps: &ndarray::Array3<f32>) -> ExtractResult<NpyArray> {
    let axes = SpectrumAxes::read(ds)?;
    let dtype = axes.dtype();
    let mut data = Vec::new();
    for site in maps.outer_iter() {
        data.extend(axes.row(site)?);
    }
    Ok(NpyArray::new(&dtype, vec![maps.dim().0], data))
}

/// `<spec>` without parameters: the QGIS table `all` and `investigation_time`.
fn qgis(ds: &Datastore, family: Family) -> ExtractResult {
    let data = read(ds, family.dataset(false), "no statistics")?;
    let stats = data.labels("stat").unwrap_or_default();
    let oq = ds.oqparam()?;
    let array: &Array4<f32> = &data.array;
    let (n, _, m, _) = array.dim();

    let mut columns = site_columns(ds)?;
    let mut order: Vec<(usize, &String)> = stats.iter().enumerate().collect();
    order.sort_by(|a, b| a.1.cmp(b.1));
    for (s, stat) in order {
        let (dtype, bytes) = match family {
            Family::Uhs => {
                let axes = SpectrumAxes::read(ds)?;
                let mut bytes = Vec::new();
                for site in 0..n {
                    bytes.extend(axes.row(array.slice(s![site, s, .., ..]))?);
                }
                (axes.dtype(), bytes)
            }
            Family::Curves | Family::Maps => {
                let labels: Vec<(String, Vec<f64>)> = if family == Family::Curves {
                    oq.hazard_imtls()?
                } else {
                    let poes = oq.poes()?;
                    oq.hazard_imtls()?
                        .into_iter()
                        .map(|(imt, _)| (imt, poes.clone()))
                        .collect()
                };
                let last = array.dim().3;
                if labels.len() != m || labels.iter().any(|(_, l)| l.len() != last) {
                    return Err(malformed(
                        family.dataset(false).dataset(),
                        "its shape does not match the job's IMTs and levels or poes",
                    ));
                }
                let dtype = compound(labels.iter().map(|(imt, values)| {
                    let fields = values.iter().map(|&v| (float_repr(v), DType::Float(4)));
                    (imt.clone(), compound(fields))
                }));
                let bytes = array
                    .slice(s![.., s, .., ..])
                    .iter()
                    .flat_map(|v| v.to_le_bytes())
                    .collect();
                (dtype, bytes)
            }
        };
        columns.push((stat.clone(), dtype, bytes));
    }

    let mut npz = Npz::new();
    let investigation_time = match oq.investigation_time() {
        Some(t) => NpyArray::f64_scalar(t),
        None => NpyArray::f64s(&[]),
    };
    npz.add("investigation_time", investigation_time);
    npz.add("all", NpyArray::records(n, &columns));
    npz.add_extra();
    Ok(npz)
}

/// The site columns of the QGIS and event-based tables: `custom_site_id` if any, lon, lat,
/// and depth unless every site is at sea level.
pub(super) fn site_columns(ds: &Datastore) -> ExtractResult<Vec<(String, DType, Vec<u8>)>> {
    let sitecol = ds.sitecol()?;
    let mut names = vec!["custom_site_id", "lon", "lat"];
    if sitecol.depth.iter().any(|&d| d != 0.0) {
        names.push("depth");
    }
    let columns = sitecol.columns();
    Ok(names
        .into_iter()
        .filter_map(|name| columns.iter().find(|(n, _)| n == name))
        .map(|(name, c)| (name.clone(), c.dtype.clone(), c.data.clone()))
        .collect())
}
