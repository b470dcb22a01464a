//! `cargo xtask gates`: the standard checkers of the ecosystem, run on a generated site, served
//! and exported. The feeds against RFC 4287's RELAX NG schema, the sitemaps.org XSD, the JSON
//! Feed 1.1 schema and feedparser; every page type through the Nu HTML Checker, axe-core (light
//! and dark, desktop and phone) and Lighthouse; screenshots into `target/gates/screenshots/`.
//! The served pages are the export's bytes (checked), so each check covers both.

mod live;
mod serve;
pub mod site;
mod tools;

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

pub use tools::Tools;

/// The page types, with the paths they have on the gate site.
pub const PAGES: &[(&str, &str)] = &[
    ("home", "/"),
    ("list-page-2", "/page/2/"),
    ("post", "/posts/code/"),
    ("post-rtl", "/posts/hello-rtl/"),
    ("post-bundle", "/posts/trip/"),
    ("page", "/about/"),
    ("tag", "/tags/unicode/"),
    ("tag-index", "/tags/"),
    ("archive", "/archive/"),
    ("not-found", "/no-such-page/"),
];

/// Pages Lighthouse scores, and pages screenshotted.
const LIGHTHOUSE_PAGES: &[&str] = &["home", "post"];
const SCREENSHOT_PAGES: &[&str] = &["home", "post"];

pub struct Options {
    /// The `quire` binary to check.
    pub quire: PathBuf,
    /// Where the site, the export, reports and screenshots go.
    pub out: PathBuf,
}

/// One gate's outcome, for the summary table.
pub struct Outcome {
    pub gate: &'static str,
    pub passed: bool,
    pub detail: String,
}

fn outcome(gate: &'static str, result: Result<String, String>) -> Outcome {
    match result {
        Ok(detail) => Outcome {
            gate,
            passed: true,
            detail,
        },
        Err(detail) => Outcome {
            gate,
            passed: false,
            detail,
        },
    }
}

/// Runs every gate; returns each one's outcome (a failed gate does not stop the others).
pub fn run(workspace: &Path, tools: &Tools, options: &Options) -> Result<Vec<Outcome>, String> {
    let out = &options.out;
    if out.exists() {
        std::fs::remove_dir_all(out).map_err(|e| format!("{}: {e}", out.display()))?;
    }
    let (site_dir, export) = (out.join("site"), out.join("export"));
    let (reports, shots) = (out.join("reports"), out.join("screenshots"));
    for dir in [&reports, &shots] {
        std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    }
    site::write(&site_dir)?;
    add_admin(options, &site_dir)?;
    let validators = workspace
        .parent()
        .map(|p| p.join("shared").join("validators"))
        .filter(|p| p.is_dir())
        .ok_or("the schemas are in ../shared/validators beside the checkout; it is missing")?;

    let mut outcomes = vec![outcome("quire build", build(options, &site_dir, &export))];
    let server = serve::Server::start(&options.quire, &site_dir)?;
    let base = server.base_url();
    outcomes.push(outcome("served = exported", same_bytes(&server, &export)));
    outcomes.push(outcome(
        "Atom: RELAX NG (RFC 4287)",
        atom(tools, &export, &validators),
    ));
    outcomes.push(outcome(
        "sitemap: XSD",
        sitemap(tools, &export, &validators),
    ));
    outcomes.push(outcome(
        "JSON Feed schema, RSS feedparser, absolute URLs",
        feeds(tools, workspace, &export, &validators, &reports),
    ));
    let served = served_pages(&server, &out.join("served"))?;
    outcomes.push(outcome(
        "Nu HTML Checker",
        nu(tools, &export, &served, &reports),
    ));
    outcomes.push(outcome(
        "axe-core",
        axe(tools, workspace, &base, &shots, &reports),
    ));
    outcomes.push(outcome(
        "admin UI in Chromium",
        admin_ui(tools, workspace, &base, &shots, &reports),
    ));
    for name in LIGHTHOUSE_PAGES {
        let path = PAGES
            .iter()
            .find(|(n, _)| n == name)
            .map_or("/", |(_, p)| *p);
        let gate = if *name == "home" {
            "Lighthouse: home"
        } else {
            "Lighthouse: post with code"
        };
        outcomes.push(outcome(
            gate,
            lighthouse(tools, workspace, &base, path, name, &reports),
        ));
    }
    drop(server);
    outcomes.push(outcome(
        "live reload in Chromium",
        live::gate(tools, workspace, &options.quire, &site_dir, out),
    ));
    outcomes.push(outcome(
        "search in a static export, in Chromium",
        live::static_search(tools, workspace, &export),
    ));
    Ok(outcomes)
}

