//! What a search returns, and the options that shape it: the page of ranked passages
//! ([`Results`], [`Hit`]) that [`SearchOptions`] asks for, each hit read from its passage's
//! stored fields.

use std::collections::BTreeMap;

use serde::Serialize;
use tantivy::TantivyDocument;
use tantivy::schema::{Field, Value};

use crate::index::schema::Fields;

/// What to return.
#[derive(Debug, Clone)]
pub struct SearchOptions {
    /// Hits to return.
    pub limit: usize,
    /// Hits to skip first.
    pub offset: usize,
    /// At most this many passages per article.
    pub per_article: Option<usize>,
    /// Only articles dated on or after this day (`YYYYMMDD`).
    pub since: Option<i64>,
    /// Only articles dated on or before this day (`YYYYMMDD`).
    pub until: Option<i64>,
    /// Compute each hit's highlights (a second analysis of its passage).
    pub highlights: bool,
}

impl Default for SearchOptions {
    fn default() -> Self {
        SearchOptions {
            limit: 10,
            offset: 0,
            per_article: None,
            since: None,
            until: None,
            highlights: true,
        }
    }
}

/// Reads a date bound, `YYYY`, `YYYY-MM` or `YYYY-MM-DD` (also with `.` or `/`), into
/// `YYYYMMDD`; a partial date takes the first day of its period, or the last when `end`.
/// `None` when it is not such a date.
pub fn parse_day(s: &str, end: bool) -> Option<i64> {
    let parts: Vec<&str> = s
        .trim()
        .split(['-', '.', '/'])
        .filter(|p| !p.is_empty())
        .collect();
    let num = |p: &str, lo: i64, hi: i64| -> Option<i64> {
        let n: i64 = p.parse().ok()?;
        (lo..=hi).contains(&n).then_some(n)
    };
    let (y, m, d) = match parts.as_slice() {
        [y] => (
            num(y, 1, 9999)?,
            if end { 12 } else { 1 },
            if end { 31 } else { 1 },
        ),
        [y, m] => (num(y, 1, 9999)?, num(m, 1, 12)?, if end { 31 } else { 1 }),
        [y, m, d] => (num(y, 1, 9999)?, num(m, 1, 12)?, num(d, 1, 31)?),
        _ => return None,
    };
    Some(y * 10000 + m * 100 + d)
}

/// One ranked passage.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Hit {
    /// 1-based rank, counting skipped hits.
    pub rank: usize,
    /// The ranking score.
    pub score: f32,
    /// The record id for JSON/JSONL input, else a stable id derived from the path.
    pub id: String,
    /// The file.
    pub path: String,
    /// The article key (the path, with `#record` for JSON records).
    pub article: String,
    /// Headline.
    pub title: String,
    /// Publication date (`YYYY-MM-DD` when known).
    pub date: Option<String>,
    /// Publisher.
    pub source: Option<String>,
    /// Author.
    pub author: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// 0-based passage number in the article.
    pub passage: u64,
    /// Passages in the article.
    pub passages: u64,
    /// The passage text.
    pub text: String,
    /// Byte range of the passage in the article text.
    pub byte_start: u64,
    /// End of the byte range.
    pub byte_end: u64,
    /// Character range of the passage in the article text.
    pub char_start: u64,
    /// End of the character range.
    pub char_end: u64,
    /// The 1-based page where the passage starts, for paged formats (PDF).
    pub page: Option<u64>,
    /// Byte ranges in `text` of the words that matched.
    pub highlights: Vec<(usize, usize)>,
    /// The file's format (`text`, `markdown`, `html`, `json`, `jsonl`).
    pub format: String,
    /// The encoding the file was read in.
    pub encoding: String,
    /// The record number in a JSON or JSON Lines file.
    pub record: Option<u64>,
    /// Other metadata of the article (front matter keys, JSON fields, HTML meta tags).
    pub meta: BTreeMap<String, String>,
    /// The passage's indexed tokens as the index stores them ([`crate::analysis::stored`]):
    /// what highlights and the cluster export read instead of analysing `text` again. Not
    /// part of any output.
    #[serde(skip)]
    pub tokens: Option<Vec<u8>>,
}

impl Hit {
    /// The hit stored in a passage's document, with its score; its rank and highlights are
    /// left for the caller.
    pub(super) fn read(doc: &TantivyDocument, f: &Fields, score: f32) -> Hit {
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let num = |field: Field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
        Hit {
            rank: 0,
            score,
            id: text(f.id).unwrap_or_default(),
            path: text(f.path).unwrap_or_default(),
            article: text(f.article).unwrap_or_default(),
            title: text(f.title).unwrap_or_default(),
            date: text(f.date),
            source: text(f.source),
            author: text(f.author),
            url: text(f.url),
            passage: num(f.passage),
            passages: num(f.passages),
            text: text(f.text).unwrap_or_default(),
            byte_start: num(f.byte_start),
            byte_end: num(f.byte_end),
            char_start: num(f.char_start),
            char_end: num(f.char_end),
            page: doc.get_first(f.page).and_then(|v| v.as_u64()),
            highlights: Vec::new(),
            format: text(f.format).unwrap_or_default(),
            encoding: text(f.encoding).unwrap_or_default(),
            record: doc.get_first(f.record).and_then(|v| v.as_u64()),
            meta: text(f.meta)
                .and_then(|m| serde_json::from_str(&m).ok())
                .unwrap_or_default(),
            tokens: token_table(doc, f),
        }
    }
}

/// The token table stored with a passage ([`crate::analysis::stored`]), if it has one.
pub(super) fn token_table(doc: &TantivyDocument, f: &Fields) -> Option<Vec<u8>> {
    doc.get_first(f.tokens)
        .and_then(|v| v.as_bytes())
        .map(<[u8]>::to_vec)
}

/// The outcome of a search.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Passages that match, in all.
    pub total: usize,
    /// The page asked for.
    pub hits: Vec<Hit>,
}
