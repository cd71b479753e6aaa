//! The article's metadata from the page: title, source, URL, date, author and a few extras.
//!
//! Title: `og:title`, `twitter:title` (without a trailing ` - 매체` when the site name is
//! known), JSON-LD `headline`, `<title>` without a trailing site suffix (` | 매체`, ` - 매체`,
//! ` :: 매체`, which may then serve as the source), first `<h1>`; a `<title>` that is only a
//! short name which the `<h1>` does not contain (a print view's) gives way to the `<h1>`
//! and serves as the source.
//! Date: `article:published_time` and kin in `<meta>`, `itemprop=datePublished`, JSON-LD
//! `datePublished`, `<time datetime>` inside the article, an element whose class says `date`;
//! the first that reads as a date wins, else the first raw one is kept as `meta["date_raw"]`.
//! Author: `meta[name=author]`, `article:author` (unless a URL), JSON-LD `author`, a byline
//! element. Source: a portal's name of the outlet (`article:media_name`, an
//! `og:article:author` of the form `매체 | 포털`), `og:site_name`, JSON-LD `publisher`, the
//! title suffix. URL: canonical
//! link, `og:url`. Extras in `meta`: description, keywords, section, modified time.

use std::collections::HashMap;
use std::sync::LazyLock;

use scraper::{ElementRef, Html, Selector};

use super::dom::{articles, class_tokens, selector};
use super::json_ld::{LinkedData, json_ld};
use crate::ingest::Article;
use crate::ingest::text::byline::author_name;
use crate::ingest::text::date::{normalize_date, set_date};
use crate::ingest::text::{collapse_whitespace, non_empty};

/// Byline elements with more text than this are not bylines.
const MAX_BYLINE_CHARS: usize = 80;

/// `<meta>` names whose content may be the publication date, in order of trust.
const DATE_KEYS: [&str; 9] = [
    "article:published_time",
    "og:published_time",
    "og:article:published_time",
    "date",
    "pubdate",
    "publishdate",
    "publish-date",
    "dc.date",
    "dc.date.issued",
];

/// `<meta>` names kept in `meta`, and the key each is kept under; the first one found wins.
const EXTRA_KEYS: [(&str, &str); 5] = [
    ("description", "description"),
    ("og:description", "description"),
    ("keywords", "keywords"),
    ("article:section", "section"),
    ("article:modified_time", "modified"),
];

static TITLE: LazyLock<Selector> = LazyLock::new(|| selector("title"));
static H1: LazyLock<Selector> = LazyLock::new(|| selector("h1"));
static CLASSED: LazyLock<Selector> = LazyLock::new(|| selector("[class]"));

/// Fills `article`'s title, source, URL, date, author and extras from `doc`; `body` is the
/// element chosen as the article's body (a `<time>` in it may date the article).
pub(super) fn fill(doc: &Html, body: Option<ElementRef<'_>>, article: &mut Article) {
    let tags = MetaTags::read(doc);
    let ld = json_ld(doc);
    title_and_source(doc, &tags, &ld, article);
    article.url = link_canonical(doc).or_else(|| tags.get("og:url"));
    date(doc, body, &tags, &ld, article);
    article.author = author(doc, &tags, &ld);
    for (key, name) in EXTRA_KEYS {
        if let Some(v) = tags.get(key) {
            article.meta.entry(name.to_string()).or_insert(v);
        }
    }
}

/// `<meta>` contents by lower-case `property`, `name` or `itemprop`; the first one wins.
struct MetaTags(HashMap<String, String>);

impl MetaTags {
    fn read(doc: &Html) -> MetaTags {
        static META: LazyLock<Selector> = LazyLock::new(|| selector("meta"));
        let mut out = HashMap::new();
        for el in doc.select(&META) {
            let Some(content) = el.attr("content") else {
                continue;
            };
            for attr in ["property", "name", "itemprop"] {
                if let Some(key) = el.attr(attr) {
                    out.entry(key.trim().to_ascii_lowercase())
                        .or_insert_with(|| content.to_string());
                }
            }
        }
        MetaTags(out)
    }

