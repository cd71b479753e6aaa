"""The "fresh" part of the extraction set: shapes written after the rules were tuned on
tuning/, in markup and furniture that tuning/ and heldout/ do not use, and never tuned on.
It measures how far the rules carry beyond the templates they were written against."""

import html


def esc(s):
    return html.escape(s, quote=True)


def dotted(a):
    return a["date"].replace("-", ".")


def portal(a, hs):
    paras = "\n".join(f"<p>{esc(p)}</p>" for p in a["paragraphs"])
    rank = "".join(f'<li><em class="num">{i + 1}</em><a>{esc(h)}</a></li>' for i, h in enumerate(hs))
    return f"""<!doctype html><html lang="ko"><head><meta charset="utf-8">
<meta property="og:title" content="{esc(a['title'])}">
<title>{esc(a['title'])} | 다모아 뉴스</title></head><body>
<div id="wrap"><div class="gnb"><a>홈</a><a>연예</a><a>스포츠</a><a>뉴스</a></div>
<div class="news_head"><a class="press_logo"><img alt="{esc(a['source'])}" src="p.png"></a>
<h2 class="news_title">{esc(a['title'])}</h2>
<div class="reporter_area"><span class="name">{esc(a['author'])}</span> 기자</div>
<span class="date">{dotted(a)} {a['time']}</span></div>
<div id="harmonyContainer" class="article_body">
<section>
{paras}
</section></div>
<p class="copyright">ⓒ {esc(a['source'])} 무단전재 및 재배포금지</p>
<div class="emotion"><span>좋아요 7</span><span>화나요 1</span></div>
<div class="ranking"><h3>많이 본 뉴스</h3><ol class="rank_list">{rank}</ol></div>
</div></body></html>
"""


def cms(a, hs):
    body = "<br />\n<br />\n".join(esc(p) for p in a["paragraphs"][:-1])
    last = esc(a["paragraphs"][-1]) + f" / {esc(a['author'])} 기자 {esc(a['email'])}"
    rel = "<br />\n".join(f"▶ 관련기사: {esc(h)}" for h in hs[:2])
    return f"""<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8">
<title>{esc(a['source'])} - {esc(a['title'])}</title>
<meta name="description" content="{esc(a['paragraphs'][0][:60])}">
</head><body>
<table id="top"><tr><td><a>{esc(a['source'])}</a></td><td><a>로그인</a> | <a>회원가입</a></td></tr></table>
<div class="sub_title"><span>IT·과학</span></div>
<div class="article_head"><h1>{esc(a['title'])}</h1>
<span class="writer">기사입력 {a['date']} {a['time']} | {esc(a['author'])} 기자</span></div>
<div id="articleBody" class="article_txt">
{body}<br />
<br />
{last}<br />
<br />
{rel}
</div>
<div class="footer">Copyright (c) {esc(a['source'])} All rights reserved.</div>
</body></html>
"""


def print_view(a, hs):
    paras = "<br><br>".join(esc(p) for p in a["paragraphs"])
    return f"""<html><head><meta charset="utf-8"><title>프린트하기</title></head>
<body onload="print()">
<table width="640"><tr><td class="title">{esc(a['title'])}</td></tr>
<tr><td class="info">입력 : {a['date']} {a['time']} | {esc(a['author'])} 기자</td></tr>
<tr><td class="content">{paras}</td></tr>
<tr><td class="copy">&lt;저작권자 © {esc(a['source'])} 무단전재-재배포금지&gt;</td></tr></table>
</body></html>
"""


def amp(a, hs):
    paras = []
    for i, p in enumerate(a["paragraphs"]):
        paras.append(f"<p>{esc(p)}</p>")
        if i == 1:
            paras.append('<amp-ad width="320" height="100" type="doubleclick"></amp-ad>')
    rel = "".join(f'<div class="slide"><a>{esc(h)}</a></div>' for h in hs[:3])
    return f"""<!doctype html><html amp lang="ko"><head><meta charset="utf-8">
<title>{esc(a['title'])} : {esc(a['source'])}</title>
<meta property="og:site_name" content="{esc(a['source'])}">
<meta property="og:title" content="{esc(a['title'])}">
<meta name="author" content="{esc(a['author'])}">
<meta property="article:published_time" content="{a['date']}T{a['time']}:00+09:00">
</head><body>
<header><amp-img src="logo.png" alt="{esc(a['source'])}" width="100" height="20"></amp-img></header>
<h1>{esc(a['title'])}</h1>
<div class="article-body">
{''.join(paras)}
</div>
<div class="tags">#GPU #AI</div>
<h2>추천 기사</h2><amp-carousel type="slides" width="320" height="80">{rel}</amp-carousel>
<footer>{esc(a['source'])} © All rights reserved</footer>
</body></html>
"""


