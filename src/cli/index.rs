//! `kosearch index`: build or update an index from folders of articles.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::Duration;

use anyhow::{Context, bail};

use super::{AnalysisArgs, IndexArg};
use crate::error::Error;
use crate::index::KoIndex;
use crate::index::compat::Settings;
use crate::index::update::{self, Event, Failure, Remedy, Summary, UpdateOptions};
use crate::ingest::Format;
use crate::ingest::decode::Encoding;
use crate::ingest::parse::FieldMap;
use crate::ingest::walk::WalkOptions;
use crate::passage::PassageOptions;

/// Arguments of `kosearch index`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Folders (or files) to index. Files already indexed from these folders and gone now are
    /// removed from the index; other folders in the same index are left alone.
    #[arg(required = true, value_name = "DIR")]
    dirs: Vec<PathBuf>,
    #[command(flatten)]
    index: IndexArg,
    /// Delete the index and build it again from these folders (after a schema, dictionary or
    /// user dictionary change, or to recover a damaged index).
    #[arg(long)]
    rebuild: bool,
    /// Extensions to read, comma-separated.
    #[arg(
        long,
        value_delimiter = ',',
        value_name = "EXTS",
        default_values_t = Format::DEFAULT_EXTENSIONS.map(String::from)
    )]
    ext: Vec<String>,
    /// Decode every file with this encoding instead of detecting it: utf-8, utf-16le,
    /// utf-16be, cp949, euc-kr, iso-2022-kr, johab.
    #[arg(long, value_name = "NAME")]
    encoding: Option<String>,
    /// Follow symbolic links (never to places outside the folders given; a link back to a
    /// folder that holds it is skipped and listed).
    #[arg(long)]
    follow_links: bool,
    /// Read hidden files and folders too.
    #[arg(long)]
    hidden: bool,
    /// Skip files larger than this (bytes, or with K, M, G).
    #[arg(long, value_name = "SIZE", default_value = "256M")]
    max_size: String,
    /// Threads for reading and parsing (analysis uses as many more inside the index writer).
    #[arg(long, short = 'j', value_name = "N")]
    jobs: Option<usize>,
    /// JSON field names, e.g. `--field title=headline,subject` (keys: id, title, text, date,
    /// url, source, author). Recorded in the index.
    #[arg(long = "field", value_name = "KEY=NAMES")]
    fields: Vec<String>,
    /// Passages take in following paragraphs until they have this many characters.
    #[arg(long, value_name = "CHARS")]
    passage_min: Option<usize>,
    /// No passage is longer than this many characters.
    #[arg(long, value_name = "CHARS")]
    passage_max: Option<usize>,
    /// Commit at least this often (seconds); a run that is stopped loses at most this much
    /// work, and a commit is never made in the middle of a file.
    #[arg(long, value_name = "SECONDS", default_value_t = 20.0)]
    commit_every: f64,
    /// If another `kosearch index` holds the index, wait for it instead of failing.
    #[arg(long)]
    wait: bool,
    /// Print the summary as JSON.
    #[arg(long)]
    json: bool,
    /// Show the progress bar even when standard error is not a terminal.
    #[arg(long, conflicts_with = "quiet")]
    progress: bool,
    /// No progress bar and no list of skipped files.
    #[arg(long, short)]
    quiet: bool,
    #[command(flatten)]
    analysis: AnalysisArgs,
}

/// How long a run may take to stop after Ctrl-C or SIGTERM before it is ended at once.
const STOP_GRACE: Duration = Duration::from_secs(5);

/// Parses `256M`, `2G`, `1000`.
fn parse_size(s: &str) -> anyhow::Result<u64> {
    let s = s.trim();
    let (num, mult) = match s.chars().last().map(|c| c.to_ascii_uppercase()) {
        Some('K') => (&s[..s.len() - 1], 1u64 << 10),
        Some('M') => (&s[..s.len() - 1], 1 << 20),
        Some('G') => (&s[..s.len() - 1], 1 << 30),
        _ => (s, 1),
    };
    let n: u64 = num
        .trim()
        .parse()
        .with_context(|| format!("--max-size {s}: expected a number of bytes, or with K, M, G"))?;
    Ok(n.saturating_mul(mult))
}

