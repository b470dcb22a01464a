//! The one writer: applies changes in order — compile, commit to the log, update the site,
//! re-render what the change touches, publish a new snapshot. Readers never wait for it.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::{Duration, Instant};

use arc_swap::ArcSwap;
use bytes::Bytes;
use chrono::Utc;
use rayon::prelude::*;
use tracing::{error, info, warn};

use crate::admin::{self, AdminCommand, AdminError, AdminReply, AdminRequest, Reply};
use crate::change::{Actor, Change, MediaInfo, Settings};
use crate::config::Config;
use crate::content::Diagnostic;
use crate::content::compile::{FieldLines, compile, source_hash};
use crate::content::markdown::Markdown;
use crate::content::scan;
use crate::content::slug::slugify;
use crate::content::watch::FsChange;
use crate::render::Renderer;
use crate::render::page::{CachePolicy, Compression, Page, PageTable, Served};
use crate::render::theme::Theme;
use crate::site::entry::{Entry, EntryKind, SourcePath};
use crate::site::route::Route;
use crate::site::{Conflict, Impact, Site};
use crate::store::{Store, StoreError};

/// Where a site's files are.
#[derive(Debug, Clone)]
pub struct SitePaths {
    pub root: PathBuf,
    pub data: PathBuf,
}

impl SitePaths {
    /// Makes the root absolute: the watcher reports absolute paths, and they must compare
    /// equal to ours whatever `--root` looked like (`.` by default).
    pub fn new(root: PathBuf, data: Option<PathBuf>) -> SitePaths {
        let root = std::fs::canonicalize(&root).unwrap_or(root);
        let data = data.unwrap_or_else(|| root.join(".quire"));
        SitePaths { root, data }
    }
    pub fn content(&self) -> PathBuf {
        self.root.join("content")
    }
    pub fn static_dir(&self) -> PathBuf {
        self.root.join("static")
    }
    pub fn theme_dir(&self, name: &str) -> PathBuf {
        self.root.join("themes").join(name)
    }
    pub fn config_file(&self) -> PathBuf {
        self.root.join(crate::config::CONFIG_FILE)
    }
}

/// What readers see: the site and its rendered pages, replaced as a whole on every change.
pub struct Snapshot {
    pub site: Site,
    pub pages: PageTable,
    /// The renderer of this state, for previews.
    pub renderer: Arc<Renderer>,
}

pub type Published = Arc<ArcSwap<Snapshot>>;

