//! The exchange: one STS GetSessionToken call through aws-sdk-sts, signed with the long-term keys, and the
//! mapping of every failure to a one-line cause and remedy.
//!
//! Nothing is retried: a token code is single-use, and STS may have consumed it even when the answer was
//! lost (HTTP 500, a timeout), so a retry could only fail or, worse, be mistaken for a wrong code.

use super::Session;
use crate::error::{Error, Kind, Result, one_line};
use crate::resolve::source::LongTermKeys;
use crate::resolve::{Inputs, Target};
use crate::secret::Secret;
use aws_credential_types::Credentials;
use aws_sdk_sts::config::{BehaviorVersion, Region, retry::RetryConfig, timeout::TimeoutConfig};
use aws_sdk_sts::error::{ProvideErrorMetadata, SdkError};
use aws_smithy_types::date_time::Format;
use std::time::Duration;

/// The longest credential value accepted from STS, in bytes. Real session tokens are a few KiB; Linux holds
/// at most 128 KiB in one environment string, and a larger value would break every command the shell starts.
pub const MAX_VALUE: usize = 32 * 1024;

/// The longest wait for a TCP/TLS connection to STS, in seconds (less when `--timeout` is shorter).
pub const CONNECT_TIMEOUT: Duration = Duration::from_secs(3);

/// An STS client for `target`, signing with `keys` (and `session_token` for session credentials); no
/// retries, bounded time, and no credential or region lookups of its own (no instance metadata).
pub fn client(
    keys: &LongTermKeys,
    session_token: Option<&Secret>,
    target: &Target,
) -> aws_sdk_sts::Client {
    let credentials = Credentials::new(
        keys.access_key_id.clone(),
        keys.secret_access_key.expose().to_string(),
        session_token.map(|t| t.expose().to_string()),
        None,
        "awsmfa",
    );
    let mut config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new(target.region.clone()))
        .credentials_provider(credentials)
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .connect_timeout(CONNECT_TIMEOUT.min(target.timeout))
                .operation_timeout(target.timeout)
                .build(),
        );
    if let Some(url) = &target.endpoint {
        config = config.endpoint_url(url);
    }
    if let Some(bundle) = &target.ca_bundle {
        config = config.http_client(https_client_trusting(&bundle.pem));
    }
    aws_sdk_sts::Client::from_conf(config.build())
}

/// The SDK's default HTTPS client (rustls with aws-lc, proxies from `HTTPS_PROXY`/`NO_PROXY`), trusting the
/// certificate authorities in `pem` in addition to the system's roots.
fn https_client_trusting(pem: &[u8]) -> aws_sdk_sts::config::SharedHttpClient {
    use aws_smithy_http_client::proxy::ProxyConfig;
    use aws_smithy_http_client::tls::{self, TlsContext, TrustStore, rustls_provider::CryptoMode};
    use aws_smithy_http_client::{Builder, ConnectorBuilder};
    let pem = pem.to_vec();
    Builder::new().build_with_connector_fn(move |settings, components| {
        let trust = TrustStore::default().with_pem_certificate(pem.clone());
        let mut connector = ConnectorBuilder::default()
            .tls_provider(tls::Provider::Rustls(CryptoMode::AwsLc))
            .tls_context(
                TlsContext::builder()
                    .with_trust_store(trust)
                    .build()
                    .expect("a trust store with PEM roots builds"),
            );
        connector.set_connector_settings(settings.cloned());
        if let Some(components) = components {
            connector.set_sleep_impl(components.sleep_impl());
        }
        connector.set_proxy_config(Some(ProxyConfig::from_env()));
        connector.build()
    })
}

/// Calls GetSessionToken once with `inputs.serial` and `code` (6 digits) and `inputs.duration_seconds`.
///
/// Errors: [`Kind::MfaRejected`] when STS rejects the code or the serial; [`Kind::Network`] when STS cannot
/// be reached or does not answer within the target's timeout; [`Kind::Aws`] for every other error answer and
/// for an answer without credentials.
pub async fn get_session_token(
    keys: &LongTermKeys,
    inputs: &Inputs,
    code: &str,
) -> Result<Session> {
    let output = client(keys, None, &inputs.target)
        .get_session_token()
        .serial_number(&inputs.serial.value)
        .token_code(code)
        .set_duration_seconds(inputs.duration_seconds)
        .send()
        .await
        .map_err(|e| map_error(e, &Context::new(inputs, keys)))?;
    let c = output.credentials().ok_or_else(|| {
        Error::new(
            Kind::Aws,
            "STS answered GetSessionToken without credentials; try again with the next code",
        )
    })?;
    // The SDK fills a missing required field with a default (an empty string, the epoch) rather than fail;
    // STS never sends those, so they mean an answer that is not really STS's.
    if c.access_key_id().is_empty()
        || c.secret_access_key().is_empty()
        || c.session_token().is_empty()
        || c.expiration().secs() == 0
    {
        return Err(Error::new(
            Kind::Aws,
            format!(
                "{} answered GetSessionToken with incomplete credentials; is the endpoint really STS?",
                inputs.target.describe()
            ),
        ));
    }
    if [c.access_key_id(), c.secret_access_key(), c.session_token()]
        .iter()
        .any(|v| v.len() > MAX_VALUE)
    {
        return Err(Error::new(
            Kind::Aws,
            format!(
                "{} answered with a credential longer than {} KiB, more than any real session; is the endpoint really STS?",
                inputs.target.describe(),
                MAX_VALUE / 1024
            ),
        ));
    }
    let now = aws_smithy_types::DateTime::from(std::time::SystemTime::now());
    if c.expiration().secs() <= now.secs() {
        return Err(Error::new(
            Kind::Aws,
            "STS answered with a session that has already expired; check this machine's clock and date",
        ));
    }
    let expiration = c.expiration().fmt(Format::DateTime).map_err(|_| {
        Error::new(
            Kind::Aws,
            "STS answered with an expiration awsmfa cannot represent",
        )
    })?;
    Ok(Session {
        access_key_id: c.access_key_id().to_string(),
        secret_access_key: Secret::new(c.secret_access_key()),
        session_token: Secret::new(c.session_token()),
        expiration,
    })
}

