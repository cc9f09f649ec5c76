//! The `awsmfa` binary: parse, run, write stdout once, map errors to exit statuses.

use awsmfa::error::Kind;
use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match awsmfa::cli::Cli::try_parse() {
        Ok(cli) => cli,
        // Help and version go to stdout with status 0.
        Err(e) if !e.use_stderr() => {
            let mut text = e.render().to_string();
            if !text.ends_with('\n') {
                text.push('\n');
            }
            let mut stdout = std::io::stdout().lock();
            return match stdout
                .write_all(text.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => ExitCode::SUCCESS,
                Err(e) => {
                    awsmfa::report::emit(&format!("error: cannot write to stdout: {e}"));
                    ExitCode::from(Kind::Internal.exit_code())
                }
            };
        }
        // Usage errors: clap's first line (the cause), as one line like every other error, status 2.
        Err(e) => {
            let text = e.render().to_string();
            let cause = text.lines().next().unwrap_or("invalid arguments");
            let cause = cause.strip_prefix("error: ").unwrap_or(cause);
            let values = text
                .lines()
                .map(str::trim)
                .find(|l| l.starts_with("[possible values:"))
                .map(|l| format!(" {l}"))
                .unwrap_or_default();
            awsmfa::report::emit(&format!("error: {cause}{values}; see awsmfa --help"));
            return ExitCode::from(Kind::Usage.exit_code());
        }
    };
    match awsmfa::run(cli) {
        Ok(output) => {
            let mut stdout = std::io::stdout().lock();
            match stdout
                .write_all(output.stdout.as_bytes())
                .and_then(|()| stdout.flush())
            {
                Ok(()) => ExitCode::from(output.exit),
                Err(e) => {
                    awsmfa::report::emit(&format!("error: cannot write to stdout: {e}"));
                    ExitCode::from(Kind::Internal.exit_code())
                }
            }
        }
        Err(e) => {
            awsmfa::report::emit(&format!("error: {}", e.message));
            ExitCode::from(e.kind.exit_code())
        }
    }
}
