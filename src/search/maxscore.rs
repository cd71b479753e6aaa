//! The best hits of a query that matches much of the index, scoring only the passages that
//! hold one of its essential terms (MaxScore), for [`super::prune`].
//!
//! Every term of the query, of its words and of its bonuses, adds at most its bound to a
//! passage's score (BM25 and BM25F stay below IDF × (k1 + 1) times their weight). Sorted by
//! bound, the terms whose bounds add up to less than the `k`-th best score cannot lift a
//! passage into the top `k` on their own: a passage holding none of the other, essential,
//! terms is counted but not scored. The `k`-th best score is not known in advance; the best
//! `k` of the passages holding the terms of the highest bounds give a lower bound of it (the
//! floor), and the terms are measured against that.
//!
//! A passage scored here gets exactly the score a pass over every match gives: tantivy's
//! scorers of the whole query buffer 4,096 documents at a time, so moving them to scattered
//! passages would score nearly everything anyway; instead each term's own scorer is moved,
//! and their scores are combined as tantivy's boolean scorers combine them: the clauses that
//! match added in the order of the query from 0.0, alternatives taking the best (tie
//! breaker 0), a clause that excludes dropping the passage, weights multiplied into the
//! terms' scorers from the outside in. Unit tests in `compile/tests.rs` hold every match's
//! score against tantivy's bit for bit, every term's best score against its bound, and
//! every place of the top `k` against tantivy's own pass.
//!
//! A phrase is one term here, scored by tantivy (BM25 with its own k1 over the phrase's
//! frequency, the IDFs of its words added). Queries with a required clause (tantivy orders an
//! intersection's scorers by their length) are left to the pass over every match.

use tantivy::query::{Bm25StatisticsProvider, BooleanQuery, EnableScoring, Query, Scorer, Weight};
use tantivy::{DocAddress, DocId, DocSet, Score, Searcher, SegmentReader, TERMINATED, Term};

use super::bm25;
use super::plan::Plan;
use super::query::Occur;
use super::ties::Best;
use crate::index::schema::Fields;

/// A query's terms and how their scores combine: the words, and the bonus.
pub(crate) struct Shape {
    leaves: Vec<Leaf>,
    words: Node,
    bonus: Node,
}

/// One term of the query, or one phrase.
struct Leaf {
    /// The term as a query.
    query: Box<dyn Query>,
    /// The product of the weights above it, handed to its scorer as tantivy does.
    boost: Score,
    /// The terms whose IDFs its score adds up (the text's, for a BM25F term of text and
    /// title; every term of a phrase), and the k1 it saturates with: its score stays below
    /// their sum × (k1 + 1) × `boost`.
    idf: Vec<Term>,
    k1: Score,
    /// Its postings: one term, the text's and the title's, or the terms of a phrase.
    postings: Vec<Term>,
    /// Whether a passage must hold every one of `postings` (a phrase) or one of them.
    all: bool,
    /// Whether it adds to a score (not under a clause that excludes).
    adds: bool,
    /// Whether it is one of the bonus's terms.
    bonus: bool,
}

impl Leaf {
    /// What its score stays below.
    fn bound(&self, stats: &dyn Bm25StatisticsProvider, docs: u64) -> tantivy::Result<Score> {
        let mut idf = 0.0;
        for term in &self.idf {
            idf += bm25::idf(stats.doc_freq(term)?, docs);
        }
        Ok(idf * (1.0 + self.k1) * self.boost)
    }
}

/// How the scores of the terms combine, as tantivy's scorers combine them.
enum Node {
    Leaf(usize),
    /// A boolean query of optional and excluding clauses: the optional ones that match,
    /// added in order; nothing when one that excludes matches.
    Sum {
        should: Vec<Node>,
        exclude: Vec<Node>,
    },
    /// Alternatives: the best one's score.
    Max(Vec<Node>),
}

impl Shape {
    /// Each term's weight, in the order of `leaves`.
    fn weights(
        &self,
        searcher: &Searcher,
        stats: &dyn Bm25StatisticsProvider,
    ) -> tantivy::Result<Vec<Box<dyn Weight>>> {
        let scoring = EnableScoring::enabled_from_statistics_provider(stats, searcher);
        self.leaves
            .iter()
            .map(|l| l.query.weight(scoring))
            .collect()
    }

