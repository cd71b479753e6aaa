//! The shared encodings corpus (`../shared/corpus/encodings`): every file, decoded without a
//! forced encoding, gives exactly the text of its UTF-8 twin (itself passed through `decode`,
//! so byte order marks and line ends are normalised alike), in the encoding `manifest.json`
//! names.
//!
//! The manifest lists the Wikinews files; the CPython test files (`cpython_cjkencodings/`)
//! are not in it and are named after their encoding (`johab.txt`, twin `johab-utf8.txt`).
//! The manifest calls a file "cp949" whatever its bytes; one whose two-byte characters all lie
//! in the EUC-KR range (KS X 1001) is expected to be reported as EUC-KR.

use std::collections::{BTreeMap, HashSet};
use std::fs;
use std::path::{Path, PathBuf};

use kosearch::ingest::decode::{Decoded, Encoding, decode};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Manifest {
    /// `cp949_ok`, `euckr_ok`: how many articles could be written in each.
    stats: BTreeMap<String, usize>,
    files: Vec<ManifestFile>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ManifestFile {
    path: String,
    encoding: String,
    line_endings: String,
    source_docid: String,
}

/// One corpus file to check.
struct Case {
    path: String,
    twin: String,
    /// The label it is known by (manifest encoding, or the CPython file's name).
    label: String,
    encoding: Encoding,
    had_bom: bool,
    /// Whether the raw file has CR LF line ends, when the manifest says.
    crlf: Option<bool>,
}

fn corpus() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/corpus/encodings")
}

/// Whether every byte `>= 0x80` is part of a pair with both bytes in `A1..=FE`.
fn euc_kr_range_only(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            i += 1;
        } else if matches!(bytes.get(i..i + 2), Some(&[0xA1..=0xFE, 0xA1..=0xFE])) {
            i += 2;
        } else {
            return false;
        }
    }
    true
}

/// CP949 with only EUC-KR-range bytes is reported as EUC-KR.
fn narrow(encoding: Encoding, bytes: &[u8]) -> Encoding {
    if encoding == Encoding::Cp949 && euc_kr_range_only(bytes) {
        Encoding::EucKr
    } else {
        encoding
    }
}

fn read(dir: &Path, path: &str) -> Vec<u8> {
    fs::read(dir.join(path)).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// Every file under `dir`, relative, with `/` separators.
fn all_files(dir: &Path, prefix: &str, out: &mut Vec<String>) {
    let mut entries: Vec<_> = fs::read_dir(dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("directory entry"))
        .collect();
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name().to_string_lossy().into_owned();
        let rel = if prefix.is_empty() {
            name
        } else {
            format!("{prefix}/{name}")
        };
        if entry.file_type().expect("file type").is_dir() {
            all_files(&entry.path(), &rel, out);
        } else {
            out.push(rel);
        }
    }
}

/// The cases: the manifest's files, then the CPython files it leaves out.
fn cases(dir: &Path) -> Vec<Case> {
    let manifest: Manifest = serde_json::from_slice(&read(dir, "manifest.json"))
        .unwrap_or_else(|e| panic!("manifest.json: {e}"));
    for (stat, label) in [("cp949_ok", "cp949"), ("euckr_ok", "euc-kr")] {
        let listed = manifest
            .files
            .iter()
            .filter(|f| f.encoding == label)
            .count();
        assert_eq!(manifest.stats.get(stat), Some(&listed), "manifest {stat}");
    }
    let mut cases = Vec::new();
    for file in &manifest.files {
        let (encoding, had_bom) = match file.encoding.as_str() {
            "utf-8" => (Encoding::Utf8, false),
            "utf-8-sig" => (Encoding::Utf8, true),
            "utf-16 (LE, BOM)" => (Encoding::Utf16Le, true),
            "cp949" => (narrow(Encoding::Cp949, &read(dir, &file.path)), false),
            "euc-kr" => (Encoding::EucKr, false),
            other => panic!("{}: unknown manifest encoding {other:?}", file.path),
        };
        let crlf = match file.line_endings.as_str() {
            "CRLF" => Some(true),
            "LF" => Some(false),
            other => panic!("{}: unknown line endings {other:?}", file.path),
        };
        cases.push(Case {
            path: file.path.clone(),
            twin: format!("wikinews_transcoded/utf8/{}.txt", file.source_docid),
            label: file.encoding.clone(),
            encoding,
            had_bom,
            crlf,
        });
    }

    let listed: HashSet<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    let mut on_disk = Vec::new();
    all_files(dir, "", &mut on_disk);
    for path in on_disk {
        if path == "manifest.json" || path == "README.md" || listed.contains(path.as_str()) {
            continue;
        }
        let stem = path
            .strip_prefix("cpython_cjkencodings/")
            .and_then(|p| p.strip_suffix(".txt"))
            .unwrap_or_else(|| panic!("{path}: not in the manifest and not a CPython test file"));
        let (label, twin, encoding) = match stem.strip_suffix("-utf8") {
            Some(_) => ("utf-8", path.clone(), Encoding::Utf8),
            None => {
                let encoding = Encoding::from_name(stem)
                    .unwrap_or_else(|| panic!("{path}: no encoding named {stem:?}"));
                let twin = format!("cpython_cjkencodings/{stem}-utf8.txt");
                (stem, twin, narrow(encoding, &read(dir, &path)))
            }
        };
        let label = format!("cpython {label}");
        cases.push(Case {
            path,
            twin,
            label,
            encoding,
            had_bom: false,
            crlf: None,
        });
    }
    cases
}

