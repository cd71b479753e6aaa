//! The `kosearch` binary: parse arguments, run one subcommand, turn the outcome into an exit
//! code. Errors are printed once, with their chain, prefixed `kosearch:`.

use std::process::ExitCode;

use clap::Parser;

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
