//! kosearch: search Korean articles by passage, offline.
//!
//! Data flows one way: [`ingest`] (walk, decode, parse) → [`passage`] → [`analysis`] →
//! [`index`], then [`search`] → [`export`]; [`cli`] and [`serve`] (the search page and its JSON
//! API) are the front ends. The Korean analyser rests on [`dictionary`]:
//! mecab-ko-dic in lindera's format, obtained at build time by `build.rs`. With the `fuzz` feature
//! (on for the tests and `tests/fuzz/`), `fuzz` holds the fuzz targets' bodies.

pub mod analysis;
pub mod cli;
pub mod dictionary;
pub mod error;
pub mod export;
#[cfg(feature = "fuzz")]
pub mod fuzz;
pub mod index;
pub mod ingest;
pub mod passage;
pub mod search;
pub mod serve;

pub use error::{Error, Result};
