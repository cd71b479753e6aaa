//! The document readers (PDF, DOCX, HWPX, HWP) against the fixtures of `tests/documents/`,
//! written by `scripts/make-documents` from our own text with a gold sidecar each: the
//! text read must be the gold text, in order, with the gold title, author, date and pages;
//! and documents that cannot be read (scans, protected, damaged, bombs) fail with a reason,
//! quickly.

mod common;

use std::io::{Cursor, Write};
use std::time::Instant;

use kosearch::ingest::Format;
use kosearch::ingest::document::DocumentError;
use kosearch::ingest::parse::ParseOptions;
use kosearch::ingest::read::{Read, ReadError, read};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
struct Gold {
    title: Option<String>,
    author: Option<String>,
    date: Option<String>,
    paragraphs: Vec<GoldParagraph>,
    #[serde(default)]
    footnotes: Vec<String>,
}

#[derive(Debug, Deserialize)]
struct GoldParagraph {
    text: String,
    page: Option<u32>,
}

fn read_file(name: &str) -> Result<Read, ReadError> {
    let path = common::path("tests/documents").join(name);
    let bytes = std::fs::read(&path).unwrap();
    let format = Format::from_extension(path.extension().unwrap().to_str().unwrap()).unwrap();
    let stem = path.file_stem().unwrap().to_str().unwrap();
    read(bytes, format, None, stem, &ParseOptions::default())
}

/// `bytes` read as a file named `x` with the extension of `format`.
fn read_bytes(bytes: &[u8], format: Format) -> Result<Read, ReadError> {
    read(bytes.to_vec(), format, None, "x", &ParseOptions::default())
}

fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// Checks a document against its gold sidecar: metadata equal, the whole text equal but for
/// whitespace, every word in its gold paragraph, and each paragraph's page where the gold
/// has one.
fn check(file: &str, gold: &str, min_word_f1: f64) {
    let gold: Gold = serde_json::from_str(
        &std::fs::read_to_string(common::path("tests/documents").join(gold)).unwrap(),
    )
    .unwrap();
    let read = read_file(file).unwrap_or_else(|e| panic!("{file}: {e}"));
    assert_eq!(read.parsed.articles.len(), 1, "{file}");
    let a = &read.parsed.articles[0];
    assert_eq!(a.title, gold.title, "{file}: title");
    assert_eq!(a.author, gold.author, "{file}: author");
    assert_eq!(a.date, gold.date, "{file}: date");

    let mut want: Vec<&str> = gold.paragraphs.iter().map(|p| p.text.as_str()).collect();
    want.extend(gold.footnotes.iter().map(String::as_str));
    assert_eq!(
        squeeze(&a.paragraphs.join("")),
        squeeze(&want.join("")),
        "{file}: text"
    );
    // Words are not glued to their neighbours nor split: F1 over the words (whitespace
    // separated, as a multiset) of at least `min_word_f1`.
    let got: Vec<&str> = a.paragraphs.iter().map(String::as_str).collect();
    let f1 = word_f1(&got, &want);
    eprintln!("{file}: word F1 {f1:.4}");
    assert!(f1 >= min_word_f1, "{file}: word F1 {f1:.4}");

    if file.ends_with(".pdf") {
        assert_eq!(
            a.pages.len(),
            a.paragraphs.len(),
            "{file}: a page per paragraph"
        );
        for g in &gold.paragraphs {
            let Some(page) = g.page else { continue };
            let head: String = squeeze(&g.text).chars().take(20).collect();
            let i = a
                .paragraphs
                .iter()
                .position(|p| squeeze(p).contains(&head))
                .unwrap_or_else(|| panic!("{file}: no paragraph holds {head:?}"));
            assert_eq!(a.pages[i], page, "{file}: page of {head:?}");
        }
    } else {
        assert!(a.pages.is_empty(), "{file}: pages only for PDF");
    }
}

