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
//! [`tokenizer`] wraps this as a tantivy tokenizer registered as [`ANALYZER_NAME`]; [`terms`]
//! folds a word's tokens into the finest terms that search compares words by.

pub mod lattice;
pub mod normalize;
pub mod stored;
pub mod terms;
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
const MAX_CHUNK: usize = lattice::MAX_CHARS;

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
    /// Whether each of the dictionary's part-of-speech strings is indexed.
    keep_pos_index: Vec<bool>,
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
    /// Parts of the current morpheme: surface and tag ranges in `parts_text`.
    parts: Vec<PartSpan>,
    parts_text: String,
}

/// One part of a compound: byte ranges of its surface and tag in `Scratch::parts_text`.
#[derive(Debug, Clone, Copy)]
struct PartSpan {
    surface: (usize, usize),
    tag: (usize, usize),
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
                return Err(Error::UnknownPos {
                    tag: tag.clone(),
                    known: userdic::TAGS.join(" "),
                });
            }
        }
        let keep: HashSet<String> = config.keep_pos.iter().cloned().collect();
        let keep_pos_index = dict
            .info
            .pos_names
            .iter()
            .map(|pos| keep.contains(pos.split('+').next().unwrap_or(pos)))
            .collect();
        Ok(Analyzer {
            keep,
            keep_pos_index,
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
            parts,
            parts_text,
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
                let (pos, whole_kept) = self.word_parts(m.word, parts, parts_text);
                if !self.config.decompound {
                    parts.clear();
                }
                let kept_parts = parts
                    .iter()
                    .filter(|p| self.keeps(&parts_text[p.tag.0..p.tag.1]))
                    .count();
                lowercase_into(surface, term);
                f(&TokenRef {
                    kind: TokenKind::Morpheme,
                    surface,
                    pos,
                    start,
                    end,
                    position,
                    position_length: kept_parts.max(1),
                    indexed: whole_kept,
                    term,
                });
                if parts.len() < 2 {
                    if whole_kept {
                        position += 1;
                    }
                    continue;
                }
                // Parts: exact offsets when they spell the whole, else the whole's range.
                let spells_whole = parts.iter().try_fold(surface.as_str(), |rest, p| {
                    rest.strip_prefix(&parts_text[p.surface.0..p.surface.1])
                }) == Some("");
                let mut char_at = cs;
                let mut k = 0;
                for (i, p) in parts.iter().enumerate() {
                    let part = &parts_text[p.surface.0..p.surface.1];
                    let tag = &parts_text[p.tag.0..p.tag.1];
                    let part_chars = part.chars().count();
                    let (ps, pe) = if spells_whole {
                        norm.byte_range(char_at, char_at + part_chars)
                    } else {
                        (start, end)
                    };
                    char_at += part_chars;
                    let kept = self.keeps(tag);
                    // The first part repeats the whole (가/VV in 가/VV+EC): index it once.
                    let duplicate = i == 0 && whole_kept && part == surface.as_str();
                    lowercase_into(part, term);
                    f(&TokenRef {
                        kind: TokenKind::Part,
                        surface: part,
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

    /// A morpheme's part of speech and whether it is indexed; fills `parts` with its parts
    /// (none for a simple word). Feature strings are read only for words that have parts.
    fn word_parts<'s>(
        &'s self,
        word: WordRef,
        parts: &mut Vec<PartSpan>,
        text: &mut String,
    ) -> (&'s str, bool) {
        parts.clear();
        text.clear();
        match word {
            WordRef::System(id) => {
                let (pos, has_parts) = self.dict.word_pos(id);
                if has_parts
                    && let Some(expression) =
                        self.dict.lindera.word_details_iter(id as usize).nth(7)
                {
                    parse_expression(expression, parts, text);
                }
                (
                    self.dict.pos_name(pos),
                    self.keep_pos_index.get(pos).copied().unwrap_or(false),
                )
            }
            WordRef::Unknown(id) => {
                let pos = self
                    .dict
                    .info
                    .unknown_pos
                    .get(id as usize)
                    .map_or(usize::MAX, |&p| p as usize);
                (
                    self.dict.pos_name(pos),
                    self.keep_pos_index.get(pos).copied().unwrap_or(false),
                )
            }
            WordRef::User(idx) => {
                let e = self.user.entry(idx);
                for (surface, tag) in &e.parts {
                    push_part(surface, tag, parts, text);
                }
                (e.pos.as_str(), self.keeps(&e.pos))
            }
            WordRef::Bos => ("", false),
        }
    }
}

fn push_part(surface: &str, tag: &str, parts: &mut Vec<PartSpan>, text: &mut String) {
    let s0 = text.len();
    text.push_str(surface);
    let t0 = text.len();
    text.push_str(tag);
    parts.push(PartSpan {
        surface: (s0, t0),
        tag: (t0, text.len()),
    });
}

/// Parses mecab-ko-dic's expression column, `가가/NNG/*+문전/NNG/*`; a malformed one gives
/// no parts.
fn parse_expression(expression: &str, parts: &mut Vec<PartSpan>, text: &mut String) {
    for piece in expression.split('+') {
        let mut fields = piece.splitn(3, '/');
        match (fields.next(), fields.next()) {
            (Some(s), Some(tag)) if !s.is_empty() && !tag.is_empty() => {
                push_part(s, tag, parts, text)
            }
            _ => {
                parts.clear();
                return;
            }
        }
    }
}

/// Writes `s` lower-cased into `out`.
fn lowercase_into(s: &str, out: &mut String) {
    out.clear();
    // Hangul, digits and lower-case ASCII (nearly every term) need no case mapping.
    let caseless = |c: char| {
        c.is_ascii_lowercase() || c.is_ascii_digit() || ('\u{ac00}'..='\u{d7a3}').contains(&c)
    };
    if s.chars().all(caseless) {
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
