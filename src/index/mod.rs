//! The index: a tantivy index plus `kosearch.json`, which records what built it.
//!
//! `kosearch.json` holds the schema, the analyser configuration (with the user dictionary's
//! full text, so queries are analysed exactly as the passages were, from any folder), the
//! dictionary's identity and the passage sizes. Opening an index compares them with this
//! build of kosearch; a mismatch is an error ([`Error::IndexMismatch`]), and the rules for
//! what a run may change in an existing index are in [`compat`].
//!
//! Documents: one per passage (`kind = passage`) and one per source file (`kind = file`: path,
//! size, modification time and content hash), which is the manifest [`update`] uses to
//! re-read only what changed. Both kinds are written in the same commits, so the manifest can
//! never disagree with the passages, whenever a run is stopped.

pub mod aliases;
pub mod compat;
pub mod readonly;
pub mod schema;
pub mod update;

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

use serde::{Deserialize, Serialize};
use tantivy::tokenizer::{LowerCaser, SimpleTokenizer, TextAnalyzer};

use crate::analysis::tokenizer::Tables;
use crate::analysis::userdic::UserDictionary;
use crate::analysis::{Analyzer, AnalyzerConfig};
use crate::dictionary::KoDictionary;
use crate::error::{Error, Result};
use crate::ingest::parse::FieldMap;
use crate::passage::PassageOptions;
use schema::{Fields, SchemaSpec};

/// Version of the `kosearch.json` layout.
pub const CONFIG_VERSION: u32 = 1;
/// Name of the file recording what built an index.
pub const CONFIG_FILE: &str = "kosearch.json";
/// Name of the analyser that splits paths into components (`path:` queries).
pub const PATH_ANALYZER: &str = "path";

/// Where the index lives when neither `--index` nor `KOSEARCH_INDEX` says:
/// `$XDG_DATA_HOME/kosearch/index`, else `~/.local/share/kosearch/index`.
pub fn default_path() -> PathBuf {
    if let Some(dir) = std::env::var_os("XDG_DATA_HOME").filter(|d| !d.is_empty()) {
        return PathBuf::from(dir).join("kosearch").join("index");
    }
    let home = std::env::var_os("HOME")
        .or_else(|| std::env::var_os("USERPROFILE"))
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from("."));
    home.join(".local")
        .join("share")
        .join("kosearch")
        .join("index")
}

/// What built an index (`kosearch.json`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndexConfig {
    /// [`CONFIG_VERSION`].
    pub config_version: u32,
    /// The schema.
    pub schema: SchemaSpec,
    /// The analyser's configuration (its user dictionary path is where it was read from).
    pub analyzer: AnalyzerConfig,
    /// The user dictionary's text, if any.
    pub user_dictionary_text: Option<String>,
    /// [`Analyzer::fingerprint`] of the analyser that built the index.
    pub analyzer_fingerprint: String,
    /// Passage sizes.
    pub passages: PassageOptions,
    /// JSON field mapping.
    pub fields: FieldMap,
}

/// An open index.
pub struct KoIndex {
    /// The tantivy index.
    pub index: tantivy::Index,
    /// The index folder.
    pub path: PathBuf,
    /// What built it.
    pub config: IndexConfig,
    /// Field handles.
    pub fields: Fields,
    /// The analyser, as recorded.
    pub analyzer: Arc<Analyzer>,
    /// Passages tantivy's writer threads have analysed so far in this process (for pacing
    /// the writer, see [`update`]).
    pub analysed_passages: Arc<AtomicU64>,
    /// Token tables of passages analysed by the reader threads, waiting for tantivy's
    /// tokenizers (see [`update`]).
    pub tables: Arc<Tables>,
}

impl std::fmt::Debug for KoIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KoIndex").field("path", &self.path).finish()
    }
}