#[derive(Debug, thiserror::Error)]
pub enum WriterError {
    #[error("{0}")]
    Invalid(Diagnostic),
    #[error(transparent)]
    Store(#[from] StoreError),
}

/// What the writer is asked to do.
pub enum Input {
    Fs(Vec<FsChange>),
    /// A write from the admin API; answered once durable and published.
    Admin(Box<AdminCommand>),
    /// Compare all of `content/` with the store by hash.
    Reconcile,
}

/// Counts from a reconcile, logged and shown by `build`.
#[derive(Debug, Default, Clone, Copy, PartialEq, Eq)]
pub struct ReconcileStats {
    pub parsed: usize,
    pub unchanged: usize,
    pub removed: usize,
    pub failed: usize,
}

pub struct Writer {
    paths: SitePaths,
    store: Store,
    markdown: Arc<Markdown>,
    renderer: Arc<Renderer>,
    /// `quire.toml` as read; `settings` from the admin API are applied over it.
    file_config: Config,
    settings: Settings,
    /// Uploaded files, served at `/media/<hash>.<ext>`.
    media: BTreeMap<String, (MediaInfo, Bytes)>,
    /// Used when `quire.toml` has no `base_url` (the address `serve` listens on).
    fallback_base_url: String,
    site: Site,
    pages: PageTable,
    published: Published,
    /// Files that are wrong now, by display path; the last good version stays served.
    errors: BTreeMap<String, Diagnostic>,
    /// Whether to keep pages rendered (serve) or leave rendering to the caller (build).
    rendering: bool,
    /// Serve mode: pages are published uncompressed and compressed right after, when idle.
    background_compression: bool,
    /// Pages (`false`) and files (`true`) still to compress, by path.
    pending_compression: BTreeSet<(bool, String)>,
    /// Deep list pages (page 3 onwards) whose contents shifted; rendered when idle.
    deferred: BTreeSet<Route>,
    /// Whether the first drain of background work after startup has been logged.
    warmed_up: bool,
}

/// Checks a compiled entry against the theme and the rest of the site, and adds it.
pub fn admit(
    site: &mut Site,
    theme: &Theme,
    entry: Entry,
    lines: FieldLines,
) -> Result<Impact, Diagnostic> {
    let shown = entry.source.display_path();
    if let Some(template) = &entry.template
        && !theme.has_template(template)
    {
        return Err(Diagnostic::new(
            shown,
            lines.template,
            format!(
                "unknown template {template:?}; the theme has: {}",
                theme.template_names().join(", ")
            ),
        ));
    }
    site.upsert(entry).map_err(|conflict| match conflict {
        Conflict::UrlTaken { url, owner } => Diagnostic::new(
            shown,
            lines.slug,
            format!(
                "{url} is already used by {}; set a different `slug` in the front matter",
                owner.display_path()
            ),
        ),
        Conflict::ReservedSlug(slug) => Diagnostic::new(
            shown,
            lines.slug,
            format!("the slug {slug:?} is reserved for Quire's own pages; set a different `slug`"),
        ),
    })
}

impl Writer {
    /// Opens the store and builds the site from its compiled records (no markdown is parsed).
    pub fn load(
        paths: SitePaths,
        fallback_base_url: String,
        compression: Compression,
        rendering: bool,
    ) -> Result<Writer, WriterError> {
        let file_config = Config::load(&paths.root).map_err(WriterError::Invalid)?;
        let theme = Theme::load(&paths.root, &file_config.theme).map_err(WriterError::Invalid)?;
        let store = Store::open(&paths.data)?;
        let settings = store.settings()?;
        let mut config = file_config.clone();
        settings.apply_to(&mut config);
        let records = store.load_entries()?;
        let loaded = records.len();
        let config = Arc::new(config);
        let (site, conflicts) = Site::from_entries(config.clone(), records, Utc::now());
        for (source, conflict) in conflicts {
            warn!(
                "{}: stored record skipped: {conflict:?}",
                source.display_path()
            );
        }
        let media = store
            .load_media()?
            .into_iter()
            .map(|(info, bytes)| (info.hash.clone(), (info, bytes)))
            .collect();
        info!(
            "loaded {loaded} compiled entries from {}",
            store.path().display()
        );
        let base_url = base_url_for(&config, &fallback_base_url);
        // Serving publishes pages first and compresses them just after, off the critical path.
        let background_compression = rendering && compression == Compression::Precompress;
        let compression = if background_compression {
            Compression::None
        } else {
            compression
        };
        let renderer = Arc::new(Renderer {
            theme: Arc::new(theme),
            base_url,
            compression,
        });
        let published = Arc::new(ArcSwap::from_pointee(Snapshot {
            site: site.clone(),
            pages: PageTable::default(),
            renderer: renderer.clone(),
        }));
        let mut writer = Writer {
            paths,
            store,
            markdown: Arc::new(Markdown::new()),
            renderer,
            file_config,
            settings,
            media,
            fallback_base_url,
            site,
            pages: PageTable::default(),
            published,
            errors: BTreeMap::new(),
            rendering,
            background_compression,
            pending_compression: BTreeSet::new(),
            deferred: BTreeSet::new(),
            warmed_up: false,
        };
        if rendering {
            writer.render_all();
        }
        Ok(writer)
    }

    pub fn published(&self) -> Published {
        self.published.clone()
    }

    pub fn site(&self) -> &Site {
        &self.site
    }

    pub fn renderer(&self) -> &Renderer {
        &self.renderer
    }

    pub fn markdown(&self) -> Arc<Markdown> {
        self.markdown.clone()
    }

    pub fn errors(&self) -> impl Iterator<Item = &Diagnostic> {
        self.errors.values()
    }

    /// Serves changes until the channel closes; publishes scheduled posts on time.
    pub fn run(mut self, inbox: Receiver<Input>) {
        loop {
            let busy = self.has_background_work();
            let wait = if busy {
                Some(Duration::ZERO)
            } else {
                self.site
                    .next_scheduled()
                    .map(|at| (at - Utc::now()).to_std().unwrap_or(Duration::ZERO))
            };
            let first = match wait {
                Some(wait) => inbox.recv_timeout(wait),
                None => inbox.recv().map_err(|_| RecvTimeoutError::Disconnected),
            };
            match first {
                Ok(input) => {
                    // Group everything already queued into one batch: one transaction, one publish.
                    let mut batch = vec![input];
                    batch.extend(inbox.try_iter());
                    self.handle(batch);
                }
                Err(RecvTimeoutError::Timeout) if busy => self.background_step(),
                Err(RecvTimeoutError::Timeout) => {}
                Err(RecvTimeoutError::Disconnected) => break,
            }
            if self
                .site
                .next_scheduled()
                .is_some_and(|at| at <= Utc::now())
            {
                self.tick();
            }
        }
    }

    fn has_background_work(&self) -> bool {
        !self.deferred.is_empty() || !self.pending_compression.is_empty()
    }

