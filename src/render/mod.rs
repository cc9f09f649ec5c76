//! Render: session credentials (or "remove them") → text for one shell.
//!
//! Every shell gets the same variables in the same order (see [`export_ops`]); each shell module holds one
//! pure quoting function and its `set`/`unset` statement forms, with the rule's source in its doc comment.
//! A value a shell cannot hold safely is refused with [`Kind::UnsafeValue`] and nothing is rendered.

pub mod cmd;
pub mod elvish;
pub mod env;
pub mod fish;
pub mod json;
pub mod posix;
pub mod powershell;

use crate::error::{Error, Kind, Result};
use crate::session::Session;

/// `AWS_ACCESS_KEY_ID`: the session's access key id (`ASIA…`).
pub const ACCESS_KEY_ID: &str = "AWS_ACCESS_KEY_ID";
/// `AWS_SECRET_ACCESS_KEY`: the session's secret access key.
pub const SECRET_ACCESS_KEY: &str = "AWS_SECRET_ACCESS_KEY";
/// `AWS_SESSION_TOKEN`: the session token.
pub const SESSION_TOKEN: &str = "AWS_SESSION_TOKEN";
/// `AWS_SECURITY_TOKEN`: the legacy name of the session token (boto 2); always removed.
pub const SECURITY_TOKEN: &str = "AWS_SECURITY_TOKEN";
/// `AWS_CREDENTIAL_EXPIRATION`: when the session ends, UTC RFC 3339 with `Z` (the name the AWS CLI's
/// `configure export-credentials` uses).
pub const CREDENTIAL_EXPIRATION: &str = "AWS_CREDENTIAL_EXPIRATION";
/// `AWS_REGION`: set only when the region came from `--region` or the profile.
pub const REGION: &str = "AWS_REGION";
/// `AWS_DEFAULT_REGION`: the AWS CLI's name for the region; set together with [`REGION`].
pub const DEFAULT_REGION: &str = "AWS_DEFAULT_REGION";

/// The variables `--unset` removes: the credentials and their expiration. The region variables are left
/// alone, since a user's region outlives a session.
pub const MANAGED: [&str; 5] = [
    ACCESS_KEY_ID,
    SECRET_ACCESS_KEY,
    SESSION_TOKEN,
    SECURITY_TOKEN,
    CREDENTIAL_EXPIRATION,
];

/// The shell (or format) to write statements for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum Shell {
    /// GNU bash: `export NAME='value'`.
    Bash,
    /// zsh: `export NAME='value'`.
    Zsh,
    /// POSIX sh (dash, mksh, busybox ash, ksh): `export NAME='value'`.
    Sh,
    /// fish: `set -gx NAME 'value'`.
    Fish,
    /// PowerShell 5.1 and 7 (`pwsh`): `$env:NAME = 'value'`.
    #[value(alias = "pwsh")]
    Powershell,
    /// Windows cmd.exe: `set "NAME=value"`.
    Cmd,
    /// elvish: `set-env NAME 'value'`.
    Elvish,
    /// A credential_process document (JSON, Version 1).
    Json,
    /// Plain `NAME=value` lines (for `env`, docker `--env-file`, dotenv).
    Env,
}

impl Shell {
    /// The name used on the command line (`--shell NAME`).
    pub fn name(self) -> &'static str {
        match self {
            Shell::Bash => "bash",
            Shell::Zsh => "zsh",
            Shell::Sh => "sh",
            Shell::Fish => "fish",
            Shell::Powershell => "powershell",
            Shell::Cmd => "cmd",
            Shell::Elvish => "elvish",
            Shell::Json => "json",
            Shell::Env => "env",
        }
    }
}

/// One statement: set a variable to a value, or remove it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Op<'a> {
    /// Set `NAME` to the value.
    Set(&'static str, &'a str),
    /// Remove `NAME` from the environment.
    Unset(&'static str),
}

/// The statements that install `session`, in the order every shell gets them: access key id, secret access
/// key, session token, expiration, then region (`AWS_REGION`, `AWS_DEFAULT_REGION`) when `region` is given,
/// and last the removal of the legacy `AWS_SECURITY_TOKEN`.
pub fn export_ops<'a>(session: &'a Session, region: Option<&'a str>) -> Vec<Op<'a>> {
    let mut ops = vec![
        Op::Set(ACCESS_KEY_ID, &session.access_key_id),
        Op::Set(SECRET_ACCESS_KEY, session.secret_access_key.expose()),
        Op::Set(SESSION_TOKEN, session.session_token.expose()),
        Op::Set(CREDENTIAL_EXPIRATION, &session.expiration),
    ];
    if let Some(region) = region {
        ops.push(Op::Set(REGION, region));
        ops.push(Op::Set(DEFAULT_REGION, region));
    }
    ops.push(Op::Unset(SECURITY_TOKEN));
    ops
}

