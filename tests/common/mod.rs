//! Helpers shared by the integration tests.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};

use kosearch::analysis::{Analyzer, AnalyzerConfig, Scratch, TokenKind};
use kosearch::dictionary::KoDictionary;

/// Fails the test, with the command's stderr, unless it exited with success.
#[track_caller]
pub fn assert_success(out: &std::process::Output) {
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The `kosearch` binary, run from the project root, with none of the environment variables
/// that would point it at another index or user dictionary or change its colours.
pub fn kosearch() -> std::process::Command {
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_kosearch"));
    cmd.current_dir(root())
        .env_remove("KOSEARCH_INDEX")
        .env_remove("KOSEARCH_USER_DICT")
        .env_remove("NO_COLOR");
    cmd
}

/// Reports that a test cannot run here for want of `what`, so that it can return. Under CI
/// (`CI` set), where `.ci/run` provides everything the tests need, it fails instead: a test
/// never passes there without testing.
#[track_caller]
pub fn cannot_run(what: &str) {
    assert!(
        std::env::var_os("CI").is_none(),
        "this test needs {what}, which .ci/run provides"
    );
    eprintln!("skipped: this test needs {what}");
}

/// The project root.
pub fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `../shared` beside the project, if present.
pub fn shared() -> Option<PathBuf> {
    let dir = root().join("..").join("shared");
    dir.is_dir().then_some(dir)
}

/// The dictionary, opened once per test binary.
pub fn dict() -> Arc<KoDictionary> {
    static DICT: OnceLock<Arc<KoDictionary>> = OnceLock::new();
    DICT.get_or_init(|| Arc::new(KoDictionary::open_default().expect("dictionary opens")))
        .clone()
}

/// An analyser with the project's user dictionary, or none.
pub fn analyzer(with_user_dict: bool) -> Analyzer {
    let config = AnalyzerConfig {
        user_dictionary: with_user_dict.then(|| root().join("data").join("userdic.csv")),
        ..AnalyzerConfig::default()
    };
    Analyzer::new(dict(), config).expect("analyser builds")
}

/// One analysed token, owned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tok {
    pub kind: TokenKind,
    pub surface: String,
    pub pos: String,
    pub start: usize,
    pub end: usize,
    pub position: usize,
    pub position_length: usize,
    pub indexed: bool,
    pub term: String,
}

/// Every token of `text`.
pub fn tokens(analyzer: &Analyzer, text: &str) -> Vec<Tok> {
    let mut scratch = Scratch::default();
    let mut out = Vec::new();
    analyzer.analyze(text, &mut scratch, |t| {
        out.push(Tok {
            kind: t.kind,
            surface: t.surface.to_string(),
            pos: t.pos.to_string(),
            start: t.start,
            end: t.end,
            position: t.position,
            position_length: t.position_length,
            indexed: t.indexed,
            term: t.term.to_string(),
        })
    });
    out
}

/// The indexed terms of `text`, in order.
pub fn terms(analyzer: &Analyzer, text: &str) -> Vec<String> {
    tokens(analyzer, text)
        .into_iter()
        .filter(|t| t.indexed)
        .map(|t| t.term)
        .collect()
}

/// `surface/POS` of every morpheme (no parts).
pub fn morphemes(analyzer: &Analyzer, text: &str) -> Vec<String> {
    tokens(analyzer, text)
        .into_iter()
        .filter(|t| t.kind == TokenKind::Morpheme)
        .map(|t| format!("{}/{}", t.surface, t.pos))
        .collect()
}

/// Reads a file of the golden test data.
pub fn golden(name: &str) -> String {
    std::fs::read_to_string(root().join("tests").join("golden").join(name))
        .unwrap_or_else(|e| panic!("tests/golden/{name}: {e}"))
}

/// A path inside the project.
pub fn path(rel: &str) -> PathBuf {
    root().join(Path::new(rel))
}

/// A small deterministic generator (xorshift), seeded from the clock and printed, so a
/// failure can be replayed with `KOSEARCH_TEST_SEED`.
pub struct Rng(u64);

impl Rng {
    pub fn new() -> Rng {
        let seed = std::env::var("KOSEARCH_TEST_SEED")
            .ok()
            .and_then(|s| s.parse().ok())
            .unwrap_or_else(|| {
                std::time::SystemTime::now()
                    .duration_since(std::time::UNIX_EPOCH)
                    .unwrap()
                    .as_nanos() as u64
            });
        eprintln!("seed {seed} (KOSEARCH_TEST_SEED)");
        Rng(seed | 1)
    }

    pub fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Copies a folder tree.
pub fn copy_tree(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// `n` copies of `data/articles` under `dir/corpus/copyNN`; returns `dir/corpus`.
pub fn sample_copies(dir: &Path, n: u64) -> PathBuf {
    let corpus = dir.join("corpus");
    for i in 0..n {
        copy_tree(&path("data/articles"), &corpus.join(format!("copy{i:02}")));
    }
    corpus
}
