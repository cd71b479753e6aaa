//! The JSON API: one handler per endpoint, each reading its parameters strictly (an unknown
//! or repeated parameter, a number out of range or a query that does not parse is a 400 with
//! `{"error": …, "at": …}`), then running the engine on a blocking thread within the limits.
//!
//! Hits are serialised by [`JsonHit`], as `kosearch search --json` prints them, and exports
//! by [`crate::export::Writer`], as `kosearch export` writes them: the same bytes.

// A refusal is the response itself, returned once per request: boxing it would buy nothing.
#![allow(clippy::result_large_err)]

use std::collections::BTreeMap;
use std::io::Write;
use std::sync::Arc;
use std::time::Instant;

use axum::Router;
use axum::body::{Body, Bytes};
use axum::extract::{RawQuery, State};
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Serialize;

use crate::export::{Format, JsonHit, Writer};
use crate::search::browse::Period;
use crate::search::{SearchOptions, query};

type Shared = Arc<super::State>;

/// Every route, behind [`super::guard::guard`].
pub(super) fn router(state: Shared) -> Router {
    Router::new()
        .route("/", get(super::page::index))
        .route("/assets/app.js", get(super::page::script))
        .route("/assets/style.css", get(super::page::style))
        .route("/favicon.ico", get(|| async { StatusCode::NO_CONTENT }))
        .route("/api/search", get(search))
        .route("/api/export", get(export))
        .route("/api/passage", get(passage))
        .route("/api/trend", get(trend))
        .route("/api/facets", get(facets))
        .route("/api/stats", get(stats))
        .route("/api/aliases", get(aliases))
        .fallback(|| async { error(StatusCode::NOT_FOUND, "no such page or endpoint") })
        .method_not_allowed_fallback(|| async {
            error(StatusCode::METHOD_NOT_ALLOWED, "only GET is answered here")
        })
        .layer(axum::middleware::from_fn_with_state(
            state.clone(),
            super::guard::guard,
        ))
        .with_state(state)
}

/// An error as every endpoint answers it.
#[derive(Debug, Serialize)]
struct ErrorBody<'a> {
    error: &'a str,
    /// The character of the query where it went wrong.
    at: Option<usize>,
}

/// A JSON error response.
pub(super) fn error(status: StatusCode, message: &str) -> Response {
    json_error(status, message, None)
}

fn json_error(status: StatusCode, message: &str, at: Option<usize>) -> Response {
    (status, json(&ErrorBody { error: message, at })).into_response()
}

/// A value as a JSON response.
fn json<T: Serialize>(value: &T) -> Response {
    match serde_json::to_vec(value) {
        Ok(body) => (
            [(
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            )],
            body,
        )
            .into_response(),
        Err(e) => error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()),
    }
}

/// What turns a request away: its response.
type Refusal = Response;

fn bad(message: String) -> Refusal {
    error(StatusCode::BAD_REQUEST, &message)
}

/// A request's parameters, each allowed once.
struct Params(BTreeMap<String, String>);

impl Params {
    /// Reads a query string, refusing names not in one of the `allowed` lists and names
    /// given twice.
    fn read(raw: Option<String>, allowed: &[&[&str]]) -> Result<Params, Refusal> {
        let allowed: Vec<&str> = allowed.concat();
        let mut map = BTreeMap::new();
        for (k, v) in form_urlencoded::parse(raw.unwrap_or_default().as_bytes()) {
            if !allowed.contains(&k.as_ref()) {
                return Err(bad(format!(
                    "unknown parameter {k:?}; this endpoint takes {}",
                    allowed.join(", ")
                )));
            }
            if map.insert(k.to_string(), v.into_owned()).is_some() {
                return Err(bad(format!("parameter {k:?} given twice")));
            }
        }
        Ok(Params(map))
    }

    fn text(&self, name: &str) -> Option<&str> {
        self.0
            .get(name)
            .map(String::as_str)
            .filter(|s| !s.is_empty())
    }

