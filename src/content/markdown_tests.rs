//! Markdown rendering, on small inputs.

use super::*;

fn render(s: &str) -> RenderedMarkdown {
    Markdown::new().render(s)
}

#[test]
fn headings_get_ids_anchors_and_a_toc() {
    let out = render("## Intro\n\n### Détails\n\n## Intro\n");
    assert!(
        out.html
            .contains("<h2 id=\"intro\">Intro<a class=\"anchor\" href=\"#intro\""),
        "{}",
        out.html
    );
    assert!(out.html.contains("id=\"intro-1\""));
    assert_eq!(out.toc.len(), 2);
    assert_eq!(out.toc[0].children[0].id, "details");
}

#[test]
fn excerpt_is_the_first_paragraph_cut_at_a_word() {
    let out = render(&format!(
        "# T\n\nShort *first* paragraph.\n\n{}\n",
        "word ".repeat(100)
    ));
    assert_eq!(out.excerpt, "Short first paragraph.");
    let long = render(&"word ".repeat(100));
    assert!(long.excerpt.ends_with("word…") && long.excerpt.chars().count() <= 281);
}

#[test]
fn summary_stops_at_more() {
    let out = render("First para.\n\n<!-- more -->\n\nSecond.\n");
    assert_eq!(out.summary_html.as_deref(), Some("<p>First para.</p>\n"));
    assert!(out.html.contains("Second."));
}

#[test]
fn code_is_highlighted_with_classes() {
    let out = render("```rust\nfn main() {}\n```\n");
    assert!(out.html.contains("data-lang=\"rust\""));
    assert!(out.html.contains("class=\"hl-"), "{}", out.html);
    assert!(!out.html.contains("style="));
}

#[test]
fn unknown_language_is_escaped_plain_text() {
    let out = render("```nosuchlang\n<b>\n```\n");
    assert!(out.html.contains("&lt;b&gt;"));
}

#[test]
fn extensions_are_on() {
    let out = render(
        "| a |\n|---|\n| b |\n\n~~x~~ - [x] \"q\"\n\nNote[^1].\n\n[^1]: The note.\n\nAfter.\n",
    );
    assert!(out.html.contains("<table>"));
    assert!(out.html.contains("<del>x</del>"));
    assert!(out.html.contains("\u{201c}q\u{201d}"));
    let notes = out.html.find("class=\"footnotes\"").unwrap_or(0);
    assert!(
        notes > out.html.find("After.").unwrap_or(usize::MAX),
        "footnotes go last"
    );
}

// Regression tests for the rendering defects found by the validators and by reading pages.

#[test]
fn summaries_keep_inline_code_and_line_breaks_are_spaces() {
    let out = render("Edit `content/` while\n`quire serve` runs and watch the\npage change.\n");
    assert_eq!(
        out.excerpt,
        "Edit content/ while quire serve runs and watch the page change."
    );
}

#[test]
fn hugo_more_marker_without_spaces_is_a_summary_break() {
    for marker in ["<!--more-->", "<!-- more -->", "<!--  more-->"] {
        let out = render(&format!("First.\n\n{marker}\n\nSecond.\n"));
        assert_eq!(
            out.summary_html.as_deref(),
            Some("<p>First.</p>\n"),
            "{marker}"
        );
    }
    assert!(
        render("A.\n\n<!-- more than this -->\n")
            .summary_html
            .is_none()
    );
}

#[test]
fn task_list_checkboxes_have_an_accessible_name() {
    let out = render("- [x] shipped\n- [ ] next\n");
    assert!(
        out.html
            .contains("<input type=\"checkbox\" disabled checked aria-label=\"Done\">")
    );
    assert!(
        out.html
            .contains("<input type=\"checkbox\" disabled aria-label=\"Not done\">")
    );
}

#[test]
fn heading_anchors_are_not_read_as_part_of_the_heading() {
    let out = render("## Section one\n");
    assert!(
        out.html
            .contains("aria-hidden=\"true\" tabindex=\"-1\">#</a>")
    );
    assert!(!out.html.contains("aria-label=\"Link to this section\""));
}

#[test]
fn scrolling_code_blocks_and_tables_are_keyboard_reachable() {
    let out = render("```\nplain\n```\n\n```rust\nfn x() {}\n```\n\n| a |\n|---|\n| b |\n");
    assert_eq!(
        out.html
            .matches("<pre class=\"code\" tabindex=\"0\"")
            .count(),
        2
    );
    assert!(out.html.contains(
        "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table\">\n<table>"
    ));
    assert!(out.html.contains("</table>\n</div>"));
}

#[test]
fn footnotes_have_prefixed_ids_back_links_and_a_label() {
    let out = render("One[^a] and two[^b] and one again[^a].\n\n[^b]: Bee.\n[^a]: Ay.\n\n## 1\n");
    let html = &out.html;
    // Numbered by first reference, with ids that cannot clash with a heading's id "1".
    assert!(
        html.contains("<a href=\"#fn-1\" id=\"fnref-1\" role=\"doc-noteref\">1</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"#fn-2\" id=\"fnref-2\" role=\"doc-noteref\">2</a>"),
        "{html}"
    );
    assert!(
        html.contains("<a href=\"#fn-1\" id=\"fnref-1-2\""),
        "{html}"
    );
    assert!(html.contains("<h2 id=\"1\">"), "{html}");
    assert!(!html.contains("id=\"a\"") && !html.contains("footnote-definition"));
    // The list is labelled, in reference order, and each note links back to every use.
    assert!(html.contains("aria-labelledby=\"footnote-label\""));
    assert!(html.contains("<h2 id=\"footnote-label\" class=\"visually-hidden\">Footnotes</h2>"));
    let first = html.find("<li id=\"fn-1\">").unwrap_or(usize::MAX);
    let second = html.find("<li id=\"fn-2\">").unwrap_or(0);
    assert!(first < second, "{html}");
    assert!(html.contains("Ay. <a href=\"#fnref-1\" class=\"footnote-back\" role=\"doc-backlink\" aria-label=\"Back to reference 1, use 1\">↩</a> <a href=\"#fnref-1-2\""), "{html}");
    assert!(html.contains("Bee. <a href=\"#fnref-2\" class=\"footnote-back\" role=\"doc-backlink\" aria-label=\"Back to reference 2\">↩</a></p>"), "{html}");
}
