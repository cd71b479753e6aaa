//! `kosearch search`: ranked passages, for a reader (terminal) or a script (`--json`).

use std::io::{IsTerminal, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::{Context, bail};
use serde::Serialize;

use crate::export::JsonHit;

use super::IndexArg;
use crate::search::{Hit, SearchOptions, Searcher, query, snippet};

/// Characters of passage text shown per hit (about two lines).
const SNIPPET_CHARS: usize = 160;

/// When to colour the output.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ColorChoice {
    /// On a terminal, unless `NO_COLOR` is set.
    Auto,
    /// Always.
    Always,
    /// Never (matches are marked with `**` instead).
    Never,
}

/// Arguments of `kosearch search`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query: words (analysed like the text), "a phrase", -word, +word, OR, AND,
    /// parentheses, title:, source:, author:, path:. Quote a query that holds -word or
    /// quotes (`kosearch search '파인튜닝 -LoRA'`), or put it after `--`.
    #[arg(required_unless_present = "batch", value_name = "QUERY")]
    query: Vec<String>,
    /// Run every query of a file (`id<TAB>query` per line) instead; a query that does not
    /// parse is read as plain words.
    #[arg(long, value_name = "FILE", conflicts_with = "query")]
    batch: Option<PathBuf>,
    /// Print a TREC run (`query-id Q0 doc-id rank score kosearch`, one line per article
    /// id, best passage first) instead of hits; for `kosearch eval`.
    #[arg(long)]
    trec: bool,
    #[command(flatten)]
    index: IndexArg,
    #[command(flatten)]
    verify: super::VerifyArg,
    #[command(flatten)]
    expand: super::ExpandArgs,
    /// Hits to show.
    #[arg(short = 'n', long, default_value_t = 10, value_name = "N")]
    limit: usize,
    /// Hits to skip (for the next page).
    #[arg(long, default_value_t = 0, value_name = "N")]
    offset: usize,
    #[command(flatten)]
    filter: super::filter::FilterArgs,
    /// One JSON object per hit (JSON Lines); fields in the README.
    #[arg(long)]
    json: bool,
    /// Show how the query was understood: the terms looked up, every expansion (synonym or
    /// mined alias) with its weight, the pairs of neighbouring terms scored for proximity,
    /// the character bigrams, and the bigrams that stand in for words the index lacks; on
    /// stderr.
    #[arg(long)]
    explain: bool,
    /// Rank articles, not passages: each article once, at its best passage.
    #[arg(long, conflicts_with = "per_article")]
    articles: bool,
    /// Colour matches.
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    /// Print the query for a cluster loaded from `kosearch export --to` instead of searching:
    /// `opensearch`, the body of a `_search` request (query DSL, page, order); `quickwit`,
    /// the query string. With --batch, one `query-id<TAB>query` line per query.
    #[arg(long, value_enum, value_name = "ENGINE", conflicts_with_all = ["trec", "json", "explain"])]
    to: Option<Engine>,
}

/// Engines `--to` writes a query for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Engine {
    /// OpenSearch or Elasticsearch: a `_search` request body.
    Opensearch,
    /// Quickwit: a query string.
    Quickwit,
}

/// The query of `compiled` for `engine` (`--to`), on one line.
fn foreign_query(
    engine: Engine,
    compiled: &crate::search::Compiled,
    searcher: &Searcher,
    options: &SearchOptions,
) -> anyhow::Result<String> {
    use crate::export::dsl;
    let fields = &searcher.index().fields;
    match engine {
        Engine::Opensearch => {
            if options.per_article.is_some_and(|n| n > 1) {
                bail!(
                    "--to opensearch: --per-article above 1 has no equivalent (collapse keeps one passage per article)"
                );
            }
            Ok(serde_json::to_string(&dsl::opensearch_body(
                &compiled.plan,
                fields,
                options,
            ))?)
        }
        Engine::Quickwit => dsl::quickwit(&compiled.plan, fields, options)
            .context("--to quickwit: the query has nothing that matches on its own"),
    }
}

