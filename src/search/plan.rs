//! A compiled query as data ([`Plan`]): what `compile` (`compile.rs`) builds from the
//! analysed words, before it becomes a tantivy query ([`Plan::query`]) or another engine's
//! query (the OpenSearch DSL and Quickwit's query string of [`crate::export::cluster`]).
//!
//! Both come from the one plan, so a query handed to a cluster is the query kosearch runs:
//! the same terms, the same structure, the same weights. What a cluster cannot score the way
//! kosearch does ([`Plan::TextAndTitle`], BM25F) is written as the nearest thing it has and
//! documented in `SCALE.md`.

use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, EmptyScorer, EnableScoring, Explanation,
    Occur as TOccur, PhraseQuery, Query, Scorer, Weight,
};
use tantivy::schema::Field;
use tantivy::{DocId, DocSet, Score, SeekDangerResult, SegmentReader, Term};

use super::bm25;
use super::bm25f;
use super::clauses::TITLE_WEIGHT;
use super::query::Occur;
use crate::index::schema::Fields;

/// A query plan.
#[derive(Debug, Clone, PartialEq)]
pub enum Plan {
    /// One term of one field, scored by kosearch's BM25 ([`bm25`]).
    Term {
        /// The field.
        field: Field,
        /// The indexed term.
        term: String,
    },
    /// One term in the passage text and the title together, scored as one BM25F term
    /// ([`bm25f`]), the title at [`TITLE_WEIGHT`].
    TextAndTitle {
        /// The indexed term.
        term: String,
    },
    /// Terms at these offsets of one field, in order (tantivy's phrase scoring).
    Phrase {
        /// The field.
        field: Field,
        /// Each term with its offset from the first.
        terms: Vec<(usize, String)>,
    },
    /// Clauses, each taking part as its [`Occur`] says; the scores of those that match add
    /// up.
    Bool(Vec<(Occur, Plan)>),
    /// A plan whose score is multiplied by a weight.
    Boost(Box<Plan>, f32),
    /// Alternatives: the best one's score.
    Max(Vec<Plan>),
}

impl Plan {
    /// One term of one field.
    pub fn term(field: Field, term: &str) -> Plan {
        Plan::Term {
            field,
            term: term.to_string(),
        }
    }

    /// The plan as a tantivy query over an index with these fields.
    pub fn query(&self, f: &Fields) -> Box<dyn Query> {
        match self {
            Plan::Term { field, term } => Box::new(bm25::Bm25TermQuery::new(
                Term::from_field_text(*field, term),
            )),
            Plan::TextAndTitle { term } => Box::new(bm25f::Bm25fTermQuery::new(vec![
                (Term::from_field_text(f.text, term), 1.0),
                (Term::from_field_text(f.title, term), TITLE_WEIGHT),
            ])),
            Plan::Phrase { field, terms } => Box::new(PhraseQuery::new_with_offset(
                terms
                    .iter()
                    .map(|(p, t)| (*p, Term::from_field_text(*field, t)))
                    .collect(),
            )),
            Plan::Bool(clauses) => Box::new(BooleanQuery::new(
                clauses
                    .iter()
                    .map(|(o, p)| {
                        let q = p.query(f);
                        let q = match o {
                            Occur::MustNot if p.has_phrase() => Box::new(Excluded(q)),
                            _ => q,
                        };
                        (tantivy_occur(*o), q)
                    })
                    .collect(),
            )),
            Plan::Boost(plan, weight) => Box::new(BoostQuery::new(plan.query(f), *weight)),
            Plan::Max(alternatives) => Box::new(DisjunctionMaxQuery::new(
                alternatives.iter().map(|p| p.query(f)).collect(),
            )),
        }
    }

    /// Whether a phrase is anywhere in the plan: excluded, it needs [`Excluded`].
    fn has_phrase(&self) -> bool {
        match self {
            Plan::Term { .. } | Plan::TextAndTitle { .. } => false,
            Plan::Phrase { .. } => true,
            Plan::Bool(clauses) => clauses.iter().any(|(_, p)| p.has_phrase()),
            Plan::Boost(plan, _) => plan.has_phrase(),
            Plan::Max(alternatives) => alternatives.iter().any(Plan::has_phrase),
        }
    }
}

/// An excluding clause that holds a phrase. tantivy's `Exclude` asks each excluding scorer
/// about every candidate (`seek_danger`), including candidates behind the document the
/// scorer sits on: the first candidate, before the phrase's first match, and every candidate
/// once a phrase has no match left in the segment. tantivy 0.27's phrase scorer asserts that
/// it is never asked about a document behind it (tantivy issue 2811), so a debug build
/// panicked on `GPU -"가격 날씨"`. Release builds answer by the document the scorer sits on;
/// [`Behind`] gives that answer itself, in every build.
struct Excluded(Box<dyn Query>);

impl Clone for Excluded {
    fn clone(&self) -> Self {
        Excluded(self.0.box_clone())
    }
}

impl std::fmt::Debug for Excluded {
    /// As the clause itself: the wrapper changes no query's meaning.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        self.0.fmt(f)
    }
}

impl Query for Excluded {
    fn weight(&self, scoring: EnableScoring<'_>) -> tantivy::Result<Box<dyn Weight>> {
        Ok(Box::new(ExcludedWeight(self.0.weight(scoring)?)))
    }

    fn query_terms<'a>(&'a self, visitor: &mut dyn FnMut(&'a Term, bool)) {
        self.0.query_terms(visitor);
    }
}

struct ExcludedWeight(Box<dyn Weight>);

impl Weight for ExcludedWeight {
    fn scorer(&self, reader: &SegmentReader, boost: Score) -> tantivy::Result<Box<dyn Scorer>> {
        let scorer = self.0.scorer(reader, boost)?;
        // tantivy drops empty clauses by their type: keep it visible.
        if scorer.is::<EmptyScorer>() {
            return Ok(scorer);
        }
        Ok(Box::new(Behind(scorer)))
    }

    fn explain(&self, reader: &SegmentReader, doc: DocId) -> tantivy::Result<Explanation> {
        self.0.explain(reader, doc)
    }
}

/// A scorer asked about a document behind the one it sits on answers that it does not hold
/// it, without moving. That is right for the scorers an excluded plan builds (unions,
/// intersections and phrases over postings): the document such a scorer sits on is never
/// past a match it has not reported, even after `seek_danger` answered no.
struct Behind(Box<dyn Scorer>);

impl DocSet for Behind {
    fn advance(&mut self) -> DocId {
        self.0.advance()
    }

    fn seek(&mut self, target: DocId) -> DocId {
        let doc = self.0.doc();
        if doc >= target {
            return doc;
        }
        self.0.seek(target)
    }

    fn seek_danger(&mut self, target: DocId) -> SeekDangerResult {
        let doc = self.0.doc();
        if doc > target {
            return SeekDangerResult::SeekLowerBound(doc);
        }
        self.0.seek_danger(target)
    }

    fn doc(&self) -> DocId {
        self.0.doc()
    }

    fn size_hint(&self) -> u32 {
        self.0.size_hint()
    }

    fn cost(&self) -> u64 {
        self.0.cost()
    }
}

impl Scorer for Behind {
    fn score(&mut self) -> Score {
        self.0.score()
    }
}

fn tantivy_occur(o: Occur) -> TOccur {
    match o {
        Occur::Should => TOccur::Should,
        Occur::Must => TOccur::Must,
        Occur::MustNot => TOccur::MustNot,
    }
}
