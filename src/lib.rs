//! awsmfa: trade an MFA token code for AWS session credentials and print them as statements for a shell.
//!
//! Data flows one way: [`cli`] → [`resolve`] (inputs) → [`session`] (STS) → [`render`] (text) → stdout,
//! written once by [`run`]'s caller only after everything succeeded.

pub mod cli;
pub mod error;
pub mod init;
pub mod render;
pub mod report;
pub mod resolve;
pub mod secret;
pub mod session;
pub mod status;

use cli::{Cli, Command, ExportArgs};
use error::Result;
use report::Reporter;
use std::io::IsTerminal;

/// What a successful run prints on stdout, and its exit status (0 except for `status`).
#[derive(Debug)]
pub struct Output {
    /// The whole text for stdout, written once by the caller.
    pub stdout: String,
    /// The exit status.
    pub exit: u8,
}

impl From<String> for Output {
    fn from(stdout: String) -> Output {
        Output { stdout, exit: 0 }
    }
}

/// Runs the command line and returns the text for stdout. Nothing is printed on stdout here, so a failure
/// anywhere leaves stdout empty.
///
/// Errors: see [`error::Kind`] for the kinds and their exit statuses.
pub fn run(cli: Cli) -> Result<Output> {
    if !matches!(
        cli.command,
        Some(Command::Init(_)) | Some(Command::Completions(_))
    ) {
        resolve::check_environment()?;
    }
    match cli.command {
        None => export(&cli.export).map(Output::from),
        Some(Command::Export(args)) => export(&args).map(Output::from),
        Some(Command::Init(args)) => init::script(args.shell, &args.name).map(Output::from),
        Some(Command::Completions(args)) => Ok(init::completions(args.shell).into()),
        Some(Command::Status(args)) => status::run(&args),
        Some(Command::Clear(args)) => clear(&args).map(Output::from),
    }
}

fn export(args: &ExportArgs) -> Result<String> {
    let report = Reporter {
        quiet: args.quiet,
        verbose: args.verbose,
    };
    if args.unset {
        let shell = resolve::shell(args.shell, &report)?;
        return render::unset(shell);
    }
    let inputs = resolve::resolve(args, &report)?;
    let shell = resolve::shell(args.shell, &report)?;
    let session = session::obtain(&inputs, &report)?;
    let region = inputs
        .export_region
        .then_some(inputs.target.region.as_str());
    let text = render::export(shell, &session, region)?;
    if resolve::source::environment_holds_session() {
        report.notice("the session credentials already in this shell's environment are replaced");
    }
    if let Some(left) = session::cache::seconds_left(&session.expiration)
        && left < EXPIRY_WARNING
    {
        report.notice(&format!(
            "the session expires in {}; run with --refresh for a new one",
            session::cache::human(left)
        ));
    }
    if std::io::stdout().is_terminal() {
        report.notice(&apply_hint(shell));
    }
    Ok(text)
}

/// Below this many seconds left, an export warns that the session is about to end.
pub const EXPIRY_WARNING: i64 = 15 * 60;

fn clear(args: &cli::ClearArgs) -> Result<String> {
    let report = Reporter {
        quiet: args.quiet,
        verbose: false,
    };
    let cache = session::cache::Cache::locate()?;
    let profile = if args.all {
        None
    } else {
        Some(resolve::profile_name(args.profile.as_deref()).0)
    };
    let removed = cache.remove(profile.as_deref())?;
    report.notice(&match &profile {
        Some(p) => format!("removed {removed} cached session(s) of profile {p}"),
        None => format!(
            "removed {removed} cached session(s) from {}",
            cache.dir().display()
        ),
    });
    Ok(String::new())
}

/// How to apply awsmfa's output in `shell`, for a user who ran it bare in a terminal.
fn apply_hint(shell: render::Shell) -> String {
    use render::Shell::*;
    let how = match shell {
        Bash | Zsh | Sh => r#"eval "$(awsmfa …)""#,
        Fish => "awsmfa … | source",
        Powershell => "Invoke-Expression (awsmfa … | Out-String)",
        Cmd => "the mfa.cmd wrapper (awsmfa init cmd)",
        Elvish => "eval (awsmfa … | slurp)",
        Json => "credential_process = awsmfa --shell json … in a profile",
        Env => {
            "docker run --env-file <(awsmfa --shell env …) … (values are not quoted: never splice them into a command line)"
        }
    };
    format!(
        "these statements only print; to set the variables in your shell use: {how} (or the mfa function: awsmfa init)"
    )
}
