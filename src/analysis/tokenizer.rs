//! The analyser as a tantivy tokenizer, registered under [`super::ANALYZER_NAME`].
//!
//! Only indexed tokens reach tantivy: content morphemes and the parts of compound and
//! inflected ones, lower-cased, with byte offsets into the original text (highlighting uses
//! them) and positions for phrase queries.

use std::collections::HashMap;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Mutex, PoisonError};

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use super::stored::{self, Encoder, StoredToken};
use super::{Analyzer, Scratch, TokenKind};

/// A tantivy tokenizer over an [`Analyzer`]. Cloning is cheap: the analyser is shared, the
/// work buffers are per clone (tantivy clones one per indexing thread).
pub struct KoreanTokenizer {
    analyzer: Arc<Analyzer>,
    /// Where the tables of passages analysed before indexing wait.
    tables: Arc<Tables>,
    /// Buffer for decoding tables.
    implied: String,
    /// The last short text analysed, with its tokens.
    recent: Option<Recent>,
    scratch: Scratch,
    tokens: Vec<Token>,
    /// For each of `tokens`, whether it is a part of the compound or inflected word before.
    parts: Vec<bool>,
}

impl Clone for KoreanTokenizer {
    fn clone(&self) -> Self {
        KoreanTokenizer::with_tables(self.analyzer.clone(), self.tables.clone())
    }
}

impl KoreanTokenizer {
    /// A tokenizer over `analyzer`.
    pub fn new(analyzer: Arc<Analyzer>) -> Self {
        Self::with_tables(analyzer, Arc::default())
    }

    /// A tokenizer over `analyzer` that takes the tokens of texts handed over to `tables`.
    pub fn with_tables(analyzer: Arc<Analyzer>, tables: Arc<Tables>) -> Self {
        KoreanTokenizer {
            analyzer,
            tables,
            implied: String::new(),
            recent: None,
            scratch: Scratch::default(),
            tokens: Vec::new(),
            parts: Vec::new(),
        }
    }
}

/// Registers the Korean analyser with an index under [`super::ANALYZER_NAME`] (taking the
/// tokens of passages handed over to `tables`), its pair tokenizer under [`PAIR_ANALYZER`]
/// and the bigram tokenizer under [`BIGRAM_ANALYZER`].
///
/// Returns the count of texts the bigram tokenizer has taken, over all its clones: one per
/// passage indexed, which lets a writer see how far tantivy's threads have got.
pub fn register(
    index: &tantivy::Index,
    analyzer: Arc<Analyzer>,
    tables: Arc<Tables>,
) -> Arc<AtomicU64> {
    let bigrams = BigramTokenizer::default();
    let streams = bigrams.streams.clone();
    index.tokenizers().register(
        super::ANALYZER_NAME,
        TextAnalyzer::from(KoreanTokenizer::with_tables(analyzer.clone(), tables)),
    );
    index.tokenizers().register(
        PAIR_ANALYZER,
        TextAnalyzer::from(PairTokenizer::new(analyzer)),
    );
    index
        .tokenizers()
        .register(BIGRAM_ANALYZER, TextAnalyzer::from(bigrams));
    streams
}

/// The tokens of one text.
pub struct KoreanTokenStream<'a> {
    tokens: &'a mut Vec<Token>,
    /// Number of real tokens (`tokens` holds one placeholder when there are none, so that
    /// `token()` never indexes an empty vector).
    len: usize,
    next: usize,
}

impl Tokenizer for KoreanTokenizer {
    type TokenStream<'a> = KoreanTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> KoreanTokenStream<'a> {
        self.tokens.clear();
        self.parts.clear();
        let (tokens, parts) = (&mut self.tokens, &mut self.parts);
        let table = self.tables.take(text);
        let read = table.is_some_and(|table| {
            let mut implied = std::mem::take(&mut self.implied);
            let read = stored::decode(text, &table, &mut implied, |t| {
                parts.push(t.part);
                tokens.push(Token {
                    offset_from: t.start,
                    offset_to: t.end,
                    position: t.position,
                    text: t.term.to_string(),
                    // Not kept in tables; tantivy does not read it.
                    position_length: 1,
                });
            });
            self.implied = implied;
            read.is_ok()
        });
        if !read {
            // Not handed over (or, never in practice, a table that does not fit the text).
            tokens.clear();
            parts.clear();
            match &self.recent {
                Some(r) if r.text == text => {
                    self.tokens.extend_from_slice(&r.tokens);
                    self.parts.extend_from_slice(&r.parts);
                }
                _ => {
                    self.analyze(text);
                    if text.len() <= RECENT_MAX {
                        let r = self.recent.get_or_insert_with(Recent::default);
                        r.text.clear();
                        r.text.push_str(text);
                        r.tokens.clone_from(&self.tokens);
                        r.parts.clone_from(&self.parts);
                    }
                }
            }
        }
        let by = Arc::as_ptr(&self.analyzer) as usize;
        LAST.with_borrow_mut(|last| last.record(by, text, &self.tokens, &self.parts));
        KoreanTokenStream::over(&mut self.tokens)
    }
}

