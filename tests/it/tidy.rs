//! The architecture's rules, checked on the source text (rust-analyzer's `tidy.rs` is the
//! model): layering without upward imports, which modules may use actix-web, rusqlite and
//! `std::fs`, file and function sizes, `//!` headers, and a code map that names every module.

use std::collections::BTreeMap;
use std::path::Path;

/// Longest file under `src/`, and anywhere else (tests, xtask).
const MAX_SRC_LINES: usize = 500;
const MAX_OTHER_LINES: usize = 600;
const MAX_FN_LINES: usize = 100;
/// Modules that must stay pure: no HTTP, no SQL, no file system.
const PURE: &[&str] = &["site", "render", "change"];
const HTTP_MODULES: &[&str] = &["http", "app"];

#[test]
fn the_code_keeps_the_architecture_rules() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let architecture = std::fs::read_to_string(root.join("ARCHITECTURE.md")).unwrap();
    let layers = layers(&architecture);
    assert!(
        layers.len() > 10,
        "ARCHITECTURE.md lists the layers: {layers:?}"
    );
    let mut problems = Vec::new();
    for dir in ["src", "tests", "xtask/src"] {
        for entry in walkdir::WalkDir::new(root.join(dir)) {
            let entry = entry.unwrap();
            let path = entry.path();
            if path.extension().is_none_or(|e| e != "rs") {
                continue;
            }
            let rel = path
                .strip_prefix(root)
                .unwrap()
                .to_string_lossy()
                .replace('\\', "/");
            let text = std::fs::read_to_string(path).unwrap();
            problems.extend(check_file(&rel, &text, &layers));
        }
    }
    problems.extend(check_code_map(root, &architecture));
    assert!(problems.is_empty(), "tidy:\n{}", problems.join("\n"));
}

/// The layer order from ARCHITECTURE.md: the backticked names after "Layers, lowest first:".
fn layers(architecture: &str) -> Vec<String> {
    let Some(start) = architecture.find("Layers, lowest first:") else {
        return Vec::new();
    };
    let paragraph = architecture[start..]
        .split("\n\n")
        .next()
        .unwrap_or_default();
    paragraph
        .split('`')
        .skip(1)
        .step_by(2)
        .map(str::to_owned)
        .collect()
}

/// Every problem in one file; `rel` is its path from the repository root.
fn check_file(rel: &str, text: &str, layers: &[String]) -> Vec<String> {
    let mut problems = Vec::new();
    let in_src = rel.starts_with("src/");
    let lines = text.lines().count();
    let max = if in_src {
        MAX_SRC_LINES
    } else {
        MAX_OTHER_LINES
    };
    if lines > max {
        problems.push(format!(
            "{rel}: {lines} lines, more than {max}; split it by job"
        ));
    }
    let code = strip_comments_and_strings(text);
    if !text.starts_with("//!") {
        problems.push(format!(
            "{rel}: does not start with a `//!` line naming its job"
        ));
    }
    if !in_src {
        return problems;
    }
    for (name, length) in long_functions(&code) {
        problems.push(format!(
            "{rel}: fn {name} has {length} lines, more than {MAX_FN_LINES}"
        ));
    }
    let Some(module) = top_module(rel) else {
        return problems;
    };
    if matches!(module.as_str(), "lib" | "main") {
        return problems;
    }
    let uses = |needle: &str| code.contains(needle);
    if PURE.contains(&module.as_str()) {
        for banned in ["actix", "rusqlite", "std::fs"] {
            if uses(banned) {
                problems.push(format!(
                    "{rel}: `{module}` must do no IO, but uses {banned}"
                ));
            }
        }
    }
    if module != "store" && uses("rusqlite") {
        problems.push(format!("{rel}: only `store` may use rusqlite"));
    }
    if !HTTP_MODULES.contains(&module.as_str()) && uses("actix") {
        problems.push(format!("{rel}: only `http` and `app` may use actix"));
    }
    if module != "http" && uses("utoipa") {
        problems.push(format!(
            "{rel}: only `http` may use utoipa: API schemas are HTTP types, not domain or store types"
        ));
    }
    let Some(rank) = layers.iter().position(|l| *l == module) else {
        problems.push(format!(
            "{rel}: module `{module}` is not in ARCHITECTURE.md's layer list"
        ));
        return problems;
    };
    let mut imported: BTreeMap<String, ()> = BTreeMap::new();
    for part in code.split("crate::").skip(1) {
        let name: String = part
            .chars()
            .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
            .collect();
        imported.insert(name, ());
    }
    for name in imported.keys().filter(|n| **n != module) {
        match layers.iter().position(|l| l == name) {
            Some(theirs) if theirs > rank => problems.push(format!(
                "{rel}: `{module}` imports `{name}`, a higher layer (upward import)"
            )),
            Some(_) => {}
            None => problems.push(format!("{rel}: imports unknown module `{name}`")),
        }
    }
    problems
}

