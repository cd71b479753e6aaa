//! Whether an existing index can take what a run asks for: the rules by which `kosearch index`
//! opens an index or creates one.
//!
//! A setting given explicitly must equal what the index recorded; a setting not given keeps
//! the recorded one. The user dictionary is compared by its text, so an index stays usable
//! from any folder and notices when the file it was built with has changed.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use super::KoIndex;
use crate::analysis::AnalyzerConfig;
use crate::dictionary::KoDictionary;
use crate::error::{Error, Result};
use crate::ingest::parse::FieldMap;
use crate::passage::PassageOptions;

/// What a run asks of its index: the settings a new index is created with, and which of them
/// were given explicitly.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The analyser of a new index.
    pub analyzer: AnalyzerConfig,
    /// The passage sizes of a new index.
    pub passages: PassageOptions,
    /// The JSON field mapping of a new index.
    pub fields: FieldMap,
    /// The user dictionary asked for: `Some(Some(path))` this one, `Some(None)` none,
    /// `None` not said.
    pub user_dictionary: Option<Option<PathBuf>>,
    /// Whether the POS filter or decompounding was given.
    pub analysis_given: bool,
    /// Whether a passage size was given.
    pub passages_given: bool,
    /// Whether a field mapping was given.
    pub fields_given: bool,
}

impl KoIndex {
    /// Opens the index at `path` if it can take `settings`, or creates it with them where
    /// there is no index (a missing or empty folder).
    pub fn open_or_create(
        path: &Path,
        dict: Arc<KoDictionary>,
        settings: &Settings,
    ) -> Result<KoIndex> {
        if KoIndex::exists(path) {
            let ko = KoIndex::open(path, dict)?;
            ko.check_compatible(settings)?;
            return Ok(ko);
        }
        let occupied = std::fs::read_dir(path).is_ok_and(|mut d| d.next().is_some());
        if occupied {
            return Err(Error::NotAnIndex(path.to_path_buf()));
        }
        // Recorded absolute, so a run from another folder finds the same file.
        let mut analyzer = settings.analyzer.clone();
        analyzer.user_dictionary = analyzer
            .user_dictionary
            .map(|p| std::fs::canonicalize(&p).unwrap_or(p));
        KoIndex::create(
            path,
            dict,
            analyzer,
            settings.passages,
            settings.fields.clone(),
        )
    }

    /// Fails with [`Error::IndexMismatch`] when a setting given explicitly differs from what
    /// the index recorded, or when the user dictionary it was built with has changed.
    pub fn check_compatible(&self, settings: &Settings) -> Result<()> {
        let mismatch = |reason: String| Error::IndexMismatch {
            path: self.path.clone(),
            reason,
        };
        let recorded = &self.config;
        let current_text = |p: &Path| std::fs::read_to_string(p).ok();
        match &settings.user_dictionary {
            Some(Some(p)) => {
                if current_text(p) != recorded.user_dictionary_text {
                    return Err(mismatch(format!(
                        "user dictionary {} differs from the one it was built with",
                        p.display()
                    )));
                }
            }
            Some(None) => {
                if recorded.user_dictionary_text.is_some() {
                    return Err(mismatch("it was built with a user dictionary".into()));
                }
            }
            None => {
                if let Some(p) = &recorded.analyzer.user_dictionary
                    && p.is_file()
                    && current_text(p) != recorded.user_dictionary_text
                {
                    return Err(mismatch(format!(
                        "user dictionary {} changed since it was built",
                        p.display()
                    )));
                }
            }
        }
        let analysis = &settings.analyzer;
        if settings.analysis_given
            && (analysis.keep_pos != recorded.analyzer.keep_pos
                || analysis.decompound != recorded.analyzer.decompound)
        {
            return Err(mismatch("the POS filter or decompounding differs".into()));
        }
        if settings.passages_given && settings.passages != recorded.passages {
            return Err(mismatch("the passage sizes differ".into()));
        }
        if settings.fields_given && settings.fields != recorded.fields {
            return Err(mismatch("the JSON field mapping differs".into()));
        }
        Ok(())
    }
}
