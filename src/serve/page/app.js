// kosearch browser page: search form, facets, trend chart and results.
// Vanilla JS, no dependencies. All data from the API is untrusted and is only
// ever put into the page through createElement + textContent / setAttribute.
(function () {
  "use strict";

  var PAGE_SIZE = 20;
  var SVG_NS = "http://www.w3.org/2000/svg";
  var FIELD_LABEL = { source: "언론사", author: "기자", folder: "폴더", year: "연도" };
  // Filters by outlet, reporter and folder: parameters of their own (not words of the
  // query), so the query box keeps what the user typed.
  var FILTERS = ["source", "author", "folder"];

  var $ = function (id) { return document.getElementById(id); };
  var el = {
    form: $("search"), q: $("q"), qError: $("q-error"), since: $("since"), until: $("until"),
    articles: $("articles"), chips: $("chips"), summary: $("summary"), results: $("results"),
    more: $("more"), sentinel: $("sentinel"), loading: $("loading"), message: $("message"),
    trend: $("trend"), trendChart: $("trend-chart"), trendNote: $("trend-note"),
    trendHeading: $("trend-heading"), facets: $("facets"), facetsToggle: $("facets-toggle"),
    csv: $("download-csv"), jsonl: $("download-jsonl"), stats: $("stats"), foot: $("foot")
  };

  // The state of the latest search: what the URL holds plus paging.
  var current = { q: "", since: "", until: "", articles: false, source: "", author: "", folder: "" };
  var job = null;          // {state, pending, errors, ctrl, shown, total, done, busy, facets}
  var trendData = null;    // last trend response, kept for redraw on resize

  // ---------- small helpers ----------

  function make(tag, cls, text) {
    var n = document.createElement(tag);
    if (cls) n.className = cls;
    if (text != null) n.textContent = String(text);
    return n;
  }
  function svg(tag, attrs) {
    var n = document.createElementNS(SVG_NS, tag);
    for (var k in attrs) if (Object.prototype.hasOwnProperty.call(attrs, k)) n.setAttribute(k, String(attrs[k]));
    return n;
  }
  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function fmt(n) { return Number(n || 0).toLocaleString("ko-KR"); }
  function isHttp(url) { return typeof url === "string" && /^https?:\/\//i.test(url); }
  function setBodyState(s) { document.body.dataset.state = s; }

  // A date input value or a URL value; only YYYY-MM-DD is accepted.
  function cleanDate(v) { return /^\d{4}-\d{2}-\d{2}$/.test(v || "") ? v : ""; }

  // Short form of a file path: its last `keep` components, full path in a tooltip.
  function shortPath(p, keep) {
    var parts = String(p || "").split(/[\\/]+/).filter(Boolean);
    if (parts.length <= keep) return String(p || "");
    return "…/" + parts.slice(-keep).join("/");
  }

  function query(params) {
    var u = new URLSearchParams();
    Object.keys(params).forEach(function (k) {
      var v = params[k];
      if (v !== "" && v != null && v !== false) u.set(k, v === true ? "1" : String(v));
    });
    return u.toString();
  }

  // Fetch JSON; on a non-2xx answer reject with an Error carrying the API's
  // `error` message and `at` offset (if any).
  function getJSON(path, params, signal) {
    var qs = query(params);
    return fetch(path + (qs ? "?" + qs : ""), { signal: signal, headers: { Accept: "application/json" } })
      .then(function (res) {
        return res.text().then(function (body) {
          var data = null;
          try { data = body ? JSON.parse(body) : null; } catch (e) { data = null; }
          if (!res.ok) {
            var err = new Error((data && data.error) || ("서버 오류 (" + res.status + ")"));
            err.status = res.status;
            err.at = data && typeof data.at === "number" ? data.at : null;
            throw err;
          }
          if (data === null) throw new Error("서버 응답을 읽을 수 없습니다");
          return data;
        });
      });
  }

  // ---------- highlights: byte ranges -> JS string ranges ----------

  // byteAt[i] = UTF-8 byte offset of UTF-16 index i (surrogate pairs: the low
  // half gets the same offset as the high half, so it is never a boundary).
  function byteOffsets(text) {
    var byteAt = new Array(text.length + 1);
    var b = 0;
    for (var i = 0; i < text.length; i++) {
      byteAt[i] = b;
      var c = text.charCodeAt(i);
      if (c >= 0xd800 && c <= 0xdbff && i + 1 < text.length) {
        var d = text.charCodeAt(i + 1);
        if (d >= 0xdc00 && d <= 0xdfff) { byteAt[++i] = b; b += 4; continue; }
      }
      b += c < 0x80 ? 1 : c < 0x800 ? 2 : 3;
    }
    byteAt[text.length] = b;
    return byteAt;
  }
  // Smallest JS index whose byte offset is >= `byte` (snaps forward to a
  // character boundary if a range ever points inside a character).
  function indexOfByte(byteAt, byte) {
    var lo = 0, hi = byteAt.length - 1;
    while (lo < hi) {
      var mid = (lo + hi) >> 1;
      if (byteAt[mid] < byte) lo = mid + 1; else hi = mid;
    }
    // Don't land on the low half of a surrogate pair.
    while (lo > 0 && lo < byteAt.length - 1 && byteAt[lo] === byteAt[lo - 1]) lo++;
    return lo;
  }

  // Append `text` to `parent`, wrapping the byte ranges in <mark>.
  function appendHighlighted(parent, text, ranges) {
    text = String(text || "");
    if (!Array.isArray(ranges) || ranges.length === 0) { parent.appendChild(document.createTextNode(text)); return; }
    var byteAt = byteOffsets(text);
    var pos = 0;
    ranges.forEach(function (r) {
      if (!Array.isArray(r) || r.length < 2) return;
      var s = indexOfByte(byteAt, r[0]), e = indexOfByte(byteAt, r[1]);
      if (s < pos) s = pos;
      if (e <= s) return;
      if (s > pos) parent.appendChild(document.createTextNode(text.slice(pos, s)));
      parent.appendChild(make("mark", null, text.slice(s, e)));
      pos = e;
    });
    if (pos < text.length) parent.appendChild(document.createTextNode(text.slice(pos)));
  }

  // ---------- field filters (chips) ----------

  // The filter parameters of a state, for a request or the address.
  function filters(st) {
    var out = {};
    FILTERS.forEach(function (f) { out[f] = st[f] || ""; });
    return out;
  }
  function yearOf(st) {
    var m = /^(\d{4})-01-01$/.exec(st.since);
    return m && st.until === m[1] + "-12-31" ? m[1] : null;
  }

  function renderChips(st) {
    clear(el.chips);
    FILTERS.forEach(function (f) {
      if (!st[f]) return;
      var label = FIELD_LABEL[f] + ": " + (f === "folder" ? shortPath(st[f], 2) : st[f]);
      addChip(label, st[f], function () { var next = Object.assign({}, st); next[f] = ""; return next; });
    });
    if (st.since || st.until) {
      var y = yearOf(st);
      var label = y ? "연도: " + y : "기간: " + (st.since || "…") + " ~ " + (st.until || "…");
      addChip(label, label, function () { return Object.assign({}, st, { since: "", until: "" }); });
    }
    el.chips.hidden = !el.chips.firstChild;
  }
  function addChip(label, full, nextState) {
    var b = make("button", "chip");
    b.type = "button";
    b.title = full + " 필터 빼기";
    b.setAttribute("aria-label", label + " 필터 빼기");
    b.appendChild(make("span", "chip-label", label));
    b.appendChild(make("span", "chip-x", " ×")).setAttribute("aria-hidden", "true");
    b.addEventListener("click", function () { el.q.focus(); search(nextState(), true); });
    el.chips.appendChild(b);
  }

  // ---------- URL and form ----------

  function stateFromURL() {
    var p = new URLSearchParams(location.search);
    var st = {
      q: (p.get("q") || "").trim(), since: cleanDate(p.get("since")), until: cleanDate(p.get("until")),
      articles: p.get("articles") === "1" || p.get("articles") === "true"
    };
    FILTERS.forEach(function (f) { st[f] = p.get(f) || ""; });
    return st;
  }
  function stateFromForm() {
    // The filters are not in the form: they stay until their chip is removed.
    return Object.assign({ q: el.q.value.trim(), since: cleanDate(el.since.value), until: cleanDate(el.until.value), articles: el.articles.checked }, filters(current));
  }
  function fillForm(st) {
    if (el.q.value.trim() !== st.q) el.q.value = st.q;
    el.since.value = st.since; el.until.value = st.until; el.articles.checked = st.articles;
  }
  function urlFor(st) {
    var s = query(Object.assign({ q: st.q, since: st.since, until: st.until, articles: st.articles }, filters(st)));
    return "/" + (s ? "?" + s : "");
  }

  function updateDownloads(st) {
    [[el.csv, { format: "csv", excel: "1" }], [el.jsonl, { format: "jsonl" }]].forEach(function (pair) {
      var a = pair[0];
      if (!st.q) { a.removeAttribute("href"); a.setAttribute("aria-disabled", "true"); return; }
      // The export endpoint has no `articles`; per_article=1 asks for one passage per article.
      var p = Object.assign({ q: st.q, since: st.since, until: st.until, per_article: st.articles ? "1" : "" }, filters(st), pair[1]);
      a.href = "/api/export?" + query(p);
      a.removeAttribute("aria-disabled");
    });
  }

  // ---------- query error with caret ----------

  function showQueryError(q, msg, at) {
    clear(el.qError);
    el.qError.appendChild(make("p", "q-error-msg", msg));
    if (typeof at === "number" && at >= 0) {
      // `at` counts characters (Unicode code points) of q.
      var chars = Array.from(q), i = Math.min(at, chars.length);
      var code = make("code", "err-query");
      code.appendChild(document.createTextNode(chars.slice(0, i).join("")));
      var bad = make("span", "err-char", i < chars.length ? chars[i] : " ");
      bad.setAttribute("aria-label", (i + 1) + "번째 글자");
      code.appendChild(bad);
      code.appendChild(document.createTextNode(chars.slice(i + 1).join("")));
      el.qError.appendChild(code);
      // Select the offending character in the box too (when the box still holds q).
      if (el.q.value.trim() === q) {
        var lead = el.q.value.length - el.q.value.replace(/^\s+/, "").length;
        var s = lead + chars.slice(0, i).join("").length;
        try { el.q.setSelectionRange(s, s + (i < chars.length ? chars[i].length : 0)); } catch (e) { /* ignore */ }
      }
    }
    el.qError.hidden = false;
    el.q.setAttribute("aria-invalid", "true");
  }
  function hideQueryError() {
    el.qError.hidden = true; clear(el.qError); el.q.removeAttribute("aria-invalid");
  }

  function showMessage(text, cls) {
    clear(el.message);
    if (!text) { el.message.hidden = true; return; }
    el.message.className = "message " + (cls || "");
    el.message.appendChild(make("p", null, text));
    el.message.hidden = false;
  }

  // ---------- search orchestration ----------

  // Track one request of the current job; the body state becomes "done"
  // (or "error") once every tracked request of the latest job has settled.
  function track(j, key, promise) {
    j.pending++;
    setBodyState("loading");
    el.loading.hidden = false;
    return promise.then(function () { j.errors.delete(key); }, function (err) {
      if (err && err.name === "AbortError") return;
      j.errors.add(key);
    }).then(function () {
      j.pending--;
      if (j !== job || j.pending > 0) return;
      el.loading.hidden = true;
      setBodyState(j.errors.size ? "error" : "done");
    });
  }

  function search(st, push) {
    if (job && job.ctrl) job.ctrl.abort();
    current = st;
    var url = urlFor(st);
    if (push && url !== location.pathname + location.search) history.pushState(null, "", url);
    else if (!push) history.replaceState(null, "", url);
    fillForm(st);
    hideQueryError();
    renderChips(st);
    updateDownloads(st);
    document.title = st.q ? st.q + " · kosearch" : "kosearch · 뉴스 검색";

    var j = job = { pending: 0, errors: new Set(), ctrl: new AbortController(), shown: 0, total: 0, done: false, busy: false, articleCount: null };
    clear(el.results);
    el.more.hidden = true;
    showMessage("");

    if (!st.q) {
      clearFacets();
      el.trend.hidden = true; trendData = null;
      el.summary.textContent = "";
      el.loading.hidden = true;
      showMessage("검색어를 입력하세요. 도움말은 검색창 아래 ‘검색어 쓰는 법’에 있습니다.", "hint");
      setBodyState("idle");
      return;
    }
    el.summary.textContent = "검색 중…";
    el.results.setAttribute("aria-busy", "true");
    track(j, "search", loadPage(j));
    track(j, "facets", loadFacets(j));
    track(j, "trend", loadTrend(j));
  }

  // Fetch the next page of hits for job `j` and append it.
  function loadPage(j) {
    j.busy = true;
    var st = current, first = j.shown === 0;
    return getJSON("/api/search", Object.assign({
      q: st.q, n: PAGE_SIZE, offset: j.shown, since: st.since, until: st.until, articles: st.articles
    }, filters(st)), j.ctrl.signal).then(function (data) {
      if (j !== job) return;              // a newer search started: drop
      j.busy = false;
      var hits = Array.isArray(data.hits) ? data.hits : [];
      j.total = Number(data.total) || 0;
      if (first) j.took = data.took_ms;
      hits.forEach(function (h) { el.results.appendChild(renderCard(h)); });
      j.shown += hits.length;
      // With articles=1 `total` still counts passages, so a short page also ends paging.
      j.done = hits.length < PAGE_SIZE || j.shown >= j.total;
      el.more.hidden = j.done;
      el.more.disabled = false;
      el.more.textContent = "더 보기";
      el.results.removeAttribute("aria-busy");
      renderSummary(j);
      if (first && hits.length === 0) showMessage("검색 결과가 없습니다", "empty");
      if (!j.done) checkSentinel();
    }, function (err) {
      if (j !== job || (err && err.name === "AbortError")) throw err;
      j.busy = false;
      el.results.removeAttribute("aria-busy");
      if (first) {
        j.done = true;                     // no automatic retries from the sentinel
        el.summary.textContent = "";
        if (err.status === 400) { showQueryError(current.q, err.message, err.at); updateDownloads({ q: "" }); }
        else showMessage("검색하지 못했습니다: " + err.message, "error");
      } else {
        el.more.hidden = false; el.more.disabled = false;
        el.more.textContent = "다시 시도 (더 보기)";
      }
      throw err;
    });
  }

  function loadMore() {
    var j = job;
    if (!j || j.busy || j.done || !current.q) return;
    el.more.disabled = true;
    el.more.textContent = "불러오는 중…";
    track(j, "more", loadPage(j));
  }

  function renderSummary(j) {
    var parts = ["결과 " + fmt(j.total) + "건 (문단)"];
    if (j.articleCount != null) parts.push("기사 " + fmt(j.articleCount) + "건");
    if (current.articles) parts.push("기사별로 한 번");
    if (j.shown < j.total && !j.done) parts.push(fmt(j.shown) + "건 표시");
    if (typeof j.took === "number") parts.push(j.took.toFixed(1) + "\u00a0ms");
    el.summary.textContent = parts.join(" · ");
  }

  // Infinite scroll: load more when the sentinel below the list comes near.
  var observer = null;
  function checkSentinel() {
    if (!observer) return;
    // Re-observing makes the observer report the current intersection again.
    observer.unobserve(el.sentinel);
    observer.observe(el.sentinel);
  }
  if ("IntersectionObserver" in window) {
    observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (e) { return e.isIntersecting; })) loadMore();
    }, { rootMargin: "0px 0px 600px 0px" });
    observer.observe(el.sentinel);
  }

  // ---------- result cards ----------

  function renderCard(h) {
    var li = make("li", "card");
    var title = make("h3", "title");
    var titleText = h.title || shortPath(h.path, 1) || "(제목 없음)";
    if (isHttp(h.url)) {
      var a = make("a", null, titleText);
      a.href = h.url; a.target = "_blank"; a.rel = "noopener noreferrer";
      title.appendChild(a);
    } else {
      title.textContent = titleText;
    }
    li.appendChild(title);

    var meta = make("p", "meta", [h.date, h.source, h.author].filter(Boolean).join(" · ") || "날짜·출처 정보 없음");
    if (h.url && !isHttp(h.url)) meta.appendChild(make("span", "url-text", " · " + h.url));
    li.appendChild(meta);

    var path = make("p", "path");
    var file = make("span", "file", shortPath(h.path, 3));
    file.title = String(h.path || "");
    path.appendChild(file);
    var where = "";
    if (h.page != null) where += " · p. " + h.page;
    if (typeof h.passage === "number") where += " · 문단 " + (h.passage + 1) + (h.passages ? "/" + h.passages : "");
    path.appendChild(document.createTextNode(where));
    li.appendChild(path);

    var text = make("p", "text");
    appendHighlighted(text, h.text, h.highlights);
    li.appendChild(text);

    var actions = make("div", "actions");
    var btn = make("button", "context", "맥락 보기");
    btn.type = "button";
    btn.setAttribute("aria-expanded", "false");
    btn.addEventListener("click", function () { toggleContext(li, h, btn); });
    actions.appendChild(btn);
    li.appendChild(actions);
    return li;
  }

  function toggleContext(li, h, btn) {
    var box = li.querySelector(".context-passages");
    if (box) {
      var open = box.hidden;
      box.hidden = !open;
      li.classList.toggle("ctx-open", open);
      btn.textContent = open ? "맥락 닫기" : "맥락 보기";
      btn.setAttribute("aria-expanded", String(open));
      return;
    }
    if (btn.disabled) return;
    btn.disabled = true;
    btn.textContent = "불러오는 중…";
    var q = current.q;
    getJSON("/api/passage", { id: h.id, path: h.path, passage: h.passage, context: 2, q: q })
      .then(function (data) { return renderContext(data, h.passage); },
            function (err) { var d = make("div", "context-passages"); d.appendChild(make("p", "error", "맥락을 불러오지 못했습니다: " + err.message)); return d; })
      .then(function (box) {
        btn.disabled = false;
        box.id = "ctx-" + Math.random().toString(36).slice(2);
        btn.setAttribute("aria-controls", box.id);
        li.insertBefore(box, li.querySelector(".actions"));
        li.classList.add("ctx-open");
        btn.textContent = "맥락 닫기";
        btn.setAttribute("aria-expanded", "true");
      });
  }

  function renderContext(data, hitPassage) {
    var box = make("div", "context-passages");
    var items = Array.isArray(data.items) ? data.items : [];
    var own = typeof data.passage === "number" ? data.passage : hitPassage;
    if (items.length && items[0].passage > 0) box.appendChild(make("p", "ctx-edge", "… 앞 문단 " + items[0].passage + "개 생략"));
    items.forEach(function (it) {
      var d = make("div", "ctx-item" + (it.passage === own ? " current" : ""));
      if (it.passage === own) d.setAttribute("aria-current", "true");
      var label = "문단 " + (it.passage + 1) + (data.passages ? "/" + data.passages : "") + (it.page != null ? " · p. " + it.page : "");
      d.appendChild(make("p", "ctx-label", label + (it.passage === own ? " · 검색된 문단" : "")));
      var t = make("p", "ctx-text");
      appendHighlighted(t, it.text, it.highlights);
      d.appendChild(t);
      box.appendChild(d);
    });
    var last = items.length ? items[items.length - 1].passage : null;
    if (last != null && data.passages && last < data.passages - 1) box.appendChild(make("p", "ctx-edge", "… 뒤 문단 " + (data.passages - 1 - last) + "개 생략"));
    if (!items.length) box.appendChild(make("p", "ctx-edge", "문단이 없습니다"));
    return box;
  }

  // ---------- facets ----------

  function clearFacets() {
    ["source", "author", "year", "folder"].forEach(function (f) { clear($("facet-" + f)); });
  }

  function loadFacets(j) {
    var st = current;
    return getJSON("/api/facets", Object.assign({ q: st.q, since: st.since, until: st.until }, filters(st)), j.ctrl.signal).then(function (data) {
      if (j !== job) return;
      j.articleCount = typeof data.articles === "number" ? data.articles : null;
      if (j.shown || j.done) renderSummary(j);
      renderFacetList("source", data.source, st);
      renderFacetList("author", data.author, st);
      var years = (Array.isArray(data.year) ? data.year.slice() : []).sort(function (a, b) { return String(b.value).localeCompare(String(a.value)); });
      renderFacetList("year", years, st);
      renderFacetList("folder", data.folder, st);
    }, function (err) {
      if (j === job) clearFacets();
      throw err;
    });
  }

  function renderFacetList(field, list, st) {
    var box = $("facet-" + field);
    clear(box);
    list = Array.isArray(list) ? list : [];
    if (!list.length) { box.appendChild(make("p", "facet-empty", "없음")); return; }
    var year = yearOf(st);
    list.forEach(function (f) {
      var value = String(f.value == null ? "" : f.value);
      var active = field === "year" ? year === value : st[field] === value;
      var b = make("button", "facet" + (active ? " active" : ""));
      b.type = "button";
      b.dataset.field = field;
      b.dataset.value = value;
      b.setAttribute("aria-pressed", String(active));
      b.title = (field === "folder" ? value + "\n" : "") + "기사 " + fmt(f.articles) + "건 · 문단 " + fmt(f.hits) + "건";
      b.appendChild(make("span", "facet-label", field === "folder" ? shortPath(value, 2) : field === "year" ? value + "년" : value));
      b.appendChild(document.createTextNode(" "));
      b.appendChild(make("span", "count", fmt(f.articles)));
      box.appendChild(b);
    });
  }

  // One delegated handler for all facet buttons: toggles the filter.
  el.facets.addEventListener("click", function (ev) {
    var b = ev.target.closest("button.facet");
    if (!b) return;
    var st = stateFromForm(), field = b.dataset.field, value = b.dataset.value;
    if (field === "year") {
      if (yearOf(st) === value) { st.since = ""; st.until = ""; }
      else { st.since = value + "-01-01"; st.until = value + "-12-31"; }
    } else {
      st[field] = st[field] === value ? "" : value;
    }
    search(st, true);
  });

  el.facetsToggle.addEventListener("click", function () {
    var open = !el.facets.classList.contains("open");
    el.facets.classList.toggle("open", open);
    el.facetsToggle.setAttribute("aria-expanded", String(open));
  });

  // ---------- trend chart ----------

  function daysBetween(a, b) { return Math.round((Date.parse(b) - Date.parse(a)) / 86400000); }

  function loadTrend(j) {
    var st = current;
    // A short explicit date range is drawn by day; otherwise by month
    // (folded into years below when the span is long).
    var by = st.since && st.until && daysBetween(st.since, st.until) <= 62 ? "day" : "month";
    return getJSON("/api/trend", Object.assign({ q: st.q, by: by, since: st.since, until: st.until }, filters(st)), j.ctrl.signal).then(function (data) {
      if (j !== job) return;
      trendData = prepareTrend(data, by, st);
      drawTrend();
    }, function (err) {
      if (j === job) { el.trend.hidden = true; trendData = null; }
      throw err;
    });
  }

  // Next period after `p` ("YYYY", "YYYY-MM" or "YYYY-MM-DD").
  function nextPeriod(p, by) {
    if (by === "year") return String(Number(p) + 1);
    if (by === "month") {
      var y = Number(p.slice(0, 4)), m = Number(p.slice(5, 7)) + 1;
      if (m > 12) { m = 1; y++; }
      return y + "-" + (m < 10 ? "0" : "") + m;
    }
    return new Date(Date.parse(p + "T00:00:00Z") + 86400000).toISOString().slice(0, 10);
  }

  // Every period from `from` to `to` (zero where absent), or null if more than `limit`.
  function fillPeriods(from, to, byKey, by, limit) {
    var shape = { year: /^\d{4}$/, month: /^\d{4}-\d{2}$/, day: /^\d{4}-\d{2}-\d{2}$/ }[by];
    if (!shape || !shape.test(from) || !shape.test(to)) return null;
    var out = [], p = from;
    try {
      while (out.length <= limit) {
        out.push(byKey[p] || { period: p, hits: 0, articles: 0 });
        if (p >= to) return out;
        p = nextPeriod(p, by);
      }
    } catch (e) { /* an impossible date: give up filling */ }
    return null;
  }

  // Sort, fold months into years for long spans, fill gaps with zero.
  function prepareTrend(data, by, st) {
    by = String(data.by || by).toLowerCase();
    var buckets = (Array.isArray(data.buckets) ? data.buckets : []).filter(function (b) { return b && b.period; })
      .map(function (b) { return { period: String(b.period), hits: Number(b.hits) || 0, articles: Number(b.articles) || 0 }; })
      .sort(function (a, b) { return a.period < b.period ? -1 : a.period > b.period ? 1 : 0; });
    var months = function (p) { return Number(p.slice(0, 4)) * 12 + Number(p.slice(5, 7)); };
    if (by === "month" && buckets.length) {
      // The span drawn (data stretched to the chosen dates) decides month vs year bars.
      var a = buckets[0].period, z = buckets[buckets.length - 1].period;
      if (st.since && st.since.slice(0, 7) < a) a = st.since.slice(0, 7);
      if (st.until && st.until.slice(0, 7) > z) z = st.until.slice(0, 7);
      if (months(z) - months(a) > 96) by = "year";
    }
    if (by === "year" && buckets.length && buckets[0].period.length > 4) {
      var years = {};
      buckets.forEach(function (b) {
        var y = b.period.slice(0, 4);
        years[y] = years[y] || { period: y, hits: 0, articles: 0 };
        years[y].hits += b.hits; years[y].articles += b.articles; // each article has one date: sums are exact
      });
      buckets = Object.keys(years).sort().map(function (k) { return years[k]; });
    }
    var filled = [];
    if (buckets.length) {
      var byKey = {}, len = by === "year" ? 4 : by === "month" ? 7 : 10;
      buckets.forEach(function (b) { byKey[b.period] = b; });
      var first = buckets[0].period, last = buckets[buckets.length - 1].period;
      // Stretch the axis to the chosen date range (e.g. a whole year), if not absurdly long.
      var lo = st.since ? st.since.slice(0, len) : first, hi = st.until ? st.until.slice(0, len) : last;
      filled = fillPeriods(lo < first ? lo : first, hi > last ? hi : last, byKey, by, 400) ||
               fillPeriods(first, last, byKey, by, 5000) || buckets; // malformed periods: draw as given
    }
    return { by: by, buckets: filled, undated: data.undated || null };
  }

  function periodRange(p, by) {
    if (by === "year") return [p + "-01-01", p + "-12-31"];
    if (by === "month") {
      var end = new Date(Date.UTC(Number(p.slice(0, 4)), Number(p.slice(5, 7)), 0));
      return [p + "-01", end.toISOString().slice(0, 10)];
    }
    return [p, p];
  }

  var BY_LABEL = { day: "일별", month: "월별", year: "연도별" };

  function drawTrend() {
    var t = trendData;
    clear(el.trendChart);
    clear(el.trendNote);
    if (!t) { el.trend.hidden = true; return; }
    el.trend.hidden = false;
    el.trendHeading.textContent = "추이 (" + (BY_LABEL[t.by] || t.by) + ")";
    var undated = t.undated && t.undated.hits ? "날짜 없음: 문단 " + fmt(t.undated.hits) + "건 · 기사 " + fmt(t.undated.articles) + "건" : "";
    if (!t.buckets.length) {
      el.trendNote.textContent = "날짜가 있는 결과가 없습니다" + (undated ? " · " + undated : "");
      return;
    }
    var b = t.buckets, n = b.length;
    // Draw in CSS pixels of the current width so text is never scaled down.
    var W = Math.max(280, Math.round(el.trendChart.clientWidth || 600)), H = 170;
    var m = { l: 40, r: 8, t: 10, b: 26 }, pw = W - m.l - m.r, ph = H - m.t - m.b;
    var max = Math.max.apply(null, b.map(function (x) { return x.hits; }).concat([1]));
    var top = niceMax(max);
    var y = function (v) { return m.t + ph - (v / top) * ph; };
    var peak = b.reduce(function (a, x) { return x.hits > a.hits ? x : a; }, b[0]);
    var s = svg("svg", { viewBox: "0 0 " + W + " " + H, width: "100%", role: "img", "class": "chart",
      "aria-label": "검색 결과 " + BY_LABEL[t.by] + " 추이: " + b[0].period + "부터 " + b[n - 1].period + "까지, 가장 많은 때 " + peak.period + " 문단 " + peak.hits + "건" });
    s.appendChild(svg("title", {})).textContent = "검색 결과 추이 (" + BY_LABEL[t.by] + ")";

    [0, top / 2, top].forEach(function (v) {       // grid lines and y labels
      s.appendChild(svg("line", { x1: m.l, x2: W - m.r, y1: y(v), y2: y(v), "class": "grid" }));
      var lab = svg("text", { x: m.l - 6, y: y(v) + 4, "text-anchor": "end", "class": "axis" });
      lab.textContent = fmt(v);
      s.appendChild(lab);
    });

    var band = pw / n, bw = Math.max(1, Math.min(40, band * 0.78));
    var every = Math.max(1, Math.ceil(n / Math.max(1, Math.floor(pw / (t.by === "day" ? 80 : t.by === "month" ? 64 : 40)))));
    b.forEach(function (x, i) {
      var cx = m.l + band * i + band / 2;
      var tip = x.period + ": 문단 " + fmt(x.hits) + "건 · 기사 " + fmt(x.articles) + "건";
      var g = svg("g", { "class": "bar" });
      // Full-height transparent target so thin bars are easy to hover/click.
      var hit = svg("rect", { x: m.l + band * i, y: m.t, width: band, height: ph, "class": "hover" });
      hit.appendChild(svg("title", {})).textContent = tip + " (누르면 이 기간만)";
      g.appendChild(hit);
      [["hits", x.hits], ["articles", x.articles]].forEach(function (ser) {
        if (!ser[1]) return;
        var r = svg("rect", { x: cx - bw / 2, y: y(ser[1]), width: bw, height: Math.max(1, m.t + ph - y(ser[1])), "class": ser[0] });
        r.appendChild(svg("title", {})).textContent = tip;
        g.appendChild(r);
      });
      g.addEventListener("click", function () {
        var r = periodRange(x.period, t.by), st = stateFromForm();
        st.since = r[0]; st.until = r[1];
        search(st, true);
      });
      s.appendChild(g);
      if (i % every === 0) {
        var lab = svg("text", { x: cx, y: H - 8, "text-anchor": "middle", "class": "axis" });
        lab.textContent = t.by === "day" ? x.period.slice(5) : x.period;
        s.appendChild(lab);
      }
    });
    s.appendChild(svg("line", { x1: m.l, x2: W - m.r, y1: m.t + ph, y2: m.t + ph, "class": "baseline" }));
    el.trendChart.appendChild(s);

    var legend = make("span", "legend");
    legend.appendChild(make("span", "key hits", "문단"));
    legend.appendChild(make("span", "key articles", "기사"));
    el.trendNote.appendChild(legend);
    if (undated) el.trendNote.appendChild(make("span", "undated", undated));
  }

  function niceMax(v) {
    var p = Math.pow(10, Math.floor(Math.log10(v))), f = v / p;
    // Even steps only, so the half-way label stays an integer.
    var nice = f <= 1 ? 1 : f <= 2 ? 2 : f <= 4 ? 4 : f <= 6 ? 6 : f <= 8 ? 8 : 10;
    return Math.max(2, nice * p);
  }

  var lastWidth = 0, resizeFrame = 0;
  window.addEventListener("resize", function () {
    if (resizeFrame) return;
    resizeFrame = requestAnimationFrame(function () {
      resizeFrame = 0;
      var w = el.trendChart.clientWidth;
      if (trendData && w && Math.abs(w - lastWidth) > 4) { lastWidth = w; drawTrend(); }
    });
  });

  // ---------- stats ----------

  function loadStats() {
    getJSON("/api/stats", {}).then(function (s) {
      var parts = ["기사 " + fmt(s.articles) + "건", "문단 " + fmt(s.passages) + "개"];
      if (s.updated) {
        var d = new Date(s.updated);
        parts.push((isNaN(d) ? String(s.updated).slice(0, 10) : d.getFullYear() + "-" + String(d.getMonth() + 1).padStart(2, "0") + "-" + String(d.getDate()).padStart(2, "0")) + " 갱신");
      }
      el.stats.textContent = parts.join(" · ");
      var foot = ["kosearch " + (s.version || "")];
      if (s.dictionary) foot.push("사전 " + s.dictionary);
      if (s.files != null) foot.push("파일 " + fmt(s.files) + "개");
      if (s.index_bytes != null) foot.push("색인 " + (s.index_bytes / 1048576).toFixed(1) + " MB");
      el.foot.textContent = foot.join(" · ");
      if (s.index) el.foot.title = "색인 위치: " + s.index;
    }, function () { el.stats.textContent = "색인 정보를 불러오지 못했습니다"; });
  }

  // ---------- wiring ----------

  el.form.addEventListener("submit", function (ev) { ev.preventDefault(); search(stateFromForm(), true); });
  el.more.addEventListener("click", loadMore);
  [el.since, el.until, el.articles].forEach(function (input) {
    input.addEventListener("change", function () {
      if (input.type === "date" && input.value && !cleanDate(input.value)) return;
      if (el.q.value.trim()) search(stateFromForm(), true);
    });
  });
  el.q.addEventListener("input", function () { if (!el.qError.hidden) hideQueryError(); });

  // "/" focuses the search box unless the user is typing somewhere.
  document.addEventListener("keydown", function (ev) {
    if (ev.key !== "/" || ev.ctrlKey || ev.metaKey || ev.altKey || ev.isComposing) return;
    var t = ev.target;
    if (t && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(t.tagName))) return;
    ev.preventDefault();
    el.q.focus();
    el.q.select();
  });

  window.addEventListener("popstate", function () { search(stateFromURL(), false); });

  loadStats();
  search(stateFromURL(), false);
})();