    /// A whole number from `min` to `max`, or `default` when absent.
    fn number(&self, name: &str, default: u64, min: u64, max: u64) -> Result<u64, Refusal> {
        let Some(s) = self.text(name) else {
            return Ok(default);
        };
        match s.trim().parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(bad(format!(
                "{name}={s}: expected a whole number from {min} to {max}"
            ))),
        }
    }

    /// `1`/`true` or `0`/`false`.
    fn flag(&self, name: &str) -> Result<bool, Refusal> {
        match self.text(name) {
            None | Some("0") | Some("false") => Ok(false),
            Some("1") | Some("true") => Ok(true),
            Some(s) => Err(bad(format!("{name}={s}: expected 1 or 0"))),
        }
    }

    /// The search options of `since`, `until` and `per_article`/`articles` where allowed.
    fn options(&self, limit: usize, offset: usize) -> Result<SearchOptions, Refusal> {
        let day = |name: &str, end: bool| -> Result<Option<i64>, Refusal> {
            self.text(name)
                .map(|s| {
                    crate::search::parse_day(s, end).ok_or_else(|| {
                        bad(format!(
                            "{name}={s}: expected a date as YYYY, YYYY-MM or YYYY-MM-DD"
                        ))
                    })
                })
                .transpose()
        };
        let per_article = match self.text("per_article") {
            Some(_) => Some(self.number("per_article", 1, 1, u64::from(u32::MAX))? as usize),
            None => None,
        };
        Ok(SearchOptions {
            limit,
            offset,
            per_article: if self.flag("articles")? {
                Some(1)
            } else {
                per_article
            },
            since: day("since", false)?,
            until: day("until", true)?,
            highlights: true,
        })
    }
}

/// A query as typed, and parsed with its filters (compiled on the engine's thread).
struct Query {
    text: String,
    node: query::Node,
}

/// The parameters of a query and the hits it keeps, which every counting endpoint takes.
const QUERY: &[&str] = &["q", "since", "until", "source", "author", "folder"];

/// The query of `q`, narrowed by `source`, `author` and `folder` as `--source`, `--author`
/// and `--folder` narrow it (an endpoint that takes none of them gets none).
fn read_query(state: &super::State, p: &Params) -> Result<Query, Refusal> {
    let Some(text) = p.text("q") else {
        return Err(bad("q: a query is required".into()));
    };
    let chars = text.chars().count();
    let limit = state.config.limits.query_chars;
    if chars > limit {
        return Err(json_error(
            StatusCode::BAD_REQUEST,
            &format!("q: {chars} characters; at most {limit} are taken"),
            Some(limit),
        ));
    }
    let node = query::parse(text)
        .map_err(|e| json_error(StatusCode::BAD_REQUEST, &format!("query: {e}"), Some(e.at)))?;
    let filters = query::Filters {
        source: p.text("source"),
        author: p.text("author"),
        folder: p.text("folder"),
    };
    Ok(Query {
        text: text.to_string(),
        node: query::restrict(node, filters),
    })
}

/// Runs `work` on a blocking thread once a search slot is free, within the time limit.
async fn engine<T: Send + 'static>(
    state: &Shared,
    work: impl FnOnce(&super::State) -> crate::Result<T> + Send + 'static,
) -> Result<T, Refusal> {
    let limit = state.config.limits.request_time;
    let run = async {
        let permit = state
            .searches
            .acquire()
            .await
            .map_err(|_| error(StatusCode::SERVICE_UNAVAILABLE, "the server is stopping"))?;
        let shared = state.clone();
        let done = tokio::task::spawn_blocking(move || work(&shared)).await;
        drop(permit);
        match done {
            Ok(Ok(v)) => Ok(v),
            Ok(Err(e)) => Err(error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string())),
            Err(e) => Err(error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string())),
        }
    };
    match tokio::time::timeout(limit, run).await {
        Ok(r) => r,
        Err(_) => Err(error(
            StatusCode::SERVICE_UNAVAILABLE,
            &format!("the request took longer than {} s", limit.as_secs()),
        )),
    }
}

