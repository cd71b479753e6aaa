//! The bodies of the fuzz targets: each takes arbitrary bytes, runs one component on them and
//! checks what that component promises, panicking when a promise is broken.
//!
//! The cargo-fuzz targets in `tests/fuzz/fuzz_targets/` are one line each around these.
//! `tests/fuzz_replay.rs` runs the [`seeds`] and every input that ever crashed a target
//! (`tests/fuzz/regressions/<target>/`) through them on every `cargo test`, so a crash once
//! found stays fixed. `scripts/fuzz` runs the fuzzer.

use std::path::Path;
use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use crate::analysis::{Analyzer, AnalyzerConfig, Scratch, TokenKind};
use crate::dictionary::KoDictionary;
use crate::index::KoIndex;
use crate::index::update::{self, UpdateOptions};
use crate::ingest::Format;
use crate::ingest::decode::{self, Encoding};
use crate::ingest::parse::{self, FieldMap, ParseOptions};
use crate::ingest::read;
use crate::passage::{self, PassageOptions};
use crate::search::query;
use crate::search::{SearchOptions, Searcher};

/// A fuzz target's body.
pub type Target = fn(&[u8]);

/// Every target, by name.
pub const TARGETS: &[(&str, Target)] = &[
    ("decode", decode),
    ("html", html),
    ("mhtml", mhtml),
    ("markdown", markdown),
    ("json", json),
    ("passages", passages),
    ("query", query),
    ("analyze", analyze),
    ("document", document),
];

/// Queries the query target starts from.
const SEED_QUERIES: &[&str] = &[
    "GPU 가격",
    "소형언어모델",
    "SLM 파인튜닝",
    "\"소형 언어 모델\" -SLM",
    "(GPU OR 그래픽처리장치) title:가격",
    "source:연합뉴스 author:김 path:mobile",
    "\"닫히지 않은 따옴표",
    "((GPU)",
    "OR -",
    "title:",
];

/// MHTML saves the MHTML target starts from, besides the samples: nested, single-part,
/// quoted-printable, and one whose boundary never comes.
const SEED_MHTML: &[&str] = &[
    "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=a\n\n--a\nContent-Type: multipart/related; boundary=b\n\n--b\nContent-Type: text/html\nContent-Transfer-Encoding: quoted-printable\n\n<p>=EA=B0=80=\n=EB=82=98</p>\n--b--\n--a--\n",
    "MIME-Version: 1.0\nContent-Type: text/html; charset=utf-8\nContent-Transfer-Encoding: base64\n\nPHA+6rCAPC9wPg==\n",
    "From: <Saved by Blink>\nMIME-Version: 1.0\nContent-Type: multipart/related; boundary=\"x\"\n\n--y\n",
];

/// The inputs each target starts from, as `(target, name, bytes)`: made from the sample
/// articles under `root/data/articles` (each file as it is for the decoder; as UTF-8 for the
/// parser of its format, the passage splitter and the analyser) and [`SEED_QUERIES`].
pub fn seeds(root: &Path) -> std::io::Result<Vec<(&'static str, String, Vec<u8>)>> {
    let mut out = Vec::new();
    for entry in walkdir::WalkDir::new(root.join("data").join("articles")).sort_by_file_name() {
        let entry = entry?;
        if !entry.file_type().is_file() {
            continue;
        }
        let name = entry.file_name().to_string_lossy().into_owned();
        let bytes = std::fs::read(entry.path())?;
        let text = String::from_utf8_lossy(&bytes).into_owned().into_bytes();
        let ext = entry
            .path()
            .extension()
            .map(|e| e.to_string_lossy().to_ascii_lowercase());
        let with_prefix = |prefix: &[u8], max: usize| {
            let mut v = prefix.to_vec();
            v.extend_from_slice(&text[..text.len().min(max)]);
            v
        };
        match ext.as_deref().and_then(Format::from_extension) {
            Some(Format::Html) => out.push(("html", name.clone(), text.clone())),
            Some(Format::Mhtml) => out.push(("mhtml", name.clone(), bytes.clone())),
            Some(Format::Markdown) => out.push(("markdown", name.clone(), text.clone())),
            Some(Format::Json) => out.push(("json", name.clone(), with_prefix(b"\0", usize::MAX))),
            Some(Format::JsonLines) => {
                out.push(("json", name.clone(), with_prefix(b"\x01", usize::MAX)))
            }
            Some(Format::Text) => {
                out.push(("passages", name.clone(), with_prefix(&[20, 100], 6000)));
                out.push(("analyze", name.clone(), with_prefix(b"", 3000)));
            }
            Some(f) if f.is_document() => {
                out.push(("document", name.clone(), document_seed(f, &bytes)));
            }
            Some(_) | None => {}
        }
        out.push(("decode", name, bytes));
    }
    // The document fixtures of the tests.
    for entry in walkdir::WalkDir::new(root.join("tests").join("documents")).sort_by_file_name() {
        let entry = entry?;
        let format = entry
            .path()
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::from_extension)
            .filter(|f| f.is_document());
        if let Some(format) = format {
            let name = entry.file_name().to_string_lossy().into_owned();
            out.push((
                "document",
                name,
                document_seed(format, &std::fs::read(entry.path())?),
            ));
        }
    }
    for (i, m) in SEED_MHTML.iter().enumerate() {
        out.push(("mhtml", format!("m{i:02}"), m.as_bytes().to_vec()));
    }
    for (i, q) in SEED_QUERIES.iter().enumerate() {
        out.push(("query", format!("q{i:02}"), q.as_bytes().to_vec()));
    }
    Ok(out)
}

