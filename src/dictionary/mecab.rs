//! MeCab's compiled dictionary format, read back into MeCab's source format.
//!
//! The registries carry mecab-ko-dic 2.1.1 only as MeCab compiles it (`sys.dic`, `unk.dic`,
//! `matrix.bin`, `char.bin`). lindera's builder reads the source form (`*.csv`, `unk.def`,
//! `matrix.def`, `char.def`), so this module turns the one into the other. It depends on `std`
//! alone because the build script compiles it too (`build.rs` includes it by path).
//!
//! Layout, from MeCab's `dictionary.cpp` and checked against mecab-ko-dic:
//!
//! - `sys.dic` / `unk.dic`: ten little-endian `u32` (magic, version, type, lexsize, lsize, rsize,
//!   dsize, tsize, fsize, dummy), a 32-byte charset name, then the double-array trie (`dsize`
//!   bytes of 8-byte units: `i32 base`, `u32 check`), the tokens (`tsize` bytes of 16-byte
//!   records) and the NUL-terminated feature strings (`fsize` bytes).
//! - In the trie, `check` holds the parent's `base`; the child on byte `c` sits at
//!   `base + c + 1` and the end-of-key slot at `base` itself, whose negative `base` encodes
//!   `(first_token << 8) | count`.
//! - `matrix.bin`: `u16 lsize, u16 rsize`, then `i16` costs, `cost(r, l) = m[r + lsize * l]`.
//! - `char.bin`: `u32` category count, 32-byte names, then one `u32` per code point below
//!   0xFFFF (see [`super::chars`] for the bit layout).

use std::collections::HashMap;
use std::fmt;
use std::fs;
use std::io::{self, BufWriter, Write};
use std::path::{Path, PathBuf};

/// `magic XOR file size` for every valid MeCab dictionary file.
const DIC_MAGIC_ID: u32 = 0xef71_8f77;
/// The only `sys.dic` version this reader understands.
const DIC_VERSION: u32 = 102;
const HEADER_LEN: usize = 10 * 4 + 32;
const TOKEN_LEN: usize = 16;
const UNIT_LEN: usize = 8;

/// What went wrong while reading or converting a MeCab dictionary.
#[derive(Debug)]
pub struct ConvertError {
    /// The file concerned.
    pub path: PathBuf,
    /// What is wrong with it.
    pub reason: String,
}

impl fmt::Display for ConvertError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path.display(), self.reason)
    }
}

impl std::error::Error for ConvertError {}

