//! The one error type of awsmfa: a kind that fixes the exit status, and a one-line message that names the
//! cause and the remedy. Messages never hold a secret: callers build them from names, paths and AWS error codes.

use std::fmt;

/// What went wrong, as far as the exit status is concerned. The numbers are documented in README.md
/// ("Exit codes") and are part of the command-line interface.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// 1: an unexpected failure inside awsmfa or of the machine (writing stdout, a cache file, a bug).
    Internal,
    /// 2: the command line is wrong (clap reports these itself, with the same code).
    Usage,
    /// 3: configuration or input: profile, keys, MFA serial number, token code, duration, region, terminal.
    Config,
    /// 4: STS rejected the MFA token code or the MFA serial number.
    MfaRejected,
    /// 5: any other answer from AWS that is an error (unknown key, bad signature, throttling, bad answer).
    Aws,
    /// 6: STS could not be reached, or did not answer in time.
    Network,
    /// 7: a value cannot be written safely for the target shell, so nothing was written.
    UnsafeValue,
    /// 130: interrupted (Ctrl-C) at the prompt.
    Interrupted,
}

impl Kind {
    /// The process exit status for this kind (see README.md, "Exit codes").
    pub fn exit_code(self) -> u8 {
        match self {
            Kind::Internal => 1,
            Kind::Usage => 2,
            Kind::Config => 3,
            Kind::MfaRejected => 4,
            Kind::Aws => 5,
            Kind::Network => 6,
            Kind::UnsafeValue => 7,
            Kind::Interrupted => 130,
        }
    }
}

/// An error with its exit-status kind and a one-line, secret-free message.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// Decides the exit status.
    pub kind: Kind,
    /// One line: what happened and what to do about it.
    pub message: String,
}

impl Error {
    /// An error of `kind`; newlines in `message` are folded so the message stays one line.
    pub fn new(kind: Kind, message: impl Into<String>) -> Self {
        Error {
            kind,
            message: one_line(&message.into()),
        }
    }

    /// Shorthand for [`Kind::Config`].
    pub fn config(message: impl Into<String>) -> Self {
        Error::new(Kind::Config, message)
    }

    /// Shorthand for [`Kind::Usage`].
    pub fn usage(message: impl Into<String>) -> Self {
        Error::new(Kind::Usage, message)
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.message)
    }
}

impl std::error::Error for Error {}

/// Result with awsmfa's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Folds text from elsewhere (a server, a child process, a parser) into one printable line: control
/// characters become spaces, runs of white space collapse, and the text is cut at 300 characters.
pub fn one_line(text: &str) -> String {
    let mut out = String::with_capacity(text.len().min(300));
    let mut last_space = false;
    for c in text.chars() {
        let c = if c.is_control() || c.is_whitespace() {
            ' '
        } else {
            c
        };
        if c == ' ' && last_space {
            continue;
        }
        last_space = c == ' ';
        out.push(c);
    }
    let trimmed = out.trim();
    match trimmed.char_indices().nth(300) {
        Some((i, _)) => format!("{}…", &trimmed[..i]),
        None => trimmed.to_string(),
    }
}

/// Text that came from outside (a server, a file, the environment) made safe for a terminal: every control
/// character becomes `?`, so no escape sequence can reach the screen.
pub fn printable(text: &str) -> String {
    text.chars()
        .map(|c| if c.is_control() { '?' } else { c })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_line_folds_control_characters_and_runs_of_space() {
        assert_eq!(one_line("a\n  b\r\n\tc\u{1b}[31m"), "a b c [31m");
    }

    #[test]
    fn printable_replaces_escape_sequences() {
        assert_eq!(printable("arn\u{1b}]52;c;x\u{7}\r"), "arn?]52;c;x??");
    }

    #[test]
    fn one_line_cuts_long_text() {
        let long = "x".repeat(400);
        assert_eq!(one_line(&long).chars().count(), 301);
    }

    #[test]
    fn exit_codes_are_distinct() {
        let kinds = [
            Kind::Internal,
            Kind::Usage,
            Kind::Config,
            Kind::MfaRejected,
            Kind::Aws,
            Kind::Network,
            Kind::UnsafeValue,
            Kind::Interrupted,
        ];
        let mut codes: Vec<u8> = kinds.iter().map(|k| k.exit_code()).collect();
        codes.sort();
        codes.dedup();
        assert_eq!(codes.len(), kinds.len());
    }
}
