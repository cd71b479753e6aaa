//! What XML readers share (`parse/feed.rs`, `document/xml_text.rs`): the character an entity
//! or character reference stands for, and an attribute's value.

use quick_xml::events::{BytesRef, BytesStart};

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

/// The value of attribute `name` of an element, references resolved; `None` when it has
/// none or the value is malformed.
pub(crate) fn attribute(e: &BytesStart<'_>, name: &str) -> Option<String> {
    e.try_get_attribute(name).ok().flatten().and_then(|a| {
        a.normalized_value(quick_xml::XmlVersion::Implicit1_0)
            .ok()
            .map(|v| v.into_owned())
    })
}
