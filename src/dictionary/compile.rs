//! Builds kosearch's dictionary folder from a MeCab-ko dictionary.
//!
//! Input: a folder holding mecab-ko-dic either compiled (`sys.dic`, `matrix.bin`, …, as MeCab-ko
//! installs it and as the registry packages ship it) or as source (`*.csv`, `matrix.def`,
//! `char.def`, `unk.def`, e.g. the original tarball unpacked). Output, in one folder:
//!
//! - lindera's dictionary (`dict.*`, `matrix.mtx`, `unk.bin`, `char_def.bin`,
//!   `metadata.json`), built by lindera's own builder from the source form;
//! - `char.bin`: MeCab's character table (see [`super::chars`]);
//! - `word-info.bin`: for every lindera word id, a little-endian `u32`: MeCab-ko's left-space
//!   penalty (low 16 bits), the index of its part-of-speech string in [`DictInfo::pos_names`]
//!   (15 bits) and whether it has parts (top bit), so no process reads 816k feature strings at
//!   start-up and the analyser reads none for the common case;
//! - `matrix-classes.bin`: the connection matrix in classes of identical rows and columns,
//!   which is what the lattice reads (see [`super::matrix`]);
//! - `kosearch-dict.json`: [`DictInfo`], what the rest of kosearch needs to know.
//!
//! The build script compiles this module too (by path), so it uses `std`, lindera, serde and
//! memmap2 only.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::chars::CharTable;
use super::matrix::{self, MATRIX_FILE};
use super::mecab::{self, ConvertError};

/// Version of the folder layout this module writes; part of every cache key.
pub const FORMAT_VERSION: u32 = 5;

/// kosearch's folder in the user's cache: `KOSEARCH_CACHE_DIR`, else `$XDG_CACHE_HOME/kosearch`,
/// else `.cache/kosearch` in the home folder (`HOME`, else `USERPROFILE`). A variable set to
/// nothing counts as unset. `None` when none of them is set. The build keeps the dictionary
/// there (`dict/`), and searches their analysed synonyms files (`synonyms/`).
pub fn user_cache_root() -> Option<PathBuf> {
    let var = |name| {
        std::env::var_os(name)
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
    };
    var("KOSEARCH_CACHE_DIR")
        .or_else(|| var("XDG_CACHE_HOME").map(|d| d.join("kosearch")))
        .or_else(|| {
            let home = var("HOME").or_else(|| var("USERPROFILE"))?;
            Some(home.join(".cache").join("kosearch"))
        })
}
/// Version of what a folder means to the analysis, recorded in every index through
/// [`crate::dictionary::KoDictionary::id`]. Bump it when a change alters the morphemes of
/// some text; a new layout alone (format 4 added `matrix-classes.bin`, with exactly the same
/// costs; format 5 `spaced_prefixes`) must not ask users to rebuild their indexes.
pub const ANALYSIS_VERSION: u32 = 3;
/// Name of the JSON file describing a built dictionary folder.
pub const INFO_FILE: &str = "kosearch-dict.json";
/// Name of the per-word-id table (see the module docs).
pub const WORD_INFO_FILE: &str = "word-info.bin";
/// Bit of a `word-info.bin` record: the entry has parts (compound, inflected, pre-analysed).
pub const HAS_PARTS: u32 = 1 << 31;
/// Name of MeCab's character table inside the folder.
pub const CHAR_FILE: &str = "char.bin";

/// Context ids and cost that a user-dictionary word of one part of speech takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct ContextIds {
    /// Left context id.
    pub left_id: u16,
    /// Right context id.
    pub right_id: u16,
    /// A typical word cost for this part of speech (the median).
    pub cost: i16,
}

