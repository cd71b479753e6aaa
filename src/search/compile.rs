//! A parsed query compiled into a tantivy query over the passages: its words analysed in
//! context ([`words`]), each word's clauses ([`clauses`](super::clauses)), the query's structure (required,
//! negated, grouped) kept, and what is added for ranking.
//!
//! For each pair of neighbouring query terms, passages where the two stand next to each
//! other in that order score more. Pairs are indexed as terms of their own (the `pairs`
//! field), so a pair that is rare in the collection counts for more than a common one.
//! Passages that share character bigrams with the query's words (the `bigrams` field,
//! [`BIGRAM_WEIGHT`]) score a little more too, which still rewards a name or a new word that
//! the analyser splits differently in the query and in the text (on KorQuAD, MRR@10 +0.001
//! alone and +0.004 with distractors; Recall@1 +0.002 and +0.007). Both bonuses only reorder
//! what the words match.
//!
//! A query word none of whose terms the index holds (a misspelling, a new coinage, a name
//! the analyser reads otherwise than the text: `이주한` as a name, NNP, where the text has
//! 이주/NNG 하/XSV) is looked up by its character bigrams instead, at one word's weight,
//! rather than counting for nothing (KorQuAD MRR@10 +0.0007 alone, +0.0001 with
//! distractors: few questions have such a word). A synonym or mined alias of a query word
//! is looked up as a phrase at [`EXPANSION_WEIGHT`], lowered further to the word's IDF when
//! it is rarer than the word, so that it never outranks the word the user typed.

use std::borrow::Cow;
use std::collections::BTreeSet;

use tantivy::Term;
use tantivy::query::Query;
use tantivy::schema::Field;

use super::bm25;
use super::clauses::{Clause, default_fields, shared, word_query};
use super::maxscore;
use super::plan::Plan;
use super::prune::Split;
use super::query::{FieldName, Node, Occur};
use super::synonyms::Synonyms;
use super::words::{self, Analysed};
use crate::analysis::Scratch;
use crate::analysis::terms::WordTerms;
use crate::analysis::tokenizer::{bigrams, pair_term};
use crate::index::KoIndex;

/// Weight of a synonym against the word the query has.
pub const EXPANSION_WEIGHT: f32 = 0.5;
/// Weight of the proximity clauses: pairs of neighbouring query terms, looked up as terms
/// of the `pairs` field (see [`crate::analysis::tokenizer::PairTokenizer`]).
pub const PAIR_WEIGHT: f32 = 0.6;
/// Weight of the bigram clauses: the character bigrams of the query's words, looked up in
/// the `bigrams` field (see [`crate::analysis::tokenizer::BigramTokenizer`]).
pub const BIGRAM_WEIGHT: f32 = 0.2;

/// A query ready to run: its plan, the tantivy query built from it, and the terms to
/// highlight.
pub struct Compiled {
    /// The query as data, for other engines ([`crate::export::cluster`]).
    pub plan: Plan,
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
    /// The words and the bonuses apart, for a top-k search that skips bonuses which cannot
    /// matter ([`super::prune`]); `None` without bonuses.
    pub(crate) split: Option<Split>,
}

