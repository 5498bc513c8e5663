//! A small weighted ridge solver: sparse rows in, dense normal equations,
//! Cholesky out.
//!
//! The daily model has a few hundred columns at most and most rows touch a
//! few dozen of them (intercept, weekday, trend, annual terms, the events of
//! that day), so accumulating `XᵀWX` row by row from sparse rows costs
//! `n · nnz²` and the Cholesky factorisation `p³ / 3`: milliseconds for
//! three years of days. Everything is deterministic: no threads, a fixed
//! summation order.
//!
//! The estimate minimises `Σᵢ wᵢ (yᵢ − xᵢᵀβ)² + Σⱼ λⱼ βⱼ²`, i.e. solves
//! `(XᵀWX + Λ) β = XᵀWy` (Hoerl & Kennard 1970; with `λⱼ = σ² / τⱼ²` it is
//! the posterior mean under independent `N(0, τⱼ²)` priors).

/// One design row: `(column, value)` pairs, columns in any order, each once.
pub type Row = Vec<(usize, f64)>;

/// Solves the weighted ridge problem above for `p` columns.
///
/// Returns `None` when the system is not positive definite even after a
/// tiny jitter (an all-zero column with a zero penalty), which callers turn
/// into a fallback rather than a panic.
#[cfg(test)]
pub fn ridge(
    rows: &[Row],
    y: &[f64],
    w: &[f64],
    penalty: &[f64],
) -> Option<Vec<f64>> {
    let design = Design::new(rows, penalty.len());
    Normal::of(&design, y, w).solve(penalty)
}

/// Design rows with each row's columns in increasing order, sorted once
/// for all the reweighting passes, and cut into runs of consecutive
/// columns: accumulating a row then visits each of its column pairs once,
/// instead of every ordered pair and a test, and a run's pairs with one
/// column are a contiguous stretch of that column's equations, summed in
/// one vectorised loop. The daily model's rows are mostly such runs (the
/// trend and its active hinges, the annual terms).
#[derive(Clone, Debug)]
pub struct Design {
    p: usize,
    /// Row `i`'s runs are `runs[start[i]..start[i + 1]]`.
    start: Vec<usize>,
    /// Runs of consecutive columns: `(first column, from, to)`, the values
    /// being `values[from..to]` for columns `first..`.
    runs: Vec<(usize, usize, usize)>,
    values: Vec<f64>,
}

impl Design {
    /// `rows` over `p` columns.
    pub fn new(rows: &[Row], p: usize) -> Design {
        let mut start = Vec::with_capacity(rows.len() + 1);
        let entries: usize = rows.iter().map(Vec::len).sum();
        let mut values = Vec::with_capacity(entries);
        let mut runs: Vec<(usize, usize, usize)> =
            Vec::with_capacity(rows.len());
        start.push(0);
        let mut stretches: Vec<(usize, usize)> = vec![];
        for row in rows {
            // A row lists its columns as a few stretches of consecutive
            // ones (the weekday, the annual terms, the trend): sorting the
            // stretches by their first column sorts the row, and the
            // sorted stretches are its runs, joined where one ends just
            // before the next begins.
            stretches.clear();
            for (i, &(j, _)) in row.iter().enumerate() {
                match stretches.last_mut() {
                    Some((_, end)) if row[*end - 1].0 + 1 == j => *end = i + 1,
                    _ => stretches.push((i, i + 1)),
                }
            }
            stretches.sort_unstable_by_key(|&(from, _)| row[from].0);
            let first_run = runs.len();
            for &(from, to) in &stretches {
                let first = row[from].0;
                let len = to - from;
                match runs[first_run..].last_mut() {
                    Some((j, f, t)) if *j + (*t - *f) == first => *t += len,
                    _ => runs.push((first, values.len(), values.len() + len)),
                }
                values.extend(row[from..to].iter().map(|&(_, x)| x));
            }
            start.push(runs.len());
        }
        Design { p, start, runs, values }
    }

