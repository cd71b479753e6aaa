//! Writes an HWP 5.0 document from a JSON description, on a document saved by 한/글 as its
//! template: `make-hwp TEMPLATE.hwp SPEC.json OUT.hwp`.
//!
//! Nothing on crates.io or PyPI writes HWP 5.0 with tables, footnotes, running headers and
//! summary information (the one writer found puts tables down as plain paragraphs and no
//! summary), so this lays out the records itself, following Hancom's published format
//! (한글 문서 파일 형식 5.0) as pyhwp reads it:
//! - `FileHeader` and `DocInfo` (fonts, character and paragraph shapes, border fills) are the
//!   template's, unchanged, so every shape id the body uses exists;
//! - the first paragraph keeps the template's section and column definitions;
//! - `BodyText/Section0` is written anew, raw-deflated as 한/글 stores it;
//! - `\u{5}HwpSummaryInformation` holds the title, author and times;
//! - `PrvText` holds the text's opening; the template's preview image is left out.
//!
//! SPEC: `{"title", "author", "created": "YYYY-MM-DDTHH:MM:SSZ", "date_text": the date as
//! 한/글 writes it in words, "header": text or null,
//! "blocks": [{"p": text, "footnote": text?} | {"table": [[cell, …], …]}]}`.

use std::io::{Cursor, Read, Write};

use serde_json::Value;

const PARA_HEADER: u16 = 66;
const PARA_TEXT: u16 = 67;
const PARA_CHAR_SHAPE: u16 = 68;
const PARA_LINE_SEG: u16 = 69;
const CTRL_HEADER: u16 = 71;
const LIST_HEADER: u16 = 72;
const TABLE: u16 = 77;

/// The control characters of the inline objects used here, and their ids.
const TABLE_CHAR: u16 = 11;
const HEADER_CHAR: u16 = 16;
const FOOTNOTE_CHAR: u16 = 17;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let [template, spec, out] = args.as_slice() else {
        eprintln!("usage: make-hwp TEMPLATE.hwp SPEC.json OUT.hwp");
        std::process::exit(2);
    };
    let spec: Value =
        serde_json::from_str(&std::fs::read_to_string(spec).expect("spec")).expect("spec is JSON");
    let bytes = write(template, &spec);
    std::fs::write(out, bytes).expect("write the output");
}

/// One record: its header word (tag, level, size; an extended size past 4094 bytes), then
/// its payload.
fn record(out: &mut Vec<u8>, tag: u16, level: u16, payload: &[u8]) {
    let size = payload.len() as u32;
    let head = u32::from(tag) | (u32::from(level) << 10) | (size.min(0xFFF) << 20);
    out.extend(head.to_le_bytes());
    if size >= 0xFFF {
        out.extend(size.to_le_bytes());
    }
    out.extend(payload);
}

/// The records of a stream, as (tag, level, payload).
fn records(data: &[u8]) -> Vec<(u16, u16, Vec<u8>)> {
    let mut out = Vec::new();
    let mut at = 0;
    while at + 4 <= data.len() {
        let head = u32::from_le_bytes(data[at..at + 4].try_into().unwrap());
        at += 4;
        let mut size = (head >> 20) as usize;
        if size == 0xFFF {
            size = u32::from_le_bytes(data[at..at + 4].try_into().unwrap()) as usize;
            at += 4;
        }
        let tag = (head & 0x3FF) as u16;
        let level = ((head >> 10) & 0x3FF) as u16;
        out.push((tag, level, data[at..at + size].to_vec()));
        at += size;
    }
    out
}

fn utf16(s: &str) -> Vec<u8> {
    s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect()
}

/// An extended control character in a paragraph's text: 8 code units, the character, the
/// control's id and the character again.
fn control_char(ch: u16, id: &[u8; 4]) -> Vec<u8> {
    let mut v = ch.to_le_bytes().to_vec();
    v.extend(u32::from_be_bytes(*id).to_le_bytes());
    v.extend([0; 8]);
    v.extend(ch.to_le_bytes());
    v
}

/// The template paragraph's header fields past the character count and control mask
/// (shape ids, counts, instance id), with its break type cleared.
struct Shape {
    rest: Vec<u8>,
    char_shape: Vec<u8>,
    line_seg: Vec<u8>,
}

impl Shape {
    /// A paragraph of `text` (a run of UTF-16LE code units, controls included) at `level`,
    /// the last of its list or not, with the inline objects of `mask`.
    fn paragraph(&self, out: &mut Vec<u8>, level: u16, text: &[u8], mask: u32, last: bool) {
        let units = text.len() as u32 / 2 + 1;
        let mut head = (units | if last { 0x8000_0000 } else { 0 })
            .to_le_bytes()
            .to_vec();
        head.extend(mask.to_le_bytes());
        head.extend(&self.rest);
        record(out, PARA_HEADER, level, &head);
        let mut body = text.to_vec();
        body.extend(13u16.to_le_bytes());
        record(out, PARA_TEXT, level + 1, &body);
        record(out, PARA_CHAR_SHAPE, level + 1, &self.char_shape);
        record(out, PARA_LINE_SEG, level + 1, &self.line_seg);
    }
}

