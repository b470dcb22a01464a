//! Text -> index terms: Unicode word boundaries, case and accent folding, stemming for the
//! site's language, and overlapping pairs for scripts written without spaces (CJK).

use rust_stemmers::{Algorithm, Stemmer};
use unicode_segmentation::UnicodeSegmentation;

/// One term of a text, and where its word is (byte offsets into the text).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub term: String,
    pub start: usize,
    pub end: usize,
}

/// The folding and stemming a site's language calls for; the same for indexing and queries.
pub struct Analyzer {
    stemmer: Option<Stemmer>,
}

impl std::fmt::Debug for Analyzer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Analyzer")
            .field("stems", &self.stemmer.is_some())
            .finish()
    }
}

/// The Snowball stemmer for a language tag (`en`, `en-GB`, `fr`...), if there is one.
fn algorithm(language: &str) -> Option<Algorithm> {
    let primary = language
        .split(['-', '_'])
        .next()
        .unwrap_or_default()
        .to_ascii_lowercase();
    Some(match primary.as_str() {
        "en" => Algorithm::English,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "es" => Algorithm::Spanish,
        "it" => Algorithm::Italian,
        "pt" => Algorithm::Portuguese,
        "nl" => Algorithm::Dutch,
        "sv" => Algorithm::Swedish,
        "no" | "nb" | "nn" => Algorithm::Norwegian,
        "da" => Algorithm::Danish,
        "fi" => Algorithm::Finnish,
        "ru" => Algorithm::Russian,
        "ro" => Algorithm::Romanian,
        "hu" => Algorithm::Hungarian,
        "tr" => Algorithm::Turkish,
        "ar" => Algorithm::Arabic,
        "el" => Algorithm::Greek,
        "ta" => Algorithm::Tamil,
        _ => return None,
    })
}

/// Scripts written without spaces between words: each character is indexed, and so is each
/// pair of neighbours, so "東京" finds the pair and "京" alone still matches.
fn is_unspaced(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK extension A
        | 0x4E00..=0x9FFF    // CJK unified ideographs
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x2FA1F  // CJK extensions B-F, compatibility supplement
        | 0x0E00..=0x0EFF    // Thai, Lao
        | 0x1000..=0x109F    // Myanmar
        | 0x1780..=0x17FF) // Khmer
}

impl Analyzer {
    pub fn new(language: &str) -> Analyzer {
        Analyzer {
            stemmer: algorithm(language).map(Stemmer::create),
        }
    }

    fn stem(&self, folded: String) -> String {
        match &self.stemmer {
            Some(stemmer) if folded.len() > 2 => stemmer.stem(&folded).into_owned(),
            _ => folded,
        }
    }

    /// Every term of `text`, in order, with the byte range of its word.
    pub fn tokens(&self, text: &str) -> Vec<Token> {
        self.tokens_with(text, |_| true)
    }

    /// `tokens`, stemming only the words `stem_if` picks (by their folded form); the others
    /// keep their folded form. Stemming is the costly part, and a snippet needs few stems.
    pub fn tokens_with(&self, text: &str, stem_if: impl Fn(&str) -> bool) -> Vec<Token> {
        let mut out = Vec::new();
        // The previous unspaced character, to pair it with the next one if they touch.
        let mut previous: Option<(char, usize)> = None;
        for (start, word) in text.unicode_word_indices() {
            let end = start + word.len();
            let mut chars = word.chars();
            let first = chars.next();
            if let (Some(c), None) = (first, chars.clone().next())
                && is_unspaced(c)
            {
                out.push(Token {
                    term: c.to_string(),
                    start,
                    end,
                });
                if let Some((p, p_start)) = previous.filter(|(p, s)| s + p.len_utf8() == start) {
                    out.push(Token {
                        term: format!("{p}{c}"),
                        start: p_start,
                        end,
                    });
                }
                previous = Some((c, start));
                continue;
            }
            previous = None;
            if word.chars().any(is_unspaced) {
                // A run UAX #29 kept together (Katakana, Thai): split it as above.
                let mut last: Option<(char, usize)> = None;
                for (offset, c) in word.char_indices() {
                    let at = start + offset;
                    out.push(Token {
                        term: c.to_lowercase().collect(),
                        start: at,
                        end: at + c.len_utf8(),
                    });
                    if let Some((p, p_start)) = last {
                        out.push(Token {
                            term: format!("{p}{c}"),
                            start: p_start,
                            end: at + c.len_utf8(),
                        });
                    }
                    last = Some((c, at));
                }
                continue;
            }
            let folded = fold_case(word);
            let term = if stem_if(&folded) {
                self.stem(folded)
            } else {
                folded
            };
            out.push(Token { term, start, end });
        }
        out
    }
}

/// Lower case, and Latin accents folded when what is left is plain letters and digits.
fn fold_case(word: &str) -> String {
    let lower = word.to_lowercase();
    if lower.is_ascii() {
        return lower;
    }
    let latin = lower
        .chars()
        .all(|c| c.is_ascii() || ('\u{C0}'..='\u{24F}').contains(&c));
    let plain = deunicode::deunicode(&lower);
    if latin && plain.chars().all(|c| c.is_ascii_alphanumeric()) {
        plain
    } else {
        lower
    }
}

/// Words too common to rank by; dropped from a query that has other words.
pub fn is_stop_word(term: &str) -> bool {
    matches!(
        term,
        "a" | "an"
            | "and"
            | "are"
            | "as"
            | "at"
            | "be"
            | "but"
            | "by"
            | "for"
            | "from"
            | "in"
            | "is"
            | "it"
            | "of"
            | "on"
            | "or"
            | "that"
            | "the"
            | "this"
            | "to"
            | "was"
            | "with"
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn terms(analyzer: &Analyzer, text: &str) -> Vec<String> {
        analyzer.tokens(text).into_iter().map(|t| t.term).collect()
    }

    #[test]
    fn english_is_folded_and_stemmed() {
        let en = Analyzer::new("en-GB");
        assert_eq!(
            terms(&en, "Running CAFÉS, déjà-vu!"),
            ["run", "cafe", "deja", "vu"]
        );
        assert_eq!(terms(&en, "caches"), terms(&en, "cache"));
    }

    #[test]
    fn unknown_languages_are_only_folded() {
        let plain = Analyzer::new("xx");
        assert_eq!(terms(&plain, "Running dogs"), ["running", "dogs"]);
        assert_eq!(terms(&plain, "Привет мир"), ["привет", "мир"]);
    }

    #[test]
    fn cjk_gets_characters_and_pairs_with_positions() {
        let analyzer = Analyzer::new("ja");
        let text = "東京タワー";
        let tokens = analyzer.tokens(text);
        let found: Vec<&str> = tokens.iter().map(|t| t.term.as_str()).collect();
        assert!(found.contains(&"東京"), "{found:?}");
        assert!(
            found.contains(&"京") && found.contains(&"タワ"),
            "{found:?}"
        );
        for token in &tokens {
            assert!(text.get(token.start..token.end).is_some(), "{token:?}");
        }
    }
}
