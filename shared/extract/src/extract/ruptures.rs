//! The ruptures of event-based and scenario calculations: `rupture_info` (one record per
//! rupture: magnitude, centroid, strike, dip, rake, and the outline of its surface as WKT)
//! and `ruptures` (the ruptures with their geometry, as OpenQuake's rupture CSV), read from
//! the `ruptures`, `rupgeoms`, `source_info` and `full_lt` datasets.
//!
//! `rupture_info` computes the geometry of planar surfaces (point, area and planar
//! ruptures) as the reference does, and of simple and complex fault meshes in double
//! precision where the reference works in single precision (a few float32 units in the
//! last place apart); ruptures on kite, gridded or multi-surfaces are refused, naming the
//! surface.

use std::io::Write as _;
use std::ops::Range;
use std::sync::Arc;

use flate2::Compression;
use flate2::write::GzEncoder;
use oqcloud_datastore::{AttrValue, DType, Datastore, RawArray};
use oqcloud_hazard::geo::{middle_point, round_coordinate};
use oqcloud_hazard::surface::{FaultMesh, MeshWindow, planar_from_corners};
use oqcloud_model::jobini::float_repr;

use super::npz::{NpyArray, Npz};
use super::{ExtractError, ExtractResult, Query, bad, dataset_i64, malformed};
use crate::export::csv::{self, Meta, coordinate, value};

/// The index of a rupture's tectonic region type is its `trt_smr` shifted by this.
const TRT_SHIFT: u32 = 24;
/// The reference takes the source of rupture `rup_id` at `rup_id` shifted by this.
const SOURCE_SHIFT: u32 = 30;
/// The reference's `ses_seed` when the job does not set it.
const DEFAULT_SES_SEED: i64 = 42;
/// Widths of the `source_id` and `trt` columns of `rupture_info`.
const SOURCE_ID_WIDTH: usize = 75;
const TRT_WIDTH: usize = 50;

/// The rupture and surface classes of each rupture `code` (OpenQuake's `BaseRupture.init`).
const CLASSES: &[(u8, &str, &str)] = &[
    (1, "PointRupture", "MultiSurface"),
    (15, "ParametricProbabilisticRupture", "ComplexFaultSurface"),
    (25, "NonParametricProbabilisticRupture", "GriddedSurface"),
    (26, "BaseRupture", "GriddedSurface"),
    (
        58,
        "NonParametricProbabilisticRupture",
        "ComplexFaultSurface",
    ),
    (59, "BaseRupture", "ComplexFaultSurface"),
    (70, "ParametricProbabilisticRupture", "MultiSurface"),
    (84, "PointRupture", "PlanarSurface"),
    (92, "PointRupture", "SimpleFaultSurface"),
    (113, "NonParametricProbabilisticRupture", "MultiSurface"),
    (114, "BaseRupture", "MultiSurface"),
    (131, "PointRupture", "KiteSurface"),
    (153, "ParametricProbabilisticRupture", "PlanarSurface"),
    (161, "ParametricProbabilisticRupture", "SimpleFaultSurface"),
    (169, "PointRupture", "GriddedSurface"),
    (196, "NonParametricProbabilisticRupture", "PlanarSurface"),
    (197, "BaseRupture", "PlanarSurface"),
    (200, "ParametricProbabilisticRupture", "KiteSurface"),
    (202, "PointRupture", "ComplexFaultSurface"),
    (
        204,
        "NonParametricProbabilisticRupture",
        "SimpleFaultSurface",
    ),
    (205, "BaseRupture", "SimpleFaultSurface"),
    (238, "ParametricProbabilisticRupture", "GriddedSurface"),
    (243, "NonParametricProbabilisticRupture", "KiteSurface"),
    (244, "BaseRupture", "KiteSurface"),
];

/// One record of the `ruptures` dataset (the fields the extracts read).
struct Rupture {
    id: i64,
    seed: i64,
    source: i64,
    trt_smr: i64,
    code: u8,
    n_occ: i64,
    mag: f32,
    rake: f32,
    occurrence_rate: f32,
    hypo: [f32; 3],
    geom_id: i64,
    model: Vec<u8>,
}

