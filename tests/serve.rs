//! `kosearch serve`, tested as its users meet it: the real binary on a free port, its JSON API
//! over plain HTTP (every endpoint and every kind of error, answers compared with `kosearch
//! search`, `export` and `aliases`), an index updated while it serves, and the page driven in
//! headless Chromium through WebDriver (`chromium` and `chromium-driver`, which `.ci/run`
//! installs).

mod common;

use std::io::{BufRead, BufReader, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use common::{assert_success, kosearch};
use serde_json::Value;

/// An article whose title and text try to run script in the page.
const HOSTILE: &str = "---\n\
title: \"<script>alert(1)</script> 보안 점검 \\\"><img src=x onerror=alert(1)>\"\n\
source: 보안일보\n\
author: 한보안 기자\n\
date: 2026-02-02\n\
---\n\
서버 보안 점검 결과 <script>alert(2)</script> 취약점이 발견됐다. \
\"><img src=x onerror=alert(3)> 같은 입력도 글자로만 보여야 한다.\n";

/// An index of the sample articles and documents, plus the hostile article.
fn build_index(dir: &Path) -> PathBuf {
    let hostile = dir.join("hostile");
    std::fs::create_dir_all(&hostile).unwrap();
    std::fs::write(hostile.join("2026-02-02_security.md"), HOSTILE).unwrap();
    let index = dir.join("index");
    let out = kosearch()
        .arg("index")
        .arg("--index")
        .arg(&index)
        .args(["data/articles", "data/documents"])
        .arg(&hostile)
        .output()
        .unwrap();
    assert_success(&out);
    index
}

/// A running `kosearch serve`, stopped when dropped.
struct Served {
    child: Child,
    addr: SocketAddr,
    log: Arc<Mutex<String>>,
}

impl Served {
    fn start(index: &Path, args: &[&str]) -> Served {
        let mut child = kosearch()
            .arg("serve")
            .arg("--index")
            .arg(index)
            .args(["--addr", "127.0.0.1:0"])
            .args(args)
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut lines = BufReader::new(child.stderr.take().unwrap()).lines();
        let mut seen = String::new();
        let addr = loop {
            let Some(Ok(line)) = lines.next() else {
                let _ = child.kill();
                panic!("kosearch serve stopped before serving:\n{seen}");
            };
            seen.push_str(&line);
            seen.push('\n');
            if let Some(rest) = line.split(" at http://").nth(1) {
                break rest.split('/').next().unwrap().parse().unwrap();
            }
        };
        let log = Arc::new(Mutex::new(seen));
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in lines.map_while(Result::ok) {
                let mut log = sink.lock().unwrap();
                log.push_str(&line);
                log.push('\n');
            }
        });
        Served { child, addr, log }
    }

    fn url(&self, path: &str) -> String {
        format!("http://{}{path}", self.addr)
    }

    fn get(&self, path: &str) -> Reply {
        get(self.addr, path, &[])
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// An HTTP answer.
#[derive(Debug)]
struct Reply {
    status: u16,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
}

impl Reply {
    fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    fn json(&self) -> Value {
        assert_eq!(
            self.header("content-type"),
            Some("application/json"),
            "{self:?}"
        );
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&self.body)))
    }

    /// A JSON error with this status; its message.
    #[track_caller]
    fn error(&self, status: u16) -> String {
        assert_eq!(
            self.status,
            status,
            "{}",
            String::from_utf8_lossy(&self.body)
        );
        let v = self.json();
        assert!(v.get("at").is_some(), "{v}");
        v["error"].as_str().expect("an error message").to_string()
    }
}

/// `GET path` in HTTP/1.0 (the server answers without chunks and closes), with `headers`.
fn get(addr: SocketAddr, path: &str, headers: &[(&str, &str)]) -> Reply {
    request(addr, "GET", path, headers)
}

