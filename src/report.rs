//! Messages to the user on stderr: notices (silenced by `-q`) and details (shown only with `-v`).
//! Everything goes to stderr with an `awsmfa: ` prefix; stdout is reserved for shell statements.

use std::io::Write;

/// Where and how much to tell. Never hand it a secret.
#[derive(Debug, Clone, Copy, Default)]
pub struct Reporter {
    /// `-q`: no notices.
    pub quiet: bool,
    /// `-v`: details too.
    pub verbose: bool,
}

impl Reporter {
    /// A notice the user should normally see (replaced session variables, how to apply output).
    pub fn notice(&self, message: &str) {
        if !self.quiet {
            emit(message);
        }
    }

    /// A detail for `-v`: where an input came from.
    pub fn detail(&self, message: &str) {
        if self.verbose {
            emit(message);
        }
    }
}

/// Writes `awsmfa: <message>` to stderr, ignoring a closed stderr. Control characters in the message
/// (which may quote a server, a file or the environment) are shown as `?`.
pub fn emit(message: &str) {
    let _ = writeln!(
        std::io::stderr().lock(),
        "awsmfa: {}",
        crate::error::printable(message)
    );
}
