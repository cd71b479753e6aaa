//! Bringing an index up to date with folders: new and changed files are read, passages of
//! deleted files removed, unchanged files left alone.
//!
//! How a file is judged: the manifest (file documents) records each file's size, modification
//! time and content hash. Same size and time: unchanged, not even read. Otherwise the file is
//! read and hashed; same hash: unchanged (only its record is refreshed); else its old passages
//! and record are deleted and the new ones added.
//!
//! Crash safety: tantivy commits are atomic, and a file's deletions, passages and record are
//! always submitted together between two commits. A run killed at any moment leaves the last
//! commit, in which every file is either wholly old or wholly new; the next run sees the
//! files that did not make it as changed and finishes the work.
//!
//! Work is spread over threads: reading, decoding, parsing and cutting passages on a pool of
//! `jobs` threads; analysis and indexing on tantivy's own writer threads. A bounded channel
//! between them keeps memory flat whatever the corpus size.

use std::collections::{BTreeMap, HashMap};
use std::path::PathBuf;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, Instant};

use serde::Serialize;
use tantivy::collector::DocSetCollector;
use tantivy::query::TermQuery;
use tantivy::schema::{IndexRecordOption, TantivyDocument};
use tantivy::{IndexWriter, Term};

use super::KoIndex;
use super::schema::{KIND_FILE, KIND_PASSAGE};
use crate::analysis::tokenizer;
use crate::error::{Error, Result};
use crate::ingest::decode::Encoding;
use crate::ingest::parse::ParseOptions;
use crate::ingest::read::{self, ReadError};
use crate::ingest::walk::{self, Entry, FoundFile, Skip, WalkOptions, path_key};
use crate::ingest::{Article, Format};
use crate::passage;

/// How to run an update.
#[derive(Debug, Clone)]
pub struct UpdateOptions {
    /// What to walk.
    pub walk: WalkOptions,
    /// Decode every file with this encoding instead of detecting.
    pub encoding: Option<Encoding>,
    /// Threads for reading and parsing (tantivy adds its own for analysis).
    pub jobs: usize,
    /// tantivy's indexing memory budget, in bytes (split over its threads).
    pub memory_budget: usize,
    /// Commit at least this often (files are never split across commits).
    pub commit_every: Duration,
}

impl Default for UpdateOptions {
    fn default() -> Self {
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        UpdateOptions {
            walk: WalkOptions::default(),
            encoding: None,
            jobs: cores,
            memory_budget: 256 * 1024 * 1024,
            commit_every: Duration::from_secs(20),
        }
    }
}

/// A file that could not be indexed, and why.
#[derive(Debug, Clone, Serialize)]
pub struct Failure {
    /// The file.
    pub path: PathBuf,
    /// Why.
    pub reason: String,
    /// What another run could do about it (the front end names the option).
    #[serde(skip)]
    pub remedy: Option<Remedy>,
}

/// A change of options that would let another run read a file it failed or skipped.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Remedy {
    /// Decode it in this encoding.
    Encoding(Encoding),
    /// Raise the size limit.
    MaxSize,
    /// Follow symbolic links.
    FollowLinks,
}

/// What an update did.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Summary {
    /// Files found with an extension that is read.
    pub files: usize,
    /// Files indexed for the first time.
    pub new: usize,
    /// Files re-indexed because their content changed.
    pub changed: usize,
    /// Files gone from the folders, whose passages were removed.
    pub removed: usize,
    /// Files left as they were.
    pub unchanged: usize,
    /// Files that could not be read, decoded or parsed (their old passages, if any, stay).
    pub failed: Vec<Failure>,
    /// Records inside otherwise indexed files that were left out (bad JSON Lines lines…).
    pub record_problems: Vec<Failure>,
    /// Entries skipped, counted by reason.
    pub skipped: BTreeMap<String, usize>,
    /// Skipped entries worth naming (too large, links).
    pub skipped_listed: Vec<Failure>,
    /// Articles indexed in this run.
    pub articles: usize,
    /// Passages indexed in this run.
    pub passages: usize,
    /// Bytes of files read in this run.
    pub bytes_read: u64,
    /// Commits made.
    pub commits: usize,
    /// Seconds the run took.
    pub seconds: f64,
    /// Whether the run was interrupted (what was committed stays).
    pub interrupted: bool,
}

