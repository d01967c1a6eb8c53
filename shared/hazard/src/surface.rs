//! Rupture surfaces: the planar rectangle of a point-source rupture, built as OpenQuake's
//! `planar.build_planar` builds it, the meshes of simple and complex faults
//! (`SimpleFaultSurface.from_fault_data`, `ComplexFaultSurface.from_fault_data`) and their
//! mean dip, strike, width and cell dimensions.

use std::sync::{Arc, OnceLock};

use crate::geo::{self, Projection};

/// A planar rectangular surface with horizontal top and bottom edges.
#[derive(Debug, Clone, PartialEq)]
pub struct PlanarSurface {
    /// Corners (lon, lat, depth): top left, top right, bottom left, bottom right.
    pub corners: [[f64; 3]; 4],
    /// Strike and dip in degrees, as given to the constructor.
    pub strike: f64,
    pub dip: f64,
    /// Cartesian top-left corner, plane normal and in-plane unit vectors (along strike, down
    /// dip), as OpenQuake's `build_planar_array`.
    pub(crate) origin: [f64; 3],
    pub(crate) normal: [f64; 3],
    pub(crate) uv1: [f64; 3],
    pub(crate) uv2: [f64; 3],
    /// Length along strike and width down dip, km, measured in the plane.
    pub length: f64,
    pub width: f64,
}

fn sub(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [a[0] - b[0], a[1] - b[1], a[2] - b[2]]
}

pub(crate) fn dot(a: [f64; 3], b: [f64; 3]) -> f64 {
    a[0] * b[0] + a[1] * b[1] + a[2] * b[2]
}

fn cross(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    [
        a[1] * b[2] - a[2] * b[1],
        a[2] * b[0] - a[0] * b[2],
        a[0] * b[1] - a[1] * b[0],
    ]
}

fn normalized(a: [f64; 3]) -> [f64; 3] {
    let n = norm(a);
    [a[0] / n, a[1] / n, a[2] / n]
}

impl PlanarSurface {
    /// The surface with the given corners (top left, top right, bottom left, bottom right).
    pub fn from_corners(corners: [[f64; 3]; 4], strike: f64, dip: f64) -> Self {
        let xyz = corners.map(|c| geo::to_cartesian(c[0], c[1], c[2]));
        let normal = normalized(cross(sub(xyz[0], xyz[1]), sub(xyz[0], xyz[2])));
        let uv1 = normalized(sub(xyz[1], xyz[0]));
        let uv2 = cross(normal, uv1);
        let xx = xyz.map(|p| dot(sub(p, xyz[0]), uv1));
        let yy = xyz.map(|p| dot(sub(p, xyz[0]), uv2));
        PlanarSurface {
            corners,
            strike,
            dip,
            origin: xyz[0],
            normal,
            uv1,
            uv2,
            length: ((xx[1] - xx[0]) + (xx[3] - xx[2])) / 2.0,
            width: ((yy[2] - yy[0]) + (yy[3] - yy[1])) / 2.0,
        }
    }
}

/// A planar surface from its corners (top left, top right, bottom left, bottom right), as
/// `PlanarSurface.from_corner_points`: strike from the top left to the top right corner, dip
/// from the top left to the bottom left one.
pub fn planar_from_corners(corners: [[f64; 3]; 4]) -> PlanarSurface {
    let [tl, tr, bl, _] = corners;
    let strike = geo::azimuth(tl[0], tl[1], tr[0], tr[1]);
    let dip = ((bl[2] - tl[2]) / distance_3d(tl, bl)).asin().to_degrees();
    PlanarSurface::from_corners(corners, strike, dip)
}

/// What a point rupture is built from.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct PointRuptureGeometry {
    /// Epicentre (lon, lat), degrees.
    pub lon: f64,
    pub lat: f64,
    /// Hypocentral depth, km.
    pub depth: f64,
    /// Seismogenic layer, km.
    pub upper_seismogenic_depth: f64,
    pub lower_seismogenic_depth: f64,
    /// Length / width.
    pub aspect_ratio: f64,
    /// Median rupture area, km².
    pub area: f64,
    pub strike: f64,
    pub dip: f64,
}

