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
    /// The POS filter names a tag the dictionary does not have.
    #[error("unknown part of speech {tag} in the POS filter (one of {known})")]
    UnknownPos {
        /// The tag asked for.
        tag: String,
        /// The tags there are, space-separated.
        known: String,
    },
    /// Passage sizes that cannot work together.
    #[error("passage sizes: {0}")]
    PassageSizes(String),
    /// A synonyms file has a line kosearch cannot use.
    #[error("synonyms {path}, line {line}: {reason}")]
    Synonyms {
        /// The synonyms file.
        path: PathBuf,
        /// 1-based line number.
        line: usize,
        /// What is wrong with the line.
        reason: String,
    },
    /// The schema built into kosearch is inconsistent (a defect of kosearch, not of the input).
    #[error("schema: {0}")]
    Schema(String),
    /// A file kosearch writes could not be serialised.
    #[error("{path}: {source}")]
    Json {
        /// The file concerned.
        path: PathBuf,
        /// serde_json's error.
        source: serde_json::Error,
    },
    /// The worker threads could not be started.
    #[error("cannot start worker threads: {0}")]
    Threads(#[from] rayon::ThreadPoolBuildError),
    /// A path that names no folder (`/`, `..`) where an index folder is to be created.
    #[error("{0}: not a folder name")]
    NotAFolderName(PathBuf),
    /// No index at the path.
    #[error("no kosearch index at {0}")]
    NoIndex(PathBuf),
    /// A folder that holds files but no kosearch index, where one is to be created.
    #[error("{0}: the folder exists and is not a kosearch index")]
    NotAnIndex(PathBuf),
    /// Another process holds the index's write lock.
    #[error("another `kosearch index` is updating {0}")]
    IndexBusy(PathBuf),
    /// The index was built with another schema, analyser or dictionary.
    #[error("index {path}: {reason}")]
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
    #[error("index {path} is damaged ({reason})")]
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
        let io = match &source {
            T::IoError(e) => Some(e.kind()),
            T::LockFailure(tantivy::directory::error::LockError::IoError(e), _) => Some(e.kind()),
            T::OpenWriteError(tantivy::directory::error::OpenWriteError::IoError {
                io_error,
                ..
            }) => Some(io_error.kind()),
            _ => None,
        };
        match io {
            Some(std::io::ErrorKind::StorageFull) => return Error::DiskFull(path),
            Some(std::io::ErrorKind::ReadOnlyFilesystem) => return Error::ReadOnly(path),
            _ => {}
        }
        // Some of tantivy's errors carry the I/O error only as text (a failed doc-store
        // write becomes `InternalError(String)`): a writer learns the cause with
        // `Error::tantivy_write`.
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

impl Error {
    /// Classifies a tantivy error met while writing the index at `path`. One tantivy does not
    /// classify by its I/O error is followed by a probe, a small file written and removed in
    /// the index folder: a full disk or a read-only file system shows in the probe's
    /// `io::ErrorKind`, however tantivy worded its own error.
    pub fn tantivy_write(path: impl Into<PathBuf>, source: tantivy::TantivyError) -> Self {
        let path = path.into();
        match Error::tantivy(&path, source) {
            Error::Tantivy { path, source } => match probe_write(&path) {
                Some(std::io::ErrorKind::StorageFull) => Error::DiskFull(path),
                Some(std::io::ErrorKind::ReadOnlyFilesystem) => Error::ReadOnly(path),
                _ => Error::Tantivy { path, source },
            },
            classified => classified,
        }
    }
}

/// Size of the probe: larger than what a nearly full disk usually has left after a failed
/// segment write, small enough to cost nothing.
const PROBE_BYTES: usize = 1 << 20;

/// Writes [`PROBE_BYTES`] into a temporary file in `dir` and syncs it; the kind of the error
/// if that fails.
fn probe_write(dir: &std::path::Path) -> Option<std::io::ErrorKind> {
    use std::io::Write;
    let probe = || -> std::io::Result<()> {
        let mut file = tempfile::Builder::new()
            .prefix(".kosearch-probe-")
            .tempfile_in(dir)?;
        file.write_all(&vec![0u8; PROBE_BYTES])?;
        file.as_file().sync_all()
    };
    probe().err().map(|e| e.kind())
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;
