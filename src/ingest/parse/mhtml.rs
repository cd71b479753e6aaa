//! MHTML (`.mhtml`, `.mht`): a web page saved as one MIME message, as browsers write it with
//! "Save page as… single file". [`html_page`] finds the page's HTML part and undoes its
//! transfer encoding; the caller decodes its charset and reads it as HTML. Also recognised in
//! a file named `.html` ([`looks_like_mhtml`]), as some browsers and users name these saves.
//!
//! Only what a saved page needs is read, by hand (a MIME crate would bring a whole mail
//! parser for this): the header block with folded lines, `Content-Type` with its `boundary`
//! and `charset` parameters, multipart bodies split at their boundary lines, and the
//! `base64`, `quoted-printable`, `7bit`, `8bit` and `binary` transfer encodings. The first
//! `text/html` part in document order is the page (the saved frame comes first);
//! `Snapshot-Content-Location`, else the part's `Content-Location`, is its URL.
//!
//! Hostile input gives an error, in time and memory linear in the file: multiparts nest at
//! most [`MAX_DEPTH`] deep, a file has at most [`MAX_PARTS`] parts, a header block at most
//! [`MAX_HEADER_BYTES`], and a boundary must be 1 to 200 characters. Decoding never makes a
//! part larger than it was.

use std::collections::VecDeque;

/// How deep multiparts may nest.
pub(crate) const MAX_DEPTH: usize = 8;
/// How many parts a file may have, at every level together.
pub(crate) const MAX_PARTS: usize = 10_000;
/// The largest header block, in bytes.
pub(crate) const MAX_HEADER_BYTES: usize = 64 * 1024;
/// The longest boundary accepted (RFC 2046 allows 70; browsers stay well under).
const MAX_BOUNDARY: usize = 200;

/// The HTML of a saved page.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    /// The HTML part's bytes, transfer encoding undone, still in its charset.
    pub html: Vec<u8>,
    /// The part's `charset` parameter, if any.
    pub charset: Option<String>,
    /// Where the page was saved from.
    pub url: Option<String>,
}

/// Whether `bytes` start like an MHTML save: a header block that declares a MIME message
/// with a multipart or HTML body (or the `From: <Saved by …>` line browsers write).
pub(crate) fn looks_like_mhtml(bytes: &[u8]) -> bool {
    let head = &bytes[..bytes.len().min(4096)];
    let Some(first) = head.split(|&b| b == b'\n').next() else {
        return false;
    };
    if !is_header_line(first) {
        return false;
    }
    let lower = head.to_ascii_lowercase();
    let block_end = find(&lower, b"\n\r\n")
        .or_else(|| find(&lower, b"\n\n"))
        .unwrap_or(lower.len());
    let block = &lower[..block_end];
    let saved_by = lower.starts_with(b"from: <saved by ");
    let mime = find(block, b"mime-version:").is_some()
        && (find(block, b"multipart/related").is_some() || find(block, b"text/html").is_some());
    saved_by || mime
}

/// The HTML part of an MHTML file, or why there is none.
pub(crate) fn html_page(bytes: &[u8]) -> Result<Page, String> {
    let (top, body) = split_headers(bytes)?;
    let snapshot = header(&top, "snapshot-content-location").map(str::to_string);
    let mut queue = VecDeque::from([(top, body, 0usize)]);
    let mut parts = 0usize;
    while let Some((headers, body, depth)) = queue.pop_front() {
        let (media, params) = content_type(&headers);
        if media == "text/html" {
            let html = transfer_decode(header(&headers, "content-transfer-encoding"), body)?;
            let url = snapshot
                .clone()
                .or_else(|| header(&headers, "content-location").map(str::to_string))
                .filter(|u| !u.is_empty() && !u.starts_with("cid:"));
            return Ok(Page {
                html,
                charset: param(&params, "charset"),
                url,
            });
        }
        if !media.starts_with("multipart/") {
            continue;
        }
        if depth >= MAX_DEPTH {
            return Err(format!("multiparts nested deeper than {MAX_DEPTH}"));
        }
        let boundary = param(&params, "boundary")
            .ok_or_else(|| format!("a {media} part without a boundary"))?;
        if boundary.is_empty() || boundary.len() > MAX_BOUNDARY {
            return Err(format!(
                "a boundary of {} characters (1 to {MAX_BOUNDARY} are read)",
                boundary.len()
            ));
        }
        // Parts in document order, before any part found deeper.
        let mut children = Vec::new();
        for part in split_parts(body, boundary.as_bytes())? {
            parts += 1;
            if parts > MAX_PARTS {
                return Err(format!("more than {MAX_PARTS} parts"));
            }
            let (h, b) = split_headers(part)?;
            children.push((h, b, depth + 1));
        }
        for child in children.into_iter().rev() {
            queue.push_front(child);
        }
    }
    Err("no text/html part".to_string())
}

