//! Markdown to HTML: CommonMark plus extensions, heading anchors, a table of contents,
//! footnotes gathered at the end, a `<!-- more -->` summary, and build-time highlighting.

use std::collections::HashSet;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::slug::slugify;
use crate::escape::escape;
use crate::site::entry::{RenderedMarkdown, TocEntry};

/// Highlighted tokens get classes with this prefix; the theme's `syntax.css` styles them.
pub const HIGHLIGHT_CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

const SUMMARY_MARKER: &str = "<!-- more -->";
const WORDS_PER_MINUTE: usize = 200;
const EXCERPT_CHARS: usize = 280;

/// The markdown renderer. Loading the syntax definitions takes tens of milliseconds, so one
/// instance is made at startup and shared.
pub struct Markdown {
    syntaxes: SyntaxSet,
}

impl Default for Markdown {
    fn default() -> Self {
        Self::new()
    }
}

impl Markdown {
    pub fn new() -> Self {
        Markdown {
            syntaxes: SyntaxSet::load_defaults_newlines(),
        }
    }

    fn options() -> Options {
        Options::ENABLE_TABLES
            | Options::ENABLE_FOOTNOTES
            | Options::ENABLE_STRIKETHROUGH
            | Options::ENABLE_TASKLISTS
            | Options::ENABLE_SMART_PUNCTUATION
            | Options::ENABLE_HEADING_ATTRIBUTES
    }

    pub fn render(&self, source: &str) -> RenderedMarkdown {
        let mut body: Vec<Event<'_>> = Vec::new();
        let mut footnotes: Vec<Event<'_>> = Vec::new();
        let mut in_footnote = false;
        let mut summary_at = None;
        let mut headings = Vec::new();
        let mut used_ids = HashSet::new();
        let mut word_count = 0;
        let mut excerpt = String::new();
        let mut in_first_paragraph = false;
        let mut seen_paragraph = false;

        let mut parser = Parser::new_ext(source, Self::options());
        while let Some(event) = parser.next() {
            match event {
                Event::Start(Tag::FootnoteDefinition(_)) => {
                    in_footnote = true;
                    footnotes.push(event);
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    in_footnote = false;
                    footnotes.push(event);
                }
                Event::Start(Tag::Heading {
                    level,
                    id,
                    classes,
                    attrs,
                }) => {
                    let (events, entry) =
                        heading(&mut parser, level, id, classes, attrs, &mut used_ids);
                    word_count += entry.2.split_whitespace().count();
                    headings.push(entry);
                    let out = if in_footnote {
                        &mut footnotes
                    } else {
                        &mut body
                    };
                    out.extend(events);
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    let html = self.code_block(&mut parser, &kind);
                    let out = if in_footnote {
                        &mut footnotes
                    } else {
                        &mut body
                    };
                    out.push(Event::Html(CowStr::from(html)));
                }
                Event::Html(ref html)
                    if !in_footnote && summary_at.is_none() && html.trim() == SUMMARY_MARKER =>
                {
                    summary_at = Some(body.len());
                }
                Event::Start(Tag::Paragraph) if !seen_paragraph && !in_footnote => {
                    seen_paragraph = true;
                    in_first_paragraph = true;
                    body.push(event);
                }
                Event::End(TagEnd::Paragraph) if in_first_paragraph => {
                    in_first_paragraph = false;
                    body.push(event);
                }
                Event::Text(ref t) => {
                    if in_first_paragraph {
                        excerpt.push_str(t);
                    }
                    word_count += t.split_whitespace().count();
                    if in_footnote {
                        footnotes.push(event)
                    } else {
                        body.push(event)
                    }
                }
                other => {
                    if in_footnote {
                        footnotes.push(other)
                    } else {
                        body.push(other)
                    }
                }
            }
        }

        finish(
            body,
            footnotes,
            summary_at,
            headings,
            &excerpt,
            word_count,
            source.len(),
        )
    }

    /// Reads a code block to its end and returns it highlighted.
    fn code_block(&self, parser: &mut Parser<'_>, kind: &CodeBlockKind<'_>) -> String {
        let mut code = String::new();
        for e in parser.by_ref() {
            match e {
                Event::End(TagEnd::CodeBlock) => break,
                Event::Text(t) => code.push_str(&t),
                _ => {}
            }
        }
        let lang = match kind {
            CodeBlockKind::Fenced(info) => info
                .split([',', ' ', '{'])
                .next()
                .unwrap_or("")
                .trim()
                .to_owned(),
            CodeBlockKind::Indented => String::new(),
        };
        self.highlight(&code, &lang)
    }