/// F1 of the words of `got` against those of `want`, each a multiset.
fn word_f1<'a>(got: &[&'a str], want: &[&'a str]) -> f64 {
    let count = |ps: &[&'a str]| {
        let mut m = std::collections::HashMap::<&'a str, usize>::new();
        for w in ps.iter().flat_map(|p| p.split_whitespace()) {
            *m.entry(w).or_default() += 1;
        }
        m
    };
    let (g, w) = (count(got), count(want));
    let common: usize = g
        .iter()
        .map(|(k, n)| (*n).min(w.get(k).copied().unwrap_or(0)))
        .sum();
    let (ng, nw): (usize, usize) = (g.values().sum(), w.values().sum());
    if common == 0 {
        return 0.0;
    }
    let (p, r) = (common as f64 / ng as f64, common as f64 / nw as f64);
    2.0 * p * r / (p + r)
}

#[test]
fn docx_body_tables_and_core_properties() {
    check("memo-slm.docx", "memo-slm.gold.json", 1.0);
}

#[test]
fn hwpx_sections_tables_and_footnotes() {
    check(
        "notice-gpu-cluster.hwpx",
        "notice-gpu-cluster.gold.json",
        1.0,
    );
}

/// A review memo written by scripts/make-hwp on a 한/글 file as its template: a running header
/// left out, a five-by-five table row by row, a footnote after the body, the summary's title,
/// author and creation date. (pyhwp's `hwp5txt` reads the same file alike.)
#[test]
fn hwp_review_with_header_table_and_footnote() {
    check(
        "review-finetune-cost.hwp",
        "review-finetune-cost.gold.json",
        1.0,
    );
}

/// fpdf2's output: a four-page report with a running header and page numbers.
#[test]
fn pdf_report_with_running_header_and_page_numbers() {
    check("report-gpu-2026.pdf", "report-gpu-2026.gold.json", 0.995);
}

/// LibreOffice's print of the DOCX memo: Hangul and Latin in different fonts, spaces
/// written apart from the letters, lines broken inside words.
#[test]
fn pdf_printed_by_an_office_suite() {
    check("memo-slm-print.pdf", "memo-slm-print.gold.json", 0.99);
}

/// An encrypted PDF that opens with the empty password (printing forbidden) is read; one
/// that needs a password is reported as such.
#[test]
fn encrypted_pdfs() {
    let r = read_file("encrypted-print-only.pdf").unwrap();
    assert_eq!(
        r.parsed.articles[0].paragraphs,
        ["인쇄와 복사만 막힌 보고서입니다. 검색은 됩니다."]
    );
    let err = read_file("encrypted-password.pdf").unwrap_err();
    assert!(
        matches!(err, ReadError::Document(DocumentError::Protected(_))),
        "{err}"
    );
    assert!(err.to_string().contains("password-protected PDF"), "{err}");
}

#[test]
fn a_scanned_pdf_is_reported_as_having_no_text() {
    let err = read_file("scan-no-text.pdf").unwrap_err();
    assert!(
        matches!(
            err,
            ReadError::Document(DocumentError::NoTextLayer { pages: 1 })
        ),
        "{err}"
    );
    assert!(err.to_string().contains("scanned"), "{err}");
}

#[test]
fn a_document_is_read_by_its_content_whatever_its_extension() {
    let bytes = std::fs::read(common::path("tests/documents/memo-slm.docx")).unwrap();
    let r = read(bytes, Format::Text, None, "memo", &ParseOptions::default()).unwrap();
    assert_eq!(r.format, Format::Docx);
    assert_eq!(r.encoding, None);

    let html = b"<html><body>404 Not Found</body></html>";
    let err = read_bytes(html, Format::Pdf).unwrap_err();
    assert!(matches!(
        err,
        ReadError::Document(DocumentError::NotThisFormat { .. })
    ));
    assert!(err.to_string().contains("not a pdf file"), "{err}");
    assert!(err.to_string().contains("starts with text"), "{err}");
}

