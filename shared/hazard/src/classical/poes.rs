//! The innermost loop of the classical calculator: adding a context's probabilities of
//! exceedance of an IMT's levels, weighted by its rupture's `rate × T`, into its site's sums.
//!
//! A context has a median `mean` (ln) and a standard deviation `sig`; the PoE of the level
//! `l` is the truncated normal survival function ([`TruncatedSf`]) at `x = (ln l − mean) /
//! sig`, exactly 0 at and beyond the truncation `t`, exactly 1 at and below `−t`, kept in
//! float32 as OpenQuake keeps it. With increasing levels (all but hand-written level lists)
//! `x` increases with the level, so the levels split into three runs: PoE 1, between
//! (about 25 of 45 levels in the demos) and PoE 0. The first run is one addition per level,
//! the last nothing. The middle:
//! - when the contexts share one sigma (GSIMs whose sigma depends on the IMT alone) and the
//!   levels are evenly spaced (OpenQuake's `logscale`), is read from a [`SigmaTable`] of that
//!   sigma, where all of a context's levels fall at the same place in their intervals;
//! - otherwise waits: the `x` of a few hundred contexts' middles are read through the
//!   [`TruncatedSf`] in one long loop (four at a time with AVX2 and FMA where the processor
//!   has them), which the processor pipelines where one context's 25 levels would leave it
//!   waiting on each level's chain of dependent instructions, then added in;
//! - for decreasing levels, non-finite or subnormal sigma, is evaluated one level at a time,
//!   as OpenQuake does.
//!
//! The runs' ends come from the step between evenly spaced levels, or a walk from there
//! otherwise, comparing the levels with `mean ± t × sig` (in a [`SigmaTable`], comparing
//! the levels' places in the table with those of `±t`); `x` is computed as `(ln l − mean) ×
//! (1 / sig)`, within an ulp of the division. Either may put a level within 1e-12 steps of
//! an end on the other side of it: there the two sides' PoEs are within 1e-14 of each other
//! (1 and the survival function at −t, 0 and at t, the table and the exact function at the
//! table's ends). The sums take the same terms as one level at a time, in another order.

use super::normal::TruncatedSf;

/// The natural logarithms of an IMT's levels.
pub(crate) struct LnLevels {
    values: Vec<f64>,
    increasing: bool,
    /// 1 / the mean step between levels: the index of a value, were they evenly spaced.
    per_step: f64,
    /// Evenly spaced (OpenQuake's `logscale`): each within 1e-12 steps of its place.
    even: bool,
}

/// How far from its place an evenly spaced level may be, in steps: `logscale` levels are
/// within 1e-14. A level counted on the wrong side of a run's end lies this close to it,
/// where the two sides' PoEs differ by less than 1e-14.
const EVEN_WITHIN: f64 = 1e-12;

impl LnLevels {
    pub(crate) fn new(levels: &[f64]) -> Self {
        let values: Vec<f64> = levels.iter().map(|l| l.ln()).collect();
        let increasing = values.windows(2).all(|w| w[0] <= w[1]);
        let (per_step, even) = match values[..] {
            [first, .., last] if last > first => {
                let per_step = (values.len() - 1) as f64 / (last - first);
                let even = values
                    .iter()
                    .enumerate()
                    .all(|(k, &l)| ((l - first) * per_step - k as f64).abs() <= EVEN_WITHIN);
                (per_step, even)
            }
            _ => (0.0, false),
        };
        LnLevels {
            values,
            increasing,
            per_step,
            even,
        }
    }

    pub(crate) fn len(&self) -> usize {
        self.values.len()
    }

