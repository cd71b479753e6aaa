//! The query language, parsed into a small tree before any analysis.
//!
//! ```text
//! GPU 가격                   words: passages with more of them rank higher
//! "소형 언어 모델"            a phrase: the words in this order (particles between them allowed)
//! -게임                      must not appear
//! +파인튜닝  /  a AND b      must appear
//! LoRA OR QLoRA              either (the default between words; OR reads naturally)
//! (GPU OR 그래픽카드) 가격    grouping
//! title:엔비디아  source:"테크 데일리"  author:김민준  path:finetune
//! ```
//!
//! Operators are upper-case `AND`, `OR`, `NOT` (`NOT x` = `-x`). A malformed query (an
//! unclosed quote or parenthesis, a field with nothing after it, only exclusions) is an
//! error that points at the place, never a panic.

use std::fmt;

/// Fields a query can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FieldName {
    /// `title:`
    Title,
    /// `source:`
    Source,
    /// `author:`
    Author,
    /// `path:`
    Path,
}

impl FieldName {
    fn from_prefix(s: &str) -> Option<FieldName> {
        match s.to_ascii_lowercase().as_str() {
            "title" | "제목" => Some(FieldName::Title),
            "source" | "매체" | "출처" => Some(FieldName::Source),
            "author" | "기자" | "저자" => Some(FieldName::Author),
            "path" | "경로" => Some(FieldName::Path),
            _ => None,
        }
    }
}

/// How a clause takes part.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Occur {
    /// Adds to the score; at least one positive clause of a group must match.
    Should,
    /// Must match.
    Must,
    /// Must not match.
    MustNot,
}

/// A parsed query.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Node {
    /// A word (analysed later; may yield several terms).
    Word {
        /// Restricted to a field, else the default fields.
        field: Option<FieldName>,
        /// The text as typed.
        text: String,
    },
    /// A quoted phrase.
    Phrase {
        /// Restricted to a field, else the default fields.
        field: Option<FieldName>,
        /// The text between the quotes.
        text: String,
    },
    /// Clauses combined.
    Group(Vec<(Occur, Node)>),
}

/// A query that could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct QueryError {
    /// Character position of the problem in the query.
    pub at: usize,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for QueryError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} (at character {})", self.message, self.at + 1)
    }
}

impl std::error::Error for QueryError {}

impl QueryError {
    /// The query with a caret under the problem, for a terminal.
    pub fn pointer(&self, query: &str) -> String {
        let width: usize = query
            .chars()
            .take(self.at)
            .map(|c| if is_wide(c) { 2 } else { 1 })
            .sum();
        format!("  {query}\n  {}^ {}", " ".repeat(width), self.message)
    }
}

fn is_wide(c: char) -> bool {
    matches!(c as u32, 0x1100..=0x115F | 0x2E80..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFF00..=0xFF60)
}

#[derive(Debug, Clone, PartialEq)]
enum Tok {
    Word(String),
    Phrase(String),
    Field(FieldName),
    Open,
    Close,
    Plus,
    Minus,
    And,
    Or,
    Not,
}

