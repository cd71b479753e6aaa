//! The best hits of a query without scoring every bonus: the query's words decide which
//! passages match, and the bonuses (pairs of neighbouring terms, shared character bigrams;
//! see `compile`) only reorder them. A passage whose words' score, plus the most its bonuses
//! could add, stays below the `k`-th best score so far cannot enter the top `k`: its bonuses
//! are not looked up. Every match is still counted.
//!
//! The result is the one tantivy's `(Count, TopDocs)` gives for the whole query: the same
//! scores, added in the same order (words, then bonuses, as tantivy's required-optional
//! scorer does), the same count, and the same score at every place of the top `k` (which
//! passages of equal score fill the last places may differ; [`super::ties`] settles those).
//! A bonus term's score is below its weight (IDF × (k1 + 1) × its clause's weight), so the
//! sum of those weights, with a margin for rounding, bounds the bonus.
//!
//! The same pass keeps every passage that ties with the `k`-th best, so that a tie across a
//! page's cut ([`super::ties`]) needs no second pass over the matches: an index holding the
//! same article several times (copies in two folders, a feed saved twice) ties at most
//! places, and the second pass cost as much as the first.
//!
//! A query that matches much of the index goes through [`maxscore`] first, which scores only
//! the passages holding one of its essential terms, when its costs say that pays.

use tantivy::query::{Bm25StatisticsProvider, EnableScoring, Query};
use tantivy::{DocAddress, DocSet, Score, Searcher, TERMINATED, Term};

use super::bm25;
use super::maxscore::{self, Costs};
use super::ties::Best;

/// A query split for pruning: what matches and scores, and the bonus that only adds.
pub(crate) struct Split {
    /// The words: which passages match, and their score.
    pub(crate) required: Box<dyn Query>,
    /// The bonus clauses, as one query of optional clauses.
    pub(crate) bonus: Box<dyn Query>,
    /// Each bonus term with its clause's weight, for the bound.
    pub(crate) bonus_terms: Vec<(Term, Score)>,
    /// The query's terms and how their scores combine, for the pass over its essential
    /// terms ([`maxscore`]); `None` where that pass cannot score as tantivy does.
    pub(crate) shape: Option<maxscore::Shape>,
}

impl Split {
    /// The most the bonus can add to a passage's score.
    fn bound(&self, stats: &dyn Bm25StatisticsProvider) -> tantivy::Result<Score> {
        let docs = stats.total_num_docs()?;
        let mut sum = 0.0;
        for (term, weight) in &self.bonus_terms {
            let idf = bm25::idf(stats.doc_freq(term)?, docs);
            sum += idf * (1.0 + bm25::K1) * weight;
        }
        Ok(margin(sum))
    }
}

/// `bound` widened for rounding in the sums the scorers make, whatever their order.
pub(crate) fn margin(bound: Score) -> Score {
    bound * 1.001 + 1e-4
}

/// The number of passages `split` matches, and its best `k` (best first) followed by every
/// other passage that ties with the `k`-th (by position), read as [`super::ties`] expects
/// them.
pub(crate) fn top(
    searcher: &Searcher,
    stats: &dyn Bm25StatisticsProvider,
    split: &Split,
    k: usize,
) -> tantivy::Result<(usize, Vec<(Score, DocAddress)>)> {
    let bound = split.bound(stats)?;
    if let Some(shape) = &split.shape {
        let (required, costs) = (&*split.required, Costs::MEASURED);
        if let Some(found) = maxscore::top(searcher, stats, required, shape, k, bound, costs)? {
            return Ok(found);
        }
    }
    let scoring = EnableScoring::enabled_from_statistics_provider(stats, searcher);
    let required = split.required.weight(scoring)?;
    let bonus = split.bonus.weight(scoring)?;
    let mut best = Best::new(k);
    let mut total = 0;
    for (ord, reader) in searcher.segment_readers().iter().enumerate() {
        let mut words = required.scorer(reader, 1.0)?;
        let mut extra = bonus.scorer(reader, 1.0)?;
        let alive = reader.alive_bitset();
        let mut doc = words.doc();
        while doc != TERMINATED {
            if alive.is_none_or(|a| a.is_alive(doc)) {
                total += 1;
                let mut score = words.score();
                if score + bound >= best.worst() {
                    if extra.doc() < doc {
                        extra.seek(doc);
                    }
                    if extra.doc() == doc {
                        score += extra.score();
                    }
                    best.offer(score, DocAddress::new(ord as u32, doc));
                }
            }
            doc = words.advance();
        }
    }
    Ok((total, best.into_list()))
}
