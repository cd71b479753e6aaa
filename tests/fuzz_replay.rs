//! Replays the fuzz targets' seeds (`tests/fuzz/seeds/<target>/`) and every input that ever
//! crashed one (`tests/fuzz/regressions/<target>/`) through the targets' bodies
//! (`kosearch::fuzz`) on every `cargo test`, so a crash once found stays fixed. The fuzzing
//! itself is `scripts/fuzz`.

mod common;

use std::time::Instant;

#[test]
fn every_fuzz_corpus_input_keeps_its_promises() {
    for (name, target) in kosearch::fuzz::TARGETS {
        let seeds = common::path("tests/fuzz/seeds").join(name);
        let mut inputs = files(&seeds);
        assert!(
            !inputs.is_empty(),
            "{}: no seeds; scripts/fuzz --seed",
            seeds.display()
        );
        inputs.extend(files(&common::path("tests/fuzz/regressions").join(name)));
        let started = Instant::now();
        for input in &inputs {
            let data = std::fs::read(input).unwrap();
            let outcome = std::panic::catch_unwind(|| target(&data));
            assert!(
                outcome.is_ok(),
                "fuzz target {name} fails on {}",
                input.display()
            );
        }
        eprintln!(
            "{name}: {} inputs in {:.1} s",
            inputs.len(),
            started.elapsed().as_secs_f64()
        );
    }
}

/// The files of a folder, sorted; none if it does not exist.
fn files(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut out: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    out.sort();
    out
}
