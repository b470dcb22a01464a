//! The checkers the gates need, found on this machine (`.ci/run` installs them).

use std::path::{Path, PathBuf};
use std::process::Command;

pub struct Tools {
    pub xmllint: PathBuf,
    pub python: PathBuf,
    pub java: PathBuf,
    pub vnu_jar: PathBuf,
    pub node: PathBuf,
    pub chromium: PathBuf,
}

fn which(tool: &str) -> Option<PathBuf> {
    std::env::var_os("PATH").and_then(|paths| {
        std::env::split_paths(&paths)
            .map(|dir| dir.join(tool))
            .find(|p| p.is_file())
    })
}

impl Tools {
    /// Every tool, or a list of what is missing and how to install it.
    pub fn find(workspace: &Path) -> Result<Tools, String> {
        let mut missing = Vec::new();
        let mut need = |found: Option<PathBuf>, what: &str| {
            if found.is_none() {
                missing.push(what.to_owned());
            }
            found.unwrap_or_default()
        };
        let xmllint = need(which("xmllint"), "xmllint (apt-get install libxml2-utils)");
        let java = need(which("java"), "java (apt-get install default-jre-headless)");
        let node = need(which("node"), "node (the machine's Node.js)");
        let chromium = need(
            std::env::var_os("CHROME_PATH")
                .map(PathBuf::from)
                .or_else(|| which("chromium")),
            "chromium (apt-get install chromium)",
        );
        let python = need(which("python3"), "python3");
        let modules = workspace.join("xtask/gates/node_modules");
        let vnu_jar = modules.join("vnu-jar/build/dist/vnu.jar");
        let npm_ok = vnu_jar.is_file()
            && modules.join("lighthouse").is_dir()
            && modules.join("axe-core").is_dir()
            && modules.join("playwright-core").is_dir();
        if !npm_ok {
            missing.push("the npm checkers (cd xtask/gates && npm ci --ignore-scripts)".to_owned());
        }
        let python_ok = Command::new(&python)
            .args(["-c", "import feedparser, jsonschema, referencing"])
            .output()
            .is_ok_and(|o| o.status.success());
        if !python_ok {
            missing
                .push("feedparser and jsonschema (pip install feedparser jsonschema)".to_owned());
        }
        if missing.is_empty() {
            Ok(Tools {
                xmllint,
                python,
                java,
                vnu_jar,
                node,
                chromium,
            })
        } else {
            Err(format!("missing: {}", missing.join("; ")))
        }
    }
}
