//! Hostile folders: links that loop or lead outside, names that are not UTF-8, a file over
//! the size limit, one enormous line, deep nesting, an HTML page of mostly script.

mod common;

use std::path::Path;
use std::process::Command;

fn kosearch() -> Command {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_kosearch"));
    cmd.current_dir(common::root()).env_remove("KOSEARCH_INDEX");
    cmd
}

fn write(path: &Path, text: &str) {
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(path, text).unwrap();
}

#[cfg(unix)]
#[test]
fn a_hostile_folder_is_reported_and_the_rest_indexed() {
    use std::os::unix::ffi::OsStrExt;

    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("in");
    let outside = tmp.path().join("outside");
    write(&outside.join("secret.txt"), "바깥 폴더의 비밀 문서이다.\n");
    write(&root.join("good.txt"), "GPU 가격이 올랐다.\n");
    // Links: a loop back to the root, and one to a folder outside it.
    std::os::unix::fs::symlink(&root, root.join("loop")).unwrap();
    std::os::unix::fs::symlink(&outside, root.join("out")).unwrap();
    // A name that is not UTF-8.
    let bad_name = std::ffi::OsStr::from_bytes(b"\xff\xfe-\xc0name.txt");
    std::fs::write(root.join(bad_name), "이름이 깨진 파일의 본문이다.\n").unwrap();
    // Over the size limit (sparse: no real disk used).
    let big = std::fs::File::create(root.join("huge.txt")).unwrap();
    big.set_len(3 << 30).unwrap();
    // One long line without a break, 8 MB.
    let line = "반도체 가격이 올랐다 ".repeat(8 << 20 >> 5);
    write(&root.join("one-line.txt"), &line);
    // Deep nesting.
    let mut deep = root.clone();
    for i in 0..60 {
        deep = deep.join(format!("d{i}"));
    }
    write(&deep.join("deep.txt"), "깊은 폴더 속 기사이다.\n");
    // HTML that is mostly script.
    let script = format!(
        "<html><head><title>스크립트 페이지</title><script>{}</script></head><body><article><p>본문은 한 줄이다.</p></article></body></html>",
        "var x = '가격';".repeat(200_000)
    );
    write(&root.join("script.html"), &script);

    let idx = tmp.path().join("idx");
    let out = kosearch()
        .args(["index", "--json", "--max-size", "1G", "--index"])
        .arg(&idx)
        .arg(&root)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success(), "{err}");
    let summary: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // good, bad-name, one-line, deep and script are read; huge is listed as too large.
    assert_eq!(summary["new"], 5, "{summary}");
    assert_eq!(summary["skipped"]["too large"], 1, "{summary}");
    assert!(err.contains("huge.txt"), "{err}");
    let links = summary["skipped"]["symbolic link"].as_u64().unwrap_or(0);
    assert_eq!(links, 2, "links are not followed unless asked: {summary}");

    // Followed on request, a link still never leads outside the folders given, and the loop
    // does not run away.
    let idx2 = tmp.path().join("idx2");
    let out = kosearch()
        .args([
            "index",
            "--json",
            "--follow-links",
            "--max-size",
            "1G",
            "--index",
        ])
        .arg(&idx2)
        .arg(&root)
        .output()
        .unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    let search = kosearch()
        .args(["search", "--json", "--index"])
        .arg(&idx2)
        .arg("비밀")
        .output()
        .unwrap();
    assert_eq!(
        search.status.code(),
        Some(1),
        "nothing from outside the root is indexed"
    );

    // The indexed files are searchable, the enormous line and the script page included.
    for (q, expect) in [
        ("GPU", "good.txt"),
        ("반도체", "one-line.txt"),
        ("깊은", "deep.txt"),
        ("본문", "script.html"),
    ] {
        let out = kosearch()
            .args(["search", "--json", "-n", "50", "--index"])
            .arg(&idx)
            .arg(q)
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(0), "{q}");
        assert!(
            String::from_utf8_lossy(&out.stdout).contains(expect),
            "{q} finds {expect}"
        );
    }
    let out = kosearch()
        .args(["search", "--json", "--index"])
        .arg(&idx)
        .arg("가격")
        .output()
        .unwrap();
    assert!(
        !String::from_utf8_lossy(&out.stdout).contains("var x"),
        "script is not article text"
    );
}
