//! Compiles one markdown file (front matter + body) into an `Entry`, or a `path:line` error.

use chrono::{NaiveDate, NaiveDateTime};
use chrono_tz::Tz;
use serde_json::{Map, Value};

use super::dates::{WrittenDate, parse_date};
use super::front_matter::{self, FrontMatter};
use super::markdown::Markdown;
use super::slug::{slugify, tag_identity, tag_slug};
use crate::diagnostic::Diagnostic;
use crate::site::entry::{Entry, Slug, SourcePath, Tag};

/// Bumped whenever compiled output changes for the same input, so stored records are rebuilt.
pub const COMPILER_VERSION: u32 = 2;

/// What is needed to report later checks (slug clash, unknown template) at the right line.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct FieldLines {
    pub slug: usize,
    pub template: usize,
    pub tags: usize,
}

/// The identity of one compiled version: the text, the compiler version and the time zone that
/// floating dates are read in (a new zone makes every file compile again).
pub fn source_hash(text: &str, tz: Option<Tz>) -> String {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&COMPILER_VERSION.to_le_bytes());
    if let Some(tz) = tz {
        hasher.update(tz.name().as_bytes());
    }
    hasher.update(&[0]);
    hasher.update(text.as_bytes());
    hasher.finalize().to_hex()[..32].to_owned()
}

/// Front-matter keys with a meaning of their own; everything else goes to `extra`.
const KNOWN_KEYS: &[&str] = &[
    "title",
    "date",
    "updated",
    "lastmod",
    "slug",
    "tags",
    "draft",
    "description",
    "aliases",
    "template",
];

/// Compiles one file. `tz` is the site's time zone, for dates written without an offset.
pub fn compile(
    source: &SourcePath,
    text: &str,
    markdown: &Markdown,
    tz: Option<Tz>,
) -> Result<(Entry, FieldLines), Diagnostic> {
    let shown = source.display_path();
    let fm = front_matter::split(text)
        .map_err(|(line, message)| Diagnostic::new(&shown, line, message))?;
    let fields = Fields {
        fm: &fm,
        shown: &shown,
        tz,
    };
    let title = fields.title()?;
    let (file_date, file_slug) = name_parts(source);
    let date = fields
        .date("date")?
        .or_else(|| file_date.map(|d| WrittenDate::floating(d, tz)));
    let updated_key = if fm.fields.contains_key("updated") {
        "updated"
    } else {
        "lastmod"
    };
    let slug = fields.slug(&file_slug, &title)?;
    let updated = fields.date(updated_key)?;
    let extra: Map<String, Value> = fm
        .fields
        .iter()
        .filter(|(k, _)| !KNOWN_KEYS.contains(&k.as_str()))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let entry = Entry {
        source: source.clone(),
        kind: source.kind(),
        slug: Slug::from_slugified(slug),
        title,
        date: date.map(|d| d.at),
        date_offset: date.and_then(|d| d.offset),
        updated: updated.map(|d| d.at),
        updated_offset: updated.and_then(|d| d.offset),
        draft: fields.draft()?,
        tags: fields.tags()?,
        description: fields.description()?,
        aliases: fields.aliases()?,
        template: fields.template()?,
        extra,
        body: markdown.render(fm.body),
        source_hash: source_hash(text, tz),
    };
    let lines = FieldLines {
        slug: fm.line_of("slug"),
        template: fm.line_of("template"),
        tags: fm.line_of("tags"),
    };
    Ok((entry, lines))
}

/// The front matter's known fields, each validated with a `path:line` error.
struct Fields<'a> {
    fm: &'a FrontMatter<'a>,
    shown: &'a str,
    tz: Option<Tz>,
}

