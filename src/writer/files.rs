//! File input: the startup reconcile of `content/` against the store by hash, and the
//! watcher's changes to single files, config, theme and static files.

use std::collections::BTreeSet;
use std::path::PathBuf;
use std::time::Instant;

use bytes::Bytes;
use rayon::prelude::*;
use tracing::{info, warn};

use super::{Batch, Writer};
use crate::change::{Actor, Change};
use crate::content::compile::{FieldLines, compile, source_hash};
use crate::content::scan;
use crate::content::watch::FsChange;
use crate::diagnostic::Diagnostic;
use crate::pipeline;
use crate::site::Site;
use crate::site::entry::{Entry, SourcePath};

/// Counts from a reconcile, logged and shown by `build`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReconcileStats {
    pub parsed: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub failed: usize,
}

/// A content file read, hashed and (if changed) compiled, ready to be admitted in order.
enum Prepared {
    Unreadable(Diagnostic),
    Unchanged(SourcePath),
    Compiled(
        SourcePath,
        String,
        Box<Result<(Entry, FieldLines), Diagnostic>>,
    ),
}

enum Ingested {
    Unchanged,
    Changed,
    Failed,
}

/// The tombstone for an entry that is in `site`.
pub(super) fn deletion(site: &Site, source: &SourcePath) -> Option<Change> {
    site.entry(source).map(|e| Change::EntryDeleted {
        source: source.clone(),
        slug: e.slug.clone(),
        kind: e.kind,
    })
}

impl Writer {
    pub(super) fn handle_fs(&mut self, changes: Vec<FsChange>, reconcile: bool) {
        let config_changed = changes.contains(&FsChange::Config);
        let theme_changed = changes.contains(&FsChange::Theme);
        let static_changed = changes.contains(&FsChange::Static);
        if config_changed {
            self.reload_config();
        }
        if theme_changed {
            self.reload_theme();
        }
        if static_changed && !config_changed && !theme_changed {
            self.reload_files();
            info!("static files reloaded");
        }
        let content: BTreeSet<PathBuf> = changes
            .into_iter()
            .filter_map(|c| match c {
                FsChange::Content(p) => Some(p),
                _ => None,
            })
            .collect();
        if reconcile {
            self.reconcile();
        } else if !content.is_empty() {
            self.apply_paths(&content);
        }
    }

    /// Compares `content/` with the store by hash; only changed, new and deleted files are
    /// processed. Without a `content/` folder the store alone is the site.
    pub fn reconcile(&mut self) -> ReconcileStats {
        let started = Instant::now();
        let content_dir = self.paths.content();
        let mut stats = ReconcileStats::default();
        if !content_dir.is_dir() {
            info!(
                "reconciled content/: no content/ folder, so the log is the site ({} entries)",
                self.site.entry_count()
            );
            return stats;
        }
        let files = scan::scan_content(&content_dir);
        let mut working = self.working_copy();
        let mut batch = Batch::default();
        let on_disk: BTreeSet<&SourcePath> = files.markdown.iter().map(|(s, _)| s).collect();
        let stored: Vec<SourcePath> = working.entries().map(|e| e.source.clone()).collect();
        for source in stored.iter().filter(|s| !on_disk.contains(s)) {
            if let Some(change) = deletion(&working, source) {
                batch.changes.push((Actor::File, change));
            }
            batch.impact.merge(working.remove(source));
            self.errors.remove(&source.display_path());
            stats.removed += 1;
        }
        // Reading, hashing and compiling run on every core; admitting stays in file order, so
        // which of two clashing files wins does not depend on thread timing.
        let (site, markdown) = (&working, &self.markdown);
        let tz = working.config.tz();
        let prepared: Vec<Prepared> = files
            .markdown
            .par_iter()
            .map(|(source, path)| match pipeline::read(source, path) {
                Err(d) => Prepared::Unreadable(d),
                Ok(text) => {
                    let hash = source_hash(&text, tz);
                    if site.entry(source).is_some_and(|e| e.source_hash == hash) {
                        Prepared::Unchanged(source.clone())
                    } else {
                        let compiled = compile(source, &text, markdown, tz);
                        Prepared::Compiled(source.clone(), text, Box::new(compiled))
                    }
                }
            })
            .collect();
        for item in prepared {
            match item {
                Prepared::Unreadable(d) => self.report(d),
                Prepared::Unchanged(source) => {
                    self.clear_error(&source.display_path());
                    stats.unchanged += 1;
                }
                Prepared::Compiled(source, text, compiled) => {
                    match self.admit_compiled(&mut working, &source, text, *compiled, &mut batch) {
                        Ingested::Changed => stats.parsed += 1,
                        _ => stats.failed += 1,
                    }
                }
            }
        }
        let bundle_dirs: BTreeSet<&str> = files
            .markdown
            .iter()
            .filter_map(|(s, _)| s.bundle_dir())
            .collect();
        for (source, path) in &files.other {
            let in_bundle = source
                .as_str()
                .rsplit_once('/')
                .is_some_and(|(dir, _)| bundle_dirs.contains(dir));
            if in_bundle && let Ok(bytes) = std::fs::read(path) {
                let impact = working.set_bundle_file(source.clone(), Some(Bytes::from(bytes)));
                batch.impact.merge(impact);
            }
        }
        let rendered = self.commit(working, batch).unwrap_or(0);
        info!(
            "reconciled content/: {} parsed, {} unchanged, {} removed, {} with errors ({} pages rendered in {:.1?})",
            stats.parsed,
            stats.unchanged,
            stats.removed,
            stats.failed,
            rendered,
            started.elapsed()
        );
        stats
    }

