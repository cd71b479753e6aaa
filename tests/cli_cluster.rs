//! `kosearch export --to opensearch|quickwit` and `kosearch search --to`, as a user runs
//! them over the sample articles: every written file read back strictly, updates with
//! `--since-export`, `load.sh` against a stand-in cluster, and the query DSL matching the
//! passages that kosearch matches.

mod common;

use common::{assert_success, kosearch};

use std::collections::{BTreeMap, BTreeSet};
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

use serde_json::Value;

fn build_index(articles: &Path, index: &Path) {
    let out = kosearch()
        .args(["index", "--quiet", "--index"])
        .arg(index)
        .arg(articles)
        .output()
        .unwrap();
    assert_success(&out);
}

fn sample_index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = INDEX.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("idx");
        build_index(Path::new("data/articles"), &path);
        (tmp, path)
    });
    path
}

fn run(args: &[&str], index: &Path) -> Output {
    let (sub, rest) = args.split_first().unwrap();
    kosearch()
        .arg(sub)
        .arg("--index")
        .arg(index)
        .args(rest)
        .output()
        .unwrap()
}

/// `kosearch export --to TARGET DIR ARGS…` over `index`.
fn export_to(target: &str, dir: &Path, args: &[&str], index: &Path) -> Output {
    let mut all = vec!["export", "--to", target, dir.to_str().unwrap()];
    all.extend_from_slice(args);
    run(&all, index)
}

/// The passages an index holds, from `kosearch check`.
fn passage_count(index: &Path) -> usize {
    let out = run(&["check"], index);
    assert_success(&out);
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    let (_, after) = text.split_once("ok: ").expect(&text);
    after.split(' ').next().unwrap().parse().unwrap()
}

fn read_json(path: &Path) -> Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

/// The data files of an export, in order, as the manifest lists them.
fn data_files(dir: &Path) -> Vec<PathBuf> {
    let manifest = read_json(&dir.join("kosearch-export.json"));
    let files: Vec<PathBuf> = manifest["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| dir.join(f.as_str().unwrap()))
        .collect();
    let mut on_disk: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "ndjson"))
        .collect();
    on_disk.sort();
    assert_eq!(files, on_disk, "the manifest lists every data file");
    files
}

/// Reads `_bulk` files strictly: an action line, then (for `index`) a document line; a final
/// newline; each file at most `max` bytes. Returns the actions in order, each
/// `(kind, _id, document)`.
fn read_bulk(dir: &Path, max: u64) -> Vec<(String, String, Option<Value>)> {
    let mut out = Vec::new();
    for file in data_files(dir) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            bytes.len() as u64 <= max,
            "{}: {} bytes",
            file.display(),
            bytes.len()
        );
        assert_eq!(
            bytes.last(),
            Some(&b'\n'),
            "{} ends with a newline",
            file.display()
        );
        let text = String::from_utf8(bytes).unwrap();
        let mut lines = text.lines();
        while let Some(action) = lines.next() {
            let action: Value = serde_json::from_str(action).unwrap();
            let object = action.as_object().unwrap();
            assert_eq!(object.len(), 1, "{action}");
            let (kind, params) = object.iter().next().unwrap();
            assert_eq!(params.as_object().unwrap().len(), 1, "{action}: only _id");
            let id = params["_id"].as_str().unwrap().to_string();
            let doc = match kind.as_str() {
                "index" => {
                    let doc: Value = serde_json::from_str(lines.next().unwrap()).unwrap();
                    assert_eq!(doc["passage_id"], id.as_str());
                    Some(doc)
                }
                "delete" => None,
                other => panic!("action {other}"),
            };
            out.push((kind.clone(), id, doc));
        }
    }
    out
}

/// `passages.tsv` as a map of id to hash.
fn passages_tsv(dir: &Path) -> BTreeMap<String, String> {
    std::fs::read_to_string(dir.join("passages.tsv"))
        .unwrap()
        .lines()
        .map(|l| {
            let (id, hash) = l.rsplit_once('\t').unwrap();
            (id.to_string(), hash.to_string())
        })
        .collect()
}

