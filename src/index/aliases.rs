//! Aliases the corpus teaches: Korean news defines terms in parentheses —
//! `소형언어모델(SLM)`, `GPU(그래픽처리장치)`, `트랜스포머(Transformer)`,
//! `국민건강보험공단(건보공단)`.
//!
//! At index time every article is scanned for `WORD(ALIAS)`; each file's candidate pairs are
//! kept with its manifest record (`alias_pairs`), so the tally follows the index through
//! updates. After each run the tally is written to `aliases.json` in the index folder, which
//! `kosearch aliases` lists and `kosearch search` uses to expand queries. A
//! candidate becomes an alias only when it looks like a definition and is seen often enough:
//!
//! - Hangul word ↔ Latin name (`소형언어모델(SLM)`, `GPU(그래픽처리장치)`): one article is
//!   enough when the Latin side is an acronym or one name and the Hangul side one word of at
//!   least two syllables; otherwise two articles.
//! - Hangul ↔ Hangul only when one abbreviates the other (`국민건강보험공단(건보공단)`): at
//!   least two articles, both sides single words. Other Hangul pairs in parentheses are
//!   labels or specifications far more often than names (court rulings write `여부(소극)`,
//!   `이회창(재판장)`); Hangul synonyms such as 파인튜닝 = 미세조정 belong in the synonyms file.
//! - Never: asides with digits, `=`, `:` or `·` (`(2025년 기준)`, `(서울=한빛뉴스)`,
//!   `(단위: 원)`), captions and credits (`(사진)`, `(제공)`), or a side that is a common
//!   function word.

use std::collections::{BTreeMap, BTreeSet};

use serde::{Deserialize, Serialize};

use crate::analysis::terms::{FinestTerms, finest_terms};

/// A parenthetical pair found in one article: `(term, alias)` as written.
pub type Pair = (String, String);

/// What kind of definition a pair is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PairKind {
    /// Hangul ↔ Latin acronym or single name.
    Strong,
    /// Hangul ↔ Latin of several words.
    Latin,
    /// Hangul ↔ Hangul.
    Hangul,
}

/// Words in parentheses that are asides, not names.
const ASIDES: [&str; 24] = [
    "사진",
    "제공",
    "자료",
    "출처",
    "그림",
    "표",
    "영상",
    "캡처",
    "왼쪽",
    "오른쪽",
    "가운데",
    "위",
    "아래",
    "뒤",
    "앞",
    "당시",
    "현",
    "전",
    "이하",
    "가칭",
    "약칭",
    "예정",
    "가명",
    "인용",
];

fn is_hangul_word(s: &str) -> bool {
    s.chars().count() >= 2 && s.chars().all(|c| ('가'..='힣').contains(&c))
}

fn is_latin(s: &str) -> bool {
    let s = s.trim();
    !s.is_empty()
        && s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, ' ' | '-' | '.' | '&' | '+'))
        && s.split_whitespace().count() <= 4
        && s.len() <= 40
}

/// An acronym (`SLM`, `LLM`, `GPT-4`) or a single capitalised name (`Transformer`, `LoRA`).
fn is_name(s: &str) -> bool {
    !s.contains(' ') && s.len() >= 2 && s.chars().next().is_some_and(|c| c.is_ascii_uppercase())
}

/// Whether `latin` is an acronym with more letters than `hangul` has syllables (up to four):
/// then the word before the parenthesis is only the end of what the acronym stands for, as
/// in 국제연합교육과학문화기구(UNESCO) read as 기구(UNESCO).
fn acronym_too_long(latin: &str, hangul: &str) -> bool {
    let letters = latin.chars().filter(|c| c.is_ascii_uppercase()).count();
    let acronym = letters >= 2
        && latin
            .chars()
            .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '-');
    let syllables = hangul.chars().filter(|c| ('가'..='힣').contains(c)).count();
    acronym && syllables > 0 && syllables < letters.min(4)
}

