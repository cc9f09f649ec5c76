//! POSIX shells: bash, zsh, dash, mksh, busybox ash.
//!
//! Rule (POSIX.1-2017, Shell Command Language, 2.2.2 "Single-Quotes"): inside `'…'` every byte is literal, and
//! a single quote cannot occur; it is written by closing the quotes, adding `\'`, and reopening. The quoting is
//! done by `shell_escape::unix::escape`, which also leaves purely safe words unquoted — except a word starting
//! with `=`, which zsh would expand as a command path (zshexpn(1), "`=` expansion", option EQUALS, on by
//! default even under `zsh -f`), so such a word is single-quoted here.

use super::{Refused, refuse_nul};
use std::borrow::Cow;

/// Quotes `value` as one POSIX shell word that reads back byte for byte.
///
/// Errors: a NUL byte ([`Refused`]).
pub fn quote(value: &str) -> Result<String, Refused> {
    refuse_nul(value)?;
    match shell_escape::unix::escape(Cow::Borrowed(value)) {
        // Unquoted means every character is in shell-escape's safe set, so none of them is a quote.
        Cow::Borrowed(bare) if bare.starts_with('=') => Ok(format!("'{bare}'")),
        quoted => Ok(quoted.into_owned()),
    }
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
        assert_eq!(quote("=ls").unwrap(), "'=ls'");
        assert_eq!(quote("a=b").unwrap(), "a=b");
    }

    #[test]
    fn refuses_nul() {
        assert_eq!(quote("a\0b"), Err(Refused("a NUL byte")));
    }
}
