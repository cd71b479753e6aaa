//! Markdown (`.md`, `.markdown`): YAML front matter for the metadata, the body as plain text.
//!
//! Front matter is a YAML mapping between `---` lines at the very start of the file. Known keys
//! (case-insensitive) fill the article's fields — including the Korean keys of court-decision
//! corpora, `사건명` (title when there is no `title`), `선고일자` (date) and `법원명` (source) —
//! and every other scalar or list of scalars goes into `meta`. Front matter that is not valid
//! YAML is not fatal: the error goes to `meta["front_matter_error"]` and the body is read.
//! Front matter whose aliases would expand past [`MAX_YAML_NODES`] values fails the file.
//!
//! The body is rendered with pulldown-cmark: headings, paragraphs, list items, table rows (cells
//! joined with ` | `), block quotes and code blocks become paragraphs; link and emphasis markup
//! goes, keeping its text; images go. The title falls back to the first `#` heading, and a
//! heading equal to the title is not repeated in the body.

use std::collections::{BTreeMap, HashMap};

use pulldown_cmark::{Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use yaml_rust2::{Yaml, YamlLoader};

use super::outcome::ParseError;
use crate::ingest::Article;
use crate::ingest::text::date::set_date;
use crate::ingest::text::{collapse_whitespace, non_empty};

/// Front matter larger than this is not YAML metadata but a mistake; it is reported, not read.
const MAX_FRONT_MATTER_BYTES: usize = 256 * 1024;
/// Nesting deeper than this is refused before it reaches the YAML parser, whose recursion
/// would otherwise overflow the stack.
const MAX_YAML_NESTING: usize = 200;
/// Front matter whose aliases expand to more values than this is refused, and the file fails:
/// metadata never needs that many, and expanding it could take all memory.
pub(crate) const MAX_YAML_NODES: usize = 10_000;

/// Front-matter keys for each field, in order of preference (lower case).
const TITLE_KEYS: &[&str] = &["title", "제목", "headline", "사건명"];
const DATE_KEYS: &[&str] = &[
    "date",
    "published",
    "published_at",
    "pubdate",
    "datetime",
    "날짜",
    "선고일자",
];
const SOURCE_KEYS: &[&str] = &["source", "publisher", "press", "매체", "언론사", "법원명"];
const AUTHOR_KEYS: &[&str] = &["author", "reporter", "byline", "기자", "작성자"];
const URL_KEYS: &[&str] = &["url", "link"];

/// Reads a Markdown article. Fails only on front matter whose aliases would expand past
/// [`MAX_YAML_NODES`] (a "billion laughs"): reading it would take unbounded memory.
pub(crate) fn parse(text: &str) -> Result<Article, ParseError> {
    let mut article = Article::default();
    let body = match split_front_matter(text) {
        Some((yaml, body)) => {
            apply_front_matter(&mut article, yaml)?;
            body
        }
        None => text,
    };
    let (first_h1, paragraphs) = render_body(body, article.title.as_deref());
    if article.title.is_none() {
        article.title = first_h1;
    }
    article.paragraphs = paragraphs;
    Ok(article)
}

/// The front matter and the body after it, when the text starts with a `---` line that a
/// later `---` (or `...`) line closes and the lines between include a `key:` line (otherwise
/// the first `---` is a thematic break).
fn split_front_matter(text: &str) -> Option<(&str, &str)> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut lines = text.split_inclusive('\n');
    let first = lines.next()?;
    if first.trim_end() != "---" {
        return None;
    }
    let start = first.len();
    let mut offset = start;
    for line in lines {
        let bare = line.trim_end();
        if bare == "---" || bare == "..." {
            let yaml = &text[start..offset];
            return has_key_line(yaml).then(|| (yaml, &text[offset + line.len()..]));
        }
        offset += line.len();
    }
    None
}