/// Whether the shorter of two Hangul words abbreviates the longer: its syllables stand in the
/// longer in order but not side by side (`국민건강보험공단(건보공단)`). Other Hangul pairs in
/// parentheses are mostly labels and specifications, not names (`여부(소극)`,
/// `이회창(재판장)`, `가격(직접비용)` in court rulings); a suffix or prefix (`주식(포합주식)`)
/// adds nothing the compound's parts do not already match.
fn is_abbreviation(a: &str, b: &str) -> bool {
    let (short, long) = if a.chars().count() < b.chars().count() {
        (a, b)
    } else {
        (b, a)
    };
    let mut rest = long.chars();
    short.chars().count() >= 2
        && short.chars().count() < long.chars().count()
        && !long.contains(short)
        && short.chars().all(|c| rest.any(|d| d == c))
}

/// Classifies a candidate; `None` when it is not a definition.
pub fn classify(term: &str, alias: &str) -> Option<PairKind> {
    if ASIDES.contains(&term) || ASIDES.contains(&alias) {
        return None;
    }
    if acronym_too_long(term, alias) || acronym_too_long(alias, term) {
        return None;
    }
    let hangul_term = is_hangul_word(term);
    let hangul_alias = is_hangul_word(alias) || {
        // A Hangul alias may have a space or two (저랭크 적응).
        let words: Vec<&str> = alias.split(' ').collect();
        words.len() <= 3
            && words
                .iter()
                .all(|w| w.chars().all(|c| ('가'..='힣').contains(&c)) && !w.is_empty())
            && alias.chars().filter(|c| *c != ' ').count() >= 2
    };
    match (hangul_term, is_latin(term), hangul_alias, is_latin(alias)) {
        (true, _, _, true) => Some(if is_name(alias) {
            PairKind::Strong
        } else {
            PairKind::Latin
        }),
        (_, true, true, _) => Some(if is_name(term) && !alias.contains(' ') {
            PairKind::Strong
        } else {
            PairKind::Latin
        }),
        (true, _, true, _) if !alias.contains(' ') && is_abbreviation(term, alias) => {
            Some(PairKind::Hangul)
        }
        _ => None,
    }
}

/// Finds `WORD(ALIAS)` candidates in a text.
pub fn candidates(text: &str, out: &mut BTreeSet<Pair>) {
    let chars: Vec<(usize, char)> = text.char_indices().collect();
    for (k, &(i, c)) in chars.iter().enumerate() {
        if c != '(' || k == 0 {
            continue;
        }
        // The word right before the parenthesis (no space between).
        let mut start = k;
        while start > 0 && is_word_char(chars[start - 1].1) {
            start -= 1;
        }
        if start == k {
            continue;
        }
        let term = &text[chars[start].0..i];
        // The aside, up to the closing parenthesis on the same line.
        let rest = &text[i + 1..];
        let Some(close) = rest.find([')', '(', '\n']) else {
            continue;
        };
        if !rest[close..].starts_with(')') {
            continue;
        }
        let inside = rest[..close].trim();
        let first = inside.split([',', ';', '/']).next().unwrap_or("").trim();
        if first.is_empty()
            || first.chars().count() > 30
            || first
                .chars()
                .any(|c| c.is_ascii_digit() && !is_latin(first))
            || first.contains(['=', ':', '·', '：'])
        {
            continue;
        }
        if classify(term, first).is_some() {
            out.insert((term.to_string(), first.to_string()));
        }
    }
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() || c == '-'
}

/// One accepted alias, as `kosearch aliases` lists it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Alias {
    /// The term as written before the parenthesis.
    pub term: String,
    /// What the parenthesis says it is.
    pub alias: String,
    /// How many articles define it so.
    pub count: usize,
    /// The kind of definition.
    pub kind: PairKind,
    /// Up to three files that define it.
    pub sources: Vec<String>,
    /// The term's finest analysed terms, which search compares query words with (written
    /// by [`refresh`] so that a search need not analyse every alias again).
    #[serde(default, skip_serializing_if = "FinestTerms::is_empty")]
    pub term_key: FinestTerms,
    /// The alias's finest analysed terms.
    #[serde(default, skip_serializing_if = "FinestTerms::is_empty")]
    pub alias_key: FinestTerms,
}

