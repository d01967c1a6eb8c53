//! What the floating ruptures of one fault mesh share for one site.
//!
//! The ruptures on a fault mesh are windows of it: every window of a magnitude has the same
//! size, and they overlap. For one site, the distance to every node is computed once; the
//! nearest node of every window of a size comes from two sliding minima over the mesh
//! (along the rows, then down the columns) instead of a scan of each window's nodes.
//!
//! Invariant: the values are those a scan of each window would give, bit for bit: the
//! same distances, and of equal nearest nodes the first in row-major order (numpy's
//! `argmin`, which OpenQuake's closest point follows).

use std::sync::Arc;

use crate::distance::{Site, chord};
use crate::geo::to_cartesian;
use crate::surface::{FaultMesh, MeshWindow};

/// The values of one fault mesh for one site: the distances from the site to every node and
/// to every node's surface projection, their minima over the windows of each size asked
/// for, and (on demand) the pieces of Rx of every segment of the mesh's rows.
/// [`RuptureSet::distances_within`](crate::RuptureSet::distances_within) fills it for the
/// mesh and site it is given, again when either changes: give it the ruptures of a mesh site
/// by site to profit.
#[derive(Default)]
pub struct MeshSiteCache {
    /// The mesh and site the values are for.
    of: Option<(Arc<FaultMesh>, Site)>,
    /// Straight-line distance from the site to each node, row-major.
    node: Vec<f64>,
    /// The same from the site's surface point to each node's surface projection.
    surface: Vec<f64>,
    /// The minima over the windows of the sizes asked for so far.
    windows: Vec<WindowMinima>,
    /// Per segment (row r, columns c and c + 1, at `r × (cols − 1) + c`): the Rx pieces of
    /// a top edge starting with it, running through it, ending with it; NaN until needed.
    rx: Vec<[f64; 3]>,
}

/// For every window of `rows` × `cols` nodes of a mesh, at `first_row × positions_per_row +
/// first_col`: its nearest node (distance, mesh index) and its nearest surface projection.
struct WindowMinima {
    rows: usize,
    cols: usize,
    node: Vec<(f64, usize)>,
    surface: Vec<f64>,
}

impl MeshSiteCache {
    /// The values for `mesh` and `site` (whose Cartesian coordinates are `xyz`).
    pub(crate) fn of(&mut self, mesh: &Arc<FaultMesh>, site: &Site, xyz: [f64; 3]) -> &mut Self {
        let current = self
            .of
            .as_ref()
            .is_some_and(|(m, s)| Arc::ptr_eq(m, mesh) && s == site);
        if !current {
            let target = to_cartesian(site.lon, site.lat, 0.0);
            self.node.clear();
            self.node.extend(mesh.xyz.iter().map(|&p| chord(p, xyz)));
            self.surface.clear();
            self.surface
                .extend(mesh.surface_xyz.iter().map(|&p| chord(p, target)));
            self.windows.clear();
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
        let (minima, at) = self.minima(m);
        minima.node[at]
    }

    /// The distance from the site's surface point to the nearest surface projection of a
    /// node of window `m`.
    pub(crate) fn nearest_surface_node(&mut self, m: &MeshWindow) -> f64 {
        let (minima, at) = self.minima(m);
        minima.surface[at]
    }

    /// The cached Rx piece `role` of segment `segment` (NaN until set).
    pub(crate) fn rx_slot(&mut self, segment: usize, role: usize) -> &mut f64 {
        &mut self.rx[segment][role]
    }

    /// The minima of the windows of `m`'s size (computed on the first request), and the
    /// position of `m` in them.
    fn minima(&mut self, m: &MeshWindow) -> (&WindowMinima, usize) {
        let (rows, cols) = (m.mesh.rows, m.mesh.cols);
        let found = self
            .windows
            .iter()
            .position(|w| w.rows == m.rows && w.cols == m.cols);
        let index = match found {
            Some(index) => index,
            None => {
                let node = window_minima(&self.node, rows, cols, m.rows, m.cols);
                let surface = window_minima(&self.surface, rows, cols, m.rows, m.cols);
                self.windows.push(WindowMinima {
                    rows: m.rows,
                    cols: m.cols,
                    node,
                    surface: surface.into_iter().map(|(d, _)| d).collect(),
                });
                self.windows.len() - 1
            }
        };
        let positions_per_row = cols - m.cols + 1;
        (
            &self.windows[index],
            m.first_row * positions_per_row + m.first_col,
        )
    }
}

/// For every window of `height` × `width` values of the `rows` × `cols` row-major `values`,
/// row-major by its first row and column: the smallest value and its index in `values`, the
/// first in row-major order among equal ones.
fn window_minima(
    values: &[f64],
    rows: usize,
    cols: usize,
    height: usize,
    width: usize,
) -> Vec<(f64, usize)> {
    let across = cols - width + 1;
    // along each row: the first smallest of `width` consecutive values
    let mut in_rows = Vec::with_capacity(rows * across);
    for r in 0..rows {
        let row = &values[r * cols..(r + 1) * cols];
        for c in 0..across {
            in_rows.push(first_min((c..c + width).map(|k| (row[k], r * cols + k))));
        }
    }
    // down the columns of those: the first smallest of `height` consecutive rows
    let down = rows - height + 1;
    let mut minima = Vec::with_capacity(down * across);
    for r in 0..down {
        for c in 0..across {
            minima.push(first_min((r..r + height).map(|k| in_rows[k * across + c])));
        }
    }
    minima
}

/// The first smallest of (value, index) pairs.
fn first_min(pairs: impl Iterator<Item = (f64, usize)>) -> (f64, usize) {
    pairs.fold((f64::INFINITY, 0), |best, pair| {
        if pair.0 < best.0 { pair } else { best }
    })
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
        for (height, width) in [(1, 1), (2, 3), (5, 7), (3, 1), (1, 4), (4, 6)] {
            let minima = window_minima(&values, rows, cols, height, width);
            let values = &values;
            let across = cols - width + 1;
            for r in 0..=rows - height {
                for c in 0..across {
                    let scan = first_min((r..r + height).flat_map(|i| {
                        (c..c + width).map(move |j| (values[i * cols + j], i * cols + j))
                    }));
                    assert_eq!(
                        minima[r * across + c],
                        scan,
                        "{height}x{width} at ({r}, {c})"
                    );
                }
            }
        }
    }
}
