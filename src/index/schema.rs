//! The index schema as data: `schema/kosearch.schema.json` is the single source of truth.
//!
//! The file lists every field with its type, analyser, what the postings record, and whether it
//! is stored and fast. This module builds tantivy's schema from it and gives the code typed
//! handles ([`Fields`]) to the fields it relies on. An index records the schema it was built
//! with (in `kosearch.json`), and opening it with another schema asks for `--rebuild`.

use serde::{Deserialize, Serialize};
use tantivy::schema::{
    BytesOptions, Field, IndexRecordOption, NumericOptions, Schema, SchemaBuilder,
    TextFieldIndexing, TextOptions,
};

use crate::error::{Error, Result};

/// The schema file, compiled in.
pub const SCHEMA_JSON: &str = include_str!("../../schema/kosearch.schema.json");

/// The schema file's content.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SchemaSpec {
    /// Schema name.
    pub name: String,
    /// Bumped on every change; part of the index's identity.
    pub version: u32,
    /// What the schema is for.
    #[serde(default)]
    pub description: String,
    /// The fields.
    pub fields: Vec<FieldSpec>,
}

/// One field.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// Field name.
    pub name: String,
    /// `text`, `u64`, `i64` or `bytes`.
    #[serde(rename = "type")]
    pub kind: FieldKind,
    /// Analyser of a text field: `ko`, `path`, `raw`.
    #[serde(default)]
    pub analyzer: Option<String>,
    /// What postings of a text field record: `basic`, `freq` or `position`.
    #[serde(default)]
    pub record: Option<Record>,
    /// Kept in the document store.
    pub stored: bool,
    /// Kept as a column for sorting, grouping and filtering.
    pub fast: bool,
    /// Searchable (default true).
    #[serde(default = "yes")]
    pub indexed: bool,
}

fn yes() -> bool {
    true
}

/// Field types.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum FieldKind {
    /// Text, analysed by the named analyser.
    Text,
    /// Unsigned integer.
    U64,
    /// Signed integer.
    I64,
    /// Bytes, stored as they are.
    Bytes,
}

/// What a text field's postings record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Record {
    /// Documents only.
    Basic,
    /// And term frequencies.
    Freq,
    /// And positions (phrase queries).
    Position,
}

impl SchemaSpec {
    /// The compiled-in schema.
    pub fn builtin() -> Result<SchemaSpec> {
        Self::parse(SCHEMA_JSON)
    }

    /// Parses a schema file.
    pub fn parse(json: &str) -> Result<SchemaSpec> {
        serde_json::from_str(json).map_err(|e| Error::Schema(e.to_string()))
    }

    /// Builds tantivy's schema.
    pub fn to_tantivy(&self) -> Result<Schema> {
        let mut b = SchemaBuilder::new();
        for f in &self.fields {
            match f.kind {
                FieldKind::Text => {
                    let analyzer = f.analyzer.as_deref().ok_or_else(|| {
                        Error::Schema(format!("text field {} names no analyzer", f.name))
                    })?;
                    let mut opts = TextOptions::default();
                    if f.indexed {
                        let record = match f.record.unwrap_or(Record::Basic) {
                            Record::Basic => IndexRecordOption::Basic,
                            Record::Freq => IndexRecordOption::WithFreqs,
                            Record::Position => IndexRecordOption::WithFreqsAndPositions,
                        };
                        opts = opts.set_indexing_options(
                            TextFieldIndexing::default()
                                .set_tokenizer(analyzer)
                                .set_index_option(record),
                        );
                    }
                    if f.stored {
                        opts = opts.set_stored();
                    }
                    if f.fast {
                        opts = opts.set_fast("raw");
                    }
                    b.add_text_field(&f.name, opts);
                }
                FieldKind::U64 | FieldKind::I64 => {
                    let mut opts = NumericOptions::default();
                    if f.indexed {
                        opts = opts.set_indexed();
                    }
                    if f.stored {
                        opts = opts.set_stored();
                    }
                    if f.fast {
                        opts = opts.set_fast();
                    }
                    if f.kind == FieldKind::U64 {
                        b.add_u64_field(&f.name, opts);
                    } else {
                        b.add_i64_field(&f.name, opts);
                    }
                }
                FieldKind::Bytes => {
                    // Kept for reading back only: nothing searches or sorts by bytes.
                    if f.indexed || f.fast || !f.stored {
                        let name = &f.name;
                        let msg = format!("bytes field {name} must be stored, not indexed or fast");
                        return Err(Error::Schema(msg));
                    }
                    b.add_bytes_field(&f.name, BytesOptions::default().set_stored());
                }
            }
        }
        Ok(b.build())
    }
}

