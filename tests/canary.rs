//! Canary tests (issue 5, "Properties"): every error path of issues 2 and 5 runs with recognisable fake
//! secrets — long-term secret keys, profile session tokens, credential_process output and STS-issued
//! secrets and tokens all contain `CANARY` — and with `-v`, and none of them may appear on stdout or
//! stderr. Each failing run must also fail well:
//!
//! - the documented exit status, and nothing at all on stdout;
//! - stderr is UTF-8 and ends with a newline; every line starts with `awsmfa: ` (notices and `-v` details
//!   are accepted); exactly one line starts with `awsmfa: error: `, it is the last one and says something;
//!   no line holds a control character (so no panic message, backtrace or SDK dump passes).
//!
//! Plus: `Debug`/`Display` of the secret-carrying types never show a secret, and the panic paths that can be
//! reached with secrets loaded (found by reading src/ and the SDK) are run and checked the same way.

mod common;

use common::{Sandbox, need, run};
use fake_sts::{ACCOUNT, FakeSts, IssuedOverride, User};
use std::process::{Command, Output, Stdio};
use std::time::Duration;

/// The marker every planted secret contains; it appears nowhere else (profile names, serials and key ids
/// are lower-case or free of it).
const MARK: &str = "CANARY";

/// Long-term secret access key of the canary user (what STS verifies signatures against).
const LONG_TERM_SECRET: &str = "CANARYSECRETlongterm/K7MDENG+bPxRfiCY-ENDCANARY";
const KEY_ID: &str = "AKIAKEYFORTESTS00001";

fn canary_user() -> User {
    User {
        access_key_id: KEY_ID.into(),
        secret_access_key: LONG_TERM_SECRET.into(),
        user_name: "canary".into(),
        account: ACCOUNT.into(),
        mfa_serial: Some(serial()),
        totp_secret_base32: User::alice().totp_secret_base32,
    }
}

fn serial() -> String {
    format!("arn:aws:iam::{ACCOUNT}:mfa/canary")
}

/// A sandbox whose `[default]` credentials profile holds the canary user's keys and serial.
fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.with_user_profile("default", &canary_user());
    sb
}

/// A fake STS that knows the canary user and accepts any 6-digit code.
fn sts() -> FakeSts {
    FakeSts::builder()
        .user(canary_user())
        .any_code(true)
        .start()
}

/// Credentials the fake hands out next: every secret part carries the marker.
fn issued(secret: &str, token: &str) -> IssuedOverride {
    IssuedOverride {
        access_key_id: "ASIAISSUEDTOTESTS001".into(),
        secret_access_key: secret.into(),
        session_token: token.into(),
        expiration: None,
    }
}

/// awsmfa with `-v --no-cache` and the given arguments (`--shell bash` and a code unless given).
fn awsmfa(cmd: &mut Command, args: &[&str]) -> Output {
    cmd.args(["-v", "--no-cache"]);
    if !args.contains(&"--shell") {
        cmd.args(["--shell", "bash"]);
    }
    if !args.contains(&"--token-code") {
        cmd.args(["--token-code", "123456"]);
    }
    run(cmd.args(args))
}