/// Runs a command, returning its stdout, or an error with what it printed.
fn output(command: &mut Command) -> Result<(bool, String, String), String> {
    let program = format!("{:?}", command.get_program());
    let out = command
        .output()
        .map_err(|e| format!("cannot run {program}: {e}"))?;
    Ok((
        out.status.success(),
        String::from_utf8_lossy(&out.stdout).into_owned(),
        String::from_utf8_lossy(&out.stderr).into_owned(),
    ))
}

/// The gate site's admin account.
const ADMIN_USER: &str = "gates";
const ADMIN_PASSWORD: &str = "gates-password-not-secret";

fn add_admin(options: &Options, site: &Path) -> Result<(), String> {
    use std::io::Write;
    let mut child = Command::new(&options.quire)
        .args(["user", "add", ADMIN_USER, "--password-stdin", "--root"])
        .arg(site)
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::null())
        .spawn()
        .map_err(|e| format!("quire user add: {e}"))?;
    if let Some(mut stdin) = child.stdin.take() {
        writeln!(stdin, "{ADMIN_PASSWORD}").map_err(|e| e.to_string())?;
    }
    let status = child.wait().map_err(|e| e.to_string())?;
    if status.success() {
        Ok(())
    } else {
        Err("quire user add failed".to_owned())
    }
}

/// The admin flows (with and without JavaScript), axe on every admin page, screenshots.
fn admin_ui(
    tools: &Tools,
    workspace: &Path,
    base: &str,
    shots: &Path,
    reports: &Path,
) -> Result<String, String> {
    let (ok, stdout, stderr) = output(
        Command::new(&tools.node)
            .arg(workspace.join("xtask/gates/admin.mjs"))
            .arg(base)
            .arg(shots)
            .env("CHROME_PATH", &tools.chromium)
            .env("ADMIN_USER", ADMIN_USER)
            .env("ADMIN_PASSWORD", ADMIN_PASSWORD),
    )?;
    let _ = std::fs::write(reports.join("admin.json"), &stdout);
    let report: Value = serde_json::from_str(&stdout).map_err(|_| format!("{stdout}{stderr}"))?;
    let steps = report["steps"].as_array().map_or(0, Vec::len);
    if ok {
        Ok(format!(
            "{steps} steps with and without JavaScript; 0 axe violations on {} admin pages × light, dark × 1280, 360 px",
            report["pages"]
        ))
    } else {
        Err(format!(
            "failures: {}\nviolations: {}",
            report["failures"],
            serde_json::to_string_pretty(&report["violations"]).unwrap_or_default()
        ))
    }
}

fn build(options: &Options, site: &Path, export: &Path) -> Result<String, String> {
    let (ok, stdout, stderr) = output(
        Command::new(&options.quire)
            .args(["build", "--root"])
            .arg(site)
            .arg("--out")
            .arg(export)
            .env("NO_COLOR", "1"),
    )?;
    // The gate site has no problems, so anything reported is a defect.
    if !ok || stderr.contains("ERROR") || stderr.contains("problem") {
        return Err(format!("quire build failed:\n{stdout}{stderr}"));
    }
    Ok(stdout.trim().to_owned())
}

/// `/posts/x/` -> `posts/x/index.html`; the 404 page is `404.html`.
fn export_file(export: &Path, path: &str) -> PathBuf {
    if path == "/no-such-page/" {
        return export.join("404.html");
    }
    export.join(format!("{}index.html", path.trim_start_matches('/')))
}

fn same_bytes(server: &serve::Server, export: &Path) -> Result<String, String> {
    let mut problems = Vec::new();
    for (name, path) in PAGES {
        let served = server.get(path)?;
        let file = export_file(export, path);
        let exported = std::fs::read(&file).map_err(|e| format!("{}: {e}", file.display()))?;
        if without_islands(&served) != without_islands(&exported) {
            problems.push(format!("{name} ({path}) differs from {}", file.display()));
        }
    }
    if problems.is_empty() {
        Ok(format!(
            "{} page types byte-identical (the comments island aside)",
            PAGES.len()
        ))
    } else {
        Err(problems.join("\n"))
    }
}