fn request(addr: SocketAddr, method: &str, path: &str, headers: &[(&str, &str)]) -> Reply {
    let mut stream = TcpStream::connect(addr).unwrap();
    stream
        .set_read_timeout(Some(Duration::from_secs(60)))
        .unwrap();
    let mut head = format!("{method} {path} HTTP/1.0\r\n");
    if !headers.iter().any(|(k, _)| k.eq_ignore_ascii_case("host")) {
        head.push_str(&format!("Host: {addr}\r\n"));
    }
    for (k, v) in headers {
        head.push_str(&format!("{k}: {v}\r\n"));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    let mut raw = Vec::new();
    stream.read_to_end(&mut raw).unwrap();
    let split = raw
        .windows(4)
        .position(|w| w == b"\r\n\r\n")
        .expect("a header");
    let head = String::from_utf8(raw[..split].to_vec()).unwrap();
    let mut lines = head.lines();
    let status = lines
        .next()
        .unwrap()
        .split(' ')
        .nth(1)
        .unwrap()
        .parse()
        .unwrap();
    let headers = lines
        .filter_map(|l| l.split_once(": "))
        .map(|(k, v)| (k.to_ascii_lowercase(), v.to_string()))
        .collect();
    Reply {
        status,
        headers,
        body: raw[split + 4..].to_vec(),
    }
}

/// `s` percent-encoded for a query string.
fn enc(s: &str) -> String {
    s.bytes()
        .map(|b| match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
            _ => format!("%{b:02X}"),
        })
        .collect()
}

/// What `kosearch export` writes for these arguments.
fn cli_export(index: &Path, dir: &Path, args: &[&str]) -> Vec<u8> {
    let out = dir.join(format!("export-{}", args.join("_").len()));
    let _ = std::fs::remove_file(&out);
    let run = kosearch()
        .arg("export")
        .arg("--index")
        .arg(index)
        .arg("-o")
        .arg(&out)
        .args(args)
        .output()
        .unwrap();
    assert_success(&run);
    std::fs::read(&out).unwrap()
}

