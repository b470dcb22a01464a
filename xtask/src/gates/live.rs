//! The live-reload gate, and search in a static export.
//! Live reload: `quire serve --dev` on a copy of the gate site, two pages open in
//! Chromium; a file edit reloads the page it changed, and only that one.

use std::path::Path;
use std::process::Command;

use serde_json::Value;

use super::{Tools, output, serve};

pub fn gate(
    tools: &Tools,
    workspace: &Path,
    quire: &Path,
    site: &Path,
    out: &Path,
) -> Result<String, String> {
    let copy = out.join("live-site");
    let status = Command::new("cp")
        .arg("-a")
        .arg(site)
        .arg(&copy)
        .status()
        .map_err(|e| format!("cp: {e}"))?;
    if !status.success() {
        return Err("cannot copy the gate site".to_owned());
    }
    let server = serve::Server::start_with(quire, &copy, &["--dev"])?;
    let (ok, stdout, stderr) = output(
        Command::new(&tools.node)
            .arg(workspace.join("xtask/gates/live.mjs"))
            .arg(server.base_url())
            .arg(copy.join("content/posts/code.md"))
            .env("CHROME_PATH", &tools.chromium),
    )?;
    drop(server);
    let report: Value = serde_json::from_str(&stdout).map_err(|_| format!("{stdout}{stderr}"))?;
    if ok {
        Ok(format!(
            "an edit reloaded its page in {} ms; the other open page stayed",
            report["reload_ms"]
        ))
    } else {
        Err(format!("{}", report["failures"]))
    }
}

/// The export served as plain files by a tiny Node server: its search page finds the code
/// post in the browser, from the shipped index.
pub fn static_search(tools: &Tools, workspace: &Path, export: &Path) -> Result<String, String> {
    let (ok, stdout, stderr) = output(
        Command::new(&tools.node)
            .arg(workspace.join("xtask/gates/static-search.mjs"))
            .arg(export)
            .arg("languages")
            .arg("Code in several languages")
            .env("CHROME_PATH", &tools.chromium),
    )?;
    let report: Value = serde_json::from_str(&stdout).map_err(|_| format!("{stdout}{stderr}"))?;
    if ok {
        Ok(format!(
            "{} results from the shipped index; {} bytes of index loaded",
            report["results"], report["index_bytes"]
        ))
    } else {
        Err(format!("{}", report["failures"]))
    }
}