fn zip_with(parts: &[(&str, &[u8])]) -> Vec<u8> {
    let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated);
    for (name, data) in parts {
        w.start_file(*name, options).unwrap();
        w.write_all(data).unwrap();
    }
    w.finish().unwrap().into_inner()
}

#[test]
fn a_zip_bomb_is_refused_when_it_passes_the_cap() {
    let huge = vec![b' '; 130 << 20];
    let bomb = zip_with(&[("word/document.xml", &huge)]);
    assert!(bomb.len() < 1 << 20, "{} bytes", bomb.len());
    drop(huge);
    let started = Instant::now();
    let err = read(bomb, Format::Docx, None, "bomb", &ParseOptions::default()).unwrap_err();
    assert!(
        matches!(err, ReadError::Document(DocumentError::Budget(_))),
        "{err}"
    );
    assert!(err.to_string().contains("zip bomb"), "{err}");
    eprintln!("refused in {:?}", started.elapsed());
}

#[test]
fn deep_nesting_and_broken_xml_fail_with_a_reason() {
    let deep = format!(
        "<w:document>{}{}</w:document>",
        "<w:p>".repeat(5_000),
        "</w:p>".repeat(5_000)
    );
    let docx = zip_with(&[("word/document.xml", deep.as_bytes())]);
    let err = read_bytes(&docx, Format::Docx).unwrap_err();
    assert!(err.to_string().contains("nested more than"), "{err}");

    let broken = zip_with(&[("word/document.xml", b"<w:document><w:p><w:t>\xff\xfe</w:t>")]);
    let err = read_bytes(&broken, Format::Docx).unwrap_err();
    assert!(err.to_string().contains("damaged docx file"), "{err}");

    let cut = std::fs::read(common::path("tests/documents/memo-slm.docx")).unwrap();
    let err = read_bytes(&cut[..cut.len() / 2], Format::Docx).unwrap_err();
    assert!(err.to_string().contains("docx"), "{err}");
}

#[test]
fn an_encrypted_hwpx_is_reported_as_protected() {
    let manifest = br#"<odf:manifest xmlns:odf="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0"><odf:file-entry odf:full-path="Contents/section0.xml" odf:media-type="application/xml"><odf:encryption-data odf:checksum-type="SHA1"/></odf:file-entry></odf:manifest>"#;
    let hwpx = zip_with(&[
        ("mimetype", b"application/hwp+zip"),
        ("META-INF/manifest.xml", manifest),
        ("Contents/content.hpf", b"<opf:package/>"),
        ("Contents/section0.xml", b"\x8f\x02\xff encrypted"),
    ]);
    let err = read_bytes(&hwpx, Format::Hwpx).unwrap_err();
    assert!(err.to_string().contains("배포용"), "{err}");
}

/// An HWP file: this `FileHeader` properties word (bit 0: compressed sections), one body
/// section holding `section`, and the summary information when given.
fn hwp_file(properties: u32, section: &[u8], summary: Option<&[u8]>) -> Vec<u8> {
    let mut ole = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    let mut header = vec![0u8; 256];
    header[..17].copy_from_slice(b"HWP Document File");
    header[32..36].copy_from_slice(&0x0501_0000u32.to_le_bytes());
    header[36..40].copy_from_slice(&properties.to_le_bytes());
    let put = |ole: &mut cfb::CompoundFile<Cursor<Vec<u8>>>, path: &str, data: &[u8]| {
        ole.create_stream(path).unwrap().write_all(data).unwrap();
    };
    put(&mut ole, "/FileHeader", &header);
    ole.create_storage("/BodyText").unwrap();
    put(&mut ole, "/BodyText/Section0", section);
    if let Some(summary) = summary {
        put(&mut ole, "/\u{5}HwpSummaryInformation", summary);
    }
    ole.flush().unwrap();
    ole.into_inner().into_inner()
}

