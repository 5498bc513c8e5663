//! Where one queue's rows go as they are read: a sparse grid of instants.
//!
//! The reader never holds the file's rows. Each row lands in the cell of
//! its instant on a regular grid of UTC instants (`phase + k × step`), so
//! memory follows the number of distinct intervals, not the number of
//! rows. The grid is cut into chunks of [`CHUNK`] cells, allocated when a
//! row first falls in them: a stray row years away costs one chunk, not
//! every interval in between.
//!
//! The step starts at an hour and is refined (to the greatest common
//! divisor of the spacings seen) when a row falls between two cells, by
//! laying the cells out again; it stays a whole number of minutes dividing
//! an hour, so a grid never holds more than 60 cells per hour. Rows off
//! the minute grid are the reader's business (they are always an error).
//!
//! A cell keeps what the planner's outputs need, exactly: the volume, the
//! handle time and the first line. Values are stored as 32-bit integers
//! over a power of ten shared by the chunk whenever that decodes to the
//! very same `f64` (volumes and handle times are written with few
//! decimals), 16-bit integers while they fit, else as `f64`; lines as
//! 16-bit offsets from the chunk's first line, widened when a chunk's rows
//! lie far apart in the file. A dense chunk of whole volumes and handle
//! times to a tenth of a second costs about 6 bytes per cell.

use std::collections::HashMap;

/// Cells per chunk.
pub(super) const CHUNK: usize = 128;

/// The longest step, in seconds: an hour.
const MAX_STEP: i64 = 3600;

/// One stored row.
#[derive(Clone, Copy, Debug, PartialEq)]
pub(super) struct Cell {
    /// Instant, seconds since the Unix epoch.
    pub utc: i64,
    /// Offered contacts.
    pub volume: f64,
    /// Average handle time in seconds, when given.
    pub aht: Option<f64>,
    /// The source line.
    pub line: u64,
}

/// The cells of one queue.
#[derive(Debug)]
pub(super) struct Grid {
    /// Seconds between cells: a multiple of 60 dividing an hour.
    step: i64,
    /// `utc.rem_euclid(step)` of every cell.
    phase: i64,
    /// Chunk number → index in `chunks`.
    index: HashMap<i64, u32>,
    chunks: Vec<Chunk>,
    /// The chunk number of each entry of `chunks`.
    numbers: Vec<i64>,
    /// The last chunk written, as (number, index): rows come in order.
    last: Option<(i64, u32)>,
    /// The instant and number of the last cell written.
    previous: Option<(i64, i64)>,
    cells: usize,
}

impl Default for Grid {
    fn default() -> Grid {
        Grid {
            step: MAX_STEP,
            phase: 0,
            index: HashMap::new(),
            chunks: vec![],
            numbers: vec![],
            last: None,
            previous: None,
            cells: 0,
        }
    }
}

impl Grid {
    /// Occupied cells.
    pub fn len(&self) -> usize {
        self.cells
    }

    /// Stores a row at `utc` (a whole minute), or returns the line of the
    /// row already in that cell.
    pub fn insert(&mut self, cell: Cell) -> Result<(), u64> {
        debug_assert_eq!(cell.utc.rem_euclid(60), 0);
        // A queue's rows come in order, a step apart: the cell after the
        // previous one, without a division.
        let k = match self.previous {
            Some((utc, k)) if cell.utc - utc == self.step => k + 1,
            _ => self.place(cell.utc),
        };
        self.previous = Some((cell.utc, k));
        let (number, at) =
            (k.div_euclid(CHUNK as i64), k.rem_euclid(CHUNK as i64));
        let i = self.chunk(number);
        let chunk = &mut self.chunks[i];
        let at = at as usize;
        if chunk.volume.has(at) {
            return Err(chunk.line(at));
        }
        chunk.put(at, &cell);
        self.cells += 1;
        Ok(())
    }

    /// The number of the cell of `utc`, on a finer step when it falls
    /// between two cells.
    fn place(&mut self, utc: i64) -> i64 {
        if self.cells == 0 {
            self.phase = utc.rem_euclid(self.step);
        }
        let k = (utc - self.phase).div_euclid(self.step);
        let off = utc - self.phase - k * self.step;
        if off == 0 {
            return k;
        }
        self.refine(gcd(self.step, off));
        (utc - self.phase).div_euclid(self.step)
    }