/// Whether some line of `yaml` reads `key:` (or `key: value`).
fn has_key_line(yaml: &str) -> bool {
    yaml.lines().any(|line| {
        let line = line.trim_start();
        match line.split_once(':') {
            Some((key, rest)) => {
                !key.is_empty()
                    && !key.starts_with(['#', '-'])
                    && key.chars().count() <= 60
                    && (rest.is_empty() || rest.starts_with([' ', '\t']))
            }
            None => false,
        }
    })
}

fn apply_front_matter(article: &mut Article, yaml: &str) -> Result<(), ParseError> {
    let map = match load_yaml_mapping(yaml) {
        Ok(map) => map,
        Err(Refused::Budget(nodes)) => {
            return Err(ParseError::Budget(format!(
                "YAML front matter whose aliases expand to more than {nodes} values \
                 (a \"billion laughs\"?)"
            )));
        }
        Err(Refused::Invalid(reason)) => {
            article
                .meta
                .insert("front_matter_error".to_string(), reason);
            return Ok(());
        }
    };
    // Lower-case key → (original key, value as text), in file order for meta.
    let mut values: BTreeMap<String, (String, String)> = BTreeMap::new();
    for (key, value) in map {
        if let Some(text) = value {
            values.entry(key.to_lowercase()).or_insert((key, text));
        }
    }
    let mut take = |keys: &[&str]| -> Option<String> {
        keys.iter()
            .find_map(|k| values.remove(*k))
            .and_then(|(_, v)| non_empty(&v))
    };
    article.title = take(TITLE_KEYS);
    let date = take(DATE_KEYS);
    article.source = take(SOURCE_KEYS);
    article.author = take(AUTHOR_KEYS);
    article.url = take(URL_KEYS);
    for (_, (key, value)) in values {
        if !value.trim().is_empty() {
            article.meta.insert(key, value);
        }
    }
    if let Some(date) = date {
        set_date(article, &date);
    }
    Ok(())
}

/// Why front matter was not read.
#[derive(Debug, PartialEq, Eq)]
enum Refused {
    /// Not valid YAML, too large or too deep: noted in `meta`, the body is still read.
    Invalid(String),
    /// Its aliases would expand past this many values: the file fails.
    Budget(usize),
}

/// The front matter as (key, text value) pairs; values that are mappings are `None`.
fn load_yaml_mapping(yaml: &str) -> Result<Vec<(String, Option<String>)>, Refused> {
    if yaml.len() > MAX_FRONT_MATTER_BYTES {
        return Err(Refused::Invalid(format!(
            "front matter is larger than {} KiB",
            MAX_FRONT_MATTER_BYTES / 1024
        )));
    }
    if yaml_nesting(yaml) > MAX_YAML_NESTING {
        return Err(Refused::Invalid(format!(
            "front matter nests deeper than {MAX_YAML_NESTING} levels"
        )));
    }
    match expanded_nodes(yaml, MAX_YAML_NODES) {
        Ok(n) if n > MAX_YAML_NODES => return Err(Refused::Budget(MAX_YAML_NODES)),
        Ok(_) => {}
        Err(e) => return Err(Refused::Invalid(e.to_string())),
    }
    let docs = YamlLoader::load_from_str(yaml).map_err(|e| Refused::Invalid(e.to_string()))?;
    let Some(doc) = docs.into_iter().next() else {
        return Ok(Vec::new());
    };
    match doc {
        Yaml::Hash(hash) => Ok(hash
            .into_iter()
            .filter_map(|(k, v)| Some((scalar_text(&k)?, value_text(&v))))
            .collect()),
        Yaml::Null => Ok(Vec::new()),
        _ => Err(Refused::Invalid(
            "front matter is not a mapping of keys to values".to_string(),
        )),
    }
}

