//! What queries compile to, over a small index built for each test, in the notation of
//! [`render`](super::render).

use std::sync::atomic::AtomicBool;
use std::sync::{Arc, OnceLock};

use tempfile::TempDir;

use super::render::{number, render};
use crate::analysis::AnalyzerConfig;
use crate::dictionary::KoDictionary;
use crate::index::KoIndex;
use crate::index::update::{self, UpdateOptions};
use crate::ingest::parse::FieldMap;
use crate::passage::PassageOptions;
use crate::search::synonyms::Synonyms;
use crate::search::{Compiled, Searcher, bm25, query};

/// The articles of the test index: `(file, title, text)`.
const ARTICLES: [(&str, &str, &str); 4] = [
    (
        "gpu.txt",
        "GPU 가격이 오른다",
        "데이터센터 GPU 가격이 크게 올랐다. 그래픽카드 가격도 올랐다.",
    ),
    (
        "slm.txt",
        "소형언어모델의 시대",
        "소형언어모델은 적은 비용으로 파인튜닝할 수 있다. 소형 언어 모델이 늘었다.",
    ),
    (
        "train.txt",
        "열차 노선 개편",
        "새 열차 노선이 생겼다. 교토의 열차 가격도 올랐다.",
    ),
    (
        "graphics.txt",
        "그래픽처리장치 수요",
        "그래픽처리장치 수요가 늘고 가격이 올랐다. 비용이 든다.",
    ),
];

fn dictionary() -> Arc<KoDictionary> {
    static DICT: OnceLock<Arc<KoDictionary>> = OnceLock::new();
    DICT.get_or_init(|| Arc::new(KoDictionary::open_default().expect("the dictionary opens")))
        .clone()
}

/// A searcher over [`ARTICLES`] (with the project's user dictionary), expanding with the
/// synonyms file `synonyms`; the folder goes when the test ends.
fn searcher(synonyms: &str) -> (TempDir, Searcher) {
    searcher_of_copies(synonyms, 1)
}

/// As [`searcher`], over `copies` copies of every article, each in its own folder.
fn searcher_of_copies(synonyms: &str, copies: usize) -> (TempDir, Searcher) {
    let tmp = tempfile::tempdir().unwrap();
    let articles = tmp.path().join("articles");
    for copy in 0..copies {
        let folder = articles.join(format!("copy{copy}"));
        std::fs::create_dir_all(&folder).unwrap();
        for (file, title, text) in ARTICLES {
            std::fs::write(folder.join(file), format!("{title}\n\n{text}\n")).unwrap();
        }
    }
    let (searcher, summary) = searcher_of_folder(&tmp, articles, synonyms);
    assert_eq!(
        (summary.passages, summary.failed.len()),
        (4 * copies, 0),
        "{summary:?}"
    );
    (tmp, searcher)
}

/// A searcher over an index of `folder`, made in `tmp`, expanding with the synonyms file
/// `synonyms`; and what indexing it did.
fn searcher_of_folder(
    tmp: &TempDir,
    folder: std::path::PathBuf,
    synonyms: &str,
) -> (Searcher, update::Summary) {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let config = AnalyzerConfig {
        user_dictionary: Some(root.join("data").join("userdic.csv")),
        ..AnalyzerConfig::default()
    };
    let ko = KoIndex::create(
        &tmp.path().join("idx"),
        dictionary(),
        config,
        PassageOptions::default(),
        FieldMap::default(),
    )
    .unwrap();
    let options = UpdateOptions {
        jobs: 1,
        ..UpdateOptions::default()
    };
    let summary = update::update(
        &ko,
        &[folder],
        &options,
        &AtomicBool::new(false),
        &mut |_| {},
    )
    .unwrap();
    let synonyms = Synonyms::parse(synonyms, &ko.analyzer).unwrap();
    let searcher = Searcher::new(ko).unwrap();
    searcher.set_synonyms(synonyms);
    (searcher, summary)
}

/// `q` compiled by `searcher`, with its query rendered.
fn compile(searcher: &Searcher, q: &str) -> (String, Compiled) {
    let node = query::parse(q).unwrap();
    let compiled = searcher.compile(&node).expect("the query has a word");
    let rendered = render(&compiled, &searcher.index().index.schema());
    (rendered, compiled)
}

fn strings(items: &[&str]) -> Vec<String> {
    items.iter().map(|s| s.to_string()).collect()
}

