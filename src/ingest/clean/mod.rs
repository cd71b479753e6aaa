//! Article cleanup: what is article text stays, page furniture goes.
//!
//! [`clean`] runs on every parsed article, whatever its format, and works on paragraphs:
//!
//! - **Bylines** at the start of one of the first paragraphs — `[테크데일리 김민준 기자] …`,
//!   `(서울=한빛뉴스) 이서연 기자 = …`, `[서울=한빛뉴스] 이서연 기자 = …`, `이서연 기자 = …` —
//!   are cut from the paragraph and fill `author` and `source` when those are not yet set; a
//!   trailing `… / 김민준 기자` likewise.
//! - **Footers** go wherever they are: copyright lines (`Copyright ⓒ …`, `<저작권자 ⓒ …>`,
//!   `ⓒ … 무단전재 및 재배포 금지`, `… All rights reserved.`), reporter e-mail lines
//!   (`김민준 기자 minjun.kim@…`, an address alone) and reporter-only lines (`김민준 기자`).
//!   Their name supplies the author when no byline did.
//! - **Trailing headline lists** go: a heading such as `[관련기사]`, `많이 본 뉴스`, `인기기사`
//!   followed to the end by short lines that are not sentences (no closing period), or
//!   without a heading, two or more trailing lines that end in a timestamp
//!   (`▶ 폴더블폰 판매 30% 증가 2026.02.24 14:05`) or start with `▶`/`☞`.
//!   Only at the end of the article: a body paragraph that merely contains a date stays.
//!   Inside the text, a heading and the headlines under it go when sentences follow them.
//! - A leading paragraph equal to the title, and date lines (`입력 2026.01.22 06:00 | 수정 …`)
//!   among the first paragraphs, go (the date line fills `date` when it is missing), as do
//!   lines that give the reporter and the date together (`김민준 기자 | 승인 2026.03.18`).
//! - **News as it is copied** (`copied.rs`): the article ends at the copyright line unless
//!   clearly more article follows; the outlet it names is the source; reaction and comment
//!   widgets go; headline lists are found with their timestamps before or after the headline,
//!   glued or spaced, or on the next line.
//!
//! Paragraphs are never dropped for being short, and an article that had text is never left
//! empty: if everything would go, the paragraphs are kept as they were.
//!
//! The rules are regexes over the reporter name, role and e-mail patterns of
//! `text::byline`, which the HTML parser reads bylines with too.

mod copied;

pub use copied::{PageFacts, PastedHeader, page_facts, pasted_header, reporter_and_date};

use std::sync::LazyLock;

use regex::Regex;

use super::Article;
use super::text::byline::{EMAIL, EMAIL_PATTERN, author_name, re};
use super::text::date::dateline_date;
use super::text::{collapse_whitespace, non_empty};

/// How many leading paragraphs may hold the byline.
const BYLINE_PARAGRAPHS: usize = 6;
/// How many leading paragraphs may hold a date line or repeat the title.
const HEADER_PARAGRAPHS: usize = 5;
/// Longest line taken as an item of a trailing headline list, in characters.
const MAX_ITEM_CHARS: usize = 150;
/// Most items a trailing headline list may have.
const MAX_LIST_ITEMS: usize = 40;