/// What kosearch records about a built dictionary folder.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DictInfo {
    /// [`FORMAT_VERSION`] at build time.
    pub format_version: u32,
    /// Where the MeCab dictionary came from (package name, or the folder).
    pub source: String,
    /// A fingerprint of the source dictionary's content.
    pub source_fingerprint: String,
    /// Number of lexicon entries.
    pub entries: usize,
    /// lindera version whose builder wrote the folder.
    pub lindera_version: String,
    /// MeCab-ko's `left-space-penalty-factor`, as (posid, cost) pairs.
    pub left_space_penalty: Vec<(u16, u16)>,
    /// Penalty for each unknown-word entry id (few, so kept here).
    pub unknown_penalty: Vec<u16>,
    /// Every distinct part-of-speech string (`NNG`, `VV+EC`, …), indexed by `word-info.bin`.
    pub pos_names: Vec<String>,
    /// Index in `pos_names` of each unknown-word entry's part of speech.
    pub unknown_pos: Vec<u16>,
    /// Context ids for user-dictionary words, keyed `"POS,JONG"` (`NNG,T`, `NNP,F`, `SL,*`).
    pub user_context_ids: HashMap<String, ContextIds>,
    /// Left-space penalty of a plain word of each part of speech (for user words).
    pub pos_space_penalty: HashMap<String, u16>,
    /// For every system entry whose surface has a space character in it, the text before the
    /// first one (mecab-ko-dic 2.1.1 has five: `내셔날 `, `에듀 `, `캘리 `, `콜라비 ` and
    /// `영치기 영차`). Everywhere else a word's own text decides which entries match in it,
    /// which the lattice's cache of matches relies on.
    pub spaced_prefixes: Vec<String>,
}

/// The columns of mecab-ko-dic's CSV, as lindera's schema names them.
const FIELDS: [&str; 12] = [
    "surface",
    "left_context_id",
    "right_context_id",
    "cost",
    "part_of_speech_tag",
    "meaning",
    "presence_absence",
    "reading",
    "type",
    "first_part_of_speech",
    "last_part_of_speech",
    "expression",
];

fn lindera_metadata() -> lindera::dictionary::Metadata {
    use lindera::dictionary::{Metadata, Schema};
    Metadata::new(
        "ko-dic".to_string(),
        "UTF-8".to_string(),
        -10000,
        0,
        0,
        "*".to_string(),
        false,
        false,
        false,
        Schema::new(FIELDS.iter().map(|s| s.to_string()).collect()),
        Schema::new(vec![
            "surface".to_string(),
            "part_of_speech_tag".to_string(),
            "reading".to_string(),
        ]),
    )
}

fn err(path: &Path, reason: impl Into<String>) -> ConvertError {
    ConvertError {
        path: path.to_path_buf(),
        reason: reason.into(),
    }
}

/// Whether `dir` holds a compiled MeCab dictionary (as opposed to source files).
pub fn is_compiled(dir: &Path) -> bool {
    dir.join("sys.dic").is_file()
}

/// Whether `dir` holds MeCab dictionary source files.
pub fn is_source(dir: &Path) -> bool {
    dir.join("matrix.def").is_file()
        && dir.join("char.def").is_file()
        && dir.join("unk.def").is_file()
        && csv_files(dir).map(|v| !v.is_empty()).unwrap_or(false)
}

fn csv_files(dir: &Path) -> std::io::Result<Vec<PathBuf>> {
    let mut out: Vec<PathBuf> = fs::read_dir(dir)?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "csv"))
        .collect();
    out.sort();
    Ok(out)
}

