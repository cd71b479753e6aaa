//! A passage's document for a cluster: its stored fields, and the pre-analysed fields made
//! from the tokens the index stored with its text (and by analysing, once per article, its
//! title, outlet, reporter and path) the way kosearch's index does (the module docs of
//! [`super`] list them).

use std::collections::HashMap;
use std::path::PathBuf;

use serde::Serialize;

use super::PAIR_JOIN;
use crate::analysis::stored;
use crate::analysis::tokenizer::{Place, bigram_chars, each_pair, is_whole};
use crate::analysis::{Analyzer, Scratch};
use crate::error::{Error, Result};
use crate::index::KoIndex;
use crate::search::Hit;

/// One analysed text: the finest terms in order and the wholes.
#[derive(Debug, Default)]
struct Terms {
    /// The terms, one after the other (one buffer, not a string each).
    text: String,
    /// Each term's byte range in `text`.
    spans: Vec<(usize, usize)>,
    places: Vec<Place>,
}

impl Terms {
    /// The terms of a passage from the token table the index stored with it; `false` (and
    /// nothing) when the table does not fit the text.
    fn read(&mut self, text: &str, table: &[u8], implied: &mut String) -> bool {
        self.clear();
        let read = stored::decode(text, table, implied, |t| {
            self.push(t.term, t.start, t.end, t.position, t.part);
        });
        if read.is_err() {
            self.clear();
        }
        read.is_ok()
    }

    fn analyse(&mut self, analyzer: &Analyzer, scratch: &mut Scratch, text: &str) {
        self.clear();
        analyzer.analyze(text, scratch, |t| {
            if t.indexed {
                let part = t.kind == crate::analysis::TokenKind::Part;
                self.push(t.term, t.start, t.end, t.position, part);
            }
        });
    }

    fn clear(&mut self) {
        self.text.clear();
        self.spans.clear();
        self.places.clear();
    }

    fn push(&mut self, term: &str, from: usize, to: usize, position: usize, part: bool) {
        let start = self.text.len();
        self.text.push_str(term);
        self.spans.push((start, self.text.len()));
        self.places.push(Place {
            from,
            to,
            position,
            part,
        });
    }

    fn term(&self, i: usize) -> &str {
        let (from, to) = self.spans[i];
        &self.text[from..to]
    }

    /// The field's values: the finest terms, then the wholes (when there are any); none for
    /// a text without indexed terms.
    fn values(&self) -> Vec<String> {
        if self.spans.is_empty() {
            return Vec::new();
        }
        let (mut finest, mut wholes) = (String::new(), String::new());
        for i in 0..self.spans.len() {
            let t = self.term(i);
            let out = if is_whole(&self.places, i) {
                &mut wholes
            } else {
                &mut finest
            };
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(t);
        }
        let mut values = vec![finest];
        if !wholes.is_empty() {
            values.push(wholes);
        }
        values
    }

    /// The pairs of neighbouring terms, as kosearch's pair field indexes them.
    fn pairs(&self) -> String {
        let mut out = String::new();
        each_pair(&self.places, |i, j| {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(self.term(i));
            out.push(PAIR_JOIN);
            out.push_str(self.term(j));
        });
        out
    }
}

/// The pre-analysed fields of an article (the same for each of its passages).
#[derive(Debug, Clone, Default)]
struct ArticleTerms {
    article: String,
    title: Vec<String>,
    source: Vec<String>,
    author: Vec<String>,
    path: String,
}

/// Analyses passages for export; one per thread.
pub(super) struct PreAnalyser<'a> {
    ko: &'a KoIndex,
    /// The analyser's fingerprint, part of every document's hash.
    fingerprint: &'a str,
    scratch: Scratch,
    /// Buffer for reading token tables.
    implied: String,
    terms: Terms,
    last: ArticleTerms,
}

/// One passage's stored fields, as a cluster stores them (the first part of its document).
#[derive(Debug, Serialize)]
struct Stored<'a> {
    passage_id: &'a str,
    id: &'a str,
    article: &'a str,
    path: &'a str,
    title: &'a str,
    text: &'a str,
    date: Option<&'a str>,
    source: Option<&'a str>,
    author: Option<&'a str>,
    url: Option<&'a str>,
    passage: u64,
    passages: u64,
    byte_start: u64,
    byte_end: u64,
    char_start: u64,
    char_end: u64,
    page: Option<u64>,
    format: &'a str,
    encoding: &'a str,
    record: Option<u64>,
    meta: &'a std::collections::BTreeMap<String, String>,
}

/// One passage's pre-analysed fields (the rest of its document).
#[derive(Debug, Serialize)]
struct Analysed<'a> {
    ko_text: Vec<String>,
    ko_title: &'a [String],
    ko_source: &'a [String],
    ko_author: &'a [String],
    ko_path: &'a str,
    ko_pairs: String,
    ko_bigrams: String,
}

