//! A query against the index: words -> expanded terms (prefix, typos) -> BM25 ranking ->
//! one page of hits with highlighted snippets.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::index::{Doc, SearchIndex};
use super::snippet::{Span, highlight};
use super::tokenize::is_stop_word;

/// BM25's usual constants; title and tag words count as this many body words.
const K1: f32 = 1.2;
const B: f32 = 0.75;
const TITLE_WEIGHT: f32 = 4.0;
/// A query's words beyond this are ignored (each costs a pass over its postings).
const MAX_WORDS: usize = 8;
/// How many completions the last word may expand to while someone types.
const MAX_COMPLETIONS: usize = 24;
/// How many near spellings a word with no exact match may expand to.
const MAX_CORRECTIONS: usize = 6;

pub struct Query<'a> {
    pub text: &'a str,
    pub offset: usize,
    pub limit: usize,
    /// Whether hits get highlighted titles and snippets (a list that only filters needs none).
    pub snippets: bool,
}

pub struct Hit {
    pub doc: Arc<Doc>,
    pub title: Vec<Span>,
    pub snippet: Vec<Span>,
}

#[derive(Default)]
pub struct Results {
    pub hits: Vec<Hit>,
    /// Every accepted match, not just this page.
    pub total: usize,
    /// Whether some word was matched only through a near spelling.
    pub corrected: bool,
}

/// The index terms one query word stands for, each with how much a match counts.
struct Group {
    terms: Vec<(Arc<str>, f32)>,
    /// Matched only through near spellings.
    corrected: bool,
}

impl SearchIndex {
    /// Ranks the documents `accept` lets through. Documents holding every word come first and
    /// alone, if there are any; otherwise any word counts.
    /// `text_of` gives a document's plain text, for the snippets of the page of hits.
    pub fn search(
        &self,
        query: &Query<'_>,
        accept: impl Fn(&Doc) -> bool,
        text_of: impl Fn(&Doc) -> String,
    ) -> Results {
        let tokens = self.analyzer.tokens(query.text);
        let typing = !query.text.ends_with(char::is_whitespace);
        let mut words: Vec<String> = Vec::new();
        for token in &tokens {
            if !words.contains(&token.term) {
                words.push(token.term.clone());
            }
        }
        if words.iter().any(|w| !is_stop_word(w)) {
            words.retain(|w| !is_stop_word(w));
        }
        words.truncate(MAX_WORDS);
        if words.is_empty() {
            return Results::default();
        }
        let last = words.len() - 1;
        let mut corrected = false;
        let groups: Vec<Group> = words
            .iter()
            .enumerate()
            .map(|(i, word)| {
                let group = self.expand(word, typing && i == last);
                corrected |= group.corrected;
                group
            })
            .collect();

        let ranked = self.rank(&groups);
        let marked: BTreeSet<Arc<str>> = groups
            .iter()
            .flat_map(|g| g.terms.iter().map(|(t, _)| Arc::clone(t)))
            .collect();
        let mut results = Results {
            corrected,
            ..Results::default()
        };
        // Filter every match (for the total), then order only as many as the page needs.
        // One pass over the documents beats a tree lookup per match.
        let by_id: Vec<Option<&Arc<Doc>>> = self.docs.iter().map(Option::as_ref).collect();
        let mut accepted: Vec<(f32, u32, &Arc<Doc>)> = ranked
            .into_iter()
            .filter_map(|(score, id)| {
                let doc = by_id.get(id as usize).copied().flatten()?;
                accept(doc).then_some((score, id, doc))
            })
            .collect();
        results.total = accepted.len();
        let wanted = query.offset.saturating_add(query.limit).min(accepted.len());
        let best_first = |a: &(f32, u32, &Arc<Doc>), b: &(f32, u32, &Arc<Doc>)| {
            b.0.total_cmp(&a.0).then(a.1.cmp(&b.1))
        };
        if wanted > 0 && wanted < accepted.len() {
            accepted.select_nth_unstable_by(wanted - 1, best_first);
            accepted.truncate(wanted);
        }
        accepted.sort_by(best_first);
        for (_, _, doc) in accepted.into_iter().skip(query.offset).take(query.limit) {
            let (title, snippet) = if query.snippets {
                (
                    highlight(&self.analyzer, &doc.title, &marked, None),
                    highlight(&self.analyzer, &text_of(doc), &marked, Some(30)),
                )
            } else {
                (Vec::new(), Vec::new())
            };
            results.hits.push(Hit {
                doc: Arc::clone(doc),
                title,
                snippet,
            });
        }
        results
    }