    /// [`count_below`](Self::count_below) for evenly spaced levels: from the step alone,
    /// without a branch (which would mispredict half the time).
    #[inline(always)]
    fn count_even(&self, bound: f64, or_at: bool) -> u32 {
        let first = self.values.first().copied().unwrap_or(0.0);
        let len = self.values.len() as f64;
        // the place of `bound` among the levels, in steps from the first (NaN: 0)
        let place = ((bound - first) * self.per_step).clamp(-1.0, len);
        // levels k < place, or k <= place: the ceiling, or the floor plus one (`ceil` and
        // `floor` would be calls on x86-64)
        let whole = place as i32;
        let count = if or_at {
            whole - i32::from(f64::from(whole) > place) + 1
        } else {
            whole + i32::from(f64::from(whole) < place)
        };
        count.clamp(0, len as i32) as u32
    }

    /// The number of (increasing) levels below `bound`, or at or below it: for evenly
    /// spaced levels computed from the step alone, otherwise a guess from the mean step
    /// walked to the exact count.
    #[inline(always)]
    fn count_below(&self, bound: f64, or_at: bool) -> usize {
        let ln = &self.values;
        let Some(&first) = ln.first() else {
            return 0;
        };
        let len = ln.len();
        // the place of `bound` among the levels, in steps from the first
        let place = ((bound - first) * self.per_step).clamp(-1.0, len as f64);
        if self.even {
            return self.count_even(bound, or_at) as usize;
        }
        let below = |l: f64| l < bound || (or_at && l == bound);
        let mut k = (place.max(0.0) as usize).min(len);
        while k < len && below(ln[k]) {
            k += 1;
        }
        while k > 0 && !below(ln[k - 1]) {
            k -= 1;
        }
        k
    }
}

/// Levels waiting in a [`PoeAdder`] for their tabulated PoEs: flushing takes a few hundred
/// contexts' levels at once through one long loop, which the processor pipelines, where
/// a context's 25 or so levels alone would leave it waiting on each level's chain of
/// dependent instructions.
const PENDING_LEVELS: usize = 4096;

/// A context's run of tabulated levels waiting in a [`PoeAdder`].
struct Run {
    /// Where the run's sums start in the output.
    at: usize,
    len: usize,
    weight: f64,
}

/// Adds the float32 PoEs of contexts at the levels, times a weight, into sums.
pub(crate) struct PoeAdder<'a> {
    sf: &'a TruncatedSf,
    truncation: f64,
    /// AVX2 and FMA are available (checked once).
    wide: bool,
    /// `x` of the waiting levels, then their PoEs.
    xs: Vec<f64>,
    runs: Vec<Run>,
    /// Tables of the PoEs of evenly spaced levels for the sigmas met so far.
    sigma_tables: Vec<SigmaTable>,
}

impl<'a> PoeAdder<'a> {
    pub(crate) fn new(sf: &'a TruncatedSf, truncation: f64) -> Self {
        #[cfg(target_arch = "x86_64")]
        let wide = is_x86_feature_detected!("avx2") && is_x86_feature_detected!("fma");
        #[cfg(not(target_arch = "x86_64"))]
        let wide = false;
        PoeAdder {
            sf,
            truncation,
            wide,
            xs: Vec::with_capacity(PENDING_LEVELS + 64),
            runs: Vec::new(),
            sigma_tables: Vec::new(),
        }
    }

    /// For each context `i` of median `mean[i]` (ln) and standard deviation `sig[i]`, with
    /// `(at, weight) = place(i)`: `out[at + k] += weight × PoE(levels[k])` for every level
    /// `k`.
    pub(crate) fn add(
        &mut self,
        levels: &LnLevels,
        out: &mut [f64],
        mean: &[f64],
        sig: &[f64],
        place: impl Fn(usize) -> (usize, f64),
    ) {
        if let Some(index) = self.sigma_table(levels, sig) {
            let table = &self.sigma_tables[index];
            let other = |mean, weight, sums: &mut [f64]| {
                self.add_each(&levels.values, mean, table.sig, weight, sums);
            };
            let batch = Batch {
                levels,
                mean,
                place,
                other,
            };
            return table.add_all(self.wide, out, batch);
        }
        for (i, (&mean, &sig)) in mean.iter().zip(sig).enumerate() {
            let (at, weight) = place(i);
            self.add_one(levels, mean, sig, weight, out, at);
            if self.xs.len() >= PENDING_LEVELS {
                self.flush(out);
            }
        }
        self.flush(out);
    }