impl Rupture {
    /// The (rupture, surface) class names of the rupture's code.
    fn classes(&self) -> ExtractResult<(&'static str, &'static str)> {
        CLASSES
            .iter()
            .find(|(code, _, _)| *code == self.code)
            .map(|&(_, rupture, surface)| (rupture, surface))
            .ok_or_else(|| malformed("ruptures", &format!("unknown rupture code {}", self.code)))
    }

    /// The index of the rupture's tectonic region type among the logic tree's.
    fn trt_index(&self) -> usize {
        usize::try_from(self.trt_smr >> TRT_SHIFT).unwrap_or(usize::MAX)
    }
}

/// The stored ruptures in their order, or a 400 when the calculation has none.
fn read_ruptures(ds: &Datastore) -> ExtractResult<Vec<Rupture>> {
    if !ds.contains("ruptures") {
        return Err(bad("this calculation has no ruptures"));
    }
    let table = ds.read_dataset_raw("ruptures")?;
    let column = |name: &str| -> ExtractResult<RawArray> {
        table
            .field(name)
            .ok_or_else(|| malformed("ruptures", &format!("no {name} column")))
    };
    let ints = |name: &str| column(name)?.to_i64("ruptures").map_err(ExtractError::from);
    let floats = |name: &str| -> ExtractResult<Vec<f32>> {
        Ok(column(name)?
            .to_f64("ruptures")?
            .into_iter()
            .map(|v| v as f32)
            .collect())
    };
    let hypos: Vec<[f32; 3]> = column("hypo")?
        .data
        .chunks_exact(12)
        .map(|b| [0, 4, 8].map(|i| f32::from_le_bytes([b[i], b[i + 1], b[i + 2], b[i + 3]])))
        .collect();
    let models = column("model")?;
    let models: Vec<Vec<u8>> = models
        .data
        .chunks_exact(models.dtype.size().max(1))
        .map(|b| b[..b.iter().rposition(|&c| c != 0).map_or(0, |i| i + 1)].to_vec())
        .collect();
    let (ids, seeds, sources, trt_smrs) = (
        ints("id")?,
        ints("seed")?,
        ints("source_id")?,
        ints("trt_smr")?,
    );
    let (codes, n_occs, geom_ids) = (ints("code")?, ints("n_occ")?, ints("geom_id")?);
    let (mags, rakes, rates) = (floats("mag")?, floats("rake")?, floats("occurrence_rate")?);
    Ok((0..table.len())
        .map(|i| Rupture {
            id: ids[i],
            seed: seeds[i],
            source: sources[i],
            trt_smr: trt_smrs[i],
            code: u8::try_from(codes[i]).unwrap_or(0),
            n_occ: n_occs[i],
            mag: mags[i],
            rake: rakes[i],
            occurrence_rate: rates[i],
            hypo: hypos[i],
            geom_id: geom_ids[i],
            model: models[i].clone(),
        })
        .collect())
}

/// One surface of a rupture: `rows` × `cols` points (lon, lat, depth), row-major.
struct Mesh {
    rows: usize,
    cols: usize,
    points: Vec<[f32; 3]>,
}

/// The surfaces of a `rupgeoms` record: the number of surfaces, the rows and columns of
/// each, then for each surface its longitudes, latitudes and depths.
fn meshes(geom: &[f32], geom_id: i64) -> ExtractResult<Vec<Mesh>> {
    let broken = || malformed("rupgeoms", &format!("geometry {geom_id} is truncated"));
    let count = |i: usize| geom.get(i).map(|&v| v as usize).ok_or_else(broken);
    let n = count(0)?;
    let mut start = 1 + 2 * n;
    let mut out = Vec::with_capacity(n);
    for s in 0..n {
        let (rows, cols) = (count(1 + 2 * s)?, count(2 + 2 * s)?);
        let size = rows * cols;
        let coords = geom.get(start..start + 3 * size).ok_or_else(broken)?;
        let points = (0..size)
            .map(|p| [coords[p], coords[size + p], coords[2 * size + p]])
            .collect();
        out.push(Mesh { rows, cols, points });
        start += 3 * size;
    }
    Ok(out)
}

