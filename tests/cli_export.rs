//! `kosearch export` as a user runs it, over an index of the sample articles.

mod common;

use common::kosearch;

use std::path::{Path, PathBuf};
use std::process::Output;
use std::sync::OnceLock;

fn sample_index() -> &'static Path {
    static INDEX: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    let (_, path) = INDEX.get_or_init(|| {
        let tmp = tempfile::tempdir().unwrap();
        let path = tmp.path().join("idx");
        let out = kosearch()
            .args(["index", "--quiet", "--index"])
            .arg(&path)
            .arg("data/articles")
            .output()
            .unwrap();
        common::assert_success(&out);
        (tmp, path)
    });
    path
}

fn export(args: &[&str]) -> Output {
    kosearch()
        .arg("export")
        .arg("--index")
        .arg(sample_index())
        .args(args)
        .output()
        .unwrap()
}

fn search_json(query: &str) -> Vec<serde_json::Value> {
    let out = kosearch()
        .args(["search", "--json", "-n", "1000", "--index"])
        .arg(sample_index())
        .arg(query)
        .output()
        .unwrap();
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

/// Files in `dir` other than `keep`: an export leaves no temporary file behind.
fn others(dir: &Path, keep: &[&str]) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| !keep.contains(&n.as_str()))
        .collect()
}

#[test]
fn jsonl_holds_every_hit_with_every_search_field() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("hits.jsonl");
    let out = export(&["GPU", "-o", file.to_str().unwrap()]);
    common::assert_success(&out);
    let lines: Vec<serde_json::Value> = std::fs::read_to_string(&file)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    let searched = search_json("GPU");
    assert_eq!(lines.len(), searched.len(), "all hits, not a page");
    for (e, s) in lines.iter().zip(&searched) {
        for (key, value) in s.as_object().unwrap() {
            assert_eq!(&e[key], value, "field {key}");
        }
        for key in ["article", "format", "encoding", "meta", "record"] {
            assert!(e.get(key).is_some(), "{key}");
        }
    }
    assert_eq!(others(tmp.path(), &["hits.jsonl"]), Vec::<String>::new());
}

#[test]
fn csv_is_quoted_and_excel_gets_a_bom() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("hits.csv");
    let out = export(&["파인튜닝", "-o", file.to_str().unwrap(), "--excel"]);
    common::assert_success(&out);
    let bytes = std::fs::read(&file).unwrap();
    assert!(bytes.starts_with("\u{feff}rank,score,id".as_bytes()));
    let mut reader = csv::Reader::from_reader(&bytes[3..]);
    let header = reader.headers().unwrap().clone();
    let text = header.iter().position(|h| h == "text").unwrap();
    let title = header.iter().position(|h| h == "title").unwrap();
    let rows: Vec<csv::StringRecord> = reader.records().map(Result::unwrap).collect();
    let searched = search_json("파인튜닝");
    assert_eq!(rows.len(), searched.len());
    for (row, s) in rows.iter().zip(&searched) {
        assert_eq!(row.len(), header.len());
        // Passages hold commas, quotes and line breaks: they survive quoting.
        assert_eq!(row.get(text).unwrap(), s["text"].as_str().unwrap());
        assert_eq!(row.get(title).unwrap(), s["title"].as_str().unwrap());
    }
    assert!(rows.iter().any(|r| r.get(text).unwrap().contains('\n')));
}

#[test]
fn json_array_limit_and_stdout() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("hits.json");
    let out = export(&["모델", "-n", "3", "-o", file.to_str().unwrap()]);
    assert!(out.status.success());
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v.as_array().unwrap().len(), 3);
    assert_eq!(v[2]["rank"], 3);

    let out = export(&["모델", "-n", "2", "-o", "-", "--format", "csv"]);
    assert!(out.status.success());
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("rank,score,id,path,title"));
    assert_eq!(
        csv::Reader::from_reader(text.as_bytes()).records().count(),
        2
    );

    let out = export(&[
        "xyzzyqwrt",
        "-o",
        tmp.path().join("none.json").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1), "no hits");
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(tmp.path().join("none.json")).unwrap())
            .unwrap();
    assert_eq!(v, serde_json::json!([]));
}

