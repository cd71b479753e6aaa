//! Text helpers shared by parsing (`parse/`) and cleaning (`clean/`): whitespace
//! ([`collapse_whitespace`], [`non_empty`]), publication dates ([`date`]), reporters'
//! names in bylines ([`byline`]), the timestamps of headline lists ([`stamp`]), and XML
//! entities for the feed and document readers ([`xml`]).
//!
//! This module imports neither `parse`, `clean` nor `document`; they import it, so none needs
//! another.
//! A helper that more than one of them needs is defined here, once.

pub(crate) mod byline;
pub(crate) mod date;
pub(crate) mod stamp;
pub(crate) mod xml;

/// `s` with runs of whitespace made one space and the ends trimmed.
pub(crate) fn collapse_whitespace(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for word in s.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out
}

/// `Some(s)` with its whitespace collapsed, or `None` when nothing is left.
pub(crate) fn non_empty(s: &str) -> Option<String> {
    let s = collapse_whitespace(s);
    (!s.is_empty()).then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whitespace_is_collapsed_and_trimmed() {
        assert_eq!(collapse_whitespace("  가\t나\n\n다  "), "가 나 다");
        assert_eq!(non_empty(" a  b ").as_deref(), Some("a b"));
        assert_eq!(non_empty(" \n\t"), None);
    }
}
