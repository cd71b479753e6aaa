//! Walking the folders a user points at: which files are articles, which are skipped and why.
//!
//! Symbolic links are not followed unless asked (`follow_links`), and even then never to a
//! place outside the roots, so a link loop or a link to `/` cannot run away. Hidden entries
//! (`.git`, `.DS_Store`) are skipped. Files over `max_size` bytes are skipped and reported. An
//! unreadable folder is reported and the walk goes on. A walk told to stop returns at the
//! next entry, with what it met so far: a partial list, which must not be read as the folder.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::time::UNIX_EPOCH;

use super::Format;

/// What to walk and what to take.
#[derive(Debug, Clone)]
pub struct WalkOptions {
    /// Extensions (lower-case, no dot) to read.
    pub extensions: Vec<String>,
    /// Follow symbolic links (within the roots).
    pub follow_links: bool,
    /// Largest file read, in bytes.
    pub max_size: u64,
    /// Include hidden files and folders (names starting with `.`).
    pub hidden: bool,
}

/// Files above this size are skipped unless the user raises the limit.
pub const DEFAULT_MAX_SIZE: u64 = 256 * 1024 * 1024;

impl Default for WalkOptions {
    fn default() -> Self {
        WalkOptions {
            extensions: Format::DEFAULT_EXTENSIONS
                .iter()
                .map(|s| s.to_string())
                .collect(),
            follow_links: false,
            max_size: DEFAULT_MAX_SIZE,
            hidden: false,
        }
    }
}

/// A file to read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FoundFile {
    /// Absolute path.
    pub path: PathBuf,
    /// The format its extension names.
    pub format: Format,
    /// Size in bytes when seen.
    pub size: u64,
    /// Modification time in nanoseconds since the epoch (0 when unknown).
    pub mtime_ns: i64,
}

/// Why an entry was not read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Skip {
    /// Not one of the extensions read; counted, not listed.
    Extension,
    /// A hidden file or folder; counted, not listed.
    Hidden,
    /// Larger than the size limit.
    TooLarge {
        /// Its size.
        size: u64,
        /// The limit.
        limit: u64,
    },
    /// A symbolic link, not followed.
    Link,
    /// A link leading outside the folders being indexed.
    LinkOutside,
    /// A link (with `follow_links`) back to a folder that contains it.
    LinkLoop,
    /// Not a regular file (socket, device, fifo).
    NotAFile,
}

/// One thing the walk met.
#[derive(Debug)]
pub enum Entry {
    /// A file to read.
    File(FoundFile),
    /// An entry not read, and why.
    Skipped(PathBuf, Skip),
    /// A path that could not be examined, with the reason.
    Error(PathBuf, String),
}

