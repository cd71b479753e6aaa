//! Looking around a query's hits rather than down their ranking: how they spread over time
//! ([`Trend`]), over outlets, reporters, years and folders ([`Facets`]), the passages around
//! one hit ([`Context`]), and what the index holds ([`Stats`]).
//!
//! Counts come from fast fields (article, path, date) over every matching passage, so they
//! cost a pass over the matches, not a load of their documents; only outlets and reporters
//! are stored fields, read once per matching article, in index order. Every answer is read
//! from one snapshot of the index, so an update committed meanwhile never shows half.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;
use tantivy::collector::{Collector, Count, DocSetCollector, SegmentCollector};
use tantivy::columnar::{Column, StrColumn};
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
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

/// A matching passage, by the keys the counts need: indexes into its segment's tables.
struct Match {
    article: u32,
    folder: u32,
    day: Option<i64>,
}

/// The matches of one segment, with the article keys and folders they point to and, per
/// article, the first matching document (for its outlet and reporter).
struct SegmentMatches {
    segment: SegmentOrdinal,
    matches: Vec<Match>,
    articles: Vec<(String, DocId)>,
    folders: Vec<String>,
}

/// Collects [`SegmentMatches`].
struct Keys;

struct SegmentKeys {
    segment: SegmentOrdinal,
    article: StrColumn,
    path: StrColumn,
    date: Column<i64>,
    matches: Vec<Match>,
    article_ords: HashMap<u64, u32>,
    articles: Vec<(u64, DocId)>,
    path_ords: HashMap<u64, u32>,
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
        Ok(SegmentKeys {
            segment,
            article: str_column(reader, "article")?,
            path: str_column(reader, "path")?,
            date: reader.fast_fields().i64("date_num")?,
            matches: Vec::new(),
            article_ords: HashMap::new(),
            articles: Vec::new(),
            path_ords: HashMap::new(),
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
        let a_ord = self.article.term_ords(doc).next().unwrap_or(u64::MAX);
        let next = self.articles.len() as u32;
        let article = *self.article_ords.entry(a_ord).or_insert(next);
        if article == next {
            self.articles.push((a_ord, doc));
        }
        let p_ord = self.path.term_ords(doc).next().unwrap_or(u64::MAX);
        let next = self.path_ords.len() as u32;
        let folder = *self.path_ords.entry(p_ord).or_insert(next);
        self.matches.push(Match {
            article,
            folder,
            day: self.date.first(doc),
        });
    }

    fn harvest(self) -> SegmentMatches {
        let text = |column: &StrColumn, ord: u64| {
            let mut s = String::new();
            if ord != u64::MAX {
                // An ord from the column itself: reading it back cannot miss.
                let _ = column.ord_to_str(ord, &mut s);
            }
            s
        };
        let articles = self
            .articles
            .iter()
            .map(|&(ord, doc)| (text(&self.article, ord), doc))
            .collect();
        let mut folders = vec![String::new(); self.path_ords.len()];
        for (&ord, &i) in &self.path_ords {
            folders[i as usize] = folder_of(&text(&self.path, ord)).to_string();
        }
        SegmentMatches {
            segment: self.segment,
            matches: self.matches,
            articles,
            folders,
        }
    }
}

/// The folder of a file path (`/a/b/c.txt` → `/a/b`); empty for a bare file name.
fn folder_of(path: &str) -> &str {
    match path.rfind('/') {
        Some(0) => "/",
        Some(i) => &path[..i],
        None => "",
    }
}

/// Tallies of passages and distinct articles per key.
#[derive(Default)]
struct Tally<K: Ord> {
    counts: BTreeMap<K, (usize, HashSet<u32>)>,
}

impl<K: Ord> Tally<K> {
    fn add(&mut self, key: K, article: u32) {
        let entry = self.counts.entry(key).or_default();
        entry.0 += 1;
        entry.1.insert(article);
    }

    fn into_counts(self) -> impl Iterator<Item = (K, Counts)> {
        self.counts.into_iter().map(|(k, (hits, articles))| {
            (
                k,
                Counts {
                    hits,
                    articles: articles.len(),
                },
            )
        })
    }

