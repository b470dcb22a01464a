//! Reads a theme's override folder (`themes/<name>/templates` and `static`) into memory, so
//! that building the theme itself does no IO.

use std::path::Path;

use bytes::Bytes;

use crate::content::scan::files_under;
use crate::diagnostic::Diagnostic;
use crate::paths::SitePaths;
use crate::render::theme::{Theme, ThemeOverrides};

/// Reads `themes/<name>/` (absent is fine: the embedded theme is used as it is).
pub fn read_overrides(themes_dir: &Path, name: &str) -> Result<ThemeOverrides, Diagnostic> {
    let dir = themes_dir.join(name);
    let shown = |rel: &str| format!("themes/{name}/{rel}");
    let cannot_read = |rel: String, e: std::io::Error| {
        Diagnostic::new(shown(&rel), 0, format!("cannot read: {e}"))
    };
    let mut overrides = ThemeOverrides::default();
    for (rel, path) in files_under(&dir.join("templates")) {
        let text = std::fs::read_to_string(&path)
            .map_err(|e| cannot_read(format!("templates/{rel}"), e))?;
        overrides.templates.insert(rel, text);
    }
    for (rel, path) in files_under(&dir.join("static")) {
        let data = std::fs::read(&path).map_err(|e| cannot_read(format!("static/{rel}"), e))?;
        overrides.static_files.insert(rel, Bytes::from(data));
    }
    Ok(overrides)
}

/// The theme named in the config, with the site's overrides applied.
pub fn load_theme(paths: &SitePaths, name: &str) -> Result<Theme, Diagnostic> {
    Theme::new(name, read_overrides(&paths.themes(), name)?)
}