/// Builds the analyser an index records.
fn recorded_analyzer(config: &IndexConfig, dict: Arc<KoDictionary>) -> Result<Analyzer> {
    let user = match &config.user_dictionary_text {
        Some(text) => {
            UserDictionary::parse(text, &dict).map_err(|(line, reason)| Error::UserDictionary {
                path: config
                    .analyzer
                    .user_dictionary
                    .clone()
                    .unwrap_or_else(|| PathBuf::from("(recorded in the index)")),
                line,
                reason,
            })?
        }
        None => UserDictionary::empty(),
    };
    Analyzer::with_user_dictionary(dict, Arc::new(user), config.analyzer.clone())
}

/// Registers kosearch's analysers on `index`; returns the count of passages they have taken
/// (see [`crate::analysis::tokenizer::register`]).
fn register_analyzers(
    index: &tantivy::Index,
    analyzer: Arc<Analyzer>,
    tables: Arc<Tables>,
) -> Arc<AtomicU64> {
    let passages = crate::analysis::tokenizer::register(index, analyzer, tables);
    index.tokenizers().register(
        PATH_ANALYZER,
        TextAnalyzer::builder(SimpleTokenizer::default())
            .filter(LowerCaser)
            .build(),
    );
    passages
}

impl KoIndex {
    /// A reader of the last commit. On a read-only file system, where tantivy cannot take
    /// its lock file, the index is opened again without locks for the reader (nothing can
    /// change it there).
    pub fn reader(&self) -> Result<tantivy::IndexReader> {
        let build = |index: &tantivy::Index| {
            index
                .reader_builder()
                .reload_policy(tantivy::ReloadPolicy::Manual)
                .try_into()
                .map_err(|e| Error::tantivy(&self.path, e))
        };
        match build(&self.index) {
            Err(Error::ReadOnly(_)) => {
                let dir = readonly::ReadOnlyDirectory::open(&self.path)
                    .map_err(|e| Error::tantivy(&self.path, e))?;
                let index = tantivy::Index::open(dir).map_err(|e| Error::tantivy(&self.path, e))?;
                register_analyzers(&index, self.analyzer.clone(), self.tables.clone());
                build(&index)
            }
            other => other,
        }
    }

    /// The opstamp of the last commit: it changes with every commit.
    pub fn commit_opstamp(&self) -> Result<u64> {
        self.index
            .load_metas()
            .map(|m| m.opstamp)
            .map_err(|e| Error::tantivy(&self.path, e))
    }

