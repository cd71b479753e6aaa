//! Looking around a query's hits rather than down their ranking: how they spread over time
//! ([`Trend`]), over outlets, reporters, years and folders ([`Facets`]), the passages around
//! one hit ([`Context`]), and what the index holds ([`Stats`]).
//!
//! Counts come from fast fields: one pass over the matching passages gathers their articles
//! and how many passages of each match (an article's passages share its date, file and
//! byline), then each article's date and folder are read once. Outlets and reporters are
//! stored fields, read once per article and segment and kept (segments never change). Every
//! answer is read from one snapshot of the index, so an update committed meanwhile never
//! shows half.

use std::collections::{BTreeMap, HashMap};
use std::sync::Mutex;

use serde::Serialize;
use tantivy::collector::{Collector, Count, DocSetCollector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
use tantivy::index::SegmentId;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, Value};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader, Term};

use super::compile::Compiled;
use super::execute::Searcher;
use super::hits::SearchOptions;
use super::snippet;
use crate::error::{Error, Result};
use crate::index::schema::{KIND_FILE, KIND_PASSAGE};

/// Entries kept per facet.
pub const FACET_ENTRIES: usize = 20;

/// How finely [`Trend`] counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Period {
    /// `YYYY-MM-DD`.
    Day,
    /// `YYYY-MM`.
    Month,
    /// `YYYY`.
    Year,
}

impl Period {
    /// The period of a `YYYYMMDD` day.
    fn of(self, day: i64) -> String {
        let (y, m, d) = (day / 10000, day / 100 % 100, day % 100);
        match self {
            Period::Day => format!("{y:04}-{m:02}-{d:02}"),
            Period::Month => format!("{y:04}-{m:02}"),
            Period::Year => format!("{y:04}"),
        }
    }
}

/// Passages and distinct articles.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Matching passages.
    pub hits: usize,
    /// Articles with at least one of them.
    pub articles: usize,
}

/// One period of a [`Trend`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Bucket {
    /// `YYYY-MM-DD`, `YYYY-MM` or `YYYY`.
    pub period: String,
    /// What matched in it.
    #[serde(flatten)]
    pub counts: Counts,
}

/// A query's hits per period, oldest first; periods with no hit are left out.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Trend {
    /// The periods counted.
    pub by: Period,
    /// The periods with hits.
    pub buckets: Vec<Bucket>,
    /// Hits in articles with no date.
    pub undated: Counts,
}

/// One value of a facet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FacetValue {
    /// The outlet, reporter, year or folder.
    pub value: String,
    /// What matched with it.
    #[serde(flatten)]
    pub counts: Counts,
}

/// A query's hits counted by outlet, reporter, year and folder: the [`FACET_ENTRIES`] values
/// with the most articles each (ties by value), articles with no such value left out.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Facets {
    /// Matching passages.
    pub total: usize,
    /// Matching articles.
    pub articles: usize,
    /// By outlet.
    pub source: Vec<FacetValue>,
    /// By reporter.
    pub author: Vec<FacetValue>,
    /// By year of publication.
    pub year: Vec<FacetValue>,
    /// By the folder that holds the file.
    pub folder: Vec<FacetValue>,
}

/// One passage of a [`Context`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContextPassage {
    /// 0-based passage number.
    pub passage: u64,
    /// Its text.
    pub text: String,
    /// The 1-based page where it starts (PDF).
    pub page: Option<u64>,
    /// Byte ranges in `text` of the query's words.
    pub highlights: Vec<(usize, usize)>,
}

/// The passages around one passage of an article.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Context {
    /// The article's id.
    pub id: String,
    /// Its file.
    pub path: String,
    /// Headline.
    pub title: String,
    /// Publication date.
    pub date: Option<String>,
    /// Outlet.
    pub source: Option<String>,
    /// Reporter.
    pub author: Option<String>,
    /// URL.
    pub url: Option<String>,
    /// Passages in the article.
    pub passages: u64,
    /// The passage asked about.
    pub passage: u64,
    /// It and its neighbours, in order.
    pub items: Vec<ContextPassage>,
}

/// What an index holds.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Stats {
    /// Articles.
    pub articles: usize,
    /// Passages.
    pub passages: usize,
    /// Files read.
    pub files: usize,
}