/// Progress, reported while an update runs. The front end decides how to show it.
#[derive(Debug, Clone)]
pub enum Event {
    /// The walk is done: this many files (and bytes) may need reading.
    Planned {
        /// Files to read.
        files: usize,
        /// Their total size.
        bytes: u64,
    },
    /// One file was handled.
    FileDone {
        /// Its size.
        bytes: u64,
    },
    /// A commit is being written.
    Committing,
}

/// The manifest record of one file.
#[derive(Debug, Clone, PartialEq, Eq)]
struct FileRecord {
    size: u64,
    mtime_ns: i64,
    hash: String,
}

/// What a worker made of one file.
enum Outcome {
    /// Content identical to the manifest's: only the record changes.
    SameContent {
        file: FoundFile,
        hash: String,
        pairs: String,
    },
    /// Documents to index.
    Indexed {
        file: FoundFile,
        hash: String,
        docs: Vec<TantivyDocument>,
        articles: usize,
        passages: usize,
        problems: Vec<Failure>,
        /// The file's alias candidates, as JSON (empty when none).
        pairs: String,
    },
    /// It failed.
    Failed {
        file: FoundFile,
        reason: String,
        remedy: Option<Remedy>,
    },
}

/// Brings `index` up to date with `roots`. `cancel` stops the run between files, or during
/// the walk before anything is written; `progress` receives [`Event`]s. An index whose files
/// fail their checksums is refused ([`Error::Corrupt`]) before anything is written.
pub fn update(
    ko: &KoIndex,
    roots: &[PathBuf],
    options: &UpdateOptions,
    cancel: &AtomicBool,
    progress: &mut dyn FnMut(Event),
) -> Result<Summary> {
    let started = Instant::now();
    let mut summary = Summary::default();
    let threads = options.jobs.clamp(1, 64);
    let mut writer: IndexWriter<TantivyDocument> = ko
        .index
        .writer_with_num_threads(threads, options.memory_budget.max((threads * 16) << 20))
        .map_err(|e| Error::tantivy_write(&ko.path, e))?;

    // No merges while deletions are in flight: with tantivy 0.27 a merge that runs while
    // a run deletes the passages of changed and removed files can bring some of them back
    // (found by the kill test: about one run in thirty kept a removed file). The segments
    // are merged at the end, once everything is committed.
    writer.set_merge_policy(Box::new(tantivy::indexer::NoMergePolicy));
    // Never write on top of damage: with the lock held, every file of the last commit must
    // pass its checksum.
    ko.verify(None)?;
    // The files of a run that was killed or failed before its commit (segments no commit
    // refers to) are deleted now; tantivy also does this after each commit.
    writer
        .garbage_collect_files()
        .wait()
        .map_err(|e| Error::tantivy_write(&ko.path, e))?;
    let manifest = load_manifest(ko)?;
    let canonical_roots: Vec<PathBuf> = roots
        .iter()
        .map(|r| std::fs::canonicalize(r).map_err(|e| Error::io(r, e)))
        .collect::<Result<_>>()?;

    // Walk and classify.
    let mut seen: HashMap<String, ()> = HashMap::new();
    let mut errored: Vec<String> = Vec::new();
    let mut todo: Vec<FoundFile> = Vec::new();
    let entries = walk::walk(&canonical_roots, &options.walk, cancel);
    if cancel.load(Ordering::Relaxed) {
        // Stopped during the walk: what it met is not the folder, and a file it did not
        // reach is not a removed file. Nothing was written.
        summary.interrupted = true;
        summary.seconds = started.elapsed().as_secs_f64();
        return Ok(summary);
    }
    for entry in entries {
        match entry {
            Entry::File(file) => {
                summary.files += 1;
                let key = path_key(&file.path);
                match manifest.get(&key) {
                    Some(rec) if rec.size == file.size && rec.mtime_ns == file.mtime_ns => {
                        summary.unchanged += 1;
                    }
                    _ => todo.push(file),
                }
                seen.insert(key, ());
            }
            Entry::Skipped(path, skip) => {
                let label = match &skip {
                    Skip::Extension => "other extension",
                    Skip::Hidden => "hidden",
                    Skip::TooLarge { .. } => "too large",
                    Skip::Link => "symbolic link",
                    Skip::LinkOutside => "link outside the folders",
                    Skip::LinkLoop => "symbolic link loop",
                    Skip::NotAFile => "not a regular file",
                };
                *summary.skipped.entry(label.to_string()).or_default() += 1;
                if !matches!(skip, Skip::Extension | Skip::Hidden) {
                    let remedy = match skip {
                        Skip::TooLarge { .. } => Some(Remedy::MaxSize),
                        Skip::Link => Some(Remedy::FollowLinks),
                        _ => None,
                    };
                    summary.skipped_listed.push(Failure {
                        path,
                        reason: skip.to_string(),
                        remedy,
                    });
                }
            }
            Entry::Error(path, reason) => {
                errored.push(path_key(&path));
                summary.failed.push(Failure {
                    path,
                    reason,
                    remedy: None,
                });
            }
        }
    }

    // Files in the manifest, under these roots, that are gone (not merely unreadable now).
    let root_keys: Vec<String> = canonical_roots.iter().map(|r| path_key(r)).collect();
    for path in manifest.keys() {
        let under_roots = root_keys.iter().any(|r| walk::key_under(path, r));
        let unreadable = errored.iter().any(|e| walk::key_under(path, e));
        if under_roots && !seen.contains_key(path) && !unreadable {
            writer.delete_term(Term::from_field_text(ko.fields.path, path));
            summary.removed += 1;
        }
    }

    progress(Event::Planned {
        files: todo.len(),
        bytes: todo.iter().map(|f| f.size).sum(),
    });

    let (tx, rx) = crossbeam_channel::bounded::<Outcome>(threads * 4);
    let pool = rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .thread_name(|i| format!("kosearch-read-{i}"))
        .build()?;
    let parse_options = ParseOptions {
        fields: ko.config.fields.clone(),
    };
    let mut last_commit = Instant::now();
    let mut pending = 0usize;
    let mut pacer = Pacer::new(&ko.analysed_passages, threads);
    let stop = AtomicBool::new(false);
    let result: Result<()> = std::thread::scope(|s| {
        // Owned here, so that it is dropped however this closure ends: a reader blocked on a
        // full channel then wakes up with an error instead of keeping the scope open forever
        // (a failed write used to hang the run that way).
        let rx = rx;
        let todo = &todo;
        let manifest = &manifest;
        let parse_options = &parse_options;
        let stop = &stop;
        s.spawn(move || {
            pool.install(|| {
                use rayon::prelude::*;
                let _ = todo.par_iter().try_for_each_with(tx, |tx, file| {
                    if cancel.load(Ordering::Relaxed) || stop.load(Ordering::Relaxed) {
                        return Err(());
                    }
                    let old = manifest.get(&path_key(&file.path));
                    let outcome = process(ko, file, old, options.encoding, parse_options);
                    tx.send(outcome).map_err(|_| ())
                });
            });
        });
        let mut write = || -> Result<()> {
            for outcome in rx.iter() {
                if cancel.load(Ordering::Relaxed) {
                    // Drain without writing: the workers stop at their next file.
                    continue;
                }
                let bytes = match &outcome {
                    Outcome::SameContent { file, .. }
                    | Outcome::Indexed { file, .. }
                    | Outcome::Failed { file, .. } => file.size,
                };
                if let Outcome::Indexed { passages, .. } = &outcome {
                    pacer.admit(*passages, cancel);
                }
                apply(ko, &writer, manifest, outcome, &mut summary)?;
                summary.bytes_read += bytes;
                pending += 1;
                progress(Event::FileDone { bytes });
                if last_commit.elapsed() >= options.commit_every {
                    progress(Event::Committing);
                    writer
                        .commit()
                        .map_err(|e| Error::tantivy_write(&ko.path, e))?;
                    pacer.committed();
                    summary.commits += 1;
                    pending = 0;
                    last_commit = Instant::now();
                }
            }
            Ok(())
        };
        let written = write();
        if written.is_err() {
            stop.store(true, Ordering::Relaxed);
        }
        drop(rx);
        written
    });
    if let Err(e) = result {
        return Err(cause(ko, &mut writer, e));
    }
    summary.interrupted = cancel.load(Ordering::Relaxed);
    if pending > 0 || summary.removed > 0 {
        progress(Event::Committing);
        writer
            .commit()
            .map_err(|e| Error::tantivy_write(&ko.path, e))?;
        summary.commits += 1;
    }
    if !summary.interrupted {
        if summary.commits > 0 || untidy(ko)? {
            // A commit with nothing new only makes the merge policy look at the segments:
            // tantivy's default, which also rewrites a segment whose deleted passages
            // exceed a tenth of it.
            let mut policy = tantivy::indexer::LogMergePolicy::default();
            policy.set_del_docs_ratio_before_merge(MAX_DELETED_RATIO);
            writer.set_merge_policy(Box::new(policy));
            writer
                .commit()
                .map_err(|e| Error::tantivy_write(&ko.path, e))?;
        }
        writer
            .wait_merging_threads()
            .map_err(|e| Error::tantivy_write(&ko.path, e))?;
    }
    // The alias table is derived from the committed file records; refreshed after every run
    // that committed something (or when it is missing), so a stopped run's is rebuilt next time.
    if summary.commits > 0 || !ko.path.join(super::aliases::ALIASES_FILE).exists() {
        super::aliases::refresh(ko)?;
    }
    summary.seconds = started.elapsed().as_secs_f64();
    Ok(summary)
}

