//! The theme: templates and static files embedded in the binary, overridden file by file by
//! `<root>/themes/<name>/` (read by `theme_files`), compiled once into one Tera. No IO here.

use std::collections::BTreeMap;

use bytes::Bytes;
use tera::Tera;

use crate::diagnostic::Diagnostic;

#[derive(rust_embed::Embed)]
#[folder = "themes/default/"]
struct EmbeddedTheme;

/// Path the generated highlighting stylesheet is served at (a theme file of that name wins).
pub const SYNTAX_CSS_PATH: &str = "/syntax.css";

/// A theme's override folder as read from disk: templates by name, static files by path.
#[derive(Debug, Default)]
pub struct ThemeOverrides {
    pub templates: BTreeMap<String, String>,
    pub static_files: BTreeMap<String, Bytes>,
}

pub struct Theme {
    pub tera: Tera,
    /// URL path -> bytes of every theme static file.
    pub static_files: BTreeMap<String, Bytes>,
    /// Stylesheets and scripts at content-hashed paths (`/style.css` -> `/style.1a2b3c4d.css`),
    /// served with immutable caching; templates link them as `assets["/style.css"]`.
    pub assets: BTreeMap<String, String>,
}

/// `/style.css` -> `/style.<first 8 hex digits of the content hash>.css`, for CSS and JS.
fn fingerprinted(path: &str, bytes: &[u8]) -> Option<String> {
    let (stem, extension) = path.rsplit_once('.')?;
    matches!(extension, "css" | "js").then(|| {
        let hash = blake3::hash(bytes).to_hex();
        format!("{stem}.{}.{extension}", &hash[..8])
    })
}

impl Theme {
    /// The embedded theme with `overrides` (read from `themes/<name>/` by `theme_files`)
    /// applied file by file, compiled once.
    pub fn new(name: &str, overrides: ThemeOverrides) -> Result<Theme, Diagnostic> {
        let mut templates: BTreeMap<String, (String, String)> = BTreeMap::new();
        let mut static_files = BTreeMap::new();
        static_files.insert(
            SYNTAX_CSS_PATH.to_owned(),
            Bytes::from(super::syntax_css::stylesheet()),
        );
        for file in EmbeddedTheme::iter() {
            let Some(embedded) = EmbeddedTheme::get(&file) else {
                continue;
            };
            if let Some(name) = file.strip_prefix("templates/") {
                let text = String::from_utf8_lossy(&embedded.data).into_owned();
                templates.insert(
                    name.to_owned(),
                    (format!("(embedded theme)/templates/{name}"), text),
                );
            } else if let Some(path) = file.strip_prefix("static/") {
                static_files.insert(format!("/{path}"), Bytes::from(embedded.data.into_owned()));
            }
        }
        let shown = |rel: &str| format!("themes/{name}/{rel}");
        for (rel, text) in overrides.templates {
            templates.insert(rel.clone(), (shown(&format!("templates/{rel}")), text));
        }
        for (rel, data) in overrides.static_files {
            static_files.insert(format!("/{rel}"), data);
        }

        let mut tera = Tera::new();
        tera.register_function("island", super::islands::island_function);
        tera.add_raw_templates(
            templates
                .iter()
                .map(|(name, (_, text))| (name.as_str(), text.as_str())),
        )
        .map_err(|e| {
            let message = e.to_string();
            // Tera names the template in its message; point at the file that holds it.
            let file = templates
                .iter()
                .find(|(name, _)| message.contains(name.as_str()))
                .map(|(_, (shown, _))| shown.clone())
                .unwrap_or_else(|| shown("templates"));
            Diagnostic::new(file, 0, format!("template error: {}", one_line(&message)))
        })?;
        if !templates.contains_key("search.html") {
            // Only a theme that replaced the embedded one entirely could get here.
            return Err(Diagnostic::new(
                shown("templates"),
                0,
                "the theme has no search.html",
            ));
        }
        for required in [
            "index.html",
            "post.html",
            "page.html",
            "archive.html",
            "tags.html",
            "tag.html",
            "404.html",
        ] {
            if !tera.contains_template(required) {
                return Err(Diagnostic::new(
                    shown("templates"),
                    0,
                    format!("the theme has no {required}"),
                ));
            }
        }
        let assets = static_files
            .iter()
            .filter_map(|(path, bytes)| Some((path.clone(), fingerprinted(path, bytes)?)))
            .collect();
        Ok(Theme {
            tera,
            static_files,
            assets,
        })
    }

    pub fn has_template(&self, name: &str) -> bool {
        self.tera.contains_template(name)
    }

    pub fn template_names(&self) -> Vec<String> {
        let mut names: Vec<String> = self.tera.get_template_names().map(str::to_owned).collect();
        names.sort();
        names
    }
}

fn one_line(message: &str) -> String {
    message.split_whitespace().collect::<Vec<_>>().join(" ")
}