    /// The shape of `words` and `bonus` (plans of the query's words and of its bonus
    /// clauses); `None` when they hold a required clause.
    pub(crate) fn of(words: &Plan, bonus: &Plan, f: &Fields) -> Option<Shape> {
        let mut leaves = Vec::new();
        let mut at = Place {
            boost: 1.0,
            adds: true,
            bonus: false,
        };
        let words = node(words, f, at, &mut leaves)?;
        at.bonus = true;
        let bonus = node(bonus, f, at, &mut leaves)?;
        Some(Shape {
            leaves,
            words,
            bonus,
        })
    }
}

/// Where a node's terms stand: the product of the weights above, whether they add to a
/// score, whether they are the bonus's.
#[derive(Clone, Copy)]
struct Place {
    boost: Score,
    adds: bool,
    bonus: bool,
}

fn node(plan: &Plan, f: &Fields, at: Place, leaves: &mut Vec<Leaf>) -> Option<Node> {
    let (idf, postings, k1, all) = match plan {
        Plan::Term { field, term } => {
            let term = Term::from_field_text(*field, term);
            (vec![term.clone()], vec![term], bm25::K1, false)
        }
        Plan::TextAndTitle { term } => {
            let text = Term::from_field_text(f.text, term);
            let title = Term::from_field_text(f.title, term);
            (vec![text.clone()], vec![text, title], bm25::K1, false)
        }
        Plan::Phrase { field, terms } => {
            let terms: Vec<Term> = terms
                .iter()
                .map(|(_, t)| Term::from_field_text(*field, t))
                .collect();
            (terms.clone(), terms, TANTIVY_K1, true)
        }
        Plan::Boost(plan, weight) if *weight > 0.0 => {
            let boost = at.boost * weight;
            return node(plan, f, Place { boost, ..at }, leaves);
        }
        Plan::Boost(..) => return None,
        Plan::Bool(clauses) => {
            let (mut should, mut exclude) = (Vec::new(), Vec::new());
            for (occur, plan) in clauses {
                match occur {
                    Occur::Should => should.push(node(plan, f, at, leaves)?),
                    Occur::MustNot => {
                        let at = Place { adds: false, ..at };
                        exclude.push(node(plan, f, at, leaves)?);
                    }
                    Occur::Must => return None,
                }
            }
            return Some(Node::Sum { should, exclude });
        }
        Plan::Max(alternatives) => {
            let alternatives = alternatives.iter().map(|p| node(p, f, at, leaves));
            return Some(Node::Max(alternatives.collect::<Option<_>>()?));
        }
    };
    leaves.push(Leaf {
        query: plan.query(f),
        boost: at.boost,
        idf,
        k1,
        postings,
        all,
        adds: at.adds,
        bonus: at.bonus,
    });
    Some(Node::Leaf(leaves.len() - 1))
}

/// tantivy's k1, with which it scores phrases.
const TANTIVY_K1: Score = 1.2;

/// When the pass over the essential terms is taken, against the words' postings (about
/// what a pass over every match reads).
#[derive(Clone, Copy)]
pub(crate) struct Costs {
    /// Fewest postings of the words' terms for it (fewer: every match is scored).
    pub(crate) least_postings: u64,
    /// The floor's terms may have at most this share of them.
    pub(crate) floor_share: f64,
    /// The essential terms' postings times the query's terms (a move of every term's
    /// scorer to each candidate) may be at most this share of them.
    pub(crate) work_share: f64,
}

impl Costs {
    /// What `scripts/bench-scale` measured best on 8× `../shared/corpus/`.
    pub(crate) const MEASURED: Costs = Costs {
        least_postings: 50_000,
        floor_share: 0.25,
        work_share: 1.0,
    };
    /// Always, where the query allows it (tests).
    #[cfg(test)]
    pub(crate) const ALWAYS: Costs = Costs {
        least_postings: 0,
        floor_share: f64::INFINITY,
        work_share: f64::INFINITY,
    };
}