    /// The index of the [`SigmaTable`] for contexts all of the same `sig` on evenly spaced
    /// `levels` (built on first use), if they are and one can be built.
    fn sigma_table(&mut self, levels: &LnLevels, sig: &[f64]) -> Option<usize> {
        let &first = sig.first()?;
        // beyond the reach the tails are too thin to interpolate within 1e-9 relative
        let t = self.truncation;
        let reach = t <= TruncatedSf::TABLE_REACH;
        if !(levels.even && reach && sig.iter().all(|&s| s == first)) {
            return None;
        }
        let step = 1.0 / levels.per_step;
        let known = self
            .sigma_tables
            .iter()
            .position(|table| table.sig == first && table.step == step);
        if known.is_some() {
            return known;
        }
        if self.sigma_tables.len() == MAX_SIGMA_TABLES {
            self.sigma_tables.clear();
        }
        let table = SigmaTable::new(self.sf, t, first, step)?;
        self.sigma_tables.push(table);
        Some(self.sigma_tables.len() - 1)
    }

    /// One context: the levels of PoE 1 and those beyond the table added now, the others
    /// left waiting for [`flush`](Self::flush).
    fn add_one(
        &mut self,
        levels: &LnLevels,
        mean: f64,
        sig: f64,
        weight: f64,
        out: &mut [f64],
        at: usize,
    ) {
        let t = self.truncation;
        let sums = &mut out[at..at + levels.len()];
        // (a normal sigma: its inverse is finite)
        if !(levels.increasing && mean.is_finite() && sig.is_finite() && sig >= f64::MIN_POSITIVE) {
            return self.add_each(&levels.values, mean, sig, weight, sums);
        }
        let inv = 1.0 / sig;
        let ln = &levels.values;
        // the runs' ends from the levels at the ends' values of x
        let count_below = |x: f64, or_at: bool| levels.count_below(mean + x * sig, or_at);
        let certain = count_below(-t, true);
        let possible = count_below(t, false).max(certain);
        // the part within the table: all of it when the table spans the truncation (3,
        // 2.5, 2 and any multiple of 1/1024 up to 4)
        let (start, end) = self.sf.domain();
        let (first, last) = if start <= -t && end >= t {
            (certain, possible)
        } else {
            let first = count_below(start, false).clamp(certain, possible);
            (first, count_below(end, false).clamp(first, possible))
        };
        let x = |l: f64| (l - mean) * inv;
        for sum in &mut sums[..certain] {
            *sum += weight;
        }
        for k in (certain..first).chain(last..possible) {
            sums[k] += weight * f64::from(self.sf.exact(x(ln[k])) as f32);
        }
        if last > first {
            self.xs.extend(ln[first..last].iter().map(|&l| x(l)));
            self.runs.push(Run {
                at: at + first,
                len: last - first,
                weight,
            });
        }
    }

    /// The waiting levels' PoEs, added into `out`.
    fn flush(&mut self, out: &mut [f64]) {
        tabulate(self.sf, self.wide, &mut self.xs);
        let mut poes = &self.xs[..];
        for run in self.runs.drain(..) {
            let (these, rest) = poes.split_at(run.len);
            for (sum, poe) in out[run.at..run.at + run.len].iter_mut().zip(these) {
                *sum += run.weight * poe;
            }
            poes = rest;
        }
        self.xs.clear();
    }

    /// One level at a time, in any order, for any `mean` and `sig` (NaN in, NaN out).
    fn add_each(&self, ln: &[f64], mean: f64, sig: f64, weight: f64, sums: &mut [f64]) {
        for (sum, &l) in sums.iter_mut().zip(ln) {
            if let Some(poe) = self.poe(l, mean, sig) {
                *sum += weight * poe;
            }
        }
    }

