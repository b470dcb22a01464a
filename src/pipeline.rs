//! Read → compile → admit: how one content file becomes part of a site. Shared by the writer
//! (files and admin writes) and `quire check`, so all three judge a file the same way.

use std::path::Path;

use crate::content::compile::{FieldLines, compile};
use crate::content::markdown::Markdown;
use crate::content::slug::tag_identity;
use crate::diagnostic::Diagnostic;
use crate::render::theme::Theme;
use crate::site::entry::{Entry, SourcePath};
use crate::site::{Conflict, Impact, Site};

/// Why a compiled entry cannot join the site.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AdmitError {
    #[error("unknown template {template:?}; the theme has: {available}")]
    UnknownTemplate {
        template: String,
        available: String,
        line: usize,
    },
    #[error("{url} is already used by {owner}; set a different `slug` in the front matter")]
    UrlTaken {
        url: String,
        owner: String,
        line: usize,
    },
    #[error("the slug {slug:?} is reserved for Quire's own pages; set a different `slug`")]
    ReservedSlug { slug: String, line: usize },
    #[error(
        "the tag {name:?} would share the address /tags/{slug}/ with the tag {other:?} of other posts; write it the same way"
    )]
    TagClash {
        name: String,
        other: String,
        slug: String,
        line: usize,
    },
}

impl AdmitError {
    /// The front-matter field the problem is about, for per-field API errors.
    pub fn field(&self) -> &'static str {
        match self {
            AdmitError::UnknownTemplate { .. } => "template",
            AdmitError::UrlTaken { .. } | AdmitError::ReservedSlug { .. } => "slug",
            AdmitError::TagClash { .. } => "tags",
        }
    }

    fn line(&self) -> usize {
        match self {
            AdmitError::UnknownTemplate { line, .. }
            | AdmitError::UrlTaken { line, .. }
            | AdmitError::ReservedSlug { line, .. }
            | AdmitError::TagClash { line, .. } => *line,
        }
    }

    pub fn diagnostic(&self, source: &SourcePath) -> Diagnostic {
        Diagnostic::new(source.display_path(), self.line(), self.to_string())
    }
}

/// Why a source did not become (part of) the site.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Rejected {
    /// Its text is wrong: front matter or markdown.
    Compile(Diagnostic),
    /// It compiled, but clashes with the theme or the rest of the site.
    Admit(Diagnostic, Box<AdmitError>),
}

impl Rejected {
    pub fn into_diagnostic(self) -> Diagnostic {
        match self {
            Rejected::Compile(d) | Rejected::Admit(d, _) => d,
        }
    }
}

/// Reads a content file as text, with a `path: cannot read` diagnostic on failure.
pub fn read(source: &SourcePath, path: &Path) -> Result<String, Diagnostic> {
    std::fs::read_to_string(path)
        .map_err(|e| Diagnostic::new(source.display_path(), 0, format!("cannot read: {e}")))
}

/// Checks a compiled entry against the theme and the rest of the site, and adds it.
pub fn admit(
    site: &mut Site,
    theme: &Theme,
    entry: Entry,
    lines: FieldLines,
) -> Result<Impact, AdmitError> {
    if let Some(template) = &entry.template
        && !theme.has_template(template)
    {
        return Err(AdmitError::UnknownTemplate {
            template: template.clone(),
            available: theme.template_names().join(", "),
            line: lines.template,
        });
    }
    for tag in &entry.tags {
        let Some(existing) = site.tag(&tag.slug) else {
            continue;
        };
        // The entry may only be renaming its own tag; other posts' spelling is the tag's.
        let others = existing.posts.iter().any(|p| p.source != entry.source);
        if others && tag_identity(&existing.tag.name) != tag_identity(&tag.name) {
            return Err(AdmitError::TagClash {
                name: tag.name.clone(),
                other: existing.tag.name.clone(),
                slug: tag.slug.clone(),
                line: lines.tags,
            });
        }
    }
    site.upsert(entry).map_err(|conflict| match conflict {
        Conflict::UrlTaken { url, owner } => AdmitError::UrlTaken {
            url,
            owner: owner.display_path(),
            line: lines.slug,
        },
        Conflict::ReservedSlug(slug) => AdmitError::ReservedSlug {
            slug,
            line: lines.slug,
        },
    })
}

/// Admits an already compiled source (or says why not).
pub fn admit_compiled(
    site: &mut Site,
    theme: &Theme,
    source: &SourcePath,
    compiled: Result<(Entry, FieldLines), Diagnostic>,
) -> Result<Impact, Rejected> {
    let (entry, lines) = compiled.map_err(Rejected::Compile)?;
    admit(site, theme, entry, lines).map_err(|e| Rejected::Admit(e.diagnostic(source), Box::new(e)))
}

/// Compiles `text` (floating dates in the site's time zone) and admits the entry into `site`.
pub fn compile_and_admit(
    site: &mut Site,
    theme: &Theme,
    markdown: &Markdown,
    source: &SourcePath,
    text: &str,
) -> Result<Impact, Rejected> {
    let compiled = compile(source, text, markdown, site.config.tz());
    admit_compiled(site, theme, source, compiled)
}
