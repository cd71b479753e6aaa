//! The command line: one file per subcommand, each an `Args` struct and a `run`. Only this
//! layer knows about clap, terminals and exit codes.

pub mod aliases;
pub mod analyze;
pub mod check;
pub mod eval;
pub mod export;
pub mod extract;
pub mod filter;
pub mod index;
mod open;
mod progress;
pub mod search;
pub mod serve;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::{Parser, Subcommand};

use crate::analysis::AnalyzerConfig;

/// Exit code: a search found nothing.
pub const EXIT_NO_HITS: u8 = 1;
/// Exit code: an error.
pub const EXIT_ERROR: u8 = 2;

/// Search Korean articles by passage, offline.
#[derive(Debug, Parser)]
#[command(name = "kosearch", version, about, long_about = None)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Build or update an index from folders of articles.
    Index(index::Args),
    /// Find the passages that match a query, best first.
    Search(search::Args),
    /// Write every hit of a query, with all its metadata, to JSON Lines, CSV or JSON.
    Export(export::Args),
    /// Verify an index: what built it, file checksums, every article whole.
    Check(check::Args),
    /// List the aliases mined from the corpus (소형언어모델(SLM), GPU(그래픽처리장치) …).
    Aliases(aliases::Args),
    /// Score a TREC run against relevance judgements (Recall@k, MRR@10, nDCG@10).
    Eval(eval::Args),
    /// Show how Korean text is split into morphemes (surface, POS, offsets, position, indexed).
    Analyze(analyze::Args),
    /// Serve the search page and its JSON API on this machine (http://127.0.0.1:7700/).
    Serve(serve::Args),
    /// Show what is read from files (title, date, outlet, author, paragraphs), without
    /// indexing them.
    Extract(extract::Args),
}

/// `text` with what a terminal would act on instead of showing escaped: control characters
/// (newlines and tabs in file names break a listing's lines and columns) become `\n`,
/// `\t`, `\r` or `\u{…}`. File paths reach here through
/// [`crate::ingest::walk::path_key`], which already shows bytes that are not UTF-8 as `\xHH`.
pub fn printable(text: &str) -> std::borrow::Cow<'_, str> {
    if !text.chars().any(char::is_control) {
        return std::borrow::Cow::Borrowed(text);
    }
    let mut out = String::with_capacity(text.len() + 8);
    for c in text.chars() {
        match c {
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if c.is_control() => out.push_str(&format!("\\u{{{:x}}}", c as u32)),
            c => out.push(c),
        }
    }
    std::borrow::Cow::Owned(out)
}

/// A path as [`printable`] shows it.
pub fn shown_path(path: &std::path::Path) -> String {
    printable(&crate::ingest::walk::path_key(path)).into_owned()
}

/// Runs the parsed command line.
pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Index(args) => index::run(args),
        Command::Search(args) => search::run(args),
        Command::Eval(args) => eval::run(args),
        Command::Aliases(args) => aliases::run(args),
        Command::Check(args) => check::run(args),
        Command::Export(args) => export::run(args),
        Command::Analyze(args) => analyze::run(args),
        Command::Extract(args) => extract::run(args),
        Command::Serve(args) => serve::run(args),
    }
}

/// An error as the user reads it: its chain, then what to do about it, naming the flags to use
/// (the library's messages name none).
pub fn message(err: &anyhow::Error) -> String {
    let hint = err
        .chain()
        .find_map(|e| e.downcast_ref::<crate::Error>())
        .and_then(hint);
    match hint {
        Some(hint) => format!("{err:#}; {hint}"),
        None => format!("{err:#}"),
    }
}

/// What to do about an error of the library, in the command line's terms.
fn hint(err: &crate::Error) -> Option<&'static str> {
    use crate::Error as E;
    Some(match err {
        E::NoIndex(_) => {
            "create one with `kosearch index <FOLDER>` (the same --index or KOSEARCH_INDEX)"
        }
        E::NotAnIndex(_) => "choose an empty or new folder with --index",
        E::NotAFolderName(_) => "give --index the path of a folder",
        E::IndexBusy(_) => "wait for it to finish, or pass --wait to queue behind it",
        E::IndexMismatch { .. } => "rebuild it with `kosearch index --rebuild <FOLDER>...`",
        E::Corrupt { .. } => {
            "`kosearch check` shows what is wrong, and `kosearch index --rebuild <FOLDER>...` \
             rebuilds it"
        }
        E::UnknownPos { .. } => "check --keep-pos",
        _ => return None,
    })
}