/// Writes one file's outcome: deletions, passages and record go in together.
fn apply(
    ko: &KoIndex,
    writer: &IndexWriter<TantivyDocument>,
    manifest: &HashMap<String, FileRecord>,
    outcome: Outcome,
    summary: &mut Summary,
) -> Result<()> {
    let f = &ko.fields;
    let add = |doc: TantivyDocument| {
        writer
            .add_document(doc)
            .map(|_| ())
            .map_err(|e| Error::tantivy_write(&ko.path, e))
    };
    match outcome {
        Outcome::SameContent { file, hash, pairs } => {
            let key = path_key(&file.path);
            writer.delete_term(Term::from_field_text(f.article, &file_record_key(&key)));
            add(file_record(ko, &file, &hash, &pairs))?;
            summary.unchanged += 1;
        }
        Outcome::Indexed {
            file,
            hash,
            docs,
            articles,
            passages,
            problems,
            pairs,
        } => {
            let key = path_key(&file.path);
            if manifest.contains_key(&key) {
                writer.delete_term(Term::from_field_text(f.path, &key));
                summary.changed += 1;
            } else {
                summary.new += 1;
            }
            for doc in docs {
                add(doc)?;
            }
            add(file_record(ko, &file, &hash, &pairs))?;
            summary.articles += articles;
            summary.passages += passages;
            summary.record_problems.extend(problems);
        }
        Outcome::Failed {
            file,
            reason,
            remedy,
        } => {
            summary.failed.push(Failure {
                path: file.path,
                reason,
                remedy,
            });
        }
    }
    Ok(())
}

