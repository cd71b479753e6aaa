//! Bytes to text: which encoding a file is in, and its text as UTF-8.
//!
//! Korean archives hold UTF-8, UTF-16 (Windows "Unicode" text), CP949 (Windows' Korean code
//! page, also called UHC), EUC-KR, and now and then ISO-2022-KR (old mail) or Johab (old
//! Hangul word processors). [`decode`] tells them apart without being told, in this order:
//!
//! 1. A byte order mark names the encoding: `EF BB BF` UTF-8, `FF FE` UTF-16LE, `FE FF` UTF-16BE.
//! 2. A file with a NUL byte in its first 8 KiB, or more than 10% control characters there
//!    (other than tab, line ends, form feed and escape), is not text ([`DecodeError::Binary`]).
//!    UTF-16 is checked on code units instead of bytes.
//! 3. Valid UTF-8 is UTF-8 — unless it is 7-bit and holds the ISO-2022-KR designator
//!    `ESC $ ) C`, which makes it ISO-2022-KR.
//! 4. Otherwise the file is decoded as CP949 and as Johab. When both succeed, the text that
//!    reads more like Korean wins: everyday syllables (the 2,350 of KS X 1001) count for it;
//!    rare syllables, lone jamo, hanja, symbols and private-use characters, which a wrong guess
//!    produces, count against it. A CP949 file whose every two-byte character lies in the
//!    EUC-KR range (KS X 1001: lead and trail bytes `A1..=FE`) is reported as EUC-KR. When
//!    neither decodes, the error names the encoding that read best up to its first invalid
//!    byte (UTF-8 included, so a UTF-8 file with one bad byte is reported as UTF-8).
//!
//! Invariants of the text produced:
//! - No byte order mark, and only `\n` line ends (`\r\n` and a lone `\r` become `\n`).
//! - Never a U+FFFD standing for something undecodable: a byte sequence that is invalid in the
//!   encoding is a [`DecodeError::Invalid`] naming the encoding and the byte offset in the
//!   original file, so the indexer can report the file and skip it.
//! - EUC-KR and ISO-2022-KR understand the KS X 1001:1998 Annex 3 make-up sequences (a Hangul
//!   filler followed by an initial, a medial and a final jamo, eight bytes in EUC-KR), which
//!   encode the 8,822 syllables KS X 1001 lacks; Python's `euc_kr` codec writes them.
//!
//! UTF-8 input, the common case, costs one validation, one search for `\r`, and one copy.
//! CP949 and UTF-16 are decoded by `encoding_rs` (whose `EUC_KR` is the WHATWG `euc-kr`,
//! i.e. windows-949); EUC-KR, ISO-2022-KR and Johab are decoded here, with the KS X 1001
//! table taken from `encoding_rs`.

use std::borrow::Cow;
use std::fmt;
use std::sync::OnceLock;

use encoding_rs::DecoderResult;
use serde::{Deserialize, Serialize};

/// Encodings kosearch reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Encoding {
    /// UTF-8, with or without a byte order mark.
    #[serde(rename = "utf-8")]
    Utf8,
    /// UTF-16, little-endian.
    #[serde(rename = "utf-16le")]
    Utf16Le,
    /// UTF-16, big-endian.
    #[serde(rename = "utf-16be")]
    Utf16Be,
    /// Windows code page 949 (Unified Hangul Code): EUC-KR plus the 8,822 other syllables.
    #[serde(rename = "cp949")]
    Cp949,
    /// EUC-KR: KS X 1001 in two bytes `A1..=FE`, with Annex 3 make-up sequences.
    #[serde(rename = "euc-kr")]
    EucKr,
    /// ISO-2022-KR (RFC 1557): 7-bit KS X 1001 between SO and SI.
    #[serde(rename = "iso-2022-kr")]
    Iso2022Kr,
    /// Johab (KS X 1001 Annex 3 combination code, code page 1361).
    #[serde(rename = "johab")]
    Johab,
}

impl Encoding {
    /// Every encoding's canonical name, in declaration order.
    pub const NAMES: [&'static str; 7] = [
        "utf-8",
        "utf-16le",
        "utf-16be",
        "cp949",
        "euc-kr",
        "iso-2022-kr",
        "johab",
    ];

    /// The canonical name (`"utf-8"`, `"cp949"`, …), one of [`Encoding::NAMES`].
    pub fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 => "utf-8",
            Encoding::Utf16Le => "utf-16le",
            Encoding::Utf16Be => "utf-16be",
            Encoding::Cp949 => "cp949",
            Encoding::EucKr => "euc-kr",
            Encoding::Iso2022Kr => "iso-2022-kr",
            Encoding::Johab => "johab",
        }
    }

    /// The encoding a name or common alias stands for, ignoring case and punctuation:
    /// `UTF8`, `utf-16` (little-endian, as on Windows), `uhc`, `windows-949`, `ms949`,
    /// `ks_c_5601-1987` (Microsoft's label for CP949), `euckr`, `ksc5601`, `iso2022kr`,
    /// `cp1361` …
    pub fn from_name(name: &str) -> Option<Encoding> {
        let key: String = name
            .chars()
            .filter(char::is_ascii_alphanumeric)
            .map(|c| c.to_ascii_lowercase())
            .collect();
        let encoding = match key.as_str() {
            "utf8" | "utf8sig" | "unicode11utf8" => Encoding::Utf8,
            "utf16le" | "utf16" | "ucs2" | "unicode" | "csunicode" | "iso10646ucs2"
            | "unicodefeff" => Encoding::Utf16Le,
            "utf16be" | "unicodefffe" => Encoding::Utf16Be,
            "cp949" | "uhc" | "windows949" | "ms949" | "xwindows949" | "ibm949" | "ksc56011987"
            | "unifiedhangulcode" => Encoding::Cp949,
            "euckr" | "cseuckr" | "ksc5601" | "ksc56011989" | "ksx1001" | "korean" | "isoir149"
            | "csksc56011987" | "5601" => Encoding::EucKr,
            "iso2022kr" | "csiso2022kr" => Encoding::Iso2022Kr,
            "johab" | "cp1361" | "ms1361" | "windows1361" | "xjohab" => Encoding::Johab,
            _ => return None,
        };
        Some(encoding)
    }
}

impl fmt::Display for Encoding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.name())
    }
}

/// A file's text and how it was encoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Decoded {
    /// The text: no byte order mark, `\n` line ends.
    pub text: String,
    /// The encoding it was read in.
    pub encoding: Encoding,
    /// Whether the file began with a byte order mark (now removed).
    pub had_bom: bool,
}