#[test]
#[ignore = "reads ../shared/corpus/encodings beside the checkout; .ci/run runs it when present"]
fn every_corpus_file_decodes_to_its_utf8_twin() {
    let dir = corpus();
    assert!(dir.is_dir(), "{} not found", dir.display());
    let cases = cases(&dir);
    let mut failures = Vec::new();
    // (label, detected encoding) → count.
    let mut tally: BTreeMap<(String, &str), usize> = BTreeMap::new();
    let mut twins: BTreeMap<String, String> = BTreeMap::new();
    for case in &cases {
        let bytes = read(&dir, &case.path);
        let expected = match twins.get(&case.twin) {
            Some(text) => text.clone(),
            None => match decode(&read(&dir, &case.twin), None) {
                Ok(Decoded {
                    text,
                    encoding: Encoding::Utf8,
                    ..
                }) => {
                    twins.insert(case.twin.clone(), text.clone());
                    text
                }
                other => panic!("twin {}: {other:?}", case.twin),
            },
        };
        if let Some(crlf) = case.crlf {
            let has_cr = match case.encoding {
                Encoding::Utf16Le => bytes.windows(2).any(|w| w == b"\r\0"),
                _ => bytes.contains(&b'\r'),
            };
            if has_cr != crlf {
                failures.push(format!(
                    "{}: CR bytes {has_cr}, manifest CRLF {crlf}",
                    case.path
                ));
            }
        }
        match decode(&bytes, None) {
            Ok(decoded) => {
                *tally
                    .entry((case.label.clone(), decoded.encoding.name()))
                    .or_default() += 1;
                if (decoded.encoding, decoded.had_bom) != (case.encoding, case.had_bom) {
                    failures.push(format!(
                        "{}: detected {} (BOM {}), expected {} (BOM {})",
                        case.path, decoded.encoding, decoded.had_bom, case.encoding, case.had_bom
                    ));
                }
                if decoded.text != expected {
                    let at = decoded
                        .text
                        .char_indices()
                        .zip(expected.chars())
                        .find(|((_, a), b)| a != b)
                        .map_or(decoded.text.len().min(expected.len()), |((i, _), _)| i);
                    failures.push(format!(
                        "{}: text differs from {} at byte {at} ({} vs {} bytes)",
                        case.path,
                        case.twin,
                        decoded.text.len(),
                        expected.len()
                    ));
                }
            }
            Err(e) => failures.push(format!("{}: {e}", case.path)),
        }
        // Forcing the expected encoding gives the same text.
        match decode(&bytes, Some(case.encoding)) {
            Ok(decoded) if decoded.text == expected => {}
            Ok(_) => failures.push(format!(
                "{}: forced {}: text differs",
                case.path, case.encoding
            )),
            Err(e) => failures.push(format!("{}: forced: {e}", case.path)),
        }
    }

    println!(
        "checked {} files against {} UTF-8 twins:",
        cases.len(),
        twins.len()
    );
    for ((label, encoding), n) in &tally {
        println!("  {label:>18} → {encoding:<11} {n:>4}");
    }
    assert!(
        failures.is_empty(),
        "{} of {} files failed:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
    // The corpus as described in its README: 1,960 Wikinews files and 8 CPython files.
    assert_eq!(cases.len(), 1968);
}