/// The geometry record of a rupture.
fn geometry<'a>(geoms: &'a [Vec<f32>], rupture: &Rupture) -> ExtractResult<&'a [f32]> {
    usize::try_from(rupture.geom_id)
        .ok()
        .and_then(|g| geoms.get(g))
        .map(Vec::as_slice)
        .ok_or_else(|| {
            malformed(
                "rupgeoms",
                &format!("no geometry {} (rupture {})", rupture.geom_id, rupture.id),
            )
        })
}

/// The middle point, strike, dip and outline (lon, lat) of a rupture's surface.
struct Outline {
    middle: [f64; 3],
    strike: f64,
    dip: f64,
    boundary: Vec<(f64, f64)>,
}

/// The outline of a planar surface stored as its corners (top left, top right, bottom left,
/// bottom right), as `PlanarSurface.from_array` rebuilds it: strike and dip from the
/// corners, the middle of the top-left to bottom-right diagonal, the corners clockwise.
fn planar_outline(mesh: &Mesh) -> Option<Outline> {
    let corners: [[f64; 3]; 4] = match mesh.points.as_slice() {
        [a, b, c, d] if mesh.rows == 1 && mesh.cols == 4 => [a, b, c, d].map(|p| p.map(f64::from)),
        _ => return None,
    };
    let [tl, _, _, br] = corners;
    let surface = planar_from_corners(corners);
    let (lon, lat) = middle_point(tl[0], tl[1], br[0], br[1]);
    Some(Outline {
        middle: [lon, lat, (tl[2] + br[2]) / 2.0],
        strike: surface.strike,
        dip: surface.dip,
        boundary: [0, 1, 3, 2, 0]
            .iter()
            .map(|&i| (corners[i][0], corners[i][1]))
            .collect(),
    })
}

/// The outline of a rupture, or a 400 naming the surfaces `rupture_info` does not handle.
fn outline(rupture: &Rupture, geom: &[f32]) -> ExtractResult<Outline> {
    let (_, surface) = rupture.classes()?;
    let meshes = meshes(geom, rupture.geom_id)?;
    let unsupported = || {
        ExtractError::Unsupported(format!(
            "rupture_info of ruptures on a {surface} (rupture {})",
            rupture.id
        ))
    };
    match (surface, meshes.as_slice()) {
        ("PlanarSurface", [mesh]) => planar_outline(mesh).ok_or_else(unsupported),
        ("SimpleFaultSurface", [mesh]) => mesh_outline(mesh, true).ok_or_else(unsupported),
        ("ComplexFaultSurface", [mesh]) => mesh_outline(mesh, false).ok_or_else(unsupported),
        _ => Err(unsupported()),
    }
}

/// The outline of a simple or complex fault surface stored as its mesh: strike and dip the
/// mean azimuth and inclination of its cells (of the top row of cells for a simple fault),
/// the mesh's middle point, the perimeter of the mesh from the top-left node clockwise
/// (`BaseSurface.get_surface_boundaries_3d`). The reference computes them in single
/// precision from the stored float32 mesh, this in double precision from the same values:
/// the angles and the centroid agree to a few float32 units in the last place.
fn mesh_outline(mesh: &Mesh, simple: bool) -> Option<Outline> {
    let (rows, cols) = (mesh.rows, mesh.cols);
    if rows < 2 || cols < 2 {
        return None;
    }
    let points = mesh.points.iter().map(|p| p.map(f64::from)).collect();
    let window = MeshWindow::whole(Arc::new(FaultMesh::new(rows, cols, points)));
    let (dip, strike) = if simple {
        window.sub(0, 0, 2, cols).mean_inclination_and_azimuth()
    } else {
        window.mean_inclination_and_azimuth()
    };
    // closed: back to the top-left node
    let perimeter = window.perimeter().chain([(0, 0)]);
    Some(Outline {
        middle: window.middle_point(),
        strike,
        dip,
        boundary: perimeter
            .map(|(r, c)| {
                let p = window.at(r, c);
                (p[0], p[1])
            })
            .collect(),
    })
}