    /// Checks that the index on disk was still built as the one opened (`kosearch.json`
    /// unchanged): an index rebuilt in place with another analyser, dictionary or schema
    /// cannot be read with this one, and is an [`Error::IndexMismatch`].
    pub fn same_build(&self) -> Result<()> {
        let path = self.path.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&path).map_err(|e| Error::io(&path, e))?;
        let now: Option<IndexConfig> = serde_json::from_str(&text).ok();
        if now.as_ref() == Some(&self.config) {
            return Ok(());
        }
        Err(Error::IndexMismatch {
            path: self.path.clone(),
            reason: "it was rebuilt with another analyser, dictionary or schema after it was \
                     opened"
                .into(),
        })
    }

    /// Whether `path` holds a kosearch index.
    pub fn exists(path: &Path) -> bool {
        path.join(CONFIG_FILE).is_file() && path.join("meta.json").is_file()
    }

    /// Opens an existing index, checking it matches this build of kosearch.
    pub fn open(path: &Path, dict: Arc<KoDictionary>) -> Result<KoIndex> {
        if !Self::exists(path) {
            return Err(Error::NoIndex(path.to_path_buf()));
        }
        let config_path = path.join(CONFIG_FILE);
        let text = std::fs::read_to_string(&config_path).map_err(|e| Error::io(&config_path, e))?;
        let config: IndexConfig =
            serde_json::from_str(&text).map_err(|e| Error::IndexMismatch {
                path: path.to_path_buf(),
                reason: format!("{CONFIG_FILE} is unreadable or from another version ({e})"),
            })?;
        let mismatch = |reason: String| Error::IndexMismatch {
            path: path.to_path_buf(),
            reason,
        };
        let builtin = SchemaSpec::builtin()?;
        if config.schema != builtin {
            return Err(mismatch(format!(
                "it was built with schema version {}, this kosearch uses version {}",
                config.schema.version, builtin.version
            )));
        }
        let analyzer = recorded_analyzer(&config, dict)?;
        if analyzer.fingerprint() != config.analyzer_fingerprint {
            return Err(mismatch(format!(
                "it was built with another analyser or dictionary ({}), this kosearch has ({})",
                config.analyzer_fingerprint,
                analyzer.fingerprint()
            )));
        }
        let index = tantivy::Index::open_in_dir(path).map_err(|e| Error::tantivy(path, e))?;
        if index.schema() != builtin.to_tantivy()? {
            return Err(mismatch(
                "its tantivy schema differs from kosearch.json".into(),
            ));
        }
        let fields = Fields::new(&index.schema())?;
        let analyzer = Arc::new(analyzer);
        let tables = Arc::<Tables>::default();
        let analysed_passages = register_analyzers(&index, analyzer.clone(), tables.clone());
        Ok(KoIndex {
            index,
            path: path.to_path_buf(),
            config,
            fields,
            analyzer,
            analysed_passages,
            tables,
        })
    }

    /// Creates a new, empty index at `path` (which must not hold one).
    pub fn create(
        path: &Path,
        dict: Arc<KoDictionary>,
        analyzer_config: AnalyzerConfig,
        passages: PassageOptions,
        fields: FieldMap,
    ) -> Result<KoIndex> {
        passages.validate().map_err(Error::PassageSizes)?;
        let user_dictionary_text = match &analyzer_config.user_dictionary {
            Some(p) => Some(crate::analysis::userdic::read_text(p)?),
            None => None,
        };
        let schema = SchemaSpec::builtin()?;
        let mut config = IndexConfig {
            config_version: CONFIG_VERSION,
            schema: schema.clone(),
            analyzer: analyzer_config,
            user_dictionary_text,
            analyzer_fingerprint: String::new(),
            passages,
            fields,
        };
        let analyzer = recorded_analyzer(&config, dict.clone())?;
        config.analyzer_fingerprint = analyzer.fingerprint();
        // Built in a temporary folder beside the target and renamed into place, so a run
        // killed here leaves either no index or a whole empty one, never half of one.
        let name = path
            .file_name()
            .ok_or_else(|| Error::NotAFolderName(path.to_path_buf()))?;
        let parent = match path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&parent).map_err(|e| Error::io(&parent, e))?;
        let tmp = tempfile::Builder::new()
            .prefix(&format!(".{}.creating-", name.to_string_lossy()))
            .tempdir_in(&parent)
            .map_err(|e| Error::io(&parent, e))?;
        {
            let index = tantivy::Index::create_in_dir(tmp.path(), schema.to_tantivy()?)
                .map_err(|e| Error::tantivy(path, e))?;
            drop(index);
            write_atomically(
                &tmp.path().join(CONFIG_FILE),
                serde_json::to_string_pretty(&config)
                    .map_err(|source| Error::Json {
                        path: path.join(CONFIG_FILE),
                        source,
                    })?
                    .as_bytes(),
            )?;
        }
        if path.is_dir() {
            // Only an empty folder may stand where the index goes (the caller checks).
            std::fs::remove_dir(path).map_err(|e| Error::io(path, e))?;
        }
        let tmp = tmp.keep();
        if let Err(e) = std::fs::rename(&tmp, path) {
            let _ = std::fs::remove_dir_all(&tmp);
            return Err(Error::io(path, e));
        }
        KoIndex::open(path, dict)
    }
}

/// Writes a file through a temporary name and a rename, so it is whole or absent.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> Result<()> {
    use std::io::Write;
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(|e| Error::io(dir, e))?;
    tmp.write_all(bytes).map_err(|e| Error::io(path, e))?;
    tmp.as_file().sync_all().map_err(|e| Error::io(path, e))?;
    tmp.persist(path).map_err(|e| Error::io(path, e.error))?;
    Ok(())
}

