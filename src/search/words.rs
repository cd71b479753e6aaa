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
//! (`교토의 13일 교토의` reads 교토/의 first, 교/토의 last). A word, or a piece of a phrase,
//! that the context reads as nothing to index while alone it is a word keeps its own reading
//! (at the start of `열차 노선 가격`, MeCab-ko reads 열차 as an interjection, and the query
//! lost it). A quoted phrase stands for its text wherever that appears, so where its reading
//! alone differs and indexes every piece, it is kept beside the one its place gives
//! (`Analysed::Word::also`; after `가격 `, `"열차 노선"` reads 열/차/노선, an article's 열차
//! 노선 reads 열차/노선), and the phrase matches either. So is a plain word's reading alone
//! where it cuts the word into fewer morphemes than its place does (after `가격 `, 열차 reads
//! 열/차; after `주 `, 온타리오 reads 온/타리/오): the word matches either reading, with the
//! better score. Where the context joins what alone is cut finer (`노선인`), only the
//! context's reading is kept; with both kept for every word that differs, 541 of the 3,025
//! KorQuAD queries changed and the figures did not improve. A `path:` value is split like
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
        /// The other reading: its terms analysed alone, where they differ from those its
        /// place in the query gives and index something of every piece (a plain word: and
        /// cut it into fewer morphemes).
        also: Option<WordTerms>,
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
                    ..
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

/// A word's (or a phrase's) terms as one reading gives them, and for each of its
/// space-separated pieces whether that reading indexes anything of it.
#[derive(Default)]
struct Reading {
    terms: WordTerms,
    kept: Vec<bool>,
    /// How many indexed morphemes (compounds counted once) the reading cuts the word into.
    morphemes: usize,
}

/// Analyses `words` joined by spaces; each word's reading, in the same order.
fn analyse_together(ko: &KoIndex, scratch: &mut Scratch, words: &[&str]) -> Vec<Reading> {
    let mut context = String::new();
    let mut pieces: Vec<Vec<(usize, usize)>> = Vec::with_capacity(words.len());
    for w in words {
        if !context.is_empty() {
            context.push(' ');
        }
        let at = context.len();
        let mut spans = Vec::new();
        let mut start = None;
        for (i, c) in w.char_indices().chain(std::iter::once((w.len(), ' '))) {
            match (start, c.is_whitespace()) {
                (None, false) => start = Some(i),
                (Some(s), true) => {
                    spans.push((at + s, at + i));
                    start = None;
                }
                _ => {}
            }
        }
        pieces.push(spans);
        context.push_str(w);
    }
    let mut tokens: Vec<Vec<(TokenKind, usize, String)>> = vec![Vec::new(); words.len()];
    let mut kept: Vec<Vec<bool>> = pieces.iter().map(|p| vec![false; p.len()]).collect();
    ko.analyzer.analyze(&context, scratch, |t| {
        if !t.indexed {
            return;
        }
        let inside = |&(s, e): &(usize, usize)| s <= t.start && t.start < e;
        let at = pieces
            .iter()
            .enumerate()
            .find_map(|(k, spans)| spans.iter().position(inside).map(|j| (k, j)));
        if let Some((k, j)) = at {
            tokens[k].push((t.kind, t.position, t.term.to_string()));
            kept[k][j] = true;
        }
    });
    tokens
        .into_iter()
        .zip(kept)
        .map(|(tokens, kept)| Reading {
            morphemes: tokens
                .iter()
                .filter(|(kind, ..)| *kind == TokenKind::Morpheme)
                .count(),
            terms: WordTerms::fold(tokens),
            kept,
        })
        .collect()
}

/// The tree of `node`, its words in context taking their terms from `analysed` in the order
/// [`in_context`] listed them.
fn build<'q>(
    ko: &KoIndex,
    scratch: &mut Scratch,
    node: &'q Node,
    analysed: &mut impl Iterator<Item = Reading>,
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
    analysed: &mut impl Iterator<Item = Reading>,
) -> Analysed<'q> {
    let (terms, also) = if text.is_empty() {
        (WordTerms::default(), None)
    } else if field == Some(FieldName::Path) {
        (path_terms(ko, text), None)
    } else if takes_context(field, text) {
        let in_context = analysed.next().unwrap_or_default();
        let alone = alone(ko, scratch, text);
        let whole = |r: &Reading| r.kept.iter().all(|&k| k);
        // A piece the context reads as nothing to index (열차 as an interjection at the
        // start of `"열차 노선" 가격`) but that alone is a word: the word's own reading.
        let lost = alone
            .kept
            .iter()
            .zip(&in_context.kept)
            .any(|(&a, &c)| a && !c);
        if lost {
            (alone.terms, None)
        } else if whole(&alone)
            && alone.terms != in_context.terms
            && (phrase || alone.morphemes < in_context.morphemes)
        {
            // A phrase stands for its text wherever it is: after `가격 `, `"열차 노선"` reads
            // 열/차/노선, but 열차 노선 in an article reads 열차/노선, as alone. A word, where
            // the context cuts it finer than it reads alone: after `가격 `, 열차 reads 열/차;
            // 온타리오 after 주, 온/타리/오. Where the context joins what alone is cut
            // (`열차 노선인` reads 노선/인, `노선인` alone 노/선인), the context is right.
            (in_context.terms, Some(alone.terms))
        } else {
            (in_context.terms, None)
        }
    } else {
        (alone(ko, scratch, text).terms, None)
    };
    Analysed::Word {
        field,
        text,
        phrase,
        terms,
        also,
    }
}

/// The reading of `text` analysed on its own.
fn alone(ko: &KoIndex, scratch: &mut Scratch, text: &str) -> Reading {
    analyse_together(ko, scratch, &[text])
        .pop()
        .unwrap_or_default()
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