    /// The index of chunk `number`, created when new.
    fn chunk(&mut self, number: i64) -> usize {
        if let Some((n, i)) = self.last
            && n == number
        {
            return i as usize;
        }
        let next = self.chunks.len() as u32;
        let i = *self.index.entry(number).or_insert(next);
        if i == next {
            self.chunks.push(Chunk::new());
            self.numbers.push(number);
        }
        self.last = Some((number, i));
        i as usize
    }

    /// Lays the cells out again on the finer step `step`.
    #[cold]
    fn refine(&mut self, step: i64) {
        let old = std::mem::take(self);
        self.step = step;
        self.phase = old.phase.rem_euclid(step);
        old.for_each(|cell| {
            let _ = self.insert(cell);
        });
    }

    /// Calls `f` on every cell, by instant.
    pub fn for_each(&self, mut f: impl FnMut(Cell)) {
        let mut order: Vec<(i64, u32)> = self
            .numbers
            .iter()
            .enumerate()
            .map(|(i, &n)| (n, i as u32))
            .collect();
        order.sort_unstable();
        for (number, i) in order {
            let chunk = &self.chunks[i as usize];
            let first = number * CHUNK as i64;
            // Decoded a chunk at a time: one look at the layout, not one
            // per cell.
            let (volumes, ahts) = (chunk.volume.all(), chunk.aht.all());
            for (at, (&volume, &aht)) in volumes.iter().zip(&ahts).enumerate()
            {
                if !volume.is_nan() {
                    f(Cell {
                        utc: (first + at as i64) * self.step + self.phase,
                        volume,
                        aht: (!aht.is_nan()).then_some(aht),
                        line: chunk.line(at),
                    });
                }
            }
        }
    }
}

/// [`CHUNK`] cells.
#[derive(Debug)]
struct Chunk {
    /// Volumes; an empty cell has none.
    volume: Values,
    aht: Values,
    /// The line of the chunk's first row; `lines` are offsets from it.
    base: u64,
    lines: Lines,
}

impl Chunk {
    fn new() -> Chunk {
        Chunk {
            volume: Values::new(),
            aht: Values::new(),
            base: u64::MAX,
            lines: Lines::U16(Box::new([0; CHUNK])),
        }
    }

    fn put(&mut self, at: usize, cell: &Cell) {
        self.volume.set(at, cell.volume);
        if let Some(aht) = cell.aht {
            self.aht.set(at, aht);
        }
        if self.base == u64::MAX {
            self.base = cell.line;
        }
        self.lines.set(at, cell.line, self.base);
    }

    fn line(&self, at: usize) -> u64 {
        self.lines.get(at, self.base)
    }
}

/// Powers of ten a chunk's integers may be scaled by.
const POW10: [f64; 7] = [1.0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6];

/// The integers standing for "no value".
const NONE: u32 = u32::MAX;
const NONE16: u16 = u16::MAX;

/// Non-negative values of a chunk, optional per cell.
#[derive(Debug)]
enum Values {
    /// `m / 10^scale` in 16 bits, exactly the `f64` stored: what counts
    /// of contacts and handle times to a tenth of a second mostly are.
    Small { scale: usize, m: Box<[u16; CHUNK]> },
    /// `m / 10^scale`, exactly the `f64` stored.
    Scaled { scale: usize, m: Box<[u32; CHUNK]> },
    /// Values no scale holds exactly; `NaN` for none.
    Wide(Box<[f64; CHUNK]>),
}

impl Values {
    fn new() -> Values {
        Values::Small { scale: 0, m: Box::new([NONE16; CHUNK]) }
    }

    /// Whether cell `at` holds a value.
    fn has(&self, at: usize) -> bool {
        match self {
            Values::Small { m, .. } => m[at] != NONE16,
            Values::Scaled { m, .. } => m[at] != NONE,
            Values::Wide(v) => !v[at].is_nan(),
        }
    }

