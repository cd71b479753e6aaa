//! Hostile folders: links that loop or lead outside, names that are not UTF-8, a file over
//! the size limit, one enormous line, deep nesting, an HTML page of mostly script.

mod common;

use common::kosearch;

use std::path::Path;
use std::process::Command;

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
    // One line without a break, 50 MB.
    let line = "반도체 가격이 올랐다 ".repeat((50 << 20) / "반도체 가격이 올랐다 ".len());
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

/// Runs `kosearch index --json ARGS…` through `cmd` and reads the summary.
fn index_json(
    mut cmd: Command,
    args: &[&std::ffi::OsStr],
) -> (std::process::Output, serde_json::Value) {
    let out = cmd.arg("index").arg("--json").args(args).output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    let summary = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("summary: {e}; stderr: {err}"));
    (out, summary)
}

/// `(path, passage, text hash)` of every passage, from `check --list`.
fn passages(idx: &Path) -> String {
    let out = kosearch()
        .args(["check", "--list", "--index"])
        .arg(idx)
        .output()
        .unwrap();
    common::assert_success(&out);
    let mut lines: Vec<String> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(str::to_string)
        .collect();
    lines.sort();
    lines.join("\n")
}

#[test]
fn files_that_change_or_vanish_during_a_run_leave_a_consistent_index() {
    use std::sync::atomic::{AtomicBool, Ordering};

    let tmp = tempfile::tempdir().unwrap();
    let copies = 24;
    let corpus = common::sample_copies(tmp.path(), copies);
    let files: Vec<_> = walkdir::WalkDir::new(corpus.join("copy00"))
        .into_iter()
        .map(|e| e.unwrap())
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            e.path()
                .strip_prefix(corpus.join("copy00"))
                .unwrap()
                .to_path_buf()
        })
        .collect();
    let idx = tmp.path().join("idx");
    let mut child = kosearch()
        .args(["index", "--json", "--commit-every", "0.05", "--index"])
        .arg(&idx)
        .arg(&corpus)
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    // While it runs, files vanish, change and appear under it.
    let done = AtomicBool::new(false);
    let mutations = std::thread::scope(|s| {
        let mutator = s.spawn(|| {
            let mut rng = common::Rng::new();
            let mut touched = std::collections::BTreeSet::new();
            let mut n = 0;
            while !done.load(Ordering::Relaxed) {
                let dir = corpus.join(format!("copy{:02}", rng.below(copies)));
                let file = dir.join(&files[rng.below(files.len() as u64) as usize]);
                let text = format!("바뀐 기사 {n}번이다.\n\n새 문단이다.\n");
                match rng.below(3) {
                    0 => {
                        let _ = std::fs::remove_file(&file);
                    }
                    // Text files change in place (a reader may see them half written).
                    1 if file.extension().is_some_and(|e| e == "txt") && file.exists() => {
                        std::fs::write(&file, text).unwrap();
                    }
                    _ => {
                        let new = dir.join(format!("extra-{n}.txt"));
                        write(&new, &text);
                        touched.insert(new);
                    }
                }
                touched.insert(file);
                n += 1;
                std::thread::sleep(std::time::Duration::from_millis(2));
            }
            touched
        });
        let status = child.wait().unwrap();
        done.store(true, Ordering::Relaxed);
        (status, mutator.join().unwrap())
    });
    let (status, touched) = mutations;
    let mut stdout = String::new();
    let mut stderr = String::new();
    use std::io::Read;
    child
        .stdout
        .take()
        .unwrap()
        .read_to_string(&mut stdout)
        .unwrap();
    child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut stderr)
        .unwrap();
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(matches!(status.code(), Some(0 | 2)), "{status:?}: {stderr}");
    let summary: serde_json::Value = serde_json::from_str(stdout.trim()).unwrap();
    // A file that went between the walk and its reading, or was caught half written, is
    // named; no file left alone fails.
    let failed = summary["failed"].as_array().unwrap();
    for failure in failed {
        let path = Path::new(failure["path"].as_str().unwrap());
        assert!(touched.contains(path), "{failure}");
    }
    eprintln!(
        "{} files touched during the run; {} of them failed",
        touched.len(),
        failed.len()
    );
    assert!(
        touched.len() > 10,
        "the run ended before the folder changed: the test proved nothing"
    );

    // The index is consistent, and the next run makes it equal to a fresh build.
    let check = kosearch()
        .args(["check", "--index"])
        .arg(&idx)
        .output()
        .unwrap();
    common::assert_success(&check);
    let (out, _) = index_json(
        kosearch(),
        &["--index".as_ref(), idx.as_os_str(), corpus.as_os_str()],
    );
    common::assert_success(&out);
    let fresh = tmp.path().join("fresh");
    let (out, _) = index_json(
        kosearch(),
        &["--index".as_ref(), fresh.as_os_str(), corpus.as_os_str()],
    );
    common::assert_success(&out);
    assert_eq!(passages(&idx), passages(&fresh));
}

