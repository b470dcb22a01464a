//! Admin writes as domain operations: validate the input, turn it into a markdown file, and
//! say precisely what is wrong. No HTTP here; the writer applies these and `http` exposes them.

use std::collections::BTreeMap;

use chrono::{DateTime, SecondsFormat, Utc};
use chrono_tz::Tz;
use tokio::sync::oneshot;

use crate::change::{Actor, EventSeq, MediaHash, MediaInfo, Settings};
use crate::content::dates::{WrittenDate, parse_date};
use crate::content::slug::{slugify, tag_slug};
use crate::site::entry::{Entry, EntryKind};

/// Largest markdown body accepted, in bytes.
pub const MAX_BODY_BYTES: usize = 1024 * 1024;

/// The fields of a post or page an editor writes; validated by `validate`.
#[derive(Debug, Clone, Default)]
pub struct EntryFields {
    pub title: String,
    /// Markdown, without front matter.
    pub body: String,
    pub tags: Vec<String>,
    pub draft: bool,
    /// RFC 3339 or YYYY-MM-DD; a future date schedules the post. Posts default to now.
    pub date: Option<String>,
    /// Defaults to one made from the title.
    pub slug: Option<String>,
    pub description: Option<String>,
    /// The cover image (front matter `image`): a file beside the post, a site path or a URL.
    /// `None` keeps what the file has; an empty string removes it.
    pub image: Option<String>,
}

/// Settings an admin changes; absent fields keep their value.
#[derive(Debug, Clone, Default)]
pub struct SettingsChange {
    pub nav: Option<Vec<crate::change::NavLink>>,
    pub title: Option<String>,
    pub description: Option<String>,
    pub author: Option<String>,
    pub posts_per_page: Option<usize>,
}

pub enum AdminRequest {
    SaveEntry(SaveEntry),
    DeleteEntry {
        kind: EntryKind,
        slug: String,
        if_match: Option<String>,
    },
    RestoreRevision {
        kind: EntryKind,
        slug: String,
        seq: EventSeq,
    },
    AddMedia {
        file_name: String,
        bytes: bytes::Bytes,
    },
    DeleteMedia {
        hash: MediaHash,
    },
    PutSettings {
        input: SettingsChange,
    },
    Comment(crate::comments::CommentRequest),
}

/// Create (`slug: None`) or replace an entry.
pub struct SaveEntry {
    pub kind: EntryKind,
    /// The entry to replace, by its current slug.
    pub slug: Option<String>,
    pub if_match: Option<String>,
    pub input: EntryFields,
}

pub type Reply = oneshot::Sender<Result<AdminReply, AdminError>>;

pub struct AdminCommand {
    pub actor: Actor,
    pub request: AdminRequest,
    pub reply: Reply,
}

