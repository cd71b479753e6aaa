//! RSS 2.0 (and RSS 1.0/RDF) and Atom feeds: one article per `<item>` or `<entry>`, like the
//! records of a JSON array. An item's title, link, date (`pubDate`, `published`, `dc:date`, else
//! `updated`), author (`dc:creator`, `author`, Atom's `author/name`), id (`guid`, `id`) and
//! text (`content:encoded` or Atom's `content`, else `description` or `summary`; HTML in
//! them rendered as HTML) are read; the feed's own title, without a section's name
//! (`미래IT신문 - 전체기사`), is each article's source. One pass
//! over the XML events, no tree.

use std::sync::LazyLock;

use quick_xml::Reader;
use quick_xml::events::Event;
use quick_xml::name::QName;
use regex::Regex;

use super::html;
use super::outcome::{ParseError, Parsed, RecordProblem};
use crate::ingest::Article;
use crate::ingest::text::date::set_date;
use crate::ingest::text::non_empty;
use crate::ingest::text::xml::{attribute, entity};

/// The outlet a feed's title names: the part before a separator (`미래IT신문 - 전체기사`,
/// `로운테크 - 로봇·하드웨어` → the outlet), unless that part is a section's name
/// (`IT·과학 | 다온비즈` → `다온비즈`).
fn outlet_of(feed_title: &str) -> Option<String> {
    static SECTION: LazyLock<Regex> = LazyLock::new(|| {
        Regex::new(r"(?i)^(?:전체|최신|주요|실시간|인기|많이\s*본|속보|헤드라인|오늘의|분야별)?\s*(?:기사|뉴스|소식|rss|feed|피드)?\s*(?:rss|feed|피드)?$|^(?:정치|경제|사회|문화|국제|세계|산업|IT|IT·과학|과학|스포츠|연예|오피니언|사설|칼럼|생활|라이프|부동산|증권|금융|테크|tech|technology|news|all|latest)(?:\s*(?:기사|뉴스|rss))?$")
            .expect("valid regex")
    });
    let title = non_empty(feed_title)?;
    for sep in [" - ", " | ", " : ", " > ", " :: ", " – ", " · "] {
        if let Some((left, right)) = title.split_once(sep) {
            let (left, right) = (left.trim(), right.trim());
            if SECTION.is_match(left) && !right.is_empty() {
                return Some(right.to_string());
            }
            if !left.is_empty() {
                return Some(left.to_string());
            }
        }
    }
    Some(title)
}

/// Most items read from one feed.
const MAX_ITEMS: usize = 100_000;

/// What one item holds, as read.
#[derive(Debug, Default)]
struct Item {
    title: String,
    link: String,
    date: String,
    /// Atom's `updated`, the date when the item gives no other.
    updated: String,
    author: String,
    id: String,
    content: String,
    summary: String,
}

/// Which field of an item the current text belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Field {
    Title,
    Link,
    Date,
    Updated,
    Author,
    Id,
    Content,
    Summary,
    FeedTitle,
}

/// Whether a decoded text is a feed: its first element is `rss`, `feed` or `RDF`.
pub(crate) fn looks_like_feed(text: &str) -> bool {
    let mut reader = Reader::from_str(text);
    for _ in 0..64 {
        match reader.read_event() {
            Ok(Event::Start(e)) | Ok(Event::Empty(e)) => {
                return matches!(e.local_name().as_ref(), "rss" | "feed" | "RDF");
            }
            Ok(Event::Eof) | Err(_) => return false,
            Ok(_) => {}
        }
    }
    false
}