/// `src/writer/admin.rs` -> `writer`; `src/config.rs` -> `config`.
fn top_module(rel: &str) -> Option<String> {
    let inner = rel.strip_prefix("src/")?;
    let first = inner.split('/').next()?;
    Some(first.trim_end_matches(".rs").to_owned())
}

/// Every module under `src/` has a row in the code map, and every row names a real path.
fn check_code_map(root: &Path, architecture: &str) -> Vec<String> {
    let mut problems = Vec::new();
    for entry in std::fs::read_dir(root.join("src")).unwrap() {
        let entry = entry.unwrap();
        let name = entry.file_name().to_string_lossy().into_owned();
        let shown = if entry.file_type().unwrap().is_dir() {
            format!("`src/{name}/`")
        } else {
            format!("`src/{name}`")
        };
        if !architecture.contains(&shown) {
            problems.push(format!(
                "ARCHITECTURE.md: the code map has no row for {shown}"
            ));
        }
    }
    for row in architecture.lines().filter(|l| l.starts_with("| `src/")) {
        let path = row.split('`').nth(1).unwrap_or_default();
        if !root.join(path.trim_end_matches('/')).exists() {
            problems.push(format!(
                "ARCHITECTURE.md: the code map names {path}, which does not exist"
            ));
        }
    }
    problems
}

/// The source with comments removed and string and char literals emptied, line breaks kept,
/// so braces and names inside them do not count.
fn strip_comments_and_strings(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        if c == '/' && next == Some('/') {
            while i < chars.len() && chars[i] != '\n' {
                i += 1;
            }
        } else if c == '/' && next == Some('*') {
            i += 2;
            while i + 1 < chars.len() && !(chars[i] == '*' && chars[i + 1] == '/') {
                if chars[i] == '\n' {
                    out.push('\n');
                }
                i += 1;
            }
            i += 2;
        } else if c == 'r'
            && matches!(next, Some('"' | '#'))
            && !is_ident(chars.get(i.wrapping_sub(1)))
        {
            let mut hashes = 0;
            let mut j = i + 1;
            while chars.get(j) == Some(&'#') {
                hashes += 1;
                j += 1;
            }
            if chars.get(j) != Some(&'"') {
                out.push(c);
                i += 1;
                continue;
            }
            j += 1;
            let closing: Vec<char> = std::iter::once('"')
                .chain(std::iter::repeat_n('#', hashes))
                .collect();
            while j < chars.len() && !chars[j..].starts_with(&closing) {
                if chars[j] == '\n' {
                    out.push('\n');
                }
                j += 1;
            }
            out.push_str("\"\"");
            i = j + closing.len();
        } else if c == '"' {
            i += 1;
            while i < chars.len() && chars[i] != '"' {
                if chars[i] == '\\' {
                    i += 1;
                }
                if chars.get(i) == Some(&'\n') {
                    out.push('\n');
                }
                i += 1;
            }
            out.push_str("\"\"");
            i += 1;
        } else if c == '\'' && next == Some('\\') {
            // '\n', '\'', '\u{..}'
            let end = chars[i + 2..]
                .iter()
                .position(|&x| x == '\'')
                .map_or(chars.len(), |p| i + 3 + p);
            out.push_str("' '");
            i = end;
        } else if c == '\'' && chars.get(i + 2) == Some(&'\'') {
            out.push_str("' '");
            i += 3;
        } else {
            out.push(c);
            i += 1;
        }
    }
    out
}

fn is_ident(c: Option<&char>) -> bool {
    c.is_some_and(|c| c.is_alphanumeric() || *c == '_')
}