/// Walks `roots` (files or folders) and returns every entry met, files sorted by path. When
/// `stop` is set (Ctrl-C), returns at the next entry with the entries met so far; the caller
/// checks `stop` and must not take them for the whole folder.
pub fn walk(roots: &[PathBuf], options: &WalkOptions, stop: &AtomicBool) -> Vec<Entry> {
    let mut out = Vec::new();
    let canonical_roots: Vec<PathBuf> = roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .collect();
    for root in roots {
        let root_abs = match std::fs::canonicalize(root) {
            Ok(p) => p,
            Err(e) => {
                out.push(Entry::Error(root.clone(), e.to_string()));
                continue;
            }
        };
        let walker = walkdir::WalkDir::new(&root_abs)
            .follow_links(options.follow_links)
            .sort_by_file_name();
        let mut it = walker.into_iter();
        while let Some(item) = it.next() {
            if stop.load(Ordering::Relaxed) {
                return out;
            }
            let entry = match item {
                Ok(e) => e,
                Err(e) => {
                    let path = e.path().map(Path::to_path_buf).unwrap_or_default();
                    if e.loop_ancestor().is_some() {
                        out.push(Entry::Skipped(path, Skip::LinkLoop));
                        continue;
                    }
                    let reason = e
                        .io_error()
                        .map_or_else(|| e.to_string(), std::io::Error::to_string);
                    out.push(Entry::Error(path, reason));
                    continue;
                }
            };
            let path = entry.path().to_path_buf();
            let hidden = entry.depth() > 0 && entry.file_name().to_string_lossy().starts_with('.');
            if hidden && !options.hidden {
                if entry.file_type().is_dir() {
                    it.skip_current_dir();
                }
                out.push(Entry::Skipped(path, Skip::Hidden));
                continue;
            }
            if entry.path_is_symlink() {
                if !options.follow_links {
                    out.push(Entry::Skipped(path, Skip::Link));
                    continue;
                }
                let inside = std::fs::canonicalize(&path)
                    .map(|t| canonical_roots.iter().any(|r| t.starts_with(r)))
                    .unwrap_or(false);
                if !inside {
                    if entry.file_type().is_dir() {
                        it.skip_current_dir();
                    }
                    out.push(Entry::Skipped(path, Skip::LinkOutside));
                    continue;
                }
            }
            let file_type = entry.file_type();
            if file_type.is_dir() {
                continue;
            }
            let ext = path
                .extension()
                .and_then(|e| e.to_str())
                .map(str::to_ascii_lowercase)
                .unwrap_or_default();
            let format = match Format::from_extension(&ext) {
                Some(f) if options.extensions.iter().any(|x| x == &ext) => f,
                _ => {
                    out.push(Entry::Skipped(path, Skip::Extension));
                    continue;
                }
            };
            if !file_type.is_file() {
                out.push(Entry::Skipped(path, Skip::NotAFile));
                continue;
            }
            let meta = match entry.metadata() {
                Ok(m) => m,
                Err(e) => {
                    out.push(Entry::Error(path, e.to_string()));
                    continue;
                }
            };
            if meta.len() > options.max_size {
                out.push(Entry::Skipped(
                    path,
                    Skip::TooLarge {
                        size: meta.len(),
                        limit: options.max_size,
                    },
                ));
                continue;
            }
            let mtime_ns = meta
                .modified()
                .ok()
                .and_then(|t| t.duration_since(UNIX_EPOCH).ok())
                .map_or(0, |d| d.as_nanos() as i64);
            out.push(Entry::File(FoundFile {
                path,
                format,
                size: meta.len(),
                mtime_ns,
            }));
        }
    }
    out
}

/// A path as text, losslessly: valid UTF-8 as it is, except that `\` becomes `\\`, and each
/// byte that is not valid UTF-8 becomes `\xHH`. Two different paths never give the same text,
/// so the index's manifest tells apart names that differ only in invalid bytes.
pub fn path_key(path: &Path) -> String {
    #[cfg(unix)]
    let bytes = {
        use std::os::unix::ffi::OsStrExt;
        path.as_os_str().as_bytes()
    };
    #[cfg(not(unix))]
    let lossy = path.to_string_lossy();
    #[cfg(not(unix))]
    let bytes = lossy.as_bytes();
    let mut out = String::with_capacity(bytes.len());
    for chunk in bytes.utf8_chunks() {
        for c in chunk.valid().chars() {
            if c == '\\' {
                out.push('\\');
            }
            out.push(c);
        }
        for b in chunk.invalid() {
            out.push_str(&format!("\\x{b:02X}"));
        }
    }
    out
}

/// Whether the path whose key is `key` is `dir` or lies under it (both from [`path_key`]).
pub fn key_under(key: &str, dir: &str) -> bool {
    let dir = dir.trim_end_matches('/');
    key.strip_prefix(dir)
        .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
}