def mobile(a, hs):
    paras = "\n".join(f"<p>{esc(p)}</p>" for p in a["paragraphs"])
    rel = "".join(f"<li><a>{esc(h)}</a></li>" for h in hs)
    return f"""<!DOCTYPE html><html lang="ko"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width">
<meta property="og:title" content="{esc(a['title'])}">
<meta property="og:site_name" content="{esc(a['source'])}">
<meta name="article:published_time" content="{a['date']} {a['time']}">
<title>{esc(a['title'])}</title></head><body>
<header class="m-top"><button>메뉴</button><a class="logo">{esc(a['source'])}</a></header>
<section class="m-view">
<h1 class="view_tit">{esc(a['title'])}</h1>
<div class="view_info"><span class="byline">{esc(a['author'])} 기자</span><button class="subscribe">{esc(a['author'])} 기자 구독</button></div>
<div class="view_con">
{paras}
</div>
<div class="view_react">좋아요 3 · 댓글 5</div>
<p class="view_copy">&lt;ⓒ {esc(a['source'])} 무단전재 및 재배포 금지&gt;</p>
</section>
<section class="m-list"><h2>이 시각 많이 본 뉴스</h2><ul>{rel}</ul></section>
</body></html>
"""


def paste_outlet(a, hs):
    lines = [a["title"], "", f"{a['author']} 기자 | 입력 {dotted(a)} {a['time']}", ""]
    for p in a["paragraphs"]:
        lines += [p, ""]
    lines += [f"<저작권자 © {a['source']}, 무단 전재 및 재배포 금지>", "", "[이 시각 주요뉴스]"]
    lines += [f"{h} {a['date'][5:].replace('-', '-')} {9 + i:02d}:{12 + i:02d}" for i, h in enumerate(hs)]
    lines += ["", "기사 추천하기", "SNS 공유"]
    return "\n".join(lines) + "\n"


def paste_portal(a, hs):
    lines = [a["title"], "", f"기사입력 {dotted(a)} {a['time']}   최종수정 {dotted(a)} {a['time']}", "",
             f"{a['author']} 기자", f"{a['author']} 기자 구독", ""]
    for p in a["paragraphs"]:
        lines += [p, ""]
    lines += [f"{a['author']} 기자 {a['email']}", "", "많이 본 뉴스"]
    for i, h in enumerate(hs):
        lines += [str(i + 1), h]
    lines += ["", "댓글 12", "댓글 쓰기"]
    return "\n".join(lines) + "\n"


def mhtml(a, hs):
    """An Internet Explorer style .mht: one 8-bit EUC-KR part, CRLF."""
    inner = print_view(a, hs).replace('<meta charset="utf-8">', '<meta charset="euc-kr">').replace("©", "ⓒ")
    data = inner.encode("euc_kr")
    assert data.decode("cp949") == inner
    head = (
        "From: <Saved by Windows Internet Explorer 8>\r\n"
        f"Subject: print\r\n"
        "MIME-Version: 1.0\r\n"
        'Content-Type: multipart/related; type="text/html"; boundary="----=_NextPart_000_0000_01DA1234.ABCD5678"\r\n'
        "\r\nThis is a multi-part message in MIME format.\r\n\r\n"
        "------=_NextPart_000_0000_01DA1234.ABCD5678\r\n"
        "Content-Type: text/html; charset=\"ks_c_5601-1987\"\r\n"
        "Content-Transfer-Encoding: 8bit\r\n"
        "Content-Location: http://news.example/print/1\r\n\r\n"
    ).encode("ascii")
    tail = b"\r\n------=_NextPart_000_0000_01DA1234.ABCD5678--\r\n"
    return head + data.replace(b"\n", b"\r\n") + tail


def feed(a, hs):
    """A CMS's RSS feed, written after the feed reader and never tuned on: the channel title
    carries a section suffix, the author is an e-mail with the name in parentheses, the
    full text is in content:encoded with a photo caption, related links and the copyright
    line, and the description is a cut summary."""
    paras = "".join(f"<p>{esc(p)}</p>" for p in a["paragraphs"])
    related = "".join(f'<li><a href="https://news.example/r/{i}">{esc(h)}</a></li>' for i, h in enumerate(hs[:3]))
    content = (
        f'<figure><img src="https://news.example/p.jpg"/><figcaption>{esc(a["title"][:20])} (사진=연합)</figcaption></figure>'
        f"{paras}<p>{esc(a['author'])} 기자 {esc(a['email'])}</p>"
        f"<p>▶ 관련기사</p><ul>{related}</ul>"
        f"<p>&lt;저작권자 © {esc(a['source'])}, 무단 전재 및 재배포 금지&gt;</p>"
    )
    y, m, d = a["date"].split("-")
    months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
    return f"""<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/">
<channel>
<title>{esc(a['source'])} - 전체기사</title>
<link>https://news.example/</link>
<description>{esc(a['source'])}의 모든 기사</description>
<generator>CMS 5.2</generator>
<item>
<title><![CDATA[{a['title']}]]></title>
<link>https://news.example/news/articleView.html?idxno=1234</link>
<author>{esc(a['email'])} ({esc(a['author'])})</author>
<pubDate>{d} {months[int(m) - 1]} {y} {a['time']}:00 GMT+9</pubDate>
<description><![CDATA[{a['paragraphs'][0][:80]}…]]></description>
<content:encoded><![CDATA[{content}]]></content:encoded>
</item>
<item><title>{esc(hs[3])}</title><link>https://news.example/x</link><description>{esc(hs[3])}</description></item>
</channel>
</rss>
"""


FRESH = [
    ("amp", "html", amp),
    ("cms", "html", cms),
    ("mhtml", "mht", mhtml),
    ("mobile", "html", mobile),
    ("paste-outlet", "txt", paste_outlet),
    ("paste-portal", "txt", paste_portal),
    ("portal", "html", portal),
    ("print", "html", print_view),
    ("feed", "xml", feed),
]
