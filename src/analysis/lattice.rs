//! The Viterbi search over morpheme candidates, with MeCab-ko's treatment of spaces.
//!
//! lindera's own lattice makes each space a node of its own, so the first morpheme of every
//! word is costed against a space instead of the previous morpheme, and loses (왕권 → 왕/권).
//! MeCab skips the space: a candidate that starts after it connects straight to the morpheme
//! before it, paying the dictionary's left-space penalty when its part of speech should not
//! start a word (particles, endings, suffixes). This module does the same over lindera's
//! dictionary data, and generates unknown words exactly as MeCab's `Tokenizer::lookup` does.
//!
//! Invariants: positions are `char` indices into the slice given to [`Lattice::segment`];
//! every character that is not a space belongs to exactly one output morpheme; no input makes
//! it panic (an empty slice gives no morphemes).

use std::collections::HashMap;
use std::hash::BuildHasherDefault;

use lindera_dictionary::dictionary::character_definition::CategoryId;

use super::userdic::UserDictionary;
use crate::dictionary::KoDictionary;
use crate::dictionary::chars::CharInfo;

/// MeCab's default `max-grouping-size`: longer same-kind runs are not one unknown word.
const MAX_GROUPING_SIZE: usize = 24;
/// Most characters one lattice covers; longer input is cut (callers cut at spaces first).
/// Bounds path costs well inside `i32` (see `Lattice::add`).
pub const MAX_CHARS: usize = 4096;
const NONE: u32 = u32::MAX;
/// Size in bytes of one lindera `WordEntry` record.
const ENTRY_LEN: usize = 10;

/// Where a morpheme's data lives.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WordRef {
    /// A system dictionary word id.
    System(u32),
    /// An unknown-word entry id (lindera's unknown dictionary).
    Unknown(u32),
    /// A user dictionary entry index.
    User(u32),
    /// Beginning of sentence (never output).
    Bos,
}

/// One morpheme of the best path: `[start, end)` in characters.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Morph {
    /// First character.
    pub start: usize,
    /// One past the last character.
    pub end: usize,
    /// The dictionary entry.
    pub word: WordRef,
}

#[derive(Clone, Copy)]
struct Node {
    end: u32,
    start: u32,
    /// Column class of the right id (see [`crate::dictionary::matrix`]).
    right: u16,
    cost: i32,
    prev: u32,
    /// Next node ending at the same position.
    enext: u32,
    word: WordRef,
}

/// Reusable buffers for the search; one per thread.
#[derive(Default)]
pub struct Lattice {
    nodes: Vec<Node>,
    end_head: Vec<u32>,
    infos: Vec<CharInfo>,
    user_hits: Vec<(usize, u32)>,
    /// Per row class: (start position it was computed for, best path cost into it, node).
    left_seen: Vec<(u32, i32, u32)>,
    /// Per column class: (end position, its slot in `ends`) while gathering that position.
    right_seen: Vec<(u32, u32)>,
    /// The nodes ending at the position being extended, the cheapest of each column class:
    /// column classes, path costs, node indices.
    ends: Vec<(u32, i32)>,
    ends_node: Vec<u32>,
    /// Tests: search the dictionary at every position, bypassing [`SuffixCache`].
    no_cache: bool,
}

/// System dictionary matches of recent word suffixes (see [`suffix_key`]), one table per
/// thread: tantivy gives every field of every segment its own tokenizer, hence its own
/// lattice, and one table serves them all.
#[derive(Default)]
struct SuffixCache {
    /// [`KoDictionary::serial`] of the dictionary the matches come from.
    dictionary: u64,
    suffixes: HashMap<u128, (u32, u32), BuildHasherDefault<FxHasher>>,
    /// The matches `suffixes` points into.
    matches: Vec<CachedMatch>,
}

thread_local! {
    static CACHE: std::cell::RefCell<SuffixCache> = std::cell::RefCell::default();
}

