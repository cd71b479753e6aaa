//! The article's metadata from the page: title, source, URL, date, author and a few extras.
//!
//! Title: `og:title`, `twitter:title` (without a trailing ` - 매체` when the site name is
//! known), JSON-LD `headline`, `<title>` without a trailing site suffix (` | 매체`, ` - 매체`,
//! ` :: 매체`, which may then serve as the source), first `<h1>` (else an element whose class
//! names a headline, else one set in large type by its own markup, as old layouts do); a
//! `<title>` that is only a short name which the `<h1>` does not contain (a print view's), or
//! that is the `<h1>` after a short name (`매체 - 헤드라인`), gives way to the `<h1>` and the
//! name serves as the source. A print view's `프린트하기` is no title. A
//! title that is the `<h1>` after a bracketed label (`[매체] 헤드라인`) gives way to it.
//! Date: `article:published_time` and kin in `<meta>`, `itemprop=datePublished`, JSON-LD
//! `datePublished`, `<time datetime>` inside the article, an element whose class says `date`;
//! the first that reads as a date wins, else the first raw one is kept as `meta["date_raw"]`.
//! Author: `meta[name=author]`, `article:author` (unless a URL), JSON-LD `author`, a byline
//! element. Source: a portal's name of the outlet (`article:media_name`, an
//! `og:article:author` of the form `매체 | 포털`), `og:site_name`, JSON-LD `publisher`, the
//! title suffix. URL: canonical link, `og:url`. Extras in `meta`: description, keywords,
//! section, modified time.
//!
//! Where the markup gives no date, author or source (a print view, an old CMS page), the
//! page's visible lines may, header and footer included: date and reporter lines (`입력 :
//! 2025-01-17 17:46 | 박지훈 기자`) and the copyright notice, read as in a copied page
//! ([`page_facts`]). A copyright notice names the outlet better than a `<title>` suffix, and
//! on a portal's page (the outlet's notice under the article, the portal's at the foot)
//! better than the site's name.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;
use scraper::{ElementRef, Html, Selector};

use super::dom::{articles, class_tokens, selector};
use super::json_ld::{LinkedData, json_ld};
use super::render;
use crate::ingest::Article;
use crate::ingest::clean::page_facts;
use crate::ingest::text::byline::author_name;
use crate::ingest::text::date::{normalize_date, set_date};
use crate::ingest::text::{collapse_whitespace, non_empty};

/// What separates a headline from the site's name in `<title>`.
const TITLE_SEPARATORS: [&str; 5] = [" | ", " :: ", " - ", " – ", " — "];

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
static STYLED: LazyLock<Selector> = LazyLock::new(|| selector("[style], font[size]"));