/// A handler's outcome: a response either way.
fn answer(r: Result<Response, Refusal>) -> Response {
    r.unwrap_or_else(|refusal| refusal)
}

#[derive(Serialize)]
struct SearchBody<'a> {
    query: &'a str,
    total: usize,
    took_ms: f64,
    hits: Vec<JsonHit<'a>>,
}

/// `GET /api/search?q=&n=&offset=&since=&until=&per_article=&articles=&source=&author=&folder=`.
async fn search(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    answer(
        async {
            let p = Params::read(raw, &[QUERY, &["n", "offset", "per_article", "articles"]])?;
            let limits = &state.config.limits;
            let n = p.number("n", 10, 1, limits.hits as u64)? as usize;
            let offset = p.number("offset", 0, 0, limits.offset as u64)? as usize;
            let options = p.options(n, offset)?;
            let q = read_query(&state, &p)?;
            // The engine's time on its thread, not the wait for one.
            let node = q.node;
            let (results, took) = engine(&state, move |s| {
                let start = Instant::now();
                // No word of it indexed: nothing can match, which is no error.
                let results = match s.searcher.compile(&node) {
                    Some(c) => s.searcher.run(&c, &options)?,
                    None => Default::default(),
                };
                Ok((results, start.elapsed()))
            })
            .await?;
            let took_ms = (took.as_secs_f64() * 1e6).round() / 1e3;
            Ok(json(&SearchBody {
                query: &q.text,
                total: results.total,
                took_ms,
                hits: results.hits.iter().map(JsonHit::from).collect(),
            }))
        }
        .await,
    )
}

/// `GET /api/export?q=&format=csv|jsonl|json&excel=1&since=&until=&per_article=&source=…`:
/// every hit, streamed as `kosearch export` writes it.
async fn export(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    answer(
        async {
            let p = Params::read(raw, &[QUERY, &["format", "excel", "per_article"]])?;
            let (format, ext, kind) = match p.text("format").unwrap_or("jsonl") {
                "jsonl" => (
                    Format::Jsonl,
                    "jsonl",
                    "application/x-ndjson; charset=utf-8",
                ),
                "csv" => (Format::Csv, "csv", "text/csv; charset=utf-8"),
                "json" => (Format::Json, "json", "application/json"),
                other => return Err(bad(format!("format={other}: expected csv, jsonl or json"))),
            };
            let excel = p.flag("excel")?;
            if excel && format != Format::Csv {
                return Err(bad("excel=1: only with format=csv".into()));
            }
            let options = p.options(0, 0)?;
            let q = read_query(&state, &p)?;
            let permit = state.exports.clone().try_acquire_owned().map_err(|_| {
                error(
                    StatusCode::TOO_MANY_REQUESTS,
                    &format!(
                        "{} exports are running; try again when one has finished",
                        state.config.limits.exports
                    ),
                )
            })?;
            let Query { text, node } = q;
            let (tx, rx) = tokio::sync::mpsc::channel::<std::io::Result<Bytes>>(4);
            let shared = state.clone();
            tokio::task::spawn_blocking(move || {
                let _permit = permit;
                let mut out = Chunks {
                    tx: tx.clone(),
                    buffer: Vec::with_capacity(CHUNK),
                };
                let written = (|| -> crate::Result<()> {
                    let io = |e| crate::Error::io(std::path::Path::new("(export)"), e);
                    let mut w = Writer::new(&mut out, format, excel).map_err(io)?;
                    if let Some(c) = &shared.searcher.compile(&node) {
                        shared
                            .searcher
                            .for_each(c, &options, None, |h| w.hit(&h).map_err(io))?;
                    }
                    w.finish().map_err(io)?.flush().map_err(io)
                })();
                // A failure after the first bytes cannot change the status: the transfer is
                // cut off instead, so the client never takes a short file for a whole one.
                if let Err(e) = written {
                    let _ = tx.blocking_send(Err(std::io::Error::other(e.to_string())));
                }
            });
            let stream = futures_util::stream::unfold(rx, |mut rx| async move {
                rx.recv().await.map(|chunk| (chunk, rx))
            });
            let mut r = Body::from_stream(stream).into_response();
            let headers = r.headers_mut();
            headers.insert(header::CONTENT_TYPE, HeaderValue::from_static(kind));
            if let Ok(v) = HeaderValue::from_str(&disposition(&text, ext)) {
                headers.insert(header::CONTENT_DISPOSITION, v);
            }
            Ok(r)
        }
        .await,
    )
}

