//! View counts without cookies or personal data: each page view is counted in memory, a visitor
//! is told apart only by a keyed hash of (address, user agent) whose key is random, replaced
//! every day and never stored, and the counts are handed to the writer in batches.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};
use std::net::IpAddr;
use std::sync::{Mutex, RwLock};

use chrono::{DateTime, Utc};

pub use crate::change::ViewBatch;

#[derive(Default)]
struct Pending {
    /// (path hash, visitor hash) seen today: the first view of a page by a visitor is unique.
    seen: HashSet<(u64, u64)>,
    pages: HashMap<String, (u64, u64)>,
    referrers: HashMap<String, u64>,
}

/// Today's key for visitor hashes: random, in memory only, replaced at the end of the day.
struct Salt {
    day: i64,
    key: RandomState,
}

/// Tallies are split in shards by visitor, so the server's threads rarely wait for each
/// other (a visitor always lands in the same shard, which keeps "unique" exact).
const SHARDS: usize = 8;

/// The in-memory tally between two batches.
pub struct Counter {
    clock: crate::clock::SharedClock,
    salt: RwLock<Salt>,
    shards: [Mutex<Pending>; SHARDS],
}

/// What a request says about who sent it, for deciding whether and how to count it.
pub struct Visit<'a> {
    pub path: &'a str,
    pub address: IpAddr,
    pub user_agent: &'a str,
    /// The `Referer` header, if any.
    pub referrer: Option<&'a str>,
    /// This site's own host, so internal navigation is not a referrer.
    pub own_host: &'a str,
}

/// Crawlers, feed fetchers, link previews, monitors and command-line clients: not readers.
pub fn is_robot(user_agent: &str) -> bool {
    if !user_agent.starts_with("Mozilla/") {
        return true;
    }
    let contains = |word: &str| {
        user_agent
            .as_bytes()
            .windows(word.len())
            .any(|w| w.eq_ignore_ascii_case(word.as_bytes()))
    };
    [
        "bot",
        "crawl",
        "spider",
        "slurp",
        "preview",
        "fetch",
        "headless",
        "lighthouse",
        "monitor",
        "pingdom",
        "feed",
        "facebookexternalhit",
        "embedly",
        "python",
        "curl",
        "wget",
        "http-client",
        "scrapy",
        "archiver",
    ]
    .iter()
    .any(|word| contains(word))
}

fn path_hash(path: &str) -> u64 {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    path.hash(&mut hasher);
    hasher.finish()
}

/// The host of a `Referer` URL, unless it is this site.
fn referrer_host(referrer: &str, own_host: &str) -> Option<String> {
    let after = referrer.split_once("://")?.1;
    let host = after.split(['/', '?', '#']).next()?.to_ascii_lowercase();
    let bare = host.rsplit_once('@').map_or(host.as_str(), |(_, h)| h);
    (!bare.is_empty() && bare != own_host).then(|| bare.chars().take(255).collect())
}

impl Counter {
    pub fn new(clock: crate::clock::SharedClock) -> Counter {
        Counter {
            clock,
            // RandomState's keys are random per instance: a new one is a new salt.
            salt: RwLock::new(Salt {
                day: i64::MIN,
                key: RandomState::new(),
            }),
            shards: Default::default(),
        }
    }

    /// Counts one view, now.
    pub fn record(&self, visit: &Visit<'_>) {
        self.record_at(visit, self.clock.now());
    }

    /// The counts since the last batch, if there are any.
    pub fn take(&self) -> Option<ViewBatch> {
        self.take_at(self.clock.now())
    }