/// Why a file's bytes could not be read as text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The file looks binary (NUL bytes, mostly control characters).
    #[error("not a text file: {reason}")]
    Binary {
        /// What gave it away, e.g. "NUL bytes (binary file?)".
        reason: String,
    },
    /// A byte sequence that is invalid in the encoding the file was read in.
    #[error("invalid {encoding} byte sequence at byte offset {offset}")]
    Invalid {
        /// The encoding chosen (forced, or the most plausible one).
        encoding: Encoding,
        /// Offset of the first invalid byte from the start of the file (byte order mark
        /// included).
        offset: usize,
    },
}

/// How much of the start of a file is examined for signs of binary content.
const SNIFF_LEN: usize = 8 * 1024;

/// The ISO-2022-KR designation of KS X 1001 as the G1 set.
const ISO2022KR_DESIGNATOR: &[u8; 4] = b"\x1b$)C";

/// Reads `bytes` as text: in the `forced` encoding if given (a matching byte order mark is
/// still removed), else in the encoding detected as described in the [module docs](self).
///
/// Line ends become `\n`. Errors: [`DecodeError::Binary`] for a file that is not text, and
/// [`DecodeError::Invalid`] for a byte sequence invalid in the encoding chosen.
pub fn decode(bytes: &[u8], forced: Option<Encoding>) -> Result<Decoded, DecodeError> {
    match forced {
        Some(encoding) => {
            let bom_len = match bom(bytes) {
                Some((bom_encoding, len)) if bom_encoding == encoding => len,
                _ => 0,
            };
            decode_as(bytes, bom_len, encoding)
        }
        None => detect(bytes),
    }
}

/// The encoding a byte order mark at the start of `bytes` names, and the mark's length.
fn bom(bytes: &[u8]) -> Option<(Encoding, usize)> {
    if bytes.starts_with(b"\xEF\xBB\xBF") {
        Some((Encoding::Utf8, 3))
    } else if bytes.starts_with(b"\xFF\xFE") {
        Some((Encoding::Utf16Le, 2))
    } else if bytes.starts_with(b"\xFE\xFF") {
        Some((Encoding::Utf16Be, 2))
    } else {
        None
    }
}

/// Detection, in the order the module docs give.
fn detect(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some((encoding, bom_len)) = bom(bytes) {
        return decode_as(bytes, bom_len, encoding);
    }
    if let Err(e) = sniff_bytes(bytes, false) {
        return Err(match utf16_without_bom(bytes) {
            Some(encoding) => DecodeError::Binary {
                reason: format!(
                    "NUL bytes; it looks like {0} text without a byte-order mark: decode it \
                     with --encoding {0}",
                    encoding.name()
                ),
            },
            None => e,
        });
    }
    match std::str::from_utf8(bytes) {
        Ok(text) if text.is_ascii() && contains_designator(bytes) => {
            decode_as(bytes, 0, Encoding::Iso2022Kr)
        }
        Ok(text) => Ok(Decoded {
            text: normalize_line_ends(Cow::Borrowed(text)),
            encoding: Encoding::Utf8,
            had_bom: false,
        }),
        Err(e) => detect_legacy(bytes, e.valid_up_to()),
    }
}

/// Chooses between CP949 (or EUC-KR) and Johab for bytes that are not UTF-8, valid as UTF-8
/// up to `utf8_valid`. When neither decodes, the error names whichever of the three reads
/// best up to its first invalid byte: a UTF-8 file with one bad byte is reported as UTF-8.
fn detect_legacy(bytes: &[u8], utf8_valid: usize) -> Result<Decoded, DecodeError> {
    let family = if euc_kr_range_only(bytes) {
        Encoding::EucKr
    } else {
        Encoding::Cp949
    };
    let mut wansung = String::new();
    let wansung_result = decode_legacy(bytes, family, &mut wansung);
    let mut johab = String::new();
    let johab_result = decode_johab(bytes, &mut johab);
    // Ties go to CP949/EUC-KR, by far the more common.
    let prefer_johab = match (&wansung_result, &johab_result) {
        (Ok(()), Err(_)) => false,
        (Err(_), Ok(())) => true,
        _ => {
            let mut wansung_score = plausibility(&wansung);
            if family == Encoding::EucKr {
                wansung_score += MAKE_UP_WEIGHT * count_make_ups(bytes);
            }
            plausibility(&johab) > wansung_score
        }
    };
    let (encoding, text, result) = if prefer_johab {
        (Encoding::Johab, johab, johab_result)
    } else {
        (family, wansung, wansung_result)
    };
    let offset = match result {
        Ok(()) => {
            return Ok(Decoded {
                text: normalize_line_ends(Cow::Owned(text)),
                encoding,
                had_bom: false,
            });
        }
        Err(offset) => offset,
    };
    let utf8_prefix = std::str::from_utf8(&bytes[..utf8_valid]).unwrap_or_default();
    // On a tie UTF-8, the commonest encoding, is named.
    if (plausibility(utf8_prefix), utf8_valid) >= (plausibility(&text), offset) {
        return Err(DecodeError::Invalid {
            encoding: Encoding::Utf8,
            offset: utf8_valid,
        });
    }
    Err(DecodeError::Invalid { encoding, offset })
}

/// What a well-formed EUC-KR make-up sequence adds to the plausibility of reading a file as
/// EUC-KR: the eight-byte pattern is deliberate and specific, worth four everyday syllables.
const MAKE_UP_WEIGHT: i64 = 8;

/// How many EUC-KR make-up sequences `bytes` holds.
fn count_make_ups(bytes: &[u8]) -> i64 {
    let found = (0..bytes.len())
        .filter(|&i| bytes[i] == 0xA4 && make_up_syllable(&bytes[i..], 0x80).is_some())
        .count();
    i64::try_from(found).unwrap_or(i64::MAX / MAKE_UP_WEIGHT)
}

/// Decodes `bytes[bom_len..]` strictly as `encoding`.
fn decode_as(bytes: &[u8], bom_len: usize, encoding: Encoding) -> Result<Decoded, DecodeError> {
    let body = bytes.get(bom_len..).unwrap_or_default();
    let invalid = |offset: usize| DecodeError::Invalid {
        encoding,
        offset: bom_len + offset,
    };
    let text = match encoding {
        Encoding::Utf8 => {
            sniff_bytes(body, false)?;
            let text = std::str::from_utf8(body).map_err(|e| invalid(e.valid_up_to()))?;
            Cow::Borrowed(text)
        }
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let big_endian = encoding == Encoding::Utf16Be;
            sniff_utf16(body, big_endian)?;
            let decoder = if big_endian {
                encoding_rs::UTF_16BE
            } else {
                encoding_rs::UTF_16LE
            };
            let mut text = String::new();
            decode_with(decoder, body, &mut text).map_err(invalid)?;
            Cow::Owned(text)
        }
        Encoding::Cp949 | Encoding::EucKr | Encoding::Iso2022Kr | Encoding::Johab => {
            sniff_bytes(body, encoding == Encoding::Iso2022Kr)?;
            let mut text = String::new();
            decode_legacy(body, encoding, &mut text).map_err(invalid)?;
            Cow::Owned(text)
        }
    };
    Ok(Decoded {
        text: normalize_line_ends(text),
        encoding,
        had_bom: bom_len > 0,
    })
}