/// A line of the form `Name: value` (a header's first line).
fn is_header_line(line: &[u8]) -> bool {
    let Some(colon) = line.iter().position(|&b| b == b':') else {
        return false;
    };
    colon > 0
        && line[..colon]
            .iter()
            .all(|&b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_')
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

/// Lines with their start offsets; the line excludes its `\n` and a `\r` before it.
fn lines(bytes: &[u8]) -> impl Iterator<Item = (usize, &[u8])> {
    let mut start = 0;
    std::iter::from_fn(move || {
        if start >= bytes.len() {
            return None;
        }
        let end = bytes[start..]
            .iter()
            .position(|&b| b == b'\n')
            .map_or(bytes.len(), |i| start + i);
        let line = &bytes[start..end];
        let line = line.strip_suffix(b"\r").unwrap_or(line);
        let at = start;
        start = end + 1;
        Some((at, line))
    })
}

/// Header names (lower-cased) and values, in order.
type Headers = Vec<(String, String)>;

/// A header block (folded lines unfolded; names lower-cased) and the body after the blank
/// line that ends it, or from the first line that is not a header. A part that opens with a
/// blank line has no headers.
fn split_headers(bytes: &[u8]) -> Result<(Headers, &[u8]), String> {
    let mut headers: Vec<(String, String)> = Vec::new();
    for (at, line) in lines(bytes) {
        if at > MAX_HEADER_BYTES {
            return Err(format!(
                "a header block longer than {MAX_HEADER_BYTES} bytes"
            ));
        }
        if line.is_empty() {
            let body_start = (at + bytes[at..].iter().position(|&b| b == b'\n').unwrap_or(0) + 1)
                .min(bytes.len());
            return Ok((headers, &bytes[body_start..]));
        }
        let text = String::from_utf8_lossy(line);
        if line[0] == b' ' || line[0] == b'\t' {
            if let Some((_, value)) = headers.last_mut() {
                value.push(' ');
                value.push_str(text.trim());
            }
            continue;
        }
        match text.split_once(':') {
            Some((name, value)) if is_header_line(line) => {
                headers.push((name.trim().to_ascii_lowercase(), value.trim().to_string()));
            }
            // Not a header: the body starts here, its blank line lost (a lenient reading of
            // damaged saves, as browsers read them); with no header before it, the part has
            // no header block.
            _ => return Ok((headers, &bytes[at..])),
        }
    }
    // Headers to the end and no body.
    Ok((headers, &bytes[bytes.len()..]))
}

fn header<'a>(headers: &'a [(String, String)], name: &str) -> Option<&'a str> {
    headers
        .iter()
        .find(|(n, _)| n == name)
        .map(|(_, v)| v.as_str())
}

/// The media type (lower-cased; `text/plain` when absent) and the raw parameter list.
fn content_type(headers: &[(String, String)]) -> (String, String) {
    let value = header(headers, "content-type").unwrap_or("text/plain");
    let (media, params) = value.split_once(';').unwrap_or((value, ""));
    (media.trim().to_ascii_lowercase(), params.to_string())
}

/// A parameter of a `Content-Type` value: `boundary="…"`, `charset=utf-8`.
fn param(params: &str, name: &str) -> Option<String> {
    let mut rest = params;
    while !rest.is_empty() {
        let rest_trimmed = rest.trim_start_matches([' ', '\t', ';']);
        let (key, after) = rest_trimmed.split_once('=')?;
        let after = after.trim_start();
        let (value, next) = if let Some(quoted) = after.strip_prefix('"') {
            match quoted.find('"') {
                Some(end) => (&quoted[..end], &quoted[end + 1..]),
                None => (quoted, ""),
            }
        } else {
            match after.find(';') {
                Some(end) => (after[..end].trim(), &after[end..]),
                None => (after.trim(), ""),
            }
        };
        if key.trim().eq_ignore_ascii_case(name) {
            return Some(value.to_string());
        }
        rest = next;
    }
    None
}