/// The document formats, in the order the document target's first byte picks them.
const DOCUMENTS: [Format; 4] = [Format::Pdf, Format::Docx, Format::Hwp, Format::Hwpx];

fn document_seed(format: Format, bytes: &[u8]) -> Vec<u8> {
    let pick = DOCUMENTS.iter().position(|f| *f == format).unwrap_or(0) as u8;
    let mut v = vec![pick];
    v.extend_from_slice(bytes);
    v
}

/// A document reader (the first byte picks the format the extension would name): it
/// returns an article or an error, and an article's paragraphs are trimmed, non-empty and,
/// when it has pages, one page each, counting up from 1.
pub fn document(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let format = DOCUMENTS[first as usize % DOCUMENTS.len()];
    let Ok(read) = crate::ingest::read::read(
        rest.to_vec(),
        format,
        None,
        "fuzz",
        &ParseOptions::default(),
    ) else {
        return;
    };
    for a in &read.parsed.articles {
        assert!(
            a.paragraphs.iter().all(|p| !p.is_empty() && p.trim() == p),
            "an empty or untrimmed paragraph"
        );
        if !a.pages.is_empty() {
            assert_eq!(
                a.pages.len(),
                a.paragraphs.len(),
                "pages do not match paragraphs"
            );
            assert!(a.pages.iter().all(|&p| p >= 1), "page 0");
            assert!(
                a.pages.windows(2).all(|w| w[0] <= w[1]),
                "pages out of order"
            );
        }
    }
}

/// The decoder, detecting and with the encoding the first byte picks.
pub fn decode(data: &[u8]) {
    check_decoded(data, None);
    if let Some((&first, rest)) = data.split_first() {
        let forced = Encoding::NAMES[first as usize % Encoding::NAMES.len()];
        check_decoded(rest, Encoding::from_name(forced));
    }
}

fn check_decoded(data: &[u8], forced: Option<Encoding>) {
    let Ok(d) = decode::decode(data, forced) else {
        return;
    };
    assert!(!d.text.contains('\r'), "a \\r survived decoding");
    if let Some(f) = forced {
        assert_eq!(d.encoding, f, "the forced encoding was not used");
    }
    if !matches!(
        d.encoding,
        Encoding::Utf8 | Encoding::Utf16Le | Encoding::Utf16Be
    ) {
        assert!(
            !d.text.contains(char::REPLACEMENT_CHARACTER),
            "{}: a silent replacement character",
            d.encoding.name()
        );
    }
}

/// The HTML parser, then passages of what it found; and the feed parser (RSS, Atom) on the
/// same bytes, since both read markup.
pub fn html(data: &[u8]) {
    parse_then_split(Format::Html, data);
    parse_then_split(Format::Feed, data);
}

/// An MHTML save read as a file is (its HTML part found, decoded and parsed), then passages:
/// an error or articles, never a panic, and quickly (the MIME reader is linear in its input).
pub fn mhtml(data: &[u8]) {
    let started = std::time::Instant::now();
    let options = ParseOptions {
        fields: FieldMap::default(),
    };
    for format in [Format::Mhtml, Format::Html] {
        let Ok(read) = read::read(data.to_vec(), format, None, "2026-01-02_fuzz", &options) else {
            continue;
        };
        for article in &read.parsed.articles {
            for p in &article.paragraphs {
                assert!(!p.trim().is_empty(), "an empty paragraph: {article:?}");
            }
        }
    }
    assert!(
        started.elapsed().as_secs() < 10 + data.len() as u64 / 1_000_000,
        "too slow: {:?} for {} bytes",
        started.elapsed(),
        data.len()
    );
}

/// The Markdown parser (front matter included) and the plain-text one, then passages.
pub fn markdown(data: &[u8]) {
    parse_then_split(Format::Markdown, data);
    parse_then_split(Format::Text, data);
}

/// The JSON parser (first byte even) or the JSON Lines one (odd), then passages.
pub fn json(data: &[u8]) {
    let Some((&first, rest)) = data.split_first() else {
        return;
    };
    let format = if first % 2 == 0 {
        Format::Json
    } else {
        Format::JsonLines
    };
    parse_then_split(format, rest);
}

fn parse_then_split(format: Format, data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let options = ParseOptions {
        fields: FieldMap::default(),
    };
    let Ok(parsed) = parse::parse(format, &text, "2026-01-02_fuzz", &options) else {
        return;
    };
    for article in &parsed.articles {
        for p in &article.paragraphs {
            assert!(!p.trim().is_empty(), "an empty paragraph: {article:?}");
        }
        let opts = PassageOptions::default();
        let split = passage::split(&article.paragraphs, &opts);
        if let Err(e) = split.check(&opts) {
            panic!("{e}: {split:?}");
        }
    }
}