    /// One small slice of deferred work, so new input is never kept waiting for long.
    fn background_step(&mut self) {
        const ROUTES_PER_STEP: usize = 32;
        const PAGES_PER_STEP: usize = 64;
        if !self.deferred.is_empty() {
            let routes: Vec<Route> = std::iter::from_fn(|| self.deferred.pop_first())
                .take(ROUTES_PER_STEP)
                .collect();
            let mut pages = self.pages.clone();
            self.render_into(&routes, &mut pages);
            self.pages = pages;
            self.swap();
            return;
        }
        let started = Instant::now();
        let batch: Vec<(bool, String)> =
            std::iter::from_fn(|| self.pending_compression.pop_first())
                .take(PAGES_PER_STEP)
                .collect();
        let current: Vec<(bool, String, Page)> = batch
            .into_iter()
            .filter_map(|(file, path)| {
                let table = if file {
                    &self.pages.files
                } else {
                    &self.pages.pages
                };
                match table.get(&path).map(|s| s.as_ref()) {
                    Some(Served::Page(page)) if page.needs_compression() => {
                        Some((file, path, page.clone()))
                    }
                    _ => None,
                }
            })
            .collect();
        let compressed: Vec<(bool, String, Page)> = current
            .into_par_iter()
            .map(|(file, path, mut page)| {
                page.compress();
                (file, path, page)
            })
            .collect();
        for (file, path, page) in compressed {
            let table = if file {
                &mut self.pages.files
            } else {
                &mut self.pages.pages
            };
            // Only if nobody replaced the page meanwhile (the writer is this thread, so no one did).
            table.insert(path, Arc::new(Served::Page(page)));
        }
        self.swap();
        if !self.warmed_up && self.pending_compression.is_empty() {
            self.warmed_up = true;
            info!(
                "all pages compressed (last slice in {:.1?})",
                started.elapsed()
            );
        }
    }

    fn handle(&mut self, batch: Vec<Input>) {
        let mut reconcile = false;
        let mut changes: Vec<FsChange> = Vec::new();
        let mut commands = Vec::new();
        for input in batch {
            match input {
                Input::Reconcile => reconcile = true,
                Input::Fs(fs) => changes.extend(fs),
                Input::Admin(command) => commands.push(*command),
            }
        }
        if !changes.is_empty() || reconcile {
            self.handle_fs(changes, reconcile);
        }
        if !commands.is_empty() {
            self.apply_admin(commands);
        }
    }

    fn handle_fs(&mut self, changes: Vec<FsChange>, reconcile: bool) {
        let config_changed = changes.iter().any(|c| matches!(c, FsChange::Config));
        let theme_changed = changes.iter().any(|c| matches!(c, FsChange::Theme));
        let static_changed = changes.iter().any(|c| matches!(c, FsChange::Static));
        if config_changed {
            self.reload_config();
        }
        if theme_changed {
            self.reload_theme();
        }
        if static_changed && !config_changed && !theme_changed {
            self.reload_files();
        }
        let content: BTreeSet<PathBuf> = changes
            .into_iter()
            .filter_map(|c| {
                if let FsChange::Content(p) = c {
                    Some(p)
                } else {
                    None
                }
            })
            .collect();
        if reconcile {
            self.reconcile();
        } else if !content.is_empty() {
            self.apply_paths(&content);
        }
    }