#[test]
fn a_compound_is_looked_up_by_its_parts_sharing_one_words_weight() {
    let (_tmp, s) = searcher("");
    let (q, c) = compile(&s, "소형언어모델 가격");
    assert_eq!(
        q,
        "(+(((text+title:소형^0.333 text+title:언어^0.333 text+title:모델^0.333)) \
         (text+title:가격)) \
         (pairs:소형+언어 pairs:언어+모델 pairs:모델+가격)^0.6 \
         (bigrams:소형 bigrams:형언 bigrams:언어 bigrams:어모 bigrams:모델 bigrams:가격)^0.2)"
    );
    // The whole is highlighted too; nothing is unknown or expanded.
    let terms: Vec<&str> = c.terms.iter().map(String::as_str).collect();
    assert_eq!(terms, ["가격", "모델", "소형", "소형언어모델", "언어"]);
    assert!(c.unknown.is_empty() && c.expansions.is_empty());
}

#[test]
fn a_phrase_is_a_phrase_query_in_the_text_and_at_half_weight_in_the_title() {
    let (_tmp, s) = searcher("");
    let (q, c) = compile(&s, "\"소형 언어 모델\"");
    assert_eq!(q, "(text:\"소형 언어 모델\" title:\"소형 언어 모델\"^0.5)");
    // A phrase is no free word: no pair or bigram bonus.
    assert!(c.pairs.is_empty() && c.bigrams.is_empty());
    // A quoted compound: its parts' phrase or the whole, whichever scores best.
    let (q, _) = compile(&s, "\"소형언어모델\"");
    assert_eq!(
        q,
        "(max(text:\"소형 언어 모델\" | text:소형언어모델) \
         max(title:\"소형 언어 모델\" | title:소형언어모델)^0.5)"
    );
}

#[test]
fn a_required_word_is_strict_and_still_earns_the_bonuses() {
    let (_tmp, s) = searcher("");
    let (q, _) = compile(&s, "+파인튜닝 비용");
    assert_eq!(
        q,
        "(+(+(max(text:\"파인 튜닝\" | text:파인튜닝) max(title:\"파인 튜닝\" | title:파인튜닝)^0.5) \
         (text+title:비용)) \
         (pairs:파인+튜닝 pairs:튜닝+비용)^0.6 \
         (bigrams:파인 bigrams:인튜 bigrams:튜닝 bigrams:비용)^0.2)"
    );
}

#[test]
fn a_negated_word_excludes_and_is_neither_highlighted_nor_a_bonus() {
    let (_tmp, s) = searcher("");
    let (q, c) = compile(&s, "GPU -가격");
    // GPU has no Hangul bigram and no neighbour: no bonus at all.
    assert_eq!(q, "((text+title:gpu) -(text+title:가격))");
    assert_eq!(c.terms.into_iter().collect::<Vec<_>>(), ["gpu"]);
    // A negated group: its words only exclude.
    let (q, c) = compile(&s, "가격 -(노선 OR 열차)");
    assert_eq!(
        q,
        "(+((text+title:가격) -((text+title:노선) (text+title:열차))) (bigrams:가격)^0.2)"
    );
    assert!(c.pairs.is_empty());
}

/// A negated phrase whose words never stand together excludes nothing. tantivy's phrase
/// scorer panicked in debug builds when asked about passages behind it (`plan::Excluded`).
#[test]
fn a_negated_phrase_that_never_matches_excludes_nothing() {
    use tantivy::collector::Count;
    let (_tmp, s) = searcher("");
    let reader = s.index().index.reader().unwrap().searcher();
    let count = |q: &str| reader.search(&*compile(&s, q).1.query, &Count).unwrap();
    // 비용 and 열차 are never in one passage; the train article's title is 열차 노선 개편.
    assert_eq!(count("가격 -\"비용 열차\""), count("가격"));
    assert_eq!(count("가격"), 3);
    assert_eq!(count("가격 -\"노선 개편\""), 2);
    // Whichever reading of the phrase the train article holds, it is excluded.
    assert_eq!(count("가격 -\"열차 노선\""), 2);
    let (q, _) = compile(&s, "가격 -\"비용 열차\"");
    assert!(
        q.contains("-(text:\"비용 열차\" title:\"비용 열차\"^0.5)"),
        "{q}"
    );
}

