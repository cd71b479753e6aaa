//! The Korean analyser used for indexing and for queries alike.
//!
//! Pipeline for one text: [`normalize`] (NFC, jamo, full-width; offsets kept) → lines cut
//! into lattice chunks → [`lattice`] (MeCab-ko's best segmentation over mecab-ko-dic and the
//! [`userdic`]) → tokens: every morpheme, then the parts of compound and inflected entries
//! (Nori's `decompound_mode: mixed`), each marked indexed or not by the part-of-speech
//! filter. Indexed terms are lower-cased.
//!
//! Positions: only indexed tokens advance the position, so `GPU의 가격` and `GPU 가격` give
//! `GPU`, `가격` at consecutive positions and a phrase query matches both. A compound sits at
//! its first part's position with a position length of its part count.
//!
//! [`tokenizer`] wraps this as a tantivy tokenizer registered as [`ANALYZER_NAME`].

pub mod lattice;
pub mod normalize;
pub mod tokenizer;
pub mod userdic;

use std::collections::HashSet;
use std::path::PathBuf;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use crate::dictionary::KoDictionary;
use crate::error::{Error, Result};
use lattice::{Lattice, Morph, WordRef};
use normalize::Normalized;
use userdic::UserDictionary;

/// The name the schema uses for the Korean analyser.
pub const ANALYZER_NAME: &str = "ko";
/// Bumped whenever the analyser's output changes for the same input and dictionaries.
pub const ANALYZER_VERSION: u32 = 1;
/// Tags indexed by default: nouns, numerals, pronouns, verb and adjective stems, roots,
/// foreign words, hanja, numbers, and words the dictionary does not know.
pub const DEFAULT_KEEP_POS: [&str; 13] = [
    "NNG", "NNP", "NNB", "NNBC", "NR", "NP", "VV", "VA", "XR", "SL", "SH", "SN", "UNKNOWN",
];
/// Longest run of characters analysed as one lattice (longer lines are cut at a space).
const MAX_CHUNK: usize = 4096;

/// What the analyser is configured with; recorded in indexes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnalyzerConfig {
    /// Tags whose morphemes are indexed (a compound tag like `VV+EC` counts by its first tag).
    pub keep_pos: Vec<String>,
    /// Index compound and inflected entries as their parts too.
    pub decompound: bool,
    /// The user dictionary file, if any.
    pub user_dictionary: Option<PathBuf>,
}

impl Default for AnalyzerConfig {
    fn default() -> Self {
        AnalyzerConfig {
            keep_pos: DEFAULT_KEEP_POS.iter().map(|s| s.to_string()).collect(),
            decompound: true,
            user_dictionary: None,
        }
    }
}

/// Whether a token is a morpheme of the segmentation or a part of one.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum TokenKind {
    /// A morpheme of the best segmentation.
    Morpheme,
    /// A part of the compound or inflected morpheme just before it.
    Part,
}

/// One token, borrowed from the analyser's buffers for the duration of a callback.
#[derive(Debug, Clone, Copy)]
pub struct TokenRef<'a> {
    /// Morpheme or part.
    pub kind: TokenKind,
    /// The surface as analysed (after normalisation).
    pub surface: &'a str,
    /// Part-of-speech tag (`NNG`, `VV+EC`, …).
    pub pos: &'a str,
    /// Byte offset in the original text where the token starts.
    pub start: usize,
    /// Byte offset in the original text where the token ends.
    pub end: usize,
    /// Token position (see the module docs).
    pub position: usize,
    /// Positions the token spans (its part count for a compound, else 1).
    pub position_length: usize,
    /// Whether the token goes into the index.
    pub indexed: bool,
    /// The index term (lower-cased surface); meaningful when `indexed`.
    pub term: &'a str,
}

/// The analyser: dictionary, user dictionary and filter, shared by all threads.
#[derive(Debug, Clone)]
pub struct Analyzer {
    dict: Arc<KoDictionary>,
    user: Arc<UserDictionary>,
    keep: HashSet<String>,
    config: AnalyzerConfig,
}

/// Per-thread buffers an [`Analyzer`] works in.
#[derive(Default)]
pub struct Scratch {
    lattice: Lattice,
    norm: Normalized,
    morphs: Vec<Morph>,
    surface: String,
    term: String,
    part_surface: String,
}