    /// Every cell's value as [`get`](Values::get) gives it, NaN for none.
    fn all(&self) -> [f64; CHUNK] {
        let decode = |m: u32, none: u32, scale: usize| {
            if m == none { f64::NAN } else { f64::from(m) / POW10[scale] }
        };
        match self {
            Values::Small { scale, m } => {
                m.map(|x| decode(x.into(), NONE16.into(), *scale))
            }
            Values::Scaled { scale, m } => m.map(|x| decode(x, NONE, *scale)),
            Values::Wide(v) => **v,
        }
    }

    fn get(&self, at: usize) -> Option<f64> {
        match self {
            Values::Small { scale, m } => {
                (m[at] != NONE16).then(|| f64::from(m[at]) / POW10[*scale])
            }
            Values::Scaled { scale, m } => {
                (m[at] != NONE).then(|| f64::from(m[at]) / POW10[*scale])
            }
            Values::Wide(v) => (!v[at].is_nan()).then_some(v[at]),
        }
    }

    /// Stores `v` in cell `at`: in place when it is exact at the chunk's
    /// scale (the value `encode` would give first), else by
    /// [`set_any`](Values::set_any).
    fn set(&mut self, at: usize, v: f64) {
        if let Values::Small { scale, m } = self
            && let Some(mv) = exact_at(v, *scale)
            && let Ok(mv) = u16::try_from(mv)
            && mv != NONE16
        {
            m[at] = mv;
            return;
        }
        self.set_any(at, v);
    }

    /// Stores `v` in cell `at`, rescaling or widening the chunk's values
    /// as needed (out of line: [`set`](Values::set) is inlined).
    #[inline(never)]
    fn set_any(&mut self, at: usize, v: f64) {
        match self {
            Values::Small { scale, m } => {
                if let Some((k, mv)) = encode(v, *scale)
                    && let Ok(mv) = u16::try_from(mv)
                    && mv != NONE16
                    && (k == *scale || rescale(m, k - *scale, NONE16))
                {
                    *scale = k;
                    m[at] = mv;
                    return;
                }
                let m = m.map(|x| if x == NONE16 { NONE } else { x.into() });
                *self = Values::Scaled { scale: *scale, m: Box::new(m) };
            }
            Values::Scaled { scale, m } => {
                if let Some((k, mv)) = encode(v, *scale)
                    && (k == *scale || rescale(m, k - *scale, NONE))
                {
                    *scale = k;
                    m[at] = mv;
                    return;
                }
                self.widen();
            }
            Values::Wide(w) => {
                w[at] = v;
                return;
            }
        }
        self.set_any(at, v);
    }

    fn widen(&mut self) {
        let mut wide = Box::new([f64::NAN; CHUNK]);
        for (at, w) in wide.iter_mut().enumerate() {
            if let Some(v) = self.get(at) {
                *w = v;
            }
        }
        *self = Values::Wide(wide);
    }
}

/// The smallest scale from `from` on at which `v` is an integer that
/// decodes to `v` itself, and that integer.
fn encode(v: f64, from: usize) -> Option<(usize, u32)> {
    for (k, p) in POW10.iter().enumerate().skip(from) {
        if !(0.0..f64::from(NONE)).contains(&round(v * p)) {
            return None;
        }
        if let Some(m) = exact_at(v, k) {
            return Some((k, m));
        }
    }
    None
}

/// `v` as an integer at scale `k` (below [`NONE`]) when that decodes to
/// `v` itself.
fn exact_at(v: f64, k: usize) -> Option<u32> {
    let p = POW10[k];
    let m = round(v * p);
    // At scale 0 the integer is the value itself: no division.
    let exact = if k == 0 {
        m.to_bits() == v.to_bits()
    } else {
        (m / p).to_bits() == v.to_bits()
    };
    (exact && (0.0..f64::from(NONE)).contains(&m)).then_some(m as u32)
}

/// `x.round()`, without the library call for the positive values below
/// 2^52 that [`encode`] mostly sees (the baseline x86-64 has no rounding
/// instruction): adding 2^52 rounds `x` to an integer, halves to even,
/// and the difference `x - t` is exact, so a half rounded down is
/// rounded up instead, away from zero as `round` does.
fn round(x: f64) -> f64 {
    const TWO52: f64 = 4_503_599_627_370_496.0;
    if x > 0.0 && x < TWO52 {
        let t = (x + TWO52) - TWO52;
        if x - t == 0.5 { t + 1.0 } else { t }
    } else {
        x.round()
    }
}