/// A segment whose deleted passages exceed this share of it is rewritten without them at the
/// end of a run, even a run that changed nothing.
const MAX_DELETED_RATIO: f32 = 0.1;

/// Whether the last commit has more than [`MAX_SEGMENTS`] segments, or a segment with more
/// than [`MAX_DELETED_RATIO`] of deleted documents (left by runs that were stopped before
/// their merge).
fn untidy(ko: &KoIndex) -> Result<bool> {
    let metas = ko
        .index
        .searchable_segment_metas()
        .map_err(|e| Error::tantivy(&ko.path, e))?;
    Ok(metas.len() > MAX_SEGMENTS
        || metas.iter().any(|m| {
            m.max_doc() > 0 && m.num_deleted_docs() as f32 > MAX_DELETED_RATIO * m.max_doc() as f32
        }))
}

/// More segments than this, and a run that changed nothing still lets the merge policy look
/// at them (it merges eight or more of similar size).
const MAX_SEGMENTS: usize = 8;

/// The error to report when writing failed. When one of tantivy's indexing threads failed
/// (a full disk while it wrote a segment), the writer only says that a thread was killed;
/// joining its threads (a commit prepared and dropped, so nothing is published) gives the
/// thread's own error.
fn cause(ko: &KoIndex, writer: &mut IndexWriter<TantivyDocument>, e: Error) -> Error {
    if let Error::Tantivy {
        source: tantivy::TantivyError::ErrorInThread(_),
        ..
    } = &e
        && let Err(inner) = writer.prepare_commit()
    {
        return Error::tantivy_write(&ko.path, inner);
    }
    e
}