/// The statements that remove every variable in [`MANAGED`].
pub fn unset_ops() -> Vec<Op<'static>> {
    MANAGED.iter().map(|name| Op::Unset(name)).collect()
}

/// Renders `session` for `shell`: the full text for stdout, each statement on its own line.
///
/// Errors: [`Kind::UnsafeValue`] when a value cannot be held safely by that shell.
pub fn export(shell: Shell, session: &Session, region: Option<&str>) -> Result<String> {
    match shell {
        Shell::Json => json::document(session),
        _ => render_ops(shell, &export_ops(session, region)),
    }
}

/// Renders the removal of every managed variable for `shell`.
///
/// Errors: [`Kind::Usage`] for `json` and `env`, which have no way to remove a variable.
pub fn unset(shell: Shell) -> Result<String> {
    match shell {
        Shell::Json | Shell::Env => Err(Error::usage(format!(
            "--unset has no form for --shell {}; pick a shell",
            shell.name()
        ))),
        _ => render_ops(shell, &unset_ops()),
    }
}

/// Renders statements for a shell, one per line, each line ending in `\n` (`\r\n` for cmd).
///
/// Errors: [`Kind::UnsafeValue`] naming the variable and the reason when a value is refused; [`Kind::Usage`]
/// for `json`, which is not a list of statements.
pub fn render_ops(shell: Shell, ops: &[Op<'_>]) -> Result<String> {
    let mut out = String::new();
    for op in ops {
        let line = match (shell, *op) {
            (Shell::Bash | Shell::Zsh | Shell::Sh, Op::Set(n, v)) => posix::set(n, v),
            (Shell::Bash | Shell::Zsh | Shell::Sh, Op::Unset(n)) => Ok(posix::unset(n)),
            (Shell::Fish, Op::Set(n, v)) => fish::set(n, v),
            (Shell::Fish, Op::Unset(n)) => Ok(fish::unset(n)),
            (Shell::Powershell, Op::Set(n, v)) => powershell::set(n, v),
            (Shell::Powershell, Op::Unset(n)) => Ok(powershell::unset(n)),
            (Shell::Cmd, Op::Set(n, v)) => cmd::set(n, v),
            (Shell::Cmd, Op::Unset(n)) => Ok(cmd::unset(n)),
            (Shell::Elvish, Op::Set(n, v)) => elvish::set(n, v),
            (Shell::Elvish, Op::Unset(n)) => Ok(elvish::unset(n)),
            (Shell::Env, Op::Set(n, v)) => env::set(n, v),
            // A plain NAME=value list cannot remove a variable; leaving it out is the only honest form.
            (Shell::Env, Op::Unset(_)) => continue,
            (Shell::Json, _) => {
                return Err(Error::usage(
                    "--shell json prints a credential_process document, not statements",
                ));
            }
        };
        let line = line.map_err(|refused| {
            Error::new(
                Kind::UnsafeValue,
                format!(
                    "the value of {} holds {}, which {} cannot hold safely; nothing was written (try --shell json)",
                    op_name(op),
                    refused.0,
                    shell.name()
                ),
            )
        })?;
        out.push_str(&line);
        out.push_str(if shell == Shell::Cmd { "\r\n" } else { "\n" });
    }
    Ok(out)
}

fn op_name(op: &Op<'_>) -> &'static str {
    match op {
        Op::Set(n, _) | Op::Unset(n) => n,
    }
}

/// Why a quoting function refused a value: a short description of the offending character, such as
/// `"a NUL byte"`. Never holds the value itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Refused(pub &'static str);

/// Refuses NUL, which no environment variable can hold on any platform (environment strings are
/// NUL-terminated in POSIX `environ` and in the Windows environment block).
pub(crate) fn refuse_nul(value: &str) -> std::result::Result<(), Refused> {
    if value.contains('\0') {
        Err(Refused("a NUL byte"))
    } else {
        Ok(())
    }
}