/// The matching passages of one article, as one segment holds them.
struct Found {
    /// The article's ord in the segment's `article` column.
    ord: u64,
    /// Its first matching passage.
    doc: DocId,
    /// How many of its passages match.
    hits: u32,
}

/// Collects, per segment, every article with matching passages and how many match: one
/// column read and one array slot per matching passage, the rest once per article.
struct Keys;

struct SegmentKeys {
    segment: SegmentOrdinal,
    article: StrColumn,
    /// Per article ord, its index in `found` (`u32::MAX`: none yet).
    slot: Vec<u32>,
    found: Vec<Found>,
}

/// One segment's articles with their keys.
struct SegmentMatches {
    segment: SegmentOrdinal,
    found: Vec<Found>,
    keys: Vec<String>,
}

fn str_column(segment: &SegmentReader, name: &str) -> tantivy::Result<StrColumn> {
    segment.fast_fields().str(name)?.ok_or_else(|| {
        tantivy::TantivyError::SchemaError(format!("{name} is not a fast text field"))
    })
}

impl Collector for Keys {
    type Fruit = Vec<SegmentMatches>;
    type Child = SegmentKeys;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        reader: &SegmentReader,
    ) -> tantivy::Result<SegmentKeys> {
        let article = str_column(reader, "article")?;
        Ok(SegmentKeys {
            segment,
            slot: vec![u32::MAX; article.num_terms()],
            article,
            found: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        false
    }

    fn merge_fruits(&self, fruits: Vec<SegmentMatches>) -> tantivy::Result<Vec<SegmentMatches>> {
        Ok(fruits)
    }
}

impl SegmentCollector for SegmentKeys {
    type Fruit = SegmentMatches;

    fn collect(&mut self, doc: DocId, _score: Score) {
        let Some(ord) = self.article.term_ords(doc).next() else {
            return;
        };
        let Some(slot) = self.slot.get_mut(ord as usize) else {
            return;
        };
        if *slot == u32::MAX {
            *slot = self.found.len() as u32;
            self.found.push(Found { ord, doc, hits: 0 });
        }
        self.found[*slot as usize].hits += 1;
    }

    fn harvest(self) -> SegmentMatches {
        let ords: Vec<u64> = self.found.iter().map(|f| f.ord).collect();
        let keys = terms_of(&self.article, &ords);
        SegmentMatches {
            segment: self.segment,
            found: self.found,
            keys,
        }
    }
}

/// The terms of `ords` in a text column, in the order given: read in one pass over its
/// dictionary in ord order (looking each up alone costs a block search apiece).
fn terms_of(column: &StrColumn, ords: &[u64]) -> Vec<String> {
    let mut order: Vec<usize> = (0..ords.len()).collect();
    order.sort_by_key(|&i| ords[i]);
    let mut sorted: Vec<u64> = order.iter().map(|&i| ords[i]).collect();
    sorted.dedup();
    let mut terms = Vec::with_capacity(sorted.len());
    // Ords from the column itself: reading them back cannot miss.
    let _ = column.dictionary().sorted_ords_to_term_cb(&sorted, |t| {
        terms.push(String::from_utf8_lossy(t).into_owned())
    });
    let mut out = vec![String::new(); ords.len()];
    let mut at = 0;
    for &i in &order {
        while at < sorted.len() && sorted[at] < ords[i] {
            at += 1;
        }
        if let Some(t) = terms.get(at) {
            out[i].clone_from(t);
        }
    }
    out
}

/// The folder of a file path (`/a/b/c.txt` → `/a/b`); empty for a bare file name.
fn folder_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => "",
    }
}

/// Tallies of passages and articles per key.
struct Tally<K: Ord>(BTreeMap<K, Counts>);

impl<K: Ord> Default for Tally<K> {
    fn default() -> Self {
        Tally(BTreeMap::new())
    }
}

impl<K: Ord> Tally<K> {
    /// Counts an article with `hits` matching passages under `key`.
    fn add(&mut self, key: K, hits: usize) {
        let counts = self.0.entry(key).or_default();
        counts.hits += hits;
        counts.articles += 1;
    }

