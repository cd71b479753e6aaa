//! HWP 5.0 (한글 binary documents): an OLE compound file whose `BodyText/Section<N>`
//! streams hold records, deflated when the `FileHeader` says so. Paragraph text records
//! are UTF-16 with inline controls; tables (`tbl `) are read row by row, footnotes and
//! endnotes (`fn  `, `en  `) after the body, running headers and footers (`head`, `foot`)
//! left out. Title, author and date come from the `HwpSummaryInformation` property set.
//! Password-protected and distribution-restricted (배포용) documents are reported as such:
//! their text is encrypted.

use std::io::Cursor;

use super::{DocumentError, MAX_INFLATED, read_capped};
use crate::ingest::{Article, Format};

/// The first bytes of every OLE compound file.
pub(super) const OLE_MAGIC: [u8; 8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
const SIGNATURE: &[u8] = b"HWP Document File";
const MAX_SECTIONS: usize = 10_000;

const TAG_PARA_TEXT: u16 = 67;
const TAG_CTRL_HEADER: u16 = 71;
const TAG_LIST_HEADER: u16 = 72;

/// Whether an OLE compound file is an HWP document (has a `FileHeader` with the signature).
pub(super) fn is_hwp(bytes: &[u8]) -> bool {
    cfb::CompoundFile::open(Cursor::new(bytes))
        .ok()
        .and_then(|mut c| stream(&mut c, "/FileHeader", 256).ok())
        .is_some_and(|h| h.starts_with(SIGNATURE))
}

type Ole<'a> = cfb::CompoundFile<Cursor<&'a [u8]>>;

fn damaged(reason: impl std::fmt::Display) -> DocumentError {
    DocumentError::damaged(Format::Hwp, reason)
}

/// Reads at most `cap` bytes of a stream; more is an error.
fn stream(ole: &mut Ole<'_>, path: &str, cap: u64) -> Result<Vec<u8>, DocumentError> {
    let s = ole
        .open_stream(path)
        .map_err(|e| damaged(format!("{path}: {e}")))?;
    read_capped(s, cap)
        .map_err(|e| damaged(format!("{path}: {e}")))?
        .ok_or_else(|| DocumentError::Budget(format!("{path} is larger than {} MiB", cap >> 20)))
}

/// Reads an HWP 5.0 file.
pub(super) fn read(bytes: &[u8]) -> Result<Article, DocumentError> {
    let mut ole = cfb::CompoundFile::open(Cursor::new(bytes))
        .map_err(|e| damaged(format!("not a readable OLE compound file: {e}")))?;
    let header = stream(&mut ole, "/FileHeader", 4096)?;
    if !header.starts_with(SIGNATURE) || header.len() < 40 {
        return Err(DocumentError::NotThisFormat {
            expected: "HWP",
            found: "an OLE compound file without the HWP signature (a .doc, .xls or .ppt?)"
                .to_string(),
        });
    }
    let properties = u32::from_le_bytes([header[36], header[37], header[38], header[39]]);
    let compressed = properties & 1 != 0;
    if properties & 2 != 0 {
        return Err(DocumentError::Protected(
            "password-protected HWP document: its text is encrypted".to_string(),
        ));
    }
    if properties & 4 != 0 {
        return Err(DocumentError::Protected(
            "distribution-restricted (배포용) HWP document: its text is encrypted".to_string(),
        ));
    }

    let mut sections: Vec<(u32, String)> = match ole.read_storage("/BodyText") {
        Ok(entries) => entries
            .filter(|e| e.is_stream())
            .filter_map(|e| {
                let n = e.name().strip_prefix("Section")?.parse().ok()?;
                Some((n, e.path().to_string_lossy().into_owned()))
            })
            .take(MAX_SECTIONS + 1)
            .collect(),
        Err(_) => return Err(damaged("no BodyText storage")),
    };
    if sections.len() > MAX_SECTIONS {
        return Err(DocumentError::Budget(format!(
            "more than {MAX_SECTIONS} sections"
        )));
    }
    sections.sort();
    let mut body = Body::default();
    let mut inflated = 0u64;
    for (_, path) in &sections {
        let left = MAX_INFLATED.saturating_sub(inflated);
        let raw = stream(&mut ole, path, left)?;
        let data = if compressed {
            read_capped(flate2::read::DeflateDecoder::new(&raw[..]), left)
                .map_err(|e| damaged(format!("{path}: {e}")))?
                .ok_or_else(|| {
                    DocumentError::Budget(format!(
                        "{path} inflates past {} MiB (a zip bomb?)",
                        left >> 20
                    ))
                })?
        } else {
            raw
        };
        inflated += data.len() as u64;
        body.section(&data)
            .map_err(|e| damaged(format!("{path}: {e}")))?;
    }
    let mut article = Article {
        paragraphs: body.paragraphs,
        ..Article::default()
    };
    article.paragraphs.extend(body.notes);
    if let Ok(summary) = stream(&mut ole, "/\u{5}HwpSummaryInformation", 1 << 20) {
        let props = summary::read(&summary);
        article.title = props.title;
        article.author = props.author;
        article.date = props.created;
    }
    Ok(article)
}

/// What a control is, for where its paragraphs go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Control {
    Table,
    Note,
    HeaderFooter,
    Other,
}