/// Who a set of credentials belongs to, as GetCallerIdentity tells.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Identity {
    /// The 12-digit account id.
    pub account: String,
    /// The caller's ARN (`arn:aws:iam::123456789012:user/alice`; for session credentials the IAM user's).
    pub arn: String,
    /// The unique id (`AIDA…`).
    pub user_id: String,
}

/// Calls GetCallerIdentity with `keys` and, for session credentials, `session_token`: the check that the
/// credentials a shell holds really work (`awsmfa status`).
///
/// Errors: as [`map_error`], with remedies for the shell's own credentials, paired with `true` when STS
/// said the token has expired (`ExpiredToken`).
pub async fn get_caller_identity(
    keys: &LongTermKeys,
    session_token: Option<&Secret>,
    target: &Target,
) -> std::result::Result<Identity, (Error, bool)> {
    let ctx = Context {
        endpoint: target.describe(),
        key: keys.masked_id(),
        serial: None,
        timeout: target.timeout.as_secs(),
    };
    let out = client(keys, session_token, target)
        .get_caller_identity()
        .send()
        .await
        .map_err(|e| {
            let expired = e.as_service_error().and_then(|s| s.code()) == Some("ExpiredToken");
            (map_error(e, &ctx), expired)
        })?;
    Ok(Identity {
        account: out.account().unwrap_or("").to_string(),
        arn: out.arn().unwrap_or("").to_string(),
        user_id: out.user_id().unwrap_or("").to_string(),
    })
}

/// What an error message may mention about the call.
pub struct Context {
    /// The endpoint in words (`https://…` or "the STS endpoint of us-east-1").
    pub endpoint: String,
    /// The masked access key id.
    pub key: String,
    /// The MFA serial number for GetSessionToken; `None` for GetCallerIdentity with the shell's own
    /// credentials (`awsmfa status`), which changes the remedies.
    pub serial: Option<String>,
    /// `--timeout` in seconds.
    pub timeout: u64,
}

impl Context {
    /// The context of a call made with `inputs` and `keys`.
    pub fn new(inputs: &Inputs, keys: &LongTermKeys) -> Context {
        Context {
            endpoint: inputs.target.describe(),
            key: keys.masked_id(),
            serial: Some(inputs.serial.value.clone()),
            timeout: inputs.target.timeout.as_secs(),
        }
    }
}

/// Maps an SDK error to a one-line cause and remedy with its exit-status kind. The STS error codes are those
/// of the STS API reference ("Common Errors" and each action's "Errors"), as real STS sends them.
pub fn map_error<E>(
    error: SdkError<E, aws_sdk_sts::config::http::HttpResponse>,
    ctx: &Context,
) -> Error
where
    E: ProvideErrorMetadata + std::error::Error + 'static,
{
    match &error {
        SdkError::ServiceError(service) => {
            let e = service.err();
            match e.code() {
                Some(code) => service_error(code, &one_line(e.message().unwrap_or("")), ctx),
                None => Error::new(
                    Kind::Aws,
                    format!(
                        "{} sent an answer awsmfa cannot read (HTTP {}, no STS error code); is the endpoint really STS?",
                        ctx.endpoint,
                        service.raw().status().as_u16()
                    ),
                ),
            }
        }
        SdkError::TimeoutError(_) => Error::new(
            Kind::Network,
            format!(
                "no answer from {} within {} s; check the network or proxy, or raise --timeout",
                ctx.endpoint, ctx.timeout
            ),
        ),
        SdkError::DispatchFailure(failure) => {
            let cause = deepest_cause(&error);
            let what = if failure.is_timeout() {
                format!(
                    "no connection within {} s",
                    CONNECT_TIMEOUT.as_secs().min(ctx.timeout)
                )
            } else {
                cause
            };
            if what.to_ascii_lowercase().contains("certificate") {
                return Error::new(
                    Kind::Network,
                    format!(
                        "the TLS certificate of {} is not trusted ({what}); set AWS_CA_BUNDLE (or ca_bundle in the profile) to the PEM file of the CA that signed it",
                        ctx.endpoint
                    ),
                );
            }
            Error::new(
                Kind::Network,
                format!(
                    "cannot reach {}: {what}; check the network, proxy (HTTPS_PROXY) and endpoint settings",
                    ctx.endpoint
                ),
            )
        }
        SdkError::ResponseError(_) => Error::new(
            Kind::Aws,
            format!(
                "{} sent an answer awsmfa cannot read ({}); is the endpoint really STS?",
                ctx.endpoint,
                deepest_cause(&error)
            ),
        ),
        _ => Error::new(
            Kind::Internal,
            format!(
                "the STS request could not be made: {}",
                deepest_cause(&error)
            ),
        ),
    }
}

