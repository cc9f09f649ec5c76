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

use cli::{Cli, Command, ExportArgs};
use error::{Error, Kind, Result};
use report::Reporter;
use std::io::IsTerminal;

/// Runs the command line and returns the text for stdout. Nothing is printed on stdout here, so a failure
/// anywhere leaves stdout empty.
///
/// Errors: see [`error::Kind`] for the kinds and their exit statuses.
pub fn run(cli: Cli) -> Result<String> {
    match cli.command {
        None => export(&cli.export),
        Some(Command::Export(args)) => export(&args),
        Some(Command::Init(args)) => init::script(args.shell, &args.name),
        Some(Command::Completions(args)) => Ok(init::completions(args.shell)),
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
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Error::new(
                Kind::Internal,
                format!("cannot start the async runtime: {e}"),
            )
        })?;
    let keys = runtime.block_on(session::process::long_term_keys(
        &inputs.source,
        inputs.timeout,
    ))?;
    let code = resolve::mfa::token_code(args.token_code.as_deref(), &inputs.serial.value)?;
    let session = runtime.block_on(session::sts::get_session_token(&keys, &inputs, &code))?;
    let region = inputs.export_region.then_some(inputs.region.as_str());
    let text = render::export(shell, &session, region)?;
    if std::io::stdout().is_terminal() {
        report.notice(&apply_hint(shell));
    }
    Ok(text)
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
        Env => "env $(awsmfa --shell env …) COMMAND, or docker --env-file",
    };
    format!(
        "these statements only print; to set the variables in your shell use: {how} (or the mfa function: awsmfa init)"
    )
}
