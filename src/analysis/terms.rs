//! A word's terms as search compares them: its *finest terms*, the indexed morphemes with a
//! compound replaced by its parts (`소형언어모델` → 소형, 언어, 모델), and the compound wholes
//! that the parts stand for.
//!
//! Invariant: [`WordTerms::fold`] is the one place that turns analysed tokens into finest
//! terms. Query compilation, the synonyms file and the aliases mined at index time all go
//! through it, so a query word and a synonym or alias that analyse alike have equal
//! [`FinestTerms`].

use serde::{Deserialize, Serialize};

use super::{Analyzer, Scratch, TokenKind};

/// One word's indexed terms, folded.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WordTerms {
    /// The finest terms with their positions, in position order, one per position.
    pub fine: Vec<(usize, String)>,
    /// The compounds whose parts stand in `fine`, whole.
    pub wholes: Vec<String>,
}

/// A word's finest terms in order, without positions: what a query word, a synonym and an
/// alias are compared by. Made by [`WordTerms::finest`] (or read back from an index's
/// `aliases.json`, where it is stored as the plain list of terms).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(transparent)]
pub struct FinestTerms(Vec<String>);

impl FinestTerms {
    /// Whether the word has no indexed term (only particles or punctuation).
    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
}

impl WordTerms {
    /// Folds a word's indexed tokens, `(kind, position, term)` in the analyser's order: a
    /// morpheme followed by parts is a compound, kept in `wholes` while its parts go to
    /// `fine`; any other morpheme goes to `fine` itself.
    pub fn fold(tokens: impl IntoIterator<Item = (TokenKind, usize, String)>) -> WordTerms {
        let mut out = WordTerms::default();
        // The last morpheme, and whether parts of it followed.
        let mut pending: Option<(usize, String)> = None;
        let mut parts_of_pending = false;
        for (kind, position, term) in tokens {
            match kind {
                TokenKind::Morpheme => {
                    out.settle(pending.take(), parts_of_pending);
                    pending = Some((position, term));
                    parts_of_pending = false;
                }
                TokenKind::Part => {
                    parts_of_pending = true;
                    out.fine.push((position, term));
                }
            }
        }
        out.settle(pending, parts_of_pending);
        out.fine.sort_by_key(|(p, _)| *p);
        out.fine.dedup_by_key(|(p, _)| *p);
        out
    }

    /// Analyses `text` on its own and folds its indexed tokens.
    pub fn of(analyzer: &Analyzer, text: &str, scratch: &mut Scratch) -> WordTerms {
        let mut tokens = Vec::new();
        analyzer.analyze(text, scratch, |t| {
            if t.indexed {
                tokens.push((t.kind, t.position, t.term.to_string()));
            }
        });
        WordTerms::fold(tokens)
    }

    /// The finest terms without their positions.
    pub fn finest(&self) -> FinestTerms {
        FinestTerms(self.fine.iter().map(|(_, t)| t.clone()).collect())
    }

    /// A morpheme once it is known whether parts followed it: a whole, or a finest term.
    fn settle(&mut self, morpheme: Option<(usize, String)>, had_parts: bool) {
        match morpheme {
            Some((_, whole)) if had_parts => self.wholes.push(whole),
            Some(term) => self.fine.push(term),
            None => {}
        }
    }
}

/// The finest terms of `text` analysed on its own (a synonym, an alias).
pub fn finest_terms(analyzer: &Analyzer, text: &str, scratch: &mut Scratch) -> FinestTerms {
    WordTerms::of(analyzer, text, scratch).finest()
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::*;
    use crate::analysis::AnalyzerConfig;
    use crate::dictionary::KoDictionary;

    fn owned(tokens: &[(TokenKind, usize, &str)]) -> Vec<(TokenKind, usize, String)> {
        tokens
            .iter()
            .map(|&(k, p, t)| (k, p, t.to_string()))
            .collect()
    }

    fn fine(w: &WordTerms) -> Vec<(usize, &str)> {
        w.fine.iter().map(|(p, t)| (*p, t.as_str())).collect()
    }

    #[test]
    fn a_compound_folds_into_its_parts_and_its_whole() {
        use TokenKind::{Morpheme, Part};
        // GPU 소형언어모델 가격: a simple word, a compound of three parts, a simple word.
        let w = WordTerms::fold(owned(&[
            (Morpheme, 0, "gpu"),
            (Morpheme, 1, "소형언어모델"),
            (Part, 1, "소형"),
            (Part, 2, "언어"),
            (Part, 3, "모델"),
            (Morpheme, 4, "가격"),
        ]));
        assert_eq!(
            fine(&w),
            [
                (0, "gpu"),
                (1, "소형"),
                (2, "언어"),
                (3, "모델"),
                (4, "가격")
            ]
        );
        assert_eq!(w.wholes, ["소형언어모델"]);
        // An inflected word's stem is a part at the whole's position: 올랐 → 오르.
        let w = WordTerms::fold(owned(&[(Morpheme, 0, "올랐"), (Part, 0, "오르")]));
        assert_eq!(fine(&w), [(0, "오르")]);
        assert_eq!(w.wholes, ["올랐"]);
        assert_eq!(WordTerms::fold(Vec::new()), WordTerms::default());
    }

    #[test]
    fn finest_terms_of_analysed_words() {
        let dict = Arc::new(KoDictionary::open_default().unwrap());
        let user = crate::analysis::userdic::UserDictionary::parse(
            "소형언어모델,NNG,소형/NNG+언어/NNG+모델/NNG\n",
            &dict,
        )
        .unwrap();
        let analyzer =
            Analyzer::with_user_dictionary(dict, Arc::new(user), AnalyzerConfig::default())
                .unwrap();
        let mut scratch = Scratch::default();
        let mut json = |text: &str| {
            serde_json::to_string(&finest_terms(&analyzer, text, &mut scratch)).unwrap()
        };
        // Stored in aliases.json as the plain list of terms.
        assert_eq!(json("소형언어모델"), r#"["소형","언어","모델"]"#);
        // Spaced, the same terms: the compound and its spaced form compare equal.
        assert_eq!(json("소형 언어 모델"), r#"["소형","언어","모델"]"#);
        // Particles are not indexed; Latin is lower-cased.
        assert_eq!(json("GPU를"), r#"["gpu"]"#);
        assert_eq!(json("를."), "[]");
        let w = WordTerms::of(&analyzer, "소형언어모델의 가격", &mut scratch);
        assert_eq!(
            fine(&w),
            [(0, "소형"), (1, "언어"), (2, "모델"), (3, "가격")]
        );
        assert_eq!(w.wholes, ["소형언어모델"]);
    }
}
