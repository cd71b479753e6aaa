//! HTML pages (`.html`, `.htm`): metadata from `<head>`, the article's visible text from the
//! body.
//!
//! **Metadata.** Title: `og:title`, `twitter:title`, JSON-LD `headline`, `<title>` without a
//! trailing site suffix (` | 매체`, ` - 매체`, ` :: 매체`, which may then serve as the source),
//! first `<h1>`.
//! Date: `article:published_time` and kin in `<meta>`, `itemprop=datePublished`, JSON-LD
//! `datePublished`, `<time datetime>` inside the article, an element whose class says `date`.
//! Author: `meta[name=author]`, `article:author` (unless a URL), JSON-LD `author`, a byline
//! element. Source: `og:site_name`, JSON-LD `publisher`, the title suffix. URL: canonical
//! link, `og:url`.
//!
//! **Body.** The `<article>` element with the most text, unless some other container holds
//! more paragraph text than that whole article; otherwise a readability-style choice: each
//! `<p>`'s text counts for its nearest `main`/`div`/`section`/`td`/`article`/`body` ancestor,
//! direct text for its parent, and the container with the most wins (its parent instead when
//! two or more siblings carry a good share). Inside the chosen element, page furniture is
//! skipped: `script`, `style`, `nav`, `header`, `footer`, `aside`, `form`, `figure` and kin,
//! hidden elements, ARIA navigation/banner/contentinfo roles, and elements whose class or id
//! names menus, ads, sharing, comments, bylines, dates and the like. Block elements separate
//! paragraphs, table cells are joined with ` | `, whitespace is collapsed.
//!
//! **Robustness.** html5ever is quadratic in the depth of nested block elements, so tags
//! nested deeper than [`MAX_DEPTH`] are removed (their text kept) before parsing. All tree
//! walks use explicit stacks; nothing recurses on the document's depth.

use std::collections::HashMap;
use std::sync::LazyLock;

use scraper::node::Element;
use scraper::{ElementRef, Html, Node, Selector};
use serde_json::Value;

use crate::ingest::Article;
use crate::ingest::text::byline::author_name;
use crate::ingest::text::date::{normalize_date, set_date};
use crate::ingest::text::{collapse_whitespace, non_empty};

/// Tags nested deeper than this (by a conservative count) are dropped before parsing.
const MAX_DEPTH: usize = 256;
/// At most this many `<article>` elements are weighed.
const MAX_ARTICLES: usize = 64;
/// At most this many of the best-scoring containers are checked for being furniture.
const MAX_CANDIDATES: usize = 200;
/// Byline elements with more text than this are not bylines.
const MAX_BYLINE_CHARS: usize = 80;

/// Reads an HTML page.
pub(crate) fn parse(text: &str) -> Article {
    let limited = limit_depth(text, MAX_DEPTH);
    let doc = Html::parse_document(limited.as_deref().unwrap_or(text));
    let metas = meta_tags(&doc);
    let ld = json_ld(&doc);
    let meta = |key: &str| metas.get(key).and_then(|v| non_empty(v));

    let mut article = Article::default();

    // Title, and a site name taken from the <title> suffix.
    let site_name = meta("og:site_name");
    let page_title = first_text(&doc, &TITLE);
    let (title_from_page, suffix) = match &page_title {
        Some(t) => strip_site_suffix(t, site_name.as_deref()),
        None => (None, None),
    };
    article.title = meta("og:title")
        .or_else(|| meta("twitter:title"))
        .or_else(|| ld.headline.clone())
        .or(title_from_page)
        .or_else(|| first_text(&doc, &H1));

    article.source = site_name.or_else(|| ld.publisher.clone()).or(suffix);
    article.url = link_canonical(&doc).or_else(|| meta("og:url"));

    let root = choose_body(&doc);
    article.paragraphs = match root {
        Some(root) => {
            let strict = render(root, true);
            if strict.is_empty() {
                render(root, false)
            } else {
                strict
            }
        }
        None => Vec::new(),
    };

    // Date: the first candidate that reads as a date; else keep the first raw one.
    let mut raw_dates: Vec<String> = [
        "article:published_time",
        "og:published_time",
        "og:article:published_time",
        "date",
        "pubdate",
        "publishdate",
        "publish-date",
        "dc.date",
        "dc.date.issued",
    ]
    .iter()
    .filter_map(|k| meta(k))
    .collect();
    raw_dates.extend(itemprop_date(&doc));
    raw_dates.extend(ld.date_published.clone());
    raw_dates.extend(time_in_article(&doc, root));
    if let Some(date) = raw_dates.iter().find_map(|d| normalize_date(d)) {
        article.date = Some(date);
    } else if let Some(date) = dated_element(&doc) {
        article.date = Some(date);
    } else if let Some(raw) = raw_dates.first() {
        set_date(&mut article, raw);
    }

    article.author = meta("author")
        .and_then(|a| author_name(&a))
        .or_else(|| {
            meta("article:author")
                .filter(|a| !a.starts_with("http"))
                .and_then(|a| author_name(&a))
        })
        .or_else(|| ld.author.clone())
        .or_else(|| byline_author(&doc));

    for (key, name) in [
        ("description", "description"),
        ("og:description", "description"),
        ("keywords", "keywords"),
        ("article:section", "section"),
        ("article:modified_time", "modified"),
    ] {
        if let Some(v) = meta(key) {
            article.meta.entry(name.to_string()).or_insert(v);
        }
    }
    article
}

