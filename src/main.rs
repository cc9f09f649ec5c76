//! The `awsmfa` binary: parse, run, write stdout once, map errors to exit statuses.

use awsmfa::error::Kind;
use clap::Parser;
use std::io::Write;
use std::process::ExitCode;

fn main() -> ExitCode {
    let cli = match awsmfa::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // Help and version go to stdout with status 0; usage errors to stderr with status 2.
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() {
                Kind::Usage.exit_code()
            } else {
                0
            });
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
