//! `kosearch export`: every hit of a query, with all its metadata, to JSON Lines, CSV or JSON;
//! or, with `--to opensearch|quickwit DIR`, the hits of a query or every passage (`--all`)
//! as files a cluster loads ([`crate::export::cluster`]).
//!
//! Hits are written one at a time as they are read from the index, so an export of 100,000
//! passages holds only their ranking keys in memory. A file is written under a temporary
//! name beside the target and renamed into place when complete: an interrupted export leaves
//! no half file under the final name, and an existing file is replaced only with `--force`,
//! keeping its mode and owner; a new file follows the umask. A symbolic link given as the
//! output stays a link: the file it points to is replaced. A device or a FIFO is written as
//! it is.

use std::io::Write;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use super::IndexArg;
use crate::export::Writer;
use crate::search::query;
use anyhow::{Context, bail};

/// Output formats (`crate::export::Format`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values, quoted where needed, a header row first.
    Csv,
    /// One JSON array.
    Json,
}

/// Arguments of `kosearch export`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// The query, as for `kosearch search`.
    #[arg(required_unless_present = "all", value_name = "QUERY")]
    query: Vec<String>,
    /// Where to write: a file, `-` for standard output, or a device or FIFO (written as it
    /// is).
    #[arg(
        short,
        long,
        value_name = "FILE",
        required_unless_present = "to",
        conflicts_with = "to"
    )]
    output: Option<PathBuf>,
    /// Write files a cluster loads into the folder DIR (new, empty, or holding an earlier
    /// export): `opensearch` (index.json, bulk-NNNN.ndjson, load.sh) or `quickwit`
    /// (quickwit-index.yaml, docs-NNNN.ndjson). See SCALE.md.
    #[arg(long, num_args = 2, value_names = ["TARGET", "DIR"])]
    to: Option<Vec<String>>,
    /// With --to: every passage of the index, instead of a query's hits.
    #[arg(long, requires = "to", conflicts_with = "query")]
    all: bool,
    /// With --to: update the export in DIR: only new and changed passages, and deletions of
    /// those gone since (OpenSearch).
    #[arg(long, requires = "to")]
    since_export: bool,
    /// With --to: the cluster's index name.
    #[arg(long, default_value = "kosearch", value_name = "NAME", requires = "to")]
    index_name: String,
    /// With --to opensearch: primary shards.
    #[arg(long, default_value_t = 1, value_name = "N", requires = "to")]
    shards: u32,
    /// With --to opensearch: replicas of each shard.
    #[arg(long, default_value_t = 1, value_name = "N", requires = "to")]
    replicas: u32,
    /// With --to: the largest data file, in bytes (for tests).
    #[arg(long, hide = true, default_value_t = crate::export::cluster::MAX_FILE_BYTES, requires = "to")]
    max_file_bytes: u64,
    /// Output format [default: from the extension of --output (.jsonl/.ndjson, .csv, .json),
    /// else jsonl].
    #[arg(long, value_enum)]
    format: Option<Format>,
    /// Export at most N hits (default: all).
    #[arg(short = 'n', long, value_name = "N")]
    limit: Option<usize>,
    /// Replace the output file if it exists, keeping its mode and owner (through a symbolic
    /// link, the file it points to is replaced and the link kept); with --to, replace the
    /// export in DIR.
    #[arg(long)]
    force: bool,
    /// Start a CSV file with a UTF-8 byte-order mark, so that Excel shows Hangul.
    #[arg(long)]
    excel: bool,
    #[command(flatten)]
    filter: super::filter::FilterArgs,
    #[command(flatten)]
    index: IndexArg,
    #[command(flatten)]
    verify: super::VerifyArg,
    #[command(flatten)]
    expand: super::ExpandArgs,
}

