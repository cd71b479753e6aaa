//! Timestamps as news pages print them beside other headlines: `2025-01-17 17:46:11`,
//! `2026.03.18. 오전 9:00`, `03.12 14:05`, `3시간전`. A browser copy glues them to the text
//! around them (`2025-01-17 17:46:11[퇴근길] 주간 IT 소식`), so they are found at the start or
//! the end of a line with or without a space, or alone on one.

use std::sync::LazyLock;

use regex::Regex;

/// One timestamp: a full date with an optional time, a month-day with a time, or a relative
/// time.
const STAMP: &str = r"(?:\d{4}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{1,2}\.?(?:\s*(?:오전|오후)?\s*\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}[./-]\d{1,2}\s+\d{1,2}:\d{2}|\d{1,3}\s*(?:초|분|시간|일)\s*전|방금\s*전)";

static AT_START: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^\s*[(\[]?{STAMP}[)\]]?\s*")).expect("valid regex"));
static AT_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"\s*[(\[]?{STAMP}[)\]]?\s*$")).expect("valid regex"));
static ONLY: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(&format!(r"^\s*[(\[]?{STAMP}[)\]]?\s*$")).expect("valid regex"));

/// Whether `line` is a timestamp and nothing else.
pub(crate) fn is_stamp_only(line: &str) -> bool {
    ONLY.is_match(line)
}

/// The text of `line` without a timestamp that opens or closes it, when it has one and some
/// text is left: `2026-03-05 10:20:00반도체 수출` → `반도체 수출`.
pub(crate) fn without_stamp(line: &str) -> Option<&str> {
    if let Some(m) = AT_START.find(line)
        && m.end() < line.len()
    {
        return Some(line[m.end()..].trim());
    }
    if let Some(m) = AT_END.find(line)
        && m.start() > 0
    {
        return Some(line[..m.start()].trim());
    }
    None
}

/// Whether `line` opens with a timestamp with a time of day that text follows (a headline
/// glued to the stamp of the one before it, or printed after its own). A date alone does not
/// count: a sentence may open with one.
pub(crate) fn opens_with_stamp(line: &str) -> bool {
    AT_START
        .find(line)
        .is_some_and(|m| m.end() < line.len() && m.as_str().contains(':'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stamps_alone() {
        for yes in [
            "2025-01-17 17:46:11",
            "2026.03.18. 오전 9:00",
            "03.12 14:05",
            "3시간전",
            "12분 전",
            "(2026-03-05)",
        ] {
            assert!(is_stamp_only(yes), "{yes}");
        }
        for no in ["2026년 3월", "3시간 동안", "10:30", "반도체 2026-03-05"] {
            assert!(!is_stamp_only(no), "{no}");
        }
    }

    #[test]
    fn stamps_glued_or_spaced_before_or_after() {
        assert_eq!(
            without_stamp("2025-01-17 17:46:11[퇴근길] 주간 IT 소식"),
            Some("[퇴근길] 주간 IT 소식")
        );
        assert_eq!(
            without_stamp("신제품 두께 경쟁 예고2025-01-17 17:46:11"),
            Some("신제품 두께 경쟁 예고")
        );
        assert_eq!(
            without_stamp("신제품 두께 경쟁 예고 2025.01.17 17:46"),
            Some("신제품 두께 경쟁 예고")
        );
        assert_eq!(without_stamp("2026-03-05 05:55:55"), None);
        assert_eq!(without_stamp("반도체 수출이 늘었다."), None);
        assert!(opens_with_stamp("2026-03-05 10:20:00반도체"));
        assert!(!opens_with_stamp("2026-03-05"));
    }
}