/// Handles to the fields kosearch's code uses.
#[derive(Debug, Clone, Copy)]
#[allow(missing_docs)]
pub struct Fields {
    pub kind: Field,
    pub path: Field,
    pub path_text: Field,
    pub article: Field,
    pub id: Field,
    pub title: Field,
    pub text: Field,
    /// Each passage's indexed tokens ([`crate::analysis::stored`]).
    pub tokens: Field,
    /// Ordered pairs of nearby text terms ([`crate::analysis::tokenizer::PairTokenizer`]).
    pub pairs: Field,
    /// Character bigrams of the text ([`crate::analysis::tokenizer::BigramTokenizer`]).
    pub bigrams: Field,
    pub source: Field,
    pub author: Field,
    pub url: Field,
    pub date: Field,
    pub date_num: Field,
    pub format: Field,
    pub encoding: Field,
    pub record: Field,
    pub passage: Field,
    pub passages: Field,
    pub byte_start: Field,
    pub byte_end: Field,
    pub char_start: Field,
    pub char_end: Field,
    /// 1-based page where a passage starts, for paged formats (PDF).
    pub page: Field,
    pub meta: Field,
    pub file_hash: Field,
    pub file_size: Field,
    pub file_mtime: Field,
    pub alias_pairs: Field,
}

/// `kind` of a passage document.
pub const KIND_PASSAGE: &str = "passage";
/// `kind` of a file (manifest) document.
pub const KIND_FILE: &str = "file";

impl Fields {
    /// Looks every field up in `schema`; a schema missing one is refused by name.
    pub fn new(schema: &Schema) -> Result<Fields> {
        let f = |name: &str| {
            schema
                .get_field(name)
                .map_err(|_| Error::Schema(format!("no field {name}")))
        };
        Ok(Fields {
            kind: f("kind")?,
            path: f("path")?,
            path_text: f("path_text")?,
            article: f("article")?,
            id: f("id")?,
            title: f("title")?,
            text: f("text")?,
            tokens: f("tokens")?,
            pairs: f("pairs")?,
            bigrams: f("bigrams")?,
            source: f("source")?,
            author: f("author")?,
            url: f("url")?,
            date: f("date")?,
            date_num: f("date_num")?,
            format: f("format")?,
            encoding: f("encoding")?,
            record: f("record")?,
            passage: f("passage")?,
            passages: f("passages")?,
            byte_start: f("byte_start")?,
            byte_end: f("byte_end")?,
            char_start: f("char_start")?,
            char_end: f("char_end")?,
            page: f("page")?,
            meta: f("meta")?,
            file_hash: f("file_hash")?,
            file_size: f("file_size")?,
            file_mtime: f("file_mtime")?,
            alias_pairs: f("alias_pairs")?,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_schema_file_builds_and_names_every_field_the_code_uses() {
        let spec = SchemaSpec::builtin().unwrap();
        let schema = spec.to_tantivy().unwrap();
        Fields::new(&schema).unwrap();
        // Pinned: a schema change is a visible decision (bump `version`, update this list).
        let names: Vec<&str> = spec.fields.iter().map(|f| f.name.as_str()).collect();
        assert_eq!(spec.version, 6);
        assert_eq!(
            names,
            [
                "kind",
                "path",
                "path_text",
                "article",
                "id",
                "title",
                "text",
                "tokens",
                "pairs",
                "bigrams",
                "source",
                "author",
                "url",
                "date",
                "date_num",
                "format",
                "encoding",
                "record",
                "passage",
                "passages",
                "byte_start",
                "byte_end",
                "char_start",
                "char_end",
                "page",
                "meta",
                "file_hash",
                "file_size",
                "file_mtime",
                "alias_pairs"
            ]
        );
        let text = spec.fields.iter().find(|f| f.name == "text").unwrap();
        assert_eq!(
            text.analyzer.as_deref(),
            Some(crate::analysis::ANALYZER_NAME)
        );
    }

    #[test]
    fn a_bad_schema_is_refused_with_a_reason() {
        let err = SchemaSpec::parse(r#"{"name":"x","version":1,"fields":[{"name":"a","type":"float","stored":true,"fast":false}]}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("schema"), "{err}");
        let spec = SchemaSpec::parse(r#"{"name":"x","version":1,"fields":[{"name":"a","type":"text","stored":true,"fast":false}]}"#).unwrap();
        assert!(
            spec.to_tantivy()
                .unwrap_err()
                .to_string()
                .contains("analyzer")
        );
        let spec = SchemaSpec::parse(r#"{"name":"x","version":1,"fields":[{"name":"b","type":"bytes","stored":true,"fast":false}]}"#).unwrap();
        let err = spec.to_tantivy().unwrap_err().to_string();
        assert!(
            err.contains("bytes field b must be stored, not indexed"),
            "{err}"
        );
    }
}
