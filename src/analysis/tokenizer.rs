//! The analyser as a tantivy tokenizer, registered under [`super::ANALYZER_NAME`].
//!
//! Only indexed tokens reach tantivy: content morphemes and the parts of compound and
//! inflected ones, lower-cased, with byte offsets into the original text (highlighting uses
//! them) and positions for phrase queries.

use std::sync::Arc;

use tantivy::tokenizer::{TextAnalyzer, Token, TokenStream, Tokenizer};

use super::{Analyzer, Scratch};

/// A tantivy tokenizer over an [`Analyzer`]. Cloning is cheap: the analyser is shared, the
/// work buffers are per clone (tantivy clones one per indexing thread).
pub struct KoreanTokenizer {
    analyzer: Arc<Analyzer>,
    scratch: Scratch,
    tokens: Vec<Token>,
}

impl Clone for KoreanTokenizer {
    fn clone(&self) -> Self {
        KoreanTokenizer::new(self.analyzer.clone())
    }
}

impl KoreanTokenizer {
    /// A tokenizer over `analyzer`.
    pub fn new(analyzer: Arc<Analyzer>) -> Self {
        KoreanTokenizer {
            analyzer,
            scratch: Scratch::default(),
            tokens: Vec::new(),
        }
    }
}

/// Registers the Korean analyser with an index under [`super::ANALYZER_NAME`].
pub fn register(index: &tantivy::Index, analyzer: Arc<Analyzer>) {
    index.tokenizers().register(
        super::ANALYZER_NAME,
        TextAnalyzer::from(KoreanTokenizer::new(analyzer)),
    );
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
        let tokens = &mut self.tokens;
        self.analyzer.analyze(text, &mut self.scratch, |t| {
            if t.indexed {
                tokens.push(Token {
                    offset_from: t.start,
                    offset_to: t.end,
                    position: t.position,
                    text: t.term.to_string(),
                    position_length: t.position_length,
                });
            }
        });
        let len = self.tokens.len();
        if len == 0 {
            self.tokens.push(Token::default());
        }
        KoreanTokenStream {
            tokens: &mut self.tokens,
            len,
            next: 0,
        }
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
