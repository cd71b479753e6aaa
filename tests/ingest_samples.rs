//! Every sample article under `data/articles/` parsed and cleaned: what must come out of each.
//!
//! Files are decoded as the decoder does (UTF-16 by BOM, UTF-8, else CP949/EUC-KR; CRLF to LF),
//! parsed with the format of their extension, and checked for page furniture left behind, then
//! against a table of what each article must be (reviewed by reading the samples).

use std::path::{Path, PathBuf};
use std::sync::LazyLock;

use kosearch::ingest::clean::clean;
use kosearch::ingest::parse::{ParseOptions, Parsed, parse};
use kosearch::ingest::{Article, Format};
use proptest::prelude::*;
use regex::Regex;

fn articles_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join("articles")
}

/// Every file under `data/articles/`, sorted.
fn sample_files() -> Vec<PathBuf> {
    let mut files = Vec::new();
    let mut dirs = vec![articles_dir()];
    while let Some(dir) = dirs.pop() {
        for entry in std::fs::read_dir(&dir).expect("sample folder reads") {
            let path = entry.expect("folder entry reads").path();
            if path.is_dir() {
                dirs.push(path);
            } else {
                files.push(path);
            }
        }
    }
    files.sort();
    files
}

/// Bytes to text: UTF-16 by BOM, UTF-8, else CP949/EUC-KR; line ends made LF.
fn decode(bytes: &[u8]) -> String {
    let text = if bytes.starts_with(&[0xFF, 0xFE]) {
        encoding_rs::UTF_16LE
            .decode_with_bom_removal(bytes)
            .0
            .into_owned()
    } else if bytes.starts_with(&[0xFE, 0xFF]) {
        encoding_rs::UTF_16BE
            .decode_with_bom_removal(bytes)
            .0
            .into_owned()
    } else {
        match std::str::from_utf8(bytes) {
            Ok(s) => s.to_string(),
            Err(_) => encoding_rs::EUC_KR.decode(bytes).0.into_owned(),
        }
    };
    text.replace("\r\n", "\n")
}

/// A sample's path relative to `data/articles/`, with `/` separators.
fn relative(path: &Path) -> String {
    path.strip_prefix(articles_dir())
        .expect("sample under data/articles")
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect::<Vec<_>>()
        .join("/")
}

fn parse_path(path: &Path) -> Parsed {
    let bytes = std::fs::read(path).expect("sample reads");
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or("");
    let format = Format::from_extension(ext).expect("sample has a known extension");
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    parse(format, &decode(&bytes), stem, &ParseOptions::default())
        .unwrap_or_else(|e| panic!("{}: {e}", relative(path)))
}

/// The articles of one sample, by its path relative to `data/articles/`.
fn sample(rel: &str) -> Vec<Article> {
    let parsed = parse_path(&articles_dir().join(rel));
    assert!(parsed.problems.is_empty(), "{rel}: {:?}", parsed.problems);
    parsed.articles
}

static EMAIL: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+\.[A-Za-z]").expect("valid regex")
});

static ISO_DATE: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"^\d{4}-\d{2}-\d{2}$").expect("valid regex"));
static TIME_END: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"\d{2}:\d{2}$").expect("valid regex"));

/// Text that must never be left in a paragraph.
const FURNITURE: &[&str] = &[
    "ⓒ",
    "©",
    "Copyright",
    "무단",
    "All rights reserved",
    "기자]",
    "기자 =",
    "▶",
    "많이 본 뉴스",
    "관련기사",
    "청소년보호책임자",
    "로그인",
    "회원가입",
    "검색어를 입력하세요",
    "function(",
    "gtag",
    "dataLayer",
    "{",
    "}",
    "입력 20",
];

/// Whole paragraphs that are menus or buttons.
const MENU_PARAGRAPHS: &[&str] = &[
    "구독",
    "공유",
    "인쇄",
    "글자크기",
    "정치",
    "경제",
    "오피니언",
];

#[test]
fn every_sample_yields_clean_articles() {
    let files = sample_files();
    assert!(files.len() >= 29, "samples found: {}", files.len());
    let mut total = 0;
    for path in files {
        let rel = relative(&path);
        let parsed = parse_path(&path);
        assert!(parsed.problems.is_empty(), "{rel}: {:?}", parsed.problems);
        assert!(!parsed.articles.is_empty(), "{rel}: no article");
        for (i, a) in parsed.articles.iter().enumerate() {
            total += 1;
            let at = format!("{rel} #{i}");
            assert!(
                a.title.as_deref().is_some_and(|t| !t.is_empty()),
                "{at}: no title"
            );
            let date = a.date.as_deref().unwrap_or_else(|| panic!("{at}: no date"));
            assert!(ISO_DATE.is_match(date), "{at}: date {date}");
            assert!(!a.paragraphs.is_empty(), "{at}: no paragraphs");
            for p in &a.paragraphs {
                assert!(!p.trim().is_empty(), "{at}: empty paragraph");
                assert_eq!(p, p.trim(), "{at}: untrimmed paragraph");
                for bad in FURNITURE {
                    assert!(!p.contains(bad), "{at}: {bad:?} left in {p:?}");
                }
                assert!(!EMAIL.is_match(p), "{at}: e-mail left in {p:?}");
                assert!(!MENU_PARAGRAPHS.contains(&p.as_str()), "{at}: menu {p:?}");
            }
            // The headline is not repeated as the first paragraph.
            assert_ne!(
                a.paragraphs.first(),
                a.title.as_ref(),
                "{at}: title repeated"
            );
            for v in [&a.author, &a.source].into_iter().flatten() {
                assert!(!v.contains('@') && !v.ends_with("기자"), "{at}: {v:?}");
            }
        }
    }
    assert_eq!(total, 35, "articles in the samples");
}

