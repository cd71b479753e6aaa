//! Running a compiled query on one index: the hits ranked (score, then article and passage,
//! so the order is the same on every run and every layout of the index; ties at a page's
//! cut-off through [`ties`]), capped per article, paged, and only the page's
//! documents loaded, with their highlights ([`snippet`]).

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock};

use tantivy::collector::{Count, TopDocs};
use tantivy::columnar::{Column, StrColumn};
use tantivy::query::{BooleanQuery, Occur as TOccur, Query, RangeQuery};
use tantivy::{DocAddress, IndexReader, Term};

use super::compile::{self, Compiled};
use super::hits::{Hit, Results, SearchOptions};
use super::query::Node;
use super::synonyms::Synonyms;
use super::{bm25, prune, snippet, ties};
use crate::error::{Error, Result};
use crate::index::schema::{KIND_FILE, KIND_PASSAGE};
use crate::index::{KoIndex, retry_on_newer_commit};

/// Searches one index. One searcher serves many threads: each search reads one snapshot of
/// the index, and [`Searcher::reload`] moves it to the last commit.
pub struct Searcher {
    ko: KoIndex,
    reader: IndexReader,
    synonyms: RwLock<Arc<Synonyms>>,
    /// The opstamp of the commit read.
    opstamp: AtomicU64,
    /// Outlets and reporters read for facets.
    pub(super) bylines: super::browse::Bylines,
}

impl std::fmt::Debug for Searcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Searcher").field("index", &self.ko).finish()
    }
}

/// Each segment's `article` and `passage` fast-field columns, opened once per ranking.
type KeyColumns = HashMap<u32, (StrColumn, Column<u64>)>;

/// A hit before its document is loaded: what ranking and the per-article cap need.
struct Ranked {
    score: f32,
    addr: DocAddress,
    /// The article's key, read only where it decides something: between hits of equal
    /// score, and for the per-article cap. (Each read decompresses a block of the column's
    /// dictionary.)
    article: Option<String>,
    /// The article's ordinal in its segment's `article` column.
    article_ord: Option<u64>,
    passage: u64,
}

impl Searcher {
    /// A searcher over the last commit of `ko`.
    pub fn new(ko: KoIndex) -> Result<Searcher> {
        let (opstamp, reader) = retry_on_newer_commit(&ko.index, &ko.path, || {
            Ok((ko.commit_opstamp()?, ko.reader()?))
        })?;
        Ok(Searcher {
            ko,
            reader,
            synonyms: RwLock::default(),
            opstamp: AtomicU64::new(opstamp),
            bylines: Default::default(),
        })
    }

    /// Expands query words with these synonyms (none by default).
    pub fn set_synonyms(&self, synonyms: Synonyms) {
        *self.synonyms.write().unwrap_or_else(|e| e.into_inner()) = Arc::new(synonyms);
    }

    /// Moves to the index's last commit, if it is not the one read. Returns whether it moved.
    /// Searches under way finish on the snapshot they started with. An index rebuilt with
    /// another analyser, dictionary or schema is not moved to (an error): the snapshot read
    /// stays.
    pub fn reload(&self) -> Result<bool> {
        let opstamp = self.ko.commit_opstamp()?;
        if opstamp == self.opstamp.load(Ordering::Acquire) {
            return Ok(false);
        }
        // Rebuilt in place (`index --rebuild`) with another analyser: not readable with ours.
        self.ko.same_build()?;
        retry_on_newer_commit(&self.ko.index, &self.ko.path, || {
            self.reader
                .reload()
                .map_err(|e| Error::tantivy(&self.ko.path, e))
        })?;
        self.opstamp.store(opstamp, Ordering::Release);
        Ok(true)
    }

    /// The synonyms and aliases query words are expanded with.
    pub fn synonyms(&self) -> Arc<Synonyms> {
        self.synonyms
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone()
    }

