//! Search: query parsing ([`query`]), turning the parsed query into a tantivy query over the
//! passages, ranking, and highlights ([`snippet`]).
//!
//! How a query word becomes terms: it is analysed exactly like the text, so `GPU를` looks for
//! `gpu` and `모델들` for `모델`. A word's *finest terms* are its morphemes, with a compound
//! replaced by its parts (`소형언어모델` → 소형, 언어, 모델; [`crate::analysis::terms`]). Since the index holds a compound
//! whole *and* its parts at consecutive positions, the parts find both the compound and the
//! spaced form `소형 언어 모델`. An ordinary word matches any of its finest terms, each scored
//! like a term of its own but with the word's weight shared among them: a query word counts
//! once whether the dictionary splits it or not (`날짜` → 날, 짜 counts as one word, not two;
//! measured on KorQuAD, MRR@10 +0.002, Recall@1 +0.004, against each part at full weight);
//! a required word (`+word`), a phrase or a field value matches only
//! as the phrase of its finest terms or as the compound whole.
//!
//! Ranking: BM25 with our own `k1` ([`bm25`]: a passage answers by holding the words, not by
//! repeating them), over the passage text and the article title taken together (BM25F,
//! [`bm25::Bm25fTermQuery`]): a word's frequencies in the two fields are summed, each
//! normalised by its field's length, and saturate once, so a passage whose title already
//! holds a word gains little when its text repeats it, and what ranks the passages of one
//! article is the words their shared title does not hold. Measured on KorQuAD against the
//! text and the title scored apart and summed (title at half weight): MRR@10 0.9566 ->
//! 0.9611 alone, 0.9493 -> 0.9557 with distractors, both halves of the questions gaining
//! alike; a title weight from 0.7 to 2 gives the same within 0.0007, so it is 1 (the title
//! counts like the text). Phrases and required words, matched as phrases, add their score
//! in the title, at [`PHRASE_TITLE_WEIGHT`], to their score in the text. For each
//! pair of neighbouring query terms, passages where the two stand next to each other in that
//! order score more. Pairs are indexed as terms of their own (the `pairs` field), so a
//! pair that is rare in the collection counts for more than a common one. Passages that share
//! character bigrams with the query's words (the `bigrams` field, [`BIGRAM_WEIGHT`]) score a
//! little more too, which still rewards a name or a new word that the analyser splits
//! differently in the query and in the text (on KorQuAD, MRR@10 +0.001 alone and +0.004 with
//! distractors; Recall@1 +0.002 and +0.007). Both bonuses only reorder what the words match.
//!
//! A query word none of whose terms the index holds (a misspelling, a new coinage, a name
//! the analyser reads otherwise than the text: `이주한` as a name, NNP, where the text has
//! 이주/NNG 하/XSV) is looked up by its character bigrams instead, at one word's weight,
//! rather than counting for nothing (KorQuAD MRR@10 +0.0007 alone, +0.0001 with
//! distractors: few questions have such a word). A synonym or mined alias of a query word
//! is looked up as a phrase at [`EXPANSION_WEIGHT`], lowered further to the word's IDF when
//! it is rarer than the word, so that it never outranks the word the user typed.
//!
//! Ties break by article and passage number, so the order is the same on every run.

pub mod bm25;
pub mod eval;
pub mod query;
pub mod snippet;
pub mod synonyms;
mod ties;

use std::collections::{BTreeSet, HashMap};
use std::ops::Bound;

use serde::Serialize;
use tantivy::collector::{Count, TopDocs};
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur as TOccur, PhraseQuery, Query, RangeQuery,
};
use tantivy::schema::{Field, Value};
use tantivy::tokenizer::TokenStream;
use tantivy::{DocAddress, IndexReader, Term};

use crate::analysis::terms::WordTerms;
use crate::analysis::tokenizer::{bigrams, pair_term};
use crate::analysis::{Scratch, TokenKind};
use crate::error::{Error, Result};
use crate::index::KoIndex;
use query::{FieldName, Node, Occur};