/// Length, horizontal projection of the width and vertical extent (km) of a rupture of
/// `area` km²: `sqrt(area * aspect_ratio)` long, narrowed to fit the seismogenic layer
/// (lengthened to keep the area).
pub fn rupture_dimensions(usd: f64, lsd: f64, aspect_ratio: f64, area: f64, dip: f64) -> [f64; 3] {
    let (sin_dip, cos_dip) = dip.to_radians().sin_cos();
    let max_width = (lsd - usd) / sin_dip;
    let mut length = (area * aspect_ratio).sqrt();
    let mut width = area / length;
    if width > max_width {
        width = max_width;
        length = area / width;
    }
    [length, width * cos_dip, width * sin_dip]
}

/// The planar surface of a point rupture and the depth of its centre: centred on the
/// hypocentre, moved up or down dip just enough to lie within the seismogenic layer; corners
/// are reached along the diagonals.
pub fn point_rupture_surface(g: &PointRuptureGeometry) -> (PlanarSurface, f64) {
    let [length, hwidth, height] = rupture_dimensions(
        g.upper_seismogenic_depth,
        g.lower_seismogenic_depth,
        g.aspect_ratio,
        g.area,
        g.dip,
    );
    let (half_length, half_width, half_height) = (length / 2.0, hwidth / 2.0, height / 2.0);
    let strike = g.strike;
    let theta = (half_width / half_length).atan().to_degrees();
    let hor_dist = (half_length * half_length + half_width * half_width).sqrt();
    let top = g.depth - half_height;
    let bottom = g.depth + half_height;
    let mut vshift = g.upper_seismogenic_depth - top;
    if vshift < 0.0 {
        vshift = g.lower_seismogenic_depth - bottom;
        if vshift > 0.0 {
            vshift = 0.0;
        }
    }
    let (clon, clat) = if vshift == 0.0 {
        (g.lon, g.lat)
    } else {
        let azimuth = if vshift < 0.0 {
            strike + 270.0
        } else {
            strike + 90.0
        };
        geo::fast_point_at(
            g.lon,
            g.lat,
            azimuth,
            (vshift / half_height * half_width).abs(),
        )
    };
    let depth = g.depth + vshift;
    let corner = |azimuth: f64, depth: f64| {
        let (lon, lat) = geo::fast_point_at(clon, clat, azimuth, hor_dist);
        [lon, lat, depth]
    };
    let corners = [
        corner(strike + 180.0 + theta, depth - half_height),
        corner(strike - theta, depth - half_height),
        corner(strike + 180.0 - theta, depth + half_height),
        corner(strike + theta, depth + half_height),
    ];
    (PlanarSurface::from_corners(corners, strike, g.dip), depth)
}

/// A rectangular mesh of points (lon, lat, depth), row-major: rows go down dip, columns
/// along strike.
#[derive(Debug, Clone, PartialEq)]
pub struct FaultMesh {
    pub rows: usize,
    pub cols: usize,
    pub points: Vec<[f64; 3]>,
    /// The points' Earth-centred Cartesian coordinates (km), computed once.
    pub(crate) xyz: Vec<[f64; 3]>,
    /// The same for the points' projections on the surface (depth 0).
    pub(crate) surface_xyz: Vec<[f64; 3]>,
}

impl FaultMesh {
    /// A mesh of `rows` × `cols` points, row-major.
    pub fn new(rows: usize, cols: usize, points: Vec<[f64; 3]>) -> Self {
        let xyz = points
            .iter()
            .map(|p| geo::to_cartesian(p[0], p[1], p[2]))
            .collect();
        let surface_xyz = points
            .iter()
            .map(|p| geo::to_cartesian(p[0], p[1], 0.0))
            .collect();
        FaultMesh {
            rows,
            cols,
            points,
            xyz,
            surface_xyz,
        }
    }

    /// The point at (row, col).
    pub fn at(&self, row: usize, col: usize) -> [f64; 3] {
        self.points[row * self.cols + col]
    }
}