/// The number of passages a query matches, and its best passages (see [`top`]).
pub(crate) type Top = (usize, Vec<(Score, DocAddress)>);

/// The number of passages the words match, and their best `k` followed by every other
/// passage that ties with the `k`-th, as [`super::prune::top`] gives them; `bonus_bound`
/// bounds the whole bonus. `None` when `costs` say the pass would not pay, or when fewer than
/// `k` passages hold the terms of the highest bounds.
pub(crate) fn top(
    searcher: &Searcher,
    stats: &dyn Bm25StatisticsProvider,
    required: &dyn Query,
    shape: &Shape,
    k: usize,
    bonus_bound: Score,
    costs: Costs,
) -> tantivy::Result<Option<Top>> {
    if k == 0 {
        return Ok(None);
    }
    let docs = stats.total_num_docs()?;
    // Each adding term: its bound, its postings, its index.
    let mut terms = Vec::new();
    let mut word_postings = 0;
    for (i, leaf) in shape.leaves.iter().enumerate() {
        let mut counts = Vec::with_capacity(leaf.postings.len());
        for term in &leaf.postings {
            counts.push(searcher.doc_freq(term)?);
        }
        let postings = if leaf.all {
            counts.iter().copied().min().unwrap_or(0)
        } else {
            counts.iter().sum()
        };
        if !leaf.bonus {
            word_postings += postings;
        }
        if leaf.adds && postings > 0 {
            terms.push((leaf.bound(stats, docs)?, postings, i));
        }
    }
    if word_postings < costs.least_postings {
        return Ok(None);
    }
    let share = |s: f64| s * word_postings as f64;
    let weights = shape.weights(searcher, stats)?;
    let pass = Pass {
        searcher,
        shape,
        weights: &weights,
    };
    // The floor: the k-th best of the passages holding the terms of the highest bounds.
    terms.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut first = Vec::new();
    let mut first_postings = 0;
    for &(_, postings, i) in &terms {
        if first_postings >= 4 * k as u64 || first.len() == 3 {
            break;
        }
        if postings as f64 <= share(costs.floor_share) {
            first.push(i);
            first_postings += postings;
        }
    }
    if first.is_empty() {
        return Ok(None);
    }
    let mut some = Best::new(k);
    pass.run(&first, Score::INFINITY, &mut some)?;
    let floor = some.worst();
    if !floor.is_finite() {
        return Ok(None);
    }
    // The terms that cannot lift a passage to the floor together; the rest are essential.
    terms.reverse();
    let mut sum = 0.0;
    let mut cut = terms.len();
    for (i, &(bound, _, _)) in terms.iter().enumerate() {
        if super::prune::margin(sum + bound) >= floor {
            cut = i;
            break;
        }
        sum += bound;
    }
    let essential: Vec<usize> = terms[cut..].iter().map(|t| t.2).collect();
    let postings: u64 = terms[cut..].iter().map(|t| t.1).sum();
    let work = postings * shape.leaves.len() as u64;
    if work as f64 > share(costs.work_share) {
        return Ok(None);
    }
    let counting = required.weight(EnableScoring::disabled_from_searcher(searcher))?;
    let mut total = 0;
    for reader in searcher.segment_readers() {
        total += counting.count(reader)? as usize;
    }
    let mut best = Best::new(k);
    pass.run(&essential, bonus_bound, &mut best)?;
    Ok(Some((total, best.into_list())))
}

/// What scoring the passages of some terms needs.
struct Pass<'a> {
    searcher: &'a Searcher,
    shape: &'a Shape,
    weights: &'a [Box<dyn Weight>],
}