impl<'a> PreAnalyser<'a> {
    pub(super) fn new(ko: &'a KoIndex, fingerprint: &'a str) -> Self {
        PreAnalyser {
            ko,
            fingerprint,
            scratch: Scratch::default(),
            implied: String::new(),
            terms: Terms::default(),
            last: ArticleTerms::default(),
        }
    }

    /// The values of a short field (title, outlet, reporter).
    fn values_of(&mut self, text: &str) -> Vec<String> {
        self.terms
            .analyse(&self.ko.analyzer, &mut self.scratch, text);
        self.terms.values()
    }

    /// One passage's document as a JSON line (no newline), with the hash that
    /// `passages.tsv` keeps: of the analyser and the passage's stored fields, which is all
    /// its document is made from. `None` for the document when `previous` (the last
    /// export's hashes) holds the same hash: the passage is unchanged, and not analysed.
    pub(super) fn document(
        &mut self,
        h: &Hit,
        id: &str,
        previous: Option<&HashMap<String, String>>,
    ) -> Result<(String, Option<Vec<u8>>)> {
        let json_err = |e| Error::Json {
            path: PathBuf::from(id),
            source: e,
        };
        let stored = Stored {
            passage_id: id,
            id: &h.id,
            article: &h.article,
            path: &h.path,
            title: &h.title,
            text: &h.text,
            date: h.date.as_deref().filter(|d| is_day(d)),
            source: h.source.as_deref(),
            author: h.author.as_deref(),
            url: h.url.as_deref(),
            passage: h.passage,
            passages: h.passages,
            byte_start: h.byte_start,
            byte_end: h.byte_end,
            char_start: h.char_start,
            char_end: h.char_end,
            page: h.page,
            format: &h.format,
            encoding: &h.encoding,
            record: h.record,
            meta: &h.meta,
        };
        let mut doc = serde_json::to_vec(&stored).map_err(json_err)?;
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.fingerprint.as_bytes());
        hasher.update(b"\0");
        hasher.update(&doc);
        let hash = hasher.finalize().to_hex()[..32].to_string();
        if previous.and_then(|p| p.get(id)) == Some(&hash) {
            return Ok((hash, None));
        }

        if self.last.article != h.article || self.last.article.is_empty() {
            let path = path_terms(self.ko, &h.path);
            self.last = ArticleTerms {
                article: h.article.clone(),
                title: self.values_of(&h.title),
                source: self.values_of(h.source.as_deref().unwrap_or("")),
                author: self.values_of(h.author.as_deref().unwrap_or("")),
                path,
            };
        }
        // The passage's stored tokens; analysed again only where the index has none.
        let table = h.tokens.as_deref();
        if !table.is_some_and(|t| self.terms.read(&h.text, t, &mut self.implied)) {
            self.terms
                .analyse(&self.ko.analyzer, &mut self.scratch, &h.text);
        }
        let mut grams = String::with_capacity(h.text.len());
        bigram_chars(&h.text, |a, b| {
            if !grams.is_empty() {
                grams.push(' ');
            }
            grams.push(a);
            grams.extend(b);
        });
        let analysed = Analysed {
            ko_text: self.terms.values(),
            ko_title: &self.last.title,
            ko_source: &self.last.source,
            ko_author: &self.last.author,
            ko_path: &self.last.path,
            ko_pairs: self.terms.pairs(),
            ko_bigrams: grams,
        };
        // One object: the stored fields' `{…}` and the analysed fields' `{…}` joined.
        let more = serde_json::to_vec(&analysed).map_err(json_err)?;
        doc.pop();
        doc.push(b',');
        doc.extend_from_slice(&more[1..]);
        Ok((hash, Some(doc)))
    }
}

/// Whether a date is a day as `YYYY-MM-DD` (what the cluster's `date` field takes).
fn is_day(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && crate::search::parse_day(d, false).is_some()
}

/// A path's terms as kosearch's path field indexes them.
fn path_terms(ko: &KoIndex, path: &str) -> String {
    let mut out = String::new();
    let Some(mut analyzer) = ko.index.tokenizers().get(crate::index::PATH_ANALYZER) else {
        return out;
    };
    let mut stream = analyzer.token_stream(path);
    while let Some(t) = tantivy::tokenizer::TokenStream::next(&mut stream) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&t.text);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_whole_days_go_to_the_date_field() {
        assert!(is_day("2024-05-01"));
        for bad in [
            "2024-05",
            "2024-13-01",
            "2024/05/01",
            "20240501",
            "2024-5-1",
        ] {
            assert!(!is_day(bad), "{bad}");
        }
    }
}
