//! The library's one error type. The CLI adds context with `anyhow`; the engine never prints.

use std::path::PathBuf;

/// Everything that can go wrong inside kosearch's engine.
#[derive(Debug, thiserror::Error)]
pub enum Error {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file concerned.
        path: PathBuf,
        /// The underlying error.
        source: std::io::Error,
    },
    /// The Korean dictionary is missing or unusable.
    #[error("Korean dictionary at {path}: {reason}")]
    Dictionary {
        /// The dictionary folder.
        path: PathBuf,
        /// What is wrong.
        reason: String,
    },
    /// The user dictionary has a line kosearch cannot use.
    #[error("user dictionary {path}, line {line}: {reason}")]
    UserDictionary {
        /// The user dictionary file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with the line.
        reason: String,
    },
    /// A configuration value is invalid.
    #[error("{0}")]
    Config(String),
}

impl Error {
    /// An I/O error on `path`.
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        Error::Io {
            path: path.into(),
            source,
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