/// What one article of a sample must be.
struct E {
    file: &'static str,
    index: usize,
    title: Option<&'static str>,
    date: &'static str,
    source: &'static str,
    author: &'static str,
    paragraphs: usize,
    /// The first paragraph starts with this.
    first: &'static str,
    /// The last paragraph ends with this.
    last: &'static str,
}

#[rustfmt::skip]
const EXPECTED: &[E] = &[
    E { file: "ai/2026-01-22_enterprise-llm-to-slm.html", index: 0, title: Some("기업 AI, '큰 모델' 대신 '작은 모델'로…운영비 5분의 1로 줄인 비결"), date: "2026-01-22", source: "다온경제", author: "유시온", paragraphs: 7, first: "쉬운 요청은 SLM, ", last: " 것\"이라고 내다봤다." },
    E { file: "ai/companies/2025-10-15_raonbrain-series-b.txt", index: 0, title: Some("라온브레인, 420억 원 시리즈B 유치…\"한국어 소형언어모델로 기업 시장 공략\""), date: "2025-10-15", source: "누리테크", author: "박지훈", paragraphs: 7, first: "한국어 특화 인공지능 ", last: "달성을 예상하고 있다." },
    E { file: "ai/companies/2026-03-14_gpu-race-startups.html", index: 0, title: Some("\"GPU 한 장이 아쉽다\"…국내 AI 스타트업, 공동구매에 지분 맞교환까지"), date: "2026-03-14", source: "테크데일리", author: "김민준", paragraphs: 7, first: "5개사 컨소시엄 꾸려 ", last: "목소리를 높이고 있다." },
    E { file: "ai/eval/2026-02-04_korean-benchmark-contamination.html", index: 0, title: Some("한국어 AI 벤치마크 '점수 인플레'…\"시험 문제 미리 본 모델 걸러내야\""), date: "2026-02-04", source: "코드라인", author: "하윤재", paragraphs: 11, first: "국내 기업과 연구기관이", last: "다 30%씩 교체한다." },
    E { file: "ai/finetune/2026-01-08_callcenter-finetuning.txt", index: 0, title: Some("직원 40명 보험대리점이 상담 AI 직접 만들었다…\"미세조정 비용 300만 원\""), date: "2026-01-08", source: "한빛뉴스", author: "최동현", paragraphs: 7, first: "부산의 직원 40명 규", last: " 배운다\"고 조언했다." },
    E { file: "ai/finetune/2026-02-12_lora-qlora-cost.md", index: 0, title: Some("LoRA·QLoRA로 파인튜닝 비용 10분의 1…실무자들이 말하는 '현실 견적'"), date: "2026-02-12", source: "코드라인", author: "오세진", paragraphs: 23, first: "\"모델을 우리 회사에 ", last: " 이용 조건이 다르다." },
    E { file: "ai/finetune/2026-03-16_single-gpu-slm-finetuning.mhtml", index: 0, title: Some("GPU 한 장으로 소형언어모델 파인튜닝…중소기업 '사내 AI' 문턱 낮아졌다"), date: "2026-03-16", source: "코드라인", author: "오세진", paragraphs: 5, first: "그래픽처리장치(GPU) 한 장으로", last: "방식을 권한다." },
    E { file: "ai/medical/2026-03-05_medical-lora.txt", index: 0, title: Some("대학병원, 퇴원요약 AI 자체 개발…\"LoRA로 GPU 2장이면 충분했다\""), date: "2026-03-05", source: "테크데일리", author: "장유나", paragraphs: 7, first: "국내 한 대학병원이 환", last: " 필요하다\"고 말했다." },
    E { file: "ai/ondevice/2025-11-05_laptop-npu-small-model.txt", index: 0, title: Some("인터넷 없이 회의록 요약…노트북 속으로 들어온 '소형 언어 모델'"), date: "2025-11-05", source: "코드라인", author: "오세진", paragraphs: 7, first: "비행기 안에서 와이파이", last: " 12일부터 판매된다." },
    E { file: "ai/ondevice/2026-03-03_smartphone-slm.md", index: 0, title: Some("스마트폰 속 AI 비서, 클라우드 없이 돈다…소형언어모델(SLM) 탑재 경쟁"), date: "2026-03-03", source: "이음데일리", author: "서지민", paragraphs: 19, first: "스마트폰 제조사들이 인", last: "될 것\"이라고 말했다." },
    E { file: "ai/research/2025-12-02_hybrid-architecture.md", index: 0, title: Some("'트랜스포머 이후'를 찾는다…새빛과기원, 긴 문서 처리 4배 빠른 모델 구조 공개"), date: "2025-12-02", source: "새벽IT", author: "문태오", paragraphs: 16, first: "오늘날 거의 모든 언어", last: "봐야 한다\"고 말했다." },
    E { file: "culture/drama/2026-02-27_moon-archive-drama.html", index: 0, title: Some("'달의 기록관' 공개 2주 만에 비영어 드라마 1위…원작 웹소설도 '역주행'"), date: "2026-02-27", source: "솔빛일보", author: "백승호", paragraphs: 7, first: "스트림온 오리지널 드라", last: "제작을 검토하고 있다." },
    E { file: "culture/esports/2026-03-01_crown-tactics-final.html", index: 0, title: Some("한강 팔콘스, 3년 만에 정상 탈환…'크라운 택틱스' 리그 결승에 1만 2천 관중"), date: "2026-03-01", source: "플레이온뉴스", author: "한승우", paragraphs: 8, first: "0대 2에서 내리 세 ", last: "한국 대표로 출전한다." },
    E { file: "culture/games/2026-01-28_mobile-game-ranking.txt", index: 0, title: Some("설 연휴 앞둔 모바일게임 매출 순위 '지각변동'…방치형 RPG 첫 1위"), date: "2026-01-28", source: "플레이온뉴스", author: "임채원", paragraphs: 7, first: "설 연휴를 앞두고 국내", last: " 수 있다\"고 말했다." },
    E { file: "culture/games/2026-03-10_new-game-launch.txt", index: 0, title: Some("별무리게임즈 신작 '잿빛 왕관' 첫 주 120만 장 팔렸다…동시접속 28만 명"), date: "2026-03-10", source: "플레이온뉴스", author: "한승우", paragraphs: 8, first: "별무리게임즈가 6년 동", last: " 관건\"이라고 말했다." },
    E { file: "culture/ott/2026-02-05_ott-price-hike.md", index: 0, title: Some("OTT 구독료 또 오른다…광고 보는 대신 싼 요금제로 '갈아타기' 늘어"), date: "2026-02-05", source: "솔빛일보", author: "백승호", paragraphs: 14, first: "온라인동영상서비스(OT", last: "몇 시간이나 시청하는지" },
    E { file: "feeds/hanbit/2026-03-06_haeon-civil-ai.json", index: 0, title: Some("해온시, 민원 답변 초안 AI 도입…\"행정문서 3만 건으로 세부조정\""), date: "2026-03-06", source: "한빛뉴스", author: "최동현", paragraphs: 8, first: "해온시가 시민 민원에 ", last: "0개로 늘릴 계획이다." },
    E { file: "feeds/hanbit/batch/2026-03-09_batch.json", index: 0, title: Some("HBM 부족에 GPU 공급난 장기화…\"하반기까지 납기 6개월\""), date: "2026-03-09", source: "한빛뉴스", author: "이서연", paragraphs: 7, first: "인공지능 가속기에 들어", last: " 싸움\"이라고 말했다." },
    E { file: "feeds/hanbit/batch/2026-03-09_batch.json", index: 1, title: Some("한국어 AI 학습용 지시문 데이터 50만 건 공개…\"파인튜닝 문턱 낮춘다\""), date: "2026-03-09", source: "한빛뉴스", author: "윤하은", paragraphs: 7, first: "국내 AI 기업과 대학", last: "터도 추가할 계획이다." },
    E { file: "feeds/hanbit/batch/2026-03-09_batch.json", index: 2, title: Some("알뜰폰 가입자 1,000만 명 돌파…\"자급제폰에 알뜰 요금제\"가 대세"), date: "2026-03-09", source: "한빛뉴스", author: "정유찬", paragraphs: 8, first: "알뜰폰 가입자 수가 처", last: "음 과제\"라고 말했다." },
    E { file: "feeds/wire/newswire_2026-03.jsonl", index: 0, title: Some("한울자동차, 차 안에서 대화하는 AI 비서 탑재…\"터널에서도 끊기지 않는다\""), date: "2026-03-02", source: "코드라인", author: "하윤재", paragraphs: 7, first: "자동차 안에서 운전자와", last: "적용하겠다\"고 말했다." },
    E { file: "feeds/wire/newswire_2026-03.jsonl", index: 1, title: Some("클라우드 GPU 스팟 요금 첫 하락…중고 H100급 서버 매물도 등장"), date: "2026-03-05", source: "누리테크", author: "안소율", paragraphs: 7, first: "1년 넘게 오르기만 하", last: "질 것이라는 분석이다." },
    E { file: "feeds/wire/newswire_2026-03.jsonl", index: 2, title: Some("세움AI, 코딩 없는 파인튜닝 서비스 '튠랩' 출시…\"엑셀 파일 올리면 끝\""), date: "2026-03-10", source: "테크데일리", author: "김민준", paragraphs: 7, first: "개발자가 없는 기업도 ", last: "를 목표로 하고 있다." },
    E { file: "feeds/wire/newswire_2026-03.jsonl", index: 3, title: Some("인디게임 축제 '픽셀마당' 사흘간 4만 명 찾았다…1인 개발작 대상"), date: "2026-03-06", source: "플레이온뉴스", author: "임채원", paragraphs: 7, first: "국내 최대 규모의 인디", last: " 늘리겠다\"고 말했다." },
    E { file: "gpu/2026-03-02_datacenter-gpu-price.txt", index: 0, title: Some("데이터센터용 GPU 가격 1년 새 40% 올라…스타트업 \"장비 구하기 전쟁\""), date: "2026-03-02", source: "테크데일리", author: "김민준", paragraphs: 7, first: "인공지능(AI) 모델 ", last: "해야 한다\"고 말했다." },
    E { file: "gpu/2026-03-11_university-gpu-shortage.html", index: 0, title: Some("\"GPU 못 구해 졸업 미뤄요\"…대학 공동 클러스터 신청 경쟁률 12대 1"), date: "2026-03-11", source: "누리테크", author: "안소율", paragraphs: 7, first: "연구 주제도 장비 사정", last: "워야 한다\"고 말했다." },
    E { file: "gpu/cloud/2026-02-18_cloud-gpu-hourly-rate.txt", index: 0, title: Some("클라우드 GPU 임대료 시간당 1만 원 돌파…\"예약형이 그나마 싸다\""), date: "2026-02-18", source: "한빛뉴스", author: "이서연", paragraphs: 12, first: "국내 클라우드 업체들이", last: " 것\"이라고 전망했다." },
    E { file: "gpu/market/2026-01-20_used-graphics-card.txt", index: 0, title: Some("중고 그래픽카드 몸값 '껑충'…RTX 4090급 중고가, 출시가 넘어섰다"), date: "2026-01-20", source: "누리테크", author: "박지훈", paragraphs: 7, first: "개인 개발자와 소규모 ", last: "이 크다\"고 내다봤다." },
    E { file: "life/2026-03-13_weather-spring.txt", index: 0, title: Some("주말 꽃샘추위 기승…서울 아침 영하 3도, 다음 주 초 평년 기온 회복"), date: "2026-03-13", source: "솔빛일보", author: "강예린", paragraphs: 7, first: "봄기운이 완연하던 날씨", last: "성이 있다고 덧붙였다." },
    E { file: "life/food/2026-03-07_strawberry-price.md", index: 0, title: Some("딸기 한 팩 1만 5,000원…일조량 부족에 봄 과일값 '들썩'"), date: "2026-03-07", source: "솔빛일보", author: "강예린", paragraphs: 21, first: "제철을 맞은 딸기 가격", last: " 먹기 직전에 씻는다." },
    E { file: "mobile/2026-02-26_foldable-launch.txt", index: 0, title: Some("한별전자, 접으면 8.9㎜ 폴더블폰 '폴드 엣지' 공개…출고가 239만 8,000원"), date: "2026-02-26", source: "한빛뉴스", author: "윤하은", paragraphs: 8, first: "한별전자가 접었을 때 ", last: "이 목표\"라고 밝혔다." },
    E { file: "mobile/telecom/2026-03-09_5g-plan-revamp.md", index: 0, title: Some("통신 3사, 5G 요금제 하한 3만 원대로…무제한 요금제는 6만 원대 등장"), date: "2026-03-09", source: "이음데일리", author: "서지민", paragraphs: 19, first: "가온텔레콤과 바로통신,", last: " 부가서비스 포함 여부" },
    E { file: "tech/2025-12-10_datacenter-power.txt", index: 0, title: Some("AI 데이터센터 전력 수요 급증…\"수도권 신규 전력 공급 사실상 막혀\""), date: "2025-12-10", source: "다온경제", author: "정하늘", paragraphs: 7, first: "인공지능 서비스 확산으", last: "필요하다\"고 지적했다." },
    E { file: "tech/chips/2026-01-15_terraneuron-npu.md", index: 0, title: Some("AI 추론칩 스타트업 테라뉴런, 1,200억 원 유치…NPU 양산 돌입"), date: "2026-01-15", source: "다온경제", author: "정하늘", paragraphs: 14, first: "인공지능 추론용 반도체", last: " 처음 나올 전망이다." },
    E { file: "tech/cooling/2026-02-25_immersion-cooling.txt", index: 0, title: Some("서버를 액체에 통째로 담근다…AI 데이터센터 '액침냉각' 확산"), date: "2026-02-25", source: "새벽IT", author: "문태오", paragraphs: 7, first: "인공지능 서버가 내뿜는", last: "어야 한다\"고 말했다." },

];

