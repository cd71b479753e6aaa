//! Hits written for other programs: the JSON object of `search --json` ([`JsonHit`]) and the
//! formats of `kosearch export` ([`Format`], [`Writer`]); an index handed over to an
//! OpenSearch/Elasticsearch or Quickwit cluster ([`cluster`]) and a query written in their
//! languages ([`dsl`]).
//!
//! Each format is serialised from a dedicated output struct, not from [`Hit`] itself, so a
//! change to what users read is a visible decision; the README documents the fields.

use std::collections::BTreeMap;
use std::io::Write;
use std::path::Path;

use serde::Serialize;

use crate::search::Hit;

pub mod cluster;
pub mod dsl;

/// A hit as `search --json` prints it: the documented fields, in this order.
#[derive(Debug, Serialize)]
pub struct JsonHit<'a> {
    rank: usize,
    score: f32,
    id: &'a str,
    path: &'a str,
    title: &'a str,
    date: Option<&'a str>,
    source: Option<&'a str>,
    author: Option<&'a str>,
    url: Option<&'a str>,
    passage: u64,
    passages: u64,
    text: &'a str,
    byte_start: u64,
    byte_end: u64,
    char_start: u64,
    char_end: u64,
    page: Option<u64>,
    highlights: &'a [(usize, usize)],
}

impl<'a> From<&'a Hit> for JsonHit<'a> {
    fn from(h: &'a Hit) -> Self {
        JsonHit {
            rank: h.rank,
            score: h.score,
            id: &h.id,
            path: &h.path,
            title: &h.title,
            date: h.date.as_deref(),
            source: h.source.as_deref(),
            author: h.author.as_deref(),
            url: h.url.as_deref(),
            passage: h.passage,
            passages: h.passages,
            text: &h.text,
            byte_start: h.byte_start,
            byte_end: h.byte_end,
            char_start: h.char_start,
            char_end: h.char_end,
            page: h.page,
            highlights: &h.highlights,
        }
    }
}

/// One exported hit: every field of [`JsonHit`], then the rest of the metadata.
#[derive(Debug, Serialize)]
struct Record<'a> {
    #[serde(flatten)]
    hit: JsonHit<'a>,
    article: &'a str,
    record: Option<u64>,
    format: &'a str,
    encoding: &'a str,
    meta: &'a BTreeMap<String, String>,
}

impl<'a> From<&'a Hit> for Record<'a> {
    fn from(h: &'a Hit) -> Self {
        Record {
            hit: JsonHit::from(h),
            article: &h.article,
            record: h.record,
            format: &h.format,
            encoding: &h.encoding,
            meta: &h.meta,
        }
    }
}

/// The export formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    /// One JSON object per line.
    Jsonl,
    /// Comma-separated values, quoted where needed, a header row first.
    Csv,
    /// One JSON array.
    Json,
}

impl Format {
    /// The format a file name asks for by its extension (`.csv`, `.json`), else JSON Lines.
    pub fn for_path(path: &Path) -> Format {
        match path
            .extension()
            .and_then(|e| e.to_str())
            .map(str::to_ascii_lowercase)
            .as_deref()
        {
            Some("csv") => Format::Csv,
            Some("json") => Format::Json,
            _ => Format::Jsonl,
        }
    }
}

/// The CSV columns, in order.
pub const CSV_HEADER: [&str; 23] = [
    "rank",
    "score",
    "id",
    "path",
    "title",
    "date",
    "source",
    "author",
    "url",
    "passage",
    "passages",
    "text",
    "byte_start",
    "byte_end",
    "char_start",
    "char_end",
    "highlights",
    "article",
    "record",
    "format",
    "encoding",
    "meta",
    "page",
];

fn csv_row(h: &Hit) -> std::io::Result<Vec<String>> {
    let opt = |v: &Option<String>| v.clone().unwrap_or_default();
    Ok(vec![
        h.rank.to_string(),
        format!("{:.4}", h.score),
        h.id.clone(),
        h.path.clone(),
        h.title.clone(),
        opt(&h.date),
        opt(&h.source),
        opt(&h.author),
        opt(&h.url),
        h.passage.to_string(),
        h.passages.to_string(),
        h.text.clone(),
        h.byte_start.to_string(),
        h.byte_end.to_string(),
        h.char_start.to_string(),
        h.char_end.to_string(),
        serde_json::to_string(&h.highlights)?,
        h.article.clone(),
        h.record.map(|r| r.to_string()).unwrap_or_default(),
        h.format.clone(),
        h.encoding.clone(),
        if h.meta.is_empty() {
            String::new()
        } else {
            serde_json::to_string(&h.meta)?
        },
        h.page.map(|p| p.to_string()).unwrap_or_default(),
    ])
}

/// Writes hits in one format: [`Writer::new`], [`Writer::hit`] per hit, [`Writer::finish`].
pub struct Writer<W: Write> {
    format: Format,
    sink: Sink<W>,
    count: usize,
}