/// A rectangular part of a shared fault mesh: the surface of a floating rupture.
#[derive(Debug, Clone, PartialEq)]
pub struct MeshWindow {
    pub mesh: Arc<FaultMesh>,
    pub first_row: usize,
    pub first_col: usize,
    pub rows: usize,
    pub cols: usize,
    /// Where GEOS starts the ring its outline is simplified from, once known.
    pub(crate) ring_start: RingStart,
}

/// Where GEOS starts the merged ring of a window's stripes in the projection of its outline
/// (`None` inside where that is not rebuilt), computed once for all the tiles of sites that
/// build the outline again. Derived from the window, not part of what it is: windows equal
/// whatever theirs hold.
#[derive(Debug, Clone, Default)]
pub(crate) struct RingStart(pub(crate) OnceLock<Option<(f64, f64)>>);

impl PartialEq for RingStart {
    fn eq(&self, _: &Self) -> bool {
        true
    }
}

impl MeshWindow {
    /// The window of `rows` rows and `cols` columns of `mesh` from (first_row, first_col).
    pub fn new(
        mesh: Arc<FaultMesh>,
        first_row: usize,
        first_col: usize,
        rows: usize,
        cols: usize,
    ) -> Self {
        MeshWindow {
            mesh,
            first_row,
            first_col,
            rows,
            cols,
            ring_start: RingStart::default(),
        }
    }

    /// The whole of `mesh`.
    pub fn whole(mesh: Arc<FaultMesh>) -> Self {
        let (rows, cols) = (mesh.rows, mesh.cols);
        MeshWindow::new(mesh, 0, 0, rows, cols)
    }

    /// The point at (row, col) of the window.
    pub fn at(&self, row: usize, col: usize) -> [f64; 3] {
        self.mesh.at(self.first_row + row, self.first_col + col)
    }