#[test]
fn samples_match_the_table() {
    let mut seen = 0;
    for path in sample_files() {
        let rel = relative(&path);
        let articles = parse_path(&path).articles;
        for (i, a) in articles.iter().enumerate() {
            let e = EXPECTED
                .iter()
                .find(|e| e.file == rel && e.index == i)
                .unwrap_or_else(|| panic!("{rel} #{i} is not in the table"));
            seen += 1;
            let at = format!("{rel} #{i}");
            assert_eq!(a.title.as_deref(), e.title, "{at}: title");
            assert_eq!(a.date.as_deref(), Some(e.date), "{at}: date");
            assert_eq!(a.source.as_deref(), Some(e.source), "{at}: source");
            assert_eq!(a.author.as_deref(), Some(e.author), "{at}: author");
            assert_eq!(
                a.paragraphs.len(),
                e.paragraphs,
                "{at}: {:#?}",
                a.paragraphs
            );
            let first = &a.paragraphs[0];
            let last = &a.paragraphs[a.paragraphs.len() - 1];
            assert!(
                first.starts_with(e.first),
                "{at}: first paragraph {first:?}"
            );
            assert!(last.ends_with(e.last), "{at}: last paragraph {last:?}");
        }
    }
    assert_eq!(seen, EXPECTED.len(), "every table row was checked");
}

