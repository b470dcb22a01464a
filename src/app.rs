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

pub fn serve(paths: SitePaths, addr: &str, clock: SharedClock) -> Result<(), ServeError> {
    let listener = TcpListener::bind(addr).map_err(|source| ServeError::Bind {
        addr: addr.to_owned(),
        source,
    })?;
    let local = listener.local_addr().map_err(|source| ServeError::Bind {
        addr: addr.to_owned(),
        source,
    })?;
    let url = format!("http://{local}");
    // Pages are rendered before the first request, from stored records only.
    let mut writer = Writer::load(paths.clone(), url.clone(), Mode::Serve, clock.clone())?;
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
    let state = web::Data::new(crate::http::AppState::new(
        published,
        inbox.clone(),
        db,
        markdown,
        clock,
    ));
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
