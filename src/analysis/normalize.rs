//! Character normalisation before analysis, keeping every character's place in the original.
//!
//! - Unicode NFC, so decomposed Hangul (macOS file names and text, `ᄒ` + `ᅡ` + `ᆫ`) becomes the
//!   syllables the dictionary holds (`한`).
//! - Conjoining jamo that NFC leaves alone (a lone `ᄀ`) become the compatibility jamo people
//!   type (`ㄱ`), so both spellings match.
//! - Full-width ASCII (`ＧＰＵ`) becomes ASCII.
//!
//! Every normalised character records the byte range of the original text it came from, so
//! offsets reported to snippets and highlights always fall on UTF-8 boundaries of the raw text.

use std::collections::HashMap;
use std::sync::OnceLock;

use unicode_normalization::char::canonical_combining_class;
use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

/// Normalised text as characters, each with its byte range in the original.
#[derive(Debug, Default, Clone)]
pub struct Normalized {
    /// The normalised characters.
    pub chars: Vec<char>,
    /// For each character, the first byte of its source in the original text.
    pub starts: Vec<usize>,
    /// For each character, one past the last byte of its source in the original text.
    pub ends: Vec<usize>,
}

impl Normalized {
    /// Normalises `text`, replacing the current content.
    pub fn fill(&mut self, text: &str) {
        self.chars.clear();
        self.starts.clear();
        self.ends.clear();
        let mut iter = text.char_indices().peekable();
        let mut cluster = String::new();
        while let Some((start, c)) = iter.next() {
            let mut end = start + c.len_utf8();
            // A cluster is a starter and whatever follows it that may combine with it.
            let mut single = true;
            while let Some(&(j, d)) = iter.peek() {
                if is_safe_starter(d) {
                    break;
                }
                if single {
                    cluster.clear();
                    cluster.push(c);
                    single = false;
                }
                cluster.push(d);
                end = j + d.len_utf8();
                iter.next();
            }
            if single {
                self.push(map_char(c), start, end);
            } else if cluster.nfc().eq(cluster.chars()) {
                // Nothing combined: every character keeps its own bytes.
                let mut at = start;
                for d in cluster.chars() {
                    self.push(map_char(d), at, at + d.len_utf8());
                    at += d.len_utf8();
                }
            } else {
                // The first character takes the cluster's bytes and the rest none (at its
                // end), so the ranges of neighbouring tokens never overlap.
                for (k, d) in cluster.nfc().enumerate() {
                    self.push(map_char(d), if k == 0 { start } else { end }, end);
                }
            }
        }
    }

    #[inline]
    fn push(&mut self, c: char, start: usize, end: usize) {
        self.chars.push(c);
        self.starts.push(start);
        self.ends.push(end);
    }

    /// Byte range in the original text of the normalised characters `[from, to)`.
    pub fn byte_range(&self, from: usize, to: usize) -> (usize, usize) {
        if from >= to || to > self.chars.len() {
            let at = self.starts.get(from).copied().unwrap_or(0);
            return (at, at);
        }
        (self.starts[from], self.ends[to - 1])
    }
}

/// A character that never combines with what precedes it.
#[inline]
fn is_safe_starter(c: char) -> bool {
    let cp = c as u32;
    if cp < 0x300 || (0xac00..=0xd7a3).contains(&cp) {
        return true;
    }
    canonical_combining_class(c) == 0 && is_nfc_quick(std::iter::once(c)) == IsNormalized::Yes
}

/// Maps one NFC character to the form the analyser sees.
#[inline]
fn map_char(c: char) -> char {
    let cp = c as u32;
    if cp < 0x1100 {
        return c;
    }
    if (0xff01..=0xff5e).contains(&cp) {
        return char::from_u32(cp - 0xfee0).unwrap_or(c);
    }
    if (0x1100..=0x11ff).contains(&cp)
        || (0xa960..=0xa97f).contains(&cp)
        || (0xd7b0..=0xd7ff).contains(&cp)
    {
        return compat_jamo().get(&c).copied().unwrap_or(c);
    }
    c
}

/// Conjoining jamo → compatibility jamo, derived from the compatibility jamo's NFKC forms.
fn compat_jamo() -> &'static HashMap<char, char> {
    static TABLE: OnceLock<HashMap<char, char>> = OnceLock::new();
    TABLE.get_or_init(|| {
        let mut map = HashMap::new();
        for cp in 0x3131..=0x318e {
            let Some(compat) = char::from_u32(cp) else {
                continue;
            };
            let mut nfkc = std::iter::once(compat).nfkc();
            if let (Some(conjoining), None) = (nfkc.next(), nfkc.next()) {
                map.entry(conjoining).or_insert(compat);
            }
        }
        map
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn norm(text: &str) -> Normalized {
        let mut n = Normalized::default();
        n.fill(text);
        n
    }

    #[test]
    fn nfd_hangul_is_composed_with_offsets_into_the_original() {
        let nfd: String = "한국 GPU".nfd().collect();
        let n = norm(&nfd);
        assert_eq!(n.chars.iter().collect::<String>(), "한국 GPU");
        // 한 = 3 jamo × 3 bytes, 국 = 3 jamo × 3 bytes.
        assert_eq!(n.byte_range(0, 1), (0, 9));
        assert_eq!(n.byte_range(1, 2), (9, 18));
        assert_eq!(&nfd[n.byte_range(3, 6).0..n.byte_range(3, 6).1], "GPU");
    }

    #[test]
    fn characters_that_do_not_combine_keep_their_own_bytes() {
        // U + Hebrew point sheva: NFC leaves both, and each keeps its own byte range.
        let n = norm("U\u{5b0}x");
        assert_eq!(n.chars, vec!['U', '\u{5b0}', 'x']);
        assert_eq!(n.byte_range(0, 1), (0, 1));
        assert_eq!(n.byte_range(1, 2), (1, 3));
        // e + two accents, of which NFC composes one: the rest take no bytes of their own.
        let n = norm("e\u{301}\u{5b0}");
        assert_eq!(n.chars, vec!['é', '\u{5b0}']);
        assert_eq!(n.byte_range(0, 1), (0, 5));
        assert_eq!(n.byte_range(1, 2), (5, 5));
    }

    #[test]
    fn lone_conjoining_jamo_become_compatibility_jamo() {
        let n = norm("\u{110f}\u{110f} ㅋ");
        assert_eq!(n.chars.iter().collect::<String>(), "ㅋㅋ ㅋ");
    }

    #[test]
    fn full_width_ascii_is_folded() {
        let n = norm("ＧＰＵ가격");
        assert_eq!(n.chars.iter().collect::<String>(), "GPU가격");
        assert_eq!(n.byte_range(0, 3), (0, 9));
    }

    #[test]
    fn lone_combining_marks_and_controls_survive() {
        let n = norm("\u{301}\u{301}a\u{0}\u{7}");
        assert_eq!(n.chars.len(), n.starts.len());
        assert!(n.chars.contains(&'\u{0}'));
        let n = norm("");
        assert!(n.chars.is_empty());
        assert_eq!(n.byte_range(0, 0), (0, 0));
    }
}
