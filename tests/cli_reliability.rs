//! Faults: a damaged index file, and searching while an index run writes.

mod common;

use common::kosearch;

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

fn run(args: &[&str]) -> Output {
    kosearch().args(args).output().unwrap()
}

fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

fn build(idx: &Path, dir: &str) {
    let out = run(&["index", "--quiet", "--index", idx.to_str().unwrap(), dir]);
    assert!(out.status.success(), "{}", stderr(&out));
}

/// The largest file of the index with this extension.
fn largest(idx: &Path, ext: &str) -> PathBuf {
    std::fs::read_dir(idx)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == ext))
        .max_by_key(|p| std::fs::metadata(p).unwrap().len())
        .unwrap()
}

#[test]
fn a_damaged_index_is_named_by_check_and_search_and_rebuild_recovers() {
    for (ext, damage) in [("store", "flip"), ("idx", "truncate"), ("term", "truncate")] {
        let tmp = tempfile::tempdir().unwrap();
        let idx = tmp.path().join("idx");
        build(&idx, "data/articles");
        let i = idx.to_str().unwrap();
        let out = run(&["check", "--index", i]);
        assert!(out.status.success(), "{}", stderr(&out));

        let file = largest(&idx, ext);
        let mut bytes = std::fs::read(&file).unwrap();
        match damage {
            "flip" => {
                let n = bytes.len();
                bytes[100..n - 100].iter_mut().for_each(|b| *b ^= 0x5a);
            }
            _ => bytes.truncate(bytes.len() / 2),
        }
        std::fs::write(&file, bytes).unwrap();

        let out = run(&["check", "--index", i]);
        assert_eq!(out.status.code(), Some(2), "{ext}");
        let err = stderr(&out);
        assert!(err.contains("--rebuild"), "{ext}: {err}");
        assert!(!err.contains("panicked"), "{ext}: {err}");

        let out = run(&["search", "--index", i, "GPU"]);
        assert_eq!(
            out.status.code(),
            Some(2),
            "{ext}: a damaged index is an error, not no hits"
        );
        let err = stderr(&out);
        assert!(
            err.contains("damaged") && err.contains("--rebuild"),
            "{ext}: {err}"
        );
        assert!(!err.contains("panicked"), "{ext}: {err}");

        let out = run(&[
            "index",
            "--quiet",
            "--rebuild",
            "--index",
            i,
            "data/articles",
        ]);
        assert!(out.status.success(), "{ext}: {}", stderr(&out));
        let out = run(&["check", "--index", i]);
        assert!(out.status.success(), "{ext}: {}", stderr(&out));
    }
}

#[test]
fn searches_during_an_index_run_see_a_committed_state_and_never_fail() {
    let tmp = tempfile::tempdir().unwrap();
    let corpus = tmp.path().join("corpus");
    let idx = tmp.path().join("idx");
    // A first commit to search, then a long run that adds many more files.
    let copy = |dest: &Path| {
        for entry in walkdir::WalkDir::new(common::path("data/articles")) {
            let entry = entry.unwrap();
            let rel = entry
                .path()
                .strip_prefix(common::path("data/articles"))
                .unwrap();
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(dest.join(rel)).unwrap();
            } else {
                std::fs::copy(entry.path(), dest.join(rel)).unwrap();
            }
        }
    };
    copy(&corpus.join("first"));
    build(&idx, corpus.to_str().unwrap());
    for i in 0..20 {
        copy(&corpus.join(format!("more{i:02}")));
    }
    let mut writer = kosearch()
        .args(["index", "--quiet", "--commit-every", "0.05", "--index"])
        .arg(&idx)
        .arg(&corpus)
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let started = Instant::now();
    let mut searches = 0;
    let mut during = 0;
    let mut counts = Vec::new();
    while started.elapsed() < Duration::from_secs(20) {
        let running = writer.try_wait().unwrap().is_none();
        let out = run(&[
            "search",
            "--json",
            "-n",
            "1000",
            "--index",
            idx.to_str().unwrap(),
            "GPU",
        ]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "search {searches}: {}",
            stderr(&out)
        );
        counts.push(String::from_utf8_lossy(&out.stdout).lines().count());
        searches += 1;
        if running {
            during += 1;
        } else {
            break;
        }
    }
    assert!(writer.wait().unwrap().success());
    assert!(during >= 1, "no search ran while indexing");
    // Commits only add here: what a search sees never shrinks.
    assert!(counts.windows(2).all(|w| w[0] <= w[1]), "{counts:?}");
    eprintln!("{searches} searches, {during} during the run: {counts:?}");
}

/// A small tmpfs mounted for one test, unmounted when dropped.
struct Mount(PathBuf);

