//! Replays the fuzz targets' seeds (`kosearch::fuzz::seeds`, made from `data/`) and every
//! input that ever crashed one (`tests/fuzz/regressions/<target>/`) through the targets'
//! bodies (`kosearch::fuzz`) on every `cargo test`, so a crash once found stays fixed. The
//! fuzzing itself is `scripts/fuzz`, which writes the seeds with `write_seeds` below.

mod common;

use std::path::{Path, PathBuf};

#[test]
fn every_seed_and_regression_input_keeps_its_promises() {
    let seeds = kosearch::fuzz::seeds(&common::root()).expect("data/ reads");
    for (name, target) in kosearch::fuzz::TARGETS {
        let mut inputs: Vec<(String, Vec<u8>)> = seeds
            .iter()
            .filter(|(t, _, _)| t == name)
            .map(|(_, n, b)| (format!("seed {n}"), b.clone()))
            .collect();
        assert!(!inputs.is_empty(), "{name}: no seeds");
        for path in files(&common::path("tests/fuzz/regressions").join(name)) {
            inputs.push((path.display().to_string(), std::fs::read(&path).unwrap()));
        }
        for (label, data) in &inputs {
            let outcome = std::panic::catch_unwind(|| target(data));
            assert!(outcome.is_ok(), "fuzz target {name} fails on {label}");
        }
        eprintln!("{name}: {} inputs", inputs.len());
    }
}

/// Writes the seeds into `tests/fuzz/corpus/<target>/seed-<name>`, where the fuzzer reads
/// them (`scripts/fuzz` runs this).
#[test]
#[ignore = "run by scripts/fuzz"]
fn write_seeds() {
    let corpus = common::path("tests/fuzz/corpus");
    for (target, name, bytes) in kosearch::fuzz::seeds(&common::root()).unwrap() {
        let dir = corpus.join(target);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join(format!("seed-{name}")), bytes).unwrap();
    }
}

/// The files of a folder, sorted; none if it does not exist.
fn files(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    out.sort();
    out
}
