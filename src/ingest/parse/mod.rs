//! A decoded file's text to [`Article`]s, one private module per [`Format`]: plain text
//! (`text.rs`), Markdown with YAML front matter (`markdown.rs`), HTML pages (`html.rs`), JSON and
//! JSON Lines (`json.rs`). Helpers they share with cleaning (whitespace, dates, reporters'
//! names) come from `crate::ingest::text`.
//!
//! Every article leaves [`parse`] through [`crate::ingest::clean::clean`], which takes
//! bylines, copyright lines and trailing headline lists out of the body. A file that cannot be
//! read at all is a [`ParseError`]; a bad record inside a readable file is a [`RecordProblem`]
//! and the other records are kept.
//!
//! Parsing never panics on its input and stays roughly linear in it: HTML is checked for
//! pathological nesting before it reaches the HTML parser, YAML front matter likewise.

mod html;
mod json;
mod markdown;
mod text;

use std::sync::LazyLock;

use regex::Regex;

use super::clean::clean;
use super::text::date::normalize_date;
use super::{Article, Format};

/// Which JSON fields hold which part of an article: for each part, field names tried in turn
/// (exact name first, then ignoring case).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldMap {
    /// The record's own id.
    pub id: Vec<String>,
    /// Headline.
    pub title: Vec<String>,
    /// Body text (a string with `\n` between paragraphs, an array of paragraphs, or HTML).
    pub text: Vec<String>,
    /// Publication date.
    pub date: Vec<String>,
    /// Canonical URL.
    pub url: Vec<String>,
    /// Publisher or outlet.
    pub source: Vec<String>,
    /// Author or byline.
    pub author: Vec<String>,
}

impl FieldMap {
    /// The parts an option may name, in the order they are listed to users.
    pub const KEYS: [&'static str; 7] = ["id", "title", "text", "date", "url", "source", "author"];

    /// Replaces the field names tried for `key` (one of [`FieldMap::KEYS`]), e.g. for a CLI
    /// option `--field title=headline,subject`.
    pub fn set(&mut self, key: &str, names: Vec<String>) -> Result<(), String> {
        let names: Vec<String> = names
            .into_iter()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        let slot = self.slot_mut(key).ok_or_else(|| {
            format!(
                "unknown article field `{key}`; expected one of {}",
                Self::KEYS.join(", ")
            )
        })?;
        if names.is_empty() {
            return Err(format!("no JSON field names given for `{key}`"));
        }
        *slot = names;
        Ok(())
    }

    /// Parses and applies one `key=name,name…` specification, as written after `--field`.
    pub fn set_spec(&mut self, spec: &str) -> Result<(), String> {
        let (key, names) = spec
            .split_once('=')
            .ok_or_else(|| format!("`{spec}` is not of the form key=name,name…"))?;
        self.set(
            key.trim(),
            names.split(',').map(str::to_string).collect::<Vec<_>>(),
        )
    }

    /// The field names tried for `key`, or `None` for an unknown key.
    pub fn names(&self, key: &str) -> Option<&[String]> {
        let slot = match key {
            "id" => &self.id,
            "title" => &self.title,
            "text" => &self.text,
            "date" => &self.date,
            "url" => &self.url,
            "source" => &self.source,
            "author" => &self.author,
            _ => return None,
        };
        Some(slot)
    }

    fn slot_mut(&mut self, key: &str) -> Option<&mut Vec<String>> {
        let slot = match key {
            "id" => &mut self.id,
            "title" => &mut self.title,
            "text" => &mut self.text,
            "date" => &mut self.date,
            "url" => &mut self.url,
            "source" => &mut self.source,
            "author" => &mut self.author,
            _ => return None,
        };
        Some(slot)
    }
}

impl Default for FieldMap {
    fn default() -> Self {
        fn v(names: &[&str]) -> Vec<String> {
            names.iter().map(|s| s.to_string()).collect()
        }
        FieldMap {
            id: v(&["id", "_id", "docid", "doc_id", "uuid"]),
            title: v(&["title", "headline", "subject", "제목"]),
            text: v(&["text", "body", "content", "article", "본문"]),
            date: v(&[
                "date",
                "published",
                "published_at",
                "datetime",
                "pubdate",
                "created_at",
                "날짜",
            ]),
            url: v(&["url", "link", "href"]),
            source: v(&[
                "source",
                "publisher",
                "press",
                "site",
                "media",
                "매체",
                "언론사",
            ]),
            author: v(&["author", "byline", "reporter", "writer", "기자", "작성자"]),
        }
    }
}

/// How to parse: resolved from the command line before any file is read.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// JSON field names for each part of an article.
    pub fields: FieldMap,
}

/// One record of a file that could not be turned into an article; the file's other records
/// are still read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblem {
    /// 1-based line for JSON Lines, 0-based index for JSON arrays, 0 for single-article files.
    pub record: usize,
    /// What is wrong with it.
    pub reason: String,
}

/// What one file yielded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The articles, in file order, cleaned.
    pub articles: Vec<Article>,
    /// Records that were skipped, and why.
    pub problems: Vec<RecordProblem>,
}

/// A file that cannot be read as its format at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseError {
    /// The text is not valid JSON.
    #[error("invalid JSON at line {line}, column {column}: {message}")]
    Json {
        /// 1-based line of the error.
        line: usize,
        /// 1-based column of the error.
        column: usize,
        /// What the JSON parser found.
        message: String,
    },
    /// Reading the file would take more work or memory than one file may: what, and the
    /// limit.
    #[error("refused: {0}")]
    Budget(String),
    /// Valid JSON, but not an object or an array of objects.
    #[error("JSON top level is {found}; expected an article object or an array of them")]
    NotArticles {
        /// What the top level is ("a string", "a number" …).
        found: &'static str,
    },
}

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
    };
    let stem_date = date_from_stem(file_stem);
    for article in &mut parsed.articles {
        clean(article);
        if article.date.is_none()
            && let Some(date) = &stem_date
        {
            article.date = Some(date.clone());
            article
                .meta
                .insert("date_from".to_string(), "file_name".to_string());
        }
    }
    Ok(parsed)
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
    fn field_map_defaults_and_set() {
        let mut fields = FieldMap::default();
        assert_eq!(fields.names("text").map(|n| n[0].as_str()), Some("text"));
        assert!(fields.author.iter().any(|n| n == "기자"));
        fields
            .set("title", vec!["headline".into(), " subject ".into()])
            .expect("known key");
        assert_eq!(fields.title, vec!["headline", "subject"]);
        let err = fields.set("headline", vec!["x".into()]).unwrap_err();
        assert!(
            err.contains("id, title, text, date, url, source, author"),
            "{err}"
        );
        assert!(fields.set("title", vec![" ".into()]).is_err());
        fields.set_spec("text=본문, body").expect("valid spec");
        assert_eq!(fields.text, vec!["본문", "body"]);
        assert!(fields.set_spec("text").is_err());
    }

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
