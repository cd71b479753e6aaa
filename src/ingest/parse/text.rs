//! Plain text (`.txt`): an optional title line, then paragraphs.
//!
//! The first non-empty line is the title when it is short (at most 150 characters), does not
//! end a sentence with a period, and is followed by a blank line. Paragraphs are separated by
//! blank lines; inside a block of consecutive lines, a line ends its paragraph when it ends a
//! sentence, is clearly shorter than the block's longest line (the last line of a hard-wrapped
//! paragraph), is a list item or a footer line (e-mail, copyright), or is followed by one.
//! Otherwise the lines are one hard-wrapped paragraph and are joined with a space. A block
//! whose lines are all short (under 20 characters: a pasted list of ranks and headlines) is
//! never joined.
//!
//! A short line right after the title that reads as a date (`입력 2026.03.02 09:30`) is taken
//! as the date rather than as body text; one that names the reporter too (`최유진 기자 | 입력
//! 2026.01.09 14:05`) is left as a paragraph for cleaning to take both from.
//!
//! A whole page pasted with its menus (`홈`, `정치`, `경제` … then the headline, a deck, the
//! date and reporter lines and sharing buttons) is recognised by its first date line: the
//! headline above it is the title, and the article starts at the first long line below it.
//!
//! A browser copy of a news page puts the headline on the first line with the date line
//! (`입력 …`, `기사입력 …`) and the reporter (`김민준 기자`) right under it, without a blank
//! line: that first line is the title too, the date line gives the date, and the reporter
//! line is left as a paragraph of its own for cleaning to take. Such lines, and lines that are
//! or open with the timestamp of a headline list (`2025-01-17 17:46:11[퇴근길] …`), always
//! stand apart: they never join a wrapped paragraph.

use crate::ingest::Article;
use crate::ingest::clean::{pasted_header, reporter_and_date};
use crate::ingest::text::byline::{is_reporter_line, reporter_in};
use crate::ingest::text::collapse_whitespace;
use crate::ingest::text::date::{is_dateline, normalize_date, set_date};
use crate::ingest::text::stamp::{is_stamp_only, opens_with_stamp};

/// The longest first line still taken as a title, in characters.
const MAX_TITLE_CHARS: usize = 150;
/// The longest line taken as a date line under the title, in characters.
const MAX_DATE_LINE_CHARS: usize = 50;
/// The narrowest width text is hard-wrapped at, in characters: the lines of a block whose
/// widest line is shorter are never joined.
const MIN_WRAP_CHARS: usize = 20;

/// Reads a plain-text article.
pub(crate) fn parse(text: &str) -> Article {
    if let Some(article) = pasted_page(text) {
        return article;
    }
    let blocks = blocks(text);
    let mut article = Article::default();
    let mut rest = &blocks[..];
    let mut header_lines: Vec<&str> = Vec::new();

    let header_line =
        |l: &str| is_dateline(l) || is_reporter_line(l) || reporter_and_date(l).is_some();
    let mut first_block_rest: &[&str] = &[];
    if let [first, tail @ ..] = rest
        && first.len() > 1
        && is_title_line(first[0])
        && header_line(first[1])
    {
        // A copied page: headline, then its date and reporter lines (and, without blank
        // lines, the article itself).
        article.title = Some(collapse_whitespace(first[0]));
        let header_end = first[1..]
            .iter()
            .position(|l| !header_line(l))
            .map_or(first.len(), |i| i + 1);
        for line in &first[1..header_end] {
            if is_dateline(line) && article.date.is_none() {
                set_date(&mut article, line);
            } else {
                header_lines.push(line);
            }
        }
        first_block_rest = &first[header_end..];
        rest = tail;
    } else if let [first, tail @ ..] = rest
        && first.len() == 1
        && !tail.is_empty()
        && is_title_line(first[0])
    {
        article.title = Some(collapse_whitespace(first[0]));
        rest = tail;
        // A date line directly under the title.
        if let [second, tail @ ..] = rest
            && second.len() == 1
            && !tail.is_empty()
            && is_date_line(second[0])
            // One that names the reporter too is left for the cleanup to read both from.
            && reporter_in(second[0]).is_none()
        {
            set_date(&mut article, second[0]);
            rest = tail;
        }
    }

    article
        .paragraphs
        .extend(header_lines.iter().map(|l| collapse_whitespace(l)));
    if !first_block_rest.is_empty() {
        article.paragraphs.extend(paragraphs(first_block_rest));
    }
    for block in rest {
        article.paragraphs.extend(paragraphs(block));
    }
    article
}

