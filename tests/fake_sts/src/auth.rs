//! SigV4 verification: parse the Authorization header and re-sign the request with `aws-sigv4`.

use std::time::{Duration, SystemTime};

use aws_credential_types::Credentials;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_sigv4::sign::v4;
use aws_smithy_runtime_api::client::identity::Identity;
use time::OffsetDateTime;
use time::macros::format_description;

use crate::Incoming;

/// `AWS4-HMAC-SHA256 Credential=AKID/DATE/REGION/SERVICE/aws4_request, SignedHeaders=a;b, Signature=hex`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Authorization {
    pub(crate) access_key_id: String,
    pub(crate) region: String,
    pub(crate) signed_headers: Vec<String>,
    pub(crate) signature: String,
}

impl Authorization {
    pub(crate) fn parse(header: &str) -> Option<Authorization> {
        let rest = header.trim().strip_prefix("AWS4-HMAC-SHA256")?;
        let (mut credential, mut signed_headers, mut signature) = (None, None, None);
        for part in rest.split(',') {
            match part.trim().split_once('=')? {
                ("Credential", v) => credential = Some(v),
                ("SignedHeaders", v) => signed_headers = Some(v),
                ("Signature", v) => signature = Some(v),
                _ => {}
            }
        }
        // AKID/DATE/REGION/SERVICE/aws4_request; the date and service are checked by re-signing.
        let scope: Vec<&str> = credential?.split('/').collect();
        let [access_key_id, _date, region, _service, "aws4_request"] = scope.as_slice() else {
            return None;
        };
        Some(Authorization {
            access_key_id: access_key_id.to_string(),
            region: region.to_string(),
            signed_headers: signed_headers?
                .split(';')
                .map(str::to_ascii_lowercase)
                .collect(),
            signature: signature?.to_owned(),
        })
    }
}

/// Parses `X-Amz-Date` (`20261129T033410Z`).
pub(crate) fn parse_amz_date(value: &str) -> Option<OffsetDateTime> {
    let format = format_description!("[year][month][day]T[hour][minute][second]Z");
    time::PrimitiveDateTime::parse(value.trim(), format)
        .ok()
        .map(|t| t.assume_utc())
}

fn format_amz_date(t: OffsetDateTime) -> String {
    t.format(format_description!(
        "[year][month][day]T[hour][minute][second]Z"
    ))
    .expect("formattable date")
}

/// STS's message when the request time is too far from `now`, else `None`.
pub(crate) fn skew_error(
    signed_at: OffsetDateTime,
    now: OffsetDateTime,
    max: Duration,
) -> Option<String> {
    let max = time::Duration::try_from(max).expect("small duration");
    let minutes = max.whole_minutes();
    if signed_at < now - max {
        Some(format!(
            "Signature expired: {} is now earlier than {} ({} - {minutes} min.)",
            format_amz_date(signed_at),
            format_amz_date(now - max),
            format_amz_date(now)
        ))
    } else if signed_at > now + max {
        Some(format!(
            "Signature not yet current: {} is still later than {} ({} + {minutes} min.)",
            format_amz_date(signed_at),
            format_amz_date(now + max),
            format_amz_date(now)
        ))
    } else {
        None
    }
}

/// Re-signs the request with `secret` at `signed_at` over exactly the headers the client listed in
/// SignedHeaders (aws-sigv4 lowercases names, trims and collapses whitespace in values, sorts them and
/// hashes the body), and compares signatures.
pub(crate) fn signature_matches(
    incoming: &Incoming,
    authorization: &Authorization,
    secret: &str,
    signed_at: SystemTime,
) -> bool {
    let headers = incoming
        .headers
        .iter()
        .filter(|(name, _)| {
            authorization
                .signed_headers
                .iter()
                .any(|s| s.eq_ignore_ascii_case(name))
        })
        .map(|(name, value)| (name.as_str(), value.as_str()));
    let identity: Identity =
        Credentials::new(&authorization.access_key_id, secret, None, None, "fake-sts").into();
    let mut settings = SigningSettings::default();
    // Sign whatever the client signed (even User-Agent); the session token, if signed, is among them.
    settings.excluded_headers = None;
    let Ok(params) = v4::SigningParams::builder()
        .identity(&identity)
        .region(&authorization.region)
        .name("sts")
        .time(signed_at)
        .settings(settings)
        .build()
    else {
        return false;
    };
    let params = params.into();
    let host = incoming.header("host").unwrap_or("localhost");
    let uri = format!("http://{host}{}", incoming.url);
    let Ok(request) = SignableRequest::new(
        &incoming.method,
        uri,
        headers,
        SignableBody::Bytes(&incoming.body),
    ) else {
        return false;
    };
    match sign(request, &params) {
        Ok(output) => output.signature() == authorization.signature,
        Err(_) => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_authorization_header() {
        let header = "AWS4-HMAC-SHA256 Credential=AKIAALICEEXAMPLE0001/20261129/eu-west-1/sts/aws4_request, \
                      SignedHeaders=content-type;Host;x-amz-date, Signature=abc123";
        let a = Authorization::parse(header).unwrap();
        assert_eq!(a.access_key_id, "AKIAALICEEXAMPLE0001");
        assert_eq!(a.region, "eu-west-1");
        assert_eq!(a.signed_headers, ["content-type", "host", "x-amz-date"]);
        assert_eq!(a.signature, "abc123");
        assert_eq!(Authorization::parse("Basic Zm9vOmJhcg=="), None);
        assert_eq!(
            Authorization::parse("AWS4-HMAC-SHA256 Credential=AKID/2026/x, Signature=a"),
            None
        );
    }

    #[test]
    fn skew_messages() {
        let now = parse_amz_date("20261129T032500Z").unwrap();
        let max = Duration::from_secs(900);
        assert_eq!(skew_error(now - Duration::from_secs(899), now, max), None);
        assert_eq!(
            skew_error(parse_amz_date("20261129T000000Z").unwrap(), now, max).unwrap(),
            "Signature expired: 20261129T000000Z is now earlier than 20261129T031000Z (20261129T032500Z - 15 min.)"
        );
        assert!(
            skew_error(now + Duration::from_secs(901), now, max)
                .unwrap()
                .starts_with("Signature not yet current")
        );
    }
}