impl Fields<'_> {
    fn err(&self, key: &str, message: String) -> Diagnostic {
        Diagnostic::new(self.shown, self.fm.line_of(key), message)
    }

    fn get(&self, key: &str) -> Option<&Value> {
        self.fm.fields.get(key)
    }

    fn title(&self) -> Result<String, Diagnostic> {
        match self.get("title") {
            Some(Value::String(t)) if !t.trim().is_empty() => Ok(t.trim().to_owned()),
            Some(Value::String(_)) | None => Err(self.err(
                "title",
                "`title` is required: add `title = \"...\"` to the front matter".to_owned(),
            )),
            Some(other) => Err(self.err(
                "title",
                format!("`title` must be text, not {}", kind_of(other)),
            )),
        }
    }

    fn date(&self, key: &str) -> Result<Option<WrittenDate>, Diagnostic> {
        self.get(key)
            .map(|v| parse_date(v, self.tz).map_err(|m| self.err(key, format!("`{key}` {m}"))))
            .transpose()
    }

    /// The `slug` field, else the file's name, else the title.
    fn slug(&self, file_slug: &str, title: &str) -> Result<String, Diagnostic> {
        match self.get("slug") {
            Some(Value::String(s)) => {
                let slug = slugify(s);
                if slug.is_empty() {
                    return Err(self.err(
                        "slug",
                        format!("`slug` {s:?} has no letters or digits; use e.g. \"my-post\""),
                    ));
                }
                Ok(slug)
            }
            Some(other) => Err(self.err(
                "slug",
                format!("`slug` must be text, not {}", kind_of(other)),
            )),
            None => {
                let slug = slugify(file_slug);
                Ok(if slug.is_empty() {
                    slugify(title)
                } else {
                    slug
                })
            }
        }
    }

    fn draft(&self) -> Result<bool, Diagnostic> {
        match self.get("draft") {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(self.err(
                "draft",
                format!("`draft` must be true or false, not {}", kind_of(other)),
            )),
        }
    }

    /// The tags, each once. Names that differ only in case or spacing are one tag; names that
    /// differ otherwise but would share a URL are an error, not a silent merge.
    fn tags(&self) -> Result<Vec<Tag>, Diagnostic> {
        let mut tags: Vec<Tag> = Vec::new();
        for name in string_list(self.fm, "tags", self.shown)? {
            let name = name.split_whitespace().collect::<Vec<_>>().join(" ");
            let slug = tag_slug(&name);
            if slug.is_empty() {
                continue;
            }
            match tags.iter().find(|t| t.slug == slug) {
                Some(same) if tag_identity(&same.name) == tag_identity(&name) => {}
                Some(other) => {
                    return Err(self.err(
                        "tags",
                        format!(
                            "tags {:?} and {name:?} would share the address /tags/{slug}/; write them the same way, or keep one",
                            other.name
                        ),
                    ));
                }
                None => tags.push(Tag { slug, name }),
            }
        }
        Ok(tags)
    }

    fn description(&self) -> Result<Option<String>, Diagnostic> {
        match self.get("description") {
            None => Ok(None),
            Some(Value::String(s)) => Ok(Some(s.trim().to_owned()).filter(|s| !s.is_empty())),
            Some(other) => Err(self.err(
                "description",
                format!("`description` must be text, not {}", kind_of(other)),
            )),
        }
    }

    fn aliases(&self) -> Result<Vec<String>, Diagnostic> {
        string_list(self.fm, "aliases", self.shown)?
            .iter()
            .map(|a| {
                normalize_alias(a).ok_or_else(|| {
                    self.err(
                        "aliases",
                        format!("alias {a:?} is not a site path like \"/old/url/\""),
                    )
                })
            })
            .collect()
    }

    fn template(&self) -> Result<Option<String>, Diagnostic> {
        match self.get("template") {
            None => Ok(None),
            Some(Value::String(t)) if is_template_name(t) => Ok(Some(t.clone())),
            Some(other) => Err(self.err(
                "template",
                format!(
                    "`template` must name an .html file of the theme, like \"post.html\"; got {other}"
                ),
            )),
        }
    }
}

pub(super) fn kind_of(value: &Value) -> &'static str {
    match value {
        Value::Null => "nothing",
        Value::Bool(_) => "a boolean",
        Value::Number(_) => "a number",
        Value::String(_) => "text",
        Value::Array(_) => "a list",
        Value::Object(_) => "a table",
    }
}

fn string_list(fm: &FrontMatter<'_>, key: &str, shown: &str) -> Result<Vec<String>, Diagnostic> {
    let bad = || {
        Diagnostic::new(
            shown,
            fm.line_of(key),
            format!("`{key}` must be a list of text, like [\"a\", \"b\"]"),
        )
    };
    match fm.fields.get(key) {
        None | Some(Value::Null) => Ok(Vec::new()),
        // Jekyll allows `tags: a, b` as one string.
        Some(Value::String(s)) => Ok(s
            .split(',')
            .map(str::trim)
            .filter(|s| !s.is_empty())
            .map(str::to_owned)
            .collect()),
        Some(Value::Array(items)) => items
            .iter()
            .map(|v| match v {
                Value::String(s) => Ok(s.clone()),
                Value::Number(n) => Ok(n.to_string()),
                _ => Err(bad()),
            })
            .collect(),
        Some(_) => Err(bad()),
    }
}

