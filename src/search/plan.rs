//! A compiled query as data ([`Plan`]): what `compile` (`compile.rs`) builds from the
//! analysed words, before it becomes a tantivy query ([`Plan::query`]) or another engine's
//! query (the OpenSearch DSL and Quickwit's query string of [`crate::export::cluster`]).
//!
//! Both come from the one plan, so a query handed to a cluster is the query kosearch runs:
//! the same terms, the same structure, the same weights. What a cluster cannot score the way
//! kosearch does ([`Plan::TextAndTitle`], BM25F) is written as the nearest thing it has and
//! documented in `SCALE.md`.

use tantivy::Term;
use tantivy::query::{
    BooleanQuery, BoostQuery, DisjunctionMaxQuery, Occur as TOccur, PhraseQuery, Query,
};
use tantivy::schema::Field;

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
                    .map(|(o, p)| (tantivy_occur(*o), p.query(f)))
                    .collect(),
            )),
            Plan::Boost(plan, weight) => Box::new(BoostQuery::new(plan.query(f), *weight)),
            Plan::Max(alternatives) => Box::new(DisjunctionMaxQuery::new(
                alternatives.iter().map(|p| p.query(f)).collect(),
            )),
        }
    }
}

fn tantivy_occur(o: Occur) -> TOccur {
    match o {
        Occur::Should => TOccur::Should,
        Occur::Must => TOccur::Must,
        Occur::MustNot => TOccur::MustNot,
    }
}