    fn highlight(&self, code: &str, lang: &str) -> String {
        let lang_attr = escape(lang);
        let syntax = (!lang.is_empty())
            .then(|| self.syntaxes.find_syntax_by_token(lang))
            .flatten();
        let inner = syntax
            .and_then(|syntax| {
                let mut generator = ClassedHTMLGenerator::new_with_class_style(
                    syntax,
                    &self.syntaxes,
                    HIGHLIGHT_CLASS_STYLE,
                );
                for line in LinesWithEndings::from(code) {
                    generator
                        .parse_html_for_line_which_includes_newline(line)
                        .ok()?;
                }
                Some(generator.finalize())
            })
            .unwrap_or_else(|| escape(code));
        if lang.is_empty() {
            format!("<pre class=\"code\"><code>{inner}</code></pre>\n")
        } else {
            format!(
                "<pre class=\"code\" data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">{inner}</code></pre>\n"
            )
        }
    }
}

/// Shortens `text` to at most `max` characters, at a word boundary, adding an ellipsis.
fn cut_at_word(text: &str, max: usize) -> String {
    let text = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if text.chars().count() <= max {
        return text;
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map(|(head, _)| head).unwrap_or(&cut);
    format!(
        "{}…",
        cut.trim_end_matches(|c: char| c.is_ascii_punctuation())
    )
}

fn heading_number(level: HeadingLevel) -> u8 {
    match level {
        HeadingLevel::H1 => 1,
        HeadingLevel::H2 => 2,
        HeadingLevel::H3 => 3,
        HeadingLevel::H4 => 4,
        HeadingLevel::H5 => 5,
        HeadingLevel::H6 => 6,
    }
}

fn unique_id(base: String, used: &mut HashSet<String>) -> String {
    let base = if base.is_empty() {
        "section".to_owned()
    } else {
        base
    };
    let mut id = base.clone();
    let mut n = 1;
    while !used.insert(id.clone()) {
        id = format!("{base}-{n}");
        n += 1;
    }
    id
}

/// Puts the footnotes at the end, writes the HTML (and the summary's), and gathers the facts.
fn finish<'a>(
    mut body: Vec<Event<'a>>,
    footnotes: Vec<Event<'a>>,
    summary_at: Option<usize>,
    headings: Vec<(u8, String, String)>,
    excerpt: &str,
    word_count: usize,
    source_len: usize,
) -> RenderedMarkdown {
    let summary_html = summary_at.map(|at| {
        let mut html = String::new();
        pulldown_cmark::html::push_html(&mut html, body[..at].iter().cloned());
        html
    });
    let has_footnotes = !footnotes.is_empty();
    if has_footnotes {
        body.push(Event::Html(CowStr::from(
            "<section class=\"footnotes\" role=\"doc-endnotes\">\n",
        )));
        body.extend(footnotes);
        body.push(Event::Html(CowStr::from("</section>\n")));
    }
    let mut html = String::with_capacity(source_len * 3 / 2);
    pulldown_cmark::html::push_html(&mut html, body.into_iter());

    RenderedMarkdown {
        html,
        summary_html,
        toc: build_toc(headings),
        excerpt: cut_at_word(excerpt, EXCERPT_CHARS),
        word_count,
        reading_minutes: word_count.div_ceil(WORDS_PER_MINUTE).max(1),
    }
}

/// Reads a heading to its end. Returns its events, with a unique id and an anchor link, and
/// (level, id, text) for the table of contents.
fn heading<'a>(
    parser: &mut Parser<'a>,
    level: HeadingLevel,
    id: Option<CowStr<'a>>,
    classes: Vec<CowStr<'a>>,
    attrs: Vec<(CowStr<'a>, Option<CowStr<'a>>)>,
    used_ids: &mut HashSet<String>,
) -> (Vec<Event<'a>>, (u8, String, String)) {
    let mut inner = Vec::new();
    let mut text = String::new();
    for e in parser.by_ref() {
        match &e {
            Event::End(TagEnd::Heading(_)) => break,
            Event::Text(t) | Event::Code(t) => text.push_str(t),
            _ => {}
        }
        inner.push(e);
    }
    let id = unique_id(
        id.map(|i| i.to_string()).unwrap_or_else(|| slugify(&text)),
        used_ids,
    );
    let mut events = vec![Event::Start(Tag::Heading {
        level,
        id: Some(CowStr::from(id.clone())),
        classes,
        attrs,
    })];
    events.extend(inner);
    events.push(Event::InlineHtml(CowStr::from(format!(
        "<a class=\"anchor\" href=\"#{id}\" aria-label=\"Link to this section\">#</a>"
    ))));
    events.push(Event::End(TagEnd::Heading(level)));
    (events, (heading_number(level), id, text))
}

/// Nests flat headings: each heading becomes a child of the nearest shallower one before it.
fn build_toc(headings: Vec<(u8, String, String)>) -> Vec<TocEntry> {
    fn insert(list: &mut Vec<TocEntry>, entry: TocEntry) {
        match list.last_mut() {
            Some(last) if last.level < entry.level => insert(&mut last.children, entry),
            _ => list.push(entry),
        }
    }
    let mut toc = Vec::new();
    for (level, id, title) in headings {
        insert(
            &mut toc,
            TocEntry {
                level,
                id,
                title,
                children: Vec::new(),
            },
        );
    }
    toc
}

#[cfg(test)]
mod tests {
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
}
