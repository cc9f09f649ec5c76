//! Plain `NAME=value` lines, as read by `env`, docker's `--env-file` and most dotenv loaders.
//!
//! There is no quoting in this format: the value runs to the end of the line, so values holding a line
//! break (or NUL) are refused.

use super::{Refused, refuse_nul};

/// `NAME=value`.
///
/// Errors ([`Refused`]): NUL, CR, LF.
pub fn set(name: &str, value: &str) -> Result<String, Refused> {
    refuse_nul(value)?;
    if value.contains(['\r', '\n']) {
        return Err(Refused("a line break"));
    }
    Ok(format!("{name}={value}"))
}