/// The paragraphs of the body, as the sections' records are read.
#[derive(Debug, Default)]
struct Body {
    paragraphs: Vec<String>,
    notes: Vec<String>,
    /// Open controls: record level, kind, and for tables the current row and its text.
    open: Vec<(u16, Control, Option<u16>, String)>,
}

impl Body {
    fn section(&mut self, data: &[u8]) -> Result<(), String> {
        let mut at = 0;
        while at + 4 <= data.len() {
            let head = u32::from_le_bytes([data[at], data[at + 1], data[at + 2], data[at + 3]]);
            at += 4;
            let tag = (head & 0x3FF) as u16;
            let level = ((head >> 10) & 0x3FF) as u16;
            let mut size = (head >> 20) as usize;
            if size == 0xFFF {
                let Some(b) = data.get(at..at + 4) else {
                    return Err(format!("record cut short at byte {at}"));
                };
                size = u32::from_le_bytes([b[0], b[1], b[2], b[3]]) as usize;
                at += 4;
            }
            let Some(payload) = data.get(at..at.saturating_add(size)) else {
                return Err(format!(
                    "record of {size} bytes runs past the end at byte {at}"
                ));
            };
            at += size;
            self.record(tag, level, payload);
        }
        self.close_to(0);
        Ok(())
    }

    /// Closes the controls a record at `level` is not inside of.
    fn close_to(&mut self, level: u16) {
        while self.open.last().is_some_and(|c| c.0 >= level) {
            let (_, kind, _, row) = self.open.pop().expect("checked");
            if kind == Control::Table {
                self.emit(row);
            }
        }
    }

    fn record(&mut self, tag: u16, level: u16, payload: &[u8]) {
        self.close_to(level);
        match tag {
            TAG_CTRL_HEADER => {
                let id = payload
                    .get(..4)
                    .map(|b| u32::from_le_bytes([b[0], b[1], b[2], b[3]]).to_be_bytes());
                let kind = match id.as_ref().map(|b| &b[..]) {
                    Some(b"tbl ") => Control::Table,
                    Some(b"fn  ") | Some(b"en  ") => Control::Note,
                    Some(b"head") | Some(b"foot") => Control::HeaderFooter,
                    _ => Control::Other,
                };
                self.open.push((level, kind, None, String::new()));
            }
            TAG_LIST_HEADER => {
                // A table cell's list header: paragraph count, flags, then the cell's
                // column and row.
                let row = payload
                    .get(10..12)
                    .map(|b| u16::from_le_bytes([b[0], b[1]]));
                if let Some((_, Control::Table, current, text)) = self.open.last_mut()
                    && row.is_some()
                    && *current != row
                {
                    let finished = std::mem::take(text);
                    *current = row;
                    self.emit(finished);
                }
            }
            TAG_PARA_TEXT => {
                let text = para_text(payload);
                if self.open.iter().any(|c| c.1 == Control::HeaderFooter) {
                    return;
                }
                match self.open.last_mut() {
                    Some((_, Control::Table, _, row)) => {
                        let text = text.trim();
                        if !text.is_empty() {
                            if !row.is_empty() {
                                row.push(' ');
                            }
                            row.push_str(text);
                        }
                    }
                    _ => self.emit(text),
                }
            }
            _ => {}
        }
    }

