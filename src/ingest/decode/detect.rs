//! Which encoding a file is in when nobody says: the detection order of the
//! [decode module docs](super), and for bytes that are neither UTF-8 nor UTF-16 the choice
//! between CP949/EUC-KR and Johab by which reading looks more like Korean ([`plausibility`]).

use std::borrow::Cow;

use super::encoding::{Encoding, bom};
use super::ksx1001::{make_up_syllable, syllable_index, tables};
use super::legacy::{contains_designator, decode_johab};
use super::outcome::{DecodeError, Decoded};
use super::sniff::{sniff_bytes, utf16_without_bom};
use super::strict::{decode_as, decode_legacy, normalize_line_ends};

/// Detection, in the order the module docs give.
pub(super) fn detect(bytes: &[u8]) -> Result<Decoded, DecodeError> {
    if let Some((encoding, bom_len)) = bom(bytes) {
        return decode_as(bytes, bom_len, encoding);
    }
    if let Err(e) = sniff_bytes(bytes, false) {
        return Err(match utf16_without_bom(bytes) {
            Some(encoding) => DecodeError::Utf16WithoutBom(encoding),
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

    #[test]
    fn plausibility_prefers_everyday_syllables() {
        assert!(plausibility("정치 문화") > plausibility("쥌툃 쥌譏"));
        assert!(plausibility("정치") > plausibility("촋캬"));
        assert!(plausibility("\u{E000}") < plausibility("\u{4E00}"));
    }
}
