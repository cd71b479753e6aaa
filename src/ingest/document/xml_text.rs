//! The paragraphs of an XML document part (DOCX's `w:` and HWPX's `hp:` vocabularies are
//! alike): text elements inside paragraph elements, tables read row by row with a row's
//! cells on one line, paragraphs nested in text boxes kept as their own, footnotes set
//! apart, headers and footers left out. One pass over the events, no tree.

use quick_xml::Reader;
use quick_xml::events::Event;

use super::DocumentError;
use crate::ingest::text::xml::{attribute, entity};
use crate::ingest::{Article, Format};

/// Most elements open at once; deeper nesting is refused.
const MAX_DEPTH: usize = 1_000;

/// The element names (local names, without prefix) a vocabulary uses.
pub(super) struct Vocabulary {
    /// A paragraph.
    pub paragraph: &'static str,
    /// Elements whose character data is text.
    pub text: &'static [&'static str],
    /// A table row.
    pub row: &'static str,
    /// Empty elements that stand for a space (tabs) or a line break.
    pub spaces: &'static [&'static str],
    /// Elements whose whole subtree is left out (running headers and footers, deleted text).
    pub skip: &'static [&'static str],
    /// Elements whose paragraphs are notes, kept apart from the body.
    pub notes: &'static [&'static str],
}

/// The text of a part: body paragraphs and notes, in document order.
#[derive(Debug, Default)]
pub(super) struct Walked {
    pub paragraphs: Vec<String>,
    pub notes: Vec<String>,
}

enum Open {
    Paragraph(String),
    Row(String),
    Other,
}

/// Walks `xml` (a part of a `format` document) and returns its paragraphs and notes.
pub(super) fn walk(xml: &str, vocab: &Vocabulary, format: Format) -> Result<Walked, DocumentError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut out = Walked::default();
    let mut open: Vec<Open> = Vec::new();
    let mut in_text = 0usize;
    let mut skip_from: Option<usize> = None;
    let mut notes_from: Vec<usize> = Vec::new();
    loop {
        let event = next_event(&mut reader, format)?;
        match event {
            Event::Start(e) => {
                if open.len() >= MAX_DEPTH {
                    return Err(DocumentError::Budget(format!(
                        "XML nested more than {MAX_DEPTH} deep"
                    )));
                }
                let name = e.local_name();
                let name = name.as_ref();
                let depth = open.len();
                if skip_from.is_none() && vocab.skip.contains(&name) {
                    skip_from = Some(depth);
                }
                if vocab.notes.contains(&name) {
                    notes_from.push(depth);
                }
                if vocab.text.contains(&name) {
                    in_text += 1;
                }
                open.push(if name == vocab.paragraph {
                    Open::Paragraph(String::new())
                } else if name == vocab.row {
                    Open::Row(String::new())
                } else {
                    Open::Other
                });
            }
            Event::End(e) => {
                let Some(closed) = open.pop() else { continue };
                let depth = open.len();
                let name = e.local_name();
                if vocab.text.contains(&name.as_ref()) {
                    in_text = in_text.saturating_sub(1);
                }
                let skipping = skip_from.is_some_and(|from| depth >= from);
                if skip_from == Some(depth) {
                    skip_from = None;
                }
                let in_notes = !notes_from.is_empty();
                if notes_from.last() == Some(&depth) {
                    notes_from.pop();
                }
                if skipping {
                    continue;
                }
                match closed {
                    Open::Paragraph(text) => deliver(text, &mut open, &mut out, in_notes),
                    Open::Row(text) => emit(text, &mut out, in_notes),
                    Open::Other => {}
                }
            }
            Event::Empty(e) => {
                let name = e.local_name();
                if skip_from.is_none() && vocab.spaces.contains(&name.as_ref()) {
                    push_text(&mut open, " ");
                }
            }
            Event::Text(t) if in_text > 0 && skip_from.is_none() => {
                push_text(&mut open, &t.xml10_content());
            }
            Event::CData(t) if in_text > 0 && skip_from.is_none() => {
                push_text(&mut open, &t.xml10_content());
            }
            Event::GeneralRef(r) if in_text > 0 && skip_from.is_none() => {
                if let Some(c) = entity(&r) {
                    push_text(&mut open, c.encode_utf8(&mut [0; 4]));
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(out)
}

/// The next event of a part, or why its XML is broken.
fn next_event<'a>(
    reader: &mut Reader<&'a [u8]>,
    format: Format,
) -> Result<Event<'a>, DocumentError> {
    reader.read_event().map_err(|e| {
        DocumentError::damaged(
            format,
            format!("XML at byte {}: {e}", reader.error_position()),
        )
    })
}

/// Appends text to the innermost open paragraph.
fn push_text(open: &mut [Open], text: &str) {
    if let Some(Open::Paragraph(p)) = open
        .iter_mut()
        .rev()
        .find(|o| matches!(o, Open::Paragraph(_)))
    {
        p.push_str(text);
    }
}

/// A finished paragraph: into the row it is a cell of, else on its own.
fn deliver(text: String, open: &mut [Open], out: &mut Walked, in_notes: bool) {
    let container = open
        .iter_mut()
        .rev()
        .find(|o| matches!(o, Open::Paragraph(_) | Open::Row(_)));
    match container {
        Some(Open::Row(row)) => {
            let text = text.trim();
            if !text.is_empty() {
                if !row.is_empty() {
                    row.push(' ');
                }
                row.push_str(text);
            }
        }
        _ => emit(text, out, in_notes),
    }
}

fn emit(text: String, out: &mut Walked, in_notes: bool) {
    if text.trim().is_empty() {
        return;
    }
    if in_notes {
        out.notes.push(text);
    } else {
        out.paragraphs.push(text);
    }
}

/// Sets an article's title, author and date from a metadata part (DOCX's `core.xml`,
/// HWPX's `content.hpf`): the text of the elements, or the `name`d elements, given for each.
pub(super) fn metadata(
    article: &mut Article,
    xml: &str,
    [title, author, date]: [&str; 3],
    format: Format,
) -> Result<(), DocumentError> {
    let [t, a, d] = fields(xml, &[title, author, date], format)?
        .try_into()
        .unwrap_or_default();
    article.title = t;
    article.author = a;
    article.date = d;
    Ok(())
}

/// The text of the first element with each local name in `names`, or of the element whose
/// `name` attribute is one of them (`<opf:meta name="creator">`): for metadata parts.
fn fields(xml: &str, names: &[&str], format: Format) -> Result<Vec<Option<String>>, DocumentError> {
    let mut reader = Reader::from_str(xml);
    reader.config_mut().check_end_names = false;
    let mut found: Vec<Option<String>> = vec![None; names.len()];
    let mut current: Option<usize> = None;
    let mut text = String::new();
    loop {
        let event = next_event(&mut reader, format)?;
        match event {
            Event::Start(e) => {
                let local = e.local_name();
                let by_attr = attribute(&e, "name");
                let key = by_attr.as_deref().unwrap_or(local.as_ref());
                current = names
                    .iter()
                    .position(|n| *n == key)
                    .filter(|&i| found[i].is_none());
                text.clear();
            }
            Event::Text(t) if current.is_some() => text.push_str(&t.xml10_content()),
            Event::GeneralRef(r) if current.is_some() => {
                if let Some(c) = entity(&r) {
                    text.push(c);
                }
            }
            Event::End(_) => {
                if let Some(i) = current.take() {
                    let value = text.trim();
                    if !value.is_empty() {
                        found[i] = Some(value.to_string());
                    }
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    Ok(found)
}