impl Pass<'_> {
    /// Offers every live passage holding one of the terms `walk` (indices of leaves) that
    /// the words match to `best`; the bonus is looked up when the words' score plus `bound`
    /// reaches the `k`-th best so far.
    fn run(&self, walk: &[usize], bound: Score, best: &mut Best) -> tantivy::Result<()> {
        let disabled = EnableScoring::disabled_from_searcher(self.searcher);
        let union = BooleanQuery::union(
            walk.iter()
                .map(|&i| self.shape.leaves[i].query.box_clone())
                .collect(),
        );
        let walk = union.weight(disabled)?;
        for (ord, reader) in self.searcher.segment_readers().iter().enumerate() {
            let mut scorers = self.scorers(reader)?;
            let mut candidates = walk.scorer(reader, 1.0)?;
            let alive = reader.alive_bitset();
            let mut doc = candidates.doc();
            while doc != TERMINATED {
                if alive.is_none_or(|a| a.is_alive(doc))
                    && let Some(mut score) = scorers.eval(&self.shape.words, doc)
                    && score + bound >= best.worst()
                {
                    if let Some(bonus) = scorers.eval(&self.shape.bonus, doc) {
                        score += bonus;
                    }
                    best.offer(score, DocAddress::new(ord as u32, doc));
                }
                doc = candidates.advance();
            }
        }
        Ok(())
    }

    fn scorers(&self, reader: &SegmentReader) -> tantivy::Result<Scorers> {
        let leaves = self
            .weights
            .iter()
            .zip(&self.shape.leaves)
            .map(|(w, leaf)| w.scorer(reader, leaf.boost))
            .collect::<tantivy::Result<_>>()?;
        Ok(Scorers { leaves })
    }
}

/// Each term's scorer in one segment, moved forward to the passage being scored.
struct Scorers {
    leaves: Vec<Box<dyn Scorer>>,
}

impl Scorers {
    /// The score of `node` at `doc` as tantivy's scorers combine it, or `None` where it does
    /// not match. `doc` never decreases from one call to the next.
    fn eval(&mut self, node: &Node, doc: DocId) -> Option<Score> {
        match node {
            Node::Leaf(i) => {
                let s = &mut self.leaves[*i];
                if s.doc() < doc {
                    s.seek(doc);
                }
                (s.doc() == doc).then(|| s.score())
            }
            Node::Sum { should, exclude } => {
                let mut sum: Option<Score> = None;
                for n in should {
                    if let Some(s) = self.eval(n, doc) {
                        sum = Some(sum.unwrap_or(0.0) + s);
                    }
                }
                // A scorer left behind here moves when a later passage needs it.
                if sum.is_some() && exclude.iter().any(|n| self.eval(n, doc).is_some()) {
                    return None;
                }
                sum
            }
            Node::Max(alternatives) => {
                let mut max: Option<Score> = None;
                for n in alternatives {
                    if let Some(s) = self.eval(n, doc) {
                        max = Some(Score::max(s, max.unwrap_or(0.0)));
                    }
                }
                max
            }
        }
    }
}

/// Every passage the words match, with the score this module gives it (words, then bonus),
/// to hold against tantivy's.
#[cfg(test)]
pub(crate) fn every_score(
    searcher: &Searcher,
    stats: &dyn Bm25StatisticsProvider,
    shape: &Shape,
) -> tantivy::Result<Vec<(Score, DocAddress)>> {
    let weights = shape.weights(searcher, stats)?;
    let pass = Pass {
        searcher,
        shape,
        weights: &weights,
    };
    let adding: Vec<usize> = (0..shape.leaves.len())
        .filter(|&i| shape.leaves[i].adds)
        .collect();
    let mut all = Best::new(searcher.num_docs() as usize);
    pass.run(&adding, Score::INFINITY, &mut all)?;
    Ok(all.into_list())
}

/// Each adding term's bound and the best score it gives a passage of the index.
#[cfg(test)]
pub(crate) fn bounds_and_best(
    searcher: &Searcher,
    stats: &dyn Bm25StatisticsProvider,
    shape: &Shape,
) -> tantivy::Result<Vec<(Score, Score)>> {
    let scoring = EnableScoring::enabled_from_statistics_provider(stats, searcher);
    let docs = stats.total_num_docs()?;
    let mut out = Vec::new();
    for leaf in shape.leaves.iter().filter(|l| l.adds) {
        let weight = leaf.query.weight(scoring)?;
        let mut best: Score = 0.0;
        for reader in searcher.segment_readers() {
            let mut scorer = weight.scorer(reader, leaf.boost)?;
            while scorer.doc() != TERMINATED {
                best = best.max(scorer.score());
                scorer.advance();
            }
        }
        out.push((leaf.bound(stats, docs)?, best));
    }
    Ok(out)
}