    /// Applies watcher events for files under `content/`.
    fn apply_paths(&mut self, paths: &BTreeSet<PathBuf>) {
        let started = Instant::now();
        let content_dir = self.paths.content();
        let mut working = self.working_copy();
        let mut batch = Batch::default();
        let mut touched = Vec::new();
        for path in paths {
            if path.is_dir() {
                // A folder appeared, moved or was renamed: compare everything by hash.
                self.reconcile();
                return;
            }
            let Some(source) = scan::source_path_of(&content_dir, path) else {
                continue;
            };
            touched.push(source.display_path());
            if source.as_str().ends_with(".md") {
                match std::fs::read_to_string(path) {
                    Ok(text) => {
                        self.ingest(&mut working, &source, text, &mut batch);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        self.errors.remove(&source.display_path());
                        if let Some(change) = deletion(&working, &source) {
                            batch.changes.push((Actor::File, change));
                            batch.impact.merge(working.remove(&source));
                        }
                    }
                    Err(e) => self.report(Diagnostic::new(
                        source.display_path(),
                        0,
                        format!("cannot read: {e}"),
                    )),
                }
            } else if let Some((dir, _)) = source.as_str().rsplit_once('/') {
                let dir = dir.to_owned();
                let in_bundle = content_dir.join(&dir).join("index.md").is_file();
                match std::fs::read(path) {
                    Ok(bytes) if in_bundle => batch
                        .impact
                        .merge(working.set_bundle_file(source, Some(Bytes::from(bytes)))),
                    Ok(_) => {}
                    Err(_) if !path.exists() => {
                        // Either a bundle file or a whole folder went away.
                        batch.impact.merge(working.set_bundle_file(source, None));
                        if !content_dir.join(&dir).exists() {
                            self.reconcile();
                            return;
                        }
                    }
                    Err(e) => warn!("{}: cannot read: {e}", source.display_path()),
                }
            }
        }
        // A removal or a slug change may free a URL another file was refused for.
        if !batch.changes.is_empty() {
            self.retry_failed(&mut working, &mut batch);
        }
        let saved = batch.changes.len();
        let rendered = self.commit(working, batch).unwrap_or(0);
        if rendered > 0 || saved > 0 {
            info!(
                "{}: {rendered} pages rendered in {:.1?}",
                touched.join(", "),
                started.elapsed()
            );
        }
    }

    fn retry_failed(&mut self, working: &mut Site, batch: &mut Batch) {
        let failed: Vec<String> = self.errors.keys().cloned().collect();
        for shown in failed {
            let Some(source) = shown.strip_prefix("content/").and_then(SourcePath::new) else {
                continue;
            };
            if let Ok(text) = std::fs::read_to_string(self.paths.content().join(source.as_str())) {
                self.ingest(working, &source, text, batch);
            }
        }
    }

    /// Compiles one source unless the site already holds this exact version.
    fn ingest(
        &mut self,
        working: &mut Site,
        source: &SourcePath,
        text: String,
        batch: &mut Batch,
    ) -> Ingested {
        let tz = working.config.tz();
        let hash = source_hash(&text, tz);
        if working.entry(source).is_some_and(|e| e.source_hash == hash) {
            self.clear_error(&source.display_path());
            return Ingested::Unchanged;
        }
        let compiled = compile(source, &text, &self.markdown, tz);
        self.admit_compiled(working, source, text, compiled, batch)
    }

    /// Admits a compiled source (or reports why it cannot be), recording the change.
    fn admit_compiled(
        &mut self,
        working: &mut Site,
        source: &SourcePath,
        text: String,
        compiled: Result<(Entry, FieldLines), Diagnostic>,
        batch: &mut Batch,
    ) -> Ingested {
        match pipeline::admit_compiled(working, &self.renderer.theme, source, compiled) {
            Ok(impact) => {
                batch.impact.merge(impact);
                if let Some(entry) = working.entry(source) {
                    batch.changes.push((
                        Actor::File,
                        Change::EntryUpserted {
                            entry: Box::new((**entry).clone()),
                            source_text: text,
                        },
                    ));
                }
                self.clear_error(&source.display_path());
                Ingested::Changed
            }
            Err(rejected) => {
                self.report(rejected.into_diagnostic());
                Ingested::Failed
            }
        }
    }
}