    /// The [`FACET_ENTRIES`] keys with most articles, then most hits, then by key.
    fn top(self) -> Vec<FacetValue>
    where
        K: Into<String>,
    {
        let mut all: Vec<FacetValue> = self
            .0
            .into_iter()
            .map(|(k, counts)| FacetValue {
                value: k.into(),
                counts,
            })
            .filter(|f| !f.value.is_empty())
            .collect();
        all.sort_by(|a, b| {
            b.counts
                .articles
                .cmp(&a.counts.articles)
                .then(b.counts.hits.cmp(&a.counts.hits))
                .then_with(|| a.value.cmp(&b.value))
        });
        all.truncate(FACET_ENTRIES);
        all
    }
}

/// An article with matching passages, across segments.
struct Article {
    /// Matching passages.
    hits: usize,
    /// Where its first matching passage is.
    addr: DocAddress,
    /// Its `article` ord in that segment.
    ord: u64,
}

/// Outlets and reporters of articles already read, by segment and article ord: they are
/// stored fields, and a segment never changes, so each is read once per segment.
#[derive(Default)]
pub(super) struct Bylines(Mutex<HashMap<(SegmentId, u64), (String, String)>>);

/// Articles whose bylines are kept; past this the cache starts again.
const BYLINES_KEPT: usize = 1 << 20;

impl Searcher {
    /// Every article with passages that match, read from one snapshot.
    fn articles(
        &self,
        searcher: &tantivy::Searcher,
        compiled: &Compiled,
        options: &SearchOptions,
    ) -> Result<Vec<Article>> {
        let query = self.filtered(compiled, options);
        let segments = searcher
            .search(&*query, &Keys)
            .map_err(|e| Error::tantivy(&self.index().path, e))?;
        let mut out: Vec<Article> = Vec::new();
        let mut seen: HashMap<String, usize> = HashMap::new();
        for s in segments {
            for (f, key) in s.found.into_iter().zip(s.keys) {
                // An article is written whole in one segment; an update may leave a copy
                // in another until the merge, which counts as the same article.
                match seen.entry(key) {
                    std::collections::hash_map::Entry::Occupied(e) => {
                        out[*e.get()].hits += f.hits as usize;
                    }
                    std::collections::hash_map::Entry::Vacant(v) => {
                        v.insert(out.len());
                        out.push(Article {
                            hits: f.hits as usize,
                            addr: DocAddress::new(s.segment, f.doc),
                            ord: f.ord,
                        });
                    }
                }
            }
        }
        Ok(out)
    }

    /// The day of each article (`YYYYMMDD`), from its first matching passage.
    fn days(&self, searcher: &tantivy::Searcher, articles: &[Article]) -> Result<Vec<Option<i64>>> {
        let mut columns: HashMap<SegmentOrdinal, Column<i64>> = HashMap::new();
        articles
            .iter()
            .map(|a| {
                let column = match columns.entry(a.addr.segment_ord) {
                    std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                    std::collections::hash_map::Entry::Vacant(v) => v.insert(
                        searcher
                            .segment_reader(a.addr.segment_ord)
                            .fast_fields()
                            .i64("date_num")
                            .map_err(|e| Error::tantivy(&self.index().path, e))?,
                    ),
                };
                Ok(column.first(a.addr.doc_id))
            })
            .collect()
    }

    /// How a query's hits spread over time, `by` day, month or year.
    pub fn trend(&self, compiled: &Compiled, options: &SearchOptions, by: Period) -> Result<Trend> {
        let searcher = self.tantivy_searcher();
        let articles = self.articles(&searcher, compiled, options)?;
        let days = self.days(&searcher, &articles)?;
        let mut periods: Tally<String> = Tally::default();
        let mut undated = Counts::default();
        for (a, day) in articles.iter().zip(days) {
            match day {
                Some(day) => periods.add(by.of(day), a.hits),
                None => {
                    undated.hits += a.hits;
                    undated.articles += 1;
                }
            }
        }
        Ok(Trend {
            by,
            buckets: periods
                .0
                .into_iter()
                .map(|(period, counts)| Bucket { period, counts })
                .collect(),
            undated,
        })
    }

