//! Ties at the cut-off of a page, broken the same way whatever built the index.
//!
//! tantivy's top-k collector keeps, among passages with equal scores, those that come first in
//! the index's document order, and that order depends on the runs that built the index (a run
//! killed and finished by the next lays documents out differently from a clean build). So the
//! page is cut in two steps: the best `n + 1`, and when the last two tie, every passage with
//! that score ([`ScoreEquals`]); the caller sorts them all by score, article and passage, and
//! only then cuts.

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// Collects every matching document whose score is exactly `score`.
pub(crate) struct ScoreEquals(pub Score);

pub(crate) struct SegmentScoreEquals {
    score: Score,
    segment: SegmentOrdinal,
    docs: Vec<(Score, DocAddress)>,
}

impl Collector for ScoreEquals {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = SegmentScoreEquals;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<SegmentScoreEquals> {
        Ok(SegmentScoreEquals {
            score: self.0,
            segment,
            docs: Vec::new(),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    fn merge_fruits(&self, fruits: Vec<Vec<(Score, DocAddress)>>) -> tantivy::Result<Self::Fruit> {
        Ok(fruits.into_iter().flatten().collect())
    }
}

impl SegmentCollector for SegmentScoreEquals {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        if score == self.score {
            self.docs.push((score, DocAddress::new(self.segment, doc)));
        }
    }

    fn harvest(self) -> Self::Fruit {
        self.docs
    }
}

/// The best `n` of `top` (sorted best first, holding `n + 1` when there are that many), or,
/// when the `n`-th and the next tie, those above their score: the caller then adds every
/// passage with that score, found by [`ScoreEquals`]. Returns the tied score, if any.
pub(crate) fn cut(top: &mut Vec<(Score, DocAddress)>, n: usize) -> Option<Score> {
    if n == 0 || top.len() <= n || top[n].0 != top[n - 1].0 {
        top.truncate(n);
        return None;
    }
    let tied = top[n - 1].0;
    top.retain(|(score, _)| *score > tied);
    Some(tied)
}

/// As [`cut`], for a list that holds every passage tied with its last already (as
/// [`super::prune::top`] gives): the best `n`, or, when the `n`-th and the next tie,
/// everything down to their score.
pub(crate) fn cut_complete(top: &mut Vec<(Score, DocAddress)>, n: usize) {
    if n == 0 || top.len() <= n || top[n].0 != top[n - 1].0 {
        top.truncate(n);
        return;
    }
    let tied = top[n - 1].0;
    top.retain(|(score, _)| *score >= tied);
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hits(scores: &[f32]) -> Vec<(Score, DocAddress)> {
        scores
            .iter()
            .enumerate()
            .map(|(i, &s)| (s, DocAddress::new(0, i as u32)))
            .collect()
    }

    #[test]
    fn a_tie_across_the_cut_is_left_to_the_caller() {
        let mut top = hits(&[3.0, 2.0, 1.0, 1.0]);
        assert_eq!(cut(&mut top, 3), Some(1.0));
        assert_eq!(top, hits(&[3.0, 2.0]));
        let mut top = hits(&[3.0, 2.0, 2.0, 1.0]);
        assert_eq!(cut(&mut top, 3), None);
        assert_eq!(top.len(), 3);
        let mut top = hits(&[3.0, 2.0]);
        assert_eq!(cut(&mut top, 3), None);
        assert_eq!(top.len(), 2);
    }

    #[test]
    fn a_complete_list_keeps_its_ties_across_the_cut() {
        let mut top = hits(&[3.0, 2.0, 1.0, 1.0, 1.0]);
        cut_complete(&mut top, 3);
        assert_eq!(top, hits(&[3.0, 2.0, 1.0, 1.0, 1.0]));
        let mut top = hits(&[3.0, 2.0, 2.0, 1.0, 1.0]);
        cut_complete(&mut top, 3);
        assert_eq!(top, hits(&[3.0, 2.0, 2.0]));
        let mut top = hits(&[3.0, 2.0, 2.0]);
        cut_complete(&mut top, 1);
        assert_eq!(top, hits(&[3.0]));
    }
}
