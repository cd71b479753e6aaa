//! A passage's indexed tokens, written as bytes at index time and kept beside its text (the
//! schema's `tokens` field), so that what needs them later reads them instead of analysing
//! the passage again: highlights ([`crate::search::snippet`]) and the cluster export.
//!
//! Most of a token is implied by the text: its term is the lower-cased text it covers
//! (Hangul has no case), so only the exceptions carry their term (a stem such as 오르 of
//! 올랐, a part that does not spell its whole, text the normaliser changed). For each indexed
//! token, in the analyser's order:
//!
//! 1. varint: zigzag of the token's start minus the previous token's end (the first: minus 0);
//! 2. varint: `length << 4 | part << 3 | explicit << 2 | step`, where `length` is its byte
//!    length, `part` whether it is a part of the whole before it, `explicit` whether its term
//!    follows, and `step` its position minus the previous token's (the first: minus 0) when
//!    0, 1 or 2; 3 means a varint of the zigzagged step follows;
//! 3. if `explicit`: varint byte length, then the term's UTF-8 bytes.
//!
//! The bytes start with [`FORMAT`]. Reading checks every offset against the text and every
//! term for UTF-8: damaged bytes give [`Damaged`], never a panic or a wrong slice.

use super::lowercase_into;

/// The first byte of every token table: its format.
pub const FORMAT: u8 = 1;

/// One indexed token as read back.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StoredToken<'a> {
    /// Byte offset of its start in the text.
    pub start: usize,
    /// Byte offset of its end.
    pub end: usize,
    /// Its position.
    pub position: usize,
    /// A part of the compound or inflected word before it.
    pub part: bool,
    /// Its term.
    pub term: &'a str,
}

/// A token table that does not fit its text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Damaged;

/// Writes token tables; keeps its buffer from one token to the next.
#[derive(Debug, Default)]
pub struct Encoder {
    implied: String,
    prev_end: usize,
    prev_position: usize,
}

impl Encoder {
    /// Starts a table in `out` (cleared).
    pub fn start(&mut self, out: &mut Vec<u8>) {
        out.clear();
        out.push(FORMAT);
        self.prev_end = 0;
        self.prev_position = 0;
    }

    /// Appends one token of `text` to `out`.
    pub fn push(&mut self, text: &str, token: StoredToken<'_>, out: &mut Vec<u8>) {
        let StoredToken {
            start,
            end,
            position,
            part,
            term,
        } = token;
        lowercase_into(text.get(start..end).unwrap_or_default(), &mut self.implied);
        let explicit = self.implied != term;
        let step = position as i64 - self.prev_position as i64;
        let short = (0..=2).contains(&step);
        varint(zigzag(start as i64 - self.prev_end as i64), out);
        let head = (end.saturating_sub(start) as u64) << 4
            | u64::from(part) << 3
            | u64::from(explicit) << 2
            | if short { step as u64 } else { 3 };
        varint(head, out);
        if !short {
            varint(zigzag(step), out);
        }
        if explicit {
            varint(term.len() as u64, out);
            out.extend_from_slice(term.as_bytes());
        }
        self.prev_end = end;
        self.prev_position = position;
    }
}

