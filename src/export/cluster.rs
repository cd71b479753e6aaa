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
//! The query of [`super::dsl`] is written against these fields.
//!
//! OpenSearch gets `index.json` (settings and mappings for `PUT /<index>`), `bulk-NNNN.ndjson`
//! (`_bulk` bodies of at most [`MAX_FILE_BYTES`], `_id` = [`passage_id`]) and `load.sh`;
//! Quickwit gets `quickwit-index.yaml` and `docs-NNNN.ndjson`. Every export also writes
//! `kosearch-export.json` (what was exported, from which index, into which files) and
//! `passages.tsv` (each passage id with a hash of the analyser and of the passage's stored
//! fields, all its document is made from), which `--since-export` reads to write only what
//! changed: new and changed passages, and `delete` actions for the ones that vanished. An
//! unchanged passage is not analysed again, so an update costs what changed.
//!
//! The folder is written beside its final place and renamed into it when complete; a
//! folder that is not empty and holds no export is never written into.

use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use serde_json::{Value, json};
use tantivy::schema::Field;

use crate::analysis::tokenizer::{Place, bigrams, each_pair, is_whole};
use crate::analysis::{Analyzer, Scratch};
use crate::error::{Error, Result};
use crate::index::KoIndex;
use crate::index::schema::Fields;
use crate::search::bm25::{B, K1};
use crate::search::{Hit, Searcher};

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

/// One analysed text: the finest terms in order and the wholes.
#[derive(Debug, Default)]
struct Terms {
    terms: Vec<String>,
    places: Vec<Place>,
}

impl Terms {
    fn analyse(&mut self, analyzer: &Analyzer, scratch: &mut Scratch, text: &str) {
        self.terms.clear();
        self.places.clear();
        analyzer.analyze(text, scratch, |t| {
            if t.indexed {
                self.terms.push(t.term.to_string());
                self.places.push(Place {
                    from: t.start,
                    to: t.end,
                    position: t.position,
                    part: t.kind == crate::analysis::TokenKind::Part,
                });
            }
        });
    }

    /// The field's values: the finest terms, then the wholes (when there are any).
    fn values(&self) -> Vec<String> {
        let (mut finest, mut wholes) = (String::new(), String::new());
        for (i, t) in self.terms.iter().enumerate() {
            let out = if is_whole(&self.places, i) {
                &mut wholes
            } else {
                &mut finest
            };
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(t);
        }
        let mut values = vec![finest];
        if !wholes.is_empty() {
            values.push(wholes);
        }
        values
    }

    /// The pairs of neighbouring terms, as kosearch's pair field indexes them.
    fn pairs(&self) -> String {
        let mut out = String::new();
        each_pair(&self.places, |i, j| {
            if !out.is_empty() {
                out.push(' ');
            }
            out.push_str(&self.terms[i]);
            out.push(PAIR_JOIN);
            out.push_str(&self.terms[j]);
        });
        out
    }
}

/// The pre-analysed fields of an article (the same for each of its passages).
#[derive(Debug, Clone, Default)]
struct ArticleTerms {
    article: String,
    title: Vec<String>,
    source: Vec<String>,
    author: Vec<String>,
    path: String,
}

/// Analyses passages for export; one per thread.
struct PreAnalyser<'a> {
    ko: &'a KoIndex,
    /// The analyser's fingerprint, part of every document's hash.
    fingerprint: &'a str,
    scratch: Scratch,
    terms: Terms,
    last: ArticleTerms,
}

/// One passage's stored fields, as a cluster stores them (the first part of its document).
#[derive(Debug, Serialize)]
struct Stored<'a> {
    passage_id: &'a str,
    id: &'a str,
    article: &'a str,
    path: &'a str,
    title: &'a str,
    text: &'a str,
    date: Option<&'a str>,
    source: Option<&'a str>,
    author: Option<&'a str>,
    url: Option<&'a str>,
    passage: u64,
    passages: u64,
    byte_start: u64,
    byte_end: u64,
    char_start: u64,
    char_end: u64,
    page: Option<u64>,
    format: &'a str,
    encoding: &'a str,
    record: Option<u64>,
    meta: &'a std::collections::BTreeMap<String, String>,
}