/// Fills `article`'s title, source, URL, date, author and extras from `doc`; `body` is the
/// element chosen as the article's body (a `<time>` in it may date the article).
pub(super) fn fill(doc: &Html, body: Option<ElementRef<'_>>, article: &mut Article) {
    let tags = MetaTags::read(doc);
    let ld = json_ld(doc);
    let sources = title_and_source(doc, &tags, &ld, article);
    article.url = link_canonical(doc).or_else(|| tags.get("og:url"));
    date(doc, body, &tags, &ld, article);
    // The lines of the page: a print view's `입력 : 2025-01-17 17:46 | 박지훈 기자`, and the
    // copyright notices, which name the article's outlet even on a portal's page.
    let facts = page_facts(&render::page_lines(doc.root_element()));
    // An "author" that is the outlet's name is no reporter.
    let outlets = [
        &sources.site,
        &ld.publisher,
        &sources.title_suffix,
        &facts.source,
    ];
    article.author = author(doc, &tags, &ld, &|a: &str| {
        !outlets.iter().any(|o| o.as_deref() == Some(a))
    });
    article.date = article.date.take().or(facts.date);
    article.author = article.author.take().or(facts.author);
    article.source = sources
        .portal_outlet
        .or(facts.article_source)
        .or(sources.site)
        .or_else(|| ld.publisher.clone())
        .or(facts.source)
        .or(sources.title_suffix);
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

/// The names of the outlet that the page's markup gives, strongest first.
struct Sources {
    /// A portal's name of the outlet whose article it shows.
    portal_outlet: Option<String>,
    /// `og:site_name`.
    site: Option<String>,
    /// The site's name beside the headline in `<title>`.
    title_suffix: Option<String>,
}

/// Sets the title; returns the names of the outlet that the markup gives.
fn title_and_source(
    doc: &Html,
    tags: &MetaTags,
    ld: &LinkedData,
    article: &mut Article,
) -> Sources {
    let site_name = tags.get("og:site_name");
    let (page_title, print_site) = match first_text(doc, &TITLE) {
        Some(t) => without_print_label(t),
        None => (None, None),
    };
    let (title_from_page, suffix) = match &page_title {
        Some(t) => strip_site_suffix(t, site_name.as_deref()),
        None => (None, print_site),
    };
    let h1 = first_text(doc, &H1)
        .or_else(|| classed_headline(doc))
        .or_else(|| styled_headline(doc));
    let (title_from_page, suffix) = match (title_from_page, &h1) {
        // A print view's `<title>` is the outlet's name alone; its headline is the `<h1>`.
        (Some(t), Some(h)) if suffix.is_none() && !t.contains(h.as_str()) && is_short_name(&t) => {
            (Some(h.clone()), Some(t))
        }
        // `다온비즈 - 헤드라인`: the site's name before the `<h1>`.
        (Some(t), Some(h)) if suffix.is_none() && t != *h && t.contains(h.as_str()) => {
            let rest = t
                .replacen(h.as_str(), "", 1)
                .trim_matches(|c: char| c.is_whitespace() || "|-–—:·".contains(c))
                .to_string();
            if !rest.is_empty() && is_short_name(&rest) {
                (Some(h.clone()), Some(rest))
            } else {
                (Some(t), None)
            }
        }
        (t, _) => (t, suffix),
    };
    let known_site = site_name
        .clone()
        .or_else(|| ld.publisher.clone())
        .or_else(|| suffix.clone());
    let strip = |t: String| match &known_site {
        Some(_) => strip_site_suffix(&t, known_site.as_deref()).0.unwrap_or(t),
        None => t,
    };
    let title = tags
        .get("og:title")
        .or_else(|| tags.get("twitter:title"))
        .map(strip)
        .or_else(|| ld.headline.clone())
        .or(title_from_page);
    article.title = match (title, h1) {
        // `[매체] 헤드라인` in the meta tags, the headline alone on the page.
        (Some(t), Some(h)) if is_labelled(&t, &h) => Some(h),
        (t, h) => t.or(h),
    };
    let portal_outlet = tags.get("article:media_name").or_else(|| {
        tags.get("og:article:author")
            .and_then(|a| {
                a.split_once(" | ")
                    .map(|(outlet, _)| outlet.trim().to_string())
            })
            .filter(|o| !o.is_empty() && !o.starts_with("http"))
    });
    Sources {
        portal_outlet,
        site: site_name,
        title_suffix: suffix,
    }
}

/// A print view's `<title>` names the action, not the article: `프린트하기` is no title, and
/// `늘봄일보 - 인쇄하기` gives only the site's name.
fn without_print_label(title: String) -> (Option<String>, Option<String>) {
    static PRINT: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:기사\s*)?(?:프린트|인쇄|print)\s*(?:하기|보기|미리\s*보기|view|preview|page)?\s*$")
            .expect("valid regex")
    });
    if PRINT.is_match(&title) {
        return (None, None);
    }
    for sep in TITLE_SEPARATORS {
        if let Some((head, tail)) = title.split_once(sep) {
            if PRINT.is_match(tail) {
                return (None, non_empty(head));
            }
            if PRINT.is_match(head) {
                return (None, non_empty(tail));
            }
        }
    }
    (Some(title), None)
}

/// For a page without `<h1>`, the first short element whose class names a headline
/// (`<td class="title">`, `<h2 class="news_title">`), not a subtitle's or a site's.
fn classed_headline(doc: &Html) -> Option<String> {
    doc.select(&CLASSED)
        .filter(|el| {
            let tokens = class_tokens(el.value());
            tokens
                .iter()
                .any(|t| matches!(t.as_str(), "title" | "tit" | "headline" | "subject"))
                && !tokens
                    .iter()
                    .any(|t| matches!(t.as_str(), "sub" | "site" | "section" | "logo" | "page"))
        })
        .take(20)
        .find_map(|el| {
            let text = text_of(el);
            (4..=200).contains(&text.chars().count()).then_some(text)
        })
}