impl Analyzer {
    /// Builds an analyser; loads the user dictionary named in `config`.
    pub fn new(dict: Arc<KoDictionary>, config: AnalyzerConfig) -> Result<Analyzer> {
        let user = match &config.user_dictionary {
            Some(path) => UserDictionary::load(path, &dict)?,
            None => UserDictionary::empty(),
        };
        Self::with_user_dictionary(dict, Arc::new(user), config)
    }

    /// Builds an analyser with an already loaded user dictionary.
    pub fn with_user_dictionary(
        dict: Arc<KoDictionary>,
        user: Arc<UserDictionary>,
        config: AnalyzerConfig,
    ) -> Result<Analyzer> {
        for tag in &config.keep_pos {
            if !userdic::TAGS.contains(&tag.as_str()) {
                return Err(Error::Config(format!(
                    "unknown part of speech {tag} in the POS filter (one of {})",
                    userdic::TAGS.join(" ")
                )));
            }
        }
        Ok(Analyzer {
            keep: config.keep_pos.iter().cloned().collect(),
            dict,
            user,
            config,
        })
    }

    /// The configuration.
    pub fn config(&self) -> &AnalyzerConfig {
        &self.config
    }

    /// The dictionary.
    pub fn dictionary(&self) -> &KoDictionary {
        &self.dict
    }

    /// The user dictionary.
    pub fn user_dictionary(&self) -> &UserDictionary {
        &self.user
    }

    /// Identifies everything that shapes the analyser's output; an index built with another
    /// fingerprint must be rebuilt.
    pub fn fingerprint(&self) -> String {
        let mut keep: Vec<&str> = self.keep.iter().map(String::as_str).collect();
        keep.sort_unstable();
        format!(
            "analyzer-v{ANALYZER_VERSION};{};userdic:{};keep:{};decompound:{}",
            self.dict.id(),
            self.user.fingerprint(),
            keep.join(","),
            self.config.decompound
        )
    }

    /// Whether a tag (by its first component) is indexed.
    pub fn keeps(&self, pos: &str) -> bool {
        let first = pos.split('+').next().unwrap_or(pos);
        self.keep.contains(first)
    }

    /// Analyses `text`, calling `f` for every token in order.
    pub fn analyze<F: FnMut(&TokenRef<'_>)>(&self, text: &str, scratch: &mut Scratch, mut f: F) {
        let Scratch {
            lattice,
            norm,
            morphs,
            surface,
            term,
            part_surface,
        } = scratch;
        norm.fill(text);
        let mut position = 0usize;
        for (from, to) in chunks(&norm.chars, self.dict.space_mask, &self.dict) {
            morphs.clear();
            lattice.segment(&self.dict, &self.user, &norm.chars[from..to], morphs);
            for m in morphs.iter() {
                let (cs, ce) = (from + m.start, from + m.end);
                surface.clear();
                surface.extend(&norm.chars[cs..ce]);
                let (start, end) = norm.byte_range(cs, ce);
                let info = self.word_info(m.word);
                let whole_kept = self.keeps(info.pos);
                let parts = if self.config.decompound {
                    info.parts
                } else {
                    Parts::None
                };
                let n_parts = parts.len();
                let kept_parts = parts.iter().filter(|(_, tag)| self.keeps(tag)).count();
                lowercase_into(surface, term);
                f(&TokenRef {
                    kind: TokenKind::Morpheme,
                    surface,
                    pos: info.pos,
                    start,
                    end,
                    position,
                    position_length: kept_parts.max(1),
                    indexed: whole_kept,
                    term,
                });
                if n_parts < 2 {
                    if whole_kept {
                        position += 1;
                    }
                    continue;
                }
                // Parts: exact offsets when they spell the whole, else the whole's range.
                let spells_whole = parts.iter().try_fold(surface.as_str(), |rest, (s, _)| {
                    rest.strip_prefix(s.as_str())
                }) == Some("");
                let mut char_at = cs;
                let mut k = 0;
                for (i, (part, tag)) in parts.iter().enumerate() {
                    part_surface.clear();
                    part_surface.push_str(part);
                    let part_chars = part.chars().count();
                    let (ps, pe) = if spells_whole {
                        norm.byte_range(char_at, char_at + part_chars)
                    } else {
                        (start, end)
                    };
                    char_at += part_chars;
                    let kept = self.keeps(tag);
                    // The first part repeats the whole (가/VV in 가/VV+EC): index it once.
                    let duplicate = i == 0 && whole_kept && part.as_str() == surface.as_str();
                    lowercase_into(part_surface, term);
                    f(&TokenRef {
                        kind: TokenKind::Part,
                        surface: part_surface,
                        pos: tag,
                        start: ps,
                        end: pe,
                        position: position + k,
                        position_length: 1,
                        indexed: kept && !duplicate,
                        term,
                    });
                    if kept {
                        k += 1;
                    }
                }
                position += k.max(whole_kept as usize);
            }
        }
    }

