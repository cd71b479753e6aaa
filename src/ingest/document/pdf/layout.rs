//! Glyphs to paragraphs. A PDF places glyphs, it does not say where words, lines or
//! paragraphs are: this file finds them. Lines are glyphs on one baseline, in the content
//! stream's order (what the producer wrote, which in a typeset document is reading order);
//! a space goes where the text has one or where the gap between two glyphs is wider than a
//! quarter of their size, so Hangul words stay whole and words are never glued. Lines make a
//! paragraph until the vertical gap grows past the document's usual leading or the type size
//! changes. Lines at the top or bottom of a page that repeat on other pages (digits aside),
//! and lone page numbers there, are running headers and footers, and are dropped.

use std::collections::HashMap;
use std::sync::LazyLock;

use regex::Regex;

/// One glyph: where its baseline starts (points from the page's left and top edges), how
/// far it advances, its size, and its text.
#[derive(Debug, Clone)]
pub(crate) struct Glyph {
    pub x: f64,
    pub y: f64,
    pub advance: f64,
    pub size: f64,
    pub text: String,
}

/// The glyphs of one page, in content stream order.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    /// 1-based.
    pub number: u32,
    /// In points.
    pub height: f64,
    pub glyphs: Vec<Glyph>,
}

/// What the layout found: paragraphs with the page each starts on, and the first page's
/// display line (its largest type), a title when the metadata has none.
#[derive(Debug, Default)]
pub(crate) struct Laid {
    pub paragraphs: Vec<(String, u32)>,
    pub title: Option<String>,
}

#[derive(Debug, Clone)]
struct Line {
    page: u32,
    /// Baseline, from the top of the page.
    y: f64,
    x0: f64,
    x1: f64,
    /// The largest glyph size on the line.
    size: f64,
    text: String,
    /// The median gap at the line's spaces, in shares of its size (wide in justified
    /// text).
    word_gap: f64,
    /// Whether a space glyph follows the line's last letter.
    trailing_space: bool,
}

/// Share of its size by which a glyph may sit above or below a line's baseline and still be
/// on the line (superscripts, mixed fonts).
const SAME_LINE: f64 = 0.5;
/// Share of the size of a gap between glyphs that is a space.
const SPACE_GAP: f64 = 0.25;
/// The top and bottom of a page, where running headers and footers are looked for.
const MARGIN_ZONE: f64 = 0.12;

/// Lays out every page.
pub(crate) fn lay_out(pages: &[Page]) -> Laid {
    let lines: Vec<Vec<Line>> = pages.iter().map(lines).collect();
    let furniture = furniture(pages, &lines);
    let body: Vec<&Line> = lines
        .iter()
        .flatten()
        .filter(|l| !furniture.contains(&(l.page, l.y.to_bits())))
        .collect();
    Laid {
        title: title(&body),
        paragraphs: paragraphs(&body),
    }
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x11FF | 0x2E80..=0x9FFF | 0xA960..=0xA97F | 0xAC00..=0xD7FF | 0xF900..=0xFAFF | 0xFF00..=0xFF60)
}

/// The glyphs of a page, grouped into lines: a glyph starts a new line when it leaves the
/// baseline or goes back to the left. Some producers write a line's spaces apart from its
/// letters (LibreOffice writes them all after the Hangul run), so each line's glyphs are
/// put in order of position before its text is composed.
fn lines(page: &Page) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    let mut current: Vec<&Glyph> = Vec::new();
    let mut line_y = 0.0f64;
    let mut line_size = 0.0f64;
    let mut pen = 0.0f64;
    for g in &page.glyphs {
        let space = g.text.trim().is_empty();
        // A space never goes back to the left of its line (they may come after the
        // letters), but one on another baseline belongs to the next line.
        let starts_line = !current.is_empty()
            && ((g.y - line_y).abs() > SAME_LINE * g.size.max(line_size)
                || (!space && g.x < pen - 2.0 * g.size.max(1.0)));
        if starts_line {
            out.extend(compose(page.number, std::mem::take(&mut current)));
        }
        if current.is_empty() || starts_line {
            line_y = g.y;
            line_size = g.size;
            pen = g.x;
        }
        current.push(g);
        if !space {
            pen = g.x + advance(g);
            line_size = line_size.max(g.size);
        }
    }
    out.extend(compose(page.number, current));
    out
}

