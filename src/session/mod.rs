//! Session: obtaining session credentials — from the cache when a valid one is there, else long-term keys
//! (running `credential_process` when the profile says so), the token code, and one STS GetSessionToken
//! call per code.

pub mod cache;
pub mod process;
pub mod sts;

use crate::error::{Error, Kind, Result};
use crate::report::Reporter;
use crate::resolve::{self, Inputs};
use crate::secret::Secret;
use cache::{Cache, Key, human, seconds_left};

/// A session for `inputs`: from the cache when a valid one is there (no runtime, no SDK, no socket), else
/// from one GetSessionToken call made under the cache lock, so that concurrent runs share one code; the new
/// session is then cached. A cache that cannot be used is reported and skipped, never fatal.
///
/// Errors: those of [`resolve::mfa::token_code`], [`process::long_term_keys`] and
/// [`sts::get_session_token`].
pub fn obtain(inputs: &Inputs, report: &Reporter) -> Result<Session> {
    let policy = inputs.cache;
    let cache = if policy.read || policy.write {
        Cache::locate()
            .inspect_err(|e| report.notice(&format!("{}; continuing without it", e.message)))
            .ok()
    } else {
        None
    };
    let key = Key::for_inputs(inputs);
    // `diagnostics` hears about damaged or short-lived entries: the first look reports them, the look
    // after waiting for the lock does not repeat it.
    let reuse = |diagnostics: &Reporter| -> Option<Session> {
        let session = cache.as_ref().filter(|_| policy.read)?.fresh(
            &key,
            policy.min_remaining,
            diagnostics,
        )?;
        report.notice(&format!(
            "reusing the cached session of profile {} ({}), expires {} (in {})",
            inputs.profile,
            resolve::source::mask(&session.access_key_id),
            session.expiration,
            human(seconds_left(&session.expiration).unwrap_or(0))
        ));
        Some(session)
    };
    if let Some(session) = reuse(report) {
        return Ok(session);
    }
    // Hold the lock from here to the cache write; a run that waited re-checks the cache first.
    let _lock = cache.as_ref().and_then(|cache| {
        cache
            .lock(&key, report)
            .inspect_err(|e| {
                report.notice(&format!("{}; continuing without the cache lock", e.message))
            })
            .ok()
    });
    if let Some(session) = reuse(&Reporter {
        quiet: true,
        verbose: false,
    }) {
        return Ok(session);
    }
    let runtime = runtime()?;
    let keys = runtime.block_on(process::long_term_keys(
        &inputs.source,
        inputs.target.timeout,
    ))?;
    let code = resolve::mfa::token_code(inputs.token_code.as_deref(), &inputs.serial.value)?;
    let session = runtime.block_on(sts::get_session_token(&keys, inputs, &code))?;
    if let Some(cache) = cache.as_ref().filter(|_| policy.write)
        && let Err(e) = cache.store(&key, &session)
    {
        report.notice(&format!("{}; the session is not cached", e.message));
    }
    Ok(session)
}

/// A single-threaded tokio runtime for the SDK calls and `credential_process`; started only on paths that
/// reach the network, never on a cache hit.
///
/// Errors ([`Kind::Internal`]): the runtime cannot be created.
pub fn runtime() -> Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| {
            Error::new(
                Kind::Internal,
                format!("cannot start the async runtime: {e}"),
            )
        })
}

/// Session credentials as STS returned them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Session {
    /// `ASIA…`
    pub access_key_id: String,
    /// Never shown in messages.
    pub secret_access_key: Secret,
    /// Never shown in messages.
    pub session_token: Secret,
    /// When the session ends: UTC, RFC 3339 with `Z` (for example `2026-11-30T03:34:10Z`).
    pub expiration: String,
}