/// Longest text whose tokens a [`KoreanTokenizer`] keeps for the next call: every passage
/// of an article repeats its title, outlet and reporter, and tantivy gives each field its own
/// tokenizer, so a title is analysed once per article and not once per passage.
const RECENT_MAX: usize = 1024;

/// A short text and its tokens (see [`RECENT_MAX`]).
#[derive(Default)]
struct Recent {
    text: String,
    tokens: Vec<Token>,
    parts: Vec<bool>,
}

impl KoreanTokenizer {
    /// Fills `tokens` and `parts` by analysing `text`.
    fn analyze(&mut self, text: &str) {
        let (tokens, parts) = (&mut self.tokens, &mut self.parts);
        self.analyzer.analyze(text, &mut self.scratch, |t| {
            if t.indexed {
                parts.push(t.kind == TokenKind::Part);
                tokens.push(Token {
                    offset_from: t.start,
                    offset_to: t.end,
                    position: t.position,
                    text: t.term.to_string(),
                    position_length: t.position_length,
                });
            }
        });
    }
}

/// Name of the pair tokenizer (see [`PairTokenizer`]).
pub const PAIR_ANALYZER: &str = "ko_pairs";
/// How many positions after a term its pairs reach (see [`PairTokenizer`]).
pub const PAIR_WINDOW: usize = 1;
/// Joins the two terms of a pair; no term contains it.
pub const PAIR_SEPARATOR: char = '\u{1f}';

/// The term of the ordered pair `a` then `b`.
pub fn pair_term(a: &str, b: &str) -> String {
    let mut t = String::with_capacity(a.len() + b.len() + 1);
    t.push_str(a);
    t.push(PAIR_SEPARATOR);
    t.push_str(b);
    t
}

/// Where an indexed term stands in its text: what pairing ([`each_pair`]) and telling a
/// whole from its parts ([`is_whole`]) need.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    /// Byte offset of the term's start in the text.
    pub from: usize,
    /// Byte offset of its end.
    pub to: usize,
    /// Its position.
    pub position: usize,
    /// A part of the compound or inflected word before it.
    pub part: bool,
}

/// Whether the indexed term at `i` of `places` is a compound's or an inflected word's whole:
/// not a part itself, and followed by its parts. Its parts stand for it in queries, in the
/// pairs, and (in order, at consecutive positions) in a passage's finest terms.
pub fn is_whole(places: &[Place], i: usize) -> bool {
    !places[i].part && places.get(i + 1).is_some_and(|n| n.part)
}

/// Calls `emit(i, j)` for each ordered pair of `places` (the indexed terms of one text, in
/// order) that [`PairTokenizer`] indexes: neither a whole ([`is_whole`]), `j` starting after
/// `i` ends and standing at most [`PAIR_WINDOW`] positions later.
pub fn each_pair(places: &[Place], mut emit: impl FnMut(usize, usize)) {
    for (i, a) in places.iter().enumerate() {
        if is_whole(places, i) {
            continue;
        }
        for (j, b) in places.iter().enumerate().skip(i + 1) {
            if b.position > a.position + PAIR_WINDOW {
                break;
            }
            if b.from >= a.to && b.position > a.position && !is_whole(places, j) {
                emit(i, j);
            }
        }
    }
}

thread_local! {
    /// The work buffers of [`passage_table`] on this thread.
    static PASSAGE: std::cell::RefCell<(Scratch, Encoder)> = std::cell::RefCell::default();
}