fn err(path: &Path, reason: impl Into<String>) -> ConvertError {
    ConvertError {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

fn io_err(path: &Path, e: io::Error) -> ConvertError {
    err(path, e.to_string())
}

fn u32_at(b: &[u8], off: usize) -> u32 {
    u32::from_le_bytes([b[off], b[off + 1], b[off + 2], b[off + 3]])
}

fn u16_at(b: &[u8], off: usize) -> u16 {
    u16::from_le_bytes([b[off], b[off + 1]])
}

/// One lexicon entry of a compiled dictionary: a row of MeCab's source CSV.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DicEntry {
    /// The surface form (the trie key).
    pub surface: String,
    /// Left context id (`lcAttr`).
    pub left_id: u16,
    /// Right context id (`rcAttr`).
    pub right_id: u16,
    /// MeCab's part-of-speech id (from `pos-id.def` at compile time).
    pub pos_id: u16,
    /// Word cost.
    pub cost: i16,
    /// The feature string, verbatim (`NNG,행위,F,테스트,*,*,*,*`).
    pub feature: String,
}

impl DicEntry {
    /// The entry as one line of MeCab's source CSV (without the newline).
    pub fn csv_line(&self) -> String {
        let surface = if self.surface.contains([',', '"']) {
            format!("\"{}\"", self.surface.replace('"', "\"\""))
        } else {
            self.surface.clone()
        };
        format!(
            "{},{},{},{},{}",
            surface, self.left_id, self.right_id, self.cost, self.feature
        )
    }
}

/// A compiled `sys.dic` or `unk.dic`, read into memory.
#[derive(Debug)]
pub struct CompiledDic {
    /// Number of tokens the header announces.
    pub lexsize: u32,
    /// Number of right context ids.
    pub lsize: u32,
    /// Number of left context ids.
    pub rsize: u32,
    /// Dictionary type: 0 system, 1 user, 2 unknown-word.
    pub dic_type: u32,
    /// Every entry, in token order.
    pub entries: Vec<DicEntry>,
    /// Number of distinct surfaces in the trie.
    pub surfaces: usize,
}

/// Reads a compiled MeCab dictionary file (`sys.dic` or `unk.dic`).
pub fn read_compiled_dic(path: &Path) -> Result<CompiledDic, ConvertError> {
    let bytes = fs::read(path).map_err(|e| io_err(path, e))?;
    parse_compiled_dic(path, &bytes)
}

/// Parses the bytes of a compiled MeCab dictionary; `path` only names it in errors.
pub fn parse_compiled_dic(path: &Path, b: &[u8]) -> Result<CompiledDic, ConvertError> {
    if b.len() < HEADER_LEN {
        return Err(err(path, "too short to be a MeCab dictionary"));
    }
    let h: Vec<u32> = (0..10).map(|i| u32_at(b, i * 4)).collect();
    let (magic, version, dic_type, lexsize, lsize, rsize, dsize, tsize, fsize) =
        (h[0], h[1], h[2], h[3], h[4], h[5], h[6], h[7], h[8]);
    if magic ^ DIC_MAGIC_ID != b.len() as u32 {
        return Err(err(
            path,
            "not a MeCab dictionary (bad magic number or truncated file)",
        ));
    }
    if version != DIC_VERSION {
        return Err(err(
            path,
            format!("MeCab dictionary version {version}, expected {DIC_VERSION}"),
        ));
    }
    let charset_raw = &b[40..72];
    let charset_end = charset_raw.iter().position(|&c| c == 0).unwrap_or(32);
    let charset = String::from_utf8_lossy(&charset_raw[..charset_end]).to_ascii_lowercase();
    if charset != "utf-8" && charset != "utf8" {
        return Err(err(
            path,
            format!("dictionary charset is {charset}, only UTF-8 is supported"),
        ));
    }
    let (dsize, tsize, fsize) = (dsize as usize, tsize as usize, fsize as usize);
    if HEADER_LEN + dsize + tsize + fsize > b.len() || !dsize.is_multiple_of(UNIT_LEN) {
        return Err(err(path, "section sizes do not fit the file"));
    }
    let trie = &b[HEADER_LEN..HEADER_LEN + dsize];
    let tokens = &b[HEADER_LEN + dsize..HEADER_LEN + dsize + tsize];
    let features = &b[HEADER_LEN + dsize + tsize..HEADER_LEN + dsize + tsize + fsize];
    if tokens.len() != lexsize as usize * TOKEN_LEN {
        return Err(err(path, "token section does not match the lexicon size"));
    }

    let keys = trie_keys(trie).map_err(|reason| err(path, reason))?;
    let mut entries: Vec<Option<DicEntry>> = vec![None; lexsize as usize];
    for (surface, value) in &keys {
        let first = (value >> 8) as usize;
        let count = (value & 0xff) as usize;
        if first + count > lexsize as usize {
            return Err(err(path, "trie points past the token section"));
        }
        let surface =
            String::from_utf8(surface.clone()).map_err(|_| err(path, "surface is not UTF-8"))?;
        #[allow(clippy::needless_range_loop)] // `t` indexes both tokens and entries
        for t in first..first + count {
            let o = t * TOKEN_LEN;
            let feature_off = u32_at(tokens, o + 8) as usize;
            let feature = read_cstr(features, feature_off)
                .ok_or_else(|| err(path, "feature offset out of range"))?;
            entries[t] = Some(DicEntry {
                surface: surface.clone(),
                left_id: u16_at(tokens, o),
                right_id: u16_at(tokens, o + 2),
                pos_id: u16_at(tokens, o + 4),
                cost: u16_at(tokens, o + 6) as i16,
                feature: String::from_utf8(feature.to_vec())
                    .map_err(|_| err(path, "feature is not UTF-8"))?,
            });
        }
    }
    let missing = entries.iter().filter(|e| e.is_none()).count();
    if missing > 0 {
        return Err(err(
            path,
            format!("{missing} tokens are not reachable from the trie"),
        ));
    }
    Ok(CompiledDic {
        lexsize,
        lsize,
        rsize,
        dic_type,
        entries: entries.into_iter().flatten().collect(),
        surfaces: keys.len(),
    })
}

fn read_cstr(b: &[u8], off: usize) -> Option<&[u8]> {
    let rest = b.get(off..)?;
    let end = rest.iter().position(|&c| c == 0)?;
    Some(&rest[..end])
}

/// Recovers every key of a MeCab double-array trie with its value, by walking up from each
/// end-of-key slot to the root.
fn trie_keys(trie: &[u8]) -> Result<Vec<(Vec<u8>, u32)>, String> {
    let n = trie.len() / UNIT_LEN;
    let base = |i: usize| u32_at(trie, i * UNIT_LEN) as i32;
    let check = |i: usize| u32_at(trie, i * UNIT_LEN + 4);
    if n == 0 {
        return Ok(Vec::new());
    }
    // A state is identified by its base; map each base back to the unit holding it.
    let mut unit_of_base: HashMap<u32, usize> = HashMap::with_capacity(n);
    for i in 0..n {
        let b = base(i);
        if b > 0 {
            unit_of_base.entry(b as u32).or_insert(i);
        }
    }
    let root_base = base(0) as u32;
    let mut keys = Vec::new();
    for p in 1..n {
        let b = base(p);
        let parent = check(p);
        // An end-of-key slot sits at its state's base and holds a negative value.
        if b >= 0 || parent as usize != p {
            continue;
        }
        let value = (-(b as i64) - 1) as u32;
        let mut key = Vec::new();
        let mut state = parent;
        let mut steps = 0;
        while state != root_base {
            let unit = *unit_of_base
                .get(&state)
                .ok_or_else(|| format!("trie unit {p}: state {state} has no parent"))?;
            let c = unit as i64 - check(unit) as i64 - 1;
            if !(0..=255).contains(&c) {
                return Err(format!("trie unit {unit}: impossible transition"));
            }
            key.push(c as u8);
            state = check(unit);
            steps += 1;
            if steps > 4096 {
                return Err("trie has a cycle".to_string());
            }
        }
        key.reverse();
        keys.push((key, value));
    }
    Ok(keys)
}

/// Reads `matrix.bin` into `(lsize, rsize, costs)` with `cost(r, l) = costs[r + lsize * l]`.
pub fn read_matrix_bin(path: &Path) -> Result<(usize, usize, Vec<i16>), ConvertError> {
    let b = fs::read(path).map_err(|e| io_err(path, e))?;
    if b.len() < 4 {
        return Err(err(path, "too short to be a connection matrix"));
    }
    let lsize = u16_at(&b, 0) as usize;
    let rsize = u16_at(&b, 2) as usize;
    if b.len() != 4 + 2 * lsize * rsize {
        return Err(err(
            path,
            format!("size does not match a {lsize}×{rsize} matrix"),
        ));
    }
    let costs = b[4..]
        .chunks_exact(2)
        .map(|c| i16::from_le_bytes([c[0], c[1]]))
        .collect();
    Ok((lsize, rsize, costs))
}

/// Writes the connection matrix in source form: a `lsize rsize` header, then `r l cost` lines.
fn write_matrix_def(
    path: &Path,
    lsize: usize,
    rsize: usize,
    costs: &[i16],
) -> Result<(), ConvertError> {
    let file = fs::File::create(path).map_err(|e| io_err(path, e))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let mut line = String::with_capacity(32);
    let result = (|| -> io::Result<()> {
        writeln!(w, "{lsize} {rsize}")?;
        for r in 0..lsize {
            for l in 0..rsize {
                line.clear();
                use std::fmt::Write as _;
                let _ = writeln!(line, "{} {} {}", r, l, costs[r + lsize * l]);
                w.write_all(line.as_bytes())?;
            }
        }
        w.flush()
    })();
    result.map_err(|e| io_err(path, e))
}

/// Counts of what a conversion wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConvertReport {
    /// Lexicon entries written to CSV.
    pub entries: usize,
    /// Distinct surfaces among them.
    pub surfaces: usize,
    /// Unknown-word entries written to `unk.def`.
    pub unknown_entries: usize,
}

