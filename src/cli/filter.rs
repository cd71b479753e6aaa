//! The options `search` and `export` share for which hits they keep: `--per-article`,
//! `--since`, `--until`.

use crate::search::SearchOptions;

/// Which hits to keep.
#[derive(Debug, Clone, clap::Args)]
pub struct FilterArgs {
    /// At most N passages from one article.
    #[arg(long, value_name = "N")]
    pub per_article: Option<usize>,
    /// Only articles dated on or after this day (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub since: Option<String>,
    /// Only articles dated on or before this day (YYYY, YYYY-MM or YYYY-MM-DD).
    #[arg(long, value_name = "DATE")]
    pub until: Option<String>,
}

impl FilterArgs {
    /// The search options these flags make, with `limit` hits from `offset`:
    /// `--per-article` (at least 1), and `--since`/`--until` as `YYYYMMDD`.
    pub fn resolve(&self, limit: usize, offset: usize) -> anyhow::Result<SearchOptions> {
        let day = |flag: &str, s: &Option<String>, end: bool| {
            s.as_deref().map(|s| parse_day(flag, s, end)).transpose()
        };
        Ok(SearchOptions {
            limit,
            offset,
            per_article: self.per_article.map(|n| n.max(1)),
            since: day("--since", &self.since, false)?,
            until: day("--until", &self.until, true)?,
            highlights: true,
        })
    }
}

/// Reads a `--since`/`--until` date into `YYYYMMDD`; a partial date takes the first day of
/// its period for `--since` and the last for `--until`.
fn parse_day(flag: &str, s: &str, end: bool) -> anyhow::Result<i64> {
    let parts: Vec<&str> = s
        .trim()
        .split(['-', '.', '/'])
        .filter(|p| !p.is_empty())
        .collect();
    let bad = || anyhow::anyhow!("{flag} {s}: expected a date as YYYY, YYYY-MM or YYYY-MM-DD");
    let num = |p: &str, lo: i64, hi: i64| -> anyhow::Result<i64> {
        let n: i64 = p.parse().map_err(|_| bad())?;
        if (lo..=hi).contains(&n) {
            Ok(n)
        } else {
            Err(bad())
        }
    };
    let (y, m, d) = match parts.as_slice() {
        [y] => (
            num(y, 1, 9999)?,
            if end { 12 } else { 1 },
            if end { 31 } else { 1 },
        ),
        [y, m] => (num(y, 1, 9999)?, num(m, 1, 12)?, if end { 31 } else { 1 }),
        [y, m, d] => (num(y, 1, 9999)?, num(m, 1, 12)?, num(d, 1, 31)?),
        _ => return Err(bad()),
    };
    Ok(y * 10000 + m * 100 + d)
}

#[cfg(test)]
mod tests {
    use super::parse_day;

    #[test]
    fn dates_for_since_and_until() {
        assert_eq!(parse_day("--since", "2026", false).unwrap(), 20260101);
        assert_eq!(parse_day("--until", "2026", true).unwrap(), 20261231);
        assert_eq!(parse_day("--until", "2026-02", true).unwrap(), 20260231);
        assert_eq!(parse_day("--since", "2026.03.14", false).unwrap(), 20260314);
        for bad in ["", "yesterday", "2026-13", "2026-01-01-01", "2026-1-40"] {
            let err = parse_day("--since", bad, false).unwrap_err().to_string();
            assert!(err.starts_with("--since"), "{err}");
        }
    }
}
