//! PowerShell (Windows PowerShell 5.1 and PowerShell 7).
//!
//! Rule (PowerShell Language Specification 3.0, §2.3.5.2 "String literals", `verbatim-string-literal` and
//! `single-quote-character`): a single-quoted string is delimited by any of U+0027 `'`, U+2018 `‘`, U+2019 `’`,
//! U+201A `‚`, U+201B `‛`; inside it a quote character is written by doubling it, and nothing else is special —
//! no `$` expansion, no backtick escapes, newlines literal.
//!
//! Two facts outside the tokenizer narrow what can be delivered: PowerShell captures a native command's output
//! as lines (splitting at CR, LF and CRLF) and `Out-String` rejoins them with the platform's newline, so a CR
//! or LF inside a value would not survive `Invoke-Expression (awsmfa | Out-String)`; and before PowerShell 7.5
//! assigning `''` to `$env:NAME` removes the variable (about_Environment_Variables). Such values are refused.
//! So are non-ASCII characters: on Windows, PowerShell decodes a native command's output with
//! `[Console]::OutputEncoding`, by default the console's OEM code page, where UTF-8 bytes can turn into
//! quote characters (in code pages 874, 1252 and 1258, bytes 0x91, 0x92 and 0x82 are U+2018, U+2019 and
//! U+201A) and close the string early.

use super::{Refused, refuse_nul};

/// The characters PowerShell's tokenizer treats as a single quote.
pub const SINGLE_QUOTES: [char; 5] = ['\'', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}'];

/// Quotes `value` as a verbatim (single-quoted) string literal that reads back exactly.
///
/// Errors ([`Refused`]): a NUL byte, a CR or LF, a non-ASCII character, or the empty string.
pub fn quote(value: &str) -> Result<String, Refused> {
    refuse_nul(value)?;
    if value.contains(['\r', '\n']) {
        return Err(Refused(
            "a line break, which PowerShell's line capture would rewrite",
        ));
    }
    if value.is_empty() {
        return Err(Refused(
            "nothing (an empty value removes the variable before PowerShell 7.5)",
        ));
    }
    if !value.is_ascii() {
        return Err(Refused(
            "non-ASCII characters, which PowerShell reads in the console code page",
        ));
    }
    let mut out = String::with_capacity(value.len() + 2);
    out.push('\'');
    for c in value.chars() {
        if SINGLE_QUOTES.contains(&c) {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    Ok(out)
}

/// `$env:NAME = <quoted value>`.
pub fn set(name: &str, value: &str) -> Result<String, Refused> {
    Ok(format!("$env:{name} = {}", quote(value)?))
}

/// `Remove-Item -LiteralPath Env:NAME -ErrorAction SilentlyContinue`: quiet when the variable is absent.
pub fn unset(name: &str) -> String {
    format!("Remove-Item -LiteralPath Env:{name} -ErrorAction SilentlyContinue")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn doubles_every_kind_of_single_quote() {
        // Only ASCII reaches PowerShell now; the doubling of all five stays right should that change.
        assert_eq!(quote("a'b").unwrap(), "'a''b'");
        assert!(quote("a‘b").is_err());
        assert_eq!(quote("$x `n").unwrap(), "'$x `n'");
    }

    #[test]
    fn refuses_line_breaks_and_empty_values() {
        for bad in ["a\nb", "a\rb", "", "\0"] {
            assert!(quote(bad).is_err(), "{bad:?}");
        }
    }
}
