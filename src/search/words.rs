//! A parsed query with its words analysed: the tree of [`Node`] again, each word and phrase
//! holding its terms ([`WordTerms`]).
//!
//! A query word is analysed exactly like the text, so `GPU를` looks for `gpu` and `모델들` for
//! `모델`, and it is compared by its *finest terms*: its morphemes, with a compound replaced
//! by its parts (`소형언어모델` → 소형, 언어, 모델; [`crate::analysis::terms`]).
//!
//! The query's words are analysed together, as the text around them would be: the words and
//! phrases joined by spaces in the order typed, so each morpheme keeps its left context
//! (`노선인` alone reads 노/선인; after `열차 ` it reads 노선/인). Invariant: every word of the
//! tree holds the terms of its own place in the query, whatever other word has the same text
//! (`교토의 13일 교토의` reads 교토/의 first, 교/토의 last). A `path:` value is split like
//! the path field is indexed, and takes no part in the others' context; a `source:` or
//! `author:` value is analysed alone, as the outlet or byline it is compared with was indexed
//! (after `GPU `, 한빛뉴스 would read 한/빛/뉴스, and match no outlet named 한빛뉴스).

use tantivy::tokenizer::TokenStream;

use super::query::{FieldName, Node, Occur};
use crate::analysis::terms::WordTerms;
use crate::analysis::{Scratch, TokenKind};
use crate::index::{KoIndex, PATH_ANALYZER};

/// A parsed query with its words analysed.
#[derive(Debug)]
pub(super) enum Analysed<'q> {
    /// A word or a quoted phrase.
    Word {
        /// Restricted to a field, else the default fields.
        field: Option<FieldName>,
        /// The text as typed.
        text: &'q str,
        /// Whether it was quoted.
        phrase: bool,
        /// Its terms.
        terms: WordTerms,
    },
    /// Clauses combined.
    Group(Vec<(Occur, Analysed<'q>)>),
}

/// Analyses the words of `node` in the context of the whole query (module docs).
pub(super) fn analyse<'q>(ko: &KoIndex, scratch: &mut Scratch, node: &'q Node) -> Analysed<'q> {
    let mut texts = Vec::new();
    in_context(node, &mut texts);
    let mut analysed = analyse_together(ko, scratch, &texts).into_iter();
    build(ko, scratch, node, &mut analysed)
}

/// The words of a query that are neither negated nor in a phrase or a field, in order, with
/// their terms: what the bonuses for proximity and for bigrams are made of.
pub(super) fn free_words<'a>(query: &'a Analysed<'_>) -> Vec<(&'a str, &'a WordTerms)> {
    let Analysed::Group(clauses) = query else {
        return Vec::new();
    };
    clauses
        .iter()
        .filter_map(|(o, child)| match (o, child) {
            (
                Occur::Should | Occur::Must,
                Analysed::Word {
                    field: None,
                    phrase: false,
                    text,
                    terms,
                },
            ) => Some((*text, terms)),
            _ => None,
        })
        .collect()
}

/// Whether a word is analysed with the others: not a `path:`, `source:` or `author:` value,
/// and not empty.
fn takes_context(field: Option<FieldName>, text: &str) -> bool {
    matches!(field, None | Some(FieldName::Title)) && !text.is_empty()
}

/// The texts of the words analysed together, in the order typed.
fn in_context<'q>(node: &'q Node, out: &mut Vec<&'q str>) {
    match node {
        Node::Word { field, text } | Node::Phrase { field, text } => {
            if takes_context(*field, text) {
                out.push(text);
            }
        }
        Node::Group(clauses) => clauses.iter().for_each(|(_, c)| in_context(c, out)),
    }
}

/// Analyses `words` joined by spaces; each word's terms, in the same order.
fn analyse_together(ko: &KoIndex, scratch: &mut Scratch, words: &[&str]) -> Vec<WordTerms> {
    let mut context = String::new();
    let mut spans = Vec::with_capacity(words.len());
    for w in words {
        if !context.is_empty() {
            context.push(' ');
        }
        spans.push((context.len(), context.len() + w.len()));
        context.push_str(w);
    }
    let mut tokens: Vec<Vec<(TokenKind, usize, String)>> = vec![Vec::new(); words.len()];
    ko.analyzer.analyze(&context, scratch, |t| {
        if !t.indexed {
            return;
        }
        if let Some(k) = spans.iter().position(|&(s, e)| s <= t.start && t.start < e) {
            tokens[k].push((t.kind, t.position, t.term.to_string()));
        }
    });
    tokens.into_iter().map(WordTerms::fold).collect()
}

/// The tree of `node`, its words in context taking their terms from `analysed` in the order
/// [`in_context`] listed them.
fn build<'q>(
    ko: &KoIndex,
    scratch: &mut Scratch,
    node: &'q Node,
    analysed: &mut impl Iterator<Item = WordTerms>,
) -> Analysed<'q> {
    match node {
        Node::Word { field, text } => word(ko, scratch, *field, text, false, analysed),
        Node::Phrase { field, text } => word(ko, scratch, *field, text, true, analysed),
        Node::Group(clauses) => Analysed::Group(
            clauses
                .iter()
                .map(|(o, c)| (*o, build(ko, scratch, c, analysed)))
                .collect(),
        ),
    }
}

/// One word of the tree (see [`build`]).
fn word<'q>(
    ko: &KoIndex,
    scratch: &mut Scratch,
    field: Option<FieldName>,
    text: &'q str,
    phrase: bool,
    analysed: &mut impl Iterator<Item = WordTerms>,
) -> Analysed<'q> {
    let terms = if text.is_empty() {
        WordTerms::default()
    } else if field == Some(FieldName::Path) {
        path_terms(ko, text)
    } else if takes_context(field, text) {
        analysed.next().unwrap_or_default()
    } else {
        analyse_together(ko, scratch, &[text])
            .pop()
            .unwrap_or_default()
    };
    Analysed::Word {
        field,
        text,
        phrase,
        terms,
    }
}

/// Splits a `path:` value like the path field is indexed.
fn path_terms(ko: &KoIndex, text: &str) -> WordTerms {
    let mut out = WordTerms::default();
    if let Some(mut analyzer) = ko.index.tokenizers().get(PATH_ANALYZER) {
        let mut stream = analyzer.token_stream(text);
        while let Some(t) = stream.next() {
            out.fine.push((t.position, t.text.clone()));
        }
    }
    out
}
