//! Session: obtaining session credentials — long-term keys (running `credential_process` when the
//! profile says so), then one STS GetSessionToken call per token code.

pub mod cache;
pub mod process;
pub mod sts;

use crate::secret::Secret;

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
