//! BM25 term scoring with kosearch's own `k1` and `b`.
//!
//! tantivy's `TermQuery` fixes BM25 at `k1 = 1.2`, `b = 0.75`. A passage answers a question
//! by holding its words, not by repeating them, so kosearch saturates term frequency much
//! sooner: [`K1`] = 0.4, the middle of a plateau. Measured with `scripts/eval-korquad` on
//! the corpus alone (3,025 questions; each half of the qrels alone too, so that a change has
//! to hold on both), before the pair field: MRR@10 0.945 at `k1` 1.2, 0.948 at 0.9, 0.951
//! at 0.6, 0.951–0.953 from 0.3 to 0.5, both halves gaining alike; `b` from 0.3 to 0.75 moves
//! it by less than 0.001, so it stays at 0.75. Everything else is tantivy's formula: the
//! same IDF, the same average field length, the same field-norm buckets.
//!
//! [`Bm25TermQuery`] stands in for `TermQuery` with frequencies, for the terms of one field
//! (the pairs, the bigrams, a field named in the query); [`super::bm25f::Bm25fTermQuery`] scores a query
//! word's term in the text and the title together (BM25F). Phrase queries (strict words,
//! `"…"`) keep tantivy's scoring.
//!
//! The collection is the passages: an index also holds one manifest document per file, with
//! no text, and [`PassageStatistics`] leaves them out of the document count, so they lower
//! neither the average passage length nor the IDF (with 10,000 files beside 60,000 passages,
//! the average would be a seventh short).

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::Bm25StatisticsProvider;
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::Field;
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, Term};

/// Term-frequency saturation.
pub const K1: Score = 0.4;
/// Length normalisation.
pub const B: Score = 0.75;

/// A term, scored by BM25 with [`K1`] and [`B`].
#[derive(Debug, Clone)]
pub struct Bm25TermQuery {
    term: Term,
}

impl Bm25TermQuery {
    /// A query for one term.
    pub fn new(term: Term) -> Self {
        Bm25TermQuery { term }
    }
}

/// A searcher's statistics over the passages alone: the documents that hold a given term
/// (the files' manifest records, by their `kind`) are not counted.
pub struct PassageStatistics<'a> {
    searcher: &'a tantivy::Searcher,
    docs: u64,
}

impl<'a> PassageStatistics<'a> {
    /// The statistics of `searcher` without the live documents that hold `other` (a term;
    /// counted through its postings, since its document frequency counts deleted ones too).
    pub fn new(searcher: &'a tantivy::Searcher, other: &Term) -> tantivy::Result<Self> {
        let all = searcher.total_num_docs()?;
        let others = tantivy::query::TermQuery::new(other.clone(), IndexRecordOption::Basic);
        let docs = all.saturating_sub(searcher.search(&others, &tantivy::collector::Count)? as u64);
        Ok(PassageStatistics { searcher, docs })
    }
}

impl Bm25StatisticsProvider for PassageStatistics<'_> {
    fn total_num_tokens(&self, field: Field) -> tantivy::Result<u64> {
        // Other documents have no tokens in the fields that are scored.
        self.searcher.total_num_tokens(field)
    }

    fn total_num_docs(&self) -> tantivy::Result<u64> {
        Ok(self.docs)
    }

    fn doc_freq(&self, term: &Term) -> tantivy::Result<u64> {
        self.searcher.doc_freq(term)
    }
}

/// tantivy's IDF: `ln(1 + (N − n + 0.5) / (n + 0.5))`.
pub(crate) fn idf(doc_freq: u64, docs: u64) -> Score {
    let x = (docs.saturating_sub(doc_freq) as Score + 0.5) / (doc_freq as Score + 0.5);
    (1.0 + x).ln()
}

/// `factor × (1 − b + b × length / average)` for each field-norm bucket.
pub(super) fn length_norms(average: Score, factor: Score) -> Arc<[Score; 256]> {
    let mut cache = [0.0; 256];
    for (id, k) in cache.iter_mut().enumerate() {
        let length = FieldNormReader::id_to_fieldnorm(id as u8) as Score;
        *k = factor * (1.0 - B + B * length / average);
    }
    Arc::new(cache)
}

/// The average length of `field` over the collection, 1 for an empty one.
pub(super) fn average_length(
    stats: &dyn Bm25StatisticsProvider,
    field: Field,
) -> tantivy::Result<Score> {
    let docs = stats.total_num_docs()?;
    let tokens = stats.total_num_tokens(field)?;
    Ok(if docs == 0 {
        1.0
    } else {
        (tokens as Score / docs as Score).max(Score::MIN_POSITIVE)
    })
}

impl Query for Bm25TermQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let (weight, average) = match scoring {
            EnableScoring::Enabled {
                statistics_provider: stats,
                ..
            } => {
                let idf = idf(stats.doc_freq(&self.term)?, stats.total_num_docs()?);
                (idf * (1.0 + K1), average_length(stats, self.term.field())?)
            }
            EnableScoring::Disabled { .. } => (0.0, 1.0),
        };
        Ok(Box::new(Bm25TermWeight {
            term: self.term.clone(),
            weight,
            cache: length_norms(average, K1),
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        visitor(&self.term, false);
    }
}

struct Bm25TermWeight {
    term: Term,
    /// IDF × (k1 + 1).
    weight: Score,
    /// `k1 × (1 − b + b × length / average)` for each field-norm bucket.
    cache: Arc<[Score; 256]>,
}

impl Bm25TermWeight {
    fn term_scorer(
        &self,
        reader: &SegmentReader,
        boost: Score,
    ) -> tantivy::Result<Option<Bm25TermScorer>> {
        let field = self.term.field();
        let Some(postings) = reader
            .inverted_index(field)?
            .read_postings(&self.term, IndexRecordOption::WithFreqs)?
        else {
            return Ok(None);
        };
        Ok(Some(Bm25TermScorer {
            postings,
            fieldnorms: reader.get_fieldnorms_reader(field)?,
            weight: self.weight * boost,
            cache: self.cache.clone(),
        }))
    }
}

impl Weight for Bm25TermWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        Ok(match self.term_scorer(reader, boost)? {
            Some(s) => Box::new(s),
            None => Box::new(EmptyScorer),
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let Some(mut s) = self.term_scorer(reader, 1.0)? else {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        };
        if s.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new_with_string(
            format!("BM25 (k1 {K1}, b {B}), tf {}", s.postings.term_freq()),
            s.score(),
        ))
    }
}