/// `[테크데일리 김민준 기자] `, `[김민준 기자] `, `[테크데일리=김민준 기자] `.
static BRACKET_BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*[\[【]\s*(?:(?P<source>[^\[\]【】=]{1,30}?)\s*(?:=|\s)\s*)?(?P<name>NAME)\s*ROLE\s*[\]】]\s*",
    )
});
/// `(서울=한빛뉴스) 이서연 기자 = `, `[서울=한빛뉴스] 이서연 기자 = `, `(서울=한빛뉴스) `;
/// with two reporters (`송지우 이나래 기자 =`) the first is the author.
static AGENCY_BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*[\(\[【]\s*(?P<place>[^()\[\]【】=]{1,20}?)\s*=\s*(?P<source>[^()\[\]【】=]{1,30}?)\s*[\)\]】]\s*(?:(?P<name>NAME)(?:\s+[가-힣]{2,4})*\s*ROLE\s*)?(?P<eq>=)?\s*",
    )
});
/// `이서연 기자 = ` opening a paragraph.
static NAME_EQ_BYLINE: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*(?P<name>NAME)(?:\s+[가-힣]{2,4})*\s*ROLE\s*=\s*"));
/// `… / 김민준 기자` (with an optional address) closing a paragraph.
static SLASH_BYLINE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"\s*/\s*(?P<name>NAME)\s*ROLE\s*(?:[<(\[]?\s*EMAIL\s*[>)\]]?)?\s*$"
            .replace("EMAIL", EMAIL_PATTERN)
            .as_str(),
    )
});
/// A paragraph that is only a reporter's name and role (`김민준 기자`, `<서하준 기자>`).
static REPORTER_ONLY: LazyLock<Regex> =
    LazyLock::new(|| re(r"^\s*[<‹〈(\[]?\s*(?P<name>NAME)\s*ROLE\s*[>›〉)\]]?\s*=?\s*$"));
/// `김민준 기자 minjun@…` or an address closing a paragraph after the article text.
static TRAILING_EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"\s+(?:(?P<name>NAME)\s*ROLE\s*)?[<(\[]?\s*{EMAIL_PATTERN}\s*[>)\]]?\s*$"
    ))
});
/// Words that label an address in a footer (`이메일:`, `문의`).
static EMAIL_LABEL: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)e-?mail|mailto|이메일|메일|문의|제보"));

/// Headings of headline lists.
static LIST_HEADING: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^[\s*_#]*[\[【<〈《■□▶◆●○\-=]*\s*(?:관련\s*기사|관련\s*뉴스|많이\s*(?:본|읽은|읽힌)\s*(?:뉴스|기사)|인기\s*(?:기사|뉴스)|추천\s*(?:기사|뉴스)|주요\s*(?:기사|뉴스)|최신\s*(?:기사|뉴스)|이\s*시각\s*(?:주요\s*|인기\s*)?(?:뉴스|기사)|(?:오늘의\s*)?핫\s*(?:뉴스|이슈)|오늘의\s*(?:주요\s*|인기\s*)?(?:뉴스|기사)|(?:함께|같이)\s*(?:보면\s*좋은|볼만한|읽을만한|본)\s*(?:기사|뉴스)|실시간\s*(?:인기\s*)?(?:기사|뉴스)|포토\s*뉴스|다른\s*기사\s*보기|기자의\s*다른\s*기사|이\s*기자의\s*다른\s*기사|related\s+(?:articles|news|stories)|most\s+(?:read|viewed|popular))\s*[\]】>〉》■□◆●○\-=]*[\s*_:]*$",
    )
});
/// A timestamp closing a line: `2026.03.12 14:05`, `2026-03-12`, `03.12 14:05`.
static TIMESTAMP_END: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:\d{4}\s*[./-]\s*\d{1,2}\s*[./-]\s*\d{1,2}\.?(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?|\d{1,2}[./-]\d{1,2}\s+\d{1,2}:\d{2})\s*[)\]]?\s*$",
    )
});
/// A year, as in `Copyright 2026 …`.
static YEAR: LazyLock<Regex> = LazyLock::new(|| re(r"\b(?:19|20)\d{2}\b"));
/// A footer sentence without a copyright mark.
static NO_REPRINT: LazyLock<Regex> =
    LazyLock::new(|| re(r"무단\s*(?:전재|복제|배포|복사)|재\s*배포\s*금지"));