    /// Iterates over the window's points.
    pub fn points(&self) -> impl Iterator<Item = [f64; 3]> + '_ {
        (0..self.rows).flat_map(move |r| (0..self.cols).map(move |c| self.at(r, c)))
    }

    /// Iterates over the window's points with their Cartesian coordinates.
    pub fn points_xyz(&self) -> impl Iterator<Item = ([f64; 3], [f64; 3])> + '_ {
        self.indices()
            .map(|i| (self.mesh.points[i], self.mesh.xyz[i]))
    }

    /// Indices in the mesh of the window's points, row by row.
    pub(crate) fn indices(&self) -> impl Iterator<Item = usize> + '_ {
        let cols = self.mesh.cols;
        (self.first_row..self.first_row + self.rows).flat_map(move |r| {
            (self.first_col..self.first_col + self.cols).map(move |c| r * cols + c)
        })
    }

    /// (row, column) of the nodes on the window's outline, once each, clockwise from the
    /// top-left node: the top row, the last column, the bottom row back, the first column up.
    pub fn perimeter(&self) -> impl Iterator<Item = (usize, usize)> + '_ {
        let (rows, cols) = (self.rows, self.cols);
        (0..cols)
            .map(|c| (0, c))
            .chain((1..rows).map(move |r| (r, cols - 1)))
            .chain((0..cols - 1).rev().map(move |c| (rows - 1, c)))
            .chain((1..rows - 1).rev().map(|r| (r, 0)))
    }

    /// The part of the window of `rows` rows and `cols` columns from (first_row, first_col).
    pub fn sub(&self, first_row: usize, first_col: usize, rows: usize, cols: usize) -> Self {
        MeshWindow::new(
            Arc::clone(&self.mesh),
            self.first_row + first_row,
            self.first_col + first_col,
            rows,
            cols,
        )
    }

    /// Cartesian coordinates of the node at (row, col).
    fn xyz(&self, row: usize, col: usize) -> [f64; 3] {
        self.mesh.xyz[(self.first_row + row) * self.mesh.cols + self.first_col + col]
    }

    /// The two triangles of every cell, as `RectangularMesh.triangulate` splits them: the
    /// top-left one (top edge, left edge) and the bottom-right one (bottom edge, right edge),
    /// sharing the diagonal from the bottom-left to the top-right node.
    fn triangles(&self) -> impl Iterator<Item = CellTriangles> + '_ {
        let cells = |n: usize| 0..n.saturating_sub(1);
        cells(self.rows).flat_map(move |r| {
            cells(self.cols).map(move |c| {
                let [tl, tr, bl, br] = [
                    self.xyz(r, c),
                    self.xyz(r, c + 1),
                    self.xyz(r + 1, c),
                    self.xyz(r + 1, c + 1),
                ];
                let diag = sub(tr, bl);
                let top = Triangle::new(tl, sub(tr, tl), sub(tl, bl), diag);
                let bottom = Triangle::new(br, sub(br, bl), sub(tr, br), diag);
                CellTriangles { top, bottom }
            })
        })
    }

    /// (inclination, azimuth) in degrees: the means of the triangles' inclinations and of
    /// the azimuths of their along-strike edges, as circular quantities weighted by area;
    /// the azimuth turned round when the inclination exceeds 90°
    /// (`RectangularMesh.get_mean_inclination_and_azimuth`).
    pub fn mean_inclination_and_azimuth(&self) -> (f64, f64) {
        let flat = self.points().all(|p| p[2] == 0.0);
        let (mut incl_x, mut incl_y, mut az_x, mut az_y) = (0.0, 0.0, 0.0, 0.0);
        for cell in self.triangles() {
            for t in [cell.top, cell.bottom] {
                let incl_cos = dot(normalized(t.corner), t.normal).clamp(-1.0, 1.0);
                incl_x += t.area * incl_cos;
                incl_y += t.area * (1.0 - incl_cos * incl_cos).sqrt();
                // the meridian plane of the triangle's corner: west and north unit vectors
                let p = t.corner;
                let west = normalized(cross([p[0], p[1], p[2] + 1.0], p));
                let north = normalized(cross(p, west));
                let along = normalized(t.along);
                let east_west = if dot(along, west) < 0.0 { -1.0 } else { 1.0 };
                let az_cos = dot(along, north);
                az_x += t.area * az_cos;
                az_y += t.area * (1.0 - az_cos * az_cos).sqrt() * east_west;
            }
        }
        let inclination = if flat {
            0.0
        } else {
            incl_y.atan2(incl_x).to_degrees()
        };
        let mut azimuth = az_y.atan2(az_x).to_degrees();
        if azimuth < 0.0 {
            azimuth += 360.0;
        }
        if inclination > 90.0 {
            (180.0 - inclination, geo::py_mod(azimuth + 180.0, 360.0))
        } else {
            (inclination, azimuth)
        }
    }

    /// Length, width (km) and area (km²) of every cell, row-major: the area of its two
    /// triangles, and the lengths of their along-strike and up-dip edges averaged weighted by
    /// area (`RectangularMesh.get_cell_dimensions`).
    pub fn cells(&self) -> impl Iterator<Item = Cell> + '_ {
        self.triangles().map(|CellTriangles { top, bottom }| {
            let area = top.area + bottom.area;
            let mean = |a: f64, b: f64| (a * top.area + b * bottom.area) / area;
            Cell {
                length: mean(norm(top.along), norm(bottom.along)),
                width: mean(norm(top.updip), norm(bottom.updip)),
                area,
            }
        })
    }

    /// The mean width (km): the sum of the cell widths of each column, averaged over the
    /// columns weighted by their mean cell lengths (weighted by area)
    /// (`RectangularMesh.get_mean_width`).
    pub fn mean_width(&self) -> f64 {
        let columns = self.cols.saturating_sub(1);
        let mut widths = vec![0.0; columns];
        let mut areas = vec![0.0; columns];
        let mut length_areas = vec![0.0; columns];
        for (i, cell) in self.cells().enumerate() {
            let c = i % columns;
            widths[c] += cell.width;
            length_areas[c] += cell.length * cell.area;
            areas[c] += cell.area;
        }
        let mean_lengths: Vec<f64> = length_areas
            .iter()
            .zip(&areas)
            .map(|(l, a)| l / a)
            .collect();
        let weighted: f64 = widths.iter().zip(&mean_lengths).map(|(w, l)| w * l).sum();
        weighted / mean_lengths.iter().sum::<f64>()
    }

    /// OpenQuake's `Mesh.get_middle_point`: the middle node, or the great-circle midpoint (and
    /// mean depth) of the two or four middle nodes.
    pub fn middle_point(&self) -> [f64; 3] {
        let row_middle = |row: usize| {
            let mid = self.cols / 2;
            if self.cols % 2 == 1 {
                self.at(row, mid)
            } else {
                midpoint(self.at(row, mid - 1), self.at(row, mid))
            }
        };
        let mid_row = self.rows / 2;
        if self.rows % 2 == 1 {
            row_middle(mid_row)
        } else {
            midpoint(row_middle(mid_row - 1), row_middle(mid_row))
        }
    }
}