/// A list header's first fields: its paragraph count and flags.
fn list_header(paragraphs: u16) -> Vec<u8> {
    let mut v = paragraphs.to_le_bytes().to_vec();
    v.extend([0; 2]);
    v.extend(0u32.to_le_bytes());
    v
}

fn write(template: &str, spec: &Value) -> Vec<u8> {
    let mut src = cfb::open(template).expect("open the template");
    let mut stream = |path: &str| {
        let mut v = Vec::new();
        src.open_stream(path)
            .unwrap_or_else(|e| panic!("{path}: {e}"))
            .read_to_end(&mut v)
            .unwrap();
        v
    };
    let header = stream("/FileHeader");
    assert_eq!(header[36] & 1, 1, "the template's sections are compressed");
    let doc_info = stream("/DocInfo");
    let mut section = Vec::new();
    flate2::read::DeflateDecoder::new(&stream("/BodyText/Section0")[..])
        .read_to_end(&mut section)
        .unwrap();
    let link_doc = stream("/DocOptions/_LinkDoc");
    let template_summary = stream("/\u{5}HwpSummaryInformation");
    let scripts = [
        stream("/Scripts/DefaultJScript"),
        stream("/Scripts/JScriptVersion"),
    ];

    // The template's first paragraph: its header, shapes, and the section/column controls.
    let first = records(&section);
    let (tag, _, head) = &first[0];
    assert_eq!(*tag, PARA_HEADER);
    let mut rest = head[8..].to_vec();
    rest[3] = 0; // no page or column break before the others
    let find = |t: u16| first.iter().find(|r| r.0 == t).unwrap().2.clone();
    let shape = Shape {
        rest,
        char_shape: find(PARA_CHAR_SHAPE),
        line_seg: find(PARA_LINE_SEG),
    };
    let old_text = find(PARA_TEXT);
    let controls = &old_text[..32]; // secd and cold, 8 code units each
    let section_controls: Vec<_> = first.iter().filter(|r| r.0 >= CTRL_HEADER).collect();

    let text = |v: &Value| v.as_str().expect("text").to_string();
    let title = text(&spec["title"]);
    let blocks = spec["blocks"].as_array().expect("blocks");
    let mut body = Vec::new();

    // The title, carrying the section definition and the running header.
    let mut t = controls.to_vec();
    let mut mask = 1 << 2;
    let header_text = spec["header"].as_str();
    if header_text.is_some() {
        t.extend(control_char(HEADER_CHAR, b"head"));
        mask |= 1 << HEADER_CHAR;
    }
    t.extend(utf16(&title));
    shape.paragraph(&mut body, 0, &t, mask, blocks.is_empty());
    for (tag, level, payload) in &section_controls {
        record(&mut body, *tag, *level, payload);
    }
    if let Some(h) = header_text {
        record(&mut body, CTRL_HEADER, 1, &header_control());
        let mut list = list_header(1);
        list.extend(42_520u32.to_le_bytes()); // text width (A4 less margins)
        list.extend(4_252u32.to_le_bytes()); // header height
        list.extend([0, 0]);
        record(&mut body, LIST_HEADER, 2, &list);
        shape.paragraph(&mut body, 2, &utf16(h), 0, true);
    }

    for (i, block) in blocks.iter().enumerate() {
        let last = i + 1 == blocks.len();
        if let Some(rows) = block.get("table") {
            table(&mut body, &shape, rows, last);
            continue;
        }
        let mut t = utf16(&text(&block["p"]));
        let note = block.get("footnote").map(text);
        let mask = if note.is_some() {
            t.extend(control_char(FOOTNOTE_CHAR, b"fn  "));
            1 << FOOTNOTE_CHAR
        } else {
            0
        };
        shape.paragraph(&mut body, 0, &t, mask, last);
        if let Some(note) = note {
            let mut c = u32::from_be_bytes(*b"fn  ").to_le_bytes().to_vec();
            c.extend(1u32.to_le_bytes()); // the note's number
            c.extend([0; 12]);
            record(&mut body, CTRL_HEADER, 1, &c);
            record(&mut body, LIST_HEADER, 2, &list_header(1));
            shape.paragraph(&mut body, 2, &utf16(&note), 0, true);
        }
    }

    let mut compressed = flate2::write::DeflateEncoder::new(Vec::new(), Default::default());
    compressed.write_all(&body).unwrap();
    let compressed = compressed.finish().unwrap();

    let plain: String = blocks
        .iter()
        .filter_map(|b| b.get("p").and_then(Value::as_str))
        .collect::<Vec<_>>()
        .join("\r\n");
    let preview: String = format!("{title}\r\n{plain}").chars().take(1000).collect();
    let mut prv = utf16(&preview);
    prv.extend([0, 0]);

    let created = filetime(spec["created"].as_str().expect("created"));
    let mut ole = cfb::CompoundFile::create(Cursor::new(Vec::new())).unwrap();
    for storage in ["/BodyText", "/DocOptions", "/Scripts"] {
        ole.create_storage(storage).unwrap();
    }
    let mut put = |path: &str, data: &[u8]| {
        ole.create_stream(path).unwrap().write_all(data).unwrap();
    };
    put("/FileHeader", &header);
    put("/DocInfo", &doc_info);
    put(
        "/\u{5}HwpSummaryInformation",
        &summary(&template_summary, spec, created),
    );
    put("/PrvText", &prv);
    put("/BodyText/Section0", &compressed);
    put("/DocOptions/_LinkDoc", &link_doc);
    put("/Scripts/DefaultJScript", &scripts[0]);
    put("/Scripts/JScriptVersion", &scripts[1]);
    // The storages' times are the document's, so that writing it again changes no byte.
    let when = std::time::UNIX_EPOCH
        + std::time::Duration::from_secs(created / 10_000_000 - 11_644_473_600);
    for storage in ["/", "/BodyText", "/DocOptions", "/Scripts"] {
        ole.set_created_time(storage, when).unwrap();
        ole.set_modified_time(storage, when).unwrap();
    }
    ole.flush().unwrap();
    ole.into_inner().into_inner()
}

