//! Articles to passages: the units search ranks and shows.
//!
//! An article's body is its paragraphs joined by blank lines (`\n\n`); that string is the
//! *article text*, and every passage is a byte range and a character range of it. Passages are
//! built from paragraphs: short ones are merged with their neighbours until a passage reaches
//! [`PassageOptions::min_chars`]; a paragraph longer than [`PassageOptions::max_chars`] is cut
//! at Korean sentence ends (`다.`, `?`, `!` …), and a sentence longer than that at a space (or,
//! with no space, at the limit). A passage never exceeds `max_chars` unless one unit does,
//! which the cutting rules prevent, and never starts or ends inside a UTF-8 character.

use serde::{Deserialize, Serialize};

/// Passage size limits, in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PassageOptions {
    /// A passage shorter than this takes in the next paragraph (when it fits).
    pub min_chars: usize,
    /// No passage is longer than this.
    pub max_chars: usize,
}

impl Default for PassageOptions {
    fn default() -> Self {
        PassageOptions {
            min_chars: 200,
            max_chars: 800,
        }
    }
}

impl PassageOptions {
    /// Checks the limits make sense.
    pub fn validate(&self) -> Result<(), String> {
        if self.max_chars < 20 {
            return Err(format!(
                "passage maximum {} is too small (at least 20 characters)",
                self.max_chars
            ));
        }
        if self.min_chars > self.max_chars {
            return Err(format!(
                "passage minimum {} is larger than the maximum {}",
                self.min_chars, self.max_chars
            ));
        }
        Ok(())
    }
}

/// One passage: where it lies in the article text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Passage {
    /// 0-based position among the article's passages.
    pub ordinal: u32,
    /// First byte in the article text.
    pub byte_start: usize,
    /// One past the last byte.
    pub byte_end: usize,
    /// First character in the article text.
    pub char_start: usize,
    /// One past the last character.
    pub char_end: usize,
}

/// An article text and its passages.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Passages {
    /// The paragraphs joined by `\n\n`.
    pub text: String,
    /// The passages, in order, non-overlapping.
    pub passages: Vec<Passage>,
    /// Where each non-empty paragraph starts in `text` (bytes), with its index among the
    /// paragraphs given to [`split`], in order.
    pub paragraph_starts: Vec<(usize, usize)>,
}

impl Passages {
    /// The text of a passage.
    pub fn passage_text(&self, p: &Passage) -> &str {
        &self.text[p.byte_start..p.byte_end]
    }

    /// The index, among the paragraphs given to [`split`], of the paragraph a passage starts
    /// in.
    pub fn paragraph_of(&self, p: &Passage) -> Option<usize> {
        let after = self
            .paragraph_starts
            .partition_point(|&(start, _)| start <= p.byte_start);
        after.checked_sub(1).map(|i| self.paragraph_starts[i].1)
    }

    /// Checks what [`split`] promises: passages numbered in order, non-overlapping, on
    /// character boundaries with true character ranges, within `options.max_chars`, and
    /// covering all of the text but whitespace.
    pub fn check(&self, options: &PassageOptions) -> Result<(), String> {
        let mut last = 0;
        let mut covered = String::new();
        for (i, p) in self.passages.iter().enumerate() {
            let fail = |what: &str| Err(format!("passage {i} {p:?}: {what}"));
            if p.ordinal as usize != i {
                return fail("out of order");
            }
            if p.byte_start < last || p.byte_start >= p.byte_end || p.byte_end > self.text.len() {
                return fail("overlaps, is empty or runs past the text");
            }
            if !self.text.is_char_boundary(p.byte_start) || !self.text.is_char_boundary(p.byte_end)
            {
                return fail("not on character boundaries");
            }
            if self.text[..p.byte_start].chars().count() != p.char_start
                || self.text[..p.byte_end].chars().count() != p.char_end
            {
                return fail("wrong character range");
            }
            if p.char_end - p.char_start > options.max_chars.max(1) {
                return fail("longer than the maximum");
            }
            covered.push_str(self.passage_text(p));
            last = p.byte_end;
        }
        let strip = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
        if strip(&covered) != strip(&self.text) {
            return Err("text outside every passage".to_string());
        }
        Ok(())
    }
}