/// Keeps tantivy's writer from queueing much more than it can analyse in a moment. Its
/// queue holds up to 10,000 passages, and a commit waits until all of them are analysed:
/// several seconds on two cores, which made `--commit-every 1` commit only every five.
/// Passages are admitted while no more are waiting than the writer analyses in
/// [`Pacer::AHEAD`] at the rate it has shown so far in this run (as counted by the
/// tokenizers, see [`KoIndex::analysed_passages`]), so a commit lands soon after it is due,
/// also on a loaded machine.
struct Pacer<'a> {
    analysed: &'a std::sync::atomic::AtomicU64,
    /// `analysed` when the run started, and when it last committed.
    start: u64,
    base: u64,
    started: Instant,
    /// Passages submitted since the last commit.
    submitted: u64,
    threads: u64,
}

impl<'a> Pacer<'a> {
    /// How much analysis may wait in the writer's queue.
    const AHEAD: Duration = Duration::from_millis(250);
    /// The queue's length before the rate is known, per writer thread; and its least.
    const FIRST: u64 = 256;
    const LEAST: u64 = 32;

    fn new(analysed: &'a std::sync::atomic::AtomicU64, threads: usize) -> Self {
        let now = analysed.load(Ordering::Relaxed);
        Pacer {
            analysed,
            start: now,
            base: now,
            started: Instant::now(),
            submitted: 0,
            threads: threads as u64,
        }
    }

    /// How many passages may wait, given `analysed` so far.
    fn limit(&self, analysed: u64) -> u64 {
        let elapsed = self.started.elapsed();
        let done = analysed.saturating_sub(self.start);
        if elapsed < Duration::from_millis(500) || done == 0 {
            return Self::FIRST * self.threads;
        }
        let per_second = done as f64 / elapsed.as_secs_f64();
        ((per_second * Self::AHEAD.as_secs_f64()) as u64).max(Self::LEAST * self.threads)
    }

    /// Waits until `passages` more may be queued, then counts them. Gives up waiting when
    /// the writer makes no progress for two seconds (a failed writer thread reports itself
    /// when the passages are added) or when the run is cancelled.
    fn admit(&mut self, passages: usize, cancel: &AtomicBool) {
        let mut seen = self.analysed.load(Ordering::Relaxed);
        let mut since = Instant::now();
        loop {
            let done = seen.saturating_sub(self.base);
            if self.submitted.saturating_sub(done) <= self.limit(seen)
                || cancel.load(Ordering::Relaxed)
                || since.elapsed() > Duration::from_secs(2)
            {
                break;
            }
            std::thread::sleep(Duration::from_millis(1));
            let now = self.analysed.load(Ordering::Relaxed);
            if now != seen {
                seen = now;
                since = Instant::now();
            }
        }
        self.submitted += passages as u64;
    }