/// Whether an error is a closed stdout (`kosearch … | head`), which is not a failure.
pub fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|e| {
        e.downcast_ref::<std::io::Error>()
            .is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe)
    })
}

/// Options shared by every command that analyses Korean text.
#[derive(Debug, Clone, clap::Args)]
pub struct AnalysisArgs {
    /// User dictionary, one `word,POS,parts,cost` per line (parts and cost optional).
    /// Default: data/userdic.csv when it exists in the current folder, else the copy of it
    /// built into kosearch.
    #[arg(long, value_name = "FILE", env = "KOSEARCH_USER_DICT")]
    pub user_dict: Option<PathBuf>,
    /// Use no user dictionary.
    #[arg(long, conflicts_with = "user_dict")]
    pub no_user_dict: bool,
    /// Comma-separated part-of-speech tags to index (default: NNG,NNP,NNB,NNBC,NR,NP,VV,VA,XR,SL,SH,SN,UNKNOWN).
    #[arg(long, value_name = "TAGS", value_delimiter = ',')]
    pub keep_pos: Option<Vec<String>>,
    /// Do not index the parts of compound and inflected words beside the whole.
    #[arg(long)]
    pub no_decompound: bool,
}

/// Where the index is.
#[derive(Debug, Clone, clap::Args)]
pub struct IndexArg {
    /// The index folder [default: $XDG_DATA_HOME/kosearch/index, else
    /// ~/.local/share/kosearch/index].
    #[arg(long, value_name = "PATH", env = "KOSEARCH_INDEX")]
    pub index: Option<PathBuf>,
}

/// How much of an index a reading command checks.
#[derive(Debug, Clone, clap::Args)]
pub struct VerifyArg {
    /// Check the checksum of every index file before searching (by default only the
    /// smallest files, 4 MiB in all, are checked; `kosearch check` checks everything).
    #[arg(long)]
    pub verify: bool,
}

impl VerifyArg {
    /// What to check before reading the index.
    pub fn verify(&self) -> open::Verify {
        if self.verify {
            open::Verify::All
        } else {
            open::Verify::Smallest(crate::index::VERIFY_BUDGET)
        }
    }
}

impl IndexArg {
    /// The index folder to use.
    pub fn path(&self) -> PathBuf {
        self.index
            .clone()
            .unwrap_or_else(crate::index::default_path)
    }
}

/// The default user dictionary, relative to the current folder.
pub const DEFAULT_USER_DICT: &str = "data/userdic.csv";

impl AnalysisArgs {
    /// The user dictionary asked for explicitly: `Some(Some(path))` for `--user-dict`,
    /// `Some(None)` for `--no-user-dict`, `None` when neither was given.
    pub fn explicit_user_dictionary(&self) -> Option<Option<PathBuf>> {
        if self.no_user_dict {
            Some(None)
        } else {
            self.user_dict.clone().map(Some)
        }
    }

    /// Resolves the options into an analyser configuration.
    pub fn config(&self) -> AnalyzerConfig {
        let mut config = AnalyzerConfig::default();
        if let Some(tags) = &self.keep_pos {
            config.keep_pos = tags.iter().map(|t| t.trim().to_string()).collect();
        }
        config.decompound = !self.no_decompound;
        config.user_dictionary = if self.no_user_dict {
            None
        } else if let Some(path) = &self.user_dict {
            Some(path.clone())
        } else {
            let default = PathBuf::from(DEFAULT_USER_DICT);
            Some(if default.is_file() {
                default
            } else {
                PathBuf::from(crate::analysis::userdic::BUILTIN_NAME)
            })
        };
        config
    }
}

/// The default synonyms file, relative to the current folder.
pub const DEFAULT_SYNONYMS: &str = "data/synonyms.txt";

/// Query expansion options shared by `search` and `export`.
#[derive(Debug, Clone, clap::Args)]
pub struct ExpandArgs {
    /// Synonyms file (`a = b = c` per line). Default: data/synonyms.txt when it exists in the
    /// current folder.
    #[arg(long, value_name = "FILE", env = "KOSEARCH_SYNONYMS")]
    pub synonyms: Option<PathBuf>,
    /// Look up only the words of the query: no synonyms, no aliases mined from the corpus.
    #[arg(long, conflicts_with = "synonyms")]
    pub no_expand: bool,
}

impl ExpandArgs {
    /// The synonyms file to read: `--synonyms`, else data/synonyms.txt when it exists here.
    pub fn file(&self) -> Option<PathBuf> {
        match &self.synonyms {
            Some(p) => Some(p.clone()),
            None => Some(PathBuf::from(DEFAULT_SYNONYMS)).filter(|p| p.is_file()),
        }
    }
}
