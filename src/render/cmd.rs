//! Windows cmd.exe.
//!
//! Rule (`help set`, `help cmd`, and cmd's parser as measured under Wine, see shared/DESIGN.md §2): in
//! `set "NAME=value"` the characters `& | < > ^ ( )` are literal because they stand inside double quotes. No
//! escape works in every mode for the rest: `%` is expanded again by `call` and in batch files, `!` is eaten
//! when delayed expansion is on, `"` ends the quoting, and CR or LF end the line. Values holding any of those
//! are refused, and so is Ctrl-Z (U+001A), which cmd's batch reader treats as a line end. So are the empty string (`set "NAME="` removes the variable) and non-ASCII characters: cmd
//! reads a batch file in the console's OEM code page (437, 850, …), so UTF-8 bytes would arrive altered unless
//! the user switched to code page 65001 (measured under Wine; real credentials are ASCII). A line may hold at
//! most 8,191 characters (the cmd.exe command-line limit).

use super::{Refused, refuse_nul};

/// The longest line cmd.exe reads (Microsoft: "Command prompt (Cmd.exe) command-line string limitation").
pub const MAX_LINE: usize = 8191;

/// Checks that `value` can stand literally inside `set "NAME=…"` and returns it unchanged.
///
/// Errors ([`Refused`]): NUL, CR, LF, Ctrl-Z, `"`, `%`, `!`, non-ASCII characters, the empty string.
pub fn quote(value: &str) -> Result<String, Refused> {
    refuse_nul(value)?;
    if value.is_empty() {
        return Err(Refused("nothing (set \"NAME=\" removes the variable)"));
    }
    if !value.is_ascii() {
        return Err(Refused(
            "non-ASCII characters, which cmd reads in the OEM code page",
        ));
    }
    for (c, why) in [
        ('\r', "a carriage return"),
        ('\n', "a line feed"),
        ('"', "a double quote"),
        ('%', "a percent sign"),
        ('!', "an exclamation mark"),
        (
            '\u{1A}',
            "a Ctrl-Z, which cmd's batch reader takes for a line end",
        ),
    ] {
        if value.contains(c) {
            return Err(Refused(why));
        }
    }
    Ok(value.to_string())
}

/// `set "NAME=value"`.
///
/// Errors: as [`quote`], and a line longer than [`MAX_LINE`] characters.
pub fn set(name: &str, value: &str) -> Result<String, Refused> {
    let line = format!("set \"{name}={}\"", quote(value)?);
    if line.encode_utf16().count() > MAX_LINE {
        return Err(Refused(
            "more characters than cmd's 8,191-character line limit",
        ));
    }
    Ok(line)
}

/// `set "NAME="`, which removes the variable.
pub fn unset(name: &str) -> String {
    format!("set \"{name}=\"")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keeps_metacharacters_literal_inside_quotes() {
        assert_eq!(set("A", "x&y|z<>^()").unwrap(), "set \"A=x&y|z<>^()\"");
    }

    #[test]
    fn refuses_what_no_mode_keeps_literal() {
        for bad in [
            "a%b", "a!b", "a\"b", "a\nb", "a\rb", "a\0b", "", "é", "a\u{1A}b",
        ] {
            assert!(quote(bad).is_err(), "{bad:?}");
        }
    }

    #[test]
    fn refuses_lines_over_the_limit() {
        assert!(set("A", &"x".repeat(8000)).is_ok());
        assert!(set("A", &"x".repeat(8190)).is_err());
    }
}