#[test]
fn byline_fills_author_and_source() {
    let a = &sample("gpu/2026-03-02_datacenter-gpu-price.txt")[0];
    assert_eq!(a.author.as_deref(), Some("김민준"));
    assert_eq!(a.source.as_deref(), Some("테크데일리"));
    assert!(a.paragraphs[0].starts_with("인공지능(AI) 모델 학습과 추론에 쓰이는"));
    // No date in the text: it comes from the file name, and says so.
    assert_eq!(a.date.as_deref(), Some("2026-03-02"));
    assert_eq!(
        a.meta.get("date_from").map(String::as_str),
        Some("file_name")
    );

    // (place=agency) bylines, in a CP949 file.
    let a = &sample("ai/finetune/2026-01-08_callcenter-finetuning.txt")[0];
    assert_eq!(a.source.as_deref(), Some("한빛뉴스"));
    assert_eq!(a.author.as_deref(), Some("최동현"));
    assert!(a.paragraphs[0].starts_with("부산의 직원 40명"));
}

#[test]
fn legacy_encodings_decode() {
    // CP949 / EUC-KR.
    for rel in [
        "ai/finetune/2026-01-08_callcenter-finetuning.txt",
        "gpu/market/2026-01-20_used-graphics-card.txt",
        "tech/2025-12-10_datacenter-power.txt",
    ] {
        let a = &sample(rel)[0];
        assert!(
            a.paragraphs.iter().all(|p| !p.contains('\u{fffd}')),
            "{rel}"
        );
    }
    // UTF-16LE with a BOM and CRLF.
    let a = &sample("tech/cooling/2026-02-25_immersion-cooling.txt")[0];
    assert_eq!(a.author.as_deref(), Some("문태오"));
    assert_eq!(a.source.as_deref(), Some("새벽IT"));
    assert_eq!(
        a.title.as_deref(),
        Some("서버를 액체에 통째로 담근다…AI 데이터센터 '액침냉각' 확산")
    );
}

