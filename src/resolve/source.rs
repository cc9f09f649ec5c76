//! Where the long-term access key comes from. GetSessionToken must be signed with an IAM user's long-term
//! keys (STS API reference, GetSessionToken: "you must call the API using the long-term AWS security
//! credentials"); session credentials are refused by STS, so awsmfa refuses them first.
//!
//! Order: `AWS_ACCESS_KEY_ID` + `AWS_SECRET_ACCESS_KEY` when no `--profile` was given and no session token
//! comes with them; else the profile's static keys; else its `credential_process`; else its
//! `source_profile`, followed up to a depth of 8. Instance metadata, ECS, SSO and web identity are never
//! consulted.

use super::env_var;
use super::profile::Files;
use crate::error::{Error, Result};
use crate::report::Reporter;
use crate::secret::Secret;

/// Long-term keys, or how to get them.
#[derive(Debug, Clone)]
pub enum Source {
    /// Static keys (environment or profile).
    Keys(LongTermKeys),
    /// A `credential_process` command to run, and the profile it came from.
    Process {
        /// The command line, run by `sh -c` (`cmd.exe /C` on Windows).
        command: String,
        /// The profile that names it.
        profile: String,
    },
}

/// An IAM user's long-term access key.
#[derive(Debug, Clone)]
pub struct LongTermKeys {
    /// `AKIA…`
    pub access_key_id: String,
    /// Never shown.
    pub secret_access_key: Secret,
}

impl LongTermKeys {
    /// Checks the shape of a key pair before it is used: the access key id must be 16–128 word characters
    /// (STS API reference, Credentials: `AccessKeyId`, pattern `[\w]*`), the secret non-empty without white
    /// space or control characters. The HTTP layer cannot carry an id with a control character at all (the
    /// SDK would abort), so this is where such keys are stopped. `origin` names where they came from.
    ///
    /// Errors ([`crate::error::Kind::Config`]): a malformed id or secret; the message never holds the secret.
    pub fn new(access_key_id: &str, secret_access_key: &str, origin: &str) -> Result<LongTermKeys> {
        let id_ok = (16..=128).contains(&access_key_id.len())
            && access_key_id
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'_');
        if !id_ok {
            return Err(Error::config(format!(
                "the access key id from {origin} is malformed (expected 16–128 letters and digits, like AKIAIOSFODNN7EXAMPLE)"
            )));
        }
        if secret_access_key.is_empty()
            || secret_access_key
                .chars()
                .any(|c| c.is_whitespace() || c.is_control())
        {
            return Err(Error::config(format!(
                "the secret access key from {origin} is empty or holds white space or control characters; copy it again"
            )));
        }
        Ok(LongTermKeys {
            access_key_id: access_key_id.to_string(),
            secret_access_key: Secret::new(secret_access_key),
        })
    }

    /// The access key id cut to its first 4 and last 4 characters, for messages.
    pub fn masked_id(&self) -> String {
        mask(&self.access_key_id)
    }
}

/// `AKIA…WXYZ`: enough to tell keys apart in a message, not enough to use them.
pub fn mask(id: &str) -> String {
    let chars: Vec<char> = id.chars().collect();
    if chars.len() <= 8 {
        return "…".into();
    }
    let head: String = chars[..4].iter().collect();
    let tail: String = chars[chars.len() - 4..].iter().collect();
    format!("{head}…{tail}")
}

/// True for session credentials left in the environment by an earlier export: a non-empty
/// `AWS_SESSION_TOKEN`, or an access key id starting `ASIA` (STS-issued).
pub fn environment_holds_session() -> bool {
    env_var("AWS_SESSION_TOKEN").is_some()
        || env_var("AWS_ACCESS_KEY_ID").is_some_and(|k| k.starts_with("ASIA"))
}

/// Decides where the long-term keys come from; `profile_from_cli` is true when `--profile` was given.
///
/// Errors ([`crate::error::Kind::Config`]): the profile is missing, holds session credentials, holds an
/// access key id without its secret, has no keys of any kind, or its `source_profile` chain loops.
pub fn resolve(
    files: &Files,
    profile: &str,
    profile_from_cli: bool,
    report: &Reporter,
) -> Result<Source> {
    if environment_holds_session() {
        report.detail(
            "session credentials in the environment are not a source; they will be replaced",
        );
    } else if !profile_from_cli
        && let (Some(id), Some(secret)) = (
            env_var("AWS_ACCESS_KEY_ID"),
            env_var("AWS_SECRET_ACCESS_KEY"),
        )
    {
        report.detail(&format!(
            "long-term keys: AWS_ACCESS_KEY_ID ({}) from the environment",
            mask(&id)
        ));
        return Ok(Source::Keys(LongTermKeys::new(
            &id,
            &secret,
            "AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY",
        )?));
    }
    from_profile(files, profile, profile_from_cli, report)
}

