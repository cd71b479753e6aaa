//! JSON (`.json`) and JSON Lines (`.jsonl`, `.ndjson`) records to articles.
//!
//! A `.json` file holds one article object, an array of them, or an object with such an array
//! under a key like `articles`, `items`, `data` or `docs` (looked for one level down too). A
//! `.json` file that is really JSON Lines (an object per line) is read as such. In JSON Lines,
//! blank lines are skipped and a line that does not parse is a [`RecordProblem`] with its
//! 1-based line number; the other lines are still read.
//!
//! The fields of a record are found through the [`FieldMap`]. Numbers become strings; an author
//! or source may be an object with a `name`; the text may be a string with `\n` between
//! paragraphs, an array of paragraph strings, or HTML. Other top-level scalars (and arrays of
//! scalars, joined with ", ") go into `meta`. A record without text is a [`RecordProblem`].

use serde_json::{Map, Value};

use super::options::FieldMap;
use super::outcome::{ParseError, Parsed, RecordProblem};
use crate::ingest::Article;
use crate::ingest::text::date::set_date;
use crate::ingest::text::non_empty;

/// Keys under which a wrapper object may hold its array of records.
const ARRAY_KEYS: &[&str] = &[
    "articles",
    "items",
    "data",
    "docs",
    "documents",
    "results",
    "records",
    "entries",
    "posts",
    "news",
    "rows",
    "hits",
];

/// Reads a `.json` file.
pub(crate) fn parse_json(text: &str, fields: &FieldMap) -> Result<Parsed, ParseError> {
    let value: Value = match serde_json::from_str(text) {
        Ok(value) => value,
        Err(e) => {
            if looks_like_json_lines(text) {
                return Ok(parse_json_lines(text, fields));
            }
            return Err(json_error(&e));
        }
    };
    let mut parsed = Parsed::default();
    match value {
        Value::Array(items) => read_array(&items, fields, &mut parsed),
        Value::Object(object) => match wrapped_array(&object) {
            Some(items) if !has_text(&object, fields) => {
                read_array(items, fields, &mut parsed);
            }
            _ => push_record(&object, None, 0, fields, &mut parsed),
        },
        other => {
            return Err(ParseError::NotArticles {
                found: kind(&other),
            });
        }
    }
    Ok(parsed)
}

/// Reads a `.jsonl` / `.ndjson` file.
pub(crate) fn parse_json_lines(text: &str, fields: &FieldMap) -> Parsed {
    let mut parsed = Parsed::default();
    let mut record = 0;
    for (i, line) in text.lines().enumerate() {
        let line_no = i + 1;
        let line = line.trim().trim_start_matches('\u{feff}');
        if line.is_empty() {
            continue;
        }
        let position = record;
        record += 1;
        match serde_json::from_str::<Value>(line) {
            Ok(Value::Object(object)) => {
                push_record(&object, Some(position), line_no, fields, &mut parsed);
            }
            Ok(other) => parsed.problems.push(RecordProblem {
                record: line_no,
                reason: format!("line holds {}, not an article object", kind(&other)),
            }),
            Err(e) => parsed.problems.push(RecordProblem {
                record: line_no,
                reason: format!("invalid JSON: {}", error_message(&e)),
            }),
        }
    }
    parsed
}

/// Whether a text that is not one JSON value is an object per line instead.
fn looks_like_json_lines(text: &str) -> bool {
    let mut lines = text.lines().map(str::trim).filter(|l| !l.is_empty());
    let first = lines.next().map(|l| l.trim_start_matches('\u{feff}'));
    let second = lines.next();
    matches!(
        first.map(serde_json::from_str::<Value>),
        Some(Ok(Value::Object(_)))
    ) && second.is_some_and(|l| l.starts_with('{'))
}

fn read_array(items: &[Value], fields: &FieldMap, parsed: &mut Parsed) {
    for (i, item) in items.iter().enumerate() {
        match item {
            Value::Object(object) => push_record(object, Some(i), i, fields, parsed),
            other => parsed.problems.push(RecordProblem {
                record: i,
                reason: format!("record is {}, not an article object", kind(other)),
            }),
        }
    }
}

/// The array of records a wrapper object holds under a known key (or one level down).
fn wrapped_array(object: &Map<String, Value>) -> Option<&[Value]> {
    records_under_known_key(object).or_else(|| {
        object.iter().find_map(|(key, value)| match value {
            Value::Object(inner) if is_array_key(key) => records_under_known_key(inner),
            _ => None,
        })
    })
}

fn records_under_known_key(object: &Map<String, Value>) -> Option<&[Value]> {
    object.iter().find_map(|(key, value)| match value {
        Value::Array(items) if is_array_key(key) && items.iter().any(Value::is_object) => {
            Some(items.as_slice())
        }
        _ => None,
    })
}

fn is_array_key(key: &str) -> bool {
    ARRAY_KEYS.contains(&key.to_lowercase().as_str())
}

fn kind(v: &Value) -> &'static str {
    match v {
        Value::Null => "null",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "a string",
        Value::Array(_) => "an array",
        Value::Object(_) => "an object",
    }
}