/// Tallies `(file, pairs)` and keeps the pairs that pass the thresholds (module docs).
pub fn tally<'a>(files: impl IntoIterator<Item = (&'a str, &'a [Pair])>) -> Vec<Alias> {
    let mut seen: BTreeMap<(String, String), (usize, Vec<String>)> = BTreeMap::new();
    for (path, pairs) in files {
        for (t, a) in pairs {
            let e = seen.entry((t.clone(), a.clone())).or_default();
            e.0 += 1;
            if e.1.len() < 3 {
                e.1.push(path.to_string());
            }
        }
    }
    let mut out = Vec::new();
    for ((term, alias), (count, sources)) in seen {
        let Some(kind) = classify(&term, &alias) else {
            continue;
        };
        let needed = match kind {
            PairKind::Strong => 1,
            PairKind::Latin | PairKind::Hangul => 2,
        };
        if count >= needed {
            out.push(Alias {
                term,
                alias,
                count,
                kind,
                sources,
                term_key: FinestTerms::default(),
                alias_key: FinestTerms::default(),
            });
        }
    }
    out.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.term.cmp(&b.term)));
    out
}

/// The file in an index folder that holds the accepted aliases.
pub const ALIASES_FILE: &str = "aliases.json";

/// The alias candidates of a file's articles (titles and text), as JSON; empty when none.
pub fn pairs_json(articles: &[crate::ingest::Article]) -> String {
    let mut set = BTreeSet::new();
    for a in articles {
        if let Some(t) = &a.title {
            candidates(t, &mut set);
        }
        for p in &a.paragraphs {
            candidates(p, &mut set);
        }
    }
    if set.is_empty() {
        return String::new();
    }
    serde_json::to_string(&set).unwrap_or_default()
}

/// Tallies the candidates of every file record of the last commit and writes
/// [`ALIASES_FILE`]; returns the accepted aliases.
pub fn refresh(ko: &super::KoIndex) -> crate::Result<Vec<Alias>> {
    use tantivy::collector::DocSetCollector;
    use tantivy::schema::Value;

    use crate::error::Error;
    let err = |e| Error::tantivy(&ko.path, e);
    let reader = ko.reader()?;
    let searcher = reader.searcher();
    let f = &ko.fields;
    let query = tantivy::query::TermQuery::new(
        tantivy::Term::from_field_text(f.kind, super::schema::KIND_FILE),
        tantivy::schema::IndexRecordOption::Basic,
    );
    let mut files: Vec<(String, Vec<Pair>)> = Vec::new();
    for addr in searcher.search(&query, &DocSetCollector).map_err(err)? {
        let doc: tantivy::TantivyDocument = searcher.doc(addr).map_err(err)?;
        let Some(json) = doc.get_first(f.alias_pairs).and_then(|v| v.as_str()) else {
            continue;
        };
        let Ok(pairs) = serde_json::from_str::<Vec<Pair>>(json) else {
            continue;
        };
        let path = doc
            .get_first(f.path)
            .and_then(|v| v.as_str())
            .unwrap_or_default()
            .to_string();
        files.push((path, pairs));
    }
    files.sort();
    let mut aliases = tally(files.iter().map(|(p, v)| (p.as_str(), v.as_slice())));
    let mut scratch = crate::analysis::Scratch::default();
    for a in &mut aliases {
        a.term_key = finest_terms(&ko.analyzer, &a.term, &mut scratch);
        a.alias_key = finest_terms(&ko.analyzer, &a.alias, &mut scratch);
    }
    let file = ko.path.join(ALIASES_FILE);
    let json = serde_json::to_string_pretty(&aliases).map_err(|source| Error::Json {
        path: file.clone(),
        source,
    })?;
    super::write_atomically(&file, json.as_bytes())?;
    Ok(aliases)
}

/// The aliases recorded in an index folder (none when the file is absent).
pub fn load(index: &std::path::Path) -> crate::Result<Vec<Alias>> {
    read(index)
}

