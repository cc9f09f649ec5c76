//! The MFA serial number and the token code: where they come from and what shape they must have.
//!
//! Shapes (STS API reference, GetSessionToken): `SerialNumber` is 9–256 characters of `[\w+=/:,.@-]` — the
//! ARN of a virtual device (`arn:aws:iam::123456789012:mfa/user`) or a hardware device's serial; `TokenCode`
//! is exactly 6 digits.

use crate::error::{Error, Kind, Result};
use std::io::{BufRead, IsTerminal};

/// A serial number that passed [`check_serial`], with the partition its ARN names (if it is an ARN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Serial {
    /// As given.
    pub value: String,
    /// `aws`, `aws-cn`, `aws-us-gov`, … for an ARN; `None` for a hardware serial.
    pub partition: Option<String>,
}

fn serial_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || "_+=/:,.@-".contains(c)
}

/// Checks an MFA serial number's shape before any call.
///
/// Errors ([`Kind::Config`]): an ARN that is not `arn:<partition>:iam::<12 digits>:mfa/<path/name>` (a
/// `:user/` ARN gets a hint to use the `:mfa/` one), or a hardware serial outside 9–256 characters of
/// `[\w+=/:,.@-]`.
pub fn check_serial(value: &str, origin: &str) -> Result<Serial> {
    let bad = |why: &str| Error::config(format!("MFA serial number {value:?} ({origin}) {why}"));
    if let Some(rest) = value.strip_prefix("arn:") {
        let parts: Vec<&str> = rest.splitn(5, ':').collect();
        let [partition, service, region, account, resource] = parts[..] else {
            return Err(bad(
                "is not an ARN of the form arn:aws:iam::123456789012:mfa/NAME",
            ));
        };
        let partition_ok = partition.starts_with("aws")
            && partition
                .chars()
                .all(|c| c.is_ascii_lowercase() || c == '-');
        let account_ok = account.len() == 12 && account.chars().all(|c| c.is_ascii_digit());
        if let Some(user) = resource.strip_prefix("user/") {
            return Err(bad(&format!(
                "is a user ARN; use the MFA device ARN instead, e.g. arn:{partition}:iam::{account}:mfa/{user} (IAM console → Security credentials → MFA)"
            )));
        }
        let name = resource.strip_prefix("mfa/").unwrap_or("");
        let name_ok = !name.is_empty()
            && !name.ends_with('/')
            && name.chars().all(|c| c != ':' && serial_char(c));
        if !(partition_ok && service == "iam" && region.is_empty() && account_ok && name_ok)
            || value.len() > 256
        {
            return Err(bad(
                "is not an ARN of the form arn:aws:iam::123456789012:mfa/NAME",
            ));
        }
        return Ok(Serial {
            value: value.to_string(),
            partition: Some(partition.to_string()),
        });
    }
    if !(9..=256).contains(&value.len()) || !value.chars().all(serial_char) {
        return Err(bad(
            "is neither an MFA device ARN nor a hardware serial (9–256 characters of letters, digits and _+=/:,.@-)",
        ));
    }
    Ok(Serial {
        value: value.to_string(),
        partition: None,
    })
}

/// Checks a token code: white space (CR included) around it is dropped, leading zeros are kept, and
/// exactly 6 ASCII digits must remain.
///
/// Errors ([`Kind::Config`]): anything else. The code itself is not repeated in the message.
pub fn check_token_code(raw: &str) -> Result<String> {
    let code = raw.trim();
    if code.len() == 6 && code.bytes().all(|b| b.is_ascii_digit()) {
        Ok(code.to_string())
    } else {
        Err(Error::config(
            "the token code must be exactly 6 digits (the current code of your MFA device)",
        ))
    }
}

/// Gets the token code: `--token-code`; else one line from stdin when stdin is not a terminal; else (or
/// when that line is missing) a prompt naming the serial on the controlling terminal, not echoed.
///
/// Errors: [`Kind::Config`] when there is no code and no terminal to ask on (never waits), or the code has
/// the wrong shape; [`Kind::Interrupted`] when the prompt was interrupted.
pub fn token_code(flag: Option<&str>, serial: &str) -> Result<String> {
    if let Some(code) = flag {
        return check_token_code(code);
    }
    let stdin = std::io::stdin();
    if !stdin.is_terminal() {
        let mut line = String::new();
        stdin
            .lock()
            .read_line(&mut line)
            .map_err(|e| Error::config(format!("cannot read the token code from stdin: {e}")))?;
        if !line.trim().is_empty() {
            return check_token_code(&line);
        }
    }
    prompt(serial).and_then(|code| check_token_code(&code))
}

fn prompt(serial: &str) -> Result<String> {
    // rpassword turns the terminal's ISIG off and, on Ctrl-C, raises SIGINT itself before it restores the
    // terminal; with the default action that kills the process with echo still off. A handler that only
    // records the signal lets rpassword return, restore the terminal, and awsmfa exit 130.
    #[cfg(unix)]
    let interrupted = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
    #[cfg(unix)]
    let handler =
        signal_hook::flag::register(signal_hook::consts::SIGINT, interrupted.clone()).ok();
    let answer = rpassword::prompt_password(format!("MFA code for {serial}: "));
    #[cfg(unix)]
    {
        if let Some(id) = handler {
            signal_hook::low_level::unregister(id);
        }
        if interrupted.load(std::sync::atomic::Ordering::SeqCst) {
            return Err(Error::new(
                Kind::Interrupted,
                "interrupted at the prompt; nothing was changed",
            ));
        }
    }
    answer.map_err(|e| match e.kind() {
        std::io::ErrorKind::Interrupted => {
            Error::new(Kind::Interrupted, "interrupted at the prompt; nothing was changed")
        }
        _ => Error::config(
            "no token code: pass --token-code CODE, pipe the code on stdin, or run awsmfa in a terminal",
        ),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_device_arns_and_hardware_serials() {
        let s = check_serial("arn:aws:iam::123456789012:mfa/path/alice", "t").unwrap();
        assert_eq!(s.partition.as_deref(), Some("aws"));
        let s = check_serial("arn:aws-cn:iam::123456789012:mfa/bob", "t").unwrap();
        assert_eq!(s.partition.as_deref(), Some("aws-cn"));
        assert_eq!(check_serial("GAHT12345678", "t").unwrap().partition, None);
    }

    #[test]
    fn refuses_bad_serials_with_a_hint_for_user_arns() {
        let e = check_serial("arn:aws:iam::123456789012:user/alice", "t").unwrap_err();
        assert!(
            e.message.contains("arn:aws:iam::123456789012:mfa/alice"),
            "{e}"
        );
        for bad in [
            "arn:aws:iam::12345:mfa/a",
            "arn:aws:sts::123456789012:mfa/a",
            "arn:aws:iam::123456789012:mfa/",
            "short",
            "has space in it",
        ] {
            assert!(check_serial(bad, "t").is_err(), "{bad}");
        }
    }

    #[test]
    fn token_codes_keep_leading_zeros_and_must_be_six_digits() {
        assert_eq!(check_token_code(" 012345\r\n").unwrap(), "012345");
        for bad in ["12345", "1234567", "12345a", "１２３４５６", ""] {
            assert!(check_token_code(bad).is_err(), "{bad}");
        }
    }
}