#[test]
fn an_opensearch_export_reads_back_strictly() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("os");
    let max = 60_000;
    let max_bytes = max.to_string();
    let out = export_to(
        "opensearch",
        &dir,
        &[
            "--all",
            "--shards",
            "3",
            "--replicas",
            "0",
            "--max-file-bytes",
            &max_bytes,
        ],
        sample_index(),
    );
    assert_success(&out);
    let actions = read_bulk(&dir, max);
    assert!(data_files(&dir).len() > 3, "small files roll over");
    let passages = passage_count(sample_index());
    assert_eq!(actions.len(), passages, "one document per passage");
    let ids: BTreeSet<&str> = actions.iter().map(|(_, id, _)| id.as_str()).collect();
    assert_eq!(ids.len(), passages, "ids are unique");
    assert_eq!(
        passages_tsv(&dir)
            .keys()
            .map(String::as_str)
            .collect::<BTreeSet<_>>(),
        ids
    );
    let manifest = read_json(&dir.join("kosearch-export.json"));
    assert_eq!(manifest["passages"], passages);
    assert_eq!(manifest["written"], passages);
    assert_eq!(manifest["deleted"], 0);

    // index.json: the mapping names every field of every document, and nothing more.
    let index = read_json(&dir.join("index.json"));
    let settings = &index["settings"]["index"];
    assert_eq!(settings["number_of_shards"], 3);
    assert_eq!(settings["number_of_replicas"], 0);
    let bm25 = &settings["similarity"]["kosearch_bm25"];
    assert_eq!(bm25["type"], "BM25");
    assert!((bm25["k1"].as_f64().unwrap() - 0.4).abs() < 1e-6);
    let analysis = &settings["analysis"];
    assert_eq!(
        analysis["tokenizer"]["kosearch_nori"]["type"],
        "nori_tokenizer"
    );
    assert_eq!(
        analysis["tokenizer"]["kosearch_nori"]["decompound_mode"],
        "mixed"
    );
    let rules = analysis["tokenizer"]["kosearch_nori"]["user_dictionary_rules"]
        .as_array()
        .unwrap();
    assert!(
        rules.iter().any(|r| r == "소형언어모델 소형 언어 모델"),
        "{rules:?}"
    );
    let synonyms = analysis["filter"]["kosearch_synonyms"]["synonyms"]
        .as_array()
        .unwrap();
    assert!(
        synonyms
            .iter()
            .any(|s| s.as_str().unwrap().starts_with("GPU, ")),
        "{synonyms:?}"
    );
    let mappings = &index["mappings"];
    assert_eq!(mappings["dynamic"], "strict");
    let properties = mappings["properties"].as_object().unwrap();
    for (name, m) in properties {
        for key in ["analyzer", "search_analyzer"] {
            if let Some(a) = m.get(key) {
                assert!(
                    analysis["analyzer"].get(a.as_str().unwrap()).is_some(),
                    "{name}: {a}"
                );
            }
        }
        if let Some(s) = m.get("similarity") {
            assert!(settings["similarity"].get(s.as_str().unwrap()).is_some());
        }
    }
    let fields: BTreeSet<&str> = properties.keys().map(String::as_str).collect();
    for (_, id, doc) in &actions {
        let doc = doc.as_ref().unwrap();
        let keys: BTreeSet<&str> = doc
            .as_object()
            .unwrap()
            .keys()
            .map(String::as_str)
            .collect();
        assert_eq!(keys, fields, "{id}");
        assert!(doc["text"].as_str().is_some_and(|t| !t.is_empty()));
        if let Some(date) = doc["date"].as_str() {
            assert_eq!(date.len(), 10, "{id}: {date}");
        }
        // The pre-analysed text: its finest terms, then the wholes.
        let ko_text = doc["ko_text"].as_array().unwrap();
        assert!((1..=2).contains(&ko_text.len()), "{id}");
    }
    // The first document holds the words of its text, as kosearch analyses them.
    let gpu = actions
        .iter()
        .filter_map(|(_, _, d)| d.as_ref())
        .find(|d| d["text"].as_str().unwrap().contains("소형언어모델"))
        .expect("a passage with 소형언어모델");
    let text = gpu["ko_text"].as_array().unwrap();
    assert!(
        text[0].as_str().unwrap().contains("소형 언어 모델"),
        "{text:?}"
    );
    assert!(
        text[1]
            .as_str()
            .unwrap()
            .split(' ')
            .any(|t| t == "소형언어모델"),
        "{text:?}"
    );
    assert!(
        gpu["ko_pairs"]
            .as_str()
            .unwrap()
            .split(' ')
            .any(|p| p == "소형_언어"),
        "{}",
        gpu["ko_pairs"]
    );

    // load.sh names every bulk file and can run.
    let script = std::fs::read_to_string(dir.join("load.sh")).unwrap();
    for f in data_files(&dir) {
        assert!(script.contains(f.file_name().unwrap().to_str().unwrap()));
    }
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(dir.join("load.sh"))
        .unwrap()
        .permissions()
        .mode();
    assert_eq!(mode & 0o111, 0o111);
}

