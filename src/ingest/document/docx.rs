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
    // Tracked deletions and text moved away are not the document's text; Word stores a text
    // box twice, as a drawing (`mc:Choice`) and as a fallback for old readers.
    skip: &["del", "moveFrom", "Fallback"],
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_text_box_is_read_once() {
        let xml = r#"<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"
            xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"><w:body>
            <w:p><w:r><w:t>본문이다.</w:t></w:r></w:p>
            <w:p><w:r><mc:AlternateContent>
              <mc:Choice Requires="wps"><w:drawing><w:txbxContent><w:p><w:r><w:t>상자 안의 글</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>
              <mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>상자 안의 글</w:t></w:r></w:p></w:txbxContent></w:pict></mc:Fallback>
            </mc:AlternateContent></w:r></w:p>
            <w:p><w:del><w:r><w:delText>지운 글</w:delText></w:r></w:del><w:r><w:t>남은 글</w:t></w:r></w:p>
            </w:body></w:document>"#;
        let walked = xml_text::walk(xml, &WORD, Format::Docx).expect("walks");
        assert_eq!(
            walked.paragraphs,
            vec!["본문이다.", "상자 안의 글", "남은 글"]
        );
    }
}
