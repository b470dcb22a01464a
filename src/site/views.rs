//! View totals as part of the site, for the `views` island: loaded at startup, added to with
//! each batch the writer saves.

use super::{Impact, Site};

impl Site {
    /// Views counted so far for a URL path.
    pub fn views_of(&self, path: &str) -> u64 {
        self.views.get(path).copied().unwrap_or(0)
    }

    /// Sets the totals read from the store.
    pub fn set_view_totals(&mut self, totals: impl IntoIterator<Item = (String, u64)>) {
        self.views = totals.into_iter().collect();
    }

    /// Adds a batch's (path, views, visitors); the `views` islands of its pages are filled
    /// again.
    pub fn add_views(&mut self, pages: &[(String, u64, u64)]) -> Impact {
        let mut impact = Impact::default();
        for (path, views, _) in pages {
            *self.views.entry(path.clone()).or_default() += views;
            impact.refill.insert(("views".to_owned(), path.clone()));
        }
        impact
    }
}
