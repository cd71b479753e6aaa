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
    /// No index at the path.
    #[error(
        "no kosearch index at {0}; create one with `kosearch index <FOLDER>` (the same --index \
         or KOSEARCH_INDEX)"
    )]
    NoIndex(PathBuf),
    /// Another process holds the index's write lock.
    #[error(
        "another `kosearch index` is updating {0}; wait for it to finish, or pass --wait to \
         queue behind it"
    )]
    IndexBusy(PathBuf),
    /// The index was built with another schema, analyser or dictionary.
    #[error("index {path}: {reason}; rebuild it with `kosearch index --rebuild <FOLDER>...`")]
    IndexMismatch {
        /// The index folder.
        path: PathBuf,
        /// What differs.
        reason: String,
    },
    /// The disk holding the index is full.
    #[error(
        "index {0}: no space left on the device; free some space and run again (the index as \
         last committed is intact)"
    )]
    DiskFull(PathBuf),
    /// The index is on a read-only file system.
    #[error("index {0} is on a read-only file system: it cannot be updated there")]
    ReadOnly(PathBuf),
    /// The index is damaged.
    #[error(
        "index {path} is damaged ({reason}); `kosearch check` shows what is wrong, and \
         `kosearch index --rebuild <FOLDER>...` rebuilds it"
    )]
    Corrupt {
        /// The index folder.
        path: PathBuf,
        /// What tantivy reported.
        reason: String,
    },
    /// Another tantivy failure.
    #[error("index {path}: {source}")]
    Tantivy {
        /// The index folder.
        path: PathBuf,
        /// tantivy's error.
        source: tantivy::TantivyError,
    },
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

impl Error {
    /// Classifies a tantivy error on the index at `path`.
    pub fn tantivy(path: impl Into<PathBuf>, source: tantivy::TantivyError) -> Self {
        use tantivy::TantivyError as T;
        let path = path.into();
        if let T::IoError(e) = &source {
            match e.kind() {
                std::io::ErrorKind::StorageFull => return Error::DiskFull(path),
                std::io::ErrorKind::ReadOnlyFilesystem => return Error::ReadOnly(path),
                _ => {}
            }
        }
        // Some of tantivy's errors carry the I/O error only as text (a failed doc-store
        // write becomes `InternalError(String)`), so the errno is read from the message too.
        let text = source.to_string();
        if text.contains("os error 28") || text.contains("No space left") {
            return Error::DiskFull(path);
        }
        if text.contains("os error 30") || text.contains("Read-only file system") {
            return Error::ReadOnly(path);
        }
        match source {
            T::LockFailure(tantivy::directory::error::LockError::LockBusy, _) => {
                Error::IndexBusy(path)
            }
            T::DataCorruption(c) => Error::Corrupt {
                path,
                reason: format!("{c:?}"),
            },
            T::DeserializeError(e) => Error::Corrupt {
                path,
                reason: e.to_string(),
            },
            T::OpenReadError(e) => Error::Corrupt {
                path,
                reason: e.to_string(),
            },
            // Reading damaged data (a bad block, a truncated file) surfaces as I/O errors of
            // these kinds; a missing file or a full disk does not.
            T::IoError(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::InvalidData | std::io::ErrorKind::UnexpectedEof
                ) || e.to_string().contains("decompress") =>
            {
                Error::Corrupt {
                    path,
                    reason: e.to_string(),
                }
            }
            source => Error::Tantivy { path, source },
        }
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