/// A whole news page pasted with its menus: the headline, date and reporter from its header
/// (`clean::pasted_header`), the paragraphs from where the article starts.
fn pasted_page(text: &str) -> Option<Article> {
    let mut starts = Vec::new();
    let mut lines = Vec::new();
    let mut at = 0;
    for line in text.split_inclusive('\n') {
        if !line.trim().is_empty() {
            starts.push(at);
            lines.push(line.trim_end_matches(['\n', '\r']));
        }
        at += line.len();
    }
    let header = pasted_header(&lines)?;
    let mut article = Article {
        title: Some(collapse_whitespace(&header.title)),
        date: header.date,
        author: header.author,
        ..Article::default()
    };
    for block in blocks(&text[starts[header.body]..]) {
        article.paragraphs.extend(paragraphs(&block));
    }
    Some(article)
}

/// The text cut at blank lines into blocks of non-blank lines.
fn blocks(text: &str) -> Vec<Vec<&str>> {
    let mut blocks = Vec::new();
    let mut current = Vec::new();
    for line in text.lines() {
        if line.trim().is_empty() {
            if !current.is_empty() {
                blocks.push(std::mem::take(&mut current));
            }
        } else {
            current.push(line);
        }
    }
    if !current.is_empty() {
        blocks.push(current);
    }
    blocks
}

fn is_title_line(line: &str) -> bool {
    let line = line.trim();
    line.chars().count() <= MAX_TITLE_CHARS
        && !line.ends_with('.')
        && !line.ends_with('。')
        && !starts_with_byline(line)
}

/// `[매체 이름 기자] …` or `(서울=매체) …`: the first body paragraph, not a title.
fn starts_with_byline(line: &str) -> bool {
    (line.starts_with('[') && line.contains("기자]"))
        || (line.starts_with('(') && line.contains('='))
}

fn is_date_line(line: &str) -> bool {
    let line = line.trim();
    line.chars().count() <= MAX_DATE_LINE_CHARS
        && !line.ends_with("다.")
        && normalize_date(line).is_some()
}

/// The paragraphs of one block of consecutive non-blank lines.
fn paragraphs(lines: &[&str]) -> Vec<String> {
    let widest = lines
        .iter()
        .map(|l| l.trim().chars().count())
        .max()
        .unwrap_or(0);
    let mut out = Vec::new();
    let mut current = String::new();
    for (i, line) in lines.iter().enumerate() {
        let trimmed = line.trim();
        if !current.is_empty() {
            current.push(' ');
        }
        current.push_str(trimmed);
        let ends_here = match lines.get(i + 1) {
            None => true,
            Some(next) => ends_paragraph(trimmed, next, widest),
        };
        if ends_here {
            out.push(collapse_whitespace(&current));
            current.clear();
        }
    }
    out
}

/// Whether `line` ends its paragraph, given the `next` line of the block.
fn ends_paragraph(line: &str, next: &str, widest: usize) -> bool {
    let next_trimmed = next.trim();
    let continuation = next.starts_with([' ', '\t', '\u{3000}']);
    if is_list_item(next_trimmed)
        || stands_apart(line)
        || stands_apart(next_trimmed)
        || opens_with_stamp(next_trimmed)
    {
        return true;
    }
    if is_list_item(line) {
        // An indented line continues a wrapped list item.
        return !continuation;
    }
    if ends_sentence(line) {
        return true;
    }
    // A block of short lines is a list (`많이 본 뉴스`, `1`, `5G 요금제 …`), not wrapped prose.
    if widest < MIN_WRAP_CHARS {
        return true;
    }
    // The last line of a hard-wrapped paragraph is shorter than the others.
    let len = line.chars().count();
    len * 10 < widest * 7
}

fn ends_sentence(line: &str) -> bool {
    let line = line.trim_end_matches(['"', '\'', '”', '’', '」', '』', ')', ']']);
    line.ends_with(['.', '!', '?', '。', '！', '？', ':'])
}