/// Decodes one of the byte-oriented Korean encodings into `out`. On failure `out` holds the
/// text before the offset returned.
fn decode_legacy(bytes: &[u8], encoding: Encoding, out: &mut String) -> Result<(), usize> {
    match encoding {
        Encoding::EucKr => decode_euc_kr(bytes, out),
        Encoding::Iso2022Kr => decode_iso2022kr(bytes, out),
        Encoding::Johab => decode_johab(bytes, out),
        // windows-949, which WHATWG (and so encoding_rs) calls EUC-KR.
        _ => decode_with(encoding_rs::EUC_KR, bytes, out),
    }
}

// ---------------------------------------------------------------------------------------------
// Binary files

/// Whether `bytes` holds the ISO-2022-KR designator.
fn contains_designator(bytes: &[u8]) -> bool {
    bytes.windows(4).any(|w| w == ISO2022KR_DESIGNATOR)
}

/// Whether `unit` is a control character not found in text files. `shifts_ok` admits SO and
/// SI, which ISO-2022-KR uses.
fn is_suspect_control(unit: u16, shifts_ok: bool) -> bool {
    match unit {
        0x09 | 0x0A | 0x0C | 0x0D | 0x1B => false,
        0x0E | 0x0F => !shifts_ok,
        0x00..=0x1F | 0x7F => true,
        _ => false,
    }
}

/// Rejects as binary a sample with a NUL or more than 10% suspect control characters.
fn sniff(units: impl Iterator<Item = u16>, shifts_ok: bool) -> Result<(), DecodeError> {
    let (mut total, mut controls) = (0usize, 0usize);
    for unit in units {
        if unit == 0 {
            return Err(DecodeError::Binary {
                reason: "NUL bytes (binary file?)".to_string(),
            });
        }
        total += 1;
        controls += usize::from(is_suspect_control(unit, shifts_ok));
    }
    if controls * 10 > total {
        return Err(DecodeError::Binary {
            reason: format!(
                "{}% of the first 8 KiB are control characters (binary file?)",
                controls * 100 / total
            ),
        });
    }
    Ok(())
}

/// The UTF-16 byte order a file without a byte-order mark looks like: most of its NUL bytes
/// (the high bytes of ASCII characters) stand at one parity, and its start decodes as UTF-16
/// of that order into text: no NUL character, no broken surrogate, nine characters in ten
/// Hangul, ASCII, CJK or punctuation.
fn utf16_without_bom(bytes: &[u8]) -> Option<Encoding> {
    let sample = &bytes[..bytes.len().min(SNIFF_LEN) & !1];
    let zeros_at = |parity: usize| {
        sample
            .iter()
            .skip(parity)
            .step_by(2)
            .filter(|&&b| b == 0)
            .count()
    };
    let (even, odd) = (zeros_at(0), zeros_at(1));
    let (encoding, big_endian) = if odd > 2 * even {
        (Encoding::Utf16Le, false)
    } else if even > 2 * odd {
        (Encoding::Utf16Be, true)
    } else {
        return None;
    };
    let (mut chars, mut texty) = (0usize, 0usize);
    let last = sample.len() / 2;
    for (i, c) in char::decode_utf16(utf16_units(sample, big_endian)).enumerate() {
        match c {
            Ok('\0') => return None,
            Ok(c) => {
                chars += 1;
                let text = c.is_ascii_graphic()
                    || c.is_whitespace()
                    || matches!(c as u32,
                        0xAC00..=0xD7A3 | 0x1100..=0x11FF | 0x3130..=0x318F
                        | 0x4E00..=0x9FFF | 0x2000..=0x206F | 0x3000..=0x303F
                        | 0xFF00..=0xFFEF | 0x00A0..=0x00FF);
                texty += usize::from(text);
            }
            // A surrogate pair cut by the end of the sample is not a fault of the file.
            Err(_) if i + 1 >= last => {}
            Err(_) => return None,
        }
    }
    (chars > 0 && texty * 10 >= chars * 9).then_some(encoding)
}

/// The binary check for byte-oriented encodings.
fn sniff_bytes(bytes: &[u8], iso2022kr: bool) -> Result<(), DecodeError> {
    let sample = &bytes[..bytes.len().min(SNIFF_LEN)];
    let shifts_ok = iso2022kr || contains_designator(sample);
    sniff(sample.iter().map(|&b| u16::from(b)), shifts_ok)
}

/// The binary check for UTF-16, on code units.
fn sniff_utf16(bytes: &[u8], big_endian: bool) -> Result<(), DecodeError> {
    let sample = &bytes[..bytes.len().min(SNIFF_LEN)];
    sniff(utf16_units(sample, big_endian), false)
}

/// The UTF-16 code units of `bytes` in the given byte order (a trailing odd byte is left).
fn utf16_units(bytes: &[u8], big_endian: bool) -> impl Iterator<Item = u16> + '_ {
    bytes.chunks_exact(2).map(move |pair| {
        let pair = [pair[0], pair[1]];
        if big_endian {
            u16::from_be_bytes(pair)
        } else {
            u16::from_le_bytes(pair)
        }
    })
}

// ---------------------------------------------------------------------------------------------
// Line ends

/// `text` with `\r\n` and lone `\r` turned into `\n`; copies only what must be copied.
fn normalize_line_ends(text: Cow<'_, str>) -> String {
    if !text.contains('\r') {
        return text.into_owned();
    }
    let mut out = String::with_capacity(text.len());
    let mut parts = text.split('\r');
    out.push_str(parts.next().unwrap_or_default());
    for part in parts {
        out.push('\n');
        out.push_str(part.strip_prefix('\n').unwrap_or(part));
    }
    out
}

// ---------------------------------------------------------------------------------------------
// Decoders