/// Weight of a term's frequency in the title against its frequency in the passage text, in
/// BM25F ([`bm25::Bm25fTermQuery`]).
pub const TITLE_WEIGHT: f32 = 1.0;
/// Weight of a phrase's score in the title against its score in the text.
pub const PHRASE_TITLE_WEIGHT: f32 = 0.5;
/// Weight of a synonym against the word the query has.
pub const EXPANSION_WEIGHT: f32 = 0.5;
/// Weight of the proximity clauses: pairs of neighbouring query terms, looked up as terms
/// of the `pairs` field (see [`crate::analysis::tokenizer::PairTokenizer`]).
pub const PAIR_WEIGHT: f32 = 0.6;
/// Weight of the bigram clauses: the character bigrams of the query's words, looked up in
/// the `bigrams` field (see [`crate::analysis::tokenizer::BigramTokenizer`]).
pub const BIGRAM_WEIGHT: f32 = 0.2;

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
    /// Byte ranges in `text` of the words that matched.
    pub highlights: Vec<(usize, usize)>,
    /// The file's format (`text`, `markdown`, `html`, `json`, `jsonl`).
    pub format: String,
    /// The encoding the file was read in.
    pub encoding: String,
    /// The record number in a JSON or JSON Lines file.
    pub record: Option<u64>,
    /// Other metadata of the article (front matter keys, JSON fields, HTML meta tags).
    pub meta: std::collections::BTreeMap<String, String>,
}

/// The outcome of a search.
#[derive(Debug, Clone, Default)]
pub struct Results {
    /// Passages that match, in all.
    pub total: usize,
    /// The page asked for.
    pub hits: Vec<Hit>,
}

/// A query ready to run: the tantivy query and the terms to highlight.
pub struct Compiled {
    /// The query.
    pub query: Box<dyn Query>,
    /// Index terms of the positive words, for highlighting.
    pub terms: BTreeSet<String>,
    /// Each word of the query that was expanded, with what it was expanded to (a synonym or
    /// a mined alias), at [`EXPANSION_WEIGHT`].
    pub expansions: Vec<(String, String)>,
    /// The ordered term pairs of the proximity bonus, at [`PAIR_WEIGHT`].
    pub pairs: Vec<(String, String)>,
    /// The character bigrams of the bigram bonus, at [`BIGRAM_WEIGHT`].
    pub bigrams: Vec<String>,
    /// The query's words that the index holds none of the terms of, each with the bigrams
    /// it is looked up by instead (at one word's weight).
    pub unknown: Vec<(String, Vec<String>)>,
}

impl Compiled {
    /// What a hit's highlights mark: the terms looked up, and the bigrams that stand in for
    /// unknown words (where a morpheme of the passage is one).
    fn marks(&self) -> std::borrow::Cow<'_, BTreeSet<String>> {
        if self.unknown.is_empty() {
            return std::borrow::Cow::Borrowed(&self.terms);
        }
        let mut marks = self.terms.clone();
        marks.extend(self.unknown.iter().flat_map(|(_, g)| g.iter().cloned()));
        std::borrow::Cow::Owned(marks)
    }
}

impl std::fmt::Debug for Compiled {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Compiled")
            .field("query", &self.query)
            .field("terms", &self.terms)
            .finish()
    }
}

/// Searches one index.
pub struct Searcher {
    ko: KoIndex,
    reader: IndexReader,
    synonyms: synonyms::Synonyms,
}

impl std::fmt::Debug for Searcher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Searcher").field("index", &self.ko).finish()
    }
}

/// A hit before its document is loaded: what ranking and the per-article cap need.
struct Ranked {
    score: f32,
    addr: DocAddress,
    article: String,
    passage: u64,
}

impl Searcher {
    /// A searcher over the last commit of `ko`.
    pub fn new(ko: KoIndex) -> Result<Searcher> {
        let reader = ko.reader()?;
        Ok(Searcher {
            ko,
            reader,
            synonyms: synonyms::Synonyms::default(),
        })
    }

    /// Expands query words with these synonyms (none by default).
    pub fn set_synonyms(&mut self, synonyms: synonyms::Synonyms) {
        self.synonyms = synonyms;
    }

    /// The index searched.
    pub fn index(&self) -> &KoIndex {
        &self.ko
    }

