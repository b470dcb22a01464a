//! The one writer: applies changes in order — compile, commit to the log, update the site,
//! re-render what the change touches, publish a new snapshot. Readers never wait for it.
//!
//! Its rooms: `files` (reconcile and file ingest), `admin` (one function per admin command),
//! `publish` (render, swap, background queues, reloads) and `write_back` (admin writes
//! mirrored to `content/`). Every change, whatever its source, is committed through `commit`.

mod admin;
mod comments;
mod files;
mod publish;
mod views;
mod write_back;

use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;
use std::sync::mpsc::{Receiver, RecvTimeoutError};
use std::time::Duration;

use arc_swap::ArcSwap;
use bytes::Bytes;
use tracing::{error, info, warn};

use crate::admin::AdminCommand;
use crate::change::{Actor, Change, MediaHash, MediaInfo, Settings};
use crate::clock::SharedClock;
use crate::config::Config;
use crate::content::markdown::Markdown;
use crate::content::watch::FsChange;
use crate::diagnostic::Diagnostic;
use crate::notify::Notifier;
use crate::paths::SitePaths;
use crate::render::Renderer;
use crate::render::page::{Compression, PageTable};
use crate::site::entry::SourcePath;
use crate::site::route::Route;
use crate::site::{Impact, Site};
use crate::snapshot::{Published, Snapshot};
use crate::store::{Store, StoreError};

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
    /// Page views counted since the last batch (every few seconds).
    Views(crate::change::ViewBatch),
}

/// How the writer is run: serving (pages kept rendered, compressed when idle) or exporting.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    Serve,
    Build,
}

/// What one batch of changes will do once committed: its events, the routes it touches, and
/// the side effects that follow the commit (files, media, settings).
#[derive(Default)]
struct Batch {
    changes: Vec<(Actor, Change)>,
    impact: Impact,
    /// Admin writes to mirror into `content/`: the new text, or `None` to delete the file.
    files: Vec<(SourcePath, Option<String>)>,
    media_added: Vec<(MediaInfo, Bytes)>,
    media_deleted: Vec<MediaHash>,
    settings: Option<Settings>,
}

impl Batch {
    fn media_changed(&self) -> bool {
        !self.media_added.is_empty() || !self.media_deleted.is_empty()
    }
}

pub struct Writer {
    paths: SitePaths,
    store: Store,
    clock: SharedClock,
    markdown: Arc<Markdown>,
    renderer: Arc<Renderer>,
    /// `quire.toml` as read; `settings` from the admin API are applied over it.
    file_config: Config,
    settings: Settings,
    /// Uploaded files, served at `/media/<hash>.<ext>`.
    media: BTreeMap<MediaHash, (MediaInfo, Bytes)>,
    /// Used when `quire.toml` has no `base_url` (the address `serve` listens on).
    fallback_base_url: String,
    site: Site,
    pages: PageTable,
    published: Published,
    /// Files that are wrong now, by display path; the last good version stays served.
    errors: BTreeMap<String, Diagnostic>,
    mode: Mode,
    /// Pages (`false`) and files (`true`) still to compress, by path.
    pending_compression: BTreeSet<(bool, String)>,
    /// Deep list pages (page 3 onwards) whose contents shifted; rendered when idle.
    deferred: BTreeSet<Route>,
    /// Whether the first drain of background work after startup has been logged.
    warmed_up: bool,
    /// Told when the first reconcile is done (ready) and when startup work is drained.
    notifier: Notifier,
    ready: bool,
    /// Live reload: where changed page paths are announced, and those of the next swap.
    live: Option<crate::snapshot::PageChanges>,
    changed: Vec<String>,
}

impl Writer {
    /// Opens the store and builds the site from its compiled records (no markdown is parsed).
    /// Serving renders every page now (uncompressed; compressed when idle); building leaves
    /// rendering to the caller.
    /// `live` turns on live reload: pages carry its script and changes are announced there.
    pub fn load(
        paths: SitePaths,
        fallback_base_url: String,
        mode: Mode,
        clock: SharedClock,
        live: Option<crate::snapshot::PageChanges>,
    ) -> Result<Writer, WriterError> {
        let file_config = Config::load(&paths.root).map_err(WriterError::Invalid)?;
        let theme = crate::theme_files::load_theme(&paths, &file_config.theme)
            .map_err(WriterError::Invalid)?;
        let store = Store::open(&paths.data, clock.clone())?;
        let settings = store.settings()?;
        let mut config = file_config.clone();
        settings.apply_to(&mut config);
        let records = store.load_entries()?;
        let loaded = records.len();
        let config = Arc::new(config);
        let (mut site, conflicts) = Site::from_entries(config.clone(), records, clock.now());
        for comment in store.load_comments()? {
            site.put_comment(comment);
        }
        site.set_view_totals(store.view_totals()?);
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
        let renderer = Arc::new(Renderer {
            theme: Arc::new(theme),
            base_url: publish::base_url_for(&config, &fallback_base_url),
            // Serving publishes pages first and compresses them just after, off the critical
            // path; an export is written uncompressed.
            compression: Compression::None,
            static_export: mode == Mode::Build,
            live_reload: live.is_some() && mode == Mode::Serve,
        });
        let published = Arc::new(ArcSwap::from_pointee(Snapshot {
            site: site.clone(),
            pages: PageTable::default(),
            renderer: renderer.clone(),
            errors: Arc::default(),
        }));
        let mut writer = Writer {
            paths,
            store,
            clock,
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
            mode,
            pending_compression: BTreeSet::new(),
            deferred: BTreeSet::new(),
            warmed_up: false,
            notifier: Notifier::none(),
            ready: false,
            live: live.filter(|_| mode == Mode::Serve),
            changed: Vec::new(),
        };
        if mode == Mode::Serve {
            writer.render_all();
        }
        Ok(writer)
    }

