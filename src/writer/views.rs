//! View counts in the writer: each batch from the counter is one event, committed like any
//! other change. Nothing on the site changes, so nothing is rendered.

use tracing::warn;

use super::{Batch, Writer};
use crate::change::{Actor, Change, ViewBatch};

impl Writer {
    pub(super) fn save_views(&mut self, batches: Vec<ViewBatch>) {
        let changes: Vec<(Actor, Change)> = batches
            .into_iter()
            .map(|batch| (Actor::Visitor, Change::ViewsCounted { batch }))
            .collect();
        let count = changes.len();
        let batch = Batch {
            changes,
            ..Batch::default()
        };
        let working = self.working_copy();
        if self.commit(working, batch).is_err() {
            warn!("{count} batches of view counts could not be saved");
        }
    }
}
