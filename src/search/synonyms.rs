//! The synonyms file: groups of words that mean the same, used to expand queries.
//!
//! Format (`data/synonyms.txt`): one group per line, its members separated by `=`; `#` starts
//! a comment; blank lines are ignored. A member may be several words (`그래픽 처리 장치`).
//!
//! ```text
//! GPU = 그래픽처리장치 = 그래픽카드
//! 파인튜닝 = 미세조정 = 세부조정 = fine-tuning
//! ```
//!
//! Members are compared by their finest terms ([`crate::analysis::terms`]), the same fold of
//! the analyser's tokens that query words get, so `GPU를` in a query matches the member
//! `GPU`, and `그래픽 처리 장치` the member `그래픽처리장치`. A query word that matches a
//! member is also looked up as every other member of its group, with less weight.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use crate::analysis::terms::{FinestTerms, finest_terms};
use crate::analysis::{Analyzer, Scratch};
use crate::dictionary::compile::user_cache_root;
use crate::error::{Error, Result};
use crate::index::KoIndex;
use crate::index::aliases::AliasKeys;

/// The groups of a synonyms file.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Synonyms {
    /// Each group's members as written.
    groups: Vec<Vec<String>>,
    /// Each member's finest analysed terms, with its group.
    keys: Vec<(FinestTerms, usize)>,
}

impl Synonyms {
    /// Parses a synonyms file's text; a bad line is refused with its number.
    pub fn parse(
        text: &str,
        analyzer: &Analyzer,
    ) -> std::result::Result<Synonyms, (usize, String)> {
        let mut out = Synonyms::default();
        let mut scratch = Scratch::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let members: Vec<String> = line.split('=').map(|m| m.trim().to_string()).collect();
            if members.len() < 2 || members.iter().any(String::is_empty) {
                return Err((i + 1, "expected two or more words separated by '='".into()));
            }
            let group = out.groups.len();
            for m in &members {
                let terms = finest_terms(analyzer, m, &mut scratch);
                if terms.is_empty() {
                    return Err((i + 1, format!("{m:?} has no word that is indexed")));
                }
                out.keys.push((terms, group));
            }
            out.groups.push(members);
        }
        Ok(out)
    }

    /// Reads a synonyms file, through the user's cache of analysed synonyms files
    /// ([`cache_dir`]).
    pub fn load(path: &Path, analyzer: &Analyzer) -> Result<Synonyms> {
        Synonyms::load_cached(path, analyzer, cache_dir().as_deref())
    }

    /// Reads a synonyms file. With a `cache` folder, its members' terms come from the entry
    /// there for this very text and analyser if there is one, and are put there otherwise:
    /// analysing the members costs a search process more than reading its query (they touch
    /// parts of the dictionary the query does not). The cache is only ever a shortcut: an
    /// entry that cannot be read or written is analysed anew, with no message.
    pub fn load_cached(path: &Path, analyzer: &Analyzer, cache: Option<&Path>) -> Result<Self> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        let entry = cache.map(|dir| dir.join(cache_name(&text, analyzer)));
        if let Some(cached) = entry.as_deref().and_then(read_entry) {
            return Ok(cached);
        }
        let synonyms =
            Synonyms::parse(&text, analyzer).map_err(|(line, reason)| Error::Synonyms {
                path: path.to_path_buf(),
                line,
                reason,
            })?;
        if let Some(entry) = entry {
            write_entry(&entry, &synonyms);
        }
        Ok(synonyms)
    }

    /// The expansions a search of `ko` uses: the groups of the synonyms file at `file`, if
    /// any, and the aliases mined from the index, analysed with the index's analyser.
    pub fn for_index(ko: &KoIndex, file: Option<&Path>) -> Result<Synonyms> {
        Self::with_aliases(ko, file, crate::index::aliases::load_keys(&ko.path)?)
    }

    /// As [`Synonyms::for_index`], with the index's aliases read already
    /// ([`crate::index::aliases::load_keys`]).
    pub fn with_aliases(
        ko: &KoIndex,
        file: Option<&Path>,
        aliases: Vec<AliasKeys>,
    ) -> Result<Self> {
        let mut synonyms = match file {
            Some(p) => Synonyms::load(p, &ko.analyzer)?,
            None => Synonyms::default(),
        };
        for a in aliases {
            if a.term_key.is_empty() || a.alias_key.is_empty() {
                // Written by an older kosearch: analyse the two sides now.
                synonyms.add_group(vec![a.term, a.alias], &ko.analyzer);
            } else {
                synonyms.add_keyed_group(vec![(a.term, a.term_key), (a.alias, a.alias_key)]);
            }
        }
        Ok(synonyms)
    }

    /// Adds a group (e.g. a mined alias pair); members with no indexed word are left out, and
    /// a group left with fewer than two members is not added.
    pub fn add_group(&mut self, members: Vec<String>, analyzer: &Analyzer) {
        let mut scratch = Scratch::default();
        let keyed = members
            .into_iter()
            .map(|m| {
                let terms = finest_terms(analyzer, &m, &mut scratch);
                (m, terms)
            })
            .collect();
        self.add_keyed_group(keyed);
    }

    /// Adds a group whose members' finest terms ([`finest_terms`]) are known already, as
    /// `(member, terms)`; otherwise as [`Synonyms::add_group`].
    pub fn add_keyed_group(&mut self, members: Vec<(String, FinestTerms)>) {
        let keyed: Vec<(String, FinestTerms)> =
            members.into_iter().filter(|(_, t)| !t.is_empty()).collect();
        if keyed.len() < 2 || keyed.iter().all(|(_, t)| *t == keyed[0].1) {
            return;
        }
        let group = self.groups.len();
        let mut names = Vec::with_capacity(keyed.len());
        for (m, terms) in keyed {
            self.keys.push((terms, group));
            names.push(m);
        }
        self.groups.push(names);
    }

    /// The other members of every group that a word with these finest terms belongs to.
    pub fn expansions(&self, terms: &FinestTerms) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (key, group) in &self.keys {
            if key != terms {
                continue;
            }
            for (member, (other, _)) in self.groups[*group]
                .iter()
                .zip(self.keys.iter().filter(|(_, g)| g == group))
            {
                if other != terms && !out.contains(&member.as_str()) {
                    out.push(member);
                }
            }
        }
        out
    }

    /// The groups, each member as written.
    pub fn groups(&self) -> &[Vec<String>] {
        &self.groups
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there are no groups.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}

