//! A kosearch query as another engine's query, from its [`Plan`]: the OpenSearch (and
//! Elasticsearch) query DSL and Quickwit's query string, both against the pre-analysed
//! fields of an export ([`super::cluster`]), so that the passages kosearch matches are the ones
//! the cluster matches.
//!
//! OpenSearch keeps the plan's structure and weights: a term is a `term` query, a phrase a
//! `match_phrase`, a group a `bool`, alternatives a `dis_max`, a weight a `boost`. One thing
//! it cannot say before OpenSearch 3.2 (`combined_fields`): a word scored over the text and
//! the title together (BM25F, [`Plan::TextAndTitle`]); it becomes what every version runs,
//! the better of the word's score in each (`dis_max`).
//! Measured with `scripts/check-opensearch-export` (Lucene 8 over the export, KorQuAD, 3,025
//! questions): MRR@10 0.9617 with `dis_max`, against 0.9577 for the sum (`bool.should`),
//! 0.9578 for the sum with the title at half weight and 0.9604 for `dis_max` with a
//! tie-breaker of 0.3; kosearch itself 0.9620.
//!
//! Quickwit's query language has no weights: its string says which passages match (every
//! required clause, at least one optional clause when nothing is required, none of the
//! negated), and leaves out what only ranks (the proximity and bigram bonuses).

use serde_json::{Value, json};

use super::cluster::{PAIR_JOIN, field_name};
use crate::analysis::tokenizer::PAIR_SEPARATOR;
use crate::index::schema::Fields;
use crate::search::SearchOptions;
use crate::search::plan::Plan;
use crate::search::query::Occur;

/// The body of an OpenSearch `_search` request for a compiled query: the query (with the
/// date range of `options`), the page (`size`, `from`), kosearch's order (score, then article
/// and passage) and, for one passage per article, `collapse`. The pre-analysed fields are
/// left out of the answer's `_source`.
pub fn opensearch_body(plan: &Plan, fields: &Fields, options: &SearchOptions) -> Value {
    let mut query = opensearch(plan, fields);
    let mut range = serde_json::Map::new();
    if let Some(d) = options.since {
        range.insert("gte".into(), Value::String(day(d)));
    }
    if let Some(d) = options.until {
        range.insert("lte".into(), Value::String(day(d)));
    }
    if !range.is_empty() {
        query = json!({"bool": {"must": [query], "filter": [{"range": {"date": range}}]}});
    }
    let mut body = json!({
        "query": query,
        "size": options.limit,
        "from": options.offset,
        "sort": ["_score", {"article": "asc"}, {"passage": "asc"}],
        "_source": {"excludes": ["ko_*"]},
    });
    if options.per_article == Some(1) {
        body["collapse"] = json!({"field": "article"});
    }
    body
}

/// A plan in the OpenSearch query DSL.
pub fn opensearch(plan: &Plan, fields: &Fields) -> Value {
    match plan {
        Plan::Term { field, term } => {
            json!({"term": {field_name(fields, *field): {"value": cluster_term(fields, *field, term)}}})
        }
        Plan::TextAndTitle { term } => json!({"dis_max": {"queries": [
            {"term": {"ko_text": {"value": term}}},
            {"term": {"ko_title": {"value": term}}},
        ]}}),
        Plan::Phrase { field, terms } => {
            let words: Vec<&str> = terms.iter().map(|(_, t)| t.as_str()).collect();
            // Offsets are consecutive but where the query's analysis left a gap; the gap
            // becomes slop.
            let last = terms.last().map_or(0, |(p, _)| *p);
            let slop = last.saturating_sub(terms.len().saturating_sub(1));
            let mut phrase = json!({"query": words.join(" ")});
            if slop > 0 {
                phrase["slop"] = json!(slop);
            }
            json!({"match_phrase": {field_name(fields, *field): phrase}})
        }
        Plan::Bool(clauses) => {
            let mut b = serde_json::Map::new();
            for (occur, child) in clauses {
                let key = match occur {
                    Occur::Must => "must",
                    Occur::Should => "should",
                    Occur::MustNot => "must_not",
                };
                b.entry(key)
                    .or_insert_with(|| Value::Array(Vec::new()))
                    .as_array_mut()
                    .expect("an array")
                    .push(opensearch(child, fields));
            }
            json!({ "bool": b })
        }
        Plan::Boost(inner, weight) => {
            let mut q = opensearch(inner, fields);
            boost(&mut q, *weight);
            q
        }
        Plan::Max(alternatives) => json!({"dis_max": {"queries":
            alternatives.iter().map(|p| opensearch(p, fields)).collect::<Vec<_>>()}}),
    }
}

/// A term as the export writes it: a pair's two terms joined by
/// [`PAIR_JOIN`] instead of kosearch's separator.
fn cluster_term(fields: &Fields, field: tantivy::schema::Field, term: &str) -> String {
    if field == fields.pairs {
        term.replace(PAIR_SEPARATOR, &PAIR_JOIN.to_string())
    } else {
        term.to_string()
    }
}