    /// Row `i`'s runs.
    fn runs(&self, i: usize) -> &[(usize, usize, usize)] {
        &self.runs[self.start[i]..self.start[i + 1]]
    }
}

/// The weighted normal equations `XᵀWX`, `XᵀWy` of a design, without the
/// penalty: kept so that a reweighting pass whose weights did not change
/// re-solves with a new penalty without accumulating the rows again.
#[derive(Clone, Debug)]
pub struct Normal {
    p: usize,
    /// `XᵀWX`, row-major, lower triangle (the upper one stays zero).
    a: Vec<f64>,
    b: Vec<f64>,
    /// Room for the factor, kept between solves.
    factor: Vec<f64>,
    /// Scratch of [`cholesky`].
    packed: Vec<f64>,
}

impl Normal {
    /// Empty equations over `p` columns, to [`accumulate`](Self::accumulate)
    /// a design into.
    pub fn new(p: usize) -> Normal {
        Normal { p, a: vec![], b: vec![], factor: vec![], packed: vec![] }
    }

    /// The equations of `design` with targets `y` and weights `w`.
    #[cfg(test)]
    pub fn of(design: &Design, y: &[f64], w: &[f64]) -> Normal {
        let mut normal = Normal::new(design.p);
        normal.accumulate(design, y, w);
        normal
    }

    /// Replaces the equations by those of the rows of `design` (over as
    /// many columns as [`new`](Self::new) was given) with targets `y` and
    /// weights `w`, reusing the storage of the previous ones.
    ///
    /// Entry `(j, k)`, `k ≤ j`, of a row adds `(wᵢ xⱼ) xₖ` and `b` adds
    /// `(wᵢ xⱼ) yᵢ`, rows in order: the order in which a row lists its
    /// columns changes nothing.
    pub fn accumulate(&mut self, design: &Design, y: &[f64], w: &[f64]) {
        let p = self.p;
        debug_assert_eq!(p, design.p);
        let (a, b) = (&mut self.a, &mut self.b);
        a.clear();
        a.resize(p * p, 0.0);
        b.clear();
        b.resize(p, 0.0);
        #[cfg(target_arch = "x86_64")]
        if std::arch::is_x86_feature_detected!("avx") {
            // SAFETY: this CPU runs AVX, as just checked.
            unsafe { accumulate_avx(a, b, design, y, w) };
            return;
        }
        accumulate_rows(a, b, design, y, w);
    }

    /// The ridge estimate with `penalty[j]` added to column `j`'s diagonal
    /// (see [`ridge`]).
    pub fn solve(&mut self, penalty: &[f64]) -> Option<Vec<f64>> {
        let p = self.p;
        let diagonal = |j: usize| match penalty.get(j) {
            Some(&l) => self.a[j * p + j] + l,
            None => self.a[j * p + j],
        };
        let scale = (0..p).map(|j| diagonal(j).abs()).fold(0.0, f64::max);
        let mut m = std::mem::take(&mut self.factor);
        m.resize(p * p, 0.0);
        let mut beta = None;
        for attempt in 0..3 {
            for j in 0..p {
                let row = j * p..j * p + j;
                m[row.clone()].copy_from_slice(&self.a[row]);
                m[j * p + j] = diagonal(j);
            }
            if attempt > 0 {
                let jitter = scale.max(1.0) * 1e-10 * 100f64.powi(attempt);
                for j in 0..p {
                    m[j * p + j] += jitter;
                }
            }
            if cholesky(&mut m, p, &mut self.packed) {
                let x = solve(&m, p, &self.b);
                if x.iter().all(|v| v.is_finite()) {
                    beta = Some(x);
                    break;
                }
            }
        }
        self.factor = m;
        beta
    }
}

/// [`accumulate_rows`] compiled for 256-bit registers. The arithmetic is
/// the same IEEE multiplications and additions in the same order (Rust
/// never fuses a multiply and an add on its own), so the equations are the
/// same bits as on any other CPU.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn accumulate_avx(
    a: &mut [f64],
    b: &mut [f64],
    design: &Design,
    y: &[f64],
    w: &[f64],
) {
    accumulate_rows(a, b, design, y, w);
}

