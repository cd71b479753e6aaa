//! How to parse, resolved from the command line before any file is read ([`ParseOptions`]):
//! today, which JSON fields hold which part of an article ([`FieldMap`]).

/// Which JSON fields hold which part of an article: for each part, field names tried in turn
/// (exact name first, then ignoring case).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FieldMap {
    /// The record's own id.
    pub id: Vec<String>,
    /// Headline.
    pub title: Vec<String>,
    /// Body text (a string with `\n` between paragraphs, an array of paragraphs, or HTML).
    pub text: Vec<String>,
    /// Publication date.
    pub date: Vec<String>,
    /// Canonical URL.
    pub url: Vec<String>,
    /// Publisher or outlet.
    pub source: Vec<String>,
    /// Author or byline.
    pub author: Vec<String>,
}

impl FieldMap {
    /// The parts an option may name, in the order they are listed to users.
    pub const KEYS: [&'static str; 7] = ["id", "title", "text", "date", "url", "source", "author"];

    /// Replaces the field names tried for `key` (one of [`FieldMap::KEYS`]), e.g. for a CLI
    /// option `--field title=headline,subject`.
    pub fn set(&mut self, key: &str, names: Vec<String>) -> Result<(), String> {
        let names: Vec<String> = names
            .into_iter()
            .map(|n| n.trim().to_string())
            .filter(|n| !n.is_empty())
            .collect();
        let slot = self.slot_mut(key).ok_or_else(|| {
            format!(
                "unknown article field `{key}`; expected one of {}",
                Self::KEYS.join(", ")
            )
        })?;
        if names.is_empty() {
            return Err(format!("no JSON field names given for `{key}`"));
        }
        *slot = names;
        Ok(())
    }

    /// Parses and applies one `key=name,name…` specification, as written after `--field`.
    pub fn set_spec(&mut self, spec: &str) -> Result<(), String> {
        let (key, names) = spec
            .split_once('=')
            .ok_or_else(|| format!("`{spec}` is not of the form key=name,name…"))?;
        self.set(
            key.trim(),
            names.split(',').map(str::to_string).collect::<Vec<_>>(),
        )
    }

    /// The field names tried for `key`, or `None` for an unknown key.
    pub fn names(&self, key: &str) -> Option<&[String]> {
        let slot = match key {
            "id" => &self.id,
            "title" => &self.title,
            "text" => &self.text,
            "date" => &self.date,
            "url" => &self.url,
            "source" => &self.source,
            "author" => &self.author,
            _ => return None,
        };
        Some(slot)
    }

    fn slot_mut(&mut self, key: &str) -> Option<&mut Vec<String>> {
        let slot = match key {
            "id" => &mut self.id,
            "title" => &mut self.title,
            "text" => &mut self.text,
            "date" => &mut self.date,
            "url" => &mut self.url,
            "source" => &mut self.source,
            "author" => &mut self.author,
            _ => return None,
        };
        Some(slot)
    }
}

impl Default for FieldMap {
    fn default() -> Self {
        fn v(names: &[&str]) -> Vec<String> {
            names.iter().map(|s| s.to_string()).collect()
        }
        FieldMap {
            id: v(&["id", "_id", "docid", "doc_id", "uuid"]),
            title: v(&["title", "headline", "subject", "제목"]),
            text: v(&["text", "body", "content", "article", "본문"]),
            date: v(&[
                "date",
                "published",
                "published_at",
                "datetime",
                "pubdate",
                "created_at",
                "날짜",
            ]),
            url: v(&["url", "link", "href"]),
            source: v(&[
                "source",
                "publisher",
                "press",
                "site",
                "media",
                "매체",
                "언론사",
            ]),
            author: v(&["author", "byline", "reporter", "writer", "기자", "작성자"]),
        }
    }
}

/// How to parse: resolved from the command line before any file is read.
#[derive(Debug, Clone, Default)]
pub struct ParseOptions {
    /// JSON field names for each part of an article.
    pub fields: FieldMap,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn field_map_defaults_and_set() {
        let mut fields = FieldMap::default();
        assert_eq!(fields.names("text").map(|n| n[0].as_str()), Some("text"));
        assert!(fields.author.iter().any(|n| n == "기자"));
        fields
            .set("title", vec!["headline".into(), " subject ".into()])
            .expect("known key");
        assert_eq!(fields.title, vec!["headline", "subject"]);
        let err = fields.set("headline", vec!["x".into()]).unwrap_err();
        assert!(
            err.contains("id, title, text, date, url, source, author"),
            "{err}"
        );
        assert!(fields.set("title", vec![" ".into()]).is_err());
        fields.set_spec("text=본문, body").expect("valid spec");
        assert_eq!(fields.text, vec!["본문", "body"]);
        assert!(fields.set_spec("text").is_err());
    }
}
