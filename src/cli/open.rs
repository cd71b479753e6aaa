//! Opening what a subcommand reads, the same way for every subcommand: the dictionary, the
//! index (checked as asked), and a searcher with its expansions.

use std::path::Path;
use std::sync::Arc;

use super::{ExpandArgs, IndexArg, VerifyArg};
use crate::dictionary::KoDictionary;
use crate::index::KoIndex;
use crate::search::Searcher;
use crate::search::synonyms::Synonyms;

/// How much of an index to check against its checksums when opening it.
#[derive(Debug, Clone, Copy)]
pub enum Verify {
    /// Nothing beyond what opening reads (the caller checks).
    Nothing,
    /// The smallest files, this many bytes in all.
    Smallest(u64),
    /// Every file.
    All,
}

/// The Korean dictionary built into this kosearch.
pub fn dictionary() -> anyhow::Result<Arc<KoDictionary>> {
    Ok(Arc::new(KoDictionary::open_default()?))
}

/// The index at `path`, with its analyser, checked as `verify` says. Opening compares the
/// schema, analyser and dictionary the index records with this kosearch.
pub fn index(path: &Path, verify: Verify) -> anyhow::Result<KoIndex> {
    let ko = KoIndex::open(path, dictionary()?)?;
    match verify {
        Verify::Nothing => {}
        Verify::Smallest(budget) => {
            ko.verify(Some(budget))?;
        }
        Verify::All => {
            ko.verify(None)?;
        }
    }
    Ok(ko)
}

/// A searcher over the index `index` names, checked as `verify` asks, expanding queries as
/// `expand` asks (the synonyms file and the aliases mined from the index, or nothing).
pub fn searcher(
    index: &IndexArg,
    verify: &VerifyArg,
    expand: &ExpandArgs,
) -> anyhow::Result<Searcher> {
    let ko = self::index(&index.path(), verify.verify())?;
    let searcher = Searcher::new(ko)?;
    if !expand.no_expand {
        let synonyms = Synonyms::for_index(searcher.index(), expand.file().as_deref())?;
        searcher.set_synonyms(synonyms);
    }
    Ok(searcher)
}