    /// Where to announce readiness (`serve` passes the service manager's socket).
    pub fn notify_to(&mut self, notifier: Notifier) {
        self.notifier = notifier;
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
                    .map(|at| (at - self.clock.now()).to_std().unwrap_or(Duration::ZERO))
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
            self.publish_due();
        }
    }

    fn handle(&mut self, batch: Vec<Input>) {
        let mut reconcile = false;
        let mut changes: Vec<FsChange> = Vec::new();
        let mut commands = Vec::new();
        let mut views = Vec::new();
        for input in batch {
            match input {
                Input::Views(batch) => views.push(batch),
                Input::Reconcile => reconcile = true,
                Input::Fs(fs) => changes.extend(fs),
                Input::Admin(command) => commands.push(*command),
            }
        }
        if !changes.is_empty() || reconcile {
            self.handle_fs(changes, reconcile);
        }
        if reconcile && !self.ready {
            // `content/` and the store agree and every page is published: the site is whole.
            self.ready = true;
            let url = self.fallback_base_url.trim_end_matches('/');
            self.notifier
                .send(&format!("READY=1\nSTATUS=serving at {url}/"));
            let index = self.site.search_index();
            tracing::info!(
                "search index: {} entries, {} terms, about {} bytes",
                index.len(),
                index.term_count(),
                index.approximate_bytes()
            );
        }
        if !commands.is_empty() {
            self.apply_admin(commands);
        }
        if !views.is_empty() {
            self.save_views(views);
        }
        // A file that broke or was fixed without any page changing still shows in the admin.
        if self.mode == Mode::Serve {
            let published = self.published.load();
            let same = published.errors.len() == self.errors.len()
                && published
                    .errors
                    .iter()
                    .zip(self.errors.values())
                    .all(|(a, b)| a == b);
            if !same {
                self.swap();
            }
        }
    }

    /// Publishes the scheduled posts whose time has come.
    pub fn publish_due(&mut self) {
        if self
            .site
            .next_scheduled()
            .is_none_or(|at| at > self.clock.now())
        {
            return;
        }
        let started = std::time::Instant::now();
        let impact = self.site.advance_clock(self.clock.now());
        if !impact.is_empty() {
            let n = self.publish(impact);
            info!(
                "published scheduled posts: {n} pages rendered in {:.1?}",
                started.elapsed()
            );
        }
    }

    /// A copy of the site to stage a batch on, with the clock moved to now.
    fn working_copy(&self) -> Site {
        let mut working = self.site.clone();
        working.advance_clock(self.clock.now());
        working
    }

    fn report(&mut self, diagnostic: Diagnostic) {
        error!("{diagnostic} (the last good version stays served)");
        self.errors.insert(diagnostic.path.clone(), diagnostic);
    }

    fn clear_error(&mut self, shown: &str) {
        if self.errors.remove(shown).is_some() {
            info!("{shown}: fixed");
        }
    }

    /// The one commit path. Makes the batch durable, then (and only then) adopts the staged
    /// site, applies the batch's side effects and publishes. Returns the pages rendered.
    fn commit(&mut self, working: Site, batch: Batch) -> Result<usize, StoreError> {
        if let Err(e) = self.store.commit(&batch.changes) {
            error!(
                "could not save {} changes: {e}; the site keeps serving its previous state",
                batch.changes.len()
            );
            return Err(e);
        }
        self.site = working;
        let media_changed = batch.media_changed();
        for (info, bytes) in batch.media_added {
            self.media.insert(info.hash.clone(), (info, bytes));
        }
        for hash in &batch.media_deleted {
            self.media.remove(hash);
        }
        self.write_back(&batch.files);
        if let Some(settings) = batch.settings {
            self.settings = settings;
            self.reconfigure();
            return Ok(self.render_all());
        }
        if media_changed {
            self.reload_files();
        }
        // Published even when no page changed: the snapshot's site must hold every change
        // (a draft shows in the admin's lists before its 2xx).
        Ok(self.publish(batch.impact))
    }
}

#[cfg(test)]
mod tests;
