//! Tests through the real aws-sdk-sts client and through raw HTTP signed with aws-sigv4.

use super::*;

use std::io::{Read as _, Write as _};
use std::net::TcpStream;

use aws_credential_types::Credentials;
use aws_sdk_sts::config::retry::RetryConfig;
use aws_sdk_sts::config::timeout::TimeoutConfig;
use aws_sdk_sts::config::{BehaviorVersion, Region};
use aws_sdk_sts::error::ProvideErrorMetadata;
use aws_sigv4::http_request::{SignableBody, SignableRequest, SigningSettings, sign};
use aws_smithy_runtime_api::client::identity::Identity;

const FORM: &str = "application/x-www-form-urlencoded; charset=utf-8";

fn sdk(fake: &FakeSts, akid: &str, secret: &str, token: Option<&str>) -> aws_sdk_sts::Client {
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(fake.url())
        .credentials_provider(Credentials::new(
            akid,
            secret,
            token.map(str::to_owned),
            None,
            "test",
        ))
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_secs(10))
                .build(),
        )
        .build();
    aws_sdk_sts::Client::from_conf(config)
}

fn sdk_for(fake: &FakeSts, user: &User) -> aws_sdk_sts::Client {
    sdk(fake, &user.access_key_id, &user.secret_access_key, None)
}

/// GetSessionToken through the SDK: the issued credentials, or the error code.
async fn get_session_token(
    client: &aws_sdk_sts::Client,
    serial: Option<&str>,
    code: Option<&str>,
    duration: Option<i32>,
) -> Result<aws_sdk_sts::types::Credentials, String> {
    let call = client
        .get_session_token()
        .set_serial_number(serial.map(str::to_owned))
        .set_token_code(code.map(str::to_owned))
        .set_duration_seconds(duration);
    match call.send().await {
        Ok(out) => Ok(out.credentials.expect("credentials")),
        Err(e) => Err(e
            .code()
            .map(str::to_owned)
            .unwrap_or_else(|| format!("{e:?}"))),
    }
}

async fn alice_session(
    fake: &FakeSts,
    code: &str,
) -> Result<aws_sdk_sts::types::Credentials, String> {
    let alice = User::alice();
    get_session_token(
        &sdk_for(fake, &alice),
        alice.mfa_serial.as_deref(),
        Some(code),
        None,
    )
    .await
}

/// A code that is neither the previous, current nor next TOTP code.
fn wrong_code(user: &User) -> String {
    let now = unix_now();
    let valid = [
        user.totp_at(now - 30),
        user.totp_at(now),
        user.totp_at(now + 30),
    ];
    (0..)
        .map(|n| format!("{n:06}"))
        .find(|c| !valid.contains(c))
        .unwrap()
}

/// The headers aws-sigv4 adds when signing a form POST to the fake with `Host` and `Content-Type`.
fn sign_headers(
    fake: &FakeSts,
    user: &User,
    token: Option<&str>,
    body: &str,
    at: SystemTime,
) -> Vec<(String, String)> {
    let identity: Identity = Credentials::new(
        &user.access_key_id,
        &user.secret_access_key,
        token.map(str::to_owned),
        None,
        "t",
    )
    .into();
    let params = aws_sigv4::sign::v4::SigningParams::builder()
        .identity(&identity)
        .region("eu-central-1")
        .name("sts")
        .time(at)
        .settings(SigningSettings::default())
        .build()
        .unwrap()
        .into();
    let host = format!("127.0.0.1:{}", fake.port());
    let headers = [("host", host.as_str()), ("content-type", FORM)];
    let request = SignableRequest::new(
        "POST",
        format!("http://{host}/"),
        headers.into_iter(),
        SignableBody::Bytes(body.as_bytes()),
    )
    .unwrap();
    let (instructions, _) = sign(request, &params).unwrap().into_parts();
    instructions
        .headers()
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect()
}