/// One passage as the index holds it, reduced to what identifies it and its content.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
pub struct PassageEntry {
    /// The file's path.
    pub path: String,
    /// The article key (the path, with `#record` for JSON records).
    pub article: String,
    /// 0-based passage number within the article.
    pub passage: u64,
    /// How many passages the article has.
    pub passages: u64,
    /// The first 32 hex digits of the passage text's BLAKE3 hash.
    pub text_hash: String,
}

/// What the last commit of an index holds, for checks and tests.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Inventory {
    /// Every passage, sorted.
    pub passages: Vec<PassageEntry>,
    /// Every file in the manifest, sorted.
    pub files: Vec<String>,
}

impl Inventory {
    /// Problems that make the inventory inconsistent: a passage listed twice, an article
    /// missing some of its passages, passages of a file the manifest does not list.
    pub fn problems(&self) -> Vec<String> {
        let mut out = Vec::new();
        let files: std::collections::BTreeSet<&str> =
            self.files.iter().map(String::as_str).collect();
        let mut by_article: std::collections::BTreeMap<&str, Vec<&PassageEntry>> =
            std::collections::BTreeMap::new();
        for p in &self.passages {
            by_article.entry(p.article.as_str()).or_default().push(p);
        }
        for (article, ps) in by_article {
            let expected = ps[0].passages;
            let ordinals: Vec<u64> = ps.iter().map(|p| p.passage).collect();
            if ordinals != (0..expected).collect::<Vec<_>>() {
                out.push(format!(
                    "{article}: passages {ordinals:?}, expected 0..{expected}"
                ));
            }
            if !files.contains(ps[0].path.as_str()) {
                out.push(format!("{article}: its file is not in the manifest"));
            }
        }
        out
    }
}

impl KoIndex {
    /// Reads every passage and manifest record of the last commit.
    pub fn inventory(&self) -> Result<Inventory> {
        use tantivy::collector::DocSetCollector;
        use tantivy::schema::Value;
        let err = |e| Error::tantivy(&self.path, e);
        let reader = self.reader()?;
        let searcher = reader.searcher();
        let f = &self.fields;
        let all = searcher
            .search(&tantivy::query::AllQuery, &DocSetCollector)
            .map_err(err)?;
        let mut inventory = Inventory::default();
        for addr in all {
            let doc: tantivy::TantivyDocument = searcher.doc(addr).map_err(err)?;
            let text = |field| {
                doc.get_first(field)
                    .and_then(|v| v.as_str())
                    .unwrap_or_default()
                    .to_string()
            };
            let num = |field| doc.get_first(field).and_then(|v| v.as_u64()).unwrap_or(0);
            if doc.get_first(f.file_hash).is_some() {
                inventory.files.push(text(f.path));
            } else {
                let body = text(f.text);
                inventory.passages.push(PassageEntry {
                    path: text(f.path),
                    article: text(f.article),
                    passage: num(f.passage),
                    passages: num(f.passages),
                    text_hash: blake3::hash(body.as_bytes()).to_hex()[..32].to_string(),
                });
            }
        }
        inventory.passages.sort();
        inventory.files.sort();
        Ok(inventory)
    }
}

/// How many bytes of index files `search` and `export` check per process by default
/// ([`KoIndex::verify`]): the smallest files first.
pub const VERIFY_BUDGET: u64 = 4 << 20;

/// A segment file: its name in the index folder and its size.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SegmentFile {
    /// File name, relative to the index folder.
    pub name: PathBuf,
    /// Size in bytes.
    pub size: u64,
}

/// The segment files of an index folder, split into those of the last commit's segments and
/// orphans (left by a run that was killed or failed before its commit, until the next run
/// removes them).
#[derive(Debug, Clone, Default)]
pub struct SegmentFiles {
    /// Files of the segments the last commit uses, smallest first.
    pub active: Vec<SegmentFile>,
    /// Segment files no commit uses.
    pub orphans: Vec<SegmentFile>,
}

