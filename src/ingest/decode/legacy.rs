//! The byte-oriented Korean encodings decoded here rather than by `encoding_rs`: EUC-KR with
//! KS X 1001 Annex 3 make-up sequences, ISO-2022-KR (RFC 1557) and Johab (code page 1361).
//! Each decoder appends to a string and on failure returns the offset of the first invalid
//! byte, the text before it already written.

use super::ksx1001::{
    COMPAT_TO_FINAL, COMPAT_TO_INITIAL, compat_jamo_of, ksx1001, ksx1001_index, make_up_syllable,
    syllable, tables,
};

/// The ISO-2022-KR designation of KS X 1001 as the G1 set.
pub(super) const ISO2022KR_DESIGNATOR: &[u8; 4] = b"\x1b$)C";

/// Whether `bytes` holds the ISO-2022-KR designator.
pub(super) fn contains_designator(bytes: &[u8]) -> bool {
    bytes.windows(4).any(|w| w == ISO2022KR_DESIGNATOR)
}

/// A byte of the EUC-KR two-byte range.
fn is_gr94(b: u8) -> bool {
    (0xA1..=0xFE).contains(&b)
}

/// EUC-KR: ASCII, and KS X 1001 with both bytes in `A1..=FE`, including make-up sequences.
pub(super) fn decode_euc_kr(bytes: &[u8], out: &mut String) -> Result<(), usize> {
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
pub(super) fn decode_iso2022kr(bytes: &[u8], out: &mut String) -> Result<(), usize> {
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
pub(super) fn decode_johab(bytes: &[u8], out: &mut String) -> Result<(), usize> {
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
