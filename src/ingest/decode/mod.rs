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
//!
//! The parts, each using only those listed after it: detection (`detect.rs`), strict decoding
//! in a known encoding (`strict.rs`), the binary check (`sniff.rs`), the hand-written Korean
//! decoders (`legacy.rs`), the KS X 1001 tables and Hangul arithmetic they share
//! (`ksx1001.rs`), what decoding yields (`outcome.rs`), and the encodings with their names
//! (`encoding.rs`).

mod detect;
mod encoding;
mod ksx1001;
mod legacy;
mod outcome;
mod sniff;
mod strict;

use detect::detect;
use encoding::bom;
use strict::decode_as;

pub use encoding::Encoding;
pub use outcome::{DecodeError, Decoded};

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

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::ksx1001::syllable_index;
    use super::legacy::{ISO2022KR_DESIGNATOR, decode_johab};
    use super::sniff::SNIFF_LEN;
    use super::strict::decode_with;
    use super::*;

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
            assert_eq!(e.encoding_to_try().map(|e| e.name()), Some(want), "{e}");
            assert!(e.to_string().contains(want), "{e}");
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
