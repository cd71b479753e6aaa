//! Decoding in a known encoding, strictly: a byte sequence invalid in the encoding is an error
//! with its offset, never a U+FFFD. UTF-8 is validated in place, UTF-16 and CP949 are decoded
//! by `encoding_rs`, EUC-KR, ISO-2022-KR and Johab by [`super::legacy`]. Line ends become `\n`.

use std::borrow::Cow;

use encoding_rs::DecoderResult;

use super::encoding::Encoding;
use super::legacy::{decode_euc_kr, decode_iso2022kr, decode_johab};
use super::outcome::{DecodeError, Decoded};
use super::sniff::{sniff_bytes, sniff_utf16};

/// Decodes `bytes[bom_len..]` strictly as `encoding`.
pub(super) fn decode_as(
    bytes: &[u8],
    bom_len: usize,
    encoding: Encoding,
) -> Result<Decoded, DecodeError> {
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
pub(super) fn decode_legacy(
    bytes: &[u8],
    encoding: Encoding,
    out: &mut String,
) -> Result<(), usize> {
    match encoding {
        Encoding::EucKr => decode_euc_kr(bytes, out),
        Encoding::Iso2022Kr => decode_iso2022kr(bytes, out),
        Encoding::Johab => decode_johab(bytes, out),
        // windows-949, which WHATWG (and so encoding_rs) calls EUC-KR.
        _ => decode_with(encoding_rs::EUC_KR, bytes, out),
    }
}

/// `text` with `\r\n` and lone `\r` turned into `\n`; copies only what must be copied.
pub(super) fn normalize_line_ends(text: Cow<'_, str>) -> String {
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

/// Decodes with an `encoding_rs` decoder, strictly. Returns the offset of the first malformed
/// sequence on failure.
pub(super) fn decode_with(
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
