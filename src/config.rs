//! Reads `quire.toml` into a validated `Config` that is passed down, never global.

use std::path::Path;

use serde::Deserialize;

use crate::content::Diagnostic;

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
        }
    }
}

pub const CONFIG_FILE: &str = "quire.toml";

impl Config {
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
    fn relative_base_url_is_refused() {
        assert!(Config::parse("base_url = \"example.com\"").is_err());
    }
}
