//! View counts without cookies or personal data: each page view is counted in memory, a visitor
//! is told apart only by a keyed hash of (address, user agent) whose key is random, replaced
//! every day and never stored, and the counts are handed to the writer in batches.

use std::collections::hash_map::RandomState;
use std::collections::{HashMap, HashSet};
use std::hash::{BuildHasher, Hash, Hasher};
use std::net::IpAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{LazyLock, Mutex};

use aho_corasick::AhoCorasick;
use chrono::{DateTime, Utc};

pub use crate::change::ViewBatch;

/// One page's views since the last batch, and the (hashed) visitors behind them.
#[derive(Default)]
struct Tally {
    views: u64,
    visitors: Vec<u64>,
}

/// The views one server thread saw since the last batch, under today's key.
#[derive(Default)]
struct Shard {
    day: i64,
    key: Option<RandomState>,
    pages: HashMap<String, Tally>,
    referrers: HashMap<String, u64>,
}

/// Today's key for visitor hashes (random, in memory only, replaced each day) and the
/// visitors already seen today per page, which only the batching thread reads.
#[derive(Default)]
struct Day {
    day: i64,
    key: Option<RandomState>,
    seen: HashSet<(u64, u64)>,
}

/// Each server thread writes to its own shard, so counting a view never waits on another
/// thread; uniques are worked out when the shards are gathered into a batch.
const SHARDS: usize = 16;

/// The in-memory tally between two batches.
pub struct Counter {
    clock: crate::clock::SharedClock,
    today: Mutex<Day>,
    shards: [Mutex<Shard>; SHARDS],
}

/// Which shard this thread writes to: handed out in turn, once per thread.
fn my_shard() -> usize {
    static NEXT: AtomicUsize = AtomicUsize::new(0);
    thread_local! {
        static MINE: usize = NEXT.fetch_add(1, Ordering::Relaxed) % SHARDS;
    }
    MINE.with(|m| *m)
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

/// Words in the user agents of crawlers, feed fetchers, link previews, monitors and
/// command-line clients.
const ROBOT_WORDS: &[&str] = &[
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
];

/// One pass over a user agent finds any of the words, whatever their case.
static ROBOTS: LazyLock<Option<AhoCorasick>> = LazyLock::new(|| {
    AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(ROBOT_WORDS)
        .ok()
});

/// Crawlers, feed fetchers, link previews, monitors and command-line clients: not readers.
pub fn is_robot(user_agent: &str) -> bool {
    !user_agent.starts_with("Mozilla/")
        || ROBOTS
            .as_ref()
            .is_none_or(|robots| robots.is_match(user_agent))
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
            today: Mutex::default(),
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

    /// Today's key, made when the day begins: a new day is a new key, so no one can be
    /// followed from one day to the next.
    fn key_for(&self, day: i64) -> RandomState {
        let mut today = self.today.lock().unwrap_or_else(|p| p.into_inner());
        if today.day != day || today.key.is_none() {
            *today = Day {
                day,
                key: Some(RandomState::new()),
                seen: HashSet::new(),
            };
        }
        today.key.clone().unwrap_or_default()
    }

    fn record_at(&self, visit: &Visit<'_>, now: DateTime<Utc>) {
        let day = now.timestamp().div_euclid(86_400);
        let mut shard = self.shards[my_shard()]
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if shard.day != day || shard.key.is_none() {
            shard.day = day;
            shard.key = Some(self.key_for(day));
        }
        let visitor = shard
            .key
            .as_ref()
            .map_or(0, |key| key.hash_one((visit.address, visit.user_agent)));
        match shard.pages.get_mut(visit.path) {
            Some(tally) => {
                tally.views += 1;
                tally.visitors.push(visitor);
            }
            None => {
                shard.pages.insert(
                    visit.path.to_owned(),
                    Tally {
                        views: 1,
                        visitors: vec![visitor],
                    },
                );
            }
        }
        if let Some(host) = visit
            .referrer
            .and_then(|r| referrer_host(r, visit.own_host))
        {
            *shard.referrers.entry(host).or_default() += 1;
        }
    }

    fn take_at(&self, now: DateTime<Utc>) -> Option<ViewBatch> {
        let mut pages: HashMap<String, Tally> = HashMap::new();
        let mut referrers: HashMap<String, u64> = HashMap::new();
        for shard in &self.shards {
            let mut shard = shard.lock().unwrap_or_else(|p| p.into_inner());
            for (path, tally) in shard.pages.drain() {
                let total = pages.entry(path).or_default();
                total.views += tally.views;
                total.visitors.extend(tally.visitors);
            }
            for (host, views) in shard.referrers.drain() {
                *referrers.entry(host).or_default() += views;
            }
        }
        if pages.is_empty() {
            return None;
        }
        let day = now.timestamp().div_euclid(86_400);
        let _ = self.key_for(day);
        let mut today = self.today.lock().unwrap_or_else(|p| p.into_inner());
        let mut pages: Vec<(String, u64, u64)> = pages
            .into_iter()
            .map(|(path, tally)| {
                let page = path_hash(&path);
                // A visitor's first view of the page today is unique.
                let uniques = tally
                    .visitors
                    .iter()
                    .filter(|v| today.seen.insert((page, **v)))
                    .count() as u64;
                (path, tally.views, uniques)
            })
            .collect();
        drop(today);
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