    /// Turns a parsed query into a tantivy query. `None` when no word of it yields a term
    /// (a query of particles only).
    pub fn compile(&self, node: &Node) -> Option<Compiled> {
        let mut c = Compiler {
            ko: &self.ko,
            searcher: self.reader.searcher(),
            unknown: Vec::new(),
            synonyms: &self.synonyms,
            scratch: Scratch::default(),
            terms: BTreeSet::new(),
            expansions: Vec::new(),
            in_context: HashMap::new(),
        };
        c.analyse_query(node);
        let query = c.node(node, Occur::Should)?;
        let pairs = c.proximity_pairs(node);
        let bigrams = c.query_bigrams(node);
        let f = &self.ko.fields;
        // Bonuses: they reorder what the query matches, and match nothing of their own.
        let bonus = |field: Field, terms: &[String], weight: f32| {
            let clauses: Vec<(TOccur, Box<dyn Query>)> = terms
                .iter()
                .map(|t| (TOccur::Should, term_query(field, t)))
                .collect();
            (!clauses.is_empty()).then(|| {
                let q: Box<dyn Query> = Box::new(BoostQuery::new(
                    Box::new(BooleanQuery::new(clauses)),
                    weight,
                ));
                (TOccur::Should, q)
            })
        };
        let near: Vec<String> = pairs.iter().map(|(a, b)| pair_term(a, b)).collect();
        let bonuses: Vec<_> = [
            bonus(f.pairs, &near, PAIR_WEIGHT),
            bonus(f.bigrams, &bigrams, BIGRAM_WEIGHT),
        ]
        .into_iter()
        .flatten()
        .collect();
        let query = if bonuses.is_empty() {
            query
        } else {
            let mut clauses = vec![(TOccur::Must, query)];
            clauses.extend(bonuses);
            Box::new(BooleanQuery::new(clauses))
        };
        Some(Compiled {
            query,
            terms: c.terms,
            expansions: c.expansions,
            pairs,
            bigrams,
            unknown: c.unknown,
        })
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
        // A batch at a time: its documents read in order, its highlights found on all cores.
        for (b, batch) in ranked[start..end].chunks(256).enumerate() {
            for h in self.load(&searcher, marks.as_deref(), batch, start + b * 256)? {
                f(h)?;
                n += 1;
            }
        }
        Ok(n)
    }

    /// The hits of `ranked`, the first at rank `before + 1`: their documents, read in order,
    /// and, given the terms to mark ([`Compiled::marks`]), their highlights (a second
    /// analysis of each passage, the costly part), found on all cores.
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
            use rayon::prelude::*;
            hits.par_iter_mut().for_each(|h| {
                h.highlights = snippet::highlights(&self.ko.analyzer, &h.text, marks);
            });
        }
        Ok(hits)
    }

    /// The query with the date filter applied.
    fn filtered(&self, compiled: &Compiled, options: &SearchOptions) -> Box<dyn Query> {
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
        let files = Term::from_field_text(self.ko.fields.kind, crate::index::schema::KIND_FILE);
        let stats = bm25::PassageStatistics::new(searcher, &files).map_err(err)?;
        // One more than asked for, to see whether a tie crosses the cut (see `ties`).
        let top_docs = |n: usize| TopDocs::with_limit(n.saturating_add(1)).order_by_score();
        let best = |top: &mut Vec<(f32, DocAddress)>, n: usize| -> Result<()> {
            if let Some(score) = ties::cut(top, n) {
                let tied = searcher
                    .search_with_statistics_provider(&*query, &ties::ScoreEquals(score), &stats)
                    .map_err(err)?;
                top.extend(tied);
            }
            Ok(())
        };
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
                let (total, mut top) = searcher
                    .search_with_statistics_provider(&*query, &(Count, top_docs(fetch)), &stats)
                    .map_err(err)?;
                best(&mut top, fetch)?;
                (total, fetch, top)
            }
            None => {
                let total = searcher.search(&*query, &Count).map_err(err)?;
                let top = searcher
                    .search_with_statistics_provider(&*query, &top_docs(total), &stats)
                    .map_err(err)?;
                (total, total, top)
            }
        };
        loop {
            let exhausted = top.len() >= total || top.len() < fetch;
            let mut ranked = self.keys(searcher, top)?;
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
                    let n = seen.entry(r.article.clone()).or_default();
                    *n += 1;
                    *n <= cap
                });
            }
            if exhausted || wanted.is_none_or(|w| ranked.len() >= w) {
                return Ok((total, ranked));
            }
            fetch = (fetch * 4).min(total);
            top = searcher
                .search_with_statistics_provider(&*query, &top_docs(fetch), &stats)
                .map_err(err)?;
            best(&mut top, fetch)?;
        }
    }

    /// The ranking keys (article, passage) of hits, from fast fields.
    fn keys(
        &self,
        searcher: &tantivy::Searcher,
        top: Vec<(f32, DocAddress)>,
    ) -> Result<Vec<Ranked>> {
        let corrupt = |e: tantivy::TantivyError| Error::tantivy(&self.ko.path, e);
        let mut columns = HashMap::new();
        let mut out = Vec::with_capacity(top.len());
        let mut article = String::new();
        for (score, addr) in top {
            let (articles, passages) = match columns.entry(addr.segment_ord) {
                std::collections::hash_map::Entry::Occupied(e) => e.into_mut(),
                std::collections::hash_map::Entry::Vacant(v) => {
                    let ff = searcher.segment_reader(addr.segment_ord).fast_fields();
                    let articles = ff.str("article").map_err(corrupt)?.ok_or_else(|| {
                        Error::Config("schema: article is not a fast field".into())
                    })?;
                    let passages = ff.u64("passage").map_err(corrupt)?;
                    v.insert((articles, passages))
                }
            };
            article.clear();
            if let Some(ord) = articles.term_ords(addr.doc_id).next() {
                articles
                    .ord_to_str(ord, &mut article)
                    .map_err(|e| Error::io(&self.ko.path, e))?;
            }
            out.push(Ranked {
                score,
                addr,
                article: article.clone(),
                passage: passages.first(addr.doc_id).unwrap_or(0),
            });
        }
        Ok(out)
    }

    fn hit(&self, searcher: &tantivy::Searcher, score: f32, addr: DocAddress) -> Result<Hit> {
        let f = &self.ko.fields;
        let doc: tantivy::TantivyDocument = searcher
            .doc(addr)
            .map_err(|e| Error::tantivy(&self.ko.path, e))?;
        let text = |field: Field| {
            doc.get_first(field)
                .and_then(|v| v.as_str())
                .map(str::to_string)
        };
        let num = |field: Field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
        Ok(Hit {
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
            highlights: Vec::new(),
            format: text(f.format).unwrap_or_default(),
            encoding: text(f.encoding).unwrap_or_default(),
            record: doc.get_first(f.record).and_then(|v| v.as_u64()),
            meta: text(f.meta)
                .and_then(|m| serde_json::from_str(&m).ok())
                .unwrap_or_default(),
        })
    }
}