/// A cheap fingerprint of a dictionary folder: names, sizes and a sample of bytes of every
/// file that matters. Two folders with the same fingerprint build the same dictionary.
pub fn fingerprint(dir: &Path) -> Result<String, ConvertError> {
    let mut names: Vec<PathBuf> = fs::read_dir(dir)
        .map_err(|e| err(dir, e.to_string()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file())
        .filter(|p| {
            let n = p.file_name().and_then(|n| n.to_str()).unwrap_or("");
            n.ends_with(".dic")
                || n.ends_with(".bin")
                || n.ends_with(".def")
                || n.ends_with(".csv")
                || n == "dicrc"
        })
        .collect();
    names.sort();
    // FNV-1a over names, lengths and up to 1 MiB spread over each file.
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    let mut eat = |bytes: &[u8]| {
        for &b in bytes {
            h ^= b as u64;
            h = h.wrapping_mul(0x100_0000_01b3);
        }
    };
    for p in &names {
        let data = fs::read(p).map_err(|e| err(p, e.to_string()))?;
        eat(p.file_name().unwrap_or_default().as_encoded_bytes());
        eat(&(data.len() as u64).to_le_bytes());
        let step = (data.len() / (1 << 20)).max(1);
        let sample: Vec<u8> = data.iter().step_by(step).copied().collect();
        eat(&sample);
    }
    Ok(format!("{h:016x}"))
}

/// Builds the kosearch dictionary folder `out` from the MeCab-ko dictionary in `src`
/// (compiled or source). `work` is scratch space for the converted source. Returns what it
/// recorded in `kosearch-dict.json`.
pub fn build(
    src: &Path,
    source_name: &str,
    work: &Path,
    out: &Path,
) -> Result<DictInfo, ConvertError> {
    let source_fingerprint = fingerprint(src)?;
    let source_dir: PathBuf = if is_compiled(src) {
        mecab::convert_compiled_dir(src, work)?;
        work.to_path_buf()
    } else if is_source(src) {
        src.to_path_buf()
    } else {
        return Err(err(
            src,
            "neither a compiled MeCab dictionary (sys.dic, matrix.bin, char.bin, unk.dic) \
             nor dictionary source (*.csv, matrix.def, char.def, unk.def)",
        ));
    };
    for needed in ["dicrc", "pos-id.def"] {
        if !source_dir.join(needed).is_file() {
            return Err(err(
                &source_dir,
                format!("{needed} is missing (needed for MeCab-ko's space penalty)"),
            ));
        }
    }

    fs::create_dir_all(out).map_err(|e| err(out, e.to_string()))?;
    lindera::dictionary::DictionaryBuilder::new(lindera_metadata())
        .build_dictionary(&source_dir, out)
        .map_err(|e| err(&source_dir, format!("lindera could not build it: {e}")))?;

    let char_def_path = source_dir.join("char.def");
    let char_def =
        fs::read_to_string(&char_def_path).map_err(|e| err(&char_def_path, e.to_string()))?;
    let chars = CharTable::parse_char_def(&char_def).map_err(|r| err(&char_def_path, r))?;
    let char_path = out.join(CHAR_FILE);
    fs::write(&char_path, chars.to_char_bin()).map_err(|e| err(&char_path, e.to_string()))?;

    let dicrc_path = source_dir.join("dicrc");
    let dicrc = fs::read_to_string(&dicrc_path).map_err(|e| err(&dicrc_path, e.to_string()))?;
    let left_space_penalty = parse_left_space_penalty(&dicrc).map_err(|r| err(&dicrc_path, r))?;
    let posid_path = source_dir.join("pos-id.def");
    let posid_text =
        fs::read_to_string(&posid_path).map_err(|e| err(&posid_path, e.to_string()))?;
    let posids = PosIdRules::parse(&posid_text).map_err(|r| err(&posid_path, r))?;
    let penalty_of = |feature: &str| -> u16 {
        let id = posids.pos_id(feature);
        left_space_penalty
            .iter()
            .find(|(p, _)| *p == id)
            .map_or(0, |(_, c)| *c)
    };

    // One record per word id, read once here from the dictionary lindera just wrote.
    let dict = lindera::dictionary::load_fs_dictionary_with_options(out, false)
        .map_err(|e| err(out, format!("the built dictionary does not load: {e}")))?;
    let m = &dict.connection_cost_matrix;
    let compacted = matrix::compact(m.costs(), m.forward_size as usize, m.backward_size as usize)
        .ok_or_else(|| err(out, "the connection matrix is empty or too large"))?;
    let matrix_path = out.join(MATRIX_FILE);
    fs::write(&matrix_path, compacted.to_bytes()).map_err(|e| err(&matrix_path, e.to_string()))?;
    let word_count = dict.prefix_dictionary.word_count();
    let mut pos_names: Vec<String> = Vec::new();
    let mut pos_index: HashMap<String, u16> = HashMap::new();
    let mut intern = |pos: &str| -> Result<u16, ConvertError> {
        if let Some(&i) = pos_index.get(pos) {
            return Ok(i);
        }
        let i = u16::try_from(pos_names.len())
            .ok()
            .filter(|&i| i < 0x7fff)
            .ok_or_else(|| err(out, "more than 32767 distinct part-of-speech strings"))?;
        pos_names.push(pos.to_string());
        pos_index.insert(pos.to_string(), i);
        Ok(i)
    };
    let mut table = Vec::with_capacity(word_count * 4);
    let mut feature = String::new();
    for id in 0..word_count {
        feature.clear();
        let (mut pos, mut kind, mut expression) = ("", "*", "*");
        for (i, f) in dict.word_details_iter(id).enumerate() {
            if i > 0 {
                feature.push(',');
            }
            feature.push_str(f);
            match i {
                0 => pos = f,
                4 => kind = f,
                7 => expression = f,
                _ => {}
            }
        }
        let has_parts = matches!(kind, "Compound" | "Inflect" | "Preanalysis") && expression != "*";
        let record = penalty_of(&feature) as u32
            | (intern(pos)? as u32) << 16
            | if has_parts { HAS_PARTS } else { 0 };
        table.extend_from_slice(&record.to_le_bytes());
    }
    let table_path = out.join(WORD_INFO_FILE);
    fs::write(&table_path, table).map_err(|e| err(&table_path, e.to_string()))?;
    let unknown_count = dict.unknown_dictionary.costs.len();
    let mut unknown_penalty = Vec::with_capacity(unknown_count);
    let mut unknown_pos = Vec::with_capacity(unknown_count);
    for id in 0..unknown_count {
        let fields = dict.unknown_word_details(id);
        unknown_penalty.push(penalty_of(&fields.join(",")));
        unknown_pos.push(intern(fields.first().copied().unwrap_or("UNKNOWN"))?);
    }

    let user_context_ids = user_context_ids(&source_dir)?;
    let spaced_prefixes = spaced_prefixes(&source_dir, &chars)?;
    let pos_space_penalty = user_context_ids
        .keys()
        .filter_map(|k| k.split(',').next())
        .map(|tag| (tag.to_string(), penalty_of(&format!("{tag},*,*,*,*,*,*,*"))))
        .collect();
    let info = DictInfo {
        format_version: FORMAT_VERSION,
        source: source_name.to_string(),
        source_fingerprint,
        entries: word_count,
        lindera_version: lindera::get_version().to_string(),
        left_space_penalty,
        unknown_penalty,
        pos_names,
        unknown_pos,
        user_context_ids,
        pos_space_penalty,
        spaced_prefixes,
    };
    let info_path = out.join(INFO_FILE);
    let json = serde_json::to_string_pretty(&info).map_err(|e| err(&info_path, e.to_string()))?;
    fs::write(&info_path, json).map_err(|e| err(&info_path, e.to_string()))?;
    Ok(info)
}

/// Reads `left-space-penalty-factor = posid,cost,posid,cost,…` from a `dicrc`.
pub fn parse_left_space_penalty(dicrc: &str) -> Result<Vec<(u16, u16)>, String> {
    for line in dicrc.lines() {
        let Some((key, value)) = line.split_once('=') else {
            continue;
        };
        if key.trim() != "left-space-penalty-factor" {
            continue;
        }
        let nums: Vec<u16> = value
            .split(',')
            .map(|s| s.trim().parse::<u16>())
            .collect::<Result<_, _>>()
            .map_err(|_| format!("left-space-penalty-factor is not a list of numbers: {value}"))?;
        if !nums.len().is_multiple_of(2) {
            return Err("left-space-penalty-factor needs (posid, cost) pairs".into());
        }
        return Ok(nums.chunks(2).map(|p| (p[0], p[1])).collect());
    }
    // A dictionary without the setting simply has no penalty (plain MeCab behaviour).
    Ok(Vec::new())
}

/// MeCab's `pos-id.def`: patterns over the feature's fields, first match wins.
pub struct PosIdRules {
    rules: Vec<(Vec<String>, u16)>,
}

impl PosIdRules {
    /// Parses `pos-id.def` (`PATTERN ID` lines; `*` matches any field, `(A|B)` either).
    pub fn parse(text: &str) -> Result<PosIdRules, String> {
        let mut rules = Vec::new();
        for (no, line) in text.lines().enumerate() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let (pattern, id) = line
                .rsplit_once(char::is_whitespace)
                .ok_or_else(|| format!("pos-id.def line {}: expected PATTERN ID", no + 1))?;
            let id = id
                .trim()
                .parse::<u16>()
                .map_err(|_| format!("pos-id.def line {}: {id} is not an id", no + 1))?;
            rules.push((pattern.trim().split(',').map(str::to_string).collect(), id));
        }
        Ok(PosIdRules { rules })
    }

    /// The posid of a feature string; 0 when no rule matches (MeCab's default).
    pub fn pos_id(&self, feature: &str) -> u16 {
        let fields: Vec<&str> = feature.split(',').collect();
        'rules: for (pattern, id) in &self.rules {
            if pattern.len() > fields.len() {
                continue;
            }
            for (p, f) in pattern.iter().zip(&fields) {
                if !field_matches(p, f) {
                    continue 'rules;
                }
            }
            return *id;
        }
        0
    }
}