impl Mount {
    /// `None` (with a message) where this machine does not let the test mount one.
    fn tmpfs(at: &Path, size: &str) -> Option<Mount> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", &format!("size={size}"), "tmpfs"])
            .arg(at)
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            common::cannot_run("to mount a tmpfs (root)");
            return None;
        }
        Some(Mount(at.to_path_buf()))
    }

    fn read_only(&self) -> bool {
        Command::new("mount")
            .args(["-o", "remount,ro"])
            .arg(&self.0)
            .status()
            .is_ok_and(|s| s.success())
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

#[test]
fn a_full_disk_and_a_read_only_index_end_with_a_clear_message_and_the_index_intact() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(mount) = Mount::tmpfs(&tmp.path().join("small"), "1m") else {
        return;
    };
    let idx = mount.0.join("idx");
    let i = idx.to_str().unwrap();
    build(&idx, "data/articles");
    let before = run(&["search", "--json", "-n", "1000", "--index", i, "GPU"]).stdout;
    assert!(!before.is_empty());

    // Far more than 1 MB of index.
    let corpus = tmp.path().join("corpus");
    for k in 0..12 {
        for entry in walkdir::WalkDir::new(common::path("data/articles")) {
            let entry = entry.unwrap();
            let rel = entry
                .path()
                .strip_prefix(common::path("data/articles"))
                .unwrap();
            let dest = corpus.join(format!("c{k:02}")).join(rel);
            if entry.file_type().is_dir() {
                std::fs::create_dir_all(&dest).unwrap();
            } else {
                std::fs::copy(entry.path(), &dest).unwrap();
            }
        }
    }
    let out = run(&["index", "--quiet", "--index", i, corpus.to_str().unwrap()]);
    assert_eq!(out.status.code(), Some(2));
    let err = stderr(&out);
    assert!(err.contains("no space left"), "{err}");
    assert!(!err.contains("panicked"));
    let out = run(&["check", "--index", i]);
    assert!(
        out.status.success(),
        "the last commit is whole: {}",
        stderr(&out)
    );
    assert_eq!(
        run(&["search", "--json", "-n", "1000", "--index", i, "GPU"]).stdout,
        before
    );

    if !mount.read_only() {
        common::cannot_run("to remount a tmpfs read-only (root)");
        return;
    }
    let out = run(&["index", "--quiet", "--index", i, "data/articles"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stderr(&out).contains("read-only"), "{}", stderr(&out));
    // Searching a read-only index works.
    let out = run(&["search", "--json", "-n", "1000", "--index", i, "GPU"]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert_eq!(out.stdout, before);
}

#[test]
fn damage_in_any_file_is_never_silent() {
    for ext in ["fieldnorm", "idx", "pos", "term", "fast"] {
        let tmp = tempfile::tempdir().unwrap();
        let idx = tmp.path().join("idx");
        build(&idx, "data/articles");
        let i = idx.to_str().unwrap();
        let file = largest(&idx, ext);
        let mut bytes = std::fs::read(&file).unwrap();
        let at = bytes.len() / 3;
        let end = (at + 16).min(bytes.len());
        for b in &mut bytes[at..end] {
            *b ^= 0xa5;
        }
        std::fs::write(&file, bytes).unwrap();
        for args in [
            vec!["search", "--index", i, "GPU"],
            vec!["export", "--index", i, "-o", "-", "GPU"],
            vec!["index", "--quiet", "--index", i, "data/articles"],
        ] {
            let out = run(&args);
            assert_eq!(out.status.code(), Some(2), "{ext}: {args:?}");
            let err = stderr(&out);
            assert!(
                err.contains("damaged")
                    && err.contains("kosearch check")
                    && err.contains("--rebuild"),
                "{ext}: {args:?}: {err}"
            );
        }
    }
}

/// Runs `kosearch` and waits at most `limit`; `None` if it was still running (then killed).
fn run_within(args: &[&str], limit: Duration) -> Option<Output> {
    let mut child = kosearch()
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let started = Instant::now();
    while started.elapsed() < limit {
        if child.try_wait().unwrap().is_some() {
            return Some(child.wait_with_output().unwrap());
        }
        std::thread::sleep(Duration::from_millis(50));
    }
    let _ = child.kill();
    let _ = child.wait();
    None
}

#[test]
fn a_disk_with_no_byte_free_ends_the_run_and_the_next_run_cleans_up() {
    let tmp = tempfile::tempdir().unwrap();
    let Some(mount) = Mount::tmpfs(&tmp.path().join("small"), "24m") else {
        return;
    };
    let idx = mount.0.join("idx");
    let i = idx.to_str().unwrap();
    build(&idx, "data/articles");
    let before = run(&["search", "--json", "-n", "1000", "--index", i, "GPU"]).stdout;
    let corpus = common::sample_copies(tmp.path(), 3);
    // Fill the disk to its last byte.
    {
        use std::io::Write;
        let mut filler = std::fs::File::create(mount.0.join("filler")).unwrap();
        let block = vec![0u8; 1 << 16];
        while filler.write_all(&block).is_ok() {}
        let mut byte = [0u8; 1];
        while filler.write_all(&byte).is_ok() {
            byte[0] ^= 1;
        }
    }
    let c = corpus.to_str().unwrap();
    for attempt in 0..3 {
        let out = run_within(
            &["index", "--quiet", "--index", i, c],
            Duration::from_secs(120),
        )
        .unwrap_or_else(|| panic!("attempt {attempt}: the run hung on a full disk"));
        assert_eq!(out.status.code(), Some(2), "{}", stderr(&out));
        assert!(stderr(&out).contains("no space left"), "{}", stderr(&out));
        let out = run(&["check", "--index", i]);
        assert!(out.status.success(), "{}", stderr(&out));
        assert_eq!(
            run(&["search", "--json", "-n", "1000", "--index", i, "GPU"]).stdout,
            before
        );
    }
    // Space freed, the same command finishes, and nothing of the failed runs is left.
    std::fs::remove_file(mount.0.join("filler")).unwrap();
    let out = run(&["index", "--quiet", "--index", i, c]);
    assert!(out.status.success(), "{}", stderr(&out));
    let out = run(&["check", "--index", i]);
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(!stderr(&out).contains("left by a run"), "{}", stderr(&out));
}
