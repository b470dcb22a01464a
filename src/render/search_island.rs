//! The `search` island's HTML: the form (words, tag, year) and a page of ranked results with
//! their snippets, written in Rust so a search request never runs a template.

use std::fmt::Write as _;

use super::view::DateView;
use crate::escape::escape;
use crate::search::Span;
use crate::site::Site;
use crate::site::route::SEARCH_PATH;
use crate::site::search::{SearchPage, SiteQuery};

/// Results per page of a search.
pub const PER_PAGE: usize = 10;
/// Longest query looked at, in bytes; the rest is ignored.
pub const MAX_QUERY_BYTES: usize = 200;

/// The island: the form filled in with `query`, then its results (none without words). In a
/// static export (`static_index`) the form names the shipped index, which the theme's script
/// searches in the browser.
pub fn island(site: &Site, query: &SiteQuery, static_index: bool) -> String {
    let mut out = String::with_capacity(4096);
    form(site, query, static_index, &mut out);
    out.push_str(&results(site, query));
    if static_index {
        out.push_str(
            "<noscript><p>Searching this copy of the site needs JavaScript.</p></noscript>",
        );
    }
    out
}

/// Only the results, for the script that searches as the reader types.
pub fn results(site: &Site, query: &SiteQuery) -> String {
    let mut out = String::from(r#"<div class="search-results" id="search-results">"#);
    if !query.text.trim().is_empty() {
        let page = site.search(query);
        write_results(query, &page, &mut out);
    }
    out.push_str("</div>");
    out
}

fn form(site: &Site, query: &SiteQuery, static_index: bool, out: &mut String) {
    let index = if static_index {
        format!(r#" data-index="{}""#, super::search_export::INDEX_DIR)
    } else {
        String::new()
    };
    let _ = write!(
        out,
        r#"<form class="search-form" role="search" action="{SEARCH_PATH}" method="get"{index}>
<p class="search-words"><label for="search-q">Search for</label>
<input type="search" id="search-q" name="q" value="{}" maxlength="{MAX_QUERY_BYTES}" autocomplete="off" spellcheck="false"></p>
<p class="search-filters"><label for="search-tag">Tag</label>
<select id="search-tag" name="tag"><option value="">Any tag</option>"#,
        escape(&query.text)
    );
    for tag in site.tags() {
        let selected = query.tag.as_deref() == Some(tag.tag.slug.as_str());
        let _ = write!(
            out,
            r#"<option value="{}"{}>{}</option>"#,
            escape(&tag.tag.slug),
            if selected { " selected" } else { "" },
            escape(&tag.tag.name)
        );
    }
    out.push_str(
        r#"</select>
<label for="search-year">Year</label>
<select id="search-year" name="year"><option value="">Any year</option>"#,
    );
    for year in site.published_years() {
        let selected = query.year == Some(year);
        let _ = write!(
            out,
            r#"<option{}>{year}</option>"#,
            if selected { " selected" } else { "" }
        );
    }
    out.push_str(
        r#"</select>
<button type="submit">Search</button></p>
</form>
"#,
    );
}

fn spans(spans: &[Span], out: &mut String) {
    for span in spans {
        if span.marked {
            let _ = write!(out, "<mark>{}</mark>", escape(&span.text));
        } else {
            out.push_str(&escape(&span.text));
        }
    }
}

fn write_results(query: &SiteQuery, page: &SearchPage, out: &mut String) {
    let words = escape(query.text.trim());
    let _ = write!(
        out,
        r#"<p class="search-count" role="status">{} for “{words}”{}</p>"#,
        match page.total {
            0 => "No results".to_owned(),
            1 => "1 result".to_owned(),
            n => format!("{n} results"),
        },
        if page.corrected {
            " (near spellings included)"
        } else {
            ""
        }
    );
    if page.found.is_empty() {
        return;
    }
    let first = (query.page.max(1) - 1) * PER_PAGE + 1;
    let _ = write!(out, r#"<ol class="search-list" start="{first}">"#);
    for found in &page.found {
        out.push_str(r#"<li class="search-hit"><h2><a href=""#);
        out.push_str(&escape(&found.entry.url_path()));
        out.push_str(r#"">"#);
        spans(&found.hit.title, out);
        out.push_str("</a></h2>");
        if let Some(date) = found.entry.date {
            let date = DateView::new(date, found.entry.date_offset);
            let _ = write!(
                out,
                r#"<p class="meta"><time datetime="{}">{}</time></p>"#,
                date.iso, date.display
            );
        }
        out.push_str(r#"<p class="search-snippet">"#);
        spans(&found.hit.snippet, out);
        out.push_str("</p></li>");
    }
    out.push_str("</ol>");
    let pages = page.total.div_ceil(PER_PAGE);
    if pages > 1 {
        let current = query.page.max(1);
        let link = |n: usize| {
            let mut url = format!("{SEARCH_PATH}?q={}", encode(&query.text));
            if let Some(tag) = &query.tag {
                let _ = write!(url, "&amp;tag={}", encode(tag));
            }
            if let Some(year) = query.year {
                let _ = write!(url, "&amp;year={year}");
            }
            let _ = write!(url, "&amp;page={n}");
            url
        };
        out.push_str(r#"<nav class="pagination" aria-label="Search result pages">"#);
        if current > 1 {
            let _ = write!(
                out,
                r#"<a rel="prev" href="{}">← Previous</a>"#,
                link(current - 1)
            );
        } else {
            out.push_str("<span></span>");
        }
        let _ = write!(out, "<span>Page {current} of {pages}</span>");
        if current < pages {
            let _ = write!(
                out,
                r#"<a rel="next" href="{}">Next →</a>"#,
                link(current + 1)
            );
        } else {
            out.push_str("<span></span>");
        }
        out.push_str("</nav>");
    }
}

fn encode(text: &str) -> String {
    percent_encoding::utf8_percent_encode(text, percent_encoding::NON_ALPHANUMERIC).to_string()
}