fn field_matches(pattern: &str, field: &str) -> bool {
    if pattern == "*" {
        return true;
    }
    if let Some(inner) = pattern.strip_prefix('(').and_then(|p| p.strip_suffix(')')) {
        return inner.split('|').any(|alt| alt == field);
    }
    pattern == field
}

/// Picks, for every (part of speech, final consonant) pair, the context ids most plain entries
/// of the dictionary use, and their median cost: what a user word of that kind should get.
/// A dictionary CSV line's surface and the columns after it. The surface may be quoted; the
/// columns after it never are in mecab-ko-dic.
fn split_surface(line: &str) -> Option<(&str, &str)> {
    if let Some(stripped) = line.strip_prefix('"') {
        let i = stripped.find("\",")?;
        Some((&stripped[..i], &stripped[i + 2..]))
    } else {
        line.split_once(',')
    }
}

/// For each entry of the source CSVs with a space character (MeCab's SPACE category) in its
/// surface, the text before the first one; sorted, without repeats.
fn spaced_prefixes(source_dir: &Path, chars: &CharTable) -> Result<Vec<String>, ConvertError> {
    let space = chars
        .category("SPACE")
        .ok_or_else(|| err(source_dir, "char.def has no SPACE category"))?;
    let is_space = |c: char| chars.info(c).type_mask() & (1 << space) != 0;
    let mut prefixes = Vec::new();
    for path in csv_files(source_dir).map_err(|e| err(source_dir, e.to_string()))? {
        let text = fs::read_to_string(&path).map_err(|e| err(&path, e.to_string()))?;
        for line in text.lines() {
            if let Some((surface, _)) = split_surface(line)
                && let Some(i) = surface.find(is_space)
            {
                prefixes.push(surface[..i].to_string());
            }
        }
    }
    prefixes.sort();
    prefixes.dedup();
    Ok(prefixes)
}

