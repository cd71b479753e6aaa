//! DOCX (Office Open XML): the body of `word/document.xml` — paragraphs and tables, row by
//! row — then the footnotes and endnotes; running headers and footers live in parts of
//! their own and are not read. Title, author and date come from `docProps/core.xml`.

use super::DocumentError;
use super::package::Package;
use super::xml_text::{self, Vocabulary};
use crate::ingest::{Article, Format};

const WORD: Vocabulary = Vocabulary {
    paragraph: "p",
    text: &["t"],
    row: "tr",
    spaces: &["tab", "ptab", "br", "cr"],
    // Tracked deletions and text moved away are not the document's text.
    skip: &["del", "moveFrom"],
    notes: &[],
};

/// Reads a DOCX file.
pub(super) fn read(bytes: &[u8]) -> Result<Article, DocumentError> {
    let mut package = Package::open(bytes, Format::Docx)?;
    let body = package
        .text("word/document.xml")?
        .ok_or_else(|| DocumentError::damaged(Format::Docx, "no word/document.xml"))?;
    let mut article = Article {
        paragraphs: xml_text::walk(&body, &WORD, Format::Docx)?.paragraphs,
        ..Article::default()
    };
    drop(body);
    for notes in ["word/footnotes.xml", "word/endnotes.xml"] {
        if let Some(xml) = package.text(notes)? {
            article
                .paragraphs
                .extend(xml_text::walk(&xml, &WORD, Format::Docx)?.paragraphs);
        }
    }
    if let Some(core) = package.text("docProps/core.xml")? {
        xml_text::metadata(
            &mut article,
            &core,
            ["title", "creator", "created"],
            Format::Docx,
        )?;
    }
    Ok(article)
}