#[test]
fn html_title_without_site_suffix() {
    let a = &sample("ai/2026-01-22_enterprise-llm-to-slm.html")[0];
    assert_eq!(
        a.title.as_deref(),
        Some("기업 AI, '큰 모델' 대신 '작은 모델'로…운영비 5분의 1로 줄인 비결")
    );
    assert_eq!(a.source.as_deref(), Some("다온경제"));
    assert_eq!(a.author.as_deref(), Some("유시온"));
    assert_eq!(
        a.url.as_deref(),
        Some("https://news.example/daon/2026/01/22/enterprise-llm-to-slm")
    );
    assert_eq!(a.meta.get("section").map(String::as_str), Some("IT·과학"));
    // The subtitle is kept; the byline, dates, share buttons and the sidebar are not.
    assert_eq!(
        a.paragraphs[0],
        "쉬운 요청은 SLM, 어려운 요청은 LLM…'라우팅' 확산"
    );
    assert!(
        a.paragraphs
            .iter()
            .all(|p| !p.contains("수도권 데이터센터 전력 공급"))
    );
}

#[test]
fn html_without_article_element() {
    let a = &sample("ai/eval/2026-02-04_korean-benchmark-contamination.html")[0];
    assert_eq!(a.author.as_deref(), Some("하윤재"));
    assert!(a.paragraphs[0].starts_with("국내 기업과 연구기관이 앞다퉈"));
    // The table is kept, row by row; the photo caption, ad, tags and navigation are not.
    for row in [
        "공개 평가 세트와 비공개 신규 문항 점수 비교 (단위: 점)",
        "구분 | 공개 평가 세트 | 비공개 신규 문항 | 차이",
        "오염 의심 모델(11종) | 78.4 | 64.1 | -14.3",
        "오염 미확인 모델(16종) | 71.2 | 68.5 | -2.7",
    ] {
        assert!(a.paragraphs.iter().any(|p| p == row), "missing {row:?}");
    }
    for furniture in [
        "검수하고 있다",
        "#AI",
        "#벤치마크",
        "스포츠",
        "LoRA·QLoRA로 파인튜닝 비용",
    ] {
        assert!(
            a.paragraphs.iter().all(|p| !p.contains(furniture)),
            "{furniture:?} left in the body"
        );
    }
}

