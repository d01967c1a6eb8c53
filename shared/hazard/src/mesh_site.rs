//! What the floating ruptures of one fault mesh share for one site.
//!
//! The ruptures on a fault mesh are windows of it, of many sizes (a complex fault's come in
//! hundreds), and they overlap. For one site, the distance to every node is computed once,
//! and so is a two-dimensional sparse table of their minima (over every block of 2^a rows
//! and 2^b columns): the nearest node of any window is then the nearest of four blocks
//! covering it, instead of a scan of the window's nodes.
//!
//! Invariant: the values are those a scan of each window would give, bit for bit: the
//! same distances, and of equal nearest nodes the first in row-major order (numpy's
//! `argmin`, which OpenQuake's closest point follows).

use std::sync::Arc;

use crate::distance::{Site, chord};
use crate::enclosing_polygon::{TOLERANCE, enclosing_polygon};
use crate::geo::{Projection, to_cartesian, unit_vector};
use crate::geos_union::merged_ring_start;
use crate::surface::{FaultMesh, MeshWindow};

/// The values of one fault mesh for one site: the distances from the site to every node and
/// to every node's surface projection, the sparse tables of their minima, and (on demand) the pieces of Rx of every segment of the mesh's rows; and, whatever
/// the site, the projected outline of every window asked for.
/// [`RuptureSet::distances_within`](crate::RuptureSet::distances_within) fills it for the
/// mesh and site it is given, again when either changes: give it the ruptures of a mesh site
/// by site to profit.
#[derive(Default)]
pub(crate) struct MeshSiteCache {
    /// The mesh and site the values are for.
    of: Option<(Arc<FaultMesh>, Site)>,
    /// Straight-line distance from the site to each node, row-major.
    node: Vec<f64>,
    /// The same from the site's surface point to each node's surface projection.
    surface: Vec<f64>,
    /// The minima of `node` and of `surface`, built on the first request.
    node_minima: SparseMinima,
    surface_minima: SparseMinima,
    /// Per segment (row r, columns c and c + 1, at `r × (cols − 1) + c`): the Rx pieces of
    /// a top edge starting with it, running through it, ending with it; NaN until needed.
    rx: Vec<[f64; 3]>,
    /// Per rupture from `outlines_from` on, its window's outline, once asked for: the
    /// ruptures of a mesh come in a run, and in the same order for every site, so the
    /// outlines are read in the order they lie in memory.
    outlines: Vec<Option<Outline>>,
    outlines_from: usize,
}

/// The polygon around a mesh window in the orthographic projection centred on the window's
/// bounding box (OpenQuake's `_get_proj_enclosing_polygon`, see [`enclosing_polygon`]): what
/// Joyner-Boore distances measure against, the same for every site.
pub(crate) struct Outline {
    pub(crate) projection: Projection,
    /// The perimeter's edges, projected (km): from (x1, y1) to (x2, y2), the last back to
    /// the first node, with 1 / length² (0 for a point).
    pub(crate) edges: Vec<[f64; 5]>,
    /// The bounding box (x min, x max, y min, y max) of every [`Outline::BLOCK`] edges in a
    /// row: a site's distance to it bounds its distance to them from below.
    pub(crate) blocks: Vec<[f64; 4]>,
    /// The bounding box of all the edges, in the same order: a site outside it is outside
    /// the outline.
    pub(crate) bounds: [f64; 4],
    /// What distances to the edges are less: 0 for OpenQuake's polygon (already buffered),
    /// its 5 m buffer for a mesh of one row or column (measured to its nodes' outline).
    pub(crate) buffer: f64,
}