/// A page without what differs by design between the server and an export: the comments
/// section (the server's takes comments; an export without `[comments] origin` only shows
/// them), and the search form's pointer to the shipped index (an export searches in the
/// browser).
pub fn without_islands(page: &[u8]) -> Vec<u8> {
    let text = String::from_utf8_lossy(page)
        .replace(" data-index=\"/search/index/\"", "")
        .replace(
            "<noscript><p>Searching this copy of the site needs JavaScript.</p></noscript>",
            "",
        );
    let Some(start) = text.find("<section class=\"comments\"") else {
        return text.into_bytes();
    };
    match text[start..].find("</section>") {
        Some(len) => {
            let end = start + len + "</section>".len();
            format!("{}{}", &text[..start], &text[end..]).into_bytes()
        }
        None => text.into_bytes(),
    }
}

/// Every file under `dir` whose path passes `keep`, sorted.
fn files_where(dir: &Path, keep: &dyn Fn(&Path) -> bool) -> Vec<PathBuf> {
    let mut found = Vec::new();
    let Ok(entries) = std::fs::read_dir(dir) else {
        return found;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            found.extend(files_where(&path, keep));
        } else if keep(&path) {
            found.push(path);
        }
    }
    found.sort();
    found
}

fn files_named(dir: &Path, name: &str) -> Vec<PathBuf> {
    files_where(dir, &|p| p.file_name().is_some_and(|n| n == name))
}

fn xmllint(tools: &Tools, flag: &str, schema: &Path, files: &[PathBuf]) -> Result<String, String> {
    if files.is_empty() {
        return Err("no files to check".to_owned());
    }
    let (ok, _, stderr) = output(
        Command::new(&tools.xmllint)
            .args(["--noout", flag])
            .arg(schema)
            .args(files),
    )?;
    if ok {
        Ok(format!("{} files valid", files.len()))
    } else {
        Err(stderr)
    }
}

fn atom(tools: &Tools, export: &Path, validators: &Path) -> Result<String, String> {
    let feeds = files_named(export, "atom.xml");
    xmllint(tools, "--relaxng", &validators.join("atom.rng"), &feeds)
}

fn sitemap(tools: &Tools, export: &Path, validators: &Path) -> Result<String, String> {
    let maps = files_named(export, "sitemap.xml");
    xmllint(tools, "--schema", &validators.join("sitemap.xsd"), &maps)
}

fn feeds(
    tools: &Tools,
    workspace: &Path,
    export: &Path,
    validators: &Path,
    reports: &Path,
) -> Result<String, String> {
    let script = workspace.join("xtask/gates/feeds.py");
    let (ok, stdout, stderr) = output(
        Command::new(&tools.python)
            .arg(script)
            .arg(export)
            .arg(validators),
    )?;
    let _ = std::fs::write(reports.join("feeds.json"), &stdout);
    let report: Value = serde_json::from_str(&stdout).map_err(|_| format!("{stdout}{stderr}"))?;
    if ok {
        Ok(format!("checked {}", report["checked"]))
    } else {
        Err(format!("{}", report["problems"]))
    }
}

/// Pages only the server makes (islands filled for a request, a post's comment form), saved
/// so the Nu checker reads them with the export.
const SERVED_ONLY: &[(&str, &str)] = &[
    ("post-with-comment-form", "/posts/code/"),
    ("search-results", "/search/?q=unicode"),
    ("search-results-page-2", "/search/?q=the&page=2"),
];

fn served_pages(server: &serve::Server, dir: &Path) -> Result<Vec<PathBuf>, String> {
    std::fs::create_dir_all(dir).map_err(|e| format!("{}: {e}", dir.display()))?;
    let mut files = Vec::new();
    for (name, path) in SERVED_ONLY {
        let file = dir.join(format!("{name}.html"));
        std::fs::write(&file, server.get(path)?).map_err(|e| format!("{}: {e}", file.display()))?;
        files.push(file);
    }
    Ok(files)
}

fn nu(tools: &Tools, export: &Path, served: &[PathBuf], reports: &Path) -> Result<String, String> {
    let mut html = files_where(export, &|p| p.extension().is_some_and(|e| e == "html"));
    html.extend_from_slice(served);
    let (_, _, stderr) = output(
        Command::new(&tools.java)
            .arg("-jar")
            .arg(&tools.vnu_jar)
            .args(["--format", "json", "--exit-zero-always"])
            .args(&html),
    )?;
    let _ = std::fs::write(reports.join("vnu.json"), &stderr);
    let report: Value = serde_json::from_str(&stderr).map_err(|_| stderr.clone())?;
    let messages = report["messages"].as_array().cloned().unwrap_or_default();
    let (mut errors, mut warnings) = (Vec::new(), Vec::new());
    for m in &messages {
        let line = format!(
            "{}:{}: {}",
            m["url"]
                .as_str()
                .unwrap_or_default()
                .rsplit("export/")
                .next()
                .unwrap_or_default(),
            m["lastLine"],
            m["message"].as_str().unwrap_or_default()
        );
        match (m["type"].as_str(), m["subType"].as_str()) {
            (Some("error" | "non-document-error"), _) => errors.push(line),
            (Some("info"), Some("warning")) => warnings.push(line),
            _ => {}
        }
    }
    if errors.is_empty() && warnings.is_empty() {
        Ok(format!("{} HTML files: 0 errors, 0 warnings", html.len()))
    } else {
        Err(format!(
            "{} errors, {} warnings:\n{}",
            errors.len(),
            warnings.len(),
            errors
                .iter()
                .chain(&warnings)
                .cloned()
                .collect::<Vec<_>>()
                .join("\n")
        ))
    }
}

