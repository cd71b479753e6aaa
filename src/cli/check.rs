//! `kosearch check`: verify an index — what built it, every file's checksum, and that every
//! article's passages and manifest record are all there.

use std::process::ExitCode;

use super::IndexArg;

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
    // Every file's checksum is checked below, and reported as a list.
    let ko = super::open::index(&path, super::open::Verify::Nothing)?;
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
    // Not damage, but worth knowing: space held by files no commit uses, and deleted
    // passages still taking room in segments.
    let mut notes: Vec<String> = Vec::new();
    if let Ok(files) = ko.segment_files()
        && !files.orphans.is_empty()
    {
        notes.push(format!(
            "{} files ({:.1} MB) left by a run that was stopped or failed; the next \
             `kosearch index` removes them",
            files.orphans.len(),
            files.orphans.iter().map(|f| f.size).sum::<u64>() as f64 / 1e6
        ));
    }
    if let Ok(metas) = ko.index.searchable_segment_metas() {
        let deleted: u64 = metas.iter().map(|m| u64::from(m.num_deleted_docs())).sum();
        let all: u64 = metas.iter().map(|m| u64::from(m.max_doc())).sum();
        if deleted > 0 {
            notes.push(format!(
                "{} segments; {deleted} of {all} documents ({:.1} %) are deleted and still \
                 take room (a segment over 10 % is rewritten by the next `kosearch index`)",
                metas.len(),
                deleted as f64 * 100.0 / all.max(1) as f64
            ));
        }
    }
    for n in &notes {
        eprintln!("kosearch: {}: note: {n}", path.display());
    }
    if problems.is_empty() {
        let inv = inventory.unwrap_or_default();
        if args.list {
            use std::io::Write;
            let mut out = std::io::BufWriter::new(std::io::stdout().lock());
            for p in &inv.passages {
                let article = super::printable(&p.article);
                writeln!(out, "{article}\t{}\t{}", p.passage, p.text_hash)?;
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