/// Runs `kosearch export`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    if args.to.is_some() {
        return run_cluster(&args);
    }
    let output = args.output.clone().context("--output: missing")?;
    let text = args.query.join(" ");
    let node = match query::parse(&text) {
        Ok(n) => args.filter.restrict(n),
        Err(e) => bail!("query: {e}\n{}", e.pointer(&text)),
    };
    let destination = Destination::resolve(&output, args.force)?;
    let to_stdout = matches!(destination, Destination::Stdout);
    let format = match args.format {
        Some(Format::Jsonl) => crate::export::Format::Jsonl,
        Some(Format::Csv) => crate::export::Format::Csv,
        Some(Format::Json) => crate::export::Format::Json,
        None => crate::export::Format::for_path(&output),
    };
    if args.excel && format != crate::export::Format::Csv {
        bail!("--excel: only for CSV output");
    }
    // Every hit: `for_each` takes the limit.
    let options = args.filter.resolve(0, 0)?;
    let searcher = super::open::searcher(&args.index, &args.verify, &args.expand)?;
    let compiled = searcher.compile(&node);

    let export = |out: &mut dyn Write| -> anyhow::Result<usize> {
        let mut w = Writer::new(out, format, args.excel)?;
        let n = match &compiled {
            Some(c) => searcher.for_each(c, &options, args.limit, |h| {
                w.hit(&h).map_err(|e| crate::Error::io(&output, e))
            })?,
            None => 0,
        };
        w.finish()?.flush()?;
        Ok(n)
    };
    let count = match destination {
        Destination::Stdout => export(&mut std::io::BufWriter::new(std::io::stdout().lock()))?,
        Destination::Direct => {
            let file = std::fs::OpenOptions::new()
                .write(true)
                .open(&output)
                .with_context(|| format!("--output {}", output.display()))?;
            export(&mut std::io::BufWriter::new(file))
                .with_context(|| format!("--output {}", output.display()))?
        }
        Destination::File { target, replaces } => {
            let dir = match target.parent() {
                Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
                _ => PathBuf::from("."),
            };
            // Created as a new file would be (0666 less the umask), then given the mode and
            // owner of the file it replaces.
            let tmp = tempfile::Builder::new()
                .prefix(".kosearch-export-")
                .permissions(std::fs::Permissions::from_mode(0o666))
                .tempfile_in(&dir)
                .with_context(|| {
                    format!(
                        "--output {}: cannot write in {}",
                        output.display(),
                        dir.display()
                    )
                })?;
            let (file, tmp_path) = tmp.into_parts();
            if let Some(old) = &replaces {
                file.set_permissions(old.permissions())
                    .with_context(|| format!("--output {}", output.display()))?;
                // Only root may give a file away; anyone else keeps the file as theirs.
                let _ = std::os::unix::fs::fchown(&file, Some(old.uid()), Some(old.gid()));
            }
            let mut out = std::io::BufWriter::new(file);
            let n = export(&mut out)?;
            let file = out
                .into_inner()
                .map_err(|e| anyhow::anyhow!("--output {}: {}", output.display(), e.error()))?;
            file.sync_all()
                .with_context(|| format!("--output {}", output.display()))?;
            let persisted = if replaces.is_some() {
                tmp_path.persist(&target).map(|_| ())
            } else {
                tmp_path.persist_noclobber(&target).map(|_| ())
            };
            persisted.map_err(|e| {
                anyhow::anyhow!(
                    "--output {}: {}{}",
                    output.display(),
                    e.error,
                    if args.force {
                        ""
                    } else {
                        " (pass --force to replace an existing file)"
                    }
                )
            })?;
            n
        }
    };
    if !to_stdout {
        eprintln!("kosearch: {count} hits written to {}", output.display());
    }
    Ok(if count > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_NO_HITS)
    })
}