/// A raw HTTP/1.1 form POST to `/`; returns (status, body).
fn raw_post(fake: &FakeSts, headers: &[(String, String)], body: &str) -> (u16, String) {
    let mut stream = TcpStream::connect(("127.0.0.1", fake.port())).unwrap();
    let mut head = format!(
        "POST / HTTP/1.1\r\nHost: 127.0.0.1:{}\r\nContent-Type: {FORM}\r\nContent-Length: {}\r\nConnection: close\r\n",
        fake.port(),
        body.len()
    );
    for (name, value) in headers {
        head.push_str(&format!("{name}: {value}\r\n"));
    }
    stream
        .write_all(format!("{head}\r\n{body}").as_bytes())
        .unwrap();
    let mut response = String::new();
    stream.read_to_string(&mut response).unwrap();
    let status = response[9..12].parse().unwrap();
    let body = response
        .split_once("\r\n\r\n")
        .map(|(_, b)| b.to_owned())
        .unwrap_or_default();
    (status, body)
}

#[test]
fn totp_matches_rfc6238_vectors() {
    // bob's seed is base32("12345678901234567890"), the RFC 6238 SHA-1 seed; the RFC lists 8 digits.
    let bob = User::bob();
    assert_eq!(bob.totp_at(59), "287082");
    assert_eq!(bob.totp_at(1_111_111_109), "081804");
    assert_eq!(bob.totp_at(1_234_567_890), "005924");
    assert_eq!(User::alice().totp_now().len(), 6);
}

#[test]
fn xml_escape_keeps_every_character() {
    assert_eq!(
        xml::escape("a&b<c>d\"e'f"),
        "a&amp;b&lt;c&gt;d&quot;e&apos;f"
    );
    assert_eq!(xml::escape("\r\n\t\u{1b}"), "&#13;&#10;&#9;&#27;");
    assert_eq!(xml::escape("$`\\ ‘’‚‛ ü"), "$`\\ ‘’‚‛ ü");
}

#[tokio::test]
async fn signed_get_session_token_succeeds_and_is_recorded() {
    let fake = FakeSts::start(vec![User::alice(), User::bob()]);
    let alice = User::alice();
    let code = alice.totp_now();
    let creds = alice_session(&fake, &code).await.unwrap();

    assert!(creds.access_key_id.starts_with("ASIA"));
    let issued = fake.issued();
    assert_eq!(issued.len(), 1);
    assert_eq!(creds.access_key_id, issued[0].access_key_id);
    assert_eq!(creds.secret_access_key, issued[0].secret_access_key);
    assert_eq!(creds.session_token, issued[0].session_token);
    let expected = unix_now() as i64 + DEFAULT_DURATION_SECONDS;
    assert!(
        (creds.expiration.secs() - expected).abs() <= 5,
        "{:?}",
        creds.expiration
    );

    let requests = fake.requests();
    assert_eq!(requests.len(), 1);
    let r = &requests[0];
    assert_eq!(r.action, "GetSessionToken");
    assert_eq!(r.param("Version"), Some("2011-06-15"));
    assert_eq!(r.param("SerialNumber"), alice.mfa_serial.as_deref());
    assert_eq!(r.param("TokenCode"), Some(code.as_str()));
    assert_eq!(r.param("DurationSeconds"), None);
    assert_eq!(r.access_key_id.as_deref(), Some("AKIAALICEEXAMPLE0001"));
    assert_eq!(r.region.as_deref(), Some("us-east-1"));
    assert!(r.signature_valid);
    assert_eq!(r.result, "OK");
    assert_eq!(r.host, Some(format!("127.0.0.1:{}", fake.port())));
    assert_eq!(r.path, "/");
    assert_eq!(r.session_token, None);
    assert_eq!(fake.calls("GetSessionToken"), 1);
    assert_eq!(fake.calls("GetCallerIdentity"), 0);

    // bob signs with his own keys and his own device.
    let bob = User::bob();
    let creds = get_session_token(
        &sdk_for(&fake, &bob),
        bob.mfa_serial.as_deref(),
        Some(&bob.totp_now()),
        None,
    )
    .await;
    assert!(creds.is_ok(), "{creds:?}");
    assert_eq!(
        fake.requests()[1].access_key_id.as_deref(),
        Some("AKIABOBEXAMPLE000002")
    );
}