    /// Every document matching the groups (in no order), with its BM25 score: per group the
    /// best of its terms, summed over groups.
    fn rank(&self, groups: &[Group]) -> Vec<(f32, u32)> {
        let slots = self.lengths.len();
        let width = groups.len();
        let mut scores = vec![0f32; slots * width];
        let mut seen = vec![false; slots];
        let mut touched: Vec<u32> = Vec::new();
        let docs = self.len().max(1) as f32;
        let average = self.average_length();
        // A flat copy: the loop below reads one length per posting.
        let lengths: Vec<u32> = self.lengths.iter().copied().collect();
        for (g, group) in groups.iter().enumerate() {
            for (term, weight) in &group.terms {
                let Some(list) = self.postings.get(term) else {
                    continue;
                };
                let df = list.len() as f32;
                let idf = (1.0 + (docs - df + 0.5) / (df + 0.5)).ln();
                for posting in list.iter() {
                    let id = posting.doc as usize;
                    let length = lengths.get(id).copied().unwrap_or(1) as f32;
                    let score = weight * idf * term_weight(posting, length, average);
                    if !seen[id] {
                        seen[id] = true;
                        touched.push(posting.doc);
                    }
                    let slot = &mut scores[id * width + g];
                    if score > *slot {
                        *slot = score;
                    }
                }
            }
        }

        let wanted = groups.iter().filter(|g| !g.terms.is_empty()).count();
        let mut ranked: Vec<(f32, usize, u32)> = touched
            .iter()
            .map(|&id| {
                let row = &scores[id as usize * width..(id as usize + 1) * width];
                let matched = row.iter().filter(|s| **s > 0.0).count();
                (row.iter().sum::<f32>(), matched, id)
            })
            .collect();
        let complete = wanted == width && ranked.iter().any(|(_, m, _)| *m == width);
        if complete {
            ranked.retain(|(_, m, _)| *m == width);
        } else {
            for (score, matched, _) in &mut ranked {
                *score *= *matched as f32 / width as f32;
            }
        }
        ranked
            .into_iter()
            .map(|(score, _, id)| (score, id))
            .collect()
    }

    /// The terms a query word may match: itself; what it completes to if it is being typed;
    /// near spellings if it matches nothing.
    fn expand(&self, word: &str, typing: bool) -> Group {
        let mut terms: Vec<(Arc<str>, f32)> = Vec::new();
        if let Some((term, _)) = self.postings.get_key_value(word) {
            terms.push((Arc::clone(term), 1.0));
        }
        if typing && word.chars().count() >= 2 {
            let completions = self
                .postings
                .range::<_, str>((std::ops::Bound::Excluded(word), std::ops::Bound::Unbounded))
                .take_while(|(term, _)| term.starts_with(word))
                .take(MAX_COMPLETIONS);
            terms.extend(completions.map(|(term, _)| (Arc::clone(term), 0.8)));
        }
        let length = word.chars().count();
        let corrected = terms.is_empty() && length >= 4;
        if corrected {
            let allowed = if length >= 8 { 2 } else { 1 };
            let first: String = word.chars().take(1).collect();
            let mut near: Vec<(usize, usize, Arc<str>)> = self
                .postings
                .range::<_, str>((
                    std::ops::Bound::Included(first.as_str()),
                    std::ops::Bound::Unbounded,
                ))
                .take_while(|(term, _)| term.starts_with(first.as_str()))
                .filter(|(term, _)| term.chars().count().abs_diff(length) <= allowed)
                .filter_map(|(term, list)| {
                    let distance = near_distance(word, term);
                    (distance <= allowed)
                        .then(|| (distance, usize::MAX - list.len(), Arc::clone(term)))
                })
                .collect();
            near.sort();
            terms.extend(
                near.into_iter()
                    .take(MAX_CORRECTIONS)
                    .map(|(d, _, term)| (term, if d == 1 { 0.6 } else { 0.4 })),
            );
        }
        Group {
            corrected: corrected && !terms.is_empty(),
            terms,
        }
    }
}

/// Edit distance (a swap of neighbours counts once), also measured without the last letters:
/// stemming changes word ends ("memory" is indexed as "memori"), so "memroy" must still be near.
fn near_distance(word: &str, term: &str) -> usize {
    let full = strsim::osa_distance(word, term);
    let (w, t) = (word.chars().count(), term.chars().count());
    if w >= 5 && t >= 5 {
        let cut = |s: &str, n: usize| s.chars().take(n - 1).collect::<String>();
        full.min(strsim::osa_distance(&cut(word, w), &cut(term, t)))
    } else {
        full
    }
}

/// BM25's share of one posting, before the term's rarity (idf) and the query's weight.
pub(super) fn term_weight(posting: &super::index::Posting, length: f32, average: f32) -> f32 {
    let tf = f32::from(posting.body_tf) + TITLE_WEIGHT * f32::from(posting.title_tf);
    let norm = K1 * (1.0 - B + B * length / average);
    tf * (K1 + 1.0) / (tf + norm)
}
