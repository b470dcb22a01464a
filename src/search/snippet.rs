//! Snippets: the stretch of a text where the query's words cluster, with those words marked.

use std::collections::BTreeSet;
use std::sync::Arc;

use super::tokenize::Analyzer;

/// A piece of text, shown marked (`<mark>`) or not. Escaping is the renderer's job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Span {
    pub text: String,
    pub marked: bool,
}

/// `text` cut to about `words` words around the best cluster of `marked` terms (the whole text
/// when `words` is `None`), as spans.
pub fn highlight(
    analyzer: &Analyzer,
    whole: &str,
    marked: &BTreeSet<Arc<str>>,
    words: Option<usize>,
) -> Vec<Span> {
    // Only words that could stem to a marked term are stemmed: a stem keeps the start of
    // its word, so the first letters decide.
    let starts: Vec<String> = marked.iter().map(|t| t.chars().take(3).collect()).collect();
    // A long text is cut to the stretch around the first word that could match before it is
    // split into words (splitting is the costly part).
    let (begin, finish) = match words {
        Some(_) => around_first_match(whole, &starts),
        None => (0, whole.len()),
    };
    let text = &whole[begin..finish];
    let (cut_before, cut_after) = (begin > 0, finish < whole.len());
    let tokens = analyzer.tokens_with(text, |word| {
        starts.iter().any(|s| word.starts_with(s.as_str()))
    });
    let hits: Vec<bool> = tokens
        .iter()
        .map(|t| marked.contains(t.term.as_str()))
        .collect();
    let (from, to) = match words {
        Some(width) if tokens.len() > width => {
            let best = best_window(&tokens, &hits, width);
            // Start a few words before the first hit, so it reads as a sentence.
            let first = (best..(best + width).min(tokens.len()))
                .find(|&i| hits[i])
                .unwrap_or(best);
            let start = first.saturating_sub(6);
            let end = (start + width).min(tokens.len());
            (start, end)
        }
        _ => (0, tokens.len()),
    };
    if tokens.is_empty() {
        return vec![Span {
            text: text.to_owned(),
            marked: false,
        }];
    }
    let start_byte = if from == 0 { 0 } else { tokens[from].start };
    let end_byte = if to >= tokens.len() {
        text.len()
    } else {
        tokens[to - 1].end
    };
    // Marked byte ranges, merged (CJK pairs overlap their characters).
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    for (token, hit) in tokens[from..to].iter().zip(&hits[from..to]) {
        if !hit {
            continue;
        }
        match ranges.last_mut() {
            Some(last) if token.start <= last.1 => last.1 = last.1.max(token.end),
            _ => ranges.push((token.start, token.end)),
        }
    }
    let mut spans = Vec::new();
    let mut at = start_byte;
    if start_byte > 0 || cut_before {
        spans.push(plain("… "));
    }
    for (s, e) in ranges {
        if s > at {
            spans.push(plain(&text[at..s]));
        }
        spans.push(Span {
            text: text[s..e].to_owned(),
            marked: true,
        });
        at = e;
    }
    if end_byte > at {
        spans.push(plain(&text[at..end_byte]));
    }
    if end_byte < text.len() || cut_after {
        spans.push(plain(" …"));
    }
    spans
}

/// Bytes of text looked at before and after the first possible match.
const BEFORE: usize = 400;
const AFTER: usize = 1_600;

/// The byte range of `text` around the first place one of `starts` occurs (ASCII case
/// ignored), or all of it when none does (a script without ASCII case, say).
fn around_first_match(text: &str, starts: &[String]) -> (usize, usize) {
    if text.len() <= BEFORE + AFTER {
        return (0, text.len());
    }
    let lower = text.to_ascii_lowercase();
    let Some(first) = starts
        .iter()
        .filter(|s| !s.is_empty())
        .filter_map(|s| lower.find(s.as_str()))
        .min()
    else {
        return (0, text.len());
    };
    let mut start = first.saturating_sub(BEFORE);
    while !text.is_char_boundary(start) {
        start -= 1;
    }
    let mut end = (first + AFTER).min(text.len());
    while !text.is_char_boundary(end) {
        end += 1;
    }
    (start, end)
}

fn plain(text: &str) -> Span {
    Span {
        text: text.to_owned(),
        marked: false,
    }
}

/// The first window of `width` tokens holding the most distinct marked terms.
fn best_window(tokens: &[super::tokenize::Token], hits: &[bool], width: usize) -> usize {
    let mut best = (0usize, 0usize);
    for start in (0..tokens.len()).filter(|&i| hits[i]) {
        let end = (start + width).min(tokens.len());
        let distinct: BTreeSet<&str> = (start..end)
            .filter(|&i| hits[i])
            .map(|i| tokens[i].term.as_str())
            .collect();
        if distinct.len() > best.1 {
            best = (start, distinct.len());
        }
    }
    best.0
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_cluster_is_shown_and_marked() {
        let analyzer = Analyzer::new("en");
        let text = "Words before. ".repeat(40)
            + "The server caches pages in memory. "
            + &"After. ".repeat(40);
        let marked: BTreeSet<Arc<str>> = ["server", "cach"].into_iter().map(Arc::from).collect();
        let spans = highlight(&analyzer, &text, &marked, Some(20));
        let marks: Vec<&str> = spans
            .iter()
            .filter(|s| s.marked)
            .map(|s| s.text.as_str())
            .collect();
        assert_eq!(marks, ["server", "caches"]);
        assert!(spans[0].text.starts_with('…'));
        assert!(spans.last().is_some_and(|s| s.text.ends_with('…')));
    }

    #[test]
    fn a_long_text_is_cut_around_its_first_match() {
        let analyzer = Analyzer::new("en");
        let text =
            "Filler words here. ".repeat(400) + "Then the Server woke. " + &"More. ".repeat(400);
        let marked: BTreeSet<Arc<str>> = ["server"].into_iter().map(Arc::from).collect();
        let spans = highlight(&analyzer, &text, &marked, Some(20));
        assert!(
            spans.iter().any(|s| s.marked && s.text == "Server"),
            "{spans:?}"
        );
        assert!(
            spans[0].text.starts_with('…') && spans.last().is_some_and(|s| s.text.ends_with('…'))
        );
        let shown: usize = spans.iter().map(|s| s.text.len()).sum();
        assert!(shown < 400, "{shown} bytes shown");
    }
}