/// An HWP file with this `FileHeader` properties word and one empty section.
fn hwp_with(properties: u32) -> Vec<u8> {
    hwp_file(properties, &[], None)
}

/// `data` as a raw deflate stream, as HWP sections are compressed.
fn deflated(data: &[u8], level: flate2::Compression) -> Vec<u8> {
    let mut encoder = flate2::write::DeflateEncoder::new(Vec::new(), level);
    encoder.write_all(data).unwrap();
    encoder.finish().unwrap()
}

#[test]
fn protected_hwp_is_reported_with_the_reason() {
    let err = read_bytes(&hwp_with(2), Format::Hwp).unwrap_err();
    assert!(err.to_string().contains("password-protected"), "{err}");
    let err = read_bytes(&hwp_with(4), Format::Hwp).unwrap_err();
    assert!(err.to_string().contains("배포용"), "{err}");
    // Readable but empty: a problem, not an article.
    let r = read_bytes(&hwp_with(0), Format::Hwp).unwrap();
    assert!(r.parsed.articles.is_empty());
    assert_eq!(r.parsed.problems.len(), 1);
}

/// HWP files saved by 한/글 itself (hwp-rs's test files, Apache-2.0): title and author from
/// the summary information, text boxes read.
#[test]
fn hwp_saved_by_hangul() {
    let r = read_file("hwp-rs/hello_world.hwp").unwrap();
    let a = &r.parsed.articles[0];
    assert_eq!(a.title.as_deref(), Some("Hello World"));
    assert_eq!(a.author.as_deref(), Some("hanlee"));
    assert_eq!(a.date.as_deref(), Some("2022-09-27"));
    assert_eq!(a.paragraphs, ["Hello World!"]);
    let r = read_file("hwp-rs/draw_text.hwp").unwrap();
    assert_eq!(r.parsed.articles[0].paragraphs, ["글상자1", "글상자2"]);
}

/// One record of an HWP section.
fn record(tag: u16, level: u16, payload: &[u8]) -> Vec<u8> {
    let head = u32::from(tag) | (u32::from(level) << 10) | ((payload.len() as u32) << 20);
    let mut out = head.to_le_bytes().to_vec();
    out.extend_from_slice(payload);
    out
}

fn para_text(s: &str) -> Vec<u8> {
    s.encode_utf16()
        .chain([13])
        .flat_map(|u| u.to_le_bytes())
        .collect()
}

fn control(id: &[u8; 4]) -> Vec<u8> {
    let mut p = u32::from_be_bytes(*id).to_le_bytes().to_vec();
    p.extend([0; 8]);
    p
}

/// A cell's list header: paragraph count, flags, then column and row.
fn cell(column: u16, row: u16) -> Vec<u8> {
    let mut p = vec![1, 0, 0, 0, 0, 0, 0, 0];
    p.extend(column.to_le_bytes());
    p.extend(row.to_le_bytes());
    p.extend([0; 20]);
    p
}

/// An `HwpSummaryInformation` property set with a title, an author and a creation time.
fn summary(title: &str, author: &str, created_filetime: u64) -> Vec<u8> {
    let wide = |s: &str| {
        let units: Vec<u16> = s.encode_utf16().chain([0]).collect();
        let mut v = 0x1Fu32.to_le_bytes().to_vec();
        v.extend((units.len() as u32).to_le_bytes());
        v.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        while !v.len().is_multiple_of(4) {
            v.push(0);
        }
        v
    };
    let mut time = 0x40u32.to_le_bytes().to_vec();
    time.extend(created_filetime.to_le_bytes());
    let values = [(2u32, wide(title)), (4, wide(author)), (12, time)];
    let mut section = Vec::new();
    let mut offset = 8 + 8 * values.len();
    let mut table = Vec::new();
    for (pid, v) in &values {
        table.extend(pid.to_le_bytes());
        table.extend((offset as u32).to_le_bytes());
        offset += v.len();
    }
    section.extend((offset as u32).to_le_bytes());
    section.extend((values.len() as u32).to_le_bytes());
    section.extend(table);
    for (_, v) in &values {
        section.extend(v);
    }
    let mut out = vec![0xFE, 0xFF, 0, 0, 0, 0, 0, 0];
    out.extend([0; 16]); // CLSID
    out.extend(1u32.to_le_bytes());
    out.extend([0; 16]); // FMTID
    out.extend(48u32.to_le_bytes());
    out.extend(section);
    out
}

