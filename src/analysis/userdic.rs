//! The user dictionary: words the domain needs that mecab-ko-dic lacks.
//!
//! Format (UTF-8, one word per line, `#` starts a comment):
//!
//! ```text
//! # word,POS[,parts[,cost]]
//! 파인튜닝,NNG
//! 소형언어모델,NNG,소형/NNG+언어/NNG+모델/NNG
//! 온디바이스,NNG,,1500
//! ```
//!
//! - `word`: the surface as it appears in text (normalised like the text: NFC, full-width
//!   ASCII folded).
//! - `POS`: a mecab-ko-dic tag (`NNG`, `NNP`, `SL`, `VV`, …). The word takes the context ids
//!   that most plain dictionary words of that tag (and final consonant) have.
//! - `parts` (optional): `surface/TAG` joined by `+`; they are indexed beside the whole, like
//!   the dictionary's own compounds.
//! - `cost` (optional): the word cost; lower wins more often. Default [`DEFAULT_COST`].
//!
//! Indexing and querying load the same file; its fingerprint is recorded in the index so a
//! changed user dictionary asks for a rebuild.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::normalize::Normalized;
use crate::dictionary::KoDictionary;
use crate::error::{Error, Result};

/// Word cost of a user word that names none. Low enough that a user word beats the
/// dictionary's split of the same characters (파인/VV+ETM 튜닝/NNG), high enough not to
/// swallow particles around it.
pub const DEFAULT_COST: i16 = 0;

/// The part-of-speech tags of mecab-ko-dic (Sejong tag set as mecab-ko-dic uses it).
pub const TAGS: [&str; 46] = [
    "NNG", "NNP", "NNB", "NNBC", "NR", "NP", "VV", "VA", "VX", "VCP", "VCN", "MM", "MAG", "MAJ",
    "IC", "JKS", "JKC", "JKG", "JKO", "JKB", "JKV", "JKQ", "JX", "JC", "EP", "EF", "EC", "ETN",
    "ETM", "XPN", "XSN", "XSV", "XSA", "XR", "SF", "SE", "SSO", "SSC", "SC", "SY", "SL", "SH",
    "SN", "SP", "UNKNOWN", "NA",
];

/// One user word, ready for the lattice.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserEntry {
    /// The surface, normalised.
    pub surface: String,
    /// Its tag.
    pub pos: String,
    /// Its parts (surface, tag), empty when it has none.
    pub parts: Vec<(String, String)>,
    /// Left context id.
    pub left_id: u16,
    /// Right context id.
    pub right_id: u16,
    /// Word cost.
    pub cost: i16,
    /// MeCab-ko's penalty when the word follows a space.
    pub space_penalty: u16,
}

/// A loaded user dictionary.
#[derive(Debug, Clone, Default)]
pub struct UserDictionary {
    entries: Vec<UserEntry>,
    chars: Vec<Vec<char>>,
    by_first: HashMap<char, Vec<u32>>,
    fingerprint: String,
    path: Option<PathBuf>,
}

/// The project's user dictionary (`data/userdic.csv`), built into the binary: the default
/// when no `--user-dict` is given and `data/userdic.csv` is not in the current folder.
pub const BUILTIN: &str = include_str!("../../data/userdic.csv");

/// The name that stands for [`BUILTIN`] where a user dictionary path is expected.
pub const BUILTIN_NAME: &str = "(built-in data/userdic.csv)";

/// The text of a user dictionary: the file's, or [`BUILTIN`] for [`BUILTIN_NAME`].
pub fn read_text(path: &Path) -> Result<String> {
    if path.as_os_str() == BUILTIN_NAME {
        return Ok(BUILTIN.to_string());
    }
    std::fs::read_to_string(path).map_err(|e| Error::io(path, e))
}

impl UserDictionary {
    /// No user words.
    pub fn empty() -> Self {
        UserDictionary {
            fingerprint: "none".into(),
            ..Default::default()
        }
    }

    /// Loads a user dictionary file.
    pub fn load(path: &Path, dict: &KoDictionary) -> Result<Self> {
        let text = read_text(path)?;
        let mut dic = Self::parse(&text, dict).map_err(|(line, reason)| Error::UserDictionary {
            path: path.to_path_buf(),
            line,
            reason,
        })?;
        dic.path = Some(path.to_path_buf());
        Ok(dic)
    }