    /// A commit analysed everything submitted: count afresh from here.
    fn committed(&mut self) {
        self.base = self.analysed.load(Ordering::Relaxed);
        self.submitted = 0;
    }
}

/// The `article` term of a file's manifest record.
fn file_record_key(path_key: &str) -> String {
    format!("file:{path_key}")
}

fn file_record(ko: &KoIndex, file: &FoundFile, hash: &str, pairs: &str) -> TantivyDocument {
    let f = &ko.fields;
    let key = path_key(&file.path);
    let mut doc = TantivyDocument::default();
    doc.add_text(f.kind, KIND_FILE);
    doc.add_text(f.path, &key);
    doc.add_text(f.article, file_record_key(&key));
    doc.add_text(f.file_hash, hash);
    doc.add_u64(f.file_size, file.size);
    doc.add_i64(f.file_mtime, file.mtime_ns);
    if !pairs.is_empty() {
        doc.add_text(f.alias_pairs, pairs);
    }
    doc
}

/// Reads every file record of the last commit.
fn load_manifest(ko: &KoIndex) -> Result<HashMap<String, FileRecord>> {
    let reader = ko.reader()?;
    let searcher = reader.searcher();
    let f = &ko.fields;
    let query = TermQuery::new(
        Term::from_field_text(f.kind, KIND_FILE),
        IndexRecordOption::Basic,
    );
    let docs = searcher
        .search(&query, &DocSetCollector)
        .map_err(|e| Error::tantivy(&ko.path, e))?;
    let mut manifest = HashMap::with_capacity(docs.len());
    let mut by_segment: BTreeMap<u32, Vec<u32>> = BTreeMap::new();
    for addr in docs {
        by_segment
            .entry(addr.segment_ord)
            .or_default()
            .push(addr.doc_id);
    }
    for (segment, ids) in by_segment {
        let seg = searcher.segment_reader(segment);
        let ff = seg.fast_fields();
        let corrupt = |e: tantivy::TantivyError| Error::tantivy(&ko.path, e);
        let path_col = ff
            .str("path")
            .map_err(corrupt)?
            .ok_or_else(|| Error::Schema("path is not a fast field".into()))?;
        let hash_col = ff
            .str("file_hash")
            .map_err(corrupt)?
            .ok_or_else(|| Error::Schema("file_hash is not a fast field".into()))?;
        let size_col = ff.u64("file_size").map_err(corrupt)?;
        let mtime_col = ff.i64("file_mtime").map_err(corrupt)?;
        let mut path = String::new();
        let mut hash = String::new();
        for id in ids {
            path.clear();
            hash.clear();
            let (Some(p_ord), Some(h_ord)) =
                (path_col.term_ords(id).next(), hash_col.term_ords(id).next())
            else {
                continue;
            };
            path_col
                .ord_to_str(p_ord, &mut path)
                .map_err(|e| Error::io(&ko.path, e))?;
            hash_col
                .ord_to_str(h_ord, &mut hash)
                .map_err(|e| Error::io(&ko.path, e))?;
            manifest.insert(
                path.clone(),
                FileRecord {
                    size: size_col.first(id).unwrap_or(0),
                    mtime_ns: mtime_col.first(id).unwrap_or(0),
                    hash: hash.clone(),
                },
            );
        }
    }
    Ok(manifest)
}

