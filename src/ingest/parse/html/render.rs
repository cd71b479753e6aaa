//! The visible text under an element as paragraphs: block elements and `<br>` separate
//! paragraphs, table cells are joined with ` | `, whitespace is collapsed and zero-width
//! characters dropped. Furniture is skipped; when that leaves nothing, the text is rendered
//! again skipping only furniture tags and hidden elements (not the class, id and role rules).
//! A hidden part of the article that a "read more" button right after it opens is text: the
//! page shows it at a tap. The button's own label (`더보기`, `이어서 읽기`) is not.

use std::sync::LazyLock;

use regex::Regex;
use scraper::{ElementRef, Node};

use super::furniture::{excluded, hidden_by_markup, invisible};

/// The paragraphs under `root`, without furniture if that leaves any.
pub(super) fn paragraphs(root: ElementRef<'_>) -> Vec<String> {
    let skip = |e: ElementRef<'_>, strict| {
        (excluded(e.value(), strict) && !continuation(e)) || read_more(e)
    };
    let strict = render(root, |e| skip(e, true));
    if strict.is_empty() {
        render(root, |e| skip(e, false))
    } else {
        strict
    }
}

/// Every visible line of the page under `root`, furniture included (headers, footers).
pub(super) fn page_lines(root: ElementRef<'_>) -> Vec<String> {
    render(root, |e| invisible(e.value()))
}

/// The label of a control that reveals the rest of an article.
static READ_MORE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"(?i)^(?:기사\s*|본문\s*)?(?:더\s*보기|전체\s*보기|이어서\s*(?:읽기|보기)|계속\s*읽기|펼치기|펼쳐\s*보기|read\s*more|more)\s*[▼▽⌄+]?$",
    )
    .expect("valid regex")
});

/// Whether `el` is a "read more" control (`<a>더보기</a>`, `<button>이어서 읽기</button>`).
fn read_more(el: ElementRef<'_>) -> bool {
    if !matches!(el.value().name(), "a" | "button" | "span") {
        return false;
    }
    let text: String = el.text().collect();
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    text.chars().count() <= 20 && READ_MORE.is_match(&text)
}

/// Whether `el` is the hidden rest of an article (`<div hidden>` or `display:none`) that a
/// "read more" control right after it reveals: sentences, not a list of links.
fn continuation(el: ElementRef<'_>) -> bool {
    if !hidden_by_markup(el.value()) {
        return false;
    }
    let opens_it = el
        .next_siblings()
        .filter_map(ElementRef::wrap)
        .take(2)
        .any(read_more);
    if !opens_it {
        return false;
    }
    let text: String = el.text().collect();
    text.chars().filter(|c| !c.is_whitespace()).count() >= 80 && text.contains("다.")
}

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

/// The paragraphs of the text under `root`, without the elements `skip` names.
fn render(root: ElementRef<'_>, skip: impl Fn(ElementRef<'_>) -> bool) -> Vec<String> {
    let mut out = Paragraphs::default();
    let mut stack: Vec<_> = root.children().rev().map(Step::Open).collect();
    while let Some(step) = stack.pop() {
        match step {
            Step::Open(node) => match node.value() {
                Node::Text(t) => out.text(t),
                Node::Element(e) if !ElementRef::wrap(node).is_some_and(&skip) => {
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
