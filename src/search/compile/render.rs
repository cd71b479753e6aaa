//! Tests' view of a compiled query: a compact notation read from its `Debug` output, since
//! tantivy's queries do not expose their parts.
//!
//! `(a b)` is a boolean query of should-clauses, `+a` a must-clause, `-a` a must-not-clause;
//! `x^w` a boost; `max(a | b)` the best of alternatives; `text:gpu` a BM25 term;
//! `text+title:gpu` a BM25F term over both fields (a field's weight as `^w` when it is not
//! 1); `text:"소형 언어 모델"` a phrase (a term's offset as `@n` when it is not its place);
//! `pairs:a+b` a term of the pairs field. Numbers have at most three decimals. A query of
//! another kind fails the test.

use tantivy::schema::{Field, Schema};

use super::Compiled;
use crate::analysis::tokenizer::PAIR_SEPARATOR;

/// A compiled query in the notation of the module docs.
pub(super) fn render(compiled: &Compiled, schema: &Schema) -> String {
    let debug = format!("{:?}", compiled.query);
    let mut parser = Parser {
        s: debug.chars().collect(),
        i: 0,
    };
    let value = parser.value();
    assert_eq!(parser.i, parser.s.len(), "unread: {debug}");
    Renderer { schema }.query(&value)
}

/// A `{:?}` value: `Name { key: value, .. }`, `Name(key=value, value, ..)`, `(a, b)`,
/// `[a, b]`, a string or a bare word.
#[derive(Debug)]
enum Dbg {
    Word(String),
    Str(String),
    List(Vec<Dbg>),
    Named(String, Vec<(String, Dbg)>),
}

struct Parser {
    s: Vec<char>,
    i: usize,
}

impl Parser {
    fn value(&mut self) -> Dbg {
        match self.s.get(self.i) {
            Some('"') => Dbg::Str(self.string()),
            Some('[') => {
                self.i += 1;
                Dbg::List(self.items(']').into_iter().map(|(_, v)| v).collect())
            }
            Some('(') => {
                self.i += 1;
                Dbg::Named(String::new(), self.items(')'))
            }
            _ => {
                let name = self.word();
                if self.eat(" { ") {
                    Dbg::Named(name, self.items('}'))
                } else if self.eat("(") {
                    Dbg::Named(name, self.items(')'))
                } else {
                    Dbg::Word(name)
                }
            }
        }
    }

    /// Items up to `close`, each with its key (`key: ` or `key=`) or none.
    fn items(&mut self, close: char) -> Vec<(String, Dbg)> {
        let mut out = Vec::new();
        while !self.eat(&close.to_string()) {
            let start = self.i;
            let key = self.word();
            let key = if self.eat(": ") || self.eat("=") {
                key
            } else {
                self.i = start;
                String::new()
            };
            out.push((key, self.value()));
            self.eat(", ");
            self.eat(" ");
        }
        out
    }

    fn word(&mut self) -> String {
        let start = self.i;
        while self
            .s
            .get(self.i)
            .is_some_and(|c| !" ,:=()[]{}\"".contains(*c))
        {
            self.i += 1;
        }
        self.s[start..self.i].iter().collect()
    }

    fn string(&mut self) -> String {
        let mut out = String::new();
        self.i += 1;
        while let Some(&c) = self.s.get(self.i) {
            self.i += 1;
            match c {
                '"' => return out,
                '\\' => out.push(self.escaped()),
                c => out.push(c),
            }
        }
        panic!("unclosed string");
    }

    fn escaped(&mut self) -> char {
        let c = self.s[self.i];
        self.i += 1;
        match c {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            '0' => '\0',
            'u' => {
                let end = self.i + self.s[self.i..].iter().position(|&c| c == '}').unwrap();
                let hex: String = self.s[self.i + 1..end].iter().collect();
                self.i = end + 1;
                char::from_u32(u32::from_str_radix(&hex, 16).unwrap()).unwrap()
            }
            c => c,
        }
    }

    fn eat(&mut self, s: &str) -> bool {
        let n = s.chars().count();
        let ahead = self.s.get(self.i..self.i + n);
        let found = ahead.is_some_and(|a| a.iter().copied().eq(s.chars()));
        if found {
            self.i += n;
        }
        found
    }
}

