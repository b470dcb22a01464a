//! The admin API's request and response bodies (its OpenAPI schemas), and how domain values
//! become them. Store rows and domain types never reach the wire directly.

use chrono::{DateTime, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::admin::{EntryFields, SettingsChange};
use crate::change::MediaInfo;
use crate::config::Config;
use crate::content::front_matter;
use crate::site::Site;
use crate::site::entry::Entry;
use crate::store::EventRow;

/// A post or page as the API writes it.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntryInput {
    /// Required.
    #[serde(default)]
    pub title: String,
    /// Markdown, without front matter.
    #[serde(default)]
    pub body: String,
    #[serde(default)]
    pub tags: Vec<String>,
    #[serde(default)]
    pub draft: bool,
    /// RFC 3339 or YYYY-MM-DD; a future date schedules the post. Posts default to now.
    pub date: Option<String>,
    /// Lowercase letters, digits and single hyphens; defaults to one made from the title.
    pub slug: Option<String>,
    pub description: Option<String>,
    /// The cover image: a file beside the post (`cover.jpg`), a site path or a URL. Absent keeps
    /// the current one; empty removes it.
    pub image: Option<String>,
}

impl From<EntryInput> for EntryFields {
    fn from(input: EntryInput) -> EntryFields {
        EntryFields {
            title: input.title,
            body: input.body,
            tags: input.tags,
            draft: input.draft,
            date: input.date,
            slug: input.slug,
            description: input.description,
            image: input.image,
        }
    }
}

/// Settings an admin may change; absent fields keep their value.
#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SettingsInput {
    pub title: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub posts_per_page: Option<usize>,
    /// The header's links, in order; replaces `extra.nav` of `quire.toml`.
    pub nav: Option<Vec<NavLinkIo>>,
}

/// One navigation link.
#[derive(Debug, Clone, Deserialize, Serialize, ToSchema)]
pub struct NavLinkIo {
    pub name: String,
    /// A path on this site (`/about/`) or an http(s) URL.
    pub url: String,
}