#[test]
fn html_figures_and_inline_ads_are_skipped() {
    for rel in [
        "ai/companies/2026-03-14_gpu-race-startups.html",
        "culture/drama/2026-02-27_moon-archive-drama.html",
        "culture/esports/2026-03-01_crown-tactics-final.html",
        "gpu/2026-03-11_university-gpu-shortage.html",
    ] {
        let a = &sample(rel)[0];
        assert!(
            a.paragraphs
                .iter()
                .all(|p| !p.contains("사진=") && !p.contains("(사진)")),
            "{rel}"
        );
        assert!(a.paragraphs.iter().all(|p| !p.contains("adq")), "{rel}");
        assert!(
            a.url
                .as_deref()
                .is_some_and(|u| u.starts_with("https://news.example/")),
            "{rel}"
        );
    }
}

#[test]
fn json_array_file() {
    let articles = sample("feeds/hanbit/batch/2026-03-09_batch.json");
    let ids: Vec<_> = articles.iter().map(|a| a.id.as_deref()).collect();
    assert_eq!(
        ids,
        vec![
            Some("hb-20260309-001"),
            Some("hb-20260309-002"),
            Some("hb-20260309-003")
        ]
    );
    let records: Vec<_> = articles.iter().map(|a| a.record).collect();
    assert_eq!(records, vec![Some(0), Some(1), Some(2)]);
    let authors: Vec<_> = articles.iter().map(|a| a.author.as_deref()).collect();
    assert_eq!(
        authors,
        vec![Some("이서연"), Some("윤하은"), Some("정유찬")]
    );
    for a in &articles {
        assert_eq!(a.date.as_deref(), Some("2026-03-09"));
        assert!(!a.meta.contains_key("date_from"));
    }
}

#[test]
fn json_lines_file() {
    let articles = sample("feeds/wire/newswire_2026-03.jsonl");
    let ids: Vec<_> = articles.iter().map(|a| a.id.as_deref()).collect();
    assert_eq!(
        ids,
        vec![
            Some("nw-20260302-0001"),
            Some("nw-20260305-0002"),
            Some("nw-20260310-0003"),
            Some("nw-20260306-0004"),
        ]
    );
    let records: Vec<_> = articles.iter().map(|a| a.record).collect();
    assert_eq!(records, vec![Some(0), Some(1), Some(2), Some(3)]);
    // No author field: the bylines supply it.
    let authors: Vec<_> = articles.iter().map(|a| a.author.as_deref()).collect();
    assert_eq!(
        authors,
        vec![
            Some("하윤재"),
            Some("안소율"),
            Some("김민준"),
            Some("임채원")
        ]
    );
    assert_eq!(articles[0].source.as_deref(), Some("코드라인"));
    assert_eq!(
        articles[0].url.as_deref(),
        Some("https://news.example/codeline/2026/03/02/hanul-car-voice-assistant")
    );
}

#[test]
fn single_json_object_file() {
    let articles = sample("feeds/hanbit/2026-03-06_haeon-civil-ai.json");
    assert_eq!(articles.len(), 1);
    let a = &articles[0];
    assert_eq!(a.id.as_deref(), Some("hb-20260306-0412"));
    assert_eq!(a.record, None);
    assert_eq!(a.date.as_deref(), Some("2026-03-06"));
    assert_eq!(a.author.as_deref(), Some("최동현"));
    assert_eq!(a.source.as_deref(), Some("한빛뉴스"));
    assert!(a.paragraphs[0].starts_with("해온시가 시민 민원에 대한"));
    assert!(
        a.paragraphs
            .last()
            .is_some_and(|p| p.ends_with("늘릴 계획이다."))
    );
}

