//! A decoded file's text to [`Article`]s, one private module per [`Format`]: plain text
//! (`text.rs`), Markdown with YAML front matter (`markdown.rs`), HTML pages (`html/`), JSON and
//! JSON Lines (`json.rs`), MHTML saves (`mhtml.rs`, which finds the HTML part for `html/`), RSS
//! and Atom feeds (`feed.rs`). This file only dispatches to them and finishes their articles;
//! what they share lives beside them — the options (`options.rs`) and what a file yields
//! (`outcome.rs`) — and, with cleaning, in `crate::ingest::text` (whitespace, dates, reporters'
//! names). No format module imports this file or another format, except JSON and feeds, which
//! render HTML text fields through `html/`.
//!
//! Every article leaves [`parse`] through [`crate::ingest::clean::clean`], which takes
//! bylines, copyright lines and trailing headline lists out of the body. A file that cannot be
//! read at all is a [`ParseError`]; a bad record inside a readable file is a [`RecordProblem`]
//! and the other records are kept.
//!
//! Parsing never panics on its input and stays roughly linear in it: HTML is checked for
//! pathological nesting before it reaches the HTML parser, YAML front matter likewise.

mod feed;
mod html;
mod json;
mod markdown;
mod mhtml;
mod options;
mod outcome;
mod text;

use std::sync::LazyLock;

use regex::Regex;

use super::clean::clean;
use super::text::date::normalize_date;
use super::{Article, Format};

pub(crate) use mhtml::{Page as MhtmlPage, looks_like_mhtml};
pub use options::{FieldMap, ParseOptions};
pub use outcome::{ParseError, Parsed, RecordProblem};

/// Turns the text of one file into articles.
///
/// `format` comes from the file's extension; `text` is the decoded text (a leading BOM is
/// ignored); `file_stem` is the file name without extension. Titles are left `None` when the
/// file has none (callers fall back to `file_stem`); an article without a date takes it from a
/// `file_stem` that starts with one (`2026-03-02_gpu-price`), noted as `meta["date_from"] =
/// "file_name"`.
pub fn parse(
    format: Format,
    text: &str,
    file_stem: &str,
    options: &ParseOptions,
) -> Result<Parsed, ParseError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut parsed = match format {
        Format::Text => single(text::parse(text)),
        Format::Markdown => single(markdown::parse(text)?),
        Format::Html => single(html::parse(text)),
        Format::Json => json::parse_json(text, &options.fields)?,
        Format::JsonLines => json::parse_json_lines(text, &options.fields),
        Format::Feed => feed::parse(text)?,
        // A save whose text was decoded whole: its HTML part is read as UTF-8 (`read` decodes
        // the part in its own charset instead).
        Format::Mhtml => {
            let page = mhtml_page(text.as_bytes())?;
            let mut article = html::parse(&String::from_utf8_lossy(&page.html));
            if page.url.is_some() {
                article.url = page.url;
            }
            single(article)
        }
        // Binary documents are read from their bytes (`crate::ingest::document`); their
        // text, if handed here, is read as plain text.
        Format::Pdf | Format::Docx | Format::Hwp | Format::Hwpx => single(text::parse(text)),
    };
    for article in &mut parsed.articles {
        clean(article);
        date_from_file_name(article, file_stem);
    }
    Ok(parsed)
}

/// Dates an article that carries no date by a date its file name starts with, noted as
/// `meta["date_from"] = "file_name"`.
pub fn date_from_file_name(article: &mut Article, file_stem: &str) {
    if article.date.is_some() {
        return;
    }
    if let Some(date) = date_from_stem(file_stem) {
        article.date = Some(date);
        article
            .meta
            .insert("date_from".to_string(), "file_name".to_string());
    }
}

/// The HTML part of an MHTML save, transfer encoding undone, with its charset and URL.
pub(crate) fn mhtml_page(bytes: &[u8]) -> Result<MhtmlPage, ParseError> {
    mhtml::html_page(bytes).map_err(ParseError::Mhtml)
}

/// One article from a single-article format, or a problem when the file held no text.
fn single(article: Article) -> Parsed {
    let titled = article
        .title
        .as_deref()
        .is_some_and(|t| !t.trim().is_empty());
    if article.paragraphs.is_empty() && !titled {
        Parsed {
            articles: Vec::new(),
            problems: vec![RecordProblem {
                record: 0,
                reason: "no article text found".to_string(),
            }],
        }
    } else {
        Parsed {
            articles: vec![article],
            problems: Vec::new(),
        }
    }
}

/// The date a file name starts with: `2026-03-02_…`, `2026.03.02 …`, `20260302-…`.
fn date_from_stem(stem: &str) -> Option<String> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"^(\d{4}[-._]\d{2}[-._]\d{2}|\d{8})(?:[^\d]|$)").expect("valid regex")
    });
    let prefix = RE.captures(stem.trim())?.get(1)?.as_str().replace('_', "-");
    normalize_date(&prefix)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_from_file_names() {
        assert_eq!(
            date_from_stem("2026-03-02_datacenter-gpu-price").as_deref(),
            Some("2026-03-02")
        );
        assert_eq!(
            date_from_stem("20260302-gpu").as_deref(),
            Some("2026-03-02")
        );
        assert_eq!(date_from_stem("2026_03_02").as_deref(), Some("2026-03-02"));
        assert_eq!(date_from_stem("newswire_2026-03"), None);
        assert_eq!(date_from_stem("gpu-2026-03-02"), None);
        assert_eq!(date_from_stem("2026-13-02_x"), None);
    }

    #[test]
    fn parse_uses_the_file_name_date_only_as_a_last_resort() {
        let options = ParseOptions::default();
        let parsed = parse(
            Format::Text,
            "제목\n\n본문입니다.",
            "2026-03-02_x",
            &options,
        )
        .expect("text parses");
        let a = &parsed.articles[0];
        assert_eq!(a.date.as_deref(), Some("2026-03-02"));
        assert_eq!(
            a.meta.get("date_from").map(String::as_str),
            Some("file_name")
        );

        let md = "---\ndate: 2025-01-01\n---\n본문입니다.";
        let parsed = parse(Format::Markdown, md, "2026-03-02_x", &options).expect("parses");
        assert_eq!(parsed.articles[0].date.as_deref(), Some("2025-01-01"));
        assert!(!parsed.articles[0].meta.contains_key("date_from"));
    }

    #[test]
    fn empty_files_yield_a_problem_not_an_article() {
        let options = ParseOptions::default();
        for format in [Format::Text, Format::Markdown, Format::Html] {
            let parsed = parse(format, "  \n\n ", "x", &options).expect("parses");
            assert!(parsed.articles.is_empty(), "{format:?}");
            assert_eq!(parsed.problems.len(), 1, "{format:?}");
        }
        let parsed = parse(Format::JsonLines, "\n\n", "x", &options).expect("parses");
        assert_eq!(parsed, Parsed::default());
        assert!(parse(Format::Json, "", "x", &options).is_err());
    }

    #[test]
    fn bom_is_ignored() {
        let parsed = parse(
            Format::Json,
            "\u{feff}{\"text\": \"본문\"}",
            "x",
            &ParseOptions::default(),
        )
        .expect("parses");
        assert_eq!(parsed.articles[0].paragraphs, vec!["본문"]);
    }
}
