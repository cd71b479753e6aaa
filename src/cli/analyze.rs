//! `kosearch analyze`: every morpheme of a text, for checking what the index will hold.

use std::io::{self, BufRead, BufWriter, Write};
use std::process::ExitCode;

use anyhow::Context;
use serde::Serialize;

use super::AnalysisArgs;
use crate::analysis::{Analyzer, Scratch, TokenKind, TokenRef};

/// Arguments of `kosearch analyze`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Text to analyse. Without it, standard input is read and each line analysed in turn.
    text: Option<String>,
    /// One JSON object per token: line, surface, pos, start, end (byte offsets in the line),
    /// position, position_length, indexed, term, kind (morpheme | part).
    #[arg(long)]
    json: bool,
    #[command(flatten)]
    analysis: AnalysisArgs,
}

/// One token as `--json` prints it.
#[derive(Debug, Serialize)]
struct JsonToken<'a> {
    line: usize,
    surface: &'a str,
    pos: &'a str,
    start: usize,
    end: usize,
    position: usize,
    position_length: usize,
    indexed: bool,
    term: Option<&'a str>,
    kind: TokenKind,
}

/// Runs `kosearch analyze`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let analyzer = Analyzer::new(super::open::dictionary()?, args.analysis.config())?;
    let mut scratch = Scratch::default();
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    match &args.text {
        Some(text) => print_tokens(&analyzer, &mut scratch, 1, text, args.json, &mut out)?,
        None => {
            let stdin = io::stdin();
            let mut input = stdin.lock();
            let mut buf = Vec::new();
            let mut line_no = 0;
            loop {
                buf.clear();
                let n = input
                    .read_until(b'\n', &mut buf)
                    .context("reading standard input")?;
                if n == 0 {
                    break;
                }
                line_no += 1;
                while buf.last().is_some_and(|&b| b == b'\n' || b == b'\r') {
                    buf.pop();
                }
                let line = std::str::from_utf8(&buf)
                    .with_context(|| format!("standard input, line {line_no}: not valid UTF-8"))?;
                print_tokens(&analyzer, &mut scratch, line_no, line, args.json, &mut out)?;
            }
        }
    }
    out.flush()?;
    Ok(ExitCode::SUCCESS)
}

fn print_tokens(
    analyzer: &Analyzer,
    scratch: &mut Scratch,
    line: usize,
    text: &str,
    json: bool,
    out: &mut impl Write,
) -> anyhow::Result<()> {
    let mut result = Ok(());
    analyzer.analyze(text, scratch, |t: &TokenRef<'_>| {
        if result.is_err() {
            return;
        }
        result = if json {
            let token = JsonToken {
                line,
                surface: t.surface,
                pos: t.pos,
                start: t.start,
                end: t.end,
                position: t.position,
                position_length: t.position_length,
                indexed: t.indexed,
                term: t.indexed.then_some(t.term),
                kind: t.kind,
            };
            serde_json::to_writer(&mut *out, &token)
                .map_err(io::Error::from)
                .and_then(|_| out.write_all(b"\n"))
        } else {
            let indent = if t.kind == TokenKind::Part { "  " } else { "" };
            writeln!(
                out,
                "{line}\t{indent}{}\t{}\t{}..{}\t{}\t{}",
                t.surface,
                t.pos,
                t.start,
                t.end,
                t.position,
                if t.indexed { t.term } else { "-" }
            )
        };
    });
    Ok(result?)
}