struct Renderer<'a> {
    schema: &'a Schema,
}

impl Renderer<'_> {
    fn query(&self, q: &Dbg) -> String {
        let Dbg::Named(name, items) = q else {
            panic!("not a query: {q:?}");
        };
        let item = |key: &str| match items.iter().find(|(k, _)| k == key) {
            Some((_, v)) => v,
            None => panic!("{name} without {key}: {q:?}"),
        };
        match name.as_str() {
            "BooleanQuery" => {
                let clauses: Vec<String> = list(item("subqueries"))
                    .iter()
                    .map(|c| match c {
                        Dbg::Named(_, pair) => match (&pair[0].1, &pair[1].1) {
                            (Dbg::Word(occur), q) => format!("{}{}", prefix(occur), self.query(q)),
                            _ => panic!("not a clause: {c:?}"),
                        },
                        _ => panic!("not a clause: {c:?}"),
                    })
                    .collect();
                format!("({})", clauses.join(" "))
            }
            "Boost" => format!("{}^{}", self.query(item("query")), float(item("boost"))),
            "DisjunctionMaxQuery" => {
                assert_eq!(float(item("tie_breaker")), "0");
                let alternatives: Vec<String> = list(item("disjuncts"))
                    .iter()
                    .map(|d| self.query(d))
                    .collect();
                format!("max({})", alternatives.join(" | "))
            }
            "PhraseQuery" => {
                assert_eq!(float(item("slop")), "0");
                let mut field = String::new();
                let mut words = Vec::new();
                for (k, t) in list(item("phrase_terms")).iter().enumerate() {
                    let Dbg::Named(_, pair) = t else {
                        panic!("not a phrase term: {t:?}")
                    };
                    let (f, text) = self.term(&pair[1].1);
                    field = f;
                    let offset = float(&pair[0].1);
                    words.push(if offset == k.to_string() {
                        text
                    } else {
                        format!("{text}@{offset}")
                    });
                }
                format!("{field}:\"{}\"", words.join(" "))
            }
            "Bm25TermQuery" => {
                let (field, text) = self.term(item("term"));
                format!("{field}:{text}")
            }
            "Bm25fTermQuery" => {
                let mut fields = Vec::new();
                let mut text = String::new();
                for f in list(item("fields")) {
                    let Dbg::Named(_, pair) = f else {
                        panic!("not a weighted term: {f:?}")
                    };
                    let (field, t) = self.term(&pair[0].1);
                    text = t;
                    let weight = float(&pair[1].1);
                    fields.push(if weight == "1" {
                        field
                    } else {
                        format!("{field}^{weight}")
                    });
                }
                format!("{}:{text}", fields.join("+"))
            }
            _ => panic!("a query the notation lacks: {q:?}"),
        }
    }

    /// A term's field name and text (a pair's two terms joined by `+`).
    fn term(&self, t: &Dbg) -> (String, String) {
        let Dbg::Named(name, items) = t else {
            panic!("not a term: {t:?}")
        };
        assert_eq!(name, "Term");
        let (Some((_, Dbg::Word(id))), Some((_, Dbg::Str(text)))) = (items.first(), items.last())
        else {
            panic!("not a text term: {t:?}")
        };
        let field = Field::from_field_id(id.parse().unwrap());
        let text = text.replace(PAIR_SEPARATOR, "+");
        (self.schema.get_field_name(field).to_string(), text)
    }
}

fn list(v: &Dbg) -> &[Dbg] {
    match v {
        Dbg::List(items) => items,
        _ => panic!("not a list: {v:?}"),
    }
}

fn prefix(occur: &str) -> &'static str {
    match occur {
        "Should" => "",
        "Must" => "+",
        "MustNot" => "-",
        _ => panic!("not an occur: {occur}"),
    }
}

/// A number as the notation shows it: at most three decimals, no trailing zeros.
fn float(v: &Dbg) -> String {
    match v {
        Dbg::Word(w) => number(w.parse().unwrap()),
        _ => panic!("not a number: {v:?}"),
    }
}

/// `x` with at most three decimals, no trailing zeros.
pub(super) fn number(x: f32) -> String {
    let s = format!("{x:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}
