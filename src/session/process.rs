//! `credential_process` as a source of long-term keys, run by the AWS SDK's own provider
//! (`aws_config::credential_process`), which implements the Version 1 JSON contract (AWS SDKs and Tools
//! reference guide, "Process credential provider").

use crate::error::{Error, Kind, Result, one_line};
use crate::resolve::source::{LongTermKeys, Source};
use aws_config::credential_process::CredentialProcessProvider;
use aws_credential_types::provider::ProvideCredentials;
use std::time::Duration;

/// The long-term keys of `source`, running its `credential_process` if it has one (at most `timeout`).
///
/// Errors ([`Kind::Config`]): the process failed, timed out, printed something that is not a Version 1
/// document, or printed session credentials (a `SessionToken`), which GetSessionToken refuses.
pub async fn long_term_keys(source: &Source, timeout: Duration) -> Result<LongTermKeys> {
    let (command, profile) = match source {
        Source::Keys(keys) => return Ok(keys.clone()),
        Source::Process { command, profile } => (command, profile),
    };
    let provider = CredentialProcessProvider::new(command.clone());
    let credentials = tokio::time::timeout(timeout, provider.provide_credentials())
        .await
        .map_err(|_| {
            Error::config(format!(
                "credential_process of profile {profile:?} did not finish within {} s",
                timeout.as_secs()
            ))
        })?
        .map_err(|e| {
            let mut cause = e.to_string();
            let mut source = std::error::Error::source(&e);
            while let Some(s) = source {
                cause = s.to_string();
                source = s.source();
            }
            // The SDK appends the child's stderr, which is the child's business and may well hold a
            // secret (a vault tool's diagnostics): it is cut off, and the user pointed at the command.
            let cause = match cause.split_once(". Stderr:") {
                Some((head, _)) => format!("{head}; run the command yourself to see its messages"),
                None => cause,
            };
            Error::config(format!(
                "credential_process of profile {profile:?} failed: {}",
                one_line(&cause)
            ))
        })?;
    if credentials.session_token().is_some_and(|t| !t.is_empty()) {
        return Err(Error::new(
            Kind::Config,
            format!(
                "credential_process of profile {profile:?} returned session credentials (a SessionToken); GetSessionToken needs an IAM user's long-term keys"
            ),
        ));
    }
    LongTermKeys::new(
        credentials.access_key_id(),
        credentials.secret_access_key(),
        &format!("credential_process of profile {profile:?}"),
    )
}