/// Whether `title` is `headline` after a bracketed label (`[새뜸경제] 헤드라인`,
/// `【단독】 헤드라인`).
fn is_labelled(title: &str, headline: &str) -> bool {
    let Some(label) = title.strip_suffix(headline).map(str::trim) else {
        return false;
    };
    let bracketed = |open: char, close: char| {
        label.starts_with(open) && label.ends_with(close) && label.chars().count() <= 20
    };
    !headline.trim().is_empty() && (bracketed('[', ']') || bracketed('【', '】'))
}

/// For an old table layout without `<h1>` or headline classes, the first element set in large
/// type by its own markup (`<font style="font-size:21px">`, `<font size="5">`): at least
/// 18 px or 14 pt, or a font size of 5 or more.
fn styled_headline(doc: &Html) -> Option<String> {
    static SIZE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)font-size\s*:\s*(\d+(?:\.\d+)?)\s*(px|pt)").expect("valid regex")
    });
    doc.select(&STYLED)
        .filter(|el| {
            let e = el.value();
            let by_style = e
                .attr("style")
                .and_then(|s| SIZE.captures(s))
                .is_some_and(|c| {
                    let n: f32 = c[1].parse().unwrap_or(0.0);
                    if c[2].eq_ignore_ascii_case("pt") {
                        n >= 14.0
                    } else {
                        n >= 18.0
                    }
                });
            let by_size = e.name() == "font"
                && e.attr("size")
                    .and_then(|s| s.trim().trim_start_matches('+').parse::<u8>().ok())
                    .is_some_and(|n| n >= 5);
            by_style || by_size
        })
        .take(50)
        .find_map(|el| {
            let text = text_of(el);
            (8..=200).contains(&text.chars().count()).then_some(text)
        })
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

/// The author's name from the meta tags, the JSON-LD or a byline element: the first that
/// `person` accepts.
fn author(
    doc: &Html,
    tags: &MetaTags,
    ld: &LinkedData,
    person: &dyn Fn(&str) -> bool,
) -> Option<String> {
    let person = |a: &String| person(a);
    tags.get("author")
        .and_then(|a| author_name(&a))
        .filter(person)
        .or_else(|| {
            tags.get("article:author")
                .filter(|a| !a.starts_with("http"))
                .and_then(|a| author_name(&a))
                .filter(person)
        })
        .or_else(|| ld.author.clone().filter(person))
        .or_else(|| byline_author(doc).filter(person))
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
    // `헤드라인 < 경제 < 큰별신문`: a CMS's trail of section and site after the headline.
    if let Some((head, trail)) = title.split_once(" < ")
        && !head.trim().is_empty()
        && trail.chars().count() <= 40
        && trail.split(" < ").all(|part| is_short_name(part.trim()))
    {
        let site = trail.rsplit(" < ").next().map(str::trim);
        return (non_empty(head), site.and_then(non_empty));
    }
    for sep in TITLE_SEPARATORS {
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

/// The date in a short element whose class names a date (`<div class="dates">입력 …</div>`),
/// the first that is not labelled as a modification when there is one.
fn dated_element(doc: &Html) -> Option<String> {
    static MODIFIED: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^\s*(?:최종\s*)?(?:수정|업데이트|갱신|update|modified)")
            .expect("valid regex")
    });
    let dated: Vec<(bool, String)> = doc
        .select(&CLASSED)
        .filter(|el| class_tokens(el.value()).iter().any(|t| t.contains("date")))
        .take(20)
        .filter_map(|el| {
            let text = text_of(el);
            let date = (text.chars().count() <= 100)
                .then(|| normalize_date(&text))
                .flatten()?;
            Some((MODIFIED.is_match(&text), date))
        })
        .collect();
    // `최종수정 …` shown before `기사입력 …`: the date the article was first published.
    let first = dated
        .iter()
        .find(|(modified, _)| !modified)
        .or(dated.first());
    first.map(|(_, date)| date.clone())
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
