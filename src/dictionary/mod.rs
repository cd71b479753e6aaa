//! The Korean dictionary: mecab-ko-dic 2.1.1 in lindera's format, plus the tables kosearch
//! needs to analyse exactly as MeCab-ko does.
//!
//! `build.rs` obtains and builds the folder once per machine (see [`compile`]); its path is
//! compiled in, and `KOSEARCH_DICT_DIR` overrides it at run time. Opening it memory-maps
//! lindera's files, so a process pays about a millisecond, not lindera's ~110 ms
//! `Segmenter::new`.

pub mod chars;
pub mod compile;
pub mod matrix;
pub mod mecab;

use std::fs;
use std::path::{Path, PathBuf};

use lindera::dictionary::Dictionary;

use crate::error::{Error, Result};
use chars::CharTable;
use compile::{CHAR_FILE, DictInfo, HAS_PARTS, INFO_FILE, WORD_INFO_FILE};
use matrix::{ConnMatrix, MATRIX_FILE};

/// The dictionary folder built into this binary by `build.rs`.
pub const BUILT_DICT_DIR: &str = env!("KOSEARCH_BUILT_DICT_DIR");

/// Where the dictionary is read from: `KOSEARCH_DICT_DIR` if set, else the folder `build.rs`
/// built.
pub fn default_dir() -> PathBuf {
    std::env::var_os("KOSEARCH_DICT_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(BUILT_DICT_DIR))
}

/// A loaded Korean dictionary.
pub struct KoDictionary {
    /// lindera's dictionary: prefix trie, entries, connection matrix, unknown-word entries.
    pub lindera: Dictionary,
    /// The connection matrix in classes of identical rows and columns ([`matrix`]); the
    /// lattice reads this, not lindera's.
    pub matrix: ConnMatrix,
    /// MeCab's character categories.
    pub chars: CharTable,
    /// What `build.rs` recorded about the folder.
    pub info: DictInfo,
    /// For each of our character categories, lindera's category id (unknown-word entries).
    pub unknown_category: Vec<Option<usize>>,
    /// The SPACE category's bit.
    pub space_mask: u32,
    word_info: memmap2::Mmap,
    /// Unique in the process: tells caches keyed by text (the lattice's) which dictionary
    /// filled them.
    serial: u64,
    dir: PathBuf,
}

impl std::fmt::Debug for KoDictionary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("KoDictionary")
            .field("dir", &self.dir)
            .field("entries", &self.info.entries)
            .finish()
    }
}

impl KoDictionary {
    /// Opens the dictionary at [`default_dir`].
    pub fn open_default() -> Result<KoDictionary> {
        Self::open(&default_dir())
    }

