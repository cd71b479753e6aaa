//! The `kosearch` binary: parse arguments, run one subcommand, turn the outcome into an exit
//! code. Errors are printed once, with their chain, prefixed `kosearch:`.

use std::process::ExitCode;

use clap::Parser;

/// jemalloc returns what an index build's threads free, where the system allocator of glibc
/// kept it: a build's own memory then stays flat as the corpus grows (SCALE.md).
#[cfg(not(target_env = "msvc"))]
#[global_allocator]
static GLOBAL: tikv_jemallocator::Jemalloc = tikv_jemallocator::Jemalloc;

fn main() -> ExitCode {
    kosearch::ingest::document::silence_caught_panics();
    let cli = kosearch::cli::Cli::parse();
    match kosearch::cli::run(cli) {
        Ok(code) => code,
        Err(err) => {
            if kosearch::cli::is_broken_pipe(&err) {
                return ExitCode::SUCCESS;
            }
            eprintln!("kosearch: {}", kosearch::cli::message(&err));
            ExitCode::from(kosearch::cli::EXIT_ERROR)
        }
    }
}