/// How far a glyph advances: its font's width, or for a font that gave none, a typical
/// width.
fn advance(g: &Glyph) -> f64 {
    if g.advance > 0.0 {
        g.advance
    } else if g.text.chars().any(is_wide) {
        g.size
    } else {
        g.size * 0.5
    }
}

/// One line's text from its glyphs: in order of position, a space where the text has one
/// or where two glyphs are further apart than [`SPACE_GAP`] of their size.
fn compose(page: u32, mut glyphs: Vec<&Glyph>) -> Option<Line> {
    glyphs.sort_by(|a, b| a.x.total_cmp(&b.x));
    let mut line: Option<Line> = None;
    let mut end = 0.0f64;
    let mut pending_space = false;
    let mut gaps = Vec::new();
    for g in glyphs {
        if g.text.trim().is_empty() {
            pending_space = line.is_some();
            continue;
        }
        match line.as_mut() {
            None => {
                line = Some(Line {
                    page,
                    y: g.y,
                    x0: g.x,
                    x1: g.x + advance(g),
                    size: g.size,
                    text: g.text.clone(),
                    word_gap: 0.0,
                    trailing_space: false,
                })
            }
            Some(l) => {
                let gap = g.x - end;
                if pending_space || gap > SPACE_GAP * g.size.max(l.size * 0.5) {
                    l.text.push(' ');
                    gaps.push(gap / l.size.max(1.0));
                }
                l.text.push_str(&g.text);
                l.x1 = l.x1.max(g.x + advance(g));
                l.size = l.size.max(g.size);
            }
        }
        end = g.x + advance(g);
        pending_space = false;
    }
    let mut line = line?;
    line.text = line.text.trim().to_string();
    line.trailing_space = pending_space;
    if !gaps.is_empty() {
        gaps.sort_by(f64::total_cmp);
        line.word_gap = gaps[gaps.len() / 2];
    }
    Some(line).filter(|l| !l.text.is_empty())
}

/// A line that is only a page number: `3`, `- 3 -`, `3 / 12`, `p. 3`, `3쪽`, `Page 3 of 12`.
fn is_page_number(text: &str) -> bool {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)^[-–—\[(<\s]*(page|p\.)?\s*\d{1,5}\s*((/|of)\s*\d{1,5})?\s*(쪽|페이지|면)?[-–—\])>\s]*$",
        )
        .expect("valid regex")
    });
    RE.is_match(text)
}

/// The lines that are running headers and footers or page numbers, by (page, baseline).
fn furniture(pages: &[Page], lines: &[Vec<Line>]) -> std::collections::HashSet<(u32, u64)> {
    let key = |l: &Line| -> String {
        l.text
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| if c.is_ascii_digit() { '#' } else { c })
            .collect()
    };
    let mut candidates: Vec<(&Line, String)> = Vec::new();
    for (page, page_lines) in pages.iter().zip(lines) {
        let zone = page.height * MARGIN_ZONE;
        let n = page_lines.len();
        for (i, l) in page_lines.iter().enumerate() {
            let edge = i < 3 || i + 3 >= n;
            if edge && (l.y < zone || l.y > page.height - zone) {
                candidates.push((l, key(l)));
            }
        }
    }
    let mut pages_of: HashMap<&str, std::collections::HashSet<u32>> = HashMap::new();
    for (l, k) in &candidates {
        pages_of.entry(k.as_str()).or_default().insert(l.page);
    }
    let text_pages = lines.iter().filter(|l| !l.is_empty()).count();
    let repeated = |k: &str| {
        let n = pages_of.get(k).map_or(0, |s| s.len());
        n >= 2 && n * 5 >= text_pages * 2
    };
    candidates
        .iter()
        .filter(|(l, k)| repeated(k) || is_page_number(&l.text))
        .map(|(l, _)| (l.page, l.y.to_bits()))
        .collect()
}