    /// Every live passage of the index in the index's order, `batch` at a time, each read
    /// from its stored fields (score 0, rank its place in that order, no highlights). Returns
    /// how many were handed over.
    pub fn each_passage(
        &self,
        batch: usize,
        mut f: impl FnMut(Vec<Hit>) -> Result<()>,
    ) -> Result<usize> {
        let searcher = self.reader.searcher();
        let err = |e| Error::tantivy(&self.ko.path, e);
        let kind = Term::from_field_text(self.ko.fields.kind, KIND_PASSAGE);
        let mut hits = Vec::with_capacity(batch);
        let mut n = 0;
        for (ord, segment) in searcher.segment_readers().iter().enumerate() {
            let index = segment.inverted_index(kind.field()).map_err(err)?;
            let Some(mut docs) = index
                .read_postings(&kind, tantivy::schema::IndexRecordOption::Basic)
                .map_err(|e| Error::io(&self.ko.path, e))?
            else {
                continue;
            };
            let alive = segment.alive_bitset();
            use tantivy::DocSet;
            while docs.doc() != tantivy::TERMINATED {
                let doc = docs.doc();
                docs.advance();
                if alive.is_some_and(|a| a.is_deleted(doc)) {
                    continue;
                }
                let mut h = self.hit(&searcher, 0.0, DocAddress::new(ord as u32, doc))?;
                n += 1;
                h.rank = n;
                hits.push(h);
                if hits.len() == batch {
                    f(std::mem::replace(&mut hits, Vec::with_capacity(batch)))?;
                }
            }
        }
        if !hits.is_empty() {
            f(hits)?;
        }
        Ok(n)
    }

    /// The snapshot of the index a search reads.
    pub(super) fn tantivy_searcher(&self) -> tantivy::Searcher {
        self.reader.searcher()
    }

    /// The index searched.
    pub fn index(&self) -> &KoIndex {
        &self.ko
    }

    /// Turns a parsed query into a tantivy query. `None` when no word of it yields a term
    /// (a query of particles only).
    pub fn compile(&self, node: &Node) -> Option<Compiled> {
        let synonyms = self
            .synonyms
            .read()
            .unwrap_or_else(|e| e.into_inner())
            .clone();
        compile::compile(&self.ko, self.reader.searcher(), &synonyms, node)
    }

    /// Runs a compiled query: the page of hits `options` asks for, and the total.
    pub fn run(&self, compiled: &Compiled, options: &SearchOptions) -> Result<Results> {
        let searcher = self.reader.searcher();
        let (total, ranked) = self.ranked(
            &searcher,
            compiled,
            options,
            Some(options.offset.saturating_add(options.limit)),
        )?;
        let start = options.offset.min(ranked.len());
        let end = options
            .offset
            .saturating_add(options.limit)
            .min(ranked.len());
        let marks = options.highlights.then(|| compiled.marks());
        let hits = self.load(&searcher, marks.as_deref(), &ranked[start..end], start)?;
        Ok(Results { total, hits })
    }

