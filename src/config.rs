//! Reads `quire.toml` into a validated `Config` that is passed down, never global.

use std::path::Path;

use serde::Deserialize;

use crate::diagnostic::Diagnostic;

/// The site's settings. Every key has a default, so a site with no `quire.toml` works.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    pub title: String,
    /// Absolute URL the site is published at, without a trailing slash.
    /// Empty means "not set": `serve` then uses the address it listens on.
    pub base_url: String,
    pub description: String,
    pub author: String,
    pub language: String,
    pub posts_per_page: usize,
    /// How many posts a feed carries.
    pub feed_limit: usize,
    /// Name of the theme; `themes/<name>/` in the site root overrides the embedded theme file by file.
    pub theme: String,
    /// Free-form values for templates, as `config.extra`.
    pub extra: toml::Table,
    /// The admin API: sessions, uploads, proxies.
    pub admin: AdminConfig,
    /// IANA time zone (`America/New_York`) for dates written without an offset; empty is UTC.
    pub timezone: String,
    /// Comments under posts.
    pub comments: CommentsConfig,
    /// View counts.
    pub views: ViewsConfig,
}

/// `[views]` in `quire.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ViewsConfig {
    /// Whether page views are counted.
    pub enabled: bool,
    /// How often counts are written down: the most a crash can lose.
    pub flush_seconds: u32,
}

impl Default for ViewsConfig {
    fn default() -> Self {
        ViewsConfig {
            enabled: true,
            flush_seconds: 5,
        }
    }
}

/// `[comments]` in `quire.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct CommentsConfig {
    /// Whether posts take comments; a post's `allow_comments` front matter overrides it.
    pub enabled: bool,
    /// Approve at once a commenter whose browser already has an approved comment here.
    pub auto_approve_returning: bool,
    /// How long a commenter may edit or delete their own comment, in minutes.
    pub edit_minutes: u32,
    /// A comment sent sooner than this after its form was handed out is refused as a robot's.
    pub min_seconds: u32,
    /// Where a static export's pages send and fetch comments (`https://example.com`); empty
    /// means an export shows the comments as they were, without a form.
    pub origin: String,
}

impl Default for CommentsConfig {
    fn default() -> Self {
        CommentsConfig {
            enabled: true,
            auto_approve_returning: false,
            edit_minutes: 15,
            min_seconds: 3,
            origin: String::new(),
        }
    }
}

/// `[admin]` in `quire.toml`.
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct AdminConfig {
    /// A session ends after this long without use, e.g. "14d", "12h", "30m".
    pub session_idle: String,
    /// A session ends this long after login, however much it is used.
    pub session_absolute: String,
    /// Largest upload, in MiB.
    pub max_upload_mb: u64,
    /// Addresses of reverse proxies whose `X-Forwarded-For` is believed.
    pub trusted_proxies: Vec<std::net::IpAddr>,
}

impl Default for AdminConfig {
    fn default() -> Self {
        AdminConfig {
            session_idle: "14d".to_owned(),
            session_absolute: "30d".to_owned(),
            max_upload_mb: 10,
            trusted_proxies: Vec::new(),
        }
    }
}

impl AdminConfig {
    pub fn idle(&self) -> std::time::Duration {
        parse_duration(&self.session_idle).unwrap_or(std::time::Duration::from_secs(14 * 86_400))
    }
    pub fn absolute(&self) -> std::time::Duration {
        parse_duration(&self.session_absolute)
            .unwrap_or(std::time::Duration::from_secs(30 * 86_400))
    }
    pub fn max_upload_bytes(&self) -> usize {
        usize::try_from(self.max_upload_mb.saturating_mul(1024 * 1024)).unwrap_or(usize::MAX)
    }
}

/// "14d", "12h", "30m", "45s" -> a duration.
pub fn parse_duration(text: &str) -> Option<std::time::Duration> {
    let text = text.trim();
    let split = text.find(|c: char| !c.is_ascii_digit())?;
    let (number, unit) = text.split_at(split);
    let n: u64 = number.parse().ok()?;
    let secs = match unit.trim() {
        "s" => n,
        "m" => n.checked_mul(60)?,
        "h" => n.checked_mul(3600)?,
        "d" => n.checked_mul(86_400)?,
        _ => return None,
    };
    Some(std::time::Duration::from_secs(secs))
}

impl Default for Config {
    fn default() -> Self {
        Config {
            title: "My Quire site".to_owned(),
            base_url: String::new(),
            description: String::new(),
            author: String::new(),
            language: "en".to_owned(),
            posts_per_page: 10,
            feed_limit: 20,
            theme: "default".to_owned(),
            extra: toml::Table::new(),
            admin: AdminConfig::default(),
            timezone: String::new(),
            comments: CommentsConfig::default(),
            views: ViewsConfig::default(),
        }
    }
}

