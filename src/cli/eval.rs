//! `kosearch eval`: score a TREC run against qrels.

use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;

use crate::search::eval;

/// Arguments of `kosearch eval`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Relevance judgements, TREC qrels: `query-id 0 doc-id grade` per line.
    #[arg(long, value_name = "FILE")]
    qrels: PathBuf,
    /// The ranking to score, a TREC run (`kosearch search --batch … --trec`).
    #[arg(long, value_name = "FILE")]
    run: PathBuf,
    /// Print the figures as one JSON object.
    #[arg(long)]
    json: bool,
}

/// Runs `kosearch eval`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let read = |p: &PathBuf| {
        std::fs::read_to_string(p).with_context(|| format!("{}: cannot read", p.display()))
    };
    let qrels = eval::parse_qrels(&read(&args.qrels)?).map_err(|(line, why)| {
        anyhow::anyhow!("--qrels {}, line {line}: {why}", args.qrels.display())
    })?;
    let run = eval::parse_run(&read(&args.run)?).map_err(|(line, why)| {
        anyhow::anyhow!("--run {}, line {line}: {why}", args.run.display())
    })?;
    let m = eval::evaluate(&qrels, &run);
    if args.json {
        println!("{}", serde_json::to_string(&m)?);
    } else {
        println!(
            "queries {}  R@1 {:.4}  R@5 {:.4}  R@10 {:.4}  MRR@10 {:.4}  nDCG@10 {:.4}",
            m.queries, m.recall_at_1, m.recall_at_5, m.recall_at_10, m.mrr_at_10, m.ndcg_at_10
        );
    }
    Ok(ExitCode::SUCCESS)
}
