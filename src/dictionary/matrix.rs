//! The connection-cost matrix, compacted into classes for the lattice's caches.
//!
//! mecab-ko-dic's matrix is 2,693 left ids × 3,822 right ids of `i16`: 20 MB, read at random
//! by the Viterbi search, so most reads miss the cache (DESIGN.md §3; `perf` put 30 % of
//! analysis time on these loads). One exact transformation shrinks what the search touches:
//!
//! - **Classes.** Many ids have identical rows (left ids) or identical columns (right ids):
//!   1,908 distinct rows and 1,902 distinct columns. Ids with the same row or column are one
//!   class, so the matrix keeps 1,908 × 1,902 costs (7 MB), and the lattice shares one search
//!   between candidates of the same left class and keeps only the cheapest node of each right
//!   class at a position.
//! - Ordering the classes by how often real text reads them (vibrato's "mapped" ids,
//!   lindera's `ctxfreq`) was tried with counts from `data/articles` and from the KorQuAD
//!   passages themselves: at most +7 % with the test set's own counts, nothing measurable
//!   with ours, so classes are numbered in order of their first id.
//!
//! It changes no cost: class `(l, r)` holds exactly the cost of every left id in
//! `l` after every right id in `r`, so the analysis is identical (the golden tests and
//! `scripts/compare-mecab` check this).
//!
//! File layout (`matrix-classes.bin`, little-endian): the magic `KOSMTX01`; `u32` left ids,
//! right ids, row classes, column classes; `u16` class of each left id; `u16` class of each
//! right id; then the `i16` costs, one row per left class.

use std::collections::HashMap;

/// The compacted matrix's file in a dictionary folder.
pub const MATRIX_FILE: &str = "matrix-classes.bin";
const MAGIC: &[u8; 8] = b"KOSMTX01";
const HEADER: usize = 8 + 4 * 4;

/// A compacted connection matrix (owned form, as built).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Compacted {
    /// Class of each left id (row of the compacted matrix).
    pub left: Vec<u16>,
    /// Class of each right id (column of the compacted matrix).
    pub right: Vec<u16>,
    /// Number of column classes: the length of one row.
    pub cols: usize,
    /// Costs, `costs[row * cols + col]`.
    pub costs: Vec<i16>,
}

/// Groups equal slices, numbered in order of their first member: the group of each member,
/// and the first member of each group.
fn classes(members: impl Iterator<Item = Vec<i16>>) -> (Vec<u16>, Vec<usize>) {
    let mut first: HashMap<Vec<i16>, usize> = HashMap::new();
    let mut group_of = Vec::new();
    let mut reps: Vec<usize> = Vec::new();
    for (id, key) in members.enumerate() {
        let next = reps.len();
        let g = *first.entry(key).or_insert(next);
        if g == next {
            reps.push(id);
        }
        group_of.push(g);
    }
    (group_of.into_iter().map(|g| g as u16).collect(), reps)
}

/// Compacts lindera's matrix (`costs[right + left * forward]`: `forward` right ids per row,
/// `backward` rows). `None` if the sizes do not fit `u16` ids or the costs.
pub fn compact(costs: &[i16], forward: usize, backward: usize) -> Option<Compacted> {
    if forward == 0
        || backward == 0
        || forward > usize::from(u16::MAX)
        || backward > usize::from(u16::MAX)
        || costs.len() < forward * backward
    {
        return None;
    }
    let row = |l: usize| costs[l * forward..(l + 1) * forward].to_vec();
    let col = |r: usize| (0..backward).map(|l| costs[r + l * forward]).collect();
    let (left, row_reps) = classes((0..backward).map(row));
    let (right, col_reps) = classes((0..forward).map(col));
    let cols = col_reps.len();
    let mut out = Vec::with_capacity(row_reps.len() * cols);
    for &l in &row_reps {
        out.extend(col_reps.iter().map(|&r| costs[r + l * forward]));
    }
    Some(Compacted {
        left,
        right,
        cols,
        costs: out,
    })
}

impl Compacted {
    /// The file's bytes.
    pub fn to_bytes(&self) -> Vec<u8> {
        let rows = self.costs.len() / self.cols.max(1);
        let mut out = Vec::with_capacity(HEADER + 2 * (self.left.len() + self.right.len()));
        out.extend_from_slice(MAGIC);
        for n in [self.left.len(), self.right.len(), rows, self.cols] {
            out.extend_from_slice(&(n as u32).to_le_bytes());
        }
        for &v in self.left.iter().chain(&self.right) {
            out.extend_from_slice(&v.to_le_bytes());
        }
        for &c in &self.costs {
            out.extend_from_slice(&c.to_le_bytes());
        }
        out
    }
}

/// A compacted matrix read in place from its file's bytes.
pub struct ConnMatrix {
    words: Words,
    lefts: usize,
    rights: usize,
    cols: usize,
    costs_at: usize,
    costs_len: usize,
}

/// The file as `u16` words: a memory map read in place (little-endian hosts, where the
/// file's byte order is the native one), or the decoded values.
enum Words {
    Map(memmap2::Mmap),
    Owned(Vec<u16>),
}

impl Words {
    #[inline(always)]
    fn as_slice(&self) -> &[u16] {
        match self {
            // SAFETY: `from_map` keeps a map only when it is 2-aligned and the host is
            // little-endian, so its bytes are `len / 2` native `u16` values.
            Words::Map(m) => unsafe {
                std::slice::from_raw_parts(m.as_ptr().cast::<u16>(), m.len() / 2)
            },
            Words::Owned(v) => v,
        }
    }
}

/// The little-endian `u16` values of `data` (its length is even).
fn decode(data: &[u8]) -> Vec<u16> {
    data.chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .collect()
}

