//! Turns (site, route) into response bodies. Pure: no IO, no HTTP; the theme is loaded once.

pub mod comment_feeds;
pub mod comment_pages;
pub mod comments_island;
pub mod feeds;
pub mod islands;
pub mod page;
mod routes;
pub mod search_export;
pub mod search_island;
mod syntax_css;
pub mod theme;
pub mod urls;
pub mod view;

use std::sync::Arc;

use tera::Context;

use crate::site::Site;
use crate::site::entry::{Entry, EntryKind};
use crate::site::route::{self, Route, page_count};
use page::{CachePolicy, Compression, Page, Served};
use theme::Theme;
use view::{EntryView, Meta, Paginator, SiteView};

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
    /// Rendering for `quire build`: islands get what a static host can serve.
    pub static_export: bool,
    /// Local authoring: every HTML page carries the live-reload script.
    pub live_reload: bool,
}

/// What a page carries while live reload is on (see `http::live`).
pub const LIVE_RELOAD_TAG: &str = "<script type=\"module\" src=\"/_quire/live.js\"></script>\n";

impl Renderer {
    /// Renders one route into the URL paths it owns. A route that no longer exists (an entry
    /// that was unpublished, a list page past the end) renders to nothing.
    pub fn render(&self, site: &Site, route: &Route) -> Result<Vec<(String, Served)>, RenderError> {
        let mut out = Vec::new();
        match route {
            Route::Home { page } => self.render_home(site, *page, &mut out)?,
            Route::Entry(source) => self.render_entry(site, source, &mut out)?,
            Route::Archive => self.render_archive(site, &mut out)?,
            Route::TagIndex => self.render_tag_index(site, &mut out)?,
            Route::Tag { slug, page } => self.render_tag(site, slug, *page, &mut out)?,
            Route::TagFeed { slug } => self.render_tag_feed(site, slug, &mut out)?,
            Route::Feeds => self.render_feeds(site, &mut out)?,
            Route::Sitemap => self.render_sitemap(site, &mut out)?,
            Route::Robots => self.render_robots(&mut out)?,
            Route::NotFound => self.render_not_found(site, &mut out)?,
            Route::Search => self.render_search(site, &mut out)?,
            Route::CommentResult => self.render_comment_result(site, &mut out)?,
            Route::CommentFeed(post) => self.render_comment_feed(site, Some(post), &mut out),
            Route::CommentsFeed => self.render_comment_feed(site, None, &mut out),
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
            date: Some(site.now()),
            date_offset: None,
            updated_offset: None,
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
        ctx.insert("related", &Vec::<EntryView<'_>>::new());
        match self.html(site, "post.html", &ctx)? {
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
        let meta = self.meta(path, title, description, og_type, feed);
        self.context_with(site, path, &meta)
    }

    fn meta(
        &self,
        path: &str,
        title: &str,
        description: &str,
        og_type: &'static str,
        feed: &str,
    ) -> Meta {
        Meta {
            title: title.to_owned(),
            description: description.to_owned(),
            canonical: format!("{}{path}", self.base_url),
            og_type,
            feed_url: format!("{}{feed}", self.base_url),
            image: None,
        }
    }

    fn context_with(&self, site: &Site, path: &str, meta: &Meta) -> Context {
        let mut ctx = Context::new();
        ctx.insert("config", &SiteView::new(&site.config, &self.base_url));
        ctx.insert("current_path", path);
        ctx.insert("meta", meta);
        ctx.insert("assets", &self.theme.assets);
        ctx
    }

    fn html(&self, site: &Site, template: &str, ctx: &Context) -> Result<Served, RenderError> {
        let mut html = self
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
        if self.live_reload
            && let Some(end) = html.rfind("</body>")
        {
            html.insert_str(end, LIVE_RELOAD_TAG);
        }
        // A page with islands is served with their fallback content until a request fills them.
        let Some(islands) = islands::IslandPage::parse(&html) else {
            return Ok(Served::Page(Page::new(
                HTML,
                html,
                CachePolicy::Revalidate,
                self.compression,
            )));
        };
        Ok(Served::Page(self.assemble(site, &Arc::new(islands))))
    }

    /// A page with islands, each filled from the site as it is now.
    pub fn assemble(&self, site: &Site, islands: &Arc<islands::IslandPage>) -> Page {
        let filled = islands.assemble(|hole| self.fill(site, hole));
        let mut page = Page::new(HTML, filled, CachePolicy::Revalidate, self.compression);
        page.islands = Some(Arc::clone(islands));
        page
    }

    /// A post's comment feed (only while the post is published and has approved comments), or
    /// the site's.
    fn render_comment_feed(
        &self,
        site: &Site,
        post: Option<&crate::site::entry::SourcePath>,
        out: &mut Vec<(String, Served)>,
    ) {
        let path = match post {
            None => route::COMMENTS_FEED_PATH.to_owned(),
            Some(source) => match site.entry(source).filter(|e| site.is_published(e)) {
                Some(entry) if site.approved_count(source) > 0 => {
                    format!("{}comments.xml", entry.url_path())
                }
                _ => return,
            },
        };
        let body = comment_feeds::atom(site, &self.base_url, post);
        out.push((path, self.text("application/atom+xml; charset=utf-8", body)));
    }

    /// What an island shows when the page is published: the comments as they are now; for
    /// search, the empty form (a request with words fills it again).
    fn fill(&self, site: &Site, hole: &islands::Hole) -> String {
        let origin = site.config.comments.origin.trim_end_matches('/');
        let target = comments_island::Target {
            origin: if self.static_export { origin } else { "" },
            open: !self.static_export || !origin.is_empty(),
        };
        match hole.name.as_str() {
            "search" => search_island::island(site, &Default::default(), self.static_export),
            "comments" => comments_island::section(site, &hole.arg, &target),
            "comment_count" => comments_island::count(site, &hole.arg),
            "comment_result" => comment_pages::fallback(),
            "views" => match site.views_of(&hole.arg) {
                1 => "1 view".to_owned(),
                n => format!("{n} views"),
            },
            _ => String::new(),
        }
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
    /// The theme's static files as served pages; stylesheets and scripts also at their
    /// content-hashed paths, cached for good.
    pub fn theme_files(&self) -> Vec<(String, Served)> {
        let mut files = Vec::new();
        for (path, bytes) in &self.theme.static_files {
            let page = Page::file(path, bytes.clone(), CachePolicy::Short, self.compression);
            files.push((path.clone(), Served::Page(page)));
            if let Some(hashed) = self.theme.assets.get(path) {
                let page = Page::file(
                    path,
                    bytes.clone(),
                    CachePolicy::Immutable,
                    self.compression,
                );
                files.push((hashed.clone(), Served::Page(page)));
            }
        }
        files
    }
}
