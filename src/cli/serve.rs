//! `kosearch serve`: the search page and JSON API on this machine ([`crate::serve`]).

use std::net::SocketAddr;
use std::process::ExitCode;

use anyhow::{Context, bail};

use super::IndexArg;
use crate::serve::{Config, Expansion, Limits, Server};

/// Arguments of `kosearch serve`.
#[derive(Debug, clap::Args)]
pub struct Args {
    #[command(flatten)]
    index: IndexArg,
    /// Where to listen. Another machine can reach only an address other than 127.0.0.1,
    /// which needs --token or --read-only-public.
    #[arg(long, default_value = "127.0.0.1:7700", value_name = "HOST:PORT")]
    addr: SocketAddr,
    /// Open the page in the default browser once serving.
    #[arg(long)]
    open: bool,
    /// Require this bearer token on every request (`Authorization: Bearer <token>`; a
    /// browser opens `/?token=<token>` once and keeps it in a cookie).
    #[arg(
        long,
        value_name = "TOKEN",
        env = "KOSEARCH_TOKEN",
        hide_env_values = true
    )]
    token: Option<String>,
    /// Allow an address other machines reach without a token: anyone who reaches it can
    /// search and read every article in the index (nothing can be changed through it).
    #[arg(long)]
    read_only_public: bool,
    /// Let pages of this origin call the API (CORS), e.g. http://localhost:3000.
    #[arg(long, value_name = "ORIGIN")]
    cors: Option<String>,
    #[command(flatten)]
    verify: super::VerifyArg,
    #[command(flatten)]
    expand: super::ExpandArgs,
}

/// Runs `kosearch serve`.
pub fn run(args: Args) -> anyhow::Result<ExitCode> {
    let local = args.addr.ip().is_loopback();
    if let Some(token) = &args.token
        && (token.len() < 8
            || !token
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"-_.~".contains(&b)))
    {
        bail!("--token: at least 8 characters, each a letter, a digit or one of - _ . ~");
    }
    if !local {
        if args.token.is_none() && !args.read_only_public {
            bail!(
                "--addr {}: other machines can reach this address; pass --token <TOKEN> to \
                 require a token, or --read-only-public to let anyone who reaches it search",
                args.addr
            );
        }
        eprintln!(
            "kosearch: warning: serving on {}, which other machines can reach{}",
            args.addr,
            if args.token.is_some() {
                " (with a token)"
            } else {
                ", without a token: anyone who reaches it can read every article"
            }
        );
    }
    if let Some(origin) = &args.cors
        && !(origin.starts_with("http://") || origin.starts_with("https://"))
    {
        bail!("--cors {origin}: expected an origin such as http://localhost:3000");
    }
    let searcher = super::open::searcher(&args.index, &args.verify, &args.expand)?;
    let shown = super::shown_path(&searcher.index().path);
    let config = Config {
        addr: args.addr,
        token: args.token.clone(),
        any_host: !local,
        cors: args.cors.clone(),
        expansion: if args.expand.no_expand {
            Expansion::None
        } else {
            Expansion::Mined(args.expand.file())
        },
        limits: Limits::default(),
    };
    let server = Server::bind(searcher, config).with_context(|| format!("--addr {}", args.addr))?;
    let addr = server.local_addr()?;
    let url = format!("http://{addr}/");
    eprintln!("kosearch: serving {shown} at {url} (Ctrl-C stops)");
    if args.open {
        open_browser(&url);
    }
    server.run(|reloaded| match reloaded {
        Ok(opstamp) => eprintln!("kosearch: now serving commit {opstamp}"),
        Err(e) => eprintln!("kosearch: {e}"),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// Opens `url` with the desktop's opener; says so when there is none.
fn open_browser(url: &str) {
    let opener = if cfg!(target_os = "macos") {
        "open"
    } else {
        "xdg-open"
    };
    let spawned = std::process::Command::new(opener)
        .arg(url)
        .stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(std::process::Stdio::null())
        .spawn();
    if spawned.is_err() {
        eprintln!("kosearch: --open: cannot run {opener}; open {url} yourself");
    }
}
