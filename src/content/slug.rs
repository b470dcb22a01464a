//! Makes URL-safe slugs: transliterated, lowercase ASCII words joined by `-`.

/// `Café déjà vu` -> `cafe-deja-vu`. Anything that is not a letter or digit separates words,
/// so `../x` and `a/b` can never produce a path separator.
pub fn slugify(text: &str) -> String {
    let ascii = deunicode::deunicode(text);
    let mut slug = String::with_capacity(ascii.len());
    let mut pending_dash = false;
    for c in ascii.chars() {
        if c.is_ascii_alphanumeric() {
            if pending_dash && !slug.is_empty() {
                slug.push('-');
            }
            pending_dash = false;
            slug.push(c.to_ascii_lowercase());
        } else {
            pending_dash = true;
        }
    }
    slug
}

/// A tag's slug: like `slugify`, but the symbols that tell programming languages and the like
/// apart are spelled out, so `C++`, `C#` and `C` get `c-plus-plus`, `c-sharp` and `c`.
pub fn tag_slug(name: &str) -> String {
    let mut spelled = String::with_capacity(name.len() + 16);
    for c in name.chars() {
        match c {
            '+' => spelled.push_str(" plus "),
            '#' => spelled.push_str(" sharp "),
            '&' => spelled.push_str(" and "),
            '@' => spelled.push_str(" at "),
            c => spelled.push(c),
        }
    }
    slugify(&spelled)
}

/// What makes two tag names the same tag: case and spacing do not count.
pub fn tag_identity(name: &str) -> String {
    name.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

#[cfg(test)]
mod tests {
    use super::{slugify, tag_identity, tag_slug};

    #[test]
    fn tags_that_differ_by_a_symbol_get_distinct_slugs() {
        for (input, expected) in [
            ("C++", "c-plus-plus"),
            ("C#", "c-sharp"),
            ("C", "c"),
            ("F#", "f-sharp"),
            ("R&D", "r-and-d"),
            ("Rust Lang", "rust-lang"),
        ] {
            assert_eq!(tag_slug(input), expected, "{input}");
        }
        assert_eq!(tag_identity(" Rust   lang"), tag_identity("rust Lang"));
        assert_ne!(tag_identity("Café"), tag_identity("Cafe"));
    }

    #[test]
    fn slugs() {
        for (input, expected) in [
            ("Café déjà vu", "cafe-deja-vu"),
            ("Hello, World!", "hello-world"),
            ("../../etc/passwd", "etc-passwd"),
            ("  Rust  &  C++ ", "rust-c"),
            ("Ünïcödé 日本", "unicode-ri-ben"),
            ("---", ""),
        ] {
            assert_eq!(slugify(input), expected, "{input}");
        }
    }
}