/// Analyses a passage once and writes its indexed tokens to `out` as a token table
/// ([`super::stored`]): what the index stores beside the passage, and, handed over to
/// [`Tables`], what [`KoreanTokenizer`] makes its `text` and `pairs` tokens from, so that no
/// field analyses it again.
pub fn passage_table(analyzer: &Analyzer, text: &str, out: &mut Vec<u8>) {
    PASSAGE.with_borrow_mut(|(scratch, encoder)| {
        encoder.start(out);
        analyzer.analyze(text, scratch, |t| {
            if t.indexed {
                let token = StoredToken {
                    start: t.start,
                    end: t.end,
                    position: t.position,
                    part: t.kind == TokenKind::Part,
                    term: t.term,
                };
                encoder.push(text, token, out);
            }
        });
    });
}

/// Token tables of passages on their way from the reader threads, which analyse them
/// ([`passage_table`]), to tantivy's indexing threads, whose [`KoreanTokenizer`] takes a
/// passage's tokens from its table instead of analysing it again. Keyed by the hash of the
/// text, so a tokenizer finds the table of exactly the text it is given; a text not handed
/// over (a title, a query) is analysed as usual. One per index, shared by its tokenizers.
#[derive(Default)]
pub struct Tables {
    /// By the text's hash: its table, and how many passages with that text are on their way.
    waiting: Mutex<HashMap<[u8; 16], Waiting>>,
    /// Whether `waiting` may hold anything: spares the lock where nothing was handed over.
    used: AtomicBool,
}

impl Tables {
    /// Hands over the table of a passage that is about to be indexed.
    pub fn hand_over(&self, text: &str, table: &[u8]) {
        self.used.store(true, Ordering::Relaxed);
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = waiting
            .entry(text_key(text))
            .or_insert_with(|| (Arc::from(table), 0));
        entry.1 += 1;
    }

    /// The table handed over for `text`, if any, taken.
    fn take(&self, text: &str) -> Option<Arc<[u8]>> {
        if !self.used.load(Ordering::Relaxed) {
            return None;
        }
        let key = text_key(text);
        let mut waiting = self.waiting.lock().unwrap_or_else(PoisonError::into_inner);
        let entry = waiting.get_mut(&key)?;
        let table = entry.0.clone();
        entry.1 -= 1;
        if entry.1 == 0 {
            waiting.remove(&key);
        }
        Some(table)
    }
}

/// A table handed over, and how many passages with its text are on their way.
type Waiting = (Arc<[u8]>, usize);

fn text_key(text: &str) -> [u8; 16] {
    let hash = blake3::hash(text.as_bytes());
    let mut key = [0u8; 16];
    key.copy_from_slice(&hash.as_bytes()[..16]);
    key
}

/// The last text the Korean tokenizer analysed on this thread, and its indexed terms.
#[derive(Default)]
struct LastTerms {
    /// The analyser's address: another index's analyser may split the same text otherwise.
    analyzer: usize,
    text: String,
    terms: String,
    places: Vec<Place>,
    /// Byte range of each term in `terms`.
    spans: Vec<(usize, usize)>,
}

impl LastTerms {
    fn record(&mut self, analyzer: usize, text: &str, tokens: &[Token], parts: &[bool]) {
        self.analyzer = analyzer;
        self.text.clear();
        self.text.push_str(text);
        self.terms.clear();
        self.places.clear();
        self.spans.clear();
        for (t, &part) in tokens.iter().zip(parts) {
            let start = self.terms.len();
            self.terms.push_str(&t.text);
            self.places.push(Place {
                from: t.offset_from,
                to: t.offset_to,
                position: t.position,
                part,
            });
            self.spans.push((start, self.terms.len()));
        }
    }

    fn term(&self, i: usize) -> &str {
        let (from, to) = self.spans[i];
        &self.terms[from..to]
    }
}

thread_local! {
    /// tantivy indexes a passage's `text` and then its `pairs` (the next field) from the same
    /// string on the same thread, so the pair tokenizer finds the terms here instead of
    /// analysing the text a second time.
    static LAST: std::cell::RefCell<LastTerms> = std::cell::RefCell::new(LastTerms::default());
}

