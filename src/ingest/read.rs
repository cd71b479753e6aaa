//! One file's bytes to articles ([`read`]): decoding, then parsing by format. The indexer and
//! `kosearch extract` both read files through here, so what a user inspects is what is
//! indexed.

use super::Format;
use super::decode::{self, DecodeError, Encoding};
use super::parse::{self, ParseError, ParseOptions, Parsed};

/// What one file yielded, and how its text was encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// The file's articles and skipped records.
    pub parsed: Parsed,
    /// The encoding its text was read in.
    pub encoding: Encoding,
}

/// Why a file could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    /// Its bytes are not text in any encoding kosearch reads (or the one forced).
    #[error(transparent)]
    Decode(#[from] DecodeError),
    /// Its text is not its format at all.
    #[error(transparent)]
    Parse(#[from] ParseError),
}

/// Reads one file's bytes as `format`. `forced` decodes every text file with that encoding
/// instead of detecting it; `file_stem` is the file name without its extension (a date it
/// starts with dates articles that carry none).
pub fn read(
    bytes: &[u8],
    format: Format,
    forced: Option<Encoding>,
    file_stem: &str,
    options: &ParseOptions,
) -> Result<Read, ReadError> {
    let decoded = decode::decode(bytes, forced)?;
    let parsed = parse::parse(format, &decoded.text, file_stem, options)?;
    Ok(Read {
        parsed,
        encoding: decoded.encoding,
    })
}
