//! The Korean analyser: golden output, MeCab-ko agreement on our sentences, normalisation,
//! the user dictionary, and robustness on hostile input.

mod common;

use common::*;
use kosearch::analysis::TokenKind;
use unicode_normalization::UnicodeNormalization;

#[test]
fn golden_analysis_is_unchanged() {
    let analyzer = analyzer(true);
    let sentences = golden("sentences.txt");
    let mut got = String::new();
    for (i, s) in sentences
        .lines()
        .filter(|l| !l.trim().is_empty())
        .enumerate()
    {
        for t in tokens(&analyzer, s) {
            let kind = match t.kind {
                TokenKind::Morpheme => "morpheme",
                TokenKind::Part => "part",
            };
            let term = if t.indexed { t.term.as_str() } else { "-" };
            got.push_str(&format!(
                "{}\t{kind}\t{}\t{}\t{}\t{}\t{}\t{}\t{term}\n",
                i + 1,
                t.surface,
                t.pos,
                t.start,
                t.end,
                t.position,
                t.position_length
            ));
        }
    }
    let want = golden("analysis.tsv");
    if got != want {
        let first = got
            .lines()
            .zip(want.lines())
            .position(|(a, b)| a != b)
            .unwrap_or(got.lines().count().min(want.lines().count()));
        panic!(
            "analysis differs from tests/golden/analysis.tsv at line {}:\n  got:  {:?}\n  want: {:?}\n\
             If the change is intended, run scripts/regen-golden and review the diff.",
            first + 1,
            got.lines().nth(first),
            want.lines().nth(first)
        );
    }
}

#[test]
fn morphemes_match_mecab_ko_on_our_sentences() {
    // The reference was produced by MeCab-ko (python-mecab-ko) with the same dictionary.
    // Full-width ASCII is folded by kosearch on purpose, so those sentences are compared
    // after folding the reference too.
    let analyzer = analyzer(false);
    let sentences = golden("sentences.txt");
    let reference = golden("mecab.tsv");
    let mut differ = Vec::new();
    for (s, r) in sentences
        .lines()
        .filter(|l| !l.trim().is_empty())
        .zip(reference.lines())
    {
        let ours = morphemes(&analyzer, s).join(" ");
        let folded: String = r
            .chars()
            .map(|c| match c as u32 {
                0xff01..=0xff5e => char::from_u32(c as u32 - 0xfee0).unwrap_or(c),
                _ => c,
            })
            .collect();
        if ours != r && !(s.contains(|c: char| (0xff01..=0xff5e).contains(&(c as u32)))) {
            differ.push(format!("{s}\n  mecab:    {r}\n  kosearch: {ours}"));
        } else if ours != r && ours.replace("/SY", "/SL") != folded.replace("/SY", "/SL") {
            // Folded sentences: only the surfaces must agree.
            let strip = |x: &str| {
                x.split(' ')
                    .map(|m| m.rsplit_once('/').map_or(m, |p| p.0).to_string())
                    .collect::<Vec<_>>()
            };
            if strip(&ours) != strip(&folded) {
                differ.push(format!("{s}\n  mecab:    {r}\n  kosearch: {ours}"));
            }
        }
    }
    assert!(
        differ.is_empty(),
        "differences from MeCab-ko:\n{}",
        differ.join("\n")
    );
}

#[test]
fn mecab_whitespace_semantics_keep_words_whole() {
    // Stock lindera splits these after a space (DESIGN.md §3); MeCab-ko does not.
    let a = analyzer(false);
    assert_eq!(morphemes(&a, "그는 왕권을 강화했다")[2], "왕권/NNG");
    assert!(morphemes(&a, "동해 해상에서").contains(&"해상/NNG".to_string()));
    assert_eq!(
        morphemes(&a, "사실상 불가능하다는 평가가 나왔다")[..2],
        ["사실/NNG", "상/XSN"]
    );
}

#[test]
fn content_is_indexed_and_function_words_are_not() {
    let a = analyzer(false);
    assert_eq!(terms(&a, "GPU를 샀다"), vec!["gpu", "샀", "사"]);
    assert_eq!(terms(&a, "모델들은"), vec!["모델"]);
    // Digits split from Hangul.
    assert_eq!(terms(&a, "44사이즈"), vec!["44", "사이즈"]);
}