struct Compiler<'a> {
    ko: &'a KoIndex,
    /// The index's statistics, to tell the words it holds from those it does not.
    searcher: tantivy::Searcher,
    /// The query's unknown words and the bigrams they are looked up by.
    unknown: Vec<(String, Vec<String>)>,
    synonyms: &'a synonyms::Synonyms,
    expansions: Vec<(String, String)>,
    scratch: Scratch,
    terms: BTreeSet<String>,
    /// The query's own words analysed in context, by their text's address and length.
    in_context: HashMap<(usize, usize), WordTerms>,
}

impl Compiler<'_> {
    fn node(&mut self, node: &Node, occur: Occur) -> Option<Box<dyn Query>> {
        let positive = occur != Occur::MustNot;
        match node {
            Node::Word { field, text } => {
                self.fielded(*field, text, occur == Occur::Must, positive, false)
            }
            Node::Phrase { field, text } => self.fielded(*field, text, true, positive, true),
            Node::Group(clauses) => {
                let mut out: Vec<(TOccur, Box<dyn Query>)> = Vec::new();
                let mut has_positive = false;
                for (o, child) in clauses {
                    let child_positive = positive && *o != Occur::MustNot;
                    let Some(q) =
                        self.node(child, if child_positive { *o } else { Occur::MustNot })
                    else {
                        continue;
                    };
                    let t = match o {
                        Occur::Should => TOccur::Should,
                        Occur::Must => TOccur::Must,
                        Occur::MustNot => TOccur::MustNot,
                    };
                    has_positive |= t != TOccur::MustNot;
                    out.push((t, q));
                }
                if !has_positive {
                    return None;
                }
                if out.len() == 1 && out[0].0 != TOccur::MustNot {
                    return out.pop().map(|(_, q)| q);
                }
                Some(Box::new(BooleanQuery::new(out)))
            }
        }
    }

    /// A word or phrase in one field, or in the default fields (text, and title with less
    /// weight).
    fn fielded(
        &mut self,
        field: Option<FieldName>,
        text: &str,
        strict: bool,
        positive: bool,
        phrase: bool,
    ) -> Option<Box<dyn Query>> {
        let f = self.ko.fields;
        let word = match field {
            Some(FieldName::Path) => self.path_terms(text),
            _ => self.analyse(text),
        };
        if word.fine.is_empty() && word.wholes.is_empty() {
            return None;
        }
        if positive {
            self.terms.extend(word.fine.iter().map(|(_, t)| t.clone()));
            self.terms.extend(word.wholes.iter().cloned());
        }
        let strict = strict || phrase;
        match field {
            None => {
                let mut clauses = default_fields(&f, &word, strict, 1.0)?;
                if !strict && positive {
                    clauses.extend(self.unknown_word(text, &word));
                }
                if !phrase {
                    // Synonyms: every other member of the word's groups, as a phrase.
                    let expansions: Vec<String> = self
                        .synonyms
                        .expansions(&word.finest())
                        .into_iter()
                        .map(str::to_string)
                        .collect();
                    for member in expansions {
                        let other = self.analyse(&member);
                        if positive {
                            self.expansions.push((text.to_string(), member.clone()));
                        }
                        if positive {
                            self.terms.extend(other.fine.iter().map(|(_, t)| t.clone()));
                            self.terms.extend(other.wholes.iter().cloned());
                        }
                        let weight = EXPANSION_WEIGHT * self.relative_idf(&word, &other);
                        if let Some(more) = default_fields(&f, &other, true, weight) {
                            clauses.extend(more);
                        }
                    }
                }
                Some(Box::new(BooleanQuery::new(clauses)))
            }
            Some(FieldName::Title) => word_query(f.title, &word, strict),
            Some(FieldName::Source) => word_query(f.source, &word, strict),
            Some(FieldName::Author) => word_query(f.author, &word, strict),
            Some(FieldName::Path) => word_query(f.path_text, &word, true),
        }
    }

    /// A word none of whose terms the index holds (a misspelling, a new coinage, a name the
    /// analyser splits otherwise in the text, as 이주한/NNP against 이주/NNG 하/XSV): looked
    /// up by its character bigrams in the `bigrams` field instead, sharing one word's
    /// weight, so that it still counts as a word of the query. `None` for a known word.
    fn unknown_word(&mut self, text: &str, word: &WordTerms) -> Option<(TOccur, Box<dyn Query>)> {
        let f = self.ko.fields;
        let held = |field: Field, t: &str| {
            self.searcher
                .doc_freq(&Term::from_field_text(field, t))
                .map_or(true, |n| n > 0)
        };
        if word
            .fine
            .iter()
            .any(|(_, t)| held(f.text, t) || held(f.title, t))
        {
            return None;
        }
        let mut grams: Vec<String> = Vec::new();
        bigrams(text, |b| {
            if b.chars().nth(1).is_some() && !grams.iter().any(|g| g == b) {
                grams.push(b.to_string());
            }
        });
        let parts: Vec<&str> = grams.iter().map(String::as_str).collect();
        let query = shared(&parts, &|g| term_query(f.bigrams, g))?;
        self.unknown.push((text.to_string(), grams));
        Some((TOccur::Should, query))
    }

    /// How much an expansion may weigh against the word it stands for, at most 1: the word's
    /// IDF over the expansion's. The word is looked up as any of its finest terms, each with
    /// its share of the word's weight (a mean of their IDFs); the expansion as their phrase,
    /// which tantivy weighs by the sum of theirs. So a passage of average length that holds
    /// the expansion once scores, before [`EXPANSION_WEIGHT`], what one holding the word
    /// would: a rare synonym of a common word (그래픽처리장치 for GPU) does not outrank the
    /// word itself.
    fn relative_idf(&self, word: &WordTerms, expansion: &WordTerms) -> f32 {
        let docs = self.searcher.num_docs();
        let idf = |t: &str| {
            let n = self
                .searcher
                .doc_freq(&Term::from_field_text(self.ko.fields.text, t))
                .unwrap_or(0);
            bm25::idf(n, docs)
        };
        let of_word =
            word.fine.iter().map(|(_, t)| idf(t)).sum::<f32>() / word.fine.len().max(1) as f32;
        let of_expansion: f32 = expansion.fine.iter().map(|(_, t)| idf(t)).sum();
        if of_expansion <= of_word {
            1.0
        } else {
            of_word / of_expansion
        }
    }

    /// A query word's terms: analysed in the context of the whole query when it is one of
    /// the query's own words (see [`Compiler::analyse_query`]), else on its own (a synonym).
    fn analyse(&mut self, text: &str) -> WordTerms {
        if let Some(w) = self.in_context.get(&(text.as_ptr() as usize, text.len())) {
            return w.clone();
        }
        WordTerms::of(&self.ko.analyzer, text, &mut self.scratch)
    }

    /// Analyses the query's words together, as the text around them would be: the words
    /// (and phrases) joined by spaces in the order typed, so each morpheme keeps its left
    /// context (`뒤마의` alone reads 뒤/마의; after `알렉상드르 ` it reads 뒤마/의). Each
    /// word's terms are kept by the address of its text in the parsed query.
    fn analyse_query(&mut self, node: &Node) {
        fn pieces<'n>(node: &'n Node, out: &mut Vec<&'n str>) {
            match node {
                Node::Word { field, text } | Node::Phrase { field, text } => {
                    if *field != Some(FieldName::Path) && !text.is_empty() {
                        out.push(text);
                    }
                }
                Node::Group(clauses) => clauses.iter().for_each(|(_, c)| pieces(c, out)),
            }
        }
        let mut words = Vec::new();
        pieces(node, &mut words);
        let mut context = String::new();
        let mut spans = Vec::with_capacity(words.len());
        for w in &words {
            if !context.is_empty() {
                context.push(' ');
            }
            spans.push((context.len(), context.len() + w.len()));
            context.push_str(w);
        }
        let mut tokens: Vec<Vec<(TokenKind, usize, String)>> = vec![Vec::new(); words.len()];
        self.ko.analyzer.analyze(&context, &mut self.scratch, |t| {
            if !t.indexed {
                return;
            }
            if let Some(k) = spans.iter().position(|&(s, e)| s <= t.start && t.start < e) {
                tokens[k].push((t.kind, t.position, t.term.to_string()));
            }
        });
        for (w, toks) in words.iter().zip(tokens) {
            self.in_context
                .insert((w.as_ptr() as usize, w.len()), WordTerms::fold(toks));
        }
    }

    /// Splits a `path:` value like the path field is indexed.
    fn path_terms(&mut self, text: &str) -> WordTerms {
        let mut out = WordTerms::default();
        if let Some(mut analyzer) = self.ko.index.tokenizers().get(crate::index::PATH_ANALYZER) {
            let mut stream = analyzer.token_stream(text);
            while let Some(t) = stream.next() {
                out.fine.push((t.position, t.text.clone()));
            }
        }
        out
    }

    /// The character bigrams of the query's free words ([`free_words`]), once each, in order.
    /// A lone character counts only when it is a term of its word: the particle of `GPU를`
    /// is not looked up, so `GPU를` and `gpu` rank alike. (Bigrams that run into a particle
    /// or an ending, like 격이 of 가격이, stay: dropping them, keeping only what the indexed
    /// morphemes cover, cost MRR@10 0.0015 on KorQuAD.)
    fn query_bigrams(&mut self, node: &Node) -> Vec<String> {
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for text in free_words(node) {
            let fine = self.analyse(text).fine;
            bigrams(text, |b| {
                let lone = b.chars().nth(1).is_none();
                if lone && !fine.iter().any(|(_, t)| t == b) {
                    return;
                }
                if seen.insert(b.to_string()) {
                    out.push(b.to_string());
                }
            });
        }
        out
    }

    /// The proximity bonus: each pair of neighbouring terms of the query's top-level
    /// default-field words (in order, across words and within compounds), once. Passages that
    /// hold the two in that order within [`crate::analysis::tokenizer::PAIR_WINDOW`]
    /// positions score more, through the `pairs` field.
    fn proximity_pairs(&mut self, node: &Node) -> Vec<(String, String)> {
        let mut terms: Vec<String> = Vec::new();
        for text in free_words(node) {
            terms.extend(self.analyse(text).fine.into_iter().map(|(_, t)| t));
        }
        let mut pairs = Vec::new();
        let mut seen = BTreeSet::new();
        for w in terms.windows(2) {
            if w[0] != w[1] && seen.insert((w[0].clone(), w[1].clone())) {
                pairs.push((w[0].clone(), w[1].clone()));
            }
        }
        pairs
    }
}