impl Outline {
    fn of(m: &MeshWindow) -> Self {
        let lonlat: Vec<(f64, f64)> = m.points().map(|p| (p[0], p[1])).collect();
        let projection = Projection::for_points(lonlat.iter().copied());
        let project = |(r, c): (usize, usize)| {
            let p = m.at(r, c);
            projection.project_unit(unit_vector(p[0], p[1]))
        };
        let (polygon, buffer) = if m.rows >= 2 && m.cols >= 2 {
            let rows: Vec<Vec<(f64, f64)>> = (0..m.rows)
                .map(|r| (0..m.cols).map(|c| project((r, c))).collect())
                .collect();
            let start = *m.ring_start.0.get_or_init(|| merged_ring_start(&rows));
            (enclosing_polygon(&rows, start), 0.0)
        } else {
            // a row or a column of nodes: the outline, closed, less the buffer
            let mut ring: Vec<(f64, f64)> = m.perimeter().map(project).collect();
            ring.extend(ring.first().copied());
            (ring, TOLERANCE)
        };
        let edges: Vec<[f64; 5]> = polygon
            .windows(2)
            .map(|w| {
                let [(x1, y1), (x2, y2)] = [w[0], w[1]];
                let len2 = (x2 - x1) * (x2 - x1) + (y2 - y1) * (y2 - y1);
                [x1, y1, x2, y2, if len2 > 0.0 { 1.0 / len2 } else { 0.0 }]
            })
            .collect();
        const EMPTY: [f64; 4] = [
            f64::INFINITY,
            f64::NEG_INFINITY,
            f64::INFINITY,
            f64::NEG_INFINITY,
        ];
        let cover = |[x0, x1, y0, y1]: [f64; 4], [a0, a1, b0, b1]: [f64; 4]| {
            [x0.min(a0), x1.max(a1), y0.min(b0), y1.max(b1)]
        };
        let blocks: Vec<[f64; 4]> = edges
            .chunks(Self::BLOCK)
            .map(|block| {
                block.iter().fold(EMPTY, |bounds, e| {
                    let (x, y) = (e[0].min(e[2]), e[1].min(e[3]));
                    cover(bounds, [x, e[0].max(e[2]), y, e[1].max(e[3])])
                })
            })
            .collect();
        let bounds = blocks.iter().copied().fold(EMPTY, cover);
        Outline {
            projection,
            edges,
            blocks,
            bounds,
            buffer,
        }
    }

    /// Edges per bounding box.
    pub(crate) const BLOCK: usize = 8;
}

impl MeshSiteCache {
    /// The values for `mesh` and `site` (whose Cartesian coordinates are `xyz`).
    pub(crate) fn of(&mut self, mesh: &Arc<FaultMesh>, site: &Site, xyz: [f64; 3]) -> &mut Self {
        let same_mesh = self.of.as_ref().is_some_and(|(m, _)| Arc::ptr_eq(m, mesh));
        let current = same_mesh && self.of.as_ref().is_some_and(|(_, s)| s == site);
        if !same_mesh {
            self.outlines.clear();
        }
        if !current {
            let target = to_cartesian(site.lon, site.lat, 0.0);
            self.node.clear();
            self.node.extend(mesh.xyz.iter().map(|&p| chord(p, xyz)));
            self.surface.clear();
            self.surface
                .extend(mesh.surface_xyz.iter().map(|&p| chord(p, target)));
            self.node_minima.clear();
            self.surface_minima.clear();
            self.rx.clear();
            let segments = mesh.rows * mesh.cols.saturating_sub(1);
            self.rx.resize(segments, [f64::NAN; 3]);
            self.of = Some((Arc::clone(mesh), *site));
        }
        self
    }

    /// The distance to the nearest node of window `m` of the mesh, and the node's index in
    /// the mesh (the first in row-major order of equally near ones).
    pub(crate) fn nearest_node(&mut self, m: &MeshWindow) -> (f64, usize) {
        self.node_minima.nearest(&self.node, m)
    }

    /// The distance from the site's surface point to the nearest surface projection of a
    /// node of window `m`.
    pub(crate) fn nearest_surface_node(&mut self, m: &MeshWindow) -> f64 {
        self.surface_minima.nearest(&self.surface, m).0
    }

    /// The projected outline of window `m` of rupture `index` (of the mesh the cache is for).
    pub(crate) fn outline(&mut self, index: usize, m: &MeshWindow) -> &Outline {
        if self.outlines.is_empty() || index < self.outlines_from {
            self.outlines.clear();
            self.outlines_from = index;
        }
        let slot = index - self.outlines_from;
        if slot >= self.outlines.len() {
            self.outlines.resize_with(slot + 1, || None);
        }
        self.outlines[slot].get_or_insert_with(|| Outline::of(m))
    }

    /// The cached Rx piece `role` of segment `segment` (NaN until set).
    pub(crate) fn rx_slot(&mut self, segment: usize, role: usize) -> &mut f64 {
        &mut self.rx[segment][role]
    }
}

