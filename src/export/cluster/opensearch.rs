//! OpenSearch's (and Elasticsearch's) files: `index.json`, the settings and mapping for
//! `PUT /<index>`, and `load.sh`.

use serde_json::{Value, json};

use super::{Options, Summary};
use crate::error::Result;
use crate::search::Searcher;
use crate::search::bm25::{B, K1};

/// The document fields, with their OpenSearch mapping (the test reads both).
fn properties() -> Value {
    let keyword = json!({"type": "keyword"});
    let nori = json!({
        "type": "text",
        "analyzer": "kosearch_nori",
        "search_analyzer": "kosearch_nori_search",
        "similarity": "kosearch_bm25",
    });
    let terms = json!({
        "type": "text",
        "analyzer": "kosearch_terms",
        "similarity": "kosearch_bm25",
        "position_increment_gap": 100,
    });
    let freqs = json!({
        "type": "text",
        "analyzer": "kosearch_terms",
        "similarity": "kosearch_bm25",
        "index_options": "freqs",
    });
    json!({
        "passage_id": keyword,
        "id": keyword,
        "article": keyword,
        "path": keyword,
        "title": nori,
        "text": nori,
        "date": {"type": "date", "format": "yyyy-MM-dd"},
        "source": keyword,
        "author": keyword,
        "url": keyword,
        "passage": {"type": "integer"},
        "passages": {"type": "integer"},
        "byte_start": {"type": "long"},
        "byte_end": {"type": "long"},
        "char_start": {"type": "long"},
        "char_end": {"type": "long"},
        "page": {"type": "integer"},
        "format": keyword,
        "encoding": keyword,
        "record": {"type": "long"},
        "meta": {"type": "object", "enabled": false},
        "ko_text": terms,
        "ko_title": terms,
        "ko_source": terms,
        "ko_author": terms,
        "ko_path": terms,
        "ko_pairs": freqs,
        "ko_bigrams": freqs,
    })
}

/// Nori's part-of-speech tags (`org.apache.lucene.analysis.ko.POS.Tag`).
const NORI_TAGS: [&str; 36] = [
    "E", "IC", "J", "MAG", "MAJ", "MM", "NA", "NNB", "NNBC", "NNG", "NNP", "NP", "NR", "SC", "SE",
    "SF", "SH", "SL", "SN", "SP", "SSC", "SSO", "SY", "UNA", "UNKNOWN", "VA", "VCN", "VCP", "VSV",
    "VV", "VX", "XPN", "XR", "XSA", "XSN", "XSV",
];

/// The Nori tags to drop: those kosearch does not index. Nori has one tag for every ending
/// (`E`) and one for every particle (`J`), where mecab-ko-dic has several of each.
pub fn nori_stop_tags(keep: &[String]) -> Vec<&'static str> {
    NORI_TAGS
        .iter()
        .copied()
        .filter(|tag| {
            !keep.iter().any(|k| match *tag {
                "E" | "J" => k.starts_with(tag),
                _ => k == tag,
            })
        })
        .collect()
}

/// The user dictionary as Nori's `user_dictionary_rules`: `word` or `word part part …`
/// where the parts spell the word (Nori refuses other segmentations).
pub fn nori_user_rules(text: &str) -> Vec<String> {
    let mut rules = Vec::new();
    for line in text.lines() {
        let line = line.trim();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        let fields: Vec<&str> = line.split(',').collect();
        let word = fields[0].trim();
        if word.is_empty() {
            continue;
        }
        let parts: Vec<&str> = fields
            .get(2)
            .map(|p| {
                p.split('+')
                    .map(|s| s.split('/').next().unwrap_or("").trim())
                    .filter(|s| !s.is_empty())
                    .collect()
            })
            .unwrap_or_default();
        if parts.len() > 1 && parts.concat() == word {
            rules.push(format!("{word} {}", parts.join(" ")));
        } else {
            rules.push(word.to_string());
        }
    }
    rules
}

/// The synonyms file's groups and the mined aliases as Solr-format synonym rules.
fn synonym_rules(searcher: &Searcher) -> Vec<String> {
    searcher
        .synonyms()
        .groups()
        .iter()
        .map(|g| {
            g.iter()
                .map(|m| m.replace(',', "\\,"))
                .collect::<Vec<_>>()
                .join(", ")
        })
        .collect()
}