    /// The content for `key` (lower-case), whitespace collapsed; `None` when missing or blank.
    fn get(&self, key: &str) -> Option<String> {
        self.0.get(key).and_then(|v| non_empty(v))
    }
}

/// The title, and a source: the site name, else the publisher, else a `<title>` suffix.
fn title_and_source(doc: &Html, tags: &MetaTags, ld: &LinkedData, article: &mut Article) {
    let site_name = tags.get("og:site_name");
    let page_title = first_text(doc, &TITLE);
    let (title_from_page, suffix) = match &page_title {
        Some(t) => strip_site_suffix(t, site_name.as_deref()),
        None => (None, None),
    };
    // A print view's `<title>` is the outlet's name alone; its headline is the `<h1>`.
    let h1 = first_text(doc, &H1);
    let (title_from_page, suffix) = match (title_from_page, &h1) {
        (Some(t), Some(h)) if suffix.is_none() && !t.contains(h.as_str()) && is_short_name(&t) => {
            (Some(h.clone()), Some(t))
        }
        (t, _) => (t, suffix),
    };
    let strip = |t: String| match &site_name {
        Some(_) => strip_site_suffix(&t, site_name.as_deref()).0.unwrap_or(t),
        None => t,
    };
    article.title = tags
        .get("og:title")
        .or_else(|| tags.get("twitter:title"))
        .map(strip)
        .or_else(|| ld.headline.clone())
        .or(title_from_page)
        .or(h1);
    let portal_outlet = tags.get("article:media_name").or_else(|| {
        tags.get("og:article:author")
            .and_then(|a| {
                a.split_once(" | ")
                    .map(|(outlet, _)| outlet.trim().to_string())
            })
            .filter(|o| !o.is_empty() && !o.starts_with("http"))
    });
    article.source = portal_outlet
        .or(site_name)
        .or_else(|| ld.publisher.clone())
        .or(suffix);
}

/// A name rather than a headline: at most 20 characters in at most two words.
fn is_short_name(s: &str) -> bool {
    s.chars().count() <= 20 && s.split_whitespace().count() <= 2
}

/// The date: the first candidate that reads as a date; else a short element whose class names
/// a date; else the first raw candidate, kept as `meta["date_raw"]`.
fn date(
    doc: &Html,
    body: Option<ElementRef<'_>>,
    tags: &MetaTags,
    ld: &LinkedData,
    article: &mut Article,
) {
    let mut raw_dates: Vec<String> = DATE_KEYS.iter().filter_map(|k| tags.get(k)).collect();
    raw_dates.extend(itemprop_date(doc));
    raw_dates.extend(ld.date_published.clone());
    raw_dates.extend(time_in_article(doc, body));
    if let Some(date) = raw_dates.iter().find_map(|d| normalize_date(d)) {
        article.date = Some(date);
    } else if let Some(date) = dated_element(doc) {
        article.date = Some(date);
    } else if let Some(raw) = raw_dates.first() {
        set_date(article, raw);
    }
}

/// The author's name from the meta tags, the JSON-LD or a byline element.
fn author(doc: &Html, tags: &MetaTags, ld: &LinkedData) -> Option<String> {
    tags.get("author")
        .and_then(|a| author_name(&a))
        .or_else(|| {
            tags.get("article:author")
                .filter(|a| !a.starts_with("http"))
                .and_then(|a| author_name(&a))
        })
        .or_else(|| ld.author.clone())
        .or_else(|| byline_author(doc))
}

/// The text of the first element `sel` selects that has any.
fn first_text(doc: &Html, sel: &Selector) -> Option<String> {
    doc.select(sel).find_map(|el| non_empty(&text_of(el)))
}