fn user_context_ids(source_dir: &Path) -> Result<HashMap<String, ContextIds>, ConvertError> {
    // (pos, jong) -> ((left, right) -> count, costs)
    type Stats = (HashMap<(u16, u16), usize>, Vec<i16>);
    let mut stats: HashMap<String, Stats> = HashMap::new();
    let files = csv_files(source_dir).map_err(|e| err(source_dir, e.to_string()))?;
    for path in files {
        let text = fs::read_to_string(&path).map_err(|e| err(&path, e.to_string()))?;
        for line in text.lines() {
            let Some((_, rest)) = split_surface(line) else {
                continue;
            };
            let cols: Vec<&str> = rest.split(',').collect();
            if cols.len() < 11 {
                continue;
            }
            let (Ok(left), Ok(right), Ok(cost)) = (
                cols[0].parse::<u16>(),
                cols[1].parse::<u16>(),
                cols[2].parse::<i16>(),
            ) else {
                continue;
            };
            let (pos, meaning, jong, kind) = (cols[3], cols[4], cols[5], cols[7]);
            if kind != "*" || meaning != "*" || pos.contains('+') {
                continue;
            }
            let entry = stats.entry(format!("{pos},{jong}")).or_default();
            *entry.0.entry((left, right)).or_default() += 1;
            entry.1.push(cost);
        }
    }
    let mut out = HashMap::new();
    for (key, (ids, mut costs)) in stats {
        let Some((&(left_id, right_id), _)) = ids.iter().max_by_key(|(ids, n)| (**n, **ids)) else {
            continue;
        };
        costs.sort_unstable();
        let cost = costs[costs.len() / 2];
        out.insert(
            key,
            ContextIds {
                left_id,
                right_id,
                cost,
            },
        );
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn left_space_penalty_is_read_from_dicrc() {
        let dicrc = "cost-factor = 800\nleft-space-penalty-factor = 100,3000,120,6000\n";
        assert_eq!(
            parse_left_space_penalty(dicrc).unwrap(),
            vec![(100, 3000), (120, 6000)]
        );
        assert_eq!(parse_left_space_penalty("x = 1").unwrap(), vec![]);
        assert!(parse_left_space_penalty("left-space-penalty-factor = 1,2,3").is_err());
    }

    #[test]
    fn pos_id_rules_take_the_first_match() {
        let rules = PosIdRules::parse(
            "UNKNOWN,*,*,*,*,*,*,* 999\n*,*,*,*,Inflect,(EC|EF),*,* 200\n\
             *,*,*,*,Inflect,*,*,* 2\nJKS,*,*,*,*,*,*,* 120\n",
        )
        .unwrap();
        assert_eq!(rules.pos_id("JKS,*,F,가,*,*,*,*"), 120);
        assert_eq!(
            rules.pos_id("EC+JX,*,F,고는,Inflect,EC,JX,고/EC/*+는/JX/*"),
            200
        );
        assert_eq!(
            rules.pos_id("VV+EP,*,F,했,Inflect,VV,EP,하/VV/*+었/EP/*"),
            2
        );
        assert_eq!(rules.pos_id("NNG,*,T,사람,*,*,*,*"), 0);
    }
}