fn axe(
    tools: &Tools,
    workspace: &Path,
    base: &str,
    shots: &Path,
    reports: &Path,
) -> Result<String, String> {
    let pages: Vec<Value> = PAGES
        .iter()
        .map(|(name, path)| {
            serde_json::json!({"name": name, "path": path, "screenshot": SCREENSHOT_PAGES.contains(name)})
        })
        .collect();
    let (ok, stdout, stderr) = output(
        Command::new(&tools.node)
            .arg(workspace.join("xtask/gates/browser.mjs"))
            .arg(base)
            .arg(Value::Array(pages).to_string())
            .arg(shots)
            .env("CHROME_PATH", &tools.chromium),
    )?;
    let _ = std::fs::write(reports.join("axe.json"), &stdout);
    let report: Value = serde_json::from_str(&stdout).map_err(|_| format!("{stdout}{stderr}"))?;
    let runs = report["runs"].as_u64().unwrap_or(0);
    if ok && runs > 0 {
        Ok(format!(
            "{runs} runs ({} page types × light, dark × 1280, 390 px): 0 violations; screenshots in {}",
            PAGES.len(),
            shots.display()
        ))
    } else {
        Err(serde_json::to_string_pretty(&report["violations"]).unwrap_or(stderr))
    }
}

fn lighthouse(
    tools: &Tools,
    workspace: &Path,
    base: &str,
    path: &str,
    name: &str,
    reports: &Path,
) -> Result<String, String> {
    let report_path = reports.join(format!("lighthouse-{name}.json"));
    let cli = workspace.join("xtask/gates/node_modules/lighthouse/cli/index.js");
    let (ok, _, stderr) = output(
        Command::new(&tools.node)
            .arg(cli)
            .arg(format!("{base}{path}"))
            .args([
                "--quiet",
                "--output=json",
                "--only-categories=performance,accessibility,best-practices,seo",
                "--chrome-flags=--headless=new --no-sandbox --disable-gpu --no-first-run --disable-background-networking --disable-component-update --disable-sync",
            ])
            .arg(format!("--output-path={}", report_path.display()))
            .env("CHROME_PATH", &tools.chromium),
    )?;
    if !ok {
        return Err(format!("lighthouse failed: {stderr}"));
    }
    let text = std::fs::read_to_string(&report_path).map_err(|e| e.to_string())?;
    let report: Value = serde_json::from_str(&text).map_err(|e| e.to_string())?;
    let mut scores = Vec::new();
    let mut failing = Vec::new();
    for category in ["performance", "accessibility", "best-practices", "seo"] {
        let score = report["categories"][category]["score"]
            .as_f64()
            .unwrap_or(0.0);
        scores.push(format!("{category} {}", (score * 100.0).round()));
        if score < 1.0 {
            failing.push(category);
        }
    }
    if failing.is_empty() {
        return Ok(scores.join(", "));
    }
    // Name the audits that cost points, so the failure says what to fix.
    let audits: Vec<String> = report["audits"]
        .as_object()
        .into_iter()
        .flatten()
        .filter(|(_, a)| {
            a["score"].as_f64().is_some_and(|s| s < 1.0) && a["scoreDisplayMode"] == "binary"
        })
        .map(|(id, a)| format!("{id}: {}", a["title"].as_str().unwrap_or_default()))
        .collect();
    Err(format!("{}\n{}", scores.join(", "), audits.join("\n")))
}

/// The summary table printed after a run.
pub fn table(outcomes: &[Outcome]) -> String {
    let mut out = String::from("| gate | result | detail |\n|---|---|---|\n");
    for o in outcomes {
        let first_line = o.detail.lines().next().unwrap_or_default();
        out.push_str(&format!(
            "| {} | {} | {} |\n",
            o.gate,
            if o.passed { "pass" } else { "FAIL" },
            first_line
        ));
    }
    out
}