/// A triangle of a mesh cell, in Cartesian coordinates.
#[derive(Clone, Copy)]
struct Triangle {
    /// The node at the start of the along-strike edge, whose meridian measures its azimuth.
    corner: [f64; 3],
    /// The along-strike edge and the up-dip edge.
    along: [f64; 3],
    updip: [f64; 3],
    /// Unit normal (along × updip) and area (Heron's formula).
    normal: [f64; 3],
    area: f64,
}

impl Triangle {
    fn new(corner: [f64; 3], along: [f64; 3], updip: [f64; 3], diag: [f64; 3]) -> Self {
        let (a, b, c) = (norm(along), norm(updip), norm(diag));
        let s = (a + b + c) / 2.0;
        Triangle {
            corner,
            along,
            updip,
            normal: normalized(cross(along, updip)),
            area: (s * (s - a) * (s - b) * (s - c)).sqrt(),
        }
    }
}

/// The dimensions of a mesh cell: length along strike and width down dip (km), area (km²).
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Cell {
    pub length: f64,
    pub width: f64,
    pub area: f64,
}

struct CellTriangles {
    top: Triangle,
    bottom: Triangle,
}

fn norm(a: [f64; 3]) -> f64 {
    dot(a, a).sqrt()
}

fn midpoint(a: [f64; 3], b: [f64; 3]) -> [f64; 3] {
    let (lon, lat) = geo::middle_point(a[0], a[1], b[0], b[1]);
    [lon, lat, (a[2] + b[2]) / 2.0]
}

/// The mesh of a simple fault: the trace resampled every `spacing` km, each point projected
/// down dip (perpendicular to the strike from the first to the last trace point) to the top
/// and bottom of the seismogenic layer, and each such segment divided every `spacing` km.
/// `None` when the mesh would have fewer than 2 rows or columns.
pub fn simple_fault_mesh(
    trace: &[(f64, f64)],
    usd: f64,
    lsd: f64,
    dip: f64,
    spacing: f64,
) -> Option<FaultMesh> {
    let valid = spacing > 0.0 && dip > 0.0 && dip <= 90.0 && usd < lsd;
    if trace.len() < 2 || !valid {
        return None;
    }
    let tan_dip = dip.to_radians().tan();
    let (hdist_top, hdist_bottom) = (usd / tan_dip, lsd / tan_dip);
    let (first, last) = (trace[0], trace[trace.len() - 1]);
    let strike = geo::azimuth(first.0, first.1, last.0, last.1);
    let azimuth = geo::py_mod(strike + 90.0, 360.0);
    let columns: Vec<Vec<[f64; 3]>> = resample_trace(trace, spacing)
        .into_iter()
        .map(|(lon, lat)| {
            let (tlon, tlat) = geo::point_at(lon, lat, azimuth, hdist_top);
            let (blon, blat) = geo::point_at(lon, lat, azimuth, hdist_bottom);
            geo::intervals_between([tlon, tlat, usd], [blon, blat, lsd], spacing)
        })
        .collect();
    let rows = columns.first()?.len();
    let cols = columns.len();
    if rows < 2 || cols < 2 || columns.iter().any(|c| c.len() != rows) {
        return None;
    }
    let points = (0..rows)
        .flat_map(|r| columns.iter().map(move |c| c[r]))
        .collect();
    Some(FaultMesh::new(rows, cols, points))
}