#[derive(Debug)]
pub enum AdminReply {
    /// The entry as now stored, and its source.
    Entry {
        entry: std::sync::Arc<Entry>,
        source_text: String,
    },
    Deleted,
    Media {
        media: MediaInfo,
        created: bool,
    },
    /// The settings were saved; the site already shows them.
    SettingsSaved,
    /// The comment as now stored; for a new one, the key that lets its author edit it.
    Comment {
        comment: std::sync::Arc<crate::site::comments::Comment>,
        key: Option<String>,
    },
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdminError {
    #[error("{0}")]
    NotFound(String),
    #[error("the resource changed since it was read; fetch it again and retry")]
    PreconditionFailed,
    #[error("send If-Match with the ETag of the version you are replacing")]
    PreconditionRequired,
    #[error("some fields are invalid")]
    Invalid(BTreeMap<String, String>),
    #[error("{0}")]
    UnsupportedType(String),
    #[error("{0}")]
    Forbidden(String),
    #[error("internal error: {0}")]
    Internal(String),
}

impl AdminError {
    pub fn not_found(kind: EntryKind, slug: &str) -> AdminError {
        AdminError::NotFound(format!("no {} with the slug {slug:?}", kind.name()))
    }
}

pub fn field_error(field: &str, message: impl Into<String>) -> AdminError {
    AdminError::Invalid(BTreeMap::from([(field.to_owned(), message.into())]))
}

/// A slug the API accepts as given: what `slugify` would leave unchanged.
pub fn is_clean_slug(slug: &str) -> bool {
    !slug.is_empty() && slugify(slug) == slug
}

/// Checks every field and returns all problems at once.
pub fn validate(input: &EntryFields) -> Result<(), AdminError> {
    let mut fields = BTreeMap::new();
    if input.title.trim().is_empty() {
        fields.insert("title".to_owned(), "title is required".to_owned());
    } else if input.title.chars().count() > 300 {
        fields.insert(
            "title".to_owned(),
            "title is longer than 300 characters".to_owned(),
        );
    }
    if input.body.len() > MAX_BODY_BYTES {
        fields.insert(
            "body".to_owned(),
            format!(
                "body is too large: {} bytes, at most {MAX_BODY_BYTES}",
                input.body.len()
            ),
        );
    }
    if let Some(date) = &input.date
        && let Err(message) = parse_date(&serde_json::Value::String(date.clone()), None)
    {
        fields.insert("date".to_owned(), message);
    }
    if let Some(slug) = &input.slug
        && !is_clean_slug(slug)
    {
        fields.insert(
                "slug".to_owned(),
                format!("{slug:?} is not a valid slug: use lowercase letters, digits and single hyphens, like \"my-post\""),
            );
    }
    if input.tags.iter().any(|t| tag_slug(t).is_empty()) {
        fields.insert(
            "tags".to_owned(),
            "every tag needs at least one letter or digit".to_owned(),
        );
    }
    if input
        .image
        .as_ref()
        .is_some_and(|i| i.chars().count() > 500 || i.chars().any(char::is_control))
    {
        fields.insert(
            "image".to_owned(),
            "image must be a path or URL of at most 500 characters, on one line".to_owned(),
        );
    }
    if input
        .description
        .as_ref()
        .is_some_and(|d| d.chars().count() > 1000)
    {
        fields.insert(
            "description".to_owned(),
            "description is longer than 1000 characters".to_owned(),
        );
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(AdminError::Invalid(fields))
    }
}

/// Applies the fields an admin sent over the settings in force; absent fields keep their value.
pub fn apply_settings(settings: &mut Settings, input: SettingsChange) {
    if let Some(v) = input.title {
        settings.title = Some(v.trim().to_owned());
    }
    if let Some(v) = input.description {
        settings.description = Some(v);
    }
    if let Some(v) = input.author {
        settings.author = Some(v);
    }
    if let Some(v) = input.posts_per_page {
        settings.posts_per_page = Some(v);
    }
    if let Some(nav) = input.nav {
        settings.nav = Some(nav);
    }
}

/// An upload's name as shown in lists: no control characters or path separators, at most 200
/// characters. It is informational only; files are stored and served by hash.
pub fn clean_file_name(name: &str) -> String {
    name.chars()
        .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
        .take(200)
        .collect()
}

pub fn validate_settings(input: &SettingsChange) -> Result<(), AdminError> {
    let mut fields = BTreeMap::new();
    if input.title.as_ref().is_some_and(|t| t.trim().is_empty()) {
        fields.insert("title".to_owned(), "title cannot be empty".to_owned());
    }
    if input.posts_per_page.is_some_and(|n| n == 0 || n > 100) {
        fields.insert(
            "posts_per_page".to_owned(),
            "posts_per_page must be between 1 and 100".to_owned(),
        );
    }
    if let Some(nav) = &input.nav {
        let bad = nav.iter().find(|link| {
            let url = link.url.trim();
            link.name.trim().is_empty()
                || link.name.chars().count() > 60
                || !(url.starts_with('/')
                    || url.starts_with("https://")
                    || url.starts_with("http://"))
                || url.starts_with("//")
                || url.chars().any(|c| c.is_control() || c.is_whitespace())
        });
        if nav.len() > 20 {
            fields.insert("nav".to_owned(), "at most 20 links".to_owned());
        } else if let Some(link) = bad {
            fields.insert(
                "nav".to_owned(),
                format!(
                    "{:?} -> {:?}: each link needs a name (at most 60 characters) and an address on this site (/about/) or an http(s) URL",
                    link.name, link.url
                ),
            );
        }
    }
    if fields.is_empty() {
        Ok(())
    } else {
        Err(AdminError::Invalid(fields))
    }
}

/// The markdown file for an entry written through the API. Fields the API does not edit
/// (aliases, template, unknown keys) are carried over from `existing`.
pub fn source_text(
    input: &EntryFields,
    kind: EntryKind,
    slug: &str,
    existing: Option<&Entry>,
    now: DateTime<Utc>,
    tz: Option<Tz>,
) -> String {
    let mut lines = vec!["+++".to_owned()];
    let mut set = |key: &str, value: toml::Value| lines.push(format!("{key} = {value}"));
    set("title", toml::Value::String(input.title.trim().to_owned()));
    // Dates are written back in the offset they were written in.
    let kept =
        |at: Option<DateTime<Utc>>, offset: Option<i32>| at.map(|at| WrittenDate { at, offset });
    let date = match (&input.date, existing, kind) {
        (Some(d), _, _) => parse_date(&serde_json::Value::String(d.clone()), tz).ok(),
        (None, Some(e), _) if e.date.is_some() => kept(e.date, e.date_offset),
        (None, _, EntryKind::Post) => Some(WrittenDate {
            at: now,
            offset: None,
        }),
        (None, _, EntryKind::Page) => None,
    };
    if let Some(date) = date {
        set("date", toml_date(date));
    }
    if let Some(updated) = existing.and_then(|e| kept(e.updated, e.updated_offset)) {
        set("updated", toml_date(updated));
    }
    set("slug", toml::Value::String(slug.to_owned()));
    set(
        "tags",
        toml::Value::Array(
            input
                .tags
                .iter()
                .map(|t| toml::Value::String(t.trim().to_owned()))
                .collect(),
        ),
    );
    set("draft", toml::Value::Boolean(input.draft));
    if let Some(d) = input.description.as_ref().filter(|d| !d.trim().is_empty()) {
        set("description", toml::Value::String(d.trim().to_owned()));
    }
    let mut aliases: Vec<String> = existing.map(|e| e.aliases.clone()).unwrap_or_default();
    if let Some(old) = existing.filter(|e| e.slug.as_str() != slug) {
        // A renamed entry keeps its old address working.
        aliases.push(old.url_path());
    }
    let new_url = kind.url_for(slug);
    aliases.retain(|a| *a != new_url);
    aliases.dedup();
    if !aliases.is_empty() {
        set(
            "aliases",
            toml::Value::Array(aliases.into_iter().map(toml::Value::String).collect()),
        );
    }
    if let Some(template) = existing.and_then(|e| e.template.clone()) {
        set("template", toml::Value::String(template));
    }
    let image = input.image.as_deref().map(str::trim);
    if let Some(image) = image.filter(|i| !i.is_empty()) {
        set("image", toml::Value::String(image.to_owned()));
    }
    let extra: toml::Table = existing
        .map(|e| e.extra.clone())
        .unwrap_or_default()
        .into_iter()
        // A cover set by the editor replaces (or, empty, removes) the file's own.
        .filter(|(k, _)| image.is_none() || k != "image")
        .filter_map(|(k, v)| json_to_toml(v).map(|v| (k, v)))
        .collect();
    if !extra.is_empty() {
        // The serializer writes plain keys before tables, so the header stays valid TOML.
        if let Ok(text) = toml::to_string(&extra) {
            lines.push(text.trim_end().to_owned());
        }
    }
    lines.push("+++".to_owned());
    let mut text = lines.join("\n");
    text.push('\n');
    text.push_str(&input.body);
    if !input.body.ends_with('\n') {
        text.push('\n');
    }
    text
}

fn toml_date(date: WrittenDate) -> toml::Value {
    let text = date.written().to_rfc3339_opts(SecondsFormat::Secs, true);
    text.parse::<toml::value::Datetime>()
        .map(toml::Value::Datetime)
        .unwrap_or(toml::Value::String(text))
}

fn json_to_toml(value: serde_json::Value) -> Option<toml::Value> {
    Some(match value {
        serde_json::Value::Null => return None,
        serde_json::Value::Bool(b) => toml::Value::Boolean(b),
        serde_json::Value::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64()?),
        },
        serde_json::Value::String(s) => toml::Value::String(s),
        serde_json::Value::Array(items) => {
            toml::Value::Array(items.into_iter().filter_map(json_to_toml).collect())
        }
        serde_json::Value::Object(map) => toml::Value::Table(
            map.into_iter()
                .filter_map(|(k, v)| json_to_toml(v).map(|v| (k, v)))
                .collect(),
        ),
    })
}

