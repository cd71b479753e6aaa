//! Publication dates as they appear in articles, normalised to `YYYY-MM-DD`.
//!
//! Korean news writes dates many ways: ISO 8601 in metadata, `2026.03.14` and `2026. 3. 4.` in
//! page text, `2026년 3월 14일 오전 9:30` in print style, RFC 2822 in feeds, `20260314` in file
//! names and ids, Unix timestamps in JSON exports. [`normalize_date`] reads all of them and keeps
//! only the calendar date as a Korean reader sees it: a time written with its offset
//! (`2026-01-07T15:20:00Z`, `Mon, 17 Nov 2025 22:30:00 GMT`) is moved to Korean time (UTC+9)
//! before the date is taken, since pages print the Korean date while their metadata and feeds
//! often hold UTC; a date without a time or offset is taken as written. [`set_date`] puts the
//! result into an article, keeping a date it cannot read as `meta["date_raw"]`.

use std::sync::LazyLock;

use regex::Regex;

use crate::ingest::Article;

/// The earliest and latest years accepted as publication dates.
const YEARS: std::ops::RangeInclusive<i64> = 1900..=2100;

/// The calendar date in `s` as `YYYY-MM-DD`, or `None` when `s` holds no plausible date
/// (year 1900–2100, a real month and day).
///
/// Reads `2026-03-14T09:30:00+09:00`, `2026-03-14`, `2026.03.14`, `2026.3.4 14:05`,
/// `2026/03/14`, `20260314`, `2026년 3월 14일`, `2026년 03월 14일 오전 9:30`,
/// `Sat, 14 Mar 2026 09:30:00 +0900`, `March 14, 2026`, `14.03.2026` (day first when that is
/// the only reading), and Unix timestamps in seconds (10 digits) or milliseconds (13 digits).
/// Timestamps, and times written with an offset (ISO 8601 and RFC 2822), are read in Korean
/// time (UTC+9). The date may be surrounded by other text (`입력 2026.03.14 09:30`).
pub(crate) fn normalize_date(s: &str) -> Option<String> {
    let s = s.trim();
    if s.is_empty() {
        return None;
    }
    // Dates sit near the start of whatever holds them; do not scan megabytes.
    let s = truncate_chars(s, 200);
    zoned(s)
        .or_else(|| korean(s))
        .or_else(|| year_first(s))
        .or_else(|| compact(s))
        .or_else(|| epoch(s))
        .or_else(|| english(s))
        .or_else(|| year_last(s))
}

/// Whether `line` is a date line under a headline (see [`dateline_date`]).
pub(crate) fn is_dateline(line: &str) -> bool {
    dateline_date(line).is_some()
}

/// The date of a date line under a headline: `입력 2026.03.02 09:30`, `기사입력 : 2025년 12월
/// 2일`, `승인 2026.03.18 10:30`, `입력 2026.03.18. 오전 10:30  수정 …`; `None` for any other
/// line.
pub(crate) fn dateline_date(line: &str) -> Option<String> {
    static DATELINE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"^\s*(?:입력|수정|등록|기사\s*(?:입력|승인|등록|작성)|작성|최종\s*수정|업데이트|발행|승인|게재|송고)\s*(?:일|일시)?\s*[:：]?\s*\d",
        )
        .expect("valid regex")
    });
    if line.chars().count() > 80 || !DATELINE.is_match(line) {
        return None;
    }
    normalize_date(line)
}

/// Sets `article.date` from a raw date, or keeps the raw text in `meta["date_raw"]`.
pub(crate) fn set_date(article: &mut Article, raw: &str) {
    let raw = raw.trim();
    if raw.is_empty() {
        return;
    }
    match normalize_date(raw) {
        Some(date) => article.date = Some(date),
        None => {
            article.meta.insert("date_raw".to_string(), raw.to_string());
        }
    }
}

