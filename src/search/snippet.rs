//! Highlights and snippets.
//!
//! Highlights mark every indexed token of a passage whose term the query looked for, so they
//! land on the exact characters of the raw text (byte offsets on UTF-8 boundaries), particles
//! excluded: in `GPU를`, only `GPU`. A compound whose part matched is marked at the part
//! (`소형언어모델` for `언어` marks 언어). A passage's tokens are read from the token table the
//! index stores with it ([`crate::analysis::stored`]); other texts (and a table that does not
//! fit its text) are analysed again with the index's analyser, to the same tokens.

use std::collections::BTreeSet;

use crate::analysis::stored::{self, Damaged};
use crate::analysis::{Analyzer, Scratch, TokenKind};

/// Byte ranges of `text` whose terms are in `terms`, sorted and merged: from the text's token
/// table when there is one that fits it, else by analysing the text.
pub fn highlights(
    analyzer: &Analyzer,
    text: &str,
    table: Option<&[u8]>,
    terms: &BTreeSet<String>,
) -> Vec<(usize, usize)> {
    if let Some(table) = table
        && let Ok(ranges) = stored_highlights(text, table, terms)
    {
        return ranges;
    }
    let mut marks = Marks::new(terms);
    analyzer.analyze(text, &mut Scratch::default(), |t| {
        if t.indexed {
            marks.token(t.kind == TokenKind::Part, t.start, t.end, t.term);
        }
    });
    marks.merged()
}

/// [`highlights`] from a token table alone.
fn stored_highlights(
    text: &str,
    table: &[u8],
    terms: &BTreeSet<String>,
) -> Result<Vec<(usize, usize)>, Damaged> {
    let mut marks = Marks::new(terms);
    stored::decode(text, table, &mut String::new(), |t| {
        marks.token(t.part, t.start, t.end, t.term);
    })?;
    Ok(marks.merged())
}

/// The ranges marked so far, from indexed tokens in the analyser's order.
struct Marks<'a> {
    terms: &'a BTreeSet<String>,
    ranges: Vec<(usize, usize)>,
    /// The end of the last morpheme marked whole: its parts need no marks of their own.
    whole_end: usize,
}

impl<'a> Marks<'a> {
    fn new(terms: &'a BTreeSet<String>) -> Self {
        Marks {
            terms,
            ranges: Vec::new(),
            whole_end: 0,
        }
    }

    fn token(&mut self, part: bool, start: usize, end: usize, term: &str) {
        if !self.terms.contains(term) || (part && end <= self.whole_end) {
            return;
        }
        if !part {
            self.whole_end = end;
        }
        self.ranges.push((start, end));
    }

    fn merged(mut self) -> Vec<(usize, usize)> {
        self.ranges.sort_unstable();
        let mut merged: Vec<(usize, usize)> = Vec::with_capacity(self.ranges.len());
        for (s, e) in self.ranges {
            match merged.last_mut() {
                Some(last) if s <= last.1 => last.1 = last.1.max(e),
                _ => merged.push((s, e)),
            }
        }
        merged
    }
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
    fn highlights_from_a_table_are_those_of_the_analyser() {
        use crate::analysis::AnalyzerConfig;
        use crate::analysis::tokenizer::passage_table;
        use crate::dictionary::KoDictionary;
        let dict = std::sync::Arc::new(KoDictionary::open_default().unwrap());
        let analyzer = Analyzer::new(dict, AnalyzerConfig::default()).unwrap();
        let text = "소형언어모델(SLM) 가격이 크게 올랐다. GPU를 사려던 해외여행 비용도 올랐고, \
                    ＡＩ 반도체 가격은 오르지 않았다.";
        let terms = |ts: &[&str]| ts.iter().map(|t| t.to_string()).collect::<BTreeSet<_>>();
        let mut table = Vec::new();
        passage_table(&analyzer, text, &mut table);
        for marks in [
            terms(&["언어", "오르", "gpu"]),
            terms(&["올랐", "여행", "ai", "slm"]),
            terms(&["해외여행", "해외"]),
            terms(&["없는말"]),
        ] {
            let analysed = highlights(&analyzer, text, None, &marks);
            assert_eq!(highlights(&analyzer, text, Some(&table), &marks), analysed);
            // A table that does not fit the text: analysed again, to the same marks.
            assert_eq!(highlights(&analyzer, text, Some(&[7, 7]), &marks), analysed);
        }
        let marks = terms(&["언어", "오르", "gpu"]);
        let got: Vec<&str> = highlights(&analyzer, text, Some(&table), &marks)
            .into_iter()
            .map(|(s, e)| &text[s..e])
            .collect();
        assert_eq!(got, ["언어", "올랐", "GPU", "올랐", "오르"]);
    }

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