    fn emit(&mut self, text: String) {
        if text.trim().is_empty() {
            return;
        }
        if self.open.iter().any(|c| c.1 == Control::Note) {
            self.notes.push(text);
        } else {
            self.paragraphs.push(text);
        }
    }
}

/// The text of a PARA_TEXT record: UTF-16LE with control characters, some of which
/// (extended and inline controls) take 8 code units.
fn para_text(payload: &[u8]) -> String {
    let units: Vec<u16> = payload
        .chunks_exact(2)
        .map(|b| u16::from_le_bytes([b[0], b[1]]))
        .collect();
    let mut kept = Vec::with_capacity(units.len());
    let mut i = 0;
    while i < units.len() {
        let u = units[i];
        match u {
            // Tab (an inline control of 8 units).
            9 => {
                kept.push(u16::from(b' '));
                i += 8;
            }
            // Extended and inline controls: 8 units each.
            1..=8 | 11 | 12 | 14..=23 => i += 8,
            // Line and paragraph breaks, hyphen, spaces: one unit.
            10 | 13 | 24..=31 => {
                if u == 10 || u >= 30 {
                    kept.push(u16::from(b' '));
                }
                i += 1;
            }
            0 => i += 1,
            _ => {
                kept.push(u);
                i += 1;
            }
        }
    }
    String::from_utf16_lossy(&kept)
}

mod summary {
    //! The OLE property set of `HwpSummaryInformation` (MS-OLEPS): title, author and
    //! creation time.

    /// What the summary holds.
    #[derive(Debug, Default)]
    pub(super) struct Summary {
        pub title: Option<String>,
        pub author: Option<String>,
        pub created: Option<String>,
    }

    const PID_TITLE: u32 = 2;
    const PID_AUTHOR: u32 = 4;
    const PID_CREATED: u32 = 12;

    fn u32_at(b: &[u8], at: usize) -> Option<u32> {
        let s = b.get(at..at.checked_add(4)?)?;
        Some(u32::from_le_bytes([s[0], s[1], s[2], s[3]]))
    }

    /// Reads the first property section; a damaged one yields what could be read.
    pub(super) fn read(b: &[u8]) -> Summary {
        let mut out = Summary::default();
        // Header: 28 bytes, then the first section's FMTID (16) and offset (4).
        let Some(section) = u32_at(b, 44).map(|o| o as usize) else {
            return out;
        };
        let Some(count) = u32_at(b, section + 4) else {
            return out;
        };
        for i in 0..(count as usize).min(256) {
            let entry = section + 8 + i * 8;
            let (Some(pid), Some(offset)) = (u32_at(b, entry), u32_at(b, entry + 4)) else {
                break;
            };
            let at = section + offset as usize;
            let value = match u32_at(b, at) {
                Some(0x1F) => wide_string(b, at + 4),
                Some(0x40) => filetime(b, at + 4),
                _ => None,
            };
            match pid {
                PID_TITLE => out.title = value,
                PID_AUTHOR => out.author = value,
                PID_CREATED => out.created = value,
                _ => {}
            }
        }
        out
    }

    /// A VT_LPWSTR: a count of UTF-16 units (with the final NUL), then the units.
    fn wide_string(b: &[u8], at: usize) -> Option<String> {
        let n = u32_at(b, at)? as usize;
        let bytes = b.get(at + 4..at + 4 + n.checked_mul(2)?)?;
        let units: Vec<u16> = bytes
            .chunks_exact(2)
            .map(|c| u16::from_le_bytes([c[0], c[1]]))
            .take_while(|&u| u != 0)
            .collect();
        Some(String::from_utf16_lossy(&units)).filter(|s| !s.trim().is_empty())
    }

    /// A VT_FILETIME as `YYYY-MM-DD` (UTC).
    fn filetime(b: &[u8], at: usize) -> Option<String> {
        let lo = u64::from(u32_at(b, at)?);
        let hi = u64::from(u32_at(b, at + 4)?);
        let ticks = (hi << 32) | lo;
        // 100 ns ticks since 1601-01-01; days since then.
        let days = (ticks / 10_000_000 / 86_400) as i64;
        if days == 0 {
            return None;
        }
        // Days from 1601-01-01 to 1970-01-01: 134,774.
        let (y, m, d) = crate::ingest::text::date::civil_from_days(days - 134_774);
        (1900..=2200)
            .contains(&y)
            .then(|| format!("{y:04}-{m:02}-{d:02}"))
    }

