//! Office and print documents to articles: PDF (`pdf.rs`), DOCX (`docx.rs`), HWPX
//! (`hwpx.rs`) and HWP 5.0 (`hwp.rs`). Unlike the text formats these are binary containers,
//! read straight from the file's bytes ([`read`]) without decoding; [`sniff`] tells them apart
//! by content, whatever the extension says. DOCX and HWPX are zip archives of XML, read
//! through the bounded archive of `package.rs` and the paragraph walker of `xml_text.rs`.
//!
//! A document becomes one article: its body paragraphs in reading order (tables row by row,
//! footnotes after the body), without running headers and footers, with the title, author
//! and date its metadata holds. PDF paragraphs carry the page they start on.
//!
//! Every reader stays within a budget of work and memory fixed per file (see
//! RELIABILITY.md): archives are read entry by entry with their inflated size capped, so a
//! zip bomb fails when it passes the cap, not when memory runs out.

mod docx;
mod hwp;
mod hwpx;
mod package;
mod pdf;
mod xml_text;

use super::{Article, Format};

pub use pdf::silence_caught_panics;

/// Most bytes a document may inflate to in all (its parts, sections and streams).
pub const MAX_INFLATED: u64 = 512 << 20;

/// Why a document could not be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DocumentError {
    /// The file is not the format its extension names, nor another document kosearch reads.
    #[error("not a {expected} file: {found}")]
    NotThisFormat {
        /// The format the extension names.
        expected: &'static str,
        /// What the bytes look like instead.
        found: String,
    },
    /// A PDF whose pages hold no text, only pictures: a scan, which needs OCR first.
    #[error("no text layer in {pages} page(s): a scanned PDF? (kosearch does no OCR)")]
    NoTextLayer {
        /// Pages in the document.
        pages: usize,
    },
    /// The document is encrypted or restricted and its text cannot be read.
    #[error("{0}")]
    Protected(String),
    /// The document is damaged or not what its structure claims.
    #[error("damaged {format} file: {reason}")]
    Damaged {
        /// The format.
        format: &'static str,
        /// What is wrong.
        reason: String,
    },
    /// Reading it would take more work or memory than one file may.
    #[error("refused: {0}")]
    Budget(String),
}

impl DocumentError {
    fn damaged(format: Format, reason: impl std::fmt::Display) -> DocumentError {
        DocumentError::Damaged {
            format: format.name(),
            reason: reason.to_string(),
        }
    }
}

/// Reads all of `reader` unless it holds more than `cap` bytes, whatever size it declared:
/// `Ok(None)` as soon as the cap is passed. Every part, section and stream of a document is
/// read through here, so no declared size is trusted.
fn read_capped(reader: impl std::io::Read, cap: u64) -> std::io::Result<Option<Vec<u8>>> {
    use std::io::Read;
    let mut out = Vec::new();
    let read = reader.take(cap + 1).read_to_end(&mut out)?;
    Ok((read as u64 <= cap).then_some(out))
}

/// The document format of `bytes`, by content: `%PDF-`, a zip holding an HWPX `mimetype` or
/// `word/document.xml`, or an OLE compound file holding an HWP `FileHeader`. `None` for
/// anything else (text, or documents kosearch does not read).
pub fn sniff(bytes: &[u8]) -> Option<Format> {
    if pdf::is_pdf(bytes) {
        return Some(Format::Pdf);
    }
    if bytes.starts_with(b"PK\x03\x04") {
        return package::sniff(bytes);
    }
    if bytes.starts_with(&hwp::OLE_MAGIC) && hwp::is_hwp(bytes) {
        return Some(Format::Hwp);
    }
    None
}

/// Reads a document of `format` from its bytes.
pub fn read(format: Format, bytes: &[u8]) -> Result<Article, DocumentError> {
    let mut article = match format {
        Format::Pdf => pdf::read(bytes)?,
        Format::Docx => docx::read(bytes)?,
        Format::Hwpx => hwpx::read(bytes)?,
        Format::Hwp => hwp::read(bytes)?,
        other => {
            return Err(DocumentError::NotThisFormat {
                expected: "document",
                found: format!("{} is a text format", other.name()),
            });
        }
    };
    finish(&mut article);
    Ok(article)
}

/// What the bytes of a file that claims to be `format` look like, for an error message.
pub fn describe(bytes: &[u8]) -> String {
    let head = &bytes[..bytes.len().min(8)];
    if bytes.is_empty() {
        "the file is empty".to_string()
    } else if bytes.starts_with(b"PK\x03\x04") {
        "a zip archive that is neither DOCX nor HWPX".to_string()
    } else if bytes.starts_with(&hwp::OLE_MAGIC) {
        "an OLE compound file that is not HWP (a .doc, .xls or .ppt?)".to_string()
    } else if head
        .iter()
        .all(|b| b.is_ascii_graphic() || b.is_ascii_whitespace())
    {
        let start: String = String::from_utf8_lossy(&bytes[..bytes.len().min(16)])
            .chars()
            .filter(|c| !c.is_control())
            .collect();
        format!("it starts with text ({start:?})")
    } else {
        format!("it starts with bytes {head:02X?}")
    }
}

/// Trims paragraphs and metadata, drops empty paragraphs (with their pages) and normalises
/// the date.
fn finish(article: &mut Article) {
    let pages = std::mem::take(&mut article.pages);
    let paragraphs = std::mem::take(&mut article.paragraphs);
    for (i, p) in paragraphs.into_iter().enumerate() {
        let p = super::text::collapse_whitespace(&p);
        if p.is_empty() {
            continue;
        }
        article.paragraphs.push(p);
        if let Some(page) = pages.get(i) {
            article.pages.push(*page);
        }
    }
    for slot in [&mut article.title, &mut article.author] {
        *slot = slot
            .as_deref()
            .map(super::text::collapse_whitespace)
            .filter(|s| !s.is_empty());
    }
    article.date = article
        .date
        .as_deref()
        .and_then(super::text::date::normalize_date);
}
