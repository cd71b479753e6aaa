//! Character categories exactly as MeCab sees them (`char.def` / `char.bin`).
//!
//! Every code point below U+FFFF carries a [`CharInfo`]: a bit mask of the categories it belongs
//! to, its default category (whose unknown-word entries are used), and that category's
//! `invoke`, `group` and `length` settings. MeCab lets a later range line of `char.def`
//! override an earlier one; lindera instead unions overlapping ranges, which is why kosearch
//! keeps its own table and only borrows lindera's unknown-word entries. Depends on `std` alone
//! (the build script compiles it too).

use std::collections::HashMap;

/// Number of code points MeCab's table covers (U+0000 to U+FFFE).
pub const TABLE_LEN: usize = 0xffff;

/// One character's category information, bit-packed as in MeCab's `char.bin`: type mask
/// (18 bits), default type (8), length (4), group (1), invoke (1), from the lowest bit.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CharInfo(pub u32);

impl CharInfo {
    /// Builds the info for a character whose categories are `types` (default first).
    pub fn new(type_mask: u32, default_type: u32, length: u32, group: bool, invoke: bool) -> Self {
        CharInfo(
            (type_mask & 0x3ffff)
                | (default_type & 0xff) << 18
                | (length & 0xf) << 26
                | (group as u32) << 30
                | (invoke as u32) << 31,
        )
    }
    /// Bit mask of every category this character belongs to.
    #[inline]
    pub fn type_mask(self) -> u32 {
        self.0 & 0x3ffff
    }
    /// The category whose unknown-word entries apply.
    #[inline]
    pub fn default_type(self) -> usize {
        ((self.0 >> 18) & 0xff) as usize
    }
    /// How many characters of unknown words of increasing length to try (0 = none).
    #[inline]
    pub fn length(self) -> usize {
        ((self.0 >> 26) & 0xf) as usize
    }
    /// Whether a run of same-kind characters is proposed as one unknown word.
    #[inline]
    pub fn group(self) -> bool {
        (self.0 >> 30) & 1 == 1
    }
    /// Whether unknown words are proposed even where the dictionary has a word.
    #[inline]
    pub fn invoke(self) -> bool {
        (self.0 >> 31) & 1 == 1
    }
    /// MeCab's `isKindOf`: the two characters share a category.
    #[inline]
    pub fn is_kind_of(self, other: CharInfo) -> bool {
        self.type_mask() & other.type_mask() != 0
    }
}

/// The category table: names in definition order and one [`CharInfo`] per code point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CharTable {
    /// Category names; a category's index is its bit in the type mask.
    pub names: Vec<String>,
    /// `invoke, group, length` of each category, as declared.
    pub settings: Vec<(bool, bool, u32)>,
    infos: Vec<CharInfo>,
}

impl CharTable {
    /// The info of `c`. Characters beyond the table take the info of U+0000, as MeCab does
    /// (its UTF-8 decoder yields 0 for them).
    #[inline]
    pub fn info(&self, c: char) -> CharInfo {
        let cp = c as usize;
        if cp < TABLE_LEN {
            self.infos[cp]
        } else {
            self.infos[0]
        }
    }

    /// Index of the category called `name`.
    pub fn category(&self, name: &str) -> Option<usize> {
        self.names.iter().position(|n| n == name)
    }

