//! Search: a query's way from text to ranked passages. [`query`] parses it into a tree;
//! `words` analyses its words in the context of the whole query; `compile` turns the tree into
//! a query plan ([`plan`], which also becomes a cluster's query) and a tantivy query
//! ([`Compiled`]), each word through `clauses`, scored by [`bm25`], with synonyms and mined
//! aliases ([`synonyms`]) and bonuses for terms that stand together and for shared character
//! bigrams; [`Searcher`] (`execute`) runs it and returns the page of
//! [`Hit`]s asked for (`hits`), with highlights ([`snippet`]). [`eval`] scores a run against
//! relevance judgements. A page of hits skips the bonuses of passages that cannot reach it
//! (`prune`). [`browse`] counts a query's hits by period, outlet, reporter, year and
//! folder, and reads the passages around a hit.
//!
//! Ties break by article and passage number, so the order is the same on every run.

pub mod bm25;
pub mod bm25f;
pub mod browse;
mod clauses;
mod compile;
pub mod eval;
mod execute;
mod hits;
mod maxscore;
pub mod plan;
mod prune;
pub mod query;
pub mod snippet;
pub mod synonyms;
mod ties;
mod words;

pub use clauses::{PHRASE_TITLE_WEIGHT, TITLE_WEIGHT};
pub use compile::{BIGRAM_WEIGHT, Compiled, EXPANSION_WEIGHT, PAIR_WEIGHT};
pub use execute::Searcher;
pub use hits::{Hit, Results, SearchOptions, parse_day};
