//! `kosearch analyze` as a user runs it.

mod common;

use common::kosearch;

use std::io::Write;
use std::process::{Command, Stdio};

use serde::Deserialize;

fn run_with_stdin(args: &[&str], stdin: &[u8]) -> std::process::Output {
    let mut child = kosearch()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // Feed stdin from another thread: the child's output must be drained meanwhile.
    let mut input = child.stdin.take().unwrap();
    let data = stdin.to_vec();
    let writer = std::thread::spawn(move || {
        let _ = input.write_all(&data);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// The documented `--json` token, read back strictly.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
#[allow(dead_code)]
struct JsonToken {
    line: usize,
    surface: String,
    pos: String,
    start: usize,
    end: usize,
    position: usize,
    position_length: usize,
    indexed: bool,
    term: Option<String>,
    kind: String,
}

#[test]
fn analyses_an_argument() {
    let out = kosearch()
        .args(["analyze", "소형언어모델(SLM)을 파인튜닝했다"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(
        text.contains("소형언어모델\tNNG\t0..18\t0\t소형언어모델"),
        "{text}"
    );
    assert!(text.contains("SLM\tSL\t19..22\t3\tslm"), "{text}");
    assert!(text.contains("을\tJKO\t23..26\t4\t-"), "{text}");
}

#[test]
fn streams_stdin_as_json_lines() {
    let out = run_with_stdin(
        &["analyze", "--json"],
        "GPU 가격\n\n소형 언어 모델을 파인튜닝했다\r\n".as_bytes(),
    );
    common::assert_success(&out);
    let tokens: Vec<JsonToken> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert!(
        tokens
            .iter()
            .any(|t| t.line == 1 && t.term.as_deref() == Some("gpu"))
    );
    assert!(
        tokens.iter().all(|t| t.line != 2),
        "an empty line has no tokens"
    );
    let line3: Vec<&JsonToken> = tokens.iter().filter(|t| t.line == 3).collect();
    assert_eq!(line3[0].surface, "소형");
    assert!(
        line3
            .iter()
            .any(|t| t.kind == "part" && t.surface == "파인")
    );
    assert!(
        line3
            .iter()
            .any(|t| !t.indexed && t.term.is_none() && t.pos == "JKO")
    );
    assert!(
        line3
            .iter()
            .all(|t| t.end <= "소형 언어 모델을 파인튜닝했다".len())
    );
}

#[test]
fn streams_a_hundred_thousand_lines_in_one_process() {
    let input = "GPU 가격이 올랐다\n".repeat(100_000);
    let out = run_with_stdin(&["analyze", "--json"], input.as_bytes());
    assert!(out.status.success());
    let last = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .last()
        .unwrap()
        .to_string();
    let t: JsonToken = serde_json::from_str(&last).unwrap();
    assert_eq!(t.line, 100_000);
}

#[test]
fn bad_input_gets_a_clear_message_and_exit_code_2() {
    let out = run_with_stdin(&["analyze"], b"ok\n\xff\xfe broken\n");
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("line 2") && err.contains("UTF-8"), "{err}");

    let out = kosearch()
        .args(["analyze", "--keep-pos", "NNG,XYZ", "가"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("XYZ"));

    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("bad.csv");
    std::fs::write(&bad, "# ok\n파인튜닝,NNG\n이상한줄\n").unwrap();
    let out = kosearch()
        .args(["analyze", "--user-dict", bad.to_str().unwrap(), "가"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("bad.csv") && err.contains("line 3"), "{err}");

    let out = kosearch()
        .args(["analyze", "--user-dict", "/nonexistent/u.csv", "가"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/u.csv"));
}

#[test]
fn a_closed_pipe_is_not_an_error() {
    let mut child = kosearch()
        .args(["analyze"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let mut stdin = child.stdin.take().unwrap();
    let _ = stdin.write_all("가격\n".repeat(200_000).as_bytes());
    drop(stdin);
    let out = child.wait_with_output().unwrap();
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

#[test]
fn the_built_in_user_dictionary_is_used_outside_the_project() {
    let tmp = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_kosearch"))
        .current_dir(tmp.path())
        .env_remove("KOSEARCH_USER_DICT")
        .args(["analyze", "--json", "파인튜닝했다"])
        .output()
        .unwrap();
    common::assert_success(&out);
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    assert_eq!(first["surface"], "파인튜닝", "the user word, not 파인/VV");
    let out = Command::new(env!("CARGO_BIN_EXE_kosearch"))
        .current_dir(tmp.path())
        .args(["analyze", "--json", "--no-user-dict", "파인튜닝했다"])
        .output()
        .unwrap();
    let first: serde_json::Value =
        serde_json::from_str(String::from_utf8_lossy(&out.stdout).lines().next().unwrap()).unwrap();
    assert_ne!(first["surface"], "파인튜닝");
}
