//! `kosearch search` as a user runs it, over an index of the sample articles.

mod common;

use common::kosearch;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use serde::Deserialize;

/// An index of `data/articles`, built once per test binary.
fn sample_index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = INDEX.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("idx");
        index_folder(&path, Path::new("data/articles"));
        (tmp, path)
    });
    path
}

/// Builds an index of `folder` at `index`; any failure fails the test with kosearch's stderr.
fn index_folder(index: &Path, folder: &Path) {
    let out = kosearch()
        .args(["index", "--quiet", "--index"])
        .arg(index)
        .arg(folder)
        .output()
        .unwrap();
    common::assert_success(&out);
}

fn search(args: &[&str]) -> Output {
    kosearch()
        .arg("search")
        .arg("--index")
        .arg(sample_index())
        .args(args)
        .output()
        .unwrap()
}

/// The documented `--json` hit, read back strictly.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct JsonHit {
    rank: usize,
    score: f32,
    id: String,
    path: String,
    title: String,
    date: Option<String>,
    source: Option<String>,
    author: Option<String>,
    url: Option<String>,
    passage: u64,
    passages: u64,
    text: String,
    byte_start: u64,
    byte_end: u64,
    char_start: u64,
    char_end: u64,
    page: Option<u64>,
    highlights: Vec<(usize, usize)>,
}

fn hits(args: &[&str]) -> Vec<JsonHit> {
    let mut all = vec!["--json"];
    all.extend_from_slice(args);
    let out = search(&all);
    assert!(
        out.status.code() == Some(0) || out.status.code() == Some(1),
        "{args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap_or_else(|e| panic!("{l}: {e}")))
        .collect()
}

fn highlighted(h: &JsonHit) -> Vec<&str> {
    h.highlights.iter().map(|&(s, e)| &h.text[s..e]).collect()
}

/// An index of one JSON Lines file of `(id, title, text)` records, in a temporary folder.
fn records_index(records: &[(&str, &str, &str)]) -> (tempfile::TempDir, PathBuf) {
    let tmp = tempfile::tempdir().unwrap();
    let docs = tmp.path().join("docs");
    std::fs::create_dir(&docs).unwrap();
    let lines: Vec<String> = records
        .iter()
        .map(|(id, title, text)| {
            serde_json::json!({"id": id, "title": title, "text": text}).to_string()
        })
        .collect();
    std::fs::write(docs.join("a.jsonl"), lines.join("\n")).unwrap();
    let index = tmp.path().join("idx");
    index_folder(&index, &docs);
    (tmp, index)
}

/// `search ARGS --json --explain` on `index`, which must find something: the hits and the
/// explanation.
fn explained(index: &Path, args: &[&str]) -> (Vec<JsonHit>, String) {
    let out = kosearch()
        .args(["search", "--json", "--explain", "--index"])
        .arg(index)
        .args(args)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr).into_owned();
    assert_eq!(out.status.code(), Some(0), "{args:?}: {err}");
    let hits = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    (hits, err)
}

/// The record ids of hits, in rank order.
fn ids(hits: &[JsonHit]) -> Vec<&str> {
    hits.iter().map(|h| h.id.as_str()).collect()
}

#[test]
fn json_hits_are_complete_ranked_and_highlighted() {
    let hits = hits(&["GPU", "가격", "-n", "5", "--no-expand"]);
    assert_eq!(hits.len(), 5);
    for (i, h) in hits.iter().enumerate() {
        assert_eq!(h.rank, i + 1);
        assert!(h.score > 0.0);
        assert!(!h.id.is_empty() && !h.title.is_empty() && h.path.contains("data/articles"));
        assert!(h.passage < h.passages);
        assert!(h.byte_start < h.byte_end && h.char_start < h.char_end);
        assert_eq!(h.text.chars().count() as u64, h.char_end - h.char_start);
        assert_eq!(h.text.len() as u64, h.byte_end - h.byte_start);
        let marked = highlighted(h);
        assert!(!marked.is_empty(), "{h:?}");
        for m in marked {
            let m = m.to_lowercase();
            assert!(m == "gpu" || m == "가격", "highlight {m:?}");
        }
    }
    assert!(hits.windows(2).all(|w| w[0].score >= w[1].score));
    assert!(hits[0].title.contains("GPU"), "{}", hits[0].title);
}