/// `- item`, `* item`, `▶ item`, `1. item`, `1) item` …
fn is_list_item(line: &str) -> bool {
    let mut chars = line.chars();
    match chars.next() {
        Some(
            '-' | '*' | '+' | '•' | '·' | 'ㆍ' | '▶' | '►' | '▷' | '▸' | '☞' | '■' | '□' | '◆'
            | '◇' | '○' | '●' | '◎' | '※' | '→',
        ) => {
            // `-`, `*`, `+` are bullets only when a space follows.
            !line.starts_with(['-', '*', '+']) || chars.next().is_some_and(char::is_whitespace)
        }
        Some(c) if c.is_ascii_digit() => {
            let digits = line.bytes().take_while(u8::is_ascii_digit).count();
            digits <= 2
                && line[digits..].starts_with(['.', ')'])
                && line[digits + 1..].starts_with(char::is_whitespace)
        }
        _ => false,
    }
}

/// Lines that are never part of a wrapped paragraph: footers, date and reporter lines under a
/// headline, timestamps alone.
fn stands_apart(line: &str) -> bool {
    is_footer_line(line) || is_dateline(line) || is_reporter_line(line) || is_stamp_only(line)
}

/// Lines that are never part of a wrapped paragraph: e-mail and copyright lines.
fn is_footer_line(line: &str) -> bool {
    let line = line.trim_start_matches(['<', '‹', '〈', '[', '(']);
    line.contains('@')
        || line.starts_with(['ⓒ', '©'])
        || line.starts_with("Copyright")
        || line.starts_with("저작권자")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn title_and_paragraphs() {
        let a = parse("제목 줄\n\n첫 문단이다.\n\n둘째 문단이다.\n");
        assert_eq!(a.title.as_deref(), Some("제목 줄"));
        assert_eq!(a.paragraphs, vec!["첫 문단이다.", "둘째 문단이다."]);
    }

    #[test]
    fn no_title_when_the_first_line_is_a_sentence_or_not_followed_by_a_blank() {
        let a = parse("이것은 문장이다.\n\n다음 문장이다.");
        assert_eq!(a.title, None);
        assert_eq!(a.paragraphs.len(), 2);
        let a = parse("제목 같은 줄\n바로 이어지는 본문이다.");
        assert_eq!(a.title, None);
        let a = parse(&format!("{}\n\n본문이다.", "가".repeat(151)));
        assert_eq!(a.title, None);
        // A lone line is the text, not a title.
        let a = parse("한 줄짜리 글");
        assert_eq!(a.title, None);
        assert_eq!(a.paragraphs, vec!["한 줄짜리 글"]);
        // A byline paragraph is not a title even without a final period.
        let a = parse("[테크데일리 김민준 기자] 본문 첫 줄\n\n둘째");
        assert_eq!(a.title, None);
    }

    #[test]
    fn hard_wrapped_lines_are_joined() {
        let text = "제목\n\n\
            인공지능 모델 학습과 추론에 쓰이는 데이터센터용\n\
            GPU 가격이 1년 사이 40% 가까이 오른 것으로\n\
            나타났다.\n\
            대형 클라우드 기업들이 물량을 선점하면서 국내\n\
            중소 기업은 반년 넘게 기다린다.";
        let a = parse(text);
        assert_eq!(
            a.paragraphs,
            vec![
                "인공지능 모델 학습과 추론에 쓰이는 데이터센터용 GPU 가격이 1년 사이 40% 가까이 오른 것으로 나타났다.",
                "대형 클라우드 기업들이 물량을 선점하면서 국내 중소 기업은 반년 넘게 기다린다.",
            ]
        );
    }

    #[test]
    fn short_last_line_ends_a_wrapped_paragraph() {
        let text = "가나다라마바사아자차카타파하 가나다라마바사아자차카타파하\n\
            가나다라마바사아자차카타파하 가나다라마바사아자차카타파하\n\
            끝 줄\n\
            새 문단 가나다라마바사아자차카타파하 가나다라마바사아자차";
        let a = parse(text);
        assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);
    }

    #[test]
    fn list_lines_and_footers_stay_separate() {
        let text = "제목\n\n\
            주요 업체 요금 비교 (단위: 원)\n\
            - 클라우드나래: 온디맨드 10,400\n\
            - 하늘컴퓨트: 온디맨드 9,800\n\
            (2026년 2월 기준)\n\n\
            박지훈 기자 jihoon.park@nuritech.example\n\
            ⓒ 누리테크, 무단전재 및 재배포 금지";
        let a = parse(text);
        assert_eq!(
            a.paragraphs,
            vec![
                "주요 업체 요금 비교 (단위: 원)",
                "- 클라우드나래: 온디맨드 10,400",
                "- 하늘컴퓨트: 온디맨드 9,800",
                "(2026년 2월 기준)",
                "박지훈 기자 jihoon.park@nuritech.example",
                "ⓒ 누리테크, 무단전재 및 재배포 금지",
            ]
        );
    }

    #[test]
    fn date_line_under_the_title() {
        let a = parse("제목\n\n입력 2026.03.02 09:30\n\n본문이다.");
        assert_eq!(a.date.as_deref(), Some("2026-03-02"));
        assert_eq!(a.paragraphs, vec!["본문이다."]);
        // A body sentence with a date is not a date line.
        let a = parse("제목\n\n2026년 3월 2일 발표가 있었다.\n\n본문이다.");
        assert_eq!(a.date, None);
        assert_eq!(a.paragraphs.len(), 2);
    }

    #[test]
    fn a_copied_page_opens_with_its_headline_date_and_reporter() {
        let a = parse(
            "공공기관 챗봇, 소형 모델로 갈아탄다\n기사입력 2026.03.11 13:15\n임채원 기자 =\n\n본문이다.",
        );
        assert_eq!(
            a.title.as_deref(),
            Some("공공기관 챗봇, 소형 모델로 갈아탄다")
        );
        assert_eq!(a.date.as_deref(), Some("2026-03-11"));
        assert_eq!(a.author.as_deref(), Some("임채원"));
        assert_eq!(a.paragraphs, vec!["본문이다."]);
        // A first block of two body lines has no title.
        let a = parse("제목 같은 줄\n바로 이어지는 본문이다.\n\n둘째.");
        assert_eq!(a.title, None);
        // A date line that names the reporter too stays for the cleanup to read both.
        let a = parse("제목\n\n최유진 기자 | 입력 2026.01.09 14:05\n\n본문이다.");
        assert_eq!(a.date, None);
        assert_eq!(a.paragraphs[0], "최유진 기자 | 입력 2026.01.09 14:05");
    }

    #[test]
    fn a_block_of_short_lines_is_a_list() {
        let a = parse("본문이다.\n\n많이 본 뉴스\n1\n5G 요금제 개편안\n2\n스마트워치 허가");
        assert_eq!(
            a.paragraphs,
            vec![
                "본문이다.",
                "많이 본 뉴스",
                "1",
                "5G 요금제 개편안",
                "2",
                "스마트워치 허가"
            ]
        );
    }

    #[test]
    fn reporter_date_and_stamp_lines_never_join_a_paragraph() {
        let a = parse(
            "제목\n\n정하늘 기자\n입력 2026-03-05 11:20:00 | 수정 2026-03-05 11:20:00\n\n본문이다.",
        );
        assert_eq!(
            a.paragraphs,
            vec![
                "정하늘 기자",
                "입력 2026-03-05 11:20:00 | 수정 2026-03-05 11:20:00",
                "본문이다."
            ]
        );
        let a = parse(
            "본문이다.\n\n신제품 두께 경쟁 예고\n2025-01-17 17:46:11[퇴근길] 주간 IT 소식\n2025-01-17 16:00:00",
        );
        assert_eq!(
            a.paragraphs,
            vec![
                "본문이다.",
                "신제품 두께 경쟁 예고",
                "2025-01-17 17:46:11[퇴근길] 주간 IT 소식",
                "2025-01-17 16:00:00"
            ]
        );
        // A wrapped line that opens with a date alone still joins.
        let a = parse(
            "정부가 발표한 계획은 다음과 같은 내용을 담고 있으며\n2026.03.02 확정된 예산으로 집행된다.",
        );
        assert_eq!(a.paragraphs.len(), 1);
    }

    #[test]
    fn list_items() {
        for yes in ["- a", "* a", "▶ a", "▶a", "1. a", "12) a", "· a"] {
            assert!(is_list_item(yes), "{yes}");
        }
        for no in [
            "-a",
            "2026. 3. 4",
            "1.5배",
            "123. a",
            "가나다",
            "",
            "*강조*",
        ] {
            assert!(!is_list_item(no), "{no}");
        }
    }

    #[test]
    fn whitespace_only_is_empty() {
        let a = parse(" \n\t\n");
        assert_eq!(a, Article::default());
    }
}
