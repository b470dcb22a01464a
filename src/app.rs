//! Wiring for `serve`: bind, load the site, start the writer and the watcher, run the server.

use std::net::TcpListener;
use std::sync::mpsc;

use actix_web::{HttpServer, web};
use tracing::info;

use crate::clock::SharedClock;
use crate::content::watch;
use crate::paths::SitePaths;
use crate::writer::{Input, Mode, Writer, WriterError};

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("cannot listen on {addr}: {source}")]
    Bind {
        addr: String,
        source: std::io::Error,
    },
    #[error(transparent)]
    Writer(#[from] WriterError),
    #[error("cannot watch the site folder: {0}")]
    Watch(#[from] notify::Error),
    #[error("server error: {0}")]
    Server(std::io::Error),
}

/// When pages carry the live-reload script (`serve --live-reload`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum LiveReload {
    /// On for local authoring: listening on a loopback address with `base_url` unset or local.
    Auto,
    On,
    Off,
}

/// Whether live reload runs: `auto` never turns it on for a public address, nor for a site whose
/// `base_url` is public (a production server behind a proxy listens on loopback too).
fn live_reload_on(choice: LiveReload, local: std::net::SocketAddr, base_url: &str) -> bool {
    match choice {
        LiveReload::On => true,
        LiveReload::Off => false,
        LiveReload::Auto => {
            let host = base_url
                .split("://")
                .nth(1)
                .unwrap_or_default()
                .split(['/', ':'])
                .next()
                .unwrap_or_default();
            local.ip().is_loopback()
                && (base_url.is_empty() || matches!(host, "localhost" | "127.0.0.1" | "[::1]"))
        }
    }
}

pub fn serve(
    paths: SitePaths,
    addr: &str,
    clock: SharedClock,
    live_reload: LiveReload,
) -> Result<(), ServeError> {
    let listener = TcpListener::bind(addr).map_err(|source| ServeError::Bind {
        addr: addr.to_owned(),
        source,
    })?;
    let local = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: addr.to_owned(),
        source,
    })?;
    let url = format!("http://{local}");
    let base_url = crate::config::Config::load(&paths.root)
        .map(|c| c.base_url)
        .unwrap_or_default();
    let live = live_reload_on(live_reload, local, &base_url)
        .then(|| tokio::sync::broadcast::channel(64).0);
    // Pages are rendered before the first request, from stored records only.
    let mut writer = Writer::load(
        paths.clone(),
        url.clone(),
        Mode::Serve,
        clock.clone(),
        live.clone(),
    )?;
    writer.notify_to(crate::notify::Notifier::from_env());
    let published = writer.published();
    let markdown = writer.markdown();
    let (inbox, rx) = mpsc::channel();
    let db = crate::store::Store::open(&paths.data, clock.clone()).map_err(WriterError::Store)?;
    if db.users().map(|u| u.is_empty()).unwrap_or(false) {
        info!(
            "no admin users yet; create one with: quire user add NAME --root {}",
            paths.root.display()
        );
    }
    let mut app_state = crate::http::AppState::new(published, inbox.clone(), db, markdown, clock);
    if live.is_some() {
        info!("live reload is on: open pages reload when they change (--live-reload off to stop)");
    }
    app_state.live = live;
    let state = web::Data::new(app_state);
    // View counts go to the writer in batches; a crash loses at most one interval of them.
    let (counter, views_inbox) = (state.views.clone(), inbox.clone());
    let every = std::time::Duration::from_secs(u64::from(
        state
            .published
            .load()
            .site
            .config
            .views
            .flush_seconds
            .max(1),
    ));
    std::thread::Builder::new()
        .name("quire-views".to_owned())
        .spawn(move || {
            loop {
                std::thread::sleep(every);
                if let Some(batch) = counter.take()
                    && views_inbox.send(Input::Views(batch)).is_err()
                {
                    break;
                }
            }
        })
        .map_err(ServeError::Server)?;
    // Watch before reconciling, so an edit made during the reconcile is not missed.
    let fs_inbox = inbox.clone();
    let watcher = watch::start(&paths, move |changes| {
        let _ = fs_inbox.send(Input::Fs(changes));
    })?;
    let _ = inbox.send(Input::Reconcile);
    std::thread::Builder::new()
        .name("quire-writer".to_owned())
        .spawn(move || writer.run(rx))
        .map_err(ServeError::Server)?;
    if !paths.content().is_dir() {
        info!(
            "{} has no content/ folder: the log alone is the site, and admin writes are not mirrored to files",
            paths.root.display()
        );
    }
    info!("serving {} at {url}/", paths.root.display());
    info!("admin at {url}/admin/");
    actix_web::rt::System::new().block_on(async move {
        let server = HttpServer::new(move || crate::http::app(state.clone()))
            .listen(listener)
            .map_err(ServeError::Server)?
            .run();
        server.await.map_err(ServeError::Server)
    })?;
    drop(watcher);
    drop(inbox);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::{LiveReload, live_reload_on};

    #[test]
    fn auto_live_reload_is_only_for_local_authoring() {
        let local = "127.0.0.1:8080".parse().unwrap_or_else(|_| unreachable!());
        let public = "0.0.0.0:8080".parse().unwrap_or_else(|_| unreachable!());
        assert!(live_reload_on(LiveReload::Auto, local, ""));
        assert!(live_reload_on(
            LiveReload::Auto,
            local,
            "http://localhost:8080"
        ));
        assert!(!live_reload_on(
            LiveReload::Auto,
            local,
            "https://example.com"
        ));
        assert!(!live_reload_on(LiveReload::Auto, public, ""));
        assert!(live_reload_on(
            LiveReload::On,
            public,
            "https://example.com"
        ));
        assert!(!live_reload_on(LiveReload::Off, local, ""));
    }
}