fn lex(q: &str) -> Result<Vec<(usize, Tok)>, QueryError> {
    let chars: Vec<char> = q.chars().collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        match c {
            '(' => {
                out.push((i, Tok::Open));
                i += 1;
            }
            ')' => {
                out.push((i, Tok::Close));
                i += 1;
            }
            '"' | '“' | '”' => {
                let start = i;
                i += 1;
                let mut text = String::new();
                while i < chars.len() && !matches!(chars[i], '"' | '“' | '”') {
                    text.push(chars[i]);
                    i += 1;
                }
                if i >= chars.len() {
                    return Err(QueryError {
                        at: start,
                        message: "this quote is never closed".into(),
                    });
                }
                i += 1;
                out.push((start, Tok::Phrase(text)));
            }
            '-' | '+'
                if i + 1 < chars.len()
                    && !chars[i + 1].is_whitespace()
                    && at_word_start(&out, &chars, i) =>
            {
                out.push((i, if c == '-' { Tok::Minus } else { Tok::Plus }));
                i += 1;
            }
            _ => {
                let start = i;
                let mut word = String::new();
                while i < chars.len()
                    && !chars[i].is_whitespace()
                    && !matches!(chars[i], '(' | ')' | '"' | '“' | '”')
                {
                    word.push(chars[i]);
                    i += 1;
                    // `field:` ends a token when the prefix names a field.
                    if chars.get(i - 1) == Some(&':')
                        && let Some(field) = FieldName::from_prefix(&word[..word.len() - 1])
                    {
                        if chars.get(i).is_none_or(|c| c.is_whitespace() || *c == ')') {
                            return Err(QueryError {
                                at: start,
                                message:
                                    "a field needs a word or a \"phrase\" right after the colon"
                                        .into(),
                            });
                        }
                        out.push((start, Tok::Field(field)));
                        word.clear();
                        break;
                    }
                }
                if word.is_empty() {
                    continue;
                }
                let tok = match word.as_str() {
                    "AND" | "&&" => Tok::And,
                    "OR" | "||" => Tok::Or,
                    "NOT" => Tok::Not,
                    _ => Tok::Word(word),
                };
                out.push((start, tok));
            }
        }
    }
    Ok(out)
}

/// `-`/`+` are operators only at the start of a word (so `GPT-4` stays one word).
fn at_word_start(_out: &[(usize, Tok)], chars: &[char], i: usize) -> bool {
    i == 0 || chars[i - 1].is_whitespace() || chars[i - 1] == '('
}

struct Parser {
    toks: Vec<(usize, Tok)>,
    pos: usize,
    end: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos).map(|t| &t.1)
    }
    fn at(&self) -> usize {
        self.toks.get(self.pos).map_or(self.end, |t| t.0)
    }

    /// group := clause* (until `)` or the end)
    fn group(&mut self, nested: bool) -> Result<Node, QueryError> {
        let mut clauses: Vec<(Occur, Node)> = Vec::new();
        let mut pending_and = false;
        loop {
            match self.peek() {
                None => {
                    if nested {
                        return Err(QueryError {
                            at: self.end,
                            message: "a parenthesis is never closed".into(),
                        });
                    }
                    break;
                }
                Some(Tok::Close) => {
                    if !nested {
                        return Err(QueryError {
                            at: self.at(),
                            message: "this parenthesis closes nothing".into(),
                        });
                    }
                    break;
                }
                Some(Tok::And) => {
                    if clauses.is_empty() {
                        return Err(QueryError {
                            at: self.at(),
                            message: "AND needs a word before it".into(),
                        });
                    }
                    self.pos += 1;
                    pending_and = true;
                    if let Some(last) = clauses.last_mut()
                        && last.0 == Occur::Should
                    {
                        last.0 = Occur::Must;
                    }
                    continue;
                }
                Some(Tok::Or) => {
                    if clauses.is_empty() {
                        return Err(QueryError {
                            at: self.at(),
                            message: "OR needs a word before it".into(),
                        });
                    }
                    self.pos += 1;
                    continue;
                }
                _ => {}
            }
            let (occur, node) = self.clause()?;
            let occur = if pending_and && occur == Occur::Should {
                Occur::Must
            } else {
                occur
            };
            pending_and = false;
            clauses.push((occur, node));
        }
        if pending_and {
            return Err(QueryError {
                at: self.at(),
                message: "AND needs a word after it".into(),
            });
        }
        if clauses.is_empty() {
            return Err(QueryError {
                at: self.at(),
                message: if nested {
                    "empty parentheses".into()
                } else {
                    "empty query".into()
                },
            });
        }
        if clauses.iter().all(|c| c.0 == Occur::MustNot) {
            return Err(QueryError {
                at: self.at(),
                message: "a query needs at least one word to look for, not only exclusions".into(),
            });
        }
        Ok(Node::Group(clauses))
    }

    fn clause(&mut self) -> Result<(Occur, Node), QueryError> {
        let occur = match self.peek() {
            Some(Tok::Minus) | Some(Tok::Not) => {
                self.pos += 1;
                Occur::MustNot
            }
            Some(Tok::Plus) => {
                self.pos += 1;
                Occur::Must
            }
            _ => Occur::Should,
        };
        let at = self.at();
        let node = match self.toks.get(self.pos).map(|t| t.1.clone()) {
            Some(Tok::Open) => {
                self.pos += 1;
                let g = self.group(true)?;
                self.pos += 1; // the `)`
                g
            }
            Some(Tok::Field(field)) => {
                self.pos += 1;
                match self.toks.get(self.pos).map(|t| t.1.clone()) {
                    Some(Tok::Word(text)) => {
                        self.pos += 1;
                        Node::Word {
                            field: Some(field),
                            text,
                        }
                    }
                    Some(Tok::Phrase(text)) => {
                        self.pos += 1;
                        Node::Phrase {
                            field: Some(field),
                            text,
                        }
                    }
                    _ => {
                        return Err(QueryError {
                            at,
                            message: "a field needs a word or a \"phrase\" right after the colon"
                                .into(),
                        });
                    }
                }
            }
            Some(Tok::Word(text)) => {
                self.pos += 1;
                Node::Word { field: None, text }
            }
            Some(Tok::Phrase(text)) => {
                self.pos += 1;
                Node::Phrase { field: None, text }
            }
            Some(Tok::And) | Some(Tok::Or) | Some(Tok::Close) | None => {
                return Err(QueryError {
                    at,
                    message: "expected a word here".into(),
                });
            }
            Some(Tok::Minus) | Some(Tok::Plus) | Some(Tok::Not) => {
                return Err(QueryError {
                    at,
                    message: "two operators in a row".into(),
                });
            }
        };
        Ok((occur, node))
    }
}

