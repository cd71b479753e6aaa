//! `kosearch check`: verify an index — what built it, every file's checksum, and that every
//! article's passages and manifest record are all there.

use std::process::ExitCode;
use std::sync::Arc;

use super::IndexArg;
use crate::dictionary::KoDictionary;
use crate::index::KoIndex;

/// Arguments of `kosearch check`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    index: IndexArg,
    /// Also print every passage as `article<TAB>passage<TAB>text hash`, sorted (to compare
    /// two indexes of the same folders).
    #[arg(long)]
    list: bool,
}

/// Runs `kosearch check`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.index.path();
    let dict = Arc::new(KoDictionary::open_default()?);
    // Opening checks the schema, analyser and dictionary the index records.
    let ko = KoIndex::open(&path, dict)?;
    let mut problems: Vec<String> = Vec::new();
    match ko.index.validate_checksum() {
        Ok(bad) => {
            let mut bad: Vec<_> = bad.into_iter().collect();
            bad.sort();
            problems.extend(
                bad.iter()
                    .map(|f| format!("{}: checksum mismatch", f.display())),
            );
        }
        Err(e) => problems.push(crate::Error::tantivy(&path, e).to_string()),
    }
    let inventory = if problems.is_empty() {
        match ko.inventory() {
            Ok(inv) => {
                problems.extend(inv.problems());
                Some(inv)
            }
            Err(e) => {
                problems.push(e.to_string());
                None
            }
        }
    } else {
        None
    };
    if let Err(e) = crate::index::aliases::load(&path) {
        problems.push(e.to_string());
    }
    if problems.is_empty() {
        let inv = inventory.unwrap_or_default();
        if args.list {
            use std::io::Write;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for p in &inv.passages {
                writeln!(out, "{}\t{}\t{}", p.article, p.passage, p.text_hash)?;
            }
            out.flush()?;
            return Ok(ExitCode::SUCCESS);
        }
        println!(
            "{}: ok: {} passages of {} files; checksums match; every article whole",
            path.display(),
            inv.passages.len(),
            inv.files.len()
        );
        return Ok(ExitCode::SUCCESS);
    }
    for p in &problems {
        eprintln!("kosearch: {}: {p}", path.display());
    }
    eprintln!(
        "kosearch: {} is damaged; rebuild it with `kosearch index --rebuild <FOLDER>...`",
        path.display()
    );
    Ok(ExitCode::from(super::EXIT_ERROR))
}