/// Multiplies every stored integer by `10^by`; false (nothing changed)
/// when one would no longer fit below `none`. An integer times a power of
/// ten over that power decodes to the same `f64`: both divisions round the
/// same real.
fn rescale<T>(m: &mut [T; CHUNK], by: usize, none: T) -> bool
where
    T: Copy + PartialEq + Into<u64> + TryFrom<u64>,
{
    let f = 10u64.pow(by as u32);
    let fits = m.iter().all(|&x| x == none || x.into() * f < none.into());
    if fits {
        for x in m.iter_mut().filter(|x| **x != none) {
            if let Ok(y) = T::try_from((*x).into() * f) {
                *x = y;
            }
        }
    }
    fits
}

/// Lines of a chunk, as offsets from its first row's line.
#[derive(Debug)]
enum Lines {
    U16(Box<[u16; CHUNK]>),
    U32(Box<[u32; CHUNK]>),
    /// The lines themselves, when offsets do not fit or go backwards.
    Abs(Box<[u64; CHUNK]>),
}

impl Lines {
    fn get(&self, at: usize, base: u64) -> u64 {
        match self {
            Lines::U16(o) => base + u64::from(o[at]),
            Lines::U32(o) => base + u64::from(o[at]),
            Lines::Abs(l) => l[at],
        }
    }

    fn set(&mut self, at: usize, line: u64, base: u64) {
        let off = line.checked_sub(base);
        match self {
            Lines::U16(o) => {
                if let Some(x) = off.and_then(|d| u16::try_from(d).ok()) {
                    o[at] = x;
                    return;
                }
                *self = Lines::U32(Box::new(o.map(u32::from)));
            }
            Lines::U32(o) => {
                if let Some(x) = off.and_then(|d| u32::try_from(d).ok()) {
                    o[at] = x;
                    return;
                }
                *self = Lines::Abs(Box::new(o.map(|x| base + u64::from(x))));
            }
            Lines::Abs(l) => {
                l[at] = line;
                return;
            }
        }
        self.set(at, line, base);
    }
}