/// Decodes with an `encoding_rs` decoder, strictly. Returns the offset of the first malformed
/// sequence on failure.
fn decode_with(
    encoding: &'static encoding_rs::Encoding,
    bytes: &[u8],
    out: &mut String,
) -> Result<(), usize> {
    let mut decoder = encoding.new_decoder_without_bom_handling();
    let mut read = 0;
    loop {
        let rest = &bytes[read..];
        let room = decoder
            .max_utf8_buffer_length_without_replacement(rest.len())
            .unwrap_or(rest.len());
        out.reserve(room);
        let (result, n) = decoder.decode_to_string_without_replacement(rest, out, true);
        read += n;
        match result {
            DecoderResult::InputEmpty => return Ok(()),
            DecoderResult::OutputFull => {}
            DecoderResult::Malformed(bad, after) => {
                return Err(read.saturating_sub(usize::from(bad) + usize::from(after)));
            }
        }
    }
}

/// Whether every byte `>= 0x80` in `bytes` is part of a pair with both bytes in
/// `A1..=FE`, the EUC-KR (KS X 1001) range.
fn euc_kr_range_only(bytes: &[u8]) -> bool {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            i += 1;
            continue;
        }
        match bytes.get(i..i + 2) {
            Some(&[0xA1..=0xFE, 0xA1..=0xFE]) => i += 2,
            _ => return false,
        }
    }
    true
}

/// A byte of the EUC-KR two-byte range.
fn is_gr94(b: u8) -> bool {
    (0xA1..=0xFE).contains(&b)
}

/// EUC-KR: ASCII, and KS X 1001 with both bytes in `A1..=FE`, including make-up sequences.
fn decode_euc_kr(bytes: &[u8], out: &mut String) -> Result<(), usize> {
    let table = &tables().ksx1001;
    // Two bytes become at most three.
    out.reserve(bytes.len() + bytes.len() / 2);
    let mut i = 0;
    while i < bytes.len() {
        let lead = bytes[i];
        if lead < 0x80 {
            out.push(char::from(lead));
            i += 1;
            continue;
        }
        if lead == 0xA4
            && let Some(c) = make_up_syllable(&bytes[i..], 0x80)
        {
            out.push(c);
            i += 8;
            continue;
        }
        let c = match bytes.get(i + 1) {
            Some(&trail) if is_gr94(lead) && is_gr94(trail) => {
                table[ksx1001_index(lead & 0x7F, trail & 0x7F)]
            }
            _ => None,
        };
        out.push(c.ok_or(i)?);
        i += 2;
    }
    Ok(())
}

/// ISO-2022-KR (RFC 1557): ASCII; `ESC $ ) C` designates KS X 1001; SO shifts to it, SI and
/// a line end shift back. Shifted, each byte pair `21..=7E` is a KS X 1001 character.
fn decode_iso2022kr(bytes: &[u8], out: &mut String) -> Result<(), usize> {
    let (mut designated, mut shifted) = (false, false);
    let mut i = 0;
    while i < bytes.len() {
        let b = bytes[i];
        match b {
            0x1B if bytes[i..].starts_with(ISO2022KR_DESIGNATOR) => {
                designated = true;
                i += ISO2022KR_DESIGNATOR.len();
            }
            0x0E if designated => {
                shifted = true;
                i += 1;
            }
            0x0F => {
                shifted = false;
                i += 1;
            }
            // Any other escape sequence, SO before the designator, and 8-bit bytes.
            0x1B | 0x0E | 0x80..=0xFF => return Err(i),
            0x21..=0x7E if shifted => {
                if let Some(c) = make_up_syllable(&bytes[i..], 0) {
                    out.push(c);
                    i += 8;
                    continue;
                }
                let trail = bytes.get(i + 1).copied().unwrap_or(0);
                out.push(ksx1001(b, trail).ok_or(i)?);
                i += 2;
            }
            _ => {
                if b == b'\n' || b == b'\r' {
                    shifted = false;
                }
                out.push(char::from(b));
                i += 1;
            }
        }
    }
    Ok(())
}

/// Johab: ASCII; Hangul composed from 5-bit jamo codes (lead `84..=D3`); the rest of KS X 1001
/// (symbols and hanja) rearranged into leads `D9..=DE` and `E0..=F9`.
fn decode_johab(bytes: &[u8], out: &mut String) -> Result<(), usize> {
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] < 0x80 {
            out.push(char::from(bytes[i]));
            i += 1;
            continue;
        }
        let c = match bytes.get(i..i + 2) {
            Some(&[lead, trail]) => johab_char(lead, trail),
            _ => None,
        };
        out.push(c.ok_or(i)?);
        i += 2;
    }
    Ok(())
}

/// One Johab two-byte character.
fn johab_char(lead: u8, trail: u8) -> Option<char> {
    match lead {
        0x84..=0xD3 => {
            if !matches!(trail, 0x41..=0x7E | 0x81..=0xFE) {
                return None;
            }
            johab_hangul(u16::from_be_bytes([lead, trail]))
        }
        0xD9..=0xDE | 0xE0..=0xF9 => {
            // Each lead covers two KS X 1001 rows of 94: trail 31..=7E then 91..=FE.
            let t = match trail {
                0x31..=0x7E => trail - 0x31,
                0x91..=0xFE => trail - 0x43,
                _ => return None,
            };
            let first_row = if lead <= 0xDE {
                0x21 + 2 * (lead - 0xD9)
            } else {
                0x4A + 2 * (lead - 0xE0)
            };
            let (row, col) = if t < 94 {
                (first_row, 0x21 + t)
            } else {
                (first_row + 1, 0x21 + t - 94)
            };
            // Row 4's modern jamo are encoded in the Hangul region instead.
            if row == 0x24 && col <= 0x53 {
                return None;
            }
            ksx1001(row, col)
        }
        _ => None,
    }
}

/// A Johab Hangul code `1 iiiii mmmmm fffff`: a syllable, or a lone jamo when the other
/// parts are fill codes.
fn johab_hangul(code: u16) -> Option<char> {
    let part = |shift: u16| ((code >> shift) & 0x1F) as u8;
    let (i, m, f) = (part(10), part(5), part(0));
    // `None` is the fill code; an unassigned code is an error.
    let initial = match i {
        1 => None,
        2..=20 => Some(i - 2),
        _ => return None,
    };
    let medial = match m {
        2 => None,
        3..=7 => Some(m - 3),
        10..=15 => Some(m - 5),
        18..=23 => Some(m - 7),
        26..=29 => Some(m - 9),
        _ => return None,
    };
    let fin = match f {
        1 => None,
        2..=17 => Some(f - 1),
        19..=29 => Some(f - 2),
        _ => return None,
    };
    match (initial, medial, fin) {
        (Some(i), Some(m), f) => syllable(i.into(), m.into(), f.unwrap_or(0).into()),
        (Some(i), None, None) => compat_jamo_of(&COMPAT_TO_INITIAL, i),
        (None, Some(m), None) => char::from_u32(0x314F + u32::from(m)),
        (None, None, Some(f)) => compat_jamo_of(&COMPAT_TO_FINAL, f),
        (None, None, None) => Some('\u{3164}'),
        _ => None,
    }
}

