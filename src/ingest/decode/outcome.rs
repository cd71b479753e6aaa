//! What decoding a file yields: its text and how it was encoded ([`Decoded`]), or why its
//! bytes could not be read as text ([`DecodeError`]).

use super::encoding::Encoding;

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
    /// NUL bytes in a file that reads as UTF-16 text in this byte order, with no byte-order
    /// mark to say so.
    #[error("not a text file: NUL bytes; it looks like {0} text without a byte-order mark")]
    Utf16WithoutBom(Encoding),
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

impl DecodeError {
    /// The encoding to force for a file that would then decode.
    pub fn encoding_to_try(&self) -> Option<Encoding> {
        match self {
            DecodeError::Utf16WithoutBom(encoding) => Some(*encoding),
            _ => None,
        }
    }
}
