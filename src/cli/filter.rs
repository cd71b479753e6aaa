//! The options `search` and `export` share for which hits they keep: `--per-article`,
//! `--since`, `--until`, `--source`, `--author`, `--folder`.

use crate::search::SearchOptions;
use crate::search::query::Node;

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
    /// Only articles of this outlet (its name as a phrase; `+source:"…"` in the query).
    #[arg(long, value_name = "OUTLET")]
    pub source: Option<String>,
    /// Only articles by this reporter (`+author:"…"`).
    #[arg(long, value_name = "NAME")]
    pub author: Option<String>,
    /// Only files in this folder or below it (`+path:"…"`).
    #[arg(long, value_name = "FOLDER")]
    pub folder: Option<String>,
}

impl FilterArgs {
    /// The query `node` narrowed by `--source`, `--author` and `--folder`
    /// ([`crate::search::query::restrict`]).
    pub fn restrict(&self, node: Node) -> Node {
        crate::search::query::restrict(
            node,
            crate::search::query::Filters {
                source: self.source.as_deref(),
                author: self.author.as_deref(),
                folder: self.folder.as_deref(),
            },
        )
    }

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

/// Reads a `--since`/`--until` date into `YYYYMMDD` ([`crate::search::parse_day`]).
fn parse_day(flag: &str, s: &str, end: bool) -> anyhow::Result<i64> {
    crate::search::parse_day(s, end).ok_or_else(|| {
        anyhow::anyhow!("{flag} {s}: expected a date as YYYY, YYYY-MM or YYYY-MM-DD")
    })
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