fn truncate_chars(s: &str, max: usize) -> &str {
    match s.char_indices().nth(max) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A date and time with its offset from UTC, moved to Korean time: ISO 8601
/// (`2026-01-07T15:20:00Z`, `2026-01-07 15:20+00:00`) and RFC 2822 (`Mon, 17 Nov 2025
/// 22:30:00 GMT`, `… +0000`).
fn zoned(s: &str) -> Option<String> {
    static ISO: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?:^|[^\d])(\d{4})-(\d{2})-(\d{2})([T ])(\d{2}):(\d{2})(:\d{2}(?:[.,]\d+)?)?\s*(Z|[+-]\d{2}:?\d{2})(?:[^\d]|$)",
        )
        .expect("valid regex")
    });
    static RFC: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)(?:^|[^\d])(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\s+(\d{4})\s+(\d{1,2}):(\d{2})(?::\d{2})?\s+(gmt|utc|ut|z|[+-]\d{4})(?:[^\w]|$)",
        )
        .expect("valid regex")
    });
    if let Some(c) = ISO.captures(s) {
        // `10:30-11:30` is a span of time, not an offset: without the `T` or the seconds,
        // only `Z` is taken as one.
        if &c[4] == "T" || c.get(7).is_some() || &c[8] == "Z" {
            let (y, m, d) = (c[1].parse().ok()?, c[2].parse().ok()?, c[3].parse().ok()?);
            return in_korea((y, m, d), &c[5], &c[6], &c[8]);
        }
    }
    let c = RFC.captures(s)?;
    let date = (c[3].parse().ok()?, month_number(&c[2])?, c[1].parse().ok()?);
    in_korea(date, &c[4], &c[5], &c[6])
}

/// The Korean date of `(year, month, day)` (a real date, else `None`) at `hour`:`minute` in
/// the zone `offset` (`Z`, `GMT`, `UT`, `UTC`, `+09:00`, `-0500`).
fn in_korea(
    (year, month, day): (i64, u32, u32),
    hour: &str,
    minute: &str,
    offset: &str,
) -> Option<String> {
    valid(year, month, day)?;
    let (h, m): (i64, i64) = (hour.parse().ok()?, minute.parse().ok()?);
    if h > 23 || m > 59 {
        return None;
    }
    let offset_minutes = match offset.to_ascii_lowercase().as_str() {
        "z" | "gmt" | "ut" | "utc" => 0,
        o => {
            let digits: String = o[1..].chars().filter(char::is_ascii_digit).collect();
            let (oh, om): (i64, i64) = (digits[..2].parse().ok()?, digits[2..].parse().ok()?);
            let sign = if o.starts_with('-') { -1 } else { 1 };
            sign * (oh * 60 + om)
        }
    };
    let days = days_from_civil(year, month, day);
    let minutes = days * 1440 + h * 60 + m - offset_minutes + 9 * 60;
    let (y, mo, d) = civil_from_days(minutes.div_euclid(1440));
    valid(y, mo, d)
}

/// `2026년 3월 14일`, with any spacing.
fn korean(s: &str) -> Option<String> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(\d{4})\s*년\s*(\d{1,2})\s*월\s*(\d{1,2})\s*일").expect("valid regex")
    });
    RE.captures_iter(s).find_map(|c| ymd(&c[1], &c[2], &c[3]))
}

/// `2026-03-14…`, `2026.3.4`, `2026/03/14`, `2026. 3. 4.`: a four-digit year first.
fn year_first(s: &str) -> Option<String> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[^\d])(\d{4})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{1,2})(?:[^\d]|$)")
            .expect("valid regex")
    });
    RE.captures_iter(s).find_map(|c| ymd(&c[1], &c[2], &c[3]))
}

/// `20260314`, alone or followed by a time (`20260314T0930`, `20260314-001`).
fn compact(s: &str) -> Option<String> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[^\d])(\d{4})(\d{2})(\d{2})(?:[^\d]|$)").expect("valid regex")
    });
    RE.captures_iter(s).find_map(|c| ymd(&c[1], &c[2], &c[3]))
}

/// A whole string of 10 (seconds) or 13 (milliseconds) digits: a Unix timestamp.
fn epoch(s: &str) -> Option<String> {
    if !s.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let n: i64 = s.parse().ok()?;
    let seconds = match s.len() {
        10 => n,
        13 => n / 1000,
        _ => return None,
    };
    // Korean time: the corpus is Korean news.
    let days = (seconds + 9 * 3600).div_euclid(86_400);
    let (y, m, d) = civil_from_days(days);
    valid(y, m, d)
}

