//! The visible text under an element as paragraphs: block elements and `<br>` separate
//! paragraphs, table cells are joined with ` | `, whitespace is collapsed and zero-width
//! characters dropped. Furniture is skipped; when that leaves nothing, the text is rendered
//! again skipping only furniture tags and hidden elements (not the class, id and role rules).

use scraper::node::Element;
use scraper::{ElementRef, Node};

use super::furniture::{excluded, invisible};

/// The paragraphs under `root`, without furniture if that leaves any.
pub(super) fn paragraphs(root: ElementRef<'_>) -> Vec<String> {
    let strict = render(root, |e| excluded(e, true));
    if strict.is_empty() {
        render(root, |e| excluded(e, false))
    } else {
        strict
    }
}

/// Every visible line of the page under `root`, furniture included (headers, footers).
pub(super) fn page_lines(root: ElementRef<'_>) -> Vec<String> {
    render(root, invisible)
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
fn render(root: ElementRef<'_>, skip: impl Fn(&Element) -> bool) -> Vec<String> {
    let mut out = Paragraphs::default();
    let mut stack: Vec<_> = root.children().rev().map(Step::Open).collect();
    while let Some(step) = stack.pop() {
        match step {
            Step::Open(node) => match node.value() {
                Node::Text(t) => out.text(t),
                Node::Element(e) if !skip(e) => {
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
