//! One file's bytes to articles ([`read`]): binary documents (PDF, DOCX, HWP, HWPX) through
//! [`super::document`], recognised by their content whatever the extension says; text
//! formats decoded, then parsed by format. The indexer and `kosearch extract` both read
//! files through here, so what a user inspects is what is indexed.
//!
//! An MHTML save (`.mhtml`, `.mht`, or an `.html` file whose bytes are one) is unpacked before
//! decoding: its HTML part is decoded in the charset it declares when that is a Unicode one,
//! else detected like any file, then read as HTML with the save's URL.

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
/// extension (a date it starts with dates articles that carry none). The bytes are taken so
/// that a text file's are freed once decoded, before it is parsed.
pub fn read(
    bytes: Vec<u8>,
    format: Format,
    forced: Option<Encoding>,
    file_stem: &str,
    options: &ParseOptions,
) -> Result<Read, ReadError> {
    let format = match document::sniff(&bytes) {
        Some(found) => found,
        None if format.is_document() => {
            return Err(DocumentError::NotThisFormat {
                expected: format.name(),
                found: document::describe(&bytes),
            }
            .into());
        }
        None => format,
    };
    if format.is_document() {
        let mut article = document::read(format, &bytes)?;
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
    if format == Format::Mhtml || (format == Format::Html && parse::looks_like_mhtml(&bytes)) {
        return read_mhtml(&bytes, forced, file_stem, options);
    }
    let decoded = decode::decode(&bytes, forced)?;
    drop(bytes);
    let parsed = parse::parse(format, &decoded.text, file_stem, options)?;
    Ok(Read {
        parsed,
        format,
        encoding: Some(decoded.encoding),
    })
}

/// Reads an MHTML save: its HTML part, decoded, as an HTML page saved from its URL.
fn read_mhtml(
    bytes: &[u8],
    forced: Option<Encoding>,
    file_stem: &str,
    options: &ParseOptions,
) -> Result<Read, ReadError> {
    let page = parse::mhtml_page(bytes)?;
    // A declared UTF-8 or UTF-16 is trusted; a Korean legacy label is not, as pages labelled
    // `euc-kr` are often CP949, which detection tells apart.
    let declared = page
        .charset
        .as_deref()
        .and_then(Encoding::from_name)
        .filter(|e| matches!(e, Encoding::Utf8 | Encoding::Utf16Le | Encoding::Utf16Be));
    let decoded = decode::decode(&page.html, forced.or(declared))?;
    let mut parsed = parse::parse(Format::Html, &decoded.text, file_stem, options)?;
    if let Some(url) = &page.url {
        for article in &mut parsed.articles {
            article.url = Some(url.clone());
        }
    }
    Ok(Read {
        parsed,
        format: Format::Mhtml,
        encoding: Some(decoded.encoding),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An MHTML save of `html` (bytes in some charset) as a base64 part labelled `charset`.
    fn save(html: &[u8], charset: &str) -> Vec<u8> {
        const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
        let mut encoded = String::new();
        for chunk in html.chunks(3) {
            let n = chunk.iter().fold(0u32, |acc, &b| acc << 8 | u32::from(b))
                << (8 * (3 - chunk.len()));
            for i in 0..4 {
                encoded.push(if i <= chunk.len() {
                    B64[(n >> (18 - 6 * i) & 63) as usize] as char
                } else {
                    '='
                });
            }
        }
        format!(
            "From: <Saved by Blink>\r\nSnapshot-Content-Location: https://news.example/a/7\r\n\
             MIME-Version: 1.0\r\nContent-Type: multipart/related; type=\"text/html\"; boundary=\"B\"\r\n\r\n\
             --B\r\nContent-Type: text/html; charset={charset}\r\nContent-Transfer-Encoding: base64\r\n\r\n\
             {encoded}\r\n--B--\r\n"
        )
        .into_bytes()
    }

    fn page() -> String {
        "<html><head><title>소형 모델 기사</title></head><body><article><p>소형언어모델이 노트북에서 돈다.</p></article></body></html>".to_string()
    }

    #[test]
    fn mhtml_saves_are_read_as_their_html_part_with_its_url() {
        let options = ParseOptions::default();
        let read = read(
            save(page().as_bytes(), "utf-8"),
            Format::Mhtml,
            None,
            "x",
            &options,
        )
        .expect("reads");
        let a = &read.parsed.articles[0];
        assert_eq!(a.title.as_deref(), Some("소형 모델 기사"));
        assert_eq!(a.paragraphs, vec!["소형언어모델이 노트북에서 돈다."]);
        assert_eq!(a.url.as_deref(), Some("https://news.example/a/7"));
        assert_eq!(read.encoding, Some(Encoding::Utf8));
        assert_eq!(read.format, Format::Mhtml);
    }

    #[test]
    fn an_euc_kr_part_is_decoded_and_an_html_name_does_not_hide_a_save() {
        let page = page();
        let (bytes, _, _) = encoding_rs::EUC_KR.encode(&page);
        let options = ParseOptions::default();
        let read = read(save(&bytes, "euc-kr"), Format::Html, None, "x", &options).expect("reads");
        assert_eq!(
            read.parsed.articles[0].paragraphs,
            vec!["소형언어모델이 노트북에서 돈다."]
        );
        assert_eq!(read.encoding, Some(Encoding::EucKr));
    }

    #[test]
    fn a_broken_save_is_an_error_naming_the_reason() {
        let err = read(
            b"MIME-Version: 1.0\nContent-Type: multipart/related; boundary=q\n\nno parts".to_vec(),
            Format::Mhtml,
            None,
            "x",
            &ParseOptions::default(),
        )
        .unwrap_err();
        assert!(err.to_string().contains("never appears"), "{err}");
        // A huge base64 part of zero bytes decodes to something that is not text.
        let zeros = save(&vec![0u8; 3_000_000], "utf-8");
        let err = read(zeros, Format::Mhtml, None, "x", &ParseOptions::default()).unwrap_err();
        assert!(matches!(err, ReadError::Decode(_)), "{err}");
    }
}