/// (name, lines) of every function body longer than the limit.
fn long_functions(code: &str) -> Vec<(String, usize)> {
    let lines: Vec<&str> = code.lines().collect();
    let mut found = Vec::new();
    for (start, line) in lines.iter().enumerate() {
        let Some(name) = fn_name(line) else { continue };
        // Find the body's opening brace (or a `;` for a declaration without a body).
        let mut depth = 0usize;
        let mut opened = false;
        let mut end = None;
        'scan: for (offset, l) in lines[start..].iter().enumerate() {
            for c in l.chars() {
                match c {
                    ';' if !opened => break 'scan,
                    '{' => {
                        depth += 1;
                        opened = true;
                    }
                    '}' if opened => {
                        depth -= 1;
                        if depth == 0 {
                            end = Some(start + offset);
                            break 'scan;
                        }
                    }
                    _ => {}
                }
            }
        }
        if let Some(end) = end {
            let length = end - start + 1;
            if length > MAX_FN_LINES {
                found.push((name, length));
            }
        }
    }
    found
}

/// The name of a function defined on this line, if one is.
fn fn_name(line: &str) -> Option<String> {
    let mut words = line.split_whitespace().peekable();
    while let Some(word) = words.next() {
        if word == "fn" {
            let name: String = words
                .next()?
                .chars()
                .take_while(|c| c.is_alphanumeric() || *c == '_')
                .collect();
            return (!name.is_empty()).then_some(name);
        }
        let modifier = word.starts_with("pub")
            || matches!(word, "async" | "const" | "unsafe" | "extern" | "default")
            || word.starts_with('"');
        if !modifier {
            return None;
        }
    }
    None
}

// The checks themselves, on made-up files: each rule must catch what it is for.

fn layer_list() -> Vec<String> {
    [
        "diagnostic",
        "config",
        "site",
        "render",
        "store",
        "writer",
        "http",
    ]
    .map(str::to_owned)
    .to_vec()
}

#[test]
fn tidy_catches_sql_and_http_and_files_in_pure_modules() {
    let text =
        "//! A model.\nuse rusqlite::Connection;\nfn f() { let _ = std::fs::read(\"x\"); }\n";
    let problems = check_file("src/site/model.rs", text, &layer_list());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("must do no IO, but uses rusqlite")),
        "{problems:?}"
    );
    assert!(
        problems.iter().any(|p| p.contains("uses std::fs")),
        "{problems:?}"
    );
    assert!(
        problems
            .iter()
            .any(|p| p.contains("only `store` may use rusqlite")),
        "{problems:?}"
    );
    let problems = check_file(
        "src/writer/x.rs",
        "//! W.\nuse actix_web::App;\n",
        &layer_list(),
    );
    assert!(
        problems.iter().any(|p| p.contains("only `http` and `app`")),
        "{problems:?}"
    );
    let text = "//! Rows.\n#[derive(utoipa::ToSchema)]\nstruct Row;\n";
    let problems = check_file("src/store/rows.rs", text, &layer_list());
    assert!(
        problems
            .iter()
            .any(|p| p.contains("only `http` may use utoipa")),
        "{problems:?}"
    );
    // A mention in a comment or a string is not a use.
    let clean = "//! Fine.\n// rusqlite is not used here\nconst A: &str = \"actix\";\n";
    assert_eq!(
        check_file("src/site/ok.rs", clean, &layer_list()),
        Vec::<String>::new()
    );
}

#[test]
fn tidy_catches_upward_imports_and_unknown_modules() {
    let text = "//! Config.\nuse crate::writer::Writer;\nuse crate::diagnostic::Diagnostic;\n";
    let problems = check_file("src/config.rs", text, &layer_list());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("`config` imports `writer`, a higher layer"));
    let problems = check_file("src/newthing.rs", "//! New.\n", &layer_list());
    assert!(
        problems[0].contains("not in ARCHITECTURE.md's layer list"),
        "{problems:?}"
    );
}

#[test]
fn tidy_catches_long_files_long_functions_and_missing_headers() {
    let long_file = format!("//! Long.\n{}", "const X: u8 = 0;\n".repeat(MAX_SRC_LINES));
    let problems = check_file("src/site/long.rs", &long_file, &layer_list());
    assert!(
        problems.iter().any(|p| p.contains("more than 500")),
        "{problems:?}"
    );
    let body = "    let _ = '}';\n    let _ = \"{\";\n".repeat(MAX_FN_LINES / 2);
    let long_fn =
        format!("//! F.\npub(crate) fn big(x: u8) -> u8 {{\n{body}    x\n}}\nfn small() {{}}\n");
    let problems = check_file("src/site/f.rs", &long_fn, &layer_list());
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(problems[0].contains("fn big has 103 lines"), "{problems:?}");
    let problems = check_file("src/site/h.rs", "use std::fmt;\n", &layer_list());
    assert!(problems[0].contains("`//!`"), "{problems:?}");
}
