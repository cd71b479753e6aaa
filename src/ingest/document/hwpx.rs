//! HWPX (OWPML, KS X 6101): the sections `Contents/section<N>.xml` in order — paragraphs,
//! tables row by row, text boxes — with footnotes and endnotes after the body; running
//! headers and footers left out. Title, author and date come from `Contents/content.hpf`.
//! An encrypted document (its manifest lists encryption data) is reported as such.

use super::DocumentError;
use super::package::Package;
use super::xml_text::{self, Vocabulary};
use crate::ingest::{Article, Format};

const OWPML: Vocabulary = Vocabulary {
    paragraph: "p",
    text: &["t"],
    row: "tr",
    spaces: &["tab", "lineBreak", "fwSpace", "nbSpace"],
    skip: &["header", "footer", "hiddenComment"],
    notes: &["footNote", "endNote"],
};

/// Reads an HWPX file.
pub(super) fn read(bytes: &[u8]) -> Result<Article, DocumentError> {
    let mut package = Package::open(bytes, Format::Hwpx)?;
    // A password-protected or distribution-restricted (배포용) HWPX lists its encrypted
    // parts in the manifest, as ODF does; their bytes are not XML.
    if let Some(manifest) = package.text("META-INF/manifest.xml")?
        && manifest.contains("encryption-data")
    {
        return Err(DocumentError::Protected(
            "encrypted HWPX document (password-protected or distribution-restricted 배포용): \
             its text cannot be read"
                .to_string(),
        ));
    }
    let mut sections: Vec<(u32, String)> = package
        .names()
        .into_iter()
        .filter_map(|name| {
            let n = name
                .strip_prefix("Contents/section")?
                .strip_suffix(".xml")?
                .parse()
                .ok()?;
            Some((n, name))
        })
        .collect();
    sections.sort();
    if sections.is_empty() {
        return Err(DocumentError::damaged(
            Format::Hwpx,
            "no Contents/section0.xml",
        ));
    }
    let mut article = Article::default();
    let mut notes = Vec::new();
    for (_, name) in &sections {
        let Some(xml) = package.text(name)? else {
            continue;
        };
        let walked = xml_text::walk(&xml, &OWPML, Format::Hwpx)?;
        article.paragraphs.extend(walked.paragraphs);
        notes.extend(walked.notes);
    }
    article.paragraphs.extend(notes);
    if let Some(hpf) = package.text("Contents/content.hpf")? {
        let names = ["title", "creator", "CreatedDate"];
        xml_text::metadata(&mut article, &hpf, names, Format::Hwpx)?;
    }
    Ok(article)
}
