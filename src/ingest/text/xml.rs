//! What XML readers share (`parse/feed.rs`, `document/xml_text.rs`): the character an entity
//! or character reference stands for.

use quick_xml::events::BytesRef;

/// The character of `&name;` for XML's five entities, or of `&#…;`; `None` for any other
/// (a feed's or document's undeclared entity is left out).
pub(crate) fn entity(r: &BytesRef<'_>) -> Option<char> {
    if r.is_char_ref() {
        return r.resolve_char_ref().ok().flatten();
    }
    match &**r {
        "amp" => Some('&'),
        "lt" => Some('<'),
        "gt" => Some('>'),
        "quot" => Some('"'),
        "apos" => Some('\''),
        _ => None,
    }
}