/// The words of a query that are neither negated nor in a phrase or a field, in order: what
/// the bonuses for proximity and for bigrams are made of.
fn free_words(node: &Node) -> Vec<&str> {
    let Node::Group(clauses) = node else {
        return Vec::new();
    };
    clauses
        .iter()
        .filter_map(|(o, child)| match (o, child) {
            (Occur::Should | Occur::Must, Node::Word { field: None, text }) => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// A word in the text and the title (with [`TITLE_WEIGHT`]), all scaled by `weight`: each of
/// its finest terms scored over the two fields together (BM25F) when it is not strict; when
/// strict, its phrase in each field, the two scores summed.
fn default_fields(
    f: &crate::index::schema::Fields,
    word: &WordTerms,
    strict: bool,
    weight: f32,
) -> Option<Vec<(TOccur, Box<dyn Query>)>> {
    let scaled = |q: Box<dyn Query>, w: f32| -> Box<dyn Query> {
        if w == 1.0 {
            q
        } else {
            Box::new(BoostQuery::new(q, w))
        }
    };
    if !strict {
        let both = |t: &str| -> Box<dyn Query> {
            Box::new(bm25::Bm25fTermQuery::new(vec![
                (Term::from_field_text(f.text, t), 1.0),
                (Term::from_field_text(f.title, t), TITLE_WEIGHT),
            ]))
        };
        let q = any_term(word, &both)?;
        return Some(vec![(TOccur::Should, scaled(q, weight))]);
    }
    let text_q = word_query(f.text, word, strict)?;
    let title_q = word_query(f.title, word, strict)?;
    Some(vec![
        (TOccur::Should, scaled(text_q, weight)),
        (
            TOccur::Should,
            scaled(title_q, PHRASE_TITLE_WEIGHT * weight),
        ),
    ])
}

/// One term, scored by kosearch's BM25 ([`bm25`]).
fn term_query(field: Field, term: &str) -> Box<dyn Query> {
    Box::new(bm25::Bm25TermQuery::new(Term::from_field_text(field, term)))
}

/// A word in one field. Not strict: any of its finest terms (a compound's parts, each
/// morpheme of a word that analyses into several), scored one by one, like the text's own
/// terms, each with an equal share of the word's weight; proximity adds for those that stand
/// together. Strict (`+word`, a phrase, a field):
/// its finest terms as a phrase, or its compound whole.
fn word_query(field: Field, word: &WordTerms, strict: bool) -> Option<Box<dyn Query>> {
    let mut alternatives: Vec<(TOccur, Box<dyn Query>)> = Vec::new();
    match word.fine.as_slice() {
        [] => {}
        [(_, one)] => alternatives.push((TOccur::Should, term_query(field, one))),
        many if strict => {
            let base = many[0].0;
            let terms = many
                .iter()
                .map(|(p, t)| (p - base, Term::from_field_text(field, t)))
                .collect();
            alternatives.push((
                TOccur::Should,
                Box::new(PhraseQuery::new_with_offset(terms)),
            ));
        }
        _ => return any_term(word, &|t| term_query(field, t)),
    }
    if strict && word.fine.len() != 1 {
        for whole in &word.wholes {
            alternatives.push((TOccur::Should, term_query(field, whole)));
        }
    }
    // A compound matches both its parts' phrase and its whole: it counts once, at the best.
    match alternatives.len() {
        0 => None,
        1 => alternatives.pop().map(|(_, q)| q),
        _ => Some(Box::new(DisjunctionMaxQuery::new(
            alternatives.into_iter().map(|(_, q)| q).collect(),
        ))),
    }
}

/// A word as any of its finest terms, each looked up by `lookup`.
fn any_term(word: &WordTerms, lookup: &dyn Fn(&str) -> Box<dyn Query>) -> Option<Box<dyn Query>> {
    let parts: Vec<&str> = word.fine.iter().map(|(_, t)| t.as_str()).collect();
    shared(&parts, lookup)
}

/// One word looked up as any of `parts`, each by `lookup`: however many parts, they share
/// the word's weight.
fn shared(parts: &[&str], lookup: &dyn Fn(&str) -> Box<dyn Query>) -> Option<Box<dyn Query>> {
    match parts {
        [] => None,
        [one] => Some(lookup(one)),
        many => {
            let share = 1.0 / many.len() as f32;
            let clauses = many
                .iter()
                .map(|t| -> (TOccur, Box<dyn Query>) {
                    (TOccur::Should, Box::new(BoostQuery::new(lookup(t), share)))
                })
                .collect();
            Some(Box::new(BooleanQuery::new(clauses)))
        }
    }
}
