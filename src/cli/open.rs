//! Opening what a subcommand reads, the same way for every subcommand: the dictionary, the
//! index (checked as asked), and a searcher with its expansions.

use std::path::Path;
use std::sync::Arc;

use super::{ExpandArgs, IndexArg, VerifyArg};
use crate::dictionary::KoDictionary;
use crate::index::{KoIndex, aliases};
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

impl Verify {
    /// The budget to check with ([`KoIndex::verify`]): `None` for nothing, `Some(None)` for
    /// every file.
    fn budget(self) -> Option<Option<u64>> {
        match self {
            Verify::Nothing => None,
            Verify::Smallest(bytes) => Some(Some(bytes)),
            Verify::All => Some(None),
        }
    }
}

/// The Korean dictionary built into this kosearch.
pub fn dictionary() -> anyhow::Result<Arc<KoDictionary>> {
    Ok(Arc::new(KoDictionary::open_default()?))
}

/// The index at `path`, with its analyser, checked as `verify` says. Opening compares the
/// schema, analyser and dictionary the index records with this kosearch.
pub fn index(path: &Path, verify: Verify) -> anyhow::Result<KoIndex> {
    let ko = KoIndex::open(path, dictionary()?)?;
    if let Some(budget) = verify.budget() {
        ko.verify(budget)?;
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
    let path = index.path();
    let verify = verify.verify();
    std::thread::scope(|s| {
        // The checksums are checked and the mined aliases read while the dictionary and the
        // index open: most of a search process is opening things, and a second core is
        // usually idle meanwhile.
        let side = s.spawn(|| -> crate::Result<_> {
            if let Some(budget) = verify.budget() {
                crate::index::verify_folder(&path, budget)?;
            }
            match expand.no_expand {
                true => Ok(None),
                false => aliases::load_keys(&path).map(Some),
            }
        });
        let ko = KoIndex::open(&path, dictionary()?)?;
        // Nothing reads the index's files before they have passed their checks.
        let aliases = side
            .join()
            .map_err(|_| anyhow::anyhow!("{}: checking the index failed", path.display()))??;
        let searcher = Searcher::new(ko)?;
        if let Some(aliases) = aliases {
            let file = expand.file();
            let synonyms = Synonyms::with_aliases(searcher.index(), file.as_deref(), aliases)?;
            searcher.set_synonyms(synonyms);
        }
        Ok(searcher)
    })
}