/// A running header's control: its id and "on every page".
fn header_control() -> Vec<u8> {
    let mut c = u32::from_be_bytes(*b"head").to_le_bytes().to_vec();
    c.extend(0u32.to_le_bytes());
    c
}

/// A paragraph holding one table: the control, its table record, then each cell's list
/// header and paragraph, row by row.
fn table(body: &mut Vec<u8>, shape: &Shape, rows: &Value, last: bool) {
    let rows: Vec<Vec<String>> = rows
        .as_array()
        .expect("table rows")
        .iter()
        .map(|r| {
            r.as_array()
                .expect("table row")
                .iter()
                .map(|c| c.as_str().expect("cell").to_string())
                .collect()
        })
        .collect();
    let (n_rows, n_cols) = (rows.len() as u16, rows[0].len() as u16);
    let width: u32 = 42_520;
    let cell_width = width / u32::from(n_cols);
    let cell_height: u32 = 1_282;
    shape.paragraph(
        body,
        0,
        &control_char(TABLE_CHAR, b"tbl "),
        1 << TABLE_CHAR,
        last,
    );

    // The object's common properties: treated as a character, sized absolutely.
    let mut c = u32::from_be_bytes(*b"tbl ").to_le_bytes().to_vec();
    let flags: u32 = 1 | (1 << 2) | (2 << 3) | (3 << 8) | (4 << 15) | (2 << 18) | (2 << 26);
    c.extend(flags.to_le_bytes());
    c.extend(0i32.to_le_bytes()); // y
    c.extend(0i32.to_le_bytes()); // x
    c.extend(width.to_le_bytes());
    c.extend((cell_height * u32::from(n_rows)).to_le_bytes());
    c.extend(0i16.to_le_bytes()); // z-order
    c.extend(0i16.to_le_bytes());
    c.extend([141u16, 141, 141, 141].iter().flat_map(|m| m.to_le_bytes())); // outer margins
    c.extend(0x7C15_0001u32.to_le_bytes()); // instance id
    c.extend(0i16.to_le_bytes());
    c.extend(0u16.to_le_bytes()); // no description
    record(body, CTRL_HEADER, 1, &c);

    let mut t = 0u32.to_le_bytes().to_vec(); // no page split, no repeated header row
    t.extend(n_rows.to_le_bytes());
    t.extend(n_cols.to_le_bytes());
    t.extend(0u16.to_le_bytes()); // cell spacing
    t.extend([510u16, 510, 141, 141].iter().flat_map(|m| m.to_le_bytes())); // cell padding
    for _ in 0..n_rows {
        t.extend(n_cols.to_le_bytes());
    }
    t.extend(1u16.to_le_bytes()); // border fill
    t.extend(0u16.to_le_bytes()); // no zones
    record(body, TABLE, 2, &t);

    for (r, row) in rows.iter().enumerate() {
        assert_eq!(row.len() as u16, n_cols, "every row has as many cells");
        for (col, text) in row.iter().enumerate() {
            let mut l = list_header(1);
            l.extend((col as u16).to_le_bytes());
            l.extend((r as u16).to_le_bytes());
            l.extend(1u16.to_le_bytes()); // column span
            l.extend(1u16.to_le_bytes()); // row span
            l.extend(cell_width.to_le_bytes());
            l.extend(cell_height.to_le_bytes());
            l.extend([510u16, 510, 141, 141].iter().flat_map(|m| m.to_le_bytes()));
            l.extend(1u16.to_le_bytes()); // border fill
            l.extend(cell_width.to_le_bytes());
            record(body, LIST_HEADER, 2, &l);
            shape.paragraph(body, 2, &utf16(text), 0, true);
        }
    }
}