impl KoIndex {
    /// Lists the segment files (named `<32 hex digits>.<…>`) in the index folder.
    pub fn segment_files(&self) -> Result<SegmentFiles> {
        segment_files(&self.index, &self.path)
    }

    /// Checks the checksums of the last commit's files, smallest first, until `budget` bytes
    /// are checked (`None`: all of them). A damaged file is an [`Error::Corrupt`] naming it.
    /// Returns how many files and bytes were checked.
    pub fn verify(&self, budget: Option<u64>) -> Result<(usize, u64)> {
        verify(&self.index, &self.path, budget)
    }
}

/// Checks the checksums of the index at `path` as [`KoIndex::verify`] does, without the
/// dictionary and analyser that opening a [`KoIndex`] needs: a search checks them while the
/// dictionary opens.
pub fn verify_folder(path: &Path, budget: Option<u64>) -> Result<(usize, u64)> {
    let index = tantivy::Index::open_in_dir(path).map_err(|e| Error::tantivy(path, e))?;
    verify(&index, path, budget)
}

/// The segment files (named `<32 hex digits>.<…>`) in the folder `path` of `index`.
fn segment_files(index: &tantivy::Index, path: &Path) -> Result<SegmentFiles> {
    let metas = index
        .searchable_segment_metas()
        .map_err(|e| Error::tantivy(path, e))?;
    // Each segment of the last commit, with the name of its deletions file if it has one: a
    // run killed after it wrote another deletions file for the segment (of an operation it
    // never committed) leaves that file behind, an orphan like any uncommitted segment's.
    let active: std::collections::HashMap<String, Option<std::ffi::OsString>> = metas
        .iter()
        .map(|m| {
            let deletes = m.has_deletes().then(|| {
                m.relative_path(tantivy::index::SegmentComponent::Delete)
                    .into()
            });
            (m.id().uuid_string(), deletes)
        })
        .collect();
    let mut files = SegmentFiles::default();
    let entries = std::fs::read_dir(path).map_err(|e| Error::io(path, e))?;
    for entry in entries {
        let entry = entry.map_err(|e| Error::io(path, e))?;
        let name = entry.file_name();
        let Some((id, _)) = name.to_str().and_then(|n| n.split_once('.')) else {
            continue;
        };
        if id.len() != 32 || !id.bytes().all(|b| b.is_ascii_hexdigit()) {
            continue;
        }
        let size = entry.metadata().map(|m| m.len()).unwrap_or(0);
        let file = SegmentFile {
            name: PathBuf::from(&name),
            size,
        };
        let committed = match active.get(id) {
            Some(deletes) if name.to_str().is_some_and(|n| n.ends_with(".del")) => {
                deletes.as_ref() == Some(&name)
            }
            Some(_) => true,
            None => false,
        };
        if committed {
            files.active.push(file);
        } else {
            files.orphans.push(file);
        }
    }
    files
        .active
        .sort_by(|a, b| a.size.cmp(&b.size).then(a.name.cmp(&b.name)));
    files.orphans.sort_by(|a, b| a.name.cmp(&b.name));
    Ok(files)
}

/// How many times opening or checking starts over on a newer commit, when the commit it read
/// lost a file to the next one (see [`retry_on_newer_commit`]).
const NEWER_COMMITS: usize = 8;