/// The reference's WKT of an outline: a `POLYGON` of the corners at 5 decimals, or, when
/// fewer than 4 of them are distinct, a `LINESTRING` of the distinct ones in text order.
fn wkt(boundary: &[(f64, f64)]) -> String {
    let coords: Vec<String> = boundary
        .iter()
        .map(|(lon, lat)| format!("{lon:.5} {lat:.5}"))
        .collect();
    let mut distinct = coords.clone();
    distinct.sort();
    distinct.dedup();
    if distinct.len() < 4 {
        format!("LINESTRING({})", distinct.join(", "))
    } else {
        format!("POLYGON(({}))", coords.join(", "))
    }
}

/// `min_mag` (default 0) as the reference compares it with the stored `float32` magnitudes.
fn min_mag(query: &Query) -> ExtractResult<f32> {
    match query.one("min_mag")? {
        None => Ok(0.0),
        Some(text) => text
            .parse::<f64>()
            .ok()
            .filter(|m| m.is_finite())
            .map(|m| m as f32)
            .ok_or_else(|| bad(format!("min_mag: '{text}' is not a number"))),
    }
}

/// The tectonic region types of the logic tree (`full_lt`'s `trts`); a 400 for the
/// multi-model logic trees of a mosaic, which these extracts do not read.
fn logic_tree_trts(ds: &Datastore) -> ExtractResult<Vec<String>> {
    if !ds.contains("full_lt") {
        return Err(bad("this calculation has no logic tree (full_lt)"));
    }
    match ds.attr("full_lt", "trts") {
        Ok(AttrValue::Strs(trts)) => Ok(trts),
        Ok(AttrValue::Str(trt)) => Ok(vec![trt]),
        Ok(_) => Err(malformed("full_lt", "trts is not a list of strings")),
        // a mosaic's full_lt is a group of one logic tree per model
        Err(oqcloud_datastore::Error::Missing(_)) => Err(ExtractError::Unsupported(
            "ruptures of a multi-model logic tree".to_owned(),
        )),
        Err(error) => Err(error.into()),
    }
}

/// The tectonic region type of a rupture.
fn trt_of<'a>(trts: &'a [String], rupture: &Rupture) -> ExtractResult<&'a str> {
    trts.get(rupture.trt_index())
        .map(String::as_str)
        .ok_or_else(|| {
            malformed(
                "ruptures",
                &format!("trt_smr {} beyond full_lt's TRTs", rupture.trt_smr),
            )
        })
}

/// The source ids by source index (`source_info`), `None` for scenarios, which have none.
fn source_ids(ds: &Datastore) -> ExtractResult<Option<Vec<String>>> {
    if !ds.contains("source_info") {
        return Ok(None);
    }
    if ds.is_group("source_info")? {
        return Err(ExtractError::Unsupported(
            "ruptures of a multi-model calculation".to_owned(),
        ));
    }
    let info = ds.read_dataset_raw("source_info")?;
    let ids = info
        .field("source_id")
        .ok_or_else(|| malformed("source_info", "no source_id column"))?;
    Ok(Some(ids.to_strings("source_info/source_id")?))
}

/// A string as numpy stores it in a `|S<width>` field: truncated or NUL-padded.
fn fixed_width(text: &str, width: usize) -> Vec<u8> {
    let mut bytes: Vec<u8> = text.bytes().take(width).collect();
    bytes.resize(width, 0);
    bytes
}

/// gzip of `text` (the reference's `gzip.compress`, level 9).
fn gzip(text: &str) -> Vec<u8> {
    let mut encoder = GzEncoder::new(Vec::new(), Compression::best());
    // writing into memory cannot fail
    encoder
        .write_all(text.as_bytes())
        .and_then(|()| encoder.finish())
        .expect("gzip into a Vec")
}

