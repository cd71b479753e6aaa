//! News as it is copied: what a news page leaves around an article when a user selects the
//! whole page in a browser and pastes it into a file (and what the same furniture looks like
//! when an HTML page keeps it in its body).
//!
//! - The article ends at the outlet's copyright line ([`cut_after_copyright`]): what follows
//!   it is furniture (other headlines, reactions, comments) unless it is clearly more article,
//!   that is, two long paragraphs that end a sentence follow each other somewhere after it.
//! - The outlet named in the copyright line is the source ([`copyright_source`]).
//! - Reaction and comment widgets (`좋아요 12`, `추천 0`, `댓글 0`, `댓글 쓰기`, `댓글을 입력해주세요`,
//!   `로그인 후 …`, `테크데일리 기자 구독`) are furniture wherever they stand ([`is_widget`]).
//! - A line that gives the reporter and the date together (`김민준 기자 | 승인 2026.03.18
//!   10:30`) gives the author and date ([`reporter_and_date`]).
//! - Headline lists: lines that are a headline with a timestamp before or after it, glued or
//!   spaced, and headlines whose timestamp stands on the next line ([`headline_list_start`]).

use std::sync::LazyLock;

use regex::Regex;

use super::{NO_REPRINT, REPORTER_ONLY, is_copyright};
use crate::ingest::text::byline::{EMAIL_PATTERN, re, reporter_in};
use crate::ingest::text::date::{dateline_date, normalize_date};
use crate::ingest::text::stamp::{is_stamp_only, opens_with_stamp, without_stamp};

/// The longest paragraph after a copyright line that may be furniture, in characters; and
/// the shortest one that counts as more article.
const MORE_ARTICLE_CHARS: usize = 60;
/// Longest line taken as a headline of a list, in characters.
const MAX_HEADLINE_CHARS: usize = 150;

/// The outlet in a copyright line: `Copyright ⓒ 테크데일리. 무단전재…`, `저작권자 © 다온비즈
/// 무단전재…`, `<저작권자 ⓒ 코어뉴스, 무단 전재…>`, `ⓒ 누리테크, 무단전재…`,
/// `Copyright © 2026 테크데일리. All rights reserved.`
static COPYRIGHT_OUTLET: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r#"(?i)(?:[ⓒ©]|\(c\)|copyright)\s*(?:[ⓒ©]|\(c\))?\s*(?:(?:19|20)\d{2}\s*)?(?:by\s+)?(?P<name>[^\s.,，<>()\[\]{}|:;'"ⓒ© ]{1,20}(?:\s[^\s.,，<>()\[\]{}|:;'"ⓒ© ]{1,10})?)\s*(?:[.,，>)\](]|무단|all\s+rights|$)"#,
    )
});
/// The outlet in a notice written as a sentence: `이 기사의 저작권은 솔바람스포츠에 있으며, …`.
static COPYRIGHT_OWNER: LazyLock<Regex> = LazyLock::new(|| {
    re(r"저작권(?:은|이)\s*(?:\(주\)\s*)?(?P<name>[가-힣A-Za-z0-9]{2,20})\s*(?:에|에게)\s*있")
});
/// Words that are never an outlet's name.
static NOT_OUTLET: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:무단|저작권|all|rights|reserved|copyright|news|뉴스)$"));

/// Reaction, subscription and comment widgets.
static WIDGET: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:(?:좋아요|추천(?:해요)?|훈훈해요|슬퍼요|화나요|싫어요|최고예요|후속\s*기사\s*원해요|응원수|구독자|댓글|공유하기|스크랩|조회수?)\s*[:：]?\s*[\d,]*\s*(?:개|명|건|회)?|.{1,20}?\s*기자\s*(?:구독(?:하기)?|다른\s*기사\s*(?:보기|더\s*보기)?)|댓글을?\s*(?:입력|작성|남겨|달아|쓰기|달기|보기|더\s*보기).{0,20}|.{0,10}로그인\s*(?:후|하고|하시면|하셔야|이\s*필요).{0,30}|PC\s*버전(?:으로)?\s*보기|모바일\s*버전(?:으로)?\s*보기|AD|광고|\[\s*광고\s*\]|(?:기사\s*)?(?:URL|주소|원문)\s*[:：]?\s*https?://\S+|[^\s>]{1,10}(?:\s*>\s*[^\s>]{1,10}){1,4})\s*$",
    )
});

/// The words that label a date line (`입력 2026.03.18`, `기사입력 : …`).
const DATE_LABEL: &str =
    r"(?:입력|수정|승인|등록|기사\s*입력|최종\s*수정|발행|송고)\s*(?:일|일시)?\s*[:：]?\s*\d";