impl std::fmt::Display for Skip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Skip::Extension => write!(f, "extension not indexed"),
            Skip::Hidden => write!(f, "hidden"),
            Skip::TooLarge { size, limit } => write!(
                f,
                "{} MB is over the size limit of {} MB",
                size / 1_000_000,
                limit / 1_000_000
            ),
            Skip::Link => write!(f, "symbolic link, not followed"),
            Skip::LinkOutside => write!(f, "symbolic link leading outside the indexed folders"),
            Skip::LinkLoop => write!(f, "symbolic link loop, not followed again"),
            Skip::NotAFile => write!(f, "not a regular file"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A walk nobody stops.
    static GO: AtomicBool = AtomicBool::new(false);

    #[test]
    fn a_stopped_walk_returns_at_once() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..50 {
            std::fs::write(dir.path().join(format!("{i}.txt")), "기사").unwrap();
        }
        let roots = [dir.path().to_path_buf()];
        assert_eq!(walk(&roots, &WalkOptions::default(), &GO).len(), 50);
        let stop = AtomicBool::new(true);
        assert!(walk(&roots, &WalkOptions::default(), &stop).is_empty());
    }

    fn files(entries: &[Entry]) -> Vec<String> {
        entries
            .iter()
            .filter_map(|e| match e {
                Entry::File(f) => Some(f.path.file_name()?.to_string_lossy().into_owned()),
                _ => None,
            })
            .collect()
    }

    #[test]
    fn takes_known_extensions_and_counts_the_rest() {
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir_all(d.join("a/b")).unwrap();
        std::fs::write(d.join("a/one.txt"), "하나").unwrap();
        std::fs::write(d.join("a/b/two.MD"), "둘").unwrap();
        std::fs::write(d.join("a/photo.jpg"), "x").unwrap();
        std::fs::create_dir_all(d.join(".git")).unwrap();
        std::fs::write(d.join(".git/config.txt"), "x").unwrap();
        let entries = walk(&[d.to_path_buf()], &WalkOptions::default(), &GO);
        assert_eq!(files(&entries), vec!["two.MD", "one.txt"]);
        assert!(
            entries.iter().any(
                |e| matches!(e, Entry::Skipped(p, Skip::Extension) if p.ends_with("photo.jpg"))
            )
        );
        assert!(
            entries
                .iter()
                .any(|e| matches!(e, Entry::Skipped(_, Skip::Hidden)))
        );
    }

    #[test]
    fn size_limit_and_missing_roots_are_reported() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(dir.path().join("big.txt"), "x".repeat(100)).unwrap();
        let opts = WalkOptions {
            max_size: 10,
            ..WalkOptions::default()
        };
        let entries = walk(
            &[dir.path().to_path_buf(), dir.path().join("nope")],
            &opts,
            &GO,
        );
        assert!(entries.iter().any(|e| matches!(
            e,
            Entry::Skipped(
                _,
                Skip::TooLarge {
                    size: 100,
                    limit: 10
                }
            )
        )));
        assert!(
            entries
                .iter()
                .any(|e| matches!(e, Entry::Error(p, _) if p.ends_with("nope")))
        );
    }

    #[cfg(unix)]
    #[test]
    fn links_are_not_followed_unless_asked_and_never_outside() {
        let outside = tempfile::tempdir().unwrap();
        std::fs::write(outside.path().join("secret.txt"), "밖").unwrap();
        let dir = tempfile::tempdir().unwrap();
        let d = dir.path();
        std::fs::create_dir(d.join("sub")).unwrap();
        std::fs::write(d.join("sub/in.txt"), "안").unwrap();
        std::os::unix::fs::symlink(outside.path(), d.join("out")).unwrap();
        std::os::unix::fs::symlink(d, d.join("sub/loop")).unwrap();
        std::os::unix::fs::symlink(d.join("sub/in.txt"), d.join("alias.txt")).unwrap();

        let entries = walk(&[d.to_path_buf()], &WalkOptions::default(), &GO);
        assert_eq!(files(&entries), vec!["in.txt"]);

        let follow = WalkOptions {
            follow_links: true,
            ..WalkOptions::default()
        };
        let entries = walk(&[d.to_path_buf()], &follow, &GO);
        let names = files(&entries);
        assert!(names.contains(&"alias.txt".to_string()));
        assert!(!names.contains(&"secret.txt".to_string()));
        assert!(
            entries
                .iter()
                .any(|e| matches!(e, Entry::Skipped(_, Skip::LinkOutside)))
        );
        // The loop is skipped and listed, not an error that fails the run.
        assert!(
            entries
                .iter()
                .any(|e| matches!(e, Entry::Skipped(p, Skip::LinkLoop) if p.ends_with("sub/loop")))
        );
        assert!(!entries.iter().any(|e| matches!(e, Entry::Error(..))));
    }

    #[cfg(unix)]
    #[test]
    fn path_keys_are_lossless() {
        use std::ffi::OsStr;
        use std::os::unix::ffi::OsStrExt;
        let key = |b: &[u8]| path_key(Path::new(OsStr::from_bytes(b)));
        assert_eq!(key("/글/a.txt".as_bytes()), "/글/a.txt");
        assert_eq!(key(b"/d/bad\xff\xfename.txt"), "/d/bad\\xFF\\xFEname.txt");
        assert_ne!(
            key(b"/d/bad\xff\xfename.txt"),
            key(b"/d/bad\xfe\xffname.txt")
        );
        // A name that spells an escape is not taken for the byte.
        assert_ne!(key(b"/d/\\xFF"), key(b"/d/\xff"));
        assert!(key_under("/d/sub/a.txt", "/d/sub"));
        assert!(key_under("/d/sub", "/d/sub/"));
        assert!(!key_under("/d/subway/a.txt", "/d/sub"));
    }
}
