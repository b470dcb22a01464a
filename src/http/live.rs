//! Live reload for authors: `/_quire/live.js`, which each page carries while `serve` runs for
//! local authoring, and `/_quire/live`, a Server-Sent Events stream that tells a page to reload
//! when the writer published a new version of that page (and only that page).

use std::time::Duration;

use actix_web::http::StatusCode;
use actix_web::{HttpResponse, web};
use bytes::Bytes;
use serde::Deserialize;

use super::AppState;

/// The script a page carries: one event source, one listener.
pub const SCRIPT: &str = "// Reloads this page when the server publishes a new version of it (quire serve, local).\n\
const events = new EventSource(`/_quire/live?path=${encodeURIComponent(location.pathname)}`);\n\
events.addEventListener(\"reload\", () => location.reload());\n";

/// How often an idle stream says it is alive (so a closed tab is noticed).
const KEEP_ALIVE: Duration = Duration::from_secs(15);

pub fn scope() -> actix_web::Scope {
    web::scope("/_quire")
        .route("/live.js", web::get().to(script))
        .route("/live", web::get().to(events))
}

fn not_live() -> HttpResponse {
    HttpResponse::NotFound()
        .content_type("text/plain; charset=utf-8")
        .body("live reload is off: it runs with `quire serve --dev` or on a local address\n")
}

async fn script(state: web::Data<AppState>) -> HttpResponse {
    if state.live.is_none() {
        return not_live();
    }
    HttpResponse::Ok()
        .content_type("text/javascript; charset=utf-8")
        .insert_header(("Cache-Control", "no-store"))
        .body(SCRIPT)
}

#[derive(Deserialize)]
pub struct Watch {
    #[serde(default)]
    path: String,
}

async fn events(state: web::Data<AppState>, watch: web::Query<Watch>) -> HttpResponse {
    let Some(changes) = &state.live else {
        return not_live();
    };
    let path = percent_encoding::percent_decode_str(&watch.path)
        .decode_utf8_lossy()
        .into_owned();
    let receiver = changes.subscribe();
    let opening = Bytes::from_static(b"retry: 1000\n: watching\n\n");
    let stream = futures_util::stream::unfold(
        (receiver, path, Some(opening)),
        |(mut receiver, path, opening)| async move {
            if let Some(first) = opening {
                return Some((Ok::<_, actix_web::Error>(first), (receiver, path, None)));
            }
            loop {
                use tokio::sync::broadcast::error::RecvError;
                let message = match tokio::time::timeout(KEEP_ALIVE, receiver.recv()).await {
                    Err(_) => Bytes::from_static(b": still here\n\n"),
                    Ok(Ok(paths)) if paths.contains(&path) => {
                        Bytes::from_static(b"event: reload\ndata: changed\n\n")
                    }
                    Ok(Ok(_)) => continue,
                    // Missed some changes: reloading is the safe answer.
                    Ok(Err(RecvError::Lagged(_))) => {
                        Bytes::from_static(b"event: reload\ndata: lagged\n\n")
                    }
                    Ok(Err(RecvError::Closed)) => return None,
                };
                return Some((Ok(message), (receiver, path, None)));
            }
        },
    );
    HttpResponse::build(StatusCode::OK)
        .content_type("text/event-stream")
        .insert_header(("Cache-Control", "no-store"))
        .streaming(stream)
}