/// Reads, decodes, parses and cuts one file (on a worker thread).
fn process(
    ko: &KoIndex,
    file: &FoundFile,
    old: Option<&FileRecord>,
    encoding: Option<Encoding>,
    parse_options: &ParseOptions,
) -> Outcome {
    let fail = |reason: String| Outcome::Failed {
        file: file.clone(),
        reason,
        remedy: None,
    };
    let bytes = match std::fs::read(&file.path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            return fail("vanished during the run; the next run drops it".to_string());
        }
        Err(e) => return fail(format!("cannot read: {e}")),
    };
    let hash = blake3::hash(&bytes).to_hex()[..32].to_string();
    // The size and time seen by the walk may be stale if the file changed since: record what
    // was actually read.
    let file = FoundFile {
        size: bytes.len() as u64,
        ..file.clone()
    };
    let same = old.is_some_and(|o| o.hash == hash);
    let stem = file
        .path
        .file_stem()
        .map(|s| s.to_string_lossy().into_owned())
        .unwrap_or_default();
    let read = read::read(bytes, file.format, encoding, &stem, parse_options);
    let (parsed, read_as, encoding) = match read {
        Ok(read) => (read.parsed, read.format, read.encoding),
        // Unchanged content read before: keep its record (with no alias candidates).
        Err(_) if same => {
            return Outcome::SameContent {
                file,
                hash,
                pairs: String::new(),
            };
        }
        Err(ReadError::Decode(e)) => {
            return Outcome::Failed {
                reason: e.to_string(),
                remedy: e.encoding_to_try().map(Remedy::Encoding),
                file,
            };
        }
        Err(e) => return fail(e.to_string()),
    };
    let pairs = super::aliases::pairs_json(&parsed.articles);
    if same {
        // Re-parsed only for the alias candidates (cheap); not analysed or re-indexed.
        return Outcome::SameContent { file, hash, pairs };
    }
    let problems = parsed
        .problems
        .iter()
        .map(|p| Failure {
            path: file.path.clone(),
            reason: format!("{}: {}", p.place(read_as), p.reason),
            remedy: None,
        })
        .collect();
    let mut docs = Vec::new();
    let mut passages = 0;
    let articles = parsed.articles.len();
    let source = ReadFile {
        file: &file,
        format: read_as,
        encoding,
        stem: &stem,
    };
    for (i, article) in parsed.articles.iter().enumerate() {
        passages += article_docs(ko, &source, i, article, &mut docs);
    }
    Outcome::Indexed {
        file,
        hash,
        docs,
        articles,
        passages,
        problems,
        pairs,
    }
}

/// A stable id for articles that carry none: the first 16 hex digits of the path's hash, and
/// the record number for files holding several.
pub fn stable_id(path: &str, record: Option<usize>) -> String {
    let h = blake3::hash(path.as_bytes()).to_hex();
    match record {
        Some(r) => format!("{}-{r}", &h[..16]),
        None => h[..16].to_string(),
    }
}

/// A file as it was read: its entry, the format and encoding it was read in, its name
/// without extension.
#[derive(Clone, Copy)]
struct ReadFile<'a> {
    file: &'a FoundFile,
    format: Format,
    encoding: Option<Encoding>,
    stem: &'a str,
}