#[test]
fn particles_and_plurals_are_analysed_like_the_text() {
    let a = hits(&["GPU를"]);
    let b = hits(&["gpu"]);
    assert!(!a.is_empty());
    assert_eq!(
        a.iter().map(|h| (&h.path, h.passage)).collect::<Vec<_>>(),
        b.iter().map(|h| (&h.path, h.passage)).collect::<Vec<_>>()
    );
    let plural = hits(&["모델들"]);
    assert!(
        plural
            .iter()
            .all(|h| highlighted(h).iter().any(|m| m.contains("모델")))
    );
}

#[test]
fn a_compound_and_its_spaced_form_find_each_other() {
    // One sample says 소형 언어 모델 (spaced) in a passage; others say 소형언어모델.
    let compound = hits(&["소형언어모델", "-n", "50"]);
    let spaced = hits(&["\"소형 언어 모델\"", "-n", "50"]);
    let spaced_says_it = |h: &JsonHit| h.text.contains("소형 언어 모델");
    let compact_says_it = |h: &JsonHit| h.text.contains("소형언어모델");
    assert!(
        compound.iter().any(spaced_says_it),
        "compound finds the spaced form"
    );
    assert!(
        spaced.iter().any(compact_says_it),
        "phrase finds the compound"
    );
}

#[test]
fn operators_fields_and_dates() {
    let all = hits(&["파인튜닝", "-n", "100"]);
    let without = hits(&["-n", "100", "--", "파인튜닝", "-LoRA"]);
    assert!(without.len() < all.len());
    // The word LoRA, not QLoRA (one word of its own).
    let has_lora = |t: &str| {
        t.to_lowercase()
            .split(|c: char| !c.is_ascii_alphanumeric())
            .any(|w| w == "lora")
    };
    assert!(all.iter().any(|h| has_lora(&h.text)));
    assert!(without.iter().all(|h| !has_lora(&h.text)));

    let either = hits(&["엔비디아", "OR", "스마트폰", "-n", "100"]);
    let one = hits(&["스마트폰", "-n", "100"]);
    assert!(either.len() >= one.len());

    let titled = hits(&["title:파인튜닝", "-n", "100"]);
    assert!(!titled.is_empty());
    assert!(titled.iter().all(|h| h.title.contains("파인튜닝")));

    let pathed = hits(&["path:finetune", "-n", "100"]);
    assert!(!pathed.is_empty());
    assert!(pathed.iter().all(|h| h.path.contains("finetune")));

    let dated = hits(&[
        "GPU",
        "--since",
        "2026-03",
        "--until",
        "2026-03-31",
        "-n",
        "100",
    ]);
    assert!(!dated.is_empty());
    assert!(
        dated
            .iter()
            .all(|h| h.date.as_deref().is_some_and(|d| d.starts_with("2026-03")))
    );
}

#[test]
fn paging_and_per_article_cap_are_deterministic() {
    let first = hits(&["모델", "-n", "10"]);
    let again = hits(&["모델", "-n", "10"]);
    assert_eq!(
        first
            .iter()
            .map(|h| (&h.path, h.passage))
            .collect::<Vec<_>>(),
        again
            .iter()
            .map(|h| (&h.path, h.passage))
            .collect::<Vec<_>>()
    );
    let page2 = hits(&["모델", "-n", "5", "--offset", "5"]);
    assert_eq!(page2[0].rank, 6);
    assert_eq!(
        page2
            .iter()
            .map(|h| (&h.path, h.passage))
            .collect::<Vec<_>>(),
        first[5..]
            .iter()
            .map(|h| (&h.path, h.passage))
            .collect::<Vec<_>>()
    );
    let capped = hits(&["모델", "-n", "20", "--per-article", "1"]);
    let mut articles: Vec<(&String, &String)> = capped.iter().map(|h| (&h.path, &h.id)).collect();
    let n = articles.len();
    articles.sort();
    articles.dedup();
    assert_eq!(articles.len(), n, "one passage per article");
}