/// Takes bylines, footers and trailing headline lists out of `article`, filling `author`,
/// `source` and `date` from what it removes when they are missing.
pub fn clean(article: &mut Article) {
    let original: Vec<String> = article
        .paragraphs
        .iter()
        .map(|p| p.trim().to_string())
        .filter(|p| !p.is_empty())
        .collect();
    article.title = article.title.as_deref().and_then(non_empty);
    article.source = article.source.as_deref().and_then(non_empty);
    article.author = article.author.as_deref().and_then(author_name);

    let mut paragraphs = original.clone();
    let mut names_seen: Vec<String> = Vec::new();

    // The copyright notice names the outlet better than a byline, whose bracket may hold a
    // place (`【도쿄=염도경 특파원】`).
    let outlet = paragraphs.iter().find_map(|p| copied::copyright_source(p));
    set_if_none(&mut article.source, outlet.as_deref());
    take_leading_byline(&mut paragraphs, article);
    copied::cut_after_copyright(&mut paragraphs);
    paragraphs.retain(|p| {
        if is_copyright(p, false)
            || copied::is_widget(p)
            || copied::is_caption(p)
            || copied::is_related_link(p)
        {
            return false;
        }
        if let Some(name) = email_line(p) {
            names_seen.extend(name);
            return false;
        }
        if let Some(c) = REPORTER_ONLY.captures(p) {
            names_seen.push(c["name"].to_string());
            return false;
        }
        true
    });
    strip_trailing(&mut paragraphs, &mut names_seen);
    drop_inner_lists(&mut paragraphs);
    drop_header_lines(&mut paragraphs, article);
    paragraphs.retain(|p| !p.trim().is_empty());

    if article.author.is_none() {
        article.author = names_seen.into_iter().next();
    }
    article.paragraphs = if paragraphs.is_empty() {
        original
    } else {
        paragraphs
    };
}

fn set_if_none(slot: &mut Option<String>, value: Option<&str>) {
    if slot.is_none()
        && let Some(v) = value.and_then(non_empty)
    {
        *slot = Some(v);
    }
}

/// Cuts the byline from the first paragraph (of the first few) that opens with one.
fn take_leading_byline(paragraphs: &mut [String], article: &mut Article) {
    for p in paragraphs.iter_mut().take(BYLINE_PARAGRAPHS) {
        // A byline with its date and nothing else is a header line (`drop_header_lines`).
        if copied::byline_and_date(p).is_some() {
            return;
        }
        if let Some(c) = BRACKET_BYLINE.captures(p) {
            set_if_none(&mut article.source, c.name("source").map(|m| m.as_str()));
            set_if_none(&mut article.author, c.name("name").map(|m| m.as_str()));
            *p = p[c.get(0).map_or(0, |m| m.end())..].to_string();
            return;
        }
        if let Some(c) = AGENCY_BYLINE.captures(p) {
            let place = c["place"].trim();
            let credit = matches!(
                place,
                "사진"
                    | "그래픽"
                    | "자료"
                    | "영상"
                    | "출처"
                    | "제공"
                    | "일러스트"
                    | "삽화"
                    | "캡처"
                    | "화면"
            );
            if !credit || c.name("name").is_some() {
                set_if_none(&mut article.source, c.name("source").map(|m| m.as_str()));
                set_if_none(&mut article.author, c.name("name").map(|m| m.as_str()));
                *p = p[c.get(0).map_or(0, |m| m.end())..].to_string();
                return;
            }
        }
        if let Some(c) = NAME_EQ_BYLINE.captures(p) {
            set_if_none(&mut article.author, c.name("name").map(|m| m.as_str()));
            *p = p[c.get(0).map_or(0, |m| m.end())..].to_string();
            return;
        }
    }
}