    /// The float32 PoE of the level `ln_level` (ln) for a median `mean` (ln) and standard
    /// deviation `sig`; `None` when exactly 0 (at or beyond the truncation).
    fn poe(&self, ln_level: f64, mean: f64, sig: f64) -> Option<f64> {
        let t = self.truncation;
        let x = (ln_level - mean) / sig;
        if x >= t {
            None
        } else if x <= -t {
            Some(1.0)
        } else {
            Some(f64::from(self.sf.at(x) as f32))
        }
    }

    /// One context of a rupture that occurs `k` times in the time span with probability
    /// `pmf[k]`: `out[at + k] += −ln Σ_j pmf[j] (1 − PoE(levels[k]))^j`, the exponent of its
    /// probability of no exceedance (`tom.get_pnes`), one level at a time.
    pub(crate) fn add_non_poisson(
        &self,
        levels: &LnLevels,
        out: &mut [f64],
        (mean, sig): (f64, f64),
        at: usize,
        pmf: &[f64],
    ) {
        for (sum, &l) in out[at..at + levels.len()].iter_mut().zip(&levels.values) {
            let none = 1.0 - self.poe(l, mean, sig).unwrap_or(0.0);
            let (mut power, mut pne) = (1.0, 0.0);
            for &p in pmf {
                pne += p * power;
                power *= none;
            }
            *sum -= pne.ln();
        }
    }
}

/// Contexts for [`SigmaTable::add_all`]: their IMT's levels, their medians (ln), where
/// each adds into the output and with what weight, and what adds those the table cannot.
struct Batch<'a, P, O> {
    levels: &'a LnLevels,
    mean: &'a [f64],
    place: P,
    other: O,
}

/// Most [`SigmaTable`]s a [`PoeAdder`] keeps (one per IMT and GSIM whose sigma depends on
/// the IMT alone).
const MAX_SIGMA_TABLES: usize = 16;
/// Most intervals of a [`SigmaTable`] (1 MB; the demos' take 3,300): more (a sigma far
/// below the levels' step) and the PoEs are read from the [`TruncatedSf`] as for any other
/// sigma.
const MAX_SIGMA_INTERVALS: usize = 1 << 15;

/// The truncated survival function for one sigma `σ`, tabulated on the lattice of evenly
/// spaced levels: for a median `m` the PoE of level `k` is the function at `x_k = (ln l_0 +
/// kΔ − m) / σ`, and with nodes `h = Δ / (σN)` apart for a whole `N`, `x_k` lies in the
/// interval `i_0 + kN` at the same place `t` within it for every `k`. So with the
/// coefficients of interval `qN + j` stored at `q` in the rows of `j`, a context's PoEs are
/// one cubic in `t` over consecutive columns of one row: four contiguous loads per level,
/// no index to compute and no transposition, where [`tabulate`] needs both. The nodes are
/// at most `1 / NODES_PER_UNIT` apart, as in the [`TruncatedSf`], and the intervals as
/// exact.
struct SigmaTable {
    sig: f64,
    /// The levels' step Δ (ln).
    step: f64,
    /// Intervals per step of the levels (`N`).
    per_step: usize,
    /// `1 / N`.
    inv_per_step: f64,
    /// `1 / (σh)`: intervals per unit of `ln l − m`.
    scale: f64,
    /// The places of `x = 0`, `x = −t` and `x = t` in intervals from the first node.
    zero: f64,
    minus_t: f64,
    plus_t: f64,
    /// Columns `q` per row.
    columns: usize,
    /// Row `j`'s coefficients `a`, `b`, `c` and `d` of `a + t (b + t (c + t d))`, each over
    /// the columns, at `(4j + r) × columns`.
    rows: Vec<f64>,
}