// ---------------------------------------------------------------------------------------------
// KS X 1001 and Hangul

/// KS X 1001 row 4 (compatibility jamo): column of the Hangul filler.
const FILLER_COL: u8 = 0x54;

/// For each compatibility consonant ㄱ..ㅎ (U+3131..=U+314E, KS X 1001 row 4 columns
/// `21..=3E`), its index among the 19 initial consonants, if it can be one.
const COMPAT_TO_INITIAL: [Option<u8>; 30] = {
    let mut t = [None; 30];
    // ㄱ ㄲ ㄴ ㄷ ㄸ ㄹ ㅁ ㅂ ㅃ ㅅ ㅆ ㅇ ㅈ ㅉ ㅊ ㅋ ㅌ ㅍ ㅎ
    let compat = [
        0, 1, 3, 6, 7, 8, 16, 17, 18, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29,
    ];
    let mut i = 0;
    while i < compat.len() {
        t[compat[i]] = Some(i as u8);
        i += 1;
    }
    t
};

/// For each compatibility consonant, its index among the 27 final consonants (1-based, 0
/// being no final), if it can be one.
const COMPAT_TO_FINAL: [Option<u8>; 30] = {
    let mut t = [None; 30];
    // ㄱ ㄲ ㄳ ㄴ ㄵ ㄶ ㄷ ㄹ ㄺ ㄻ ㄼ ㄽ ㄾ ㄿ ㅀ ㅁ ㅂ ㅄ ㅅ ㅆ ㅇ ㅈ ㅊ ㅋ ㅌ ㅍ ㅎ
    let compat = [
        0, 1, 2, 3, 4, 5, 6, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 19, 20, 21, 22, 23, 25, 26, 27,
        28, 29,
    ];
    let mut i = 0;
    while i < compat.len() {
        t[compat[i]] = Some(i as u8 + 1);
        i += 1;
    }
    t
};

/// The compatibility jamo whose entry in `table` is `index`.
fn compat_jamo_of(table: &[Option<u8>; 30], index: u8) -> Option<char> {
    let k = table.iter().position(|&x| x == Some(index))?;
    char::from_u32(0x3131 + k as u32)
}

/// The precomposed syllable of an initial (0..19), medial (0..21) and final (0..28, 0 = none).
fn syllable(initial: u32, medial: u32, fin: u32) -> Option<char> {
    (initial < 19 && medial < 21 && fin < 28)
        .then(|| char::from_u32(0xAC00 + (initial * 21 + medial) * 28 + fin))
        .flatten()
}

/// A KS X 1001:1998 Annex 3 make-up sequence at the start of `bytes`: four row-4 characters,
/// filler, initial, medial, and final or filler. `high` is `0x80` for EUC-KR, `0` for the
/// 7-bit form.
fn make_up_syllable(bytes: &[u8], high: u8) -> Option<char> {
    let seq = bytes.get(..8)?;
    let col = |k: usize| {
        let (row, col) = (seq[2 * k], seq[2 * k + 1]);
        (row == 0x24 | high && col & 0x80 == high && (0x21..=0x7E).contains(&(col & 0x7F)))
            .then_some(col & 0x7F)
    };
    if col(0)? != FILLER_COL {
        return None;
    }
    let consonant = |c: u8| c.checked_sub(0x21).filter(|&k| k < 30);
    let initial = COMPAT_TO_INITIAL[usize::from(consonant(col(1)?)?)]?;
    let medial = col(2)?.checked_sub(0x3F).filter(|&m| m < 21)?;
    let fin = match col(3)? {
        FILLER_COL => 0,
        c => COMPAT_TO_FINAL[usize::from(consonant(c)?)]?,
    };
    syllable(initial.into(), medial.into(), fin.into())
}

/// Tables derived once from `encoding_rs`.
struct Tables {
    /// KS X 1001, row-major from (0x21, 0x21); `None` where unassigned.
    ksx1001: Vec<Option<char>>,
    /// One bit per Hangul syllable (from U+AC00): set for the 2,350 in KS X 1001.
    common: Vec<u64>,
}

/// The tables, built on first use (a few thousand lookups in `encoding_rs`).
fn tables() -> &'static Tables {
    static TABLES: OnceLock<Tables> = OnceLock::new();
    TABLES.get_or_init(|| {
        let mut ksx1001 = vec![None; 94 * 94];
        let mut common = vec![0u64; 11172_usize.div_ceil(64)];
        for row in 0..94u8 {
            for col in 0..94u8 {
                let pair = [0xA1 + row, 0xA1 + col];
                let Some(text) =
                    encoding_rs::EUC_KR.decode_without_bom_handling_and_without_replacement(&pair)
                else {
                    continue;
                };
                let mut chars = text.chars();
                let (Some(c), None) = (chars.next(), chars.next()) else {
                    continue;
                };
                ksx1001[usize::from(row) * 94 + usize::from(col)] = Some(c);
                if let Some(index) = syllable_index(c) {
                    common[index / 64] |= 1 << (index % 64);
                }
            }
        }
        Tables { ksx1001, common }
    })
}

/// The KS X 1001 character at `row`, `col` (each `21..=7E`).
fn ksx1001(row: u8, col: u8) -> Option<char> {
    let range = 0x21..=0x7E;
    if !range.contains(&row) || !range.contains(&col) {
        return None;
    }
    tables().ksx1001[ksx1001_index(row, col)]
}

/// The index in [`Tables::ksx1001`] of `row`, `col` (each `21..=7E`).
fn ksx1001_index(row: u8, col: u8) -> usize {
    usize::from(row - 0x21) * 94 + usize::from(col - 0x21)
}

/// The index of a precomposed Hangul syllable from U+AC00.
fn syllable_index(c: char) -> Option<usize> {
    let index = u32::from(c).checked_sub(0xAC00)?;
    (index < 11172).then_some(index as usize)
}