/// Version of what a cache entry holds and of [`finest_terms`]' fold; part of every entry's
/// name, with kosearch's version.
const CACHE_VERSION: u32 = 1;

/// The user's cache of analysed synonyms files: `synonyms/` in kosearch's cache folder
/// ([`user_cache_root`], where the build keeps the dictionary). `None` with no home folder.
pub fn cache_dir() -> Option<PathBuf> {
    Some(user_cache_root()?.join("synonyms"))
}

/// An entry's file name: a hash of the file's text and of everything that shapes its
/// analysis, so an edit, another user dictionary or another kosearch misses the entry.
fn cache_name(text: &str, analyzer: &Analyzer) -> String {
    let mut hasher = blake3::Hasher::new();
    for part in [
        env!("CARGO_PKG_VERSION"),
        &CACHE_VERSION.to_string(),
        &analyzer.fingerprint(),
    ] {
        hasher.update(part.as_bytes()).update(&[0]);
    }
    hasher.update(text.as_bytes());
    format!("{}.json", &hasher.finalize().to_hex()[..32])
}

/// A cache entry, if it reads and every member's group exists.
fn read_entry(path: &Path) -> Option<Synonyms> {
    let bytes = std::fs::read(path).ok()?;
    let synonyms: Synonyms = serde_json::from_slice(&bytes).ok()?;
    let groups = synonyms.groups.len();
    synonyms
        .keys
        .iter()
        .all(|(_, group)| *group < groups)
        .then_some(synonyms)
}

fn write_entry(path: &Path, synonyms: &Synonyms) {
    let Some(dir) = path.parent() else { return };
    let Ok(json) = serde_json::to_vec(synonyms) else {
        return;
    };
    if std::fs::create_dir_all(dir).is_ok() {
        // A cache that cannot be written only costs the next process the analysis.
        if crate::index::write_atomically(path, &json).is_ok() {
            prune(dir, path);
        }
    }
}

/// Most entries the cache keeps: one per synonyms file, user dictionary and kosearch in use.
const CACHE_ENTRIES_MAX: usize = 32;

