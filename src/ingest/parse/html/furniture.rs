//! What is page furniture rather than article text: elements skipped when choosing and
//! rendering the body — `script`, `nav`, `header`, `footer`, `aside`, `form`, `figure` and kin,
//! hidden elements, ARIA navigation/banner/contentinfo roles, and elements whose class or id
//! names menus, ads, sharing, comments, bylines, dates and the like.

use scraper::node::Element;

use super::dom::class_tokens;

/// Visible elements never part of the article text (see also [`invisible`]).
fn excluded_tag(tag: &str) -> bool {
    matches!(
        tag,
        "nav"
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
            | "amp-ad"
            | "amp-embed"
            | "amp-sticky-ad"
            | "amp-analytics"
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
    "keyword", "keywords", "login", "logo", "modal", "most", "print", "pubdate", "rank",
    "relation", "reply", "skip", "sns", "tag", "tags", "time", "util", "utility", "toolbar",
    "hidden",
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
    "btn",
];

/// Whether an element is page furniture. `strict` adds the role and class/id rules to the
/// tag rules; `html`, `body`, `main` and `article` are never excluded by class.
pub(super) fn excluded(e: &Element, strict: bool) -> bool {
    let name = e.name();
    if excluded_tag(name) || invisible(e) {
        return true;
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

/// Whether an element is never seen on the page: code, metadata, or hidden.
pub(super) fn invisible(e: &Element) -> bool {
    if matches!(
        e.name(),
        "script" | "style" | "noscript" | "template" | "head" | "title" | "meta" | "link"
    ) {
        return true;
    }
    if e.attr("aria-hidden")
        .is_some_and(|v| v.trim().eq_ignore_ascii_case("true"))
    {
        return true;
    }
    hidden_by_markup(e)
}

/// Whether an element is hidden by its `hidden` attribute or its inline style.
pub(super) fn hidden_by_markup(e: &Element) -> bool {
    e.attr("hidden").is_some()
        || e.attr("style").is_some_and(|style| {
            let style: String = style
                .chars()
                .filter(|c| !c.is_whitespace())
                .collect::<String>()
                .to_ascii_lowercase();
            style.contains("display:none") || style.contains("visibility:hidden")
        })
}

#[cfg(test)]
mod tests {
    use scraper::Html;

    use super::*;

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
}