#[test]
fn trailing_headline_lists_are_dropped() {
    for (rel, last) in [
        (
            "gpu/cloud/2026-02-18_cloud-gpu-hourly-rate.txt",
            "약정 요금부터 내려갈 것\"이라고 전망했다.",
        ),
        (
            "mobile/2026-02-26_foldable-launch.txt",
            "30% 늘리는 것이 목표\"라고 밝혔다.",
        ),
        (
            "culture/games/2026-03-10_new-game-launch.txt",
            "빨리 잡느냐가 관건\"이라고 말했다.",
        ),
        (
            "tech/chips/2026-01-15_terraneuron-npu.md",
            "성적표가 처음 나올 전망이다.",
        ),
    ] {
        let a = &sample(rel)[0];
        let got = a.paragraphs.last().map(String::as_str).unwrap_or("");
        assert!(got.ends_with(last), "{rel}: ends with {got:?}");
        assert!(
            a.paragraphs.iter().all(|p| !TIME_END.is_match(p)),
            "{rel}: a timestamped headline is left"
        );
    }
    // A list inside the article text stays.
    let a = &sample("gpu/cloud/2026-02-18_cloud-gpu-hourly-rate.txt")[0];
    assert!(
        a.paragraphs
            .iter()
            .any(|p| p == "- 구름IDC: 온디맨드 9,500 / 1년 약정 7,500")
    );
    assert!(a.paragraphs.iter().any(|p| p == "(2026년 2월 기준)"));
}

#[test]
fn markdown_front_matter_and_body() {
    let a = &sample("ai/finetune/2026-02-12_lora-qlora-cost.md")[0];
    assert_eq!(
        a.url.as_deref(),
        Some("https://news.example/codeline/2026/02/12/lora-qlora-cost")
    );
    assert_eq!(
        a.meta.get("tags").map(String::as_str),
        Some("파인튜닝, LoRA, QLoRA, GPU, 학습비용")
    );
    assert!(a.paragraphs.iter().any(|p| p == "LoRA는 무엇인가"));
    assert!(
        a.paragraphs
            .iter()
            .any(|p| p == "방식 | 모델 크기 | 필요한 장비 | 학습 시간 | 임대 비용")
    );
    assert!(
        a.paragraphs
            .iter()
            .any(|p| p.starts_with("정말 학습이 필요한가: "))
    );
    assert!(
        a.paragraphs
            .iter()
            .all(|p| !p.contains("**") && !p.contains('#') && !p.contains("|---"))
    );

    // A BOM before the front matter.
    let a = &sample("ai/ondevice/2026-03-03_smartphone-slm.md")[0];
    assert_eq!(
        a.title.as_deref(),
        Some("스마트폰 속 AI 비서, 클라우드 없이 돈다…소형언어모델(SLM) 탑재 경쟁")
    );
    assert_eq!(a.source.as_deref(), Some("이음데일리"));
    assert!(!a.meta.contains_key("front_matter_error"));
}

#[test]
fn text_quotes_numbers_and_parentheses_are_kept() {
    let a = &sample("ai/companies/2025-10-15_raonbrain-series-b.txt")[0];
    assert!(
        a.paragraphs
            .iter()
            .any(|p| p.contains("소형언어모델(SLM) '라온-미니' 시리즈"))
    );
    assert!(
        a.paragraphs
            .iter()
            .any(|p| p.contains("\"기업 고객이 원하는 것은"))
    );
}

const ALL_FORMATS: [Format; 5] = [
    Format::Text,
    Format::Markdown,
    Format::Html,
    Format::Json,
    Format::JsonLines,
];

/// Pieces that exercise the parsers' special cases.
const PIECES: &str = r#"(<div>|</div>|<p>|</p>|<br>|<script>|</script>|<article>|<table><tr><td>|<!--|-->|---\n|\n|\n\n|# |- |1\. |\| |\[|\]|\{|\}|"|:|,|=|\(|\)|ⓒ|기자|\[테크데일리 김민준 기자\]|\(서울=한빛뉴스\) |관련기사|▶ |2026\.03\.12 14:05|a@b\.co|\\n|"text"|가|a| )*"#;

proptest! {
    #[test]
    fn parse_never_panics_on_any_string(text in any::<String>(), stem in any::<String>()) {
        for format in ALL_FORMATS {
            let _ = parse(format, &text, &stem, &ParseOptions::default());
        }
    }

    #[test]
    fn parse_never_panics_on_markup_like_text(text in PIECES) {
        for format in ALL_FORMATS {
            if let Ok(parsed) = parse(format, &text, "2026-03-02_x", &ParseOptions::default()) {
                for a in parsed.articles {
                    prop_assert!(!a.paragraphs.is_empty() || a.title.is_some());
                }
            }
        }
    }

    #[test]
    fn clean_never_panics_and_never_empties(
        paragraphs in prop::collection::vec(prop_oneof![any::<String>(), PIECES.prop_map(|s| s)], 0..12),
        title in proptest::option::of(any::<String>()),
    ) {
        let had_text = paragraphs.iter().any(|p| !p.trim().is_empty());
        let mut a = Article { paragraphs, title, ..Article::default() };
        clean(&mut a);
        prop_assert_eq!(had_text, !a.paragraphs.is_empty());
    }
}