    fn word_info(&self, word: WordRef) -> WordInfo<'_> {
        match word {
            WordRef::System(id) => {
                let mut pos = "";
                let mut kind = "*";
                let mut expression = "*";
                for (i, field) in self.dict.lindera.word_details_iter(id as usize).enumerate() {
                    match i {
                        0 => pos = field,
                        4 => kind = field,
                        7 => expression = field,
                        _ => {}
                    }
                }
                let parts = if matches!(kind, "Compound" | "Inflect" | "Preanalysis") {
                    Parts::parse(expression)
                } else {
                    Parts::None
                };
                WordInfo { pos, parts }
            }
            WordRef::Unknown(id) => WordInfo {
                pos: self
                    .dict
                    .lindera
                    .unknown_word_details_iter(id as usize)
                    .next()
                    .unwrap_or("UNKNOWN"),
                parts: Parts::None,
            },
            WordRef::User(idx) => {
                let e = self.user.entry(idx);
                WordInfo {
                    pos: &e.pos,
                    parts: Parts::Owned(&e.parts),
                }
            }
            WordRef::Bos => WordInfo {
                pos: "",
                parts: Parts::None,
            },
        }
    }
}

struct WordInfo<'a> {
    pos: &'a str,
    parts: Parts<'a>,
}

/// The parts of a compound or inflected entry.
enum Parts<'a> {
    None,
    Parsed(Vec<(String, &'a str)>),
    Owned(&'a [(String, String)]),
}

impl<'a> Parts<'a> {
    /// Parses mecab-ko-dic's expression column, `가가/NNG/*+문전/NNG/*`.
    fn parse(expression: &'a str) -> Parts<'a> {
        let mut out = Vec::new();
        for piece in expression.split('+') {
            let mut fields = piece.splitn(3, '/');
            match (fields.next(), fields.next()) {
                (Some(s), Some(tag)) if !s.is_empty() && !tag.is_empty() => {
                    out.push((s.to_string(), tag))
                }
                _ => return Parts::None,
            }
        }
        Parts::Parsed(out)
    }

    fn len(&self) -> usize {
        match self {
            Parts::None => 0,
            Parts::Parsed(v) => v.len(),
            Parts::Owned(v) => v.len(),
        }
    }

    fn iter(&self) -> Box<dyn Iterator<Item = (&String, &str)> + '_> {
        match self {
            Parts::None => Box::new(std::iter::empty()),
            Parts::Parsed(v) => Box::new(v.iter().map(|(s, t)| (s, *t))),
            Parts::Owned(v) => Box::new(v.iter().map(|(s, t)| (s, t.as_str()))),
        }
    }
}

/// Writes `s` lower-cased into `out`.
fn lowercase_into(s: &str, out: &mut String) {
    out.clear();
    if s.bytes().all(|b| !b.is_ascii_uppercase()) && s.is_ascii() {
        out.push_str(s);
        return;
    }
    for c in s.chars() {
        out.extend(c.to_lowercase());
    }
}

/// Cuts normalised text into lattice chunks: at line breaks, and lines longer than
/// [`MAX_CHUNK`] at the last space before the limit (or at the limit when there is none).
fn chunks<'a>(
    chars: &'a [char],
    space_mask: u32,
    dict: &'a KoDictionary,
) -> impl Iterator<Item = (usize, usize)> + 'a {
    let mut start = 0;
    std::iter::from_fn(move || {
        while start < chars.len() && chars[start] == '\n' {
            start += 1;
        }
        if start >= chars.len() {
            return None;
        }
        let limit = (start + MAX_CHUNK).min(chars.len());
        let mut end = chars[start..limit]
            .iter()
            .position(|&c| c == '\n')
            .map_or(limit, |i| start + i);
        if end == limit
            && limit < chars.len()
            && chars[limit] != '\n'
            && let Some(i) = (start + MAX_CHUNK / 2..limit)
                .rev()
                .find(|&i| dict.chars.info(chars[i]).type_mask() & space_mask != 0)
        {
            end = i + 1;
        }
        let chunk = (start, end);
        start = end;
        Some(chunk)
    })
}
