//! `quire build`: writes exactly the bytes `serve` serves into a folder, for any static host.

use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use indicatif::{ProgressBar, ProgressStyle};
use tracing::info;

use crate::paths::SitePaths;
use crate::render::page::Served;
use crate::site::route::NOT_FOUND_PATH;
use crate::writer::{Mode, Writer, WriterError};

/// Marks a folder as Quire's output, so a rebuild may replace it.
const MARKER: &str = ".quire-build";

#[derive(Debug, thiserror::Error)]
pub enum BuildError {
    #[error(transparent)]
    Writer(#[from] WriterError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{0} is not empty and is not a previous Quire build; choose another --out or empty it")]
    NotOurs(PathBuf),
    #[error("{0} pages failed to render:\n{1}")]
    Render(usize, String),
}

pub struct BuildReport {
    pub files: usize,
    pub bytes: u64,
    pub problems: usize,
    pub elapsed: Duration,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> BuildError + '_ {
    move |source| BuildError::Io {
        path: path.to_owned(),
        source,
    }
}

pub fn build(paths: SitePaths, out: &Path) -> Result<BuildReport, BuildError> {
    let started = Instant::now();
    let mut writer = Writer::load(
        paths,
        "http://127.0.0.1:8080".to_owned(),
        Mode::Build,
        crate::clock::system(),
        None,
    )?;
    if writer.site().config.base_url.is_empty() {
        tracing::warn!(
            "quire.toml sets no base_url; links in feeds and <head> use {}",
            writer.renderer().base_url
        );
    }
    writer.reconcile();
    let problems = writer.errors().count();

    let total = writer.route_count() as u64;
    let bar = ProgressBar::new(total);
    bar.set_style(
        ProgressStyle::with_template("{spinner} rendering [{bar:30}] {pos}/{len} pages {elapsed}")
            .unwrap_or_else(|_| ProgressStyle::default_bar())
            .progress_chars("=> "),
    );
    let staging = out.with_file_name(format!(
        ".{}.quire-tmp",
        out.file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_else(|| "public".to_owned())
    ));
    if staging.exists() {
        std::fs::remove_dir_all(&staging).map_err(io(&staging))?;
    }
    std::fs::create_dir_all(&staging).map_err(io(&staging))?;
    let done = AtomicUsize::new(0);
    let files = AtomicUsize::new(0);
    let bytes = AtomicU64::new(0);
    let write_errors = std::sync::Mutex::new(Vec::new());
    let sink = |url_path: &str, served: &Served| {
        if let Some(rel) = file_for(url_path) {
            let path = staging.join(rel);
            let written = match served {
                Served::Page(page) => write_file(&path, &page.identity),
                Served::Redirect { location, .. } => {
                    write_file(&path, redirect_page(location).as_bytes())
                }
            };
            match written {
                Ok(n) => {
                    files.fetch_add(1, Ordering::Relaxed);
                    bytes.fetch_add(n, Ordering::Relaxed);
                }
                Err(e) => write_errors
                    .lock()
                    .unwrap_or_else(|p| p.into_inner())
                    .push(format!("{}: {e}", path.display())),
            }
        }
        let n = done.fetch_add(1, Ordering::Relaxed) as u64 + 1;
        if n.is_multiple_of(64) || n == total {
            bar.set_position(n.min(total));
        }
    };
    let failures = writer.render_everything(&sink);
    bar.finish_and_clear();
    if !failures.is_empty() {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(BuildError::Render(failures.len(), failures.join("\n")));
    }
    let write_errors = write_errors.into_inner().unwrap_or_else(|p| p.into_inner());
    if let Some(first) = write_errors.first() {
        let _ = std::fs::remove_dir_all(&staging);
        return Err(BuildError::Io {
            path: staging.clone(),
            source: std::io::Error::other(first.clone()),
        });
    }
    let files = files.into_inner();
    let bytes = bytes.into_inner();
    std::fs::write(
        staging.join(MARKER),
        "This folder is written by `quire build`; it is replaced on each build.\n",
    )
    .map_err(io(&staging))?;

    replace_dir(&staging, out)?;
    info!("built {files} files into {}", out.display());
    Ok(BuildReport {
        files,
        bytes,
        problems,
        elapsed: started.elapsed(),
    })
}

fn write_file(path: &Path, bytes: &[u8]) -> std::io::Result<u64> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent)?;
    }
    std::fs::write(path, bytes)?;
    Ok(bytes.len() as u64)
}

/// `/posts/x/` -> `posts/x/index.html`; `/atom.xml` -> `atom.xml`. Refuses anything odd.
fn file_for(url_path: &str) -> Option<PathBuf> {
    let rel = url_path.strip_prefix('/')?;
    let inner = rel.strip_suffix('/').unwrap_or(rel);
    if !inner.is_empty() && !crate::paths::is_clean_relative(inner) {
        return None;
    }
    if url_path == NOT_FOUND_PATH {
        return Some(PathBuf::from("404.html"));
    }
    Some(if rel.is_empty() || rel.ends_with('/') {
        PathBuf::from(format!("{rel}index.html"))
    } else {
        PathBuf::from(rel)
    })
}

/// Static hosts cannot send a 301; a refresh page with a canonical link is the standard stand-in.
fn redirect_page(location: &str) -> String {
    let l = crate::escape::escape(location);
    format!(
        "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Redirecting…</title>\
         <link rel=\"canonical\" href=\"{l}\"><meta http-equiv=\"refresh\" content=\"0; url={l}\"></head>\
         <body><a href=\"{l}\">This page has moved here.</a></body></html>\n"
    )
}

fn replace_dir(staging: &Path, out: &Path) -> Result<(), BuildError> {
    if out.exists() {
        let ours = out.join(MARKER).exists();
        let empty = std::fs::read_dir(out).map_err(io(out))?.next().is_none();
        if !ours && !empty {
            let _ = std::fs::remove_dir_all(staging);
            return Err(BuildError::NotOurs(out.to_owned()));
        }
        std::fs::remove_dir_all(out).map_err(io(out))?;
    }
    std::fs::rename(staging, out).map_err(io(out))
}
