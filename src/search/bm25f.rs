//! BM25F: one query word's term scored in the text and the title together, with
//! kosearch's `k1` and `b` and the passage statistics of [`super::bm25`].

use std::sync::Arc;

use tantivy::fieldnorm::FieldNormReader;
use tantivy::postings::{Postings, SegmentPostings};
use tantivy::query::{EmptyScorer, EnableScoring, Explanation, Query, Scorer, Weight};
use tantivy::schema::IndexRecordOption;
use tantivy::{DocId, DocSet, Score, SegmentReader, TERMINATED, Term};

use super::bm25::{B, K1, average_length, idf, length_norms};

/// One term looked up in several fields at once and scored as one BM25 term over their
/// weighted sum (BM25F: Robertson, Zaragoza and Taylor, 2004). Each field's frequency is
/// normalised by that field's own length, weighted, and the sum saturates once: a passage
/// whose title already holds a word gains little more when its text repeats it, so what
/// tells the passages of one article apart is the words their titles do not share.
#[derive(Debug, Clone)]
pub struct Bm25fTermQuery {
    /// The term in each field, with the field's weight; the first field gives the IDF.
    fields: Vec<(Term, Score)>,
}

impl Bm25fTermQuery {
    /// A query for one term in these fields, each `(term, weight)`. The IDF is that of the
    /// first field.
    pub fn new(fields: Vec<(Term, Score)>) -> Self {
        Bm25fTermQuery { fields }
    }
}

impl Query for Bm25fTermQuery {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        let mut fields = Vec::with_capacity(self.fields.len());
        let mut idf_weight = 0.0;
        for (i, (term, weight)) in self.fields.iter().enumerate() {
            let norms = match scoring {
                EnableScoring::Enabled {
                    statistics_provider: stats,
                    ..
                } => {
                    if i == 0 {
                        idf_weight =
                            idf(stats.doc_freq(term)?, stats.total_num_docs()?) * (1.0 + K1);
                    }
                    length_norms(average_length(stats, term.field())?, 1.0)
                }
                EnableScoring::Disabled { .. } => length_norms(1.0, 1.0),
            };
            fields.push((term.clone(), *weight, norms));
        }
        Ok(Box::new(Bm25fTermWeight {
            fields,
            weight: idf_weight,
        }))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        for (term, _) in &self.fields {
            visitor(term, false);
        }
    }
}

struct Bm25fTermWeight {
    /// Each field's term, weight and length norms.
    fields: Vec<(Term, Score, Arc<[Score; 256]>)>,
    /// IDF × (k1 + 1).
    weight: Score,
}

impl Bm25fTermWeight {
    fn fields_scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Bm25fScorer> {
        let mut fields = Vec::with_capacity(self.fields.len());
        for (term, weight, norms) in &self.fields {
            let field = term.field();
            if let Some(postings) = reader
                .inverted_index(field)?
                .read_postings(term, IndexRecordOption::WithFreqs)?
            {
                fields.push(FieldPostings {
                    postings,
                    fieldnorms: reader.get_fieldnorms_reader(field)?,
                    weight: *weight,
                    norms: norms.clone(),
                });
            }
        }
        let doc = fields
            .iter()
            .map(|f| f.postings.doc())
            .min()
            .unwrap_or(TERMINATED);
        Ok(Bm25fScorer {
            fields,
            weight: self.weight * boost,
            doc,
        })
    }
}

impl Weight for Bm25fTermWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let scorer = self.fields_scorer(reader, boost)?;
        Ok(if scorer.fields.is_empty() {
            Box::new(EmptyScorer)
        } else {
            Box::new(scorer)
        })
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        let mut s = self.fields_scorer(reader, 1.0)?;
        if s.seek(doc) != doc {
            return Err(tantivy::TantivyError::InvalidArgument(format!(
                "document {doc} does not match"
            )));
        }
        Ok(Explanation::new_with_string(
            format!("BM25F (k1 {K1}, b {B}), weighted tf {}", s.frequency()),
            s.score(),
        ))
    }
}

/// One field's postings of a [`Bm25fTermQuery`].
struct FieldPostings {
    postings: SegmentPostings,
    fieldnorms: FieldNormReader,
    weight: Score,
    norms: Arc<[Score; 256]>,
}

/// The union of a term's postings in several fields.
struct Bm25fScorer {
    fields: Vec<FieldPostings>,
    weight: Score,
    doc: DocId,
}