/// The parts of a multipart body: what lies between `--boundary` lines, up to `--boundary--`
/// (or the end of the file, for a save cut short). The line end before a boundary belongs to
/// it.
fn split_parts<'a>(body: &'a [u8], boundary: &[u8]) -> Result<Vec<&'a [u8]>, String> {
    let mut parts = Vec::new();
    let mut open: Option<usize> = None;
    for (at, line) in lines(body) {
        let line = line.trim_ascii_end();
        let Some(rest) = line
            .strip_prefix(b"--")
            .and_then(|l| l.strip_prefix(boundary))
        else {
            continue;
        };
        let closing = rest == b"--";
        if !rest.is_empty() && !closing {
            continue;
        }
        if let Some(start) = open {
            let end = at.saturating_sub(1);
            let end = if end > start && body[end - 1] == b'\r' {
                end - 1
            } else {
                end
            };
            parts.push(&body[start..end.max(start)]);
        }
        if closing {
            return Ok(parts);
        }
        let next = at + body[at..].iter().position(|&b| b == b'\n').unwrap_or(0) + 1;
        open = Some(next.min(body.len()));
    }
    match open {
        Some(start) => {
            parts.push(&body[start..]);
            Ok(parts)
        }
        None => Err(format!(
            "the boundary {:?} never appears",
            String::from_utf8_lossy(&boundary[..boundary.len().min(60)])
        )),
    }
}

/// A part's body with its `Content-Transfer-Encoding` undone.
fn transfer_decode(encoding: Option<&str>, body: &[u8]) -> Result<Vec<u8>, String> {
    match encoding.map(|e| e.trim().to_ascii_lowercase()).as_deref() {
        None | Some("7bit" | "8bit" | "binary" | "") => Ok(body.to_vec()),
        Some("base64") => base64(body),
        Some("quoted-printable") => Ok(quoted_printable(body)),
        Some(other) => Err(format!("an unknown transfer encoding {other:.40}")),
    }
}

fn base64(body: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::with_capacity(body.len() / 4 * 3);
    let mut acc = 0u32;
    let mut bits = 0;
    for (i, &b) in body.iter().enumerate() {
        let v = match b {
            b'A'..=b'Z' => b - b'A',
            b'a'..=b'z' => b - b'a' + 26,
            b'0'..=b'9' => b - b'0' + 52,
            b'+' => 62,
            b'/' => 63,
            b'=' => break,
            b' ' | b'\t' | b'\r' | b'\n' => continue,
            _ => return Err(format!("invalid base64 at byte {i} of the HTML part")),
        };
        acc = (acc << 6) | u32::from(v);
        bits += 6;
        if bits >= 8 {
            bits -= 8;
            out.push((acc >> bits) as u8);
            acc &= (1 << bits) - 1;
        }
    }
    Ok(out)
}

