//! News as it is copied: what a news page leaves around an article when a user selects the
//! whole page in a browser and pastes it into a file (and what the same furniture looks like
//! when an HTML page keeps it in its body).
//!
//! - The article ends at the outlet's copyright line ([`cut_after_copyright`]): what follows
//!   it is furniture (other headlines, reactions, comments) unless it is clearly more article,
//!   that is, two or more long paragraphs that end a sentence.
//! - The outlet named in the copyright line is the source ([`copyright_source`]).
//! - Reaction and comment widgets (`좋아요 12`, `추천 0`, `댓글 0`, `댓글을 입력해주세요`,
//!   `로그인 후 …`, `테크데일리 기자 구독`) are furniture wherever they stand ([`is_widget`]).
//! - A line that gives the reporter and the date together (`김민준 기자 | 승인 2026.03.18
//!   10:30`) gives the author and date ([`reporter_and_date`]).
//! - Headline lists: lines that are a headline with a timestamp before or after it, glued or
//!   spaced, and headlines whose timestamp stands on the next line ([`headline_list_start`]).

use std::sync::LazyLock;

use regex::Regex;

use super::{NO_REPRINT, is_copyright};
use crate::ingest::text::byline::re;
use crate::ingest::text::date::normalize_date;
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
        r#"(?i)(?:[ⓒ©]|\(c\)|copyright)\s*(?:[ⓒ©]|\(c\))?\s*(?:(?:19|20)\d{2}\s*)?(?:by\s+)?(?P<name>[^\s.,，<>()\[\]{}|:;'"ⓒ© ]{1,20}(?:\s[^\s.,，<>()\[\]{}|:;'"ⓒ© ]{1,10})?)\s*(?:[.,，>)\]]|무단|all\s+rights|$)"#,
    )
});
/// Words that are never an outlet's name.
static NOT_OUTLET: LazyLock<Regex> =
    LazyLock::new(|| re(r"(?i)^(?:무단|저작권|all|rights|reserved|copyright|news|뉴스)$"));

/// Reaction, subscription and comment widgets.
static WIDGET: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?:(?:좋아요|추천(?:해요)?|훈훈해요|슬퍼요|화나요|싫어요|최고예요|후속\s*기사\s*원해요|응원수|구독자|댓글|공유하기|스크랩|조회수?)\s*[:：]?\s*[\d,]*\s*(?:개|명|건|회)?|.{1,20}?\s*기자\s*구독|댓글을?\s*(?:입력|작성|남겨|달아).{0,20}|.{0,10}로그인\s*(?:후|하고|하시면|하셔야|이\s*필요).{0,30})\s*$",
    )
});

/// `김민준 기자 | 승인 2026.03.18 10:30`, `정하늘 기자 입력 2026-03-05 11:20:00`.
static REPORTER_AND_DATE: LazyLock<Regex> = LazyLock::new(|| {
    re(
        r"^\s*(?P<name>NAME)\s*ROLE\s*[|·,/]?\s*(?P<date>(?:입력|수정|승인|등록|기사\s*입력|최종\s*수정|발행|송고)\s*(?:일|일시)?\s*[:：]?\s*\d.{0,60})$",
    )
});

/// A whole copyright notice, not a photo credit (`ⓒ 한빛뉴스 DB` under a picture): a
/// copyright line that also forbids reprinting, reserves rights or says "copyright"/"저작권".
fn is_notice(p: &str) -> bool {
    let lower = p.to_lowercase();
    is_copyright(p, true)
        && (NO_REPRINT.is_match(p)
            || lower.contains("all rights")
            || lower.contains("copyright")
            || p.contains("저작권"))
}

/// The outlet a copyright notice names, if it is one.
pub(super) fn copyright_source(p: &str) -> Option<String> {
    if !is_notice(p) {
        return None;
    }
    let name = COPYRIGHT_OUTLET.captures(p)?.name("name")?.as_str().trim();
    let name = name.trim_start_matches("(주)").trim();
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
    let more_article = paragraphs[at + 1..]
        .iter()
        .filter(|p| p.chars().count() >= MORE_ARTICLE_CHARS && ends_sentence(p))
        .count();
    if more_article >= 2 || at + 1 >= paragraphs.len() {
        return false;
    }
    paragraphs.truncate(at + 1);
    true
}

/// Whether a paragraph is a reaction, subscription or comment widget.
pub(super) fn is_widget(p: &str) -> bool {
    p.chars().count() <= 60 && WIDGET.is_match(p)
}

/// The reporter's name and the date of a line that gives both.
pub(super) fn reporter_and_date(p: &str) -> Option<(String, String)> {
    if p.chars().count() > 100 {
        return None;
    }
    let c = REPORTER_AND_DATE.captures(p)?;
    let date = normalize_date(&c["date"])?;
    Some((c["name"].to_string(), date))
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
            (
                "Copyright © 2026 미래IT신문. All rights reserved.",
                "미래IT신문",
            ),
            (
                "Copyright ⓒ 한빛뉴스. All rights reserved. 무단 전재 및 재배포 금지.",
                "한빛뉴스",
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
        ] {
            assert!(is_widget(yes), "{yes}");
        }
        for no in [
            "좋아요를 누른 사람이 늘었다.",
            "댓글 기능은 다음 달 개편된다는 소식에 이용자들이 반겼다.",
            "추천 알고리즘",
            "로그인 기록을 분석한 결과 해킹 시도가 늘었다고 회사는 밝혔다.",
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
        assert_eq!(reporter_and_date("김민준 기자가 2026년 취재했다."), None);
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