/// An HWP 5.0 file laid out as 한/글 writes one: compressed sections, a paragraph holding a
/// table, a footnote and a running header, and the summary information.
#[test]
fn hwp_tables_footnotes_headers_and_summary() {
    let mut body = Vec::new();
    body.extend(record(66, 0, &[0; 22]));
    body.extend(record(67, 1, &para_text("클라우드 GPU 임대료 비교표")));
    body.extend(record(71, 1, &control(b"head")));
    body.extend(record(72, 2, &[0; 8]));
    body.extend(record(66, 2, &[0; 22]));
    body.extend(record(67, 3, &para_text("테크데일리 데이터팀 내부 자료")));
    body.extend(record(66, 0, &[0; 22]));
    body.extend(record(67, 1, &para_text("세 업체의 요금을 비교했다.")));
    body.extend(record(71, 1, &control(b"tbl ")));
    body.extend(record(77, 2, &[0; 24]));
    let rows = [
        ["업체", "온디맨드", "1년 예약"],
        ["하늘컴퓨트", "1만 200원", "6,900원"],
    ];
    for (r, row) in rows.iter().enumerate() {
        for (c, text) in row.iter().enumerate() {
            body.extend(record(72, 2, &cell(c as u16, r as u16)));
            body.extend(record(66, 2, &[0; 22]));
            body.extend(record(67, 3, &para_text(text)));
        }
    }
    body.extend(record(66, 0, &[0; 22]));
    body.extend(record(
        67,
        1,
        &para_text("예약형은 1년치를 한꺼번에 계약한다."),
    ));
    body.extend(record(71, 1, &control(b"fn  ")));
    body.extend(record(72, 2, &[0; 8]));
    body.extend(record(66, 2, &[0; 22]));
    body.extend(record(67, 3, &para_text("부가세를 뺀 시간당 가격이다.")));
    // 2026-02-20 09:00 UTC as a FILETIME (100 ns ticks since 1601).
    let created = (11_644_473_600u64 + 1_771_578_000) * 10_000_000;
    let summary = summary("클라우드 GPU 임대료 비교표", "테크데일리 데이터팀", created);
    let bytes = hwp_file(
        1,
        &deflated(&body, flate2::Compression::default()),
        Some(&summary),
    );

    // Named .txt, read by content.
    let r = read(bytes, Format::Text, None, "rent", &ParseOptions::default()).unwrap();
    assert_eq!(r.format, Format::Hwp);
    let a = &r.parsed.articles[0];
    assert_eq!(a.title.as_deref(), Some("클라우드 GPU 임대료 비교표"));
    assert_eq!(a.author.as_deref(), Some("테크데일리 데이터팀"));
    assert_eq!(a.date.as_deref(), Some("2026-02-20"));
    assert_eq!(
        a.paragraphs,
        [
            "클라우드 GPU 임대료 비교표",
            "세 업체의 요금을 비교했다.",
            "업체 온디맨드 1년 예약",
            "하늘컴퓨트 1만 200원 6,900원",
            "예약형은 1년치를 한꺼번에 계약한다.",
            "부가세를 뺀 시간당 가격이다."
        ]
    );

    // A section that inflates past the budget is refused, not read into memory.
    let mut bomb = flate2::write::DeflateEncoder::new(Vec::new(), flate2::Compression::best());
    let zeros = vec![0u8; 1 << 20];
    for _ in 0..600 {
        bomb.write_all(&zeros).unwrap();
    }
    let bomb = bomb.finish().unwrap();
    let err = read_bytes(&hwp_file(1, &bomb, None), Format::Hwp).unwrap_err();
    assert!(err.to_string().contains("zip bomb"), "{err}");
}