/// `index.json`: the body of `PUT /<index>`.
pub(super) fn index_json(searcher: &Searcher, options: &Options) -> Result<Value> {
    let ko = searcher.index();
    let rules = ko
        .config
        .user_dictionary_text
        .as_deref()
        .map(nori_user_rules)
        .unwrap_or_default();
    let stop = nori_stop_tags(&ko.config.analyzer.keep_pos);
    let mut tokenizer = json!({
        "type": "nori_tokenizer",
        "decompound_mode": "mixed",
        "discard_punctuation": true,
    });
    if !rules.is_empty() {
        tokenizer["user_dictionary_rules"] = json!(rules);
    }
    let synonyms = synonym_rules(searcher);
    let mut search_filters = vec!["kosearch_pos", "lowercase"];
    let mut filters = json!({
        "kosearch_pos": {"type": "nori_part_of_speech", "stoptags": stop},
    });
    if !synonyms.is_empty() {
        filters["kosearch_synonyms"] =
            json!({"type": "synonym_graph", "synonyms": synonyms, "lenient": true});
        search_filters.push("kosearch_synonyms");
    }
    Ok(json!({
        "settings": {
            "index": {
                "number_of_shards": options.shards,
                "number_of_replicas": options.replicas,
                "similarity": {
                    "kosearch_bm25": {"type": "BM25", "k1": K1, "b": B},
                },
                "analysis": {
                    "tokenizer": {"kosearch_nori": tokenizer},
                    "filter": filters,
                    "analyzer": {
                        "kosearch_nori": {
                            "type": "custom",
                            "tokenizer": "kosearch_nori",
                            "filter": ["kosearch_pos", "lowercase"],
                        },
                        "kosearch_nori_search": {
                            "type": "custom",
                            "tokenizer": "kosearch_nori",
                            "filter": search_filters,
                        },
                        "kosearch_terms": {
                            "type": "custom",
                            "tokenizer": "whitespace",
                            "filter": ["lowercase"],
                        },
                    },
                },
            },
        },
        "mappings": {
            "dynamic": "strict",
            "properties": properties(),
        },
    }))
}

/// `load.sh`: creates the index unless it exists, then sends every bulk file, stopping at
/// the first error the cluster reports (`_bulk` answers 200 with `"errors": true` when
/// some of its items fail).
pub(super) fn load_script(options: &Options, summary: &Summary) -> String {
    let files: Vec<String> = summary.files.iter().map(|f| format!("  {f}")).collect();
    format!(
        r#"#!/bin/sh
# Loads this export into OpenSearch or Elasticsearch (with the analysis-nori plugin).
# Written by kosearch {version}: {passages} passages, {written} to send, {deleted} to delete.
#
#   ./load.sh [URL]        URL defaults to $OPENSEARCH_URL, else http://localhost:9200
#   OPENSEARCH_AUTH=user:password ./load.sh https://cluster:9200
#
# Creates the index "{index}" from index.json unless it exists, sends each bulk file, and
# stops at the first error the cluster reports.
set -eu
url="${{1:-${{OPENSEARCH_URL:-http://localhost:9200}}}}"
url="${{url%/}}"
index="{index}"
here="$(cd "$(dirname "$0")" && pwd)"
call() {{
    if [ -n "${{OPENSEARCH_AUTH:-}}" ]; then
        curl -sS -u "$OPENSEARCH_AUTH" "$@"
    else
        curl -sS "$@"
    fi
}}
status="$(call -o /dev/null -w '%{{http_code}}' -I "$url/$index")"
case "$status" in
200) echo "index $index exists: loading into it" ;;
404)
    out="$(call -w '\n%{{http_code}}' -X PUT "$url/$index" -H 'Content-Type: application/json' --data-binary "@$here/index.json")"
    case "$out" in
    *'
200') echo "created index $index" ;;
    *) echo "load.sh: creating index $index failed:" >&2; echo "$out" >&2; exit 1 ;;
    esac
    ;;
*) echo "load.sh: $url/$index answered HTTP $status" >&2; exit 1 ;;
esac
for f in \
{files}
do
    out="$(call -w '\n%{{http_code}}' -X POST "$url/$index/_bulk" -H 'Content-Type: application/x-ndjson' --data-binary "@$here/$f")"
    case "$out" in
    *'"errors":true'*|*'"errors": true'*)
        echo "load.sh: $f: the cluster refused some documents:" >&2
        printf '%s\n' "$out" | head -c 4000 >&2
        exit 1 ;;
    *'
200') echo "loaded $f" ;;
    *) echo "load.sh: $f failed:" >&2; printf '%s\n' "$out" | head -c 4000 >&2; exit 1 ;;
    esac
done
call -o /dev/null -X POST "$url/$index/_refresh"
echo "done: $url/$index"
"#,
        version = env!("CARGO_PKG_VERSION"),
        passages = summary.passages,
        written = summary.written,
        deleted = summary.deleted,
        index = options.index_name,
        files = if files.is_empty() {
            "  ".to_string()
        } else {
            files.join(" \\\n")
        },
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stop_tags_are_the_nori_tags_kosearch_does_not_index() {
        let keep: Vec<String> = crate::analysis::DEFAULT_KEEP_POS
            .iter()
            .map(|s| s.to_string())
            .collect();
        let stop = nori_stop_tags(&keep);
        for kept in ["NNG", "NNP", "VV", "VA", "SL", "SN", "SH", "XR", "UNKNOWN"] {
            assert!(!stop.contains(&kept), "{kept}");
        }
        for dropped in ["E", "J", "MAG", "SF", "SY", "VCP", "XSN", "XSV"] {
            assert!(stop.contains(&dropped), "{dropped}");
        }
        let with_endings = nori_stop_tags(&["EF".to_string()]);
        assert!(!with_endings.contains(&"E"));
    }

    #[test]
    fn user_rules_keep_segmentations_that_spell_the_word() {
        let rules = nori_user_rules(
            "# comment\n소형언어모델,NNG,소형/NNG+언어/NNG+모델/NNG\nGPU,SL\n이상한,NNG,다른/NNG+말/NNG\n\n",
        );
        assert_eq!(rules, ["소형언어모델 소형 언어 모델", "GPU", "이상한"]);
    }
}
