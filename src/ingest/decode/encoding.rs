//! The encodings kosearch reads ([`Encoding`]): their canonical names, the aliases users and
//! other tools give them, and the byte order marks that name three of them ([`bom`]).

use std::fmt;

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

/// The encoding a byte order mark at the start of `bytes` names, and the mark's length.
pub(super) fn bom(bytes: &[u8]) -> Option<(Encoding, usize)> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