#[test]
fn a_quickwit_export_has_a_config_that_names_every_field() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("qw");
    let out = export_to("quickwit", &dir, &["GPU", "가격"], sample_index());
    assert_success(&out);
    let yaml = std::fs::read_to_string(dir.join("quickwit-index.yaml")).unwrap();
    let docs = yaml_rust2::YamlLoader::load_from_str(&yaml).unwrap();
    let config = &docs[0];
    assert_eq!(config["version"].as_f64(), Some(0.9));
    assert_eq!(config["index_id"].as_str(), Some("kosearch"));
    let mapping = &config["doc_mapping"];
    assert_eq!(mapping["mode"].as_str(), Some("strict"));
    assert_eq!(mapping["timestamp_field"].as_str(), Some("date"));
    let mut fields = BTreeMap::new();
    for f in mapping["field_mappings"].as_vec().unwrap() {
        fields.insert(f["name"].as_str().unwrap().to_string(), f.clone());
    }
    assert_eq!(fields["date"]["type"].as_str(), Some("datetime"));
    for ko in ["ko_text", "ko_title", "ko_pairs", "ko_bigrams"] {
        assert_eq!(fields[ko]["tokenizer"].as_str(), Some("whitespace"), "{ko}");
        assert_eq!(fields[ko]["fieldnorms"].as_bool(), Some(true), "{ko}");
    }
    assert_eq!(fields["ko_text"]["record"].as_str(), Some("position"));
    assert_eq!(fields["ko_text"]["type"].as_str(), Some("array<text>"));
    let names: BTreeSet<&str> = fields.keys().map(String::as_str).collect();

    let hits = String::from_utf8(
        run(
            &["search", "--json", "-n", "1000", "GPU", "가격"],
            sample_index(),
        )
        .stdout,
    )
    .unwrap()
    .lines()
    .count();
    let mut n = 0;
    for file in data_files(&dir) {
        for line in BufReader::new(std::fs::File::open(file).unwrap()).lines() {
            let doc: Value = serde_json::from_str(&line.unwrap()).unwrap();
            let object = doc.as_object().unwrap();
            let keys: BTreeSet<&str> = object.keys().map(String::as_str).collect();
            assert_eq!(keys, names);
            n += 1;
        }
    }
    assert_eq!(n, hits, "the query's hits, each once");
    assert!(!dir.join("load.sh").exists());
}

