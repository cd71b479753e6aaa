//! Reading a user's folder: walk it ([`walk`]), turn each file's bytes into text
//! ([`decode`]), and each text into articles ([`parse`]) with their metadata, keeping what is
//! article and dropping page furniture ([`clean`]); [`read`] does the whole of one file. Parsing and cleaning share their text
//! helpers (whitespace, dates, reporters' names) through the private `text` module, which
//! depends on neither.

pub mod clean;
pub mod decode;
pub mod document;
pub mod parse;
pub mod read;
pub(crate) mod text;
pub mod walk;

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

/// One article as found in a file, before it is cut into passages.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Article {
    /// The record's own id (JSON/JSONL `id`, `_id`, `docid`); `None` for other formats.
    pub id: Option<String>,
    /// Headline.
    pub title: Option<String>,
    /// Publication date, normalised to `YYYY-MM-DD` when it can be read as a date.
    pub date: Option<String>,
    /// Publisher or outlet (매체).
    pub source: Option<String>,
    /// Author or byline (기자).
    pub author: Option<String>,
    /// Canonical URL.
    pub url: Option<String>,
    /// The body, one entry per paragraph, without page furniture.
    pub paragraphs: Vec<String>,
    /// The 1-based page each paragraph starts on, for formats with pages (PDF); empty for
    /// the others.
    pub pages: Vec<u32>,
    /// Any other metadata found (front matter keys, JSON fields, HTML meta tags).
    pub meta: BTreeMap<String, String>,
    /// Position of the record in its file (0-based) for JSON arrays and JSON Lines.
    pub record: Option<usize>,
}

/// The file formats kosearch reads, chosen by extension.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Format {
    /// `.txt`
    Text,
    /// `.md`, `.markdown`
    Markdown,
    /// `.html`, `.htm`
    Html,
    /// `.json`: one article or an array of them.
    Json,
    /// `.jsonl`, `.ndjson`: one article per line.
    JsonLines,
    /// `.pdf`: the text layer, page by page.
    Pdf,
    /// `.docx`: Word documents.
    Docx,
    /// `.hwp`: 한글 documents (HWP 5.0).
    Hwp,
    /// `.hwpx`: 한글 documents (OWPML).
    Hwpx,
    /// `.mhtml`, `.mht`: a web page saved as one MIME message.
    Mhtml,
    /// `.rss`, `.atom` (and `.xml` when asked for): one article per item.
    Feed,
}

impl Format {
    /// The format of a file extension (lower-case, without the dot).
    pub fn from_extension(ext: &str) -> Option<Format> {
        match ext.to_ascii_lowercase().as_str() {
            "txt" | "text" => Some(Format::Text),
            "md" | "markdown" => Some(Format::Markdown),
            "html" | "htm" | "xhtml" => Some(Format::Html),
            "json" => Some(Format::Json),
            "jsonl" | "ndjson" => Some(Format::JsonLines),
            "pdf" => Some(Format::Pdf),
            "docx" => Some(Format::Docx),
            "hwp" => Some(Format::Hwp),
            "hwpx" => Some(Format::Hwpx),
            "mhtml" | "mht" => Some(Format::Mhtml),
            "rss" | "atom" | "xml" => Some(Format::Feed),
            _ => None,
        }
    }

    /// The extensions read by default.
    pub const DEFAULT_EXTENSIONS: [&'static str; 16] = [
        "txt", "md", "markdown", "html", "htm", "json", "jsonl", "ndjson", "mhtml", "mht", "rss",
        "atom", "pdf", "docx", "hwp", "hwpx",
    ];

    /// The format's name, as stored in the index and shown (`text`, `html`, `pdf` …).
    pub fn name(self) -> &'static str {
        match self {
            Format::Text => "text",
            Format::Markdown => "markdown",
            Format::Html => "html",
            Format::Json => "json",
            Format::JsonLines => "jsonl",
            Format::Mhtml => "mhtml",
            Format::Feed => "feed",
            Format::Pdf => "pdf",
            Format::Docx => "docx",
            Format::Hwp => "hwp",
            Format::Hwpx => "hwpx",
        }
    }

    /// Whether files of this format are binary documents, read without decoding text.
    pub fn is_document(self) -> bool {
        matches!(
            self,
            Format::Pdf | Format::Docx | Format::Hwp | Format::Hwpx
        )
    }
}
