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

#[cfg(test)]
mod tests {
    use super::slugify;

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