fn json_error(e: &serde_json::Error) -> ParseError {
    ParseError::Json {
        line: e.line(),
        column: e.column(),
        message: error_message(e),
    }
}

/// serde_json's message without its " at line L column C" suffix.
fn error_message(e: &serde_json::Error) -> String {
    let full = e.to_string();
    let suffix = format!(" at line {} column {}", e.line(), e.column());
    full.strip_suffix(&suffix).unwrap_or(&full).to_string()
}

/// The key of `object` matching one of `names`: exact first, then ignoring case.
fn find_key<'a>(object: &'a Map<String, Value>, names: &[String]) -> Option<&'a str> {
    names
        .iter()
        .find_map(|n| object.get_key_value(n.as_str()).map(|(k, _)| k.as_str()))
        .or_else(|| {
            names.iter().find_map(|n| {
                object
                    .keys()
                    .find(|k| k.to_lowercase() == n.to_lowercase())
                    .map(String::as_str)
            })
        })
}

fn has_text(object: &Map<String, Value>, fields: &FieldMap) -> bool {
    find_key(object, &fields.text).is_some()
}

/// Turns one record into an article, or a problem; `problem_record` is where a problem is
/// reported (1-based line for JSON Lines, index for arrays).
fn push_record(
    object: &Map<String, Value>,
    position: Option<usize>,
    problem_record: usize,
    fields: &FieldMap,
    parsed: &mut Parsed,
) {
    match record_to_article(object, fields) {
        Ok(mut article) => {
            article.record = position;
            parsed.articles.push(article);
        }
        Err(reason) => parsed.problems.push(RecordProblem {
            record: problem_record,
            reason,
        }),
    }
}

fn record_to_article(object: &Map<String, Value>, fields: &FieldMap) -> Result<Article, String> {
    let mut used: Vec<&str> = Vec::new();
    let mut field = |names: &[String]| take_field(object, &mut used, names);
    let text = field(&fields.text);
    let paragraphs = text.map(text_paragraphs).unwrap_or_default();
    if paragraphs.is_empty() {
        return Err(match text {
            Some(_) => "the text field is empty".to_string(),
            None => format!("no text field (tried {})", fields.text.join(", ")),
        });
    }
    let mut article = Article {
        paragraphs,
        ..Article::default()
    };
    article.id = field(&fields.id).and_then(scalar_text);
    article.title = field(&fields.title).and_then(scalar_text);
    let date = field(&fields.date).and_then(scalar_text);
    article.url = field(&fields.url).and_then(scalar_text);
    article.source = field(&fields.source).and_then(name_text);
    article.author = field(&fields.author).and_then(name_text);
    if let Some(date) = date {
        set_date(&mut article, &date);
    }
    for (key, value) in object {
        if used.contains(&key.as_str()) {
            continue;
        }
        if let Some(text) = meta_text(value) {
            article.meta.insert(key.clone(), text);
        }
    }
    Ok(article)
}

/// The value of the first of `names` present in `object`, noting its key as used.
fn take_field<'a>(
    object: &'a Map<String, Value>,
    used: &mut Vec<&'a str>,
    names: &[String],
) -> Option<&'a Value> {
    let key = find_key(object, names)?;
    used.push(key);
    object.get(key)
}

/// Strings, numbers and booleans as text.
fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => non_empty(s),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