/// The mesh of a complex fault (`ComplexFaultSurface.from_fault_data`): every edge (top to
/// bottom) resampled to round(mean edge length / `spacing`) + 1 points evenly along its
/// length, then every line of corresponding points down the edges resampled the same way to
/// round(mean of their lengths / `spacing`) + 1 points (rounding halves to even). The edges
/// must dip to the right of their direction (Aki & Richards).
pub fn complex_fault_mesh(edges: &[Vec<[f64; 3]>], spacing: f64) -> Result<FaultMesh, String> {
    let edges: Vec<Vec<[f64; 3]>> = edges.iter().map(|e| distinct_points(e)).collect();
    if edges.len() < 2 || edges.iter().any(|e| e.len() < 2) {
        return Err("a complex fault needs two edges of at least two points".into());
    }
    if spacing.is_nan() || spacing <= 0.0 {
        return Err("the complex_fault_mesh_spacing must be positive".into());
    }
    check_aki_richards(&edges)?;
    let count = |lines: &[Vec<[f64; 3]>], what: &str| {
        let mean = lines.iter().map(|l| line_length(l)).sum::<f64>() / lines.len() as f64;
        let n = (mean / spacing).round_ties_even() + 1.0;
        if n > 1.0 {
            Ok(n as usize)
        } else {
            Err(format!(
                "mesh spacing {spacing:.1} km is too big for mean {what} {mean:.1} km"
            ))
        }
    };
    let cols = count(&edges, "length")?;
    let edges: Vec<Vec<[f64; 3]>> = edges
        .iter()
        .map(|e| resample_to_num_points(e, cols))
        .collect();
    let verticals: Vec<Vec<[f64; 3]>> = (0..cols)
        .map(|c| {
            distinct_points(
                &edges
                    .iter()
                    .filter_map(|e| e.get(c).copied())
                    .collect::<Vec<_>>(),
            )
        })
        .collect();
    if verticals.iter().any(|v| v.len() < 2) {
        return Err("the edges of the complex fault meet".into());
    }
    let rows = count(&verticals, "width")?;
    let columns: Vec<Vec<[f64; 3]>> = verticals
        .iter()
        .map(|v| resample_to_num_points(v, rows))
        .collect();
    if columns.iter().any(|c| c.len() != rows) || edges.iter().any(|e| e.len() != cols) {
        return Err("the complex fault mesh has points closer than 1 m".into());
    }
    let points = (0..rows)
        .flat_map(|r| columns.iter().map(move |c| c[r]))
        .collect();
    Ok(FaultMesh::new(rows, cols, points))
}

/// `Point.distance`: the great-circle distance and the depth difference combined.
fn distance_3d(a: [f64; 3], b: [f64; 3]) -> f64 {
    geo::distance(a[0], a[1], b[0], b[1]).hypot(a[2] - b[2])
}

/// The points without those within 1 m of the previous one (`Point.__eq__`).
fn distinct_points(points: &[[f64; 3]]) -> Vec<[f64; 3]> {
    let mut out: Vec<[f64; 3]> = Vec::with_capacity(points.len());
    for &p in points {
        if out.last().is_none_or(|&q| distance_3d(q, p) > 1e-3) {
            out.push(p);
        }
    }
    out
}

fn line_length(line: &[[f64; 3]]) -> f64 {
    line.windows(2).map(|w| distance_3d(w[0], w[1])).sum()
}

/// `Line.resample_to_num_points`: `n` points at equal distances along the line (3D distances,
/// each placed along the great circle of its segment), the first one included.
fn resample_to_num_points(line: &[[f64; 3]], n: usize) -> Vec<[f64; 3]> {
    let section = line_length(line) / (n - 1) as f64;
    let mut out = vec![line[0]];
    let (mut segment, mut accumulated, mut last_segment) = (0, 0.0, 0.0);
    for i in 0..n - 1 {
        let total = (i + 1) as f64 * section;
        while total > accumulated && segment < line.len() - 1 {
            last_segment = distance_3d(line[segment], line[segment + 1]);
            accumulated += last_segment;
            segment += 1;
        }
        let (p1, p2) = (line[segment - 1], line[segment]);
        let offset = total - (accumulated - last_segment);
        // within 1 cm of the vertex: the vertex itself
        let point = if offset < 1e-5 {
            p1
        } else {
            geo::intervals_between(p1, p2, offset)
                .get(1)
                .copied()
                .unwrap_or(p2)
        };
        out.push(point);
    }
    distinct_points(&out)
}