    #[cfg(test)]
    mod tests {
        #[test]
        fn filetimes_to_dates() {
            // 2026-03-04 00:00 UTC: 20,516 days after 1970-01-01, in 100 ns ticks since 1601.
            let ticks = (134_774u64 + 20_516) * 86_400 * 10_000_000;
            let mut b = ticks.to_le_bytes().to_vec();
            b.extend([0; 4]);
            assert_eq!(super::filetime(&b, 0).as_deref(), Some("2026-03-04"));
            assert_eq!(super::filetime(&[0; 8], 0), None);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn units(s: &[u16]) -> Vec<u8> {
        s.iter().flat_map(|u| u.to_le_bytes()).collect()
    }

    #[test]
    fn para_text_drops_controls_and_keeps_tabs_as_spaces() {
        let mut t: Vec<u16> = "표".encode_utf16().collect();
        // An extended control (a table) takes 8 units.
        t.extend([11, 0x6c74, 0x2062, 0, 0, 0, 0, 11]);
        t.extend("앞".encode_utf16());
        t.extend([9, 0, 0, 0, 0, 0, 0, 9]);
        t.extend("뒤".encode_utf16());
        t.push(13);
        assert_eq!(para_text(&units(&t)), "표앞 뒤");
    }

    fn record(tag: u16, level: u16, payload: &[u8]) -> Vec<u8> {
        let head = u32::from(tag) | (u32::from(level) << 10) | ((payload.len() as u32) << 20);
        let mut out = head.to_le_bytes().to_vec();
        out.extend_from_slice(payload);
        out
    }

    fn ctrl(id: &[u8; 4]) -> Vec<u8> {
        u32::from_be_bytes(*id).to_le_bytes().to_vec()
    }

    fn cell(row: u16) -> Vec<u8> {
        let mut p = vec![0u8; 10];
        p.extend(row.to_le_bytes());
        p.extend([0; 20]);
        p
    }

    fn text(s: &str) -> Vec<u8> {
        units(&s.encode_utf16().chain([13]).collect::<Vec<_>>())
    }

    #[test]
    fn tables_read_by_row_notes_after_and_headers_left_out() {
        let mut data = Vec::new();
        data.extend(record(TAG_PARA_TEXT, 1, &text("본문 첫 문단")));
        data.extend(record(TAG_CTRL_HEADER, 1, &ctrl(b"head")));
        data.extend(record(TAG_PARA_TEXT, 3, &text("머리말")));
        data.extend(record(TAG_CTRL_HEADER, 1, &ctrl(b"tbl ")));
        for (row, cells) in [(0, ["모델", "GPU"]), (1, ["기본형", "1장"])] {
            for c in cells {
                data.extend(record(TAG_LIST_HEADER, 2, &cell(row)));
                data.extend(record(TAG_PARA_TEXT, 3, &text(c)));
            }
        }
        data.extend(record(TAG_PARA_TEXT, 1, &text("둘째 문단")));
        data.extend(record(TAG_CTRL_HEADER, 2, &ctrl(b"fn  ")));
        data.extend(record(TAG_PARA_TEXT, 4, &text("각주 내용")));
        data.extend(record(TAG_PARA_TEXT, 1, &text("셋째 문단")));
        let mut body = Body::default();
        body.section(&data).unwrap();
        assert_eq!(
            body.paragraphs,
            [
                "본문 첫 문단",
                "모델 GPU",
                "기본형 1장",
                "둘째 문단",
                "셋째 문단"
            ]
        );
        assert_eq!(body.notes, ["각주 내용"]);
    }

    #[test]
    fn a_record_running_past_the_end_is_an_error() {
        let mut data = record(TAG_PARA_TEXT, 1, &text("문단"));
        data.truncate(data.len() - 2);
        let err = Body::default().section(&data).unwrap_err();
        assert!(err.contains("runs past the end"), "{err}");
    }
}