/// The usual distance between the baselines of a paragraph's lines, per type size (rounded
/// to a point): the lower quartile of the gaps between consecutive lines of that size on a
/// page, since most gaps are inside paragraphs.
fn leadings(body: &[&Line]) -> HashMap<i64, f64> {
    let mut gaps: HashMap<i64, Vec<f64>> = HashMap::new();
    for w in body.windows(2) {
        let (a, b) = (w[0], w[1]);
        let gap = b.y - a.y;
        if a.page == b.page && (a.size - b.size).abs() < 0.5 && gap > 0.0 {
            gaps.entry(a.size.round() as i64).or_default().push(gap);
        }
    }
    gaps.into_iter()
        .map(|(size, mut g)| {
            g.sort_by(f64::total_cmp);
            (size, g[g.len() / 4])
        })
        .collect()
}

fn paragraphs(body: &[&Line]) -> Vec<(String, u32)> {
    let leading = leadings(body);
    let right = body.iter().map(|l| l.x1).fold(0.0f64, f64::max);
    let left = body.iter().map(|l| l.x0).fold(f64::INFINITY, f64::min);
    let width = (right - left).max(1.0);
    let full = |l: &Line| l.x1 >= right - 1.2 * l.size;
    // Whether each line goes on from the line before it, in the same paragraph.
    let goes_on: Vec<bool> = body
        .iter()
        .enumerate()
        .map(|(i, line)| {
            let Some(p) = i.checked_sub(1).map(|j| body[j]) else {
                return false;
            };
            if (p.size - line.size).abs() > 0.15 * p.size.max(line.size) {
                return false;
            }
            if p.page == line.page {
                let usual = leading
                    .get(&(p.size.round() as i64))
                    .copied()
                    .unwrap_or(p.size * 1.2);
                let gap = line.y - p.y;
                return gap >= 0.0 && gap <= usual * 1.25 + 0.5;
            }
            // A paragraph goes on over a page break when its last line was full.
            p.x1 >= right - 0.1 * width
        })
        .collect();
    let joins: Vec<&Line> = (1..body.len())
        .filter(|&i| goes_on[i])
        .map(|i| body[i - 1])
        .collect();
    let cut_words = cuts_words(&joins, &full);
    let mut out: Vec<(String, u32)> = Vec::new();
    for (i, &line) in body.iter().enumerate() {
        match out.last_mut() {
            Some((text, _)) if goes_on[i] => {
                let p = body[i - 1];
                let glue = cut_words
                    && full(p)
                    && !p.trailing_space
                    && p.text.chars().last().is_some_and(is_hangul)
                    && line.text.chars().next().is_some_and(is_hangul);
                if !glue {
                    text.push(' ');
                }
                text.push_str(&line.text);
            }
            _ => out.push((line.text.clone(), line.page)),
        }
    }
    out
}

fn is_hangul(c: char) -> bool {
    matches!(c as u32, 0xAC00..=0xD7A3)
}

/// Whether the document breaks lines inside words, as Korean typesetting may (글자 단위):
/// nearly every line that runs on into the next reaches the right margin, and its spaces
/// are not stretched as justified text's are. Text broken only between words leaves a
/// ragged margin, or, justified, wide spaces.
fn cuts_words(runs_on: &[&Line], full: &dyn Fn(&Line) -> bool) -> bool {
    if runs_on.len() < 4 {
        return false;
    }
    let full_lines: Vec<&Line> = runs_on.iter().copied().filter(|l| full(l)).collect();
    let mut gaps: Vec<f64> = full_lines
        .iter()
        .map(|l| l.word_gap)
        .filter(|g| *g > 0.0)
        .collect();
    gaps.sort_by(f64::total_cmp);
    let stretched = gaps.get(gaps.len() / 2).is_some_and(|g| *g > 0.45);
    full_lines.len() * 10 >= runs_on.len() * 8 && !stretched
}

