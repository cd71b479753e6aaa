//! KS X 1001, the Korean character set behind EUC-KR, CP949, ISO-2022-KR and Johab, and the
//! Hangul arithmetic the decoders need: the character table and the set of its 2,350 everyday
//! syllables (both derived once from `encoding_rs`), compatibility jamo, precomposed
//! syllables, and the Annex 3 make-up sequences that spell the syllables the set lacks.

use std::sync::OnceLock;

/// KS X 1001 row 4 (compatibility jamo): column of the Hangul filler.
const FILLER_COL: u8 = 0x54;

/// For each compatibility consonant ㄱ..ㅎ (U+3131..=U+314E, KS X 1001 row 4 columns
/// `21..=3E`), its index among the 19 initial consonants, if it can be one.
pub(super) const COMPAT_TO_INITIAL: [Option<u8>; 30] = {
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
pub(super) const COMPAT_TO_FINAL: [Option<u8>; 30] = {
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
pub(super) fn compat_jamo_of(table: &[Option<u8>; 30], index: u8) -> Option<char> {
    let k = table.iter().position(|&x| x == Some(index))?;
    char::from_u32(0x3131 + k as u32)
}

/// The precomposed syllable of an initial (0..19), medial (0..21) and final (0..28, 0 = none).
pub(super) fn syllable(initial: u32, medial: u32, fin: u32) -> Option<char> {
    (initial < 19 && medial < 21 && fin < 28)
        .then(|| char::from_u32(0xAC00 + (initial * 21 + medial) * 28 + fin))
        .flatten()
}

/// A KS X 1001:1998 Annex 3 make-up sequence at the start of `bytes`: four row-4 characters,
/// filler, initial, medial, and final or filler. `high` is `0x80` for EUC-KR, `0` for the
/// 7-bit form.
pub(super) fn make_up_syllable(bytes: &[u8], high: u8) -> Option<char> {
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
pub(super) struct Tables {
    /// KS X 1001, row-major from (0x21, 0x21); `None` where unassigned.
    pub(super) ksx1001: Vec<Option<char>>,
    /// One bit per Hangul syllable (from U+AC00): set for the 2,350 in KS X 1001.
    pub(super) common: Vec<u64>,
}

/// The tables, built on first use (a few thousand lookups in `encoding_rs`).
pub(super) fn tables() -> &'static Tables {
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
pub(super) fn ksx1001(row: u8, col: u8) -> Option<char> {
    let range = 0x21..=0x7E;
    if !range.contains(&row) || !range.contains(&col) {
        return None;
    }
    tables().ksx1001[ksx1001_index(row, col)]
}

/// The index in [`Tables::ksx1001`] of `row`, `col` (each `21..=7E`).
pub(super) fn ksx1001_index(row: u8, col: u8) -> usize {
    usize::from(row - 0x21) * 94 + usize::from(col - 0x21)
}

/// The index of a precomposed Hangul syllable from U+AC00.
pub(super) fn syllable_index(c: char) -> Option<usize> {
    let index = u32::from(c).checked_sub(0xAC00)?;
    (index < 11172).then_some(index as usize)
}
