//! Highlights and snippets: which bytes of a passage matched, and which stretch of it to show.
//!
//! Highlights come from analysing the passage again with the index's analyser and marking
//! every token whose term the query looked for, so they land on the exact characters of the
//! raw text (byte offsets on UTF-8 boundaries), particles excluded: in `GPU를`, only `GPU`.
//! A compound whose part matched is marked at the part (`소형언어모델` for `언어` marks 언어).

use std::collections::BTreeSet;

use crate::analysis::{Analyzer, Scratch, TokenKind};

/// Byte ranges of `text` whose terms are in `terms`, sorted and merged.
pub fn highlights(
    analyzer: &Analyzer,
    text: &str,
    terms: &BTreeSet<String>,
) -> Vec<(usize, usize)> {
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    let mut scratch = Scratch::default();
    // The span of the last morpheme marked whole: its parts need no marks of their own.
    let mut whole_end = 0usize;
    analyzer.analyze(text, &mut scratch, |t| {
        if !t.indexed || !terms.contains(t.term) {
            return;
        }
        if t.kind == TokenKind::Part && t.end <= whole_end {
            return;
        }
        if t.kind == TokenKind::Morpheme {
            whole_end = t.end;
        }
        ranges.push((t.start, t.end));
    });
    ranges.sort_unstable();
    let mut merged: Vec<(usize, usize)> = Vec::with_capacity(ranges.len());
    for (s, e) in ranges {
        match merged.last_mut() {
            Some(last) if s <= last.1 => last.1 = last.1.max(e),
            _ => merged.push((s, e)),
        }
    }
    merged
}

/// The stretch of `text` to show: about `width` characters around the densest run of
/// highlights, cut at character boundaries (preferably at a space). Returns a byte range.
pub fn window(text: &str, highlights: &[(usize, usize)], width: usize) -> (usize, usize) {
    let total = text.chars().count();
    if total <= width {
        return (0, text.len());
    }
    // Character index of every byte offset we need.
    let char_at = |byte: usize| text[..byte].chars().count();
    let starts: Vec<usize> = highlights.iter().map(|&(s, _)| char_at(s)).collect();
    // The highlight from which a window of `width` characters holds the most highlights.
    let mut best = (0usize, 0usize); // (count, first char)
    for (i, &s) in starts.iter().enumerate() {
        let n = starts[i..].iter().take_while(|&&t| t < s + width).count();
        if n > best.0 {
            best = (n, s);
        }
    }
    // Start a little before the first highlight, but not past the end.
    let lead = width / 6;
    let mut start = best.1.saturating_sub(lead).min(total.saturating_sub(width));
    let byte_of = |ch: usize| text.char_indices().nth(ch).map_or(text.len(), |(b, _)| b);
    // Move the start to just after a space within the lead, so no word is cut at the front.
    let start_byte = byte_of(start);
    if start > 0
        && let Some(sp) = text[start_byte..byte_of(best.1.max(start))].find(char::is_whitespace)
    {
        let skip = text[start_byte..start_byte + sp].chars().count() + 1;
        start += skip;
    }
    let end = (start + width).min(total);
    (byte_of(start), byte_of(end))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn window_keeps_short_texts_whole() {
        assert_eq!(window("짧은 글", &[], 10), (0, "짧은 글".len()));
    }

    #[test]
    fn window_centres_on_the_densest_highlights_at_char_boundaries() {
        let text = format!("{}GPU 가격 GPU{}", "가".repeat(200), "나".repeat(200));
        let at = text.find("GPU").unwrap();
        let hl = [(at, at + 3), (at + 4, at + 10), (at + 11, at + 14)];
        let (s, e) = window(&text, &hl, 60);
        assert!(text.is_char_boundary(s) && text.is_char_boundary(e));
        assert!(s <= at && e >= at + 14, "{s}..{e} holds the highlights");
        assert!(text[s..e].chars().count() <= 60);
    }

    #[test]
    fn window_with_no_highlights_starts_at_the_beginning() {
        let text = "다".repeat(500);
        let (s, e) = window(&text, &[], 100);
        assert_eq!(s, 0);
        assert_eq!(text[s..e].chars().count(), 100);
    }
}
