//! Project automation: `cargo xtask ci` is exactly what CI runs; `cargo xtask bench` measures.

use std::path::PathBuf;
use std::process::{Command, ExitCode};

const HELP: &str = "\
cargo xtask <command>

Commands:
  ci                     fmt --check, clippy -D warnings, every test, then the gates (what CI runs)
  gates [--quire PATH]   the page checkers on a generated site: Atom RELAX NG, sitemap XSD,
                         JSON Feed schema, feedparser, Nu HTML Checker, axe-core, Lighthouse,
                         the admin, comments and live reload in Chromium; screenshots in
                         target/gates/screenshots/
  bench [options]        measure Quire against Hugo and nginx; writes target/bench/report.json
      --posts N          corpus size (default 10000)
      --quick            a small corpus and short runs, for development
      --install-peers    apt-get install hugo, nginx (+brotli_static) and wrk first
      --quire PATH       use this quire binary instead of building the release one
      --only 1,9,10      only these sections (1 build, 2 restart, 3 edit, 4 throughput,
                         6 admin writes, 9 admin UI, 10 search, 11 islands, 12 views); memory rows
                         always
  help                   this text
";

fn workspace() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(PathBuf::from)
        .unwrap_or_default()
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.first().map(String::as_str) {
        Some("ci") => ci(),
        Some("bench") => bench(&args[1..]),
        Some("gates") => gates(&args[1..], true),
        Some("help" | "--help" | "-h") | None => {
            print!("{HELP}");
            Ok(())
        }
        Some(other) => Err(format!("unknown command {other:?}\n\n{HELP}")),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("xtask: {e}");
            ExitCode::FAILURE
        }
    }
}

fn cargo(args: &[&str]) -> Result<(), String> {
    eprintln!("$ cargo {}", args.join(" "));
    let status = Command::new(std::env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
        .args(args)
        // Snapshots are reviewed by people, never rewritten by CI.
        .env("INSTA_UPDATE", "no")
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if status.success() {
        Ok(())
    } else {
        Err(format!("`cargo {}` failed", args.join(" ")))
    }
}

fn ci() -> Result<(), String> {
    cargo(&["fmt", "--all", "--", "--check"])?;
    cargo(&[
        "clippy",
        "--workspace",
        "--all-targets",
        "--",
        "-D",
        "warnings",
    ])?;
    cargo(&["test", "--workspace"])?;
    // In CI every gate must run; on a developer's machine without the checkers, say so. The
    // binary `cargo test` just built is the one checked (building it again with the
    // non-test feature set would cost a relink for nothing).
    let tested = target_dir().join("debug").join("quire");
    let args = if tested.is_file() {
        vec!["--quire".to_owned(), tested.to_string_lossy().into_owned()]
    } else {
        Vec::new()
    };
    gates(&args, std::env::var_os("CI").is_some())
}

fn target_dir() -> PathBuf {
    std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace().join("target"))
}

fn gates(args: &[String], required: bool) -> Result<(), String> {
    let root = workspace();
    let quire = match args {
        [flag, path] if flag == "--quire" => PathBuf::from(path),
        [] => {
            cargo(&["build", "--bin", "quire"])?;
            target_dir().join("debug").join("quire")
        }
        _ => return Err(format!("usage: cargo xtask gates [--quire PATH]\n\n{HELP}")),
    };
    let tools = match xtask::gates::Tools::find(&root) {
        Ok(tools) => tools,
        Err(missing) if !required => {
            eprintln!("gates skipped: {missing}\n(.ci/run installs them; CI runs every gate)");
            return Ok(());
        }
        Err(missing) => return Err(format!("gates cannot run: {missing}")),
    };
    let options = xtask::gates::Options {
        quire,
        out: target_dir().join("gates"),
    };
    let started = std::time::Instant::now();
    let outcomes = xtask::gates::run(&root, &tools, &options)?;
    println!("\n{}", xtask::gates::table(&outcomes));
    let failed: Vec<&xtask::gates::Outcome> = outcomes.iter().filter(|o| !o.passed).collect();
    for o in &failed {
        eprintln!("--- {} ---\n{}\n", o.gate, o.detail);
    }
    let passed = outcomes.len() - failed.len();
    println!(
        "gates: {passed} passed, {} failed ({:.0?})",
        failed.len(),
        started.elapsed()
    );
    if failed.is_empty() {
        Ok(())
    } else {
        Err(format!("{} gates failed", failed.len()))
    }
}

fn bench(args: &[String]) -> Result<(), String> {
    let root = workspace();
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| root.join("target"));
    let out = target.join("bench");
    let mut options = xtask::bench::Options::full(out.clone());
    let mut iter = args.iter();
    let mut posts = None;
    while let Some(arg) = iter.next() {
        match arg.as_str() {
            "--quick" => {
                options = xtask::bench::Options {
                    install_peers: options.install_peers,
                    ..xtask::bench::Options::quick(out.clone())
                }
            }
            "--install-peers" => options.install_peers = true,
            "--only" => {
                options.only = iter
                    .next()
                    .ok_or("--only takes a list of sections, e.g. 9,10")?
                    .split(',')
                    .map(|s| s.trim().to_owned())
                    .collect()
            }
            "--posts" => {
                posts = Some(
                    iter.next()
                        .and_then(|n| n.parse().ok())
                        .ok_or("--posts takes a number")?,
                )
            }
            "--quire" => {
                options.quire_bin = Some(PathBuf::from(iter.next().ok_or("--quire takes a path")?))
            }
            "--help" | "-h" => {
                print!("{HELP}");
                return Ok(());
            }
            other => return Err(format!("unknown bench option {other:?}\n\n{HELP}")),
        }
    }
    if let Some(n) = posts {
        options.posts = n;
    }
    let report = xtask::bench::run(&options, &root)?;
    println!("\n{}", xtask::bench::table(&report.rows));
    Ok(())
}