/// Runs `kosearch search`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let mut options = args.filter.resolve(args.limit, args.offset)?;
    if args.articles {
        options.per_article = Some(1);
    }
    options.highlights = !args.trec;
    let text = args.query.join(" ");
    let node = match &args.batch {
        Some(_) => None,
        None => match query::parse(&text) {
            Ok(n) => Some(args.filter.restrict(n)),
            Err(e) => bail!("query: {e}\n{}", e.pointer(&text)),
        },
    };
    // Not torn down: the process ends after this search, and freeing the readers and
    // unmapping the index's files one by one costs more than the exit does.
    let searcher = std::mem::ManuallyDrop::new(super::open::searcher(
        &args.index,
        &args.verify,
        &args.expand,
    )?);
    if let Some(batch) = &args.batch {
        return run_batch(&args, batch, &searcher, &options);
    }
    let node = node.context("no query")?;
    let Some(compiled) = searcher.compile(&node) else {
        // Not an error: the words are real, the index just keeps none of their kind.
        eprintln!(
            "kosearch: no word of {text:?} is indexed (particles, endings and adverbs are not)"
        );
        return Ok(exit_for(false));
    };
    if args.explain {
        explain(&compiled);
    }
    if let Some(engine) = args.to {
        println!("{}", foreign_query(engine, &compiled, &searcher, &options)?);
        return Ok(ExitCode::SUCCESS);
    }
    let results = searcher
        .run(&compiled, &options)
        .with_context(|| format!("query {text:?}"))?;
    if args.trec {
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        write_trec(&mut out, "query", &results.hits)?;
        out.flush()?;
        return Ok(exit_for(!results.hits.is_empty()));
    }

    let stdout = std::io::stdout();
    let color = match args.color {
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => {
            stdout.is_terminal() && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
        }
    };
    let mut out = std::io::BufWriter::new(stdout.lock());
    if args.json {
        for hit in &results.hits {
            serde_json::to_writer(&mut out, &JsonHit::from(hit))?;
            writeln!(out)?;
        }
    } else {
        for hit in &results.hits {
            print_hit(&mut out, hit, color)?;
        }
        if results.hits.is_empty() {
            writeln!(out, "no passage matches {text:?}")?;
        } else {
            writeln!(
                out,
                "{}–{} of {} passages",
                options.offset + 1,
                options.offset + results.hits.len(),
                results.total
            )?;
        }
    }
    out.flush()?;
    Ok(exit_for(!results.hits.is_empty()))
}

/// `--explain`: the terms, expansions, pairs, bigrams and unknown words, on stderr.
fn explain(compiled: &crate::search::Compiled) {
    let terms: Vec<&str> = compiled.terms.iter().map(String::as_str).collect();
    eprintln!("kosearch: terms looked up: {}", terms.join(", "));
    if compiled.expansions.is_empty() {
        eprintln!("kosearch: no expansion");
    }
    for (word, to) in &compiled.expansions {
        eprintln!(
            "kosearch: expanded {word} → {to} (weight {})",
            crate::search::EXPANSION_WEIGHT
        );
    }
    if !compiled.pairs.is_empty() {
        let pairs: Vec<String> = compiled
            .pairs
            .iter()
            .map(|(a, b)| format!("{a} {b}"))
            .collect();
        eprintln!(
            "kosearch: nearby pairs (weight {}): {}",
            crate::search::PAIR_WEIGHT,
            pairs.join(", ")
        );
    }
    if !compiled.bigrams.is_empty() {
        eprintln!(
            "kosearch: character bigrams (weight {}): {}",
            crate::search::BIGRAM_WEIGHT,
            compiled.bigrams.join(", ")
        );
    }
    for (word, grams) in &compiled.unknown {
        eprintln!(
            "kosearch: {word} is not in the index: looked up by its bigrams {}",
            grams.join(", ")
        );
    }
}

fn exit_for(found: bool) -> ExitCode {
    if found {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_NO_HITS)
    }
}

/// TREC run lines for one query: one per article id, at its best passage's rank.
fn write_trec(out: &mut impl Write, qid: &str, hits: &[Hit]) -> std::io::Result<()> {
    let mut seen = std::collections::HashSet::new();
    let mut rank = 0;
    for h in hits {
        if seen.insert(h.id.as_str()) {
            rank += 1;
            writeln!(out, "{qid} Q0 {} {rank} {:.4} kosearch", h.id, h.score)?;
        }
    }
    Ok(())
}