impl SuffixCache {
    /// The cached matches of `word` (a whole suffix to the next space), found now if they
    /// are not cached yet; `None` where they cannot be cached.
    fn get(&mut self, dict: &KoDictionary, word: &[char]) -> Option<(u32, u32)> {
        let key = suffix_key(word)?;
        if self.dictionary != dict.serial() {
            self.dictionary = dict.serial();
            self.matches.clear();
            self.suffixes.clear();
        }
        if let Some(&range) = self.suffixes.get(&key) {
            return Some(range);
        }
        // An entry with a space matches only where the word is its text before the space:
        // there the matches depend on what follows, and are not cached.
        let spaced = dict.info.spaced_prefixes.iter();
        if spaced.clone().any(|p| p.chars().eq(word.iter().copied())) {
            return None;
        }
        if self.matches.len() > MATCHES_MAX {
            self.matches.clear();
            self.suffixes.clear();
        }
        let range = self.find(dict, word);
        self.suffixes.insert(key, range);
        Some(range)
    }

    /// Appends the system dictionary entries that are prefixes of `text` to `matches`;
    /// their range there.
    fn find(&mut self, dict: &KoDictionary, text: &[char]) -> (u32, u32) {
        let first = self.matches.len() as u32;
        for (bytes, len) in dict.lindera.prefix_dictionary.common_prefix_search(text) {
            for rec in bytes.chunks_exact(ENTRY_LEN) {
                let word_id = u32::from_le_bytes([rec[0], rec[1], rec[2], rec[3]]);
                self.matches.push(CachedMatch {
                    // At most MAX_CHARS long, so it fits.
                    len: len as u16,
                    left_id: u16::from_le_bytes([rec[6], rec[7]]),
                    right_id: u16::from_le_bytes([rec[8], rec[9]]),
                    cost: i16::from_le_bytes([rec[4], rec[5]]),
                    penalty: dict.space_penalty(word_id) as u16,
                    word_id,
                });
            }
        }
        (first, self.matches.len() as u32)
    }
}

/// Longest word suffix, in characters, whose dictionary matches are cached.
const SUFFIX_MAX: usize = 8;
/// A thread's cache is emptied when it holds more matches than this (16 MB, with its table).
const MATCHES_MAX: usize = 1 << 20;

/// The key of a word suffix: the characters from a position to the end of its word (the next
/// space), when there are at most [`SUFFIX_MAX`], all in the Basic Multilingual Plane; they
/// alone decide which system entries match there, except for the few entries with a space in
/// them. Each character is stored plus one in 16 bits, so that unused slots (0) tell the
/// length: 16 bytes, so that a table entry fits twice in a cache line.
fn suffix_key(word: &[char]) -> Option<u128> {
    if word.len() > SUFFIX_MAX {
        return None;
    }
    let mut key = 0u128;
    for (i, &c) in word.iter().enumerate() {
        let v = u32::from(c) + 1;
        if v > 0xffff {
            return None;
        }
        key |= u128::from(v) << (16 * i);
    }
    Some(key)
}

/// One system dictionary entry matching at a position.
#[derive(Clone, Copy)]
struct CachedMatch {
    /// Length in characters.
    len: u16,
    left_id: u16,
    right_id: u16,
    cost: i16,
    penalty: u16,
    word_id: u32,
}

/// FxHash (rustc's): fast, and good enough for keys no adversary chooses per lookup.
#[derive(Default)]
struct FxHasher(u64);

impl std::hash::Hasher for FxHasher {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.write_u64(u64::from(b));
        }
    }

    #[inline]
    fn write_u8(&mut self, n: u8) {
        self.write_u64(u64::from(n));
    }

    #[inline]
    fn write_u32(&mut self, n: u32) {
        self.write_u64(u64::from(n));
    }

    #[inline]
    fn write_u128(&mut self, n: u128) {
        self.write_u64(n as u64);
        self.write_u64((n >> 64) as u64);
    }

    #[inline]
    fn write_u64(&mut self, n: u64) {
        self.0 = (self.0.rotate_left(5) ^ n).wrapping_mul(0x51_7c_c1_b7_27_22_0a_95);
    }
}

/// A candidate about to be connected.
struct Candidate {
    from: usize,
    start: usize,
    end: usize,
    left_id: u16,
    right_id: u16,
    cost: i32,
    word: WordRef,
}