impl From<SettingsInput> for SettingsChange {
    fn from(input: SettingsInput) -> SettingsChange {
        SettingsChange {
            title: input.title,
            description: input.description,
            author: input.author,
            posts_per_page: input.posts_per_page,
            nav: input.nav.map(|links| {
                links
                    .into_iter()
                    .map(|l| crate::change::NavLink {
                        name: l.name,
                        url: l.url,
                    })
                    .collect()
            }),
        }
    }
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct LoginInput {
    pub username: String,
    pub password: String,
    /// For accounts with two-factor login: the 6-digit code, or a recovery code.
    #[serde(default)]
    pub code: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SessionOut {
    pub username: String,
    /// `session` or `token`.
    pub via: String,
}

/// An entry with its markdown source, as the editor needs it.
#[derive(Debug, Serialize, ToSchema)]
pub struct EntryOut {
    pub kind: String,
    pub slug: String,
    pub title: String,
    /// Markdown, without front matter.
    pub body: String,
    pub tags: Vec<String>,
    pub draft: bool,
    pub date: Option<String>,
    pub updated: Option<String>,
    pub description: Option<String>,
    /// `draft`, `scheduled` or `published`.
    pub status: String,
    /// Path on the public site.
    pub url: String,
    /// Send as If-Match to replace this version.
    pub etag: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntrySummary {
    pub kind: String,
    pub slug: String,
    pub title: String,
    pub tags: Vec<String>,
    pub draft: bool,
    pub date: Option<String>,
    pub status: String,
    pub url: String,
    pub etag: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EntryList {
    pub items: Vec<EntrySummary>,
    pub page: usize,
    pub per_page: usize,
    pub total: usize,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct ListQuery {
    /// `draft`, `scheduled` or `published`.
    pub status: Option<String>,
    /// A tag's name or slug.
    pub tag: Option<String>,
    /// Words to find in the title or the text.
    pub q: Option<String>,
    /// 1-based; a page past the end is empty.
    pub page: Option<usize>,
    /// At most 100; default 20.
    pub per_page: Option<usize>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Revision {
    pub seq: i64,
    pub at: String,
    pub actor: String,
    /// `entry.upsert.v1` (a version) or `entry.delete.v1` (a deletion).
    pub kind: String,
}

#[derive(Debug, Deserialize, ToSchema)]
pub struct PreviewInput {
    #[serde(default)]
    pub title: Option<String>,
    pub body: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PreviewOut {
    /// The rendered markdown.
    pub html: String,
    /// The whole page as the theme renders it.
    pub page: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct MediaOut {
    pub hash: String,
    /// Public URL path; served with immutable caching.
    pub url: String,
    pub content_type: String,
    pub size: u64,
    pub file_name: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct SettingsOut {
    pub title: String,
    pub description: String,
    pub author: String,
    pub posts_per_page: usize,
    /// The header's links (`extra.nav`, from `quire.toml` or set here).
    pub nav: Vec<NavLinkIo>,
}

#[derive(Debug, Deserialize, IntoParams)]
pub struct EventsQuery {
    /// Only events with a larger sequence number.
    pub after: Option<i64>,
    /// At most 500; default 100.
    pub limit: Option<u32>,
}

/// One event of the log, without its payload.
#[derive(Debug, Serialize, ToSchema)]
pub struct EventOut {
    pub seq: i64,
    /// When, RFC 3339.
    pub at: String,
    /// `file`, `user:NAME` or `token:NAME`.
    pub actor: String,
    /// What happened, e.g. `entry.upsert.v1`.
    pub kind: String,
    /// What it happened to: a content path, `media:<hash>` or `settings`.
    pub subject: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct EventList {
    pub items: Vec<EventOut>,
    /// Pass as `after` for the next page.
    pub next_after: i64,
}

fn iso(d: DateTime<Utc>) -> String {
    d.to_rfc3339_opts(SecondsFormat::Secs, true)
}

pub fn entry_out(site: &Site, entry: &Entry, source_text: &str) -> EntryOut {
    let body = front_matter::split(source_text)
        .map(|f| f.body.trim_start_matches('\n').to_owned())
        .unwrap_or_default();
    EntryOut {
        kind: entry.kind.name().to_owned(),
        slug: entry.slug.to_string(),
        title: entry.title.clone(),
        body,
        tags: entry.tags.iter().map(|t| t.name.clone()).collect(),
        draft: entry.draft,
        date: entry.date.map(iso),
        updated: entry.updated.map(iso),
        description: entry.description.clone(),
        status: site.status(entry).name().to_owned(),
        url: entry.url_path(),
        etag: crate::etag::of_entry(entry),
    }
}

pub fn entry_summary(site: &Site, entry: &Entry) -> EntrySummary {
    EntrySummary {
        kind: entry.kind.name().to_owned(),
        slug: entry.slug.to_string(),
        title: entry.title.clone(),
        tags: entry.tags.iter().map(|t| t.name.clone()).collect(),
        draft: entry.draft,
        date: entry.date.map(iso),
        status: site.status(entry).name().to_owned(),
        url: entry.url_path(),
        etag: crate::etag::of_entry(entry),
    }
}

pub fn revision(row: EventRow) -> Revision {
    Revision {
        seq: row.seq.0,
        at: row.at,
        actor: row.actor,
        kind: row.kind,
    }
}

pub fn event_out(row: EventRow) -> EventOut {
    EventOut {
        seq: row.seq.0,
        at: row.at,
        actor: row.actor,
        kind: row.kind,
        subject: row.subject,
    }
}

pub fn media_out(m: &MediaInfo) -> MediaOut {
    MediaOut {
        hash: m.hash.to_string(),
        url: m.url_path(),
        content_type: m.content_type.clone(),
        size: m.size,
        file_name: m.file_name.clone(),
    }
}

pub fn settings_out(config: &Config) -> SettingsOut {
    SettingsOut {
        title: config.title.clone(),
        description: config.description.clone(),
        author: config.author.clone(),
        posts_per_page: config.posts_per_page,
        nav: config
            .extra
            .get("nav")
            .and_then(|n| n.as_array())
            .into_iter()
            .flatten()
            .filter_map(|item| {
                Some(NavLinkIo {
                    name: item.get("name")?.as_str()?.to_owned(),
                    url: item.get("url")?.as_str()?.to_owned(),
                })
            })
            .collect(),
    }
}

#[cfg(test)]
mod tests {
    use std::sync::Arc;

    use super::entry_summary;
    use crate::config::Config;
    use crate::content::compile::compile;
    use crate::content::markdown::Markdown;
    use crate::site::Site;
    use crate::site::entry::SourcePath;

    /// The admin's status comes from the site's clock, the same one that decides what the
    /// public site shows, never from the wall clock.
    #[test]
    fn admin_status_uses_the_site_clock() {
        let now = "2020-01-01T00:00:00Z"
            .parse()
            .unwrap_or_else(|_| unreachable!());
        let mut site = Site::new(Arc::new(Config::default()), now);
        let source = SourcePath::new("posts/later.md").unwrap_or_else(|| unreachable!());
        let text = "+++\ntitle = \"Later\"\ndate = 2020-06-01T00:00:00Z\n+++\nx\n";
        let (entry, _) =
            compile(&source, text, &Markdown::new(), None).unwrap_or_else(|d| panic!("{d}"));
        let _ = site.upsert(entry.clone());
        // By the wall clock this post is long published; by the site's clock it is not yet.
        assert_eq!(entry_summary(&site, &entry).status, "scheduled");
        assert!(!site.is_published(&entry));
    }
}