/// A label of the first publication's date alone on its line (`입력`, `기사입력 :`).
static BARE_DATE_LABEL: LazyLock<Regex> = LazyLock::new(|| {
    re(r"^\s*(?:입력|기사\s*입력|등록|발행|송고|승인)\s*(?:일|일시)?\s*[:：]?\s*$")
});

/// `김민준 기자 | 승인 2026.03.18 10:30`, `정하늘 기자 입력 2026-03-05 11:20:00`,
/// `해담일보 | 조은결 특파원 | 기사입력 2025.10.02 오후 4:55`, `기자명 옥해든 기자 입력 …`.
static REPORTER_AND_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^\s*(?:[^|·/]{{1,20}}?\s*[|·/]\s*)?(?:(?:기자명|작성자|글쓴이)\s*[:：]?\s*)?(?P<name>NAME)\s*ROLE\s*[|·,/]?\s*(?P<date>{DATE_LABEL}.{{0,60}})$"
    ))
});
/// The same the other way round: `입력 : 2025-01-17 17:46 | 박지훈 기자`,
/// `기사입력 2026-03-05 11:20 | 정하늘 기자 jhn@…`.
static DATE_AND_REPORTER: LazyLock<Regex> = LazyLock::new(|| {
    re(&format!(
        r"^\s*(?P<date>{DATE_LABEL}[^|·/]{{0,40}}?)\s*[|·/]\s*(?P<name>NAME)\s*ROLE\s*(?:[<(\[]?\s*{EMAIL_PATTERN}\s*[>)\]]?)?\s*$"
    ))
});
/// A dateline byline with its date: `(실리콘밸리=단비경제) 류태오 특파원 · 2026년 1월 9일 오전 5:30`,
/// `[한결일보 박서준 기자] 2025.11.04 15:12`.
static BYLINE_AND_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*[(\[【]\s*(?:[^()\[\]【】=]{1,20}?\s*=\s*)?(?P<source>[^()\[\]【】=]{1,30}?)\s*(?:[)\]】]\s*(?P<name>NAME)\s*ROLE|\s(?P<name2>NAME)\s*ROLE\s*[)\]】])\s*[|·,/]?\s*(?P<date>\d.{3,40})$",
    )
});
/// A photo caption: a short line that ends by crediting the picture (`… [사진=다솜신문 DB]`,
/// `… (사진=회사 제공)`, `… [초록경제 자료사진]`, `… 늘봄일보 DB`, `… 그래픽=별빛타임스`,
/// `… 한결일보 자료사진`, `… 회사 제공`, `… ⓒ세움신문`), opens with `▲` (how Korean papers
/// mark a caption), or is only the credit.
static CAPTION: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"(?:[\[(<〈]\s*(?:[^\[\]()<>〈〉]{0,20}\s)?(?:사진|자료\s*사진|그래픽|일러스트|캡처|제공|DB)(?:\s*=\s*[^\[\]()<>〈〉]{1,30})?\s*[\])>〉]|\s(?:사진|그래픽|일러스트)\s*=\s*[^\s=]{1,20}(?:\s[^\s=]{1,10})?|\s(?:자료\s*사진|DB|[^\s.]{1,20}\s제공)|[.\s][ⓒ©]\s*[^\s.]{1,20})\s*$|^\s*(?:사진|그래픽|일러스트)\s*=\s*\S.{0,40}$|^\s*[▲△]\s*\S",
    )
});
/// A link to another article inside the text: `▶ 관련기사 : 메모리 업계, HBM 증설 …`,
/// `▶ 함께 읽기 : …`, `[관련기사] …` (a heading alone, `▶ 관련기사`, opens a list, which goes
/// only at the end).
static RELATED_LINK: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:[▶►▷☞]\s*(?:관련\s*기사|관련\s*뉴스|추천\s*기사|이전\s*기사|다음\s*기사|함께\s*(?:읽기|보기|읽을\s*기사|볼\s*기사))\s*[:：]?|[\[【]\s*(?:관련\s*기사|관련\s*뉴스|추천\s*기사|함께\s*(?:읽기|보기))\s*[\]】]\s*[:：]?)\s*[^\s:：\]】].{3,}$",
    )
});

/// A whole copyright notice, not a photo credit (`ⓒ 한빛뉴스 DB` under a picture): a
/// copyright line that also [`reserves`] the text.
fn is_notice(p: &str) -> bool {
    is_copyright(p, true) && reserves(p)
}

/// Whether a copyright line forbids reprinting, reserves rights or says "copyright"/"저작권".
fn reserves(p: &str) -> bool {
    let lower = p.to_lowercase();
    NO_REPRINT.is_match(p)
        || lower.contains("all rights")
        || lower.contains("copyright")
        || p.contains("저작권")
}

