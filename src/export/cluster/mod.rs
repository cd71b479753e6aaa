//! `kosearch export --to opensearch|quickwit DIR`: the passages of an index, with everything
//! kosearch knows about them, as files a cluster loads as they are.
//!
//! Each passage becomes one document: its stored fields (text, title, date, outlet, reporter,
//! path, offsets, page, metadata) and **pre-analysed fields** holding kosearch's own indexed
//! terms, space-separated, for the cluster's `whitespace` tokenizer:
//!
//! | field | holds | kosearch field |
//! |---|---|---|
//! | `ko_text`, `ko_title`, `ko_source`, `ko_author` | the finest terms in order, then, as a second value, the compounds' and inflected words' wholes | `text`, `title`, `source`, `author` |
//! | `ko_path` | the path's lower-cased components | `path_text` |
//! | `ko_pairs` | each pair of neighbouring terms, joined by `_` | `pairs` |
//! | `ko_bigrams` | the character bigrams of the text | `bigrams` |
//!
//! The finest terms take consecutive positions as in kosearch's index, so a phrase matches
//! where kosearch's does; the wholes, which kosearch stacks on their parts' positions, come
//! after the cluster's gap between values (OpenSearch's `position_increment_gap`), where
//! they still count for the field's length and match as terms but no phrase crosses them.
//! The query of [`super::dsl`] is written against these fields. The documents and their
//! analysis are in `documents.rs`; OpenSearch's files (settings, mapping, `load.sh`) in
//! `opensearch.rs`; Quickwit's config in `quickwit.rs`.
//!
//! OpenSearch gets `index.json` (settings and mappings for `PUT /<index>`), `bulk-NNNN.ndjson`
//! (`_bulk` bodies of at most [`MAX_FILE_BYTES`], `_id` = [`passage_id`]) and `load.sh`;
//! Quickwit gets `quickwit-index.yaml` and `docs-NNNN.ndjson`. Every export also writes
//! `kosearch-export.json` (what was exported, from which index, into which files) and
//! `passages.tsv` (each passage id with a hash of the analyser and of the passage's stored
//! fields, all its document is made from), which `--since-export` reads to write only what
//! changed: new and changed passages, and `delete` actions for the ones that vanished. An
//! unchanged passage is not made into a document again, so an update costs what changed.
//! The text's terms come from the tokens the index stored with each passage
//! ([`crate::analysis::stored`]); only titles, outlets and reporters are analysed, once per
//! article.
//!
//! The folder is written beside its final place and renamed into it when complete; a
//! folder that is not empty and holds no export is never written into.

mod documents;
mod opensearch;
mod quickwit;

pub use opensearch::{nori_stop_tags, nori_user_rules};

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tantivy::schema::Field;

use crate::error::{Error, Result};
use crate::index::schema::Fields;
use crate::search::{Hit, Searcher};
use documents::PreAnalyser;

/// Largest bulk or NDJSON file: a cluster's default request limit is 100 MB (OpenSearch)
/// or 10 MB (Quickwit's ingest API); bulk requests of 5–15 MB index fastest.
pub const MAX_FILE_BYTES: u64 = 10_000_000;
/// The manifest of an export folder.
pub const MANIFEST: &str = "kosearch-export.json";
/// Each exported passage's id and document hash.
pub const PASSAGES: &str = "passages.tsv";
/// The version of the files' layout, in the manifest.
const LAYOUT_VERSION: u32 = 1;
/// What joins the two terms of a pair in `ko_pairs`. Not whitespace to Java or Rust, and not
/// in any indexed term (the analyser never indexes punctuation).
pub const PAIR_JOIN: char = '_';

/// Where an export goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Target {
    /// OpenSearch or Elasticsearch with the `analysis-nori` plugin.
    OpenSearch,
    /// Quickwit.
    Quickwit,
}

