//! Footnotes as GitHub and Zola write them: numbered in order of first reference, `fnref-N` and
//! `fn-N` ids (which cannot clash with a heading's), a ↩ back-link to each reference, and a
//! labelled list at the end of the page.

use std::collections::HashMap;

use pulldown_cmark::{CowStr, Event, TagEnd};

/// The id of the (visually hidden) heading that labels the footnotes section. Headings never
/// get it: `markdown` reserves it.
pub const LABEL_ID: &str = "footnote-label";

#[derive(Default)]
pub struct Footnotes<'a> {
    /// Definitions by name, in the order they were written.
    definitions: Vec<(String, Vec<Event<'a>>)>,
    /// Number of each referenced name, in order of first reference.
    numbers: HashMap<String, usize>,
    /// How often each number has been referenced.
    references: Vec<usize>,
    /// The definition being read, if any.
    open: Option<(String, Vec<Event<'a>>)>,
}

impl<'a> Footnotes<'a> {
    /// The superscript link for a reference to `name`.
    pub fn reference(&mut self, name: &str) -> Event<'a> {
        let next = self.numbers.len() + 1;
        let number = *self.numbers.entry(name.to_owned()).or_insert(next);
        if number > self.references.len() {
            self.references.push(0);
        }
        self.references[number - 1] += 1;
        let id = reference_id(number, self.references[number - 1]);
        Event::InlineHtml(CowStr::from(format!(
            "<sup class=\"footnote-ref\"><a href=\"#fn-{number}\" id=\"{id}\" role=\"doc-noteref\">{number}</a></sup>"
        )))
    }

    pub fn start(&mut self, name: &str) {
        self.open = Some((name.to_owned(), Vec::new()));
    }

    /// Whether a definition is being read (its events go here, not into the body).
    pub fn is_open(&self) -> bool {
        self.open.is_some()
    }

    pub fn push(&mut self, event: Event<'a>) {
        if let Some((_, events)) = &mut self.open {
            events.push(event);
        }
    }

    pub fn end(&mut self) {
        if let Some(definition) = self.open.take() {
            self.definitions.push(definition);
        }
    }

    /// The footnotes section, or nothing when there are no definitions.
    pub fn into_section(self) -> Vec<Event<'a>> {
        if self.definitions.is_empty() {
            return Vec::new();
        }
        let mut numbered: Vec<(usize, usize, Vec<Event<'a>>)> = Vec::new();
        let mut unreferenced = self.numbers.len();
        for (name, events) in self.definitions {
            let (number, uses) = match self.numbers.get(&name) {
                Some(&n) => (n, self.references[n - 1]),
                None => {
                    unreferenced += 1;
                    (unreferenced, 0)
                }
            };
            numbered.push((number, uses, events));
        }
        numbered.sort_by_key(|(n, _, _)| *n);
        let html = |text: String| Event::Html(CowStr::from(text));
        let mut out = vec![html(format!(
            "<section class=\"footnotes\" role=\"doc-endnotes\" aria-labelledby=\"{LABEL_ID}\">\n<h2 id=\"{LABEL_ID}\" class=\"visually-hidden\">Footnotes</h2>\n<ol>\n"
        ))];
        for (number, uses, mut events) in numbered {
            let backlinks: String = (1..=uses)
                .map(|k| {
                    let id = reference_id(number, k);
                    let label = if uses == 1 {
                        format!("Back to reference {number}")
                    } else {
                        format!("Back to reference {number}, use {k}")
                    };
                    let text = if k == 1 { "↩".to_owned() } else { format!("↩{k}") };
                    format!(" <a href=\"#{id}\" class=\"footnote-back\" role=\"doc-backlink\" aria-label=\"{label}\">{text}</a>")
                })
                .collect();
            // The back-links go at the end of the last paragraph, as GitHub places them.
            let at = match events.last() {
                Some(Event::End(TagEnd::Paragraph)) => events.len() - 1,
                _ => events.len(),
            };
            events.insert(at, Event::InlineHtml(CowStr::from(backlinks)));
            out.push(html(format!("<li id=\"fn-{number}\">\n")));
            out.extend(events);
            out.push(html("</li>\n".to_owned()));
        }
        out.push(html("</ol>\n</section>\n".to_owned()));
        out
    }
}

/// `fnref-N` for the first reference, `fnref-N-K` for the K-th.
fn reference_id(number: usize, k: usize) -> String {
    if k == 1 {
        format!("fnref-{number}")
    } else {
        format!("fnref-{number}-{k}")
    }
}
