//! Splits a markdown file into TOML `+++` or YAML `---` front matter and body, with line numbers.

use serde_json::{Map, Value};

/// The parsed header of a content file.
#[derive(Debug)]
pub struct FrontMatter<'a> {
    pub fields: Map<String, Value>,
    /// The raw header text, to find the line a field is on.
    pub header: &'a str,
    /// 1-based line of the file where `header` starts.
    pub header_line: usize,
    pub body: &'a str,
}

impl FrontMatter<'_> {
    /// 1-based line in the file where `key` is set, or the opening fence when it is not set.
    pub fn line_of(&self, key: &str) -> usize {
        let in_header = crate::config::key_line(self.header, key);
        let found = self
            .header
            .lines()
            .nth(in_header - 1)
            .is_some_and(|l| l.trim_start().starts_with(key));
        if found {
            self.header_line + in_header - 1
        } else {
            self.header_line.saturating_sub(1).max(1)
        }
    }
}

/// A front-matter problem: (1-based line, message).
pub type SplitError = (usize, String);

pub fn split(text: &str) -> Result<FrontMatter<'_>, SplitError> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first_line_end = text.find('\n').map(|i| i + 1).unwrap_or(text.len());
    let fence = text[..first_line_end].trim_end();
    let toml = match fence {
        "+++" => true,
        "---" => false,
        _ => {
            return Err((
                1,
                "no front matter: start the file with a `+++` (TOML) or `---` (YAML) line, \
                 then `title = \"...\"`, then the same fence again"
                    .to_owned(),
            ));
        }
    };
    let rest = &text[first_line_end..];
    let mut offset = 0;
    let mut close = None;
    for line in rest.split_inclusive('\n') {
        if line.trim_end() == fence {
            close = Some((offset, offset + line.len()));
            break;
        }
        offset += line.len();
    }
    let Some((header_end, body_start)) = close else {
        return Err((
            1,
            format!(
                "the front matter opened here is never closed: add a line with `{fence}` after it"
            ),
        ));
    };
    let header = &rest[..header_end];
    let body = &rest[body_start..];
    // A parser that trips at the end of input reports the line after the header; the mistake
    // is within the header, so point at its last line.
    let last_header_line = 1 + header.lines().count().max(1);
    let parsed = if toml {
        parse_toml(header)
    } else {
        parse_yaml(header)
    };
    let fields = parsed.map_err(|(line, message)| (line.min(last_header_line), message))?;
    Ok(FrontMatter {
        fields,
        header,
        header_line: 2,
        body,
    })
}

fn parse_toml(header: &str) -> Result<Map<String, Value>, SplitError> {
    let table: toml::Table = toml::from_str(header).map_err(|e| {
        let line = e
            .span()
            .map(|s| crate::config::line_of(header, s.start))
            .unwrap_or(1);
        (
            line + 1,
            format!("invalid TOML front matter: {}", e.message().trim()),
        )
    })?;
    Ok(table
        .into_iter()
        .map(|(k, v)| (k, toml_to_json(v)))
        .collect())
}

fn parse_yaml(header: &str) -> Result<Map<String, Value>, SplitError> {
    if header.trim().is_empty() {
        return Ok(Map::new());
    }
    let value: Value = serde_yaml_ng::from_str(header).map_err(|e| {
        let line = e.location().map(|l| l.line()).unwrap_or(1);
        let message = e.to_string();
        let message = message
            .split(" at line ")
            .next()
            .unwrap_or(&message)
            .to_owned();
        (line + 1, format!("invalid YAML front matter: {message}"))
    })?;
    match value {
        Value::Object(map) => Ok(map),
        Value::Null => Ok(Map::new()),
        _ => Err((2, "YAML front matter must be `key: value` lines".to_owned())),
    }
}

fn toml_to_json(value: toml::Value) -> Value {
    match value {
        toml::Value::String(s) => Value::String(s),
        toml::Value::Integer(i) => Value::from(i),
        toml::Value::Float(f) => Value::from(f),
        toml::Value::Boolean(b) => Value::Bool(b),
        toml::Value::Datetime(d) => Value::String(d.to_string()),
        toml::Value::Array(items) => Value::Array(items.into_iter().map(toml_to_json).collect()),
        toml::Value::Table(t) => {
            Value::Object(t.into_iter().map(|(k, v)| (k, toml_to_json(v))).collect())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_and_yaml_agree() {
        let a = split("+++\ntitle = \"Hi\"\ntags = [\"a\"]\n+++\nbody\n")
            .map(|f| (f.fields, f.body.to_owned()));
        let b =
            split("---\ntitle: Hi\ntags: [a]\n---\nbody\n").map(|f| (f.fields, f.body.to_owned()));
        assert_eq!(a, b);
    }

    #[test]
    fn toml_error_points_at_the_file_line() {
        let err = split("+++\ntitle = \"ok\"\ndate = = 3\n+++\n").err();
        assert_eq!(err.map(|e| e.0), Some(3));
    }

    #[test]
    fn unclosed_fence_is_reported() {
        let err = split("---\ntitle: x\nbody").err().map(|e| e.1);
        assert!(err.is_some_and(|m| m.contains("never closed")));
    }

    #[test]
    fn field_lines() {
        let fm = split("+++\ntitle = \"x\"\nslug = \"y\"\n+++\n");
        assert_eq!(
            fm.map(|f| (f.line_of("slug"), f.line_of("title"))).ok(),
            Some((3, 2))
        );
    }
}