impl Lattice {
    /// Finds the best segmentation of `chars` and appends its morphemes to `out`.
    pub fn segment(
        &mut self,
        dict: &KoDictionary,
        user: &UserDictionary,
        chars: &[char],
        out: &mut Vec<Morph>,
    ) {
        if chars.len() > MAX_CHARS {
            for (i, piece) in chars.chunks(MAX_CHARS).enumerate() {
                let first = out.len();
                self.segment(dict, user, piece, out);
                for m in &mut out[first..] {
                    m.start += i * MAX_CHARS;
                    m.end += i * MAX_CHARS;
                }
            }
            return;
        }
        let n = chars.len();
        let matrix = &dict.matrix;
        let Some(eos) = matrix.left_class(0) else {
            return;
        };
        if n == 0 {
            return;
        }
        self.nodes.clear();
        self.end_head.clear();
        self.end_head.resize(n + 1, NONE);
        self.infos.clear();
        self.infos.extend(chars.iter().map(|&c| dict.chars.info(c)));
        self.nodes.push(Node {
            end: 0,
            start: 0,
            right: matrix.right_class(0).unwrap_or(0),
            cost: 0,
            prev: NONE,
            enext: NONE,
            word: WordRef::Bos,
        });
        self.end_head[0] = 0;
        // Stamps from an earlier text must not match positions of this one.
        self.left_seen.resize(matrix.rows(), (NONE, 0, NONE));
        self.left_seen.iter_mut().for_each(|s| s.0 = NONE);
        self.right_seen.iter_mut().for_each(|s| s.0 = NONE);

        for pos in 0..n {
            if self.end_head[pos] == NONE {
                continue;
            }
            self.gather_ends(pos, matrix.cols());
            let mut q = pos;
            while q < n && self.infos[q].type_mask() & dict.space_mask != 0 {
                q += 1;
            }
            if q == n {
                continue;
            }
            let spaced = q > pos;
            let mut found = false;

            // User dictionary.
            self.user_hits.clear();
            user.prefixes(&chars[q..], &mut self.user_hits);
            for i in 0..self.user_hits.len() {
                let (len, idx) = self.user_hits[i];
                let e = user.entry(idx);
                self.add(
                    dict,
                    Candidate {
                        from: pos,
                        start: q,
                        end: q + len,
                        left_id: e.left_id,
                        right_id: e.right_id,
                        cost: e.cost as i32 + if spaced { e.space_penalty as i32 } else { 0 },
                        word: WordRef::User(idx),
                    },
                );
                found = true;
            }

            // System dictionary.
            found |= self.system_words(dict, chars, pos, q);

            let info = self.infos[q];
            if found && !info.invoke() {
                continue;
            }
            self.unknown_words(dict, pos, q, info, found);
        }

        // EOS connects to the last position where something ends (trailing spaces are skipped).
        let Some(last) = (0..=n).rev().find(|&p| self.end_head[p] != NONE) else {
            return;
        };
        let row = matrix.row(eos);
        let mut best = i64::MAX;
        let mut best_node = NONE;
        let mut i = self.end_head[last];
        while i != NONE {
            let l = &self.nodes[i as usize];
            let c = l.cost as i64 + row.get(l.right as usize).copied().unwrap_or(0) as i64;
            if c < best {
                best = c;
                best_node = i;
            }
            i = l.enext;
        }
        let first = out.len();
        let mut i = best_node;
        while i != NONE && i != 0 {
            let node = &self.nodes[i as usize];
            out.push(Morph {
                start: node.start as usize,
                end: node.end as usize,
                word: node.word,
            });
            i = node.prev;
        }
        out[first..].reverse();
    }