/// Adds the rows of `design` into `a` (`p × p`, row-major, lower triangle)
/// and `b`, as [`Normal::accumulate`] describes: for each column `j` of a
/// row, `wxⱼ = wᵢ xⱼ`, then `(j, k) += wxⱼ xₖ` for each column `k ≤ j` of
/// the row, run by run, rows in order.
#[inline(always)]
fn accumulate_rows(
    a: &mut [f64],
    b: &mut [f64],
    design: &Design,
    y: &[f64],
    w: &[f64],
) {
    let (p, x) = (design.p, &design.values);
    for (i, (&yi, &wi)) in y.iter().zip(w).enumerate() {
        if wi <= 0.0 {
            continue;
        }
        let runs = design.runs(i);
        for (r, &(first, from, to)) in runs.iter().enumerate() {
            for (q, j) in (from..to).zip(first..) {
                let wxj = wi * x[q];
                b[j] += wxj * yi;
                let aj = &mut a[j * p..=j * p + j];
                for &(k, f, t) in &runs[..r] {
                    add_scaled(&mut aj[k..k + (t - f)], wxj, &x[f..t]);
                }
                add_scaled(&mut aj[first..=j], wxj, &x[from..=q]);
            }
        }
    }
}

/// `dst[k] += s · src[k]`, one rounding for the product and one for the
/// sum, as the scalar loop does. A single entry (the intercept, a weekday,
/// an event) skips the vector loop's set-up.
#[inline(always)]
fn add_scaled(dst: &mut [f64], s: f64, src: &[f64]) {
    if let ([d], [v]) = (&mut *dst, src) {
        *d += s * v;
        return;
    }
    for (d, &v) in dst.iter_mut().zip(src) {
        *d += s * v;
    }
}

/// Columns factored together: the width of the panel whose updates
/// from all earlier columns run as one register-blocked sweep.
const PANEL: usize = 4;
/// Rows updated together against a panel.
const ROWS: usize = 8;

/// In-place lower Cholesky factor of the symmetric `p × p` matrix `m`
/// (row-major, lower triangle read; the upper triangle is left with
/// meaningless values). Returns false when a pivot is not positive.
///
/// Every entry is computed as in the textbook column-by-column
/// (Cholesky–Banachiewicz) loop: `lᵢⱼ = (aᵢⱼ − Σₖ₌₀ʲ⁻¹ lᵢₖ lⱼₖ) / lⱼⱼ` with
/// the products subtracted one at a time in increasing `k`, and
/// `lⱼⱼ = √(aⱼⱼ − Σₖ lⱼₖ²)` likewise. Only the schedule differs: the
/// columns go in panels of [`PANEL`]; before a panel is factored, each of
/// its entries receives the products of all earlier columns (`k` below
/// the panel) in a sweep that updates [`ROWS`] × [`PANEL`] entries at once,
/// which keeps independent sums in flight instead of waiting on one sum's
/// additions; then the panel's own columns finish each sum, still in
/// increasing `k`. The same roundings happen in the same order, so the
/// factor is bit-identical to the plain loop (see the tests), and about
/// an order of magnitude faster on the daily model's few hundred columns.
fn cholesky(m: &mut [f64], p: usize, packed: &mut Vec<f64>) -> bool {
    factor(m, p, packed, Sweep::detect())
}

/// [`cholesky`] with the panel updates of `how`.
fn factor(m: &mut [f64], p: usize, packed: &mut Vec<f64>, how: Sweep) -> bool {
    packed.resize(p * PANEL, 0.0);
    for j0 in (0..p).step_by(PANEL) {
        let j1 = (j0 + PANEL).min(p);
        if j0 > 0 {
            update_panel(m, p, j0, j1, packed, how);
        }
        if !factor_columns(m, p, j0, j1) {
            return false;
        }
    }
    true
}