#[test]
fn an_export_is_updated_with_changes_and_deletions_and_never_clobbered() {
    let tmp = tempfile::tempdir().unwrap();
    let articles = tmp.path().join("articles");
    common::copy_tree(Path::new("data/articles/gpu"), &articles);
    let index = tmp.path().join("idx");
    build_index(&articles, &index);
    let dir = tmp.path().join("os");
    let export = |extra: &[&str]| {
        let mut args = vec!["--all"];
        args.extend_from_slice(extra);
        export_to("opensearch", &dir, &args, &index)
    };
    assert_success(&export(&[]));
    let before = passages_tsv(&dir);

    // Nothing changed: an update sends nothing.
    assert_success(&export(&["--since-export"]));
    let manifest = read_json(&dir.join("kosearch-export.json"));
    assert_eq!(manifest["passages"], before.len());
    assert_eq!(manifest["written"], 0);
    assert_eq!(manifest["deleted"], 0);
    assert!(data_files(&dir).is_empty());
    assert_eq!(passages_tsv(&dir), before);

    // Exporting again over it asks for --since-export or --force; nothing is touched.
    let out = export(&[]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--since-export") && err.contains("--force"),
        "{err}"
    );
    assert_eq!(passages_tsv(&dir), before);
    // A folder holding something else is never written into.
    let other = tmp.path().join("other");
    std::fs::create_dir(&other).unwrap();
    std::fs::write(other.join("notes.txt"), "mine").unwrap();
    let out = export_to("opensearch", &other, &["--all"], &index);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("holds no kosearch export"));
    assert_eq!(std::fs::read_dir(&other).unwrap().count(), 1);

    // One article changes its last paragraph, one goes.
    let mut files: Vec<PathBuf> = walkdir::WalkDir::new(&articles)
        .into_iter()
        .map(|e| e.unwrap().into_path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    files.sort();
    let (changed, removed) = (&files[0], &files[1]);
    let text = std::fs::read_to_string(changed).unwrap();
    assert!(text.contains("가격"));
    std::fs::write(changed, text.replacen("가격", "요금", 1)).unwrap();
    std::fs::remove_file(removed).unwrap();
    build_index(&articles, &index);

    let out = export(&["--since-export"]);
    assert_success(&out);
    let after = passages_tsv(&dir);
    let actions = read_bulk(&dir, 10_000_000);
    let deleted: BTreeSet<&str> = actions
        .iter()
        .filter(|(k, _, _)| k == "delete")
        .map(|(_, id, _)| id.as_str())
        .collect();
    let gone: BTreeSet<&str> = before
        .keys()
        .filter(|id| !after.contains_key(*id))
        .map(String::as_str)
        .collect();
    assert!(!gone.is_empty());
    assert_eq!(
        deleted, gone,
        "a delete for each passage gone, nothing else"
    );
    let written: BTreeSet<&str> = actions
        .iter()
        .filter(|(k, _, _)| k == "index")
        .map(|(_, id, _)| id.as_str())
        .collect();
    let new_or_changed: BTreeSet<&str> = after
        .iter()
        .filter(|(id, hash)| before.get(*id) != Some(hash))
        .map(|(id, _)| id.as_str())
        .collect();
    assert!(!new_or_changed.is_empty());
    assert_eq!(written, new_or_changed, "only what changed is sent again");
    let changed_key = changed.to_str().unwrap();
    assert!(
        written.iter().all(|id| id.starts_with(changed_key)),
        "{written:?}"
    );
    let manifest = read_json(&dir.join("kosearch-export.json"));
    assert_eq!(manifest["passages"], after.len());
    assert_eq!(manifest["deleted"], gone.len());

    // --force replaces it whole.
    assert_success(&export(&["--force"]));
    assert_eq!(read_bulk(&dir, 10_000_000).len(), after.len());
}

/// What a stand-in cluster received: `(method, path, body)` per request.
type Requests = std::sync::Arc<std::sync::Mutex<Vec<(String, String, Vec<u8>)>>>;

/// A stand-in for a cluster on a free port: the index is missing (404 to HEAD), created by
/// PUT, and `_bulk` answers `bulk_answer`. Returns its URL and what it received.
fn stand_in_cluster(bulk_answer: &'static str) -> (String, Requests) {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let requests: Requests = Default::default();
    let seen = requests.clone();
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            let mut line = String::new();
            if reader.read_line(&mut line).unwrap_or(0) == 0 {
                continue;
            }
            let mut parts = line.split_whitespace();
            let method = parts.next().unwrap_or("").to_string();
            let path = parts.next().unwrap_or("").to_string();
            let mut length = 0;
            loop {
                let mut header = String::new();
                reader.read_line(&mut header).unwrap();
                let header = header.trim_end();
                if header.is_empty() {
                    break;
                }
                let lower = header.to_ascii_lowercase();
                if let Some(v) = lower.strip_prefix("content-length:") {
                    length = v.trim().parse().unwrap();
                }
                if lower.starts_with("expect:") {
                    stream.write_all(b"HTTP/1.1 100 Continue\r\n\r\n").unwrap();
                }
            }
            let mut body = vec![0; length];
            reader.read_exact(&mut body).unwrap();
            let (status, answer) = match (method.as_str(), path.as_str()) {
                ("HEAD", _) => ("404 Not Found", ""),
                ("PUT", _) => ("200 OK", r#"{"acknowledged":true}"#),
                (_, p) if p.ends_with("/_bulk") => ("200 OK", bulk_answer),
                _ => ("200 OK", "{}"),
            };
            seen.lock().unwrap().push((method, path, body));
            let response = format!(
                "HTTP/1.1 {status}\r\nContent-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{}",
                answer.len(),
                if line.starts_with("HEAD") { "" } else { answer }
            );
            let _ = stream.write_all(response.as_bytes());
        }
    });
    (url, requests)
}

