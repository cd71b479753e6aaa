//! Retrieval evaluation: TREC qrels and runs in, Recall@k, MRR@10 and nDCG@10 out.
//!
//! Relevance is binary (a qrels grade above 0 counts as relevant). Every query in the qrels
//! counts: a query the run has no line for scores 0. Run lines are ordered by their rank
//! column; a document listed twice for one query counts at its first rank only.

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::Serialize;

/// Relevant documents per query.
pub type Qrels = BTreeMap<String, HashSet<String>>;
/// Ranked documents per query.
pub type Run = HashMap<String, Vec<String>>;

/// Reads TREC qrels (`qid iter docid grade`); returns the line number and reason of a bad line.
pub fn parse_qrels(text: &str) -> Result<Qrels, (usize, String)> {
    let mut out = Qrels::new();
    for (i, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        match cols.as_slice() {
            [] => continue,
            [qid, _, doc, grade] => {
                let grade: i64 = grade
                    .parse()
                    .map_err(|_| (i + 1, format!("grade {grade:?} is not a number")))?;
                let rel = out.entry(qid.to_string()).or_default();
                if grade > 0 {
                    rel.insert(doc.to_string());
                }
            }
            _ => return Err((i + 1, "expected: query-id iteration doc-id grade".into())),
        }
    }
    Ok(out)
}

/// Reads a TREC run (`qid Q0 docid rank score tag`).
pub fn parse_run(text: &str) -> Result<Run, (usize, String)> {
    let mut ranked: HashMap<String, Vec<(u64, String)>> = HashMap::new();
    for (i, line) in text.lines().enumerate() {
        let cols: Vec<&str> = line.split_whitespace().collect();
        match cols.as_slice() {
            [] => continue,
            [qid, _, doc, rank, _score, ..] => {
                let rank: u64 = rank
                    .parse()
                    .map_err(|_| (i + 1, format!("rank {rank:?} is not a number")))?;
                ranked
                    .entry(qid.to_string())
                    .or_default()
                    .push((rank, doc.to_string()));
            }
            _ => return Err((i + 1, "expected: query-id Q0 doc-id rank score tag".into())),
        }
    }
    Ok(ranked
        .into_iter()
        .map(|(q, mut docs)| {
            docs.sort_by_key(|(r, _)| *r);
            let mut seen = HashSet::new();
            let docs = docs
                .into_iter()
                .filter(|(_, d)| seen.insert(d.clone()))
                .map(|(_, d)| d)
                .collect();
            (q, docs)
        })
        .collect())
}

/// The figures over all queries of the qrels.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Metrics {
    /// Queries counted.
    pub queries: usize,
    /// Share of queries with a relevant document at rank 1.
    pub recall_at_1: f64,
    /// Share of relevant documents found in the first 5, averaged over queries.
    pub recall_at_5: f64,
    /// Same for the first 10.
    pub recall_at_10: f64,
    /// Mean reciprocal rank of the first relevant document within the first 10.
    pub mrr_at_10: f64,
    /// Normalised discounted cumulative gain over the first 10.
    pub ndcg_at_10: f64,
}

/// Scores a run against qrels.
pub fn evaluate(qrels: &Qrels, run: &Run) -> Metrics {
    let mut sums = [0f64; 5];
    let mut queries = 0usize;
    for (qid, relevant) in qrels {
        if relevant.is_empty() {
            continue;
        }
        queries += 1;
        let docs: &[String] = run.get(qid).map_or(&[], Vec::as_slice);
        let hit = |k: usize| {
            docs.iter()
                .take(k)
                .filter(|d| relevant.contains(*d))
                .count()
        };
        let n = relevant.len() as f64;
        sums[0] += if hit(1) > 0 { 1.0 } else { 0.0 };
        sums[1] += hit(5) as f64 / n;
        sums[2] += hit(10) as f64 / n;
        if let Some(pos) = docs.iter().take(10).position(|d| relevant.contains(d)) {
            sums[3] += 1.0 / (pos + 1) as f64;
        }
        let dcg: f64 = docs
            .iter()
            .take(10)
            .enumerate()
            .filter(|(_, d)| relevant.contains(*d))
            .map(|(i, _)| 1.0 / ((i + 2) as f64).log2())
            .sum();
        let ideal: f64 = (0..relevant.len().min(10))
            .map(|i| 1.0 / ((i + 2) as f64).log2())
            .sum();
        sums[4] += dcg / ideal;
    }
    let q = queries.max(1) as f64;
    Metrics {
        queries,
        recall_at_1: sums[0] / q,
        recall_at_5: sums[1] / q,
        recall_at_10: sums[2] / q,
        mrr_at_10: sums[3] / q,
        ndcg_at_10: sums[4] / q,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn figures_by_hand() {
        let qrels = parse_qrels("q1 0 a 1\nq2 0 b 1\nq3 0 c 1\nq3 0 z 0\n").unwrap();
        // q1: a at rank 1; q2: b at rank 3 (listed twice); q3: no line at all.
        let run = parse_run(
            "q1 Q0 a 1 9 t\nq1 Q0 x 2 8 t\nq2 Q0 x 1 9 t\nq2 Q0 x 2 8 t\nq2 Q0 b 3 7 t\n",
        )
        .unwrap();
        let m = evaluate(&qrels, &run);
        assert_eq!(m.queries, 3);
        assert!((m.recall_at_1 - 1.0 / 3.0).abs() < 1e-9);
        assert!((m.recall_at_5 - 2.0 / 3.0).abs() < 1e-9);
        // q2's duplicate x counts once, so b is at rank 2.
        assert!((m.mrr_at_10 - (1.0 + 0.5) / 3.0).abs() < 1e-9);
        let ndcg = (1.0 + 1.0 / 3f64.log2()) / 3.0;
        assert!((m.ndcg_at_10 - ndcg).abs() < 1e-9);
    }

    #[test]
    fn bad_lines_are_named() {
        assert_eq!(parse_qrels("q1 0 a\n").unwrap_err().0, 1);
        assert_eq!(
            parse_run("q1 Q0 a 1 9 t\nq1 Q0 b x 9 t\n").unwrap_err().0,
            2
        );
    }
}