/// Factors columns `j0..j1`, the products of the columns before `j0`
/// being subtracted already: the textbook loop, each sum running over
/// `k` from `j0`. Over all columns (`0..p`) it is the whole factorisation,
/// which the tests keep as the reference. Returns false when a pivot is
/// not positive.
fn factor_columns(m: &mut [f64], p: usize, j0: usize, j1: usize) -> bool {
    for j in j0..j1 {
        let mut d = m[j * p + j];
        for k in j0..j {
            d -= m[j * p + k] * m[j * p + k];
        }
        if d.is_nan() || d <= 0.0 || !d.is_finite() {
            return false;
        }
        let d = d.sqrt();
        m[j * p + j] = d;
        for i in (j + 1)..p {
            let mut s = m[i * p + j];
            for k in j0..j {
                s -= m[i * p + k] * m[j * p + k];
            }
            m[i * p + j] = s / d;
        }
    }
    true
}

/// Subtracts `Σₖ₌₀ʲ⁰⁻¹ lᵢₖ lⱼₖ` (in increasing `k`) from every entry of
/// columns `j0..j1` on or below the panel's first row, the columns before
/// `j0` being factored already. `packed` is scratch of `p × PANEL`.
fn update_panel(
    m: &mut [f64],
    p: usize,
    j0: usize,
    j1: usize,
    packed: &mut [f64],
    how: Sweep,
) {
    // The panel's rows of the factor, transposed so that one load gives
    // the `k`-th entry of every panel column; columns past `j1` stay zero
    // and their sums are dropped.
    let packed = &mut packed[..j0 * PANEL];
    packed.fill(0.0);
    for (c, j) in (j0..j1).enumerate() {
        for (k, &v) in m[j * p..j * p + j0].iter().enumerate() {
            packed[k * PANEL + c] = v;
        }
    }
    let width = j1 - j0;
    #[cfg(target_arch = "x86_64")]
    if how.avx {
        // SAFETY: only `Sweep::detect` sets `avx`, having checked that
        // this CPU runs AVX.
        unsafe { sweep_avx(m, p, j0, width, packed) };
        return;
    }
    let _ = how;
    sweep(m, p, j0, width, packed);
}

/// Which sweep [`update_panel`] runs: the AVX one only where
/// [`Sweep::detect`] saw that the CPU has AVX.
#[derive(Clone, Copy, Debug)]
struct Sweep {
    avx: bool,
}

impl Sweep {
    /// The portable sweep, on any CPU.
    #[cfg(test)]
    const PORTABLE: Sweep = Sweep { avx: false };

    /// The widest sweep this CPU runs.
    fn detect() -> Sweep {
        #[cfg(target_arch = "x86_64")]
        let avx = std::arch::is_x86_feature_detected!("avx");
        #[cfg(not(target_arch = "x86_64"))]
        let avx = false;
        Sweep { avx }
    }
}

/// [`sweep`] compiled for 256-bit registers, which hold a row's four panel
/// sums at once. The arithmetic is the same IEEE multiplications and
/// subtractions in the same order (Rust never fuses a multiply and an add
/// on its own), so the factor is the same bits as on any other CPU.
#[cfg(target_arch = "x86_64")]
#[target_feature(enable = "avx")]
fn sweep_avx(
    m: &mut [f64],
    p: usize,
    j0: usize,
    width: usize,
    packed: &[f64],
) {
    sweep(m, p, j0, width, packed);
}

/// The update of [`update_panel`], [`ROWS`] rows at a time.
#[inline(always)]
fn sweep(m: &mut [f64], p: usize, j0: usize, width: usize, packed: &[f64]) {
    let mut i = j0;
    while i + ROWS <= p {
        update_rows::<ROWS>(m, p, i, j0, width, packed);
        i += ROWS;
    }
    while i < p {
        update_rows::<1>(m, p, i, j0, width, packed);
        i += 1;
    }
}