/// Files copied verbatim from a compiled dictionary folder when present.
const PLAIN_FILES: [&str; 5] = [
    "dicrc",
    "pos-id.def",
    "left-id.def",
    "right-id.def",
    "rewrite.def",
];

/// Converts a compiled MeCab dictionary folder into the source form lindera's builder reads:
/// `sys.csv`, `unk.def`, `matrix.def`, `char.def`, plus the plain-text files MeCab keeps.
pub fn convert_compiled_dir(src: &Path, out: &Path) -> Result<ConvertReport, ConvertError> {
    fs::create_dir_all(out).map_err(|e| io_err(out, e))?;

    let sys_path = src.join("sys.dic");
    let sys = read_compiled_dic(&sys_path)?;
    let csv_path = out.join("sys.csv");
    write_lines(&csv_path, sys.entries.iter().map(DicEntry::csv_line))?;

    let unk_path = src.join("unk.dic");
    let unk = read_compiled_dic(&unk_path)?;
    write_lines(
        &out.join("unk.def"),
        unk.entries.iter().map(DicEntry::csv_line),
    )?;

    let matrix_path = src.join("matrix.bin");
    let (lsize, rsize, costs) = read_matrix_bin(&matrix_path)?;
    if lsize != sys.lsize as usize || rsize != sys.rsize as usize {
        return Err(err(
            &matrix_path,
            format!(
                "matrix is {lsize}×{rsize} but sys.dic expects {}×{}",
                sys.lsize, sys.rsize
            ),
        ));
    }
    write_matrix_def(&out.join("matrix.def"), lsize, rsize, &costs)?;

    let char_path = src.join("char.bin");
    let bytes = fs::read(&char_path).map_err(|e| io_err(&char_path, e))?;
    let table = super::chars::CharTable::from_char_bin(&bytes).map_err(|r| err(&char_path, r))?;
    let char_def = out.join("char.def");
    fs::write(&char_def, table.to_char_def()).map_err(|e| io_err(&char_def, e))?;

    for name in PLAIN_FILES {
        let from = src.join(name);
        if from.exists() {
            fs::copy(&from, out.join(name)).map_err(|e| io_err(&from, e))?;
        }
    }
    Ok(ConvertReport {
        entries: sys.entries.len(),
        surfaces: sys.surfaces,
        unknown_entries: unk.entries.len(),
    })
}

