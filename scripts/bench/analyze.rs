//! Single-thread analysis throughput (`scripts/bench-analyze`, `scripts/bench-index`).
//!
//! Reads the `text` of every line of a JSON Lines file (default: the KorQuAD passages), or
//! every file under a folder as UTF-8 text. Prints MB/s of UTF-8 text and checks itself: the
//! token count must be the same in every round.

use std::sync::Arc;
use std::time::Instant;

use kosearch::analysis::{Analyzer, AnalyzerConfig, Scratch};
use kosearch::dictionary::KoDictionary;

fn main() {
    let path = std::env::args()
        .nth(1)
        .filter(|a| !a.starts_with('-'))
        .unwrap_or_else(|| "../shared/eval/korquad/corpus.jsonl".into());
    let texts = if std::path::Path::new(&path).is_dir() {
        folder_texts(&path)
    } else {
        let Ok(data) = std::fs::read_to_string(&path) else {
            eprintln!("bench-analyze: cannot read {path}; skipping");
            return;
        };
        data.lines()
            .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
            .filter_map(|v| v.get("text").and_then(|t| t.as_str()).map(str::to_string))
            .collect()
    };
    let bytes: usize = texts.iter().map(String::len).sum();
    let dict = Arc::new(KoDictionary::open_default().expect("dictionary"));
    let analyzer = Analyzer::new(dict, AnalyzerConfig::default()).expect("analyzer");
    let mut scratch = Scratch::default();
    let mut best = f64::INFINITY;
    let mut tokens_per_round = None;
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(5);
    for round in 0..rounds {
        let t = Instant::now();
        let mut tokens = 0usize;
        for text in &texts {
            analyzer.analyze(text, &mut scratch, |_| tokens += 1);
        }
        let secs = t.elapsed().as_secs_f64();
        best = best.min(secs);
        match tokens_per_round {
            None => tokens_per_round = Some(tokens),
            Some(n) => assert_eq!(n, tokens, "round {round} gave a different token count"),
        }
    }
    println!(
        "analysis, 1 thread: {} texts, {:.2} MB, {} tokens, best of {} rounds {:.3} s = {:.2} MB/s",
        texts.len(),
        bytes as f64 / 1e6,
        tokens_per_round.unwrap_or(0),
        rounds,
        best,
        bytes as f64 / 1e6 / best
    );
}

/// Every UTF-8 file under `dir`.
fn folder_texts(dir: &str) -> Vec<String> {
    walkdir::WalkDir::new(dir)
        .sort_by_file_name()
        .into_iter()
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .collect()
}