/// `ComplexFaultSurface.check_aki_richards_convention`: the normals of the first cell
/// between the top and bottom edges (left and right sides × top side) point up, within 90°
/// of the upper corners' verticals (rounded to 0.1°).
fn check_aki_richards(edges: &[Vec<[f64; 3]>]) -> Result<(), String> {
    let (top, bottom) = (&edges[0], &edges[edges.len() - 1]);
    let [ul, ur, bl, br] =
        [top[0], top[1], bottom[0], bottom[1]].map(|p| geo::to_cartesian(p[0], p[1], p[2]));
    let top_edge = sub(ur, ul);
    let left = cross(sub(bl, ul), top_edge);
    let right = cross(sub(br, ur), top_edge);
    if left == [0.0; 3] || right == [0.0; 3] {
        return Ok(());
    }
    let angle = |corner: [f64; 3], normal: [f64; 3]| {
        let degrees = dot(normalized(corner), normalized(normal))
            .acos()
            .to_degrees();
        (degrees * 10.0).round_ties_even() / 10.0
    };
    if angle(ul, left) > 90.0 || angle(ur, right) > 90.0 {
        Err("Surface does not conform with Aki & Richards convention".into())
    } else {
        Ok(())
    }
}

/// OpenQuake's `Line.resample` (without keeping the original end): points every `spacing` km
/// of straight-line distance, measured in the orthographic projection of the line, from its
/// first point; the last point is added past the end when more than half a step remains.
fn resample_trace(trace: &[(f64, f64)], spacing: f64) -> Vec<(f64, f64)> {
    let mut line: Vec<(f64, f64)> = Vec::with_capacity(trace.len());
    for &p in trace {
        if line.last() != Some(&p) {
            line.push(p);
        }
    }
    let projection = Projection::for_points(line.iter().copied());
    let txy: Vec<[f64; 2]> = line
        .iter()
        .map(|&(lon, lat)| {
            let (x, y) = projection.project(lon, lat);
            [x, y]
        })
        .collect();
    let dist = |a: [f64; 2], b: [f64; 2]| ((a[0] - b[0]).powi(2) + (a[1] - b[1]).powi(2)).sqrt();
    let mut out = vec![line[0]];
    let mut out_xy = vec![txy[0]];
    let push = |out: &mut Vec<(f64, f64)>, out_xy: &mut Vec<[f64; 2]>, p: [f64; 2]| {
        out.push(projection.unproject(p[0], p[1]));
        out_xy.push(p);
    };
    let mut first_vertex: Option<usize> = None;
    // every pass adds at least one point or ends: bounded by the length over the spacing
    let length: f64 = txy.windows(2).map(|w| dist(w[0], w[1])).sum();
    let passes = (length / spacing).min(1e7) as usize + txy.len() + 2;
    for _ in 0..passes {
        let reference = out_xy[out_xy.len() - 1];
        let mut best: Option<(usize, f64)> = None;
        for (i, &p) in txy.iter().enumerate() {
            let d = match first_vertex {
                Some(v) if i < v => 100_000.0,
                _ => dist(p, reference),
            };
            if d <= spacing && best.is_none_or(|(_, bd)| d > bd) {
                best = Some((i, d));
            }
        }
        let idx = best.map_or(0, |(i, _)| i);
        if idx < txy.len() - 1 {
            let Some(p) = circle_segment(txy[idx + 1], txy[idx], reference, spacing) else {
                break;
            };
            push(&mut out, &mut out_xy, p);
            let end = txy[idx + 1];
            let mut chk = dist(end, p);
            let mut last = p;
            let dir = [(end[0] - p[0]) / chk, (end[1] - p[1]) / chk];
            while chk > spacing * 0.9999 {
                last = [last[0] + spacing * dir[0], last[1] + spacing * dir[1]];
                push(&mut out, &mut out_xy, last);
                chk = dist(end, last);
            }
        } else {
            // (a trace has no depth: a "vertical" last step counts as the same direction)
            let same_dir = out.len() < 2 || {
                let (a, b) = (out[out.len() - 2], out[out.len() - 1]);
                let end = line[line.len() - 1];
                ((a.0 - b.0).abs() < 1e-2 && (a.1 - b.1).abs() < 1e-2)
                    || (geo::azimuth(a.0, a.1, b.0, b.1) - geo::azimuth(b.0, b.1, end.0, end.1))
                        .abs()
                        < 30.0
            };
            let from_last = dist(out_xy[out_xy.len() - 1], txy[txy.len() - 1]);
            if (from_last > spacing / 2.0 && same_dir) || (from_last < spacing / 2.0 && !same_dir) {
                let (a, b) = (txy[txy.len() - 2], txy[txy.len() - 1]);
                let d = dist(b, a);
                let prev = out_xy[out_xy.len() - 1];
                let p = [
                    prev[0] + spacing * (b[0] - a[0]) / d,
                    prev[1] + spacing * (b[1] - a[1]) / d,
                ];
                push(&mut out, &mut out_xy, p);
            }
            break;
        }
        first_vertex = Some(idx + 1);
    }
    out.dedup();
    out
}

