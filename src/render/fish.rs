//! fish.
//!
//! Rule (fish manual, "Quotes"): inside single quotes the only escapes are `\'` (a quote) and `\\` (a
//! backslash); every other character, newline included, is literal. So `\` becomes `\\` and `'` becomes `\'`.
//! (POSIX-style `'\''` is wrong for fish: there `\\` inside quotes reads as one backslash.)

use super::{Refused, refuse_nul};

/// Quotes `value` as one fish single-quoted string that reads back exactly.
///
/// Errors: a NUL byte ([`Refused`]).
pub fn quote(value: &str) -> Result<String, Refused> {
    refuse_nul(value)?;
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if c == '\\' || c == '\'' {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('\'');
    Ok(out)
}

/// `set -gx NAME <quoted value>`: global and exported.
pub fn set(name: &str, value: &str) -> Result<String, Refused> {
    Ok(format!("set -gx {name} {}", quote(value)?))
}

/// `set -e NAME; or true`: erases the variable; `set -e` returns 4 when it is absent, which would make
/// `awsmfa | source` fail, hence `or true`.
pub fn unset(name: &str) -> String {
    format!("set -e {name}; or true")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_backslash_and_quote_only() {
        assert_eq!(quote(r"a\b'c$d").unwrap(), r"'a\\b\'c$d'");
        assert_eq!(quote("\\").unwrap(), r"'\\'");
        assert_eq!(quote("").unwrap(), "''");
    }
}
