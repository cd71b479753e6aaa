//! Quickwit's index config.

use super::Options;

/// `quickwit-index.yaml`: a Quickwit 0.9 index config. Quickwit has no Korean tokenizer, so
/// search goes through the pre-analysed fields and its `whitespace` tokenizer.
pub(super) fn config(options: &Options) -> String {
    let raw = |name: &str| format!("    - name: {name}\n      type: text\n      tokenizer: raw\n");
    let u64f = |name: &str| format!("    - name: {name}\n      type: u64\n");
    let terms = |name: &str, array: bool, record: &str| {
        format!(
            "    - name: {name}\n      type: {}\n      tokenizer: whitespace\n      record: {record}\n      fieldnorms: true\n",
            if array { "array<text>" } else { "text" }
        )
    };
    let mut fields = String::new();
    for f in ["passage_id", "id", "article", "path"] {
        fields.push_str(&raw(f));
    }
    fields.push_str(
        "    - name: title\n      type: text\n      tokenizer: default\n      record: position\n",
    );
    fields.push_str(
        "    - name: text\n      type: text\n      tokenizer: default\n      record: position\n",
    );
    fields.push_str(
        "    - name: date\n      type: datetime\n      input_formats: [\"%Y-%m-%d\"]\n      output_format: \"%Y-%m-%d\"\n      fast: true\n      fast_precision: seconds\n",
    );
    for f in ["source", "author", "url"] {
        fields.push_str(&raw(f));
    }
    for f in [
        "passage",
        "passages",
        "byte_start",
        "byte_end",
        "char_start",
        "char_end",
        "page",
    ] {
        fields.push_str(&u64f(f));
    }
    for f in ["format", "encoding"] {
        fields.push_str(&raw(f));
    }
    fields.push_str(&u64f("record"));
    fields.push_str("    - name: meta\n      type: json\n      indexed: false\n");
    for f in ["ko_text", "ko_title", "ko_source", "ko_author"] {
        fields.push_str(&terms(f, true, "position"));
    }
    fields.push_str(&terms("ko_path", false, "position"));
    fields.push_str(&terms("ko_pairs", false, "freq"));
    fields.push_str(&terms("ko_bigrams", false, "freq"));
    format!(
        "# Quickwit index config written by kosearch {version}.\n\
         #   quickwit index create --index-config quickwit-index.yaml\n\
         #   quickwit index ingest --index {index} --input-path docs-0001.ndjson  (each file)\n\
         version: 0.9\n\
         index_id: {index}\n\
         doc_mapping:\n  \
           mode: strict\n  \
           timestamp_field: date\n  \
           field_mappings:\n{fields}\
         search_settings:\n  \
           default_search_fields: [ko_text, ko_title]\n",
        version = env!("CARGO_PKG_VERSION"),
        index = options.index_name,
    )
}