/// Runs `kosearch` as a user whom permissions bind: this user when not root; as root,
/// `nobody` through `setpriv`, with the dictionary linked where `nobody` can read it.
#[cfg(unix)]
struct Unprivileged {
    /// The dictionary's copy, when running as `nobody`.
    dict: Option<std::path::PathBuf>,
}

#[cfg(unix)]
impl Unprivileged {
    /// `None` when that cannot be arranged here.
    fn prepare(tmp: &Path) -> Option<Unprivileged> {
        use std::os::unix::fs::PermissionsExt;

        // SAFETY: geteuid has no preconditions.
        if unsafe { libc::geteuid() } != 0 {
            return Some(Unprivileged { dict: None });
        }
        std::fs::set_permissions(tmp, std::fs::Permissions::from_mode(0o755)).ok()?;
        let source = kosearch::dictionary::default_dir();
        let dict = tmp.join("dict");
        for entry in walkdir::WalkDir::new(&source) {
            let entry = entry.ok()?;
            let dest = dict.join(entry.path().strip_prefix(&source).ok()?);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).ok()?;
            } else if !dest.exists() && std::fs::hard_link(entry.path(), &dest).is_err() {
                // Never onto an existing file: that may be a link to the original.
                std::fs::copy(entry.path(), &dest).ok()?;
            }
        }
        let me = Unprivileged { dict: Some(dict) };
        let probe = me.command().arg("--version").output().ok()?;
        probe.status.success().then_some(me)
    }

    fn command(&self) -> Command {
        let Some(dict) = &self.dict else {
            return kosearch();
        };
        let mut cmd = Command::new("setpriv");
        cmd.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(env!("CARGO_BIN_EXE_kosearch"))
            .current_dir(dict.parent().unwrap())
            .env_remove("KOSEARCH_INDEX")
            .env("KOSEARCH_DICT_DIR", dict);
        cmd
    }
}

#[cfg(unix)]
#[test]
fn unreadable_files_and_folders_are_reported_and_nothing_is_lost() {
    use std::os::unix::fs::PermissionsExt;

    let tmp = tempfile::tempdir().unwrap();
    let Some(user) = Unprivileged::prepare(tmp.path()) else {
        common::cannot_run("to run kosearch as an unprivileged user (root and setpriv)");
        return;
    };
    let as_user = || user.command();
    let work = tmp.path().join("work");
    let articles = work.join("articles");
    common::copy_tree(&common::path("data/articles"), &articles);
    let idx = work.join("idx");
    let chown_all = || {
        for e in walkdir::WalkDir::new(&work) {
            let e = e.unwrap();
            let _ = std::os::unix::fs::lchown(e.path(), Some(65534), Some(65534));
        }
    };
    chown_all();
    let args = ["--index".as_ref(), idx.as_os_str(), articles.as_os_str()];
    let (out, first) = index_json(as_user(), &args);
    common::assert_success(&out);

    // A new file nobody may read, and an indexed folder that can no longer be read.
    write(&articles.join("locked.txt"), "잠긴 파일의 본문이다.\n");
    chown_all();
    let mode =
        |p: &Path, m: u32| std::fs::set_permissions(p, std::fs::Permissions::from_mode(m)).unwrap();
    mode(&articles.join("locked.txt"), 0o000);
    mode(&articles.join("mobile"), 0o000);
    let (out, second) = index_json(as_user(), &args);
    let err = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{err}");
    assert!(
        err.contains("locked.txt") && err.contains("mobile"),
        "{err}"
    );
    assert!(err.to_lowercase().contains("permission denied"), "{err}");
    assert_eq!(
        second["removed"], 0,
        "an unreadable folder's articles are kept: {second}"
    );
    assert_eq!(second["failed"].as_array().unwrap().len(), 2, "{second}");
    let search = as_user()
        .args(["search", "--json", "--index"])
        .arg(&idx)
        .arg("폴더블폰")
        .output()
        .unwrap();
    assert!(
        String::from_utf8_lossy(&search.stdout).contains("mobile/"),
        "the unreadable folder's articles are still found"
    );

    // Readable again: the next run takes the new file, and the rest is as before.
    mode(&articles.join("locked.txt"), 0o644);
    mode(&articles.join("mobile"), 0o755);
    let (out, third) = index_json(as_user(), &args);
    common::assert_success(&out);
    assert_eq!(third["new"], 1, "{third}");
    assert_eq!(third["removed"], 0, "{third}");
    assert_eq!(
        first["files"].as_u64().unwrap() + 1,
        third["files"].as_u64().unwrap()
    );
}

/// Markdown whose front matter is a "billion laughs": nine levels of anchors, each a list of
/// nine aliases of the level below (9⁹ values once expanded), in about a kilobyte.
fn laughs() -> String {
    let mut yaml = String::from("---\ntitle: 웃음\na0: &a0 [\"lol\"]\n");
    for l in 1..9 {
        let prev = format!("*a{}", l - 1);
        yaml.push_str(&format!("a{l}: &a{l} [{}]\n", vec![prev; 9].join(", ")));
    }
    yaml.push_str("---\n본문이다.\n");
    yaml
}

