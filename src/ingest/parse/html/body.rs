//! Choosing the element that holds the article text: the `<article>` element with the most
//! visible text, unless some other container holds more paragraph text than that whole
//! article; otherwise a readability-style choice: each `<p>`'s text counts for its nearest
//! `main`/`div`/`section`/`td`/`article`/`body` ancestor, direct text for its parent, and the
//! container with the most wins (its parent instead when two or more siblings carry a good
//! share). Furniture never wins, nor does anything inside it.

use std::collections::HashMap;
use std::sync::LazyLock;

use scraper::{ElementRef, Html, Node, Selector};

use super::dom::{articles, selector};
use super::furniture::excluded;

/// At most this many of the best-scoring containers are checked for being furniture.
const MAX_CANDIDATES: usize = 200;

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
pub(super) fn choose_body(doc: &Html) -> Option<ElementRef<'_>> {
    let ranked = ranked_containers(doc);
    let best = ranked
        .iter()
        .take(MAX_CANDIDATES)
        .find(|(_, el, _)| !excluded_or_inside(*el))
        .map(|&(_, el, score)| widen_to_parent(el, score, &ranked));

    let article = articles(doc)
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

/// Containers as (key, element, score) by the paragraph text they hold, highest score first
/// and ties to the element created first.
fn ranked_containers(doc: &Html) -> Vec<(usize, ElementRef<'_>, usize)> {
    static P: LazyLock<Selector> = LazyLock::new(|| selector("p"));
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
    ranked
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
