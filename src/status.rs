//! `awsmfa status`: what credentials the current shell holds, whether STS accepts them (GetCallerIdentity,
//! the check the AWS docs suggest for "is MFA in effect"), and which sessions are cached. Never prints a
//! secret: access key ids are masked.
//!
//! Exit status: [`VALID`] 0, [`EXPIRING`] 10, [`NO_SESSION`] 11, [`CALL_FAILED`] 12.

use crate::cli::{StatusArgs, StatusFormat};
use crate::error::{Error, Result};
use crate::resolve::source::environment_holds_session;
use crate::resolve::source::{LongTermKeys, mask};
use crate::resolve::{Target, env_region, env_var};
use crate::secret::Secret;
use crate::session::cache::{Cache, human, seconds_left};
use crate::session::sts;
use serde_json::json;
use std::time::Duration;

/// Exit status: the shell holds session credentials with more than 15 minutes left (or no known expiry).
pub const VALID: u8 = 0;
/// Exit status: the session has expired or ends within 15 minutes.
pub const EXPIRING: u8 = 10;
/// Exit status: no session credentials (nothing, or only long-term keys).
pub const NO_SESSION: u8 = 11;
/// Exit status: GetCallerIdentity failed for another reason than an expired token.
pub const CALL_FAILED: u8 = 12;

/// The report text (stdout) and the exit status.
pub fn run(args: &StatusArgs) -> Result<crate::Output> {
    let id = env_var("AWS_ACCESS_KEY_ID");
    let secret = env_var("AWS_SECRET_ACCESS_KEY");
    let token = env_var("AWS_SESSION_TOKEN");
    let expiration = env_var("AWS_CREDENTIAL_EXPIRATION");
    let kind = match (&id, &secret) {
        (Some(_), Some(_)) if environment_holds_session() => "session",
        (Some(_), Some(_)) => "long-term",
        _ => "none",
    };
    let left = expiration.as_deref().and_then(seconds_left);
    let mut state = match (kind, left) {
        ("session", Some(l)) if l <= 0 => "expired",
        ("session", Some(l)) if l < crate::EXPIRY_WARNING => "expiring",
        ("session", _) => "valid",
        _ => "none",
    };

    let mut identity = None;
    let mut call_error = None;
    if !args.offline
        && let (Some(id), Some(secret)) = (&id, &secret)
    {
        let timeout = crate::resolve::seconds(
            args.timeout.as_deref(),
            "--timeout",
            "AWSMFA_TIMEOUT",
            10,
            1,
        )?;
        match caller_identity(id, secret, token.as_deref(), timeout) {
            Ok(found) => identity = Some(found),
            Err((e, expired)) => {
                if expired && kind == "session" {
                    state = "expired";
                }
                call_error = Some(e.message);
            }
        }
    }
    let exit = match state {
        "expired" | "expiring" => EXPIRING,
        "none" => NO_SESSION,
        _ if call_error.is_some() => CALL_FAILED,
        _ => VALID,
    };

    let cached: Vec<serde_json::Value> = Cache::locate()
        .map(|c| c.list())
        .unwrap_or_default()
        .into_iter()
        .map(|l| {
            json!({
                "profile": l.key.profile,
                "serial": l.key.serial,
                "partition": l.key.partition,
                "endpoint": l.key.endpoint,
                "access_key_id": mask(&l.access_key_id),
                "expiration": l.expiration,
                "seconds_left": l.remaining,
            })
        })
        .collect();

    let stdout = match args.format {
        StatusFormat::Json => {
            let doc = json!({
                "credentials": kind,
                "access_key_id": id.as_deref().map(mask),
                "expiration": expiration,
                "seconds_left": left,
                "state": state,
                "identity": identity.as_ref().map(|i| json!({
                    "account": i.account, "arn": i.arn, "user_id": i.user_id,
                })),
                "identity_error": call_error,
                "cached": cached,
            });
            format!("{doc}\n")
        }
        StatusFormat::Text => {
            let mut out = String::new();
            // Every line may quote STS (the ARN) or the environment: no control character gets through.
            let line = |out: &mut String, s: String| {
                out.push_str(&crate::error::printable(&s));
                out.push('\n');
            };
            match kind {
                "none" => line(
                    &mut out,
                    "credentials: none in this shell (run mfa, or eval \"$(awsmfa)\")".into(),
                ),
                _ => line(
                    &mut out,
                    format!(
                        "credentials: {kind} ({})",
                        mask(id.as_deref().unwrap_or(""))
                    ),
                ),
            }
            if kind == "session" {
                line(
                    &mut out,
                    match (&expiration, left) {
                        (Some(e), Some(l)) => format!(
                            "expires: {e} ({})",
                            if l > 0 {
                                format!("in {}", human(l))
                            } else {
                                "expired".into()
                            }
                        ),
                        _ => "expires: unknown (no AWS_CREDENTIAL_EXPIRATION)".into(),
                    },
                );
            }
            if let Some(i) = &identity {
                line(
                    &mut out,
                    format!("identity: {} (account {})", i.arn, i.account),
                );
            }
            if let Some(e) = &call_error {
                line(&mut out, format!("identity: check failed: {e}"));
            }
            line(&mut out, format!("state: {state}"));
            if cached.is_empty() {
                line(&mut out, "cached sessions: none".into());
            } else {
                line(&mut out, "cached sessions:".into());
                for c in &cached {
                    let secs = c["seconds_left"].as_i64().unwrap_or(0);
                    line(
                        &mut out,
                        format!(
                            "  {} {} {} expires {} ({})",
                            c["profile"].as_str().unwrap_or(""),
                            c["access_key_id"].as_str().unwrap_or(""),
                            c["partition"].as_str().unwrap_or(""),
                            c["expiration"].as_str().unwrap_or(""),
                            if secs > 0 {
                                format!("in {}", human(secs))
                            } else {
                                "expired".into()
                            }
                        ),
                    );
                }
            }
            out
        }
    };
    Ok(crate::Output { stdout, exit })
}

/// GetCallerIdentity with the shell's credentials. The error comes with `true` when STS said the token
/// has expired.
fn caller_identity(
    id: &str,
    secret: &str,
    token: Option<&str>,
    timeout: u64,
) -> std::result::Result<sts::Identity, (Error, bool)> {
    let plain = |e: Error| (e, false);
    let target = Target {
        region: env_region()
            .map(|(region, _)| region)
            .unwrap_or_else(|| crate::resolve::DEFAULT_REGION.into()),
        endpoint: crate::resolve::endpoint()
            .map_err(plain)?
            .map(|(url, _)| url),
        timeout: Duration::from_secs(timeout),
        ca_bundle: crate::resolve::ca_bundle(None, "").map_err(plain)?,
    };
    let keys = LongTermKeys::new(id, secret, "the environment").map_err(plain)?;
    if token.is_some_and(|t| t.chars().any(char::is_control)) {
        return Err(plain(Error::config(
            "AWS_SESSION_TOKEN holds control characters; export the session again",
        )));
    }
    let token = token.map(Secret::new);
    let runtime = crate::session::runtime().map_err(plain)?;
    runtime.block_on(sts::get_caller_identity(&keys, token.as_ref(), &target))
}