/// A batch question as a query: parsed as typed, or as plain words ([`plain_words`]) when it
/// does not parse (`kosearch search --batch`, the search bench).
pub fn parse_or_plain(query: &str) -> Result<Node, QueryError> {
    parse(query).or_else(|_| parse(&plain_words(query)))
}

/// A query's text with every operator character made a space and operator words dropped, so
/// that it parses as plain words (for natural-language questions in batch runs).
pub fn plain_words(query: &str) -> String {
    query
        .chars()
        .map(|c| {
            if matches!(c, '"' | '(' | ')' | '+' | '-' | ':') {
                ' '
            } else {
                c
            }
        })
        .collect::<String>()
        .split_whitespace()
        .filter(|w| !matches!(*w, "AND" | "OR" | "NOT"))
        .collect::<Vec<_>>()
        .join(" ")
}

/// What narrows a query to an outlet, a reporter or a folder (and below); a blank value
/// narrows nothing.
#[derive(Debug, Clone, Copy, Default)]
pub struct Filters<'a> {
    /// `source:` (`--source`).
    pub source: Option<&'a str>,
    /// `author:` (`--author`).
    pub author: Option<&'a str>,
    /// `path:` (`--folder`).
    pub folder: Option<&'a str>,
}

/// `node` kept to hits whose field holds each filter's value as a phrase: the tree of
/// `+(node) +source:"…"…`. A field word without `+` only ranks its matches higher; this is
/// how `--source`, `--author`, `--folder` and the server's filters narrow a search.
pub fn restrict(node: Node, filters: Filters<'_>) -> Node {
    let phrases: Vec<(Occur, Node)> = [
        (FieldName::Source, filters.source),
        (FieldName::Author, filters.author),
        (FieldName::Path, filters.folder),
    ]
    .into_iter()
    .filter_map(|(field, value)| {
        let text = value.filter(|v| !v.trim().is_empty())?.to_string();
        Some((
            Occur::Must,
            Node::Phrase {
                field: Some(field),
                text,
            },
        ))
    })
    .collect();
    if phrases.is_empty() {
        return node;
    }
    let mut clauses = vec![(Occur::Must, node)];
    clauses.extend(phrases);
    Node::Group(clauses)
}