/// The passage splitter: paragraphs are the lines after the first two bytes, which pick the
/// limits.
pub fn passages(data: &[u8]) {
    let (min, max, rest) = match data {
        [a, b, rest @ ..] => (*a as usize * 4, 20 + *b as usize * 4, rest),
        _ => (0, 20, data),
    };
    let opts = PassageOptions {
        min_chars: min.min(max),
        max_chars: max,
    };
    let text = String::from_utf8_lossy(rest);
    let paragraphs: Vec<String> = text.split('\n').map(str::to_string).collect();
    let split = passage::split(&paragraphs, &opts);
    if let Err(e) = split.check(&opts) {
        panic!("{e}: {split:?}");
    }
}

/// The query parser, then the whole search on an index of the sample articles: hits and
/// highlights must be well-formed.
pub fn query(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let node = match query::parse(&text) {
        Ok(node) => node,
        Err(e) => {
            assert!(
                e.at <= text.chars().count(),
                "error position {} past the end",
                e.at
            );
            let _ = e.pointer(&text);
            return;
        }
    };
    let _ = query::plain_words(&text);
    let searcher = sample_searcher();
    let Some(compiled) = searcher.compile(&node) else {
        return;
    };
    let options = SearchOptions {
        limit: 5,
        ..SearchOptions::default()
    };
    let results = searcher
        .run(&compiled, &options)
        .unwrap_or_else(|e| panic!("search failed: {e}"));
    assert!(results.hits.len() <= results.total);
    for (i, hit) in results.hits.iter().enumerate() {
        assert_eq!(hit.rank, i + 1);
        assert!(hit.score.is_finite(), "score {}", hit.score);
        let mut last = 0;
        for &(s, e) in &hit.highlights {
            assert!(
                last <= s && s < e && e <= hit.text.len(),
                "{:?}",
                hit.highlights
            );
            assert!(hit.text.is_char_boundary(s) && hit.text.is_char_boundary(e));
            last = e;
        }
    }
}

/// The analyser with the built-in user dictionary: offsets, positions and terms well-formed.
pub fn analyze(data: &[u8]) {
    let analyzer = analyzer();
    let text = String::from_utf8_lossy(data);
    let mut scratch = Scratch::default();
    let mut last_end = 0;
    let mut last_position = 0;
    analyzer.analyze(&text, &mut scratch, |t| {
        assert!(
            t.start <= t.end && t.end <= text.len(),
            "range {}..{}",
            t.start,
            t.end
        );
        assert!(text.is_char_boundary(t.start) && text.is_char_boundary(t.end));
        assert!(t.position >= last_position, "position went back");
        if t.kind == TokenKind::Morpheme {
            assert!(t.start >= last_end, "morphemes overlap at {}", t.start);
            last_end = t.end;
        }
        if t.indexed {
            assert!(!t.term.is_empty(), "an empty indexed term");
        }
        last_position = t.position;
    });
}

fn dictionary() -> Arc<KoDictionary> {
    static DICT: OnceLock<Arc<KoDictionary>> = OnceLock::new();
    DICT.get_or_init(|| {
        Arc::new(KoDictionary::open_default().unwrap_or_else(|e| panic!("dictionary: {e}")))
    })
    .clone()
}

fn analyzer() -> &'static Analyzer {
    static ANALYZER: OnceLock<Analyzer> = OnceLock::new();
    ANALYZER.get_or_init(|| {
        Analyzer::new(dictionary(), AnalyzerConfig::default())
            .unwrap_or_else(|e| panic!("analyser: {e}"))
    })
}

/// A searcher over an index of `data/articles`, built once per process in a temporary
/// folder.
fn sample_searcher() -> &'static Searcher {
    static SEARCHER: OnceLock<(tempfile::TempDir, Searcher)> = OnceLock::new();
    let (_, searcher) = SEARCHER.get_or_init(|| {
        let root = Path::new(env!("CARGO_MANIFEST_DIR"));
        let tmp = tempfile::tempdir().expect("a temporary folder");
        let ko = KoIndex::create(
            &tmp.path().join("idx"),
            dictionary(),
            AnalyzerConfig {
                user_dictionary: Some(root.join("data").join("userdic.csv")),
                ..AnalyzerConfig::default()
            },
            PassageOptions::default(),
            FieldMap::default(),
        )
        .unwrap_or_else(|e| panic!("index: {e}"));
        let options = UpdateOptions {
            jobs: 1,
            ..UpdateOptions::default()
        };
        let roots = [root.join("data").join("articles")];
        let summary = update::update(&ko, &roots, &options, &AtomicBool::new(false), &mut |_| {})
            .unwrap_or_else(|e| panic!("indexing data/articles: {e}"));
        assert!(
            summary.passages > 100 && summary.failed.is_empty(),
            "indexing data/articles: {summary:?}"
        );
        let searcher = Searcher::new(ko).unwrap_or_else(|e| panic!("searcher: {e}"));
        (tmp, searcher)
    });
    searcher
}
