//! Mirrors admin writes into `content/` (temp file, fsync, rename, fsync the folder), so a git
//! workflow sees them. The watcher recognises these files by their hash and does nothing.

use std::collections::BTreeSet;
use std::io::Write;
use std::path::Path;

use tracing::error;

use super::Writer;
use crate::site::entry::SourcePath;

impl Writer {
    /// Writes (or, for `None`, deletes) each file. Without a `content/` folder the log alone
    /// is the site, and nothing is written.
    pub(super) fn write_back(&self, files: &[(SourcePath, Option<String>)]) {
        let content = self.paths.content();
        if files.is_empty() || !content.is_dir() {
            return;
        }
        let mut folders = BTreeSet::new();
        for (source, text) in files {
            let path = content.join(source.as_str());
            let result = match text {
                Some(text) => write_file_synced(&path, text.as_bytes()),
                None => match std::fs::remove_file(&path) {
                    Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e),
                    _ => Ok(()),
                },
            };
            match result {
                Ok(()) => {
                    if let Some(dir) = path.parent() {
                        folders.insert(dir.to_owned());
                    }
                }
                Err(e) => error!(
                    "{}: cannot write the file: {e}; the change is saved in the log",
                    source.display_path()
                ),
            }
        }
        // One fsync per folder for the whole batch makes the renames durable.
        for dir in folders {
            if let Err(e) = std::fs::File::open(&dir).and_then(|d| d.sync_all()) {
                error!("{}: cannot sync the folder: {e}", dir.display());
            }
        }
    }
}

/// Writes through a temp file in the same folder, fsyncs it and renames it over the target, so a
/// crash leaves either the old file or the new one, never a torn one. The caller fsyncs the folder.
fn write_file_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = path
        .parent()
        .ok_or_else(|| std::io::Error::other("no parent folder"))?;
    std::fs::create_dir_all(dir)?;
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let temp = dir.join(format!(".{name}.quire-tmp"));
    {
        let mut file = std::fs::File::create(&temp)?;
        file.write_all(bytes)?;
        file.sync_all()?;
    }
    std::fs::rename(&temp, path)
}