/// Whether a paragraph is a copyright notice. `near_end` also accepts a short no-reprint
/// sentence without a copyright mark.
fn is_copyright(p: &str, near_end: bool) -> bool {
    // Every notice below holds one of these: most paragraphs are ruled out in one pass, with
    // no counting and no lower-casing.
    static MARKS: LazyLock<Regex> =
        LazyLock::new(|| re(r"(?i)[ⓒ©]|c\)|copyright|저작권|rights|무단|배포"));
    if p.len() > 4 * 200 || !MARKS.is_match(p) {
        return false;
    }
    let len = p.chars().count();
    if len > 200 {
        return false;
    }
    let t = p.trim_start_matches(|c: char| c.is_whitespace() || "<‹〈《[(【*_".contains(c));
    let lower = t.to_lowercase();
    if t.starts_with(['ⓒ', '©']) {
        return true;
    }
    let symbol = t.contains(['ⓒ', '©']) || lower.contains("(c)");
    let mark = symbol || lower.contains("copyright");
    let reprint = NO_REPRINT.is_match(t) || t.contains("금지");
    if lower.starts_with("copyright")
        && (symbol || reprint || lower.contains("rights") || len <= 60 || YEAR.is_match(t))
    {
        return true;
    }
    if (lower.starts_with("c) ") || lower.starts_with("(c) "))
        && (reprint || lower.contains("rights"))
    {
        return true;
    }
    let bracketed = p
        .trim_start()
        .starts_with(['<', '‹', '〈', '《', '[', '(', '【']);
    if t.starts_with("저작권자") && (mark || (bracketed && reprint)) {
        return true;
    }
    if lower.contains("all rights reserved") {
        return true;
    }
    if mark && reprint {
        return true;
    }
    near_end
        && len <= 120
        && NO_REPRINT.is_match(t)
        && (t.contains("금지") || t.contains("금합니다"))
}

/// For a reporter e-mail line (`김민준 기자 minjun@…`, an address alone): `Some` with the
/// reporter's name if it gives one; `None` when the paragraph is something else.
fn email_line(p: &str) -> Option<Option<String>> {
    if p.chars().count() > 120 || !EMAIL.is_match(p) {
        return None;
    }
    let rest = EMAIL.replace_all(p, " ");
    let rest = EMAIL_LABEL.replace_all(&rest, " ");
    let rest: String = rest
        .chars()
        .map(|c| {
            if "()<>[]{}:：,;/|=·-".contains(c) {
                ' '
            } else {
                c
            }
        })
        .collect();
    let rest = collapse_whitespace(&rest);
    if rest.is_empty() {
        return Some(None);
    }
    if let Some(c) = REPORTER_ONLY.captures(&rest) {
        return Some(Some(c["name"].to_string()));
    }
    let hangul_name = rest.chars().count() <= 5 && rest.chars().all(|c| ('가'..='힣').contains(&c));
    hangul_name.then_some(Some(rest))
}

/// Removes, from the end, empty and rule lines, footers, trailing bylines and headline lists.
fn strip_trailing(paragraphs: &mut Vec<String>, names_seen: &mut Vec<String>) {
    loop {
        let Some(last) = paragraphs.last() else {
            return;
        };
        let bare = last.trim();
        if bare.is_empty() || bare.chars().all(|c| "-=*_~·. ".contains(c)) {
            paragraphs.pop();
            continue;
        }
        if is_copyright(bare, true) {
            paragraphs.pop();
            continue;
        }
        if let Some(start) =
            trailing_list_start(paragraphs).or_else(|| copied::headline_list_start(paragraphs))
        {
            paragraphs.truncate(start);
            continue;
        }
        // A byline or address closing the last paragraph.
        let tail = SLASH_BYLINE
            .captures(bare)
            .or_else(|| TRAILING_EMAIL.captures(bare));
        if let Some(c) = tail
            && let Some(m) = c.get(0)
            && m.start() > 0
        {
            if let Some(name) = c.name("name") {
                names_seen.insert(0, name.as_str().to_string());
            }
            let kept = bare[..m.start()].trim_end().to_string();
            if let Some(last) = paragraphs.last_mut() {
                *last = kept;
            }
            continue;
        }
        return;
    }
}

/// A headline, not a sentence: short, and not closed by a period (headlines end in `…다` as
/// often as sentences do, but never in a period).
fn is_list_item(p: &str) -> bool {
    p.chars().count() <= MAX_ITEM_CHARS && !p.trim_end().ends_with(['.', '。'])
}