    fn record_at(&self, visit: &Visit<'_>, now: DateTime<Utc>) {
        let day = now.timestamp().div_euclid(86_400);
        let stale = self.salt.read().map_or(true, |salt| salt.day != day);
        if stale {
            // A new day: a new salt, and yesterday's visitors are forgotten, so no one can be
            // followed from one day to the next. Counts not yet handed over stay.
            if let Ok(mut salt) = self.salt.write()
                && salt.day != day
            {
                *salt = Salt {
                    day,
                    key: RandomState::new(),
                };
                for shard in &self.shards {
                    shard.lock().unwrap_or_else(|p| p.into_inner()).seen.clear();
                }
            }
        }
        let visitor = match self.salt.read() {
            Ok(salt) => salt.key.hash_one((visit.address, visit.user_agent)),
            Err(_) => return,
        };
        let path = path_hash(visit.path);
        let shard = &self.shards[(visitor as usize) % SHARDS];
        let mut pending = shard.lock().unwrap_or_else(|p| p.into_inner());
        let unique = pending.seen.insert((path, visitor));
        match pending.pages.get_mut(visit.path) {
            Some(count) => {
                count.0 += 1;
                count.1 += u64::from(unique);
            }
            None => {
                pending
                    .pages
                    .insert(visit.path.to_owned(), (1, u64::from(unique)));
            }
        }
        if let Some(host) = visit
            .referrer
            .and_then(|r| referrer_host(r, visit.own_host))
        {
            *pending.referrers.entry(host).or_default() += 1;
        }
    }

    fn take_at(&self, now: DateTime<Utc>) -> Option<ViewBatch> {
        let mut pages: HashMap<String, (u64, u64)> = HashMap::new();
        let mut referrers: HashMap<String, u64> = HashMap::new();
        for shard in &self.shards {
            let mut pending = shard.lock().unwrap_or_else(|p| p.into_inner());
            for (path, (views, uniques)) in pending.pages.drain() {
                let total = pages.entry(path).or_default();
                total.0 += views;
                total.1 += uniques;
            }
            for (host, views) in pending.referrers.drain() {
                *referrers.entry(host).or_default() += views;
            }
        }
        if pages.is_empty() {
            return None;
        }
        let mut pages: Vec<(String, u64, u64)> = pages
            .into_iter()
            .map(|(path, (views, uniques))| (path, views, uniques))
            .collect();
        pages.sort();
        let mut referrers: Vec<(String, u64)> = referrers.into_iter().collect();
        referrers.sort();
        Some(ViewBatch {
            day: now.format("%Y-%m-%d").to_string(),
            pages,
            referrers,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BROWSER: &str =
        "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 Chrome/120 Safari/537.36";

    fn visit<'a>(path: &'a str, address: [u8; 4], user_agent: &'a str) -> Visit<'a> {
        Visit {
            path,
            address: address.into(),
            user_agent,
            referrer: Some("https://news.example.net/item?id=1"),
            own_host: "blog.example.com",
        }
    }

    #[test]
    fn views_and_unique_visitors_are_told_apart() {
        let counter = Counter::new(crate::clock::system());
        let now = DateTime::<Utc>::from_timestamp(1_700_000_000, 0).unwrap_or_default();
        counter.record_at(&visit("/a/", [192, 0, 2, 1], BROWSER), now);
        counter.record_at(&visit("/a/", [192, 0, 2, 1], BROWSER), now);
        counter.record_at(&visit("/a/", [192, 0, 2, 2], BROWSER), now);
        let batch = counter.take_at(now).unwrap_or_default();
        assert_eq!(batch.pages, [("/a/".to_owned(), 3, 2)]);
        assert_eq!(batch.referrers, [("news.example.net".to_owned(), 3)]);
        assert_eq!(counter.take_at(now), None);
        // The same visitor the next day is new again: the salt changed.
        let tomorrow = now + chrono::Duration::days(1);
        counter.record_at(&visit("/a/", [192, 0, 2, 1], BROWSER), tomorrow);
        assert_eq!(
            counter.take_at(tomorrow).unwrap_or_default().pages,
            [("/a/".to_owned(), 1, 1)]
        );
    }

    #[test]
    fn robots_are_not_readers() {
        assert!(!is_robot(BROWSER));
        for robot in [
            "",
            "curl/8.0",
            "Mozilla/5.0 (compatible; Googlebot/2.1)",
            "Wget/1.21",
            "Mozilla/5.0 HeadlessChrome/120",
        ] {
            assert!(is_robot(robot), "{robot}");
        }
        assert_eq!(
            referrer_host("https://blog.example.com/x", "blog.example.com"),
            None
        );
        assert_eq!(referrer_host("not a url", "x"), None);
    }
}
