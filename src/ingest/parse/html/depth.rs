//! The nesting limit applied before parsing: html5ever is quadratic in the depth of nested
//! block elements, so [`limit_depth`] removes start tags nested deeper than a limit (with their
//! end tags; their text is kept). It scans the raw markup once (twice when it must cut), with
//! no recursion, and counts conservatively: elements that close themselves (`p`, `li`, `td` …),
//! void elements, raw-text elements and comments do not count.

/// Elements without content.
fn is_void(tag: &str) -> bool {
    matches!(
        tag,
        "area"
            | "base"
            | "br"
            | "col"
            | "embed"
            | "hr"
            | "img"
            | "input"
            | "link"
            | "meta"
            | "param"
            | "source"
            | "track"
            | "wbr"
            | "keygen"
            | "basefont"
            | "bgsound"
            | "frame"
            | "image"
    )
}

/// Elements whose end tag is optional: the parser closes them itself, so they do not nest.
fn has_optional_end(tag: &str) -> bool {
    matches!(
        tag,
        "html"
            | "head"
            | "body"
            | "p"
            | "li"
            | "dt"
            | "dd"
            | "option"
            | "optgroup"
            | "tr"
            | "td"
            | "th"
            | "tbody"
            | "thead"
            | "tfoot"
            | "colgroup"
            | "caption"
            | "rb"
            | "rt"
            | "rtc"
            | "rp"
    )
}

/// Elements whose content is raw text up to their end tag.
fn is_raw_text(tag: &str) -> bool {
    matches!(
        tag,
        "script"
            | "style"
            | "textarea"
            | "title"
            | "xmp"
            | "iframe"
            | "noembed"
            | "noframes"
            | "noscript"
            | "plaintext"
    )
}

/// `html` with start tags nested deeper than `max` removed (with their end tags; their text is
/// kept), or `None` when no tag nests that deep. The count is conservative: elements that
/// close themselves (`p`, `li`, `td` …), void and raw-text elements do not count.
pub(super) fn limit_depth(html: &str, max: usize) -> Option<String> {
    if scan_depth(html, max, None) {
        let mut out = String::with_capacity(html.len());
        scan_depth(html, max, Some(&mut out));
        Some(out)
    } else {
        None
    }
}

/// Whether tags nest deeper than `max`; with `out`, writes `html` without the tags beyond.
fn scan_depth(html: &str, max: usize, mut out: Option<&mut String>) -> bool {
    let bytes = html.as_bytes();
    let mut i = 0;
    let mut copied = 0;
    let mut depth = 0usize;
    let mut skipped = 0usize;
    let mut exceeded = false;
    while let Some(off) = bytes[i..].iter().position(|&b| b == b'<') {
        let lt = i + off;
        let rest = &bytes[lt + 1..];
        if rest.starts_with(b"!--") {
            i = find(bytes, lt + 4, b"-->").map_or(bytes.len(), |e| e + 3);
            continue;
        }
        if rest.first().is_some_and(|&b| b == b'!' || b == b'?') {
            i = find(bytes, lt + 1, b">").map_or(bytes.len(), |e| e + 1);
            continue;
        }
        let closing = rest.first() == Some(&b'/');
        let name_start = lt + 1 + usize::from(closing);
        if !bytes.get(name_start).is_some_and(u8::is_ascii_alphabetic) {
            i = lt + 1;
            continue;
        }
        let name_len = bytes[name_start..]
            .iter()
            .take_while(|b| b.is_ascii_alphanumeric() || **b == b'-' || **b == b':')
            .count();
        let name = html[name_start..name_start + name_len].to_ascii_lowercase();
        let end = tag_end(bytes, name_start + name_len);
        let counts = !is_void(&name) && !has_optional_end(&name) && !is_raw_text(&name);
        let mut drop_tag = false;
        if closing {
            if counts {
                if skipped > 0 {
                    skipped -= 1;
                    drop_tag = true;
                } else {
                    depth = depth.saturating_sub(1);
                }
            }
        } else if counts && !bytes[..end].ends_with(b"/>") {
            if depth >= max {
                exceeded = true;
                if out.is_none() {
                    return true;
                }
                skipped += 1;
                drop_tag = true;
            } else {
                depth += 1;
            }
        }
        if drop_tag && let Some(out) = out.as_deref_mut() {
            out.push_str(&html[copied..lt]);
            copied = end;
        }
        i = end;
        if !closing && is_raw_text(&name) {
            i = find_end_tag(bytes, end, name.as_bytes()).unwrap_or(bytes.len());
        }
    }
    if let Some(out) = out {
        out.push_str(&html[copied..]);
    }
    exceeded
}

/// The index just past the `>` ending the tag whose name ends at `from`; quoted attribute
/// values may contain `>`.
fn tag_end(bytes: &[u8], from: usize) -> usize {
    let mut quote: Option<u8> = None;
    let mut prev = b' ';
    for (i, &b) in bytes.iter().enumerate().skip(from) {
        match quote {
            Some(q) if b == q => quote = None,
            Some(_) => {}
            None if (b == b'"' || b == b'\'') && prev == b'=' => quote = Some(b),
            None if b == b'>' => return i + 1,
            None => {}
        }
        if !b.is_ascii_whitespace() {
            prev = b;
        }
    }
    bytes.len()
}

fn find(bytes: &[u8], from: usize, needle: &[u8]) -> Option<usize> {
    bytes
        .get(from..)?
        .windows(needle.len())
        .position(|w| w == needle)
        .map(|p| p + from)
}

/// The index of `</name` (any case) at or after `from`.
fn find_end_tag(bytes: &[u8], from: usize, name: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(p) = find(bytes, i, b"</") {
        let after = &bytes[p + 2..];
        if after.len() >= name.len() && after[..name.len()].eq_ignore_ascii_case(name) {
            return Some(p);
        }
        i = p + 2;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn depth_limit_keeps_text_and_shape() {
        assert_eq!(limit_depth("<div><p>a</p></div>", 4), None);
        let nested = format!("{}x{}", "<div>".repeat(10), "</div>".repeat(10));
        let limited = limit_depth(&nested, 4).expect("too deep");
        assert_eq!(
            limited,
            format!("{}x{}", "<div>".repeat(4), "</div>".repeat(4))
        );
        // Raw text and comments do not count.
        let tricky = format!(
            "<script>{}</script><!-- {} --><p>a</p>",
            "<div>".repeat(10),
            "<div>".repeat(10)
        );
        assert_eq!(limit_depth(&tricky, 4), None);
        // Optional-end and void elements do not count.
        let flat = "<p>a<p>b<li>c<br><img src=x>".repeat(100);
        assert_eq!(limit_depth(&flat, 4), None);
        // `>` inside a quoted attribute does not end the tag.
        assert_eq!(limit_depth(r#"<div title="a>b"><p>x</p></div>"#, 1), None);
    }
}