/// Drops a box of links to other articles inside the text: a list heading (`함께 보면 좋은
/// 기사`) and the headlines under it, up to the article's next sentence.
fn drop_inner_lists(paragraphs: &mut Vec<String>) {
    let mut i = 0;
    while i < paragraphs.len() {
        if LIST_HEADING.is_match(&paragraphs[i]) {
            let items = paragraphs[i + 1..]
                .iter()
                .take(MAX_LIST_ITEMS)
                .take_while(|p| is_list_item(p))
                .count();
            let resumes = paragraphs
                .get(i + 1 + items)
                .is_some_and(|p| !is_list_item(p));
            if items > 0 && resumes {
                paragraphs.drain(i..=i + items);
                continue;
            }
        }
        i += 1;
    }
}

/// Where a trailing headline list starts, if the paragraphs end with one.
fn trailing_list_start(paragraphs: &[String]) -> Option<usize> {
    let n = paragraphs.len();
    // A heading followed to the end by headlines.
    for i in (n.saturating_sub(MAX_LIST_ITEMS + 1)..n).rev() {
        if LIST_HEADING.is_match(&paragraphs[i]) {
            return paragraphs[i + 1..]
                .iter()
                .all(|p| is_list_item(p))
                .then_some(i);
        }
        if !is_list_item(&paragraphs[i]) {
            break;
        }
    }
    // No heading: trailing headline lines.
    let mut start = n;
    while start > 0 && n - start < MAX_LIST_ITEMS && is_headline_item(&paragraphs[start - 1]) {
        start -= 1;
    }
    let run = n - start;
    let promo = |p: &String| p.trim_start().starts_with(['▶', '►', '▷', '☞']);
    (run >= 2 || (run == 1 && promo(&paragraphs[n - 1]))).then_some(start)
}

/// A line of a headline list: short, and opening with a promotion arrow or closing with a
/// timestamp (after a headline, not after a sentence).
fn is_headline_item(p: &str) -> bool {
    let p = p.trim();
    if p.chars().count() > MAX_ITEM_CHARS {
        return false;
    }
    if p.starts_with(['▶', '►', '▷', '☞']) {
        return true;
    }
    match TIMESTAMP_END.find(p) {
        Some(m) => {
            let before = p[..m.start()].trim_end();
            !before.is_empty() && !before.ends_with(['.', '다'])
        }
        None => false,
    }
}

