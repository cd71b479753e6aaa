//! Reporters as Korean articles name them: a Hangul name (or names joined by `·` / `,`)
//! followed by a role such as `기자` or `특파원`, often with an e-mail address.
//!
//! [`re`] builds regexes from these parts (cleaning builds its byline and footer rules with
//! it), and [`author_name`] reads the name out of a byline-like string.

use std::sync::LazyLock;

use regex::Regex;

use super::{collapse_whitespace, non_empty};

/// A reporter's name (or names joined by `·` / `,`) in Hangul.
const NAME: &str = r"[가-힣]{2,5}(?:\s*[·,]\s*[가-힣]{2,5})*";
/// What follows a reporter's name.
const ROLE: &str =
    r"(?:기자|특파원|통신원|객원기자|선임기자|수습기자|인턴기자|전문기자|편집위원|논설위원)";

/// An e-mail address.
pub(crate) const EMAIL_PATTERN: &str = r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)+";
/// An e-mail address anywhere.
pub(crate) static EMAIL: LazyLock<Regex> = LazyLock::new(|| re(EMAIL_PATTERN));
/// A reporter's name and role anywhere.
static REPORTER: LazyLock<Regex> = LazyLock::new(|| re(r"(?P<name>NAME)\s*ROLE"));

/// A line that is only a reporter's name and role: `김민준 기자`, `임채원 기자 =`.
static REPORTER_LINE: LazyLock<Regex> = LazyLock::new(|| re(r"^\s*NAME\s*ROLE\s*=?\s*$"));

/// Whether `line` is only a reporter's name and role (`김민준 기자`, `임채원 기자 =`).
pub(crate) fn is_reporter_line(line: &str) -> bool {
    REPORTER_LINE.is_match(line)
}

/// The first reporter's name that `line` gives with a role (`기자명 문예린 기자` → `문예린`).
pub(crate) fn reporter_in(line: &str) -> Option<String> {
    REPORTER.captures(line).map(|c| c["name"].to_string())
}

/// The regex of `pattern`, in which `NAME` stands for a reporter's name and `ROLE` for a
/// reporter's role.
pub(crate) fn re(pattern: &str) -> Regex {
    Regex::new(&pattern.replace("NAME", NAME).replace("ROLE", ROLE)).expect("valid regex")
}

/// The author's name in a byline-like string: `유시온 기자 sion.yu@…` → `유시온`,
/// `By Jane Roe` → `Jane Roe`; `None` when nothing is left.
pub(crate) fn author_name(s: &str) -> Option<String> {
    let without_email = EMAIL.replace_all(s, " ");
    if let Some(c) = REPORTER.captures(&without_email) {
        return non_empty(&c["name"]);
    }
    let mut name = collapse_whitespace(&without_email);
    for prefix in ["By ", "by ", "BY ", "글=", "글 "] {
        if let Some(rest) = name.strip_prefix(prefix) {
            name = rest.to_string();
        }
    }
    let name = name.trim_matches(|c: char| c.is_whitespace() || "()<>[]{}:,;/|=".contains(c));
    non_empty(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn author_names() {
        assert_eq!(author_name("유시온 기자").as_deref(), Some("유시온"));
        assert_eq!(
            author_name("유시온 기자 sion.yu@daonbiz.example").as_deref(),
            Some("유시온")
        );
        assert_eq!(author_name("By Jane Roe").as_deref(), Some("Jane Roe"));
        assert_eq!(author_name("최동현").as_deref(), Some("최동현"));
        assert_eq!(author_name(" sion.yu@daonbiz.example "), None);
    }

    #[test]
    fn reporter_lines() {
        assert!(is_reporter_line("김민준 기자"));
        assert!(is_reporter_line(" 임채원 기자 ="));
        assert!(is_reporter_line("장현우 특파원"));
        assert!(!is_reporter_line("김민준 기자가 말했다"));
        assert!(!is_reporter_line("기자"));
    }
}