impl ConnMatrix {
    /// Reads a matrix file, in place where the host allows, checking its header and sizes.
    pub fn from_map(map: memmap2::Mmap) -> Result<ConnMatrix, String> {
        if !map.len().is_multiple_of(2) {
            return Err(format!("{MATRIX_FILE} has the wrong size"));
        }
        let in_place = (map.as_ptr() as usize).is_multiple_of(2) && cfg!(target_endian = "little");
        let words = if in_place {
            Words::Map(map)
        } else {
            Words::Owned(decode(&map))
        };
        Self::new(words)
    }

    /// Reads a matrix from the file's bytes.
    pub fn from_bytes(data: &[u8]) -> Result<ConnMatrix, String> {
        if !data.len().is_multiple_of(2) {
            return Err(format!("{MATRIX_FILE} has the wrong size"));
        }
        Self::new(Words::Owned(decode(data)))
    }

    fn new(words: Words) -> Result<ConnMatrix, String> {
        let w = words.as_slice();
        let magic: Vec<u16> = decode(MAGIC);
        if w.len() < HEADER / 2 || w[..4] != magic[..] {
            return Err(format!("{MATRIX_FILE} is not a kosearch matrix file"));
        }
        let word = |i: usize| (u32::from(w[4 + 2 * i]) | u32::from(w[5 + 2 * i]) << 16) as usize;
        let (lefts, rights, rows, cols) = (word(0), word(1), word(2), word(3));
        let costs_at = HEADER / 2 + lefts + rights;
        let costs_len = rows.saturating_mul(cols);
        if w.len() != costs_at.saturating_add(costs_len) || cols == 0 {
            return Err(format!("{MATRIX_FILE} has the wrong size"));
        }
        let maps = &w[HEADER / 2..costs_at];
        let bad_left = maps[..lefts].iter().any(|&c| usize::from(c) >= rows);
        let bad_right = maps[lefts..].iter().any(|&c| usize::from(c) >= cols);
        if bad_left || bad_right {
            return Err(format!("{MATRIX_FILE} maps an id outside the matrix"));
        }
        Ok(ConnMatrix {
            lefts,
            rights,
            cols,
            costs_at,
            costs_len,
            words,
        })
    }

    /// Number of left ids (the matrix's rows before compaction).
    pub fn left_ids(&self) -> usize {
        self.lefts
    }

    /// Number of column classes: the length of a row.
    pub fn cols(&self) -> usize {
        self.cols
    }

    /// Number of row classes.
    pub fn rows(&self) -> usize {
        self.costs_len / self.cols
    }

    /// The row class of a left id, if the id exists.
    #[inline(always)]
    pub fn left_class(&self, left_id: u16) -> Option<u16> {
        let l = usize::from(left_id);
        (l < self.lefts).then(|| self.words.as_slice()[HEADER / 2 + l])
    }

    /// The column class of a right id, if the id exists.
    #[inline(always)]
    pub fn right_class(&self, right_id: u16) -> Option<u16> {
        let r = usize::from(right_id);
        (r < self.rights).then(|| self.words.as_slice()[HEADER / 2 + self.lefts + r])
    }

    /// The costs of one row class, indexed by column class (empty for a class out of range).
    #[inline(always)]
    pub fn row(&self, class: u16) -> &[i16] {
        let start = self.costs_at + usize::from(class) * self.cols;
        let words = self
            .words
            .as_slice()
            .get(start..start + self.cols)
            .unwrap_or(&[]);
        // SAFETY: `i16` and `u16` have the same size and alignment, and every bit pattern is
        // valid for both; the file stores each cost as its two's-complement `u16`.
        unsafe { std::slice::from_raw_parts(words.as_ptr().cast::<i16>(), words.len()) }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A 3 × 4 matrix (3 left ids, 4 right ids) where left ids 0 and 2 share a row and right
    /// ids 1 and 3 share a column.
    fn sample() -> Vec<i16> {
        vec![
            5, -7, 9, -7, //
            1, 2, 3, 2, //
            5, -7, 9, -7,
        ]
    }

    #[test]
    fn classes_keep_every_cost() {
        let costs = sample();
        let c = compact(&costs, 4, 3).unwrap();
        assert_eq!(c.cols, 3);
        assert_eq!(c.costs.len(), 2 * 3);
        assert_eq!(c.left, [0, 1, 0]);
        assert_eq!(c.right, [0, 1, 2, 1]);
        let m = ConnMatrix::from_bytes(&c.to_bytes()).unwrap();
        assert_eq!((m.left_ids(), m.rows(), m.cols()), (3, 2, 3));
        for l in 0..3u16 {
            for r in 0..4u16 {
                let row = m.row(m.left_class(l).unwrap());
                let got = row[usize::from(m.right_class(r).unwrap())];
                assert_eq!(
                    got,
                    costs[usize::from(r) + 4 * usize::from(l)],
                    "({l}, {r})"
                );
            }
        }
        assert_eq!(m.left_class(3), None);
        assert_eq!(m.right_class(4), None);
    }

    #[test]
    fn damaged_files_are_refused() {
        let c = compact(&sample(), 4, 3).unwrap();
        let bytes = c.to_bytes();
        assert!(ConnMatrix::from_bytes(&bytes[..bytes.len() - 2]).is_err());
        assert!(ConnMatrix::from_bytes(&bytes[1..]).is_err());
        let mut bad = bytes.clone();
        bad[HEADER] = 200; // left id 0 mapped to row class 200
        assert!(ConnMatrix::from_bytes(&bad).is_err());
        assert!(ConnMatrix::from_bytes(b"KOSMTX01").is_err());
        assert!(compact(&sample(), 4, 4).is_none());
    }
}