/// `14 Mar 2026` (RFC 2822) and `March 14, 2026`.
fn english(s: &str) -> Option<String> {
    static DAY_FIRST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)(?:^|[^\d])(\d{1,2})\s+(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?,?\s+(\d{4})(?:[^\d]|$)",
        )
        .expect("valid regex")
    });
    static MONTH_FIRST: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(
            r"(?i)\b(jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?\s+(\d{1,2})(?:st|nd|rd|th)?,?\s+(\d{4})(?:[^\d]|$)",
        )
        .expect("valid regex")
    });
    DAY_FIRST
        .captures_iter(s)
        .find_map(|c| valid(c[3].parse().ok()?, month_number(&c[2])?, c[1].parse().ok()?))
        .or_else(|| {
            MONTH_FIRST
                .captures_iter(s)
                .find_map(|c| valid(c[3].parse().ok()?, month_number(&c[1])?, c[2].parse().ok()?))
        })
}

/// `14.03.2026`, `03/14/2026`: a four-digit year last. Read only when one of the first two
/// numbers cannot be a month, so the order is not in doubt.
fn year_last(s: &str) -> Option<String> {
    static RE: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?:^|[^\d])(\d{1,2})\s*[-./]\s*(\d{1,2})\s*[-./]\s*(\d{4})(?:[^\d]|$)")
            .expect("valid regex")
    });
    RE.captures_iter(s).find_map(|c| {
        let a: u32 = c[1].parse().ok()?;
        let b: u32 = c[2].parse().ok()?;
        let y: i64 = c[3].parse().ok()?;
        match (a > 12, b > 12) {
            (true, false) => valid(y, b, a),
            (false, true) => valid(y, a, b),
            _ => None,
        }
    })
}

fn month_number(name: &str) -> Option<u32> {
    let m = match name.get(..3)?.to_ascii_lowercase().as_str() {
        "jan" => 1,
        "feb" => 2,
        "mar" => 3,
        "apr" => 4,
        "may" => 5,
        "jun" => 6,
        "jul" => 7,
        "aug" => 8,
        "sep" => 9,
        "oct" => 10,
        "nov" => 11,
        "dec" => 12,
        _ => return None,
    };
    Some(m)
}

fn ymd(y: &str, m: &str, d: &str) -> Option<String> {
    valid(y.parse().ok()?, m.parse().ok()?, d.parse().ok()?)
}

/// `YYYY-MM-DD` when the three numbers make a real date in the accepted years.
fn valid(y: i64, m: u32, d: u32) -> Option<String> {
    if !YEARS.contains(&y) || !(1..=12).contains(&m) || d == 0 || d > days_in_month(y, m) {
        return None;
    }
    Some(format!("{y:04}-{m:02}-{d:02}"))
}

fn days_in_month(y: i64, m: u32) -> u32 {
    match m {
        4 | 6 | 9 | 11 => 30,
        2 if (y % 4 == 0 && y % 100 != 0) || y % 400 == 0 => 29,
        2 => 28,
        _ => 31,
    }
}

/// Days since 1970-01-01 of a date (Howard Hinnant's algorithm, the inverse of
/// [`civil_from_days`]).
fn days_from_civil(y: i64, m: u32, d: u32) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = i64::from((m + 9) % 12);
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

