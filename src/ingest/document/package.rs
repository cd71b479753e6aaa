//! A zip archive read within a budget (DOCX and HWPX are zip archives of XML parts): each
//! part is inflated through a counting reader that stops at the per-part cap and at what is
//! left of the document's [`MAX_INFLATED`], whatever sizes the archive declares.

use std::io::Cursor;

use super::{DocumentError, MAX_INFLATED, read_capped};
use crate::ingest::Format;

/// Most entries an archive may list.
const MAX_ENTRIES: usize = 20_000;
/// Most bytes one part may inflate to.
const MAX_PART: u64 = 128 << 20;

/// An open archive and what has been inflated from it so far.
pub(super) struct Package<'a> {
    archive: zip::ZipArchive<Cursor<&'a [u8]>>,
    format: Format,
    inflated: u64,
}

impl<'a> Package<'a> {
    /// Opens the archive in `bytes`, read as `format` (for messages).
    pub(super) fn open(bytes: &'a [u8], format: Format) -> Result<Package<'a>, DocumentError> {
        let archive = zip::ZipArchive::new(Cursor::new(bytes))
            .map_err(|e| DocumentError::damaged(format, format!("not a readable zip: {e}")))?;
        if archive.len() > MAX_ENTRIES {
            return Err(DocumentError::Budget(format!(
                "an archive of {} entries (at most {MAX_ENTRIES})",
                archive.len()
            )));
        }
        Ok(Package {
            archive,
            format,
            inflated: 0,
        })
    }

    /// The names of the entries, in archive order.
    pub(super) fn names(&self) -> Vec<String> {
        self.archive
            .file_names()
            .filter_map(|n| n.ok().map(|n| n.into_owned()))
            .collect()
    }

    /// Whether the archive holds `name`.
    pub(super) fn has(&self, name: &str) -> bool {
        self.archive.index_for_name(name).is_some()
    }

    /// The bytes of part `name`, or `None` when the archive has no such part.
    pub(super) fn part(&mut self, name: &str) -> Result<Option<Vec<u8>>, DocumentError> {
        let format = self.format;
        let left = MAX_INFLATED.saturating_sub(self.inflated);
        let cap = MAX_PART.min(left);
        let mut file = match self.archive.by_name(name) {
            Ok(f) => f,
            Err(zip::result::ZipError::FileNotFound) => return Ok(None),
            Err(zip::result::ZipError::UnsupportedArchive(why)) => {
                return Err(DocumentError::Protected(format!(
                    "{name} cannot be read: {why} (an encrypted archive?)"
                )));
            }
            Err(e) => return Err(DocumentError::damaged(format, format!("{name}: {e}"))),
        };
        if file.encrypted() {
            return Err(DocumentError::Protected(format!(
                "{name} is encrypted with a password"
            )));
        }
        let out = read_capped(&mut file, cap)
            .map_err(|e| DocumentError::damaged(format, format!("{name}: {e}")))?
            .ok_or_else(|| {
                DocumentError::Budget(format!(
                    "{name} inflates past {} MiB (a zip bomb?)",
                    cap >> 20
                ))
            })?;
        self.inflated += out.len() as u64;
        Ok(Some(out))
    }

    /// Part `name` as UTF-8 text (a byte order mark dropped), or `None` when absent.
    pub(super) fn text(&mut self, name: &str) -> Result<Option<String>, DocumentError> {
        let Some(bytes) = self.part(name)? else {
            return Ok(None);
        };
        let bytes = bytes
            .strip_prefix(b"\xEF\xBB\xBF")
            .unwrap_or(&bytes)
            .to_vec();
        String::from_utf8(bytes).map(Some).map_err(|e| {
            DocumentError::damaged(
                self.format,
                format!(
                    "{name} is not UTF-8 at byte {}",
                    e.utf8_error().valid_up_to()
                ),
            )
        })
    }
}

/// DOCX or HWPX, by the parts a zip archive holds; `None` for other archives.
pub(super) fn sniff(bytes: &[u8]) -> Option<Format> {
    let mut package = Package::open(bytes, Format::Docx).ok()?;
    if package.has("word/document.xml") {
        return Some(Format::Docx);
    }
    if package.has("Contents/content.hpf") {
        return Some(Format::Hwpx);
    }
    let mimetype = package.part("mimetype").ok()??;
    (mimetype.trim_ascii() == b"application/hwp+zip").then_some(Format::Hwpx)
}
