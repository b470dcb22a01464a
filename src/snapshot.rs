//! What readers see: the site and its rendered pages, replaced as a whole on every change.

use std::sync::Arc;

use arc_swap::ArcSwap;

use crate::diagnostic::Diagnostic;
use crate::render::Renderer;
use crate::render::page::PageTable;
use crate::site::Site;

/// One published state. Readers load it without waiting; the writer swaps in the next one.
pub struct Snapshot {
    pub site: Site,
    pub pages: PageTable,
    /// The renderer of this state, for previews.
    pub renderer: Arc<Renderer>,
    /// Files that are wrong now (`path:line: message`); their last good versions are served.
    pub errors: Arc<Vec<Diagnostic>>,
}

/// The current snapshot, shared by the writer (which stores) and every reader (which loads).
pub type Published = Arc<ArcSwap<Snapshot>>;

/// The URL paths whose pages changed in one publish, for live reload.
pub type PageChanges = tokio::sync::broadcast::Sender<Arc<Vec<String>>>;