    /// Reads MeCab's compiled `char.bin`.
    pub fn from_char_bin(b: &[u8]) -> Result<CharTable, String> {
        let read_u32 = |off: usize| -> Option<u32> {
            b.get(off..off + 4)
                .map(|s| u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
        };
        let count = read_u32(0).ok_or("char.bin is too short")? as usize;
        let table_off = 4 + 32 * count;
        if count == 0 || count > 18 || b.len() != table_off + 4 * TABLE_LEN {
            return Err(format!(
                "char.bin: {} bytes do not hold {count} categories and {TABLE_LEN} entries",
                b.len()
            ));
        }
        let names = (0..count)
            .map(|i| {
                let raw = &b[4 + 32 * i..4 + 32 * (i + 1)];
                let end = raw.iter().position(|&c| c == 0).unwrap_or(32);
                String::from_utf8(raw[..end].to_vec())
                    .map_err(|_| "char.bin: category name is not UTF-8".to_string())
            })
            .collect::<Result<Vec<_>, _>>()?;
        let infos: Vec<CharInfo> = (0..TABLE_LEN)
            .map(|cp| CharInfo(read_u32(table_off + 4 * cp).unwrap_or(0)))
            .collect();
        // A category's settings are those of any character that has it as default.
        let mut settings = vec![(false, false, 0); count];
        let mut seen = vec![false; count];
        for info in &infos {
            let d = info.default_type();
            if d >= count {
                return Err(format!("char.bin: default category {d} is not defined"));
            }
            if !seen[d] {
                seen[d] = true;
                settings[d] = (info.invoke(), info.group(), info.length() as u32);
            }
        }
        Ok(CharTable {
            names,
            settings,
            infos,
        })
    }

    /// Serialises the table as MeCab's `char.bin`.
    pub fn to_char_bin(&self) -> Vec<u8> {
        let mut out = Vec::with_capacity(4 + 32 * self.names.len() + 4 * TABLE_LEN);
        out.extend_from_slice(&(self.names.len() as u32).to_le_bytes());
        for name in &self.names {
            let mut raw = [0u8; 32];
            let n = name.len().min(31);
            raw[..n].copy_from_slice(&name.as_bytes()[..n]);
            out.extend_from_slice(&raw);
        }
        for info in &self.infos {
            out.extend_from_slice(&info.0.to_le_bytes());
        }
        out
    }

    /// Writes the table as `char.def` source: one line per category, then non-overlapping
    /// code point runs with the default category first. Both MeCab and lindera read it back to
    /// the same table. U+FFFE is left out: lindera's parser rejects that non-character, and it
    /// falls back to `DEFAULT` like any code point no line names.
    pub fn to_char_def(&self) -> String {
        let mut out = String::new();
        for (name, (invoke, group, length)) in self.names.iter().zip(&self.settings) {
            out.push_str(&format!(
                "{name} {} {} {length}\n",
                *invoke as u8, *group as u8
            ));
        }
        const LAST: usize = 0xfffd;
        let mut start = 0;
        while start <= LAST {
            let info = self.infos[start];
            let mut end = start;
            while end < LAST && self.infos[end + 1] == info {
                end += 1;
            }
            let mut cats = vec![self.names[info.default_type()].as_str()];
            for (i, name) in self.names.iter().enumerate() {
                if i != info.default_type() && info.type_mask() & (1 << i) != 0 {
                    cats.push(name);
                }
            }
            if start == end {
                out.push_str(&format!("0x{start:04X} {}\n", cats.join(" ")));
            } else {
                out.push_str(&format!("0x{start:04X}..0x{end:04X} {}\n", cats.join(" ")));
            }
            start = end + 1;
        }
        out
    }

    /// Parses `char.def` with MeCab's semantics: every code point starts as `DEFAULT`, and each
    /// range line, in order, replaces what earlier lines said about its code points.
    pub fn parse_char_def(text: &str) -> Result<CharTable, String> {
        let mut names: Vec<String> = Vec::new();
        let mut settings = Vec::new();
        let mut index: HashMap<String, usize> = HashMap::new();
        let mut ranges: Vec<(usize, usize, Vec<usize>)> = Vec::new();
        for (no, raw) in text.lines().enumerate() {
            let line = raw.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let cols: Vec<&str> = line.split_whitespace().collect();
            if cols[0].starts_with("0x") || cols[0].starts_with("0X") {
                let (lo, hi) = match cols[0].split_once("..") {
                    Some((a, b)) => (parse_hex(a), parse_hex(b)),
                    None => (parse_hex(cols[0]), parse_hex(cols[0])),
                };
                let (Some(lo), Some(hi)) = (lo, hi) else {
                    return Err(format!("char.def line {}: bad range {}", no + 1, cols[0]));
                };
                if lo > hi || hi > TABLE_LEN {
                    return Err(format!("char.def line {}: bad range {}", no + 1, cols[0]));
                }
                let mut cats = Vec::new();
                for name in &cols[1..] {
                    let id = index.get(*name).ok_or_else(|| {
                        format!("char.def line {}: category {name} is undefined", no + 1)
                    })?;
                    cats.push(*id);
                }
                if cats.is_empty() {
                    return Err(format!("char.def line {}: range without category", no + 1));
                }
                ranges.push((lo, hi.min(TABLE_LEN - 1), cats));
            } else {
                if cols.len() < 4 {
                    return Err(format!(
                        "char.def line {}: a category needs NAME INVOKE GROUP LENGTH",
                        no + 1
                    ));
                }
                if index.contains_key(cols[0]) {
                    return Err(format!(
                        "char.def line {}: category {} defined twice",
                        no + 1,
                        cols[0]
                    ));
                }
                let num = |s: &str| -> Result<u32, String> {
                    s.parse()
                        .map_err(|_| format!("char.def line {}: {s} is not a number", no + 1))
                };
                index.insert(cols[0].to_string(), names.len());
                names.push(cols[0].to_string());
                settings.push((
                    num(cols[1])? != 0,
                    num(cols[2])? != 0,
                    num(cols[3])?.min(15),
                ));
            }
        }
        if names.len() > 18 {
            return Err("char.def: more than 18 categories".into());
        }
        let default = *index
            .get("DEFAULT")
            .ok_or("char.def: no DEFAULT category")?;
        if !index.contains_key("SPACE") {
            return Err("char.def: no SPACE category".into());
        }
        let encode = |cats: &[usize]| {
            let (invoke, group, length) = settings[cats[0]];
            let mask = cats.iter().fold(0u32, |m, &c| m | 1 << c);
            CharInfo::new(mask, cats[0] as u32, length, group, invoke)
        };
        let mut infos = vec![encode(&[default]); TABLE_LEN];
        for (lo, hi, cats) in &ranges {
            let info = encode(cats);
            for slot in &mut infos[*lo..=*hi] {
                *slot = info;
            }
        }
        Ok(CharTable {
            names,
            settings,
            infos,
        })
    }
}

fn parse_hex(s: &str) -> Option<usize> {
    usize::from_str_radix(s.trim_start_matches("0x").trim_start_matches("0X"), 16).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const DEF: &str = "DEFAULT 0 1 0\nSPACE 0 1 0\nALPHA 1 1 0\nHANGUL 0 1 2 # comment\n\
                       0x0020 SPACE\n0x0041..0x005A ALPHA\n0xAC00..0xD7A3 HANGUL\n\
                       0x0041 HANGUL ALPHA\n";

    #[test]
    fn later_ranges_override_earlier_ones() {
        let t = CharTable::parse_char_def(DEF).unwrap();
        let a = t.info('A');
        assert_eq!(t.names[a.default_type()], "HANGUL");
        assert_eq!(a.type_mask(), 0b1100);
        assert!(!a.invoke() && a.group() && a.length() == 2);
        let b = t.info('B');
        assert_eq!(t.names[b.default_type()], "ALPHA");
        assert!(b.invoke());
        assert_eq!(t.names[t.info('x').default_type()], "DEFAULT");
        assert!(t.info('가').is_kind_of(t.info('A')));
        assert!(!t.info('가').is_kind_of(t.info('B')));
        // Beyond the table: like U+0000.
        assert_eq!(t.info('😀'), t.info('\0'));
    }

    #[test]
    fn char_def_and_char_bin_round_trip() {
        let t = CharTable::parse_char_def(DEF).unwrap();
        let again = CharTable::parse_char_def(&t.to_char_def()).unwrap();
        assert_eq!(t, again);
        let from_bin = CharTable::from_char_bin(&t.to_char_bin()).unwrap();
        assert_eq!(from_bin.names, t.names);
        assert_eq!(from_bin.infos, t.infos);
    }

    #[test]
    fn bad_char_def_is_reported_with_its_line() {
        let e = CharTable::parse_char_def("DEFAULT 0 1 0\nSPACE 0 1 0\n0x20 NOPE\n").unwrap_err();
        assert!(e.contains("line 3") && e.contains("NOPE"), "{e}");
        assert!(CharTable::parse_char_def("SPACE 0 1 0\n").is_err());
    }
}