fn write_lines(path: &Path, lines: impl Iterator<Item = String>) -> Result<(), ConvertError> {
    let file = fs::File::create(path).map_err(|e| io_err(path, e))?;
    let mut w = BufWriter::with_capacity(1 << 20, file);
    let result = (|| -> io::Result<()> {
        for line in lines {
            w.write_all(line.as_bytes())?;
            w.write_all(b"\n")?;
        }
        w.flush()
    })();
    result.map_err(|e| io_err(path, e))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Builds a tiny trie by hand: keys "a" (tokens 0..1) and "ab" (tokens 1..3).
    fn tiny_trie() -> Vec<u8> {
        // Units: 0 root (base 1). "a" = 0x61: child at 1 + 0x61 + 1 = 99, base 200.
        // End of "a" at 200 (check 200). "b" = 0x62 from base 200 at 200 + 0x62 + 1 = 299,
        // base 400; end of "ab" at 400.
        let n = 401;
        let mut units = vec![(0i32, 0u32); n];
        units[0] = (1, 0);
        units[99] = (200, 1);
        units[200] = (-(1 + 1), 200); // first token 0, count 1
        units[299] = (400, 200);
        units[400] = (-((1 << 8 | 2) + 1), 400);
        let mut out = Vec::new();
        for (b, c) in units {
            out.extend_from_slice(&b.to_le_bytes());
            out.extend_from_slice(&c.to_le_bytes());
        }
        out
    }

    #[test]
    fn trie_keys_are_recovered_with_their_values() {
        let mut keys = trie_keys(&tiny_trie()).unwrap();
        keys.sort();
        assert_eq!(
            keys,
            vec![(b"a".to_vec(), 1), (b"ab".to_vec(), (1 << 8) | 2)]
        );
    }

    #[test]
    fn csv_quotes_a_comma_surface() {
        let e = DicEntry {
            surface: ",".into(),
            left_id: 1,
            right_id: 2,
            pos_id: 3,
            cost: -4,
            feature: "SC,*,*,*,*,*,*,*".into(),
        };
        assert_eq!(e.csv_line(), "\",\",1,2,-4,SC,*,*,*,*,*,*,*");
    }

    #[test]
    fn a_file_that_is_not_a_dictionary_is_refused() {
        let e = parse_compiled_dic(Path::new("x.dic"), &[0u8; 100]).unwrap_err();
        assert!(e.to_string().contains("not a MeCab dictionary"), "{e}");
        let e = parse_compiled_dic(Path::new("x.dic"), &[1, 2, 3]).unwrap_err();
        assert!(e.to_string().contains("too short"), "{e}");
    }
}