/// How to export.
#[derive(Debug, Clone)]
pub struct Options {
    /// The cluster's index name.
    pub index_name: String,
    /// Primary shards (OpenSearch).
    pub shards: u32,
    /// Replicas (OpenSearch).
    pub replicas: u32,
    /// Update the export already in the folder: only new and changed passages, and deletions.
    pub since_export: bool,
    /// Replace an export already in the folder.
    pub force: bool,
    /// The query exported, or `None` for every passage.
    pub query: Option<String>,
    /// Largest data file ([`MAX_FILE_BYTES`]; smaller in tests).
    pub max_file_bytes: u64,
}

/// What an export wrote.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Summary {
    /// Passages in the export (all of them, also those unchanged since the last).
    pub passages: usize,
    /// Passages written to the data files (new or changed).
    pub written: usize,
    /// Deletions written.
    pub deleted: usize,
    /// Bytes of passage text read.
    pub text_bytes: u64,
    /// The data files, in order.
    pub files: Vec<String>,
}

/// `kosearch-export.json`.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    layout: u32,
    target: Target,
    index_name: String,
    /// The kosearch index folder exported.
    source_index: String,
    analyzer: String,
    kosearch: String,
    query: Option<String>,
    #[serde(flatten)]
    summary: Summary,
}

/// The cluster field a kosearch field is exported as (its pre-analysed field).
pub fn field_name(f: &Fields, field: Field) -> &'static str {
    match field {
        x if x == f.text => "ko_text",
        x if x == f.title => "ko_title",
        x if x == f.source => "ko_source",
        x if x == f.author => "ko_author",
        x if x == f.path_text => "ko_path",
        x if x == f.pairs => "ko_pairs",
        x if x == f.bigrams => "ko_bigrams",
        _ => "ko_unknown",
    }
}

/// A passage's stable id in the cluster: its article key and its number in the article,
/// `<article>#<n>`; an article key too long for an id (OpenSearch takes 512 bytes) is
/// replaced by its hash.
pub fn passage_id(article: &str, passage: u64) -> String {
    if article.len() <= 480 {
        format!("{article}#{passage}")
    } else {
        let hash = blake3::hash(article.as_bytes()).to_hex();
        format!("{}#{passage}", &hash[..32])
    }
}

/// Data files of at most [`MAX_FILE_BYTES`] each: `<prefix>-0001.ndjson`, …
struct DataFiles {
    dir: PathBuf,
    prefix: &'static str,
    max: u64,
    out: Option<std::io::BufWriter<std::fs::File>>,
    bytes: u64,
    names: Vec<String>,
}

impl DataFiles {
    fn new(dir: &Path, prefix: &'static str, max: u64) -> Self {
        DataFiles {
            dir: dir.to_path_buf(),
            prefix,
            max,
            out: None,
            bytes: 0,
            names: Vec::new(),
        }
    }

    /// Writes `lines` (one or more whole lines) whole into one file, starting a new file
    /// when they would take the current one past its size limit.
    fn write(&mut self, lines: &[u8]) -> Result<()> {
        let len = lines.len() as u64;
        if self.out.is_none() || self.bytes + len > self.max && self.bytes > 0 {
            self.close()?;
            let name = format!("{}-{:04}.ndjson", self.prefix, self.names.len() + 1);
            let path = self.dir.join(&name);
            let file = std::fs::File::create(&path).map_err(|e| Error::io(&path, e))?;
            self.out = Some(std::io::BufWriter::with_capacity(1 << 20, file));
            self.names.push(name);
            self.bytes = 0;
        }
        let path = self.current();
        if let Some(out) = &mut self.out {
            out.write_all(lines).map_err(|e| Error::io(&path, e))?;
        }
        self.bytes += len;
        Ok(())
    }

    fn current(&self) -> PathBuf {
        self.dir
            .join(self.names.last().map(String::as_str).unwrap_or(""))
    }

    fn close(&mut self) -> Result<()> {
        let path = self.current();
        if let Some(out) = self.out.take() {
            let file = out
                .into_inner()
                .map_err(|e| Error::io(&path, e.into_error()))?;
            file.sync_all().map_err(|e| Error::io(&path, e))?;
        }
        Ok(())
    }
}