/// Multiplies the `boost` of a DSL query (1 when it has none) by `weight`.
fn boost(q: &mut Value, weight: f32) {
    let Some((kind, body)) = q.as_object_mut().and_then(|o| o.iter_mut().next()) else {
        return;
    };
    // `term` and `match_phrase` hold their parameters under the field name.
    let params = match kind.as_str() {
        "term" | "match_phrase" => body.as_object_mut().and_then(|o| o.values_mut().next()),
        _ => Some(body),
    };
    if let Some(Value::Object(p)) = params {
        let before = p.get("boost").and_then(Value::as_f64).unwrap_or(1.0);
        p.insert("boost".into(), json!(round(before * f64::from(weight))));
    }
}

/// A weight with at most six decimals, so that 0.6 prints as 0.6 and not 0.6000000238.
fn round(w: f64) -> f64 {
    (w * 1e6).round() / 1e6
}

/// `YYYYMMDD` as `YYYY-MM-DD`, a day past the month's end (an `--until` of a whole month
/// ends on its 31st) moved back to its last day.
fn day(d: i64) -> String {
    let (y, m, mut dd) = (d / 10000, d / 100 % 100, d % 100);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let last = match m {
        2 if leap => 29,
        2 => 28,
        4 | 6 | 9 | 11 => 30,
        _ => 31,
    };
    dd = dd.min(last);
    format!("{y:04}-{m:02}-{dd:02}")
}

/// A plan as a Quickwit query string that matches the same passages; `None` when nothing
/// in it can match on its own (a plan of negations only).
pub fn quickwit(plan: &Plan, fields: &Fields, options: &SearchOptions) -> Option<String> {
    let mut q = quickwit_clause(plan, fields)?;
    if options.since.is_some() || options.until.is_some() {
        let bound = |d: Option<i64>, end: bool| match d {
            Some(d) => format!("{}T{}Z", day(d), if end { "23:59:59" } else { "00:00:00" }),
            None => "*".to_string(),
        };
        q = format!(
            "({q}) AND date:[{} TO {}]",
            bound(options.since, false),
            bound(options.until, true)
        );
    }
    Some(q)
}

fn quickwit_clause(plan: &Plan, fields: &Fields) -> Option<String> {
    match plan {
        Plan::Term { field, term } => Some(format!(
            "{}:{}",
            field_name(fields, *field),
            quickwit_term(&cluster_term(fields, *field, term))
        )),
        Plan::TextAndTitle { term } => {
            let t = quickwit_term(term);
            Some(format!("(ko_text:{t} OR ko_title:{t})"))
        }
        Plan::Phrase { field, terms } => {
            let words: Vec<String> = terms
                .iter()
                .map(|(_, t)| t.replace('\\', "\\\\").replace('"', "\\\""))
                .collect();
            Some(format!(
                "{}:\"{}\"",
                field_name(fields, *field),
                words.join(" ")
            ))
        }
        Plan::Boost(inner, _) => quickwit_clause(inner, fields),
        Plan::Max(alternatives) => {
            let parts: Vec<String> = alternatives
                .iter()
                .filter_map(|p| quickwit_clause(p, fields))
                .collect();
            joined(parts, " OR ")
        }
        Plan::Bool(clauses) => {
            let of = |o: Occur| -> Vec<String> {
                clauses
                    .iter()
                    .filter(|(occur, _)| *occur == o)
                    .filter_map(|(_, p)| quickwit_clause(p, fields))
                    .collect()
            };
            let (must, should, not) = (of(Occur::Must), of(Occur::Should), of(Occur::MustNot));
            // Optional clauses only rank once something is required.
            let mut all = if must.is_empty() {
                vec![joined(should, " OR ")?]
            } else {
                must
            };
            all.extend(not.into_iter().map(|n| format!("NOT {n}")));
            joined(all, " AND ")
        }
    }
}

/// Parts joined by an operator, in parentheses when there are several.
fn joined(parts: Vec<String>, op: &str) -> Option<String> {
    match parts.len() {
        0 => None,
        1 => parts.into_iter().next(),
        _ => Some(format!("({})", parts.join(op))),
    }
}

/// A term with every character but letters and digits escaped.
fn quickwit_term(term: &str) -> String {
    let mut out = String::with_capacity(term.len());
    for c in term.chars() {
        if !c.is_alphanumeric() {
            out.push('\\');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_past_a_months_end_move_back() {
        assert_eq!(day(20260231), "2026-02-28");
        assert_eq!(day(20240231), "2024-02-29");
        assert_eq!(day(20260431), "2026-04-30");
        assert_eq!(day(20261231), "2026-12-31");
        assert_eq!(day(20260101), "2026-01-01");
    }

    #[test]
    fn quickwit_terms_are_escaped() {
        assert_eq!(quickwit_term("gpu"), "gpu");
        assert_eq!(quickwit_term("가격"), "가격");
        assert_eq!(quickwit_term("a:b"), "a\\:b");
        assert_eq!(quickwit_term("3.5"), "3\\.5");
    }

    #[test]
    fn boosts_multiply_where_each_kind_keeps_them() {
        let mut t = json!({"term": {"ko_text": {"value": "a"}}});
        boost(&mut t, 0.5);
        boost(&mut t, 0.5);
        assert_eq!(t["term"]["ko_text"]["boost"], json!(0.25));
        let mut b = json!({"bool": {"should": []}});
        boost(&mut b, 0.6);
        assert_eq!(b["bool"]["boost"], json!(0.6));
        let mut p = json!({"match_phrase": {"ko_text": {"query": "a b"}}});
        boost(&mut p, 2.0);
        assert_eq!(p["match_phrase"]["ko_text"]["boost"], json!(2.0));
    }
}
