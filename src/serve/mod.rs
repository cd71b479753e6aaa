//! `kosearch serve`: the search page and its JSON API, a thin layer over [`crate::search`] and
//! [`crate::export`], like [`crate::cli`].
//!
//! - `api`: the endpoints (`/api/search`, `/api/export`, `/api/passage`, `/api/trend`,
//!   `/api/facets`, `/api/stats`, `/api/aliases`), their parameters and JSON errors;
//! - `guard`: what every request passes (the `Host` check, the bearer token, security
//!   headers, CORS when asked);
//! - `page`: the page itself (`page/`), built into the binary: it needs no network.
//!
//! The engine stays synchronous: each search runs on tokio's blocking threads, at most
//! [`Limits::searches`] at a time, each on one snapshot of the index. A thread polls the
//! index's last commit every second and moves the searcher to it ([`Searcher::reload`]), with
//! the aliases mined by that run, so `kosearch index` can update the index being served.

mod api;
mod guard;
mod page;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::{Duration, SystemTime};

use tokio::sync::Semaphore;

use crate::search::Searcher;
use crate::search::synonyms::Synonyms;

/// How far one request may go.
#[derive(Debug, Clone)]
pub struct Limits {
    /// Characters in a query.
    pub query_chars: usize,
    /// Hits per page (`n`).
    pub hits: usize,
    /// Hits skipped (`offset`).
    pub offset: usize,
    /// Exports streaming at once; more are refused (429).
    pub exports: usize,
    /// Searches running at once; more wait their turn.
    pub searches: usize,
    /// Time a search, count or passage request may take before it is answered 503.
    pub request_time: Duration,
}

impl Default for Limits {
    fn default() -> Self {
        Limits {
            query_chars: 1000,
            hits: 1000,
            offset: 100_000,
            exports: 2,
            searches: std::thread::available_parallelism().map_or(2, |n| n.get() * 2),
            request_time: Duration::from_secs(30),
        }
    }
}

/// How queries are expanded.
#[derive(Debug, Clone)]
pub enum Expansion {
    /// Only the query's own words.
    None,
    /// This synonyms file, if any, and the aliases the index mined (read again after each
    /// commit).
    Mined(Option<PathBuf>),
}

/// What the server does.
#[derive(Debug, Clone)]
pub struct Config {
    /// Where to listen.
    pub addr: SocketAddr,
    /// A bearer token every request must carry.
    pub token: Option<String>,
    /// Answer requests whatever host name they were sent to (for a server reachable from
    /// other machines); otherwise only names of this machine's loopback are accepted, so a
    /// web page elsewhere cannot reach the server through a name it controls.
    pub any_host: bool,
    /// An origin allowed to call the API from its pages (CORS); none by default.
    pub cors: Option<String>,
    /// Query expansion, as for `kosearch search`.
    pub expansion: Expansion,
    /// Limits per request.
    pub limits: Limits,
}

/// What every request shares.
struct State {
    searcher: Searcher,
    config: Config,
    /// The dictionary the index was built with.
    dictionary: String,
    searches: Semaphore,
    exports: Arc<Semaphore>,
}

/// A bound server, not yet answering.
pub struct Server {
    listener: std::net::TcpListener,
    state: Arc<State>,
}

impl std::fmt::Debug for Server {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Server")
            .field("addr", &self.listener.local_addr().ok())
            .finish()
    }
}

impl Server {
    /// Binds `config.addr` to serve `searcher`.
    pub fn bind(searcher: Searcher, config: Config) -> std::io::Result<Server> {
        let listener = std::net::TcpListener::bind(config.addr)?;
        listener.set_nonblocking(true)?;
        let dictionary = searcher.index().config.analyzer_fingerprint.clone();
        let state = State {
            searches: Semaphore::new(config.limits.searches.max(1)),
            exports: Arc::new(Semaphore::new(config.limits.exports)),
            searcher,
            config,
            dictionary,
        };
        Ok(Server {
            listener,
            state: Arc::new(state),
        })
    }

    /// The address it listens on (the port chosen when asked for port 0).
    pub fn local_addr(&self) -> std::io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Answers requests until Ctrl-C or SIGTERM; `reloaded` hears of each commit picked up
    /// (or the error that kept it from being read).
    pub fn run(
        self,
        reloaded: impl Fn(Result<u64, String>) + Send + 'static,
    ) -> std::io::Result<()> {
        let runtime = tokio::runtime::Builder::new_multi_thread()
            .enable_all()
            .build()?;
        let stop = Arc::new(AtomicBool::new(false));
        let watcher = {
            let (state, stop) = (self.state.clone(), stop.clone());
            std::thread::Builder::new()
                .name("kosearch-reload".into())
                .spawn(move || watch(&state, &stop, reloaded))?
        };
        let app = api::router(self.state.clone());
        let served = runtime.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(self.listener)?;
            axum::serve(listener, app)
                .with_graceful_shutdown(shutdown())
                .await
        });
        stop.store(true, Ordering::Release);
        let _ = watcher.join();
        // Exports still streaming are cut off rather than waited for.
        runtime.shutdown_timeout(Duration::from_secs(1));
        served
    }
}

/// Ctrl-C, or SIGTERM (a service manager's stop).
async fn shutdown() {
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = term => {}
    }
}

/// Every second: moves the searcher to the index's last commit, and reads the mined aliases
/// again when they changed.
fn watch(state: &State, stop: &AtomicBool, reloaded: impl Fn(Result<u64, String>)) {
    let aliases = state
        .searcher
        .index()
        .path
        .join(crate::index::aliases::ALIASES_FILE);
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let mut seen: Option<SystemTime> = modified(&aliases);
    // The last problem told: a problem that lasts is told once, not every second.
    let mut told: Option<String> = None;
    while !stop.load(Ordering::Acquire) {
        std::thread::sleep(Duration::from_secs(1));
        let outcome = match state.searcher.reload() {
            Ok(moved) => {
                let now = modified(&aliases);
                let mut outcome = None;
                if moved || now != seen {
                    seen = now;
                    if let Err(e) = reload_synonyms(state) {
                        outcome = Some(Err(format!("expansions not read again: {e}")));
                    }
                }
                if moved && outcome.is_none() {
                    let opstamp = state.searcher.index().commit_opstamp();
                    outcome = Some(opstamp.map_err(|e| e.to_string()));
                }
                outcome
            }
            // Removed, half rebuilt, or rebuilt with another analyser: the snapshot read
            // goes on being served.
            Err(e) => Some(Err(format!(
                "{e}; still serving the commit read before (restart kosearch serve to read \
                 an index rebuilt with another analyser)"
            ))),
        };
        match outcome {
            Some(Err(problem)) => {
                if told.as_ref() != Some(&problem) {
                    reloaded(Err(problem.clone()));
                }
                told = Some(problem);
            }
            Some(Ok(opstamp)) => {
                reloaded(Ok(opstamp));
                told = None;
            }
            None => {}
        }
    }
}

/// Reads the expansions again (the aliases a run mined change with the index).
fn reload_synonyms(state: &State) -> crate::Result<()> {
    if let Expansion::Mined(file) = &state.config.expansion {
        let synonyms = Synonyms::for_index(state.searcher.index(), file.as_deref())?;
        state.searcher.set_synonyms(synonyms);
    }
    Ok(())
}