/// How many values (scalars and collections) `yaml` holds once every alias is replaced by
/// what its anchor names, counted from the parser's events without building anything; the
/// count stops growing past `limit`. yaml-rust2 copies an alias's value for each use, so
/// nine levels of nine aliases each make 9⁹ copies from one kilobyte.
fn expanded_nodes(yaml: &str, limit: usize) -> Result<usize, yaml_rust2::ScanError> {
    use yaml_rust2::parser::{Event as Y, Parser as YamlParser};
    let mut parser = YamlParser::new_from_str(yaml);
    // Open collections: (anchor id, values inside so far, itself included).
    let mut open: Vec<(usize, usize)> = Vec::new();
    let mut sizes: HashMap<usize, usize> = HashMap::new();
    let mut total = 0usize;
    loop {
        let (event, _) = parser.next_token()?;
        let finished = match event {
            Y::StreamEnd => break,
            Y::Scalar(_, _, anchor, _) => Some((anchor, 1)),
            Y::Alias(id) => Some((0, sizes.get(&id).copied().unwrap_or(1))),
            Y::SequenceStart(anchor, _) | Y::MappingStart(anchor, _) => {
                open.push((anchor, 1));
                None
            }
            Y::SequenceEnd | Y::MappingEnd => open.pop(),
            _ => None,
        };
        if let Some((anchor, size)) = finished {
            let size = size.min(limit + 1);
            if anchor != 0 {
                sizes.insert(anchor, size);
            }
            match open.last_mut() {
                Some((_, inside)) => *inside = inside.saturating_add(size),
                None => total = total.saturating_add(size),
            }
            if total > limit || open.last().is_some_and(|(_, n)| *n > limit) {
                return Ok(limit + 1);
            }
        }
    }
    Ok(total)
}

/// An upper bound on how deeply `yaml` nests: indentation plus leading `- ` / `? ` markers
/// on any line, or the depth of `[`/`{` flow collections.
fn yaml_nesting(yaml: &str) -> usize {
    let mut deepest = 0;
    let mut flow: usize = 0;
    for line in yaml.lines() {
        let indent = line.len() - line.trim_start().len();
        let mut rest = line.trim_start();
        let mut markers = 0;
        while let Some(r) = rest
            .strip_prefix("- ")
            .or_else(|| rest.strip_prefix("? "))
            .or_else(|| rest.strip_prefix(": "))
        {
            markers += 1;
            rest = r.trim_start();
        }
        deepest = deepest.max(indent + 2 * markers);
        for b in line.bytes() {
            match b {
                b'[' | b'{' => {
                    flow += 1;
                    deepest = deepest.max(flow);
                }
                b']' | b'}' => flow = flow.saturating_sub(1),
                _ => {}
            }
        }
    }
    deepest
}

fn scalar_text(y: &Yaml) -> Option<String> {
    match y {
        Yaml::String(s) | Yaml::Real(s) => Some(s.clone()),
        Yaml::Integer(i) => Some(i.to_string()),
        Yaml::Boolean(b) => Some(b.to_string()),
        _ => None,
    }
}

/// Scalars as text, lists of scalars joined with ", ", anything else `None`.
fn value_text(y: &Yaml) -> Option<String> {
    match y {
        Yaml::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(scalar_text).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        other => scalar_text(other),
    }
}

/// Collects the text of one block at a time.
#[derive(Default)]
struct Body {
    paragraphs: Vec<String>,
    current: String,
    /// Cells of the table row being read, when inside one.
    row: Option<Vec<String>>,
    /// Depth of images being skipped (their alt text is not body text).
    in_image: usize,
    /// Inside an HTML block: its raw text, rendered at the end of the block.
    html: Option<String>,
    /// Inside a heading: its level.
    heading: Option<HeadingLevel>,
    first_h1: Option<String>,
    title_seen: bool,
}

impl Body {
    fn push_text(&mut self, s: &str) {
        if self.in_image > 0 {
            return;
        }
        self.current.push_str(s);
    }

    fn flush(&mut self) {
        let text = std::mem::take(&mut self.current);
        if let Some(row) = &mut self.row {
            // Inside a table: text outside a cell belongs to no cell; keep it with the row.
            if !text.trim().is_empty() {
                row.push(collapse_whitespace(&text));
            }
            return;
        }
        if let Some(p) = non_empty(&text) {
            self.paragraphs.push(p);
        }
    }