/// Calls `f` with each token of the table `bytes` written for `text`. `implied` is a buffer
/// for the terms the text implies.
pub fn decode(
    text: &str,
    bytes: &[u8],
    implied: &mut String,
    mut f: impl FnMut(StoredToken<'_>),
) -> Result<(), Damaged> {
    let (&format, mut rest) = bytes.split_first().ok_or(Damaged)?;
    if format != FORMAT {
        return Err(Damaged);
    }
    let (mut prev_end, mut prev_position) = (0usize, 0usize);
    while !rest.is_empty() {
        let start = offset(prev_end, unzigzag(read_varint(&mut rest)?))?;
        let head = read_varint(&mut rest)?;
        let end = start.checked_add((head >> 4) as usize).ok_or(Damaged)?;
        let step = match head & 3 {
            3 => unzigzag(read_varint(&mut rest)?),
            s => s as i64,
        };
        let position = offset(prev_position, step)?;
        let covered = text.get(start..end).ok_or(Damaged)?;
        let term: &str = if head & 4 != 0 {
            let len = read_varint(&mut rest)? as usize;
            if len > rest.len() {
                return Err(Damaged);
            }
            let (term, after) = rest.split_at(len);
            rest = after;
            std::str::from_utf8(term).map_err(|_| Damaged)?
        } else {
            lowercase_into(covered, implied);
            implied.as_str()
        };
        f(StoredToken {
            start,
            end,
            position,
            part: head & 8 != 0,
            term,
        });
        prev_end = end;
        prev_position = position;
    }
    Ok(())
}

fn offset(base: usize, delta: i64) -> Result<usize, Damaged> {
    let at = (base as i64).checked_add(delta).ok_or(Damaged)?;
    usize::try_from(at).map_err(|_| Damaged)
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    (v >> 1) as i64 ^ -((v & 1) as i64)
}

fn varint(mut v: u64, out: &mut Vec<u8>) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

fn read_varint(bytes: &mut &[u8]) -> Result<u64, Damaged> {
    let mut v = 0u64;
    for (i, &b) in bytes.iter().enumerate().take(10) {
        v |= u64::from(b & 0x7f) << (7 * i);
        if b & 0x80 == 0 {
            *bytes = &bytes[i + 1..];
            return Ok(v);
        }
    }
    Err(Damaged)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{Analyzer, AnalyzerConfig, Scratch, TokenKind};
    use crate::dictionary::KoDictionary;
    use std::sync::Arc;

    type Owned = (usize, usize, usize, bool, String);

    fn analysed(analyzer: &Analyzer, text: &str) -> Vec<Owned> {
        let mut out = Vec::new();
        analyzer.analyze(text, &mut Scratch::default(), |t| {
            if t.indexed {
                let part = t.kind == TokenKind::Part;
                out.push((t.start, t.end, t.position, part, t.term.to_string()));
            }
        });
        out
    }

    fn table(text: &str, tokens: &[Owned]) -> Vec<u8> {
        let mut enc = Encoder::default();
        let mut out = Vec::new();
        enc.start(&mut out);
        for (start, end, position, part, term) in tokens {
            let token = StoredToken {
                start: *start,
                end: *end,
                position: *position,
                part: *part,
                term,
            };
            enc.push(text, token, &mut out);
        }
        out
    }

    fn read(text: &str, bytes: &[u8]) -> Result<Vec<Owned>, Damaged> {
        let mut out = Vec::new();
        decode(text, bytes, &mut String::new(), |t| {
            out.push((t.start, t.end, t.position, t.part, t.term.to_string()));
        })?;
        Ok(out)
    }

    #[test]
    fn a_table_gives_back_the_analysers_tokens() {
        let dict = Arc::new(KoDictionary::open_default().unwrap());
        let analyzer = Analyzer::new(dict, AnalyzerConfig::default()).unwrap();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles");
        let mut texts: Vec<String> = walkdir::WalkDir::new(root)
            .into_iter()
            .filter_map(Result::ok)
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        assert!(texts.len() > 20);
        // Inflected stems, compounds, upper case, full-width and NFD text, nothing at all.
        texts.extend(
            [
                "",
                "GPU 가격이 크게 올랐다",
                "해외여행 비용과 대한민국 ＡＩ",
                "ᄀᆞ나다 國語 4,000원",
            ]
            .map(String::from),
        );
        let (mut tokens, mut bytes) = (0usize, 0usize);
        for text in &texts {
            let want = analysed(&analyzer, text);
            let t = table(text, &want);
            assert_eq!(read(text, &t).unwrap(), want, "{text:?}");
            tokens += want.len();
            bytes += t.len();
        }
        // About two bytes a token: less than the text itself.
        assert!(bytes < tokens * 3, "{bytes} bytes for {tokens} tokens");
    }

    #[test]
    fn damaged_bytes_are_refused_without_a_panic() {
        let text = "가격이 올랐다";
        let good = table(
            text,
            &[
                (0, 6, 0, false, "가격".into()),
                (10, 16, 1, false, "올랐".into()),
            ],
        );
        assert!(read(text, &good).is_ok());
        assert_eq!(read(text, &[]), Err(Damaged));
        assert_eq!(read(text, &[9]), Err(Damaged));
        // Cut anywhere, or any byte changed: an error or some tokens, never a panic.
        for cut in 1..good.len() {
            let _ = read(text, &good[..cut]);
        }
        for i in 1..good.len() {
            for v in [0u8, 1, 0x7f, 0x80, 0xff] {
                let mut bad = good.clone();
                bad[i] = v;
                let _ = read(text, &bad);
            }
        }
        // An offset into the middle of a character is refused.
        let mid = table(text, &[(1, 6, 0, false, "x".into())]);
        assert_eq!(read(text, &mid), Err(Damaged));
    }
}