/// Passage ids and document hashes of the export in a folder (`passages.tsv`).
fn read_passages(dir: &Path) -> Result<HashMap<String, String>> {
    let path = dir.join(PASSAGES);
    let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
    let mut out = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let (id, hash) = line.rsplit_once('\t').ok_or_else(|| {
            Error::io(
                &path,
                std::io::Error::new(
                    std::io::ErrorKind::InvalidData,
                    format!("line {}: expected <id> TAB <hash>", i + 1),
                ),
            )
        })?;
        out.insert(unescape_id(id), hash.to_string());
    }
    Ok(out)
}

/// An id with its tabs, newlines and backslashes escaped, for one line of `passages.tsv`.
fn escape_id(id: &str) -> String {
    id.replace('\\', "\\\\")
        .replace('\t', "\\t")
        .replace('\n', "\\n")
        .replace('\r', "\\r")
}

fn unescape_id(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('t') => out.push('\t'),
            Some('n') => out.push('\n'),
            Some('r') => out.push('\r'),
            Some(o) => out.push(o),
            None => out.push('\\'),
        }
    }
    out
}

/// One passage as exported: its id, its hash, and the lines to write unless it is unchanged
/// since the last export.
type Exported = (String, String, Option<Vec<u8>>);

/// Which passages an export holds.
pub enum Passages<'a> {
    /// Every passage of the index.
    All,
    /// The hits of a compiled query, with these options (every hit).
    Query(
        &'a crate::search::Compiled,
        &'a crate::search::SearchOptions,
    ),
}