    /// Opens a dictionary folder written by [`compile::build`].
    pub fn open(dir: &Path) -> Result<KoDictionary> {
        let fail = |reason: String| Error::Dictionary {
            path: dir.to_path_buf(),
            reason,
        };
        let info_path = dir.join(INFO_FILE);
        let info_text = fs::read_to_string(&info_path).map_err(|e| {
            fail(format!(
                "cannot read {INFO_FILE} ({e}); rebuild kosearch (`cargo build`) so build.rs \
                 recreates it, or point KOSEARCH_DICT_DIR at a built dictionary"
            ))
        })?;
        let info: DictInfo = serde_json::from_str(&info_text)
            .map_err(|e| fail(format!("{INFO_FILE} is damaged: {e}")))?;
        if info.format_version != compile::FORMAT_VERSION {
            return Err(fail(format!(
                "built in format {}, this kosearch reads format {}; rebuild kosearch",
                info.format_version,
                compile::FORMAT_VERSION
            )));
        }
        let lindera = lindera::dictionary::load_fs_dictionary_with_options(dir, true)
            .map_err(|e| fail(format!("lindera cannot load it: {e}")))?;
        let matrix_path = dir.join(MATRIX_FILE);
        let file = fs::File::open(&matrix_path).map_err(|e| Error::io(&matrix_path, e))?;
        // SAFETY: as for the word table below: written once by build.rs, only read.
        let map = unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(&matrix_path, e))?;
        let matrix = ConnMatrix::from_map(map).map_err(fail)?;
        if matrix.left_ids() != lindera.connection_cost_matrix.backward_size as usize {
            return Err(fail(format!(
                "{MATRIX_FILE} does not match matrix.mtx; rebuild kosearch"
            )));
        }
        let char_path = dir.join(CHAR_FILE);
        let char_bytes = fs::read(&char_path).map_err(|e| Error::io(&char_path, e))?;
        let chars = CharTable::from_char_bin(&char_bytes).map_err(fail)?;
        let table_path = dir.join(WORD_INFO_FILE);
        let file = fs::File::open(&table_path).map_err(|e| Error::io(&table_path, e))?;
        // SAFETY: the folder is written once by build.rs and never modified in place (it is
        // renamed into position when complete); we only read it.
        let word_info =
            unsafe { memmap2::Mmap::map(&file) }.map_err(|e| Error::io(&table_path, e))?;
        let words = lindera.prefix_dictionary.word_count();
        if word_info.len() != 4 * words {
            return Err(fail(format!(
                "{WORD_INFO_FILE} has {} entries, the dictionary {words}",
                word_info.len() / 4
            )));
        }
        if info.unknown_pos.len() != info.unknown_penalty.len()
            || info
                .unknown_pos
                .iter()
                .any(|&p| p as usize >= info.pos_names.len())
        {
            return Err(fail(format!("{INFO_FILE} is inconsistent")));
        }
        let unknown_category = chars
            .names
            .iter()
            .map(|name| {
                lindera
                    .character_definition
                    .category_id_by_name(name)
                    .map(|c| c.0)
            })
            .collect();
        let space = chars
            .category("SPACE")
            .ok_or_else(|| fail("char.bin has no SPACE category".into()))?;
        Ok(KoDictionary {
            lindera,
            matrix,
            space_mask: 1 << space,
            chars,
            info,
            unknown_category,
            word_info,
            serial: {
                static NEXT: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
                NEXT.fetch_add(1, std::sync::atomic::Ordering::Relaxed)
            },
            dir: dir.to_path_buf(),
        })
    }

    /// A number no other dictionary opened by this process has.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// The folder this dictionary was loaded from.
    pub fn dir(&self) -> &Path {
        &self.dir
    }

    #[inline]
    fn word_record(&self, word_id: u32) -> u32 {
        let i = 4 * word_id as usize;
        match self.word_info.get(i..i + 4) {
            Some(b) => u32::from_le_bytes([b[0], b[1], b[2], b[3]]),
            None => 0,
        }
    }

    /// MeCab-ko's left-space penalty of a system word.
    #[inline]
    pub fn space_penalty(&self, word_id: u32) -> i32 {
        (self.word_record(word_id) & 0xffff) as i32
    }

    /// Index in [`DictInfo::pos_names`] of a system word's part of speech, and whether the
    /// word has parts (compound, inflected or pre-analysed).
    #[inline]
    pub fn word_pos(&self, word_id: u32) -> (usize, bool) {
        let r = self.word_record(word_id);
        (((r >> 16) & 0x7fff) as usize, r & HAS_PARTS != 0)
    }

    /// A part-of-speech string by index (empty for an index out of range).
    #[inline]
    pub fn pos_name(&self, index: usize) -> &str {
        self.info.pos_names.get(index).map_or("", String::as_str)
    }

    /// MeCab-ko's left-space penalty of an unknown-word entry.
    #[inline]
    pub fn unknown_space_penalty(&self, entry: u32) -> i32 {
        self.info
            .unknown_penalty
            .get(entry as usize)
            .map_or(0, |&p| p as i32)
    }

    /// A short identifier of the dictionary's content, recorded in indexes.
    pub fn id(&self) -> String {
        format!(
            "mecab-ko-dic:{}:lindera-{}:f{}",
            self.info.source_fingerprint,
            self.info.lindera_version,
            compile::ANALYSIS_VERSION
        )
    }
}