/// The outlet a copyright notice names, if it is one.
pub(super) fn copyright_source(p: &str) -> Option<String> {
    if !is_notice(p) {
        return None;
    }
    holder(p)
}

/// The holder a copyright line names (`ⓒ DURU Corp.`), whether or not it is a notice.
fn holder(p: &str) -> Option<String> {
    if let Some(c) = COPYRIGHT_OWNER.captures(p) {
        return Some(c["name"].to_string());
    }
    let m = COPYRIGHT_OUTLET.captures(p)?.name("name")?;
    let name = m.as_str().trim().trim_start_matches("(주)").trim();
    // `누리테크 무단전재-재배포금지`: the notice, not a second word of the name; `단비경제
    // danbi.example`: the start of an address.
    let address = p[m.end()..].starts_with('.')
        && p[m.end() + 1..].starts_with(|c: char| c.is_ascii_alphanumeric());
    let name = match name.split_once(char::is_whitespace) {
        Some((first, second)) if NO_REPRINT.is_match(second) || address => first,
        _ => name,
    };
    let first_word = name.split_whitespace().next().unwrap_or("");
    (!name.is_empty()
        && !NOT_OUTLET.is_match(first_word)
        && !name.chars().all(|c| c.is_ascii_digit()))
    .then(|| name.to_string())
}

/// Drops what follows the first copyright line after the article's first paragraph, unless it
/// is clearly more article. Returns whether anything was dropped.
pub(super) fn cut_after_copyright(paragraphs: &mut Vec<String>) -> bool {
    let Some(at) = paragraphs
        .iter()
        .skip(1)
        .position(|p| is_notice(p))
        .map(|i| i + 1)
    else {
        return false;
    };
    // More article follows the notice (a second article pasted into the same file): two long
    // sentences in a row somewhere after it. A portal's notices and comments that read like
    // prose stand alone between buttons, names and dates.
    let prose = |p: &String| p.chars().count() >= MORE_ARTICLE_CHARS && ends_sentence(p);
    let more_article = paragraphs[at + 1..]
        .windows(2)
        .any(|w| prose(&w[0]) && prose(&w[1]));
    if more_article || at + 1 >= paragraphs.len() {
        return false;
    }
    paragraphs.truncate(at + 1);
    true
}

/// Whether a paragraph is a reaction, subscription or comment widget.
pub(super) fn is_widget(p: &str) -> bool {
    p.chars().count() <= 100 && WIDGET.is_match(p)
}

/// The reporter's name and the date of a line that gives both, in either order.
pub fn reporter_and_date(p: &str) -> Option<(String, String)> {
    if p.chars().count() > 100 {
        return None;
    }
    let c = REPORTER_AND_DATE
        .captures(p)
        .or_else(|| DATE_AND_REPORTER.captures(p))?;
    let date = normalize_date(&c["date"])?;
    Some((c["name"].to_string(), date))
}

/// Whether a paragraph is a photo caption or its credit alone.
pub(super) fn is_caption(p: &str) -> bool {
    p.chars().count() <= 150 && CAPTION.is_match(p)
}

/// Whether a paragraph is a link to another article (`▶ 관련기사 : …`).
pub(super) fn is_related_link(p: &str) -> bool {
    p.chars().count() <= MAX_HEADLINE_CHARS && RELATED_LINK.is_match(p)
}

/// The outlet, reporter and date of a dateline byline that carries its date.
pub(super) fn byline_and_date(p: &str) -> Option<(String, String, String)> {
    let c = BYLINE_AND_DATE.captures(p)?;
    let date = normalize_date(&c["date"])?;
    let name = c.name("name").or_else(|| c.name("name2"))?;
    Some((
        c["source"].trim().to_string(),
        name.as_str().to_string(),
        date,
    ))
}

/// What the lines of a whole page say of its article when its markup does not: the date and
/// reporter of the first date or reporter line (or dateline byline), and the outlet of the
/// first copyright notice.
pub fn page_facts(lines: &[String]) -> PageFacts {
    let mut facts = PageFacts::default();
    let mut notices = Vec::new();
    let mut last_mark = None;
    for line in lines.iter().filter(|l| l.chars().count() <= 100) {
        if let Some((name, date)) = reporter_and_date(line) {
            facts.author.get_or_insert(name);
            facts.date.get_or_insert(date);
        } else if let Some((source, name, date)) = byline_and_date(line) {
            facts.author.get_or_insert(name);
            facts.date.get_or_insert(date);
            facts.byline_source.get_or_insert(source);
        } else if let Some(date) = dateline_date(line).or_else(|| {
            // `들녘일보 디지털뉴스부 / 기사승인 2025.11.13 06:00`: a desk, then the date line.
            line.split(['/', '|', '·']).skip(1).find_map(dateline_date)
        }) {
            facts.date.get_or_insert(date);
        } else if let Some(c) = REPORTER_ONLY.captures(line) {
            facts.author.get_or_insert_with(|| c["name"].to_string());
        } else if is_copyright(line, true)
            && let Some(holder) = holder(line)
        {
            if reserves(line) {
                notices.push(holder.clone());
            }
            last_mark = Some(holder);
        }
    }
    // A portal's page carries the outlet's notice under the article and its own mark at the
    // foot (`ⓒ DURU Corp.`).
    if let (Some(first), Some(last)) = (notices.first(), &last_mark)
        && first != last
    {
        facts.article_source = Some(first.clone());
    }
    facts.source = notices.into_iter().next().or(facts.byline_source.take());
    facts
}