/// [`update_panel`] on rows `i..i + R`.
#[inline(always)]
fn update_rows<const R: usize>(
    m: &mut [f64],
    p: usize,
    i: usize,
    j0: usize,
    width: usize,
    packed: &[f64],
) {
    let mut acc = [[0.0; PANEL]; R];
    for (r, a) in acc.iter_mut().enumerate() {
        a[..width]
            .copy_from_slice(&m[(i + r) * p + j0..(i + r) * p + j0 + width]);
    }
    let rows: [&[f64]; R] =
        std::array::from_fn(|r| &m[(i + r) * p..(i + r) * p + j0]);
    for (k, b) in packed.chunks_exact(PANEL).enumerate() {
        for r in 0..R {
            let x = rows[r][k];
            for c in 0..PANEL {
                acc[r][c] -= x * b[c];
            }
        }
    }
    for (r, a) in acc.iter().enumerate() {
        m[(i + r) * p + j0..(i + r) * p + j0 + width]
            .copy_from_slice(&a[..width]);
    }
}

/// Solves `L Lᵀ x = b` with the factor from [`cholesky`].
fn solve(l: &[f64], p: usize, b: &[f64]) -> Vec<f64> {
    let mut z = b.to_vec();
    for i in 0..p {
        let mut s = z[i];
        for k in 0..i {
            s -= l[i * p + k] * z[k];
        }
        z[i] = s / l[i * p + i];
    }
    for i in (0..p).rev() {
        let mut s = z[i];
        for k in (i + 1)..p {
            s -= l[k * p + i] * z[k];
        }
        z[i] = s / l[i * p + i];
    }
    z
}

/// The weighted quantile `q` of `values` (linear interpolation between
/// order statistics, unweighted). Returns `None` for an empty slice.
pub fn quantile(values: &[f64], q: f64) -> Option<f64> {
    let mut v: Vec<f64> =
        values.iter().copied().filter(|x| x.is_finite()).collect();
    if v.is_empty() {
        return None;
    }
    let pos = q.clamp(0.0, 1.0) * (v.len() - 1) as f64;
    let lo = pos.floor() as usize;
    let hi = pos.ceil() as usize;
    let frac = pos - lo as f64;
    // The two order statistics, without sorting the rest: the robust fit
    // takes a median of every residual on each of its passes.
    let (_, &mut low, above) = v.select_nth_unstable_by(lo, f64::total_cmp);
    let high = if hi == lo {
        low
    } else {
        above.iter().copied().min_by(f64::total_cmp).unwrap_or(low)
    };
    Some(low + (high - low) * frac)
}