/// One passage's pre-analysed fields (the rest of its document).
#[derive(Debug, Serialize)]
struct Analysed<'a> {
    ko_text: Vec<String>,
    ko_title: &'a [String],
    ko_source: &'a [String],
    ko_author: &'a [String],
    ko_path: &'a str,
    ko_pairs: String,
    ko_bigrams: String,
}

/// The document fields, with their OpenSearch mapping (the test reads both).
fn opensearch_properties() -> Value {
    let keyword = json!({"type": "keyword"});
    let nori = json!({
        "type": "text",
        "analyzer": "kosearch_nori",
        "search_analyzer": "kosearch_nori_search",
        "similarity": "kosearch_bm25",
    });
    let terms = json!({
        "type": "text",
        "analyzer": "kosearch_terms",
        "similarity": "kosearch_bm25",
        "position_increment_gap": 100,
    });
    let freqs = json!({
        "type": "text",
        "analyzer": "kosearch_terms",
        "similarity": "kosearch_bm25",
        "index_options": "freqs",
    });
    json!({
        "passage_id": keyword,
        "id": keyword,
        "article": keyword,
        "path": keyword,
        "title": nori,
        "text": nori,
        "date": {"type": "date", "format": "yyyy-MM-dd"},
        "source": keyword,
        "author": keyword,
        "url": keyword,
        "passage": {"type": "integer"},
        "passages": {"type": "integer"},
        "byte_start": {"type": "long"},
        "byte_end": {"type": "long"},
        "char_start": {"type": "long"},
        "char_end": {"type": "long"},
        "page": {"type": "integer"},
        "format": keyword,
        "encoding": keyword,
        "record": {"type": "long"},
        "meta": {"type": "object", "enabled": false},
        "ko_text": terms,
        "ko_title": terms,
        "ko_source": terms,
        "ko_author": terms,
        "ko_path": terms,
        "ko_pairs": freqs,
        "ko_bigrams": freqs,
    })
}

impl<'a> PreAnalyser<'a> {
    fn new(ko: &'a KoIndex, fingerprint: &'a str) -> Self {
        PreAnalyser {
            ko,
            fingerprint,
            scratch: Scratch::default(),
            terms: Terms::default(),
            last: ArticleTerms::default(),
        }
    }

    /// The values of a short field (title, outlet, reporter).
    fn values_of(&mut self, text: &str) -> Vec<String> {
        self.terms
            .analyse(&self.ko.analyzer, &mut self.scratch, text);
        let v = self.terms.values();
        if v.len() == 1 && v[0].is_empty() {
            Vec::new()
        } else {
            v
        }
    }

    /// One passage's document as a JSON line (no newline), with the hash that
    /// `passages.tsv` keeps: of the analyser and the passage's stored fields, which is all
    /// its document is made from. `None` for the document when `previous` (the last
    /// export's hashes) holds the same hash: the passage is unchanged, and not analysed.
    fn document(
        &mut self,
        h: &Hit,
        id: &str,
        previous: Option<&HashMap<String, String>>,
    ) -> Result<(String, Option<Vec<u8>>)> {
        let json_err = |e: serde_json::Error| Error::Schema(format!("passage {id}: {e}"));
        let stored = Stored {
            passage_id: id,
            id: &h.id,
            article: &h.article,
            path: &h.path,
            title: &h.title,
            text: &h.text,
            date: h.date.as_deref().filter(|d| is_day(d)),
            source: h.source.as_deref(),
            author: h.author.as_deref(),
            url: h.url.as_deref(),
            passage: h.passage,
            passages: h.passages,
            byte_start: h.byte_start,
            byte_end: h.byte_end,
            char_start: h.char_start,
            char_end: h.char_end,
            page: h.page,
            format: &h.format,
            encoding: &h.encoding,
            record: h.record,
            meta: &h.meta,
        };
        let mut doc = serde_json::to_vec(&stored).map_err(json_err)?;
        let mut hasher = blake3::Hasher::new();
        hasher.update(self.fingerprint.as_bytes());
        hasher.update(b"\0");
        hasher.update(&doc);
        let hash = hasher.finalize().to_hex()[..32].to_string();
        if previous.and_then(|p| p.get(id)) == Some(&hash) {
            return Ok((hash, None));
        }

        if self.last.article != h.article || self.last.article.is_empty() {
            let path = path_terms(self.ko, &h.path);
            self.last = ArticleTerms {
                article: h.article.clone(),
                title: self.values_of(&h.title),
                source: self.values_of(h.source.as_deref().unwrap_or("")),
                author: self.values_of(h.author.as_deref().unwrap_or("")),
                path,
            };
        }
        self.terms
            .analyse(&self.ko.analyzer, &mut self.scratch, &h.text);
        let mut grams = String::with_capacity(h.text.len());
        bigrams(&h.text, |g| {
            if !grams.is_empty() {
                grams.push(' ');
            }
            grams.push_str(g);
        });
        let ko_text = {
            let v = self.terms.values();
            if v.len() == 1 && v[0].is_empty() {
                Vec::new()
            } else {
                v
            }
        };
        let analysed = Analysed {
            ko_text,
            ko_title: &self.last.title,
            ko_source: &self.last.source,
            ko_author: &self.last.author,
            ko_path: &self.last.path,
            ko_pairs: self.terms.pairs(),
            ko_bigrams: grams,
        };
        // One object: the stored fields' `{…}` and the analysed fields' `{…}` joined.
        let more = serde_json::to_vec(&analysed).map_err(json_err)?;
        doc.pop();
        doc.push(b',');
        doc.extend_from_slice(&more[1..]);
        Ok((hash, Some(doc)))
    }
}