pub const CONFIG_FILE: &str = "quire.toml";

impl Config {
    /// The site's time zone, if `timezone` names one.
    pub fn tz(&self) -> Option<chrono_tz::Tz> {
        self.timezone.parse().ok()
    }

    /// Loads `<root>/quire.toml`; a missing file gives the defaults.
    pub fn load(root: &Path) -> Result<Config, Diagnostic> {
        let path = root.join(CONFIG_FILE);
        match std::fs::read_to_string(&path) {
            Ok(text) => Config::parse(&text),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Config::default()),
            Err(e) => Err(Diagnostic::new(
                CONFIG_FILE,
                0,
                format!("cannot read the file: {e}"),
            )),
        }
    }

    pub fn parse(text: &str) -> Result<Config, Diagnostic> {
        let mut config: Config = toml::from_str(text).map_err(|e| {
            let line = e.span().map(|s| line_of(text, s.start)).unwrap_or(0);
            Diagnostic::new(CONFIG_FILE, line, e.message().trim().to_owned())
        })?;
        config.base_url = config.base_url.trim().trim_end_matches('/').to_owned();
        let absolute =
            config.base_url.starts_with("http://") || config.base_url.starts_with("https://");
        if !config.base_url.is_empty() && !absolute {
            return Err(Diagnostic::new(
                CONFIG_FILE,
                key_line(text, "base_url"),
                format!(
                    "base_url must be an absolute http(s) URL, like \"https://example.com\"; got {:?}",
                    config.base_url
                ),
            ));
        }
        if config.posts_per_page == 0 {
            return Err(Diagnostic::new(
                CONFIG_FILE,
                key_line(text, "posts_per_page"),
                "posts_per_page must be at least 1".to_owned(),
            ));
        }
        for (key, value) in [
            ("session_idle", &config.admin.session_idle),
            ("session_absolute", &config.admin.session_absolute),
        ] {
            if parse_duration(value).is_none() {
                return Err(Diagnostic::new(
                    CONFIG_FILE,
                    key_line(text, key),
                    format!(
                        "admin.{key} must be a duration like \"14d\", \"12h\" or \"30m\"; got {value:?}"
                    ),
                ));
            }
        }
        if !config.timezone.is_empty() && config.tz().is_none() {
            return Err(Diagnostic::new(
                CONFIG_FILE,
                key_line(text, "timezone"),
                format!(
                    "timezone must be an IANA time zone name, like \"Europe/Paris\" or \"America/New_York\"; got {:?}",
                    config.timezone
                ),
            ));
        }
        if config.feed_limit == 0 {
            config.feed_limit = 1;
        }
        if config.theme.is_empty() || config.theme.contains(['/', '\\', '.']) {
            return Err(Diagnostic::new(
                CONFIG_FILE,
                key_line(text, "theme"),
                format!(
                    "theme must be a plain folder name under themes/; got {:?}",
                    config.theme
                ),
            ));
        }
        Ok(config)
    }
}

/// 1-based line of a byte offset.
pub fn line_of(text: &str, offset: usize) -> usize {
    text.get(..offset.min(text.len()))
        .map(|head| head.matches('\n').count() + 1)
        .unwrap_or(1)
}

/// 1-based line where `key = ...` or `key: ...` is written, or 1 if it is not found.
pub fn key_line(text: &str, key: &str) -> usize {
    text.lines()
        .position(|line| {
            let line = line.trim_start();
            line.strip_prefix(key)
                .is_some_and(|rest| rest.trim_start().starts_with(['=', ':']))
        })
        .map(|i| i + 1)
        .unwrap_or(1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_config_is_all_defaults() {
        assert_eq!(Config::parse("").ok(), Some(Config::default()));
    }

    #[test]
    fn unknown_key_names_its_line() {
        let err = Config::parse("title = \"x\"\ntitel = \"y\"\n").err();
        let err = err.map(|d| (d.line, d.message.contains("titel")));
        assert_eq!(err, Some((2, true)));
    }

    #[test]
    fn durations() {
        assert_eq!(
            parse_duration("14d").map(|d| d.as_secs()),
            Some(14 * 86_400)
        );
        assert_eq!(parse_duration("2s").map(|d| d.as_secs()), Some(2));
        assert_eq!(parse_duration("soon"), None);
        assert!(Config::parse("[admin]\nsession_idle = \"forever\"\n").is_err());
    }

    #[test]
    fn relative_base_url_is_refused() {
        assert!(Config::parse("base_url = \"example.com\"").is_err());
    }
}