/// Writes the export of `passages` of `searcher`'s index into `dir` for `target`.
pub fn export(
    searcher: &Searcher,
    passages: Passages<'_>,
    target: Target,
    dir: &Path,
    options: &Options,
) -> Result<Summary> {
    let ko = searcher.index();
    let previous = previous_export(dir, target, options)?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = tempfile::Builder::new()
        .prefix(".kosearch-export-")
        .tempdir_in(&parent)
        .map_err(|e| Error::io(&parent, e))?;
    let work = tmp.path();

    let mut data = DataFiles::new(
        work,
        match target {
            Target::OpenSearch => "bulk",
            Target::Quickwit => "docs",
        },
        options.max_file_bytes,
    );
    let ids_path = work.join(PASSAGES);
    let mut ids = std::io::BufWriter::new(
        std::fs::File::create(&ids_path).map_err(|e| Error::io(&ids_path, e))?,
    );
    let mut summary = Summary::default();
    let mut seen: std::collections::HashSet<String> = Default::default();
    let mut previous = previous;
    let fingerprint = ko.analyzer.fingerprint();
    let mut batch_out = |hits: Vec<Hit>| -> Result<()> {
        use rayon::prelude::*;
        let before = previous.as_ref();
        let docs: Vec<Result<Exported>> = hits
            .par_iter()
            .map_init(
                || PreAnalyser::new(ko, &fingerprint),
                |pre, h| {
                    let id = passage_id(&h.article, h.passage);
                    let (hash, doc) = pre.document(h, &id, before)?;
                    // The lines to write, made here on all cores.
                    let lines = doc.map(|doc| -> Result<Vec<u8>> {
                        let mut lines = Vec::with_capacity(doc.len() + id.len() + 40);
                        if target == Target::OpenSearch {
                            serde_json::to_writer(&mut lines, &json!({"index": {"_id": id}}))
                                .map_err(|e| json_error(Path::new(&id), e))?;
                            lines.push(b'\n');
                        }
                        lines.extend_from_slice(&doc);
                        lines.push(b'\n');
                        Ok(lines)
                    });
                    Ok((id, hash, lines.transpose()?))
                },
            )
            .collect();
        for (h, doc) in hits.iter().zip(docs) {
            let (id, hash, doc) = doc?;
            summary.passages += 1;
            summary.text_bytes += h.text.len() as u64;
            if !seen.insert(id.clone()) {
                return Err(Error::IndexMismatch {
                    path: ko.path.clone(),
                    reason: format!("two passages have the id {id:?}: one article is in it twice"),
                });
            }
            writeln!(ids, "{}\t{hash}", escape_id(&id)).map_err(|e| Error::io(&ids_path, e))?;
            if let Some(p) = previous.as_mut() {
                p.remove(&id);
            }
            // Unchanged since the last export.
            let Some(lines) = doc else {
                continue;
            };
            data.write(&lines)?;
            summary.written += 1;
        }
        Ok(())
    };
    // Batches are read (the documents decompressed and decoded, one thread's work) while
    // the batch before is made into documents on all cores and written.
    let (tx, rx) = crossbeam_channel::bounded::<Vec<Hit>>(2);
    std::thread::scope(|s| -> Result<()> {
        // Owned here, so that a failed write drops it and the reader stops instead of
        // waiting forever to send.
        let rx = rx;
        let reader = s.spawn(move || read_batches(searcher, &passages, &tx));
        for batch in &rx {
            batch_out(batch)?;
        }
        reader
            .join()
            .unwrap_or_else(|_| Err(Error::io(&ko.path, std::io::Error::other("reader failed"))))
    })?;
    // What the last export held and this one does not: deleted (OpenSearch; Quickwit has
    // no deletion by id, see SCALE.md).
    if let (Some(gone), Target::OpenSearch) = (previous, target) {
        let mut gone: Vec<String> = gone.into_keys().collect();
        gone.sort();
        for id in gone {
            let mut line = serde_json::to_vec(&json!({"delete": {"_id": id}}))
                .map_err(|e| json_error(&data.current(), e))?;
            line.push(b'\n');
            data.write(&line)?;
            summary.deleted += 1;
        }
    }
    data.close()?;
    ids.into_inner()
        .map_err(|e| Error::io(&ids_path, e.into_error()))?
        .sync_all()
        .map_err(|e| Error::io(&ids_path, e))?;
    summary.files = data.names.clone();

    match target {
        Target::OpenSearch => {
            let settings = opensearch::index_json(searcher, options)?;
            let path = work.join("index.json");
            write_file(&path, &pretty(&path, &settings)?)?;
            write_file(
                &work.join("load.sh"),
                opensearch::load_script(options, &summary).as_bytes(),
            )?;
            set_executable(&work.join("load.sh"))?;
        }
        Target::Quickwit => {
            write_file(
                &work.join("quickwit-index.yaml"),
                quickwit::config(options).as_bytes(),
            )?;
        }
    }
    let manifest = Manifest {
        layout: LAYOUT_VERSION,
        target,
        index_name: options.index_name.clone(),
        source_index: ko.path.display().to_string(),
        analyzer: ko.analyzer.fingerprint(),
        kosearch: env!("CARGO_PKG_VERSION").to_string(),
        query: options.query.clone(),
        summary: summary.clone(),
    };
    let manifest_json =
        serde_json::to_vec_pretty(&manifest).map_err(|e| json_error(&work.join(MANIFEST), e))?;
    write_file(&work.join(MANIFEST), &manifest_json)?;
    put_in_place(tmp, dir)?;
    Ok(summary)
}

/// Passages read and made into documents at a time: the cores wait for one another once per
/// batch.
const BATCH: usize = 512;

/// Reads the passages `passages` names in batches of [`BATCH`] into `tx`; stops early, without an
/// error, when the receiving end is gone (it failed, and reports that).
fn read_batches(
    searcher: &Searcher,
    passages: &Passages<'_>,
    tx: &crossbeam_channel::Sender<Vec<Hit>>,
) -> Result<()> {
    let gone = || {
        Error::io(
            &searcher.index().path,
            std::io::Error::other("export stopped"),
        )
    };
    let mut send = |batch| tx.send(batch).map_err(|_| gone());
    let read = match passages {
        Passages::All => searcher.each_passage(BATCH, &mut send).map(|_| ()),
        Passages::Query(compiled, search) => {
            let mut batch = Vec::with_capacity(BATCH);
            let mut options = (*search).clone();
            options.highlights = false;
            let all = searcher.for_each(compiled, &options, None, |h| {
                batch.push(h);
                if batch.len() == BATCH {
                    send(std::mem::take(&mut batch))?;
                }
                Ok(())
            });
            all.and_then(|_| match batch.is_empty() {
                true => Ok(()),
                false => send(batch),
            })
        }
    };
    // When the receiver is gone, its own error is the one to report.
    match read {
        Err(_) if tx.send(Vec::new()).is_err() => Ok(()),
        other => other,
    }
}