/// The minima of a mesh's `rows` × `cols` row-major values over every block of 2^a rows and
/// 2^b columns (a two-dimensional sparse table), as indices into the values: the first of
/// equal values in row-major order, since of equal values the smaller index wins.
#[derive(Default)]
struct SparseMinima {
    rows: usize,
    cols: usize,
    /// Levels along the columns (b = 0..).
    col_levels: usize,
    /// The block (a, b) at (r, c) at `((a × col_levels + b) × rows + r) × cols + c`; empty
    /// until built.
    table: Vec<u32>,
}

impl SparseMinima {
    fn clear(&mut self) {
        self.table.clear();
    }

    /// Builds the table of `values`, `rows` × `cols` row-major.
    fn build(&mut self, values: &[f64], rows: usize, cols: usize) {
        let levels = |n: usize| (usize::BITS - n.leading_zeros()) as usize;
        let (row_levels, col_levels) = (levels(rows), levels(cols));
        let size = rows * cols;
        *self = SparseMinima {
            rows,
            cols,
            col_levels,
            table: std::mem::take(&mut self.table),
        };
        self.table.clear();
        self.table.resize(row_levels * col_levels * size, 0);
        for a in 0..row_levels {
            for b in 0..col_levels {
                let at = (a * col_levels + b) * size;
                let (height, width) = (1 << a, 1 << b);
                // the level one block narrower (or shorter), and the step to its second half
                let (from, step) = match (a, b) {
                    (0, 0) => {
                        for (k, slot) in self.table[at..at + size].iter_mut().enumerate() {
                            *slot = k as u32;
                        }
                        continue;
                    }
                    (_, 0) => (((a - 1) * col_levels) * size, (height / 2) * cols),
                    _ => ((a * col_levels + b - 1) * size, width / 2),
                };
                for r in 0..=rows - height {
                    for c in 0..=cols - width {
                        let k = r * cols + c;
                        let (i, j) = (self.table[from + k], self.table[from + k + step]);
                        self.table[at + k] = first_min(values, i as usize, j as usize) as u32;
                    }
                }
            }
        }
    }

    /// The smallest of `values` over window `m` and its index in the mesh.
    fn nearest(&mut self, values: &[f64], m: &MeshWindow) -> (f64, usize) {
        if self.table.is_empty() {
            self.build(values, m.mesh.rows, m.mesh.cols);
        }
        let best = self.first_min_over(values, m.first_row, m.first_col, m.rows, m.cols);
        (values[best], best)
    }

    /// The index of the first smallest of `values` over the `height` × `width` window at
    /// (`row`, `col`): the first smallest of the four blocks of 2^a × 2^b covering it.
    fn first_min_over(
        &self,
        values: &[f64],
        row: usize,
        col: usize,
        height: usize,
        width: usize,
    ) -> usize {
        let level = |n: usize| (usize::BITS - 1 - n.leading_zeros()) as usize;
        let (a, b) = (level(height), level(width));
        let at = (a * self.col_levels + b) * self.rows * self.cols;
        let (last_row, last_col) = (row + height - (1 << a), col + width - (1 << b));
        let block = |r: usize, c: usize| self.table[at + r * self.cols + c] as usize;
        let top = first_min(values, block(row, col), block(row, last_col));
        let bottom = first_min(values, block(last_row, col), block(last_row, last_col));
        first_min(values, top, bottom)
    }
}

/// Of the values at indices `i` and `j`, the index of the smaller, the smaller index of
/// equal ones.
fn first_min(values: &[f64], i: usize, j: usize) -> usize {
    if values[j] < values[i] || (values[j] == values[i] && j < i) {
        j
    } else {
        i
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_minima_are_those_of_a_scan_of_each_window() {
        // a 5 x 7 grid with ties, so that the first in row-major order matters
        let (rows, cols) = (5, 7);
        let values: Vec<f64> = (0..rows * cols)
            .map(|i| ((i * 37 + 11) % 13) as f64)
            .collect();
        let mut minima = SparseMinima::default();
        minima.build(&values, rows, cols);
        for height in 1..=rows {
            for width in 1..=cols {
                for r in 0..=rows - height {
                    for c in 0..=cols - width {
                        let scan = (r..r + height)
                            .flat_map(|i| (c..c + width).map(move |j| i * cols + j))
                            .reduce(|best, k| first_min(&values, best, k))
                            .unwrap();
                        assert_eq!(
                            minima.first_min_over(&values, r, c, height, width),
                            scan,
                            "{height}x{width} at ({r}, {c})"
                        );
                    }
                }
            }
        }
    }
}