fn quoted_printable(body: &[u8]) -> Vec<u8> {
    let hex = |b: u8| (b as char).to_digit(16);
    let mut out = Vec::with_capacity(body.len());
    let mut i = 0;
    while i < body.len() {
        let b = body[i];
        if b != b'=' {
            out.push(b);
            i += 1;
            continue;
        }
        match body.get(i + 1..i + 3) {
            Some([b'\r', b'\n']) => i += 3,
            Some([b'\n', _]) => i += 2,
            Some(&[h, l]) if hex(h).is_some() && hex(l).is_some() => {
                out.push((hex(h).unwrap_or(0) * 16 + hex(l).unwrap_or(0)) as u8);
                i += 3;
            }
            _ if body.get(i + 1) == Some(&b'\n') => i += 2,
            // A lone `=` is kept, as lenient readers do.
            _ => {
                out.push(b);
                i += 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use std::time::Instant;

    use super::*;

    fn save(cte: &str, body: &str) -> String {
        format!(
            "From: <Saved by Blink>\r\nSnapshot-Content-Location: https://news.example/a/1\r\n\
             MIME-Version: 1.0\r\nContent-Type: multipart/related;\r\n\ttype=\"text/html\";\r\n\
             \tboundary=\"----MultipartBoundary--abc----\"\r\n\r\n\r\n\
             ------MultipartBoundary--abc----\r\nContent-Type: text/html; charset=utf-8\r\n\
             Content-Transfer-Encoding: {cte}\r\nContent-Location: https://news.example/a/1\r\n\r\n\
             {body}\r\n------MultipartBoundary--abc----\r\nContent-Type: text/css\r\n\
             Content-Transfer-Encoding: base64\r\n\r\nYm9keXt9\r\n------MultipartBoundary--abc------\r\n"
        )
    }

    #[test]
    fn quoted_printable_part() {
        let body = "<p>=EA=B0=80=EB=82=98 a=3Db =\r\nsoft</p>";
        let page = html_page(save("quoted-printable", body).as_bytes()).expect("reads");
        assert_eq!(
            String::from_utf8(page.html).unwrap(),
            "<p>가나 a=b soft</p>"
        );
        assert_eq!(page.charset.as_deref(), Some("utf-8"));
        assert_eq!(page.url.as_deref(), Some("https://news.example/a/1"));
    }

    #[test]
    fn base64_part() {
        // "<p>가</p>"
        let page = html_page(save("base64", "PHA+6rCAPC9w\r\nPg==").as_bytes()).expect("reads");
        assert_eq!(String::from_utf8(page.html).unwrap(), "<p>가</p>");
        let err = html_page(save("base64", "PHA*").as_bytes()).unwrap_err();
        assert!(err.contains("invalid base64"), "{err}");
    }

    #[test]
    fn single_part_and_nested_saves() {
        let single = "MIME-Version: 1.0\nContent-Type: text/html; charset=\"euc-kr\"\n\n<p>x</p>";
        let page = html_page(single.as_bytes()).expect("reads");
        assert_eq!(page.html, b"<p>x</p>");
        assert_eq!(page.charset.as_deref(), Some("euc-kr"));
        assert_eq!(page.url, None);
        let nested = "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=a\n\n--a\n\
                      Content-Type: multipart/related; boundary=b\n\n--b\nContent-Type: text/html\n\n\
                      <p>inner</p>\n--b--\n--a--\n";
        let page = html_page(nested.as_bytes()).expect("reads");
        assert_eq!(page.html, b"<p>inner</p>");
    }

    #[test]
    fn a_part_whose_blank_line_was_lost_is_still_read() {
        let save = "MIME-Version: 1.0\nContent-Type: multipart/related; boundary=a\n\n--a\n\
                    Content-Type: text/html\n<p>x</p>\n--a--\n";
        let page = html_page(save.as_bytes()).expect("reads");
        assert_eq!(page.html, b"<p>x</p>");
    }

    #[test]
    fn what_is_not_a_save_is_an_error() {
        for (input, reason) in [
            (
                "MIME-Version: 1.0\nContent-Type: multipart/related\n\n--x\n",
                "without a boundary",
            ),
            (
                "MIME-Version: 1.0\nContent-Type: multipart/related; boundary=zz\n\n--x\n\n",
                "never appears",
            ),
            (
                "MIME-Version: 1.0\nContent-Type: multipart/related; boundary=\"\"\n\n",
                "boundary of 0",
            ),
            (
                "MIME-Version: 1.0\nContent-Type: text/css\n\nbody{}",
                "no text/html",
            ),
        ] {
            let err = html_page(input.as_bytes()).unwrap_err();
            assert!(err.contains(reason), "{input:?}: {err}");
        }
    }

    #[test]
    fn hostile_saves_fail_fast() {
        // Multiparts nested 10,000 deep.
        let mut deep =
            String::from("MIME-Version: 1.0\nContent-Type: multipart/related; boundary=b0\n\n");
        for i in 0..10_000 {
            deep.push_str(&format!(
                "--b{i}\nContent-Type: multipart/related; boundary=b{}\n\n",
                i + 1
            ));
        }
        let started = Instant::now();
        let err = html_page(deep.as_bytes()).unwrap_err();
        assert!(err.contains("nested deeper"), "{err}");
        // 200,000 empty parts.
        let mut many =
            String::from("MIME-Version: 1.0\nContent-Type: multipart/related; boundary=b\n\n");
        many.push_str(&"--b\n\n".repeat(200_000));
        let err = html_page(many.as_bytes()).unwrap_err();
        assert!(err.contains("more than"), "{err}");
        // An endless header block.
        let long = format!("MIME-Version: 1.0\n{}", "X-A: b\n".repeat(100_000));
        let err = html_page(long.as_bytes()).unwrap_err();
        assert!(err.contains("header block"), "{err}");
        assert!(started.elapsed().as_secs() < 5, "{:?}", started.elapsed());
    }

    #[test]
    fn sniffing() {
        assert!(looks_like_mhtml(save("7bit", "<p>x</p>").as_bytes()));
        assert!(looks_like_mhtml(
            b"MIME-Version: 1.0\r\nContent-Type: multipart/related; boundary=a\r\n\r\n"
        ));
        assert!(!looks_like_mhtml(
            b"<!DOCTYPE html><html>MIME-Version: 1.0</html>"
        ));
        assert!(!looks_like_mhtml(b"Title: x\n\nmultipart/related text"));
        assert!(!looks_like_mhtml(b""));
    }

    #[test]
    fn params() {
        let p = "; type=\"text/html\";\n\tboundary=\"--a;b\"; charset=EUC-KR";
        assert_eq!(param(p, "boundary").as_deref(), Some("--a;b"));
        assert_eq!(param(p, "charset").as_deref(), Some("EUC-KR"));
        assert_eq!(param(p, "name"), None);
    }
}