/// The summary information property set, laid out as the template's: its dictionary, title,
/// author, the date as text, created and saved times, and the rest empty.
fn summary(template: &[u8], spec: &Value, created: u64) -> Vec<u8> {
    let wide = |s: &str| {
        let units: Vec<u16> = s.encode_utf16().chain([0]).collect();
        let mut v = 0x1Fu32.to_le_bytes().to_vec(); // VT_LPWSTR
        v.extend((units.len() as u32).to_le_bytes());
        v.extend(units.iter().flat_map(|u| u.to_le_bytes()));
        while !v.len().is_multiple_of(4) {
            v.push(0);
        }
        v
    };
    let time = |t: u64| {
        let mut v = 0x40u32.to_le_bytes().to_vec(); // VT_FILETIME
        v.extend(t.to_le_bytes());
        v
    };
    let author = spec["author"].as_str().expect("author");
    let int = |n: u32| {
        let mut v = 0x3u32.to_le_bytes().to_vec(); // VT_I4
        v.extend(n.to_le_bytes());
        v
    };
    let text = |key: &str| spec[key].as_str().unwrap_or_default();
    // Every property 한/글 writes, in its order: readers look each one up.
    let values = [
        (0u32, dictionary(template)),
        (2, wide(text("title"))),
        (3, wide("")),
        (4, wide(author)),
        (20, wide(text("date_text"))),
        (5, wide("")),
        (6, wide("")),
        (8, wide(author)),
        (9, wide("")),
        (12, time(created)),
        (13, time(created)),
        (11, time(0)),
        (14, int(0)),
        (21, int(0)),
    ];
    let mut offset = 8 + 8 * values.len();
    let mut table = Vec::new();
    for (pid, v) in &values {
        table.extend(pid.to_le_bytes());
        table.extend((offset as u32).to_le_bytes());
        offset += v.len();
    }
    let mut section = (offset as u32).to_le_bytes().to_vec();
    section.extend((values.len() as u32).to_le_bytes());
    section.extend(table);
    for (_, v) in &values {
        section.extend(v);
    }
    // The template's header (byte order, version, system, class id, one section) and its
    // section's format id: 한/글's own, not the Office summary's.
    let mut out = template[..44].to_vec();
    out.extend(48u32.to_le_bytes());
    out.extend(section);
    out
}

/// The template's dictionary property (id 0, the names of its properties), which readers
/// of property sets expect beside the values.
fn dictionary(template: &[u8]) -> Vec<u8> {
    let u32_at = |at: usize| u32::from_le_bytes(template[at..at + 4].try_into().unwrap());
    let section = u32_at(44) as usize;
    let (size, count) = (u32_at(section) as usize, u32_at(section + 4) as usize);
    let mut offsets: Vec<(u32, usize)> = (0..count)
        .map(|i| {
            (
                u32_at(section + 8 + 8 * i),
                u32_at(section + 12 + 8 * i) as usize,
            )
        })
        .collect();
    offsets.sort_by_key(|&(_, offset)| offset);
    let i = offsets
        .iter()
        .position(|&(id, _)| id == 0)
        .expect("a dictionary");
    let end = offsets.get(i + 1).map_or(size, |&(_, offset)| offset);
    template[section + offsets[i].1..section + end].to_vec()
}

/// A `YYYY-MM-DDTHH:MM:SSZ` time as a FILETIME (100 ns since 1601-01-01 UTC).
fn filetime(s: &str) -> u64 {
    let n = |r: std::ops::Range<usize>| s[r].parse::<i64>().expect("a time");
    let (y, m, d) = (n(0..4), n(5..7), n(8..10));
    // Days from 1970-01-01 (a civil-from-days inverse, proleptic Gregorian).
    let y2 = if m <= 2 { y - 1 } else { y };
    let era = y2.div_euclid(400);
    let yoe = y2 - era * 400;
    let doy = (153 * (m + if m > 2 { -3 } else { 9 }) + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + n(11..13) * 3600 + n(14..16) * 60 + n(17..19);
    ((secs + 11_644_473_600) * 10_000_000) as u64
}