/// Everything wrong with a failing run (see the module comment); empty when it failed well.
fn failed_well(case: &str, out: &Output, exit: i32) -> Vec<String> {
    let mut problems = Vec::new();
    let mut bad = |what: String| problems.push(format!("{case}: {what}"));
    let err_text = String::from_utf8_lossy(&out.stderr);
    if std::env::var_os("AWSMFA_CANARY_SHOW").is_some() {
        // For reviewing the messages: `AWSMFA_CANARY_SHOW=1 cargo test --test canary -- --nocapture`.
        eprintln!(
            "--- {case} (exit {:?})\n{}",
            out.status.code(),
            err_text.replace(MARK, "<MARK>")
        );
    }
    for (stream, bytes) in [("stdout", &out.stdout), ("stderr", &out.stderr)] {
        if bytes.windows(MARK.len()).any(|w| w == MARK.as_bytes()) {
            bad(format!("a secret appears on {stream}"));
        }
    }
    if out.status.code() != Some(exit) {
        bad(format!("exit {:?}, expected {exit}", out.status.code()));
    }
    if !out.stdout.is_empty() {
        bad(format!("{} bytes on stdout", out.stdout.len()));
    }
    match std::str::from_utf8(&out.stderr) {
        Err(_) => bad("stderr is not UTF-8".into()),
        Ok(text) if !text.ends_with('\n') => bad("stderr does not end with a newline".into()),
        Ok(text) => {
            let lines: Vec<&str> = text.lines().collect();
            let errors = lines
                .iter()
                .filter(|l| l.starts_with("awsmfa: error: "))
                .count();
            if errors != 1 {
                bad(format!("{errors} `awsmfa: error:` lines"));
            }
            if !lines.last().is_some_and(|l| {
                l.strip_prefix("awsmfa: error: ")
                    .is_some_and(|m| !m.trim().is_empty())
            }) {
                bad("the last line is not `awsmfa: error: …`".into());
            }
            if let Some(l) = lines.iter().find(|l| !l.starts_with("awsmfa: ")) {
                bad(format!("a line without the awsmfa prefix: {l:?}"));
            }
            if let Some(l) = lines.iter().find(|l| l.chars().any(char::is_control)) {
                bad(format!("a control character in {l:?}"));
            }
        }
    }
    if !problems.is_empty() {
        problems.push(format!(
            "{case}: stderr was:\n{}",
            err_text.replace(MARK, "<MARK>")
        ));
    }
    problems
}

