//! Small readers of the parsed page shared by the metadata, body and furniture rules: CSS
//! selectors, the `<article>` elements that are weighed, and the words of an element's class
//! and id.

use std::sync::LazyLock;

use scraper::node::Element;
use scraper::{ElementRef, Html, Selector};

/// At most this many `<article>` elements are weighed.
const MAX_ARTICLES: usize = 64;

/// The selector `s`, which is known to be valid.
pub(super) fn selector(s: &str) -> Selector {
    Selector::parse(s).expect("valid selector")
}

/// The page's `<article>` elements, at most [`MAX_ARTICLES`] of them.
pub(super) fn articles(doc: &Html) -> impl Iterator<Item = ElementRef<'_>> {
    static ARTICLE: LazyLock<Selector> = LazyLock::new(|| selector("article"));
    doc.select(&ARTICLE).take(MAX_ARTICLES)
}

/// Class and id split into lower-case words: at non-alphanumerics and camelCase humps
/// (`ad-inline` → `ad inline`, `articleBody` → `article body`).
pub(super) fn class_tokens(e: &Element) -> Vec<String> {
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