/// `kosearch export --to TARGET DIR`.
fn run_cluster(args: &Args) -> anyhow::Result<ExitCode> {
    use crate::export::cluster::{self, Passages};
    let [target, dir] = args.to.as_deref().unwrap_or_default() else {
        bail!("--to: expected a target and a folder: --to opensearch DIR");
    };
    let target = match target.to_ascii_lowercase().as_str() {
        "opensearch" | "elasticsearch" => cluster::Target::OpenSearch,
        "quickwit" => cluster::Target::Quickwit,
        other => bail!("--to {other}: expected opensearch (also for Elasticsearch) or quickwit"),
    };
    let dir = PathBuf::from(dir);
    if args.excel || args.format.is_some() || args.limit.is_some() {
        bail!("--to: --excel, --format and -n are for file exports (--output)");
    }
    if !args
        .index_name
        .chars()
        .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "-_".contains(c))
        || args.index_name.is_empty()
        || args.index_name.starts_with(['-', '_'])
    {
        bail!(
            "--index-name {:?}: lower-case letters, digits, '-' and '_', not first",
            args.index_name
        );
    }
    let f = &args.filter;
    if args.all
        && (f.per_article.is_some()
            || f.since.is_some()
            || f.until.is_some()
            || f.source.is_some()
            || f.author.is_some()
            || f.folder.is_some())
    {
        bail!("--all exports every passage; to narrow it, give a query instead");
    }
    let searcher = super::open::searcher(&args.index, &args.verify, &args.expand)?;
    let text = args.query.join(" ");
    let options = args.filter.resolve(0, 0)?;
    let compiled = if args.all {
        None
    } else {
        let node = match query::parse(&text) {
            Ok(n) => args.filter.restrict(n),
            Err(e) => bail!("query: {e}\n{}", e.pointer(&text)),
        };
        match searcher.compile(&node) {
            Some(c) => Some(c),
            None => {
                bail!("no word of {text:?} is indexed (particles, endings and adverbs are not)")
            }
        }
    };
    let passages = match &compiled {
        None => Passages::All,
        Some(c) => Passages::Query(c, &options),
    };
    let started = std::time::Instant::now();
    let summary = cluster::export(
        &searcher,
        passages,
        target,
        &dir,
        &cluster::Options {
            index_name: args.index_name.clone(),
            shards: args.shards,
            replicas: args.replicas,
            since_export: args.since_export,
            force: args.force,
            query: (!args.all).then(|| text.clone()),
            max_file_bytes: args.max_file_bytes.max(1),
        },
    )
    .with_context(|| format!("--to {}", dir.display()))?;
    let seconds = started.elapsed().as_secs_f64();
    eprintln!(
        "kosearch: {} passages ({} written, {} deletions) in {} file(s) in {} ({:.1} s, {:.1} MB/s of text)",
        summary.passages,
        summary.written,
        summary.deleted,
        summary.files.len(),
        dir.display(),
        seconds,
        summary.text_bytes as f64 / 1e6 / seconds.max(1e-9),
    );
    Ok(if summary.passages > 0 {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::EXIT_NO_HITS)
    })
}

/// Where an export goes.
#[derive(Debug)]
enum Destination {
    /// `-o -`.
    Stdout,
    /// A device or a FIFO (`/dev/null`, a named pipe): written as it is; nothing is replaced.
    Direct,
    /// A regular file, written under a temporary name beside `target` and renamed into place.
    File {
        /// The file to write: `--output`, or the file its symbolic link points to (the link
        /// stays a link).
        target: PathBuf,
        /// The metadata of the file it replaces (`--force`): its mode and owner are kept.
        replaces: Option<std::fs::Metadata>,
    },
}

impl Destination {
    fn resolve(output: &Path, force: bool) -> anyhow::Result<Destination> {
        use std::os::unix::fs::FileTypeExt;
        if output.as_os_str() == "-" {
            return Ok(Destination::Stdout);
        }
        let shown = output.display();
        let target = match std::fs::symlink_metadata(output) {
            Ok(m) if m.file_type().is_symlink() => {
                std::fs::canonicalize(output).with_context(|| {
                    format!("--output {shown}: a symbolic link to a missing file or folder")
                })?
            }
            Ok(_) => output.to_path_buf(),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Destination::File {
                    target: output.to_path_buf(),
                    replaces: None,
                });
            }
            Err(e) => return Err(e).with_context(|| format!("--output {shown}")),
        };
        let meta = std::fs::metadata(&target).with_context(|| format!("--output {shown}"))?;
        let kind = meta.file_type();
        if kind.is_dir() {
            bail!("--output {shown}: is a folder; give a file name");
        }
        if kind.is_char_device() || kind.is_block_device() || kind.is_fifo() {
            return Ok(Destination::Direct);
        }
        if !kind.is_file() {
            bail!("--output {shown}: not a regular file, a device or a FIFO; refusing to write");
        }
        if !force {
            bail!("--output {shown}: the file exists; pass --force to replace it");
        }
        Ok(Destination::File {
            target,
            replaces: Some(meta),
        })
    }
}
