//! `quire init`, `quire new` and `quire check`: create sites and posts, and validate files.

use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};

use crate::config::Config;
use crate::content::compile::compile;
use crate::content::markdown::Markdown;
use crate::content::scan;
use crate::content::slug::slugify;
use crate::diagnostic::Diagnostic;
use crate::paths::SitePaths;
use crate::pipeline::{self, Rejected};
use crate::site::Site;
use crate::site::entry::EntryKind;

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
    let draft = crate::admin::EntryFields {
        title: title.to_owned(),
        body: "Write here. Set `draft = false` to publish.\n".to_owned(),
        draft: true,
        ..Default::default()
    };
    let text = crate::admin::source_text(&draft, EntryKind::Post, &slug, None, now, None);
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

/// Every problem in the site, in file order, judged exactly as the writer judges files, without
/// touching the store.
pub fn check(paths: &SitePaths, now: DateTime<Utc>) -> Vec<Diagnostic> {
    let mut problems = Vec::new();
    let config = match Config::load(&paths.root) {
        Ok(c) => c,
        Err(d) => {
            problems.push(d);
            Config::default()
        }
    };
    let theme = match crate::theme_files::load_theme(paths, &config.theme) {
        Ok(t) => Some(t),
        Err(d) => {
            problems.push(d);
            None
        }
    };
    let markdown = Markdown::new();
    let mut site = Site::new(std::sync::Arc::new(config), now);
    for (source, path) in scan::scan_content(&paths.content()).markdown {
        let text = match pipeline::read(&source, &path) {
            Ok(text) => text,
            Err(d) => {
                problems.push(d);
                continue;
            }
        };
        let result = match &theme {
            Some(theme) => pipeline::compile_and_admit(&mut site, theme, &markdown, &source, &text)
                .map(|_| ())
                .map_err(Rejected::into_diagnostic),
            None => compile(&source, &text, &markdown, site.config.tz()).map(|_| ()),
        };
        if let Err(d) = result {
            problems.push(d);
        }
    }
    problems
}