#[test]
fn load_sh_creates_the_index_sends_every_file_and_stops_at_an_error() {
    if std::process::Command::new("curl")
        .arg("--version")
        .output()
        .is_err()
    {
        common::cannot_run("curl");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("os");
    assert_success(&export_to(
        "opensearch",
        &dir,
        &[
            "--all",
            "--index-name",
            "news-2026",
            "--max-file-bytes",
            "200000",
        ],
        sample_index(),
    ));
    let files = data_files(&dir);
    assert!(files.len() >= 2);

    let (url, requests) = stand_in_cluster(r#"{"took":3,"errors":false,"items":[]}"#);
    let out = std::process::Command::new(dir.join("load.sh"))
        .arg(&url)
        .output()
        .unwrap();
    assert_success(&out);
    let requests = requests.lock().unwrap().clone();
    let summary: Vec<(&str, &str)> = requests
        .iter()
        .map(|(m, p, _)| (m.as_str(), p.as_str()))
        .collect();
    let mut expected = vec![("HEAD", "/news-2026"), ("PUT", "/news-2026")];
    expected.extend(files.iter().map(|_| ("POST", "/news-2026/_bulk")));
    expected.push(("POST", "/news-2026/_refresh"));
    assert_eq!(summary, expected);
    assert_eq!(
        requests[1].2,
        std::fs::read(dir.join("index.json")).unwrap()
    );
    for (file, (_, _, body)) in files.iter().zip(&requests[2..]) {
        assert_eq!(body, &std::fs::read(file).unwrap(), "{}", file.display());
    }

    // A bulk request whose items fail: load.sh says so and stops.
    let (url, requests) = stand_in_cluster(
        r#"{"took":3,"errors":true,"items":[{"index":{"status":400,"error":{"type":"mapper_parsing_exception"}}}]}"#,
    );
    let out = std::process::Command::new(dir.join("load.sh"))
        .arg(&url)
        .output()
        .unwrap();
    assert!(!out.status.success());
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bulk-0001.ndjson") && err.contains("mapper_parsing_exception"),
        "{err}"
    );
    let bulks = requests
        .lock()
        .unwrap()
        .iter()
        .filter(|(_, p, _)| p.ends_with("_bulk"))
        .count();
    assert_eq!(bulks, 1, "stops at the first file the cluster refused");
}

/// The exported documents by passage id.
fn exported_documents(dir: &Path) -> BTreeMap<String, Value> {
    read_bulk(dir, 10_000_000)
        .into_iter()
        .map(|(_, id, doc)| (id, doc.unwrap()))
        .collect()
}

/// Whether a document matches a query of the DSL `kosearch search --to opensearch` writes,
/// as OpenSearch decides it (scores aside): `term`, `match_phrase` (consecutive tokens of
/// one value), `bool`, `dis_max`, `range` on the date.
fn matches(q: &Value, doc: &Value) -> bool {
    let (kind, body) = q.as_object().unwrap().iter().next().unwrap();
    let values = |field: &str| -> Vec<Vec<String>> {
        match &doc[field] {
            Value::Array(a) => a.iter().map(|v| tokens(v.as_str().unwrap())).collect(),
            Value::String(s) => vec![tokens(s)],
            _ => Vec::new(),
        }
    };
    match kind.as_str() {
        "term" => {
            let (field, p) = body.as_object().unwrap().iter().next().unwrap();
            let t = p["value"].as_str().unwrap();
            values(field).iter().any(|v| v.iter().any(|x| x == t))
        }
        "match_phrase" => {
            let (field, p) = body.as_object().unwrap().iter().next().unwrap();
            assert!(p.get("slop").is_none(), "{q}");
            let words = tokens(p["query"].as_str().unwrap());
            values(field)
                .iter()
                .any(|v| v.windows(words.len()).any(|w| w == words.as_slice()))
        }
        "dis_max" => body["queries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|c| matches(c, doc)),
        "bool" => {
            let list = |k: &str| {
                body.get(k)
                    .and_then(Value::as_array)
                    .cloned()
                    .unwrap_or_default()
            };
            let (must, should, not, filter) = (
                list("must"),
                list("should"),
                list("must_not"),
                list("filter"),
            );
            must.iter().all(|c| matches(c, doc))
                && filter.iter().all(|c| matches(c, doc))
                && !not.iter().any(|c| matches(c, doc))
                && (!must.is_empty()
                    || !filter.is_empty()
                    || should.iter().any(|c| matches(c, doc)))
        }
        "range" => {
            let r = &body["date"];
            let Some(date) = doc["date"].as_str() else {
                return false;
            };
            r.get("gte").is_none_or(|d| date >= d.as_str().unwrap())
                && r.get("lte").is_none_or(|d| date <= d.as_str().unwrap())
        }
        other => panic!("query kind {other}"),
    }
}

fn tokens(s: &str) -> Vec<String> {
    s.split_whitespace().map(str::to_lowercase).collect()
}

#[test]
fn the_query_dsl_matches_the_passages_kosearch_matches() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("os");
    assert_success(&export_to("opensearch", &dir, &["--all"], sample_index()));
    let docs = exported_documents(&dir);
    let queries: &[&[&str]] = &[
        &["GPU 가격"],
        &["소형언어모델 -LoRA"],
        &["\"데이터센터 GPU\""],
        &["+GPU 수요"],
        &["GPU (가격 OR 수요) -엔비디아"],
        &["title:모델"],
        &["source:다온경제 SLM"],
        &["path:gpu 가격"],
        &["파인튜닝"],
        &["GPU 가격", "--since", "2026-03", "--until", "2026-03"],
        &["AI 모델", "--source", "다온경제"],
    ];
    for q in queries {
        // Every hit, with its article key.
        let mut args = vec!["export", "-o", "-"];
        args.extend_from_slice(q);
        let out = run(&args, sample_index());
        assert!(out.status.code().is_some_and(|c| c < 2), "{q:?}");
        let expected: BTreeSet<String> = String::from_utf8(out.stdout)
            .unwrap()
            .lines()
            .map(|l| {
                let h: Value = serde_json::from_str(l).unwrap();
                format!("{}#{}", h["article"].as_str().unwrap(), h["passage"])
            })
            .collect();
        assert!(!expected.is_empty(), "{q:?} finds something");

        let mut args = vec!["search", "--to", "opensearch", "-n", "1000"];
        args.extend_from_slice(q);
        let out = run(&args, sample_index());
        assert_success(&out);
        let body: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(body["size"], 1000);
        let found: BTreeSet<String> = docs
            .iter()
            .filter(|(_, d)| matches(&body["query"], d))
            .map(|(id, _)| id.clone())
            .collect();
        assert_eq!(found, expected, "{q:?}: {}", body["query"]);

        let mut args = vec!["search", "--to", "quickwit"];
        args.extend_from_slice(q);
        let out = run(&args, sample_index());
        assert_success(&out);
        let line = String::from_utf8(out.stdout).unwrap();
        assert!(line.contains("ko_"), "{q:?}: {line}");
    }
}

#[test]
fn bad_cluster_arguments_are_refused_by_name() {
    let tmp = tempfile::tempdir().unwrap();
    let dir = tmp.path().join("x");
    let cases: &[(&[&str], &str)] = &[
        (
            &["export", "--to", "solr", dir.to_str().unwrap(), "--all"],
            "--to solr",
        ),
        (
            &[
                "export",
                "--to",
                "opensearch",
                dir.to_str().unwrap(),
                "--all",
                "--index-name",
                "Big Name",
            ],
            "--index-name",
        ),
        (
            &[
                "export",
                "--to",
                "opensearch",
                dir.to_str().unwrap(),
                "--all",
                "--since",
                "2026",
            ],
            "--all",
        ),
        (
            &["search", "--to", "opensearch", "--per-article", "2", "GPU"],
            "--per-article",
        ),
    ];
    for (args, named) in cases {
        let out = run(args, sample_index());
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(err.contains(named), "{args:?}: {err}");
        assert!(!dir.exists());
    }
}