/// Removes the least recently written entries of `dir` beyond [`CACHE_ENTRIES_MAX`], never
/// `keep` (just written). Only names of the cache's own form are touched; an entry removed
/// while another process reads it costs that process the analysis.
fn prune(dir: &Path, keep: &Path) {
    let Ok(read) = std::fs::read_dir(dir) else {
        return;
    };
    let is_entry = |name: &str| {
        name.strip_suffix(".json")
            .is_some_and(|h| h.len() == 32 && h.bytes().all(|b| b.is_ascii_hexdigit()))
    };
    let mut entries: Vec<(std::time::SystemTime, PathBuf)> = read
        .flatten()
        .filter(|e| e.file_name().to_str().is_some_and(is_entry))
        .filter(|e| e.path() != keep)
        .filter_map(|e| Some((e.metadata().ok()?.modified().ok()?, e.path())))
        .collect();
    // `keep` is one more entry.
    let Some(excess) = (entries.len() + 1).checked_sub(CACHE_ENTRIES_MAX) else {
        return;
    };
    entries.sort();
    for (_, path) in entries.into_iter().take(excess) {
        let _ = std::fs::remove_file(path);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const TEXT: &str = "GPU = 그래픽처리장치 = 그래픽카드\n# note\n파인튜닝 = 미세조정\n";

    fn analyzer() -> Analyzer {
        let dict = std::sync::Arc::new(crate::dictionary::KoDictionary::open_default().unwrap());
        Analyzer::new(dict, Default::default()).unwrap()
    }

    #[test]
    fn a_cached_file_reads_back_as_analysed() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("synonyms.txt");
        std::fs::write(&file, TEXT).unwrap();
        let cache = dir.path().join("cache");
        let analyzer = analyzer();
        let fresh = Synonyms::parse(TEXT, &analyzer).unwrap();
        let first = Synonyms::load_cached(&file, &analyzer, Some(&cache)).unwrap();
        assert_eq!(first, fresh);
        let entries: Vec<_> = std::fs::read_dir(&cache).unwrap().collect();
        assert_eq!(entries.len(), 1, "one entry for one text");
        let entry = entries[0].as_ref().unwrap().path();

        // The second read comes from the entry: one planted there is what it returns.
        let mut planted = fresh.clone();
        planted.groups[0][0] = "planted".into();
        std::fs::write(&entry, serde_json::to_vec(&planted).unwrap()).unwrap();
        let second = Synonyms::load_cached(&file, &analyzer, Some(&cache)).unwrap();
        assert_eq!(second, planted);

        // A damaged entry is analysed anew and rewritten.
        std::fs::write(&entry, b"{ not json").unwrap();
        let third = Synonyms::load_cached(&file, &analyzer, Some(&cache)).unwrap();
        assert_eq!(third, fresh);
        assert_eq!(read_entry(&entry), Some(fresh.clone()));
        // So is one that reads but names a group it lacks.
        let mut lacking = fresh.clone();
        lacking.groups.pop();
        std::fs::write(&entry, serde_json::to_vec(&lacking).unwrap()).unwrap();
        let fourth = Synonyms::load_cached(&file, &analyzer, Some(&cache)).unwrap();
        assert_eq!(fourth, fresh);

        // An edited file misses the entry.
        std::fs::write(&file, format!("{TEXT}모델 = model\n")).unwrap();
        let edited = Synonyms::load_cached(&file, &analyzer, Some(&cache)).unwrap();
        assert_eq!(edited.len(), 3);
        assert_eq!(std::fs::read_dir(&cache).unwrap().count(), 2);
    }

    #[test]
    fn a_bad_line_is_refused_and_not_cached() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("synonyms.txt");
        std::fs::write(&file, "GPU = 그래픽카드\n외톨이\n").unwrap();
        let cache = dir.path().join("cache");
        let err = Synonyms::load_cached(&file, &analyzer(), Some(&cache)).unwrap_err();
        assert!(err.to_string().contains("2"), "{err}");
        assert!(!cache.exists());
    }

    #[test]
    fn the_cache_keeps_the_latest_entries_only() {
        let dir = tempfile::tempdir().unwrap();
        let cache = dir.path().join("cache");
        std::fs::create_dir_all(&cache).unwrap();
        let other = cache.join("notes.json");
        std::fs::write(&other, "{}").unwrap();
        let analyzer = analyzer();
        let file = dir.path().join("synonyms.txt");
        let total = CACHE_ENTRIES_MAX + 8;
        for i in 0..total {
            std::fs::write(&file, format!("GPU{i} = 그래픽카드\n")).unwrap();
            Synonyms::load_cached(&file, &analyzer, Some(&cache)).unwrap();
        }
        let names: Vec<_> = std::fs::read_dir(&cache)
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        // The cache's own entries, at most the limit, and a file of another form left alone.
        assert_eq!(names.len(), CACHE_ENTRIES_MAX + 1, "{names:?}");
        assert!(other.exists());
        let last = cache.join(cache_name(
            &std::fs::read_to_string(&file).unwrap(),
            &analyzer,
        ));
        assert!(last.exists());
    }

    #[test]
    fn an_unwritable_cache_only_costs_the_analysis() {
        let dir = tempfile::tempdir().unwrap();
        let file = dir.path().join("synonyms.txt");
        std::fs::write(&file, TEXT).unwrap();
        // The cache folder's place is taken by a file: nothing can be written under it.
        let blocked = dir.path().join("blocked");
        std::fs::write(&blocked, b"").unwrap();
        let analyzer = analyzer();
        let read = Synonyms::load_cached(&file, &analyzer, Some(&blocked.join("x"))).unwrap();
        assert_eq!(read, Synonyms::parse(TEXT, &analyzer).unwrap());
    }
}