#[test]
fn a_yaml_alias_bomb_fails_its_file_and_the_rest_is_committed() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("in");
    write(&root.join("bomb.md"), &laughs());
    for i in 0..20 {
        write(
            &root.join(format!("ok{i:02}.txt")),
            &format!("기사 {i}\nGPU 가격이 올랐다. 소형언어모델 {i}번째 기사이다.\n"),
        );
    }
    let idx = tmp.path().join("idx");
    let started = std::time::Instant::now();
    let (out, summary) = index_json(
        kosearch(),
        &["--index".as_ref(), idx.as_os_str(), root.as_os_str()],
    );
    // Before the budget, this took all memory until the kernel killed the run.
    assert!(started.elapsed() < std::time::Duration::from_secs(60));
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("bomb.md") && err.contains("aliases expand"),
        "{err}"
    );
    assert_eq!(summary["new"], 20);
    let out = kosearch()
        .args(["search", "--json", "-n", "100", "--index"])
        .arg(&idx)
        .arg("GPU")
        .output()
        .unwrap();
    assert_eq!(String::from_utf8_lossy(&out.stdout).lines().count(), 20);
}

#[cfg(unix)]
#[test]
fn names_that_differ_only_in_invalid_bytes_are_two_files() {
    use std::os::unix::ffi::OsStrExt;
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("in");
    std::fs::create_dir_all(&root).unwrap();
    let a = std::ffi::OsStr::from_bytes(b"bad\xff\xfename.txt");
    let b = std::ffi::OsStr::from_bytes(b"bad\xfe\xffname.txt");
    std::fs::write(root.join(a), "첫째 파일\n사과나무 이야기이다.\n").unwrap();
    std::fs::write(root.join(b), "둘째 파일\n배나무 이야기이다.\n").unwrap();
    // A name with a newline and a tab in it.
    std::fs::write(
        root.join("줄\n바꿈\t탭.txt"),
        "셋째 파일\n감나무 이야기이다.\n",
    )
    .unwrap();
    let idx = tmp.path().join("idx");
    let index = || -> serde_json::Value {
        let (out, summary) = index_json(
            kosearch(),
            &["--index".as_ref(), idx.as_os_str(), root.as_os_str()],
        );
        common::assert_success(&out);
        summary
    };
    assert_eq!(index()["new"], 3);
    let again = index();
    assert_eq!(
        (again["changed"].clone(), again["unchanged"].clone()),
        (0.into(), 3.into())
    );
    for word in ["사과나무", "배나무", "감나무"] {
        let out = kosearch()
            .args(["search", "--json", "--index"])
            .arg(&idx)
            .arg(word)
            .output()
            .unwrap();
        common::assert_success(&out);
        let hit: serde_json::Value =
            serde_json::from_slice(out.stdout.split(|&b| b == b'\n').next().unwrap()).unwrap();
        if word == "사과나무" {
            assert!(
                hit["path"]
                    .as_str()
                    .unwrap()
                    .ends_with("bad\\xFF\\xFEname.txt"),
                "{hit}"
            );
        }
    }
    // `check --list` keeps one line per passage: the newline and tab are shown escaped.
    let out = kosearch()
        .args(["check", "--list", "--index"])
        .arg(&idx)
        .output()
        .unwrap();
    common::assert_success(&out);
    let list = String::from_utf8(out.stdout).unwrap();
    assert_eq!(list.lines().count(), 3, "{list}");
    assert!(list.contains("줄\\n바꿈\\t탭.txt\t0\t"), "{list}");
}

#[cfg(unix)]
#[test]
fn a_link_loop_with_follow_links_is_skipped_not_a_failure() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("in");
    write(&root.join("sub/a.txt"), "고리 안의 기사\n본문이다.\n");
    std::os::unix::fs::symlink(&root, root.join("sub/loop")).unwrap();
    let idx = tmp.path().join("idx");
    let (out, summary) = index_json(
        kosearch(),
        &[
            "--follow-links".as_ref(),
            "--index".as_ref(),
            idx.as_os_str(),
            root.as_os_str(),
        ],
    );
    common::assert_success(&out);
    assert_eq!(summary["new"], 1);
    assert_eq!(summary["skipped"]["symbolic link loop"], 1, "{summary}");
}

#[test]
fn utf16_without_a_bom_names_the_encoding_to_use() {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("in");
    std::fs::create_dir_all(&root).unwrap();
    let bytes: Vec<u8> = "유니코드 기사\n본문이다.\n"
        .encode_utf16()
        .flat_map(u16::to_le_bytes)
        .collect();
    std::fs::write(root.join("utf16.txt"), bytes).unwrap();
    let idx = tmp.path().join("idx");
    let out = kosearch()
        .args(["index", "--index"])
        .arg(&idx)
        .arg(&root)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("--encoding utf-16le"), "{err}");
    let out = kosearch()
        .args(["index", "--encoding", "utf-16le", "--index"])
        .arg(&idx)
        .arg(&root)
        .output()
        .unwrap();
    common::assert_success(&out);
}
