//! Search: query parsing, ranking, snippets.

pub mod query;