/// The date, author and source [`page_facts`] found; `None` where it found none.
#[derive(Debug, Default, PartialEq)]
pub struct PageFacts {
    pub date: Option<String>,
    pub author: Option<String>,
    /// The outlet of the first copyright notice, else of a dateline byline.
    pub source: Option<String>,
    /// The outlet of the first copyright notice when a later one names another holder: the
    /// article's outlet on a portal's page, whatever the page's markup says of the site.
    pub article_source: Option<String>,
    byline_source: Option<String>,
}

/// The opening of a whole news page pasted from a browser (menus, the headline, a deck, the
/// date and reporter lines, sharing buttons), which [`pasted_header`] finds.
#[derive(Debug, PartialEq)]
pub struct PastedHeader {
    pub title: String,
    pub date: Option<String>,
    pub author: Option<String>,
    /// The index of the line where the article's text starts.
    pub body: usize,
}

/// A line of a page's opening at most this long is a menu item, an outlet's name or a
/// reporter line, not a headline, in characters.
const MAX_MENU_CHARS: usize = 11;
/// The article's first paragraph is at least this long, in characters, or ends a sentence.
const MIN_LEAD_CHARS: usize = 60;
/// The date line of a pasted page is looked for among this many opening lines.
const MAX_OPENING_LINES: usize = 100;
/// Lines above the date line of a page pasted whole whose headline is short, at the least.
const MIN_MENU_LINES: usize = 2;
/// Short lines (outlet, reporter) skipped between the headline and its date line.
const MAX_SKIPPED: usize = 3;

/// The header of a whole page pasted with its menus (or of an article pasted from its
/// headline on, without blank lines): the first date line (`입력 …`, `기사입력 …`, `최유진
/// 기자 | 입력 …`, or `입력` alone above its date) among the opening lines. The headline is the
/// first of the long lines just above it (past a reporter or outlet line; a deck below the
/// headline is not the title), the article starts at the first line after it that is long or
/// ends a sentence, and the date line, or a reporter line between, gives the author. `None`
/// when the text does not open that way.
pub fn pasted_header(lines: &[&str]) -> Option<PastedHeader> {
    let len = |l: &str| l.trim().chars().count();
    let limit = lines
        .iter()
        .position(|l| len(l) >= MIN_LEAD_CHARS)
        .unwrap_or(lines.len())
        .min(MAX_OPENING_LINES);
    // The date line itself may be long (`기자명 … 입력 … 수정 … 댓글 0`).
    let (at, date, reporter) = (0..(limit + 1).min(lines.len())).find_map(|i| {
        let line = lines[i].trim();
        if let Some((name, date)) = reporter_and_date(line) {
            return Some((i, date, Some(name)));
        }
        if BARE_DATE_LABEL.is_match(line) {
            // `입력` on a line of its own, its date on the next (a portal's layout copied).
            let next = lines.get(i + 1)?.trim();
            return (next.starts_with(|c: char| c.is_ascii_digit()) && len(next) <= 30)
                .then(|| normalize_date(next))
                .flatten()
                .map(|d| (i, d, None));
        }
        dateline_date(line).map(|d| (i, d, None))
    })?;
    let mut top = at;
    let mut skipped = 0;
    while top > 0 && skipped < MAX_SKIPPED && len(lines[top - 1]) <= MAX_MENU_CHARS {
        top -= 1;
        skipped += 1;
    }
    let run_end = top;
    // Headlines end in `…다` as often as sentences do, but never in a period; a breadcrumb
    // (`홈 > IT·과학 > 반도체`) is no headline.
    let headline = |l: &str| {
        len(l) > MAX_MENU_CHARS && !l.trim_end().ends_with(['.', '。']) && !l.contains(" > ")
    };
    while top > 0 && headline(lines[top - 1]) {
        top -= 1;
    }
    let title_at = if top < run_end { top } else { at - 1 };
    // Without a headline above the date line, the line above it is taken only on a page with
    // menus; a paste that opens with a short title is read as one (`parse::text`).
    if top == run_end && title_at < MIN_MENU_LINES {
        return None;
    }
    let body = (at + 1..lines.len())
        .find(|&j| len(lines[j]) >= MIN_LEAD_CHARS || ends_sentence(lines[j]))?;
    let author = reporter.or_else(|| {
        lines[title_at + 1..body]
            .iter()
            .filter(|l| len(l) <= 40)
            .find_map(|l| {
                reporter_and_date(l)
                    .map(|(n, _)| n)
                    .or_else(|| reporter_in(l))
            })
    });
    Some(PastedHeader {
        title: lines[title_at].trim().to_string(),
        date: Some(date),
        author,
        body,
    })
}

