//! The event log, newest first, a page at a time, filtered by who made the change.

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Deserialize;
use tera::Context;

use super::page::{Frame, Session, render};
use crate::change::EventSeq;
use crate::http::admin::types::event_out;
use crate::http::{AppState, with_db};

const PER_PAGE: u32 = 50;

#[derive(Deserialize)]
pub struct ActivityQuery {
    #[serde(default)]
    actor: String,
    before: Option<i64>,
}

pub async fn show(
    req: HttpRequest,
    state: web::Data<AppState>,
    query: web::Query<ActivityQuery>,
) -> HttpResponse {
    let session = match Session::of(&req, &state).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let actor = Some(query.actor.trim().to_owned()).filter(|a| !a.is_empty());
    let before = query.before.map(EventSeq);
    let filter = actor.clone();
    let found = with_db(&state, move |db| {
        let events = db.events_page(before, filter.as_deref(), PER_PAGE)?;
        let actors = db.actors()?;
        Ok::<_, crate::store::StoreError>((events, actors))
    })
    .await;
    let (events, actors) = match found {
        Ok(Ok(found)) => found,
        Ok(Err(e)) => return crate::http::error::internal(e),
        Err(response) => return response,
    };
    let older_url = (events.len() == PER_PAGE as usize)
        .then(|| events.last().map(|e| e.seq.0))
        .flatten()
        .map(|seq| {
            let who = percent_encoding::utf8_percent_encode(
                actor.as_deref().unwrap_or_default(),
                percent_encoding::NON_ALPHANUMERIC,
            );
            format!("/admin/activity?actor={who}&before={seq}")
        });
    let mut data = Context::new();
    data.insert(
        "events",
        &events.into_iter().map(event_out).collect::<Vec<_>>(),
    );
    data.insert("actors", &actors);
    data.insert("actor", &actor.unwrap_or_default());
    data.insert("older_url", &older_url);
    let frame = Frame::of(&session, "Activity", "activity", None, None);
    render(&state, StatusCode::OK, "activity.html", frame, data).await
}
