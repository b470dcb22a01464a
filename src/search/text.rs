//! Rendered HTML -> the plain text a reader sees, for indexing and snippets.

/// Drops tags (and the contents of `script`, `style` and `aria-hidden` elements), decodes entities, and turns block ends
/// into spaces so words from two paragraphs never run together.
pub fn plain_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len() / 2);
    let mut rest = html;
    while let Some(open) = rest.find('<') {
        push_decoded(&mut out, &rest[..open]);
        let tag = &rest[open..];
        let Some(close) = tag.find('>') else {
            rest = "";
            break;
        };
        let name = tag[1..close]
            .trim_start_matches('/')
            .split(|c: char| c.is_whitespace() || c == '/')
            .next()
            .unwrap_or_default()
            .to_ascii_lowercase();
        let hidden = tag[..close].contains("aria-hidden=\"true\"");
        rest = &tag[close + 1..];
        // Scripts, styles and what screen readers skip (heading anchors) are not text.
        if (hidden || matches!(name.as_str(), "script" | "style")) && !tag.starts_with("</") {
            let end = format!("</{name}");
            rest = match rest.to_ascii_lowercase().find(&end) {
                Some(at) => &rest[at..],
                None => "",
            };
            continue;
        }
        if !matches!(
            name.as_str(),
            "a" | "em" | "strong" | "code" | "b" | "i" | "span" | "mark" | "sup" | "sub" | "abbr"
        ) && !out.ends_with(' ')
        {
            out.push(' ');
        }
    }
    push_decoded(&mut out, rest);
    out.trim().to_owned()
}

fn push_decoded(out: &mut String, text: &str) {
    let mut rest = text;
    while let Some(amp) = rest.find('&') {
        push_spaced(out, &rest[..amp]);
        let entity = &rest[amp..];
        let end = entity.find(';').filter(|&e| e <= 10);
        let decoded = end.and_then(|e| decode(&entity[1..e]));
        match (decoded, end) {
            (Some(c), Some(e)) => {
                out.push(c);
                rest = &entity[e + 1..];
            }
            _ => {
                out.push('&');
                rest = &entity[1..];
            }
        }
    }
    push_spaced(out, rest);
}

/// Text with runs of white space collapsed to one space (a word at a time: this runs over
/// whole posts).
fn push_spaced(out: &mut String, text: &str) {
    let space = |out: &mut String| {
        if !out.is_empty() && !out.ends_with(' ') {
            out.push(' ');
        }
    };
    if text.starts_with(char::is_whitespace) {
        space(out);
    }
    let mut words = text.split_whitespace();
    if let Some(first) = words.next() {
        out.push_str(first);
        for word in words {
            out.push(' ');
            out.push_str(word);
        }
        if text.ends_with(char::is_whitespace) {
            space(out);
        }
    }
}

fn decode(name: &str) -> Option<char> {
    if let Some(number) = name.strip_prefix('#') {
        let code = match number.strip_prefix(['x', 'X']) {
            Some(hex) => u32::from_str_radix(hex, 16).ok()?,
            None => number.parse().ok()?,
        };
        return char::from_u32(code);
    }
    Some(match name {
        "amp" => '&',
        "lt" => '<',
        "gt" => '>',
        "quot" => '"',
        "apos" => '\'',
        "nbsp" => ' ',
        "hellip" => '…',
        "mdash" => '—',
        "ndash" => '–',
        "lsquo" => '‘',
        "rsquo" => '’',
        "ldquo" => '“',
        "rdquo" => '”',
        _ => return None,
    })
}

#[cfg(test)]
mod tests {
    use super::plain_text;

    #[test]
    fn tags_go_and_entities_decode() {
        assert_eq!(
            plain_text(
                "<h2>Fish<a class=\"anchor\" aria-hidden=\"true\">#</a></h2><p>&amp; <em>chips</em></p><p>next&#39;s</p><script>x()</script>"
            ),
            "Fish & chips next's"
        );
        assert_eq!(plain_text("a &bogus; b <"), "a &bogus; b");
    }
}