    /// A query's hits counted by outlet, reporter, year and folder.
    pub fn facets(&self, compiled: &Compiled, options: &SearchOptions) -> Result<Facets> {
        let searcher = self.tantivy_searcher();
        let articles = self.articles(&searcher, compiled, options)?;
        let days = self.days(&searcher, &articles)?;
        let bylines = self.bylines(&searcher, &articles)?;
        let ko = self.index();
        let (mut source, mut author, mut year, mut folder) = (
            Tally::<String>::default(),
            Tally::<String>::default(),
            Tally::<String>::default(),
            Tally::<String>::default(),
        );
        for ((a, day), (src, by)) in articles.iter().zip(days).zip(bylines) {
            source.add(src, a.hits);
            author.add(by, a.hits);
            if let Some(day) = day {
                year.add(Period::Year.of(day), a.hits);
            }
        }
        // Folders: each segment's paths read in one pass over its dictionary.
        let mut by_segment: BTreeMap<SegmentOrdinal, Vec<&Article>> = BTreeMap::new();
        for a in &articles {
            by_segment.entry(a.addr.segment_ord).or_default().push(a);
        }
        for (segment, list) in by_segment {
            let column = str_column(searcher.segment_reader(segment), "path")
                .map_err(|e| Error::tantivy(&ko.path, e))?;
            let ords: Vec<u64> = list
                .iter()
                .map(|a| column.term_ords(a.addr.doc_id).next().unwrap_or(0))
                .collect();
            for (a, path) in list.iter().zip(terms_of(&column, &ords)) {
                folder.add(folder_of(&path).to_string(), a.hits);
            }
        }
        Ok(Facets {
            total: articles.iter().map(|a| a.hits).sum(),
            articles: articles.len(),
            source: source.top(),
            author: author.top(),
            year: year.top(),
            folder: folder.top(),
        })
    }

    /// The outlet and reporter of each article: from the cache, else from its first matching
    /// passage's stored fields, read in index order.
    fn bylines(
        &self,
        searcher: &tantivy::Searcher,
        articles: &[Article],
    ) -> Result<Vec<(String, String)>> {
        let ko = self.index();
        let id = |a: &Article| {
            (
                searcher.segment_reader(a.addr.segment_ord).segment_id(),
                a.ord,
            )
        };
        let mut out = vec![(String::new(), String::new()); articles.len()];
        let mut missing = Vec::new();
        {
            let cache = self.bylines.0.lock().unwrap_or_else(|e| e.into_inner());
            for (i, a) in articles.iter().enumerate() {
                match cache.get(&id(a)) {
                    Some(b) => out[i] = b.clone(),
                    None => missing.push(i),
                }
            }
        }
        missing.sort_by_key(|&i| articles[i].addr);
        let mut read = Vec::with_capacity(missing.len());
        for &i in &missing {
            let doc: tantivy::TantivyDocument = searcher
                .doc(articles[i].addr)
                .map_err(|e| Error::tantivy(&ko.path, e))?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            out[i] = (text(ko.fields.source), text(ko.fields.author));
            read.push((id(&articles[i]), out[i].clone()));
        }
        let mut cache = self.bylines.0.lock().unwrap_or_else(|e| e.into_inner());
        if cache.len() + read.len() > BYLINES_KEPT {
            cache.clear();
        }
        cache.extend(read);
        Ok(out)
    }