/// Linear-time parsing: samples repeated to megabytes parse in well under a second each in an
/// optimised build; the bound here is generous for debug builds on a busy machine.
#[test]
fn large_files_parse_in_reasonable_time() {
    let read = |rel: &str| decode(&std::fs::read(articles_dir().join(rel)).expect("sample reads"));
    let text = read("gpu/2026-03-02_datacenter-gpu-price.txt");
    let md = read("tech/chips/2026-01-15_terraneuron-npu.md");
    let jsonl = read("feeds/wire/newswire_2026-03.jsonl");
    let html = read("ai/2026-01-22_enterprise-llm-to-slm.html");
    // The article's own paragraphs, repeated inside the article.
    let from = html.find("<p>").expect("a paragraph");
    let to = html
        .find("<p class=\"reporter-sign\">")
        .expect("a reporter line");
    let big_html = format!(
        "{}{}{}",
        &html[..from],
        html[from..to].repeat(2_000),
        &html[to..]
    );

    let start = std::time::Instant::now();
    for (format, input, articles, min_paragraphs) in [
        (Format::Text, text.repeat(2_000), 1, 14_000),
        (Format::Markdown, md.repeat(1_000), 1, 13_000),
        (Format::Html, big_html, 1, 12_000),
        (Format::JsonLines, jsonl.repeat(500), 2_000, 14_000),
    ] {
        let parsed = parse(format, &input, "big", &ParseOptions::default()).expect("parses");
        assert_eq!(parsed.articles.len(), articles, "{format:?}");
        let paragraphs: usize = parsed.articles.iter().map(|a| a.paragraphs.len()).sum();
        assert!(
            paragraphs >= min_paragraphs,
            "{format:?}: {paragraphs} paragraphs"
        );
    }
    assert!(start.elapsed().as_secs() < 60, "{:?}", start.elapsed());
}

/// The parts of the extraction set (`tests/extraction/`, `scripts/eval-extraction`) whose rules
/// were tuned on them: every file keeps its title, date, author and source, and its text keeps
/// a token F1 of at least 0.95 against the gold. The latest blind parts (`blind2/`, `blind3/`),
/// still below that on some files, are measured by the script, not held to a floor.
#[test]
fn the_extraction_set_keeps_its_scores() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/extraction");
    let mut checked = 0;
    let mut wrong = Vec::new();
    for part in ["tuning", "heldout", "fresh", "blind"] {
        let mut files: Vec<PathBuf> = std::fs::read_dir(root.join(part))
            .expect("the extraction set is there")
            .map(|e| e.expect("folder entry reads").path())
            .filter(|p| !p.to_string_lossy().ends_with(".gold.json"))
            .collect();
        files.sort();
        for path in files {
            let name = path.file_name().unwrap().to_string_lossy().into_owned();
            let stem = name.split('.').next().unwrap().to_string();
            let gold: serde_json::Value = serde_json::from_str(
                &std::fs::read_to_string(path.with_file_name(format!("{stem}.gold.json")))
                    .expect("a gold sidecar"),
            )
            .expect("gold is JSON");
            let ext = path.extension().unwrap().to_string_lossy().to_lowercase();
            let format = Format::from_extension(&ext)
                .or_else(|| (ext == "xml").then_some(Format::Feed))
                .expect("a known extension");
            let read = kosearch::ingest::read::read(
                std::fs::read(&path).expect("the file reads"),
                format,
                None,
                &stem,
                &ParseOptions::default(),
            )
            .unwrap_or_else(|e| panic!("{name}: {e}"));
            let article = &read.parsed.articles[0];
            for (field, got) in [
                ("title", &article.title),
                ("date", &article.date),
                ("author", &article.author),
                ("source", &article.source),
            ] {
                if got.as_deref() != gold[field].as_str() {
                    wrong.push(format!(
                        "{part}/{name}: {field} {got:?}, gold {}",
                        gold[field]
                    ));
                }
            }
            let f1 = token_f1(
                &article.paragraphs.join("\n"),
                gold["text"].as_str().expect("gold text"),
            );
            if f1 < 0.95 {
                wrong.push(format!("{part}/{name}: text F1 {f1:.3}"));
            }
            checked += 1;
        }
    }
    assert!(checked >= 70, "only {checked} files");
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

/// F1 of whitespace tokens, as `scripts/eval-extraction` scores text.
fn token_f1(got: &str, gold: &str) -> f64 {
    let count = |s: &str| {
        let mut m = std::collections::HashMap::new();
        for t in s.split_whitespace() {
            *m.entry(t.to_string()).or_insert(0usize) += 1;
        }
        m
    };
    let (g, e) = (count(gold), count(got));
    let common: usize = g
        .iter()
        .map(|(t, n)| (*n).min(e.get(t).copied().unwrap_or(0)))
        .sum();
    let (ng, ne) = (g.values().sum::<usize>(), e.values().sum::<usize>());
    if common == 0 {
        return 0.0;
    }
    let (p, r) = (common as f64 / ne as f64, common as f64 / ng as f64);
    2.0 * p * r / (p + r)
}