    /// The [`FACET_ENTRIES`] keys with most articles, then most hits, then by key.
    fn top(self) -> Vec<FacetValue>
    where
        K: Into<String>,
    {
        let mut all: Vec<FacetValue> = self
            .into_counts()
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

/// Every match of a query, its articles numbered across segments.
struct AllMatches {
    segments: Vec<SegmentMatches>,
    /// Per segment, its article tables' global numbers.
    global: Vec<Vec<u32>>,
    /// Articles across segments.
    articles: usize,
}

impl AllMatches {
    fn each(&self) -> impl Iterator<Item = (&SegmentMatches, &Match, u32)> {
        self.segments
            .iter()
            .zip(&self.global)
            .flat_map(|(s, g)| s.matches.iter().map(move |m| (s, m, g[m.article as usize])))
    }

    fn hits(&self) -> usize {
        self.segments.iter().map(|s| s.matches.len()).sum()
    }
}

impl Searcher {
    /// Every passage that matches, by article, folder and day, read from one snapshot.
    fn matches(
        &self,
        searcher: &tantivy::Searcher,
        compiled: &Compiled,
        options: &SearchOptions,
    ) -> Result<AllMatches> {
        let query = self.filtered(compiled, options);
        let segments = searcher
            .search(&*query, &Keys)
            .map_err(|e| Error::tantivy(&self.index().path, e))?;
        let mut numbers: HashMap<&str, u32> = HashMap::new();
        let global = segments
            .iter()
            .map(|s| {
                s.articles
                    .iter()
                    .map(|(key, _)| {
                        let next = numbers.len() as u32;
                        *numbers.entry(key.as_str()).or_insert(next)
                    })
                    .collect()
            })
            .collect();
        let articles = numbers.len();
        Ok(AllMatches {
            segments,
            global,
            articles,
        })
    }

    /// How a query's hits spread over time, `by` day, month or year.
    pub fn trend(&self, compiled: &Compiled, options: &SearchOptions, by: Period) -> Result<Trend> {
        let searcher = self.tantivy_searcher();
        let all = self.matches(&searcher, compiled, options)?;
        let mut periods: Tally<String> = Tally::default();
        let mut undated: Tally<()> = Tally::default();
        for (_, m, article) in all.each() {
            match m.day {
                Some(day) => periods.add(by.of(day), article),
                None => undated.add((), article),
            }
        }
        Ok(Trend {
            by,
            buckets: periods
                .into_counts()
                .map(|(period, counts)| Bucket { period, counts })
                .collect(),
            undated: undated
                .into_counts()
                .next()
                .map(|(_, c)| c)
                .unwrap_or_default(),
        })
    }

    /// A query's hits counted by outlet, reporter, year and folder.
    pub fn facets(&self, compiled: &Compiled, options: &SearchOptions) -> Result<Facets> {
        let searcher = self.tantivy_searcher();
        let all = self.matches(&searcher, compiled, options)?;
        let f = &self.index().fields;
        // Outlet and reporter are stored fields: read once per article, in index order.
        let mut bylines: HashMap<u32, (String, String)> = HashMap::new();
        for (s, g) in all.segments.iter().zip(&all.global) {
            for ((_, doc), &n) in s.articles.iter().zip(g) {
                if bylines.contains_key(&n) {
                    continue;
                }
                let stored: tantivy::TantivyDocument = searcher
                    .doc(DocAddress::new(s.segment, *doc))
                    .map_err(|e| Error::tantivy(&self.index().path, e))?;
                let text = |field| {
                    stored
                        .get_first(field)
                        .and_then(|v| v.as_str())
                        .unwrap_or_default()
                        .to_string()
                };
                bylines.insert(n, (text(f.source), text(f.author)));
            }
        }
        let (mut source, mut author, mut year, mut folder) = (
            Tally::<String>::default(),
            Tally::<String>::default(),
            Tally::<String>::default(),
            Tally::<String>::default(),
        );
        for (s, m, article) in all.each() {
            if let Some((src, by)) = bylines.get(&article) {
                source.add(src.clone(), article);
                author.add(by.clone(), article);
            }
            if let Some(day) = m.day {
                year.add(Period::Year.of(day), article);
            }
            folder.add(s.folders[m.folder as usize].clone(), article);
        }
        Ok(Facets {
            total: all.hits(),
            articles: all.articles,
            source: source.top(),
            author: author.top(),
            year: year.top(),
            folder: folder.top(),
        })
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
                Some(m) => snippet::highlights(&ko.analyzer, &body, m),
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