    /// Keeps code blocks' line breaks; trims the block.
    fn flush_code(&mut self) {
        let text = std::mem::take(&mut self.current);
        let text = text.trim_matches('\n').trim_end();
        if !text.trim().is_empty() {
            self.paragraphs.push(text.to_string());
        }
    }
}

/// The first `#` heading and the body's paragraphs. A heading equal to `title` is left out
/// (once); without a title the first `#` heading is returned and left out.
fn render_body(body: &str, title: Option<&str>) -> (Option<String>, Vec<String>) {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES;
    let title = title.map(collapse_whitespace);
    let mut b = Body::default();
    let mut in_code = false;
    for event in Parser::new_ext(body, options) {
        match event {
            Event::Start(tag) => match tag {
                Tag::Paragraph
                | Tag::Item
                | Tag::BlockQuote(_)
                | Tag::List(_)
                | Tag::FootnoteDefinition(_)
                | Tag::DefinitionListTitle
                | Tag::DefinitionListDefinition => b.flush(),
                Tag::Heading { level, .. } => {
                    b.flush();
                    b.heading = Some(level);
                }
                Tag::CodeBlock(_) => {
                    b.flush();
                    in_code = true;
                }
                Tag::HtmlBlock => {
                    b.flush();
                    b.html = Some(String::new());
                }
                Tag::Table(_) => b.flush(),
                Tag::TableHead | Tag::TableRow => {
                    b.flush();
                    b.row = Some(Vec::new());
                }
                Tag::TableCell => b.current.clear(),
                Tag::Image { .. } => b.in_image += 1,
                _ => {}
            },
            Event::End(tag) => match tag {
                TagEnd::Heading(level) => {
                    b.heading = None;
                    let text = collapse_whitespace(&std::mem::take(&mut b.current));
                    let is_title = match &title {
                        Some(t) => !b.title_seen && *t == text,
                        None => {
                            level == HeadingLevel::H1 && b.first_h1.is_none() && !text.is_empty()
                        }
                    };
                    if is_title {
                        b.title_seen = true;
                        if title.is_none() {
                            b.first_h1 = Some(text);
                        }
                    } else if !text.is_empty() {
                        b.paragraphs.push(text);
                    }
                }
                TagEnd::CodeBlock => {
                    in_code = false;
                    b.flush_code();
                }
                TagEnd::HtmlBlock => {
                    if let Some(html) = b.html.take()
                        && let Some(text) = html_block_text(&html)
                    {
                        b.paragraphs.push(text);
                    }
                }
                TagEnd::TableCell => {
                    let cell = collapse_whitespace(&std::mem::take(&mut b.current));
                    if let Some(row) = &mut b.row {
                        row.push(cell);
                    }
                }
                TagEnd::TableHead | TagEnd::TableRow => {
                    if let Some(row) = b.row.take()
                        && row.iter().any(|c| !c.is_empty())
                    {
                        b.paragraphs.push(row.join(" | "));
                    }
                }
                TagEnd::Image => b.in_image = b.in_image.saturating_sub(1),
                TagEnd::Paragraph
                | TagEnd::Item
                | TagEnd::BlockQuote(_)
                | TagEnd::List(_)
                | TagEnd::FootnoteDefinition
                | TagEnd::DefinitionListTitle
                | TagEnd::DefinitionListDefinition => b.flush(),
                _ => {}
            },
            Event::Text(t) => {
                if let Some(html) = &mut b.html {
                    html.push_str(&t);
                } else {
                    b.push_text(&t);
                }
            }
            Event::Code(t) | Event::InlineMath(t) | Event::DisplayMath(t) => b.push_text(&t),
            Event::Html(t) => {
                if let Some(html) = &mut b.html {
                    html.push_str(&t);
                }
            }
            Event::SoftBreak | Event::HardBreak => {
                if in_code {
                    b.push_text("\n");
                } else {
                    b.push_text(" ");
                }
            }
            Event::Rule => b.flush(),
            Event::InlineHtml(_) | Event::FootnoteReference(_) | Event::TaskListMarker(_) => {}
        }
    }
    b.flush();
    (b.first_h1, b.paragraphs)
}

