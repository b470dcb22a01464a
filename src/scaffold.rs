//! `quire init`, `quire new` and `quire check`: create sites and posts, and validate files.

use std::path::{Path, PathBuf};

use chrono::{DateTime, SecondsFormat, Utc};

use crate::config::Config;
use crate::content::Diagnostic;
use crate::content::compile::compile;
use crate::content::markdown::Markdown;
use crate::content::scan;
use crate::content::slug::slugify;
use crate::render::theme::Theme;
use crate::site::Site;

#[derive(rust_embed::Embed)]
#[folder = "assets/init/"]
struct InitFiles;

#[derive(Debug, thiserror::Error)]
pub enum ScaffoldError {
    #[error("{0} already exists and is not empty")]
    NotEmpty(PathBuf),
    #[error("{0} already exists; pick another title")]
    Exists(PathBuf),
    #[error("the title {0:?} has no letters or digits to make a file name from")]
    EmptySlug(String),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> ScaffoldError + '_ {
    move |source| ScaffoldError::Io {
        path: path.to_owned(),
        source,
    }
}

/// Writes a working site (config, a post, an about page) into an empty or new folder.
pub fn init(dir: &Path) -> Result<(), ScaffoldError> {
    if dir.exists() && std::fs::read_dir(dir).map_err(io(dir))?.next().is_some() {
        return Err(ScaffoldError::NotEmpty(dir.to_owned()));
    }
    for name in InitFiles::iter() {
        let Some(file) = InitFiles::get(&name) else {
            continue;
        };
        let path = dir.join(name.as_ref());
        if let Some(parent) = path.parent() {
            std::fs::create_dir_all(parent).map_err(io(parent))?;
        }
        std::fs::write(&path, &file.data).map_err(io(&path))?;
    }
    Ok(())
}

/// Creates `content/posts/<slug>.md` as a draft and returns its path.
pub fn new_post(root: &Path, title: &str, now: DateTime<Utc>) -> Result<PathBuf, ScaffoldError> {
    let slug = slugify(title);
    if slug.is_empty() {
        return Err(ScaffoldError::EmptySlug(title.to_owned()));
    }
    let dir = root.join("content").join("posts");
    std::fs::create_dir_all(&dir).map_err(io(&dir))?;
    let path = dir.join(format!("{slug}.md"));
    let escaped = title.replace('\\', "\\\\").replace('"', "\\\"");
    let text = format!(
        "+++\ntitle = \"{escaped}\"\ndate = {}\ndraft = true\ntags = []\n+++\n\nWrite here. Set `draft = false` to publish.\n",
        now.to_rfc3339_opts(SecondsFormat::Secs, true)
    );
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .open(&path)
        .map_err(|e| {
            if e.kind() == std::io::ErrorKind::AlreadyExists {
                ScaffoldError::Exists(path.clone())
            } else {
                ScaffoldError::Io {
                    path: path.clone(),
                    source: e,
                }
            }
        })?;
    std::io::Write::write_all(&mut file, text.as_bytes()).map_err(io(&path))?;
    Ok(path)
}

/// Every problem in the site, in file order, without touching the store.
pub fn check(root: &Path) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let config = match Config::load(root) {
        Ok(c) => c,
        Err(d) => {
            problems.push(d);
            Config::default()
        }
    };
    let theme = match Theme::load(root, &config.theme) {
        Ok(t) => Some(t),
        Err(d) => {
            problems.push(d);
            None
        }
    };
    let markdown = Markdown::new();
    let mut site = Site::new(std::sync::Arc::new(config), Utc::now());
    for (source, path) in scan::scan_content(&root.join("content")).markdown {
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) => {
                problems.push(Diagnostic::new(
                    source.display_path(),
                    0,
                    format!("cannot read: {e}"),
                ));
                continue;
            }
        };
        let result = compile(&source, &text, &markdown).and_then(|(entry, lines)| match &theme {
            Some(theme) => crate::writer::admit(&mut site, theme, entry, lines).map(|_| ()),
            None => Ok(()),
        });
        if let Err(d) = result {
            problems.push(d);
        }
    }
    problems
}
