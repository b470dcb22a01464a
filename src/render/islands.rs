//! Islands: holes a template leaves in a pre-rendered page (`{{ island(name="search") }}`),
//! filled from in-memory state when the page is served. The page is kept split into its static
//! segments and its holes; filling never runs a template.

use std::sync::Arc;

use tera::{Kwargs, State, TeraResult, Value};

/// Every island a template may place, and what its argument names.
pub const ISLANDS: &[(&str, &str)] = &[
    ("search", ""),
    ("comments", "the post's URL path"),
    ("comment_count", "the post's URL path"),
    ("comment_result", ""),
    ("views", "a page's URL path"),
];

/// Private-use characters frame a hole in rendered text: they survive HTML escaping, and no
/// writing system uses them.
const OPEN: char = '\u{F0000}';
const CLOSE: char = '\u{F0001}';

/// One hole: which island, and its argument (`""` when it takes none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Hole {
    pub name: String,
    pub arg: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
enum Segment {
    Text(String),
    Hole(Hole),
}

/// A rendered page with holes: static text and holes, in order.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IslandPage {
    segments: Vec<Segment>,
}

/// The template function `island(name=...)`: checks the name, leaves a hole.
pub fn island_function(kwargs: Kwargs, _: &State) -> TeraResult<Value> {
    let name: String = kwargs.must_get("name")?;
    if !ISLANDS.iter().any(|(known, _)| *known == name) {
        let known: Vec<&str> = ISLANDS.iter().map(|(n, _)| *n).collect();
        return Err(tera::Error::message(format!(
            "there is no island named {name:?}; the islands are: {}",
            known.join(", ")
        )));
    }
    let arg: String = kwargs.get("of")?.unwrap_or_default();
    Ok(Value::safe_string(&format!("{OPEN}{name}:{arg}{CLOSE}")))
}

impl IslandPage {
    /// Splits rendered text at its holes; `None` when it has none.
    pub fn parse(html: &str) -> Option<IslandPage> {
        if !html.contains(OPEN) {
            return None;
        }
        let mut segments = Vec::new();
        let mut rest = html;
        while let Some(open) = rest.find(OPEN) {
            let after = &rest[open + OPEN.len_utf8()..];
            let Some(close) = after.find(CLOSE) else {
                break;
            };
            let (name, arg) = after[..close]
                .split_once(':')
                .unwrap_or((&after[..close], ""));
            let known = ISLANDS.iter().any(|(n, _)| *n == name);
            if !known {
                // Not ours (text that happens to hold the characters): keep it as it is.
                segments.push(Segment::Text(rest[..open + OPEN.len_utf8()].to_owned()));
                rest = after;
                continue;
            }
            if open > 0 {
                segments.push(Segment::Text(rest[..open].to_owned()));
            }
            segments.push(Segment::Hole(Hole {
                name: name.to_owned(),
                arg: arg.to_owned(),
            }));
            rest = &after[close + CLOSE.len_utf8()..];
        }
        if !rest.is_empty() {
            segments.push(Segment::Text(rest.to_owned()));
        }
        segments
            .iter()
            .any(|s| matches!(s, Segment::Hole(_)))
            .then_some(IslandPage { segments })
    }

    pub fn holes(&self) -> impl Iterator<Item = &Hole> {
        self.segments.iter().filter_map(|s| match s {
            Segment::Hole(hole) => Some(hole),
            Segment::Text(_) => None,
        })
    }

    pub fn has(&self, name: &str) -> bool {
        self.holes().any(|h| h.name == name)
    }

    /// The page with every hole filled by `fill`.
    pub fn assemble(&self, mut fill: impl FnMut(&Hole) -> String) -> String {
        let mut out = String::new();
        for segment in &self.segments {
            match segment {
                Segment::Text(text) => out.push_str(text),
                Segment::Hole(hole) => out.push_str(&fill(hole)),
            }
        }
        out
    }
}

/// Shared by every encoding of one page.
pub type SharedIslands = Arc<IslandPage>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn holes_split_and_fill_in_order() {
        let html = format!("<p>a</p>{OPEN}search:{CLOSE}<p>b</p>");
        let page = IslandPage::parse(&html).expect("a hole");
        assert_eq!(page.holes().count(), 1);
        assert_eq!(
            page.assemble(|h| format!("[{}]", h.name)),
            "<p>a</p>[search]<p>b</p>"
        );
        assert_eq!(IslandPage::parse("<p>none</p>"), None);
    }

    #[test]
    fn unknown_names_stay_text() {
        let html = format!("x{OPEN}nope:{CLOSE}y");
        assert_eq!(IslandPage::parse(&html), None);
    }
}
