//! Whether bytes are text at all, before any decoding: a NUL, or more than 10% control
//! characters (other than tab, line ends, form feed and escape; SO and SI too for ISO-2022-KR),
//! in the first [`SNIFF_LEN`] bytes make a file binary. UTF-16 is checked on code units, and a
//! binary-looking file that is really UTF-16 without a byte order mark is recognised
//! ([`utf16_without_bom`]) so the error can say so.

use super::encoding::Encoding;
use super::legacy::contains_designator;
use super::outcome::DecodeError;

/// How much of the start of a file is examined for signs of binary content.
pub(super) const SNIFF_LEN: usize = 8 * 1024;

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
pub(super) fn utf16_without_bom(bytes: &[u8]) -> Option<Encoding> {
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
pub(super) fn sniff_bytes(bytes: &[u8], iso2022kr: bool) -> Result<(), DecodeError> {
    let sample = &bytes[..bytes.len().min(SNIFF_LEN)];
    let shifts_ok = iso2022kr || contains_designator(sample);
    sniff(sample.iter().map(|&b| u16::from(b)), shifts_ok)
}

/// The binary check for UTF-16, on code units.
pub(super) fn sniff_utf16(bytes: &[u8], big_endian: bool) -> Result<(), DecodeError> {
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
