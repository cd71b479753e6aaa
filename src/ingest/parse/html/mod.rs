//! HTML pages (`.html`, `.htm`): metadata from `<head>`, the article's visible text from the
//! body. [`parse`] reads a page in four steps, one module each:
//!
//! 1. **Nesting limit** (`depth.rs`). html5ever is quadratic in the depth of nested block
//!    elements, so tags nested deeper than [`MAX_DEPTH`] are removed (their text kept) before
//!    parsing.
//! 2. **Body** (`body.rs`). The `<article>` element with the most text, unless some other
//!    container holds more paragraph text than that whole article; otherwise the container
//!    whose paragraphs weigh most. Page furniture (`furniture.rs`: navigation, ads, sharing,
//!    comments, hidden elements …) never wins.
//! 3. **Text** (`render.rs`). The body's visible text without furniture, as paragraphs: block
//!    elements separate paragraphs, table cells are joined with ` | `, whitespace is collapsed.
//! 4. **Metadata** (`meta.rs`, with `json_ld.rs`). Title, source, URL, date, author and extras
//!    from `<meta>` tags, JSON-LD, `<title>`, `<time>` and byline elements.
//!
//! `dom.rs` holds the small readers of the parsed tree these share. All tree walks use explicit
//! stacks; nothing recurses on the document's depth.

mod body;
mod depth;
mod dom;
mod furniture;
mod json_ld;
mod meta;
mod render;

use scraper::Html;

use crate::ingest::Article;

/// Tags nested deeper than this (by a conservative count) are dropped before parsing.
const MAX_DEPTH: usize = 256;

/// Reads an HTML page.
pub(crate) fn parse(text: &str) -> Article {
    let limited = depth::limit_depth(text, MAX_DEPTH);
    let doc = Html::parse_document(limited.as_deref().unwrap_or(text));
    let body = body::choose_body(&doc);
    let mut article = Article {
        paragraphs: body.map(render::paragraphs).unwrap_or_default(),
        ..Article::default()
    };
    meta::fill(&doc, body, &mut article);
    article
}

