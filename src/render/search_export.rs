//! The search index a static export ships: small JSON files a reader's browser fetches on
//! demand, as Pagefind's are. Terms are sharded by their first two letters, documents in
//! groups of `DOCS_PER_SHARD`, so one query loads a handful of files, never the whole index.

use std::collections::{BTreeMap, HashMap};
use std::fmt::Write as _;

use serde_json::{Value, json};

use super::view::DateView;
use crate::site::Site;
use crate::site::entry::EntryKind;

/// Where the files go, under the export's root.
pub const INDEX_DIR: &str = "/search/index/";
const DOCS_PER_SHARD: usize = 32;

/// The shard a term lives in: its first two characters, as hex of their UTF-8 (a safe name).
pub fn shard_of(term: &str) -> String {
    let key: String = term.chars().take(2).collect();
    key.bytes().fold(String::new(), |mut name, b| {
        let _ = write!(name, "{b:02x}");
        name
    })
}

/// Every file of the index, as (URL path, JSON bytes).
pub fn files(site: &Site) -> Vec<(String, Vec<u8>)> {
    let index = site.search_index();
    let now = site.now().timestamp();
    // Readers find published entries only; they are numbered densely for the export.
    let mut numbers: HashMap<u32, u32> = HashMap::new();
    let mut docs: Vec<Value> = Vec::new();
    let mut filters: Vec<(String, u32)> = Vec::new();
    for (id, doc) in index.documents() {
        let facets = &doc.facets;
        if facets.draft || (facets.post && facets.date.is_some_and(|d| d > now)) {
            continue;
        }
        let Some(entry) = site.entry_at_source(&doc.key) else {
            continue;
        };
        if entry.kind == EntryKind::Post && !site.is_published(entry) {
            continue;
        }
        let number = docs.len() as u32;
        numbers.insert(id, number);
        let date = entry.date.map(|d| DateView::new(d, entry.date_offset));
        let excerpt: String = entry.body.excerpt.chars().take(240).collect();
        docs.push(json!([
            entry.url_path(),
            entry.title,
            date.as_ref().map(|d| d.iso.clone()),
            date.map(|d| d.display),
            excerpt
        ]));
        // Filters are terms too: `#tag:<slug>` and `#year:<year>`.
        for tag in &facets.tags {
            filters.push((format!("#tag:{tag}"), number));
        }
        if let Some(d) = entry.date {
            filters.push((format!("#year:{}", chrono::Datelike::year(&d)), number));
        }
    }
    let mut shards: BTreeMap<String, BTreeMap<String, Vec<u32>>> = BTreeMap::new();
    for (term, weighted) in index.weighted_postings() {
        let mut list: Vec<(u32, u32)> = weighted
            .into_iter()
            .filter_map(|(id, w)| {
                Some((
                    *numbers.get(&id)?,
                    (w * 100.0).round().clamp(1.0, 255.0) as u32,
                ))
            })
            .collect();
        if list.is_empty() {
            continue;
        }
        list.sort_unstable();
        shards
            .entry(shard_of(&term))
            .or_default()
            .insert(term.to_string(), encode(&list));
    }
    let mut by_filter: BTreeMap<String, Vec<(u32, u32)>> = BTreeMap::new();
    for (term, number) in filters {
        by_filter.entry(term).or_default().push((number, 0));
    }
    for (term, mut list) in by_filter {
        list.sort_unstable();
        list.dedup();
        shards
            .entry(shard_of(&term))
            .or_default()
            .insert(term, encode(&list));
    }
    let mut files = Vec::new();
    let meta = json!({
        "version": 1,
        "docs": docs.len(),
        "docs_per_shard": DOCS_PER_SHARD,
        "shards": shards.keys().collect::<Vec<_>>(),
    });
    files.push((
        format!("{INDEX_DIR}meta.json"),
        meta.to_string().into_bytes(),
    ));
    for (name, terms) in shards {
        files.push((
            format!("{INDEX_DIR}t-{name}.json"),
            serde_json::to_vec(&terms).unwrap_or_default(),
        ));
    }
    for (n, chunk) in docs.chunks(DOCS_PER_SHARD).enumerate() {
        files.push((
            format!("{INDEX_DIR}d-{n}.json"),
            serde_json::to_vec(chunk).unwrap_or_default(),
        ));
    }
    files
}

/// A posting list as `[df, first id, weight, id gap, weight, ...]`: gaps keep numbers short.
fn encode(list: &[(u32, u32)]) -> Vec<u32> {
    let mut out = Vec::with_capacity(1 + list.len() * 2);
    out.push(list.len() as u32);
    let mut last = 0;
    for (i, (id, weight)) in list.iter().enumerate() {
        out.push(if i == 0 { *id } else { id - last });
        out.push(*weight);
        last = *id;
    }
    out
}

#[cfg(test)]
mod tests {
    use super::{encode, shard_of};

    #[test]
    fn postings_are_gap_coded_and_shards_named_safely() {
        assert_eq!(
            encode(&[(3, 50), (10, 20), (11, 255)]),
            [3, 3, 50, 7, 20, 1, 255]
        );
        assert_eq!(shard_of("server"), "7365");
        assert_eq!(shard_of("東京"), "e69db1e4baac");
        assert_eq!(shard_of("#tag:rust"), "2374");
    }
}
