//! One file's bytes to articles ([`read`]): binary documents (PDF, DOCX, HWP, HWPX) through
//! [`super::document`], recognised by their content whatever the extension says; text
//! formats decoded, then parsed by format. The indexer and `kosearch extract` both read
//! files through here, so what a user inspects is what is indexed.

use super::Format;
use super::decode::{self, DecodeError, Encoding};
use super::document::{self, DocumentError};
use super::parse::{self, ParseError, ParseOptions, Parsed, RecordProblem};

/// What one file yielded, and how it was read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Read {
    /// The file's articles and skipped records.
    pub parsed: Parsed,
    /// The format it was read as: the extension's, unless the content is a document of
    /// another format.
    pub format: Format,
    /// The encoding its text was read in; `None` for binary documents.
    pub encoding: Option<Encoding>,
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
    /// It is a document that cannot be read (damaged, protected, a scan …).
    #[error(transparent)]
    Document(#[from] DocumentError),
}

/// Reads one file's bytes, named as `format` by its extension. `forced` decodes every text
/// file with that encoding instead of detecting it; `file_stem` is the file name without its
/// extension (a date it starts with dates articles that carry none).
pub fn read(
    bytes: &[u8],
    format: Format,
    forced: Option<Encoding>,
    file_stem: &str,
    options: &ParseOptions,
) -> Result<Read, ReadError> {
    let format = match document::sniff(bytes) {
        Some(found) => found,
        None if format.is_document() => {
            return Err(DocumentError::NotThisFormat {
                expected: format.name(),
                found: document::describe(bytes),
            }
            .into());
        }
        None => format,
    };
    if format.is_document() {
        let mut article = document::read(format, bytes)?;
        parse::date_from_file_name(&mut article, file_stem);
        let parsed = if article.paragraphs.is_empty() {
            Parsed {
                articles: Vec::new(),
                problems: vec![RecordProblem {
                    record: 0,
                    reason: "no text found in the document".to_string(),
                }],
            }
        } else {
            Parsed {
                articles: vec![article],
                problems: Vec::new(),
            }
        };
        return Ok(Read {
            parsed,
            format,
            encoding: None,
        });
    }
    let decoded = decode::decode(bytes, forced)?;
    let parsed = parse::parse(format, &decoded.text, file_stem, options)?;
    Ok(Read {
        parsed,
        format,
        encoding: Some(decoded.encoding),
    })
}