/// A `--batch` hit in JSON: the query id, then the hit's fields.
#[derive(Serialize)]
struct BatchHit<'a> {
    query_id: &'a str,
    #[serde(flatten)]
    hit: JsonHit<'a>,
}

fn run_batch(
    args: &Args,
    batch: &std::path::Path,
    searcher: &Searcher,
    options: &SearchOptions,
) -> anyhow::Result<ExitCode> {
    let text = std::fs::read_to_string(batch)
        .with_context(|| format!("--batch {}: cannot read", batch.display()))?;
    let mut out = std::io::BufWriter::new(std::io::stdout().lock());
    let mut any = false;
    for (i, line) in text.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let Some((qid, q)) = line.split_once('\t') else {
            bail!(
                "--batch {}, line {}: expected query-id<TAB>query",
                batch.display(),
                i + 1
            );
        };
        let qid = qid.trim();
        let node = query::parse_or_plain(q).map(|n| args.filter.restrict(n));
        if let Some(engine) = args.to {
            // A query with no indexed word has no foreign query either: left out.
            if let Some(compiled) = node.ok().and_then(|n| searcher.compile(&n)) {
                writeln!(
                    out,
                    "{qid}\t{}",
                    foreign_query(engine, &compiled, searcher, options)?
                )?;
                any = true;
            }
            continue;
        }
        let hits = match node.ok().and_then(|n| searcher.compile(&n)) {
            Some(compiled) => searcher.run(&compiled, options)?.hits,
            None => Vec::new(),
        };
        any |= !hits.is_empty();
        if args.trec {
            write_trec(&mut out, qid, &hits)?;
        } else {
            for hit in &hits {
                serde_json::to_writer(
                    &mut out,
                    &BatchHit {
                        query_id: qid,
                        hit: JsonHit::from(hit),
                    },
                )?;
                writeln!(out)?;
            }
        }
    }
    out.flush()?;
    Ok(exit_for(any))
}

fn print_hit(out: &mut impl Write, hit: &Hit, color: bool) -> std::io::Result<()> {
    let (bold, dim, mark, reset) = if color {
        ("\x1b[1m", "\x1b[2m", "\x1b[1;31m", "\x1b[0m")
    } else {
        ("", "", "**", "")
    };
    let meta: Vec<&str> = [
        hit.date.as_deref(),
        hit.source.as_deref(),
        hit.author.as_deref(),
    ]
    .into_iter()
    .flatten()
    .collect();
    writeln!(
        out,
        "{bold}{}. {}{reset}  {dim}{:.2}{}{reset}",
        hit.rank,
        hit.title,
        hit.score,
        if meta.is_empty() {
            String::new()
        } else {
            format!(" · {}", meta.join(" · "))
        }
    )?;
    let page = hit.page.map(|p| format!(" · p. {p}")).unwrap_or_default();
    writeln!(
        out,
        "   {dim}{}{page} · passage {}/{}{reset}",
        super::printable(&hit.path),
        hit.passage + 1,
        hit.passages
    )?;
    let (start, end) = snippet::window(&hit.text, &hit.highlights, SNIPPET_CHARS);
    let mut line = String::new();
    if start > 0 {
        line.push('…');
    }
    let mut at = start;
    let close = if color { reset } else { mark };
    for &(s, e) in &hit.highlights {
        if e <= start || s >= end {
            continue;
        }
        let (s, e) = (s.max(start), e.min(end));
        line.push_str(&hit.text[at..s]);
        line.push_str(mark);
        line.push_str(&hit.text[s..e]);
        line.push_str(close);
        at = e;
    }
    line.push_str(&hit.text[at..end]);
    if end < hit.text.len() {
        line.push('…');
    }
    let line: String = line
        .chars()
        .map(|c| if c == '\n' || c == '\r' { ' ' } else { c })
        .collect();
    writeln!(out, "   {line}")?;
    writeln!(out)
}