/// Bytes sent to the response at a time.
const CHUNK: usize = 64 * 1024;

/// A writer that hands its bytes to the response in chunks; when the client has gone, writes
/// fail, which stops the export.
struct Chunks {
    tx: tokio::sync::mpsc::Sender<std::io::Result<Bytes>>,
    buffer: Vec<u8>,
}

impl Write for Chunks {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.buffer.extend_from_slice(buf);
        if self.buffer.len() >= CHUNK {
            self.flush()?;
        }
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        if self.buffer.is_empty() {
            return Ok(());
        }
        let chunk = Bytes::from(std::mem::replace(
            &mut self.buffer,
            Vec::with_capacity(CHUNK),
        ));
        self.tx
            .blocking_send(Ok(chunk))
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::BrokenPipe))
    }
}

/// The download's file name: `kosearch-<the query's words>.<ext>`, in UTF-8 (RFC 6266) with
/// an ASCII fallback.
fn disposition(query: &str, ext: &str) -> String {
    let words: Vec<String> = query
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .map(str::to_string)
        .collect();
    let mut name: String = words.join("-").chars().take(60).collect();
    if name.is_empty() {
        name = "export".into();
    }
    let ascii: String = name
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || c == '-' {
                c
            } else {
                '_'
            }
        })
        .collect();
    const KEEP: &percent_encoding::AsciiSet = &percent_encoding::NON_ALPHANUMERIC
        .remove(b'-')
        .remove(b'.')
        .remove(b'_');
    let encoded = percent_encoding::utf8_percent_encode(&name, KEEP);
    format!(
        "attachment; filename=\"kosearch-{ascii}.{ext}\"; filename*=UTF-8''kosearch-{encoded}.{ext}"
    )
}

/// `GET /api/passage?id=&passage=&path=&context=&q=`: a passage with its neighbours.
async fn passage(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    answer(
        async {
            let p = Params::read(raw, &[&["id", "passage", "path", "context", "q"]])?;
            let id = p
                .text("id")
                .ok_or_else(|| bad("id: the article's id is required".into()))?
                .to_string();
            if p.text("passage").is_none() {
                return Err(bad("passage: the passage number is required".into()));
            }
            let number = p.number("passage", 0, 0, u64::from(u32::MAX))?;
            let around = p.number("context", 2, 0, 50)?;
            let path = p.text("path").map(str::to_string);
            // The words to mark only: no filter applies to one article's passages.
            let words = match p.text("q") {
                Some(_) => Some(read_query(&state, &p)?.node),
                None => None,
            };
            let found = engine(&state, move |s| {
                let compiled = words.as_ref().and_then(|n| s.searcher.compile(n));
                s.searcher
                    .context(&id, path.as_deref(), number, around, compiled.as_ref())
            })
            .await?;
            match found {
                Some(c) => Ok(json(&c)),
                None => Err(error(StatusCode::NOT_FOUND, "no such article or passage")),
            }
        }
        .await,
    )
}

#[derive(Serialize)]
struct Counted<'a, T> {
    query: &'a str,
    #[serde(flatten)]
    counts: T,
}