/// Reads a feed's items as articles.
pub(super) fn parse(text: &str) -> Result<Parsed, ParseError> {
    if !looks_like_feed(text) {
        return Err(ParseError::Feed(
            "not an RSS or Atom feed (its first element is not rss, feed or RDF)".to_string(),
        ));
    }
    let mut reader = Reader::from_str(text);
    reader.config_mut().check_end_names = false;
    let mut parsed = Parsed::default();
    let mut feed_title = String::new();
    let mut item: Option<Item> = None;
    let mut field: Option<Field> = None;
    let mut depth_in_author = 0usize;
    let mut items = 0usize;
    loop {
        let event = reader.read_event().map_err(|e| {
            ParseError::Feed(format!("XML at byte {}: {e}", reader.error_position()))
        })?;
        // Atom's `<content type="xhtml">` holds its markup inline, not escaped: read it
        // whole, as HTML.
        if let (Event::Start(e), Some(it)) = (&event, item.as_mut())
            && e.local_name().as_ref() == "content"
            && attribute(e, "type").as_deref() == Some("xhtml")
        {
            let name = e.name().as_ref().to_string();
            let inner = reader.read_text(QName(&name)).map_err(|e| {
                ParseError::Feed(format!("XML at byte {}: {e}", reader.error_position()))
            })?;
            it.content.push_str(&inner);
            field = None;
            continue;
        }
        match event {
            Event::Start(e) | Event::Empty(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if matches!(name, "item" | "entry") {
                    items += 1;
                    if items > MAX_ITEMS {
                        return Err(ParseError::Budget(format!(
                            "a feed of more than {MAX_ITEMS} items"
                        )));
                    }
                    item = Some(Item::default());
                    field = None;
                    continue;
                }
                let Some(it) = item.as_mut() else {
                    if name == "title" && feed_title.is_empty() {
                        field = Some(Field::FeedTitle);
                    }
                    continue;
                };
                if name == "author" {
                    depth_in_author += 1;
                }
                // Atom's <link href="…" rel="alternate"/>.
                if name == "link" && it.link.is_empty() {
                    let rel = attribute(&e, "rel");
                    if let Some(href) = attribute(&e, "href")
                        && matches!(rel.as_deref(), None | Some("alternate"))
                    {
                        it.link = href;
                    }
                }
                field = match name {
                    "title" => Some(Field::Title),
                    "link" => Some(Field::Link),
                    "pubDate" | "published" | "date" => Some(Field::Date),
                    "updated" => Some(Field::Updated),
                    "creator" => Some(Field::Author),
                    "author" | "name" if depth_in_author > 0 || name == "author" => {
                        Some(Field::Author)
                    }
                    "guid" | "id" => Some(Field::Id),
                    "encoded" | "content" => Some(Field::Content),
                    "description" | "summary" => Some(Field::Summary),
                    _ => field,
                };
            }
            Event::End(e) => {
                let name = e.local_name();
                let name = name.as_ref();
                if matches!(name, "item" | "entry") {
                    if let Some(it) = item.take() {
                        push_item(it, &feed_title, items - 1, &mut parsed);
                    }
                    field = None;
                } else {
                    if name == "author" {
                        depth_in_author = depth_in_author.saturating_sub(1);
                    }
                    field = None;
                }
            }
            Event::Text(t) => append(&mut item, &mut feed_title, field, &t.xml10_content()),
            Event::CData(t) => append(&mut item, &mut feed_title, field, &t.xml10_content()),
            Event::GeneralRef(r) => {
                if let Some(c) = entity(&r) {
                    append(
                        &mut item,
                        &mut feed_title,
                        field,
                        c.encode_utf8(&mut [0; 4]),
                    );
                }
            }
            Event::Eof => break,
            _ => {}
        }
    }
    if item.is_some() {
        parsed.problems.push(RecordProblem {
            record: items - 1,
            reason: "the feed ends inside this item (cut short?)".to_string(),
        });
    }
    Ok(parsed)
}

fn append(item: &mut Option<Item>, feed_title: &mut String, field: Option<Field>, text: &str) {
    let Some(field) = field else { return };
    let slot = match (item.as_mut(), field) {
        (None, Field::FeedTitle) => feed_title,
        (None, _) | (Some(_), Field::FeedTitle) => return,
        (Some(it), Field::Title) => &mut it.title,
        (Some(it), Field::Link) => &mut it.link,
        (Some(it), Field::Date) => &mut it.date,
        (Some(it), Field::Updated) => &mut it.updated,
        (Some(it), Field::Author) => &mut it.author,
        (Some(it), Field::Id) => &mut it.id,
        (Some(it), Field::Content) => &mut it.content,
        (Some(it), Field::Summary) => &mut it.summary,
    };
    slot.push_str(text);
}