#[tokio::test]
async fn wrong_secret_and_unknown_key_are_rejected() {
    let fake = FakeSts::start(vec![User::alice()]);
    let alice = User::alice();
    let code = alice.totp_now();
    let client = sdk(&fake, &alice.access_key_id, "not-the-secret", None);
    let result = get_session_token(&client, alice.mfa_serial.as_deref(), Some(&code), None).await;
    assert_eq!(result.unwrap_err(), "SignatureDoesNotMatch");
    let r = &fake.requests()[0];
    assert!(!r.signature_valid);
    assert_eq!(r.result, "SignatureDoesNotMatch");

    let client = sdk(
        &fake,
        "AKIAUNKNOWNEXAMPLE00",
        &alice.secret_access_key,
        None,
    );
    let result = get_session_token(&client, alice.mfa_serial.as_deref(), Some(&code), None).await;
    assert_eq!(result.unwrap_err(), "InvalidClientTokenId");
    assert_eq!(
        fake.requests()[1].access_key_id.as_deref(),
        Some("AKIAUNKNOWNEXAMPLE00")
    );

    // Neither attempt consumed the code.
    assert!(alice_session(&fake, &code).await.is_ok());
}

#[tokio::test]
async fn wrong_code_wrong_serial_and_missing_mfa_are_access_denied() {
    let fake = FakeSts::start(vec![User::alice(), User::bob()]);
    let alice = User::alice();
    let client = sdk_for(&fake, &alice);
    let serial = alice.mfa_serial.as_deref();

    let denied = get_session_token(&client, serial, Some(&wrong_code(&alice)), None).await;
    assert_eq!(denied.unwrap_err(), "AccessDenied");
    let bob_serial = User::bob().mfa_serial;
    let denied = get_session_token(
        &client,
        bob_serial.as_deref(),
        Some(&alice.totp_now()),
        None,
    )
    .await;
    assert_eq!(denied.unwrap_err(), "AccessDenied");
    let denied = get_session_token(&client, None, Some(&alice.totp_now()), None).await;
    assert_eq!(denied.unwrap_err(), "AccessDenied");
    let denied = get_session_token(&client, serial, None, None).await;
    assert_eq!(denied.unwrap_err(), "AccessDenied");
    let invalid = get_session_token(&client, serial, Some("12345"), None).await;
    assert_eq!(invalid.unwrap_err(), "ValidationError");

    let results: Vec<String> = fake.requests().into_iter().map(|r| r.result).collect();
    assert_eq!(
        results,
        [
            "AccessDenied",
            "AccessDenied",
            "AccessDenied",
            "AccessDenied",
            "ValidationError"
        ]
    );
    assert!(fake.requests().iter().all(|r| r.signature_valid));
    assert!(fake.issued().is_empty());
}

#[tokio::test]
async fn a_code_is_single_use_unless_reuse_is_allowed() {
    let fake = FakeSts::start(vec![User::alice()]);
    let code = User::alice().totp_now();
    assert!(alice_session(&fake, &code).await.is_ok());
    assert_eq!(
        alice_session(&fake, &code).await.unwrap_err(),
        "AccessDenied"
    );
    assert_eq!(fake.calls("GetSessionToken"), 2);
    assert_eq!(fake.issued().len(), 1);

    let lenient = FakeSts::builder()
        .user(User::alice())
        .allow_reuse(true)
        .start();
    assert!(alice_session(&lenient, &code).await.is_ok());
    assert!(alice_session(&lenient, &code).await.is_ok());
}

#[tokio::test]
async fn leading_zero_code_is_recorded_intact() {
    let fake = FakeSts::builder()
        .user(User::alice())
        .any_code(true)
        .start();
    assert!(alice_session(&fake, "012345").await.is_ok());
    assert_eq!(fake.requests()[0].param("TokenCode"), Some("012345"));
    // any_code still checks the shape and single use.
    assert_eq!(
        alice_session(&fake, "012345").await.unwrap_err(),
        "AccessDenied"
    );
    assert_eq!(
        alice_session(&fake, "01234a").await.unwrap_err(),
        "ValidationError"
    );

    let strict = FakeSts::start(vec![User::alice()]);
    let code = wrong_code(&User::alice());
    assert_eq!(
        alice_session(&strict, &code).await.unwrap_err(),
        "AccessDenied"
    );
    assert_eq!(strict.requests()[0].param("TokenCode"), Some(code.as_str()));
}