/// A piece of the article text no passage boundary falls inside: `[start, end)` in bytes and
/// its length in characters.
#[derive(Debug, Clone, Copy)]
struct Unit {
    start: usize,
    end: usize,
    chars: usize,
}

/// Builds the article text from `paragraphs` and cuts it into passages.
pub fn split(paragraphs: &[String], options: &PassageOptions) -> Passages {
    let max = options.max_chars.max(1);
    let mut text = String::new();
    let mut units: Vec<Unit> = Vec::new();
    let mut paragraph_starts = Vec::with_capacity(paragraphs.len());
    for (index, p) in paragraphs.iter().enumerate() {
        let p = p.trim();
        if p.is_empty() {
            continue;
        }
        if !text.is_empty() {
            text.push_str("\n\n");
        }
        let start = text.len();
        paragraph_starts.push((start, index));
        text.push_str(p);
        cut_paragraph(&text, start, text.len(), max, &mut units);
    }

    // Pack units into passages.
    let mut ranges: Vec<(usize, usize, usize)> = Vec::new(); // (first unit, last unit, chars)
    for (i, u) in units.iter().enumerate() {
        if let Some(last) = ranges.last_mut() {
            let gap = text[units[last.1].end..u.start].chars().count();
            let joined = last.2 + gap + u.chars;
            if last.2 < options.min_chars && joined <= max {
                last.1 = i;
                last.2 = joined;
                continue;
            }
        }
        ranges.push((i, i, u.chars));
    }
    // A short tail joins the passage before it when they fit together.
    if ranges.len() >= 2 {
        let n = ranges.len();
        let (prev, last) = (ranges[n - 2], ranges[n - 1]);
        let gap = text[units[prev.1].end..units[last.0].start].chars().count();
        if last.2 < options.min_chars && prev.2 + gap + last.2 <= max {
            ranges[n - 2] = (prev.0, last.1, prev.2 + gap + last.2);
            ranges.pop();
        }
    }

    let mut passages = Vec::with_capacity(ranges.len());
    let mut char_at = 0;
    let mut byte_at = 0;
    for (ordinal, (first, last, _)) in ranges.into_iter().enumerate() {
        let byte_start = units[first].start;
        let byte_end = units[last].end;
        char_at += text[byte_at..byte_start].chars().count();
        let char_start = char_at;
        char_at += text[byte_start..byte_end].chars().count();
        byte_at = byte_end;
        passages.push(Passage {
            ordinal: ordinal as u32,
            byte_start,
            byte_end,
            char_start,
            char_end: char_at,
        });
    }
    Passages {
        text,
        passages,
        paragraph_starts,
    }
}

/// Cuts the paragraph `text[start..end]` into units of at most `max` characters.
fn cut_paragraph(text: &str, start: usize, end: usize, max: usize, out: &mut Vec<Unit>) {
    let para = &text[start..end];
    let chars = para.chars().count();
    if chars <= max {
        out.push(Unit { start, end, chars });
        return;
    }
    // Sentences, then greedy packing of sentences into units.
    let mut sentence_ends = sentence_ends(para);
    sentence_ends.push(para.len());
    let mut unit_start = 0;
    let mut unit_end = 0;
    let mut unit_chars = 0;
    let mut prev = 0;
    for &e in &sentence_ends {
        if e <= prev {
            continue;
        }
        let piece = &para[prev..e];
        let piece_chars = piece.chars().count();
        if unit_chars + piece_chars <= max {
            unit_end = e;
            unit_chars += piece_chars;
        } else {
            if unit_end > unit_start {
                push_trimmed(text, start + unit_start, start + unit_end, out);
            }
            if piece_chars <= max {
                unit_start = prev;
                unit_end = e;
                unit_chars = piece_chars;
            } else {
                cut_long_sentence(text, start + prev, start + e, max, out);
                unit_start = e;
                unit_end = e;
                unit_chars = 0;
            }
        }
        prev = e;
    }
    if unit_end > unit_start {
        push_trimmed(text, start + unit_start, start + unit_end, out);
    }
}