/// The columns of `rupture_info`'s `array`, filled a rupture at a time.
#[derive(Default)]
struct InfoColumns {
    rows: usize,
    rup_id: Vec<u8>,
    source_id: Vec<u8>,
    multiplicity: Vec<u8>,
    mag: Vec<u8>,
    centroid: [Vec<u8>; 3],
    trt: Vec<u8>,
    strike: Vec<u8>,
    dip: Vec<u8>,
    rake: Vec<u8>,
}

impl InfoColumns {
    /// Appends the record of one rupture.
    fn push(&mut self, rupture: &Rupture, source_id: &str, trt: &str, outline: &Outline) {
        self.rows += 1;
        self.rup_id.extend(rupture.id.to_le_bytes());
        self.source_id
            .extend(fixed_width(source_id, SOURCE_ID_WIDTH));
        self.multiplicity
            .extend((rupture.n_occ as u32).to_le_bytes());
        self.mag.extend(rupture.mag.to_le_bytes());
        for (column, v) in self.centroid.iter_mut().zip(outline.middle) {
            column.extend((v as f32).to_le_bytes());
        }
        self.trt.extend(fixed_width(trt, TRT_WIDTH));
        self.strike.extend((outline.strike as f32).to_le_bytes());
        self.dip.extend((outline.dip as f32).to_le_bytes());
        self.rake.extend(rupture.rake.to_le_bytes());
    }

    /// The records (rup_id i8, source_id S75, multiplicity u4, mag f4, centroid_lon f4,
    /// centroid_lat f4, centroid_depth f4, trt S50, strike f4, dip f4, rake f4).
    fn into_array(self) -> NpyArray {
        let [lon, lat, depth] = self.centroid;
        let f4 = || DType::Float(4);
        let columns = [
            ("rup_id", DType::Int(8), self.rup_id),
            ("source_id", DType::Bytes(SOURCE_ID_WIDTH), self.source_id),
            ("multiplicity", DType::UInt(4), self.multiplicity),
            ("mag", f4(), self.mag),
            ("centroid_lon", f4(), lon),
            ("centroid_lat", f4(), lat),
            ("centroid_depth", f4(), depth),
            ("trt", DType::Bytes(TRT_WIDTH), self.trt),
            ("strike", f4(), self.strike),
            ("dip", f4(), self.dip),
            ("rake", f4(), self.rake),
        ]
        .map(|(name, dtype, data)| (name.to_owned(), dtype, data));
        NpyArray::records(self.rows, &columns)
    }
}

/// `rupture_info[?min_mag=M][&boundaries=yes|no]`: `array`, one record per rupture of
/// magnitude at least `M` (by model, then tectonic region type, then as stored; omitted
/// when none), `investigation_time` (empty for scenarios) and `boundaries`, the gzip of the
/// surfaces' outlines as WKT, one a line (empty with `boundaries=no`).
pub(super) fn rupture_info(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("rupture_info", &["min_mag", "boundaries"])?;
    let min_mag = min_mag(query)?;
    let with_boundaries = match query.one("boundaries")? {
        None | Some("yes") => true,
        Some("no") => false,
        Some(other) => return Err(bad(format!("boundaries: '{other}' is not yes or no"))),
    };
    let trts = logic_tree_trts(ds)?;
    let sources = source_ids(ds)?;
    let mut ruptures = read_ruptures(ds)?;
    if ruptures.is_empty() {
        return Err(bad(
            "this calculation has no ruptures (it started from ground motion fields)",
        ));
    }
    ruptures.retain(|r| r.mag >= min_mag);
    ruptures.sort_by(|a, b| (&a.model, a.trt_smr).cmp(&(&b.model, b.trt_smr)));
    let geoms = ds.read_vlen_f32("rupgeoms")?;
    let mut columns = InfoColumns::default();
    let mut boundaries = Vec::new();
    for rupture in &ruptures {
        let outline = outline(rupture, geometry(&geoms, rupture)?)?;
        let source_id = match &sources {
            None => "no-source",
            Some(ids) => usize::try_from(rupture.source)
                .ok()
                .and_then(|s| ids.get(s))
                .ok_or_else(|| malformed("ruptures", "source_id beyond source_info"))?,
        };
        columns.push(rupture, source_id, trt_of(&trts, rupture)?, &outline);
        if with_boundaries {
            boundaries.push(wkt(&outline.boundary));
        }
    }
    let mut npz = Npz::new();
    if columns.rows > 0 {
        npz.add("array", columns.into_array());
    }
    let investigation_time = match ds.oqparam()?.investigation_time() {
        Some(t) => NpyArray::f64_scalar(t),
        None => NpyArray::f64s(&[]),
    };
    npz.add("investigation_time", investigation_time);
    let gz = gzip(&boundaries.join("\n"));
    npz.add(
        "boundaries",
        NpyArray::new(&DType::Bytes(gz.len()), Vec::new(), gz),
    );
    npz.add_extra();
    Ok(npz)
}