/// What a search takes of one alias: the two sides and their finest terms.
#[derive(Debug, Clone, Deserialize)]
pub struct AliasKeys {
    /// The term as written before the parenthesis.
    pub term: String,
    /// What the parenthesis says it is.
    pub alias: String,
    /// The term's finest analysed terms (empty in files written by older versions).
    #[serde(default)]
    pub term_key: FinestTerms,
    /// The alias's finest analysed terms.
    #[serde(default)]
    pub alias_key: FinestTerms,
}

/// The aliases recorded in an index folder, as far as a search needs them: what every search
/// process reads, without the counts and the source files that only `kosearch aliases` lists.
pub fn load_keys(index: &std::path::Path) -> crate::Result<Vec<AliasKeys>> {
    read(index)
}

fn read<T: serde::de::DeserializeOwned>(index: &std::path::Path) -> crate::Result<Vec<T>> {
    let path = index.join(ALIASES_FILE);
    match std::fs::read_to_string(&path) {
        Ok(text) => serde_json::from_str(&text).map_err(|e| crate::error::Error::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        }),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Vec::new()),
        Err(e) => Err(crate::error::Error::io(&path, e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn found(text: &str) -> Vec<(String, String)> {
        let mut set = BTreeSet::new();
        candidates(text, &mut set);
        set.into_iter().collect()
    }

    #[test]
    fn definitions_are_found_and_asides_are_not() {
        let text = "소형언어모델(SLM)과 GPU(그래픽처리장치), 트랜스포머(Transformer) 구조. \
                    LoRA(저랭크 적응) 기법과 파인튜닝(미세조정)을 썼다. 국민건강보험공단(건보공단)은 \
                    판결(동지)을 냈다. (서울=한빛뉴스) \
                    가격(2025년 기준)과 매출(단위: 원), 대표(사진)와 김민준(35) 씨.";
        assert_eq!(
            found(text),
            vec![
                ("GPU".into(), "그래픽처리장치".into()),
                ("LoRA".into(), "저랭크 적응".into()),
                ("국민건강보험공단".into(), "건보공단".into()),
                ("소형언어모델".into(), "SLM".into()),
                ("트랜스포머".into(), "Transformer".into()),
            ]
        );
    }

    #[test]
    fn the_tail_of_a_spelled_out_name_is_not_its_acronym() {
        assert_eq!(classify("기구", "UNESCO"), None);
        assert_eq!(classify("기민", "CDU"), None);
        assert_eq!(classify("인공지능", "AI"), Some(PairKind::Strong));
        assert_eq!(classify("소형언어모델", "SLM"), Some(PairKind::Strong));
        assert_eq!(classify("GPU", "그래픽처리장치"), Some(PairKind::Strong));
    }

    #[test]
    fn thresholds_keep_one_off_hangul_pairs_out() {
        let a: Vec<Pair> = vec![
            ("소형언어모델".into(), "SLM".into()),
            ("국민건강보험공단".into(), "건보공단".into()),
        ];
        let b: Vec<Pair> = vec![("한국전력공사".into(), "한전".into())];
        let c: Vec<Pair> = vec![("한국전력공사".into(), "한전".into())];
        let got = tally([("a", &a[..]), ("b", &b[..]), ("c", &c[..])]);
        let names: Vec<(&str, &str, usize)> = got
            .iter()
            .map(|x| (x.term.as_str(), x.alias.as_str(), x.count))
            .collect();
        assert_eq!(
            names,
            vec![("한국전력공사", "한전", 2), ("소형언어모델", "SLM", 1)]
        );
    }

    #[test]
    fn hangul_pairs_count_only_as_abbreviations() {
        assert_eq!(
            classify("국민건강보험공단", "건보공단"),
            Some(PairKind::Hangul)
        );
        assert_eq!(classify("한전", "한국전력공사"), Some(PairKind::Hangul));
        // Labels and specifications in court rulings, a suffix, a translation.
        for (t, a) in [
            ("여부", "소극"),
            ("이회창", "재판장"),
            ("법무법인", "유한"),
            ("가격", "직접비용"),
            ("주식", "포합주식"),
            ("파인튜닝", "미세조정"),
        ] {
            assert_eq!(classify(t, a), None, "{t}({a})");
        }
    }
}
