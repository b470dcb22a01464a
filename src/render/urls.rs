//! Resolves the relative URLs in rendered HTML against the page they belong to, so a summary
//! shown on a list page, or a post's content inside a feed, points where it did on its own page.

/// Rewrites every `href` and `src` value in `html` that is not absolute, against `base`: a path
/// on this site (`/posts/x/`) for list pages, or an absolute URL for feeds.
pub fn resolve_all(html: &str, base: &str) -> String {
    let mut out = String::with_capacity(html.len() + 64);
    let mut rest = html;
    while let Some((start, quote)) = next_attribute(rest) {
        let (before, value_and_after) = rest.split_at(start);
        out.push_str(before);
        let Some(end) = value_and_after.find(quote) else {
            rest = value_and_after;
            break;
        };
        out.push_str(&resolve(&value_and_after[..end], base));
        rest = &value_and_after[end..];
    }
    out.push_str(rest);
    out
}

/// The offset just past the opening quote of the next ` href=` or ` src=` value, and the quote.
fn next_attribute(html: &str) -> Option<(usize, char)> {
    let mut from = 0;
    loop {
        let found = ["href=", "src="]
            .iter()
            .filter_map(|name| html[from..].find(name).map(|i| (from + i, name.len())))
            .min()?;
        let (at, len) = found;
        let preceded = html[..at].ends_with([' ', '\n', '\t']);
        let quote = html[at + len..].chars().next();
        match quote {
            Some(q @ ('"' | '\'')) if preceded => return Some((at + len + 1, q)),
            _ => from = at + len,
        }
    }
}

/// One reference resolved against `base` (RFC 3986 §5.2, for the forms pages use).
pub fn resolve(reference: &str, base: &str) -> String {
    if reference.is_empty() || has_scheme(reference) {
        return reference.to_owned();
    }
    let (origin, base_path) = split_origin(base);
    if let Some(rest) = reference.strip_prefix("//") {
        let scheme = origin.split_once("://").map(|(s, _)| s);
        return match scheme {
            Some(scheme) => format!("{scheme}://{rest}"),
            None => reference.to_owned(),
        };
    }
    let base_path = base_path.split(['?', '#']).next().unwrap_or(base_path);
    if reference.starts_with('/') {
        return format!("{origin}{reference}");
    }
    if reference.starts_with(['#', '?']) {
        return format!("{origin}{base_path}{reference}");
    }
    let dir = &base_path[..base_path.rfind('/').map_or(0, |i| i + 1)];
    let (path, suffix) = match reference.find(['?', '#']) {
        Some(i) => reference.split_at(i),
        None => (reference, ""),
    };
    format!("{origin}{}{suffix}", normalize(&format!("{dir}{path}")))
}

/// `scheme:` as RFC 3986 defines it: `mailto:`, `https:`, `data:`...
fn has_scheme(reference: &str) -> bool {
    let Some((scheme, _)) = reference.split_once(':') else {
        return false;
    };
    let mut chars = scheme.chars();
    chars.next().is_some_and(|c| c.is_ascii_alphabetic())
        && chars.all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// `https://example.com/blog/x/` -> (`https://example.com`, `/blog/x/`); a path has no origin.
fn split_origin(base: &str) -> (&str, &str) {
    match base.find("://") {
        Some(i) => {
            let path_at = base[i + 3..].find('/').map_or(base.len(), |p| i + 3 + p);
            (&base[..path_at], &base[path_at..])
        }
        None => ("", base),
    }
}

/// Removes `.` and `..` segments; `..` never climbs above the root.
fn normalize(path: &str) -> String {
    let mut segments: Vec<&str> = Vec::new();
    let parts: Vec<&str> = path.split('/').collect();
    let last = parts.len().saturating_sub(1);
    for (i, segment) in parts.iter().enumerate() {
        match *segment {
            "." => {
                if i == last {
                    segments.push("");
                }
            }
            ".." => {
                if segments.len() > 1 {
                    segments.pop();
                }
                if i == last {
                    segments.push("");
                }
            }
            s => segments.push(s),
        }
    }
    segments.join("/")
}

#[cfg(test)]
mod tests {
    use super::{resolve, resolve_all};

    #[test]
    fn references_resolve_as_browsers_do() {
        let page = "/posts/trip/";
        let feed = "https://example.com/blog/posts/trip/";
        for (reference, on_site, in_feed) in [
            (
                "tram.png",
                "/posts/trip/tram.png",
                "https://example.com/blog/posts/trip/tram.png",
            ),
            (
                "./a/b.png",
                "/posts/trip/a/b.png",
                "https://example.com/blog/posts/trip/a/b.png",
            ),
            (
                "../other/",
                "/posts/other/",
                "https://example.com/blog/posts/other/",
            ),
            ("../../../../x", "/x", "https://example.com/x"),
            (
                "/images/hero.png",
                "/images/hero.png",
                "https://example.com/images/hero.png",
            ),
            (
                "#fn-1",
                "/posts/trip/#fn-1",
                "https://example.com/blog/posts/trip/#fn-1",
            ),
            (
                "diagram.svg?v=2#top",
                "/posts/trip/diagram.svg?v=2#top",
                "https://example.com/blog/posts/trip/diagram.svg?v=2#top",
            ),
            (
                "//cdn.example.org/x.js",
                "//cdn.example.org/x.js",
                "https://cdn.example.org/x.js",
            ),
            (
                "https://other.org/",
                "https://other.org/",
                "https://other.org/",
            ),
            (
                "mailto:me@example.com",
                "mailto:me@example.com",
                "mailto:me@example.com",
            ),
        ] {
            assert_eq!(resolve(reference, page), on_site, "{reference} on the site");
            assert_eq!(resolve(reference, feed), in_feed, "{reference} in a feed");
        }
    }

    #[test]
    fn only_href_and_src_values_change() {
        let html =
            "<p><img src=\"tram.png\" alt=\"src=x\"> <a href='../a/'>a</a> data-href=\"x\"</p>";
        assert_eq!(
            resolve_all(html, "/posts/trip/"),
            "<p><img src=\"/posts/trip/tram.png\" alt=\"src=x\"> <a href='/posts/a/'>a</a> data-href=\"x\"</p>"
        );
    }
}