/// Checks `--commit-every`.
fn commit_interval(seconds: f64) -> anyhow::Result<Duration> {
    if !(0.0..=1e9).contains(&seconds) {
        bail!("--commit-every {seconds}: expected a number of seconds, 0 or more");
    }
    Ok(Duration::from_secs_f64(seconds))
}

/// The encoding `--encoding` names, if given.
pub(super) fn encoding_arg(name: Option<&str>) -> anyhow::Result<Option<Encoding>> {
    let Some(name) = name else { return Ok(None) };
    let encoding = Encoding::from_name(name).with_context(|| {
        format!(
            "--encoding {name}: unknown encoding (one of {})",
            Encoding::NAMES.join(", ")
        )
    })?;
    Ok(Some(encoding))
}

/// The JSON field names that `--field` options give.
pub(super) fn field_map(specs: &[String]) -> anyhow::Result<FieldMap> {
    let mut fields = FieldMap::default();
    for spec in specs {
        fields
            .set_spec(spec)
            .map_err(|e| anyhow::anyhow!("--field {spec}: {e}"))?;
    }
    Ok(fields)
}

/// Runs `kosearch index`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    for dir in &args.dirs {
        if !dir.exists() {
            bail!("{}: no such file or folder", dir.display());
        }
    }
    let encoding = encoding_arg(args.encoding.as_deref())?;
    let fields = field_map(&args.fields)?;
    let defaults = PassageOptions::default();
    let passages = PassageOptions {
        min_chars: args.passage_min.unwrap_or(defaults.min_chars),
        max_chars: args.passage_max.unwrap_or(defaults.max_chars),
    };
    passages
        .validate()
        .map_err(|e| anyhow::anyhow!("--passage-min/--passage-max: {e}"))?;
    let settings = Settings {
        analyzer: args.analysis.config(),
        passages,
        fields,
        user_dictionary: args.analysis.explicit_user_dictionary(),
        analysis_given: args.analysis.keep_pos.is_some() || args.analysis.no_decompound,
        passages_given: args.passage_min.is_some() || args.passage_max.is_some(),
        fields_given: !args.fields.is_empty(),
    };

    let path = args.index.path();
    let dict = super::open::dictionary()?;
    if args.rebuild && path.exists() {
        remove_index(&path)?;
    }
    let ko = KoIndex::open_or_create(&path, dict, &settings)?;

    let options = UpdateOptions {
        walk: WalkOptions {
            extensions: args
                .ext
                .iter()
                .map(|e| e.trim().trim_start_matches('.').to_ascii_lowercase())
                .collect(),
            follow_links: args.follow_links,
            max_size: parse_size(&args.max_size)?,
            hidden: args.hidden,
        },
        encoding,
        commit_every: commit_interval(args.commit_every)?,
        jobs: args
            .jobs
            .unwrap_or_else(|| UpdateOptions::default().jobs)
            .max(1),
        ..UpdateOptions::default()
    };

    let cancel = Arc::new(AtomicBool::new(false));
    {
        let cancel = cancel.clone();
        // Ctrl-C, SIGTERM or SIGHUP stop the run at the next file (or at the next entry of
        // the walk, before anything is written); a second one ends the process at once, and
        // so does the first if the run has not stopped within STOP_GRACE (a file that takes
        // long to read, a stalled disk). The last commit is intact either way. A process
        // started with SIGINT ignored (a background job of a script, nohup) keeps ignoring
        // them.
        let _ = ctrlc::set_handler(move || {
            if cancel.swap(true, Ordering::SeqCst) {
                std::process::exit(130);
            }
            std::thread::spawn(|| {
                std::thread::sleep(STOP_GRACE);
                eprintln!(
                    "kosearch: interrupted: stopping took longer than {} s, ended at once; \
                     the work committed so far is kept",
                    STOP_GRACE.as_secs()
                );
                std::process::exit(130);
            });
        });
    }
    let show_bar = !args.quiet && (args.progress || std::io::stderr().is_terminal());
    let mut bar = show_bar.then(super::progress::Bar::new);
    let mut on_event = |e: Event| {
        if let Some(bar) = bar.as_mut() {
            bar.event(&e);
        }
    };
    let summary = loop {
        match update::update(&ko, &args.dirs, &options, &cancel, &mut on_event) {
            Err(Error::IndexBusy(_)) if args.wait => std::thread::sleep(Duration::from_millis(250)),
            other => break other?,
        }
    };
    if let Some(bar) = bar {
        bar.finish();
    }
    report(&args, &ko, &summary)?;
    Ok(if summary.interrupted {
        ExitCode::from(130)
    } else if summary.failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_ERROR)
    })
}

