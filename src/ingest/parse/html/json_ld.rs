//! Linked data: the schema.org JSON-LD a page embeds in `<script type="application/ld+json">`.
//! The first object typed as an article (`NewsArticle`, `BlogPosting`, `Report` …), else the
//! first with a `datePublished`, among top-level objects, array items and `@graph` members,
//! gives a headline, a publication date, authors and a publisher. Scripts that are not valid
//! JSON are skipped.

use std::sync::LazyLock;

use scraper::{Html, Selector};
use serde_json::Value;

use super::dom::selector;
use crate::ingest::text::byline::author_name;
use crate::ingest::text::non_empty;

/// What the page's JSON-LD says about the article.
#[derive(Debug, Default)]
pub(super) struct LinkedData {
    /// `headline`.
    pub(super) headline: Option<String>,
    /// `datePublished`, as written.
    pub(super) date_published: Option<String>,
    /// The author's name (the first of several), read as by [`author_name`].
    pub(super) author: Option<String>,
    /// The publisher's name.
    pub(super) publisher: Option<String>,
}

/// What the JSON-LD of `doc` says about its article; empty when nothing is said.
pub(super) fn json_ld(doc: &Html) -> LinkedData {
    static SCRIPT: LazyLock<Selector> = LazyLock::new(|| selector("script"));
    let mut objects = Vec::new();
    for script in doc.select(&SCRIPT) {
        let is_ld = script
            .attr("type")
            .is_some_and(|t| t.to_ascii_lowercase().contains("ld+json"));
        if !is_ld {
            continue;
        }
        let text: String = script.text().collect();
        let Ok(value) = serde_json::from_str::<Value>(text.trim()) else {
            continue;
        };
        collect_ld_objects(value, &mut objects);
    }
    let is_article = |o: &serde_json::Map<String, Value>| {
        let ty = match o.get("@type") {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Array(a)) => a
                .iter()
                .filter_map(Value::as_str)
                .collect::<Vec<_>>()
                .join(" "),
            _ => String::new(),
        };
        ty.contains("Article") || ty.contains("Posting") || ty.contains("Report")
    };
    let chosen = objects
        .iter()
        .find(|o| is_article(o))
        .or_else(|| objects.iter().find(|o| o.contains_key("datePublished")));
    let Some(o) = chosen else {
        return LinkedData::default();
    };
    LinkedData {
        headline: o
            .get("headline")
            .and_then(Value::as_str)
            .and_then(non_empty),
        date_published: o
            .get("datePublished")
            .and_then(Value::as_str)
            .and_then(non_empty),
        author: o
            .get("author")
            .and_then(ld_names)
            .and_then(|a| author_name(&a)),
        publisher: o.get("publisher").and_then(ld_names),
    }
}

/// Top-level objects, array items and `@graph` members.
fn collect_ld_objects(value: Value, out: &mut Vec<serde_json::Map<String, Value>>) {
    match value {
        Value::Array(items) => {
            for item in items {
                if let Value::Object(o) = item {
                    out.push(o);
                }
            }
        }
        Value::Object(mut o) => {
            if let Some(Value::Array(graph)) = o.remove("@graph") {
                out.extend(graph.into_iter().filter_map(|v| match v {
                    Value::Object(o) => Some(o),
                    _ => None,
                }));
            }
            out.push(o);
        }
        _ => {}
    }
}

/// A person or organisation: a string, `{"name": …}`, or the first of a list of them (the
/// byline's first name, as a page's byline gives it: a list also holds photographers).
fn ld_names(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => non_empty(s),
        Value::Object(o) => o.get("name").and_then(Value::as_str).and_then(non_empty),
        Value::Array(items) => items.iter().find_map(ld_names),
        _ => None,
    }
}