impl Bm25fScorer {
    /// The weighted, length-normalised frequency of the term in the current document.
    fn frequency(&self) -> Score {
        self.fields
            .iter()
            .filter(|f| f.postings.doc() == self.doc)
            .map(|f| {
                let bucket = f.fieldnorms.fieldnorm_id(self.doc);
                f.weight * f.postings.term_freq() as Score / f.norms[usize::from(bucket)]
            })
            .sum()
    }
}

impl DocSet for Bm25fScorer {
    fn advance(&mut self) -> DocId {
        let current = self.doc;
        let mut next = TERMINATED;
        for f in &mut self.fields {
            let d = if f.postings.doc() == current {
                f.postings.advance()
            } else {
                f.postings.doc()
            };
            next = next.min(d);
        }
        self.doc = next;
        next
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let mut next = TERMINATED;
        for f in &mut self.fields {
            let d = if f.postings.doc() < target {
                f.postings.seek(target)
            } else {
                f.postings.doc()
            };
            next = next.min(d);
        }
        self.doc = next;
        next
    }

    fn doc(&self) -> DocId {
        self.doc
    }

    fn size_hint(&self) -> u32 {
        self.fields
            .iter()
            .map(|f| f.postings.size_hint())
            .max()
            .unwrap_or(0)
    }
}

impl Scorer for Bm25fScorer {
    fn score(&mut self) -> Score {
        let tf = self.frequency();
        self.weight * tf / (tf + K1)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use tantivy::collector::TopDocs;
    use tantivy::schema::{Schema, TEXT};
    use tantivy::{Index, TantivyDocument};

    /// BM25F: the union of the fields' postings, one saturation over the weighted sum of
    /// length-normalised frequencies, the IDF of the first field.
    #[test]
    fn bm25f_sums_the_fields_then_saturates_once() {
        let mut schema = Schema::builder();
        let title = schema.add_text_field("title", TEXT);
        let body = schema.add_text_field("body", TEXT);
        let index = Index::create_in_ram(schema.build());
        let mut writer = index.writer_with_num_threads(1, 15_000_000).unwrap();
        for (t, b) in [
            ("gpu", "gpu price"),
            ("gpu", "price news"),
            ("memory", "gpu news"),
            ("phones", "games"),
        ] {
            let mut doc = TantivyDocument::default();
            doc.add_text(title, t);
            doc.add_text(body, b);
            writer.add_document(doc).unwrap();
        }
        writer.commit().unwrap();
        let searcher = index.reader().unwrap().searcher();
        let weight = 0.5;
        let query = Bm25fTermQuery::new(vec![
            (Term::from_field_text(body, "gpu"), 1.0),
            (Term::from_field_text(title, "gpu"), weight),
        ]);
        let hits = searcher
            .search(&query, &TopDocs::with_limit(10).order_by_score())
            .unwrap();
        let score = |d: u32| hits.iter().find(|h| h.1.doc_id == d).map(|h| h.0);
        assert_eq!(hits.len(), 3, "a document with the term in either field");
        assert_eq!(score(3), None);
        // IDF from the body (2 of 4 documents); averages: body 7/4, title 4/4.
        let idf = (1.0 + (4.0 - 2.0 + 0.5) / (2.0 + 0.5_f32)).ln();
        let norm = |len: f32, avg: f32| 1.0 - B + B * len / avg;
        let bm25f = |tf: f32| idf * (1.0 + K1) * tf / (tf + K1);
        let close = |a: Option<f32>, b: f32| a.is_some_and(|a| (a - b).abs() < 1e-4);
        let both = 1.0 / norm(2.0, 1.75) + weight / norm(1.0, 1.0);
        assert!(close(score(0), bm25f(both)), "{hits:?}");
        assert!(close(score(1), bm25f(weight / norm(1.0, 1.0))), "{hits:?}");
        assert!(close(score(2), bm25f(1.0 / norm(2.0, 1.75))), "{hits:?}");
        // The same occurrence in the text (same length, same IDF) adds less to a document
        // whose title has the word than to one whose title does not: one saturation, where
        // fields scored apart and summed would add the same.
        let (with_title, title_only, text_only) =
            (score(0).unwrap(), score(1).unwrap(), score(2).unwrap());
        assert!(with_title - title_only < text_only, "{hits:?}");
    }
}