/// Whether a date is a day as `YYYY-MM-DD` (what the cluster's `date` field takes).
fn is_day(d: &str) -> bool {
    let b = d.as_bytes();
    b.len() == 10
        && b[4] == b'-'
        && b[7] == b'-'
        && b.iter()
            .enumerate()
            .all(|(i, c)| i == 4 || i == 7 || c.is_ascii_digit())
        && crate::search::parse_day(d, false).is_some()
}

/// A path's terms as kosearch's path field indexes them.
fn path_terms(ko: &KoIndex, path: &str) -> String {
    let mut out = String::new();
    let Some(mut analyzer) = ko.index.tokenizers().get(crate::index::PATH_ANALYZER) else {
        return out;
    };
    let mut stream = analyzer.token_stream(path);
    while let Some(t) = tantivy::tokenizer::TokenStream::next(&mut stream) {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(&t.text);
    }
    out
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

/// One passage as exported: its id, its hash, and its document unless it is unchanged since
/// the last export.
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
                    Ok((id, hash, doc))
                },
            )
            .collect();
        for (h, doc) in hits.iter().zip(docs) {
            let (id, hash, doc) = doc?;
            summary.passages += 1;
            summary.text_bytes += h.text.len() as u64;
            if !seen.insert(id.clone()) {
                return Err(Error::Schema(format!(
                    "two passages have the id {id:?}: the index holds one article twice"
                )));
            }
            writeln!(ids, "{}\t{hash}", escape_id(&id)).map_err(|e| Error::io(&ids_path, e))?;
            if let Some(p) = previous.as_mut() {
                p.remove(&id);
            }
            // Unchanged since the last export.
            let Some(doc) = doc else {
                continue;
            };
            let mut lines = Vec::with_capacity(doc.len() + id.len() + 40);
            if target == Target::OpenSearch {
                serde_json::to_writer(&mut lines, &json!({"index": {"_id": id}}))
                    .map_err(|e| Error::Schema(e.to_string()))?;
                lines.push(b'\n');
            }
            lines.extend_from_slice(&doc);
            lines.push(b'\n');
            data.write(&lines)?;
            summary.written += 1;
        }
        Ok(())
    };
    match passages {
        Passages::All => {
            searcher.each_passage(512, &mut batch_out)?;
        }
        Passages::Query(compiled, search) => {
            let mut batch = Vec::with_capacity(512);
            let mut options = search.clone();
            options.highlights = false;
            searcher.for_each(compiled, &options, None, |h| {
                batch.push(h);
                if batch.len() == 512 {
                    batch_out(std::mem::take(&mut batch))?;
                }
                Ok(())
            })?;
            if !batch.is_empty() {
                batch_out(batch)?;
            }
        }
    }
    // What the last export held and this one does not: deleted (OpenSearch; Quickwit has
    // no deletion by id, see SCALE.md).
    if let (Some(gone), Target::OpenSearch) = (previous, target) {
        let mut gone: Vec<String> = gone.into_keys().collect();
        gone.sort();
        for id in gone {
            let mut line = serde_json::to_vec(&json!({"delete": {"_id": id}}))
                .map_err(|e| Error::Schema(e.to_string()))?;
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
            let settings = opensearch_index(searcher, options)?;
            write_file(&work.join("index.json"), &pretty(&settings)?)?;
            write_file(
                &work.join("load.sh"),
                load_script(options, &summary).as_bytes(),
            )?;
            set_executable(&work.join("load.sh"))?;
        }
        Target::Quickwit => {
            write_file(
                &work.join("quickwit-index.yaml"),
                quickwit_config(options).as_bytes(),
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
        serde_json::to_vec_pretty(&manifest).map_err(|e| Error::Schema(e.to_string()))?;
    write_file(&work.join(MANIFEST), &manifest_json)?;
    put_in_place(tmp, dir)?;
    Ok(summary)
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

fn pretty(v: &Value) -> Result<Vec<u8>> {
    let mut out = serde_json::to_vec_pretty(v).map_err(|e| Error::Schema(e.to_string()))?;
    out.push(b'\n');
    Ok(out)
}

/// Nori's part-of-speech tags (`org.apache.lucene.analysis.ko.POS.Tag`).
const NORI_TAGS: [&str; 36] = [
    "E", "IC", "J", "MAG", "MAJ", "MM", "NA", "NNB", "NNBC", "NNG", "NNP", "NP", "NR", "SC", "SE",
    "SF", "SH", "SL", "SN", "SP", "SSC", "SSO", "SY", "UNA", "UNKNOWN", "VA", "VCN", "VCP", "VSV",
    "VV", "VX", "XPN", "XR", "XSA", "XSN", "XSV",
];

/// The Nori tags to drop: those kosearch does not index. Nori has one tag for every ending
/// (`E`) and one for every particle (`J`), where mecab-ko-dic has several of each.
pub fn nori_stop_tags(keep: &[String]) -> Vec<&'static str> {
    NORI_TAGS
        .iter()
        .copied()
        .filter(|tag| {
            !keep.iter().any(|k| match *tag {
                "E" | "J" => k.starts_with(tag),
                _ => k == tag,
            })
        })
        .collect()
}

/// The user dictionary as Nori's `user_dictionary_rules`: `word` or `word part part …`
/// where the parts spell the word (Nori refuses other segmentations).
pub fn nori_user_rules(text: &str) -> Vec<String> {
    let mut rules = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        let word = fields[0].trim();
        if word.is_empty() {
            continue;
        }
        let parts: Vec<&str> = fields
            .get(2)
            .map(|p| {
                p.split('+')
                    .map(|s| s.split('/').next().unwrap_or("").trim())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if parts.len() > 1 && parts.concat() == word {
            rules.push(format!("{word} {}", parts.join(" ")));
        } else {
            rules.push(word.to_string());
        }
    }
    rules
}

/// The synonyms file's groups and the mined aliases as Solr-format synonym rules.
fn synonym_rules(searcher: &Searcher) -> Vec<String> {
    searcher
        .synonyms()
        .groups()
        .iter()
        .map(|g| {
            g.iter()
                .map(|m| m.replace(',', "\\,"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect()
}

/// `index.json`: the body of `PUT /<index>`.
fn opensearch_index(searcher: &Searcher, options: &Options) -> Result<Value> {
    let ko = searcher.index();
    let rules = ko
        .config
        .user_dictionary_text
        .as_deref()
        .map(nori_user_rules)
        .unwrap_or_default();
    let stop = nori_stop_tags(&ko.config.analyzer.keep_pos);
    let mut tokenizer = json!({
        "type": "nori_tokenizer",
        "decompound_mode": "mixed",
        "discard_punctuation": true,
    });
    if !rules.is_empty() {
        tokenizer["user_dictionary_rules"] = json!(rules);
    }
    let synonyms = synonym_rules(searcher);
    let mut search_filters = vec!["kosearch_pos", "lowercase"];
    let mut filters = json!({
        "kosearch_pos": {"type": "nori_part_of_speech", "stoptags": stop},
    });
    if !synonyms.is_empty() {
        filters["kosearch_synonyms"] =
            json!({"type": "synonym_graph", "synonyms": synonyms, "lenient": true});
        search_filters.push("kosearch_synonyms");
    }
    Ok(json!({
        "settings": {
            "index": {
                "number_of_shards": options.shards,
                "number_of_replicas": options.replicas,
                "similarity": {
                    "kosearch_bm25": {"type": "BM25", "k1": K1, "b": B},
                },
                "analysis": {
                    "tokenizer": {"kosearch_nori": tokenizer},
                    "filter": filters,
                    "analyzer": {
                        "kosearch_nori": {
                            "type": "custom",
                            "tokenizer": "kosearch_nori",
                            "filter": ["kosearch_pos", "lowercase"],
                        },
                        "kosearch_nori_search": {
                            "type": "custom",
                            "tokenizer": "kosearch_nori",
                            "filter": search_filters,
                        },
                        "kosearch_terms": {
                            "type": "custom",
                            "tokenizer": "whitespace",
                            "filter": ["lowercase"],
                        },
                    },
                },
            },
        },
        "mappings": {
            "dynamic": "strict",
            "properties": opensearch_properties(),
        },
    }))
}

/// `load.sh`: creates the index unless it exists, then sends every bulk file, stopping at
/// the first error the cluster reports (`_bulk` answers 200 with `"errors": true` when
/// some of its items fail).
fn load_script(options: &Options, summary: &Summary) -> String {
    let files: Vec<String> = summary.files.iter().map(|f| format!("  {f}")).collect();
    format!(
        r#"#!/bin/sh
# Loads this export into OpenSearch or Elasticsearch (with the analysis-nori plugin).
# Written by kosearch {version}: {passages} passages, {written} to send, {deleted} to delete.
#
#   ./load.sh [URL]        URL defaults to $OPENSEARCH_URL, else http://localhost:9200
#   OPENSEARCH_AUTH=user:password ./load.sh https://cluster:9200
#
# Creates the index "{index}" from index.json unless it exists, sends each bulk file, and
# stops at the first error the cluster reports.
set -eu
url="${{1:-${{OPENSEARCH_URL:-http://localhost:9200}}}}"
url="${{url%/}}"
index="{index}"
here="$(cd "$(dirname "$0")" && pwd)"
call() {{
    if [ -n "${{OPENSEARCH_AUTH:-}}" ]; then
        curl -sS -u "$OPENSEARCH_AUTH" "$@"
    else
        curl -sS "$@"
    fi
}}
status="$(call -o /dev/null -w '%{{http_code}}' -I "$url/$index")"
case "$status" in
200) echo "index $index exists: loading into it" ;;
404)
    out="$(call -w '\n%{{http_code}}' -X PUT "$url/$index" -H 'Content-Type: application/json' --data-binary "@$here/index.json")"
    case "$out" in
    *'
200') echo "created index $index" ;;
    *) echo "load.sh: creating index $index failed:" >&2; echo "$out" >&2; exit 1 ;;
    esac
    ;;
*) echo "load.sh: $url/$index answered HTTP $status" >&2; exit 1 ;;
esac
for f in \
{files}
do
    out="$(call -w '\n%{{http_code}}' -X POST "$url/$index/_bulk" -H 'Content-Type: application/x-ndjson' --data-binary "@$here/$f")"
    case "$out" in
    *'"errors":true'*|*'"errors": true'*)
        echo "load.sh: $f: the cluster refused some documents:" >&2
        printf '%s\n' "$out" | head -c 4000 >&2
        exit 1 ;;
    *'
200') echo "loaded $f" ;;
    *) echo "load.sh: $f failed:" >&2; printf '%s\n' "$out" | head -c 4000 >&2; exit 1 ;;
    esac
done
call -o /dev/null -X POST "$url/$index/_refresh"
echo "done: $url/$index"
"#,
        version = env!("CARGO_PKG_VERSION"),
        passages = summary.passages,
        written = summary.written,
        deleted = summary.deleted,
        index = options.index_name,
        files = if files.is_empty() {
            "  ".to_string()
        } else {
            files.join(" \\\n")
        },
    )
}

/// `quickwit-index.yaml`: a Quickwit 0.9 index config. Quickwit has no Korean tokenizer, so
/// search goes through the pre-analysed fields and its `whitespace` tokenizer.
fn quickwit_config(options: &Options) -> String {
    let raw = |name: &str| format!("    - name: {name}\n      type: text\n      tokenizer: raw\n");
    let u64f = |name: &str| format!("    - name: {name}\n      type: u64\n");
    let terms = |name: &str, array: bool, record: &str| {
        format!(
            "    - name: {name}\n      type: {}\n      tokenizer: whitespace\n      record: {record}\n      fieldnorms: true\n",
            if array { "array<text>" } else { "text" }
        )
    };
    let mut fields = String::new();
    for f in ["passage_id", "id", "article", "path"] {
        fields.push_str(&raw(f));
    }
    fields.push_str(
        "    - name: title\n      type: text\n      tokenizer: default\n      record: position\n",
    );
    fields.push_str(
        "    - name: text\n      type: text\n      tokenizer: default\n      record: position\n",
    );
    fields.push_str(
        "    - name: date\n      type: datetime\n      input_formats: [\"%Y-%m-%d\"]\n      output_format: \"%Y-%m-%d\"\n      fast: true\n      fast_precision: seconds\n",
    );
    for f in ["source", "author", "url"] {
        fields.push_str(&raw(f));
    }
    for f in [
        "passage",
        "passages",
        "byte_start",
        "byte_end",
        "char_start",
        "char_end",
        "page",
    ] {
        fields.push_str(&u64f(f));
    }
    for f in ["format", "encoding"] {
        fields.push_str(&raw(f));
    }
    fields.push_str(&u64f("record"));
    fields.push_str("    - name: meta\n      type: json\n      indexed: false\n");
    for f in ["ko_text", "ko_title", "ko_source", "ko_author"] {
        fields.push_str(&terms(f, true, "position"));
    }
    fields.push_str(&terms("ko_path", false, "position"));
    fields.push_str(&terms("ko_pairs", false, "freq"));
    fields.push_str(&terms("ko_bigrams", false, "freq"));
    format!(
        "# Quickwit index config written by kosearch {version}.\n\
         #   quickwit index create --index-config quickwit-index.yaml\n\
         #   quickwit index ingest --index {index} --input-path docs-0001.ndjson  (each file)\n\
         version: 0.9\n\
         index_id: {index}\n\
         doc_mapping:\n  \
           mode: strict\n  \
           timestamp_field: date\n  \
           field_mappings:\n{fields}\
         search_settings:\n  \
           default_search_fields: [ko_text, ko_title]\n",
        version = env!("CARGO_PKG_VERSION"),
        index = options.index_name,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_tags_are_the_nori_tags_kosearch_does_not_index() {
        let keep: Vec<String> = crate::analysis::DEFAULT_KEEP_POS
            .iter()
            .map(|s| s.to_string())
            .collect();
        let stop = nori_stop_tags(&keep);
        for kept in ["NNG", "NNP", "VV", "VA", "SL", "SN", "SH", "XR", "UNKNOWN"] {
            assert!(!stop.contains(&kept), "{kept}");
        }
        for dropped in ["E", "J", "MAG", "SF", "SY", "VCP", "XSN", "XSV"] {
            assert!(stop.contains(&dropped), "{dropped}");
        }
        let with_endings = nori_stop_tags(&["EF".to_string()]);
        assert!(!with_endings.contains(&"E"));
    }

    #[test]
    fn user_rules_keep_segmentations_that_spell_the_word() {
        let rules = nori_user_rules(
            "# comment\n소형언어모델,NNG,소형/NNG+언어/NNG+모델/NNG\nGPU,SL\n이상한,NNG,다른/NNG+말/NNG\n\n",
        );
        assert_eq!(rules, ["소형언어모델 소형 언어 모델", "GPU", "이상한"]);
    }

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

    #[test]
    fn only_whole_days_go_to_the_date_field() {
        assert!(is_day("2024-05-01"));
        for bad in [
            "2024-05",
            "2024-13-01",
            "2024/05/01",
            "20240501",
            "2024-5-1",
        ] {
            assert!(!is_day(bad), "{bad}");
        }
    }
}
