//! What parsing one file yields: its articles and the records that were skipped
//! ([`Parsed`], [`RecordProblem`]), or why the file could not be read at all ([`ParseError`]).

use crate::ingest::Article;

/// One record of a file that could not be turned into an article; the file's other records
/// are still read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblem {
    /// 1-based line for JSON Lines, 0-based index for JSON arrays, 0 for single-article files.
    pub record: usize,
    /// What is wrong with it.
    pub reason: String,
}

impl RecordProblem {
    /// Where the record is, as a user finds it in a file of `format`: `line 3` in JSON Lines,
    /// `record 3` elsewhere.
    pub fn place(&self, format: crate::ingest::Format) -> String {
        match format {
            crate::ingest::Format::JsonLines => format!("line {}", self.record),
            _ => format!("record {}", self.record),
        }
    }
}

/// What one file yielded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The articles, in file order, cleaned.
    pub articles: Vec<Article>,
    /// Records that were skipped, and why.
    pub problems: Vec<RecordProblem>,
}

/// A file that cannot be read as its format at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The text is not valid JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON parser found.
        message: String,
    },
    /// Reading the file would take more work or memory than one file may: what, and the
    /// limit.
    #[error("refused: {0}")]
    Budget(String),
    /// An MHTML save whose HTML part cannot be found or decoded: why.
    #[error("not a readable MHTML save: {0}")]
    Mhtml(String),
    /// Not an RSS or Atom feed, or one whose XML is broken.
    #[error("not a readable feed: {0}")]
    Feed(String),
    /// Valid JSON, but not an object or an array of objects.
    #[error("JSON top level is {found}; expected an article object or an array of them")]
    NotArticles {
        /// What the top level is ("a string", "a number" …).
        found: &'static str,
    },
}