/// The passages of the export already in `dir` when `--since-export` asks to update it;
/// refuses a folder it must not write into.
fn previous_export(
    dir: &Path,
    target: Target,
    options: &Options,
) -> Result<Option<HashMap<String, String>>> {
    let refuse = |why: String| Error::io(dir, std::io::Error::other(why));
    let entries = match std::fs::read_dir(dir) {
        Ok(e) => e.count(),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            if options.since_export {
                return Err(refuse("--since-export: no export here to update".into()));
            }
            return Ok(None);
        }
        Err(e) => return Err(Error::io(dir, e)),
    };
    let manifest_path = dir.join(MANIFEST);
    if !manifest_path.exists() {
        if entries == 0 && !options.since_export {
            return Ok(None);
        }
        return Err(refuse(if options.since_export {
            "--since-export: no export here to update (no kosearch-export.json)".into()
        } else {
            "not empty and holds no kosearch export: choose a new or empty folder".into()
        }));
    }
    let text = std::fs::read(&manifest_path).map_err(|e| Error::io(&manifest_path, e))?;
    let old: Manifest = serde_json::from_slice(&text).map_err(|e| {
        Error::io(
            &manifest_path,
            std::io::Error::new(std::io::ErrorKind::InvalidData, e),
        )
    })?;
    if options.since_export {
        if old.target != target || old.index_name != options.index_name {
            return Err(refuse(format!(
                "--since-export: this folder holds an export for {:?} index {:?}, not {:?} {:?}",
                old.target, old.index_name, target, options.index_name
            )));
        }
        return read_passages(dir).map(Some);
    }
    if !options.force {
        return Err(refuse(
            "holds an export already: --since-export to update it, --force to replace it".into(),
        ));
    }
    Ok(None)
}

/// Moves the finished export into `dir`, replacing the export there.
fn put_in_place(tmp: tempfile::TempDir, dir: &Path) -> Result<()> {
    let work = tmp.keep();
    if dir.exists() {
        let old = work.with_extension("old");
        std::fs::rename(dir, &old).map_err(|e| Error::io(dir, e))?;
        std::fs::rename(&work, dir).map_err(|e| Error::io(dir, e))?;
        std::fs::remove_dir_all(&old).map_err(|e| Error::io(&old, e))?;
    } else {
        std::fs::rename(&work, dir).map_err(|e| Error::io(dir, e))?;
    }
    Ok(())
}

fn write_file(path: &Path, bytes: &[u8]) -> Result<()> {
    std::fs::write(path, bytes).map_err(|e| Error::io(path, e))
}

fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::io(path, e))
}

fn json_error(path: &Path, source: serde_json::Error) -> Error {
    Error::Json {
        path: path.to_path_buf(),
        source,
    }
}

fn pretty(path: &Path, v: &Value) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(v).map_err(|e| json_error(path, e))?;
    out.push(b'\n');
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_stable_and_fit_a_cluster() {
        assert_eq!(passage_id("news/a.txt", 3), "news/a.txt#3");
        let long = "가".repeat(300);
        let id = passage_id(&long, 0);
        assert!(id.len() < 512, "{id}");
        assert_eq!(id, passage_id(&long, 0));
        assert_ne!(id, passage_id(&long, 1));
        for raw in ["a\tb", "c\\d\ne", "plain"] {
            assert_eq!(unescape_id(&escape_id(raw)), raw);
        }
    }
}
