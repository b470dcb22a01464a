//! `/admin/api/views`: page views over recent days, the most viewed pages and the referring
//! hosts, from the counts the server keeps (no visitor is stored).

use actix_web::{HttpResponse, get, web};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};

use crate::http::error::{ErrorBody, internal};
use crate::http::{AppState, with_db};

/// Most pages and hosts listed.
const TOP: usize = 20;

#[derive(Debug, Deserialize, IntoParams)]
pub struct ViewsQuery {
    /// How many days back, today included (1 to 366; 30 by default).
    pub days: Option<u32>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct DayViews {
    /// `YYYY-MM-DD` (UTC).
    pub day: String,
    pub views: u64,
    /// Distinct visitors that day (per page, summed).
    pub uniques: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct PageViews {
    pub path: String,
    pub views: u64,
    pub uniques: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ReferrerViews {
    pub host: String,
    pub views: u64,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct ViewsOut {
    /// Every day of the range, oldest first, days without views included.
    pub days: Vec<DayViews>,
    pub pages: Vec<PageViews>,
    pub referrers: Vec<ReferrerViews>,
}

/// The days of the range ending today, oldest first.
pub fn day_range(today: chrono::NaiveDate, days: u32) -> Vec<String> {
    (0..days)
        .rev()
        .filter_map(|back| today.checked_sub_days(chrono::Days::new(u64::from(back))))
        .map(|d| d.format("%Y-%m-%d").to_string())
        .collect()
}

/// Views per day (every day of the range), top pages and top referring hosts.
pub async fn summary(state: &web::Data<AppState>, days: u32) -> Result<ViewsOut, HttpResponse> {
    let range = day_range(state.clock.now().date_naive(), days.clamp(1, 366));
    let since = range.first().cloned().unwrap_or_default();
    let found = with_db(state, move |db| db.view_summary(&since, TOP))
        .await?
        .map_err(internal)?;
    let days = range
        .into_iter()
        .map(|day| {
            let (views, uniques) = found
                .days
                .iter()
                .find(|(d, _, _)| *d == day)
                .map_or((0, 0), |(_, v, u)| (*v, *u));
            DayViews {
                day,
                views,
                uniques,
            }
        })
        .collect();
    Ok(ViewsOut {
        days,
        pages: found
            .pages
            .into_iter()
            .map(|(path, views, uniques)| PageViews {
                path,
                views,
                uniques,
            })
            .collect(),
        referrers: found
            .referrers
            .into_iter()
            .map(|(host, views)| ReferrerViews { host, views })
            .collect(),
    })
}

/// Page views over the last `days` days (UTC), the most viewed pages and referring hosts.
#[utoipa::path(tag = "views", params(ViewsQuery), responses(
    (status = 200, body = ViewsOut), (status = 400, body = ErrorBody), (status = 401, body = ErrorBody)))]
#[get("/views")]
pub async fn views_get(state: web::Data<AppState>, query: web::Query<ViewsQuery>) -> HttpResponse {
    match summary(&state, query.days.unwrap_or(30)).await {
        Ok(out) => HttpResponse::Ok()
            .insert_header(("Cache-Control", "no-store"))
            .json(out),
        Err(response) => response,
    }
}