fn assert_all_failed_well(problems: Vec<String>, cases: usize) {
    eprintln!("{cases} failing runs checked");
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Collects the problems of many failing runs, so one bad case does not hide the others.
#[derive(Default)]
struct Checker {
    problems: Vec<String>,
    runs: usize,
}

impl Checker {
    fn check(&mut self, case: &str, out: &Output, exit: i32) {
        self.runs += 1;
        self.problems.extend(failed_well(case, out, exit));
    }

    /// awsmfa in `sb` (no STS) with `args`.
    fn run(&mut self, case: &str, sb: &Sandbox, args: &[&str], exit: i32) {
        let out = awsmfa(&mut sb.awsmfa(), args);
        self.check(case, &out, exit);
    }

    fn finish(self) {
        assert_all_failed_well(self.problems, self.runs);
    }
}

fn utf16le_with_bom(text: &str) -> Vec<u8> {
    let mut bytes = vec![0xFF, 0xFE];
    bytes.extend(text.encode_utf16().flat_map(u16::to_le_bytes));
    bytes
}

fn keys_text(profile_header: &str, secret: &str) -> String {
    format!(
        "{profile_header}\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {secret}\nmfa_serial = {}\n",
        serial()
    )
}

// ------------------------------------------------------------------------------------------------ files and inputs

#[test]
fn configuration_errors_show_no_secret() {
    let mut c = Checker::default();

    let sb = sandbox();
    c.run("missing profile", &sb, &["--profile", "nope"], 3);

    let sb = Sandbox::new();
    sb.write_credentials(&format!(
        "{}aws_session_token = CANARYTOKENinprofile-ENDCANARY\n",
        keys_text("[temp]", LONG_TERM_SECRET)
    ));
    c.run("session-token profile", &sb, &["--profile", "temp"], 3);

    let sb = Sandbox::new();
    sb.write_credentials(
        &keys_text("[temp]", LONG_TERM_SECRET).replace(KEY_ID, "ASIATEMPORARYKEY0001"),
    );
    c.run("ASIA key in a profile", &sb, &["--profile", "temp"], 3);

    let sb = Sandbox::new();
    sb.write_credentials(&format!(
        "[half]\naws_secret_access_key = {LONG_TERM_SECRET}\nmfa_serial = {}\n",
        serial()
    ));
    c.run("secret without key id", &sb, &["--profile", "half"], 3);

    let sb = Sandbox::new();
    sb.write_credentials(&keys_text("[profile work]", LONG_TERM_SECRET));
    c.run("[profile x] in credentials", &sb, &["--profile", "work"], 3);

    let sb = Sandbox::new();
    sb.write_config(&keys_text("[work]", LONG_TERM_SECRET));
    c.run("[x] in config", &sb, &["--profile", "work"], 3);

    let sb = Sandbox::new();
    std::fs::write(
        sb.credentials_path(),
        utf16le_with_bom(&keys_text("[default]", LONG_TERM_SECRET)),
    )
    .unwrap();
    c.run("UTF-16 credentials (BOM)", &sb, &[], 3);

    let sb = Sandbox::new();
    std::fs::write(
        sb.credentials_path(),
        &utf16le_with_bom(&keys_text("[default]", LONG_TERM_SECRET))[2..],
    )
    .unwrap();
    c.run("UTF-16 credentials (no BOM)", &sb, &[], 3);

    let sb = Sandbox::new();
    let mut latin1 = keys_text("[default]", LONG_TERM_SECRET).into_bytes();
    latin1.extend(b"# caf\xE9 CANARYSECRETafterbadbyte\n");
    std::fs::write(sb.credentials_path(), latin1).unwrap();
    c.run("non-UTF-8 credentials", &sb, &[], 3);

    for (name, text) in [
        (
            "malformed line: no =",
            format!(
                "[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key {LONG_TERM_SECRET}\n"
            ),
        ),
        (
            "malformed line: no name",
            format!("[default]\naws_access_key_id = {KEY_ID}\n= {LONG_TERM_SECRET}\n"),
        ),
        (
            "malformed line: continuation first",
            format!("[default]\n  {LONG_TERM_SECRET}\n"),
        ),
        (
            "malformed line: key before any profile",
            format!("aws_secret_access_key = {LONG_TERM_SECRET}\n[default]\n"),
        ),
        (
            "malformed line: unclosed section",
            format!("[default {LONG_TERM_SECRET}\naws_access_key_id = {KEY_ID}\n"),
        ),
    ] {
        let sb = Sandbox::new();
        sb.write_credentials(&text);
        c.run(name, &sb, &[], 3);
    }

    // An unreadable file: a directory where the credentials file should be (root reads anything else).
    let sb = sandbox();
    let dir = sb.home().join("creds-dir");
    std::fs::create_dir(&dir).unwrap();
    sb.write_config(&format!(
        "[default]\naws_secret_access_key = {LONG_TERM_SECRET}\n"
    ));
    let out = awsmfa(sb.awsmfa().env("AWS_SHARED_CREDENTIALS_FILE", &dir), &[]);
    c.check("unreadable credentials file", &out, 3);

    let sb = Sandbox::new();
    sb.write_config(&format!(
        "[profile a]\nsource_profile = b\n[profile b]\nsource_profile = a\naws_secret_access_key_x = {LONG_TERM_SECRET}\n"
    ));
    c.run("source_profile loop", &sb, &["--profile", "a"], 3);

    let sb = Sandbox::new();
    sb.write_config(
        "[profile sso]\nsso_session = corp\nmfa_serial = arn:aws:iam::123456789012:mfa/x\n",
    );
    sb.write_credentials(&keys_text("[other]", LONG_TERM_SECRET));
    c.run("no long-term keys (SSO)", &sb, &["--profile", "sso"], 3);

    let sb = Sandbox::new();
    sb.write_credentials(&format!(
        "[default]\naws_access_key_id = {KEY_ID}\naws_secret_access_key = {LONG_TERM_SECRET}\n"
    ));
    c.run("no MFA serial", &sb, &[], 3);

    // Keys from the environment, and session credentials in the environment (a notice, then the error).
    let sb = Sandbox::new();
    let out = awsmfa(
        sb.awsmfa()
            .env("AWS_ACCESS_KEY_ID", KEY_ID)
            .env("AWS_SECRET_ACCESS_KEY", LONG_TERM_SECRET),
        &[],
    );
    c.check("no MFA serial, keys in the environment", &out, 3);
    let sb = sandbox();
    let out = awsmfa(
        sb.awsmfa()
            .env("AWS_ACCESS_KEY_ID", "ASIAOLDSESSION000001")
            .env(
                "AWS_SECRET_ACCESS_KEY",
                "CANARYSECRETofoldsession-ENDCANARY",
            )
            .env("AWS_SESSION_TOKEN", "CANARYTOKENofoldsession-ENDCANARY"),
        &["--profile", "nope"],
    );
    c.check("session credentials in the environment", &out, 3);

    c.finish();
}

#[test]
fn input_errors_show_no_secret() {
    let mut c = Checker::default();
    let sts = sts();
    let sb = sandbox();
    for (name, args, exit) in [
        ("bad code", &["--token-code", "12345x"][..], 3),
        ("short code", &["--token-code", "12345"][..], 3),
        ("bad serial", &["--serial-number", "bad serial"][..], 3),
        (
            "user ARN as serial",
            &["--serial-number", "arn:aws:iam::123456789012:user/canary"][..],
            3,
        ),
        ("bad duration flag", &["--duration-seconds", "1h"][..], 2),
        ("duration too short", &["--duration-seconds", "899"][..], 2),
        ("bad region", &["--region", "Not A Region"][..], 3),
        ("zero timeout", &["--timeout", "0"][..], 2),
        ("unset for json", &["--unset", "--shell", "json"][..], 2),
    ] {
        let out = awsmfa(&mut sb.awsmfa_at(&sts), args);
        c.check(name, &out, exit);
    }

    let sb2 = sandbox();
    sb2.write_config("[default]\nduration_seconds = 200000\nregion = eu-west-1\n");
    let out = awsmfa(&mut sb2.awsmfa_at(&sts), &[]);
    c.check("profile duration out of range", &out, 3);

    let sb3 = Sandbox::new();
    sb3.write_credentials(&keys_text("[default]", LONG_TERM_SECRET).replace(":aws:", ":aws-cn:"));
    let out = awsmfa(&mut sb3.awsmfa_at(&sts), &["--region", "eu-west-1"]);
    c.check("partition mismatch", &out, 3);

    let out = awsmfa(
        sb.awsmfa().env("AWS_ENDPOINT_URL_STS", "ftp://sts.example"),
        &[],
    );
    c.check("endpoint not http", &out, 3);

    let no_pem = sb.home().join("no-pem.txt");
    std::fs::write(&no_pem, "not a certificate\n").unwrap();
    let out = awsmfa(sb.awsmfa_at(&sts).env("AWS_CA_BUNDLE", &no_pem), &[]);
    c.check("CA bundle without PEM", &out, 3);
    let out = awsmfa(
        sb.awsmfa_at(&sts)
            .env("AWS_CA_BUNDLE", sb.home().join("missing.pem")),
        &[],
    );
    c.check("CA bundle missing", &out, 3);

    // The code from stdin, malformed; and no code with no terminal (setsid: no controlling terminal).
    let mut child = sb
        .awsmfa_at(&sts)
        .args(["-v", "--no-cache", "--shell", "bash"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all(b"12 34 56\n").unwrap();
    }
    let out = child.wait_with_output().unwrap();
    c.check("malformed code on stdin", &out, 3);
    if need("setsid", "running awsmfa without a controlling terminal") {
        let mut cmd = sb.command("setsid");
        cmd.arg("--wait")
            .arg(common::awsmfa_bin())
            .args(["-v", "--no-cache", "--shell", "bash"])
            .env("AWS_ENDPOINT_URL_STS", sts.url());
        let out = run(&mut cmd);
        c.check("no code and no terminal", &out, 3);
    }
    assert_eq!(
        sts.calls("GetSessionToken"),
        0,
        "input errors are found before any call"
    );
    c.finish();
}

// ------------------------------------------------------------------------------------------------ STS answers

#[test]
fn sts_error_answers_show_no_secret() {
    let mut c = Checker::default();
    let sb = sandbox();
    for (status, code, message, exit) in [
        (403, "AccessDenied", fake_sts::MFA_FAILED, 4),
        (
            403,
            "AccessDenied",
            "Cannot call GetSessionToken with session credentials",
            5,
        ),
        (
            403,
            "AccessDenied",
            "User is not authorized to perform sts:GetSessionToken",
            5,
        ),
        (
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            5,
        ),
        (
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match",
            5,
        ),
        (
            403,
            "SignatureDoesNotMatch",
            "Signature expired: 20260101T000000Z is now earlier than",
            5,
        ),
        (
            400,
            "ValidationError",
            "1 validation error detected: Value '100' at 'durationSeconds'",
            5,
        ),
        (400, "Throttling", "Rate exceeded", 5),
        (
            403,
            "ExpiredToken",
            "The security token included in the request is expired",
            5,
        ),
        (
            403,
            "RegionDisabledException",
            "STS is not activated in this region",
            5,
        ),
        (500, "InternalFailure", "internal", 5),
        (503, "ServiceUnavailable", "Service unavailable", 5),
        (400, "SomethingNew", "a code awsmfa does not know", 5),
    ] {
        let sts = sts();
        sts.push_error(status, code, message);
        // Had the call succeeded, these would have been issued.
        sts.push_credentials(issued(
            "CANARYISSUEDSECRET-ENDCANARY",
            "CANARYTOKENissued-ENDCANARY",
        ));
        let out = awsmfa(&mut sb.awsmfa_at(&sts), &[]);
        c.check(&format!("{status} {code}"), &out, exit);
    }

    // The same errors, caused for real by the fake: wrong secret, unknown key, wrong and reused code.
    let strict = FakeSts::start(vec![canary_user()]);
    let wrong = Sandbox::new();
    wrong.write_credentials(&keys_text("[default]", "CANARYSECRETbutwrong-ENDCANARY"));
    let out = awsmfa(&mut wrong.awsmfa_at(&strict), &[]);
    c.check("wrong secret (SignatureDoesNotMatch)", &out, 5);
    let unknown = Sandbox::new();
    unknown.write_credentials(
        &keys_text("[default]", LONG_TERM_SECRET).replace(KEY_ID, "AKIAUNKNOWNKEY000001"),
    );
    let out = awsmfa(&mut unknown.awsmfa_at(&strict), &[]);
    c.check("unknown key (InvalidClientTokenId)", &out, 5);
    let code = canary_user().totp_now();
    let wrong_code = format!(
        "{:06}",
        (code.parse::<u32>().unwrap() + 500_000) % 1_000_000
    );
    let out = awsmfa(&mut sb.awsmfa_at(&strict), &["--token-code", &wrong_code]);
    c.check("wrong code", &out, 4);
    let first = awsmfa(&mut sb.awsmfa_at(&strict), &["--token-code", &code]);
    if first.status.success() {
        let out = awsmfa(&mut sb.awsmfa_at(&strict), &["--token-code", &code]);
        c.check("reused code", &out, 4);
    }
    c.finish();
}

#[test]
fn malformed_answers_show_no_secret() {
    let creds = |secret: &str, token: &str, expiration: &str| {
        format!(
            "<GetSessionTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetSessionTokenResult>\
             <Credentials><AccessKeyId>ASIAISSUEDTOTESTS001</AccessKeyId><SecretAccessKey>{secret}</SecretAccessKey>\
             <SessionToken>{token}</SessionToken><Expiration>{expiration}</Expiration></Credentials>\
             </GetSessionTokenResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata>\
             </GetSessionTokenResponse>"
        )
    };
    let good = creds(
        "CANARYISSUEDSECRET-ENDCANARY",
        "CANARYTOKENissued-ENDCANARY",
        "2030-01-01T00:00:00Z",
    );
    let cases: Vec<(&str, u16, &str, String, i32)> = vec![
        ("not XML", 200, "text/xml", "CANARYTOKEN this is not XML ENDCANARY".into(), 5),
        ("empty body", 200, "text/xml", String::new(), 5),
        ("HTML from a proxy", 502, "text/html", "<html><body>Bad Gateway CANARYTOKEN</body></html>".into(), 5),
        ("truncated answer", 200, "text/xml", good[..good.len() / 2 + 40].to_string(), 5),
        (
            "XML without Credentials",
            200,
            "text/xml",
            "<GetSessionTokenResponse xmlns=\"https://sts.amazonaws.com/doc/2011-06-15/\"><GetSessionTokenResult>\
             <Other>CANARYTOKEN-ENDCANARY</Other></GetSessionTokenResult></GetSessionTokenResponse>"
                .into(),
            5,
        ),
        (
            "Expiration that does not parse",
            200,
            "text/xml",
            creds("CANARYISSUEDSECRET-ENDCANARY", "CANARYTOKENissued-ENDCANARY", "tomorrow CANARY"),
            5,
        ),
        (
            "Expiration out of range",
            200,
            "text/xml",
            creds("CANARYISSUEDSECRET-ENDCANARY", "CANARYTOKENissued-ENDCANARY", "99999-01-01T00:00:00Z"),
            5,
        ),
        (
            "Credentials without SessionToken",
            200,
            "text/xml",
            good.replace("<SessionToken>CANARYTOKENissued-ENDCANARY</SessionToken>", ""),
            5,
        ),
        (
            "an entity that does not exist",
            200,
            "text/xml",
            good.replace("-ENDCANARY</SessionToken>", "&bogus;-ENDCANARY</SessionToken>"),
            5,
        ),
        (
            "error body without a code",
            400,
            "text/xml",
            "<ErrorResponse><Error><Message>CANARYTOKEN echoed</Message></Error></ErrorResponse>".into(),
            5,
        ),
    ];
    let mut c = Checker::default();
    let sb = sandbox();
    for (name, status, content_type, body, exit) in &cases {
        let sts = sts();
        sts.push_raw(*status, content_type, body);
        let out = awsmfa(&mut sb.awsmfa_at(&sts), &[]);
        c.check(name, &out, *exit);
    }
    c.finish();
}

// ------------------------------------------------------------------------------------------------ network

#[test]
fn network_failures_show_no_secret() {
    let mut c = Checker::default();
    let sb = sandbox();
    let free_port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = awsmfa(
        sb.awsmfa().env(
            "AWS_ENDPOINT_URL_STS",
            format!("http://127.0.0.1:{free_port}"),
        ),
        &[],
    );
    c.check("connection refused", &out, 6);

    let sts = sts();
    sts.push_delay(Duration::from_secs(3));
    let out = awsmfa(&mut sb.awsmfa_at(&sts), &["--timeout", "1"]);
    c.check("timeout", &out, 6);

    // A peer that accepts and closes at once (a dying proxy or load balancer).
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    let closer = std::thread::spawn(move || {
        if let Ok((stream, _)) = listener.accept() {
            drop(stream);
        }
    });
    let out = awsmfa(
        sb.awsmfa().env("AWS_ENDPOINT_URL_STS", &url),
        &["--timeout", "3"],
    );
    let _ = closer.join();
    c.check("connection closed without an answer", &out, 6);
    c.finish();
}

// ------------------------------------------------------------------------------------------------ credential_process

fn process_sandbox(script_body: &str, args: &str) -> Sandbox {
    let sb = Sandbox::new();
    let script = sb.home().join("creds.sh");
    std::fs::write(&script, format!("#!/bin/sh\n{script_body}\n")).unwrap();
    sb.write_config(&format!(
        "[profile proc]\ncredential_process = sh {}{args}\nmfa_serial = {}\n",
        script.display(),
        serial()
    ));
    sb
}

/// A failing credential_process that prints the secret it holds on stderr (as a helper that echoes its
/// input or a debug dump might): the SDK puts the process's stderr into its error, and awsmfa shows it.
#[test]
fn failing_credential_process_stderr_is_not_shown() {
    let sts = sts();
    let sb = process_sandbox(
        &format!("echo \"vault: cannot decrypt {LONG_TERM_SECRET}\" >&2\nexit 1"),
        "",
    );
    let out = awsmfa(&mut sb.awsmfa_at(&sts), &["--profile", "proc"]);
    assert_all_failed_well(
        failed_well("credential_process fails, secret on stderr", &out, 3),
        1,
    );
}

#[test]
fn credential_process_errors_show_no_secret() {
    let mut c = Checker::default();
    let sts = sts();
    let doc = |extra: &str| {
        format!(
            r#"printf '%s' '{{"Version":1,"AccessKeyId":"{KEY_ID}","SecretAccessKey":"{LONG_TERM_SECRET}"{extra}}}'"#
        )
    };
    for (name, body, args, timeout, exit) in [
        (
            "returns a SessionToken",
            doc(r#","SessionToken":"CANARYTOKENfromprocess-ENDCANARY""#),
            "",
            "10",
            3,
        ),
        (
            "truncated JSON",
            format!(
                r#"printf '%s' '{{"Version":1,"AccessKeyId":"{KEY_ID}","SecretAccessKey":"{LONG_TERM_SECRET}'"#
            ),
            "",
            "10",
            3,
        ),
        (
            "Version 2",
            doc("").replace(r#""Version":1"#, r#""Version":2"#),
            "",
            "10",
            3,
        ),
        (
            "no AccessKeyId",
            doc("").replace(&format!(r#""AccessKeyId":"{KEY_ID}","#), ""),
            "",
            "10",
            3,
        ),
        (
            "Expiration that does not parse",
            doc(r#","Expiration":"soon CANARY""#),
            "",
            "10",
            3,
        ),
        (
            "not UTF-8",
            format!(r#"printf '\377\376{LONG_TERM_SECRET}'"#),
            "",
            "10",
            3,
        ),
        (
            "secret in the arguments, exit 2",
            "exit 2".into(),
            " --password=CANARYSECRETinargs-ENDCANARY",
            "10",
            3,
        ),
        (
            "takes too long",
            format!("sleep 3\n{}", doc("")),
            " --password=CANARYSECRETinargs-ENDCANARY",
            "1",
            3,
        ),
    ] {
        let sb = process_sandbox(&body, args);
        let out = awsmfa(
            &mut sb.awsmfa_at(&sts),
            &["--profile", "proc", "--timeout", timeout],
        );
        c.check(&format!("credential_process {name}"), &out, exit);
    }
    // A command that does not exist (sh prints "not found" naming the command, not its arguments).
    let sb = Sandbox::new();
    sb.write_config(&format!(
        "[profile proc]\ncredential_process = awsmfa-no-such-helper --password=CANARYSECRETinargs-ENDCANARY\nmfa_serial = {}\n",
        serial()
    ));
    let out = awsmfa(&mut sb.awsmfa_at(&sts), &["--profile", "proc"]);
    c.check("credential_process not found", &out, 3);
    assert_eq!(sts.calls("GetSessionToken"), 0);
    c.finish();
}

// ------------------------------------------------------------------------------------------------ refused output

#[test]
fn values_a_shell_cannot_hold_are_refused_without_showing_them() {
    let mut c = Checker::default();
    let sb = sandbox();
    let cases = [
        (
            "cmd: % in the secret",
            "cmd",
            "CANARYISSUED%SECRET%-ENDCANARY",
            "CANARYTOKENissued-ENDCANARY",
        ),
        (
            "cmd: ! in the token",
            "cmd",
            "CANARYISSUEDSECRET-ENDCANARY",
            "CANARYTOKEN!issued!-ENDCANARY",
        ),
        (
            "cmd: non-ASCII token",
            "cmd",
            "CANARYISSUEDSECRET-ENDCANARY",
            "CANARYTOKENé-ENDCANARY",
        ),
        (
            "cmd: token over the line limit",
            "cmd",
            "CANARYISSUEDSECRET-ENDCANARY",
            &format!("CANARYTOKEN{}", "A".repeat(8200)),
        ),
        (
            "powershell: LF in the token",
            "powershell",
            "CANARYISSUEDSECRET-ENDCANARY",
            "CANARYTOKEN\nissued-ENDCANARY",
        ),
        (
            "env: CR in the secret",
            "env",
            "CANARYISSUED\rSECRET-ENDCANARY",
            "CANARYTOKENissued-ENDCANARY",
        ),
    ];
    for (name, shell, secret, token) in &cases {
        let sts = sts();
        sts.push_credentials(issued(secret, token));
        let out = awsmfa(&mut sb.awsmfa_at(&sts), &["--shell", shell]);
        c.check(name, &out, 7);
        if sts.issued().len() != 1 {
            c.problems.push(format!(
                "{name}: the fake issued nothing; the case did not reach the renderer"
            ));
        }
    }
    c.finish();
}

// ------------------------------------------------------------------------------------------------ panics

/// Panic paths reachable with secrets loaded (found by reading src/ and the SDK sources; src/ itself has
/// no `unwrap`/`expect`/`panic!` on such a path — its `expect`s are on infallible calls):
/// - aws-runtime `auth.rs` `apply_signing_instructions`: `HeaderValue::from_str(..).unwrap()` on the
///   Authorization header: an access key id holding a control character (from a profile, the environment
///   or credential_process output) panics while the request is signed;
/// - aws-smithy-http-client `tls/rustls_provider.rs`: `.expect("valid PEM certificate")` and
///   `.expect("cert parsable")`: a CA bundle whose `BEGIN CERTIFICATE` block is not a certificate (awsmfa
///   only looks for the marker) panics when the HTTPS connector is built.
///
/// Each case with the exit status a clean failure should have (3: a configuration problem).
fn panic_cases() -> Vec<(&'static str, Output)> {
    let sts = sts();
    let mut outs = Vec::new();

    let sb = Sandbox::new();
    sb.write_credentials(
        &keys_text("[default]", LONG_TERM_SECRET).replace(KEY_ID, "AKIAKEYFORTESTS\u{7f}0001"),
    );
    outs.push((
        "access key id with DEL in a profile",
        awsmfa(&mut sb.awsmfa_at(&sts), &[]),
    ));

    let sb = Sandbox::new();
    outs.push((
        "access key id with a control character in the environment",
        awsmfa(
            sb.awsmfa_at(&sts)
                .env("AWS_ACCESS_KEY_ID", "AKIAKEYFORTESTS\u{1}0001")
                .env("AWS_SECRET_ACCESS_KEY", LONG_TERM_SECRET)
                .env("AWS_MFA_SERIAL", serial()),
            &[],
        ),
    ));

    let sb = process_sandbox(
        &format!(
            r#"printf '%s' '{{"Version":1,"AccessKeyId":"AKIAKEYFORTESTS\u00010001","SecretAccessKey":"{LONG_TERM_SECRET}"}}'"#
        ),
        "",
    );
    outs.push((
        "access key id with a control character from credential_process",
        awsmfa(&mut sb.awsmfa_at(&sts), &["--profile", "proc"]),
    ));

    for (name, pem) in [
        (
            "CA bundle: BEGIN block with bad base64",
            "-----BEGIN CERTIFICATE-----\n!!!! not base64 !!!!\n-----END CERTIFICATE-----\n",
        ),
        (
            "CA bundle: BEGIN block that is not a certificate",
            "-----BEGIN CERTIFICATE-----\nQ0FOQVJZIG5vdCBhIGNlcnRpZmljYXRl\n-----END CERTIFICATE-----\n",
        ),
    ] {
        let sb = sandbox();
        let path = sb.home().join("bundle.pem");
        std::fs::write(&path, pem).unwrap();
        outs.push((
            name,
            awsmfa(sb.awsmfa_at(&sts).env("AWS_CA_BUNDLE", &path), &[]),
        ));
    }
    outs
}

/// Whatever a panic prints, it holds no secret (debug build: the message and location on stderr).
#[test]
fn panic_messages_show_no_secret() {
    for (name, out) in panic_cases() {
        for bytes in [&out.stdout, &out.stderr] {
            assert!(
                !bytes.windows(MARK.len()).any(|w| w == MARK.as_bytes()),
                "{name}: a secret was printed:\n{}",
                String::from_utf8_lossy(&out.stderr).replace(MARK, "<MARK>")
            );
        }
        assert!(out.stdout.is_empty(), "{name}: stdout");
    }
}

/// And none of them may panic at all: a panic is not one clear message (and in the release build,
/// panic = "abort", it is SIGABRT — a core dump where enabled, with the secret key in it).
#[test]
fn inputs_that_reach_a_panic_fail_well_instead() {
    let mut c = Checker::default();
    for (name, out) in panic_cases() {
        c.check(name, &out, 3);
    }
    c.finish();
}

// ------------------------------------------------------------------------------------------------ Debug

#[test]
fn debug_and_display_of_secret_types_never_show_the_secret() {
    use awsmfa::resolve::source::{LongTermKeys, Source};
    use awsmfa::secret::Secret;
    use awsmfa::session::Session;

    let secret = Secret::new("CANARYSECRETdebug-ENDCANARY");
    let session = Session {
        access_key_id: "ASIAISSUEDTOTESTS001".into(),
        secret_access_key: Secret::new("CANARYISSUEDSECRETdebug-ENDCANARY"),
        session_token: Secret::new("CANARYTOKENdebug-ENDCANARY"),
        expiration: "2030-01-01T00:00:00Z".into(),
    };
    let keys = LongTermKeys {
        access_key_id: KEY_ID.into(),
        secret_access_key: Secret::new("CANARYSECRETkeys-ENDCANARY"),
    };
    let source = Source::Keys(keys.clone());
    let shown = [
        format!("{secret:?}"),
        format!("{secret:#?}"),
        format!("{secret}"),
        format!("{session:?}"),
        format!("{session:#?}"),
        format!("{keys:?}"),
        format!("{keys:#?}"),
        format!("{source:?}"),
        format!("{:?}", Some(&session)),
        format!("{:?}", Ok::<_, ()>(vec![keys.clone()])),
    ];
    for s in &shown {
        assert!(!s.contains(MARK), "a secret in {s}");
        assert!(s.contains("<redacted>"), "{s}");
    }
    // The non-secret parts stay visible (so the redaction is not just an empty Debug).
    assert!(shown[3].contains("ASIAISSUEDTOTESTS001") && shown[3].contains("2030-01-01T00:00:00Z"));
    assert!(shown[5].contains(KEY_ID));
    // And the values are still there for the renderer.
    assert_eq!(session.session_token.expose(), "CANARYTOKENdebug-ENDCANARY");
}