/// Parses a query.
pub fn parse(query: &str) -> Result<Node, QueryError> {
    let toks = lex(query)?;
    let mut p = Parser {
        toks,
        pos: 0,
        end: query.chars().count(),
    };
    p.group(false)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(text: &str) -> Node {
        Node::Word {
            field: None,
            text: text.into(),
        }
    }

    #[test]
    fn words_phrases_and_operators() {
        assert_eq!(
            parse("GPU 가격").unwrap(),
            Node::Group(vec![(Occur::Should, w("GPU")), (Occur::Should, w("가격"))])
        );
        assert_eq!(
            parse("\"소형 언어 모델\" -게임 +LoRA").unwrap(),
            Node::Group(vec![
                (
                    Occur::Should,
                    Node::Phrase {
                        field: None,
                        text: "소형 언어 모델".into()
                    }
                ),
                (Occur::MustNot, w("게임")),
                (Occur::Must, w("LoRA")),
            ])
        );
        assert_eq!(
            parse("a AND b OR c").unwrap(),
            Node::Group(vec![
                (Occur::Must, w("a")),
                (Occur::Must, w("b")),
                (Occur::Should, w("c"))
            ])
        );
        assert_eq!(
            parse("(GPU OR 그래픽카드) 가격").unwrap(),
            Node::Group(vec![
                (
                    Occur::Should,
                    Node::Group(vec![
                        (Occur::Should, w("GPU")),
                        (Occur::Should, w("그래픽카드"))
                    ])
                ),
                (Occur::Should, w("가격")),
            ])
        );
        // Hyphens inside words stay.
        assert_eq!(
            parse("GPT-4o").unwrap(),
            Node::Group(vec![(Occur::Should, w("GPT-4o"))])
        );
    }

    #[test]
    fn fields() {
        assert_eq!(
            parse("title:엔비디아 source:\"테크 데일리\" 기자:김민준 http://x").unwrap(),
            Node::Group(vec![
                (
                    Occur::Should,
                    Node::Word {
                        field: Some(FieldName::Title),
                        text: "엔비디아".into()
                    }
                ),
                (
                    Occur::Should,
                    Node::Phrase {
                        field: Some(FieldName::Source),
                        text: "테크 데일리".into()
                    }
                ),
                (
                    Occur::Should,
                    Node::Word {
                        field: Some(FieldName::Author),
                        text: "김민준".into()
                    }
                ),
                (Occur::Should, w("http://x")),
            ])
        );
    }

    #[test]
    fn malformed_queries_point_at_the_problem() {
        for (q, at, what) in [
            ("\"소형 언어", 0, "quote"),
            ("(GPU 가격", 7, "parenthesis"),
            ("GPU)", 3, "closes nothing"),
            ("title: 가격", 0, "field"),
            ("-게임", 3, "only exclusions"),
            ("", 0, "empty"),
            ("()", 1, "empty parentheses"),
            ("AND 가격", 0, "AND"),
            ("가격 AND", 6, "AND"),
            ("NOT -x", 4, "operators"),
        ] {
            let e = parse(q).unwrap_err();
            assert!(e.message.contains(what), "{q}: {e}");
            assert_eq!(e.at, at, "{q}: {e}");
            let _ = e.pointer(q);
        }
    }

    proptest::proptest! {
        #[test]
        fn never_panics(q in "[가-힣a-zA-Z()\":+\\- ]{0,40}") {
            let _ = parse(&q).map_err(|e| e.pointer(&q));
        }
    }
}