/// The first page's leading lines in the largest type, if that type is clearly larger
/// than the body's.
fn title(body: &[&Line]) -> Option<String> {
    let first = body.first()?.page;
    let page: Vec<&&Line> = body.iter().take_while(|l| l.page == first).collect();
    let mut sizes: Vec<(f64, usize)> = body.iter().map(|l| (l.size, l.text.len())).collect();
    sizes.sort_by(|a, b| a.0.total_cmp(&b.0));
    let total: usize = sizes.iter().map(|s| s.1).sum();
    let mut seen = 0;
    let body_size = sizes
        .iter()
        .find(|s| {
            seen += s.1;
            seen * 2 >= total
        })?
        .0;
    let largest = page.iter().map(|l| l.size).fold(0.0f64, f64::max);
    if largest < body_size * 1.25 {
        return None;
    }
    let title: Vec<&str> = page
        .iter()
        .skip_while(|l| l.size < largest - 0.5)
        .take_while(|l| l.size >= largest - 0.5)
        .take(3)
        .map(|l| l.text.as_str())
        .collect();
    Some(title.join(" ")).filter(|t| !t.is_empty())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A line of text as glyphs of one size, each `size` wide (Hangul) or half that.
    fn text_at(x: f64, y: f64, size: f64, text: &str) -> Vec<Glyph> {
        let mut x = x;
        text.chars()
            .map(|c| {
                let advance = if is_wide(c) { size } else { size * 0.5 };
                let g = Glyph {
                    x,
                    y,
                    advance,
                    size,
                    text: c.to_string(),
                };
                x += advance;
                g
            })
            .collect()
    }

    fn page(number: u32, glyphs: Vec<Vec<Glyph>>) -> Page {
        Page {
            number,
            height: 800.0,
            glyphs: glyphs.into_iter().flatten().collect(),
        }
    }

    #[test]
    fn words_lines_and_paragraphs() {
        let p = page(
            1,
            vec![
                text_at(50.0, 100.0, 20.0, "보고서 제목"),
                text_at(50.0, 150.0, 10.0, "첫 문단의 첫 줄이고"),
                text_at(50.0, 162.0, 10.0, "둘째 줄이다."),
                text_at(50.0, 190.0, 10.0, "둘째 문단."),
                text_at(50.0, 202.0, 10.0, "끝."),
            ],
        );
        let laid = lay_out(&[p]);
        let texts: Vec<&str> = laid.paragraphs.iter().map(|p| p.0.as_str()).collect();
        assert_eq!(
            texts,
            [
                "보고서 제목",
                "첫 문단의 첫 줄이고 둘째 줄이다.",
                "둘째 문단. 끝."
            ]
        );
        assert_eq!(laid.title.as_deref(), Some("보고서 제목"));
    }

    #[test]
    fn a_gap_is_a_space_and_glyphs_that_touch_are_one_word() {
        let mut g = text_at(50.0, 100.0, 10.0, "반도체");
        // A run in another font starting right where the last one ended, then one after a
        // gap of half a glyph.
        g.extend(text_at(80.0, 100.0, 10.0, "3"));
        g.extend(text_at(90.0, 100.0, 10.0, "개"));
        g.extend(text_at(100.0, 100.0, 10.0, "사"));
        let laid = lay_out(&[page(1, vec![g])]);
        assert_eq!(laid.paragraphs[0].0, "반도체3 개사");
    }

    #[test]
    fn running_headers_footers_and_page_numbers_are_dropped() {
        let pages: Vec<Page> = (1..=3)
            .map(|n| {
                page(
                    n,
                    vec![
                        text_at(300.0, 30.0, 8.0, "테크데일리 리서치"),
                        text_at(50.0, 200.0, 10.0, "쪽마다 한 문단이 있고 그 끝 줄은 짧다."),
                        text_at(50.0, 212.0, 10.0, &format!("{n}쪽 본문입니다.")),
                        text_at(290.0, 780.0, 9.0, &format!("- {n} -")),
                    ],
                )
            })
            .collect();
        let laid = lay_out(&pages);
        let texts: Vec<&str> = laid.paragraphs.iter().map(|p| p.0.as_str()).collect();
        let want: Vec<String> = (1..=3)
            .map(|n| format!("쪽마다 한 문단이 있고 그 끝 줄은 짧다. {n}쪽 본문입니다."))
            .collect();
        assert_eq!(texts, want);
        let pages: Vec<u32> = laid.paragraphs.iter().map(|p| p.1).collect();
        assert_eq!(pages, [1, 2, 3]);
        assert!(is_page_number("Page 3 of 12"));
        assert!(is_page_number("12쪽"));
        assert!(!is_page_number("2026년"));
    }
}
