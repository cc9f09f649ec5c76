//! The command line (clap derive types only). `export` is the default command, so a bare `awsmfa` does the
//! main job.

use crate::render::Shell;
use clap::{Args, Parser, Subcommand};

/// Trade an MFA token code for AWS session credentials and print them as statements for your shell.
///
/// bash/zsh/sh: eval "$(awsmfa)"   fish: awsmfa | source   PowerShell: Invoke-Expression (awsmfa | Out-String)
#[derive(Debug, Parser)]
#[command(name = "awsmfa", version, args_conflicts_with_subcommands = true)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Option<Command>,

    #[command(flatten)]
    pub export: ExportArgs,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Get session credentials and print them for a shell (the default command).
    Export(ExportArgs),
    /// Print a shell function (default name `mfa`) that runs awsmfa and applies its output to the current
    /// shell; add `eval "$(awsmfa init bash)"` (or the line for your shell) to your shell's start-up file.
    Init(InitArgs),
    /// Print a completion script for awsmfa's own arguments.
    Completions(CompletionsArgs),
    /// Describe the credentials this shell holds (and the cached sessions), calling STS GetCallerIdentity
    /// unless --offline. Exit status: 0 valid session, 10 expired or expiring within 15 minutes, 11 no
    /// session credentials, 12 the GetCallerIdentity call failed.
    Status(StatusArgs),
    /// Remove cached sessions: those of the profile ($AWS_PROFILE, else "default"), or all with --all.
    Clear(ClearArgs),
}

/// Options of `awsmfa status`.
#[derive(Debug, Args, Clone)]
pub struct StatusArgs {
    /// Do not call STS GetCallerIdentity.
    #[arg(long)]
    pub offline: bool,

    /// Output format.
    #[arg(long, value_enum, default_value = "text")]
    pub format: StatusFormat,

    /// Seconds to wait for STS, connection included [default: $AWSMFA_TIMEOUT, else 10].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<String>,
}

/// How `awsmfa status` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    /// Lines for people.
    Text,
    /// One JSON object for scripts.
    Json,
}

/// Options of `awsmfa clear`.
#[derive(Debug, Args, Clone)]
pub struct ClearArgs {
    /// Remove the cached sessions of this profile [default: $AWS_PROFILE, else "default"].
    #[arg(long, value_name = "NAME", conflicts_with = "all")]
    pub profile: Option<String>,

    /// Remove every cached session.
    #[arg(long)]
    pub all: bool,

    /// Print nothing on stderr but errors.
    #[arg(short, long)]
    pub quiet: bool,
}

/// Options of `awsmfa init`.
#[derive(Debug, Args, Clone)]
pub struct InitArgs {
    /// The shell to print the function for.
    #[arg(value_enum)]
    pub shell: InitShell,

    /// Name of the function to define.
    #[arg(long = "cmd", value_name = "NAME", default_value = "mfa")]
    pub name: String,
}

/// Shells `awsmfa init` has a function for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum InitShell {
    /// GNU bash.
    Bash,
    /// zsh.
    Zsh,
    /// POSIX sh (dash, mksh, busybox ash, ksh).
    Sh,
    /// fish.
    Fish,
    /// PowerShell 5.1 and 7.
    #[value(alias = "pwsh")]
    Powershell,
    /// Windows cmd.exe (save the output as mfa.cmd on PATH).
    Cmd,
    /// elvish.
    Elvish,
}

/// Options of `awsmfa completions`.
#[derive(Debug, Args, Clone)]
pub struct CompletionsArgs {
    /// The shell to print completions for.
    #[arg(value_enum)]
    pub shell: clap_complete::Shell,
}

/// Options of `awsmfa export`.
#[derive(Debug, Args, Clone)]
pub struct ExportArgs {
    /// Profile holding the long-term access keys [default: $AWS_PROFILE, else "default"].
    #[arg(long, value_name = "NAME")]
    pub profile: Option<String>,

    /// MFA serial number: the device ARN (arn:aws:iam::123456789012:mfa/alice) or a hardware serial
    /// [default: $AWS_MFA_SERIAL, else mfa_serial of the profile or of its source_profile].
    #[arg(long, visible_alias = "mfa-serial", value_name = "SERIAL")]
    pub serial_number: Option<String>,

    /// The 6-digit token code [default: one line from stdin when it is not a terminal, else a prompt on
    /// the terminal].
    #[arg(long, value_name = "CODE")]
    pub token_code: Option<String>,

    /// Session length in seconds, 900 to 129600 [default: duration_seconds of the profile, else STS's
    /// default of 43200].
    #[arg(long, value_name = "SECONDS")]
    pub duration_seconds: Option<String>,

    /// Region whose STS endpoint is called [default: $AWS_REGION, $AWS_DEFAULT_REGION, region of the
    /// profile or its source_profile, else us-east-1].
    #[arg(long, value_name = "REGION")]
    pub region: Option<String>,

    /// Shell to print statements for [default: detected from the parent process, else $SHELL].
    #[arg(long, value_enum, value_name = "SHELL")]
    pub shell: Option<Shell>,

    /// Print statements that remove the credential variables awsmfa sets; no AWS call.
    #[arg(long)]
    pub unset: bool,

    /// Seconds to wait for STS, connection included [default: $AWSMFA_TIMEOUT, else 10].
    #[arg(long, value_name = "SECONDS")]
    pub timeout: Option<String>,

    /// Get a new session even when a cached one is still valid (and replace the cached one).
    #[arg(long, conflicts_with = "no_cache")]
    pub refresh: bool,

    /// Neither read nor write the session cache.
    #[arg(long)]
    pub no_cache: bool,

    /// Reuse a cached session only while more than this many seconds of it remain [default:
    /// $AWSMFA_MIN_REMAINING, else 300].
    #[arg(long, value_name = "SECONDS")]
    pub min_remaining: Option<String>,

    /// Print nothing on stderr but errors.
    #[arg(short, long, conflicts_with = "verbose")]
    pub quiet: bool,

    /// Tell where each input came from (profile, files, serial, region, endpoint); never a secret.
    #[arg(short, long)]
    pub verbose: bool,
}
