//! Walks content and static folders: which markdown files and plain files exist.

use std::path::{Path, PathBuf};

use crate::site::entry::SourcePath;

/// Every file under `dir` (recursively), as (`/`-separated relative path, absolute path),
/// sorted, skipping hidden files and editor leftovers.
pub fn files_under(dir: &Path) -> Vec<(String, PathBuf)> {
    let mut files: Vec<(String, PathBuf)> = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !is_ignored_name(&e.file_name().to_string_lossy()))
        .filter_map(Result::ok)
        .filter(|e| e.file_type().is_file())
        .filter_map(|e| {
            let rel = e.path().strip_prefix(dir).ok()?;
            let rel = rel
                .components()
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            Some((rel, e.into_path()))
        })
        .collect();
    files.sort();
    files
}

/// Dotfiles, `_index.md`-style files and editor swap/backup files are not content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('_')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".tmp")
}

/// What `content/` holds: markdown sources and the other files beside them (bundle files).
#[derive(Debug, Default)]
pub struct ContentFiles {
    pub markdown: Vec<(SourcePath, PathBuf)>,
    pub other: Vec<(SourcePath, PathBuf)>,
}

pub fn scan_content(content_dir: &Path) -> ContentFiles {
    let mut found = ContentFiles::default();
    for (rel, path) in files_under(content_dir) {
        let Some(source) = SourcePath::new(&rel) else {
            continue;
        };
        if rel.ends_with(".md") {
            found.markdown.push((source, path));
        } else {
            found.other.push((source, path));
        }
    }
    found
}

/// The content-relative path of a file the watcher reported, if it is inside `content_dir`.
pub fn source_path_of(content_dir: &Path, path: &Path) -> Option<SourcePath> {
    let rel = path.strip_prefix(content_dir).ok()?;
    let mut parts = Vec::new();
    for c in rel.components() {
        let part = c.as_os_str().to_str()?;
        if is_ignored_name(part) {
            return None;
        }
        parts.push(part);
    }
    SourcePath::new(&parts.join("/"))
}
