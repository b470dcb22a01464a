//! A visitor's comment: a small markdown subset rendered by pulldown-cmark, then cleaned by
//! ammonia's allow-list, so no script, event handler, image or `javascript:` URL survives.

use std::collections::HashSet;

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};

/// Longest comment body and name accepted, in characters.
pub const MAX_BODY_CHARS: usize = 5_000;
pub const MAX_NAME_CHARS: usize = 60;

/// What a comment may contain once rendered.
const ALLOWED_TAGS: &[&str] = &[
    "p",
    "br",
    "em",
    "strong",
    "del",
    "code",
    "pre",
    "blockquote",
    "ul",
    "ol",
    "li",
    "a",
];

/// Markdown -> safe HTML. Images become their alt text, headings plain paragraphs, raw HTML
/// is shown as text; links get `rel="nofollow ugc noopener"`.
pub fn render(markdown: &str) -> String {
    let events = Parser::new_ext(markdown, Options::ENABLE_STRIKETHROUGH).filter_map(|event| {
        Some(match event {
            // Raw HTML is text here, never markup.
            Event::Html(html) | Event::InlineHtml(html) => Event::Text(html),
            Event::Start(Tag::Image { .. }) | Event::End(TagEnd::Image) => return None,
            Event::Start(Tag::Heading { .. }) => Event::Start(Tag::Paragraph),
            Event::End(TagEnd::Heading(_)) => Event::End(TagEnd::Paragraph),
            other => other,
        })
    });
    let mut html = String::new();
    pulldown_cmark::html::push_html(&mut html, events);
    clean(&html)
}

/// The allow-list pass, also applied to anything already stored when it is shown again.
pub fn clean(html: &str) -> String {
    let tags: HashSet<&str> = ALLOWED_TAGS.iter().copied().collect();
    let schemes: HashSet<&str> = ["http", "https", "mailto"].into_iter().collect();
    ammonia::Builder::default()
        .tags(tags)
        .url_schemes(schemes)
        .link_rel(Some("nofollow ugc noopener"))
        .clean(html)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::render;

    #[test]
    fn markdown_subset_survives_and_the_rest_is_text() {
        let html =
            render("Hello *there* [site](https://example.com)\n\n# Big\n\n![x](https://e/x.png)");
        assert!(html.contains("<em>there</em>"), "{html}");
        assert!(
            html.contains(r#"<a href="https://example.com" rel="nofollow ugc noopener">site</a>"#),
            "{html}"
        );
        assert!(
            html.contains("<p>Big</p>") && !html.contains("<img"),
            "{html}"
        );
        let raw = render("<script>alert(1)</script> <b onclick=x>hi</b>");
        assert!(!raw.contains("<script") && !raw.contains("<b "), "{raw}");
        assert!(raw.contains("&lt;script&gt;"), "{raw}");
        let js = render("[x](javascript:alert(1))");
        assert!(!js.contains("javascript:"), "{js}");
    }
}
