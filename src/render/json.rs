//! A credential_process document (AWS CLI/SDK "Sourcing credentials with an external process", Version 1),
//! so `credential_process = awsmfa --shell json …` works in a profile.

use crate::error::Result;
use crate::session::Session;

/// `{"Version":1,"AccessKeyId":…,"SecretAccessKey":…,"SessionToken":…,"Expiration":…}` and a newline.
/// JSON escaping (serde_json) can represent any string, so nothing is refused.
pub fn document(session: &Session) -> Result<String> {
    let doc = serde_json::json!({
        "Version": 1,
        "AccessKeyId": session.access_key_id,
        "SecretAccessKey": session.secret_access_key.expose(),
        "SessionToken": session.session_token.expose(),
        "Expiration": session.expiration,
    });
    Ok(format!("{doc}\n"))
}