/// Where a trailing list of headlines with timestamps starts, if the paragraphs end with one:
/// at least two headlines, each with its timestamp on the same line (before or after it, glued
/// or spaced) or alone on the next line.
pub(super) fn headline_list_start(paragraphs: &[String]) -> Option<usize> {
    let n = paragraphs.len();
    let mut start = n;
    let mut headlines = 0;
    while start > 0 {
        let p = paragraphs[start - 1].trim();
        if p.chars().count() > MAX_HEADLINE_CHARS {
            break;
        }
        if is_stamp_only(p) {
            // A stamp alone closes the headline above it (or ends a glued list).
            start -= 1;
            if start > 0 && is_headline(paragraphs[start - 1].trim()) {
                start -= 1;
                headlines += 1;
            }
            continue;
        }
        match without_stamp(p) {
            Some(h) if is_headline(h) => {
                start -= 1;
                headlines += 1;
            }
            _ => break,
        }
    }
    // In a glued list the first headline's timestamp opens the next line: the headline above
    // the list's first line belongs to it.
    if headlines >= 2
        && start > 1
        && opens_with_stamp(&paragraphs[start])
        && is_headline(&paragraphs[start - 1])
        && without_stamp(&paragraphs[start - 1]).is_none()
    {
        start -= 1;
    }
    (headlines >= 2).then_some(start)
}

/// A headline: short, not a sentence.
fn is_headline(p: &str) -> bool {
    let p = p.trim();
    !p.is_empty() && p.chars().count() <= MAX_HEADLINE_CHARS && !ends_sentence(p)
}