enum Sink<W: Write> {
    Csv(Box<csv::Writer<W>>),
    Json(W),
}

impl<W: Write> Writer<W> {
    /// Starts the output; `bom` starts it with a UTF-8 byte-order mark (for Excel).
    pub fn new(mut out: W, format: Format, bom: bool) -> std::io::Result<Writer<W>> {
        if bom {
            out.write_all("\u{feff}".as_bytes())?;
        }
        let sink = match format {
            Format::Csv => {
                let mut csv = csv::WriterBuilder::new().from_writer(out);
                csv.write_record(CSV_HEADER)?;
                Sink::Csv(Box::new(csv))
            }
            Format::Json => {
                out.write_all(b"[")?;
                Sink::Json(out)
            }
            Format::Jsonl => Sink::Json(out),
        };
        Ok(Writer {
            format,
            sink,
            count: 0,
        })
    }

    /// Writes one hit.
    pub fn hit(&mut self, h: &Hit) -> std::io::Result<()> {
        match &mut self.sink {
            Sink::Csv(csv) => csv.write_record(csv_row(h)?)?,
            Sink::Json(out) => {
                if self.format == Format::Json {
                    out.write_all(if self.count == 0 { b"\n" } else { b",\n" })?;
                }
                serde_json::to_writer(&mut *out, &Record::from(h))?;
                if self.format == Format::Jsonl {
                    out.write_all(b"\n")?;
                }
            }
        }
        self.count += 1;
        Ok(())
    }

    /// Ends the output and returns the writer, not yet flushed.
    pub fn finish(self) -> std::io::Result<W> {
        match self.sink {
            Sink::Csv(csv) => (*csv).into_inner().map_err(|e| e.into_error()),
            Sink::Json(mut out) => {
                if self.format == Format::Json {
                    out.write_all(if self.count == 0 { b"]\n" } else { b"\n]\n" })?;
                }
                Ok(out)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hit(rank: usize, text: &str) -> Hit {
        Hit {
            rank,
            score: 1.5,
            id: format!("a{rank}"),
            path: "x/a.md".into(),
            title: "제목, \"인용\"".into(),
            article: "x/a.md".into(),
            date: Some("2024-05-01".into()),
            source: None,
            author: None,
            url: None,
            passage: 0,
            passages: 1,
            byte_start: 0,
            byte_end: text.len() as u64,
            char_start: 0,
            char_end: text.chars().count() as u64,
            page: (rank == 2).then_some(3),
            text: text.into(),
            highlights: vec![(0, 3)],
            format: "markdown".into(),
            encoding: "utf-8".into(),
            record: None,
            meta: BTreeMap::new(),
            tokens: None,
        }
    }

    fn write(format: Format, hits: &[Hit]) -> String {
        let mut w = Writer::new(Vec::new(), format, false).unwrap();
        for h in hits {
            w.hit(h).unwrap();
        }
        String::from_utf8(w.finish().unwrap()).unwrap()
    }

    #[test]
    fn json_is_one_array_and_jsonl_one_object_per_line() {
        let hits = [hit(1, "가격\n상승"), hit(2, "둘")];
        let array: Vec<serde_json::Value> =
            serde_json::from_str(&write(Format::Json, &hits)).unwrap();
        assert_eq!(array.len(), 2);
        assert_eq!(array[0]["text"], "가격\n상승");
        assert_eq!(array[1]["rank"], 2);
        let lines = write(Format::Jsonl, &hits);
        assert_eq!(lines.lines().count(), 2);
        let first: serde_json::Value = serde_json::from_str(lines.lines().next().unwrap()).unwrap();
        assert_eq!(first["highlights"], serde_json::json!([[0, 3]]));
        assert_eq!(first["page"], serde_json::Value::Null);
        assert_eq!(array[1]["page"], 3);
        assert_eq!(write(Format::Json, &[]), "[]\n");
        assert_eq!(write(Format::Jsonl, &[]), "");
    }

    #[test]
    fn csv_quotes_and_keeps_the_column_order() {
        let out = write(Format::Csv, &[hit(1, "a,b")]);
        let mut reader = csv::Reader::from_reader(out.as_bytes());
        assert_eq!(reader.headers().unwrap(), CSV_HEADER.as_slice());
        let row = reader.records().next().unwrap().unwrap();
        assert_eq!(&row[4], "제목, \"인용\"");
        assert_eq!(&row[11], "a,b");
        assert_eq!(&row[16], "[[0,3]]");
    }

    #[test]
    fn the_format_follows_the_extension() {
        assert_eq!(Format::for_path(Path::new("out.CSV")), Format::Csv);
        assert_eq!(Format::for_path(Path::new("out.json")), Format::Json);
        assert_eq!(Format::for_path(Path::new("out.ndjson")), Format::Jsonl);
        assert_eq!(Format::for_path(Path::new("-")), Format::Jsonl);
    }
}