/// Ordered pairs of neighbouring terms: for every indexed term `a` but a compound's or an
/// inflected word's whole (its parts stand for it, as in queries), one token `a␟b` for each
/// such term `b` that starts after `a` ends and stands at most [`PAIR_WINDOW`] positions
/// later. A pair is a term of its own, so BM25 gives it its own document frequency: two words
/// that are common apart but rare together count as the rare thing they are, which a phrase
/// query over the two terms cannot do.
///
/// The window is 1, neighbours only: on KorQuAD a window of 3 scored the same (MRR@10 0.9540
/// against 0.9530 alone, 0.9431 against 0.9429 with distractors) and made indexing twice as
/// slow, the index twice as large and peak memory three times as high.
#[derive(Clone)]
pub struct PairTokenizer {
    inner: KoreanTokenizer,
    pairs: Vec<Token>,
}

impl PairTokenizer {
    /// A pair tokenizer over `analyzer`.
    pub fn new(analyzer: Arc<Analyzer>) -> Self {
        PairTokenizer {
            inner: KoreanTokenizer::new(analyzer),
            pairs: Vec::new(),
        }
    }
}

impl Tokenizer for PairTokenizer {
    type TokenStream<'a> = KoreanTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> KoreanTokenStream<'a> {
        let by = Arc::as_ptr(&self.inner.analyzer) as usize;
        if !LAST.with_borrow(|last| last.analyzer == by && last.text == text) {
            // Not the text the Korean tokenizer just analysed: analyse it (which records it).
            let _ = self.inner.token_stream(text);
        }
        self.pairs.clear();
        LAST.with_borrow(|last| {
            let places = &last.places;
            each_pair(places, |i, j| {
                self.pairs.push(Token {
                    offset_from: places[i].from,
                    offset_to: places[j].to,
                    position: places[i].position,
                    text: pair_term(last.term(i), last.term(j)),
                    position_length: 1,
                });
            });
        });
        KoreanTokenStream::over(&mut self.pairs)
    }
}

/// Name of the character-bigram tokenizer (see [`BigramTokenizer`]).
pub const BIGRAM_ANALYZER: &str = "ko_bigrams";

/// Whether `c` is written without spaces between its morphemes' letters: a Hangul syllable,
/// a CJK ideograph (hanja), hiragana or katakana. Runs of these are what [`bigrams`] splits.
fn is_cjk(c: char) -> bool {
    matches!(c,
        '\u{ac00}'..='\u{d7a3}'
        | '\u{4e00}'..='\u{9fff}'
        | '\u{3400}'..='\u{4dbf}'
        | '\u{f900}'..='\u{faff}'
        | '\u{3040}'..='\u{30ff}')
}

/// Calls `emit` with the character bigrams of `text` in Unicode NFC, as Lucene's CJK bigram
/// analyser makes them: each run of `is_cjk` characters gives its overlapping pairs of
/// neighbouring characters (`소형언어` → 소형, 형언, 언어), a run of one character gives
/// that character, and everything else (spaces, Latin, digits, punctuation) separates runs.
pub fn bigrams(text: &str, mut emit: impl FnMut(&str)) {
    let mut buf = String::with_capacity(8);
    bigram_chars(text, |a, b| {
        buf.clear();
        buf.push(a);
        buf.extend(b);
        emit(&buf);
    });
}

/// [`bigrams`] as characters: the first, and the second unless the run has only one.
pub fn bigram_chars(text: &str, emit: impl FnMut(char, Option<char>)) {
    use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};
    // Most text is NFC already, and the check is much cheaper than normalising.
    if is_nfc_quick(text.chars()) == IsNormalized::Yes {
        bigrams_of_chars(text.chars(), emit);
    } else {
        bigrams_of_chars(text.nfc(), emit);
    }
}

fn bigrams_of_chars(chars: impl Iterator<Item = char>, mut emit: impl FnMut(char, Option<char>)) {
    let mut prev: Option<char> = None;
    // Whether `prev` has been emitted inside a bigram.
    let mut paired = false;
    for c in chars.chain(std::iter::once(' ')) {
        match (prev, is_cjk(c)) {
            (Some(p), true) => {
                emit(p, Some(c));
                paired = true;
            }
            (Some(p), false) if !paired => emit(p, None),
            _ => {}
        }
        if is_cjk(c) {
            if prev.is_none() {
                paired = false;
            }
            prev = Some(c);
        } else {
            prev = None;
        }
    }
}

/// The [`bigrams`] of a text as tokens, for the `bigrams` field: a second, coarser view of
/// the text beside the morphemes, which still matches where the analyser splits a word
/// differently in the text and in the query (names, new coinages, typing slips). Positions
/// count bigrams; offsets are not kept (the field records frequencies only).
#[derive(Clone, Default)]
pub struct BigramTokenizer {
    tokens: Vec<Token>,
    /// Texts tokenized, shared by every clone.
    streams: Arc<AtomicU64>,
}

