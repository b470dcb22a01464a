//! The one escaper for markup: text made safe for HTML and XML element content and attribute
//! values alike (the theme's templates escape through Tera; everything written in Rust uses this).

/// Escapes `& < > " '` and drops the control characters XML 1.0 forbids even when escaped
/// (they are parse errors in HTML too).
pub fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => {}
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::escape;

    #[test]
    fn markup_and_forbidden_controls() {
        assert_eq!(
            escape("<a href=\"x\">Tom & Jerry's</a>\u{1}\n"),
            "&lt;a href=&quot;x&quot;&gt;Tom &amp; Jerry&#39;s&lt;/a&gt;\n"
        );
    }
}