/// An integer parameter given at most once.
fn integer(query: &Query, name: &str) -> ExtractResult<Option<i64>> {
    query
        .one(name)?
        .map(|text| {
            text.parse::<i64>()
                .map_err(|_| bad(format!("{name}: '{text}' is not an integer")))
        })
        .transpose()
}

/// `slice=START&slice=STOP` as Python slices a list of `len` items (negative bounds count
/// from the end); everything without it.
fn slice(query: &Query, len: usize) -> ExtractResult<Range<usize>> {
    let bounds = query.all("slice");
    let parsed: Vec<i64> = bounds
        .iter()
        .map(|text| {
            text.parse::<i64>()
                .map_err(|_| bad(format!("slice: '{text}' is not an integer")))
        })
        .collect::<Result<_, _>>()?;
    let clamp = |i: i64| {
        let n = i64::try_from(len).unwrap_or(i64::MAX);
        let i = if i < 0 { (n + i).max(0) } else { i.min(n) };
        usize::try_from(i).unwrap_or(0)
    };
    match parsed.as_slice() {
        [] => Ok(0..len),
        [start, stop] => {
            let (start, stop) = (clamp(*start), clamp(*stop));
            Ok(start..stop.max(start))
        }
        _ => Err(bad(format!(
            "slice: give two integers, start and stop (got {})",
            bounds.join(", ")
        ))),
    }
}

/// The ids of the ruptures that make up `threshold` (a fraction of 1) of the total loss,
/// most damaging first (`loss_by_rupture`, sorted by decreasing loss): the first ruptures
/// whose cumulated loss exceeds it, the last one included.
fn relevant_rup_ids(ds: &Datastore, threshold: f64) -> ExtractResult<Vec<i64>> {
    if !(0.0..=1.0).contains(&threshold) {
        return Err(bad(format!(
            "threshold: {threshold} is not between 0 and 1"
        )));
    }
    if !ds.contains("loss_by_rupture") {
        return Err(bad(
            "threshold: this calculation has no losses by rupture (loss_by_rupture)",
        ));
    }
    let ids = dataset_i64(ds, "loss_by_rupture/rup_id")?;
    let losses = ds.read_dataset_raw("loss_by_rupture/loss")?;
    let single = losses.dtype == DType::Float(4);
    let losses = losses.to_f64("loss_by_rupture/loss")?;
    Ok(ids
        .into_iter()
        .take(relevant_count(&losses, threshold, single))
        .collect())
}

/// How many of `losses` (by decreasing loss) it takes for their running sum to exceed
/// `threshold` times the total: up to the first that does, or all of them. Summed and
/// scaled in single precision when the losses are stored so, as numpy does.
fn relevant_count(losses: &[f64], threshold: f64, single: bool) -> usize {
    let stored = |x: f64| if single { f64::from(x as f32) } else { x };
    let mut total = 0.0;
    let cumulated: Vec<f64> = losses
        .iter()
        .map(|loss| {
            total = stored(total + loss);
            total
        })
        .collect();
    let limit = stored(stored(threshold) * total);
    cumulated
        .iter()
        .position(|&c| c > limit)
        .map_or(losses.len(), |i| i + 1)
}