impl Tokenizer for BigramTokenizer {
    type TokenStream<'a> = KoreanTokenStream<'a>;

    fn token_stream<'a>(&'a mut self, text: &'a str) -> KoreanTokenStream<'a> {
        self.streams.fetch_add(1, Ordering::Relaxed);
        // Tokens (and their strings) are reused from one text to the next.
        let mut len = 0;
        let tokens = &mut self.tokens;
        bigram_chars(text, |a, b| {
            if len == tokens.len() {
                tokens.push(Token::default());
            }
            let t = &mut tokens[len];
            t.text.clear();
            t.text.push(a);
            t.text.extend(b);
            t.position = len;
            len += 1;
        });
        KoreanTokenStream::over_first(&mut self.tokens, len)
    }
}

impl<'a> KoreanTokenStream<'a> {
    /// A stream over the first `len` of `tokens` (a placeholder is added if it is empty).
    fn over_first(tokens: &'a mut Vec<Token>, len: usize) -> Self {
        if tokens.is_empty() {
            tokens.push(Token::default());
        }
        KoreanTokenStream {
            tokens,
            len,
            next: 0,
        }
    }

    /// A stream over `tokens`, which gets a placeholder if it is empty.
    fn over(tokens: &'a mut Vec<Token>) -> Self {
        let len = tokens.len();
        Self::over_first(tokens, len)
    }
}