#[test]
fn field_values_are_looked_up_in_their_field_alone() {
    let (_tmp, s) = searcher("");
    // title: as an ordinary word (any part), path: as the path is split.
    let (q, _) = compile(&s, "title:소형언어모델");
    assert_eq!(q, "(title:소형^0.333 title:언어^0.333 title:모델^0.333)");
    let (q, _) = compile(&s, "title:\"소형언어모델\"");
    assert_eq!(q, "max(title:\"소형 언어 모델\" | title:소형언어모델)");
    let (q, c) = compile(&s, "path:AI/Finetune 가격");
    assert_eq!(
        q,
        "(+(path_text:\"ai finetune\" (text+title:가격)) (bigrams:가격)^0.2)"
    );
    assert!(c.terms.contains("ai") && c.terms.contains("가격"));
    let (q, _) = compile(&s, "author:김민준 source:\"테크 데일리\"");
    assert_eq!(q, "(author:김민준 source:\"테크 데일리\")");
}

#[test]
fn a_word_the_index_lacks_is_looked_up_by_its_bigrams_at_one_words_weight() {
    let (_tmp, s) = searcher("");
    let (q, c) = compile(&s, "뷁쀍뒑");
    assert_eq!(
        q,
        "(+((text+title:뷁^0.5 text+title:쀍뒑^0.5) (bigrams:뷁쀍^0.5 bigrams:쀍뒑^0.5)) \
         (pairs:뷁+쀍뒑)^0.6 (bigrams:뷁쀍 bigrams:쀍뒑)^0.2)"
    );
    assert_eq!(
        c.unknown,
        [("뷁쀍뒑".to_string(), strings(&["뷁쀍", "쀍뒑"]))]
    );
    // Highlights mark the bigrams that stand in for it.
    assert!(c.marks().contains("쀍뒑") && c.marks().contains("뷁쀍"));
    // A word the index holds, or a required one, has no stand-in.
    assert!(compile(&s, "가격").1.unknown.is_empty());
    assert!(compile(&s, "+뷁쀍뒑").1.unknown.is_empty());
}

#[test]
fn a_synonym_as_common_as_the_word_is_a_phrase_at_the_expansion_weight() {
    let (_tmp, s) = searcher("비용 = 가격\n");
    // 가격 is in three passages, 비용 in two: the synonym keeps the full expansion weight.
    let (q, c) = compile(&s, "비용");
    assert_eq!(
        q,
        "(+(text+title:비용 text:가격^0.5 title:가격^0.25) (bigrams:비용)^0.2)"
    );
    assert_eq!(c.expansions, [("비용".to_string(), "가격".to_string())]);
    assert!(c.terms.contains("가격"));
    // A phrase is not expanded; a negated word is, without reporting it.
    assert!(compile(&s, "\"비용\"").1.expansions.is_empty());
    let (q, c) = compile(&s, "열차 -비용");
    assert_eq!(
        q,
        "(+((text+title:열차) -(text+title:비용 text:가격^0.5 title:가격^0.25)) \
         (bigrams:열차)^0.2)"
    );
    assert!(c.expansions.is_empty() && !c.terms.contains("가격"));
}

#[test]
fn a_rarer_synonym_weighs_the_words_idf_over_its_own() {
    let (_tmp, s) = searcher("GPU = 그래픽처리장치\n");
    // GPU를 is the member GPU by its finest terms.
    let (q, c) = compile(&s, "GPU를");
    assert_eq!(
        c.expansions,
        [("GPU를".to_string(), "그래픽처리장치".to_string())]
    );
    // 8 documents (4 passages, 4 file records); in the texts gpu is in 1, 그래픽 in 2 (as
    // a part of 그래픽카드 and of 그래픽처리장치), 처리 and 장치 in 1. The expansion weight
    // 0.5 times gpu's IDF over the sum of its three terms' IDFs: well below 0.5.
    let (one, two) = (bm25::idf(1, 8), bm25::idf(2, 8));
    let w = 0.5 * one / (two + one + one);
    assert!(w < 0.25, "{w}");
    let (w, half) = (number(w), number(w * 0.5));
    assert_eq!(
        q,
        format!(
            "(text+title:gpu max(text:\"그래픽 처리 장치\" | text:그래픽처리장치)^{w} \
             max(title:\"그래픽 처리 장치\" | title:그래픽처리장치)^{half})"
        )
    );
}

