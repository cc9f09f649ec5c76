//! Session: obtaining session credentials — long-term keys (running `credential_process` when the
//! profile says so), then one STS GetSessionToken call per token code.

pub mod cache;
pub mod process;
pub mod sts;

use crate::error::{Error, Kind, Result};
use crate::secret::Secret;

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