/// Accepts RFC 3339, `YYYY-MM-DD`, and `YYYY-MM-DD HH:MM[:SS]` with an optional offset.
/// Jekyll-style names `2024-01-15-my-post.md` give a default date and slug; bundles
/// (`posts/my-post/index.md`) take their slug from the folder.
fn name_parts(source: &SourcePath) -> (Option<NaiveDateTime>, String) {
    let path = source.as_str();
    let stem = match source.bundle_dir() {
        Some(dir) => dir.rsplit('/').next().unwrap_or(dir),
        None => {
            let file = path.rsplit('/').next().unwrap_or(path);
            file.strip_suffix(".md").unwrap_or(file)
        }
    };
    if stem.len() > 11
        && stem.as_bytes()[10] == b'-'
        && let Ok(date) = NaiveDate::parse_from_str(&stem[..10], "%Y-%m-%d")
    {
        return (
            Some(date.and_time(chrono::NaiveTime::MIN)),
            stem[11..].to_owned(),
        );
    }
    (None, stem.to_owned())
}

/// `old/url` -> `/old/url/`; refuses anything that is not a plain site path.
fn normalize_alias(alias: &str) -> Option<String> {
    let trimmed = alias.trim().trim_matches('/');
    let ok = !trimmed.is_empty()
        && !trimmed.contains(['\\', '?', '#', '"', '<', '>', ' '])
        && !trimmed.contains("://")
        && crate::paths::is_clean_relative(trimmed);
    if !ok {
        return None;
    }
    // A file-like alias (`old.html`) keeps its exact form; folders get the trailing slash.
    let last = trimmed.rsplit('/').next().unwrap_or(trimmed);
    Some(if last.contains('.') {
        format!("/{trimmed}")
    } else {
        format!("/{trimmed}/")
    })
}

fn is_template_name(name: &str) -> bool {
    name.ends_with(".html")
        && !name.contains("..")
        && !name.starts_with('/')
        && !name.contains('\\')
}

#[cfg(test)]
mod tests {
    use super::*;

    fn compile_str(path: &str, text: &str) -> Result<Entry, Diagnostic> {
        let source = SourcePath::new(path).ok_or_else(|| Diagnostic::new(path, 0, "bad path"))?;
        compile(&source, text, &Markdown::new(), None).map(|(e, _)| e)
    }

    #[test]
    fn defaults_come_from_the_file_name() {
        let e = compile_str(
            "posts/2024-01-15-Café-déjà-vu.md",
            "+++\ntitle = \"T\"\n+++\nhi\n",
        );
        let e = e.ok();
        assert_eq!(e.as_ref().map(|e| e.slug.as_str()), Some("cafe-deja-vu"));
        assert_eq!(
            e.and_then(|e| e.date).map(|d| d.to_rfc3339()),
            Some("2024-01-15T00:00:00+00:00".to_owned())
        );
    }

    #[test]
    fn bad_date_names_the_line_and_the_fix() {
        let err = compile_str(
            "posts/a.md",
            "+++\ntitle = \"T\"\ndate = \"2024-13-45\"\n+++\n",
        )
        .err();
        let err = err.map(|d| d.to_string()).unwrap_or_default();
        assert!(
            err.starts_with("content/posts/a.md:3: `date` \"2024-13-45\" is not a valid date"),
            "{err}"
        );
    }

    #[test]
    fn missing_title_is_an_error() {
        let err = compile_str("posts/a.md", "---\ndate: 2024-01-01\n---\n").err();
        assert!(err.is_some_and(|d| d.message.contains("`title` is required")));
    }

    #[test]
    fn bad_tags_get_the_file_path() {
        let err = compile_str("posts/a.md", "+++\ntitle = \"T\"\ntags = 3\n+++\n").err();
        assert_eq!(
            err.map(|d| (d.path, d.line)),
            Some(("content/posts/a.md".to_owned(), 3))
        );
    }

    #[test]
    fn unknown_fields_are_kept() {
        let e = compile_str(
            "about.md",
            "---\ntitle: About\nlayout: page\ncategories: [x]\n---\n",
        )
        .ok();
        assert_eq!(
            e.map(|e| e.extra.contains_key("layout") && e.extra.contains_key("categories")),
            Some(true)
        );
    }

    #[test]
    fn aliases_are_normalized_and_checked() {
        assert_eq!(normalize_alias("old/post"), Some("/old/post/".to_owned()));
        assert_eq!(
            normalize_alias("/2019/x.html"),
            Some("/2019/x.html".to_owned())
        );
        assert_eq!(normalize_alias("../etc"), None);
        assert_eq!(normalize_alias("https://evil.example/"), None);
    }

    #[test]
    fn dates_in_many_shapes() {
        for d in [
            "2024-05-01",
            "2024-05-01T09:30:00Z",
            "2024-05-01T09:30:00+02:00",
            "2024-05-01 09:30:00",
            "2024-05-01 09:30:00 +0200",
        ] {
            assert!(
                parse_date(&Value::String(d.to_owned()), None).is_ok(),
                "{d}"
            );
        }
    }
}