#[test]
fn an_existing_file_is_kept_without_force() {
    let tmp = tempfile::tempdir().unwrap();
    let file = tmp.path().join("mine.csv");
    std::fs::write(&file, "precious").unwrap();
    let out = export(&["GPU", "-o", file.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--force"));
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "precious");

    let out = export(&["GPU", "-o", file.to_str().unwrap(), "--force"]);
    assert!(out.status.success());
    assert!(std::fs::read_to_string(&file).unwrap().starts_with("rank,"));
    assert_eq!(others(tmp.path(), &["mine.csv"]), Vec::<String>::new());

    let out = export(&[
        "GPU",
        "-o",
        file.to_str().unwrap(),
        "--force",
        "--excel",
        "--format",
        "jsonl",
    ]);
    assert_eq!(out.status.code(), Some(2), "--excel is for CSV");
    let out = export(&[
        "GPU",
        "-o",
        tmp.path().join("no/such/dir/x.csv").to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--output"));
}

#[cfg(unix)]
#[test]
fn force_keeps_modes_links_and_devices() {
    use std::os::unix::fs::{FileTypeExt, PermissionsExt};
    use std::os::unix::process::CommandExt;
    let tmp = tempfile::tempdir().unwrap();
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o777;
    let with_umask = |args: &[&str]| {
        let mut cmd = kosearch();
        cmd.arg("export")
            .arg("--index")
            .arg(sample_index())
            .args(args);
        // SAFETY: umask is async-signal-safe and touches nothing else.
        unsafe {
            cmd.pre_exec(|| {
                libc::umask(0o022);
                Ok(())
            });
        }
        cmd.output().unwrap()
    };

    // A new file follows the umask.
    let new = tmp.path().join("new.csv");
    common::assert_success(&with_umask(&["GPU", "-o", new.to_str().unwrap()]));
    assert_eq!(mode(&new), 0o644);

    // A replaced file keeps its mode.
    let shared = tmp.path().join("shared.csv");
    std::fs::write(&shared, "old").unwrap();
    std::fs::set_permissions(&shared, std::fs::Permissions::from_mode(0o664)).unwrap();
    common::assert_success(&with_umask(&[
        "GPU",
        "-o",
        shared.to_str().unwrap(),
        "--force",
    ]));
    assert_eq!(mode(&shared), 0o664);
    assert!(
        std::fs::read_to_string(&shared)
            .unwrap()
            .starts_with("rank,")
    );

    // A symbolic link stays a link; the file it points to is replaced.
    let target = tmp.path().join("target.csv");
    std::fs::write(&target, "old").unwrap();
    let link = tmp.path().join("link.csv");
    std::os::unix::fs::symlink(&target, &link).unwrap();
    let out = export(&["GPU", "-o", link.to_str().unwrap()]);
    assert_eq!(
        out.status.code(),
        Some(2),
        "the target exists: --force needed"
    );
    common::assert_success(&export(&["GPU", "-o", link.to_str().unwrap(), "--force"]));
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    assert!(
        std::fs::read_to_string(&target)
            .unwrap()
            .starts_with("rank,")
    );

    // A device is written as it is, never replaced by a file.
    common::assert_success(&export(&["GPU", "-o", "/dev/null"]));
    assert!(
        std::fs::metadata("/dev/null")
            .unwrap()
            .file_type()
            .is_char_device()
    );
    let out = export(&["GPU", "-o", "/dev/full", "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/dev/full"));
    assert!(
        std::fs::metadata("/dev/full")
            .unwrap()
            .file_type()
            .is_char_device()
    );

    // A folder is refused by name.
    let out = export(&["GPU", "-o", tmp.path().to_str().unwrap(), "--force"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is a folder"));
}
