//! The synonyms file: groups of words that mean the same, used to expand queries.
//!
//! Format (`data/synonyms.txt`): one group per line, its members separated by `=`; `#` starts
//! a comment; blank lines are ignored. A member may be several words (`그래픽 처리 장치`).
//!
//! ```text
//! GPU = 그래픽처리장치 = 그래픽카드
//! 파인튜닝 = 미세조정 = 세부조정 = fine-tuning
//! ```
//!
//! Members are compared by their finest terms ([`crate::analysis::terms`]), the same fold of
//! the analyser's tokens that query words get, so `GPU를` in a query matches the member
//! `GPU`, and `그래픽 처리 장치` the member `그래픽처리장치`. A query word that matches a
//! member is also looked up as every other member of its group, with less weight.

use std::path::Path;

use crate::analysis::terms::{FinestTerms, finest_terms};
use crate::analysis::{Analyzer, Scratch};
use crate::error::{Error, Result};
use crate::index::KoIndex;
use crate::index::aliases::AliasKeys;

/// The groups of a synonyms file.
#[derive(Debug, Clone, Default)]
pub struct Synonyms {
    /// Each group's members as written.
    groups: Vec<Vec<String>>,
    /// Each member's finest analysed terms, with its group.
    keys: Vec<(FinestTerms, usize)>,
}

impl Synonyms {
    /// Parses a synonyms file's text; a bad line is refused with its number.
    pub fn parse(
        text: &str,
        analyzer: &Analyzer,
    ) -> std::result::Result<Synonyms, (usize, String)> {
        let mut out = Synonyms::default();
        let mut scratch = Scratch::default();
        for (i, line) in text.lines().enumerate() {
            let line = line.split('#').next().unwrap_or("").trim();
            if line.is_empty() {
                continue;
            }
            let members: Vec<String> = line.split('=').map(|m| m.trim().to_string()).collect();
            if members.len() < 2 || members.iter().any(String::is_empty) {
                return Err((i + 1, "expected two or more words separated by '='".into()));
            }
            let group = out.groups.len();
            for m in &members {
                let terms = finest_terms(analyzer, m, &mut scratch);
                if terms.is_empty() {
                    return Err((i + 1, format!("{m:?} has no word that is indexed")));
                }
                out.keys.push((terms, group));
            }
            out.groups.push(members);
        }
        Ok(out)
    }

    /// Reads a synonyms file.
    pub fn load(path: &Path, analyzer: &Analyzer) -> Result<Synonyms> {
        let text = std::fs::read_to_string(path).map_err(|e| Error::io(path, e))?;
        Synonyms::parse(&text, analyzer).map_err(|(line, reason)| Error::Synonyms {
            path: path.to_path_buf(),
            line,
            reason,
        })
    }

    /// The expansions a search of `ko` uses: the groups of the synonyms file at `file`, if
    /// any, and the aliases mined from the index, analysed with the index's analyser.
    pub fn for_index(ko: &KoIndex, file: Option<&Path>) -> Result<Synonyms> {
        Self::with_aliases(ko, file, crate::index::aliases::load_keys(&ko.path)?)
    }

    /// As [`Synonyms::for_index`], with the index's aliases read already
    /// ([`crate::index::aliases::load_keys`]).
    pub fn with_aliases(
        ko: &KoIndex,
        file: Option<&Path>,
        aliases: Vec<AliasKeys>,
    ) -> Result<Self> {
        let mut synonyms = match file {
            Some(p) => Synonyms::load(p, &ko.analyzer)?,
            None => Synonyms::default(),
        };
        for a in aliases {
            if a.term_key.is_empty() || a.alias_key.is_empty() {
                // Written by an older kosearch: analyse the two sides now.
                synonyms.add_group(vec![a.term, a.alias], &ko.analyzer);
            } else {
                synonyms.add_keyed_group(vec![(a.term, a.term_key), (a.alias, a.alias_key)]);
            }
        }
        Ok(synonyms)
    }

    /// Adds a group (e.g. a mined alias pair); members with no indexed word are left out, and
    /// a group left with fewer than two members is not added.
    pub fn add_group(&mut self, members: Vec<String>, analyzer: &Analyzer) {
        let mut scratch = Scratch::default();
        let keyed = members
            .into_iter()
            .map(|m| {
                let terms = finest_terms(analyzer, &m, &mut scratch);
                (m, terms)
            })
            .collect();
        self.add_keyed_group(keyed);
    }

    /// Adds a group whose members' finest terms ([`finest_terms`]) are known already, as
    /// `(member, terms)`; otherwise as [`Synonyms::add_group`].
    pub fn add_keyed_group(&mut self, members: Vec<(String, FinestTerms)>) {
        let keyed: Vec<(String, FinestTerms)> =
            members.into_iter().filter(|(_, t)| !t.is_empty()).collect();
        if keyed.len() < 2 || keyed.iter().all(|(_, t)| *t == keyed[0].1) {
            return;
        }
        let group = self.groups.len();
        let mut names = Vec::with_capacity(keyed.len());
        for (m, terms) in keyed {
            self.keys.push((terms, group));
            names.push(m);
        }
        self.groups.push(names);
    }

    /// The other members of every group that a word with these finest terms belongs to.
    pub fn expansions(&self, terms: &FinestTerms) -> Vec<&str> {
        let mut out: Vec<&str> = Vec::new();
        for (key, group) in &self.keys {
            if key != terms {
                continue;
            }
            for (member, (other, _)) in self.groups[*group]
                .iter()
                .zip(self.keys.iter().filter(|(_, g)| g == group))
            {
                if other != terms && !out.contains(&member.as_str()) {
                    out.push(member);
                }
            }
        }
        out
    }

    /// The groups, each member as written.
    pub fn groups(&self) -> &[Vec<String>] {
        &self.groups
    }

    /// Number of groups.
    pub fn len(&self) -> usize {
        self.groups.len()
    }

    /// Whether there are no groups.
    pub fn is_empty(&self) -> bool {
        self.groups.is_empty()
    }
}