fn from_profile(
    files: &Files,
    first: &str,
    profile_from_cli: bool,
    report: &Reporter,
) -> Result<Source> {
    if files.get(first, "role_arn").is_some() {
        report.notice(&format!(
            "profile {first:?} has role_arn: awsmfa gets a session for the IAM user (GetSessionToken), not for the role"
        ));
    }
    let mut chain: Vec<&str> = Vec::new();
    let mut name = first;
    loop {
        if chain.contains(&name) || chain.len() >= 8 {
            chain.push(name);
            return Err(Error::config(format!(
                "source_profile chain {} loops or is too deep; point it at the profile with the IAM user's keys",
                chain.join(" → ")
            )));
        }
        chain.push(name);
        if !files.has_profile(name) {
            return Err(files.not_found(name));
        }
        if let Some((token_file, _)) = files
            .get(name, "aws_session_token")
            .or_else(|| files.get(name, "aws_security_token"))
            .map(|(_, f)| (f, ()))
        {
            return Err(Error::config(format!(
                "profile {name:?} in {} holds session credentials (aws_session_token); GetSessionToken needs an IAM user's long-term keys: use the profile that holds them",
                token_file.path.display()
            )));
        }
        let id = files.get(name, "aws_access_key_id");
        let secret = files.get(name, "aws_secret_access_key");
        match (id, secret) {
            (Some((id, file)), Some((secret, _))) => {
                if id.starts_with("ASIA") {
                    return Err(Error::config(format!(
                        "profile {name:?} in {} holds session credentials (access key id ASIA…); GetSessionToken needs an IAM user's long-term keys (AKIA…)",
                        file.path.display()
                    )));
                }
                report.detail(&format!(
                    "long-term keys: profile {name:?} in {} ({})",
                    file.path.display(),
                    mask(id)
                ));
                return Ok(Source::Keys(LongTermKeys::new(
                    id,
                    secret,
                    &format!("profile {name:?} in {}", file.path.display()),
                )?));
            }
            (Some((_, file)), None) | (None, Some((_, file))) => {
                return Err(Error::config(format!(
                    "profile {name:?} in {} has only one of aws_access_key_id and aws_secret_access_key; add the other",
                    file.path.display()
                )));
            }
            (None, None) => {}
        }
        if let Some((command, file)) = files.get(name, "credential_process") {
            report.detail(&format!(
                "long-term keys: credential_process of profile {name:?} in {}",
                file.path.display()
            ));
            return Ok(Source::Process {
                command: command.to_string(),
                profile: name.to_string(),
            });
        }
        match files.get(name, "source_profile") {
            Some((next, _)) => name = next,
            None => {
                let sso = files.get(name, "sso_session").is_some()
                    || files.get(name, "sso_start_url").is_some()
                    || files.get(name, "web_identity_token_file").is_some();
                let why = if sso {
                    " (SSO and web identity profiles give session credentials, which GetSessionToken refuses)"
                } else {
                    ""
                };
                let or_env = if profile_from_cli {
                    ""
                } else {
                    ", or set AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY"
                };
                return Err(Error::config(format!(
                    "profile {name:?} has no long-term keys{why}: add aws_access_key_id and aws_secret_access_key to it in {}, or credential_process{or_env}",
                    files.credentials.path.display()
                )));
            }
        }
    }
}

/// Walks `profile` and its `source_profile` chain (at most 8 profiles) and returns the first value of
/// `key` found, with the profile and file that hold it.
pub fn find_in_chain<'a>(
    files: &'a Files,
    profile: &'a str,
    key: &str,
) -> Option<(&'a str, &'a str, &'a std::path::Path)> {
    let mut name = profile;
    for _ in 0..8 {
        if let Some((value, file)) = files.get(name, key) {
            return Some((value, name, &file.path));
        }
        name = files.get(name, "source_profile")?.0;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn mask_keeps_ends_only() {
        assert_eq!(mask("AKIAIOSFODNN7EXAMPLE"), "AKIA…MPLE");
        assert_eq!(mask("short"), "…");
    }
}
