//! The command line: `serve`, `build`, `init`, `new`, `check`, each with `--help`.

use std::io::IsTerminal;
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand};

use crate::accounts::{TokenAction, UserAction};
use crate::clock::Clock;
use crate::paths::SitePaths;

#[derive(Debug, Parser)]
#[command(
    name = "quire",
    version,
    about = "A whole blog in one binary: markdown in, pages out, served from memory."
)]
pub struct Cli {
    /// Log more (debug level). RUST_LOG overrides this.
    #[arg(short, long, global = true)]
    pub verbose: bool,
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, clap::Args)]
pub struct SiteArgs {
    /// The site folder: content/, static/, themes/, quire.toml.
    #[arg(long, default_value = ".", global = true)]
    pub root: PathBuf,
    /// Where the database lives [default: <root>/.quire]
    #[arg(long, global = true)]
    pub data: Option<PathBuf>,
}

impl SiteArgs {
    pub fn paths(&self) -> SitePaths {
        SitePaths::new(self.root.clone(), self.data.clone())
    }
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the site, keeping it live as files change.
    Serve {
        #[command(flatten)]
        site: SiteArgs,
        /// Address to listen on; port 0 picks a free port.
        #[arg(long, default_value = "127.0.0.1:8080")]
        addr: String,
        /// Reload open pages in the browser when they change: `auto` is on when listening on a
        /// local address and `base_url` is unset or local, off otherwise.
        #[arg(long, value_enum, default_value = "auto")]
        live_reload: crate::app::LiveReload,
        /// Local authoring on any address: the same as `--live-reload on`.
        #[arg(long)]
        dev: bool,
    },
    /// Export the site as static files for any web server or CDN.
    Build {
        #[command(flatten)]
        site: SiteArgs,
        /// Output folder [default: <root>/public]
        #[arg(long)]
        out: Option<PathBuf>,
    },
    /// Create a new site with sample content.
    Init {
        /// Folder to create (must be empty or absent).
        dir: PathBuf,
    },
    /// Create a draft post in content/posts/.
    New {
        /// The post's title.
        title: String,
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Check every file and report each problem as path:line: message.
    Check {
        /// The site folder.
        #[arg(long, default_value = ".")]
        root: PathBuf,
    },
    /// Manage admin accounts (works while the server runs).
    User {
        #[command(flatten)]
        site: SiteArgs,
        #[command(subcommand)]
        action: UserAction,
    },
    /// Manage API tokens for scripts (works while the server runs).
    Token {
        #[command(flatten)]
        site: SiteArgs,
        #[command(subcommand)]
        action: TokenAction,
    },
}

pub fn init_logging(verbose: bool) {
    let default = if verbose { "quire=debug,info" } else { "info" };
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new(default));
    tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();
}

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Serve {
            site,
            addr,
            live_reload,
            dev,
        } => {
            let live_reload = if dev {
                crate::app::LiveReload::On
            } else {
                live_reload
            };
            crate::app::serve(site.paths(), &addr, crate::clock::system(), live_reload)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Build { site, out } => {
            let out = out.unwrap_or_else(|| site.root.join("public"));
            let report = crate::export::build(site.paths(), &out)?;
            println!(
                "built {} files ({} bytes) into {} in {:.2?}",
                report.files,
                report.bytes,
                out.display(),
                report.elapsed
            );
            if report.problems > 0 {
                eprintln!(
                    "{} problems were reported above; their last good versions were used",
                    report.problems
                );
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Init { dir } => {
            crate::scaffold::init(&dir)
                .with_context(|| format!("cannot create a site in {}", dir.display()))?;
            println!("created a new site in {}", dir.display());
            println!("next: cd {} && quire serve", dir.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::New { title, root } => {
            let path = crate::scaffold::new_post(&root, &title, crate::clock::SystemClock.now())?;
            println!("{}", path.display());
            Ok(ExitCode::SUCCESS)
        }
        Command::User { site, action } => crate::accounts::user(&site.paths(), action),
        Command::Token { site, action } => crate::accounts::token(&site.paths(), action),
        Command::Check { root } => {
            let now = crate::clock::SystemClock.now();
            let problems = crate::scaffold::check(&SitePaths::new(root, None), now);
            for p in &problems {
                println!("{p}");
            }
            if problems.is_empty() {
                println!("no problems found");
                Ok(ExitCode::SUCCESS)
            } else {
                eprintln!(
                    "{} problem{} found",
                    problems.len(),
                    if problems.len() == 1 { "" } else { "s" }
                );
                Ok(ExitCode::FAILURE)
            }
        }
    }
}