/// Python's `repr` of `round(x, 5)`, as the reference writes the coordinates and rates of
/// its rupture CSV (JSON's `NaN` for a missing rate).
fn float5(x: f32) -> String {
    if x.is_nan() {
        return "NaN".to_owned();
    }
    float_repr(round_coordinate(f64::from(x)))
}

/// The `mesh` cell: the surfaces' points as JSON, `[surface][lon|lat|depth][row][col]`.
fn mesh_json(meshes: &[Mesh]) -> String {
    let surfaces: Vec<String> = meshes
        .iter()
        .map(|mesh| {
            let axes: Vec<String> = (0..3)
                .map(|axis| {
                    let rows: Vec<String> = mesh
                        .points
                        .chunks(mesh.cols.max(1))
                        .map(|row| {
                            let values: Vec<String> = row.iter().map(|p| float5(p[axis])).collect();
                            format!("[{}]", values.join(", "))
                        })
                        .collect();
                    format!("[{}]", rows.join(", "))
                })
                .collect();
            format!("[{}]", axes.join(", "))
        })
        .collect();
    format!("[{}]", surfaces.join(", "))
}

/// One row of the rupture CSV (`seed,mag,rake,lon,lat,dep,multiplicity,trt,kind,mesh,extra`).
fn csv_row(rupture: &Rupture, geom: &[f32], trt: &str) -> ExtractResult<Vec<String>> {
    let (rupture_class, surface_class) = rupture.classes()?;
    let [lon, lat, depth] = rupture.hypo.map(f64::from);
    Ok(vec![
        // the CSV's seed column is a uint32
        (rupture.seed as u32).to_string(),
        value(f64::from(rupture.mag)),
        value(f64::from(rupture.rake)),
        coordinate(lon),
        coordinate(lat),
        value(depth),
        (rupture.n_occ as u32).to_string(),
        trt.to_owned(),
        format!("{rupture_class} {surface_class}"),
        mesh_json(&meshes(geom, rupture.geom_id)?),
        format!(
            "{{\"occurrence_rate\": {}}}",
            float5(rupture.occurrence_rate)
        ),
    ])
}

