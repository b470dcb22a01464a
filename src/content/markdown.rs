//! Markdown to HTML: CommonMark plus extensions, heading anchors, a table of contents,
//! footnotes gathered at the end, a `<!-- more -->` summary, and build-time highlighting.

use std::collections::HashSet;

use pulldown_cmark::{CodeBlockKind, CowStr, Event, HeadingLevel, Options, Parser, Tag, TagEnd};
use syntect::html::{ClassStyle, ClassedHTMLGenerator};
use syntect::parsing::SyntaxSet;
use syntect::util::LinesWithEndings;

use super::footnotes::{self, Footnotes};
use super::slug::slugify;
use crate::escape::escape;
use crate::site::entry::{RenderedMarkdown, TocEntry};

/// Highlighted tokens get classes with this prefix; the theme's `syntax.css` styles them.
pub const HIGHLIGHT_CLASS_STYLE: ClassStyle = ClassStyle::SpacedPrefixed { prefix: "hl-" };

/// Opens the scrollable, focusable region around a table.
const TABLE_OPEN: &str =
    "<div class=\"table-wrap\" tabindex=\"0\" role=\"region\" aria-label=\"Table\">\n";
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
        let mut footnotes = Footnotes::default();
        let mut summary_at = None;
        let mut headings = Vec::new();
        let mut used_ids = HashSet::from([footnotes::LABEL_ID.to_owned()]);
        let mut word_count = 0;
        let mut excerpt = Excerpt::default();

        let mut parser = Parser::new_ext(source, Self::options());
        while let Some(event) = parser.next() {
            let event = match event {
                Event::Start(Tag::FootnoteDefinition(name)) => {
                    footnotes.start(&name);
                    continue;
                }
                Event::End(TagEnd::FootnoteDefinition) => {
                    footnotes.end();
                    continue;
                }
                Event::FootnoteReference(name) => footnotes.reference(&name),
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
                    for e in events {
                        emit(&mut body, &mut footnotes, e);
                    }
                    continue;
                }
                Event::Start(Tag::CodeBlock(kind)) => {
                    Event::Html(CowStr::from(self.code_block(&mut parser, &kind)))
                }
                Event::Html(ref html)
                    if !footnotes.is_open() && summary_at.is_none() && is_summary_marker(html) =>
                {
                    summary_at = Some(body.len());
                    continue;
                }
                // Wide tables scroll inside a region a keyboard can reach.
                Event::Start(Tag::Table(_)) => {
                    emit(
                        &mut body,
                        &mut footnotes,
                        Event::Html(CowStr::from(TABLE_OPEN)),
                    );
                    event
                }
                Event::End(TagEnd::Table) => {
                    emit(&mut body, &mut footnotes, event);
                    Event::Html(CowStr::from("</div>\n"))
                }
                Event::TaskListMarker(done) => Event::InlineHtml(CowStr::from(if done {
                    "<input type=\"checkbox\" disabled checked aria-label=\"Done\"> "
                } else {
                    "<input type=\"checkbox\" disabled aria-label=\"Not done\"> "
                })),
                other => other,
            };
            if !footnotes.is_open() {
                excerpt.see(&event);
            }
            if let Event::Text(t) = &event {
                word_count += t.split_whitespace().count();
            }
            emit(&mut body, &mut footnotes, event);
        }
        body.extend(footnotes.into_section());
        finish(
            body,
            summary_at,
            headings,
            &excerpt.text,
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
            format!("<pre class=\"code\" tabindex=\"0\"><code>{inner}</code></pre>\n")
        } else {
            format!(
                "<pre class=\"code\" tabindex=\"0\" data-lang=\"{lang_attr}\"><code class=\"language-{lang_attr}\">{inner}</code></pre>\n"
            )
        }
    }
}

/// `<!-- more -->` as Zola writes it, or `<!--more-->` as Hugo does.
fn is_summary_marker(html: &str) -> bool {
    html.trim()
        .strip_prefix("<!--")
        .and_then(|rest| rest.strip_suffix("-->"))
        .is_some_and(|inner| inner.trim() == "more")
}

/// Sends an event to the footnote being read, or to the body.
fn emit<'a>(body: &mut Vec<Event<'a>>, footnotes: &mut Footnotes<'a>, event: Event<'a>) {
    if footnotes.is_open() {
        footnotes.push(event);
    } else {
        body.push(event);
    }
}

/// The plain text of the first paragraph: inline code keeps its text, and a line break is a
/// space, so the excerpt reads as the paragraph does.
#[derive(Default)]
struct Excerpt {
    text: String,
    inside: bool,
    done: bool,
}

impl Excerpt {
    fn see(&mut self, event: &Event<'_>) {
        match event {
            Event::Start(Tag::Paragraph) if !self.done => self.inside = true,
            Event::End(TagEnd::Paragraph) if self.inside => {
                self.inside = false;
                self.done = true;
            }
            Event::Text(t) | Event::Code(t) if self.inside => self.text.push_str(t),
            Event::SoftBreak | Event::HardBreak if self.inside => self.text.push(' '),
            _ => {}
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

/// Writes the HTML (and the summary's), and gathers the facts.
fn finish(
    body: Vec<Event<'_>>,
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
        "<a class=\"anchor\" href=\"#{id}\" aria-hidden=\"true\" tabindex=\"-1\">#</a>"
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
#[path = "markdown_tests.rs"]
mod tests;
