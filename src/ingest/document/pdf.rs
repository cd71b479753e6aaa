//! PDF: the text layer, laid out again from the glyphs. `pdf-extract` (over `lopdf`)
//! decodes each glyph to Unicode through the fonts' encodings and ToUnicode maps and gives
//! its position, advance and size; the layout is ours (`layout.rs`): glyphs to lines, words
//! separated by real gaps (no spaces inside Hangul words, none lost between them), lines to
//! paragraphs by vertical gaps and size, running headers, footers and page numbers dropped
//! when they repeat across pages, and the page of each paragraph kept. The title is the
//! document's `/Title`, else the first page's largest line.
//!
//! A PDF without any text (a scan) is an error that says so; an encrypted one that opens
//! with the empty password (many do: printing restrictions only) is read, any other is
//! reported as protected.

mod layout;

use std::panic::{self, AssertUnwindSafe};

use lopdf::{Document, Object};
use pdf_extract::{MediaBox, OutputDev, OutputError, Transform};

use super::DocumentError;
use crate::ingest::{Article, Format};
use layout::{Glyph, Page};

/// Most pages read from one PDF.
const MAX_PAGES: usize = 20_000;
/// Most glyphs read from one PDF (about 40 MB of layout data).
const MAX_GLYPHS: usize = 1_000_000;

/// Whether `bytes` are a PDF: `%PDF-` within the first 1,024 bytes, as readers accept.
pub(super) fn is_pdf(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(1024)];
    head.windows(5).any(|w| w == b"%PDF-")
}

fn damaged(reason: impl std::fmt::Display) -> DocumentError {
    DocumentError::damaged(Format::Pdf, reason)
}

thread_local! {
    /// Whether this thread is inside the PDF reader, where a panic is caught and reported
    /// as the file's failure.
    static GUARDED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

/// Installs a panic hook that says nothing of the panics the PDF reader catches (they are
/// reported as the file's failure, with the panic's message) and hands every other panic to
/// the hook installed before. For programs: the `kosearch` binary calls it once at start.
pub fn silence_caught_panics() {
    let previous = panic::take_hook();
    panic::set_hook(Box::new(move |info| {
        if !GUARDED.with(std::cell::Cell::get) {
            previous(info);
        }
    }));
}

/// Reads a PDF file.
pub(super) fn read(bytes: &[u8]) -> Result<Article, DocumentError> {
    // The parser and glyph decoder are third-party code facing hostile input (a fuzzing run
    // of damaged fixtures made them panic 70 times in 1,350 inputs): a panic in them is this
    // file's failure, not the run's.
    GUARDED.with(|g| g.set(true));
    let outcome = panic::catch_unwind(AssertUnwindSafe(|| read_unguarded(bytes)));
    GUARDED.with(|g| g.set(false));
    outcome.unwrap_or_else(|p| {
        let what = p
            .downcast_ref::<&str>()
            .map(|s| s.to_string())
            .or_else(|| p.downcast_ref::<String>().cloned())
            .unwrap_or_else(|| "unknown".to_string());
        Err(damaged(format!("the PDF reader failed: {what}")))
    })
}

fn read_unguarded(bytes: &[u8]) -> Result<Article, DocumentError> {
    let mut doc = Document::load_mem(bytes).map_err(damaged)?;
    if doc.is_encrypted() && doc.decrypt("").is_err() {
        return Err(DocumentError::Protected(
            "password-protected PDF: its text is encrypted".to_string(),
        ));
    }
    let page_count = doc.get_pages().len();
    if page_count > MAX_PAGES {
        return Err(DocumentError::Budget(format!(
            "{page_count} pages (at most {MAX_PAGES})"
        )));
    }
    let mut collector = Collector::default();
    if let Err(e) = pdf_extract::output_doc(&doc, &mut collector) {
        // What was read before a damaged page is kept, unless the glyph budget ran out.
        if collector.over_budget {
            return Err(DocumentError::Budget(format!(
                "more than {MAX_GLYPHS} characters of text"
            )));
        }
        if collector.pages.is_empty() {
            return Err(damaged(e));
        }
    }
    let glyphs: usize = collector.pages.iter().map(|p| p.glyphs.len()).sum();
    if glyphs == 0 {
        return Err(DocumentError::NoTextLayer { pages: page_count });
    }
    let laid = layout::lay_out(&collector.pages);
    let info = info(&doc);
    let mut article = Article {
        title: info.title.filter(|t| plausible_title(t)).or(laid.title),
        author: info.author,
        date: info.created,
        ..Article::default()
    };
    for (text, page) in laid.paragraphs {
        article.paragraphs.push(text);
        article.pages.push(page);
    }
    Ok(article)
}

/// Whether a `/Title` is a title and not a file name or a producer's placeholder.
fn plausible_title(t: &str) -> bool {
    let t = t.trim().to_lowercase();
    !(t.is_empty()
        || t == "untitled"
        || t.starts_with("microsoft word - ")
        || [
            ".doc", ".docx", ".hwp", ".hwpx", ".pdf", ".ppt", ".pptx", ".txt",
        ]
        .iter()
        .any(|ext| t.ends_with(ext)))
}

/// The metadata of the document information dictionary.
#[derive(Debug, Default)]
struct Info {
    title: Option<String>,
    author: Option<String>,
    created: Option<String>,
}

fn info(doc: &Document) -> Info {
    let Ok(dict) = doc
        .trailer
        .get_deref(b"Info", doc)
        .and_then(Object::as_dict)
    else {
        return Info::default();
    };
    let text = |key: &[u8]| {
        dict.get_deref(key, doc)
            .ok()
            .and_then(|o| o.as_str().ok())
            .map(text_string)
            .filter(|s| !s.trim().is_empty())
    };
    Info {
        title: text(b"Title"),
        author: text(b"Author"),
        // `D:20260320090000Z`: the date's digits are what `normalize_date` reads.
        created: text(b"CreationDate").map(|d| {
            let digits = d.trim_start_matches("D:");
            match (digits.get(..4), digits.get(4..6), digits.get(6..8)) {
                (Some(y), Some(m), Some(d)) => format!("{y}-{m}-{d}"),
                _ => digits.to_string(),
            }
        }),
    }
}

/// A PDF text string: UTF-16BE after a byte order mark, UTF-8 after its mark, else
/// PDFDocEncoding (read as Latin-1, which it equals for letters and digits).
fn text_string(bytes: &[u8]) -> String {
    if let Some(rest) = bytes.strip_prefix(&[0xFE, 0xFF]) {
        let units: Vec<u16> = rest
            .chunks_exact(2)
            .map(|c| u16::from_be_bytes([c[0], c[1]]))
            .collect();
        return String::from_utf16_lossy(&units);
    }
    if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        return String::from_utf8_lossy(rest).into_owned();
    }
    bytes.iter().map(|&b| char::from(b)).collect()
}