/// `GET /api/trend?q=&by=day|month|year&since=&until=&source=&author=&folder=`.
async fn trend(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    answer(
        async {
            let p = Params::read(raw, &[QUERY, &["by"]])?;
            let by = match p.text("by").unwrap_or("month") {
                "day" => Period::Day,
                "month" => Period::Month,
                "year" => Period::Year,
                other => return Err(bad(format!("by={other}: expected day, month or year"))),
            };
            let options = p.options(0, 0)?;
            let q = read_query(&state, &p)?;
            let node = q.node;
            let trend = engine(&state, move |s| match s.searcher.compile(&node) {
                Some(c) => s.searcher.trend(&c, &options, by),
                None => Ok(crate::search::browse::Trend {
                    by,
                    buckets: Vec::new(),
                    undated: Default::default(),
                }),
            })
            .await?;
            Ok(json(&Counted {
                query: &q.text,
                counts: trend,
            }))
        }
        .await,
    )
}

/// `GET /api/facets?q=&since=&until=&source=&author=&folder=`.
async fn facets(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    answer(
        async {
            let p = Params::read(raw, &[QUERY])?;
            let options = p.options(0, 0)?;
            let q = read_query(&state, &p)?;
            let node = q.node;
            let facets = engine(&state, move |s| match s.searcher.compile(&node) {
                Some(c) => s.searcher.facets(&c, &options),
                None => Ok(Default::default()),
            })
            .await?;
            Ok(json(&Counted {
                query: &q.text,
                counts: facets,
            }))
        }
        .await,
    )
}

#[derive(Serialize)]
struct StatsBody {
    #[serde(flatten)]
    counts: crate::search::browse::Stats,
    index_bytes: u64,
    updated: Option<String>,
    dictionary: String,
    index: String,
    version: &'static str,
}

/// `GET /api/stats`.
async fn stats(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    answer(
        async {
            Params::read(raw, &[])?;
            let body = engine(&state, |s| {
                let path = &s.searcher.index().path;
                let mut bytes = 0;
                let entries = std::fs::read_dir(path).map_err(|e| crate::Error::io(path, e))?;
                for entry in entries.flatten() {
                    if let Ok(m) = entry.metadata()
                        && m.is_file()
                    {
                        bytes += m.len();
                    }
                }
                let updated = std::fs::metadata(path.join("meta.json"))
                    .and_then(|m| m.modified())
                    .ok()
                    .and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok())
                    .map(|d| rfc3339(d.as_secs() as i64));
                Ok(StatsBody {
                    counts: s.searcher.stats()?,
                    index_bytes: bytes,
                    updated,
                    dictionary: s.dictionary.clone(),
                    index: crate::ingest::walk::path_key(path),
                    version: env!("CARGO_PKG_VERSION"),
                })
            })
            .await?;
            Ok(json(&body))
        }
        .await,
    )
}

/// Seconds since 1970 as `YYYY-MM-DDTHH:MM:SSZ`.
fn rfc3339(secs: i64) -> String {
    let (days, rest) = (secs.div_euclid(86400), secs.rem_euclid(86400));
    let (y, m, d) = crate::ingest::text::date::civil_from_days(days);
    format!(
        "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
        rest / 3600,
        rest / 60 % 60,
        rest % 60
    )
}

/// `GET /api/aliases`: the mined aliases, as `kosearch aliases --json` prints them (in one
/// array).
async fn aliases(State(state): State<Shared>, RawQuery(raw): RawQuery) -> Response {
    answer(
        async {
            Params::read(raw, &[])?;
            let list = engine(&state, |s| {
                crate::index::aliases::load(&s.searcher.index().path)
            })
            .await?;
            Ok(json(&list))
        }
        .await,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn download_names() {
        assert_eq!(
            disposition("GPU 가격 -중고", "csv"),
            "attachment; filename=\"kosearch-GPU-__-__.csv\"; \
             filename*=UTF-8''kosearch-GPU-%EA%B0%80%EA%B2%A9-%EC%A4%91%EA%B3%A0.csv"
        );
        assert!(disposition("\"\"", "json").contains("kosearch-export.json"));
    }

    #[test]
    fn timestamps() {
        assert_eq!(rfc3339(0), "1970-01-01T00:00:00Z");
        assert_eq!(rfc3339(1_764_763_200), "2025-12-03T12:00:00Z");
    }
}
