//! One analysed word as tantivy clauses: how it matches and how it is scored.
//!
//! An ordinary word matches any of its finest terms, each scored like a term of its own but
//! with the word's weight shared among them: a query word counts once whether the dictionary
//! splits it or not (`날짜` → 날, 짜 counts as one word, not two; measured on KorQuAD, MRR@10
//! +0.002, Recall@1 +0.004, against each part at full weight). A required word (`+word`), a
//! phrase or a `path:` value matches only as the phrase of its finest terms or as the
//! compound whole; a `title:`, `source:` or `author:` word matches like an ordinary word, in
//! that field alone. Since the index holds a compound whole *and* its parts at consecutive positions, the
//! parts find both the compound and the spaced form `소형 언어 모델`.
//!
//! Ranking: BM25 with our own `k1` ([`bm25`](super::bm25): a passage answers by holding the words, not by
//! repeating them), over the passage text and the article title taken together (BM25F,
//! [`Bm25fTermQuery`](super::bm25f::Bm25fTermQuery)): a word's frequencies in the two fields are summed, each
//! normalised by its field's length, and saturate once, so a passage whose title already
//! holds a word gains little when its text repeats it, and what ranks the passages of one
//! article is the words their shared title does not hold. Measured on KorQuAD against the
//! text and the title scored apart and summed (title at half weight): MRR@10 0.9566 ->
//! 0.9611 alone, 0.9493 -> 0.9557 with distractors, both halves of the questions gaining
//! alike; a title weight from 0.7 to 2 gives the same within 0.0007, so it is 1 (the title
//! counts like the text). Phrases and required words, matched as phrases, add their score
//! in the title, at [`PHRASE_TITLE_WEIGHT`], to their score in the text.

use super::plan::Plan;
use super::query::Occur;
use crate::analysis::terms::WordTerms;
use tantivy::schema::Field;

/// Weight of a term's frequency in the title against its frequency in the passage text, in
/// BM25F ([`Bm25fTermQuery`](super::bm25f::Bm25fTermQuery)).
pub const TITLE_WEIGHT: f32 = 1.0;
/// Weight of a phrase's score in the title against its score in the text.
pub const PHRASE_TITLE_WEIGHT: f32 = 0.5;

/// A clause of a boolean query.
pub(super) type Clause = (Occur, Plan);

/// A word in the text and the title (with [`TITLE_WEIGHT`]), all scaled by `weight`: each of
/// its finest terms scored over the two fields together (BM25F) when it is not strict; when
/// strict, its phrase in each field, the two scores summed.
pub(super) fn default_fields(
    text: Field,
    title: Field,
    word: &WordTerms,
    strict: bool,
    weight: f32,
) -> Option<Vec<Clause>> {
    let scaled = |q: Plan, w: f32| -> Plan {
        if w == 1.0 {
            q
        } else {
            Plan::Boost(Box::new(q), w)
        }
    };
    if !strict {
        let both = |t: &str| Plan::TextAndTitle {
            term: t.to_string(),
        };
        let q = any_term(word, &both)?;
        return Some(vec![(Occur::Should, scaled(q, weight))]);
    }
    let text_q = word_query(text, word, strict)?;
    let title_q = word_query(title, word, strict)?;
    Some(vec![
        (Occur::Should, scaled(text_q, weight)),
        (Occur::Should, scaled(title_q, PHRASE_TITLE_WEIGHT * weight)),
    ])
}

/// A word in one field. Not strict: any of its finest terms (a compound's parts, each
/// morpheme of a word that analyses into several), scored one by one, like the text's own
/// terms, each with an equal share of the word's weight; proximity adds for those that stand
/// together. Strict (`+word`, a phrase, a `path:` value): its finest terms as a phrase, or
/// its compound whole.
pub(super) fn word_query(field: Field, word: &WordTerms, strict: bool) -> Option<Plan> {
    let mut alternatives: Vec<Plan> = Vec::new();
    match word.fine.as_slice() {
        [] => {}
        [(_, one)] => alternatives.push(Plan::term(field, one)),
        many if strict => {
            let base = many[0].0;
            let terms = many.iter().map(|(p, t)| (p - base, t.clone())).collect();
            alternatives.push(Plan::Phrase { field, terms });
        }
        _ => return any_term(word, &|t| Plan::term(field, t)),
    }
    if strict && word.fine.len() != 1 {
        for whole in &word.wholes {
            alternatives.push(Plan::term(field, whole));
        }
    }
    // A compound matches both its parts' phrase and its whole: it counts once, at the best.
    match alternatives.len() {
        0 => None,
        1 => alternatives.pop(),
        _ => Some(Plan::Max(alternatives)),
    }
}

/// A word as any of its finest terms, each looked up by `lookup`.
fn any_term(word: &WordTerms, lookup: &dyn Fn(&str) -> Plan) -> Option<Plan> {
    let parts: Vec<&str> = word.fine.iter().map(|(_, t)| t.as_str()).collect();
    shared(&parts, lookup)
}

/// One word looked up as any of `parts`, each by `lookup`: however many parts, they share
/// the word's weight.
pub(super) fn shared(parts: &[&str], lookup: &dyn Fn(&str) -> Plan) -> Option<Plan> {
    match parts {
        [] => None,
        [one] => Some(lookup(one)),
        many => {
            let share = 1.0 / many.len() as f32;
            let clauses = many
                .iter()
                .map(|t| (Occur::Should, Plan::Boost(Box::new(lookup(t)), share)))
                .collect();
            Some(Plan::Bool(clauses))
        }
    }
}