#[test]
fn compounds_are_indexed_whole_and_as_parts_with_positions() {
    let a = analyzer(false);
    let toks = tokens(&a, "가가문전 앞");
    let whole = &toks[0];
    assert_eq!(
        (whole.surface.as_str(), whole.kind),
        ("가가문전", TokenKind::Morpheme)
    );
    assert_eq!((whole.position, whole.position_length), (0, 2));
    let parts: Vec<(&str, usize, usize, usize)> = toks
        .iter()
        .filter(|t| t.kind == TokenKind::Part)
        .map(|t| (t.surface.as_str(), t.position, t.start, t.end))
        .collect();
    assert_eq!(parts, vec![("가가", 0, 0, 6), ("문전", 1, 6, 12)]);
    // The next word follows the last part.
    assert_eq!(toks.last().unwrap().position, 2);
}

#[test]
fn particles_do_not_break_phrase_positions() {
    let a = analyzer(false);
    let positions = |text: &str| -> Vec<(String, usize)> {
        tokens(&a, text)
            .into_iter()
            .filter(|t| t.indexed)
            .map(|t| (t.term, t.position))
            .collect()
    };
    assert_eq!(positions("GPU의 가격"), positions("GPU 가격"));
}

#[test]
fn user_dictionary_fixes_domain_terms() {
    let with = analyzer(true);
    let without = analyzer(false);
    assert!(terms(&with, "파인튜닝했다").contains(&"파인튜닝".to_string()));
    assert!(!terms(&without, "파인튜닝했다").contains(&"파인튜닝".to_string()));
    // The compound and its spaced form share their parts.
    let compound = terms(&with, "소형언어모델");
    assert_eq!(compound, vec!["소형언어모델", "소형", "언어", "모델"]);
    assert_eq!(terms(&with, "소형 언어 모델"), vec!["소형", "언어", "모델"]);
    assert_ne!(with.fingerprint(), without.fingerprint());
}

#[test]
fn nfd_and_full_width_text_analyse_like_nfc() {
    let a = analyzer(true);
    let nfc = "한국어 소형언어모델의 GPU 가격";
    let nfd: String = nfc.nfd().collect();
    assert_eq!(terms(&a, &nfd), terms(&a, nfc));
    // Offsets point into the NFD original.
    for t in tokens(&a, &nfd) {
        assert!(nfd.is_char_boundary(t.start) && nfd.is_char_boundary(t.end));
    }
    assert_eq!(terms(&a, "ＧＰＵ 가격"), terms(&a, "GPU 가격"));
    // Conjoining jamo left over by NFC match the compatibility jamo people type.
    assert_eq!(terms(&a, "\u{1100}\u{1100}"), terms(&a, "ㄱㄱ"));
}

#[test]
fn offsets_are_byte_ranges_of_the_original_text() {
    let a = analyzer(true);
    let text = "[테크데일리 김민준 기자] 엔비디아 H100급 GPU(그래픽처리장치) 가격이 40% 올랐다.";
    for t in tokens(&a, text) {
        if t.kind == TokenKind::Morpheme {
            assert_eq!(&text[t.start..t.end], t.surface, "{t:?}");
        }
    }
}

#[test]
fn hostile_input_never_panics() {
    let a = analyzer(true);
    let long_run = "가".repeat(3_500_000); // 10.5 MB without a space
    let cases: Vec<String> = vec![
        String::new(),
        " \t\r\n ".into(),
        "no hangul at all, just ASCII 123".into(),
        "\u{0}\u{1}\u{7}\u{1b}[31m제어\u{7f}".into(),
        "\u{301}\u{301}\u{301}".into(),
        "\u{feff}BOM 뒤 텍스트".into(),
        "😀🇰🇷 이모지와 한글".into(),
        "\u{d7ff}\u{fffe}\u{ffff}\u{10ffff}".into(),
        long_run,
        "a".repeat(100_000),
        "1".repeat(50_000),
    ];
    for text in &cases {
        let toks = tokens(&a, text);
        let mut last_start = 0;
        for t in &toks {
            assert!(t.start <= t.end && t.end <= text.len());
            assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
            if t.kind == TokenKind::Morpheme {
                assert!(t.start >= last_start);
                last_start = t.start;
            }
        }
    }
    // Every non-space character of the long run is covered by a morpheme.
    let covered: usize = tokens(&a, &cases[8])
        .iter()
        .filter(|t| t.kind == TokenKind::Morpheme)
        .map(|t| t.end - t.start)
        .sum();
    assert_eq!(covered, cases[8].len());
}