fn ends_sentence(p: &str) -> bool {
    let p = p.trim_end_matches(['"', '\'', '”', '’', ')', ' ']);
    p.ends_with(['.', '!', '?', '。']) || p.ends_with('다')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn v(ps: &[&str]) -> Vec<String> {
        ps.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn outlets_of_copyright_lines() {
        for (line, outlet) in [
            (
                "Copyright ⓒ 테크데일리. 무단전재 및 재배포 금지",
                "테크데일리",
            ),
            ("저작권자 © 다온비즈 무단전재 및 재배포 금지", "다온비즈"),
            (
                "<저작권자 ⓒ 코어뉴스, 무단 전재 및 재배포 금지>",
                "코어뉴스",
            ),
            ("ⓒ 누리테크, 무단전재 및 재배포 금지", "누리테크"),
            ("<저작권자 ⓒ 누리테크 무단전재-재배포금지>", "누리테크"),
            (
                "ⓒ 단비경제 danbi.example 무단전재 및 재배포 금지",
                "단비경제",
            ),
            (
                "Copyright © 2026 미래IT신문. All rights reserved.",
                "미래IT신문",
            ),
            (
                "Copyright ⓒ 한빛뉴스. All rights reserved. 무단 전재 및 재배포 금지.",
                "한빛뉴스",
            ),
            (
                "이 기사의 저작권은 솔바람스포츠에 있으며, 출처를 밝히지 않은 무단 전재 및 재배포를 금합니다.",
                "솔바람스포츠",
            ),
        ] {
            assert_eq!(copyright_source(line).as_deref(), Some(outlet), "{line}");
        }
        for line in [
            "무단전재 및 재배포 금지",
            "Copyright ⓒ. All rights reserved.",
            "저작권 보호를 위해 이 문단은 본문이다. ⓒ는 기호다.",
        ] {
            assert_eq!(copyright_source(line), None, "{line}");
        }
    }

    #[test]
    fn what_follows_the_copyright_line_goes_unless_it_is_more_article() {
        let mut ps = v(&[
            "본문 첫 문단이다.",
            "본문 둘째 문단이다.",
            "Copyright ⓒ 누리테크. 무단전재 및 재배포 금지",
            "[퇴근길] 주간 IT 소식",
            "좋아요 0",
        ]);
        assert!(cut_after_copyright(&mut ps));
        assert_eq!(ps.len(), 3);
        let long = "그 뒤에 이어지는 기사 본문은 길고 문장으로 끝나며 여러 줄에 걸쳐 사실을 전한다. 취재원의 말과 수치도 함께 담겨 있다.";
        let mut ps = v(&[
            "본문이다.",
            "ⓒ 누리테크, 무단전재 및 재배포 금지",
            long,
            long,
        ]);
        assert!(!cut_after_copyright(&mut ps));
        assert_eq!(ps.len(), 4);
        // Prose that stands alone between buttons (a portal's notices, comments) is no article.
        let mut ps = v(&[
            "본문이다.",
            "Copyright ⓒ 윤슬신문. All rights reserved.",
            "기사 섹션 분류 안내",
            long,
            "닫기",
            "gls1****",
            long,
            "2026.02.03. 08:14",
        ]);
        assert!(cut_after_copyright(&mut ps));
        assert_eq!(ps.len(), 2);
        // A copyright line opening the text cuts nothing, nor does a photo credit.
        let mut ps = v(&["ⓒ 누리테크, 무단전재 및 재배포 금지", "본문이다."]);
        assert!(!cut_after_copyright(&mut ps));
        let mut ps = v(&["본문이다.", "ⓒ 한빛뉴스 DB", "짧은 끝 문단이다."]);
        assert!(!cut_after_copyright(&mut ps));
        assert_eq!(copyright_source("ⓒ 한빛뉴스 DB"), None);
    }

    #[test]
    fn widgets() {
        for yes in [
            "좋아요 12",
            "추천 0",
            "훈훈해요 3",
            "댓글 0",
            "구독자 1,234",
            "응원수 56",
            "테크데일리 기자 구독",
            "댓글을 입력해주세요",
            "로그인 후 댓글을 작성할 수 있습니다.",
            "장하윤 기자 다른기사 보기",
            "댓글 쓰기",
            "PC버전으로 보기",
            "AD",
            "[광고]",
            "기사 URL : https://www.snbr.example/news/articleView.html?idxno=48213",
            "홈 > IT·과학 > 반도체",
        ] {
            assert!(is_widget(yes), "{yes}");
        }
        for no in [
            "좋아요를 누른 사람이 늘었다.",
            "댓글 기능은 다음 달 개편된다는 소식에 이용자들이 반겼다.",
            "추천 알고리즘",
            "로그인 기록을 분석한 결과 해킹 시도가 늘었다고 회사는 밝혔다.",
            "광고 시장이 줄었다.",
            "성능은 A > B 순이었다고 연구진은 설명했다.",
        ] {
            assert!(!is_widget(no), "{no}");
        }
    }

    #[test]
    fn reporter_and_date_lines() {
        assert_eq!(
            reporter_and_date("김민준 기자 | 승인 2026.03.18 10:30"),
            Some(("김민준".to_string(), "2026-03-18".to_string()))
        );
        assert_eq!(
            reporter_and_date("정하늘 기자 입력 2026-03-05 11:20:00 | 수정 2026-03-05"),
            Some(("정하늘".to_string(), "2026-03-05".to_string()))
        );
        assert_eq!(
            reporter_and_date(
                "기자명 옥해든 기자   입력 2025.01.17 11:52   수정 2025.01.17 14:20   댓글 0"
            ),
            Some(("옥해든".to_string(), "2025-01-17".to_string()))
        );
        assert_eq!(reporter_and_date("김민준 기자가 2026년 취재했다."), None);
        // Date first, as print views and CMS headers write it.
        assert_eq!(
            reporter_and_date("입력 : 2025-01-17 17:46 | 박지훈 기자"),
            Some(("박지훈".to_string(), "2025-01-17".to_string()))
        );
        assert_eq!(
            reporter_and_date("기사입력 2026-03-05 11:20 · 정하늘 기자"),
            Some(("정하늘".to_string(), "2026-03-05".to_string()))
        );
        assert_eq!(reporter_and_date("입력 2026-03-05 | 수정 2026-03-06"), None);
    }

    #[test]
    fn the_header_of_a_whole_pasted_page() {
        let lines = [
            "본문 바로가기",
            "한울데일리",
            "정치",
            "IT·과학",
            "기업용 AI 비서 도입 1년…'작은 모델 여러 개'가 답이었다",
            "업무별 특화 모델 조합해 비용 절감…운영 부담은 과제",
            "기자명 문예린 기자",
            " 입력 2026.03.11 10:05",
            " 수정 2026.03.11 13:30",
            "복사하기",
            "사진=한울데일리 DB",
            "대기업들이 사내 AI 비서를 도입한 지 1년가량 지나면서 운영 방식에 변화가 나타나고 있다.",
            "둘째 문단이다.",
        ];
        assert_eq!(
            pasted_header(&lines),
            Some(PastedHeader {
                title: "기업용 AI 비서 도입 1년…'작은 모델 여러 개'가 답이었다".to_string(),
                date: Some("2026-03-11".to_string()),
                author: Some("문예린".to_string()),
                body: 11,
            })
        );
        // A portal's labels and dates on lines of their own.
        let lines = [
            "본문 바로가기",
            "모음뉴스",
            "세계",
            "이든일보",
            "日 빈집 900만채 '역대 최대'…\"1엔에 드립니다\" 지자체 고육책",
            "입력",
            "2025.09.09. 오후 5:42",
            "수정",
            "2025.09.10. 오전 8:00",
            "도쿄=염도경 특파원",
            "기자 구독",
            "일본 지방 소도시를 중심으로 사람이 살지 않는 빈집이 빠르게 늘면서 지자체들이 고육책을 쓴다.",
        ];
        let header = pasted_header(&lines).unwrap();
        assert_eq!(header.title, lines[4]);
        assert_eq!(header.date.as_deref(), Some("2025-09-09"));
        assert_eq!(header.body, 11);
        // The outlet's name between the headline and the date line is skipped.
        let lines = [
            "홈",
            "사회",
            "AI 칩 설계 인력 쟁탈전…대학원 과정 신설 러시",
            "초록경제",
            "입력 2025. 10. 2. 14:33수정 2025. 10. 2. 15:10",
            "인쇄하기",
            "AI 반도체 설계 인력을 확보하려는 기업들의 경쟁이 치열해지면서 대학들이 과정을 신설하고 있다.",
        ];
        let h = pasted_header(&lines).expect("a header");
        assert_eq!(h.title, "AI 칩 설계 인력 쟁탈전…대학원 과정 신설 러시");
        assert_eq!(
            (h.date.as_deref(), h.author, h.body),
            (Some("2025-10-02"), None, 6)
        );
        // A paste that opens with its headline is not a whole page.
        assert_eq!(
            pasted_header(&["제목", "입력 2026.01.09 14:05", "본문이다."]),
            None
        );
        // No date line before the first paragraph: no header.
        let lines = [
            "메뉴",
            "홈",
            "긴 문단이다. ".repeat(10).as_str(),
            "입력 2026.01.09 14:05",
        ]
        .map(str::to_string);
        let lines: Vec<&str> = lines.iter().map(String::as_str).collect();
        assert_eq!(pasted_header(&lines), None);
    }

    #[test]
    fn captions_and_related_links() {
        for caption in [
            "HBM이 탑재된 AI 가속기 모듈. [사진=다솜신문 DB]",
            "한 대학의 실습실에서 학생들이 도구를 다루고 있다. [초록경제 자료사진]",
            "스타트업이 개발한 저전력 AI 칩. 늘봄일보 DB",
            "LoRA 방식은 작은 보조 행렬만 학습한다. 그래픽=별빛타임스",
            "서울의 한 데이터센터 서버실. 한결일보 자료사진",
            "사진=한울데일리 DB",
            "신제품을 소개하는 모습 (사진=회사 제공)",
            "▲ 한 팹리스 기업 연구원이 설계 검증 장비를 살펴보고 있다. ⓒ세움신문",
            "국내 AI 반도체 기업이 개발한 추론용 가속기 카드. 회사 제공",
        ] {
            assert!(is_caption(caption), "{caption}");
        }
        for text in [
            "회사는 사진 촬영 기능을 강화했다.",
            "벡터 DB를 쓰는 곳이 늘었다.",
            "정부는 내년부터 데이터를 무료로 제공한다.",
            &"긴 본문이 사진 설명처럼 끝난다. ".repeat(8),
        ] {
            assert!(!is_caption(text), "{text}");
        }
        assert!(is_related_link(
            "▶ 관련기사 : 메모리 업계, HBM 증설 투자 속도전"
        ));
        for link in [
            "▶ 함께 읽기 : 폐교 활용 사업 올해 전국 40곳 선정…강원 9곳 최다",
            "[관련기사] 국내 빈집 150만 채 넘어…'빈집 은행' 도입 검토",
        ] {
            assert!(is_related_link(link), "{link}");
        }
        assert!(!is_related_link("[관련기사]"), "a list's heading");
        assert!(!is_related_link("▶ 관련기사"), "a list's heading");
        assert!(!is_related_link("관련기사를 보면 알 수 있다."));
    }

    #[test]
    fn bylines_that_carry_the_date() {
        assert_eq!(
            byline_and_date("(실리콘밸리=단비경제) 류태오 특파원 · 2026년 1월 9일 오전 5:30"),
            Some((
                "단비경제".to_string(),
                "류태오".to_string(),
                "2026-01-09".to_string()
            ))
        );
        assert_eq!(
            byline_and_date("[한결일보 박서준 기자] 2025.11.04 15:12").map(|b| b.1),
            Some("박서준".to_string())
        );
        assert_eq!(
            byline_and_date("(서울=한빛뉴스) 이서연 기자 = 본문이 이어진다."),
            None
        );
    }

    #[test]
    fn facts_of_a_whole_page() {
        let lines = v(&[
            "홈 | 로그인",
            "폴더블폰 두께 경쟁 다시 불붙는다",
            "입력 : 2025-01-17 17:46 | 박지훈 기자",
            "스마트폰 제조사들이 경쟁에 나섰다.",
            "입력 2026-02-01 09:00",
            "<저작권자 © 누리테크 무단전재-재배포금지>",
            "Copyright ⓒ 다른매체. All rights reserved.",
        ]);
        assert_eq!(
            page_facts(&lines),
            PageFacts {
                date: Some("2025-01-17".to_string()),
                author: Some("박지훈".to_string()),
                source: Some("누리테크".to_string()),
                article_source: Some("누리테크".to_string()),
                byline_source: None,
            }
        );
        let lines = v(&["2026.02.13 19:02", "한지민 기자", "본문이다."]);
        let facts = page_facts(&lines);
        assert_eq!(facts.author.as_deref(), Some("한지민"));
        assert_eq!(facts.date, None, "a bare timestamp is no date line");
        assert_eq!(page_facts(&v(&["본문이다."])), PageFacts::default());
        // A desk before the date line; a printout's date is no publication date.
        let lines = v(&[
            "출력일시 : 2025.11.20 (목) 13:55",
            "들녘일보 디지털뉴스부 / 기사승인 2025.11.13 06:00",
        ]);
        assert_eq!(page_facts(&lines).date.as_deref(), Some("2025-11-13"));
        // A portal's page: the outlet's notice under the article, the portal's at the foot.
        let facts = page_facts(&v(&[
            "본문이다.",
            "ⓒ 한결일보 (www.hangyeol.example) 무단전재 및 재배포금지",
            "Copyright © MOA Corp. All Rights Reserved.",
        ]));
        assert_eq!(facts.article_source.as_deref(), Some("한결일보"));
        assert_eq!(facts.source.as_deref(), Some("한결일보"));
        let facts = page_facts(&v(&[
            "본문이다.",
            "Copyright © 한결일보. All rights reserved.",
        ]));
        assert_eq!(facts.article_source, None, "one notice is the site's own");
    }

    #[test]
    fn headline_lists_with_timestamps_in_every_place() {
        // Glued: each timestamp opens the next line.
        let glued = v(&[
            "본문이다.",
            "신제품 두께 경쟁 예고",
            "2025-01-17 17:46:11[퇴근길] 주간 IT 소식",
            "2025-01-17 16:02:33반도체 수출 증가",
            "2025-01-17 15:00:00",
        ]);
        assert_eq!(headline_list_start(&glued), Some(1));
        let mut first_bare = glued.clone();
        first_bare.insert(0, "앞 문단이다.".to_string());
        assert_eq!(headline_list_start(&first_bare), Some(2));
        // Spaced after, glued after, spaced before.
        for list in [
            [
                "반도체 수출 증가 2026-03-05 10:20",
                "클라우드 요금 인상 2026-03-05 09:27",
            ],
            [
                "반도체 수출 증가2026-03-05 10:20:00",
                "클라우드 요금 인상2026-03-05 09:27:11",
            ],
            [
                "2026-03-05 10:20:00 반도체 수출 증가",
                "2026-03-05 09:27:11 클라우드 요금 인상",
            ],
        ] {
            let mut ps = v(&["본문이다."]);
            ps.extend(list.iter().map(|s| s.to_string()));
            assert_eq!(headline_list_start(&ps), Some(1), "{list:?}");
        }
        // On the next line.
        let next = v(&[
            "본문이다.",
            "반도체 수출 증가",
            "1시간전",
            "클라우드 요금 인상",
            "2026.03.18. 09:00",
        ]);
        assert_eq!(headline_list_start(&next), Some(1));
        // One dated headline is not a list; dated sentences are not headlines.
        assert_eq!(
            headline_list_start(&v(&["본문이다.", "반도체 수출 증가 2026-03-05"])),
            None
        );
        let sentences = v(&[
            "발표는 2026-03-05에 있었다.",
            "회의는 2026-03-06 10:00 열렸다.",
        ]);
        assert_eq!(headline_list_start(&sentences), None);
    }
}