fn service_error(code: &str, message: &str, ctx: &Context) -> Error {
    let lower = message.to_ascii_lowercase();
    let Some(serial) = &ctx.serial else {
        return shell_credentials_error(code, message, ctx);
    };
    let (kind, text) = match code {
        "AccessDenied" if lower.contains("session credentials") => (
            Kind::Aws,
            format!(
                "STS refused: the keys ({}) are session credentials; GetSessionToken needs an IAM user's long-term keys",
                ctx.key
            ),
        ),
        "AccessDenied" if lower.contains("multifactor") || lower.contains("mfa") || lower.contains("one time") => (
            Kind::MfaRejected,
            format!(
                "STS rejected the MFA code or serial: the code is wrong or was already used (wait for the next code), or {serial} is not this user's MFA device"
            ),
        ),
        "AccessDenied" => (
            Kind::Aws,
            format!("STS denied GetSessionToken for {}: {message}", ctx.key),
        ),
        "InvalidClientTokenId" | "UnrecognizedClientException" => (
            Kind::Aws,
            format!(
                "STS does not know the access key {} or it is inactive; check the profile's aws_access_key_id (IAM → Security credentials)",
                ctx.key
            ),
        ),
        "SignatureDoesNotMatch" if lower.contains("expired") || lower.contains("time") => (
            Kind::Aws,
            "STS refused the request signature because this machine's clock is off by more than 15 minutes; correct the clock".to_string(),
        ),
        "SignatureDoesNotMatch" => (
            Kind::Aws,
            format!(
                "STS refused the request signature: the secret access key does not belong to {}; check aws_secret_access_key",
                ctx.key
            ),
        ),
        "ValidationError" if lower.contains("duration") => (
            Kind::Aws,
            format!("STS refused the duration: {message}; IAM users may ask for 900–129600 seconds, root users at most 3600"),
        ),
        "ExpiredToken" | "ExpiredTokenException" => (
            Kind::Aws,
            "STS says the security token has expired; the keys are session credentials: use long-term keys".to_string(),
        ),
        "Throttling" | "ThrottlingException" | "RequestLimitExceeded" | "TooManyRequestsException" => (
            Kind::Aws,
            "STS is throttling requests; wait a few seconds and run awsmfa again with the next code".to_string(),
        ),
        "RegionDisabledException" => (
            Kind::Aws,
            "STS is not activated in this region; pass --region with an activated region (IAM → Account settings)".to_string(),
        ),
        _ => (Kind::Aws, format!("STS error {code}: {message}")),
    };
    Error::new(kind, text)
}

/// Remedies for errors on the shell's own credentials (GetCallerIdentity in `awsmfa status`): the fix is a
/// new export, not a change to a profile.
fn shell_credentials_error(code: &str, message: &str, ctx: &Context) -> Error {
    let text = match code {
        "ExpiredToken" | "ExpiredTokenException" => {
            "the session credentials in this shell have expired; run mfa (or eval \"$(awsmfa)\") for new ones"
                .to_string()
        }
        "InvalidClientTokenId" | "UnrecognizedClientException" => format!(
            "STS does not accept the access key {} or session token in this shell; export new credentials",
            ctx.key
        ),
        "SignatureDoesNotMatch" => format!(
            "STS refused the signature: AWS_SECRET_ACCESS_KEY in this shell does not belong to {} (or the clock is off); export new credentials",
            ctx.key
        ),
        "AccessDenied" => format!("STS denied GetCallerIdentity for {}: {message}", ctx.key),
        _ => format!("STS error {code}: {message}"),
    };
    Error::new(Kind::Aws, text)
}

/// The innermost cause of an error, which names what really happened (connection refused, certificate
/// unknown, …) where the outer layers only say "dispatch failure".
fn deepest_cause(error: &(dyn std::error::Error + 'static)) -> String {
    let mut last = error.to_string();
    let mut source = error.source();
    while let Some(s) = source {
        last = s.to_string();
        source = s.source();
    }
    one_line(&last)
}