/// Upload types allowed, detected from the bytes: (MIME type, extension).
pub fn detect_media_type(bytes: &[u8]) -> Option<(&'static str, &'static str)> {
    const ALLOWED: &[&str] = &[
        "image/png",
        "image/jpeg",
        "image/gif",
        "image/webp",
        "image/avif",
        "application/pdf",
        "video/mp4",
        "video/webm",
        "audio/mpeg",
        "audio/ogg",
    ];
    let kind = infer::get(bytes)?;
    ALLOWED
        .contains(&kind.mime_type())
        .then(|| (kind.mime_type(), kind.extension()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hostile_slugs_and_bad_dates_are_field_errors() {
        let input = EntryFields {
            title: String::new(),
            slug: Some("../x".to_owned()),
            date: Some("2024-02-30".to_owned()),
            ..EntryFields::default()
        };
        let Err(AdminError::Invalid(fields)) = validate(&input) else {
            panic!("expected field errors")
        };
        assert_eq!(fields.keys().collect::<Vec<_>>(), ["date", "slug", "title"]);
    }

    #[test]
    fn generated_source_compiles_back_to_the_same_fields() {
        let input = EntryFields {
            title: "Hello \"there\"".to_owned(),
            body: "Body *text*".to_owned(),
            tags: vec!["a".to_owned(), "B c".to_owned()],
            date: Some("2024-05-01T09:30:00Z".to_owned()),
            ..EntryFields::default()
        };
        let text = source_text(&input, EntryKind::Post, "hello", None, Utc::now(), None);
        let source = crate::site::entry::SourcePath::new("posts/hello.md").unwrap();
        let (entry, _) = crate::content::compile::compile(
            &source,
            &text,
            &crate::content::markdown::Markdown::new(),
            None,
        )
        .unwrap_or_else(|d| panic!("{d}\n{text}"));
        assert_eq!(entry.title, "Hello \"there\"");
        assert_eq!(entry.tags.len(), 2);
        assert_eq!(
            entry.date.map(|d| d.to_rfc3339()),
            Some("2024-05-01T09:30:00+00:00".to_owned())
        );
    }

    #[test]
    fn media_types_come_from_the_bytes() {
        let png = [0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 0];
        assert_eq!(detect_media_type(&png), Some(("image/png", "png")));
        assert_eq!(detect_media_type(b"<html><script>alert(1)</script>"), None);
        assert_eq!(
            detect_media_type(b"MZ\x90\x00"),
            None,
            "executables are refused"
        );
    }
}