impl TokenStream for KoreanTokenStream<'_> {
    fn advance(&mut self) -> bool {
        if self.next < self.len {
            self.next += 1;
            true
        } else {
            false
        }
    }

    fn token(&self) -> &Token {
        &self.tokens[self.next.saturating_sub(1)]
    }

    fn token_mut(&mut self) -> &mut Token {
        &mut self.tokens[self.next.saturating_sub(1)]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::AnalyzerConfig;
    use crate::dictionary::KoDictionary;

    fn stream_texts<T: Tokenizer>(t: &mut T, text: &str) -> Vec<(String, usize)> {
        let mut s = t.token_stream(text);
        let mut out = Vec::new();
        while s.advance() {
            out.push((s.token().text.clone(), s.token().position));
        }
        out
    }

    #[test]
    fn pairs_join_nearby_terms_in_order_and_reuse_the_last_analysis() {
        let dict = Arc::new(KoDictionary::open_default().unwrap());
        let analyzer = Arc::new(Analyzer::new(dict, AnalyzerConfig::default()).unwrap());
        let mut ko = KoreanTokenizer::new(analyzer.clone());
        let mut pairs = PairTokenizer::new(analyzer);
        let text = "GPU 가격이 크게 올랐다";
        let terms = stream_texts(&mut ko, text);
        let texts: Vec<&str> = terms.iter().map(|(t, _)| t.as_str()).collect();
        // 올랐 is indexed whole and as its stem 오르, at the same position.
        assert_eq!(texts, ["gpu", "가격", "크", "올랐", "오르"]);
        let after_ko = stream_texts(&mut pairs, text);
        let p = |a: &str, b: &str| pair_term(a, b);
        let expected = [
            (p("gpu", "가격"), 0),
            (p("가격", "크"), 1),
            (p("크", "오르"), 2),
        ];
        assert_eq!(after_ko, expected);
        // Another text in between: the pair tokenizer analyses on its own, with the same result.
        stream_texts(&mut ko, "전혀 다른 글");
        assert_eq!(stream_texts(&mut pairs, text), expected);
        assert!(stream_texts(&mut pairs, "").is_empty());
    }

    #[test]
    fn a_text_handed_over_is_read_from_its_table_to_the_same_tokens() {
        let dict = Arc::new(KoDictionary::open_default().unwrap());
        let analyzer = Arc::new(Analyzer::new(dict, AnalyzerConfig::default()).unwrap());
        let tables = Arc::new(Tables::default());
        let mut plain = KoreanTokenizer::new(analyzer.clone());
        let mut handed = KoreanTokenizer::with_tables(analyzer.clone(), tables.clone());
        let mut pairs = PairTokenizer::new(analyzer.clone());
        let full = |t: &mut KoreanTokenizer, text: &str| {
            let mut s = t.token_stream(text);
            let mut out = Vec::new();
            while s.advance() {
                let k = s.token();
                out.push((k.text.clone(), k.position, k.offset_from, k.offset_to));
            }
            out
        };
        let texts = [
            "GPU 가격이 크게 올랐다",
            "해외여행 비용과 ＡＩ 대한민국",
            "",
        ];
        for text in texts {
            let mut table = Vec::new();
            passage_table(&analyzer, text, &mut table);
            // Handed over twice (two passages with the same text): read twice, then analysed.
            tables.hand_over(text, &table);
            tables.hand_over(text, &table);
            let want = full(&mut plain, text);
            let want_pairs = stream_texts(&mut pairs, text);
            for _ in 0..3 {
                assert_eq!(full(&mut handed, text), want, "{text:?}");
                assert_eq!(stream_texts(&mut pairs, text), want_pairs, "{text:?}");
            }
            assert!(tables.take(text).is_none());
        }
        assert!(tables.waiting.lock().unwrap().is_empty());
    }

    #[test]
    fn pairs_never_take_the_terms_of_another_analyser() {
        let dict = Arc::new(KoDictionary::open_default().unwrap());
        let plain = Arc::new(Analyzer::new(dict.clone(), AnalyzerConfig::default()).unwrap());
        let user =
            crate::analysis::userdic::UserDictionary::parse("파인튜닝,NNG\n", &dict).unwrap();
        let with_user = Arc::new(
            Analyzer::with_user_dictionary(dict, Arc::new(user), AnalyzerConfig::default())
                .unwrap(),
        );
        let text = "파인튜닝 비용";
        // The plain analyser reads 파인 / 튜닝 and records that on this thread ...
        stream_texts(&mut KoreanTokenizer::new(plain), text);
        // ... but the other index's pair tokenizer must pair its own single word.
        let got: Vec<String> = stream_texts(&mut PairTokenizer::new(with_user), text)
            .into_iter()
            .map(|(t, _)| t.replace(PAIR_SEPARATOR, "+"))
            .collect();
        assert_eq!(got, ["파인튜닝+비용"]);
    }

    #[test]
    fn a_compound_pairs_through_its_parts() {
        let dict = Arc::new(KoDictionary::open_default().unwrap());
        let analyzer = Arc::new(Analyzer::new(dict, AnalyzerConfig::default()).unwrap());
        let mut pairs = PairTokenizer::new(analyzer);
        // 해외여행 is indexed whole (position 0) and as 해외 (0) and 여행 (1); 대한민국 likewise.
        let got: Vec<String> = stream_texts(&mut pairs, "해외여행 비용과 대한민국")
            .into_iter()
            .map(|(t, _)| t.replace(PAIR_SEPARATOR, "+"))
            .collect();
        assert_eq!(got, ["해외+여행", "여행+비용", "비용+대한", "대한+민국"]);
    }

    fn bigrams_of(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        bigrams(text, |b| out.push(b.to_string()));
        out
    }

    #[test]
    fn bigrams_pair_neighbouring_letters_of_each_run() {
        assert_eq!(
            bigrams_of("소형언어모델"),
            ["소형", "형언", "언어", "어모", "모델"]
        );
        // Spaces, Latin, digits and punctuation end a run; a run of one gives one letter.
        assert_eq!(
            bigrams_of("GPU를 44사이즈, 韓國 책"),
            ["를", "사이", "이즈", "韓國", "책"]
        );
        // NFD Hangul (macOS) gives what NFC does.
        let nfd: String = unicode_normalization::UnicodeNormalization::nfd("가격이").collect();
        assert_ne!(nfd, "가격이");
        assert_eq!(bigrams_of(&nfd), ["가격", "격이"]);
        assert!(bigrams_of("").is_empty() && bigrams_of("GPU 2026 !").is_empty());
        let mut t = BigramTokenizer::default();
        assert_eq!(
            stream_texts(&mut t, "소형 언어모델"),
            [
                ("소형".into(), 0),
                ("언어".into(), 1),
                ("어모".into(), 2),
                ("모델".into(), 3)
            ]
        );
        // Token strings are reused: a shorter text after a longer one has only its own.
        assert_eq!(stream_texts(&mut t, "책"), [("책".into(), 0)]);
        assert!(stream_texts(&mut t, "abc").is_empty());
    }
}