/// The visible text of an HTML block inside Markdown: tags stripped; comments, scripts and
/// styles dropped.
fn html_block_text(html: &str) -> Option<String> {
    let lower = html.trim_start().to_ascii_lowercase();
    if lower.starts_with("<!--") || lower.starts_with("<script") || lower.starts_with("<style") {
        return None;
    }
    let mut text = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => {
                in_tag = true;
                text.push(' ');
            }
            '>' if in_tag => in_tag = false,
            _ if !in_tag => text.push(c),
            _ => {}
        }
    }
    non_empty(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn front_matter_fields_and_meta() {
        let md = "---\nTitle: \"제목\"\ndate: 2026-02-12\npublisher: 코드라인\nReporter: 오세진\n\
                  link: https://x.example/a\ntags: [파인튜닝, LoRA]\nviews: 12\nnested:\n  a: 1\n---\n\n\
                  # 제목\n\n본문이다.\n";
        let a = parse(md).unwrap();
        assert_eq!(a.title.as_deref(), Some("제목"));
        assert_eq!(a.date.as_deref(), Some("2026-02-12"));
        assert_eq!(a.source.as_deref(), Some("코드라인"));
        assert_eq!(a.author.as_deref(), Some("오세진"));
        assert_eq!(a.url.as_deref(), Some("https://x.example/a"));
        assert_eq!(
            a.meta.get("tags").map(String::as_str),
            Some("파인튜닝, LoRA")
        );
        assert_eq!(a.meta.get("views").map(String::as_str), Some("12"));
        assert!(!a.meta.contains_key("nested"));
        assert_eq!(a.paragraphs, vec!["본문이다."]);
    }

    #[test]
    fn court_decision_keys() {
        let md = "---\n사건명: 손해배상(기)\n선고일자: 20240516\n법원명: 대법원\n사건번호: 2023다12345\n---\n판결 이유.";
        let a = parse(md).unwrap();
        assert_eq!(a.title.as_deref(), Some("손해배상(기)"));
        assert_eq!(a.date.as_deref(), Some("2024-05-16"));
        assert_eq!(a.source.as_deref(), Some("대법원"));
        assert_eq!(
            a.meta.get("사건번호").map(String::as_str),
            Some("2023다12345")
        );

        // With a real title, 사건명 stays in meta.
        let a = parse("---\ntitle: 제목\n사건명: 손해배상\n---\n본문.").unwrap();
        assert_eq!(a.title.as_deref(), Some("제목"));
        assert_eq!(a.meta.get("사건명").map(String::as_str), Some("손해배상"));
    }

    #[test]
    fn bad_front_matter_is_recorded_and_the_body_read() {
        let a = parse("---\ntitle: [unclosed\n---\n# 머리\n\n본문.").unwrap();
        assert!(a.meta.contains_key("front_matter_error"));
        assert_eq!(a.title.as_deref(), Some("머리"));
        assert_eq!(a.paragraphs, vec!["본문."]);

        let a = parse("---\ntitle: 제목\n- b\n---\n본문.").unwrap();
        assert!(a.meta.contains_key("front_matter_error"));

        let deep = format!("---\nkey:\n{}x\n---\n본문.", "- ".repeat(50_000));
        let a = parse(&deep).unwrap();
        assert!(a.meta.contains_key("front_matter_error"));
        assert_eq!(a.paragraphs, vec!["본문."]);
    }

    #[test]
    fn bom_and_unclosed_front_matter() {
        let a = parse("\u{feff}---\ntitle: 제목\n---\n본문.").unwrap();
        assert_eq!(a.title.as_deref(), Some("제목"));
        // Without a closing line it is not front matter.
        let a = parse("---\n본문.").unwrap();
        assert_eq!(a.title, None);
        assert_eq!(a.paragraphs, vec!["본문."]);
        // Nor is text between two rules.
        let a = parse("---\n\n첫 문단.\n\n---\n\n둘째 문단.").unwrap();
        assert!(a.meta.is_empty());
        assert_eq!(a.paragraphs, vec!["첫 문단.", "둘째 문단."]);
    }

    #[test]
    fn body_blocks() {
        let md = "# 제목\n\n## 소제목\n\n**굵은** [링크](http://x) 와 `코드`.\n\
                  줄바꿈 이어짐.\n\n![사진 설명](a.png)\n\n- 하나\n- 둘\n  - 셋\n\n\
                  1. **첫째**: 설명\n\n> 인용문\n\n| 방식 | 비용 |\n|---|---|\n| LoRA | 6만 원 |\n\n\
                  ```\nfn main() {}\n  x\n```\n\n<div class=\"note\">HTML 속 <b>글</b></div>\n\n<!-- 주석 -->\n";
        let a = parse(md).unwrap();
        assert_eq!(a.title.as_deref(), Some("제목"));
        assert_eq!(
            a.paragraphs,
            vec![
                "소제목",
                "굵은 링크 와 코드. 줄바꿈 이어짐.",
                "하나",
                "둘",
                "셋",
                "첫째: 설명",
                "인용문",
                "방식 | 비용",
                "LoRA | 6만 원",
                "fn main() {}\n  x",
                "HTML 속 글",
            ]
        );
    }

    #[test]
    fn title_heading_not_repeated_but_other_headings_kept() {
        let a = parse("---\ntitle: 제목\n---\n# 다른 머리\n\n# 제목\n\n본문.").unwrap();
        assert_eq!(a.title.as_deref(), Some("제목"));
        assert_eq!(a.paragraphs, vec!["다른 머리", "본문."]);
        // Without front matter the first H1 is the title; an earlier H2 stays in the body.
        let a = parse("## 작은 머리\n\n# 큰 머리\n\n본문.").unwrap();
        assert_eq!(a.title.as_deref(), Some("큰 머리"));
        assert_eq!(a.paragraphs, vec!["작은 머리", "본문."]);
    }

    #[test]
    fn nesting_estimate() {
        assert!(yaml_nesting("a: 1\nb: [1, 2]\n") < 5);
        assert!(yaml_nesting(&"- ".repeat(300)) >= 300);
        assert!(yaml_nesting(&"[".repeat(300)) >= 300);
    }

    /// Nine levels of nine aliases each: 9⁹ values from a few hundred bytes.
    fn laughs(levels: usize) -> String {
        let mut yaml = String::from("---\ntitle: 웃음\na0: &a0 [\"lol\"]\n");
        for l in 1..levels {
            let prev = format!("*a{}", l - 1);
            yaml.push_str(&format!("a{l}: &a{l} [{}]\n", vec![prev; 9].join(", ")));
        }
        yaml.push_str("---\n본문.\n");
        yaml
    }

    #[test]
    fn alias_bombs_fail_the_file_in_bounded_work() {
        let started = std::time::Instant::now();
        let err = parse(&laughs(9)).unwrap_err();
        assert!(err.to_string().contains("aliases expand"), "{err}");
        assert!(started.elapsed() < std::time::Duration::from_secs(5));
        // Four levels (9³ = 729 copies) are still ordinary metadata.
        let a = parse(&laughs(4)).unwrap();
        assert_eq!(a.title.as_deref(), Some("웃음"));
        assert!(parse(&laughs(6)).is_err());
    }

    #[test]
    fn counts_expanded_values() {
        assert_eq!(expanded_nodes("a: 1\nb: [1, 2]\n", 100).unwrap(), 7);
        assert_eq!(
            expanded_nodes("a: &x [1, 2]\nb: *x\nc: *x\n", 100).unwrap(),
            13
        );
        assert_eq!(expanded_nodes("a: &x [1, 2]\nb: [*x, *x]\n", 5).unwrap(), 6);
    }
}