/// The canonical link's address.
fn link_canonical(doc: &Html) -> Option<String> {
    static LINK: LazyLock<Selector> = LazyLock::new(|| selector("link[rel][href]"));
    doc.select(&LINK)
        .find(|el| {
            el.attr("rel").is_some_and(|r| {
                r.split_whitespace()
                    .any(|t| t.eq_ignore_ascii_case("canonical"))
            })
        })
        .and_then(|el| el.attr("href"))
        .and_then(non_empty)
}

/// The title without a trailing site name, and that site name.
fn strip_site_suffix(title: &str, site_name: Option<&str>) -> (Option<String>, Option<String>) {
    let title = collapse_whitespace(title);
    for sep in [" | ", " :: ", " - ", " – ", " — "] {
        let Some(at) = title.rfind(sep) else {
            continue;
        };
        let head = title[..at].trim();
        let tail = title[at + sep.len()..].trim();
        if head.is_empty() || tail.is_empty() {
            continue;
        }
        let matches_site = site_name.is_some_and(|s| s == tail || tail.contains(s));
        // Without a known site name, only a short name-like suffix is taken for one.
        let looks_like_site = {
            let chars = tail.chars().count();
            let words = tail.split_whitespace().count();
            let loose = matches!(sep.trim(), "|" | "::");
            chars <= if loose { 30 } else { 20 }
                && words <= if loose { 4 } else { 2 }
                && !tail.ends_with(['.', '?', '!', '"', '\''])
        };
        if matches_site || (site_name.is_none() && looks_like_site) {
            return (Some(head.to_string()), Some(tail.to_string()));
        }
    }
    (Some(title), None)
}

/// The date of an element marked `itemprop=datePublished`: its `content`, `datetime` or text.
fn itemprop_date(doc: &Html) -> Option<String> {
    static ITEMPROP_DATE: LazyLock<Selector> =
        LazyLock::new(|| selector("[itemprop=datePublished], [itemprop=datepublished]"));
    doc.select(&ITEMPROP_DATE).find_map(|el| {
        el.attr("content")
            .or_else(|| el.attr("datetime"))
            .and_then(non_empty)
            .or_else(|| non_empty(&text_of(el)))
    })
}

/// `<time datetime>` inside an `<article>` or the chosen body.
fn time_in_article(doc: &Html, root: Option<ElementRef<'_>>) -> Option<String> {
    static TIME: LazyLock<Selector> = LazyLock::new(|| selector("time[datetime]"));
    let in_articles = articles(doc).find_map(|a| {
        a.select(&TIME)
            .find_map(|t| t.attr("datetime").and_then(non_empty))
    });
    in_articles.or_else(|| {
        root.and_then(|r| {
            r.select(&TIME)
                .find_map(|t| t.attr("datetime").and_then(non_empty))
        })
    })
}

/// The date in a short element whose class names a date (`<div class="dates">입력 …</div>`).
fn dated_element(doc: &Html) -> Option<String> {
    doc.select(&CLASSED)
        .filter(|el| class_tokens(el.value()).iter().any(|t| t.contains("date")))
        .take(20)
        .find_map(|el| {
            let text = text_of(el);
            (text.chars().count() <= 100)
                .then(|| normalize_date(&text))
                .flatten()
        })
}

/// The author named by the first byline element (class naming byline, reporter or writer).
fn byline_author(doc: &Html) -> Option<String> {
    doc.select(&CLASSED)
        .filter(|el| {
            class_tokens(el.value())
                .iter()
                .any(|t| t.contains("byline") || t.contains("reporter") || t.contains("writer"))
        })
        .take(20)
        .find_map(|el| {
            let text = text_of(el);
            (text.chars().count() <= MAX_BYLINE_CHARS)
                .then(|| author_name(&text))
                .flatten()
        })
}

/// All text under `el`, whitespace collapsed (for short elements: titles, bylines).
fn text_of(el: ElementRef<'_>) -> String {
    collapse_whitespace(&el.text().collect::<String>())
}