#[test]
fn exit_codes_and_messages() {
    let out = search(&["xyzzyqwrt"]);
    assert_eq!(out.status.code(), Some(1), "no hits");
    let out = search(&["을", "단순히"]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "only words that are not indexed: no hits"
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("indexed"));
    let out = search(&["\"GPU 가격"]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("query") && err.contains('^'), "{err}");
    assert!(!err.contains("panicked"));
    let out = search(&["GPU", "--since", "last week"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--since"));
    let out = kosearch()
        .args(["search", "--index", "/nonexistent/kosearch-index", "GPU"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("kosearch index"));
}

#[test]
fn plain_markers_on_a_pipe_and_colour_when_asked() {
    let out = search(&["GPU", "-n", "1"]);
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("**GPU**"), "{text}");
    assert!(!text.contains('\x1b'));
    let out = search(&["GPU", "-n", "1", "--color", "always"]);
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.contains("\x1b[1;31mGPU\x1b[0m"), "{text}");
}

#[test]
fn batch_runs_write_trec_and_eval_scores_them() {
    let tmp = tempfile::tempdir().unwrap();
    let queries = tmp.path().join("queries.tsv");
    // The second question does not parse as a query (unclosed quote): read as plain words.
    std::fs::write(
        &queries,
        "q1\tGPU 가격\nq2\t\"소형언어모델 파인튜닝\nq3\txyzzyqwrt\n",
    )
    .unwrap();
    let out = search(&["--batch", queries.to_str().unwrap(), "--trec", "-n", "5"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let run = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<Vec<&str>> = run.lines().map(|l| l.split(' ').collect()).collect();
    assert!(
        lines
            .iter()
            .all(|c| c.len() == 6 && c[1] == "Q0" && c[5] == "kosearch")
    );
    for q in ["q1", "q2"] {
        let ranks: Vec<&str> = lines.iter().filter(|c| c[0] == q).map(|c| c[3]).collect();
        assert!(!ranks.is_empty(), "{q} has hits");
        assert_eq!(ranks[0], "1");
    }
    assert!(lines.iter().all(|c| c[0] != "q3"));

    // Judge q1's first hit relevant, q2's third, q3's something never found.
    let first = |q: &str, rank: &str| {
        lines
            .iter()
            .find(|c| c[0] == q && c[3] == rank)
            .map(|c| c[2].to_string())
            .unwrap()
    };
    let qrels = tmp.path().join("qrels.txt");
    std::fs::write(
        &qrels,
        format!(
            "q1 0 {} 1\nq2 0 {} 1\nq3 0 nothing 1\n",
            first("q1", "1"),
            first("q2", "3")
        ),
    )
    .unwrap();
    let run_file = tmp.path().join("run.txt");
    std::fs::write(&run_file, &run).unwrap();
    let out = kosearch()
        .args(["eval", "--json", "--qrels"])
        .arg(&qrels)
        .arg("--run")
        .arg(&run_file)
        .output()
        .unwrap();
    common::assert_success(&out);
    let m: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let close = |k: &str, v: f64| (m[k].as_f64().unwrap() - v).abs() < 1e-9;
    assert!(close("recall_at_1", 1.0 / 3.0), "{m}");
    assert!(close("mrr_at_10", (1.0 + 1.0 / 3.0) / 3.0), "{m}");
    assert_eq!(m["queries"], 3);
}

#[test]
fn synonyms_expand_and_no_expand_turns_them_off() {
    let only_compound = |h: &JsonHit| h.text.contains("소형언어모델") && !h.text.contains("SLM");
    let expanded = hits(&["SLM", "-n", "100"]);
    let literal = hits(&["SLM", "-n", "100", "--no-expand"]);
    assert!(
        expanded.iter().any(only_compound),
        "SLM finds passages that only say 소형언어모델"
    );
    assert!(!literal.iter().any(only_compound));
    assert!(
        literal
            .iter()
            .all(|h| h.text.contains("SLM") || h.title.contains("SLM"))
    );
    // The word the user typed weighs more than its synonym.
    let best_literal = expanded
        .iter()
        .position(|h| h.text.contains("SLM"))
        .unwrap();
    let best_synonym = expanded.iter().position(only_compound).unwrap();
    assert!(best_literal < best_synonym);

    let tmp = tempfile::tempdir().unwrap();
    let bad = tmp.path().join("syn.txt");
    std::fs::write(&bad, "# groups\nGPU = 그래픽처리장치\n혼자\n").unwrap();
    let out = search(&["GPU", "--synonyms", bad.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("syn.txt") && err.contains("line 3"), "{err}");
}

#[test]
fn aliases_mined_from_the_corpus_are_listed_and_expand_queries() {
    let out = kosearch()
        .args(["aliases", "--json", "--index"])
        .arg(sample_index())
        .output()
        .unwrap();
    common::assert_success(&out);
    let list: Vec<serde_json::Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let pair = |v: &serde_json::Value| {
        (
            v["term"].as_str().unwrap().to_string(),
            v["alias"].as_str().unwrap().to_string(),
        )
    };
    let pairs: Vec<(String, String)> = list.iter().map(pair).collect();
    for (t, a) in [
        ("소형언어모델", "SLM"),
        ("GPU", "그래픽처리장치"),
        ("트랜스포머", "Transformer"),
    ] {
        assert!(
            pairs.contains(&(t.into(), a.into())),
            "{t}({a}) in {pairs:?}"
        );
    }
    // Asides in parentheses are not definitions: datelines, units, ages, photo credits.
    for (t, a) in &pairs {
        for s in [t, a] {
            assert!(
                !s.contains('=') && !s.contains(':') && !s.chars().any(|c| c.is_ascii_digit()),
                "{t}({a})"
            );
            assert!(
                !["사진", "제공", "서울", "기자"].contains(&s.as_str()),
                "{t}({a})"
            );
        }
    }
    assert!(
        list.iter()
            .all(|v| v["count"].as_u64().unwrap() >= 1
                && !v["sources"].as_array().unwrap().is_empty())
    );

    // With no synonyms file at all, the mined alias still takes SLM to 소형언어모델.
    let tmp = tempfile::tempdir().unwrap();
    let empty = tmp.path().join("none.txt");
    std::fs::write(&empty, "# nothing\n").unwrap();
    let only_compound = |h: &JsonHit| h.text.contains("소형언어모델") && !h.text.contains("SLM");
    let mined = hits(&["SLM", "-n", "100", "--synonyms", empty.to_str().unwrap()]);
    assert!(mined.iter().any(only_compound));
    let transformer = hits(&[
        "Transformer",
        "-n",
        "100",
        "--synonyms",
        empty.to_str().unwrap(),
    ]);
    assert!(transformer.iter().any(|h| h.text.contains("트랜스포머")));
}

#[test]
fn explain_shows_expansions_and_articles_ranks_each_article_once() {
    let out = search(&["SLM", "--explain", "-n", "1"]);
    assert_eq!(out.status.code(), Some(0));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("expanded SLM → 소형언어모델"), "{err}");
    let out = search(&["SLM", "--explain", "--no-expand", "-n", "1"]);
    assert!(String::from_utf8_lossy(&out.stderr).contains("no expansion"));

    let passages = hits(&["모델", "-n", "200"]);
    let articles = hits(&["모델", "-n", "200", "--articles"]);
    let keys: Vec<(String, String)> = articles
        .iter()
        .map(|h| (h.path.clone(), h.id.clone()))
        .collect();
    let mut unique = keys.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), keys.len(), "each article once");
    let mut from_passages: Vec<(String, String)> = passages
        .iter()
        .map(|h| (h.path.clone(), h.id.clone()))
        .collect();
    from_passages.sort();
    from_passages.dedup();
    assert_eq!(unique, from_passages, "every matching article");
    // Each article stands at its best passage, in the order of those passages.
    assert_eq!(articles[0].passage, passages[0].passage);
    assert_eq!(articles[0].path, passages[0].path);
}

#[test]
fn query_words_are_analysed_in_the_context_of_the_whole_query() {
    // Alone, 뒤마의 reads 뒤/마의; after 알렉상드르 it reads 뒤마/의, as it does in the text.
    let out = search(&["알렉상드르 뒤마의 소설", "--explain"]);
    let err = String::from_utf8_lossy(&out.stderr);
    let terms = err
        .lines()
        .find_map(|l| l.strip_prefix("kosearch: terms looked up: "))
        .unwrap_or_else(|| panic!("no terms line: {err}"));
    let terms: Vec<&str> = terms.split(", ").collect();
    assert_eq!(terms, ["뒤마", "소설", "알렉상드르"], "{err}");
}

#[test]
fn neighbouring_query_terms_in_order_and_close_rank_first() {
    // Three passages with the same words and the same title: only the order and distance of
    // GPU and 가격 differ.
    let (_tmp, index) = records_index(&[
        (
            "far",
            "기사",
            "GPU 수요가 늘면서 반도체 업계의 올해 전망도 밝아졌지만 가격 문제는 남았다.",
        ),
        (
            "near",
            "기사",
            "GPU 가격 문제는 남았지만 수요가 늘면서 반도체 업계의 올해 전망도 밝아졌다.",
        ),
        (
            "reversed",
            "기사",
            "가격 문제는 남았지만 수요가 늘면서 반도체 업계의 올해 전망도 밝아졌다 GPU.",
        ),
    ]);
    let (ranked, err) = explained(&index, &["GPU 가격"]);
    let ids = ids(&ranked);
    assert_eq!(ids.len(), 3, "{ids:?}");
    assert_eq!(ids[0], "near", "{ids:?}");
    assert!(
        ranked[0].score > ranked[1].score,
        "the pair adds to the score"
    );
    assert!(err.contains("nearby pairs (weight 0.6): gpu 가격"), "{err}");
}

#[test]
fn character_bigrams_rank_the_spelling_of_the_query_first() {
    // The same morphemes and pairs in both; only the particle after 가격 differs, so only the
    // bigram 격이 of the query tells them apart.
    let (_tmp, index) = records_index(&[
        ("other", "기사", "메모리 가격은 다시 올랐다."),
        ("same", "기사", "메모리 가격이 다시 올랐다."),
    ]);
    let run = |query: &str| {
        let (hits, err) = explained(&index, &[query]);
        let ids: Vec<String> = ids(&hits).into_iter().map(str::to_string).collect();
        (ids, err)
    };
    let (ids, err) = run("가격이");
    assert_eq!(ids, ["same", "other"], "{err}");
    assert!(
        err.contains("character bigrams (weight 0.2): 가격, 격이"),
        "{err}"
    );
    let (ids, _) = run("가격은");
    assert_eq!(ids, ["other", "same"]);
}

#[test]
fn a_word_the_title_holds_counts_once_so_the_other_words_rank_its_passages() {
    // Two passages under the title GPU: one repeats GPU, the other holds 가격. GPU is the
    // rarer word in the text, so scored apart from the title it would win; taken with the
    // title (BM25F), its repetition adds little, and the passage with 가격 ranks first.
    let (_tmp, index) = records_index(&[
        ("repeats", "GPU", "GPU 신제품이 나왔다."),
        ("answers", "GPU", "신제품의 가격이 올랐다."),
        ("other", "메모리", "메모리 가격이 내렸다."),
    ]);
    let (hits, err) = explained(&index, &["GPU 가격"]);
    assert_eq!(ids(&hits), ["answers", "repeats", "other"], "{err}");
}

#[test]
fn a_word_the_index_lacks_is_looked_up_by_its_bigrams() {
    // The analyser reads 이주한 as 이/MM 주한/NNG alone and as a name (NNP) after other
    // words; the text has neither, only 이주/NNG 하/XSV. Its bigrams still find the passage,
    // alone or beside a known word.
    let (_tmp, index) = records_index(&[
        (
            "moved",
            "안창호",
            "그는 가족과 함께 로스앤젤레스로 이주하여 활동했다.",
        ),
        ("stayed", "안창호", "그는 가족과 함께 서울에 머물렀다."),
    ]);
    let (hits, err) = explained(&index, &["이주한"]);
    assert_eq!(ids(&hits), ["moved"], "{err}");
    assert!(
        err.contains("이주한 is not in the index: looked up by its bigrams 이주, 주한"),
        "{err}"
    );
    assert_eq!(highlighted(&hits[0]), ["이주"], "{err}");
    let (hits, err) = explained(&index, &["가족들과 이주한 곳"]);
    assert_eq!(ids(&hits), ["moved", "stayed"], "{err}");
    // A word the index holds is looked up as itself only.
    let (_, err) = explained(&index, &["가족"]);
    assert!(!err.contains("not in the index"), "{err}");
}

#[test]
fn a_rare_synonym_does_not_outrank_the_common_word_it_stands_for() {
    // GPU is in every passage but one; its synonym 그래픽처리장치 only in that one, so by
    // its own IDF it would outscore GPU even at half weight.
    let (tmp, index) = records_index(&[
        ("literal", "반도체", "GPU 수요가 크게 늘었다."),
        ("synonym", "반도체", "그래픽처리장치 수요가 크게 늘었다."),
        ("a", "시장", "GPU 공급이 모자라다."),
        ("b", "시장", "GPU 임대료가 올랐다."),
        ("c", "시장", "서버용 GPU 출하가 늘었다."),
    ]);
    let synonyms = tmp.path().join("syn.txt");
    std::fs::write(&synonyms, "GPU = 그래픽처리장치\n").unwrap();
    let (hits, err) = explained(
        &index,
        &["GPU 수요", "--synonyms", synonyms.to_str().unwrap()],
    );
    assert_eq!(ids(&hits)[..2], ["literal", "synonym"], "{err}");
}