    /// Parses user dictionary text; an error carries the 1-based line and the reason.
    pub fn parse(text: &str, dict: &KoDictionary) -> std::result::Result<Self, (usize, String)> {
        let mut dic = UserDictionary {
            fingerprint: fingerprint(text),
            ..Default::default()
        };
        let mut norm = Normalized::default();
        for (no, raw) in text.lines().enumerate() {
            let line_no = no + 1;
            let line = raw.trim_start_matches('\u{feff}').trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let cols: Vec<&str> = line.split(',').map(str::trim).collect();
            if cols.len() < 2 || cols.len() > 4 {
                return Err((line_no, "expected word,POS[,parts[,cost]]".into()));
            }
            norm.fill(cols[0]);
            let surface: String = norm.chars.iter().collect();
            if surface.is_empty() || surface.chars().any(char::is_whitespace) {
                return Err((
                    line_no,
                    "the word must be non-empty and without spaces".into(),
                ));
            }
            let pos = cols[1].to_string();
            check_tag(&pos).map_err(|r| (line_no, r))?;
            let parts = match cols.get(2) {
                Some(p) if !p.is_empty() => parse_parts(p).map_err(|r| (line_no, r))?,
                _ => Vec::new(),
            };
            let cost = match cols.get(3) {
                Some(c) if !c.is_empty() => c
                    .parse::<i16>()
                    .map_err(|_| (line_no, format!("cost {c} is not a number")))?,
                _ => DEFAULT_COST,
            };
            let ids = context_ids(dict, &pos, &surface)
                .ok_or_else(|| (line_no, format!("the dictionary has no plain {pos} word")))?;
            let space_penalty = dict.info.pos_space_penalty.get(&pos).copied().unwrap_or(0);
            let idx = dic.entries.len() as u32;
            let chars: Vec<char> = surface.chars().collect();
            dic.by_first.entry(chars[0]).or_default().push(idx);
            dic.chars.push(chars);
            dic.entries.push(UserEntry {
                surface,
                pos,
                parts,
                left_id: ids.left_id,
                right_id: ids.right_id,
                cost,
                space_penalty,
            });
        }
        Ok(dic)
    }

    /// The entry at `idx`.
    #[inline]
    pub fn entry(&self, idx: u32) -> &UserEntry {
        &self.entries[idx as usize]
    }

    /// Number of words.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// Whether there are no words.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// A fingerprint of the file's content (`none` without a file).
    pub fn fingerprint(&self) -> &str {
        &self.fingerprint
    }

    /// The file it was loaded from.
    pub fn path(&self) -> Option<&Path> {
        self.path.as_deref()
    }

    /// Appends `(length in chars, entry)` for every word that is a prefix of `chars`.
    #[inline]
    pub fn prefixes(&self, chars: &[char], out: &mut Vec<(usize, u32)>) {
        let Some(first) = chars.first() else {
            return;
        };
        if let Some(ids) = self.by_first.get(first) {
            for &id in ids {
                let word = &self.chars[id as usize];
                if chars.len() >= word.len() && chars[..word.len()] == word[..] {
                    out.push((word.len(), id));
                }
            }
        }
    }
}

fn check_tag(tag: &str) -> std::result::Result<(), String> {
    if TAGS.contains(&tag) {
        Ok(())
    } else {
        Err(format!(
            "unknown part of speech {tag} (one of {})",
            TAGS.join(" ")
        ))
    }
}

/// Parses `surface/TAG+surface/TAG` (a third `/…` field, as in mecab-ko-dic, is ignored).
pub fn parse_parts(text: &str) -> std::result::Result<Vec<(String, String)>, String> {
    let mut parts = Vec::new();
    for piece in text.split('+') {
        let mut fields = piece.split('/');
        let (Some(surface), Some(tag)) = (fields.next(), fields.next()) else {
            return Err(format!("part {piece} is not surface/TAG"));
        };
        if surface.is_empty() {
            return Err(format!("part {piece} has no surface"));
        }
        check_tag(tag)?;
        parts.push((surface.to_string(), tag.to_string()));
    }
    Ok(parts)
}

/// The context ids a word of `pos` ending like `surface` takes.
fn context_ids(
    dict: &KoDictionary,
    pos: &str,
    surface: &str,
) -> Option<crate::dictionary::compile::ContextIds> {
    let jong = match surface.chars().last() {
        Some(c @ '가'..='힣') => {
            if (c as u32 - 0xac00).is_multiple_of(28) {
                "F"
            } else {
                "T"
            }
        }
        _ => "F",
    };
    let ids = &dict.info.user_context_ids;
    ids.get(&format!("{pos},{jong}"))
        .or_else(|| ids.get(&format!("{pos},*")))
        .or_else(|| {
            let prefix = format!("{pos},");
            let mut keys: Vec<&String> = ids.keys().filter(|k| k.starts_with(&prefix)).collect();
            keys.sort();
            keys.first().and_then(|k| ids.get(*k))
        })
        .copied()
}

/// FNV-1a of the text, as hex.
fn fingerprint(text: &str) -> String {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in text.as_bytes() {
        h ^= b as u64;
        h = h.wrapping_mul(0x100_0000_01b3);
    }
    format!("{h:016x}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parts_parse_with_or_without_a_third_field() {
        assert_eq!(
            parse_parts("소형/NNG+언어/NNG/*").unwrap(),
            vec![("소형".into(), "NNG".into()), ("언어".into(), "NNG".into())]
        );
        assert!(parse_parts("소형").is_err());
        assert!(parse_parts("소형/XYZ").unwrap_err().contains("XYZ"));
    }
}
