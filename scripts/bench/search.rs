//! In-process query latency (`scripts/bench-search`): median and p99 of single queries.
//!
//! Usage: `cargo bench --bench search -- INDEX QUERIES.tsv` (`id<TAB>query` per line). Opens
//! the index and the expansions as `kosearch search` does, warms up with one pass over the
//! queries, then times each query over BENCH_ROUNDS (default 3) passes and prints the
//! median, p99 and mean: for the query itself (parse, compile, rank the top 10 and read
//! their documents), and, alternated with it, with the highlights of those 10 (read from the
//! token tables stored with the passages). With BENCH_SLOWEST=N, also the N slowest queries
//! (their median without highlights), each with how many passages it matches and the time
//! tantivy takes only to count them (best of 5): what the tail is made of. Asserts nothing.

use std::sync::Arc;
use std::time::Instant;

use kosearch::dictionary::KoDictionary;
use kosearch::index::KoIndex;
use kosearch::search::synonyms::Synonyms;
use kosearch::search::{SearchOptions, Searcher, query};

fn main() {
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| !a.starts_with('-'))
        .collect();
    let [index, queries] = args.as_slice() else {
        eprintln!("bench search: usage: cargo bench --bench search -- INDEX QUERIES.tsv; skipping");
        return;
    };
    let Ok(text) = std::fs::read_to_string(queries) else {
        eprintln!("bench search: cannot read {queries}; skipping");
        return;
    };
    let queries: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split_once('\t').map(|(_, q)| q))
        .collect();
    let dict = Arc::new(KoDictionary::open_default().expect("dictionary"));
    let ko = KoIndex::open(std::path::Path::new(index), dict).expect("index");
    let searcher = Searcher::new(ko).expect("searcher");
    // As `kosearch search` expands: data/synonyms.txt and the aliases the index mined.
    let file = std::path::Path::new(kosearch::cli::DEFAULT_SYNONYMS);
    let synonyms = Synonyms::for_index(searcher.index(), Some(file).filter(|f| f.is_file()));
    searcher.set_synonyms(synonyms.expect("synonyms"));
    let rounds: usize = std::env::var("BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let options = |highlights| SearchOptions {
        limit: 10,
        offset: 0,
        per_article: None,
        since: None,
        until: None,
        highlights,
    };
    let (plain, marked) = (options(false), options(true));
    let run = |q: &str, options: &SearchOptions| {
        let node = query::parse_or_plain(q);
        if let Some(compiled) = node.ok().and_then(|n| searcher.compile(&n)) {
            searcher.run(&compiled, options).expect("search");
        }
    };
    queries.iter().for_each(|q| run(q, &marked));
    // Alternated query by query, so that both see the same state of the caches.
    let mut times = [Vec::new(), Vec::new()];
    for _ in 0..rounds {
        for q in &queries {
            for (i, options) in [&plain, &marked].into_iter().enumerate() {
                let t = Instant::now();
                run(q, options);
                times[i].push(t.elapsed().as_secs_f64() * 1000.0);
            }
        }
    }
    let slowest: usize = std::env::var("BENCH_SLOWEST")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(0);
    if slowest > 0 {
        print_slowest(&searcher, &queries, &times[0], rounds, slowest);
    }
    let mut medians = [0.0; 2];
    for (i, times) in times.iter_mut().enumerate() {
        times.sort_by(f64::total_cmp);
        let at = |f: f64| times[((f * times.len() as f64) as usize).min(times.len() - 1)];
        medians[i] = at(0.5);
        println!(
            "in one process, {} queries x {rounds} rounds, {}: median {:.2} ms, p99 {:.2} ms, \
             mean {:.2} ms (target for the median 2 ms)",
            queries.len(),
            ["top 10, no highlights", "top 10 with highlights"][i],
            at(0.5),
            at(0.99),
            times.iter().sum::<f64>() / times.len() as f64
        );
    }
    println!(
        "  highlights / none, medians: {:.2}x (target <= 2)",
        medians[1] / medians[0]
    );
}

/// Prints the `n` slowest queries by their median in `times` (round after round of every
/// query, in order), with their number of matches and the time counting them alone takes.
fn print_slowest(searcher: &Searcher, queries: &[&str], times: &[f64], rounds: usize, n: usize) {
    let mut per_query: Vec<(f64, &str)> = queries
        .iter()
        .enumerate()
        .map(|(i, q)| {
            let mut t: Vec<f64> = (0..rounds).map(|r| times[r * queries.len() + i]).collect();
            t.sort_by(f64::total_cmp);
            (t[t.len() / 2], *q)
        })
        .collect();
    per_query.sort_by(|a, b| b.0.total_cmp(&a.0));
    let reader = searcher.index().index.reader().expect("reader");
    let tantivy = reader.searcher();
    println!("the {n} slowest queries (median ms; matches; ms to count them alone):");
    for (ms, q) in per_query.iter().take(n) {
        let Some(compiled) = query::parse_or_plain(q)
            .ok()
            .and_then(|n| searcher.compile(&n))
        else {
            continue;
        };
        let (mut best, mut matches) = (f64::MAX, 0);
        for _ in 0..5 {
            let t = Instant::now();
            matches = compiled.query.count(&tantivy).expect("count");
            best = best.min(t.elapsed().as_secs_f64() * 1000.0);
        }
        println!("  {ms:7.2} ms  {matches:>8} matches, counted in {best:6.2} ms  {q}");
    }
}
