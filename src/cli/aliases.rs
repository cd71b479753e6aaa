//! `kosearch aliases`: the aliases the index mined from parenthetical definitions.

use std::io::Write;
use std::process::ExitCode;

use super::IndexArg;
use crate::index::aliases;

/// Arguments of `kosearch aliases`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    index: IndexArg,
    /// One JSON object per alias (`term`, `alias`, `count`, `kind`, `sources`, and the
    /// analysed terms of each side, `term_key` and `alias_key`).
    #[arg(long)]
    json: bool,
}

/// Runs `kosearch aliases`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let path = args.index.path();
    if !crate::index::KoIndex::exists(&path) {
        return Err(crate::Error::NoIndex(path).into());
    }
    let list = aliases::load(&path)?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    for a in &list {
        if args.json {
            serde_json::to_writer(&mut out, a)?;
            writeln!(out)?;
        } else {
            writeln!(
                out,
                "{} = {}\t{} article{}\t{}\t{}",
                a.term,
                a.alias,
                a.count,
                if a.count == 1 { "" } else { "s" },
                serde_json::to_value(a.kind)?.as_str().unwrap_or_default(),
                a.sources.join(", ")
            )?;
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}