#[test]
fn each_word_is_analysed_at_its_own_place_in_the_query() {
    let (_tmp, s) = searcher("");
    let terms = |q: &str| compile(&s, q).1.terms.into_iter().collect::<Vec<_>>();
    // Alone, 노선인 reads 노/선인; after 열차, as in the text, 노선/인.
    assert_eq!(terms("노선인"), ["노", "선인"]);
    assert_eq!(terms("열차 노선인"), ["노선", "열차"]);
    // The same word twice keeps both readings: 교토/의 first, 교/토의 after 13일.
    let (_, c) = compile(&s, "교토의 13일 교토의");
    let pairs: Vec<String> = c.pairs.iter().map(|(a, b)| format!("{a}+{b}")).collect();
    assert_eq!(pairs, ["교토+13", "13+일", "일+교", "교+토의"]);
    // An outlet is analysed alone, as it was indexed, not in the context of the words
    // before it (after GPU, 한빛뉴스 reads 한/빛/뉴스).
    let outlet = terms("source:한빛뉴스");
    let after: Vec<String> = terms("GPU source:한빛뉴스")
        .into_iter()
        .filter(|t| t != "gpu")
        .collect();
    assert_eq!(after, outlet);
    assert!(outlet.contains(&"한빛".to_string()), "{outlet:?}");
    // A piece the context reads as nothing to index keeps its own reading: at the start of
    // `열차 노선 가격`, MeCab-ko reads 열차 as an interjection, and the phrase lost it.
    assert_eq!(terms("열차 노선 가격"), ["가격", "노선", "열차"]);
    let (rendered, _) = compile(&s, "\"열차 노선\" 가격");
    assert!(rendered.contains("text:\"열차 노선\""), "{rendered}");
    // After 가격, the context reads 열/차 (a number and a counter) where an article's
    // 열차 노선 reads 열차/노선: a phrase matches its reading alone too, the better of the two.
    let (rendered, c) = compile(&s, "가격 \"열차 노선\"");
    assert_eq!(
        rendered,
        "(+((text+title:가격) \
         max((text:\"열 차 노선\" title:\"열 차 노선\"^0.5) | \
         (text:\"열차 노선\" title:\"열차 노선\"^0.5))) \
         (bigrams:가격)^0.2)"
    );
    assert!(
        c.terms.contains("열차") && c.terms.contains("노선"),
        "{:?}",
        c.terms
    );
    // So does a plain word the context cuts finer than it reads alone; not one the context
    // joins (노선인 above keeps 노선/인 only).
    let (rendered, c) = compile(&s, "가격 열차 노선");
    assert!(
        rendered.contains(
            "max(((text+title:열^0.5 text+title:차^0.5) bigrams:열차) | (text+title:열차))"
        ),
        "{rendered}"
    );
    assert!(c.terms.contains("열차"), "{:?}", c.terms);
    let reader = s.index().index.reader().unwrap().searcher();
    let count = |q: &str| {
        let query = compile(&s, q).1.query;
        reader.search(&*query, &tantivy::collector::Count).unwrap()
    };
    // Cut into as many morphemes either way, a word keeps its place's reading: 한양의 alone
    // reads 한/양의, the first word of this query 한양/의.
    assert_eq!(terms("한양의 한 이교도"), ["도", "이교", "이교도", "한양"]);
    // Required or excluded after 가격, 열차 is every passage that holds it.
    assert_eq!(count("+열차"), 1);
    assert_eq!(count("가격 +열차 노선"), 1);
    assert_eq!(count("가격 -열차 노선"), count("가격 노선") - 1);
}

/// The pruned top-k pass (`prune::top`, which skips bonuses and keeps the passages tied at
/// the cut), and the collector that keeps ties for queries it cannot take (`TopWithTies`),
/// give what tantivy's collectors and a second pass for the ties give for the whole query:
/// the same total, and, at every cut, the same passages with the same scores.
#[test]
fn the_pruned_pass_finds_what_the_whole_query_finds() {
    let mut essential_passes = 0;
    // Five copies: every passage ties five times over. A synonym of two words is looked up
    // as a phrase.
    let (_tmp, searcher) = searcher_of_copies("비용 = 열차 가격\n", 5);
    for q in [
        "가격",
        "GPU 가격",
        "열차 가격 비용",
        "그래픽처리장치 -열차",
        "소형 언어 모델",
        "비용 그래픽카드",
    ] {
        let (_, compiled) = compile(&searcher, q);
        essential_passes += pruned_passes_agree(&searcher, &compiled, q, 22);
    }
    // Most cuts of most queries go through it (50 of 110 when this was written; the rest
    // have fewer than k passages holding the terms the floor is taken from).
    assert!(essential_passes >= 40, "{essential_passes}");
}