#[tokio::test]
async fn duration_bounds() {
    let fake = FakeSts::builder()
        .user(User::alice())
        .allow_reuse(true)
        .start();
    let alice = User::alice();
    let client = sdk_for(&fake, &alice);
    let serial = alice.mfa_serial.as_deref();
    let call = |d| {
        let code = alice.totp_now();
        let client = client.clone();
        async move { get_session_token(&client, serial, Some(&code), Some(d)).await }
    };

    assert_eq!(call(899).await.unwrap_err(), "ValidationError");
    assert_eq!(call(129_601).await.unwrap_err(), "ValidationError");
    let short = call(900).await.unwrap();
    assert!((short.expiration.secs() - (unix_now() as i64 + 900)).abs() <= 5);
    let long = call(129_600).await.unwrap();
    assert!((long.expiration.secs() - (unix_now() as i64 + 129_600)).abs() <= 5);

    let sent: Vec<_> = fake
        .requests()
        .iter()
        .map(|r| r.param("DurationSeconds").unwrap().to_owned())
        .collect();
    assert_eq!(sent, ["899", "129601", "900", "129600"]);

    // The message is STS's.
    let (status, body) = {
        let body = "Action=GetSessionToken&Version=2011-06-15&DurationSeconds=10";
        let headers = sign_headers(&fake, &alice, None, body, SystemTime::now());
        raw_post(&fake, &headers, body)
    };
    assert_eq!(status, 400);
    assert!(body.contains("<Code>ValidationError</Code>"), "{body}");
    assert!(
        body.contains(
            "Value &apos;10&apos; at &apos;durationSeconds&apos; failed to satisfy constraint"
        ),
        "{body}"
    );
}

#[tokio::test]
async fn session_credentials_identify_but_cannot_get_session_tokens() {
    let fake = FakeSts::start(vec![User::alice()]);
    let session = alice_session(&fake, &User::alice().totp_now())
        .await
        .unwrap();
    let client = sdk(
        &fake,
        &session.access_key_id,
        &session.secret_access_key,
        Some(&session.session_token),
    );

    let identity = client.get_caller_identity().send().await.unwrap();
    assert_eq!(identity.arn(), Some("arn:aws:iam::123456789012:user/alice"));
    assert_eq!(identity.account(), Some("123456789012"));
    assert_eq!(identity.user_id(), Some("AIDAALICEEXAMPLE0001"));
    let r = fake.requests().pop().unwrap();
    assert_eq!(
        r.session_token.as_deref(),
        Some(session.session_token.as_str())
    );
    assert!(r.signature_valid);

    let serial = User::alice().mfa_serial;
    let denied = get_session_token(
        &client,
        serial.as_deref(),
        Some(&wrong_code(&User::alice())),
        None,
    )
    .await;
    assert_eq!(denied.unwrap_err(), "AccessDenied");

    // The session key without its token, or with another token, is not valid.
    let no_token = sdk(
        &fake,
        &session.access_key_id,
        &session.secret_access_key,
        None,
    );
    let err = no_token.get_caller_identity().send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidClientTokenId"));
    let other_token = sdk(
        &fake,
        &session.access_key_id,
        &session.secret_access_key,
        Some("forged"),
    );
    let err = other_token.get_caller_identity().send().await.unwrap_err();
    assert_eq!(err.code(), Some("InvalidClientTokenId"));

    // Long-term keys work too.
    let identity = sdk_for(&fake, &User::alice())
        .get_caller_identity()
        .send()
        .await
        .unwrap();
    assert_eq!(identity.arn(), Some("arn:aws:iam::123456789012:user/alice"));
}

#[tokio::test]
async fn expired_session_is_expired_token() {
    let fake = FakeSts::start(vec![User::alice()]);
    fake.push_credentials(IssuedOverride {
        access_key_id: "ASIAEXPIREDEXAMPLE01".into(),
        secret_access_key: "expired-secret".into(),
        session_token: "expired-token".into(),
        expiration: Some("2020-01-01T00:00:00Z".into()),
    });
    let session = alice_session(&fake, &User::alice().totp_now())
        .await
        .unwrap();
    assert_eq!(session.expiration.secs(), 1_577_836_800);
    let client = sdk(
        &fake,
        "ASIAEXPIREDEXAMPLE01",
        "expired-secret",
        Some("expired-token"),
    );
    let err = client.get_caller_identity().send().await.unwrap_err();
    assert_eq!(err.code(), Some("ExpiredToken"));
}

