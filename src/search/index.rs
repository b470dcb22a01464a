//! The inverted index: term -> the documents holding it, persistent so the writer changes one
//! document in O(its terms) while readers keep searching the previous version.

use std::collections::HashMap;
use std::sync::Arc;

use imbl::{OrdMap, Vector};

use super::tokenize::Analyzer;

/// One document's share of a term: how often it occurs in the title (and tags) and the body.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Posting {
    pub doc: u32,
    pub title_tf: u16,
    pub body_tf: u16,
}

/// A term and its documents' BM25 weights: (document id, weight).
pub type WeightedTerm = (Arc<str>, Vec<(u32, f32)>);

/// What filters look at, kept with the document so a query never looks anything up per match.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Facets {
    /// A post (dated, listed) rather than a page.
    pub post: bool,
    pub draft: bool,
    /// Seconds since 1970, UTC.
    pub date: Option<i64>,
    /// Tag slugs.
    pub tags: Vec<String>,
}

/// What a search shows of a document, and what removing it needs.
#[derive(Debug)]
pub struct Doc {
    pub key: Arc<str>,
    pub title: String,
    pub facets: Facets,
    /// Every term it holds, to take it out of their lists. (Its text is not kept: snippets are
    /// cut from the entry's HTML, which the site has anyway.)
    terms: Vec<Arc<str>>,
}

/// What the index is given for one document.
pub struct DocInput<'a> {
    pub key: &'a str,
    pub title: &'a str,
    /// Tag names: they count as title words.
    pub tags: &'a [&'a str],
    /// The body as HTML; tags are stripped and entities decoded here.
    pub html: &'a str,
    pub facets: Facets,
}

#[derive(Clone)]
pub struct SearchIndex {
    pub(super) analyzer: Arc<Analyzer>,
    ids: OrdMap<Arc<str>, u32>,
    /// By id (an id is never reused; a removed document leaves `None`).
    pub(super) docs: Vector<Option<Arc<Doc>>>,
    live: usize,
    /// Words per document id (title and body), for BM25's length normalisation.
    pub(super) lengths: Vector<u32>,
    /// Sorted by term, so a prefix ("ser" -> "server", "serve") is a range.
    pub(super) postings: OrdMap<Arc<str>, Arc<Vec<Posting>>>,
    total_len: u64,
}

impl std::fmt::Debug for SearchIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("SearchIndex")
            .field("docs", &self.live)
            .field("terms", &self.postings.len())
            .finish()
    }
}

/// A document analysed: its terms with their counts, ready to be posted.
struct Analysed {
    title: String,
    facets: Facets,
    counts: HashMap<String, (u16, u16)>,
    length: u32,
}

fn analyse(analyzer: &Analyzer, input: &DocInput<'_>) -> Analysed {
    let text = super::text::plain_text(input.html);
    let mut counts: HashMap<String, (u16, u16)> = HashMap::new();
    let mut length = 0u32;
    let mut title_words = input.title.to_owned();
    for tag in input.tags {
        title_words.push(' ');
        title_words.push_str(tag);
    }
    for token in analyzer.tokens(&title_words) {
        counts.entry(token.term).or_default().0 += 1;
        length += 1;
    }
    for token in analyzer.tokens(&text) {
        let count = counts.entry(token.term).or_default();
        count.1 = count.1.saturating_add(1);
        length += 1;
    }
    Analysed {
        title: input.title.to_owned(),
        facets: input.facets.clone(),
        counts,
        length,
    }
}

impl SearchIndex {
    pub fn new(language: &str) -> SearchIndex {
        SearchIndex {
            analyzer: Arc::new(Analyzer::new(language)),
            ids: OrdMap::new(),
            docs: Vector::new(),
            live: 0,
            lengths: Vector::new(),
            postings: OrdMap::new(),
            total_len: 0,
        }
    }

    /// How this index turns text into terms (the site's language).
    pub fn analyzer(&self) -> &Analyzer {
        &self.analyzer
    }

    pub fn len(&self) -> usize {
        self.live
    }

    pub fn term_count(&self) -> usize {
        self.postings.len()
    }

    pub(super) fn average_length(&self) -> f32 {
        if self.live == 0 {
            1.0
        } else {
            (self.total_len as f32 / self.live as f32).max(1.0)
        }
    }

    /// Adds or replaces the document with `input.key`.
    pub fn upsert(&mut self, input: &DocInput<'_>) {
        let analysed = analyse(&self.analyzer, input);
        self.put(input.key, analysed);
    }

