//! `kosearch extract`: what kosearch reads from files — each article's title, date, outlet,
//! author and paragraphs — without indexing them, to check a folder before indexing it.

use std::io::{self, BufWriter, Write};
use std::path::PathBuf;
use std::process::ExitCode;

use serde::Serialize;

use super::{EXIT_ERROR, shown_path};
use crate::ingest::Format;
use crate::ingest::parse::ParseOptions;
use crate::ingest::read::read;

/// Arguments of `kosearch extract`.
#[derive(Debug, clap::Args)]
pub struct Args {
    /// Files to read, each by the format its extension names; a PDF, DOCX, HWP or HWPX file,
    /// or an MHTML save named `.html`, is read by its content whatever the extension.
    #[arg(required = true, value_name = "FILE")]
    files: Vec<PathBuf>,
    /// One JSON object per article: path, record, title, date, source, author, url,
    /// paragraphs, meta, format, encoding (null for documents), pages (the page each
    /// paragraph starts on, for PDF).
    #[arg(long)]
    json: bool,
    /// Decode every file with this encoding instead of detecting it (as for `kosearch index`).
    #[arg(long, value_name = "NAME")]
    encoding: Option<String>,
    /// JSON field names, e.g. `--field title=headline,subject` (as for `kosearch index`).
    #[arg(long = "field", value_name = "KEY=NAMES")]
    fields: Vec<String>,
}

/// One article as `--json` prints it.
#[derive(Debug, Serialize)]
struct JsonArticle<'a> {
    path: &'a str,
    record: Option<usize>,
    id: Option<&'a str>,
    title: Option<&'a str>,
    date: Option<&'a str>,
    source: Option<&'a str>,
    author: Option<&'a str>,
    url: Option<&'a str>,
    paragraphs: &'a [String],
    meta: &'a std::collections::BTreeMap<String, String>,
    format: &'a str,
    encoding: Option<&'a str>,
    pages: &'a [u32],
}

/// Runs `kosearch extract`: prints every article it can read, lists the files and records it
/// cannot on standard error, and exits 2 if there were any.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let forced = super::index::encoding_arg(args.encoding.as_deref())?;
    let options = ParseOptions {
        fields: super::index::field_map(&args.fields)?,
    };
    let stdout = io::stdout();
    let mut out = BufWriter::new(stdout.lock());
    let mut failed = 0;
    for path in &args.files {
        let shown = shown_path(path);
        if path.is_dir() {
            eprintln!("{shown}: a folder; give the files in it (`kosearch index` reads folders)");
            failed += 1;
            continue;
        }
        let format = path
            .extension()
            .and_then(|e| e.to_str())
            .and_then(Format::from_extension);
        let Some(format) = format else {
            eprintln!("{shown}: not a format kosearch reads (by its extension)");
            failed += 1;
            continue;
        };
        let bytes = match std::fs::read(path) {
            Ok(b) => b,
            Err(e) => {
                eprintln!("{shown}: cannot read: {e}");
                failed += 1;
                continue;
            }
        };
        let stem = path
            .file_stem()
            .map(|s| s.to_string_lossy().into_owned())
            .unwrap_or_default();
        let file = match read(bytes, format, forced, &stem, &options) {
            Ok(file) => file,
            Err(e) => {
                eprintln!("{shown}: {e}");
                failed += 1;
                continue;
            }
        };
        for problem in &file.parsed.problems {
            eprintln!(
                "{shown}: {}: {}",
                problem.place(file.format),
                problem.reason
            );
            failed += 1;
        }
        for article in &file.parsed.articles {
            if args.json {
                let json = JsonArticle {
                    path: &shown,
                    record: article.record,
                    id: article.id.as_deref(),
                    title: article.title.as_deref(),
                    date: article.date.as_deref(),
                    source: article.source.as_deref(),
                    author: article.author.as_deref(),
                    url: article.url.as_deref(),
                    paragraphs: &article.paragraphs,
                    meta: &article.meta,
                    format: file.format.name(),
                    encoding: file.encoding.map(|e| e.name()),
                    pages: &article.pages,
                };
                serde_json::to_writer(&mut out, &json)?;
                writeln!(out)?;
                continue;
            }
            writeln!(out, "== {shown}")?;
            let fields = [
                ("record", article.record.map(|r| r.to_string())),
                ("title", article.title.clone()),
                ("date", article.date.clone()),
                ("source", article.source.clone()),
                ("author", article.author.clone()),
                ("url", article.url.clone()),
            ];
            for (name, value) in fields {
                if let Some(value) = value {
                    writeln!(out, "{name}: {}", super::printable(&value))?;
                }
            }
            for paragraph in &article.paragraphs {
                writeln!(out, "\n{paragraph}")?;
            }
            writeln!(out)?;
        }
    }
    out.flush()?;
    Ok(if failed > 0 {
        ExitCode::from(EXIT_ERROR)
    } else {
        ExitCode::SUCCESS
    })
}
