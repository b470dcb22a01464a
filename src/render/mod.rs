//! Turns (site, route) into response bodies. Pure: no IO, no HTTP; the theme is loaded once.

pub mod feeds;
pub mod page;
pub mod theme;
pub mod view;

use std::sync::Arc;

use tera::Context;

use crate::site::Site;
use crate::site::entry::{Entry, EntryKind};
use crate::site::route::{self, Route, page_count};
use page::{CachePolicy, Compression, Page, Served};
use theme::Theme;
use view::{ArchiveYear, EntryView, Meta, Paginator, SiteView, TagSummary};

#[derive(Debug, thiserror::Error)]
#[error("{template}: {message}")]
pub struct RenderError {
    pub template: String,
    pub message: String,
}

const HTML: &str = "text/html; charset=utf-8";

#[derive(Clone)]
pub struct Renderer {
    pub theme: Arc<Theme>,
    /// Absolute site URL without the trailing slash.
    pub base_url: String,
    pub compression: Compression,
}

impl Renderer {
    /// Renders one route into the URL paths it owns. A route that no longer exists (an entry
    /// that was unpublished, a list page past the end) renders to nothing.
    pub fn render(&self, site: &Site, route: &Route) -> Result<Vec<(String, Served)>, RenderError> {
        let base = self.base_url.as_str();
        let per_page = site.config.posts_per_page;
        let feed_limit = site.config.feed_limit;
        let mut out = Vec::new();
        match route {
            Route::Home { page } => {
                let total = site.published_count();
                if *page > page_count(total, per_page) {
                    return Ok(out);
                }
                let posts = site.published_slice((page - 1) * per_page, per_page);
                let paginator = self.paginator(&posts, *page, total, per_page, route::home_path);
                let path = route::home_path(*page);
                let title = if *page == 1 {
                    site.config.title.clone()
                } else {
                    format!("{} (page {page})", site.config.title)
                };
                let mut ctx = self.context(
                    site,
                    &path,
                    &title,
                    &site.config.description,
                    "website",
                    route::ATOM_PATH,
                );
                ctx.insert("paginator", &paginator);
                out.push((path, self.html("index.html", &ctx)?));
                if *page == 1 {
                    out.push((
                        "/page/1/".to_owned(),
                        Served::Redirect {
                            location: "/".to_owned(),
                            status: 301,
                        },
                    ));
                }
            }
            Route::Entry(source) => {
                let Some(entry) = site.entry(source).filter(|e| site.is_published(e)) else {
                    return Ok(out);
                };
                let path = entry.url_path();
                let description = entry
                    .description
                    .clone()
                    .unwrap_or_else(|| site.config.description.clone());
                let og_type = if entry.kind == EntryKind::Post {
                    "article"
                } else {
                    "website"
                };
                let title = format!("{} · {}", entry.title, site.config.title);
                let mut ctx =
                    self.context(site, &path, &title, &description, og_type, route::ATOM_PATH);
                ctx.insert("page", &EntryView::new(entry, base, true));
                if entry.kind == EntryKind::Post {
                    let (older, newer) = site.neighbours(entry);
                    ctx.insert(
                        "prev",
                        &older.as_deref().map(|e| EntryView::new(e, base, false)),
                    );
                    ctx.insert(
                        "next",
                        &newer.as_deref().map(|e| EntryView::new(e, base, false)),
                    );
                }
                let template = entry.template.clone().unwrap_or_else(|| match entry.kind {
                    EntryKind::Post => "post.html".to_owned(),
                    EntryKind::Page => "page.html".to_owned(),
                });
                out.push((path.clone(), self.html(&template, &ctx)?));
                for alias in &entry.aliases {
                    out.push((
                        alias.clone(),
                        Served::Redirect {
                            location: path.clone(),
                            status: 301,
                        },
                    ));
                }
                for (name, bytes) in site.bundle_files_of(entry) {
                    let page =
                        Page::file(name, bytes.clone(), CachePolicy::Short, self.compression);
                    out.push((format!("{path}{name}"), Served::Page(page)));
                }
            }
            Route::Archive => {
                let mut years: Vec<ArchiveYear<'_>> = Vec::new();
                let posts: Vec<Arc<Entry>> = site.published_posts().cloned().collect();
                for post in &posts {
                    let year = post.date.map(|d| chrono::Datelike::year(&d));
                    match years.last_mut() {
                        Some(y) if y.year == year => {
                            y.posts.push(EntryView::new(post, base, false))
                        }
                        _ => years.push(ArchiveYear {
                            year,
                            posts: vec![EntryView::new(post, base, false)],
                        }),
                    }
                }
                let title = format!("Archive · {}", site.config.title);
                let mut ctx = self.context(
                    site,
                    route::ARCHIVE_PATH,
                    &title,
                    &site.config.description,
                    "website",
                    route::ATOM_PATH,
                );
                ctx.insert("years", &years);
                ctx.insert("total_posts", &posts.len());
                out.push((
                    route::ARCHIVE_PATH.to_owned(),
                    self.html("archive.html", &ctx)?,
                ));
            }
            Route::TagIndex => {
                let mut tags: Vec<TagSummary> = site
                    .tags()
                    .map(|t| TagSummary {
                        name: t.tag.name.clone(),
                        slug: t.tag.slug.clone(),
                        url: route::tag_path(&t.tag.slug, 1),
                        count: t.posts.len(),
                    })
                    .collect();
                tags.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.slug.cmp(&b.slug)));
                let title = format!("Tags · {}", site.config.title);
                let mut ctx = self.context(
                    site,
                    route::TAGS_PATH,
                    &title,
                    &site.config.description,
                    "website",
                    route::ATOM_PATH,
                );
                ctx.insert("tags", &tags);
                out.push((route::TAGS_PATH.to_owned(), self.html("tags.html", &ctx)?));
            }
            Route::Tag { slug, page } => {
                let Some(tag) = site.tag(slug) else {
                    return Ok(out);
                };
                let total = tag.posts.len();
                if *page > page_count(total, per_page) {
                    return Ok(out);
                }
                let posts = site.tag_slice(slug, (page - 1) * per_page, per_page);
                let paginator =
                    self.paginator(&posts, *page, total, per_page, |p| route::tag_path(slug, p));
                let path = route::tag_path(slug, *page);
                let title = format!("{} · {}", tag.tag.name, site.config.title);
                let description = format!("Posts tagged “{}”", tag.tag.name);
                let mut ctx = self.context(
                    site,
                    &path,
                    &title,
                    &description,
                    "website",
                    &route::tag_feed_path(slug),
                );
                ctx.insert(
                    "tag",
                    &view::TagLink {
                        name: tag.tag.name.clone(),
                        slug: slug.clone(),
                        url: route::tag_path(slug, 1),
                    },
                );
                ctx.insert("paginator", &paginator);
                out.push((path, self.html("tag.html", &ctx)?));
                if *page == 1 {
                    out.push((
                        format!("/tags/{slug}/page/1/"),
                        Served::Redirect {
                            location: route::tag_path(slug, 1),
                            status: 301,
                        },
                    ));
                }
            }
            Route::TagFeed { slug } => {
                let Some(tag) = site.tag(slug) else {
                    return Ok(out);
                };
                let posts = site.tag_slice(slug, 0, feed_limit);
                let title = format!("{} · {}", tag.tag.name, site.config.title);
                let info = feeds::FeedInfo {
                    title: &title,
                    description: &site.config.description,
                    home_url: format!("{base}{}", route::tag_path(slug, 1)),
                    self_url: format!("{base}{}", route::tag_feed_path(slug)),
                };
                out.push((
                    route::tag_feed_path(slug),
                    self.text(
                        "application/atom+xml; charset=utf-8",
                        feeds::atom(site, base, &info, &posts),
                    ),
                ));
            }
            Route::Feeds => {
                let posts = site.published_slice(0, feed_limit);
                let info = |path: &str| feeds::FeedInfo {
                    title: &site.config.title,
                    description: &site.config.description,
                    home_url: format!("{base}/"),
                    self_url: format!("{base}{path}"),
                };
                out.push((
                    route::ATOM_PATH.to_owned(),
                    self.text(
                        "application/atom+xml; charset=utf-8",
                        feeds::atom(site, base, &info(route::ATOM_PATH), &posts),
                    ),
                ));
                out.push((
                    route::RSS_PATH.to_owned(),
                    self.text(
                        "application/rss+xml; charset=utf-8",
                        feeds::rss(site, base, &info(route::RSS_PATH), &posts),
                    ),
                ));
                out.push((
                    route::JSON_FEED_PATH.to_owned(),
                    self.text(
                        "application/feed+json; charset=utf-8",
                        feeds::json_feed(site, base, &info(route::JSON_FEED_PATH), &posts),
                    ),
                ));
            }
            Route::Sitemap => {
                out.push((
                    route::SITEMAP_PATH.to_owned(),
                    self.text("application/xml; charset=utf-8", feeds::sitemap(site, base)),
                ));
            }
            Route::Robots => {
                out.push((
                    route::ROBOTS_PATH.to_owned(),
                    self.text("text/plain; charset=utf-8", feeds::robots(base)),
                ));
            }
            Route::NotFound => {
                let title = format!("Page not found · {}", site.config.title);
                let ctx = self.context(
                    site,
                    route::NOT_FOUND_PATH,
                    &title,
                    &site.config.description,
                    "website",
                    route::ATOM_PATH,
                );
                out.push((
                    route::NOT_FOUND_PATH.to_owned(),
                    self.html("404.html", &ctx)?,
                ));
            }
        }
        Ok(out)
    }

    /// The post template around unsaved markdown, for the editor's preview.
    pub fn render_preview(
        &self,
        site: &Site,
        title: &str,
        body: &crate::site::entry::RenderedMarkdown,
    ) -> Result<String, RenderError> {
        let Some(source) = crate::site::entry::SourcePath::new("posts/preview.md") else {
            return Err(RenderError {
                template: "post.html".to_owned(),
                message: "bad preview path".to_owned(),
            });
        };
        let entry = Entry {
            kind: EntryKind::Post,
            source,
            slug: crate::site::entry::Slug::from_slugified("preview".to_owned()),
            title: title.to_owned(),
            date: Some(chrono::Utc::now()),
            updated: None,
            draft: true,
            tags: Vec::new(),
            description: None,
            aliases: Vec::new(),
            template: None,
            extra: Default::default(),
            body: body.clone(),
            source_hash: String::new(),
        };
        let ctx_title = format!("{title} · {}", site.config.title);
        let mut ctx = self.context(
            site,
            "/posts/preview/",
            &ctx_title,
            "",
            "article",
            route::ATOM_PATH,
        );
        ctx.insert("page", &EntryView::new(&entry, &self.base_url, true));
        ctx.insert("prev", &Option::<EntryView<'_>>::None);
        ctx.insert("next", &Option::<EntryView<'_>>::None);
        match self.html("post.html", &ctx)? {
            Served::Page(page) => Ok(String::from_utf8_lossy(&page.identity).into_owned()),
            Served::Redirect { .. } => Ok(String::new()),
        }
    }

    fn paginator<'a>(
        &self,
        posts: &'a [Arc<Entry>],
        page: usize,
        total: usize,
        per_page: usize,
        path: impl Fn(usize) -> String,
    ) -> Paginator<'a> {
        let total_pages = page_count(total, per_page);
        Paginator {
            items: posts
                .iter()
                .map(|p| EntryView::new(p, &self.base_url, false))
                .collect(),
            current: page,
            total_pages,
            total_items: total,
            prev_url: (page > 1).then(|| path(page - 1)),
            next_url: (page < total_pages).then(|| path(page + 1)),
        }
    }

    fn context(
        &self,
        site: &Site,
        path: &str,
        title: &str,
        description: &str,
        og_type: &'static str,
        feed: &str,
    ) -> Context {
        let mut ctx = Context::new();
        ctx.insert("config", &SiteView::new(&site.config, &self.base_url));
        ctx.insert("current_path", path);
        ctx.insert(
            "meta",
            &Meta {
                title: title.to_owned(),
                description: description.to_owned(),
                canonical: format!("{}{path}", self.base_url),
                og_type,
                feed_url: format!("{}{feed}", self.base_url),
            },
        );
        ctx
    }

    fn html(&self, template: &str, ctx: &Context) -> Result<Served, RenderError> {
        let html = self
            .theme
            .tera
            .render(template, ctx)
            .map_err(|e| RenderError {
                template: template.to_owned(),
                message: e
                    .to_string()
                    .split_whitespace()
                    .collect::<Vec<_>>()
                    .join(" "),
            })?;
        Ok(Served::Page(Page::new(
            HTML,
            html,
            CachePolicy::Revalidate,
            self.compression,
        )))
    }

    fn text(&self, content_type: &str, body: String) -> Served {
        Served::Page(Page::new(
            content_type,
            body,
            CachePolicy::Revalidate,
            self.compression,
        ))
    }

    /// The theme's static files as served pages.
    pub fn theme_files(&self) -> Vec<(String, Served)> {
        self.theme
            .static_files
            .iter()
            .map(|(path, bytes)| {
                let page = Page::file(path, bytes.clone(), CachePolicy::Short, self.compression);
                (path.clone(), Served::Page(page))
            })
            .collect()
    }
}