#[tokio::test]
async fn hostile_values_round_trip_through_the_sdk() {
    let corpus = [
        "it's \"quoted\" `tick` $HOME ${X} $(id) \\ trailing\\",
        "tab\there\nnewline\r\ncrlf\rcr",
        "\u{2018}\u{2019}\u{201A}\u{201B} ünïcødé 日本 🙂",
        "& < > ; | ^ % ! ( ) * ? [ ] # ~ =",
        "  spaces around  ",
        "\n",
        "'",
        "\\",
    ];
    let fake = FakeSts::builder()
        .user(User::alice())
        .allow_reuse(true)
        .start();
    for (i, value) in corpus.iter().enumerate() {
        let o = IssuedOverride {
            access_key_id: format!("ASIA{value}"),
            secret_access_key: value.to_string(),
            session_token: format!("{value}{i}"),
            expiration: Some("2030-01-02T03:04:05Z".into()),
        };
        fake.push_credentials(o.clone());
        let creds = alice_session(&fake, &User::alice().totp_now())
            .await
            .unwrap();
        assert_eq!(creds.access_key_id, o.access_key_id);
        assert_eq!(creds.secret_access_key, o.secret_access_key);
        assert_eq!(creds.session_token, o.session_token);
        assert_eq!(creds.expiration.secs(), 1_893_553_445);
    }
    assert_eq!(fake.issued().len(), corpus.len());
    assert_eq!(fake.issued()[1].secret_access_key, corpus[1]);

    // The empty string and an Expiration that is not a date arrive as sent (checked in the raw body).
    fake.push_credentials(IssuedOverride {
        expiration: Some("not a <date>".into()),
        ..Default::default()
    });
    let body = "Action=GetSessionToken&Version=2011-06-15&SerialNumber=arn%3Aaws%3Aiam%3A%3A123456789012%3Amfa%2Falice&TokenCode=";
    let body = format!("{body}{}", User::alice().totp_now());
    let headers = sign_headers(&fake, &User::alice(), None, &body, SystemTime::now());
    let (status, text) = raw_post(&fake, &headers, &body);
    assert_eq!(status, 200, "{text}");
    assert!(text.contains("<AccessKeyId></AccessKeyId>"), "{text}");
    assert!(
        text.contains("<Expiration>not a &lt;date&gt;</Expiration>"),
        "{text}"
    );
}

#[tokio::test]
async fn injected_errors_and_raw_answers_are_served_once_each() {
    let fake = FakeSts::start(vec![User::alice()]);
    let client = sdk_for(&fake, &User::alice());
    fake.push_error(400, "Throttling", "Rate exceeded");
    fake.push_error(500, "InternalFailure", "boom");
    fake.push_raw(200, "text/plain", "this is not XML");
    fake.push_raw(
        200,
        "text/xml",
        "<GetSessionTokenResponse><GetSessionTokenResult/></GetSessionTokenResponse>",
    );

    let err = client.get_caller_identity().send().await.unwrap_err();
    assert_eq!(
        (err.code(), err.message()),
        (Some("Throttling"), Some("Rate exceeded"))
    );
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 400);
    let err = client.get_caller_identity().send().await.unwrap_err();
    assert_eq!(err.code(), Some("InternalFailure"));
    assert_eq!(err.raw_response().unwrap().status().as_u16(), 500);
    assert!(client.get_caller_identity().send().await.is_err());
    let serial = User::alice().mfa_serial;
    let out = client
        .get_session_token()
        .set_serial_number(serial)
        .token_code("123456")
        .send()
        .await
        .unwrap();
    assert!(out.credentials.is_none());
    // The queue is empty again: normal handling.
    assert!(client.get_caller_identity().send().await.is_ok());

    let results: Vec<String> = fake.requests().into_iter().map(|r| r.result).collect();
    assert_eq!(
        results,
        ["Throttling", "InternalFailure", "Raw", "Raw", "OK"]
    );
    // An injected answer wins over the signature check, and the request is still recorded as verified.
    assert!(fake.requests().iter().all(|r| r.signature_valid));
}