struct Bm25TermScorer {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    weight: Score,
    cache: Arc<[Score; 256]>,
}

impl DocSet for Bm25TermScorer {
    fn advance(&mut self) -> DocId {
        self.postings.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        self.postings.seek(target)
    }

    fn doc(&self) -> DocId {
        self.postings.doc()
    }

    fn size_hint(&self) -> u32 {
        self.postings.size_hint()
    }
}

impl Scorer for Bm25TermScorer {
    fn score(&mut self) -> Score {
        let tf = self.postings.term_freq() as Score;
        let bucket = self.fieldnorms.fieldnorm_id(self.postings.doc());
        self.weight * tf / (tf + self.cache[usize::from(bucket)])
    }
}
#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::query::TermQuery;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    /// With tantivy's constants the formula must give tantivy's scores; with ours, a passage
    /// that repeats a word gains less over one that has it once.
    #[test]
    fn matches_tantivy_formula_and_saturates_sooner() {
        let mut schema = Schema::builder();
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for text in [
            "gpu price",
            "gpu gpu gpu price rises again",
            "price",
            "phones and games",
        ] {
            let mut doc = TantivyDocument::default();
            doc.add_text(body, text);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let term = Term::from_field_text(body, "gpu");
        let ours = searcher
            .search(
                &Bm25TermQuery::new(term.clone()),
                &TopDocs::with_limit(10).order_by_score(),
            )
            .unwrap();
        let theirs = searcher
            .search(
                &TermQuery::new(term, IndexRecordOption::WithFreqs),
                &TopDocs::with_limit(10).order_by_score(),
            )
            .unwrap();
        assert_eq!(ours.len(), 2);
        assert_eq!(theirs.len(), 2);
        let ratio = |hits: &[(Score, tantivy::DocAddress)]| {
            let by_doc = |d: u32| hits.iter().find(|h| h.1.doc_id == d).unwrap().0;
            by_doc(1) / by_doc(0)
        };
        // Three occurrences in a longer passage against one in a short one.
        assert!(ratio(&theirs) > ratio(&ours), "{theirs:?} vs {ours:?}");
        // Same IDF and length normalisation: recompute tantivy's score with its constants.
        let n = 4.0_f32;
        let idf = (1.0 + (n - 2.0 + 0.5) / (2.0 + 0.5)).ln();
        let avg = (2.0 + 6.0 + 1.0 + 3.0) / n;
        let tantivy_score = |tf: f32, len: f32, k1: f32, b: f32| {
            idf * (1.0 + k1) * tf / (tf + k1 * (1.0 - b + b * len / avg))
        };
        let close = |a: f32, b: f32| (a - b).abs() < 1e-4;
        let score_of = |hits: &[(Score, tantivy::DocAddress)], d: u32| {
            hits.iter().find(|h| h.1.doc_id == d).unwrap().0
        };
        assert!(close(
            score_of(&theirs, 0),
            tantivy_score(1.0, 2.0, 1.2, 0.75)
        ));
        assert!(close(score_of(&ours, 0), tantivy_score(1.0, 2.0, K1, B)));
        assert!(close(score_of(&ours, 1), tantivy_score(3.0, 6.0, K1, B)));
    }

    /// Documents that are not passages (no text, `kind` other) change no passage's score.
    #[test]
    fn other_documents_count_neither_in_idf_nor_in_the_average_length() {
        let scores = |files: usize| {
            let mut schema = Schema::builder();
            let kind = schema.add_text_field("kind", tantivy::schema::STRING);
            let body = schema.add_text_field("body", TEXT);
            let index = Index::create_in_ram(schema.build());
            let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
            for text in ["gpu price", "gpu gpu price rises", "phones"] {
                let mut doc = TantivyDocument::default();
                doc.add_text(kind, "passage");
                doc.add_text(body, text);
                writer.add_document(doc).unwrap();
            }
            for _ in 0..files {
                let mut doc = TantivyDocument::default();
                doc.add_text(kind, "file");
                writer.add_document(doc).unwrap();
            }
            writer.commit().unwrap();
            let searcher = index.reader().unwrap().searcher();
            let other = Term::from_field_text(kind, "file");
            let stats = PassageStatistics::new(&searcher, &other).unwrap();
            let query = Bm25TermQuery::new(Term::from_field_text(body, "gpu"));
            let top = TopDocs::with_limit(10).order_by_score();
            let ours = searcher
                .search_with_statistics_provider(&query, &top, &stats)
                .unwrap();
            let plain = searcher.search(&query, &top).unwrap();
            let of = |hits: Vec<(Score, tantivy::DocAddress)>| -> Vec<Score> {
                hits.into_iter().map(|h| h.0).collect()
            };
            (of(ours), of(plain))
        };
        let (alone, _) = scores(0);
        let (ours, plain) = scores(5);
        assert_eq!(alone.len(), 2);
        assert_eq!(ours, alone);
        assert_ne!(plain, alone, "the plain statistics do count the files");
    }
}