fn gcd(a: i64, b: i64) -> i64 {
    if b == 0 { a } else { gcd(b, a % b) }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cell(utc: i64, volume: f64, aht: Option<f64>, line: u64) -> Cell {
        Cell { utc, volume, aht, line }
    }

    fn cells(g: &Grid) -> Vec<Cell> {
        let mut out = vec![];
        g.for_each(|c| out.push(c));
        out
    }

    #[test]
    fn cells_come_back_by_instant_exactly() {
        let mut g = Grid::default();
        let rows = [
            cell(1_699_999_980 - 20 * 60, 3.0, Some(312.3), 2),
            cell(1_699_999_980, 0.0, None, 3),
            cell(1_699_999_980 - 40 * 60, 12.5, Some(0.1), 70_000),
            // Years away: one more chunk, not every interval between.
            cell(1_699_999_980 + 400 * 86_400, 1e9, Some(86_399.99), 5),
            cell(1_699_999_980 + 15 * 60, 0.1 + 0.2, Some(1.0 / 3.0), 1 << 40),
        ];
        for r in rows {
            g.insert(r).unwrap();
        }
        let mut want = rows.to_vec();
        want.sort_by_key(|c| c.utc);
        let got = cells(&g);
        assert_eq!(got.len(), want.len());
        for (a, b) in got.iter().zip(&want) {
            assert_eq!(a.utc, b.utc);
            assert_eq!(a.volume.to_bits(), b.volume.to_bits());
            assert_eq!(a.aht.map(f64::to_bits), b.aht.map(f64::to_bits));
            assert_eq!(a.line, b.line);
        }
        assert_eq!(g.step, 300);
        assert_eq!(g.len(), 5);
        assert!(g.chunks.len() <= 3, "{}", g.chunks.len());
    }

    #[test]
    fn an_occupied_cell_names_its_line() {
        let mut g = Grid::default();
        g.insert(cell(3600, 1.0, None, 7)).unwrap();
        g.insert(cell(5400, 1.0, None, 8)).unwrap();
        assert_eq!(g.insert(cell(3600, 2.0, None, 9)), Err(7));
        assert_eq!(cells(&g)[0].volume, 1.0);
    }

    #[test]
    fn scales_widen_and_stay_exact() {
        let mut v = Values::new();
        v.set(0, 4.0);
        v.set(1, 4.25);
        assert!(matches!(v, Values::Small { scale: 2, .. }));
        assert_eq!(
            (v.get(0), v.get(1), v.get(2)),
            (Some(4.0), Some(4.25), None)
        );
        // 655.35 is 65535 at scale 2: the "none" of 16 bits, so 32 bits.
        v.set(3, 655.35);
        assert!(matches!(v, Values::Scaled { scale: 2, .. }));
        assert_eq!((v.get(1), v.get(3)), (Some(4.25), Some(655.35)));
        let mut small = Values::new();
        small.set(0, 6553.4);
        assert!(matches!(small, Values::Small { scale: 1, .. }));
        // 6553.4 at scale 2 needs more than 16 bits.
        small.set(1, 0.25);
        assert!(matches!(small, Values::Scaled { scale: 2, .. }));
        assert_eq!((small.get(0), small.get(1)), (Some(6553.4), Some(0.25)));
        v.set(2, 4e9);
        assert!(matches!(v, Values::Wide(_)));
        assert_eq!(
            (v.get(0), v.get(1), v.get(2)),
            (Some(4.0), Some(4.25), Some(4e9))
        );
        // 42.9 at scale 1 fits; 42.9 at scale 6 would not: it widens.
        let mut v = Values::new();
        v.set(0, 4294.9);
        v.set(1, 0.000_001);
        assert_eq!((v.get(0), v.get(1)), (Some(4294.9), Some(0.000_001)));
    }

    #[test]
    fn round_rounds_as_std() {
        let below = 4_503_599_627_370_496.0_f64;
        for x in [
            0.0,
            -0.0,
            0.25,
            0.5,
            0.49999999999999994,
            1.5,
            2.5,
            4294.9 * 1e6,
            below - 0.5,
            below,
            below * 3.0,
            -1.5,
            f64::NAN,
            f64::INFINITY,
        ] {
            assert_eq!(round(x).to_bits(), x.round().to_bits(), "{x}");
        }
    }

    #[test]
    fn lines_widen_when_far_apart() {
        let mut l = Lines::U16(Box::new([0; CHUNK]));
        l.set(0, 10, 10);
        l.set(1, 80_000, 10);
        l.set(2, 1 << 40, 10);
        l.set(3, 3, 10);
        assert_eq!(
            (0..4).map(|i| l.get(i, 10)).collect::<Vec<_>>(),
            [10, 80_000, 1 << 40, 3]
        );
    }

    mod props {
        use super::*;
        use proptest::prelude::*;

        proptest! {
            /// Whatever the order and spacing, every row comes back once,
            /// sorted, bit for bit.
            #[test]
            fn round_trip(rows in proptest::collection::vec(
                (0i64..200_000, 0u32..100_000, 0u8..4), 1..300)
            ) {
                let mut g = Grid::default();
                let mut want = std::collections::BTreeMap::new();
                for (i, &(minute, v, d)) in rows.iter().enumerate() {
                    let volume = f64::from(v) / POW10[usize::from(d)];
                    let c = cell(minute * 60, volume, (d > 1).then_some(volume + 1.0), i as u64 * 977);
                    match want.entry(c.utc) {
                        std::collections::btree_map::Entry::Occupied(e) => {
                            let first: &Cell = e.get();
                            prop_assert_eq!(g.insert(c), Err(first.line));
                        }
                        std::collections::btree_map::Entry::Vacant(e) => {
                            prop_assert_eq!(g.insert(c), Ok(()));
                            e.insert(c);
                        }
                    }
                }
                let want: Vec<Cell> = want.into_values().collect();
                prop_assert_eq!(cells(&g), want);
            }
        }
    }
}