/// The point of segment `p0`–`p1` at `r` from `c` (`line.find_t`): the root of the
/// line-circle intersection within the segment's box, else the other root.
fn circle_segment(p0: [f64; 2], p1: [f64; 2], c: [f64; 2], r: f64) -> Option<[f64; 2]> {
    let (dx, dy) = (p1[0] - p0[0], p1[1] - p0[1]);
    let pa = dx * dx + dy * dy;
    let pb = 2.0 * (dx * (p0[0] - c[0]) + dy * (p0[1] - c[1]));
    let pc = c[0] * c[0] + c[1] * c[1] + p0[0] * p0[0] + p0[1] * p0[1]
        - 2.0 * (c[0] * p0[0] + c[1] * p0[1])
        - r * r;
    let disc = pb * pb - 4.0 * pa * pc;
    if disc < 0.0 || pa == 0.0 {
        return None;
    }
    let at = |u: f64| [p0[0] + u * dx, p0[1] + u * dy];
    let p = at((-pb + disc.sqrt()) / (2.0 * pa));
    let within = |v: f64, a: f64, b: f64| v >= a.min(b) && v <= a.max(b);
    if within(p[0], p0[0], p1[0]) && within(p[1], p0[1], p1[1]) {
        Some(p)
    } else {
        Some(at((-pb - disc.sqrt()) / (2.0 * pa)))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ruptures_fit_the_seismogenic_layer() {
        let g = PointRuptureGeometry {
            lon: 0.0,
            lat: 0.0,
            depth: 2.0,
            upper_seismogenic_depth: 0.0,
            lower_seismogenic_depth: 10.0,
            aspect_ratio: 1.0,
            area: 100.0,
            strike: 0.0,
            dip: 90.0,
        };
        let (s, depth) = point_rupture_surface(&g);
        assert_eq!(depth, 5.0);
        assert!(s.corners[0][2].abs() < 1e-12 && (s.corners[2][2] - 10.0).abs() < 1e-12);
        // measured in the plane: the bottom edge is shorter, nearer the Earth's centre
        assert!((s.width - 10.0).abs() < 1e-3 && (s.length - 10.0).abs() < 1e-2);
    }

    #[test]
    fn fault_mesh_shape() {
        let mesh = simple_fault_mesh(&[(0.0, 0.0), (0.0, 0.3)], 0.0, 10.0, 90.0, 1.0).unwrap();
        assert_eq!((mesh.rows, mesh.cols), (11, 34));
        assert!(simple_fault_mesh(&[(0.0, 0.0)], 0.0, 10.0, 90.0, 1.0).is_none());
        assert!(simple_fault_mesh(&[(0.0, 0.0), (0.0, 0.3)], 0.0, 10.0, 0.0, 1.0).is_none());
    }
}