/// How much `text` reads like Korean: +2 for each of the 2,350 everyday syllables of KS X
/// 1001, 0 for ASCII and common punctuation, −1 for rarer syllables, lone jamo, hanja and
/// other symbols, −3 for private-use characters. A wrong guess between CP949 and Johab turns
/// everyday syllables into rare ones, hanja and symbols.
fn plausibility(text: &str) -> i64 {
    let common = &tables().common;
    text.chars()
        .map(|c| match c {
            '\0'..='\x7F' => 0,
            '\u{2000}'..='\u{206F}' | '\u{3000}'..='\u{3003}' | '\u{3008}'..='\u{3011}' => 0,
            '\u{B7}' | '\u{FF01}'..='\u{FF5E}' => 0,
            '\u{E000}'..='\u{F8FF}' => -3,
            _ => match syllable_index(c) {
                Some(i) if common[i / 64] >> (i % 64) & 1 == 1 => 2,
                _ => -1,
            },
        })
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn ok(bytes: &[u8], forced: Option<Encoding>) -> Decoded {
        match decode(bytes, forced) {
            Ok(d) => d,
            Err(e) => panic!("{bytes:02x?} as {forced:?}: {e}"),
        }
    }

    fn err(bytes: &[u8], forced: Option<Encoding>) -> DecodeError {
        match decode(bytes, forced) {
            Ok(d) => panic!("{bytes:02x?} as {forced:?} decoded: {d:?}"),
            Err(e) => e,
        }
    }

    fn utf16(text: &str, big_endian: bool, bom: bool) -> Vec<u8> {
        let mut out = Vec::new();
        let units = bom.then_some(0xFEFF).into_iter().chain(text.encode_utf16());
        for unit in units {
            if big_endian {
                out.extend(unit.to_be_bytes());
            } else {
                out.extend(unit.to_le_bytes());
            }
        }
        out
    }

    fn cp949(text: &str) -> Vec<u8> {
        let (bytes, _, unmappable) = encoding_rs::EUC_KR.encode(text);
        assert!(!unmappable);
        bytes.into_owned()
    }

    /// A Johab encoder for Hangul syllables and ASCII, the inverse of `johab_hangul`.
    fn johab(text: &str) -> Vec<u8> {
        let mut out = Vec::new();
        for c in text.chars() {
            if c.is_ascii() {
                out.push(c as u8);
                continue;
            }
            let s = syllable_index(c).expect("a syllable") as u16;
            let (i, m, f) = (s / 588, s / 28 % 21, s % 28);
            let i = i + 2;
            let m = m + [3, 5, 7, 9][[0, 5, 11, 17].iter().rposition(|&x| m >= x).unwrap()];
            let f = if f <= 16 { f + 1 } else { f + 2 };
            out.extend((0x8000 | i << 10 | m << 5 | f).to_be_bytes());
        }
        out
    }

    const SENTENCE: &str = "대한민국 서울에서 오늘 국회의원 선거가 치러졌다.\n경제와 문화 이야기.";

    #[test]
    fn names_round_trip_and_aliases_resolve() {
        for name in Encoding::NAMES {
            let e = Encoding::from_name(name).expect(name);
            assert_eq!(e.name(), name);
            assert_eq!(e.to_string(), name);
            assert_eq!(serde_json::to_string(&e).unwrap(), format!("\"{name}\""));
            assert_eq!(
                serde_json::from_str::<Encoding>(&format!("\"{name}\"")).unwrap(),
                e
            );
        }
        let aliases = [
            ("UTF8", Encoding::Utf8),
            ("utf-16", Encoding::Utf16Le),
            ("UTF-16BE", Encoding::Utf16Be),
            ("uhc", Encoding::Cp949),
            ("windows-949", Encoding::Cp949),
            ("MS949", Encoding::Cp949),
            ("ks_c_5601-1987", Encoding::Cp949),
            ("EUCKR", Encoding::EucKr),
            ("euc_kr", Encoding::EucKr),
            ("iso2022kr", Encoding::Iso2022Kr),
            ("ISO-2022-KR", Encoding::Iso2022Kr),
            ("cp1361", Encoding::Johab),
        ];
        for (alias, e) in aliases {
            assert_eq!(Encoding::from_name(alias), Some(e), "{alias}");
        }
        assert_eq!(Encoding::from_name("latin1"), None);
        assert_eq!(Encoding::from_name(""), None);
    }

    #[test]
    fn utf8_without_cr_is_taken_as_is() {
        let d = ok(SENTENCE.as_bytes(), None);
        assert_eq!(d.text, SENTENCE);
        assert_eq!((d.encoding, d.had_bom), (Encoding::Utf8, false));
        assert_eq!(ok(b"", None).text, "");
        assert_eq!(ok(b"", None).encoding, Encoding::Utf8);
    }

    #[test]
    fn crlf_and_lone_cr_become_lf() {
        let d = ok("가\r\n나\r다\n\r\n라\r".as_bytes(), None);
        assert_eq!(d.text, "가\n나\n다\n\n라\n");
        let d = ok(&cp949("가\r\n나\r"), None);
        assert_eq!(d.text, "가\n나\n");
    }

    #[test]
    fn boms_name_the_encoding_and_are_removed() {
        let mut bytes = b"\xEF\xBB\xBF".to_vec();
        bytes.extend("한글\r\n".as_bytes());
        let d = ok(&bytes, None);
        assert_eq!(
            (d.text.as_str(), d.encoding, d.had_bom),
            ("한글\n", Encoding::Utf8, true)
        );

        let d = ok(&utf16("한글 text\r\n", false, true), None);
        assert_eq!(d.text, "한글 text\n");
        assert_eq!((d.encoding, d.had_bom), (Encoding::Utf16Le, true));

        let d = ok(&utf16("한글 text\r\n", true, true), None);
        assert_eq!(d.text, "한글 text\n");
        assert_eq!((d.encoding, d.had_bom), (Encoding::Utf16Be, true));

        let d = ok(b"\xFF\xFE", None);
        assert_eq!((d.text.as_str(), d.encoding), ("", Encoding::Utf16Le));
    }

    #[test]
    fn utf16_errors_point_into_the_file() {
        // An odd byte at the end.
        let mut bytes = utf16("가나", false, true);
        bytes.push(b'x');
        let e = err(&bytes, None);
        assert_eq!(
            e,
            DecodeError::Invalid {
                encoding: Encoding::Utf16Le,
                offset: 6
            }
        );
        // An unpaired low surrogate after the BOM and one character.
        let mut bytes = utf16("가", false, true);
        bytes.extend([0x00, 0xDC, b'a', 0]);
        let e = err(&bytes, None);
        assert_eq!(
            e,
            DecodeError::Invalid {
                encoding: Encoding::Utf16Le,
                offset: 4
            }
        );
        // NUL code units are binary even in UTF-16.
        let e = err(&utf16("a\0b", false, true), None);
        assert!(matches!(e, DecodeError::Binary { .. }), "{e}");
    }

    #[test]
    fn utf16_without_a_bom_is_named_in_the_error() {
        for big_endian in [false, true] {
            let e = err(
                &utf16("한국 기사 GPU 가격\n둘째 줄", big_endian, false),
                None,
            );
            let want = if big_endian { "utf-16be" } else { "utf-16le" };
            assert!(e.to_string().contains(&format!("--encoding {want}")), "{e}");
        }
        // Binary files keep the plain message.
        let e = err(b"\x7fELF\x02\x01\x01\0\0\0\0\0\0\0\0\0\x03\0>\0", None);
        assert_eq!(e.to_string(), "not a text file: NUL bytes (binary file?)");
    }

    #[test]
    fn forced_encodings_decode_strictly() {
        let d = ok(&utf16("한글\n", false, false), Some(Encoding::Utf16Le));
        assert_eq!((d.text.as_str(), d.had_bom), ("한글\n", false));
        let d = ok(&utf16("한글", true, true), Some(Encoding::Utf16Be));
        assert_eq!((d.text.as_str(), d.had_bom), ("한글", true));
        // A BOM of another encoding is not removed: here it is invalid UTF-8.
        let e = err(&utf16("한", false, true), Some(Encoding::Utf8));
        assert_eq!(
            e,
            DecodeError::Invalid {
                encoding: Encoding::Utf8,
                offset: 0
            }
        );

        let bytes = cp949("똠방각하 Seoul");
        let d = ok(&bytes, Some(Encoding::Cp949));
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("똠방각하 Seoul", Encoding::Cp949)
        );
        // 똠 is not in KS X 1001: strict EUC-KR rejects its CP949 code at offset 0.
        let e = err(&bytes, Some(Encoding::EucKr));
        assert_eq!(
            e,
            DecodeError::Invalid {
                encoding: Encoding::EucKr,
                offset: 0
            }
        );
        // UTF-8 forced on CP949 bytes.
        let e = err(&cp949("ab가"), Some(Encoding::Utf8));
        assert_eq!(
            e,
            DecodeError::Invalid {
                encoding: Encoding::Utf8,
                offset: 2
            }
        );
        // Forcing does not hide binary files.
        assert!(matches!(
            err(b"a\0b", Some(Encoding::Cp949)),
            DecodeError::Binary { .. }
        ));
    }

    #[test]
    fn binary_files_are_refused() {
        let e = err(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR", None);
        assert_eq!(e.to_string(), "not a text file: NUL bytes (binary file?)");
        let e = err(b"\x01\x02\x03\x04abcdef", None);
        assert!(matches!(&e, DecodeError::Binary { reason } if reason.contains("control")));
        // Tabs, form feeds and escapes are text; a stray control character is too.
        ok(b"a\tb\x0cc\x1b[1md\x07 and much more ordinary text", None);
        // A NUL after the first 8 KiB is not looked for.
        let mut late = vec![b'a'; SNIFF_LEN];
        late.push(0);
        assert_eq!(ok(&late, None).text.len(), SNIFF_LEN + 1);
    }

    #[test]
    fn invalid_cp949_reports_its_offset() {
        let mut bytes = cp949(SENTENCE);
        let at = bytes.len();
        bytes.extend([0x81, 0x20]);
        bytes.extend(cp949("끝"));
        let e = err(&bytes, None);
        assert_eq!(
            e,
            DecodeError::Invalid {
                encoding: Encoding::Cp949,
                offset: at
            }
        );
        assert_eq!(
            e.to_string(),
            format!("invalid cp949 byte sequence at byte offset {at}")
        );
        // A lead byte at the very end.
        let mut bytes = cp949(SENTENCE);
        bytes.push(0xB0);
        let at = bytes.len() - 1;
        assert_eq!(
            err(&bytes, None),
            DecodeError::Invalid {
                encoding: Encoding::Cp949,
                offset: at
            }
        );
        assert_eq!(
            err(&bytes, Some(Encoding::Cp949)),
            DecodeError::Invalid {
                encoding: Encoding::Cp949,
                offset: at
            }
        );
    }

    #[test]
    fn broken_utf8_is_reported_as_utf8() {
        // One stray byte in UTF-8 prose.
        let mut bytes = SENTENCE.as_bytes().to_vec();
        let at = bytes.len();
        bytes.push(0xB0);
        bytes.extend("끝.".as_bytes());
        let invalid = DecodeError::Invalid {
            encoding: Encoding::Utf8,
            offset: at,
        };
        assert_eq!(err(&bytes, None), invalid);
        // A file cut in the middle of a character.
        let bytes = &SENTENCE.as_bytes()[..SENTENCE.len() - 2];
        let at = SENTENCE.len() - 4;
        assert_eq!(
            err(bytes, None),
            DecodeError::Invalid {
                encoding: Encoding::Utf8,
                offset: at
            }
        );
    }

    #[test]
    fn euc_kr_cp949_and_johab_are_told_apart() {
        // Only KS X 1001 characters: EUC-KR.
        let d = ok(&cp949(SENTENCE), None);
        assert_eq!((d.text.as_str(), d.encoding), (SENTENCE, Encoding::EucKr));
        // 똠 needs CP949's extension.
        let d = ok(&cp949("똠방각하가 왔다"), None);
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("똠방각하가 왔다", Encoding::Cp949)
        );
        // These words decode cleanly both ways, in both directions; plausibility decides.
        let words = "정치 문화 선거 나라 바다 마음";
        assert!(decode_johab(&cp949(words), &mut String::new()).is_ok());
        assert!(decode_with(encoding_rs::EUC_KR, &johab(words), &mut String::new()).is_ok());
        let d = ok(&cp949(words), None);
        assert_eq!((d.text.as_str(), d.encoding), (words, Encoding::EucKr));
        let d = ok(&johab(words), None);
        assert_eq!((d.text.as_str(), d.encoding), (words, Encoding::Johab));
    }

    #[test]
    fn johab_samples_decode() {
        // "한글" and "韓國 ※ 한" as Python's johab codec writes them.
        let d = ok(b"\xd0\x65\x8b\x69", None);
        assert_eq!((d.text.as_str(), d.encoding), ("한글", Encoding::Johab));
        let bytes = b"\xf7\xdb\xe2\xd0 \xd9\x68 \xd0\x65";
        assert_eq!(ok(bytes, Some(Encoding::Johab)).text, "韓國 ※ 한");
        // Lone jamo and the fill code.
        assert_eq!(
            ok(b"\x88\x41\x84\x61\x84\x44\x84\x41", Some(Encoding::Johab)).text,
            "ㄱㅏㄳ\u{3164}"
        );
        // Every syllable round-trips.
        let all: String = (0xAC00..=0xD7A3).filter_map(char::from_u32).collect();
        assert_eq!(ok(&johab(&all), Some(Encoding::Johab)).text, all);
        // Unassigned codes and the compatibility jamo's KS X 1001 position are errors.
        for bad in [
            &b"\x84\x40"[..],
            b"\xd8\x31",
            b"\xda\xa1",
            b"\xdf\x31",
            b"\xfa\x31",
            b"\xd9\x7f",
        ] {
            let e = err(
                &[b"a longer text \xd0\x65", bad].concat(),
                Some(Encoding::Johab),
            );
            assert_eq!(
                e,
                DecodeError::Invalid {
                    encoding: Encoding::Johab,
                    offset: 16
                },
                "{bad:02x?}"
            );
        }
    }

    #[test]
    fn iso2022kr_samples_decode() {
        // "한글 text" in RFC 1557 form, as Python's iso2022_kr codec writes it.
        let bytes = b"\x1b$)C\x0eGQ1[\x0f text\n";
        let d = ok(bytes, None);
        assert_eq!(
            (d.text.as_str(), d.encoding),
            ("한글 text\n", Encoding::Iso2022Kr)
        );
        // A line end shifts back to ASCII; SO shifts in again.
        let d = ok(b"\x1b$)C\x0eGQ\nGQ\x0eGQ\x0f\r\n", None);
        assert_eq!(d.text, "한\nGQ한\n");
        // A make-up sequence for 쫒 (not in KS X 1001).
        assert_eq!(ok(b"\x1b$)C\x0e$T$9$G$8\x0f", None).text, "쫒");
        // SO before the designator, and a lone byte when shifted.
        let e = err(b"\x0eGQ\x0f", Some(Encoding::Iso2022Kr));
        assert_eq!(
            e,
            DecodeError::Invalid {
                encoding: Encoding::Iso2022Kr,
                offset: 0
            }
        );
        let e = err(b"\x1b$)C\x0eGQG", None);
        assert_eq!(
            e,
            DecodeError::Invalid {
                encoding: Encoding::Iso2022Kr,
                offset: 7
            }
        );
        // Without the designator, 7-bit text is plain UTF-8.
        assert_eq!(ok(b"GQ1[", None).encoding, Encoding::Utf8);
    }

    #[test]
    fn euc_kr_make_up_sequences_compose() {
        // 쫒 as Python's euc_kr codec writes it, then 쓔 with a filler as its final.
        let bytes = b"\xa4\xd4\xa4\xb9\xa4\xc7\xa4\xb8 \xa4\xd4\xa4\xb6\xa4\xd0\xa4\xd4";
        let d = ok(bytes, None);
        assert_eq!((d.text.as_str(), d.encoding), ("쫒 쓔", Encoding::EucKr));
        // An incomplete sequence is the filler and jamo it spells.
        assert_eq!(
            ok(b"\xa4\xd4\xa4\xb9 ok", Some(Encoding::EucKr)).text,
            "\u{3164}ㅉ ok"
        );
        // CP949 does not compose.
        assert_eq!(
            ok(bytes, Some(Encoding::Cp949)).text,
            "\u{3164}ㅉㅗㅈ \u{3164}ㅆㅠ\u{3164}"
        );
    }

    #[test]
    fn plausibility_prefers_everyday_syllables() {
        assert!(plausibility("정치 문화") > plausibility("쥌툃 쥌譏"));
        assert!(plausibility("정치") > plausibility("촋캬"));
        assert!(plausibility("\u{E000}") < plausibility("\u{4E00}"));
    }

    proptest! {
        #[test]
        fn arbitrary_bytes_never_panic(
            bytes in proptest::collection::vec(any::<u8>(), 0..600),
            forced in proptest::option::of(proptest::sample::select(Encoding::NAMES.to_vec())),
        ) {
            let forced = forced.and_then(Encoding::from_name);
            if let Ok(d) = decode(&bytes, forced) {
                prop_assert!(!d.text.contains('\r'));
                if let Some(f) = forced {
                    prop_assert_eq!(d.encoding, f);
                }
                // Legacy encodings have no code for U+FFFD: one would be a silent replacement.
                if !matches!(d.encoding, Encoding::Utf8 | Encoding::Utf16Le | Encoding::Utf16Be) {
                    prop_assert!(!d.text.contains(char::REPLACEMENT_CHARACTER));
                }
            }
        }

        #[test]
        fn korean_looking_bytes_never_panic(
            body in proptest::collection::vec(
                prop_oneof![0x80u8..=0xFF, 0x21u8..=0x7E, Just(0x0E), Just(0x0F), Just(b'\n')],
                0..400,
            ),
            designator in any::<bool>(),
            forced in proptest::option::of(proptest::sample::select(Encoding::NAMES.to_vec())),
        ) {
            let mut bytes = if designator { ISO2022KR_DESIGNATOR.to_vec() } else { Vec::new() };
            bytes.extend(body);
            let _ = decode(&bytes, forced.and_then(Encoding::from_name));
        }

        #[test]
        fn utf8_round_trips(text in any::<String>()) {
            let expected = text.strip_prefix('\u{FEFF}').unwrap_or(&text).replace("\r\n", "\n").replace('\r', "\n");
            match decode(text.as_bytes(), None) {
                Ok(d) if d.encoding == Encoding::Utf8 => prop_assert_eq!(d.text, expected),
                Ok(d) => prop_assert!(d.encoding == Encoding::Iso2022Kr && text.is_ascii()),
                Err(DecodeError::Binary { .. }) => {}
                Err(e) => prop_assert!(
                    matches!(e, DecodeError::Invalid { encoding: Encoding::Iso2022Kr, .. }) && text.is_ascii(),
                    "{}", e
                ),
            }
        }

        #[test]
        fn utf8_text_round_trips(text in "[^\\x00-\\x08\\x0b\\x0e-\\x1f\\x7f]{0,200}") {
            let expected = text.strip_prefix('\u{FEFF}').unwrap_or(&text).replace("\r\n", "\n").replace('\r', "\n");
            let d = decode(text.as_bytes(), None).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(d.encoding, Encoding::Utf8);
            prop_assert_eq!(d.text, expected);
        }

        #[test]
        fn cp949_round_trips_when_forced(text in "[가-힣a-z0-9 .,\n]{0,120}") {
            let d = decode(&cp949(&text), Some(Encoding::Cp949)).map_err(|e| TestCaseError::fail(e.to_string()))?;
            prop_assert_eq!(d.text, text);
        }
    }
}
