//! View counts in the writer: each batch from the counter is one event, committed like any
//! other change. Only the pages holding a `views` island are reassembled (none in the
//! default theme).

use tracing::warn;

use super::{Batch, Writer};
use crate::change::{Actor, Change, ViewBatch};

impl Writer {
    pub(super) fn save_views(&mut self, batches: Vec<ViewBatch>) {
        let mut working = self.working_copy();
        let mut impact = crate::site::Impact::default();
        for batch in &batches {
            impact.merge(working.add_views(&batch.pages));
        }
        let changes: Vec<(Actor, Change)> = batches
            .into_iter()
            .map(|batch| (Actor::Visitor, Change::ViewsCounted { batch }))
            .collect();
        let count = changes.len();
        let batch = Batch {
            changes,
            impact,
            ..Batch::default()
        };
        if self.commit(working, batch).is_err() {
            warn!("{count} batches of view counts could not be saved");
        }
    }
}