/// Damaged PDFs — cut in half, the cross-reference table overwritten, bytes scrambled in the
/// middle — are read as far as they can be or fail with a reason; none panics or hangs.
#[test]
fn damaged_pdfs_fail_with_a_reason_or_read_what_is_left() {
    let good = std::fs::read(common::path("tests/documents/report-gpu-2026.pdf")).unwrap();
    let mut xref = good.clone();
    if let Some(at) = xref.windows(4).rposition(|w| w == b"xref") {
        for b in &mut xref[at..(at + 400).min(good.len())] {
            *b = b'9';
        }
    }
    let mut scrambled = good.clone();
    let mid = good.len() / 2;
    for (i, b) in scrambled[mid..mid + 4096].iter_mut().enumerate() {
        *b = (i * 131 % 251) as u8;
    }
    for (what, bytes) in [
        ("cut in half", good[..good.len() / 2].to_vec()),
        ("xref overwritten", xref),
        ("scrambled", scrambled),
    ] {
        let started = Instant::now();
        match read_bytes(&bytes, Format::Pdf) {
            Ok(r) => eprintln!("{what}: read {} article(s)", r.parsed.articles.len()),
            Err(e) => {
                eprintln!("{what}: {e}");
                assert!(e.to_string().contains("pdf"), "{what}: {e}");
            }
        }
        assert!(started.elapsed().as_secs() < 20, "{what}: too slow");
    }
}

/// Damaged copies of every document fixture — bytes flipped, runs overwritten, cut short —
/// through the document fuzz target's body (which checks what an article promises) with
/// panics caught: none may panic or take long. A stand-in for fuzzing where cargo-fuzz is
/// not installed; `KOSEARCH_MUTATIONS` sets the copies per fixture (default 200).
#[test]
#[ignore = "minutes of work; run by hand"]
fn damaged_documents_never_panic_or_hang() {
    let per_file: usize = std::env::var("KOSEARCH_MUTATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(200);
    let seeds = kosearch::fuzz::seeds(&common::root()).unwrap();
    let mut state = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state
    };
    let (mut runs, mut slowest) = (0usize, std::time::Duration::ZERO);
    let mut panics = Vec::new();
    for (_, name, seed) in seeds.iter().filter(|(t, _, _)| *t == "document") {
        for _ in 0..per_file {
            let mut data = seed.clone();
            match next() % 3 {
                0 => {
                    for _ in 0..1 + next() % 16 {
                        let i = 1 + (next() as usize) % (data.len() - 1);
                        data[i] ^= 1 << (next() % 8);
                    }
                }
                1 => {
                    let start = 1 + (next() as usize) % (data.len() - 1);
                    let end = (start + 1 + (next() as usize) % 512).min(data.len());
                    for b in &mut data[start..end] {
                        *b = next() as u8;
                    }
                }
                _ => {
                    let keep = 1 + (next() as usize) % (data.len() - 1);
                    data.truncate(keep);
                }
            }
            let started = Instant::now();
            let outcome = std::panic::catch_unwind(|| kosearch::fuzz::document(&data));
            slowest = slowest.max(started.elapsed());
            runs += 1;
            if outcome.is_err() {
                panics.push(name.clone());
            }
        }
    }
    eprintln!(
        "{runs} damaged documents, slowest {slowest:?}, {} panics",
        panics.len()
    );
    assert!(panics.is_empty(), "panics on damaged copies of {panics:?}");
    assert!(slowest.as_secs() < 20, "slowest {slowest:?}");
}