#[tokio::test]
async fn delays_time_out_clients_and_do_not_hold_up_drop() {
    let fake = FakeSts::start(vec![User::alice()]);
    fake.push_delay(Duration::from_millis(300));
    let started = Instant::now();
    let ok = sdk_for(&fake, &User::alice())
        .get_caller_identity()
        .send()
        .await;
    assert!(ok.is_ok());
    assert!(started.elapsed() >= Duration::from_millis(300));

    fake.push_delay(Duration::from_secs(60));
    let config = aws_sdk_sts::Config::builder()
        .behavior_version(BehaviorVersion::latest())
        .region(Region::new("us-east-1"))
        .endpoint_url(fake.url())
        .credentials_provider(Credentials::new(
            "AKIAALICEEXAMPLE0001",
            "x",
            None,
            None,
            "t",
        ))
        .retry_config(RetryConfig::disabled())
        .timeout_config(
            TimeoutConfig::builder()
                .operation_timeout(Duration::from_millis(300))
                .build(),
        )
        .build();
    let err = aws_sdk_sts::Client::from_conf(config)
        .get_caller_identity()
        .send()
        .await
        .unwrap_err();
    assert!(
        matches!(err, aws_sdk_sts::error::SdkError::TimeoutError(_)),
        "{err:?}"
    );
    assert_eq!(fake.calls("GetCallerIdentity"), 2);
    assert_eq!(fake.requests()[1].result, "Pending");

    let dropping = Instant::now();
    drop(fake);
    assert!(
        dropping.elapsed() < Duration::from_secs(1),
        "{:?}",
        dropping.elapsed()
    );
}

#[test]
fn independent_signing_and_clock_skew() {
    let fake = FakeSts::start(vec![User::alice()]);
    let alice = User::alice();
    let body = "Action=GetCallerIdentity&Version=2011-06-15";

    let (status, text) = raw_post(
        &fake,
        &sign_headers(&fake, &alice, None, body, SystemTime::now()),
        body,
    );
    assert_eq!(status, 200, "{text}");
    assert!(
        text.contains("<Arn>arn:aws:iam::123456789012:user/alice</Arn>"),
        "{text}"
    );
    assert_eq!(fake.requests()[0].region.as_deref(), Some("eu-central-1"));

    let late = SystemTime::now() - Duration::from_secs(20 * 60);
    let (status, text) = raw_post(&fake, &sign_headers(&fake, &alice, None, body, late), body);
    assert_eq!(status, 403);
    assert!(
        text.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{text}"
    );
    assert!(text.contains("<Message>Signature expired: "), "{text}");
    assert!(text.contains("<Type>Sender</Type>"), "{text}");
    // The signature itself was right; the time was not.
    assert!(fake.requests()[1].signature_valid);

    // A body changed after signing does not verify.
    let headers = sign_headers(&fake, &alice, None, body, SystemTime::now());
    let (status, text) = raw_post(
        &fake,
        &headers,
        "Action=GetCallerIdentity&Version=2011-06-16",
    );
    assert_eq!(status, 403);
    assert!(
        text.contains("<Code>SignatureDoesNotMatch</Code>"),
        "{text}"
    );
}

#[test]
fn unknown_action_and_unsigned_requests() {
    let fake = FakeSts::start(vec![User::alice()]);
    let (status, text) = raw_post(&fake, &[], "Action=AssumeRoot&Version=2011-06-15");
    assert_eq!(status, 400);
    assert!(text.contains("<Code>InvalidAction</Code>"), "{text}");
    assert!(
        text.starts_with("<ErrorResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\">"),
        "{text}"
    );

    let (status, text) = raw_post(&fake, &[], "Action=GetSessionToken&Version=2011-06-15");
    assert_eq!(status, 403);
    assert!(
        text.contains("<Code>MissingAuthenticationToken</Code>"),
        "{text}"
    );

    let r = fake.requests();
    assert_eq!(
        (r[0].action.as_str(), r[0].result.as_str()),
        ("AssumeRoot", "InvalidAction")
    );
    assert_eq!(
        (r[1].access_key_id.as_deref(), r[1].signature_valid),
        (None, false)
    );
}