/// The median absolute deviation from zero, scaled to a normal σ
/// (`1.4826 · median |r|`).
pub fn robust_scale(residuals: &[f64]) -> f64 {
    let abs: Vec<f64> = residuals.iter().map(|r| r.abs()).collect();
    quantile(&abs, 0.5).map_or(0.0, |m| 1.4826 * m)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// The column-by-column loop [`cholesky`] reschedules, kept as the
    /// reference its factor must match bit for bit.
    fn cholesky_plain(m: &mut [f64], p: usize) -> bool {
        factor_columns(m, p, 0, p)
    }

    /// The lower triangle's bits (the upper one is scratch).
    fn lower_bits(m: &[f64], p: usize) -> Vec<u64> {
        (0..p)
            .flat_map(|i| (0..=i).map(move |k| (i, k)))
            .map(|(i, k)| m[i * p + k].to_bits())
            .collect()
    }

    /// The accumulation [`Normal::new`] reorders: every ordered pair of a
    /// row's columns in the row's own order, both triangles.
    fn normal_plain(
        rows: &[Row],
        y: &[f64],
        w: &[f64],
        p: usize,
    ) -> (Vec<f64>, Vec<f64>) {
        let mut a = vec![0.0; p * p];
        let mut b = vec![0.0; p];
        for ((row, &yi), &wi) in rows.iter().zip(y).zip(w) {
            if wi <= 0.0 {
                continue;
            }
            for &(j, xj) in row {
                let wxj = wi * xj;
                b[j] += wxj * yi;
                for &(k, xk) in row {
                    if k <= j {
                        a[j * p + k] += wxj * xk;
                    }
                }
            }
        }
        for j in 0..p {
            for k in 0..j {
                a[k * p + j] = a[j * p + k];
            }
        }
        (a, b)
    }

    /// The ridge solve [`Normal::solve`] replaces: a full copy with the
    /// penalty, a jittered copy per retry, the plain factorisation.
    fn ridge_plain(
        rows: &[Row],
        y: &[f64],
        w: &[f64],
        penalty: &[f64],
    ) -> Option<Vec<f64>> {
        let p = penalty.len();
        let (mut a, b) = normal_plain(rows, y, w, p);
        for (j, &l) in penalty.iter().enumerate() {
            a[j * p + j] += l;
        }
        let scale = (0..p).map(|j| a[j * p + j].abs()).fold(0.0, f64::max);
        for attempt in 0..3 {
            let mut m = a.clone();
            if attempt > 0 {
                let jitter = scale.max(1.0) * 1e-10 * 100f64.powi(attempt);
                for j in 0..p {
                    m[j * p + j] += jitter;
                }
            }
            if cholesky_plain(&mut m, p) {
                let x = solve(&m, p, &b);
                if x.iter().all(|v| v.is_finite()) {
                    return Some(x);
                }
            }
        }
        None
    }

    /// `n` sparse rows over `p` columns shaped like the daily model's: a
    /// few dense columns, a stretch of consecutive columns, then indicator
    /// columns each row touches a handful of, listed in no particular
    /// order; targets and weights,
    /// some of them zero (`seed` picks everything).
    fn design(
        p: usize,
        n: usize,
        seed: u64,
    ) -> (Vec<Row>, Vec<f64>, Vec<f64>) {
        let mut state = seed | 1;
        let mut next = move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            (state >> 11) as f64 / (1u64 << 53) as f64
        };
        let dense = p.min(5);
        let rows: Vec<Row> = (0..n)
            .map(|_| {
                let mut row: Row =
                    (0..dense).map(|j| (j, next() * 2.0 - 1.0)).collect();
                // A stretch of consecutive columns, as the trend's active
                // hinges are, then indicators.
                let from = dense + (next() * (p - dense) as f64) as usize;
                let to = from + (next() * (p - from) as f64) as usize;
                for j in dense..p {
                    if (from..to).contains(&j) {
                        row.push((j, next() * 4.0));
                    } else if next() < 0.1 {
                        row.push((j, if next() < 0.8 { 1.0 } else { 2.0 }));
                    }
                }
                // Rotate so the columns are out of order, as the daily
                // model's rows list the trend last.
                let turn =
                    ((next() * row.len() as f64) as usize).min(row.len());
                row.rotate_left(turn);
                row
            })
            .collect();
        let y: Vec<f64> = (0..n).map(|_| next() * 3.0).collect();
        let w: Vec<f64> = (0..n)
            .map(|_| if next() < 0.05 { 0.0 } else { 0.2 + next() })
            .collect();
        (rows, y, w)
    }

    /// The lower triangle of [`normal_plain`]'s matrix, plus a ridge.
    fn plain_matrix(p: usize, n: usize, seed: u64, ridge: f64) -> Vec<f64> {
        let (rows, y, w) = design(p, n, seed);
        let (mut a, _) = normal_plain(&rows, &y, &w, p);
        for j in 0..p {
            a[j * p + j] += ridge;
        }
        a
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// The panelled factor equals the plain loop's bit for bit, on
        /// every size around the panel and row-block widths, and gives up
        /// on the same matrices.
        #[test]
        fn panelled_cholesky_is_bit_identical(
            p in 1usize..60,
            n in 1usize..200,
            seed in any::<u64>(),
            ridge in prop_oneof![Just(0.0), 1e-9..10.0f64],
        ) {
            let a = plain_matrix(p, n, seed, ridge);
            let mut plain = a.clone();
            let ok_plain = cholesky_plain(&mut plain, p);
            for how in [Sweep::detect(), Sweep::PORTABLE] {
                let mut m = a.clone();
                let ok = factor(&mut m, p, &mut vec![], how);
                prop_assert_eq!(ok, ok_plain);
                if ok {
                    prop_assert_eq!(lower_bits(&m, p), lower_bits(&plain, p));
                }
            }
        }

        /// Sorted rows accumulate the same equations, and the solve gives
        /// the same coefficients (or the same refusal) as the plain code:
        /// two penalties in a row on one set of equations, then new
        /// weights accumulated into the same storage.
        #[test]
        fn normal_equations_and_solve_are_bit_identical(
            p in 1usize..40,
            n in 0usize..120,
            seed in any::<u64>(),
            l1 in prop_oneof![Just(0.0), 1e-9..10.0f64],
            l2 in 1e-6..3.0f64,
        ) {
            let (rows, y, w) = design(p, n, seed);
            let sorted = Design::new(&rows, p);
            let mut normal = Normal::new(p);
            let bits =
                |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
            let reweighted: Vec<f64> = w.iter().rev().copied().collect();
            for (w, ls) in [(&w, [l1, l2]), (&reweighted, [l2, l1])] {
                normal.accumulate(&sorted, &y, w);
                let (a, b) = normal_plain(&rows, &y, w, p);
                prop_assert_eq!(lower_bits(&normal.a, p), lower_bits(&a, p));
                prop_assert_eq!(bits(&normal.b), bits(&b));
                for l in ls {
                    let penalty: Vec<f64> =
                        (0..p).map(|j| if j == 0 { 1e-9 } else { l }).collect();
                    let want = ridge_plain(&rows, &y, w, &penalty);
                    let got = normal.solve(&penalty);
                    prop_assert_eq!(
                        got.map(|x| bits(&x)),
                        want.map(|x| bits(&x))
                    );
                }
            }
        }
    }

    #[test]
    fn a_large_system_factors_as_the_plain_loop_does() {
        // Past several panels and with a ragged last one, as the daily
        // model's 200-odd columns are.
        let p = 203;
        let a = plain_matrix(p, 900, 7, 0.01);
        let mut plain = a.clone();
        assert!(cholesky_plain(&mut plain, p));
        for how in [Sweep::detect(), Sweep::PORTABLE] {
            let mut m = a.clone();
            assert!(factor(&mut m, p, &mut vec![], how), "{how:?}");
            assert_eq!(lower_bits(&m, p), lower_bits(&plain, p), "{how:?}");
        }
    }

    #[test]
    fn recovers_an_exact_linear_fit() {
        // y = 2 + 3x, with columns [1, x].
        let xs = [0.0, 1.0, 2.0, 3.0, 4.0];
        let rows: Vec<Row> =
            xs.iter().map(|&x| vec![(0, 1.0), (1, x)]).collect();
        let y: Vec<f64> = xs.iter().map(|x| 2.0 + 3.0 * x).collect();
        let w = vec![1.0; xs.len()];
        let beta = ridge(&rows, &y, &w, &[0.0, 0.0]).unwrap();
        assert!((beta[0] - 2.0).abs() < 1e-9, "{beta:?}");
        assert!((beta[1] - 3.0).abs() < 1e-9, "{beta:?}");
    }

    #[test]
    fn penalty_shrinks_a_dummy_by_n_over_n_plus_lambda() {
        // Intercept free; a dummy seen on 2 rows with effect 1.0.
        let rows: Vec<Row> =
            (0..10)
                .map(|i| {
                    if i < 2 {
                        vec![(0, 1.0), (1, 1.0)]
                    } else {
                        vec![(0, 1.0)]
                    }
                })
                .collect();
        let y: Vec<f64> =
            (0..10).map(|i| if i < 2 { 1.0 } else { 0.0 }).collect();
        let w = vec![1.0; 10];
        let beta = ridge(&rows, &y, &w, &[0.0, 2.0]).unwrap();
        // Exact: β₁ = 2/(2+2) · (1 − β₀-ish); check it is shrunk, positive.
        assert!(beta[1] > 0.4 && beta[1] < 0.6, "{beta:?}");
    }

    #[test]
    fn an_empty_unpenalised_column_is_survived() {
        let rows: Vec<Row> = vec![vec![(0, 1.0)]; 3];
        let beta = ridge(&rows, &[1.0; 3], &[1.0; 3], &[0.0, 0.0]).unwrap();
        assert!((beta[0] - 1.0).abs() < 1e-6);
        assert!(beta[1].abs() < 1e-6);
    }

    #[test]
    fn one_set_of_normal_equations_serves_several_penalties() {
        let n = 40;
        let rows: Vec<Row> = (0..n)
            .map(|i| {
                let x = f64::from(i) / 7.0;
                vec![(0, 1.0), (1, x), (2 + (i % 3) as usize, 1.0)]
            })
            .collect();
        let y: Vec<f64> =
            (0..n).map(|i| (f64::from(i) * 0.37).sin() + 2.0).collect();
        let w: Vec<f64> = (0..n).map(|i| 1.0 / f64::from(1 + i % 5)).collect();
        let mut normal = Normal::of(&Design::new(&rows, 5), &y, &w);
        let p1 = [1e-9, 0.5, 0.3, 0.3, 0.3];
        let p2 = [1e-9, 2.0, 0.01, 1.0, 4.0];
        let first = normal.solve(&p1).unwrap();
        for penalty in [p1, p2] {
            // Reference: the dense system (XᵀWX + Λ) β = XᵀWy solved by
            // checking its residual.
            let beta = normal.solve(&penalty).unwrap();
            let mut x = vec![[0.0; 5]; rows.len()];
            for (xi, row) in x.iter_mut().zip(&rows) {
                for &(j, v) in row {
                    xi[j] = v;
                }
            }
            for j in 0..5 {
                let mut lhs = penalty[j] * beta[j];
                let mut rhs = 0.0;
                for i in 0..rows.len() {
                    let fit: f64 = (0..5).map(|k| x[i][k] * beta[k]).sum();
                    lhs += w[i] * x[i][j] * fit;
                    rhs += w[i] * x[i][j] * y[i];
                }
                assert!(
                    (lhs - rhs).abs() < 1e-9,
                    "column {j}: {lhs} vs {rhs}"
                );
            }
        }
        // Solving does not consume the equations: the first penalty again
        // gives the same bits.
        let again = normal.solve(&p1).unwrap();
        let bits =
            |v: &[f64]| v.iter().map(|x| x.to_bits()).collect::<Vec<_>>();
        assert_eq!(bits(&again), bits(&first));
    }

    proptest! {
        /// The two order statistics picked without a sort are those of the
        /// sorted values: the same bits.
        #[test]
        fn quantiles_are_those_of_the_sorted_values(
            values in proptest::collection::vec(
                prop_oneof![any::<f64>(), -3.0..3.0f64, Just(0.0), Just(-0.0)],
                0..60,
            ),
            q in prop_oneof![0.0..=1.0f64, Just(0.5), Just(1.0)],
        ) {
            let mut sorted: Vec<f64> =
                values.iter().copied().filter(|x| x.is_finite()).collect();
            sorted.sort_by(f64::total_cmp);
            let want = (!sorted.is_empty()).then(|| {
                let pos = q * (sorted.len() - 1) as f64;
                let (lo, hi) = (pos.floor() as usize, pos.ceil() as usize);
                let frac = pos - lo as f64;
                sorted[lo] + (sorted[hi] - sorted[lo]) * frac
            });
            prop_assert_eq!(
                quantile(&values, q).map(f64::to_bits),
                want.map(f64::to_bits)
            );
        }
    }

    #[test]
    fn quantiles_interpolate() {
        let v = [1.0, 2.0, 3.0, 4.0, 5.0];
        assert_eq!(quantile(&v, 0.5), Some(3.0));
        assert_eq!(quantile(&v, 0.25), Some(2.0));
        assert_eq!(quantile(&[], 0.5), None);
        assert!((robust_scale(&[-1.0, 1.0, 1.0]) - 1.4826).abs() < 1e-12);
    }
}