/// Asserts, at every cut k from 1 to `cuts`, that the pruned pass, the collector keeping
/// ties and, where the query allows it, the pass over its essential terms (taken whatever
/// its costs) give tantivy's total and tantivy's top k with ties for `compiled`. Returns how
/// many cuts the essential terms' pass took.
fn pruned_passes_agree(searcher: &Searcher, compiled: &Compiled, q: &str, cuts: usize) -> usize {
    use crate::search::{maxscore, prune, ties};
    use tantivy::collector::{Count, TopDocs};
    let ko = searcher.index();
    let reader = ko.index.reader().unwrap().searcher();
    let files = tantivy::Term::from_field_text(ko.fields.kind, crate::index::schema::KIND_FILE);
    let stats = bm25::PassageStatistics::new(&reader, &files).unwrap();
    let sorted = |mut hits: Vec<(f32, tantivy::DocAddress)>| {
        hits.sort_by(ties::order);
        hits
    };
    let split = compiled.split.as_ref().expect("the query has bonuses");
    let mut essential_passes = 0;
    for k in 1..=cuts {
        let (total, ours) = prune::top(&reader, &stats, split, k + 1).unwrap();
        let (count, mut theirs) = reader
            .search_with_statistics_provider(
                &*compiled.query,
                &(Count, TopDocs::with_limit(k + 1).order_by_score()),
                &stats,
            )
            .unwrap();
        if let Some(score) = ties::reference::cut(&mut theirs, k) {
            let tied = reader
                .search_with_statistics_provider(
                    &*compiled.query,
                    &ties::reference::ScoreEquals(score),
                    &stats,
                )
                .unwrap();
            theirs.extend(tied);
        }
        // Each way's list, cut at k, holds tantivy's passages with tantivy's scores.
        let same = |what: &str, mut list: Vec<(f32, tantivy::DocAddress)>| {
            ties::cut_complete(&mut list, k);
            assert_eq!(sorted(list), sorted(theirs.clone()), "{q}: {what}, top {k}");
        };
        let collected = reader
            .search_with_statistics_provider(&*compiled.query, &ties::TopWithTies(k + 1), &stats)
            .unwrap();
        assert_eq!(total, count, "{q}: total");
        same("collected", collected);
        // The pass over the essential terms, wherever the query allows it.
        let shape = split.shape.as_ref();
        let required = &*split.required;
        let essential = shape
            .map(|shape| {
                let (inf, always) = (f32::INFINITY, maxscore::Costs::ALWAYS);
                maxscore::top(&reader, &stats, required, shape, k + 1, inf, always)
            })
            .transpose()
            .unwrap()
            .flatten();
        if let Some((total, top)) = essential {
            essential_passes += 1;
            assert_eq!(total, count, "{q}: essential terms' total");
            same("essential", top);
        }
        same("pruned", ours);
    }
    essential_passes
}

#[test]
fn the_essential_terms_pass_scores_every_match_as_tantivy_does() {
    // A synonym of two words is looked up as a phrase.
    let (_tmp, searcher) = searcher_of_copies("비용 = 열차 가격\n", 2);
    for q in [
        "가격",
        "GPU 가격",
        "열차 가격 비용",
        "그래픽처리장치 -열차",
        "소형 언어 모델",
        "소형언어모델 OR 파인튜닝 비용",
        "가격 비용 -열차",
        "비용 그래픽카드",
    ] {
        let (rendered, compiled) = compile(&searcher, q);
        if q.contains("비용") {
            assert!(
                rendered.contains("text:\"열차 가격\""),
                "{q}: a phrase in {rendered}"
            );
        }
        let shape = compiled.split.as_ref().and_then(|s| s.shape.as_ref());
        let shape = shape.expect("no required clause");
        assert!(
            every_score_agrees(&searcher, &compiled, shape, q) > 0,
            "{q}"
        );
    }
}