    /// MeCab's unknown-word proposal at `q` (reached from `pos`), for the first character's
    /// default category: the whole same-kind run when the category groups, and prefixes of
    /// 1..=length characters; at least one character when nothing else was proposed.
    fn unknown_words(
        &mut self,
        dict: &KoDictionary,
        pos: usize,
        q: usize,
        info: CharInfo,
        found: bool,
    ) {
        let n = self.infos.len();
        let ld = &dict.lindera;
        let Some(Some(category)) = dict.unknown_category.get(info.default_type()).copied() else {
            return;
        };
        let entries = ld.unknown_dictionary.lookup_word_ids(CategoryId(category));
        if entries.is_empty() {
            return;
        }
        let spaced = q > pos;
        let add_unknown = |this: &mut Lattice, len: usize| {
            for &id in entries {
                let e = ld.unknown_dictionary.word_entry(id);
                let penalty = if spaced {
                    dict.unknown_space_penalty(id)
                } else {
                    0
                };
                this.add(
                    dict,
                    Candidate {
                        from: pos,
                        start: q,
                        end: q + len,
                        left_id: e.left_id() as u16,
                        right_id: e.right_id() as u16,
                        cost: e.word_cost() as i32 + penalty,
                        word: WordRef::Unknown(id),
                    },
                );
            }
        };
        let mut added = found;

        let mut begin3 = q + 1;
        let mut group_end = None;
        if info.group() {
            let mut p = begin3;
            let mut prev = info;
            let mut clen = 0;
            while p < n && prev.is_kind_of(self.infos[p]) {
                prev = self.infos[p];
                p += 1;
                clen += 1;
            }
            if clen <= MAX_GROUPING_SIZE {
                add_unknown(self, p - q);
                added = true;
            }
            group_end = Some(p);
        }
        for _ in 1..=info.length() {
            if begin3 > n {
                break;
            }
            if group_end == Some(begin3) {
                continue;
            }
            add_unknown(self, begin3 - q);
            added = true;
            if begin3 >= n || !info.is_kind_of(self.infos[begin3]) {
                break;
            }
            begin3 += 1;
        }
        if !added {
            add_unknown(self, 1);
        }
    }

    /// Adds the system dictionary's entries that match at `q` (reached from `pos`); whether
    /// there were any. A word's matches are cached by its text from `q` to the next space when
    /// that is short, since that text alone decides them (but see
    /// [`crate::dictionary::compile::DictInfo::spaced_prefixes`]).
    fn system_words(&mut self, dict: &KoDictionary, chars: &[char], pos: usize, q: usize) -> bool {
        let n = chars.len();
        let mut w = q;
        while w < n && w - q <= SUFFIX_MAX && self.infos[w].type_mask() & dict.space_mask == 0 {
            w += 1;
        }
        let spaced = q > pos;
        CACHE.with_borrow_mut(|cache| {
            // A word longer than SUFFIX_MAX (`w` stopped one past it) has no key.
            let cached = if self.no_cache {
                None
            } else {
                cache.get(dict, &chars[q..w])
            };
            let (first, last) = cached.unwrap_or_else(|| cache.find(dict, &chars[q..]));
            for i in first..last {
                let m = cache.matches[i as usize];
                self.add(
                    dict,
                    Candidate {
                        from: pos,
                        start: q,
                        end: q + usize::from(m.len),
                        left_id: m.left_id,
                        right_id: m.right_id,
                        cost: i32::from(m.cost) + if spaced { i32::from(m.penalty) } else { 0 },
                        word: WordRef::System(m.word_id),
                    },
                );
            }
            if cached.is_none() {
                // Not cached: these matches are not needed again.
                cache.matches.truncate(first as usize);
            }
            last > first
        })
    }

    /// Gathers the nodes ending at `pos` into `ends`, keeping only the cheapest per column
    /// class: the next connection depends on nothing else. A contiguous array, rather than
    /// the linked list, lets the connection loop issue its matrix loads (each risks a cache
    /// miss) independently of one another.
    fn gather_ends(&mut self, pos: usize, cols: usize) {
        let stamp = pos as u32;
        self.ends.clear();
        self.ends_node.clear();
        if self.right_seen.len() < cols {
            self.right_seen.resize(cols, (NONE, 0));
        }
        let mut i = self.end_head[pos];
        while i != NONE {
            let node = &self.nodes[i as usize];
            let r = node.right as usize;
            // `add` only records column classes of the matrix; checking again here is what
            // makes the unchecked read in `add` sound whatever the nodes hold.
            if r < cols {
                let (seen_at, slot) = self.right_seen[r];
                if seen_at == stamp {
                    let k = slot as usize;
                    if node.cost < self.ends[k].1 {
                        self.ends[k].1 = node.cost;
                        self.ends_node[k] = i;
                    }
                } else {
                    self.right_seen[r] = (stamp, self.ends.len() as u32);
                    self.ends.push((r as u32, node.cost));
                    self.ends_node.push(i);
                }
            }
            i = node.enext;
        }
    }