    /// Every hit from `options.offset` on (at most `limit`, or all when `limit` is `None`),
    /// in rank order, handed to `f` one at a time: only the ranking keys of all hits are held,
    /// never their documents. Returns how many were handed over.
    pub fn for_each(
        &self,
        compiled: &Compiled,
        options: &SearchOptions,
        limit: Option<usize>,
        mut f: impl FnMut(Hit) -> Result<()>,
    ) -> Result<usize> {
        let searcher = self.reader.searcher();
        let wanted = limit.map(|l| options.offset.saturating_add(l));
        let (_, ranked) = self.ranked(&searcher, compiled, options, wanted)?;
        let end = limit.map_or(ranked.len(), |l| {
            options.offset.saturating_add(l).min(ranked.len())
        });
        let start = options.offset.min(end);
        let marks = options.highlights.then(|| compiled.marks());
        let mut n = 0;
        // A batch at a time: its documents read in order, then its highlights.
        for (b, batch) in ranked[start..end].chunks(256).enumerate() {
            for h in self.load(&searcher, marks.as_deref(), batch, start + b * 256)? {
                f(h)?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// The hits of `ranked`, the first at rank `before + 1`: their documents, read in order,
    /// and, given the terms to mark ([`Compiled::marks`]), their highlights, from the token
    /// tables stored with the passages.
    fn load(
        &self,
        searcher: &tantivy::Searcher,
        marks: Option<&BTreeSet<String>>,
        ranked: &[Ranked],
        before: usize,
    ) -> Result<Vec<Hit>> {
        let mut hits = Vec::with_capacity(ranked.len());
        for (i, r) in ranked.iter().enumerate() {
            let mut h = self.hit(searcher, r.score, r.addr)?;
            h.rank = before + i + 1;
            hits.push(h);
        }
        if let Some(marks) = marks {
            // Every passage of a schema-6 index has its token table: no analysis here.
            for h in &mut hits {
                let table = h.tokens.as_deref();
                h.highlights = snippet::highlights(&self.ko.analyzer, &h.text, table, marks);
            }
        }
        Ok(hits)
    }

    /// The query with the date filter applied.
    pub(super) fn filtered(&self, compiled: &Compiled, options: &SearchOptions) -> Box<dyn Query> {
        let f = &self.ko.fields;
        if options.since.is_none() && options.until.is_none() {
            return compiled.query.box_clone();
        }
        let bound = |d: Option<i64>| match d {
            Some(d) => Bound::Included(Term::from_field_i64(f.date_num, d)),
            None => Bound::Unbounded,
        };
        let range = RangeQuery::new(bound(options.since), bound(options.until));
        Box::new(BooleanQuery::new(vec![
            (TOccur::Must, compiled.query.box_clone()),
            (TOccur::Must, Box::new(range)),
        ]))
    }

    /// The first `wanted` hits (all when `None`) in rank order, capped per article, with the
    /// total number of matching passages. Keys come from fast fields; no document is loaded.
    fn ranked(
        &self,
        searcher: &tantivy::Searcher,
        compiled: &Compiled,
        options: &SearchOptions,
        wanted: Option<usize>,
    ) -> Result<(usize, Vec<Ranked>)> {
        let err = |e| Error::tantivy(&self.ko.path, e);
        let query = self.filtered(compiled, options);
        let files = Term::from_field_text(self.ko.fields.kind, KIND_FILE);
        let stats = bm25::PassageStatistics::new(searcher, &files).map_err(err)?;
        // One more than asked for, to see whether a tie crosses the cut, and every passage
        // tied with it (see `ties`).
        let with_ties = |n: usize| ties::TopWithTies(n.saturating_add(1));
        // A page: the total and the first hits in one pass over the matches. Everything: the
        // total first (a pass without scores), to know how many to rank.
        let (total, mut fetch, mut top) = match wanted {
            Some(w) => {
                // No more than the index holds: a limit is also the size of a buffer.
                let fetch = if options.per_article.is_some() {
                    w.saturating_mul(4).saturating_add(20)
                } else {
                    w
                }
                .min(searcher.num_docs() as usize);
                let (total, mut top) = match &compiled.split {
                    // Without a date filter, the bonuses of passages that cannot reach the
                    // page are not looked up (the same hits, see `prune`).
                    Some(split) if options.since.is_none() && options.until.is_none() => {
                        prune::top(searcher, &stats, split, fetch.saturating_add(1))
                    }
                    _ => searcher.search_with_statistics_provider(
                        &*query,
                        &(Count, with_ties(fetch)),
                        &stats,
                    ),
                }
                .map_err(err)?;
                ties::cut_complete(&mut top, fetch);
                (total, fetch, top)
            }
            None => {
                let total = searcher.search(&*query, &Count).map_err(err)?;
                let top = searcher
                    .search_with_statistics_provider(
                        &*query,
                        &TopDocs::with_limit(total.saturating_add(1)).order_by_score(),
                        &stats,
                    )
                    .map_err(err)?;
                (total, total, top)
            }
        };
        let mut columns = KeyColumns::new();
        loop {
            let exhausted = top.len() >= total || top.len() < fetch;
            let mut ranked = self.keys(searcher, &mut columns, top)?;
            // The article decides between equal scores, and for the cap: read it there.
            let mut scores: HashMap<u32, usize> = HashMap::new();
            for r in &ranked {
                *scores.entry(r.score.to_bits()).or_default() += 1;
            }
            let all = options.per_article.is_some();
            self.article_keys(searcher, &mut columns, &mut ranked, |r| {
                all || scores.get(&r.score.to_bits()).is_some_and(|&n| n > 1)
            })?;
            // Score, then article and passage: the same order whatever the index's layout.
            ranked.sort_by(|a, b| {
                b.score
                    .total_cmp(&a.score)
                    .then_with(|| a.article.cmp(&b.article))
                    .then_with(|| a.passage.cmp(&b.passage))
            });
            if let Some(cap) = options.per_article {
                let mut seen: HashMap<String, usize> = HashMap::new();
                ranked.retain(|r| {
                    let n = seen
                        .entry(r.article.clone().unwrap_or_default())
                        .or_default();
                    *n += 1;
                    *n <= cap
                });
            }
            if exhausted || wanted.is_none_or(|w| ranked.len() >= w) {
                return Ok((total, ranked));
            }
            fetch = (fetch * 4).min(total);
            top = searcher
                .search_with_statistics_provider(&*query, &with_ties(fetch), &stats)
                .map_err(err)?;
            ties::cut_complete(&mut top, fetch);
        }
    }

    /// The ranking keys of hits from fast fields: the passage, and the article's ordinal
    /// (its key is read by [`Searcher::article_keys`] where needed).
    fn keys(
        &self,
        searcher: &tantivy::Searcher,
        columns: &mut KeyColumns,
        top: Vec<(f32, DocAddress)>,
    ) -> Result<Vec<Ranked>> {
        let mut out = Vec::with_capacity(top.len());
        for (score, addr) in top {
            let (articles, passages) = self.key_columns(searcher, columns, addr.segment_ord)?;
            out.push(Ranked {
                score,
                addr,
                article: None,
                article_ord: articles.term_ords(addr.doc_id).next(),
                passage: passages.first(addr.doc_id).unwrap_or(0),
            });
        }
        Ok(out)
    }

    /// Reads the article key of the hits `which` accepts.
    fn article_keys(
        &self,
        searcher: &tantivy::Searcher,
        columns: &mut KeyColumns,
        ranked: &mut [Ranked],
        which: impl Fn(&Ranked) -> bool,
    ) -> Result<()> {
        for r in ranked.iter_mut().filter(|r| which(r)) {
            let mut article = String::new();
            if let Some(ord) = r.article_ord {
                let (articles, _) = self.key_columns(searcher, columns, r.addr.segment_ord)?;
                articles
                    .ord_to_str(ord, &mut article)
                    .map_err(|e| Error::io(&self.ko.path, e))?;
            }
            r.article = Some(article);
        }
        Ok(())
    }

    /// A segment's `article` and `passage` columns, opened on first use.
    fn key_columns<'c>(
        &self,
        searcher: &tantivy::Searcher,
        columns: &'c mut KeyColumns,
        segment: u32,
    ) -> Result<&'c (StrColumn, Column<u64>)> {
        let corrupt = |e: tantivy::TantivyError| Error::tantivy(&self.ko.path, e);
        Ok(match columns.entry(segment) {
            std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
            std::collections::hash_map::Entry::Vacant(v) => {
                let ff = searcher.segment_reader(segment).fast_fields();
                let articles = ff
                    .str("article")
                    .map_err(corrupt)?
                    .ok_or_else(|| Error::Schema("article is not a fast field".into()))?;
                v.insert((articles, ff.u64("passage").map_err(corrupt)?))
            }
        })
    }

    /// The hit stored at `addr`, with its score (its rank and highlights still to fill in).
    fn hit(&self, searcher: &tantivy::Searcher, score: f32, addr: DocAddress) -> Result<Hit> {
        let doc: tantivy::TantivyDocument = searcher
            .doc(addr)
            .map_err(|e| Error::tantivy(&self.ko.path, e))?;
        Ok(Hit::read(&doc, &self.ko.fields, score))
    }
}
