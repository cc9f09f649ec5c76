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
    let session = obtain(args, &inputs, &report)?;
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

/// A session for `inputs`: from the cache when a valid one is there (no runtime, no SDK, no socket), else
/// from one GetSessionToken call, under the cache lock so that concurrent runs share one code.
fn obtain(
    args: &ExportArgs,
    inputs: &resolve::Inputs,
    report: &Reporter,
) -> Result<session::Session> {
    use session::cache::{Cache, Key};
    let cache = if args.no_cache {
        None
    } else {
        match Cache::locate() {
            Ok(cache) => Some(cache),
            Err(e) => {
                report.notice(&format!("{}; continuing without it", e.message));
                None
            }
        }
    };
    let key = Key {
        profile: inputs.profile.clone(),
        source: match &inputs.source {
            resolve::source::Source::Keys(keys) => keys.access_key_id.clone(),
            resolve::source::Source::Process { command, .. } => {
                format!("credential_process:{command}")
            }
        },
        serial: inputs.serial.value.clone(),
        partition: resolve::partition_of(&inputs.target.region).to_string(),
        endpoint: inputs.target.endpoint.clone(),
    };
    let margin = resolve::seconds(
        args.min_remaining.as_deref(),
        "--min-remaining",
        "AWSMFA_MIN_REMAINING",
        300,
        0,
    )? as i64;
    // `diagnostics` hears about damaged or short-lived entries: the first look reports them, the look
    // after waiting for the lock does not repeat it.
    let reuse = |cache: &Cache, diagnostics: &Reporter| -> Option<session::Session> {
        let session = cache.fresh(&key, margin, diagnostics)?;
        report.notice(&format!(
            "reusing the cached session of profile {} ({}), expires {} (in {})",
            inputs.profile,
            resolve::source::mask(&session.access_key_id),
            session.expiration,
            session::cache::human(session::cache::seconds_left(&session.expiration).unwrap_or(0))
        ));
        Some(session)
    };
    if let Some(cache) = &cache
        && !args.refresh
        && let Some(session) = reuse(cache, report)
    {
        return Ok(session);
    }
    // Hold the lock from here to the cache write; a run that waited re-checks the cache first.
    let _lock = match &cache {
        Some(cache) => match cache.lock(&key, report) {
            Ok(lock) => Some(lock),
            Err(e) => {
                report.notice(&format!("{}; continuing without the cache lock", e.message));
                None
            }
        },
        None => None,
    };
    if let Some(cache) = &cache
        && !args.refresh
        && let Some(session) = reuse(
            cache,
            &Reporter {
                quiet: true,
                verbose: false,
            },
        )
    {
        return Ok(session);
    }
    let runtime = session::runtime()?;
    let keys = runtime.block_on(session::process::long_term_keys(
        &inputs.source,
        inputs.target.timeout,
    ))?;
    let code = resolve::mfa::token_code(args.token_code.as_deref(), &inputs.serial.value)?;
    let session = runtime.block_on(session::sts::get_session_token(&keys, inputs, &code))?;
    if let Some(cache) = &cache
        && let Err(e) = cache.store(&key, &session)
    {
        report.notice(&format!("{}; the session is not cached", e.message));
    }
    Ok(session)
}

fn clear(args: &cli::ClearArgs) -> Result<String> {
    let report = Reporter {
        quiet: args.quiet,
        verbose: false,
    };
    let cache = session::cache::Cache::locate()?;
    let profile = if args.all {
        None
    } else {
        Some(
            args.profile
                .clone()
                .or_else(|| resolve::env_var("AWS_PROFILE"))
                .unwrap_or_else(|| "default".into()),
        )
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
