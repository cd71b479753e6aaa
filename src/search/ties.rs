//! Ties at the cut-off of a page, broken the same way whatever built the index.
//!
//! tantivy's top-k collector keeps, among passages with equal scores, those that come first in
//! the index's document order, and that order depends on the runs that built the index (a run
//! killed and finished by the next lays documents out differently from a clean build). So a
//! page keeps the best `n + 1` and every passage tied with the last of them, in one pass
//! ([`Best`]: the collector [`TopWithTies`], and [`super::prune::top`]); when the `n`-th and
//! the next tie, [`cut_complete`] keeps all of that score, and the caller sorts them by score,
//! article and passage and only then cuts. (A second pass for the ties, as `reference` makes
//! it for the tests, cost as much as the first, and an index that holds articles more than
//! once, copies in two folders or a feed saved twice, ties at nearly every cut.)

use std::cmp::Ordering;
use std::collections::BinaryHeap;

use tantivy::collector::{Collector, SegmentCollector};
use tantivy::{DocAddress, DocId, Score, SegmentOrdinal, SegmentReader};

/// A hit in the heap of the best: the worst on top.
struct Entry((Score, DocAddress));

impl PartialEq for Entry {
    fn eq(&self, other: &Self) -> bool {
        self.cmp(other) == Ordering::Equal
    }
}

impl Eq for Entry {}

impl PartialOrd for Entry {
    fn partial_cmp(&self, other: &Self) -> Option<Ordering> {
        Some(self.cmp(other))
    }
}

impl Ord for Entry {
    /// Greater is worse: a lower score, or the same score later in the index.
    fn cmp(&self, other: &Self) -> Ordering {
        order(&self.0, &other.0)
    }
}

/// The best `k` passages offered, and those that tie with the `k`-th but came later.
pub(crate) struct Best {
    k: usize,
    heap: BinaryHeap<Entry>,
    /// Passages outside the heap with the score of its worst (in no particular order: the
    /// caller sorts what it keeps).
    tied: Vec<(Score, DocAddress)>,
}

impl Best {
    /// Room for the best `k`.
    pub(crate) fn new(k: usize) -> Best {
        Best {
            k,
            heap: BinaryHeap::with_capacity(k + 1),
            tied: Vec::new(),
        }
    }

    /// The best `k` (best first, then by position), followed by every other passage tied
    /// with the `k`-th.
    pub(crate) fn into_list(self) -> Vec<(Score, DocAddress)> {
        let mut top: Vec<(Score, DocAddress)> = self.heap.into_iter().map(|e| e.0).collect();
        top.sort_by(order);
        top.extend(self.tied);
        top
    }

    /// The score a passage must reach to be kept: the heap's worst once it is full (none
    /// when `k` is 0).
    pub(crate) fn worst(&self) -> Score {
        match self.heap.peek() {
            _ if self.k == 0 => Score::INFINITY,
            Some(e) if self.heap.len() >= self.k => e.0.0,
            _ => Score::NEG_INFINITY,
        }
    }

    /// Keeps `doc` if it is among the best `k` so far or ties with the `k`-th.
    pub(crate) fn offer(&mut self, score: Score, doc: DocAddress) {
        let entry = Entry((score, doc));
        if self.heap.len() < self.k {
            self.heap.push(entry);
            return;
        }
        let Some(worst) = self.heap.peek() else {
            return;
        };
        if entry < *worst {
            let out = self.heap.pop().map(|e| e.0);
            self.heap.push(entry);
            let worst = self.worst();
            self.tied.retain(|t| t.0 == worst);
            self.tied.extend(out.filter(|o| o.0 == worst));
        } else if score == worst.0.0 {
            self.tied.push((score, doc));
        }
    }
}

/// Best first, then by position in the index.
pub(crate) fn order(a: &(Score, DocAddress), b: &(Score, DocAddress)) -> Ordering {
    b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1))
}

/// Collects the best `k` matching passages and every other one tied with the `k`-th, as
/// [`Best::into_list`] gives them (what [`cut_complete`] reads).
pub(crate) struct TopWithTies(pub usize);

pub(crate) struct SegmentTopWithTies {
    segment: SegmentOrdinal,
    best: Best,
}

impl Collector for TopWithTies {
    type Fruit = Vec<(Score, DocAddress)>;
    type Child = SegmentTopWithTies;

    fn for_segment(
        &self,
        segment: SegmentOrdinal,
        _reader: &SegmentReader,
    ) -> tantivy::Result<SegmentTopWithTies> {
        Ok(SegmentTopWithTies {
            segment,
            best: Best::new(self.0),
        })
    }

    fn requires_scoring(&self) -> bool {
        true
    }

    /// A passage tied with the `k`-th of all segments is among its own segment's best `k` or
    /// tied with that segment's `k`-th: were that segment's `k`-th better, `k` passages of it
    /// alone would beat it.
    fn merge_fruits(&self, fruits: Vec<Vec<(Score, DocAddress)>>) -> tantivy::Result<Self::Fruit> {
        let mut all: Vec<(Score, DocAddress)> = fruits.into_iter().flatten().collect();
        all.sort_by(order);
        // (With `k` 0 the segments kept nothing.)
        if let Some(&(worst, _)) = self.0.checked_sub(1).and_then(|i| all.get(i)) {
            all.retain(|(score, _)| *score >= worst);
        }
        Ok(all)
    }
}

impl SegmentCollector for SegmentTopWithTies {
    type Fruit = Vec<(Score, DocAddress)>;

    fn collect(&mut self, doc: DocId, score: Score) {
        self.best.offer(score, DocAddress::new(self.segment, doc));
    }

    fn harvest(self) -> Self::Fruit {
        self.best.into_list()
    }
}

/// As `reference::cut`, for a list that holds every passage tied with its last already (as
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

/// The cut in two passes, as pages were cut before [`Best`]: the tests' reference.
#[cfg(test)]
pub(crate) mod reference {
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

        fn merge_fruits(
            &self,
            fruits: Vec<Vec<(Score, DocAddress)>>,
        ) -> tantivy::Result<Self::Fruit> {
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
}

#[cfg(test)]
mod tests {
    use super::reference::cut;
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
