//! View counts in SQLite: a batch adds to the day's rows; the admin reads totals by day, page and
//! referring host.

use rusqlite::{Transaction, params};
use serde::Serialize;

use super::{Store, StoreError};
use crate::change::ViewBatch;

/// Adds one batch to the current-state tables (inside the commit's transaction).
pub(super) fn add(tx: &Transaction<'_>, batch: &ViewBatch) -> Result<(), StoreError> {
    let mut page = tx.prepare_cached(
        "INSERT INTO views (day, path, views, uniques) VALUES (?1, ?2, ?3, ?4)
         ON CONFLICT(day, path) DO UPDATE SET views = views + ?3, uniques = uniques + ?4",
    )?;
    for (path, views, uniques) in &batch.pages {
        page.execute(params![batch.day, path, *views as i64, *uniques as i64])?;
    }
    let mut referrer = tx.prepare_cached(
        "INSERT INTO referrers (day, host, views) VALUES (?1, ?2, ?3)
         ON CONFLICT(day, host) DO UPDATE SET views = views + ?3",
    )?;
    for (host, views) in &batch.referrers {
        referrer.execute(params![batch.day, host, *views as i64])?;
    }
    Ok(())
}

/// Views since a day: per day, per page and per referring host.
#[derive(Debug, Default, Serialize)]
pub struct ViewSummary {
    /// (day, views, unique visitors), oldest first; days without views are absent.
    pub days: Vec<(String, u64, u64)>,
    /// (path, views, unique visitors), most viewed first.
    pub pages: Vec<(String, u64, u64)>,
    /// (host, views), most first.
    pub referrers: Vec<(String, u64)>,
}

impl Store {
    /// Every path's views so far.
    pub fn view_totals(&self) -> Result<Vec<(String, u64)>, StoreError> {
        let mut stmt = self
            .conn
            .prepare("SELECT path, SUM(views) FROM views GROUP BY path")?;
        let rows = stmt.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?)))?;
        let mut totals = Vec::new();
        for row in rows {
            let (path, views) = row?;
            totals.push((path, views.max(0) as u64));
        }
        Ok(totals)
    }

    /// Totals for `since` (a `YYYY-MM-DD` day) and later; at most `top` pages and hosts.
    pub fn view_summary(&self, since: &str, top: usize) -> Result<ViewSummary, StoreError> {
        let conn = &self.conn;
        let mut summary = ViewSummary::default();
        let mut stmt = conn.prepare(
            "SELECT day, SUM(views), SUM(uniques) FROM views WHERE day >= ?1 GROUP BY day ORDER BY day",
        )?;
        for row in stmt.query_map([since], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })? {
            let (day, views, uniques) = row?;
            summary.days.push((day, views as u64, uniques as u64));
        }
        let mut stmt = conn.prepare(
            "SELECT path, SUM(views), SUM(uniques) FROM views WHERE day >= ?1
             GROUP BY path ORDER BY SUM(views) DESC, path LIMIT ?2",
        )?;
        for row in stmt.query_map(params![since, top as i64], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, i64>(1)?,
                r.get::<_, i64>(2)?,
            ))
        })? {
            let (path, views, uniques) = row?;
            summary.pages.push((path, views as u64, uniques as u64));
        }
        let mut stmt = conn.prepare(
            "SELECT host, SUM(views) FROM referrers WHERE day >= ?1
             GROUP BY host ORDER BY SUM(views) DESC, host LIMIT ?2",
        )?;
        for row in stmt.query_map(params![since, top as i64], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })? {
            let (host, views) = row?;
            summary.referrers.push((host, views as u64));
        }
        Ok(summary)
    }
}