/// Runs `read` on the index's last commit, again on the newer commit when it failed on a
/// file that a commit made meanwhile deleted. An index run deletes the files of the commit
/// before its own (segments merged, deletions rewritten) once its commit is written, and
/// another process reading the older commit at that moment finds one of them gone: that is
/// not damage. A file missing while the commit (its opstamp and segments) stays the same is.
pub(crate) fn retry_on_newer_commit<T>(
    index: &tantivy::Index,
    path: &Path,
    mut read: impl FnMut() -> Result<T>,
) -> Result<T> {
    // A merge's end rewrites the commit with its opstamp unchanged: the segments tell.
    let commit = || {
        index
            .load_metas()
            .map(|m| {
                let segments: Vec<_> = m
                    .segments
                    .iter()
                    .map(|s| (s.id(), s.delete_opstamp()))
                    .collect();
                (m.opstamp, segments)
            })
            .map_err(|e| Error::tantivy(path, e))
    };
    let mut tries = 0;
    loop {
        let before = commit()?;
        match read() {
            Err(Error::Corrupt { reason, .. })
                if reason.starts_with(MISSING) && tries < NEWER_COMMITS && commit()? != before =>
            {
                tries += 1;
            }
            other => return other,
        }
    }
}

/// How tantivy's error for a missing file begins (`OpenReadError::FileDoesNotExist`).
const MISSING: &str = "Files does not exist";

/// [`KoIndex::verify`] of `index`, in the folder `path`.
fn verify(index: &tantivy::Index, path: &Path, budget: Option<u64>) -> Result<(usize, u64)> {
    retry_on_newer_commit(index, path, || {
        let files = segment_files(index, path)?;
        let (mut count, mut bytes) = (0, 0u64);
        for file in &files.active {
            if budget.is_some_and(|b| bytes + file.size > b) {
                break;
            }
            let corrupt = |reason| Error::Corrupt {
                path: path.to_path_buf(),
                reason,
            };
            let ok = index
                .directory()
                .validate_checksum(&file.name)
                .map_err(|e| corrupt(e.to_string()))?;
            if !ok {
                let name = file.name.display();
                return Err(corrupt(format!("checksum mismatch in {name}")));
            }
            count += 1;
            bytes += file.size;
        }
        Ok((count, bytes))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// tantivy's error for a missing file still begins as [`MISSING`] expects.
    #[test]
    fn a_missing_file_is_told_by_tantivys_message() {
        let e = tantivy::directory::error::OpenReadError::FileDoesNotExist("a.fast".into());
        let error = Error::tantivy("idx", e.into());
        let Error::Corrupt { reason, .. } = error else {
            panic!("{error:?}");
        };
        assert!(reason.starts_with(MISSING), "{reason}");
    }

    /// A read that lost a file starts over when a newer commit deleted it, and only then.
    #[test]
    fn a_file_gone_with_a_newer_commit_is_read_again_not_damage() {
        let mut builder = tantivy::schema::Schema::builder();
        let id = builder.add_u64_field("id", tantivy::schema::INDEXED);
        let index = tantivy::Index::create_in_ram(builder.build());
        let mut writer: tantivy::IndexWriter =
            index.writer_with_num_threads(1, 15_000_000).unwrap();
        let missing = || Error::Corrupt {
            path: "idx".into(),
            reason: format!("{MISSING}: \"a.fast\""),
        };
        // A commit lands while the first read runs: the second read succeeds.
        let mut reads = 0;
        let out = retry_on_newer_commit(&index, Path::new("idx"), || {
            reads += 1;
            if reads == 1 {
                writer.add_document(tantivy::doc!(id => 1u64)).unwrap();
                writer.commit().unwrap();
                return Err(missing());
            }
            Ok(reads)
        });
        assert_eq!(out.unwrap(), 2);
        // No commit meanwhile: the file is missing from the commit read, which is damage.
        let mut reads = 0;
        let out: Result<()> = retry_on_newer_commit(&index, Path::new("idx"), || {
            reads += 1;
            Err(missing())
        });
        assert!(matches!(out, Err(Error::Corrupt { .. })) && reads == 1);
        // Other damage is never read again.
        let mut reads = 0;
        let out: Result<()> = retry_on_newer_commit(&index, Path::new("idx"), || {
            reads += 1;
            writer.commit().unwrap();
            Err(Error::Corrupt {
                path: "idx".into(),
                reason: "checksum mismatch in a.fast".into(),
            })
        });
        assert!(out.is_err() && reads == 1);
    }
}