/// Collects every glyph with its position, page by page.
#[derive(Default)]
struct Collector {
    pages: Vec<Page>,
    current: Option<Page>,
    glyphs: usize,
    over_budget: bool,
}

impl OutputDev for Collector {
    fn begin_page(
        &mut self,
        page_num: u32,
        media_box: &MediaBox,
        _art_box: Option<(f64, f64, f64, f64)>,
    ) -> Result<(), OutputError> {
        self.current = Some(Page {
            number: page_num,
            height: (media_box.ury - media_box.lly).abs(),
            glyphs: Vec::new(),
        });
        Ok(())
    }

    fn end_page(&mut self) -> Result<(), OutputError> {
        if let Some(page) = self.current.take() {
            self.pages.push(page);
        }
        Ok(())
    }

    fn output_character(
        &mut self,
        trm: &Transform,
        width: f64,
        _spacing: f64,
        font_size: f64,
        text: &str,
    ) -> Result<(), OutputError> {
        let Some(page) = self.current.as_mut() else {
            return Ok(());
        };
        self.glyphs += 1;
        if self.glyphs > MAX_GLYPHS {
            self.over_budget = true;
            return Err(OutputError::FormatError(std::fmt::Error));
        }
        // The glyph's size on the page: the font size scaled by the text rendering matrix
        // (its area scale, whatever the rotation).
        let size = font_size * (trm.m11 * trm.m22 - trm.m12 * trm.m21).abs().sqrt();
        let x = trm.m31;
        // PDF y grows upwards; the layout reads top to bottom.
        let y = page.height - trm.m32;
        if !(x.is_finite() && y.is_finite() && size.is_finite()) {
            return Ok(());
        }
        page.glyphs.push(Glyph {
            x,
            y,
            advance: width * size,
            size,
            text: text.to_string(),
        });
        Ok(())
    }

    fn begin_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_word(&mut self) -> Result<(), OutputError> {
        Ok(())
    }

    fn end_line(&mut self) -> Result<(), OutputError> {
        Ok(())
    }
}
