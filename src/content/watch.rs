//! Watches the site folder and sorts what changed into kinds, each with its own work to do.

use std::path::{Path, PathBuf};
use std::time::Duration;

use notify::event::{AccessKind, AccessMode};
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use tracing::warn;

use crate::paths::SitePaths;

/// A change on disk, by what it affects.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FsChange {
    /// A file or folder under `content/`.
    Content(PathBuf),
    /// Anything in the theme override folder.
    Theme,
    /// Anything under `static/`.
    Static,
    /// `quire.toml`.
    Config,
}

/// Editors save in a burst of events; this is how long a burst may pause and still be one change.
const DEBOUNCE: Duration = Duration::from_millis(5);

pub type Watcher = Debouncer<notify::RecommendedWatcher, RecommendedCache>;

/// Starts watching `content/`, `static/`, `themes/` and `quire.toml`. Each burst of changes is
/// handed to `on_change` until the returned watcher is dropped.
pub fn start(
    paths: &SitePaths,
    on_change: impl Fn(Vec<FsChange>) + Send + 'static,
) -> notify::Result<Watcher> {
    let classify_paths = paths.clone();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        match result {
            Ok(events) => {
                let mut changes: Vec<FsChange> = Vec::new();
                for event in events {
                    if matches!(event.kind, EventKind::Access(kind) if kind != AccessKind::Close(AccessMode::Write))
                    {
                        continue;
                    }
                    for path in &event.paths {
                        if let Some(change) = classify(&classify_paths, path)
                            && !changes.contains(&change)
                        {
                            changes.push(change);
                        }
                    }
                }
                if !changes.is_empty() {
                    on_change(changes);
                }
            }
            Err(errors) => {
                for e in errors {
                    warn!("file watcher: {e}");
                }
            }
        }
    })?;
    // The root itself only for quire.toml: watching it recursively would see the data folder.
    debouncer.watch(&paths.root, RecursiveMode::NonRecursive)?;
    for dir in [paths.content(), paths.static_dir(), paths.themes()] {
        if dir.is_dir() {
            debouncer.watch(&dir, RecursiveMode::Recursive)?;
        }
    }
    Ok(debouncer)
}

fn classify(paths: &SitePaths, path: &Path) -> Option<FsChange> {
    if path == paths.config_file() {
        Some(FsChange::Config)
    } else if path.starts_with(paths.content()) {
        Some(FsChange::Content(path.to_owned()))
    } else if path.starts_with(paths.static_dir()) {
        Some(FsChange::Static)
    } else if path.starts_with(paths.themes()) {
        Some(FsChange::Theme)
    } else {
        None
    }
}
