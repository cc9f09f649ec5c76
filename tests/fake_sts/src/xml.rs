//! Response bodies in the shape STS sends.

use crate::Issued;

const NS: &str = "https://sts.amazonaws.com/doc/2011-06-15/";

/// Escapes text content so that any string reaches an XML reader byte for byte.
///
/// Markup characters become entities. Control characters (CR, LF and TAB included) become numeric
/// character references, because a reader normalises literal CR and CRLF to LF. (XML 1.0 cannot carry
/// NUL and most other C0 controls at all; they are still written as references and a strict reader
/// will reject them, as it would from real STS.)
pub(crate) fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c if c.is_control() => out.push_str(&format!("&#{};", u32::from(c))),
            c => out.push(c),
        }
    }
    out
}

/// The GetSessionToken success body.
pub(crate) fn session_token(c: &Issued, request_id: &str) -> String {
    format!(
        "<GetSessionTokenResponse xmlns=\"{NS}\">\n  <GetSessionTokenResult>\n    <Credentials>\n      \
         <AccessKeyId>{}</AccessKeyId>\n      <SecretAccessKey>{}</SecretAccessKey>\n      \
         <SessionToken>{}</SessionToken>\n      <Expiration>{}</Expiration>\n    </Credentials>\n  \
         </GetSessionTokenResult>\n  <ResponseMetadata>\n    <RequestId>{}</RequestId>\n  </ResponseMetadata>\n\
         </GetSessionTokenResponse>\n",
        escape(&c.access_key_id),
        escape(&c.secret_access_key),
        escape(&c.session_token),
        escape(&c.expiration),
        escape(request_id),
    )
}

/// The GetCallerIdentity success body.
pub(crate) fn caller_identity(arn: &str, user_id: &str, account: &str, request_id: &str) -> String {
    format!(
        "<GetCallerIdentityResponse xmlns=\"{NS}\">\n  <GetCallerIdentityResult>\n    <Arn>{}</Arn>\n    \
         <UserId>{}</UserId>\n    <Account>{}</Account>\n  </GetCallerIdentityResult>\n  <ResponseMetadata>\n    \
         <RequestId>{}</RequestId>\n  </ResponseMetadata>\n</GetCallerIdentityResponse>\n",
        escape(arn),
        escape(user_id),
        escape(account),
        escape(request_id),
    )
}

/// An error body; `Type` is `Sender` for 4xx and `Receiver` otherwise.
pub(crate) fn error(code: &str, message: &str, status: u16, request_id: &str) -> String {
    let kind = if (400..500).contains(&status) {
        "Sender"
    } else {
        "Receiver"
    };
    format!(
        "<ErrorResponse xmlns=\"{NS}\">\n  <Error>\n    <Type>{kind}</Type>\n    <Code>{}</Code>\n    \
         <Message>{}</Message>\n  </Error>\n  <RequestId>{}</RequestId>\n</ErrorResponse>\n",
        escape(code),
        escape(message),
        escape(request_id),
    )
}