/// An item as an article, or a problem when it holds no text.
fn push_item(it: Item, feed_title: &str, index: usize, parsed: &mut Parsed) {
    let body = if it.content.trim().is_empty() {
        &it.summary
    } else {
        &it.content
    };
    let paragraphs = if body.contains('<') {
        html::fragment_paragraphs(body)
    } else {
        body.lines().filter_map(non_empty).collect()
    };
    if paragraphs.is_empty() {
        parsed.problems.push(RecordProblem {
            record: index,
            reason: "no text in the item".to_string(),
        });
        return;
    }
    let mut article = Article {
        id: non_empty(&it.id),
        title: non_empty(&it.title),
        source: outlet_of(feed_title),
        author: non_empty(&it.author),
        url: non_empty(&it.link),
        paragraphs,
        record: Some(index),
        ..Article::default()
    };
    let date = if it.date.trim().is_empty() {
        &it.updated
    } else {
        &it.date
    };
    set_date(&mut article, date);
    parsed.articles.push(article);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn atom_xhtml_content_is_read_as_html() {
        let atom = r#"<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>초록누리신문</title>
<entry><title>갯벌 복원 첫 성과</title><published>2025-11-21T09:00:00+09:00</published>
<content type="xhtml"><div xmlns="http://www.w3.org/1999/xhtml">
<p>갯벌을 되살린 지 3년 만에 <b>저어새</b>가 돌아왔다.</p>
<div><p>주민들은 &quot;처음 본다&quot;고 했다.</p></div>
</div></content></entry>
<entry><title>둘째</title><content type="xhtml"/></entry></feed>"#;
        let parsed = parse(atom).unwrap();
        let a = &parsed.articles[0];
        assert_eq!(
            a.paragraphs,
            [
                "갯벌을 되살린 지 3년 만에 저어새가 돌아왔다.",
                "주민들은 \"처음 본다\"고 했다."
            ]
        );
        assert_eq!(a.date.as_deref(), Some("2025-11-21"));
        // An empty xhtml content: no text, a problem, not an article.
        assert_eq!(parsed.articles.len(), 1);
        assert_eq!(parsed.problems.len(), 1);
    }

    #[test]
    fn rss_items_with_html_descriptions() {
        let rss = r#"<?xml version="1.0" encoding="UTF-8"?>
<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel><title>테크데일리</title><link>https://news.example/</link><description>전체기사</description>
<item><title>소형 모델의 역습</title><link>https://news.example/1</link>
<pubDate>Wed, 18 Mar 2026 10:30:00 +0900</pubDate><dc:creator>김민준</dc:creator>
<description><![CDATA[<p>첫 문단.</p><p>둘째 문단 &amp; 끝.</p>]]></description></item>
<item><title>빈 기사</title><description></description></item>
<item><title>평문</title><description>&lt;p&gt;이스케이프된 HTML&lt;/p&gt;</description></item>
</channel></rss>"#;
        let parsed = parse(rss).unwrap();
        assert_eq!(parsed.articles.len(), 2);
        let a = &parsed.articles[0];
        assert_eq!(a.title.as_deref(), Some("소형 모델의 역습"));
        assert_eq!(a.source.as_deref(), Some("테크데일리"));
        assert_eq!(a.author.as_deref(), Some("김민준"));
        assert_eq!(a.date.as_deref(), Some("2026-03-18"));
        assert_eq!(a.url.as_deref(), Some("https://news.example/1"));
        assert_eq!(a.paragraphs, ["첫 문단.", "둘째 문단 & 끝."]);
        assert_eq!(a.record, Some(0));
        assert_eq!(parsed.problems[0].record, 1);
        assert_eq!(parsed.articles[1].paragraphs, ["이스케이프된 HTML"]);
        assert_eq!(parsed.articles[1].record, Some(2));
    }

    #[test]
    fn the_outlet_of_a_feed_title() {
        for (title, outlet) in [
            ("미래IT신문 - 전체기사", Some("미래IT신문")),
            ("IT·과학 | 다온비즈", Some("다온비즈")),
            ("테크데일리 : 최신뉴스 RSS", Some("테크데일리")),
            ("한결일보", Some("한결일보")),
            ("로운테크 - 로봇·하드웨어", Some("로운테크")),
            ("초록누리신문 · 환경/생태", Some("초록누리신문")),
            ("  ", None),
        ] {
            assert_eq!(outlet_of(title).as_deref(), outlet, "{title}");
        }
    }

    #[test]
    fn atom_entries() {
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>한빛뉴스</title>
<entry><title>GPU 임대료</title><link rel="alternate" href="https://news.example/a"/>
<id>tag:news.example,2026:a</id><updated>2026-02-19T10:00:00+09:00</updated>
<published>2026-02-18T09:12:00+09:00</published>
<author><name>이서연</name></author>
<content type="html">&lt;p&gt;요금이 올랐다.&lt;/p&gt;</content></entry></feed>"#;
        let parsed = parse(atom).unwrap();
        let a = &parsed.articles[0];
        assert_eq!(a.title.as_deref(), Some("GPU 임대료"));
        assert_eq!(a.source.as_deref(), Some("한빛뉴스"));
        assert_eq!(a.author.as_deref(), Some("이서연"));
        assert_eq!(a.date.as_deref(), Some("2026-02-18"));
        assert_eq!(a.url.as_deref(), Some("https://news.example/a"));
        assert_eq!(a.id.as_deref(), Some("tag:news.example,2026:a"));
        assert_eq!(a.paragraphs, ["요금이 올랐다."]);

        // `updated` alone dates an entry.
        let atom = r#"<feed xmlns="http://www.w3.org/2005/Atom"><title>한빛뉴스</title>
<entry><title>t</title><updated>2026-02-19T10:00:00+09:00</updated><summary>x</summary></entry></feed>"#;
        let parsed = parse(atom).unwrap();
        assert_eq!(parsed.articles[0].date.as_deref(), Some("2026-02-19"));
    }

    #[test]
    fn not_a_feed_and_broken_xml_are_errors() {
        assert!(parse("<html><body>x</body></html>").is_err());
        let err = parse("<rss><channel><item><title>x</tit").unwrap_err();
        assert!(err.to_string().contains("feed"), "{err}");
        let cut = parse("<rss><channel><item><title>x</title><description>y").unwrap();
        assert!(cut.articles.is_empty());
        assert!(cut.problems[0].reason.contains("cut short"));
    }
}
