//! One method per kind of route: which template or feed writer makes its pages, with what
//! context. `Renderer::render` dispatches to them.

use std::sync::Arc;

use super::page::{CachePolicy, Page, Served};
use super::view::{self, ArchiveYear, EntryView, TagSummary};
use super::{RenderError, Renderer, feeds};
use crate::site::Site;
use crate::site::entry::{Entry, EntryKind, SourcePath};
use crate::site::route::{self, page_count};

impl Renderer {
    pub(super) fn render_home(
        &self,
        site: &Site,
        page: usize,
        out: &mut Vec<(String, Served)>,
    ) -> Result<(), RenderError> {
        let per_page = site.config.posts_per_page;
        let total = site.published_count();
        if page > page_count(total, per_page) {
            return Ok(());
        }
        let posts = site.published_slice((page - 1) * per_page, per_page);
        let paginator = self.paginator(&posts, page, total, per_page, route::home_path);
        let path = route::home_path(page);
        let title = if page == 1 {
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
        out.push((path, self.html(site, "index.html", &ctx)?));
        if page == 1 {
            out.push((
                "/page/1/".to_owned(),
                Served::Redirect {
                    location: "/".to_owned(),
                    status: 301,
                },
            ));
        }
        Ok(())
    }

    pub(super) fn render_entry(
        &self,
        site: &Site,
        source: &SourcePath,
        out: &mut Vec<(String, Served)>,
    ) -> Result<(), RenderError> {
        let base = self.base_url.as_str();
        let Some(entry) = site.entry(source).filter(|e| site.is_published(e)) else {
            return Ok(());
        };
        let path = entry.url_path();
        // A post without a description of its own is described by its first paragraph, not
        // by the site's description (which every such post would otherwise share).
        let description = entry
            .description
            .clone()
            .or_else(|| Some(entry.body.excerpt.clone()).filter(|e| !e.is_empty()))
            .unwrap_or_else(|| site.config.description.clone());
        let og_type = if entry.kind == EntryKind::Post {
            "article"
        } else {
            "website"
        };
        let title = format!("{} · {}", entry.title, site.config.title);
        let view = EntryView::new(entry, base, true);
        let mut meta = self.meta(&path, &title, &description, og_type, route::ATOM_PATH);
        meta.image = view
            .image
            .as_ref()
            .map(|image| super::urls::resolve(&image.url, &format!("{base}{path}")));
        let mut ctx = self.context_with(site, &path, &meta);
        ctx.insert("page", &view);
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
            let related = site.related(entry);
            let related: Vec<EntryView<'_>> = related
                .iter()
                .map(|e| EntryView::new(e, base, false))
                .collect();
            ctx.insert("related", &related);
        }
        let template = entry.template.clone().unwrap_or_else(|| match entry.kind {
            EntryKind::Post => "post.html".to_owned(),
            EntryKind::Page => "page.html".to_owned(),
        });
        out.push((path.clone(), self.html(site, &template, &ctx)?));
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
            let page = Page::file(name, bytes.clone(), CachePolicy::Short, self.compression);
            out.push((format!("{path}{name}"), Served::Page(page)));
        }
        Ok(())
    }

    pub(super) fn render_archive(
        &self,
        site: &Site,
        out: &mut Vec<(String, Served)>,
    ) -> Result<(), RenderError> {
        let base = self.base_url.as_str();
        let mut years: Vec<ArchiveYear<'_>> = Vec::new();
        let posts: Vec<Arc<Entry>> = site.published_posts().cloned().collect();
        for post in &posts {
            let year = post
                .date
                .map(|d| view::DateView::new(d, post.date_offset).year);
            match years.last_mut() {
                Some(y) if y.year == year => y.posts.push(EntryView::new(post, base, false)),
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
            self.html(site, "archive.html", &ctx)?,
        ));
        Ok(())
    }

    pub(super) fn render_tag_index(
        &self,
        site: &Site,
        out: &mut Vec<(String, Served)>,
    ) -> Result<(), RenderError> {
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
        out.push((
            route::TAGS_PATH.to_owned(),
            self.html(site, "tags.html", &ctx)?,
        ));
        Ok(())
    }

    pub(super) fn render_tag(
        &self,
        site: &Site,
        slug: &str,
        page: usize,
        out: &mut Vec<(String, Served)>,
    ) -> Result<(), RenderError> {
        let per_page = site.config.posts_per_page;
        let Some(tag) = site.tag(slug) else {
            return Ok(());
        };
        let total = tag.posts.len();
        if page > page_count(total, per_page) {
            return Ok(());
        }
        let posts = site.tag_slice(slug, (page - 1) * per_page, per_page);
        let paginator = self.paginator(&posts, page, total, per_page, |p| route::tag_path(slug, p));
        let path = route::tag_path(slug, page);
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
                slug: slug.to_owned(),
                url: route::tag_path(slug, 1),
            },
        );
        ctx.insert("paginator", &paginator);
        out.push((path, self.html(site, "tag.html", &ctx)?));
        if page == 1 {
            out.push((
                format!("/tags/{slug}/page/1/"),
                Served::Redirect {
                    location: route::tag_path(slug, 1),
                    status: 301,
                },
            ));
        }
        Ok(())
    }

    pub(super) fn render_tag_feed(
        &self,
        site: &Site,
        slug: &str,
        out: &mut Vec<(String, Served)>,
    ) -> Result<(), RenderError> {
        let base = self.base_url.as_str();
        let feed_limit = site.config.feed_limit;
        let Some(tag) = site.tag(slug) else {
            return Ok(());
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
        Ok(())
    }

    pub(super) fn render_feeds(
        &self,
        site: &Site,
        out: &mut Vec<(String, Served)>,
    ) -> Result<(), RenderError> {
        let base = self.base_url.as_str();
        let feed_limit = site.config.feed_limit;
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
        Ok(())
    }

    pub(super) fn render_sitemap(
        &self,
        site: &Site,
        out: &mut Vec<(String, Served)>,
    ) -> Result<(), RenderError> {
        let base = self.base_url.as_str();
        out.push((
            route::SITEMAP_PATH.to_owned(),
            self.text("application/xml; charset=utf-8", feeds::sitemap(site, base)),
        ));
        Ok(())
    }

    pub(super) fn render_robots(&self, out: &mut Vec<(String, Served)>) -> Result<(), RenderError> {
        let base = self.base_url.as_str();
        out.push((
            route::ROBOTS_PATH.to_owned(),
            self.text("text/plain; charset=utf-8", feeds::robots(base)),
        ));
        Ok(())
    }

    pub(super) fn render_not_found(
        &self,
        site: &Site,
        out: &mut Vec<(String, Served)>,
    ) -> Result<(), RenderError> {
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
            self.html(site, "404.html", &ctx)?,
        ));
        Ok(())
    }

    pub(super) fn render_search(
        &self,
        site: &Site,
        out: &mut Vec<(String, Served)>,
    ) -> Result<(), RenderError> {
        let title = format!("Search · {}", site.config.title);
        let ctx = self.context(
            site,
            route::SEARCH_PATH,
            &title,
            &site.config.description,
            "website",
            route::ATOM_PATH,
        );
        out.push((
            route::SEARCH_PATH.to_owned(),
            self.html(site, "search.html", &ctx)?,
        ));
        Ok(())
    }

    pub(super) fn render_comment_result(
        &self,
        site: &Site,
        out: &mut Vec<(String, Served)>,
    ) -> Result<(), RenderError> {
        let title = format!("Your comment · {}", site.config.title);
        let ctx = self.context(
            site,
            route::COMMENT_RESULT_PATH,
            &title,
            &site.config.description,
            "website",
            route::ATOM_PATH,
        );
        out.push((
            route::COMMENT_RESULT_PATH.to_owned(),
            self.html(site, "comment.html", &ctx)?,
        ));
        Ok(())
    }
}