/// The paragraphs of an HTML fragment (an HTML text field in JSON).
pub(crate) fn fragment_paragraphs(html: &str) -> Vec<String> {
    let limited = depth::limit_depth(html, MAX_DEPTH);
    let doc = Html::parse_fragment(limited.as_deref().unwrap_or(html));
    render::paragraphs(doc.root_element())
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    /// Parsed and cleaned, as `parse()` delivers it.
    fn parse(html: &str) -> Article {
        let mut a = super::parse(html);
        crate::ingest::clean::clean(&mut a);
        a
    }

    fn page(head: &str, body: &str) -> String {
        format!("<!DOCTYPE html><html><head>{head}</head><body>{body}</body></html>")
    }

    #[test]
    fn title_sources_in_order() {
        let a = parse(&page(
            r#"<meta property="og:title" content="OG 제목"><title>페이지 | 매체</title>"#,
            "<h1>H1</h1><p>본문.</p>",
        ));
        assert_eq!(a.title.as_deref(), Some("OG 제목"));
        assert_eq!(a.source.as_deref(), Some("매체"));
        // A label before the headline in the meta tags only: the headline as the page shows it.
        let a = parse(&page(
            r#"<meta property="og:title" content="[새뜸경제] 배터리 성적표 도입">"#,
            "<h1>배터리 성적표 도입</h1><p>본문.</p>",
        ));
        assert_eq!(a.title.as_deref(), Some("배터리 성적표 도입"));
        // An old print layout: the headline only in large type, the date after the desk.
        let a = parse(&page(
            "<title>인쇄하기</title>",
            r#"<table><tr><td><font style="font-size:11px">출력일시 : 2025.11.20 13:55</font></td></tr>
               <tr><td><font style="font-size:21px;font-weight:bold">배춧값 한 달 새 40% 내려</font></td></tr>
               <tr><td><font style="font-size:11px">들녘일보 디지털뉴스부 / 기사승인 2025.11.13 06:00</font></td></tr>
               <tr><td>김장철을 앞두고 배추 가격이 내렸다.<br><br>둘째 문단이다.</td></tr></table>"#,
        ));
        assert_eq!(a.title.as_deref(), Some("배춧값 한 달 새 40% 내려"));
        assert_eq!(a.date.as_deref(), Some("2025-11-13"));

        let a = parse(&page(
            r#"<title>기업 AI, '큰 모델' 대신 | 다온경제</title><meta property="og:site_name" content="다온경제">"#,
            "<p>본문.</p>",
        ));
        assert_eq!(a.title.as_deref(), Some("기업 AI, '큰 모델' 대신"));
        assert_eq!(a.source.as_deref(), Some("다온경제"));

        let a = parse(&page(
            "<title>GPU 가격 - 테크데일리</title>",
            "<p>본문.</p>",
        ));
        assert_eq!(a.title.as_deref(), Some("GPU 가격"));
        assert_eq!(a.source.as_deref(), Some("테크데일리"));
        let a = parse(&page("<title>제목 :: 매체명</title>", "<p>본문.</p>"));
        assert_eq!(a.title.as_deref(), Some("제목"));
        let a = parse(&page(
            "<title>작업 지시 챗봇 도입 < 경제 < 큰별신문</title>",
            "<p>본문.</p>",
        ));
        assert_eq!(a.title.as_deref(), Some("작업 지시 챗봇 도입"));
        assert_eq!(a.source.as_deref(), Some("큰별신문"));

        // A long tail after " - " is part of the title.
        let a = parse(&page(
            "<title>삼성전자 - 2분기 실적 발표와 향후 전망을 두고 엇갈린 시선</title>",
            "<p>본문.</p>",
        ));
        assert_eq!(
            a.title.as_deref(),
            Some("삼성전자 - 2분기 실적 발표와 향후 전망을 두고 엇갈린 시선")
        );
        assert_eq!(a.source, None);

        let a = parse(&page("", "<h1>첫 머리</h1><p>본문.</p>"));
        assert_eq!(a.title.as_deref(), Some("첫 머리"));
        assert_eq!(a.paragraphs, vec!["본문."]);
    }

    #[test]
    fn print_views_and_old_pages_give_their_metadata_in_visible_lines() {
        // A print view: `프린트하기` is no title; the headline, the date and reporter line and
        // the copyright notice are plain table cells.
        let a = parse(&page(
            "<title>프린트하기</title>",
            r#"<table><tr><td class="title">폴더블폰 두께 경쟁 다시 불붙는다</td></tr>
               <tr><td class="info">입력 : 2025-01-17 17:46 | 박지훈 기자</td></tr>
               <tr><td class="content">본문이다.<br><br>둘째 문단이다.</td></tr>
               <tr><td class="copy">&lt;저작권자 © 누리테크 무단전재-재배포금지&gt;</td></tr></table>"#,
        ));
        assert_eq!(a.title.as_deref(), Some("폴더블폰 두께 경쟁 다시 불붙는다"));
        assert_eq!(a.date.as_deref(), Some("2025-01-17"));
        assert_eq!(a.author.as_deref(), Some("박지훈"));
        assert_eq!(a.source.as_deref(), Some("누리테크"));

        // The site's name before the headline; byline and notice outside the body.
        let a = parse(&page(
            "<title>다온비즈 - AI 반도체 스타트업, 추론 전용 칩 공개</title>",
            r#"<div class="sub_title">IT·과학</div>
               <h1>AI 반도체 스타트업, 추론 전용 칩 공개</h1>
               <span class="writer">기사입력 2026-03-05 11:20 | 정하늘 기자</span>
               <div id="articleBody">본문이다.<br>둘째 문단이다.</div>
               <footer>Copyright (c) 다온비즈 All rights reserved.</footer>"#,
        ));
        assert_eq!(
            a.title.as_deref(),
            Some("AI 반도체 스타트업, 추론 전용 칩 공개")
        );
        assert_eq!(a.date.as_deref(), Some("2026-03-05"));
        assert_eq!(a.author.as_deref(), Some("정하늘"));
        assert_eq!(a.source.as_deref(), Some("다온비즈"));

        // A copyright notice names the outlet better than a portal's `<title>` suffix.
        let a = parse(&page(
            "<title>중고 GPU 거래 주의보 | 다모아 뉴스</title>",
            r#"<article><p>본문이다.</p></article><p class="copyright">ⓒ 한빛뉴스 무단전재 및 재배포금지</p>"#,
        ));
        assert_eq!(a.title.as_deref(), Some("중고 GPU 거래 주의보"));
        assert_eq!(a.source.as_deref(), Some("한빛뉴스"));

        // On a portal's page, the outlet's notice beats the portal's site name; an "author"
        // that is the site's name is no reporter; `매체 - 인쇄하기` is no headline.
        let a = parse(&page(
            r#"<title>모아뉴스 - 인쇄하기</title><meta property="og:site_name" content="모아뉴스">
               <meta name="author" content="모아뉴스">"#,
            r#"<div class="logo">모아뉴스</div><h3 class="tit_view">GPU 임대료 1년 새 40% 하락</h3>
               <article><p>본문이다.</p><p>강민재 기자</p></article>
               <p>ⓒ 한결일보 무단전재 및 재배포금지</p><footer>Copyright © MOA Corp. All Rights Reserved.</footer>"#,
        ));
        assert_eq!(a.title.as_deref(), Some("GPU 임대료 1년 새 40% 하락"));
        assert_eq!(a.source.as_deref(), Some("한결일보"));
        assert_eq!(a.author.as_deref(), Some("강민재"));
        assert_eq!(a.paragraphs, vec!["본문이다."]);
    }

    #[test]
    fn metadata_from_json_ld() {
        let head = r#"<script type="application/ld+json">
            {"@context": "https://schema.org", "@graph": [
              {"@type": "WebSite", "name": "사이트"},
              {"@type": "NewsArticle", "headline": "LD 제목", "datePublished": "2026-02-04T14:05:00+09:00",
               "author": [{"@type": "Person", "name": "하윤재"}], "publisher": {"name": "코드라인"}}]}
            </script><script type="application/ld+json">{broken</script>"#;
        let a = parse(&page(head, "<p>본문.</p>"));
        assert_eq!(a.title.as_deref(), Some("LD 제목"));
        assert_eq!(a.date.as_deref(), Some("2026-02-04"));
        assert_eq!(a.author.as_deref(), Some("하윤재"));
        assert_eq!(a.source.as_deref(), Some("코드라인"));
    }

    #[test]
    fn dates_urls_and_authors() {
        // The date a modification is labelled with gives way to the first publication's.
        let a = parse(&page(
            "",
            r#"<span class="art_date">최종수정 2025.12.05 08:03</span>
               <span class="art_date">기사입력 2025.12.04 11:20</span><p>본문.</p>"#,
        ));
        assert_eq!(a.date.as_deref(), Some("2025-12-04"));
        let a = parse(&page(
            r#"<meta name="pubdate" content="2026년 3월 14일"><meta name="author" content="김민준 기자">
               <link rel="canonical" href="https://x.example/a"><meta property="og:url" content="https://x.example/b">"#,
            "<p>본문.</p>",
        ));
        assert_eq!(a.date.as_deref(), Some("2026-03-14"));
        assert_eq!(a.author.as_deref(), Some("김민준"));
        assert_eq!(a.url.as_deref(), Some("https://x.example/a"));

        let a = parse(&page(
            r#"<meta property="article:author" content="https://facebook.com/x">"#,
            r#"<article><div class="byline">이서연 기자 seoyeon@x.example</div>
               <div class="dates"><time datetime="2026-02-18T10:00:00+09:00">2월 18일</time></div>
               <p>본문.</p></article>"#,
        ));
        assert_eq!(a.author.as_deref(), Some("이서연"));
        assert_eq!(a.date.as_deref(), Some("2026-02-18"));
        assert_eq!(a.paragraphs, vec!["본문."]);

        let a = parse(&page(
            "",
            r#"<div class="info"><span class="date">입력 2026.01.22 06:00</span></div><p>본문.</p>"#,
        ));
        assert_eq!(a.date.as_deref(), Some("2026-01-22"));

        let a = parse(&page(
            r#"<meta name="date" content="지난주">"#,
            "<p>본문.</p>",
        ));
        assert_eq!(a.date, None);
        assert_eq!(a.meta.get("date_raw").map(String::as_str), Some("지난주"));
    }

    #[test]
    fn the_hidden_rest_that_read_more_opens_is_text() {
        let rest = "참가권 품귀는 부작용도 낳고 있다. 일부 중고 거래 사이트에는 정가 5만 원짜리 참가권이 \
                    15만 원 넘는 가격에 올라왔다. 대회 측은 본인 확인을 거치지 않은 양도 참가자의 기록을 인정하지 않는다.";
        let body = format!(
            r#"<article><p>첫 문단이다.</p>
              <div class="article-rest" hidden><p>{rest}</p></div>
              <button type="button">이어서 읽기</button>
              <div style="display:none"><p>{rest}</p></div><p>끝 문단이다.</p>
              <ul class="more-news" hidden><li>다른 기사</li></ul><a href="/more">더보기</a>
            </article>"#
        );
        let a = parse(&page("", &body));
        // Only the part the button opens: the other hidden copy has no such control, and the
        // hidden list holds no sentences.
        assert_eq!(a.paragraphs, ["첫 문단이다.", rest, "끝 문단이다."]);
    }

    #[test]
    fn body_from_article_without_furniture() {
        let body = r#"
            <header><nav><a>정치</a><a>경제</a></nav><a>로그인</a></header>
            <article>
              <h1>제목</h1>
              <div class="share-tools"><button>공유</button></div>
              <p>첫 문단<br>둘째 줄.</p>
              <figure><img src="a.jpg"><figcaption>사진 설명</figcaption></figure>
              <div class="ad-inline"><script>var ad = {x: 1};</script>광고</div>
              <div id="relatedNews"><ul><li>관련 기사</li></ul></div>
              <div style="display: none">숨김</div>
              <p>  셋째   문단.  </p>
              <table><tr><th>구분</th><th>값</th></tr><tr><td>가</td><td>1</td></tr></table>
              <ul><li>항목 하나</li><li>항목 둘</li></ul>
              <blockquote>인용</blockquote>
            </article>
            <aside><h3>많이 본 뉴스</h3><ol><li>다른 기사</li></ol></aside>
            <footer>청소년보호책임자: 홍길동</footer>
            <script>function(){ gtag('x'); }</script>"#;
        let a = parse(&page("", body));
        assert_eq!(
            a.paragraphs,
            vec![
                "첫 문단",
                "둘째 줄.",
                "셋째 문단.",
                "구분 | 값",
                "가 | 1",
                "항목 하나",
                "항목 둘",
                "인용",
            ]
        );
    }

    #[test]
    fn body_by_paragraph_weight_without_article() {
        let long = "이 문단은 기사 본문이다. ".repeat(10);
        let body = format!(
            r#"<div id="wrap">
                 <div class="gnb"><p>메뉴 하나</p><p>메뉴 둘</p></div>
                 <div class="content"><div class="head"><h1>제목</h1></div>
                   <div class="article_txt"><p>{long}</p><p>{long}</p></div>
                 </div>
                 <div class="sidebar"><p>{long}</p></div>
                 <div class="list"><p>짧은 글</p></div>
               </div>"#
        );
        let a = parse(&page("", &body));
        assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);

        // Paragraphs split across sibling blocks are taken together.
        let body = format!(
            r#"<div id="content"><div class="part"><p>{long}</p></div><div class="part"><p>{long}</p><p>끝.</p></div></div>"#
        );
        let a = parse(&page("", &body));
        assert_eq!(a.paragraphs.len(), 3, "{:?}", a.paragraphs);

        // A teaser <article> loses to the real body.
        let body = format!(
            r#"<article><p>짧은 소개</p></article><div class="view"><p>{long}</p><p>{long}</p></div>"#
        );
        let a = parse(&page("", &body));
        assert_eq!(a.paragraphs.len(), 2, "{:?}", a.paragraphs);

        // Text directly in <body> with <br> separators.
        let a = parse("<html><body>첫 줄<br>둘째 줄<br><br>셋째</body></html>");
        assert_eq!(a.paragraphs, vec!["첫 줄", "둘째 줄", "셋째"]);
    }

    #[test]
    fn pathological_pages_stay_fast() {
        let start = Instant::now();
        for (open, close) in [
            ("<div>", "</div>"),
            ("<div>", ""),
            ("<b>", ""),
            ("<blockquote>", ""),
        ] {
            let html = format!(
                "<html><body>{}본문{}</body></html>",
                open.repeat(100_000),
                close.repeat(100_000)
            );
            let a = parse(&html);
            assert_eq!(a.paragraphs, vec!["본문"], "{open}");
        }
        let scripts = format!(
            "<html><head><script>{}</script></head><body><p>본문.</p><script>{}</script></body></html>",
            "var a = '<div>';".repeat(300_000),
            "function(){ gtag('x'); }".repeat(100_000)
        );
        let a = parse(&scripts);
        assert_eq!(a.paragraphs, vec!["본문."]);
        // Generous: the unguarded parser needs minutes for the first case alone.
        assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
    }

    #[test]
    fn fragments() {
        assert_eq!(
            fragment_paragraphs("<p>가</p>나<br>다<script>x</script>"),
            vec!["가", "나", "다"]
        );
    }
}