/// The paragraphs of an HTML fragment (an HTML text field in JSON).
pub(crate) fn fragment_paragraphs(html: &str) -> Vec<String> {
    let limited = limit_depth(html, MAX_DEPTH);
    let doc = Html::parse_fragment(limited.as_deref().unwrap_or(html));
    let root = doc.root_element();
    let strict = render(root, true);
    if strict.is_empty() {
        render(root, false)
    } else {
        strict
    }
}

fn selector(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

static TITLE: LazyLock<Selector> = LazyLock::new(|| selector("title"));
static H1: LazyLock<Selector> = LazyLock::new(|| selector("h1"));
static META: LazyLock<Selector> = LazyLock::new(|| selector("meta"));
static LINK: LazyLock<Selector> = LazyLock::new(|| selector("link[rel][href]"));
static SCRIPT: LazyLock<Selector> = LazyLock::new(|| selector("script"));
static ARTICLE: LazyLock<Selector> = LazyLock::new(|| selector("article"));
static P: LazyLock<Selector> = LazyLock::new(|| selector("p"));
static TIME: LazyLock<Selector> = LazyLock::new(|| selector("time[datetime]"));
static ITEMPROP_DATE: LazyLock<Selector> =
    LazyLock::new(|| selector("[itemprop=datePublished], [itemprop=datepublished]"));
static CLASSED: LazyLock<Selector> = LazyLock::new(|| selector("[class]"));

/// `<meta>` contents by lower-case `property`, `name` or `itemprop`; the first one wins.
fn meta_tags(doc: &Html) -> HashMap<String, String> {
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
    out
}

fn first_text(doc: &Html, sel: &Selector) -> Option<String> {
    doc.select(sel).find_map(|el| non_empty(&text_of(el)))
}

fn link_canonical(doc: &Html) -> Option<String> {
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

/// What the page's JSON-LD says about the article.
#[derive(Debug, Default)]
struct LinkedData {
    headline: Option<String>,
    date_published: Option<String>,
    author: Option<String>,
    publisher: Option<String>,
}

fn json_ld(doc: &Html) -> LinkedData {
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

/// A person or organisation: a string, `{"name": …}`, or a list of them (joined).
fn ld_names(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => non_empty(s),
        Value::Object(o) => o.get("name").and_then(Value::as_str).and_then(non_empty),
        Value::Array(items) => {
            let names: Vec<String> = items.iter().filter_map(ld_names).collect();
            (!names.is_empty()).then(|| names.join(", "))
        }
        _ => None,
    }
}

fn itemprop_date(doc: &Html) -> Option<String> {
    doc.select(&ITEMPROP_DATE).find_map(|el| {
        el.attr("content")
            .or_else(|| el.attr("datetime"))
            .and_then(non_empty)
            .or_else(|| non_empty(&text_of(el)))
    })
}

/// `<time datetime>` inside an `<article>` or the chosen body.
fn time_in_article(doc: &Html, root: Option<ElementRef<'_>>) -> Option<String> {
    let in_articles = doc.select(&ARTICLE).take(MAX_ARTICLES).find_map(|a| {
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

// ---------------------------------------------------------------------------------------------
// Choosing the body

/// Tags that can hold an article body.
fn is_container(tag: &str) -> bool {
    matches!(tag, "article" | "main" | "div" | "section" | "td" | "body")
}

/// A key for an element, stable while its document lives. ego-tree keeps a document's nodes
/// in one vector, so keys also follow the order in which the parser created the elements.
fn key(el: ElementRef<'_>) -> usize {
    std::ptr::from_ref(el.value()) as usize
}

/// The element holding the article text.
fn choose_body(doc: &Html) -> Option<ElementRef<'_>> {
    // Paragraph text per container: each <p> counts for its nearest container ancestor,
    // direct text for its parent.
    let mut scores: HashMap<usize, (ElementRef<'_>, usize)> = HashMap::new();
    for p in doc.select(&P) {
        let len = visible_len(p);
        if len == 0 {
            continue;
        }
        let holder = p
            .ancestors()
            .take(5)
            .filter_map(ElementRef::wrap)
            .find(|e| is_container(e.value().name()));
        if let Some(holder) = holder {
            scores.entry(key(holder)).or_insert((holder, 0)).1 += len;
        }
    }
    for node in doc.tree.nodes() {
        if let Node::Text(t) = node.value()
            && let Some(parent) = node.parent().and_then(ElementRef::wrap)
            && is_container(parent.value().name())
        {
            let len = t.trim().chars().count();
            if len > 0 {
                scores.entry(key(parent)).or_insert((parent, 0)).1 += len;
            }
        }
    }
    let mut ranked: Vec<(usize, ElementRef<'_>, usize)> =
        scores.into_iter().map(|(k, (el, s))| (k, el, s)).collect();
    // Highest score first; ties to the element created first.
    ranked.sort_by(|a, b| b.2.cmp(&a.2).then(a.0.cmp(&b.0)));
    let best = ranked
        .iter()
        .take(MAX_CANDIDATES)
        .find(|(_, el, _)| !excluded_or_inside(*el))
        .map(|&(_, el, score)| widen_to_parent(el, score, &ranked));

    let article = doc
        .select(&ARTICLE)
        .take(MAX_ARTICLES)
        .filter(|a| !excluded_or_inside(*a))
        .map(|a| (a, visible_len(a)))
        .filter(|(_, len)| *len > 0)
        .max_by(|a, b| a.1.cmp(&b.1).then(key(b.0).cmp(&key(a.0))));

    match (article, best) {
        (Some((article, article_len)), Some((el, score))) => {
            let related = el.id() == article.id()
                || el.ancestors().any(|n| n.id() == article.id())
                || article.ancestors().any(|n| n.id() == el.id());
            // Another container wins only when its paragraphs outweigh the whole article.
            if !related && score > article_len {
                Some(el)
            } else {
                Some(article)
            }
        }
        (Some((article, _)), None) => Some(article),
        (None, Some((el, _))) => Some(el),
        (None, None) => {
            static BODY: LazyLock<Selector> = LazyLock::new(|| selector("body"));
            doc.select(&BODY)
                .next()
                .or_else(|| Some(doc.root_element()))
        }
    }
}

/// The parent of `el` when two or more of its children carry at least a quarter of `el`'s
/// score each (paragraphs split across sibling blocks); else `el`.
fn widen_to_parent<'a>(
    el: ElementRef<'a>,
    score: usize,
    ranked: &[(usize, ElementRef<'a>, usize)],
) -> (ElementRef<'a>, usize) {
    let Some(parent) = el.parent().and_then(ElementRef::wrap) else {
        return (el, score);
    };
    if !is_container(parent.value().name()) || excluded_or_inside(parent) {
        return (el, score);
    }
    let score_of = |e: ElementRef<'_>| {
        let k = key(e);
        ranked
            .iter()
            .find(|(i, _, _)| *i == k)
            .map_or(0, |(_, _, s)| *s)
    };
    let strong: Vec<usize> = parent
        .child_elements()
        .filter(|c| !excluded(c.value(), true))
        .map(score_of)
        .filter(|s| *s > 0 && *s * 4 >= score)
        .collect();
    if strong.len() >= 2 {
        (parent, strong.iter().sum::<usize>() + score_of(parent))
    } else {
        (el, score)
    }
}

/// Characters of visible text under `el` (furniture skipped).
fn visible_len(el: ElementRef<'_>) -> usize {
    let mut len = 0;
    let mut stack: Vec<_> = el.children().collect();
    while let Some(node) = stack.pop() {
        match node.value() {
            Node::Text(t) => len += t.trim().chars().count(),
            Node::Element(e) if !excluded(e, true) => stack.extend(node.children()),
            _ => {}
        }
    }
    len
}

/// Whether `el` or an ancestor is page furniture.
fn excluded_or_inside(el: ElementRef<'_>) -> bool {
    excluded(el.value(), true)
        || el
            .ancestors()
            .filter_map(|n| n.value().as_element())
            .any(|e| excluded(e, true))
}

// ---------------------------------------------------------------------------------------------
// What is furniture

/// Elements never part of the article text.
fn excluded_tag(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "noscript"
            | "template"
            | "nav"
            | "header"
            | "footer"
            | "aside"
            | "form"
            | "button"
            | "iframe"
            | "svg"
            | "figure"
            | "figcaption"
            | "select"
            | "option"
            | "input"
            | "textarea"
            | "object"
            | "embed"
            | "canvas"
            | "video"
            | "audio"
            | "map"
            | "dialog"
            | "menu"
            | "head"
            | "title"
            | "meta"
            | "link"
    )
}

/// ARIA roles of page furniture.
const FURNITURE_ROLES: &[&str] = &[
    "navigation",
    "banner",
    "contentinfo",
    "complementary",
    "search",
    "menu",
    "menubar",
    "toolbar",
    "dialog",
];

/// Class or id tokens that mark furniture when they are the whole token.
const FURNITURE_TOKENS: &[&str] = &[
    "ad", "ads", "adv", "advert", "aside", "blind", "date", "dates", "datetime", "email", "hot",
    "keyword", "keywords", "login", "modal", "most", "print", "pubdate", "rank", "relation",
    "reply", "skip", "sns", "tag", "tags", "time", "util", "utility", "toolbar", "hidden",
];

/// Class or id token parts that mark furniture anywhere in a token.
const FURNITURE_PARTS: &[&str] = &[
    "nav",
    "menu",
    "gnb",
    "lnb",
    "snb",
    "footer",
    "header",
    "sidebar",
    "related",
    "popular",
    "share",
    "comment",
    "copyright",
    "byline",
    "reporter",
    "writer",
    "journalist",
    "breadcrumb",
    "advert",
    "banner",
    "sponsor",
    "subscri",
    "recommend",
    "ranking",
    "promo",
    "social",
    "cookie",
    "popup",
];

/// Whether an element is page furniture. `strict` adds the role and class/id rules to the
/// tag rules; `html`, `body`, `main` and `article` are never excluded by class.
fn excluded(e: &Element, strict: bool) -> bool {
    let name = e.name();
    if excluded_tag(name) || e.attr("hidden").is_some() {
        return true;
    }
    if e.attr("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    if let Some(style) = e.attr("style") {
        let style: String = style
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect::<String>()
            .to_ascii_lowercase();
        if style.contains("display:none") || style.contains("visibility:hidden") {
            return true;
        }
    }
    if !strict || matches!(name, "html" | "body" | "main" | "article") {
        return false;
    }
    if let Some(role) = e.attr("role")
        && FURNITURE_ROLES.contains(&role.trim().to_ascii_lowercase().as_str())
    {
        return true;
    }
    let raw = format!(
        "{} {}",
        e.attr("class").unwrap_or(""),
        e.attr("id").unwrap_or("")
    )
    .to_ascii_lowercase();
    if raw.contains("sr-only") || raw.contains("screen-reader") || raw.contains("visually-hidden") {
        return true;
    }
    class_tokens(e).iter().any(|t| {
        FURNITURE_TOKENS.contains(&t.as_str()) || FURNITURE_PARTS.iter().any(|p| t.contains(p))
    })
}

/// Class and id split into lower-case words: at non-alphanumerics and camelCase humps
/// (`ad-inline` → `ad inline`, `articleBody` → `article body`).
fn class_tokens(e: &Element) -> Vec<String> {
    let mut tokens = Vec::new();
    for value in [e.attr("class"), e.attr("id")].into_iter().flatten() {
        let mut current = String::new();
        let mut prev_lower = false;
        for c in value.chars() {
            if c.is_alphanumeric() {
                if c.is_uppercase() && prev_lower && !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
                prev_lower = c.is_lowercase() || c.is_ascii_digit();
                current.extend(c.to_lowercase());
            } else {
                if !current.is_empty() {
                    tokens.push(std::mem::take(&mut current));
                }
                prev_lower = false;
            }
        }
        if !current.is_empty() {
            tokens.push(current);
        }
    }
    tokens
}

// ---------------------------------------------------------------------------------------------
// Rendering

/// Elements that start and end a paragraph.
fn is_block(tag: &str) -> bool {
    matches!(
        tag,
        "p" | "div"
            | "h1"
            | "h2"
            | "h3"
            | "h4"
            | "h5"
            | "h6"
            | "li"
            | "ul"
            | "ol"
            | "dl"
            | "dt"
            | "dd"
            | "blockquote"
            | "tr"
            | "table"
            | "thead"
            | "tbody"
            | "tfoot"
            | "caption"
            | "section"
            | "article"
            | "main"
            | "pre"
            | "address"
            | "center"
            | "details"
            | "summary"
            | "fieldset"
            | "legend"
            | "hgroup"
            | "body"
            | "html"
    )
}

/// Paragraphs being assembled from text nodes.
#[derive(Default)]
struct Paragraphs {
    done: Vec<String>,
    current: String,
    space: bool,
    cell: usize,
}

impl Paragraphs {
    fn text(&mut self, s: &str) {
        for c in s.chars() {
            if c.is_whitespace() {
                self.space = !self.current.is_empty();
            } else if !matches!(c, '\u{200b}' | '\u{200c}' | '\u{200d}' | '\u{feff}') {
                if self.space {
                    self.current.push(' ');
                    self.space = false;
                }
                self.current.push(c);
            }
        }
    }

    fn cell(&mut self) {
        if self.cell > 0 && !self.current.is_empty() {
            self.current.push_str(" | ");
            self.space = false;
        }
        self.cell += 1;
    }

    fn flush(&mut self) {
        if !self.current.is_empty() {
            self.done.push(std::mem::take(&mut self.current));
        }
        self.space = false;
    }
}

/// One step of a depth-first walk with an explicit stack.
enum Step<N> {
    Open(N),
    Close(N),
}

/// The paragraphs of the visible text under `root`.
fn render(root: ElementRef<'_>, strict: bool) -> Vec<String> {
    let mut out = Paragraphs::default();
    let mut stack: Vec<_> = root.children().rev().map(Step::Open).collect();
    while let Some(step) = stack.pop() {
        match step {
            Step::Open(node) => match node.value() {
                Node::Text(t) => out.text(t),
                Node::Element(e) if !excluded(e, strict) => {
                    let name = e.name();
                    match name {
                        "br" | "hr" => {
                            out.flush();
                            continue;
                        }
                        "tr" => out.cell = 0,
                        "td" | "th" => out.cell(),
                        _ => {}
                    }
                    if is_block(name) {
                        out.flush();
                    }
                    stack.push(Step::Close(node));
                    stack.extend(node.children().rev().map(Step::Open));
                }
                _ => {}
            },
            Step::Close(node) => {
                if node
                    .value()
                    .as_element()
                    .is_some_and(|e| is_block(e.name()))
                {
                    out.flush();
                }
            }
        }
    }
    out.flush();
    out.done
}

// ---------------------------------------------------------------------------------------------
// Nesting limit

/// Elements without content.
fn is_void(tag: &str) -> bool {
    matches!(
        tag,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
            | "basefont"
            | "bgsound"
            | "frame"
            | "image"
    )
}

/// Elements whose end tag is optional: the parser closes them itself, so they do not nest.
fn has_optional_end(tag: &str) -> bool {
    matches!(
        tag,
        "html"
            | "head"
            | "body"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "option"
            | "optgroup"
            | "tr"
            | "td"
            | "th"
            | "tbody"
            | "thead"
            | "tfoot"
            | "colgroup"
            | "caption"
            | "rb"
            | "rt"
            | "rtc"
            | "rp"
    )
}

/// Elements whose content is raw text up to their end tag.
fn is_raw_text(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
            | "plaintext"
    )
}

/// `html` with start tags nested deeper than `max` removed (with their end tags; their text is
/// kept), or `None` when no tag nests that deep. The count is conservative: elements that
/// close themselves (`p`, `li`, `td` …), void and raw-text elements do not count.
fn limit_depth(html: &str, max: usize) -> Option<String> {
    if scan_depth(html, max, None) {
        let mut out = String::with_capacity(html.len());
        scan_depth(html, max, Some(&mut out));
        Some(out)
    } else {
        None
    }
}

/// Whether tags nest deeper than `max`; with `out`, writes `html` without the tags beyond.
fn scan_depth(html: &str, max: usize, mut out: Option<&mut String>) -> bool {
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut copied = 0;
    let mut depth = 0usize;
    let mut skipped = 0usize;
    let mut exceeded = false;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        let lt = i + off;
        let rest = &bytes[lt + 1..];
        if rest.starts_with(b"!--") {
            i = find(bytes, lt + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        if rest.first().is_some_and(|&b| b == b'!' || b == b'?') {
            i = find(bytes, lt + 1, b">").map_or(bytes.len(), |e| e + 1);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = lt + 1;
            continue;
        }
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end = tag_end(bytes, name_start + name_len);
        let counts = !is_void(&name) && !has_optional_end(&name) && !is_raw_text(&name);
        let mut drop_tag = false;
        if closing {
            if counts {
                if skipped > 0 {
                    skipped -= 1;
                    drop_tag = true;
                } else {
                    depth = depth.saturating_sub(1);
                }
            }
        } else if counts && !bytes[..end].ends_with(b"/>") {
            if depth >= max {
                exceeded = true;
                if out.is_none() {
                    return true;
                }
                skipped += 1;
                drop_tag = true;
            } else {
                depth += 1;
            }
        }
        if drop_tag && let Some(out) = out.as_deref_mut() {
            out.push_str(&html[copied..lt]);
            copied = end;
        }
        i = end;
        if !closing && is_raw_text(&name) {
            i = find_end_tag(bytes, end, name.as_bytes()).unwrap_or(bytes.len());
        }
    }
    if let Some(out) = out {
        out.push_str(&html[copied..]);
    }
    exceeded
}

/// The index just past the `>` ending the tag whose name ends at `from`; quoted attribute
/// values may contain `>`.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut prev = b' ';
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if (b == b'"' || b == b'\'') && prev == b'=' => quote = Some(b),
            None if b == b'>' => return i + 1,
            None => {}
        }
        if !b.is_ascii_whitespace() {
            prev = b;
        }
    }
    bytes.len()
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The index of `</name` (any case) at or after `from`.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(p) = find(bytes, i, b"</") {
        let after = &bytes[p + 2..];
        if after.len() >= name.len() && after[..name.len()].eq_ignore_ascii_case(name) {
            return Some(p);
        }
        i = p + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    /// Parsed and cleaned, as `parse()` delivers it.
    fn parse(html: &str) -> Article {
        let mut a = super::parse(html);
        crate::ingest::clean::clean(&mut a);
        a
    }

    fn page(head: &str, body: &str) -> String {
        format!("<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>")
    }

    #[test]
    fn title_sources_in_order() {
        let a = parse(&page(
            r#"<meta property="og:title" content="OG 제목"><title>페이지 | 매체</title>"#,
            "<h1>H1</h1><p>본문.</p>",
        ));
        assert_eq!(a.title.as_deref(), Some("OG 제목"));
        assert_eq!(a.source.as_deref(), Some("매체"));

        let a = parse(&page(
            r#"<title>기업 AI, '큰 모델' 대신 | 다온경제</title><meta property="og:site_name" content="다온경제">"#,
            "<p>본문.</p>",
        ));
        assert_eq!(a.title.as_deref(), Some("기업 AI, '큰 모델' 대신"));
        assert_eq!(a.source.as_deref(), Some("다온경제"));

        let a = parse(&page(
            "<title>GPU 가격 - 테크데일리</title>",
            "<p>본문.</p>",
        ));
        assert_eq!(a.title.as_deref(), Some("GPU 가격"));
        assert_eq!(a.source.as_deref(), Some("테크데일리"));
        let a = parse(&page("<title>제목 :: 매체명</title>", "<p>본문.</p>"));
        assert_eq!(a.title.as_deref(), Some("제목"));

        // A long tail after " - " is part of the title.
        let a = parse(&page(
            "<title>삼성전자 - 2분기 실적 발표와 향후 전망을 두고 엇갈린 시선</title>",
            "<p>본문.</p>",
        ));
        assert_eq!(
            a.title.as_deref(),
            Some("삼성전자 - 2분기 실적 발표와 향후 전망을 두고 엇갈린 시선")
        );
        assert_eq!(a.source, None);

        let a = parse(&page("", "<h1>첫 머리</h1><p>본문.</p>"));
        assert_eq!(a.title.as_deref(), Some("첫 머리"));
        assert_eq!(a.paragraphs, vec!["본문."]);
    }

    #[test]
    fn metadata_from_json_ld() {
        let head = r#"<script type="application/ld+json">
            {"@context": "https://schema.org", "@graph": [
              {"@type": "WebSite", "name": "사이트"},
              {"@type": "NewsArticle", "headline": "LD 제목", "datePublished": "2026-02-04T14:05:00+09:00",
               "author": [{"@type": "Person", "name": "하윤재"}], "publisher": {"name": "코드라인"}}]}
            </script><script type="application/ld+json">{broken</script>"#;
        let a = parse(&page(head, "<p>본문.</p>"));
        assert_eq!(a.title.as_deref(), Some("LD 제목"));
        assert_eq!(a.date.as_deref(), Some("2026-02-04"));
        assert_eq!(a.author.as_deref(), Some("하윤재"));
        assert_eq!(a.source.as_deref(), Some("코드라인"));
    }

    #[test]
    fn dates_urls_and_authors() {
        let a = parse(&page(
            r#"<meta name="pubdate" content="2026년 3월 14일"><meta name="author" content="김민준 기자">
               <link rel="canonical" href="https://x.example/a"><meta property="og:url" content="https://x.example/b">"#,
            "<p>본문.</p>",
        ));
        assert_eq!(a.date.as_deref(), Some("2026-03-14"));
        assert_eq!(a.author.as_deref(), Some("김민준"));
        assert_eq!(a.url.as_deref(), Some("https://x.example/a"));

        let a = parse(&page(
            r#"<meta property="article:author" content="https://facebook.com/x">"#,
            r#"<article><div class="byline">이서연 기자 seoyeon@x.example</div>
               <div class="dates"><time datetime="2026-02-18T10:00:00+09:00">2월 18일</time></div>
               <p>본문.</p></article>"#,
        ));
        assert_eq!(a.author.as_deref(), Some("이서연"));
        assert_eq!(a.date.as_deref(), Some("2026-02-18"));
        assert_eq!(a.paragraphs, vec!["본문."]);

        let a = parse(&page(
            "",
            r#"<div class="info"><span class="date">입력 2026.01.22 06:00</span></div><p>본문.</p>"#,
        ));
        assert_eq!(a.date.as_deref(), Some("2026-01-22"));

        let a = parse(&page(
            r#"<meta name="date" content="지난주">"#,
            "<p>본문.</p>",
        ));
        assert_eq!(a.date, None);
        assert_eq!(a.meta.get("date_raw").map(String::as_str), Some("지난주"));
    }

    #[test]
    fn body_from_article_without_furniture() {
        let body = r#"
            <header><nav><a>정치</a><a>경제</a></nav><a>로그인</a></header>
            <article>
              <h1>제목</h1>
              <div class="share-tools"><button>공유</button></div>
              <p>첫 문단<br>둘째 줄.</p>
              <figure><img src="a.jpg"><figcaption>사진 설명</figcaption></figure>
              <div class="ad-inline"><script>var ad = {x: 1};</script>광고</div>
              <div id="relatedNews"><ul><li>관련 기사</li></ul></div>
              <div style="display: none">숨김</div>
              <p>  셋째   문단.  </p>
              <table><tr><th>구분</th><th>값</th></tr><tr><td>가</td><td>1</td></tr></table>
              <ul><li>항목 하나</li><li>항목 둘</li></ul>
              <blockquote>인용</blockquote>
            </article>
            <aside><h3>많이 본 뉴스</h3><ol><li>다른 기사</li></ol></aside>
            <footer>청소년보호책임자: 홍길동</footer>
            <script>function(){ gtag('x'); }</script>"#;
        let a = parse(&page("", body));
        assert_eq!(
            a.paragraphs,
            vec![
                "첫 문단",
                "둘째 줄.",
                "셋째 문단.",
                "구분 | 값",
                "가 | 1",
                "항목 하나",
                "항목 둘",
                "인용",
            ]
        );
    }

    #[test]
    fn body_by_paragraph_weight_without_article() {
        let long = "이 문단은 기사 본문이다. ".repeat(10);
        let body = format!(
            r#"<div id="wrap">
                 <div class="gnb"><p>메뉴 하나</p><p>메뉴 둘</p></div>
                 <div class="content"><div class="head"><h1>제목</h1></div>
                   <div class="article_txt"><p>{long}</p><p>{long}</p></div>
                 </div>
                 <div class="sidebar"><p>{long}</p></div>
                 <div class="list"><p>짧은 글</p></div>
               </div>"#
        );
        let a = parse(&page("", &body));
        assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);

        // Paragraphs split across sibling blocks are taken together.
        let body = format!(
            r#"<div id="content"><div class="part"><p>{long}</p></div><div class="part"><p>{long}</p><p>끝.</p></div></div>"#
        );
        let a = parse(&page("", &body));
        assert_eq!(a.paragraphs.len(), 3, "{:?}", a.paragraphs);

        // A teaser <article> loses to the real body.
        let body = format!(
            r#"<article><p>짧은 소개</p></article><div class="view"><p>{long}</p><p>{long}</p></div>"#
        );
        let a = parse(&page("", &body));
        assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);

        // Text directly in <body> with <br> separators.
        let a = parse("<html><body>첫 줄<br>둘째 줄<br><br>셋째</body></html>");
        assert_eq!(a.paragraphs, vec!["첫 줄", "둘째 줄", "셋째"]);
    }

    #[test]
    fn class_words() {
        let el = |html: &str| {
            let doc = Html::parse_fragment(html);
            let el = doc
                .root_element()
                .child_elements()
                .next()
                .expect("an element");
            (class_tokens(el.value()), excluded(el.value(), true))
        };
        assert_eq!(
            el(r#"<div class="ad-inline" id="adTop">"#).0,
            vec!["ad", "inline", "ad", "top"]
        );
        assert!(el(r#"<div class="ad-inline">"#).1);
        assert!(el(r#"<div id="relatedNews">"#).1);
        assert!(el(r#"<div class="most-viewed">"#).1);
        assert!(el(r#"<div role="navigation">"#).1);
        assert!(el(r#"<div class="sr-only">"#).1);
        assert!(!el(r#"<div class="article-text" id="articleBody">"#).1);
        assert!(!el(r#"<div class="headline">"#).1);
        assert!(!el(r#"<div class="article-head">"#).1);
        assert!(!el(r#"<div class="read-more-body loaded">"#).1);
        assert!(!el(r#"<main class="has-sidebar">"#).1);
    }

    #[test]
    fn depth_limit_keeps_text_and_shape() {
        assert_eq!(limit_depth("<div><p>a</p></div>", 4), None);
        let nested = format!("{}x{}", "<div>".repeat(10), "</div>".repeat(10));
        let limited = limit_depth(&nested, 4).expect("too deep");
        assert_eq!(
            limited,
            format!("{}x{}", "<div>".repeat(4), "</div>".repeat(4))
        );
        // Raw text and comments do not count.
        let tricky = format!(
            "<script>{}</script><!-- {} --><p>a</p>",
            "<div>".repeat(10),
            "<div>".repeat(10)
        );
        assert_eq!(limit_depth(&tricky, 4), None);
        // Optional-end and void elements do not count.
        let flat = "<p>a<p>b<li>c<br><img src=x>".repeat(100);
        assert_eq!(limit_depth(&flat, 4), None);
        // `>` inside a quoted attribute does not end the tag.
        assert_eq!(limit_depth(r#"<div title="a>b"><p>x</p></div>"#, 1), None);
    }

    #[test]
    fn pathological_pages_stay_fast() {
        let start = Instant::now();
        for (open, close) in [
            ("<div>", "</div>"),
            ("<div>", ""),
            ("<b>", ""),
            ("<blockquote>", ""),
        ] {
            let html = format!(
                "<html><body>{}본문{}</body></html>",
                open.repeat(100_000),
                close.repeat(100_000)
            );
            let a = parse(&html);
            assert_eq!(a.paragraphs, vec!["본문"], "{open}");
        }
        let scripts = format!(
            "<html><head><script>{}</script></head><body><p>본문.</p><script>{}</script></body></html>",
            "var a = '<div>';".repeat(300_000),
            "function(){ gtag('x'); }".repeat(100_000)
        );
        let a = parse(&scripts);
        assert_eq!(a.paragraphs, vec!["본문."]);
        // Generous: the unguarded parser needs minutes for the first case alone.
        assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
    }

    #[test]
    fn fragments() {
        assert_eq!(
            fragment_paragraphs("<p>가</p>나<br>다<script>x</script>"),
            vec!["가", "나", "다"]
        );
    }
}
