//! `quire user` and `quire token`: account and token management on the store, usable while the
//! server runs (SQLite's WAL lets both write; the server reads accounts per request).

use std::io::{BufRead, IsTerminal};
use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::{TimeZone, Utc};
use clap::Subcommand;

use crate::auth::{MIN_PASSWORD_CHARS, hash_password, random_secret, secret_hash, valid_name};
use crate::paths::SitePaths;
use crate::store::Store;

#[derive(Debug, Subcommand)]
pub enum UserAction {
    /// Create an account; prompts for the password.
    Add {
        name: String,
        /// Read the password from the first line of standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// List accounts.
    List,
    /// Change an account's password; ends its sessions.
    Passwd {
        name: String,
        /// Read the password from the first line of standard input instead of prompting.
        #[arg(long)]
        password_stdin: bool,
    },
    /// Remove an account and its sessions.
    Remove { name: String },
    /// Turn off two-factor login for an account whose device is lost; ends its sessions.
    #[command(name = "2fa-reset")]
    TwoFactorReset { name: String },
}

#[derive(Debug, Subcommand)]
pub enum TokenAction {
    /// Create a token and print it once, alone on the last line.
    Create {
        name: String,
        /// Days until it expires [default: never]
        #[arg(long)]
        expires: Option<u32>,
    },
    /// List tokens (names and dates; the secrets are not stored).
    List,
    /// Revoke a token at once.
    Revoke { name: String },
}

fn read_password(from_stdin: bool) -> anyhow::Result<String> {
    let password = if from_stdin || !std::io::stdin().is_terminal() {
        let mut line = String::new();
        std::io::stdin()
            .lock()
            .read_line(&mut line)
            .context("cannot read the password from standard input")?;
        line.trim_end_matches(['\r', '\n']).to_owned()
    } else {
        let first = rpassword::prompt_password("Password: ").context("cannot read the password")?;
        let again = rpassword::prompt_password("Again: ").context("cannot read the password")?;
        if first != again {
            bail!("the two passwords differ; nothing was changed");
        }
        first
    };
    if password.chars().count() < MIN_PASSWORD_CHARS {
        bail!("the password must have at least {MIN_PASSWORD_CHARS} characters");
    }
    Ok(password)
}

fn date(secs: i64) -> String {
    Utc.timestamp_opt(secs, 0)
        .single()
        .map(|d| d.format("%Y-%m-%d %H:%M UTC").to_string())
        .unwrap_or_default()
}

pub fn user(paths: &SitePaths, action: UserAction) -> anyhow::Result<ExitCode> {
    let clock = crate::clock::system();
    let store = Store::open(&paths.data, clock.clone())?;
    match action {
        UserAction::Add {
            name,
            password_stdin,
        } => {
            if !valid_name(&name) {
                bail!("user names may contain letters, digits and - _ . @ (at most 64)");
            }
            if store.password_hash(&name)?.is_some() {
                bail!(
                    "user {name:?} already exists; use `quire user passwd {name}` to change the password"
                );
            }
            let hash = hash_password(&read_password(password_stdin)?)?;
            store.add_user(&name, &hash, clock.now().timestamp())?;
            println!("user {name:?} created; log in at /admin/api/session");
        }
        UserAction::List => {
            for user in store.users()? {
                println!("{}\tcreated {}", user.name, date(user.created_at));
            }
        }
        UserAction::Passwd {
            name,
            password_stdin,
        } => {
            if store.password_hash(&name)?.is_none() {
                bail!("there is no user {name:?}");
            }
            let hash = hash_password(&read_password(password_stdin)?)?;
            store.set_password(&name, &hash)?;
            println!("password of {name:?} changed; their sessions were ended");
        }
        UserAction::TwoFactorReset { name } => {
            if !store.reset_totp(&name)? {
                bail!("there is no user {name:?}");
            }
            println!(
                "two-factor login of {name:?} is off; they log in with the password and can enrol again"
            );
        }
        UserAction::Remove { name } => {
            if !store.remove_user(&name)? {
                bail!("there is no user {name:?}");
            }
            println!("user {name:?} removed");
        }
    }
    Ok(ExitCode::SUCCESS)
}

pub fn token(paths: &SitePaths, action: TokenAction) -> anyhow::Result<ExitCode> {
    let clock = crate::clock::system();
    let store = Store::open(&paths.data, clock.clone())?;
    match action {
        TokenAction::Create { name, expires } => {
            if !valid_name(&name) {
                bail!("token names may contain letters, digits and - _ . @ (at most 64)");
            }
            let secret = format!("qt_{}", random_secret()?);
            let now = clock.now().timestamp();
            let expires_at = expires.map(|days| now + i64::from(days) * 86_400);
            store.add_token(&name, &secret_hash(&secret), now, expires_at)?;
            eprintln!(
                "token {name:?} created{}. It is shown once; send it as `Authorization: Bearer <token>`:",
                expires_at
                    .map(|e| format!(", expires {}", date(e)))
                    .unwrap_or_default()
            );
            println!("{secret}");
        }
        TokenAction::List => {
            for t in store.tokens()? {
                let expiry = t
                    .expires_at
                    .map(|e| format!("expires {}", date(e)))
                    .unwrap_or_else(|| "never expires".to_owned());
                println!("{}\tcreated {}\t{expiry}", t.name, date(t.created_at));
            }
        }
        TokenAction::Revoke { name } => {
            if !store.revoke_token(&name)? {
                bail!("there is no token {name:?}");
            }
            println!("token {name:?} revoked");
        }
    }
    Ok(ExitCode::SUCCESS)
}