    /// Passage `passage` of the article with this id (and this file, when ids repeat across
    /// files) with `around` passages either side, the words of `compiled` marked. `None` when
    /// there is no such article or passage.
    pub fn context(
        &self,
        id: &str,
        path: Option<&str>,
        passage: u64,
        around: u64,
        compiled: Option<&Compiled>,
    ) -> Result<Option<Context>> {
        let searcher = self.tantivy_searcher();
        let ko = self.index();
        let f = &ko.fields;
        let err = |e| Error::tantivy(&ko.path, e);
        let query = TermQuery::new(Term::from_field_text(f.id, id), IndexRecordOption::Basic);
        let mut docs: Vec<DocAddress> = searcher
            .search(&query, &DocSetCollector)
            .map_err(err)?
            .into_iter()
            .collect();
        docs.sort();
        // The article's key and every passage number, from fast fields.
        let mut found: Vec<(String, String, u64, DocAddress)> = Vec::with_capacity(docs.len());
        let mut columns: HashMap<SegmentOrdinal, (StrColumn, StrColumn, Column<u64>)> =
            HashMap::new();
        for addr in docs {
            let segment = searcher.segment_reader(addr.segment_ord);
            let (article, file, number) = match columns.entry(addr.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => v.insert((
                    str_column(segment, "article").map_err(err)?,
                    str_column(segment, "path").map_err(err)?,
                    segment.fast_fields().u64("passage").map_err(err)?,
                )),
            };
            let read = |column: &StrColumn| -> Result<String> {
                let mut s = String::new();
                if let Some(ord) = column.term_ords(addr.doc_id).next() {
                    column
                        .ord_to_str(ord, &mut s)
                        .map_err(|e| Error::io(&ko.path, e))?;
                }
                Ok(s)
            };
            let (key, file) = (read(article)?, read(file)?);
            if path.is_some_and(|p| p != file) {
                continue;
            }
            let Some(n) = number.first(addr.doc_id) else {
                continue;
            };
            found.push((key, file, n, addr));
        }
        // Ids that repeat across articles: the first article by key.
        let Some(first) = found.iter().map(|(k, ..)| k.clone()).min() else {
            return Ok(None);
        };
        found.retain(|(k, ..)| *k == first);
        if !found.iter().any(|&(_, _, n, _)| n == passage) {
            return Ok(None);
        }
        found.retain(|&(_, _, n, _)| n.abs_diff(passage) <= around);
        found.sort_by_key(|&(_, _, n, _)| n);
        let marks = compiled.map(|c| c.marks());
        let mut context: Option<Context> = None;
        for (_, _, n, addr) in found {
            let doc: tantivy::TantivyDocument = searcher.doc(addr).map_err(err)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .map(str::to_string)
            };
            let body = text(f.text).unwrap_or_default();
            let highlights = match &marks {
                Some(m) => {
                    let table = super::hits::token_table(&doc, f);
                    snippet::highlights(&ko.analyzer, &body, table.as_deref(), m)
                }
                None => Vec::new(),
            };
            let c = context.get_or_insert_with(|| Context {
                id: id.to_string(),
                path: text(f.path).unwrap_or_default(),
                title: text(f.title).unwrap_or_default(),
                date: text(f.date),
                source: text(f.source),
                author: text(f.author),
                url: text(f.url),
                passages: doc
                    .get_first(f.passages)
                    .and_then(|v| v.as_u64())
                    .unwrap_or(0),
                passage,
                items: Vec::new(),
            });
            c.items.push(ContextPassage {
                passage: n,
                text: body,
                page: doc.get_first(f.page).and_then(|v| v.as_u64()),
                highlights,
            });
        }
        Ok(context)
    }

    /// How many articles, passages and files the index holds.
    pub fn stats(&self) -> Result<Stats> {
        let searcher = self.tantivy_searcher();
        let ko = self.index();
        let err = |e| Error::tantivy(&ko.path, e);
        let kind = |k: &str| {
            TermQuery::new(
                Term::from_field_text(ko.fields.kind, k),
                IndexRecordOption::Basic,
            )
        };
        let passages = kind(KIND_PASSAGE);
        let firsts =
            tantivy::collector::FilterCollector::new("passage".to_string(), |n: u64| n == 0, Count);
        Ok(Stats {
            articles: searcher.search(&passages, &firsts).map_err(err)?,
            passages: searcher.search(&passages, &Count).map_err(err)?,
            files: searcher.search(&kind(KIND_FILE), &Count).map_err(err)?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn periods_and_folders() {
        assert_eq!(Period::Day.of(20260305), "2026-03-05");
        assert_eq!(Period::Month.of(20260305), "2026-03");
        assert_eq!(Period::Year.of(20260305), "2026");
        assert_eq!(folder_of("/a/b/c.txt"), "/a/b");
        assert_eq!(folder_of("/c.txt"), "/");
        assert_eq!(folder_of("c.txt"), "");
    }

    #[test]
    fn facets_rank_by_articles_then_hits_then_value() {
        let mut t = Tally::<String>::default();
        for (value, hits) in [
            ("나", 5),
            ("가", 1),
            ("가", 1),
            ("다", 2),
            ("다", 1),
            ("", 9),
        ] {
            t.add(value.to_string(), hits);
        }
        let top: Vec<(String, usize, usize)> = t
            .top()
            .into_iter()
            .map(|f| (f.value, f.counts.articles, f.counts.hits))
            .collect();
        // No value (an article without an outlet) is not a facet.
        assert_eq!(
            top,
            [
                ("다".into(), 2, 3),
                ("가".into(), 2, 2),
                ("나".into(), 1, 5)
            ]
        );
        let mut many = Tally::<String>::default();
        for i in 0..FACET_ENTRIES + 5 {
            many.add(format!("{i:02}"), 1);
        }
        assert_eq!(many.top().len(), FACET_ENTRIES);
    }
}