    /// Adds many documents, analysing them in parallel first (startup, `quire build`).
    pub fn extend<'a>(&mut self, inputs: Vec<DocInput<'a>>) {
        use rayon::prelude::*;
        let analyzer = Arc::clone(&self.analyzer);
        let analysed: Vec<(&'a str, Analysed)> = inputs
            .par_iter()
            .map(|input| (input.key, analyse(&analyzer, input)))
            .collect();
        for (key, doc) in analysed {
            self.put(key, doc);
        }
    }

    fn put(&mut self, key: &str, analysed: Analysed) {
        let id = match self.ids.get(key) {
            Some(id) => {
                let id = *id;
                self.unpost(id);
                id
            }
            None => {
                let id = self.lengths.len() as u32;
                self.lengths.push_back(0);
                self.ids.insert(Arc::from(key), id);
                id
            }
        };
        let mut terms = Vec::with_capacity(analysed.counts.len());
        for (term, (title_tf, body_tf)) in analysed.counts {
            let posting = Posting {
                doc: id,
                title_tf,
                body_tf,
            };
            let term: Arc<str> = match self.postings.get_key_value(term.as_str()) {
                Some((shared, _)) => Arc::clone(shared),
                None => Arc::from(term),
            };
            let list = self
                .postings
                .entry(Arc::clone(&term))
                .or_insert_with(|| Arc::new(Vec::new()));
            let list = Arc::make_mut(list);
            match list.binary_search_by_key(&id, |p| p.doc) {
                Ok(at) => list[at] = posting,
                Err(at) => list.insert(at, posting),
            }
            terms.push(term);
        }
        self.lengths.set(id as usize, analysed.length);
        self.total_len += u64::from(analysed.length);
        while self.docs.len() <= id as usize {
            self.docs.push_back(None);
        }
        self.live += 1;
        self.docs.set(
            id as usize,
            Some(Arc::new(Doc {
                key: Arc::from(key),
                title: analysed.title,
                facets: analysed.facets,
                terms,
            })),
        );
    }

    pub fn remove(&mut self, key: &str) {
        if let Some(id) = self.ids.remove(key) {
            self.unpost(id);
            self.lengths.set(id as usize, 0);
        }
    }

    /// Takes document `id` out of every posting list (the id stays reserved for its key).
    fn unpost(&mut self, id: u32) {
        let Some(doc) = self.docs.get_mut(id as usize).and_then(Option::take) else {
            return;
        };
        self.live = self.live.saturating_sub(1);
        self.total_len = self.total_len.saturating_sub(u64::from(
            self.lengths.get(id as usize).copied().unwrap_or(0),
        ));
        for term in &doc.terms {
            let empty = match self.postings.get_mut(term) {
                Some(list) => {
                    let list = Arc::make_mut(list);
                    if let Ok(at) = list.binary_search_by_key(&id, |p| p.doc) {
                        list.remove(at);
                    }
                    list.is_empty()
                }
                None => false,
            };
            if empty {
                self.postings.remove(term);
            }
        }
    }

    /// Every term with its documents' BM25 weights (what does not depend on the query), for a
    /// static export's index.
    pub fn weighted_postings(&self) -> Vec<WeightedTerm> {
        let average = self.average_length();
        self.postings
            .iter()
            .map(|(term, list)| {
                let weights = list
                    .iter()
                    .map(|p| {
                        let length = self.lengths.get(p.doc as usize).copied().unwrap_or(1);
                        (p.doc, super::query::term_weight(p, length as f32, average))
                    })
                    .collect();
                (Arc::clone(term), weights)
            })
            .collect()
    }

    /// Every document, by id.
    pub fn documents(&self) -> impl Iterator<Item = (u32, &Arc<Doc>)> {
        self.docs
            .iter()
            .enumerate()
            .filter_map(|(id, doc)| Some((id as u32, doc.as_ref()?)))
    }

    /// Rough bytes held, for the benchmark's memory figure.
    pub fn approximate_bytes(&self) -> usize {
        let postings: usize = self
            .postings
            .iter()
            .map(|(term, list)| term.len() + 48 + list.len() * std::mem::size_of::<Posting>())
            .sum();
        let docs: usize = self
            .docs
            .iter()
            .flatten()
            .map(|d| d.key.len() + d.title.len() + d.terms.len() * 16 + 96)
            .sum();
        postings + docs + self.lengths.len() * 4
    }
}