/// Drops a leading repeat of the title and date lines among the first paragraphs.
fn drop_header_lines(paragraphs: &mut Vec<String>, article: &mut Article) {
    if let Some(title) = &article.title {
        let title = collapse_whitespace(title);
        if let Some(i) = paragraphs
            .iter()
            .take(HEADER_PARAGRAPHS)
            .position(|p| collapse_whitespace(p) == title)
        {
            paragraphs.remove(i);
        }
    }
    let mut i = 0;
    while i < paragraphs.len().min(HEADER_PARAGRAPHS) {
        let p = &paragraphs[i];
        if let Some((name, date)) = copied::reporter_and_date(p) {
            set_if_none(&mut article.author, Some(&name));
            set_if_none(&mut article.date, Some(&date));
            paragraphs.remove(i);
            continue;
        }
        if let Some((source, name, date)) = copied::byline_and_date(p) {
            set_if_none(&mut article.source, Some(&source));
            set_if_none(&mut article.author, Some(&name));
            set_if_none(&mut article.date, Some(&date));
            paragraphs.remove(i);
            continue;
        }
        if let Some(date) = dateline_date(p) {
            if article.date.is_none() {
                article.date = Some(date);
            }
            paragraphs.remove(i);
            continue;
        }
        i += 1;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn article(paragraphs: &[&str]) -> Article {
        Article {
            paragraphs: paragraphs.iter().map(|s| s.to_string()).collect(),
            ..Article::default()
        }
    }

    fn cleaned(paragraphs: &[&str]) -> Article {
        let mut a = article(paragraphs);
        clean(&mut a);
        a
    }

    #[test]
    fn bracket_byline() {
        let a = cleaned(&[
            "[테크데일리 김민준 기자] 인공지능(AI) 모델 가격이 올랐다.",
            "둘째.",
        ]);
        assert_eq!(a.author.as_deref(), Some("김민준"));
        assert_eq!(a.source.as_deref(), Some("테크데일리"));
        assert_eq!(
            a.paragraphs,
            vec!["인공지능(AI) 모델 가격이 올랐다.", "둘째."]
        );

        let a = cleaned(&["[김민준·이서연 기자] 본문."]);
        assert_eq!(a.author.as_deref(), Some("김민준·이서연"));
        assert_eq!(a.source, None);

        let a = cleaned(&["[다온 경제 정하늘 기자]본문."]);
        assert_eq!(a.source.as_deref(), Some("다온 경제"));
        assert_eq!(a.author.as_deref(), Some("정하늘"));
        assert_eq!(a.paragraphs, vec!["본문."]);
    }

    #[test]
    fn agency_byline() {
        let a = cleaned(&["(서울=한빛뉴스) 이서연 기자 = 국내 클라우드 업체들이 요금을 올렸다."]);
        assert_eq!(a.author.as_deref(), Some("이서연"));
        assert_eq!(a.source.as_deref(), Some("한빛뉴스"));
        assert_eq!(a.paragraphs, vec!["국내 클라우드 업체들이 요금을 올렸다."]);
        // Two reporters: the first is the author.
        let a = cleaned(&["(서울=돌담일보) 송지우 이나래 기자 = 업체들이 요금을 올렸다."]);
        assert_eq!(a.author.as_deref(), Some("송지우"));
        assert_eq!(a.paragraphs, vec!["업체들이 요금을 올렸다."]);
        // A byline with its date is a header line: it goes whole.
        let a = cleaned(&[
            "(실리콘밸리=단비경제) 류태오 특파원 · 2026년 1월 9일 오전 5:30",
            "본문이다.",
        ]);
        assert_eq!(a.author.as_deref(), Some("류태오"));
        assert_eq!(a.date.as_deref(), Some("2026-01-09"));
        assert_eq!(a.paragraphs, vec!["본문이다."]);

        let a = cleaned(&["[부산=한빛뉴스]최동현 기자 = 본문."]);
        assert_eq!(a.author.as_deref(), Some("최동현"));
        assert_eq!(a.paragraphs, vec!["본문."]);

        let a = cleaned(&["(워싱턴=한빛뉴스) 본문."]);
        assert_eq!(a.source.as_deref(), Some("한빛뉴스"));
        assert_eq!(a.paragraphs, vec!["본문."]);

        // A photo credit is not a byline.
        let a = cleaned(&["(사진=세움AI 제공) 서버실 모습."]);
        assert_eq!(a.source, None);
        assert_eq!(a.paragraphs, vec!["(사진=세움AI 제공) 서버실 모습."]);
    }

    #[test]
    fn existing_fields_win_over_the_byline() {
        let mut a = article(&["[테크데일리 김민준 기자] 본문."]);
        a.author = Some("김민준 기자".into());
        a.source = Some("다른매체".into());
        clean(&mut a);
        assert_eq!(a.author.as_deref(), Some("김민준"));
        assert_eq!(a.source.as_deref(), Some("다른매체"));
        assert_eq!(a.paragraphs, vec!["본문."]);
    }

    #[test]
    fn name_eq_and_slash_bylines() {
        let a = cleaned(&["윤하은 기자 = 본문."]);
        assert_eq!(a.author.as_deref(), Some("윤하은"));
        assert_eq!(a.paragraphs, vec!["본문."]);

        let a = cleaned(&["본문 첫째.", "마지막 문단이다. / 김민준 기자"]);
        assert_eq!(a.author.as_deref(), Some("김민준"));
        assert_eq!(a.paragraphs, vec!["본문 첫째.", "마지막 문단이다."]);

        let a = cleaned(&["본문이다. 김민준 기자 minjun.kim@techdaily.example"]);
        assert_eq!(a.author.as_deref(), Some("김민준"));
        assert_eq!(a.paragraphs, vec!["본문이다."]);
    }

    #[test]
    fn copyright_lines() {
        for footer in [
            "Copyright ⓒ 테크데일리. 무단전재 및 재배포 금지.",
            "<저작권자 ⓒ 한빛뉴스, 무단 전재-재배포 금지>",
            "‹저작권자 ⓒ 한빛뉴스, 무단 전재-재배포 금지›",
            "ⓒ 누리테크, 무단전재 및 재배포 금지",
            "ⓒ 코드라인. All rights reserved.",
            "ⓒ 다온경제 무단전재 및 재배포 금지",
            "Copyright ⓒ 새벽IT. All rights reserved.",
            "ⓒ 솔빛일보, 무단 전재 및 재배포 금지",
            "© 2026 Example Media",
            "Copyright 2026 Example Media, Inc.",
            "(c) Example Media. All rights reserved.",
            "저작권자 © 한빛뉴스 무단전재 및 재배포금지",
        ] {
            let a = cleaned(&["본문이다.", footer]);
            assert_eq!(a.paragraphs, vec!["본문이다."], "{footer}");
        }
        let text = "Copyright holders have sued several AI companies this year, and more cases are expected to follow.";
        let a = cleaned(&[text, "다음 문단."]);
        assert_eq!(a.paragraphs.len(), 2);
        // Article text about copyright stays.
        let text = "저작권자 단체는 무단 전재가 늘었다고 밝혔다. 이들은 법 개정을 요구했다.";
        let a = cleaned(&[text, "다음 문단."]);
        assert_eq!(a.paragraphs.len(), 2);
    }

    #[test]
    fn email_and_reporter_lines() {
        let a = cleaned(&["본문이다.", "<서하준 기자>"]);
        assert_eq!(a.author.as_deref(), Some("서하준"));
        assert_eq!(a.paragraphs, vec!["본문이다."]);
        let a = cleaned(&[
            "본문.",
            "김민준 기자 minjun.kim@techdaily.example",
            "ⓒ 테크데일리",
        ]);
        assert_eq!(a.paragraphs, vec!["본문."]);
        assert_eq!(a.author.as_deref(), Some("김민준"));

        let a = cleaned(&["본문.", "donghyun.choi@hanbitnews.example"]);
        assert_eq!(a.paragraphs, vec!["본문."]);
        assert_eq!(a.author, None);

        let a = cleaned(&["본문.", "이메일: help@x.example", "김민준 기자"]);
        assert_eq!(a.paragraphs, vec!["본문."]);
        assert_eq!(a.author.as_deref(), Some("김민준"));

        // An address inside article text stays.
        let text = "문의는 help@x.example 로 하면 된다고 회사는 설명했다. 접수는 다음 달부터다.";
        let a = cleaned(&["본문.", text, "끝 문단."]);
        assert_eq!(a.paragraphs.len(), 3);
    }

    #[test]
    fn trailing_lists_with_headings() {
        let a = cleaned(&[
            "본문 첫째.",
            "마지막 문단은 2026.02.24 발표를 다뤘다.",
            "haeun.yoon@hanbitnews.example",
            "<저작권자 ⓒ 한빛뉴스, 무단 전재-재배포 금지>",
            "[관련기사]",
            "▶ 폴더블폰 판매 30% 증가 2026.02.24 14:05",
            "▶ 통신 3사 요금제 개편 2026.02.23 09:30",
        ]);
        assert_eq!(
            a.paragraphs,
            vec!["본문 첫째.", "마지막 문단은 2026.02.24 발표를 다뤘다."]
        );

        let a = cleaned(&[
            "본문.",
            "많이 본 뉴스",
            "'잿빛 왕관' 첫 대규모 패치 예고…화면 끊김 개선 2026.03.09 18:20",
            "설 이후 모바일게임 매출 순위 또 바뀌었다 2026.03.08 11:02",
        ]);
        assert_eq!(a.paragraphs, vec!["본문."]);

        for heading in [
            "**많이 본 뉴스**",
            "관련기사",
            "인기기사",
            "【 관련 기사 】",
            "관련뉴스 :",
        ] {
            let a = cleaned(&["본문.", heading, "1. 제목 하나", "2. 제목 둘"]);
            assert_eq!(a.paragraphs, vec!["본문."], "{heading}");
        }
    }

    #[test]
    fn trailing_lists_without_headings() {
        let a = cleaned(&[
            "본문.",
            "▶ 폴더블폰 판매 30% 증가 2026.02.24 14:05",
            "▶ 통신 3사 요금제 개편 2026.02.23 09:30",
        ]);
        assert_eq!(a.paragraphs, vec!["본문."]);
        let a = cleaned(&["본문.", "▶ 네이버에서 구독하세요"]);
        assert_eq!(a.paragraphs, vec!["본문."]);
        // A single last paragraph ending with a date is article text.
        let a = cleaned(&["본문.", "발표는 2026.03.12"]);
        assert_eq!(a.paragraphs.len(), 2);
        // Sentences ending with a timestamp are not headlines.
        let a = cleaned(&[
            "본문.",
            "회의는 끝났다. 2026.03.12",
            "다음 회의도 열렸다. 2026.03.13",
        ]);
        assert_eq!(a.paragraphs.len(), 3);
    }

    #[test]
    fn lists_inside_the_article_stay() {
        let a = cleaned(&[
            "관련 기사를 보면 다음과 같다.",
            "- 통신사·카드사 결합 할인 상품이 있는지",
            "- 연간 결제 때 할인 혜택이 있는지",
            "백승호 기자 seungho.baek@solbit.example",
        ]);
        assert_eq!(a.paragraphs.len(), 3);
        assert_eq!(a.author.as_deref(), Some("백승호"));
        // A heading mid-article followed by long paragraphs is not a trailing list.
        let long = "가".repeat(200);
        let a = cleaned(&["본문.", "관련기사", &long]);
        assert_eq!(a.paragraphs.len(), 3);
        // A box of headlines inside the text goes; the sentences after it, short or long, stay.
        let a = cleaned(&[
            "본문 첫째.",
            "함께 보면 좋은 기사",
            "'소아과 오픈런' 여전…대도시도 평일 대기 2시간",
            "공공 심야약국 확대 예산 국회 문턱 넘을까",
            "전문가들은 원격 상담을 대안으로 제시한다.",
            "한 교수는 \"보상을 현실화해야 한다\"고 강조했다.",
        ]);
        assert_eq!(
            a.paragraphs,
            [
                "본문 첫째.",
                "전문가들은 원격 상담을 대안으로 제시한다.",
                "한 교수는 \"보상을 현실화해야 한다\"고 강조했다."
            ]
        );
    }

    #[test]
    fn title_repeat_and_date_lines() {
        let mut a = article(&[
            "제목  이다",
            "부제",
            "입력 2026.01.22 06:00 | 수정 2026.01.22 08:41",
            "본문.",
        ]);
        a.title = Some("제목 이다".into());
        clean(&mut a);
        assert_eq!(a.paragraphs, vec!["부제", "본문."]);
        assert_eq!(a.date.as_deref(), Some("2026-01-22"));
    }

    #[test]
    fn short_paragraphs_and_captions_stay() {
        let a = cleaned(&[
            "네.",
            "(사진) 서버실 모습.",
            "소형언어모델(SLM)은 작다.",
            "끝.",
        ]);
        assert_eq!(a.paragraphs.len(), 4);
    }

    #[test]
    fn never_empties_an_article() {
        let a = cleaned(&["ⓒ 누리테크, 무단전재 및 재배포 금지"]);
        assert_eq!(a.paragraphs, vec!["ⓒ 누리테크, 무단전재 및 재배포 금지"]);
        let a = cleaned(&["[테크데일리 김민준 기자]"]);
        assert_eq!(a.paragraphs, vec!["[테크데일리 김민준 기자]"]);
        assert_eq!(a.author.as_deref(), Some("김민준"));
        let a = cleaned(&["  ", ""]);
        assert!(a.paragraphs.is_empty());
    }
}