    fn tick(&mut self) {
        let started = Instant::now();
        let impact = self.site.advance_clock(Utc::now());
        if !impact.is_empty() {
            let n = self.publish(impact);
            info!(
                "published scheduled posts: {n} pages rendered in {:.1?}",
                started.elapsed()
            );
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
        let mut working = self.site.clone();
        working.advance_clock(Utc::now());
        let mut changes = Vec::new();
        let mut impact = Impact::default();
        let on_disk: BTreeSet<&SourcePath> = files.markdown.iter().map(|(s, _)| s).collect();
        let stored: Vec<SourcePath> = working.entries().map(|e| e.source.clone()).collect();
        for source in stored.iter().filter(|s| !on_disk.contains(s)) {
            if let Some(change) = deletion(&working, source) {
                changes.push((Actor::File, change));
            }
            impact.merge(working.remove(source));
            self.errors.remove(&source.display_path());
            stats.removed += 1;
        }
        // Reading, hashing and compiling run on every core; admitting stays in file order, so
        // which of two clashing files wins does not depend on thread timing.
        let (site, markdown) = (&working, &self.markdown);
        let prepared: Vec<Prepared> = files
            .markdown
            .par_iter()
            .map(|(source, path)| match std::fs::read_to_string(path) {
                Err(e) => Prepared::Unreadable(source.clone(), e.to_string()),
                Ok(text) => {
                    let hash = source_hash(&text);
                    if site.entry(source).is_some_and(|e| e.source_hash == hash) {
                        Prepared::Unchanged(source.clone())
                    } else {
                        let compiled = compile(source, &text, markdown);
                        Prepared::Compiled(source.clone(), text, Box::new(compiled))
                    }
                }
            })
            .collect();
        for item in prepared {
            match item {
                Prepared::Unreadable(source, e) => self.report(Diagnostic::new(
                    source.display_path(),
                    0,
                    format!("cannot read: {e}"),
                )),
                Prepared::Unchanged(source) => {
                    if self.errors.remove(&source.display_path()).is_some() {
                        info!("{}: fixed", source.display_path());
                    }
                    stats.unchanged += 1;
                }
                Prepared::Compiled(source, text, compiled) => {
                    match self.admit_compiled(
                        &mut working,
                        &source,
                        text,
                        *compiled,
                        &mut changes,
                        &mut impact,
                    ) {
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
                impact.merge(working.set_bundle_file(source.clone(), Some(Bytes::from(bytes))));
            }
        }
        let rendered = self.commit(working, changes, impact);
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
        let mut working = self.site.clone();
        working.advance_clock(Utc::now());
        let mut changes = Vec::new();
        let mut impact = Impact::default();
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
                        self.ingest(&mut working, &source, text, &mut changes, &mut impact);
                    }
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        self.errors.remove(&source.display_path());
                        if let Some(change) = deletion(&working, &source) {
                            changes.push((Actor::File, change));
                            impact.merge(working.remove(&source));
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
                    Ok(bytes) if in_bundle => {
                        impact.merge(working.set_bundle_file(source, Some(Bytes::from(bytes))))
                    }
                    Ok(_) => {}
                    Err(_) if !path.exists() => {
                        // Either a bundle file or a whole folder went away.
                        impact.merge(working.set_bundle_file(source, None));
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
        if !changes.is_empty() {
            self.retry_failed(&mut working, &mut changes, &mut impact);
        }
        let rendered = self.commit(working, changes, impact);
        if rendered > 0 {
            info!(
                "{}: {rendered} pages rendered in {:.1?}",
                touched.join(", "),
                started.elapsed()
            );
        }
    }

    fn retry_failed(
        &mut self,
        working: &mut Site,
        changes: &mut Vec<(Actor, Change)>,
        impact: &mut Impact,
    ) {
        let failed: Vec<String> = self.errors.keys().cloned().collect();
        for shown in failed {
            let Some(source) = shown.strip_prefix("content/").and_then(SourcePath::new) else {
                continue;
            };
            if let Ok(text) = std::fs::read_to_string(self.paths.content().join(source.as_str())) {
                self.ingest(working, &source, text, changes, impact);
            }
        }
    }

    /// Compiles one source unless the site already holds this exact version.
    fn ingest(
        &mut self,
        working: &mut Site,
        source: &SourcePath,
        text: String,
        changes: &mut Vec<(Actor, Change)>,
        impact: &mut Impact,
    ) -> Ingested {
        let shown = source.display_path();
        let hash = source_hash(&text);
        if working.entry(source).is_some_and(|e| e.source_hash == hash) {
            if self.errors.remove(&shown).is_some() {
                info!("{shown}: fixed");
            }
            return Ingested::Unchanged;
        }
        let compiled = compile(source, &text, &self.markdown);
        self.admit_compiled(working, source, text, compiled, changes, impact)
    }

    /// Admits a compiled source (or reports why it cannot be), recording the change.
    fn admit_compiled(
        &mut self,
        working: &mut Site,
        source: &SourcePath,
        text: String,
        compiled: Result<(Entry, FieldLines), Diagnostic>,
        changes: &mut Vec<(Actor, Change)>,
        impact: &mut Impact,
    ) -> Ingested {
        let shown = source.display_path();
        let admitted =
            compiled.and_then(|(entry, lines)| admit(working, &self.renderer.theme, entry, lines));
        match admitted {
            Ok(entry_impact) => {
                impact.merge(entry_impact);
                if let Some(entry) = working.entry(source) {
                    changes.push((
                        Actor::File,
                        Change::EntryUpserted {
                            entry: Box::new((**entry).clone()),
                            source_text: text,
                        },
                    ));
                }
                if self.errors.remove(&shown).is_some() {
                    info!("{shown}: fixed");
                }
                Ingested::Changed
            }
            Err(diagnostic) => {
                self.report(diagnostic);
                Ingested::Failed
            }
        }
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        error!("{diagnostic} (the last good version stays served)");
        self.errors.insert(diagnostic.path.clone(), diagnostic);
    }

    /// Makes the batch durable, then (and only then) adopts and publishes it.
    fn commit(&mut self, working: Site, changes: Vec<(Actor, Change)>, impact: Impact) -> usize {
        if let Err(e) = self.store.commit(&changes) {
            error!(
                "could not save {} changes: {e}; the site keeps serving its previous state",
                changes.len()
            );
            return 0;
        }
        self.site = working;
        if impact.is_empty() {
            0
        } else {
            self.publish(impact)
        }
    }

    /// Re-renders the routes an impact names, drops the paths it removed, and swaps the snapshot.
    fn publish(&mut self, impact: Impact) -> usize {
        if !self.rendering {
            return 0;
        }
        let mut pages = self.pages.clone();
        for path in &impact.removed_paths {
            pages.pages.remove(path);
        }
        // The first list pages show a change at once; deeper ones (everything shifts by one when
        // a post is added) follow within moments, so a write never costs O(site) before it answers.
        let (routes, deep): (Vec<Route>, Vec<Route>) =
            impact.render.into_iter().partition(|route| match route {
                Route::Home { page } | Route::Tag { page, .. } => *page <= 2,
                // One page each, but they grow with the site: they follow in the background too.
                Route::Archive | Route::Sitemap | Route::TagIndex => false,
                _ => true,
            });
        self.deferred.extend(deep);
        let count = self.render_into(&routes, &mut pages);
        self.pages = pages;
        self.swap();
        count
    }

    fn render_into(&mut self, routes: &[Route], pages: &mut PageTable) -> usize {
        let (renderer, site) = (&self.renderer, &self.site);
        let rendered: Vec<_> = routes
            .par_iter()
            .map(|route| renderer.render(site, route))
            .collect();
        let mut count = 0;
        for result in rendered {
            match result {
                Ok(items) => {
                    for (path, served) in items {
                        if pages.put_page(path.clone(), served) && self.background_compression {
                            self.pending_compression.insert((false, path));
                        }
                        count += 1;
                    }
                }
                Err(e) => error!("cannot render: {e} (the last good page stays served)"),
            }
        }
        count
    }

    /// Renders every route and file from scratch: after a theme or config change.
    pub fn render_all(&mut self) -> usize {
        let started = Instant::now();
        let mut pages = PageTable {
            files: self.load_files(),
            ..PageTable::default()
        };
        self.deferred.clear();
        self.pending_compression.clear();
        let routes = self.site.all_routes();
        let count = self.render_into(&routes, &mut pages);
        self.pages = pages;
        self.queue_files();
        self.swap();
        info!("rendered {count} pages in {:.1?}", started.elapsed());
        count
    }

    fn swap(&self) {
        self.published.store(Arc::new(Snapshot {
            site: self.site.clone(),
            pages: self.pages.clone(),
            renderer: self.renderer.clone(),
        }));
    }

    /// Theme static files, then `static/`, which wins for the same path.
    fn load_files(&self) -> imbl::HashMap<String, Arc<Served>> {
        let mut files = imbl::HashMap::new();
        for (path, served) in self.renderer.theme_files() {
            files.insert(path, Arc::new(served));
        }
        for (rel, path) in scan::files_under(&self.paths.static_dir()) {
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let content_type = mime_guess::from_path(&rel)
                        .first_or_octet_stream()
                        .to_string();
                    let page = Page::new(
                        &content_type,
                        bytes,
                        CachePolicy::Short,
                        self.renderer.compression,
                    );
                    files.insert(format!("/{rel}"), Arc::new(Served::Page(page)));
                }
                Err(e) => warn!("static/{rel}: cannot read: {e}"),
            }
        }
        for (info, bytes) in self.media.values() {
            let page = Page::new(
                &info.content_type,
                bytes.clone(),
                CachePolicy::Immutable,
                self.renderer.compression,
            );
            files.insert(info.url_path(), Arc::new(Served::Page(page)));
        }
        files
    }

    /// Queues the files that still need compressing.
    fn queue_files(&mut self) {
        if self.background_compression {
            let pending: Vec<String> = self
                .pages
                .files
                .iter()
                .filter(|(_, s)| matches!(s.as_ref(), Served::Page(p) if p.needs_compression()))
                .map(|(path, _)| path.clone())
                .collect();
            self.pending_compression
                .extend(pending.into_iter().map(|p| (true, p)));
        }
    }

    fn reload_files(&mut self) {
        self.pages.files = self.load_files();
        self.queue_files();
        self.swap();
        info!("static files reloaded");
    }

    fn reload_config(&mut self) {
        match Config::load(&self.paths.root) {
            Ok(config) if config == self.file_config => {}
            Ok(config) => {
                let theme_changed = config.theme != self.file_config.theme;
                self.file_config = config;
                self.errors.remove(crate::config::CONFIG_FILE);
                info!("{} reloaded", crate::config::CONFIG_FILE);
                self.reconfigure();
                if theme_changed {
                    self.reload_theme();
                } else {
                    self.render_all();
                }
            }
            Err(diagnostic) => self.report(diagnostic),
        }
    }

    /// Recomputes the effective config: `quire.toml` with the admin settings over it.
    fn reconfigure(&mut self) {
        let mut config = self.file_config.clone();
        self.settings.apply_to(&mut config);
        Arc::make_mut(&mut self.renderer).base_url = base_url_for(&config, &self.fallback_base_url);
        self.site.set_config(Arc::new(config));
    }

    fn reload_theme(&mut self) {
        match Theme::load(&self.paths.root, &self.site.config.theme) {
            Ok(theme) => {
                Arc::make_mut(&mut self.renderer).theme = Arc::new(theme);
                self.errors.retain(|path, _| !path.starts_with("themes/"));
                info!("theme reloaded");
                self.render_all();
            }
            Err(diagnostic) => self.report(diagnostic),
        }
    }

    /// Applies a batch of admin writes: each is checked against the site as the batch left it,
    /// then all are committed in one transaction (one fsync), mirrored to `content/`, published,
    /// and only then answered.
    fn apply_admin(&mut self, commands: Vec<AdminCommand>) {
        let started = Instant::now();
        let mut working = self.site.clone();
        working.advance_clock(Utc::now());
        let mut batch = AdminBatch::default();
        let mut replies: Vec<(Reply, AdminReply)> = Vec::new();
        for command in commands {
            match self.admin_one(&mut working, &command.actor, command.request, &mut batch) {
                Ok(reply) => replies.push((command.reply, reply)),
                Err(e) => {
                    let _ = command.reply.send(Err(e));
                }
            }
        }
        if batch.changes.is_empty() {
            for (reply, answer) in replies {
                let _ = reply.send(Ok(answer));
            }
            return;
        }
        if let Err(e) = self.store.commit(&batch.changes) {
            error!("could not save {} admin changes: {e}", batch.changes.len());
            for (reply, _) in replies {
                let _ = reply.send(Err(AdminError::Internal(
                    "the change could not be saved".to_owned(),
                )));
            }
            return;
        }
        self.site = working;
        for (info, bytes) in batch.media_added {
            self.media.insert(info.hash.clone(), (info, bytes));
        }
        for hash in &batch.media_deleted {
            self.media.remove(hash);
        }
        self.write_back(&batch.files);
        let rendered = if let Some(settings) = batch.settings {
            self.settings = settings;
            self.reconfigure();
            self.render_all()
        } else {
            if batch.media_changed {
                self.pages.files = self.load_files();
                self.queue_files();
            }
            let n = self.publish(batch.impact);
            if batch.media_changed && n == 0 {
                self.swap();
            }
            n
        };
        info!(
            "{} admin changes saved; {rendered} pages rendered in {:.1?}",
            batch.changes.len(),
            started.elapsed()
        );
        for (reply, answer) in replies {
            let _ = reply.send(Ok(answer));
        }
    }

    fn admin_one(
        &mut self,
        working: &mut Site,
        actor: &Actor,
        request: AdminRequest,
        batch: &mut AdminBatch,
    ) -> Result<AdminReply, AdminError> {
        match request {
            AdminRequest::SaveEntry {
                kind,
                slug,
                if_match,
                input,
            } => {
                let existing = match &slug {
                    Some(slug) => {
                        let entry = find(working, kind, slug)?;
                        check_if_match(&entry, if_match.as_deref(), true)?;
                        Some(entry)
                    }
                    None => None,
                };
                admin::validate(&input)?;
                let slug = match (&input.slug, &existing) {
                    (Some(s), _) => s.clone(),
                    (None, Some(e)) => e.slug.clone(),
                    (None, None) => {
                        let s = slugify(&input.title);
                        if s.is_empty() {
                            return Err(admin::field_error(
                                "title",
                                "title needs a letter or digit to make a slug",
                            ));
                        }
                        s
                    }
                };
                let source = match &existing {
                    Some(e) => e.source.clone(),
                    None => self.new_source_path(working, kind, &slug)?,
                };
                let text = admin::source_text(&input, kind, &slug, existing.as_deref(), Utc::now());
                self.stage_entry(working, actor, source, text, existing.is_none(), batch)
            }
            AdminRequest::DeleteEntry {
                kind,
                slug,
                if_match,
            } => {
                let entry = find(working, kind, &slug)?;
                check_if_match(&entry, if_match.as_deref(), false)?;
                if let Some(change) = deletion(working, &entry.source) {
                    batch.changes.push((actor.clone(), change));
                }
                batch.impact.merge(working.remove(&entry.source));
                batch.files.push((entry.source.clone(), None));
                Ok(AdminReply::Deleted)
            }
            AdminRequest::RestoreRevision { kind, slug, seq } => {
                let source = match find(working, kind, &slug) {
                    Ok(entry) => entry.source.clone(),
                    Err(_) => self
                        .store
                        .deleted_source(&slug, kind_name(kind))
                        .map_err(|e| AdminError::Internal(e.to_string()))?
                        .ok_or_else(|| {
                            AdminError::NotFound(format!(
                                "no {} with the slug {slug:?}",
                                kind_name(kind)
                            ))
                        })?,
                };
                let text = self
                    .store
                    .source_at(source.as_str(), seq)
                    .map_err(|e| AdminError::Internal(e.to_string()))?
                    .ok_or_else(|| {
                        AdminError::NotFound(format!("no revision {seq} of {slug:?}"))
                    })?;
                let created = working.entry(&source).is_none();
                self.stage_entry(working, actor, source, text, created, batch)
            }
            AdminRequest::AddMedia { file_name, bytes } => {
                let (content_type, extension) = admin::detect_media_type(&bytes).ok_or_else(|| {
                    AdminError::UnsupportedType(
                        "this file type is not accepted; upload PNG, JPEG, GIF, WebP, AVIF, PDF, MP4, WebM, MP3 or Ogg"
                            .to_owned(),
                    )
                })?;
                let hash = blake3::hash(&bytes).to_hex()[..32].to_owned();
                if let Some((info, _)) = self.media.get(&hash) {
                    return Ok(AdminReply::Media {
                        media: info.clone(),
                        created: false,
                    });
                }
                if let Some((info, _)) = batch.media_added.iter().find(|(i, _)| i.hash == hash) {
                    return Ok(AdminReply::Media {
                        media: info.clone(),
                        created: false,
                    });
                }
                let file_name: String = file_name
                    .chars()
                    .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
                    .take(200)
                    .collect();
                let info = MediaInfo {
                    hash,
                    content_type: content_type.to_owned(),
                    extension: extension.to_owned(),
                    file_name,
                    size: bytes.len() as u64,
                };
                batch.changes.push((
                    actor.clone(),
                    Change::MediaAdded {
                        media: info.clone(),
                        bytes: bytes.clone(),
                    },
                ));
                batch.media_added.push((info.clone(), bytes));
                batch.media_changed = true;
                Ok(AdminReply::Media {
                    media: info,
                    created: true,
                })
            }
            AdminRequest::DeleteMedia { hash } => {
                if !self.media.contains_key(&hash) {
                    return Err(AdminError::NotFound(format!("no media {hash:?}")));
                }
                batch
                    .changes
                    .push((actor.clone(), Change::MediaDeleted { hash: hash.clone() }));
                batch.media_deleted.push(hash);
                batch.media_changed = true;
                Ok(AdminReply::Deleted)
            }
            AdminRequest::PutSettings { input } => {
                admin::validate_settings(&input)?;
                let mut settings = batch
                    .settings
                    .clone()
                    .unwrap_or_else(|| self.settings.clone());
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
                batch.changes.push((
                    actor.clone(),
                    Change::SettingsUpdated {
                        settings: settings.clone(),
                    },
                ));
                batch.settings = Some(settings.clone());
                Ok(AdminReply::Settings(settings))
            }
        }
    }

    /// Compiles and admits API-written markdown, mapping problems to the fields they concern.
    /// Compiles and admits API-written markdown into the working site and stages its event,
    /// its file and its pages in the batch.
    fn stage_entry(
        &mut self,
        working: &mut Site,
        actor: &Actor,
        source: SourcePath,
        text: String,
        created: bool,
        batch: &mut AdminBatch,
    ) -> Result<AdminReply, AdminError> {
        let (entry, lines) = compile(&source, &text, &self.markdown)
            .map_err(|d| admin::field_error("body", d.message))?;
        let impact = admit(working, &self.renderer.theme, entry, lines).map_err(|d| {
            let field = if d.message.contains("template") {
                "template"
            } else {
                "slug"
            };
            admin::field_error(field, d.message)
        })?;
        self.errors.remove(&source.display_path());
        let entry = working
            .entry(&source)
            .cloned()
            .ok_or_else(|| AdminError::Internal("entry vanished".to_owned()))?;
        batch.changes.push((
            actor.clone(),
            Change::EntryUpserted {
                entry: Box::new((*entry).clone()),
                source_text: text.clone(),
            },
        ));
        batch.files.push((source, Some(text.clone())));
        batch.impact.merge(impact);
        Ok(AdminReply::Entry {
            entry,
            source_text: text,
            created,
        })
    }

    /// `posts/<slug>.md` or `<slug>.md`, avoiding files that exist but are not in the site.
    fn new_source_path(
        &self,
        working: &Site,
        kind: EntryKind,
        slug: &str,
    ) -> Result<SourcePath, AdminError> {
        let dir = match kind {
            EntryKind::Post => "posts/",
            EntryKind::Page => "",
        };
        for n in 1..1000 {
            let name = if n == 1 {
                format!("{dir}{slug}.md")
            } else {
                format!("{dir}{slug}-{n}.md")
            };
            let Some(source) = SourcePath::new(&name) else {
                break;
            };
            let on_disk = self.paths.content().join(source.as_str()).exists();
            if working.entry(&source).is_none() && !on_disk {
                return Ok(source);
            }
        }
        Err(admin::field_error(
            "slug",
            format!("no free file name for {slug:?}"),
        ))
    }

    /// Mirrors API writes to `content/` (temp file, fsync, rename), so a git workflow sees them.
    /// Without a `content/` folder the log alone is the site.
    fn write_back(&self, files: &[(SourcePath, Option<String>)]) {
        let content = self.paths.content();
        if !content.is_dir() {
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

    /// Renders every route for export, in parallel, handing each page to `sink` as soon as it
    /// exists (so the whole site is never in memory at once); then the static files, which win.
    /// Returns the render failures.
    pub fn render_everything(&self, sink: &(dyn Fn(&str, &Served) + Sync)) -> Vec<String> {
        let routes = self.site.all_routes();
        let (renderer, site) = (&self.renderer, &self.site);
        let failures: Vec<String> = routes
            .par_iter()
            .filter_map(|route| match renderer.render(site, route) {
                Ok(items) => {
                    for (path, served) in &items {
                        sink(path, served);
                    }
                    None
                }
                Err(e) => Some(e.to_string()),
            })
            .collect();
        for (path, served) in self.load_files() {
            sink(&path, &served);
        }
        failures
    }

    pub fn route_count(&self) -> usize {
        self.site.all_routes().len()
    }

    pub fn paths(&self) -> &SitePaths {
        &self.paths
    }
}

/// What a batch of admin writes will do once committed.
#[derive(Default)]
struct AdminBatch {
    changes: Vec<(Actor, Change)>,
    impact: Impact,
    files: Vec<(SourcePath, Option<String>)>,
    media_added: Vec<(MediaInfo, Bytes)>,
    media_deleted: Vec<String>,
    media_changed: bool,
    settings: Option<Settings>,
}

fn kind_name(kind: EntryKind) -> &'static str {
    match kind {
        EntryKind::Post => "post",
        EntryKind::Page => "page",
    }
}

fn find(site: &Site, kind: EntryKind, slug: &str) -> Result<Arc<Entry>, AdminError> {
    let url = match kind {
        EntryKind::Post => format!("/posts/{slug}/"),
        EntryKind::Page => format!("/{slug}/"),
    };
    site.owner_of(&url)
        .and_then(|source| site.entry(source))
        .filter(|e| e.kind == kind)
        .cloned()
        .ok_or_else(|| {
            AdminError::NotFound(format!("no {} with the slug {slug:?}", kind_name(kind)))
        })
}

/// The API's ETag of an entry: the hash of its source.
pub fn entry_etag(entry: &Entry) -> String {
    format!("\"{}\"", entry.source_hash)
}

fn check_if_match(entry: &Entry, if_match: Option<&str>, required: bool) -> Result<(), AdminError> {
    match if_match {
        None if required => Err(AdminError::PreconditionRequired),
        None => Ok(()),
        Some(value) => {
            let current = entry_etag(entry);
            let matches = value
                .split(',')
                .map(str::trim)
                .any(|t| t == "*" || t.trim_start_matches("W/") == current);
            if matches {
                Ok(())
            } else {
                Err(AdminError::PreconditionFailed)
            }
        }
    }
}

/// The tombstone for an entry that is in `site`.
fn deletion(site: &Site, source: &SourcePath) -> Option<Change> {
    site.entry(source).map(|e| Change::EntryDeleted {
        source: source.clone(),
        slug: e.slug.clone(),
        kind: e.kind,
    })
}

/// Writes through a temp file in the same folder, fsyncs it and renames it over the target, so a
/// crash leaves either the old file or the new one, never a torn one. The caller fsyncs the folder.
fn write_file_synced(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
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

/// A content file read, hashed and (if changed) compiled, ready to be admitted in order.
enum Prepared {
    Unreadable(SourcePath, String),
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

fn base_url_for(config: &Config, fallback: &str) -> String {
    if config.base_url.is_empty() {
        fallback.trim_end_matches('/').to_owned()
    } else {
        config.base_url.clone()
    }
}

/// True if `path` is inside `dir` (both as given, not canonicalized).
pub fn is_under(path: &Path, dir: &Path) -> bool {
    path.starts_with(dir)
}
