//! The dashboard: counts, drafts, scheduled posts with their times, recent posts, the comments
//! waiting for moderation, and the files
//! that fail to compile (with `path:line: message`; their last good versions stay served).

use actix_web::http::StatusCode;
use actix_web::{HttpRequest, HttpResponse, web};
use serde::Serialize;
use tera::Context;

use super::page::{Frame, Session, render};
use crate::http::AppState;
use crate::site::Site;
use crate::site::entry::{Entry, EntryKind, Status};

/// One entry in a dashboard or list: what a person needs to pick it.
#[derive(Serialize)]
pub struct Line {
    pub title: String,
    pub edit_url: String,
    pub status: &'static str,
    pub iso: String,
    pub when: String,
    pub tags: String,
}

impl Line {
    pub fn of(site: &Site, entry: &Entry) -> Line {
        let date = entry
            .date
            .map(|d| crate::render::view::DateView::new(d, entry.date_offset));
        let kind = match entry.kind {
            EntryKind::Post => "posts",
            EntryKind::Page => "pages",
        };
        Line {
            title: entry.title.clone(),
            edit_url: format!("/admin/{kind}/{}", entry.slug),
            status: site.status(entry).name(),
            iso: date.as_ref().map(|d| d.iso.clone()).unwrap_or_default(),
            when: date
                .map(|d| format!("{} {}", d.display, &d.iso.get(11..16).unwrap_or_default()))
                .unwrap_or_default(),
            tags: entry
                .tags
                .iter()
                .map(|t| t.name.as_str())
                .collect::<Vec<_>>()
                .join(", "),
        }
    }
}

#[derive(Serialize, Default)]
struct Counts {
    published: usize,
    scheduled: usize,
    drafts: usize,
    pages: usize,
    media: usize,
    waiting: usize,
}

const SHOWN: usize = 10;

pub async fn show(req: HttpRequest, state: web::Data<AppState>) -> HttpResponse {
    let session = match Session::of(&req, &state).await {
        Ok(s) => s,
        Err(response) => return response,
    };
    let snapshot = state.published.load_full();
    let site = &snapshot.site;
    let mut counts = Counts::default();
    let (mut drafts, mut scheduled) = (Vec::new(), Vec::new());
    for entry in site.entries() {
        match (entry.kind, site.status(entry)) {
            (EntryKind::Page, _) => counts.pages += 1,
            (EntryKind::Post, Status::Published) => counts.published += 1,
            (EntryKind::Post, Status::Scheduled) => {
                counts.scheduled += 1;
                scheduled.push(entry.clone());
            }
            (EntryKind::Post, Status::Draft) => {
                counts.drafts += 1;
                drafts.push(entry.clone());
            }
        }
    }
    // Soonest first for what is coming; newest first for drafts.
    scheduled.sort_by_key(|e| e.date);
    drafts.sort_by_key(|e| std::cmp::Reverse(e.date));
    counts.media = snapshot
        .pages
        .files
        .keys()
        .filter(|path| path.starts_with("/media/"))
        .count();
    let lines = |entries: &[std::sync::Arc<Entry>]| -> Vec<Line> {
        entries
            .iter()
            .take(SHOWN)
            .map(|e| Line::of(site, e))
            .collect()
    };
    let recent: Vec<Line> = site
        .published_posts()
        .take(SHOWN)
        .map(|e| Line::of(site, e))
        .collect();
    let waiting: Vec<_> = site
        .all_comments()
        .into_iter()
        .filter(|c| c.status == crate::site::comments::CommentStatus::Pending)
        .collect();
    counts.waiting = waiting.len();
    let queue: Vec<super::comments::CommentLine> = waiting
        .iter()
        .take(5)
        .map(|c| super::comments::CommentLine::of(site, c))
        .collect();
    let views = match crate::http::admin::views::summary(&state, 30).await {
        Ok(views) => views,
        Err(response) => return response,
    };
    let mut data = Context::new();
    data.insert("chart", &super::chart::bars(&views.days));
    data.insert(
        "views_total",
        &views.days.iter().map(|d| d.views).sum::<u64>(),
    );
    data.insert(
        "top_pages",
        &views.pages.iter().take(10).collect::<Vec<_>>(),
    );
    data.insert(
        "referrers",
        &views.referrers.iter().take(10).collect::<Vec<_>>(),
    );
    data.insert("queue", &queue);
    data.insert("counts", &counts);
    data.insert("drafts", &lines(&drafts));
    data.insert("scheduled", &lines(&scheduled));
    data.insert("recent", &recent);
    data.insert(
        "errors",
        &snapshot
            .errors
            .iter()
            .map(|d| d.to_string())
            .collect::<Vec<_>>(),
    );
    let frame = Frame::of(&session, "Dashboard", "dashboard", None, None);
    render(&state, StatusCode::OK, "dashboard.html", frame, data).await
}