/// Turns one article into passage documents; returns how many.
fn article_docs(
    ko: &KoIndex,
    source: &ReadFile<'_>,
    index_in_file: usize,
    article: &Article,
    out: &mut Vec<TantivyDocument>,
) -> usize {
    let f = &ko.fields;
    let ReadFile {
        file,
        format,
        encoding,
        stem,
    } = *source;
    let key = path_key(&file.path);
    let split = passage::split(&article.paragraphs, &ko.config.passages);
    let record = article.record.or(match format {
        Format::Json | Format::JsonLines | Format::Feed => Some(index_in_file),
        _ => None,
    });
    let article_key = match record {
        Some(r) => format!("{key}#{r}"),
        None => key.clone(),
    };
    let id = article
        .id
        .clone()
        .unwrap_or_else(|| stable_id(&key, record));
    let title = article.title.clone().unwrap_or_else(|| stem.to_string());
    let meta = if article.meta.is_empty() {
        String::new()
    } else {
        serde_json::to_string(&article.meta).unwrap_or_default()
    };
    let date_num = article
        .date
        .as_deref()
        .and_then(|d| d.get(..10))
        .and_then(|d| d.replace('-', "").parse::<i64>().ok());
    let total = split.passages.len();
    for p in &split.passages {
        let mut doc = TantivyDocument::default();
        doc.add_text(f.kind, KIND_PASSAGE);
        doc.add_text(f.path, &key);
        doc.add_text(f.path_text, &key);
        doc.add_text(f.article, &article_key);
        doc.add_text(f.id, &id);
        doc.add_text(f.title, &title);
        // Analysed here, on a reader thread, once: the `text` and `pairs` tokenizers take the
        // tokens from the table handed over, and the table is stored for highlights.
        let text = split.passage_text(p);
        let mut table = Vec::new();
        tokenizer::passage_table(&ko.analyzer, text, &mut table);
        ko.tables.hand_over(text, &table);
        doc.add_text(f.text, text);
        doc.add_bytes(f.tokens, &table);
        doc.add_text(f.pairs, text);
        doc.add_text(f.bigrams, text);
        for (field, value) in [
            (f.source, &article.source),
            (f.author, &article.author),
            (f.url, &article.url),
            (f.date, &article.date),
        ] {
            if let Some(v) = value {
                doc.add_text(field, v);
            }
        }
        if let Some(n) = date_num {
            doc.add_i64(f.date_num, n);
        }
        doc.add_text(f.format, format.name());
        if let Some(encoding) = encoding {
            doc.add_text(f.encoding, encoding.name());
        }
        if let Some(r) = record {
            doc.add_u64(f.record, r as u64);
        }
        doc.add_u64(f.passage, p.ordinal as u64);
        doc.add_u64(f.passages, total as u64);
        doc.add_u64(f.byte_start, p.byte_start as u64);
        doc.add_u64(f.byte_end, p.byte_end as u64);
        doc.add_u64(f.char_start, p.char_start as u64);
        doc.add_u64(f.char_end, p.char_end as u64);
        if let Some(page) = split.paragraph_of(p).and_then(|i| article.pages.get(i)) {
            doc.add_u64(f.page, u64::from(*page));
        }
        if !meta.is_empty() {
            doc.add_text(f.meta, &meta);
        }
        out.push(doc);
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::AnalyzerConfig;
    use crate::dictionary::KoDictionary;
    use crate::ingest::parse::FieldMap;
    use crate::passage::PassageOptions;

    /// A run stopped before its walk ends writes nothing: the files it did not reach are not
    /// removed files.
    #[test]
    fn a_run_stopped_during_its_walk_removes_nothing() {
        let tmp = tempfile::tempdir().unwrap();
        let folder = tmp.path().join("articles");
        std::fs::create_dir(&folder).unwrap();
        for (i, text) in [
            "반도체 가격이 올랐다.",
            "열차 노선이 바뀐다.",
            "GPU 수요가 늘었다.",
        ]
        .iter()
        .enumerate()
        {
            std::fs::write(
                folder.join(format!("{i}.txt")),
                format!("제목 {i}\n\n{text}\n"),
            )
            .unwrap();
        }
        let dict = std::sync::Arc::new(KoDictionary::open_default().unwrap());
        let ko = KoIndex::create(
            &tmp.path().join("idx"),
            dict,
            AnalyzerConfig::default(),
            PassageOptions::default(),
            FieldMap::default(),
        )
        .unwrap();
        let options = UpdateOptions {
            jobs: 1,
            ..UpdateOptions::default()
        };
        let roots = [folder];
        let run = |stop: bool| {
            update(&ko, &roots, &options, &AtomicBool::new(stop), &mut |_| {}).unwrap()
        };
        assert_eq!(run(false).new, 3);
        let stopped = run(true);
        assert!(stopped.interrupted);
        assert_eq!((stopped.removed, stopped.commits), (0, 0));
        let again = run(false);
        assert_eq!((again.unchanged, again.new, again.removed), (3, 0, 0));
    }
}