/// Deletes an index folder, refusing folders that are not kosearch indexes.
fn remove_index(path: &std::path::Path) -> anyhow::Result<()> {
    let is_index = path.join(crate::index::CONFIG_FILE).exists() || path.join("meta.json").exists();
    let empty = std::fs::read_dir(path)
        .map(|mut d| d.next().is_none())
        .unwrap_or(false);
    if !is_index && !empty {
        bail!(
            "--rebuild: {} is not a kosearch index; refusing to delete it",
            path.display()
        );
    }
    std::fs::remove_dir_all(path).with_context(|| format!("--rebuild: removing {}", path.display()))
}

/// The option that would let another run read the file, as a suffix to its reason.
fn remedy(f: &Failure) -> String {
    match f.remedy {
        Some(Remedy::Encoding(e)) => format!(": decode it with --encoding {}", e.name()),
        Some(Remedy::MaxSize) => " (--max-size)".into(),
        Some(Remedy::FollowLinks) => " (--follow-links)".into(),
        None => String::new(),
    }
}

fn report(args: &Args, ko: &KoIndex, s: &Summary) -> anyhow::Result<()> {
    use std::io::Write;
    let mut err = std::io::stderr().lock();
    for f in &s.failed {
        let path = super::shown_path(&f.path);
        writeln!(err, "kosearch: failed: {path}: {}{}", f.reason, remedy(f))?;
    }
    for f in &s.record_problems {
        let path = super::shown_path(&f.path);
        writeln!(err, "kosearch: record left out: {path}: {}", f.reason)?;
    }
    if !args.quiet {
        for f in &s.skipped_listed {
            let path = super::shown_path(&f.path);
            writeln!(err, "kosearch: skipped: {path}: {}{}", f.reason, remedy(f))?;
        }
    }
    if s.interrupted {
        writeln!(
            err,
            "kosearch: interrupted: the work committed so far is kept; run the same \
             `kosearch index` again to finish"
        )?;
    }
    let mut out = std::io::stdout().lock();
    if args.json {
        #[derive(serde::Serialize)]
        struct JsonSummary<'a> {
            index: &'a std::path::Path,
            #[serde(flatten)]
            summary: &'a Summary,
            mb_per_s: f64,
        }
        serde_json::to_writer(
            &mut out,
            &JsonSummary {
                index: &ko.path,
                summary: s,
                mb_per_s: s.bytes_read as f64 / 1e6 / s.seconds.max(1e-9),
            },
        )?;
        writeln!(out)?;
        return Ok(());
    }
    let skipped: Vec<String> = s.skipped.iter().map(|(k, v)| format!("{v} {k}")).collect();
    writeln!(
        out,
        "{}: {} files: {} new, {} changed, {} removed, {} unchanged, {} failed{}",
        ko.path.display(),
        s.files,
        s.new,
        s.changed,
        s.removed,
        s.unchanged,
        s.failed.len(),
        if skipped.is_empty() {
            String::new()
        } else {
            format!("; skipped {}", skipped.join(", "))
        }
    )?;
    writeln!(
        out,
        "{} articles, {} passages indexed from {:.1} MB in {:.1} s ({:.1} MB/s){}",
        s.articles,
        s.passages,
        s.bytes_read as f64 / 1e6,
        s.seconds,
        s.bytes_read as f64 / 1e6 / s.seconds.max(1e-9),
        if s.interrupted {
            "; interrupted, the work committed so far is kept"
        } else {
            ""
        }
    )?;
    Ok(())
}
