//! elvish.
//!
//! Rule (elvish language reference, "String" → single-quoted strings): every character between the quotes
//! is literal, newlines included, except `'` itself, which is written as `''`.

use super::{Refused, refuse_nul};

/// Quotes `value` as an elvish single-quoted string that reads back exactly.
///
/// Errors: a NUL byte ([`Refused`]).
pub fn quote(value: &str) -> Result<String, Refused> {
    refuse_nul(value)?;
    Ok(format!("'{}'", value.replace('\'', "''")))
}

/// `set-env NAME <quoted value>`.
pub fn set(name: &str, value: &str) -> Result<String, Refused> {
    Ok(format!("set-env {name} {}", quote(value)?))
}

/// `unset-env NAME`.
pub fn unset(name: &str) -> String {
    format!("unset-env {name}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_single_quotes() {
        assert_eq!(quote("it's $x").unwrap(), "'it''s $x'");
    }
}
