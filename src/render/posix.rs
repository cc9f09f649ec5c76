//! POSIX shells: bash, zsh, dash, mksh, busybox ash.
//!
//! Rule (POSIX.1-2017, Shell Command Language, 2.2.2 "Single-Quotes"): inside `'…'` every byte is literal, and
//! a single quote cannot occur; it is written by closing the quotes, adding `\'`, and reopening. The quoting is
//! done by `shell_escape::unix::escape`, which also leaves purely safe words unquoted.

use super::{Refused, refuse_nul};
use std::borrow::Cow;

/// Quotes `value` as one POSIX shell word that reads back byte for byte.
///
/// Errors: a NUL byte ([`Refused`]).
pub fn quote(value: &str) -> Result<String, Refused> {
    refuse_nul(value)?;
    Ok(shell_escape::unix::escape(Cow::Borrowed(value)).into_owned())
}

/// `export NAME=<quoted value>`.
pub fn set(name: &str, value: &str) -> Result<String, Refused> {
    Ok(format!("export {name}={}", quote(value)?))
}

/// `unset NAME`.
pub fn unset(name: &str) -> String {
    format!("unset {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_single_quote_and_keeps_safe_words_bare() {
        assert_eq!(quote("abc/+=").unwrap(), "abc/+=");
        assert_eq!(quote("").unwrap(), "''");
        assert_eq!(quote("a'b").unwrap(), r"'a'\''b'");
        assert_eq!(quote("$x `y`").unwrap(), "'$x `y`'");
    }

    #[test]
    fn refuses_nul() {
        assert_eq!(quote("a\0b"), Err(Refused("a NUL byte")));
    }
}