/// `ruptures[?min_mag=M][&rup_id=ID][&threshold=T][&slice=START&slice=STOP]`: `array`, the
/// ruptures with their geometry as OpenQuake's rupture CSV text (a 0-d byte string). With
/// `rup_id`, that rupture only (under its own tectonic region type, its source named in the
/// metadata); otherwise the ruptures of magnitude at least `M` (those making up fraction `T`
/// of the losses with `threshold`), all labelled, as the reference labels them, with the
/// first tectonic region type of the GSIM logic tree; `slice` keeps a Python slice of them.
pub(super) fn ruptures(ds: &Datastore, query: &Query) -> ExtractResult {
    query.only("ruptures", &["min_mag", "rup_id", "threshold", "slice"])?;
    let min_mag = min_mag(query)?;
    let trts = logic_tree_trts(ds)?;
    let ses_seed = ds
        .oqparam()?
        .params
        .get("ses_seed")
        .and_then(|v| v.as_i64())
        .unwrap_or(DEFAULT_SES_SEED);
    let mut meta = vec![
        ("trts", Meta::Strs(trts.clone())),
        ("ses_seed", Meta::Int(ses_seed)),
    ];
    let all = read_ruptures(ds)?;
    let selected: Vec<(&Rupture, String)> = match integer(query, "rup_id")? {
        Some(id) => {
            let rupture = all
                .iter()
                .find(|r| r.id == id)
                .ok_or_else(|| bad(format!("rup_id: there is no rupture {id}")))?;
            if let Some(ids) = source_ids(ds)? {
                let source = usize::try_from(id >> SOURCE_SHIFT)
                    .ok()
                    .and_then(|s| ids.get(s))
                    .ok_or_else(|| malformed("source_info", "fewer sources than rup_id says"))?;
                meta.push(("source_id", Meta::Str(source.clone())));
            }
            vec![(rupture, trt_of(&trts, rupture)?.to_owned())]
        }
        None => {
            let relevant = query
                .one("threshold")?
                .map(|text| {
                    let t = text
                        .parse::<f64>()
                        .map_err(|_| bad(format!("threshold: '{text}' is not a number")))?;
                    relevant_rup_ids(ds, t)
                })
                .transpose()?;
            let first_trt = first_gsim_trt(ds)?;
            all.iter()
                .filter(|r| r.mag >= min_mag)
                .filter(|r| relevant.as_ref().is_none_or(|ids| ids.contains(&r.id)))
                .map(|r| (r, first_trt.clone()))
                .collect()
        }
    };
    let range = slice(query, selected.len())?;
    let geoms = ds.read_vlen_f32("rupgeoms")?;
    let rows = selected[range]
        .iter()
        .map(|(rupture, trt)| csv_row(rupture, geometry(&geoms, rupture)?, trt))
        .collect::<ExtractResult<Vec<_>>>()?;
    let header: Vec<String> = [
        "seed",
        "mag",
        "rake",
        "lon",
        "lat",
        "dep",
        "multiplicity",
        "trt",
        "kind",
        "mesh",
        "extra",
    ]
    .map(str::to_owned)
    .to_vec();
    let mut npz = Npz::new();
    npz.add(
        "array",
        NpyArray::bytes_scalar(&csv::text(&meta, &header, rows)),
    );
    npz.add_extra();
    Ok(npz)
}

/// The first tectonic region type of the GSIM logic tree in text order, under which the
/// reference lists every rupture.
fn first_gsim_trt(ds: &Datastore) -> ExtractResult<String> {
    ds.full_lt()?
        .gsim_lt
        .into_iter()
        .map(|branch| branch.trt)
        .min()
        .ok_or_else(|| malformed("full_lt/gsim_lt", "no branches"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_relevant_ruptures_go_past_the_threshold() {
        let losses = [50.0, 30.0, 15.0, 5.0];
        for (threshold, count) in [(0.0, 1), (0.5, 2), (0.8, 3), (0.95, 4), (1.0, 4)] {
            assert_eq!(relevant_count(&losses, threshold, false), count);
            assert_eq!(relevant_count(&losses, threshold, true), count);
        }
    }

    #[test]
    fn float32_losses_are_summed_and_scaled_in_float32() {
        // in float32, 2**24 + 1 is 2**24 and 0.9999999 * 2**24 is 2**24 - 2 (as numpy has it)
        let losses = [16_777_216.0, 1.0, 1.0];
        assert_eq!(relevant_count(&losses, 0.9999999, false), 2);
        assert_eq!(relevant_count(&losses, 0.9999999, true), 1);
    }

    #[test]
    fn outlines_with_fewer_than_four_distinct_corners_are_lines() {
        let line = [(0.5, 1.0), (0.5, 2.0), (0.5, 2.0), (0.5, 1.0), (0.5, 1.0)];
        assert_eq!(wkt(&line), "LINESTRING(0.50000 1.00000, 0.50000 2.00000)");
        let square = [(0.0, 0.0), (0.0, 1.0), (1.0, 1.0), (1.0, 0.0), (0.0, 0.0)];
        assert_eq!(
            wkt(&square),
            "POLYGON((0.00000 0.00000, 0.00000 1.00000, 1.00000 1.00000, \
             1.00000 0.00000, 0.00000 0.00000))"
        );
    }

    #[test]
    fn rupture_csv_numbers_are_pythons_round_5() {
        assert_eq!(float5(0.000_684_15), "0.00068");
        assert_eq!(float5(0.000_01), "1e-05");
        assert_eq!(float5(2.0), "2.0");
        assert_eq!(float5(f32::NAN), "NaN");
    }
}