impl Compiled {
    /// What a hit's highlights mark: the terms looked up, and the bigrams that stand in for
    /// unknown words (where a morpheme of the passage is one).
    pub(crate) fn marks(&self) -> Cow<'_, BTreeSet<String>> {
        if self.unknown.is_empty() {
            return Cow::Borrowed(&self.terms);
        }
        let mut marks = self.terms.clone();
        marks.extend(self.unknown.iter().flat_map(|(_, g)| g.iter().cloned()));
        Cow::Owned(marks)
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

/// Compiles `node` for the index `ko`, whose statistics `searcher` holds, expanding its
/// words with `synonyms`. `None` when no word of it yields a term (a query of particles
/// only).
pub(super) fn compile(
    ko: &KoIndex,
    searcher: tantivy::Searcher,
    synonyms: &Synonyms,
    node: &Node,
) -> Option<Compiled> {
    let mut c = Compiler {
        ko,
        searcher,
        unknown: Vec::new(),
        synonyms,
        scratch: Scratch::default(),
        terms: BTreeSet::new(),
        expansions: Vec::new(),
    };
    let analysed = words::analyse(ko, &mut c.scratch, node);
    let plan = c.node(&analysed, Occur::Should)?;
    let pairs = proximity_pairs(&analysed);
    let bigrams = query_bigrams(&analysed);
    let f = &ko.fields;
    let near: Vec<String> = pairs.iter().map(|(a, b)| pair_term(a, b)).collect();
    let bonuses: Vec<Clause> = [
        bonus(f.pairs, &near, PAIR_WEIGHT),
        bonus(f.bigrams, &bigrams, BIGRAM_WEIGHT),
    ]
    .into_iter()
    .flatten()
    .collect();
    let (plan, split) = if bonuses.is_empty() {
        (plan, None)
    } else {
        let bonus_terms: Vec<(Term, f32)> = near
            .iter()
            .map(|t| (Term::from_field_text(f.pairs, t), PAIR_WEIGHT))
            .chain(
                bigrams
                    .iter()
                    .map(|t| (Term::from_field_text(f.bigrams, t), BIGRAM_WEIGHT)),
            )
            .collect();
        let split = Split {
            required: plan.query(f),
            bonus: Plan::Bool(bonuses.clone()).query(f),
            shape: maxscore::Shape::of(&plan, &Plan::Bool(bonuses.clone()), f),
            bonus_terms,
        };
        let mut clauses = vec![(Occur::Must, plan)];
        clauses.extend(bonuses);
        (Plan::Bool(clauses), Some(split))
    };
    Some(Compiled {
        query: plan.query(f),
        split,
        plan,
        terms: c.terms,
        expansions: c.expansions,
        pairs,
        bigrams,
        unknown: c.unknown,
    })
}

/// A bonus: `terms` of `field` at `weight`, which reorders what the query matches and
/// matches nothing of its own. `None` without terms.
fn bonus(field: Field, terms: &[String], weight: f32) -> Option<Clause> {
    let clauses: Vec<Clause> = terms
        .iter()
        .map(|t| (Occur::Should, Plan::term(field, t)))
        .collect();
    (!clauses.is_empty()).then(|| {
        (
            Occur::Should,
            Plan::Boost(Box::new(Plan::Bool(clauses)), weight),
        )
    })
}

/// The character bigrams of the query's free words ([`words::free_words`]), once each, in
/// order. A lone character counts only when it is a term of its word: the particle of
/// `GPU를` is not looked up, so `GPU를` and `gpu` rank alike. (Bigrams that run into a
/// particle or an ending, like 격이 of 가격이, stay: dropping them, keeping only what the
/// indexed morphemes cover, cost MRR@10 0.0015 on KorQuAD.)
fn query_bigrams(query: &Analysed<'_>) -> Vec<String> {
    let mut seen = BTreeSet::new();
    let mut out = Vec::new();
    for (text, word) in words::free_words(query) {
        bigrams(text, |b| {
            let lone = b.chars().nth(1).is_none();
            if lone && !word.fine.iter().any(|(_, t)| t == b) {
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
/// hold the two in that order within [`crate::analysis::tokenizer::PAIR_WINDOW`] positions
/// score more, through the `pairs` field.
fn proximity_pairs(query: &Analysed<'_>) -> Vec<(String, String)> {
    let terms: Vec<&str> = words::free_words(query)
        .into_iter()
        .flat_map(|(_, word)| word.fine.iter().map(|(_, t)| t.as_str()))
        .collect();
    let mut pairs = Vec::new();
    let mut seen = BTreeSet::new();
    for w in terms.windows(2) {
        if w[0] != w[1] && seen.insert((w[0], w[1])) {
            pairs.push((w[0].to_string(), w[1].to_string()));
        }
    }
    pairs
}

/// Compiles the words and the structure of one query, gathering what [`Compiled`] reports.
struct Compiler<'a> {
    ko: &'a KoIndex,
    /// The index's statistics, to tell the words it holds from those it does not.
    searcher: tantivy::Searcher,
    /// The query's unknown words and the bigrams they are looked up by.
    unknown: Vec<(String, Vec<String>)>,
    synonyms: &'a Synonyms,
    expansions: Vec<(String, String)>,
    scratch: Scratch,
    terms: BTreeSet<String>,
}

impl Compiler<'_> {
    /// A node of the query taking part as `occur` (everything under a negation is negated).
    /// `None` when it has no positive word that yields a term.
    fn node(&mut self, node: &Analysed<'_>, occur: Occur) -> Option<Plan> {
        let positive = occur != Occur::MustNot;
        match node {
            Analysed::Word {
                field,
                text,
                phrase,
                terms,
                also,
            } => {
                let required = occur == Occur::Must;
                let plan = self.fielded(*field, text, terms, required, *phrase, positive);
                // The reading alone, where it differs (`words::Analysed::Word::also`): either
                // reading matches.
                let other = also
                    .as_ref()
                    .and_then(|a| self.fielded(*field, text, a, required, *phrase, positive));
                match (plan, other) {
                    (Some(plan), Some(other)) if plan != other => {
                        Some(Plan::Max(vec![plan, other]))
                    }
                    (plan, other) => plan.or(other),
                }
            }
            Analysed::Group(clauses) => {
                let mut out: Vec<Clause> = Vec::new();
                let mut has_positive = false;
                for (o, child) in clauses {
                    let child_positive = positive && *o != Occur::MustNot;
                    let Some(q) =
                        self.node(child, if child_positive { *o } else { Occur::MustNot })
                    else {
                        continue;
                    };
                    has_positive |= *o != Occur::MustNot;
                    out.push((*o, q));
                }
                if !has_positive {
                    return None;
                }
                if out.len() == 1 && out[0].0 != Occur::MustNot {
                    return out.pop().map(|(_, q)| q);
                }
                Some(Plan::Bool(out))
            }
        }
    }

    /// A word or phrase in one field, or in the default fields (text, and title with less
    /// weight). A required word and a phrase are strict ([`word_query`]); a phrase is not
    /// expanded.
    fn fielded(
        &mut self,
        field: Option<FieldName>,
        text: &str,
        word: &WordTerms,
        required: bool,
        phrase: bool,
        positive: bool,
    ) -> Option<Plan> {
        let f = self.ko.fields;
        if word.fine.is_empty() && word.wholes.is_empty() {
            return None;
        }
        if positive {
            self.mark(word);
        }
        let strict = required || phrase;
        match field {
            None => {
                let mut clauses = default_fields(f.text, f.title, word, strict, 1.0)?;
                if !strict && positive {
                    clauses.extend(self.unknown_word(text, word));
                }
                if !phrase {
                    clauses.extend(self.synonyms_of(text, word, positive));
                }
                Some(Plan::Bool(clauses))
            }
            Some(FieldName::Title) => word_query(f.title, word, strict),
            Some(FieldName::Source) => word_query(f.source, word, strict),
            Some(FieldName::Author) => word_query(f.author, word, strict),
            Some(FieldName::Path) => word_query(f.path_text, word, true),
        }
    }

    /// Keeps a positive word's terms for highlighting.
    fn mark(&mut self, word: &WordTerms) {
        self.terms.extend(word.fine.iter().map(|(_, t)| t.clone()));
        self.terms.extend(word.wholes.iter().cloned());
    }

    /// Synonyms: every other member of the word's groups, each as a phrase in the default
    /// fields at [`EXPANSION_WEIGHT`] (lowered by [`Compiler::relative_idf`]).
    fn synonyms_of(&mut self, text: &str, word: &WordTerms, positive: bool) -> Vec<Clause> {
        let members: Vec<String> = self
            .synonyms
            .expansions(&word.finest())
            .into_iter()
            .map(str::to_string)
            .collect();
        let mut clauses = Vec::new();
        for member in members {
            let other = WordTerms::of(&self.ko.analyzer, &member, &mut self.scratch);
            if positive {
                self.mark(&other);
                self.expansions.push((text.to_string(), member));
            }
            let weight = EXPANSION_WEIGHT * self.relative_idf(word, &other);
            let f = &self.ko.fields;
            if let Some(more) = default_fields(f.text, f.title, &other, true, weight) {
                clauses.extend(more);
            }
        }
        clauses
    }

    /// A word none of whose terms the index holds (a misspelling, a new coinage, a name the
    /// analyser splits otherwise in the text, as 이주한/NNP against 이주/NNG 하/XSV): looked
    /// up by its character bigrams in the `bigrams` field instead, sharing one word's
    /// weight, so that it still counts as a word of the query. `None` for a known word.
    fn unknown_word(&mut self, text: &str, word: &WordTerms) -> Option<Clause> {
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
        let query = shared(&parts, &|g| Plan::term(f.bigrams, g))?;
        self.unknown.push((text.to_string(), grams));
        Some((Occur::Should, query))
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
}

#[cfg(test)]
mod render;
#[cfg(test)]
mod tests;