impl SigmaTable {
    fn new(sf: &TruncatedSf, truncation: f64, sig: f64, step: f64) -> Option<Self> {
        let x_step = step / sig;
        let per_step = (x_step * TruncatedSf::NODES_PER_UNIT).ceil();
        if !(per_step >= 1.0 && per_step < MAX_SIGMA_INTERVALS as f64) {
            return None;
        }
        let per_step = per_step as usize;
        let h = x_step / per_step as f64;
        // from two intervals below −t to at least two above t: a level within a rounding
        // of the truncation falls inside
        let start = -truncation - 2.0 * h;
        let columns = ((2.0 * truncation + 4.0 * h) / x_step).ceil() as usize + 1;
        let count = columns * per_step;
        if count > MAX_SIGMA_INTERVALS {
            return None;
        }
        let intervals = sf.hermite(start, h, count);
        let mut rows = vec![0.0; 4 * count];
        for (i, coefficients) in intervals.iter().enumerate() {
            let (q, j) = (i / per_step, i % per_step);
            for (r, &c) in coefficients.iter().enumerate() {
                rows[(4 * j + r) * columns + q] = c;
            }
        }
        Some(SigmaTable {
            sig,
            step,
            per_step,
            inv_per_step: 1.0 / per_step as f64,
            scale: 1.0 / (sig * h),
            zero: -start / h,
            minus_t: (-truncation - start) / h,
            plus_t: (truncation - start) / h,
            columns,
            rows,
        })
    }

