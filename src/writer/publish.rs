//! Rendering and publishing: the routes a change touches, the snapshot swap, the background
//! queues (deep list pages, compression), and reloads of theme, config and static files.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::time::Instant;

use rayon::prelude::*;
use tracing::{error, info, warn};

use super::{Mode, Writer};
use crate::config::{CONFIG_FILE, Config};
use crate::content::scan;
use crate::render::islands::IslandPage;
use crate::render::page::{CachePolicy, Page, PageTable, Served};
use crate::site::Impact;
use crate::site::route::Route;
use crate::snapshot::Snapshot;

/// Which table a queued compression is for: rendered pages or static files.
type Pending = (bool, String);

pub(super) fn base_url_for(config: &Config, fallback: &str) -> String {
    if config.base_url.is_empty() {
        fallback.trim_end_matches('/').to_owned()
    } else {
        config.base_url.clone()
    }
}

impl Writer {
    pub(super) fn has_background_work(&self) -> bool {
        !self.deferred.is_empty() || !self.pending_compression.is_empty()
    }

    /// One small slice of deferred work, so new input is never kept waiting for long.
    pub(super) fn background_step(&mut self) {
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
        let batch: Vec<Pending> = std::iter::from_fn(|| self.pending_compression.pop_first())
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
            // Nobody replaced the page meanwhile: the writer is this thread.
            table.insert(path, Arc::new(Served::Page(page)));
        }
        self.swap();
        if !self.warmed_up && self.pending_compression.is_empty() {
            self.warmed_up = true;
            info!(
                "all pages compressed (last slice in {:.1?})",
                started.elapsed()
            );
            self.notifier.send("STATUS=all pages compressed");
        }
    }

    /// Re-renders the routes an impact names, drops the paths it removed, and swaps the snapshot.
    pub(super) fn publish(&mut self, mut impact: Impact) -> usize {
        if self.mode == Mode::Build {
            return 0;
        }
        let refill = std::mem::take(&mut impact.refill);
        let mut pages = self.pages.clone();
        for path in &impact.removed_paths {
            pages.pages.remove(path);
            if self.live.is_some() {
                self.changed.push(path.clone());
            }
        }
        // The first list pages show a change at once; deeper ones (everything shifts by one when
        // a post is added) follow within moments, so a write never costs O(site) before it answers.
        let (routes, deep): (Vec<Route>, Vec<Route>) =
            impact.render.into_iter().partition(|route| match route {
                Route::Home { page } | Route::Tag { page, .. } => *page <= 2,
                // One page each, but they grow with the site: they follow in the background too.
                Route::Archive | Route::Sitemap | Route::TagIndex | Route::Search => false,
                _ => true,
            });
        self.deferred.extend(deep);
        self.deferred.extend(std::mem::take(&mut impact.later));
        let mut count = self.render_into(&routes, &mut pages);
        if !refill.is_empty() {
            count += self.refill_into(&refill, &mut pages);
        }
        self.pages = pages;
        self.swap();
        count
    }

    /// Reassembles the pages holding one of `islands` (name, argument): for a comment, its
    /// post's page and the list pages counting its comments. The rendered parts are reused; no
    /// template runs.
    fn refill_into(
        &mut self,
        islands: &BTreeSet<(String, String)>,
        pages: &mut PageTable,
    ) -> usize {
        // Keyed by the argument first, so a hole is checked without building a key (this scan
        // runs over every page, for each batch of view counts too).
        let mut wanted: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
        for (name, arg) in islands {
            wanted
                .entry(arg.as_str())
                .or_default()
                .insert(name.as_str());
        }
        let targets: Vec<(String, Arc<IslandPage>)> = pages
            .pages
            .iter()
            .filter_map(|(path, served)| match served.as_ref() {
                Served::Page(page) => page
                    .islands
                    .as_ref()
                    .filter(|page| {
                        page.holes().any(|h| {
                            wanted
                                .get(h.arg.as_str())
                                .is_some_and(|names| names.contains(h.name.as_str()))
                        })
                    })
                    .map(|islands| (path.clone(), Arc::clone(islands))),
                Served::Redirect { .. } => None,
            })
            .collect();
        let count = targets.len();
        for (path, islands) in targets {
            let page = Served::Page(self.renderer.assemble(&self.site, &islands));
            self.note_change(pages, &path, &page);
            if pages.put_page(path.clone(), page) && self.mode == Mode::Serve {
                self.pending_compression.insert((false, path));
            }
        }
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
                        self.note_change(pages, &path, &served);
                        if pages.put_page(path.clone(), served) && self.mode == Mode::Serve {
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

    /// Renders every route and file from scratch: at startup and after a theme or config change.
    pub(super) fn render_all(&mut self) -> usize {
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

    /// Remembers `path` for live reload when its new version differs from the one served.
    fn note_change(&mut self, pages: &PageTable, path: &str, new: &Served) {
        if self.live.is_none() {
            return;
        }
        let same = match (pages.pages.get(path).map(|s| s.as_ref()), new) {
            (Some(Served::Page(old)), Served::Page(new)) => old.hash == new.hash,
            _ => false,
        };
        if !same {
            self.changed.push(path.to_owned());
        }
    }

    pub(super) fn swap(&mut self) {
        if let Some(live) = &self.live
            && !self.changed.is_empty()
        {
            // Nobody listening is fine: the send only fails when no tab is open.
            let _ = live.send(Arc::new(std::mem::take(&mut self.changed)));
        }
        self.published.store(Arc::new(Snapshot {
            site: self.site.clone(),
            pages: self.pages.clone(),
            renderer: self.renderer.clone(),
            errors: Arc::new(self.errors.values().cloned().collect()),
        }));
    }

    /// Theme static files, then `static/`, which wins for the same path, then uploaded media.
    fn load_files(&self) -> imbl::HashMap<String, Arc<Served>> {
        let compression = self.renderer.compression;
        let mut files = imbl::HashMap::new();
        for (path, served) in self.renderer.theme_files() {
            files.insert(path, Arc::new(served));
        }
        for (rel, path) in scan::files_under(&self.paths.static_dir()) {
            match std::fs::read(&path) {
                Ok(bytes) => {
                    let page = Page::file(&rel, bytes, CachePolicy::Short, compression);
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
                compression,
            );
            files.insert(info.url_path(), Arc::new(Served::Page(page)));
        }
        files
    }

    /// Queues the files that still need compressing.
    fn queue_files(&mut self) {
        if self.mode != Mode::Serve {
            return;
        }
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

    pub(super) fn reload_files(&mut self) {
        self.pages.files = self.load_files();
        self.queue_files();
        self.swap();
    }

    pub(super) fn reload_config(&mut self) {
        match Config::load(&self.paths.root) {
            Ok(config) if config == self.file_config => {}
            Ok(config) => {
                let theme_changed = config.theme != self.file_config.theme;
                let timezone_changed = config.timezone != self.file_config.timezone;
                self.file_config = config;
                self.errors.remove(CONFIG_FILE);
                info!("{CONFIG_FILE} reloaded");
                self.reconfigure();
                if theme_changed {
                    self.reload_theme();
                } else {
                    self.render_all();
                }
                if timezone_changed {
                    // Floating dates mean other instants now: every file compiles again.
                    self.reconcile();
                }
            }
            Err(diagnostic) => self.report(diagnostic),
        }
    }

    /// Recomputes the effective config: `quire.toml` with the admin settings over it.
    pub(super) fn reconfigure(&mut self) {
        let mut config = self.file_config.clone();
        self.settings.apply_to(&mut config);
        Arc::make_mut(&mut self.renderer).base_url = base_url_for(&config, &self.fallback_base_url);
        self.site.set_config(Arc::new(config));
    }

    pub(super) fn reload_theme(&mut self) {
        match crate::theme_files::load_theme(&self.paths, &self.site.config.theme) {
            Ok(theme) => {
                Arc::make_mut(&mut self.renderer).theme = Arc::new(theme);
                self.errors.retain(|path, _| !path.starts_with("themes/"));
                info!("theme reloaded");
                self.render_all();
            }
            Err(diagnostic) => self.report(diagnostic),
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
        // The static search index: files only an export needs (the server searches itself).
        for (path, bytes) in crate::render::search_export::files(&self.site) {
            let page = Page::new(
                "application/json",
                bytes,
                CachePolicy::Short,
                self.renderer.compression,
            );
            sink(&path, &Served::Page(page));
        }
        for (path, served) in self.load_files() {
            sink(&path, &served);
        }
        failures
    }

    pub fn route_count(&self) -> usize {
        self.site.all_routes().len()
    }
}