/// A person or outlet: a scalar, `{"name": …}`, or a list of them joined with ", ".
fn name_text(v: &Value) -> Option<String> {
    match v {
        Value::Object(o) => o.get("name").and_then(scalar_text),
        Value::Array(items) => {
            let names: Vec<String> = items.iter().filter_map(name_text).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        other => scalar_text(other),
    }
}

/// Scalars, and arrays of scalars joined with ", ", for `meta`.
fn meta_text(v: &Value) -> Option<String> {
    match v {
        Value::Array(items) => {
            let parts: Vec<String> = items.iter().filter_map(scalar_text).collect();
            (!parts.is_empty()).then(|| parts.join(", "))
        }
        other => scalar_text(other),
    }
}

/// The paragraphs of a text field: lines of a string (HTML rendered first), or the items of an
/// array of strings.
fn text_paragraphs(v: &Value) -> Vec<String> {
    match v {
        Value::String(s) => string_paragraphs(s),
        Value::Array(items) => items
            .iter()
            .filter_map(|item| match item {
                Value::String(s) => Some(string_paragraphs(s)),
                Value::Object(o) => o.get("text").and_then(Value::as_str).map(string_paragraphs),
                _ => None,
            })
            .flatten()
            .collect(),
        Value::Number(n) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

fn string_paragraphs(s: &str) -> Vec<String> {
    if looks_like_html(s) {
        return super::html::fragment_paragraphs(s);
    }
    s.lines().filter_map(non_empty).collect()
}

/// Whether a text field holds HTML markup rather than plain text.
fn looks_like_html(s: &str) -> bool {
    let lower = s.get(..s.len().min(4096)).unwrap_or(s).to_ascii_lowercase();
    ["<p>", "<p ", "<br", "</p>", "<div", "</div>"]
        .iter()
        .any(|t| lower.contains(t))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn json(text: &str) -> Parsed {
        parse_json(text, &FieldMap::default()).expect("valid JSON")
    }

    #[test]
    fn one_object() {
        let p = json(
            r#"{"id": 17, "headline": "제목", "body": "첫 문단.\n\n둘째 문단.\n셋째.",
                "published": "2026-03-06T14:20:00+09:00", "link": "https://x.example",
                "press": {"name": "한빛뉴스"}, "author": ["최동현", "이서연"],
                "section": "IT", "views": 12, "tags": ["a", "b"], "extra": {"x": 1}}"#,
        );
        assert!(p.problems.is_empty());
        let a = &p.articles[0];
        assert_eq!(a.id.as_deref(), Some("17"));
        assert_eq!(a.title.as_deref(), Some("제목"));
        assert_eq!(a.paragraphs, vec!["첫 문단.", "둘째 문단.", "셋째."]);
        assert_eq!(a.date.as_deref(), Some("2026-03-06"));
        assert_eq!(a.url.as_deref(), Some("https://x.example"));
        assert_eq!(a.source.as_deref(), Some("한빛뉴스"));
        assert_eq!(a.author.as_deref(), Some("최동현, 이서연"));
        assert_eq!(a.record, None);
        assert_eq!(a.meta.get("section").map(String::as_str), Some("IT"));
        assert_eq!(a.meta.get("views").map(String::as_str), Some("12"));
        assert_eq!(a.meta.get("tags").map(String::as_str), Some("a, b"));
        assert!(!a.meta.contains_key("extra"));
        assert!(!a.meta.contains_key("body"));
    }

    #[test]
    fn arrays_and_wrappers() {
        let p = json(r#"[{"text": "a"}, 3, {"title": "no text"}, {"text": "b"}]"#);
        assert_eq!(p.articles.len(), 2);
        assert_eq!(p.articles[0].record, Some(0));
        assert_eq!(p.articles[1].record, Some(3));
        assert_eq!(
            p.problems.iter().map(|q| q.record).collect::<Vec<_>>(),
            vec![1, 2]
        );
        assert!(p.problems[1].reason.contains("no text field"));

        let p = json(r#"{"status": "ok", "Items": [{"content": "a"}, {"content": "b"}]}"#);
        assert_eq!(p.articles.len(), 2);
        let p = json(r#"{"response": 1, "data": {"docs": [{"본문": "가"}]}}"#);
        assert_eq!(p.articles.len(), 1);
        let p = json(r#"{"title": "only a title"}"#);
        assert!(p.articles.is_empty());
        assert_eq!(p.problems.len(), 1);
    }

    #[test]
    fn whole_file_errors() {
        let err = parse_json("{\n  \"text\": oops\n}", &FieldMap::default()).unwrap_err();
        match err {
            ParseError::Json { line, column, .. } => assert_eq!((line, column), (2, 11)),
            other => panic!("{other:?}"),
        }
        let err = parse_json("\"just a string\"", &FieldMap::default()).unwrap_err();
        assert!(err.to_string().contains("a string"), "{err}");
    }

    #[test]
    fn json_lines_with_bad_lines() {
        let text = "{\"text\": \"a\"}\n\n{broken\n[1]\n{\"title\": \"t\"}\n{\"text\": \"b\", \"date\": \"어제\"}\n";
        let p = parse_json_lines(text, &FieldMap::default());
        assert_eq!(p.articles.len(), 2);
        assert_eq!(p.articles[0].record, Some(0));
        assert_eq!(p.articles[1].record, Some(4));
        assert_eq!(p.articles[1].date, None);
        assert_eq!(
            p.articles[1].meta.get("date_raw").map(String::as_str),
            Some("어제")
        );
        assert_eq!(
            p.problems.iter().map(|q| q.record).collect::<Vec<_>>(),
            vec![3, 4, 5]
        );
        assert!(p.problems[0].reason.starts_with("invalid JSON"));
    }

    #[test]
    fn json_file_holding_json_lines() {
        let p = json("{\"text\": \"a\"}\n{\"text\": \"b\"}\n");
        assert_eq!(p.articles.len(), 2);
    }

    #[test]
    fn custom_field_names_and_case() {
        let mut fields = FieldMap::default();
        fields
            .set("text", vec!["story".to_string()])
            .expect("known key");
        let p = parse_json(r#"{"STORY": "가", "Title": "제목"}"#, &fields).expect("valid");
        assert_eq!(p.articles[0].paragraphs, vec!["가"]);
        assert_eq!(p.articles[0].title.as_deref(), Some("제목"));
    }

    #[test]
    fn html_and_array_text() {
        let p = json(r#"{"content": "<p>첫 문단</p><p>둘째 <b>문단</b><br>셋째</p>"}"#);
        assert_eq!(
            p.articles[0].paragraphs,
            vec!["첫 문단", "둘째 문단", "셋째"]
        );
        let p = json(r#"{"text": ["가\n나", "다"]}"#);
        assert_eq!(p.articles[0].paragraphs, vec!["가", "나", "다"]);
    }
}