    /// For each context `i` of median `batch.mean[i]` (ln), with `(at, weight) =
    /// (batch.place)(i)`: `out[at + k] += weight × PoE(levels[k])` for every level `k`;
    /// `batch.other` adds the contexts the table cannot take (see
    /// [`add_one`](Self::add_one)). With AVX2 and FMA if `wide`.
    fn add_all<P, O>(&self, wide: bool, out: &mut [f64], batch: Batch<'_, P, O>)
    where
        P: Fn(usize) -> (usize, f64),
        O: Fn(f64, f64, &mut [f64]),
    {
        #[cfg(target_arch = "x86_64")]
        if wide {
            // SAFETY: `wide` says the processor has AVX2 and FMA
            return unsafe { self.add_all_avx2(out, batch) };
        }
        let _ = wide;
        self.add_all_in::<false, P, O>(out, batch);
    }

    /// [`add_all`](Self::add_all) compiled for AVX2 and FMA.
    ///
    /// # Safety
    /// The processor must have AVX2 and FMA.
    #[cfg(target_arch = "x86_64")]
    #[target_feature(enable = "avx2,fma")]
    unsafe fn add_all_avx2<P, O>(&self, out: &mut [f64], batch: Batch<'_, P, O>)
    where
        P: Fn(usize) -> (usize, f64),
        O: Fn(f64, f64, &mut [f64]),
    {
        self.add_all_in::<true, P, O>(out, batch);
    }

    /// [`add_all`](Self::add_all)'s loop, with fused multiply-adds if `FUSED`.
    #[inline(always)]
    fn add_all_in<const FUSED: bool, P, O>(&self, out: &mut [f64], batch: Batch<'_, P, O>)
    where
        P: Fn(usize) -> (usize, f64),
        O: Fn(f64, f64, &mut [f64]),
    {
        let levels = batch.levels;
        for (i, &mean) in batch.mean.iter().enumerate() {
            let (at, weight) = (batch.place)(i);
            let sums = &mut out[at..at + levels.len()];
            if !self.add_one::<FUSED>(levels, mean, weight, sums) {
                (batch.other)(mean, weight, sums);
            }
        }
    }

    /// One context of median `mean` (ln): `sums[k] += weight × PoE(levels[k])`. `false`
    /// (nothing added) for a non-finite mean, one a billion intervals or more from the
    /// first level, or a level outside the table (which only a rounding could give).
    #[inline(always)]
    fn add_one<const FUSED: bool>(
        &self,
        levels: &LnLevels,
        mean: f64,
        weight: f64,
        sums: &mut [f64],
    ) -> bool {
        let Some(&first_level) = levels.values.first() else {
            return true;
        };
        // the place of level 0 in intervals from the first node; level k's is that plus kN
        let place = (first_level - mean) * self.scale + self.zero;
        if place.is_nan() || place.abs() >= 1e9 {
            return false;
        }
        let len = levels.len() as i32;
        // levels of PoE 1 (x <= −t), then the others below x = t
        let certain = (floor((self.minus_t - place) * self.inv_per_step) + 1).clamp(0, len);
        let possible = ceil((self.plus_t - place) * self.inv_per_step).clamp(certain, len);
        let whole = floor(place);
        let within = place - f64::from(whole);
        let n = self.per_step as i32;
        let (column, row) = (whole.div_euclid(n), whole.rem_euclid(n) as usize);
        let (Ok(from), Ok(to)) = (
            usize::try_from(column + certain),
            usize::try_from(column + possible),
        ) else {
            return false;
        };
        if to > self.columns {
            return false;
        }
        let (certain, possible) = (certain as usize, possible as usize);
        for sum in &mut sums[..certain] {
            *sum += weight;
        }
        let rows = &self.rows[4 * row * self.columns..][..4 * self.columns];
        let (a, rest) = rows.split_at(self.columns);
        let (b, rest) = rest.split_at(self.columns);
        let (c, d) = rest.split_at(self.columns);
        let fma = |x: f64, y: f64, z: f64| if FUSED { x.mul_add(y, z) } else { x * y + z };
        let cubics = a[from..to]
            .iter()
            .zip(&b[from..to])
            .zip(&c[from..to])
            .zip(&d[from..to]);
        for (sum, (((a, b), c), d)) in sums[certain..possible].iter_mut().zip(cubics) {
            let p = fma(within, fma(within, fma(within, *d, *c), *b), *a);
            *sum += weight * f64::from(p.clamp(0.0, 1.0) as f32);
        }
        true
    }
}

/// The floor of `x` (within ±2^31), without a call (`floor` is one on x86-64 without SSE4.1).
#[inline(always)]
fn floor(x: f64) -> i32 {
    let whole = x as i32;
    whole - i32::from(f64::from(whole) > x)
}

/// The ceiling of `x` (within ±2^31), without a call.
#[inline(always)]
fn ceil(x: f64) -> i32 {
    let whole = x as i32;
    whole + i32::from(f64::from(whole) < x)
}

/// Replaces each `x` (within the table's domain) by its float32 PoE, with AVX2 if `wide`.
fn tabulate(sf: &TruncatedSf, wide: bool, xs: &mut [f64]) {
    #[cfg(target_arch = "x86_64")]
    if wide {
        // SAFETY: `wide` says the processor has AVX2 and FMA
        return unsafe { tabulate_avx2(sf, xs) };
    }
    let _ = wide;
    for x in xs {
        *x = f64::from(sf.tabulated(*x) as f32);
    }
}

/// [`tabulate`] four at a time: the four intervals' coefficients are loaded as rows and
/// transposed (cheaper than gathers on the processors measured), the cubic evaluated with
/// fused multiply-adds.
///
/// # Safety
/// The processor must have AVX2 and FMA.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx2,fma")]
unsafe fn tabulate_avx2(sf: &TruncatedSf, xs: &mut [f64]) {
    use std::arch::x86_64::*;
    let intervals = sf.intervals();
    let base = intervals.as_ptr().cast::<f64>();
    let (start, _) = sf.domain();
    let start4 = _mm256_set1_pd(start);
    let scale4 = _mm256_set1_pd(TruncatedSf::NODES_PER_UNIT);
    let (zero4, one4) = (_mm256_setzero_pd(), _mm256_set1_pd(1.0));
    // the index clamped into the table whatever the rounding: memory safety does not rest
    // on the caller (an empty table has no x within it)
    let (low, high) = (
        _mm_setzero_si128(),
        _mm_set1_epi32(intervals.len() as i32 - 1),
    );
    let mut quads = xs.chunks_exact_mut(4);
    for quad in &mut quads {
        // SAFETY: `quad` holds 4 values; every table index is clamped into `intervals`
        unsafe {
            let x = _mm256_loadu_pd(quad.as_ptr());
            let u = _mm256_mul_pd(_mm256_sub_pd(x, start4), scale4);
            let i = _mm_min_epi32(_mm_max_epi32(_mm256_cvttpd_epi32(u), low), high);
            let t = _mm256_sub_pd(u, _mm256_cvtepi32_pd(i));
            let row = |j: i32| _mm256_loadu_pd(base.add(4 * j as usize));
            let r0 = row(_mm_extract_epi32::<0>(i));
            let r1 = row(_mm_extract_epi32::<1>(i));
            let r2 = row(_mm_extract_epi32::<2>(i));
            let r3 = row(_mm_extract_epi32::<3>(i));
            // rows [a b c d] of the four to columns a, b, c, d
            let (ac01, bd01) = (_mm256_unpacklo_pd(r0, r1), _mm256_unpackhi_pd(r0, r1));
            let (ac23, bd23) = (_mm256_unpacklo_pd(r2, r3), _mm256_unpackhi_pd(r2, r3));
            let a = _mm256_permute2f128_pd::<0x20>(ac01, ac23);
            let c = _mm256_permute2f128_pd::<0x31>(ac01, ac23);
            let b = _mm256_permute2f128_pd::<0x20>(bd01, bd23);
            let d = _mm256_permute2f128_pd::<0x31>(bd01, bd23);
            let p = _mm256_fmadd_pd(t, _mm256_fmadd_pd(t, _mm256_fmadd_pd(t, d, c), b), a);
            let p = _mm256_min_pd(_mm256_max_pd(p, zero4), one4);
            _mm256_storeu_pd(quad.as_mut_ptr(), _mm256_cvtps_pd(_mm256_cvtpd_ps(p)));
        }
    }
    for x in quads.into_remainder() {
        *x = f64::from(sf.tabulated(*x) as f32);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Levels as the demos give them: 45 from 0.005 to 2.13 g, log-spaced.
    fn demo_levels() -> Vec<f64> {
        (0..45)
            .map(|k| (0.005_f64.ln() + k as f64 * (2.13_f64 / 0.005).ln() / 44.0).exp())
            .collect()
    }

    /// Every path against one level at a time with the division, on contexts spanning
    /// the levels, for truncations within and beyond the table (and with the table ending
    /// inside the truncation, 1.7).
    /// Levels as a hand-written list gives them (the simple-fault demo's PGV, cm/s).
    fn listed_levels() -> Vec<f64> {
        let mut levels: Vec<f64> = (1..=10).map(|k| 2.0 * k as f64).collect();
        levels.extend([23.0, 26.0, 29.0, 32.0, 35.0, 50.0, 100.0, 200.0, 300.0]);
        levels.into_iter().map(|l| l / 100.0).collect()
    }

    /// One context per row of `out`, from 0.5.
    fn add_rows(adder: &mut PoeAdder, levels: &LnLevels, contexts: &[(f64, f64)]) -> Vec<f64> {
        let n = levels.len();
        let mut out = vec![0.5; n * contexts.len()];
        let (mean, sig): (Vec<f64>, Vec<f64>) = contexts.iter().copied().unzip();
        adder.add(levels, &mut out, &mean, &sig, |i| (i * n, 0.25));
        out
    }

    /// Every path against one level at a time with the division, on contexts spanning
    /// the levels (more than wait at once), for truncations within and beyond the table
    /// (and with the table ending inside the truncation, 1.7).
    #[test]
    fn every_path_adds_what_one_level_at_a_time_adds() {
        let contexts: Vec<(f64, f64)> = (0..400)
            .map(|step| (-7.0 + step as f64 * 0.021, 0.3 + (step % 13) as f64 * 0.05))
            .collect();
        for (levels, truncation) in [demo_levels(), listed_levels()]
            .iter()
            .flat_map(|l| [3.0, 1.7, 5.0, 99.0, 1e-9].map(|t| (LnLevels::new(l), t)))
        {
            let sf = TruncatedSf::new(truncation);
            let mut wide = PoeAdder::new(&sf, truncation);
            let mut narrow = PoeAdder {
                wide: false,
                ..PoeAdder::new(&sf, truncation)
            };
            let n = levels.len();
            let mut want = vec![0.5; n * contexts.len()];
            for (row, &(mean, sig)) in want.chunks_mut(n).zip(&contexts) {
                wide.add_each(&levels.values, mean, sig, 0.25, row);
            }
            for adder in [&mut wide, &mut narrow] {
                let got = add_rows(adder, &levels, &contexts);
                for (k, (g, w)) in got.iter().zip(&want).enumerate() {
                    // one float32 ulp of a PoE at most, where x is within an ulp
                    assert!(
                        (g - w).abs() <= 1.2e-7 * (w - 0.5) + 1e-15,
                        "t={truncation} context {} level {}: {g} vs {w}",
                        k / n,
                        k % n
                    );
                }
            }
        }
    }

    /// Contexts of one sigma on evenly spaced levels go through a [`SigmaTable`]: the same
    /// sums, for sigmas from far below the levels' step to far above, truncations within
    /// the table and small, and means on both sides of every level.
    #[test]
    fn one_sigma_adds_what_one_level_at_a_time_adds() {
        let levels = LnLevels::new(&demo_levels());
        let means: Vec<f64> = (0..700).map(|step| -9.0 + step as f64 * 0.0137).collect();
        for truncation in [3.0, 1.7, 0.1, 1e-9] {
            let sf = TruncatedSf::new(truncation);
            for sig in [0.005, 0.05, 0.3, 0.6472, 1.2, 3.0] {
                let contexts: Vec<(f64, f64)> = means.iter().map(|&m| (m, sig)).collect();
                for wide in [true, false] {
                    let mut adder = PoeAdder {
                        wide: wide && PoeAdder::new(&sf, truncation).wide,
                        ..PoeAdder::new(&sf, truncation)
                    };
                    let got = add_rows(&mut adder, &levels, &contexts);
                    assert_eq!(adder.sigma_tables.len(), 1, "t={truncation} sigma {sig}");
                    let n = levels.len();
                    for (k, g) in got.iter().enumerate() {
                        let (mean, _) = contexts[k / n];
                        let mut want = [0.5];
                        adder.add_each(&levels.values[k % n..][..1], mean, sig, 0.25, &mut want);
                        let want = want[0];
                        assert!(
                            (g - want).abs() <= 1.2e-7 * (want - 0.5) + 1e-15,
                            "t={truncation} sigma {sig} mean {mean} level {}: {g} vs {want}",
                            k % n
                        );
                    }
                }
            }
        }
    }

    #[test]
    fn unordered_levels_and_odd_contexts_go_one_at_a_time() {
        let sf = TruncatedSf::new(3.0);
        let mut adder = PoeAdder::new(&sf, 3.0);
        let mut levels = demo_levels();
        levels.reverse();
        let sums = add_rows(&mut adder, &LnLevels::new(&levels), &[(-2.0, 0.6)]);
        assert_eq!(sums[0], 0.5);
        assert_eq!(sums[44], 0.75);
        let levels = LnLevels::new(&demo_levels());
        let sums = add_rows(&mut adder, &levels, &[(f64::NAN, 0.6)]);
        assert!(sums.iter().all(|s| s.is_nan()));
        // zero sigma: a step at the median
        let sums = add_rows(&mut adder, &levels, &[(0.01_f64.ln(), 0.0)]);
        let below = demo_levels().iter().filter(|&&l| l < 0.01).count();
        assert!(below > 0 && below < 45);
        assert_eq!(sums.iter().filter(|&&s| s == 0.75).count(), below);
        assert_eq!(sums.iter().filter(|&&s| s == 0.5).count(), 45 - below);
    }
}