#[test]
fn the_api_answers_as_the_command_line_does() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let served = Served::start(&index, &[]);

    // The page and its assets, with the security headers.
    let page = served.get("/");
    assert_eq!(page.status, 200);
    assert!(String::from_utf8_lossy(&page.body).contains("lang=\"ko\""));
    let csp = page.header("content-security-policy").unwrap();
    assert!(
        csp.contains("script-src 'self'") && !csp.contains("unsafe-inline"),
        "{csp}"
    );
    assert_eq!(page.header("x-content-type-options"), Some("nosniff"));
    assert_eq!(page.header("access-control-allow-origin"), None);
    for asset in ["/assets/app.js", "/assets/style.css"] {
        assert_eq!(served.get(asset).status, 200, "{asset}");
    }

    // Search: the hits of `kosearch search --json`, field for field.
    let q = "GPU 가격";
    let web = served
        .get(&format!("/api/search?q={}&n=7&offset=2", enc(q)))
        .json();
    let cli = kosearch()
        .arg("search")
        .arg("--index")
        .arg(&index)
        .args(["--json", "-n", "7", "--offset", "2", q])
        .output()
        .unwrap();
    assert_success(&cli);
    let cli: Vec<Value> = String::from_utf8(cli.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(web["query"], q);
    assert_eq!(web["hits"].as_array().unwrap(), &cli);
    assert_eq!(cli.len(), 7);
    let total = web["total"].as_u64().unwrap();
    assert!(total > 9 && web["took_ms"].as_f64().is_some(), "{web}");
    let articles = served
        .get(&format!("/api/search?q={}&n=1000&articles=1", enc(q)))
        .json();
    let ids: Vec<(&str, &str)> = articles["hits"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| (h["path"].as_str().unwrap(), h["id"].as_str().unwrap()))
        .collect();
    let unique: std::collections::BTreeSet<_> = ids.iter().copied().collect();
    assert_eq!(
        ids.len(),
        unique.len(),
        "articles=1 gives each article once"
    );

    // Export: the bytes of `kosearch export`, with a file name to save them under.
    for (params, args) in [
        ("format=csv&excel=1", vec!["--format", "csv", "--excel"]),
        (
            "format=jsonl&since=2026-03",
            vec!["--format", "jsonl", "--since", "2026-03"],
        ),
        (
            "format=json&per_article=1",
            vec!["--format", "json", "--per-article", "1"],
        ),
    ] {
        let web = served.get(&format!("/api/export?q={}&{params}", enc(q)));
        assert_eq!(web.status, 200, "{params}");
        let disposition = web.header("content-disposition").unwrap();
        assert!(
            disposition.starts_with("attachment; filename=\"kosearch-GPU"),
            "{disposition}"
        );
        let mut cli_args = args.clone();
        cli_args.push(q);
        assert_eq!(
            web.body,
            cli_export(&index, dir.path(), &cli_args),
            "{params}"
        );
    }

    // Context: the passage asked for, between its neighbours, the query's words marked.
    let hit = &web["hits"][0];
    let (id, path, n) = (
        hit["id"].as_str().unwrap(),
        hit["path"].as_str().unwrap(),
        hit["passage"].as_u64().unwrap(),
    );
    let context = served
        .get(&format!(
            "/api/passage?id={id}&path={}&passage={n}&context=1&q={}",
            enc(path),
            enc(q)
        ))
        .json();
    let items = context["items"].as_array().unwrap();
    let numbers: Vec<u64> = items
        .iter()
        .map(|i| i["passage"].as_u64().unwrap())
        .collect();
    let last = hit["passages"].as_u64().unwrap() - 1;
    let expected: Vec<u64> = (n.saturating_sub(1)..=(n + 1).min(last)).collect();
    assert_eq!(numbers, expected);
    let own = items.iter().find(|i| i["passage"] == n).unwrap();
    assert_eq!(own["text"], hit["text"]);
    assert_eq!(own["highlights"], hit["highlights"]);
    assert_eq!(context["title"], hit["title"]);

    // Trend and facets count every matching passage once.
    let trend = served.get(&format!("/api/trend?q={}", enc(q))).json();
    let in_buckets: u64 = trend["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["hits"].as_u64().unwrap())
        .sum();
    assert_eq!(
        in_buckets + trend["undated"]["hits"].as_u64().unwrap(),
        total
    );
    let years = served
        .get(&format!("/api/trend?q={}&by=year", enc(q)))
        .json();
    assert!(
        years["buckets"][0]["period"].as_str().unwrap().len() == 4,
        "{years}"
    );
    let facets = served.get(&format!("/api/facets?q={}", enc(q))).json();
    assert_eq!(facets["total"].as_u64().unwrap(), total);
    let sources = facets["source"].as_array().unwrap();
    assert!(!sources.is_empty());
    let top = sources[0]["value"].as_str().unwrap();
    let narrowed = served
        .get(&format!(
            "/api/search?q={}&n=1000&source={}",
            enc(q),
            enc(top)
        ))
        .json();
    assert_eq!(
        narrowed["total"], sources[0]["hits"],
        "facet counts match its filter"
    );
    for hit in narrowed["hits"].as_array().unwrap() {
        assert_eq!(hit["source"], top);
    }
    let first = narrowed["hits"][0]["path"].as_str().unwrap();
    let folder = &first[..first.rfind('/').unwrap()];
    let web = served.get(&format!(
        "/api/export?q={}&format=jsonl&folder={}&source={}",
        enc(q),
        enc(folder),
        enc(top)
    ));
    let cli = cli_export(
        &index,
        dir.path(),
        &["--format", "jsonl", "--folder", folder, "--source", top, q],
    );
    assert_eq!(
        web.body, cli,
        "filters as `--folder` and `--source` apply them"
    );

    // Stats and aliases.
    let stats = served.get("/api/stats").json();
    let samples = ["data/articles", "data/documents"]
        .iter()
        .flat_map(walkdir::WalkDir::new)
        .filter(|e| e.as_ref().unwrap().file_type().is_file())
        .count();
    // The samples and the hostile article.
    assert_eq!(
        stats["files"].as_u64().unwrap(),
        samples as u64 + 1,
        "{stats}"
    );
    assert!(
        stats["articles"].as_u64().unwrap() >= 35 && stats["index_bytes"].as_u64().unwrap() > 0
    );
    let aliases = served.get("/api/aliases").json();
    let cli = kosearch()
        .arg("aliases")
        .arg("--index")
        .arg(&index)
        .arg("--json")
        .output()
        .unwrap();
    let cli: Vec<Value> = String::from_utf8(cli.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(aliases.as_array().unwrap(), &cli);
    assert!(!cli.is_empty());

    // Every error is JSON, with a 4xx status and what to fix.
    let bad = served.get(&format!("/api/search?q={}", enc("GPU \"가격")));
    assert!(bad.error(400).contains("quote"));
    assert_eq!(bad.json()["at"], 4);
    for (path, status, says) in [
        ("/api/search", 400, "q"),
        ("/api/search?q=GPU&n=0", 400, "n=0"),
        ("/api/search?q=GPU&n=1001", 400, "n=1001"),
        ("/api/search?q=GPU&n=ten", 400, "n=ten"),
        ("/api/search?q=GPU&offset=-1", 400, "offset"),
        ("/api/search?q=GPU&since=yesterday", 400, "since"),
        ("/api/search?q=GPU&articles=maybe", 400, "articles"),
        ("/api/search?q=GPU&q=CPU", 400, "twice"),
        ("/api/search?q=GPU&limit=3", 400, "limit"),
        ("/api/export?q=GPU&format=xlsx", 400, "format"),
        ("/api/export?q=GPU&format=jsonl&excel=1", 400, "excel"),
        ("/api/trend?q=GPU&by=week", 400, "by"),
        ("/api/passage?passage=0", 400, "id"),
        ("/api/passage?id=x", 400, "passage"),
        ("/api/passage?id=nope&passage=0", 404, "no such"),
        (
            &format!("/api/passage?id={id}&passage=9999"),
            404,
            "no such",
        ),
        ("/api/stats?verbose=1", 400, "verbose"),
        ("/etc/passwd", 404, "no such"),
        ("/api/../../etc/passwd", 404, "no such"),
    ] {
        let message = served.get(path).error(status);
        assert!(message.contains(says), "{path}: {message}");
    }
    let long = "가".repeat(1001);
    assert!(
        served
            .get(&format!("/api/search?q={}", enc(&long)))
            .error(400)
            .contains("1001")
    );
    assert!(
        request(served.addr, "POST", "/api/search?q=GPU", &[])
            .error(405)
            .contains("GET")
    );
    let rebound = get(served.addr, "/api/stats", &[("Host", "attacker.example")]);
    assert!(rebound.error(403).contains("localhost"));
    // Particles only: nothing can match, which is an empty answer, not an error.
    let empty = served.get(&format!("/api/search?q={}", enc("은는"))).json();
    assert_eq!(
        (
            empty["total"].as_u64(),
            empty["hits"].as_array().map(Vec::len)
        ),
        (Some(0), Some(0))
    );
}

#[test]
fn a_token_guards_every_request_and_open_addresses_need_one() {
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let out = kosearch()
        .arg("serve")
        .arg("--index")
        .arg(&index)
        .args(["--addr", "0.0.0.0:0"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("--token") && err.contains("--read-only-public"),
        "{err}"
    );
    let short = kosearch()
        .arg("serve")
        .arg("--index")
        .arg(&index)
        .args(["--token", "abc"])
        .output()
        .unwrap();
    assert_eq!(short.status.code(), Some(2));

    let token = "t0ken-for-tests";
    let served = Served::start(&index, &["--token", token]);
    assert!(served.get("/api/stats").error(401).contains("token"));
    assert_eq!(served.get("/").status, 401);
    let wrong = get(
        served.addr,
        "/api/stats",
        &[("Authorization", "Bearer nope-nope")],
    );
    wrong.error(401);
    let bearer = format!("Bearer {token}");
    let ok = get(served.addr, "/api/stats", &[("Authorization", &bearer)]);
    assert_eq!(ok.status, 200);
    // A browser opens /?token= once: the token moves to a cookie and out of the address.
    let visit = served.get(&format!("/?token={token}"));
    assert_eq!(visit.status, 303);
    assert_eq!(visit.header("location"), Some("/"));
    let cookie = visit.header("set-cookie").unwrap();
    assert!(
        cookie.contains("HttpOnly") && cookie.contains("SameSite=Strict"),
        "{cookie}"
    );
    let cookie = cookie.split(';').next().unwrap();
    assert_eq!(get(served.addr, "/", &[("Cookie", cookie)]).status, 200);
    assert_eq!(served.get("/?token=wrong-token").status, 401);
}

#[test]
fn an_update_is_served_within_seconds_and_never_in_part() {
    let dir = tempfile::tempdir().unwrap();
    let corpus = dir.path().join("corpus");
    common::copy_tree(&common::path("data/articles/gpu"), &corpus);
    let index = dir.path().join("index");
    let run = |index: &Path| {
        let out = kosearch()
            .arg("index")
            .arg("--index")
            .arg(index)
            .arg(&corpus)
            .output()
            .unwrap();
        assert_success(&out);
    };
    run(&index);
    let served = Served::start(&index, &[]);
    let before = served.get("/api/stats").json();
    let q = format!("/api/search?q={}&n=1000", enc("zyxquark"));
    assert_eq!(served.get(&q).json()["total"], 0);

    let body = "zyxquark 냉각 연구가 시작됐다. ".repeat(400);
    std::fs::write(
        corpus.join("2026-04-01_quantum.txt"),
        format!("zyxquark 냉각 첫 시험\n\n{body}"),
    )
    .unwrap();
    // Searches run all through the update: each sees the article whole or not at all.
    let watcher = {
        let (addr, q) = (served.addr, q.clone());
        std::thread::spawn(move || {
            let start = Instant::now();
            let mut seen = Vec::new();
            while start.elapsed() < Duration::from_secs(30) {
                let v = get(addr, &q, &[]).json();
                let hits = v["hits"].as_array().unwrap();
                if let Some(h) = hits.first() {
                    seen.push((hits.len() as u64, h["passages"].as_u64().unwrap()));
                    return (start.elapsed(), seen);
                }
                std::thread::sleep(Duration::from_millis(50));
            }
            (start.elapsed(), seen)
        })
    };
    let indexed = Instant::now();
    run(&index);
    let ran = indexed.elapsed();
    let (waited, seen) = watcher.join().unwrap();
    let &(hits, passages) = seen
        .first()
        .expect("the new article is served without a restart");
    assert_eq!(hits, passages, "all of its passages at once");
    assert!(passages > 1);
    assert!(
        waited < ran + Duration::from_secs(5),
        "served {waited:?} after the run began, which took {ran:?}"
    );
    let after = served.get("/api/stats").json();
    assert_eq!(
        after["articles"].as_u64().unwrap(),
        before["articles"].as_u64().unwrap() + 1
    );
    assert!(served.log.lock().unwrap().contains("now serving commit"));

    // Rebuilt in place with another analyser: what was read goes on being served, and the
    // server says why it does not move, once.
    let out = kosearch()
        .arg("index")
        .arg("--index")
        .arg(&index)
        .args(["--rebuild", "--no-decompound"])
        .arg(&corpus)
        .output()
        .unwrap();
    assert_success(&out);
    let start = Instant::now();
    while !served
        .log
        .lock()
        .unwrap()
        .contains("rebuilt with another analyser")
    {
        assert!(
            start.elapsed() < Duration::from_secs(10),
            "{}",
            served.log.lock().unwrap()
        );
        std::thread::sleep(Duration::from_millis(100));
    }
    std::thread::sleep(Duration::from_millis(2500));
    let still = served.get(&q).json();
    assert_eq!(
        still["total"].as_u64(),
        Some(hits),
        "the snapshot read before"
    );
    let log = served.log.lock().unwrap().clone();
    assert_eq!(
        log.lines()
            .filter(|l| l.contains("rebuilt with another analyser"))
            .count(),
        1,
        "{log}"
    );
}

/// A free TCP port on loopback.
fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// `chromedriver` on a free port, in a process group of its own: dropped, it is killed with
/// every browser it started, whatever became of the test.
struct Driver(Child, u16);

impl Drop for Driver {
    fn drop(&mut self) {
        // SAFETY: kill(2) on our own child's process group; no memory is involved.
        unsafe { libc::kill(-(self.0.id() as i32), libc::SIGKILL) };
        let _ = self.0.wait();
    }
}

impl Driver {
    fn start() -> Option<Driver> {
        let port = free_port();
        use std::os::unix::process::CommandExt;
        let child = Command::new("chromedriver")
            .arg(format!("--port={port}"))
            .process_group(0)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .ok()?;
        let driver = Driver(child, port);
        let start = Instant::now();
        while TcpStream::connect(("127.0.0.1", port)).is_err() {
            assert!(
                start.elapsed() < Duration::from_secs(20),
                "chromedriver did not start"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
        Some(driver)
    }
}

/// Where the browser test leaves its screenshots: `$KOSEARCH_SCREENSHOTS`, else beside the
/// test binaries.
fn screenshot_dir() -> PathBuf {
    let dir = std::env::var_os("KOSEARCH_SCREENSHOTS")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("screenshots"));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn the_page_works_in_a_real_browser() {
    if Command::new("chromedriver")
        .arg("--version")
        .output()
        .is_err()
        || !Path::new("/usr/bin/chromium").exists()
    {
        return common::cannot_run("chromium and chromium-driver");
    }
    let dir = tempfile::tempdir().unwrap();
    let index = build_index(dir.path());
    let served = Served::start(&index, &[]);
    let driver = Driver::start().expect("chromedriver starts");
    let downloads = dir.path().join("downloads");
    std::fs::create_dir_all(&downloads).unwrap();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let result = runtime.block_on(browse(&served, &index, driver.1, dir.path(), &downloads));
    if let Err(e) = result {
        panic!("{e}\nserver log:\n{}", served.log.lock().unwrap());
    }
}

type Failure = Box<dyn std::error::Error>;

async fn browse(
    served: &Served,
    index: &Path,
    port: u16,
    dir: &Path,
    downloads: &Path,
) -> Result<(), Failure> {
    use fantoccini::{ClientBuilder, Locator};
    let profile = dir.join("profile");
    let mut caps = serde_json::Map::new();
    caps.insert(
        "goog:chromeOptions".into(),
        serde_json::json!({
            "binary": "/usr/bin/chromium",
            "args": [
                "--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update",
                "--disable-sync", "--no-first-run", "--lang=ko-KR", "--window-size=1280,900",
                format!("--user-data-dir={}", profile.display()),
            ],
            "prefs": {
                "download.default_directory": downloads.display().to_string(),
                "download.prompt_for_download": false,
            },
        }),
    );
    let connector = hyper_util::client::legacy::connect::HttpConnector::new();
    let client = ClientBuilder::new(connector)
        .capabilities(caps)
        .connect(&format!("http://127.0.0.1:{port}"))
        .await?;
    let outcome = steps(&client, served, index, dir, downloads).await;
    let _ = client.close().await;
    outcome?;

    async fn steps(
        c: &fantoccini::Client,
        served: &Served,
        index: &Path,
        dir: &Path,
        downloads: &Path,
    ) -> Result<(), Failure> {
        let js = |s: &'static str| c.execute(s, vec![]);
        // Waits for the page to settle after `action`: the page sets `data-state` to `done`
        // once results, facets and trend of the latest search are drawn.
        macro_rules! settled {
            () => {{
                let start = Instant::now();
                loop {
                    let state = js("return document.body.dataset.state || ''").await?;
                    if state == "done" {
                        break;
                    }
                    if state == "error" || start.elapsed() > Duration::from_secs(30) {
                        let summary = js("return document.body.innerText").await?;
                        return Err(format!("page state {state}: {summary}").into());
                    }
                    tokio::time::sleep(Duration::from_millis(50)).await;
                }
            }};
        }
        let mark_stale = || js("document.body.dataset.state = 'stale'");
        let texts = |sel: &'static str| async move {
            let mut out = Vec::new();
            for e in c.find_all(Locator::Css(sel)).await? {
                out.push(e.text().await?);
            }
            Ok::<Vec<String>, Failure>(out)
        };

        c.goto(&served.url("/")).await?;
        let title = c.title().await?;
        assert!(title.contains("kosearch"), "{title}");
        // `/` focuses the search box; Enter searches.
        c.find(Locator::Css("body")).await?.send_keys("/").await?;
        let focused = js("return document.activeElement && document.activeElement.id").await?;
        assert_eq!(focused, "q");
        mark_stale().await?;
        c.find(Locator::Css("#q"))
            .await?
            .send_keys("GPU 가격\u{E007}")
            .await?;
        settled!();
        let url = c.current_url().await?;
        assert!(url.query().unwrap_or_default().contains("q=GPU"), "{url}");
        let cards = c.find_all(Locator::Css("#results > li.card")).await?;
        assert!(cards.len() >= 10, "{} cards", cards.len());
        let api = served
            .get("/api/search?q=GPU%20%EA%B0%80%EA%B2%A9&n=1")
            .json();
        let first = cards[0].find(Locator::Css(".title")).await?.text().await?;
        assert_eq!(first, api["hits"][0]["title"].as_str().unwrap());
        let marks = texts(".card .text mark").await?;
        // The query's words, and the aliases it was expanded with (GPU: 그래픽처리장치).
        assert!(marks.iter().any(|m| m == "GPU"), "{marks:?}");
        assert!(marks.iter().any(|m| m == "가격"), "{marks:?}");
        let pdf = texts(".card .path").await?;
        assert!(pdf.iter().any(|p| p.contains("p. ")), "{pdf:?}");
        let svg = c.find_all(Locator::Css("#trend svg rect")).await?;
        assert!(!svg.is_empty(), "a trend chart");
        let shot = c.screenshot().await?;
        std::fs::write(screenshot_dir().join("serve-desktop.png"), shot)?;

        // Show context: the neighbouring passages open inside the card.
        cards[0]
            .find(Locator::Css("button.context"))
            .await?
            .click()
            .await?;
        let start = Instant::now();
        loop {
            let n = js(
                "var c = document.querySelector('.card .context-passages'); \
                        return c ? c.children.length : 0",
            )
            .await?;
            if n.as_u64().unwrap_or(0) >= 2 {
                break;
            }
            assert!(
                start.elapsed() < Duration::from_secs(10),
                "context never opened"
            );
            tokio::time::sleep(Duration::from_millis(50)).await;
        }

        // Filter by outlet from the facets: every card is from it, and a chip says so.
        let facet = c
            .find(Locator::Css("#facet-source button.facet[data-value]"))
            .await?;
        let outlet = facet.attr("data-value").await?.unwrap();
        mark_stale().await?;
        facet.click().await?;
        settled!();
        let metas = texts(".card .meta").await?;
        assert!(!metas.is_empty());
        for m in &metas {
            assert!(m.contains(&outlet), "{m} is not from {outlet}");
        }
        assert_eq!(
            c.find_all(Locator::Css("#chips button.chip")).await?.len(),
            1
        );
        let query = c
            .find(Locator::Css("#q"))
            .await?
            .prop("value")
            .await?
            .unwrap();
        assert_eq!(query, "GPU 가격", "a filter leaves the query as typed");
        let url = c.current_url().await?;
        assert!(
            url.query_pairs().any(|(k, v)| k == "source" && v == outlet),
            "{url}"
        );

        // Download the CSV for Excel: the bytes `kosearch export` writes for the same query.
        let link = c.find(Locator::Css("#download-csv")).await?;
        link.click().await?;
        let start = Instant::now();
        let file = loop {
            let done: Vec<PathBuf> = std::fs::read_dir(downloads)?
                .map_while(Result::ok)
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|e| e == "csv"))
                .collect();
            if let Some(f) = done.first() {
                break f.clone();
            }
            assert!(start.elapsed() < Duration::from_secs(30), "no download");
            tokio::time::sleep(Duration::from_millis(100)).await;
        };
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        assert!(name.starts_with("kosearch-GPU"), "{name}");
        let expected = cli_export(
            index,
            dir,
            &["--format", "csv", "--excel", "--source", &outlet, &query],
        );
        assert_eq!(std::fs::read(&file)?, expected, "the downloaded CSV");

        // Back: the search before the filter, from the address.
        mark_stale().await?;
        c.back().await?;
        settled!();
        let back = c
            .find(Locator::Css("#q"))
            .await?
            .prop("value")
            .await?
            .unwrap();
        assert_eq!(back, "GPU 가격");
        assert!(
            c.find_all(Locator::Css("#chips button.chip"))
                .await?
                .is_empty()
        );

        // An article that tries to run script is shown as text.
        mark_stale().await?;
        c.goto(&served.url("/?q=%EB%B3%B4%EC%95%88%20%EC%A0%90%EA%B2%80"))
            .await?;
        settled!();
        let titles = texts(".card .title").await?;
        assert!(
            titles
                .iter()
                .any(|t| t.contains("<script>alert(1)</script>")),
            "{titles:?}"
        );
        let injected =
            js("return document.querySelectorAll('img[src=\"x\"], .card script').length").await?;
        assert_eq!(injected, 0);

        // A bad query: the server's message, with where it went wrong.
        mark_stale().await?;
        let q = c.find(Locator::Css("#q")).await?;
        q.clear().await?;
        q.send_keys("GPU \"가격\u{E007}").await?;
        let start = Instant::now();
        while js("return document.body.dataset.state").await? != "error" {
            assert!(start.elapsed() < Duration::from_secs(10), "no error shown");
            tokio::time::sleep(Duration::from_millis(50)).await;
        }
        let shown = js("return document.body.innerText").await?;
        assert!(shown.as_str().unwrap().contains("quote"), "{shown}");

        // A phone: one column, nothing wider than the screen.
        c.set_window_size(360, 800).await?;
        mark_stale().await?;
        c.goto(&served.url("/?q=GPU%20%EA%B0%80%EA%B2%A9")).await?;
        settled!();
        let wide = js("return document.documentElement.scrollWidth - window.innerWidth").await?;
        assert!(
            wide.as_i64().unwrap() <= 0,
            "{wide} px wider than a 360 px screen"
        );
        let shot = c.screenshot().await?;
        std::fs::write(screenshot_dir().join("serve-phone.png"), shot)?;
        Ok(())
    }
    Ok(())
}