    /// Connects a candidate to the best path ending where it may attach, and records it.
    /// Candidates of the same row class share one search per start position.
    ///
    /// Path costs cannot overflow: a lattice has at most [`MAX_CHARS`] characters, so at most
    /// that many nodes on a path, each adding an `i16` word cost, an `i16` connection cost
    /// and a `u16` penalty: 4096 × 98,301 < 2³¹.
    #[inline(always)]
    fn add(&mut self, dict: &KoDictionary, c: Candidate) {
        let matrix = &dict.matrix;
        // Only a damaged dictionary has ids outside the matrix; nothing connects to them.
        let (Some(lc), Some(right)) =
            (matrix.left_class(c.left_id), matrix.right_class(c.right_id))
        else {
            return;
        };
        let l = lc as usize;
        let stamp = c.from as u32;
        let (seen_at, mut best, mut best_node) = self.left_seen[l];
        if seen_at != stamp {
            let row = matrix.row(lc);
            best = i32::MAX;
            let mut best_k = usize::MAX;
            for (k, &(right, cost)) in self.ends.iter().enumerate() {
                // SAFETY: `gather_ends` keeps only column classes below the matrix's column
                // count, which is the length of every row.
                let conn = unsafe { *row.get_unchecked(right as usize) };
                let total = cost.wrapping_add(conn as i32);
                if total < best {
                    best = total;
                    best_k = k;
                }
            }
            best_node = self.ends_node.get(best_k).copied().unwrap_or(NONE);
            self.left_seen[l] = (stamp, best, best_node);
        }
        if best_node == NONE {
            return;
        }
        self.nodes.push(Node {
            end: c.end as u32,
            start: c.start as u32,
            right,
            cost: best.wrapping_add(c.cost),
            prev: best_node,
            enext: self.end_head[c.end],
            word: c.word,
        });
        self.end_head[c.end] = self.nodes.len() as u32 - 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every text file of `data/articles`, as UTF-8 (the CP949 sample is skipped).
    fn sample_texts() -> Vec<String> {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles");
        let mut texts: Vec<String> = walkdir::WalkDir::new(root)
            .sort_by_file_name()
            .into_iter()
            .filter_map(Result::ok)
            .filter(|e| e.file_type().is_file())
            .filter_map(|e| std::fs::read_to_string(e.path()).ok())
            .collect();
        // Short texts, long words (a cut key), spaces of several kinds and none at all.
        texts.extend(
            [
                "",
                " ",
                "가",
                "국민건강보험공단이사장직무대행체제로운영되었다",
                "GPU\u{3000}가격이\t올랐다\n그래서",
                "소형언어모델(SLM)을 파인튜닝했다",
                // Entries with a space: 에듀 + space, 영치기 영차.
                "에듀 테크 기업이 영치기 영차 외쳤다 에듀",
                "영치기 영차 영치기",
            ]
            .map(String::from),
        );
        texts
    }

    #[test]
    fn cached_matches_give_the_same_segmentation() {
        let dict = KoDictionary::open_default().unwrap();
        assert_eq!(
            dict.info.spaced_prefixes,
            ["내셔날", "에듀", "영치기", "캘리", "콜라비"]
        );
        let user = UserDictionary::empty();
        let mut cached = Lattice::default();
        let mut searched = Lattice {
            no_cache: true,
            ..Lattice::default()
        };
        let texts = sample_texts();
        assert!(texts.len() > 30);
        // Twice, so that the second pass reads matches the first one cached.
        for round in 0..2 {
            for text in &texts {
                let chars: Vec<char> = text.chars().collect();
                let (mut a, mut b) = (Vec::new(), Vec::new());
                cached.segment(&dict, &user, &chars, &mut a);
                searched.segment(&dict, &user, &chars, &mut b);
                assert_eq!(a, b, "round {round}: {text:?}");
            }
        }
        assert!(CACHE.with_borrow(|c| !c.suffixes.is_empty()));
    }
}