/// Asserts that every term of `shape` scores below its bound, and that the essential terms'
/// scoring gives every passage the query matches tantivy's score, bit for bit; how many
/// passages it matches.
fn every_score_agrees(
    searcher: &Searcher,
    compiled: &Compiled,
    shape: &crate::search::maxscore::Shape,
    q: &str,
) -> usize {
    use crate::search::maxscore;
    use tantivy::collector::TopDocs;
    let ko = searcher.index();
    let reader = ko.index.reader().unwrap().searcher();
    let files = tantivy::Term::from_field_text(ko.fields.kind, crate::index::schema::KIND_FILE);
    let stats = bm25::PassageStatistics::new(&reader, &files).unwrap();
    for (bound, best) in maxscore::bounds_and_best(&reader, &stats, shape).unwrap() {
        assert!(
            best < bound,
            "{q}: a term scored {best}, above its bound {bound}"
        );
    }
    let mut ours = maxscore::every_score(&reader, &stats, shape).unwrap();
    let all = TopDocs::with_limit(reader.num_docs() as usize).order_by_score();
    let mut theirs = reader
        .search_with_statistics_provider(&*compiled.query, &all, &stats)
        .unwrap();
    let bits = |hits: &mut Vec<(f32, tantivy::DocAddress)>| {
        hits.sort_by_key(|h| h.1);
        hits.iter()
            .map(|h| (h.0.to_bits(), h.1))
            .collect::<Vec<_>>()
    };
    assert_eq!(bits(&mut ours), bits(&mut theirs), "{q}");
    theirs.len()
}

/// Queries made at random from words of the sample articles (`data/articles`), with every
/// operator: on each, the pruned pass, the collector keeping ties and the essential terms'
/// pass give tantivy's totals, top passages and scores for the whole query. The articles
/// share common words (기자, 국내, 모델), so that most terms of a query are not essential.
#[test]
fn random_queries_over_the_sample_articles_agree_with_the_whole_query() {
    use proptest::prelude::*;
    use proptest::test_runner::{Config, TestRunner};
    use std::cell::Cell;
    const WORDS: &[&str] = &[
        "GPU",
        "가격",
        "데이터센터",
        "모델",
        "학습",
        "스타트업",
        "가속기",
        "메모리",
        "클라우드",
        "반도체",
        "파인튜닝",
        "소형언어모델",
        "소형",
        "언어",
        "게임",
        "전력",
        "통신",
        "비용",
        "서버",
        "수요",
        "공급",
        "국내",
        "기업",
        "시장",
        "요금",
        "기자",
        "그래픽처리장치",
        // Absent from the articles; 열차 only through the synonym of 비용.
        "열차",
        "쿼크글루온",
    ];
    let tmp = tempfile::tempdir().unwrap();
    let articles = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("data/articles");
    let synonyms = "비용 = 열차 가격\nGPU = 그래픽처리장치\n";
    let (searcher, summary) = searcher_of_folder(&tmp, articles, synonyms);
    assert!(
        summary.passages > 100 && summary.failed.is_empty(),
        "{summary:?}"
    );

    let word = || proptest::sample::select(WORDS);
    let item = prop_oneof![
        6 => word().prop_map(str::to_string),
        1 => word().prop_map(|w| format!("-{w}")),
        1 => word().prop_map(|w| format!("+{w}")),
        1 => (word(), word()).prop_map(|(a, b)| format!("\"{a} {b}\"")),
        1 => (word(), word()).prop_map(|(a, b)| format!("-\"{a} {b}\"")),
        1 => (word(), word()).prop_map(|(a, b)| format!("({a} OR {b})")),
        1 => word().prop_map(|w| format!("title:{w}")),
    ];
    let queries = proptest::collection::vec(item, 1..6).prop_map(|items| items.join(" "));
    let config = Config {
        cases: 96,
        failure_persistence: None,
        ..Config::default()
    };
    let (compared, essential, scored) = (Cell::new(0), Cell::new(0), Cell::new(0));
    let outcome = TestRunner::new(config).run(&queries, |q| {
        // Only exclusions is an error, and words the index lacks compile to nothing.
        let Some(compiled) = query::parse(&q).ok().and_then(|n| searcher.compile(&n)) else {
            return Ok(());
        };
        let Some(split) = &compiled.split else {
            return Ok(());
        };
        compared.set(compared.get() + 1);
        essential.set(essential.get() + pruned_passes_agree(&searcher, &compiled, &q, 12));
        if let Some(shape) = &split.shape {
            scored.set(scored.get() + every_score_agrees(&searcher, &compiled, shape, &q));
        }
        Ok(())
    });
    if let Err(e) = outcome {
        panic!("{e}");
    }
    // Not vacuous: most queries are compared, and many cuts take the essential terms' pass.
    let (compared, essential, scored) = (compared.get(), essential.get(), scored.get());
    assert!(compared >= 48, "{compared} of 96 queries compared");
    assert!(
        essential >= 100,
        "{essential} cuts took the essential terms' pass"
    );
    assert!(
        scored >= 500,
        "{scored} passages scored by the essential terms"
    );
}