/// Year, month, day of a count of days since 1970-01-01 (Howard Hinnant's algorithm).
pub(crate) fn civil_from_days(days: i64) -> (i64, u32, u32) {
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    let y = yoe + era * 400 + i64::from(m <= 2);
    (y, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(s: &str) -> Option<String> {
        normalize_date(s)
    }

    #[test]
    fn formats_from_the_brief() {
        for s in [
            "2026-03-14T09:30:00+09:00",
            "2026-03-14",
            "2026.03.14",
            "2026/03/14",
            "20260314",
            "2026년 3월 14일",
            "2026년 03월 14일 오전 9:30",
            "Sat, 14 Mar 2026 09:30:00 +0900",
            "March 14, 2026",
            "14.03.2026",
            "03/14/2026",
            "2026. 3. 14.",
        ] {
            assert_eq!(n(s).as_deref(), Some("2026-03-14"), "{s}");
        }
        assert_eq!(n("2026.3.4 14:05").as_deref(), Some("2026-03-04"));
    }

    #[test]
    fn dates_inside_other_text() {
        assert_eq!(
            n("입력 2026.01.22 06:00 | 수정 2026.01.22 08:41").as_deref(),
            Some("2026-01-22")
        );
        assert_eq!(
            n("기사입력 : 2025년 12월 2일").as_deref(),
            Some("2025-12-02")
        );
        assert_eq!(
            n("2026-03-02_datacenter-gpu-price").as_deref(),
            Some("2026-03-02")
        );
        assert_eq!(n("hb-20260309-001").as_deref(), Some("2026-03-09"));
    }

    #[test]
    fn datelines() {
        for yes in [
            "입력 2026.03.02 09:30",
            "기사입력 : 2025년 12월 2일",
            "승인 2026.03.18 10:30",
            "입력 2026.03.18. 오전 10:30  수정 2026.03.18. 오전 11:02",
            "최종수정 2026-03-18",
            "기사승인 2025.11.13 06:00",
            "작성 2025.11.13",
        ] {
            assert!(is_dateline(yes), "{yes}");
        }
        for no in [
            "2026.03.02 09:30",
            "입력 데이터가 늘었다",
            "수정 2026년 예산안을 논의했다 그 밖에 다른 내용도 길게 이어지는 문장이 여기에 있어서 팔십 자를 넘긴다",
        ] {
            assert!(!is_dateline(no), "{no}");
        }
    }

    #[test]
    fn implausible_dates_are_none() {
        for s in [
            "",
            "   ",
            "내일",
            "2026-13-01",
            "2026-02-30",
            "2025-02-29",
            "1899-12-31",
            "2101-01-01",
            "20261340",
            "2026-03",
            "12345",
            "05/06/2026",
            "02-1234-5678",
        ] {
            assert_eq!(n(s), None, "{s}");
        }
        assert_eq!(n("2024-02-29").as_deref(), Some("2024-02-29"));
        assert_eq!(n("2000-02-29").as_deref(), Some("2000-02-29"));
        assert_eq!(n("1900-02-29"), None);
    }

    #[test]
    fn unix_timestamps_in_korean_time() {
        // 2026-03-14T00:30:00+09:00 is 2026-03-13T15:30:00Z.
        assert_eq!(n("1773415800").as_deref(), Some("2026-03-14"));
        assert_eq!(n("1773415800000").as_deref(), Some("2026-03-14"));
        assert_eq!(n("0").as_deref(), None);
    }

    #[test]
    fn times_with_an_offset_in_korean_time() {
        for (s, want) in [
            ("2026-01-07T15:20:00Z", "2026-01-08"),
            ("2026-01-07T14:59:59Z", "2026-01-07"),
            ("2026-01-07T15:20:00.123+00:00", "2026-01-08"),
            ("2026-01-07 15:20:00 +0000", "2026-01-08"),
            ("2026-01-07 15:20Z", "2026-01-08"),
            // A span of time, not an offset.
            ("2026-01-07 23:30-01:00", "2026-01-07"),
            ("2026-01-08T00:20:00+09:00", "2026-01-08"),
            ("2026-01-07T23:00:00-05:00", "2026-01-08"),
            ("2025-12-31T20:00:00Z", "2026-01-01"),
            ("2024-02-28T16:00:00Z", "2024-02-29"),
            ("Mon, 17 Nov 2025 22:30:00 GMT", "2025-11-18"),
            ("Mon, 17 Nov 2025 22:30:00 +0000", "2025-11-18"),
            ("Mon, 17 Nov 2025 22:30:00 +0900", "2025-11-17"),
            ("17 Nov 2025 10:30 UT", "2025-11-17"),
            // No offset: as written.
            ("2026-01-07T15:20:00", "2026-01-07"),
            ("Mon, 17 Nov 2025 22:30:00", "2025-11-17"),
        ] {
            assert_eq!(n(s).as_deref(), Some(want), "{s}");
        }
        assert_eq!(n("2026-02-30T10:00:00Z"), None);
        assert_eq!(n("2026-01-07T25:00:00Z").as_deref(), Some("2026-01-07"));
    }

    #[test]
    fn civil_dates() {
        for days in [-800_000, -1, 0, 20_526, 60_000] {
            let (y, m, d) = civil_from_days(days);
            assert_eq!(days_from_civil(y, m, d), days);
        }
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(-1), (1969, 12, 31));
        assert_eq!(civil_from_days(20_526), (2026, 3, 14));
    }

    #[test]
    fn long_input_is_cut() {
        let s = "가".repeat(1_000_000) + " 2026-03-14";
        assert_eq!(n(&s), None);
    }
}