/// Byte offsets just after each sentence end in `para`: `.`, `?`, `!` (and their full-width
/// and ideographic forms, and `…`), with any closing quotes or brackets, followed by a space.
fn sentence_ends(para: &str) -> Vec<usize> {
    let mut ends = Vec::new();
    let mut it = para.char_indices().peekable();
    while let Some((_, c)) = it.next() {
        if matches!(c, '.' | '?' | '!' | '。' | '？' | '！' | '…') {
            let mut end = None;
            while let Some(&(j, d)) = it.peek() {
                if matches!(
                    d,
                    '"' | '\'' | '”' | '’' | ')' | '」' | '』' | '〉' | '》' | ']'
                ) {
                    it.next();
                    continue;
                }
                if d.is_whitespace() {
                    end = Some(j);
                }
                break;
            }
            if let Some(e) = end {
                ends.push(e);
            }
        }
    }
    ends
}

/// Cuts one over-long sentence at the last space before each limit (or at the limit).
fn cut_long_sentence(text: &str, start: usize, end: usize, max: usize, out: &mut Vec<Unit>) {
    let mut from = start;
    while from < end {
        let rest = &text[from..end];
        let mut limit = rest.len();
        let mut last_space = None;
        for (n, (i, c)) in rest.char_indices().enumerate() {
            if n == max {
                limit = i;
                break;
            }
            if c.is_whitespace() && n > max / 2 {
                last_space = Some(i);
            }
        }
        let cut = if limit < rest.len() {
            last_space.unwrap_or(limit)
        } else {
            rest.len()
        };
        push_trimmed(text, from, from + cut, out);
        from += cut.max(1);
        // Never start a unit inside a character (cut.max(1) only matters for cut == 0).
        while from < end && !text.is_char_boundary(from) {
            from += 1;
        }
    }
}

fn push_trimmed(text: &str, start: usize, end: usize, out: &mut Vec<Unit>) {
    let piece = &text[start..end];
    let lead = piece.len() - piece.trim_start().len();
    let trail = piece.len() - piece.trim_end().len();
    let (s, e) = (start + lead, end - trail);
    if s < e {
        out.push(Unit {
            start: s,
            end: e,
            chars: text[s..e].chars().count(),
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn paras(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn short_paragraphs_merge_until_the_minimum() {
        let opts = PassageOptions {
            min_chars: 30,
            max_chars: 50,
        };
        let p = split(
            &paras(&[
                "첫 문단입니다.",
                "둘째 문단입니다.",
                "셋째 문단은 조금 더 깁니다. 정말로 그렇습니다.",
                "넷째.",
            ]),
            &opts,
        );
        assert_eq!(p.text.matches("\n\n").count(), 3);
        let texts: Vec<&str> = p.passages.iter().map(|x| p.passage_text(x)).collect();
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert!(texts[0].starts_with("첫 문단") && texts[0].contains("셋째"));
        assert!(texts[1].contains("넷째"));
    }

    #[test]
    fn long_paragraphs_split_at_sentence_ends() {
        let sentence = "소형언어모델을 파인튜닝하는 비용이 크게 줄었다. ";
        let long = sentence.repeat(40);
        let opts = PassageOptions::default();
        let p = split(&[long], &opts);
        assert!(p.passages.len() >= 2);
        for x in &p.passages {
            let t = p.passage_text(x);
            assert!(t.chars().count() <= opts.max_chars);
            assert!(t.ends_with("줄었다."), "{t}");
        }
    }

    #[test]
    fn a_sentence_without_spaces_is_cut_at_the_limit() {
        let p = split(&["가".repeat(2000)], &PassageOptions::default());
        assert_eq!(p.passages.len(), 3);
        assert_eq!(p.passages[0].char_end - p.passages[0].char_start, 800);
    }

    #[test]
    fn empty_input_has_no_passages() {
        assert!(split(&[], &PassageOptions::default()).passages.is_empty());
        assert!(
            split(&paras(&["", "  \n "]), &PassageOptions::default())
                .passages
                .is_empty()
        );
    }

    proptest! {
        #[test]
        fn passages_cover_the_text_in_order_within_limits(
            ps in proptest::collection::vec("[가-힣a-z .?!\n]{0,300}", 0..12),
            min in 0usize..300,
            extra in 20usize..600,
        ) {
            let opts = PassageOptions { min_chars: min, max_chars: min + extra };
            let p = split(&ps, &opts);
            prop_assert_eq!(p.check(&opts), Ok(()));
        }
    }
}
