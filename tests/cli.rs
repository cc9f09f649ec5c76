//! The main job end to end: the awsmfa binary against the fake STS, with a sandboxed home.

mod common;

use common::{Sandbox, run, stderr, stdout};
use fake_sts::{FakeSts, User};
use std::process::Stdio;

fn alice_sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.with_user_profile("default", &User::alice());
    sb
}

/// Reads `export NAME=VALUE` lines back through bash into a map (values may be quoted).
fn eval_in_bash(statements: &str, names: &[&str]) -> Vec<Option<String>> {
    let mut script = String::from(statements);
    for n in names {
        script.push_str(&format!(
            "if [ \"${{{n}+set}}\" = set ]; then printf '%s\\0' \"${n}\"; else printf '<unset>\\0'; fi\n"
        ));
    }
    let out = std::process::Command::new("bash")
        .args(["--norc", "--noprofile", "-c", &script])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    String::from_utf8(out.stdout)
        .unwrap()
        .split_terminator('\0')
        .map(|v| (v != "<unset>").then(|| v.to_string()))
        .collect()
}

#[test]
fn exports_session_credentials_signed_with_the_profiles_keys() {
    let alice = User::alice();
    let sts = FakeSts::start(vec![alice.clone()]);
    let sb = alice_sandbox();
    let code = alice.totp_now();
    let out = run(sb
        .awsmfa_at(&sts)
        .args(["--shell", "bash", "--token-code", &code]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));

    let requests = sts.requests();
    assert_eq!(requests.len(), 1, "exactly one call");
    let r = &requests[0];
    assert_eq!(r.action, "GetSessionToken");
    assert!(r.signature_valid);
    assert_eq!(
        r.access_key_id.as_deref(),
        Some(alice.access_key_id.as_str())
    );
    assert_eq!(r.region.as_deref(), Some("us-east-1"));
    assert_eq!(r.param("SerialNumber"), alice.mfa_serial.as_deref());
    assert_eq!(r.param("TokenCode"), Some(code.as_str()));
    assert_eq!(
        r.param("DurationSeconds"),
        None,
        "not sent unless asked for"
    );

    let issued = &sts.issued()[0];
    let values = eval_in_bash(
        &stdout(&out),
        &[
            "AWS_ACCESS_KEY_ID",
            "AWS_SECRET_ACCESS_KEY",
            "AWS_SESSION_TOKEN",
            "AWS_CREDENTIAL_EXPIRATION",
            "AWS_REGION",
            "AWS_SECURITY_TOKEN",
        ],
    );
    assert_eq!(values[0].as_deref(), Some(issued.access_key_id.as_str()));
    assert_eq!(
        values[1].as_deref(),
        Some(issued.secret_access_key.as_str())
    );
    assert_eq!(values[2].as_deref(), Some(issued.session_token.as_str()));
    assert_eq!(values[3].as_deref(), Some(issued.expiration.as_str()));
    assert!(issued.expiration.ends_with('Z'));
    assert_eq!(values[4], None, "a default region is not exported");
    assert_eq!(values[5], None);
}

#[test]
fn sends_serial_code_and_duration_exactly_as_given() {
    let sts = FakeSts::builder()
        .user(User::alice())
        .any_code(true)
        .start();
    let sb = alice_sandbox();
    let out = run(sb.awsmfa_at(&sts).args([
        "--shell",
        "sh",
        "--token-code",
        " 012345\r",
        "--duration-seconds",
        "900",
        "--serial-number",
        "arn:aws:iam::123456789012:mfa/alice",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = &sts.requests()[0];
    assert_eq!(r.param("TokenCode"), Some("012345"));
    assert_eq!(r.param("DurationSeconds"), Some("900"));
    assert_eq!(
        r.param("SerialNumber"),
        Some("arn:aws:iam::123456789012:mfa/alice")
    );
}

#[test]
fn reads_the_code_from_stdin_when_it_is_not_a_terminal() {
    let alice = User::alice();
    let sts = FakeSts::start(vec![alice.clone()]);
    let sb = alice_sandbox();
    let mut child = sb
        .awsmfa_at(&sts)
        .args(["--shell", "bash"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    use std::io::Write;
    writeln!(child.stdin.take().unwrap(), "{}", alice.totp_now()).unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).starts_with("export AWS_ACCESS_KEY_ID="));
    assert_eq!(sts.calls("GetSessionToken"), 1);
}

#[test]
fn no_terminal_and_no_code_fails_at_once_without_a_call() {
    let sts = FakeSts::start(vec![User::alice()]);
    let sb = alice_sandbox();
    // setsid: no controlling terminal; stdin is /dev/null.
    let mut cmd = sb.command("setsid");
    cmd.arg("--wait")
        .arg(common::awsmfa_bin())
        .args(["--shell", "bash"])
        .env("AWS_ENDPOINT_URL_STS", sts.url());
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("--token-code"), "{}", stderr(&out));
    assert_eq!(sts.requests().len(), 0);
}

#[test]
fn a_used_code_is_rejected_with_exit_4_and_empty_stdout() {
    let alice = User::alice();
    let sts = FakeSts::start(vec![alice.clone()]);
    let sb = alice_sandbox();
    let code = alice.totp_now();
    let first = run(sb
        .awsmfa_at(&sts)
        .args(["--shell", "bash", "--token-code", &code]));
    assert_eq!(first.status.code(), Some(0), "{}", stderr(&first));
    let second =
        run(sb
            .awsmfa_at(&sts)
            .args(["--shell", "bash", "--no-cache", "--token-code", &code]));
    assert_eq!(second.status.code(), Some(4), "{}", stderr(&second));
    assert!(second.stdout.is_empty());
    let err = stderr(&second);
    assert!(err.contains("already used"), "{err}");
    assert_eq!(err.lines().count(), 1, "one line: {err}");
    assert_eq!(
        sts.calls("GetSessionToken"),
        2,
        "one call per run, no retry"
    );
}

#[test]
fn malformed_inputs_are_refused_before_any_call() {
    let sts = FakeSts::start(vec![User::alice()]);
    let sb = alice_sandbox();
    let cases: &[(&[&str], i32, &str)] = &[
        (&["--token-code", "12345"], 3, "6 digits"),
        (&["--token-code", "12345a"], 3, "6 digits"),
        (
            &["--token-code", "123456", "--duration-seconds", "899"],
            2,
            "900",
        ),
        (
            &["--token-code", "123456", "--duration-seconds", "129601"],
            2,
            "129600",
        ),
        (
            &["--token-code", "123456", "--duration-seconds", "1h"],
            2,
            "900",
        ),
        (
            &[
                "--token-code",
                "123456",
                "--serial-number",
                "arn:aws:iam::123456789012:user/alice",
            ],
            3,
            "arn:aws:iam::123456789012:mfa/alice",
        ),
        (
            &["--token-code", "123456", "--serial-number", "bad serial"],
            3,
            "serial",
        ),
        (
            &["--token-code", "123456", "--region", "Not A Region"],
            3,
            "region",
        ),
        (&["--token-code", "123456", "--shell", "tcsh"], 2, "tcsh"),
    ];
    for (args, code, needle) in cases {
        let mut cmd = sb.awsmfa_at(&sts);
        if !args.contains(&"--shell") {
            cmd.args(["--shell", "bash"]);
        }
        let out = run(cmd.args(*args));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(*code), "{args:?}: {err}");
        assert!(out.stdout.is_empty(), "{args:?}");
        assert!(err.contains(needle), "{args:?}: {err}");
    }
    assert_eq!(sts.requests().len(), 0);
}

#[test]
fn duration_from_the_profile_is_checked_and_sent() {
    let sts = FakeSts::builder()
        .user(User::alice())
        .any_code(true)
        .start();
    let sb = alice_sandbox();
    sb.write_config("[default]\nduration_seconds = 3600\n");
    let out = run(sb
        .awsmfa_at(&sts)
        .args(["--shell", "bash", "--token-code", "123456"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(sts.requests()[0].param("DurationSeconds"), Some("3600"));

    sb.write_config("[default]\nduration_seconds = 200000\n");
    let out = run(sb
        .awsmfa_at(&sts)
        .args(["--shell", "bash", "--token-code", "123456"]));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("duration_seconds of profile"));
    assert_eq!(sts.requests().len(), 1);
}

#[test]
fn session_credentials_in_the_environment_are_ignored_and_replaced() {
    let alice = User::alice();
    let sts = FakeSts::start(vec![alice.clone()]);
    let sb = alice_sandbox();
    let out = run(sb
        .awsmfa_at(&sts)
        .args(["--shell", "bash", "--token-code", &alice.totp_now()])
        .env("AWS_ACCESS_KEY_ID", "ASIAOLDSESSION000001")
        .env("AWS_SECRET_ACCESS_KEY", "old-secret")
        .env("AWS_SESSION_TOKEN", "old-token"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        sts.requests()[0].access_key_id.as_deref(),
        Some(alice.access_key_id.as_str())
    );
    let err = stderr(&out);
    assert_eq!(
        err.matches("already in this shell's environment are replaced")
            .count(),
        1,
        "{err}"
    );
}

#[test]
fn long_term_keys_in_the_environment_are_used_unless_a_profile_is_named() {
    let alice = User::alice();
    let bob = User::bob();
    let sts = FakeSts::builder()
        .users([alice.clone(), bob.clone()])
        .any_code(true)
        .start();
    let sb = Sandbox::new();
    sb.with_user_profile("bob", &bob);
    let env_keys = |cmd: &mut std::process::Command| {
        cmd.env("AWS_ACCESS_KEY_ID", &alice.access_key_id)
            .env("AWS_SECRET_ACCESS_KEY", &alice.secret_access_key);
    };
    let mut cmd = sb.awsmfa_at(&sts);
    cmd.args(["--shell", "bash", "--token-code", "123456"])
        .env("AWS_MFA_SERIAL", alice.mfa_serial.as_deref().unwrap());
    env_keys(&mut cmd);
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        sts.requests()[0].access_key_id.as_deref(),
        Some(alice.access_key_id.as_str())
    );

    let mut cmd = sb.awsmfa_at(&sts);
    cmd.args([
        "--shell",
        "bash",
        "--token-code",
        "123456",
        "--profile",
        "bob",
    ]);
    env_keys(&mut cmd);
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        sts.requests()[1].access_key_id.as_deref(),
        Some(bob.access_key_id.as_str())
    );
}

#[test]
fn a_profile_with_session_credentials_is_refused() {
    let sts = FakeSts::start(vec![User::alice()]);
    let sb = Sandbox::new();
    sb.write_credentials(
        "[temp]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = s\naws_session_token = tok\nmfa_serial = arn:aws:iam::123456789012:mfa/alice\n",
    );
    let out = run(sb.awsmfa_at(&sts).args([
        "--shell",
        "bash",
        "--token-code",
        "123456",
        "--profile",
        "temp",
    ]));
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("\"temp\"") && err.contains("session credentials"),
        "{err}"
    );
    assert_eq!(sts.requests().len(), 0);

    // An empty aws_session_token counts as absent.
    let alice = User::alice();
    sb.write_credentials(&format!(
        "[temp]\naws_access_key_id = {}\naws_secret_access_key = {}\naws_session_token =\nmfa_serial = {}\n",
        alice.access_key_id,
        alice.secret_access_key,
        alice.mfa_serial.as_deref().unwrap()
    ));
    let out = run(sb.awsmfa_at(&sts).args([
        "--shell",
        "bash",
        "--token-code",
        &alice.totp_now(),
        "--profile",
        "temp",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
}

#[test]
fn source_profile_gives_keys_serial_and_region() {
    let alice = User::alice();
    let sts = FakeSts::start(vec![alice.clone()]);
    let sb = Sandbox::new();
    sb.write_credentials(&format!(
        "[base]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
        alice.access_key_id, alice.secret_access_key
    ));
    sb.write_config(&format!(
        "[profile base]\nmfa_serial = {}\nregion = eu-west-1\n[profile work]\nsource_profile = base\n",
        alice.mfa_serial.as_deref().unwrap()
    ));
    let out = run(sb.awsmfa_at(&sts).args([
        "--shell",
        "bash",
        "--token-code",
        &alice.totp_now(),
        "--profile",
        "work",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let r = &sts.requests()[0];
    assert_eq!(r.region.as_deref(), Some("eu-west-1"));
    let values = eval_in_bash(&stdout(&out), &["AWS_REGION", "AWS_DEFAULT_REGION"]);
    assert_eq!(
        values,
        vec![Some("eu-west-1".into()), Some("eu-west-1".into())]
    );
}

#[test]
fn credential_process_supplies_long_term_keys() {
    let alice = User::alice();
    let sts = FakeSts::start(vec![alice.clone()]);
    let sb = Sandbox::new();
    let doc = format!(
        r#"{{"Version":1,"AccessKeyId":"{}","SecretAccessKey":"{}"}}"#,
        alice.access_key_id, alice.secret_access_key
    );
    let script = sb.home().join("creds.sh");
    std::fs::write(&script, format!("#!/bin/sh\nprintf '%s' '{doc}'\n")).unwrap();
    sb.write_config(&format!(
        "[profile proc]\ncredential_process = sh {}\nmfa_serial = {}\n",
        script.display(),
        alice.mfa_serial.as_deref().unwrap()
    ));
    let out = run(sb.awsmfa_at(&sts).args([
        "--shell",
        "bash",
        "--token-code",
        &alice.totp_now(),
        "--profile",
        "proc",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert_eq!(
        sts.requests()[0].access_key_id.as_deref(),
        Some(alice.access_key_id.as_str())
    );
}

#[test]
fn sts_errors_map_to_exit_codes_with_empty_stdout() {
    let sb = alice_sandbox();
    let cases: &[(u16, &str, &str, i32, &str)] = &[
        (
            403,
            "AccessDenied",
            "MultiFactorAuthentication failed with invalid MFA one time pass code.",
            4,
            "next code",
        ),
        (
            403,
            "InvalidClientTokenId",
            "The security token included in the request is invalid.",
            5,
            "access key",
        ),
        (
            403,
            "SignatureDoesNotMatch",
            "The request signature we calculated does not match",
            5,
            "secret access key",
        ),
        (
            403,
            "SignatureDoesNotMatch",
            "Signature expired: 20260101T000000Z is now earlier than",
            5,
            "clock",
        ),
        (
            400,
            "ValidationError",
            "1 validation error detected: Value '100' at 'durationSeconds'",
            5,
            "duration",
        ),
        (400, "Throttling", "Rate exceeded", 5, "throttling"),
        (
            403,
            "AccessDenied",
            "Cannot call GetSessionToken with session credentials",
            5,
            "session credentials",
        ),
        (
            403,
            "ExpiredToken",
            "The security token included in the request is expired",
            5,
            "expired",
        ),
        (500, "InternalFailure", "internal", 5, "InternalFailure"),
    ];
    for (status, code, message, exit, needle) in cases {
        let sts = FakeSts::builder()
            .user(User::alice())
            .any_code(true)
            .start();
        sts.push_error(*status, code, message);
        let out = run(sb
            .awsmfa_at(&sts)
            .args(["--shell", "bash", "--token-code", "123456"]));
        let err = stderr(&out);
        assert_eq!(out.status.code(), Some(*exit), "{code}: {err}");
        assert!(out.stdout.is_empty(), "{code}");
        assert!(
            err.to_lowercase().contains(&needle.to_lowercase()),
            "{code}: {err}"
        );
        assert_eq!(err.lines().count(), 1, "{code}: {err}");
        assert_eq!(sts.calls("GetSessionToken"), 1, "{code}: never retried");
    }
}

#[test]
fn network_failures_exit_6() {
    let sb = alice_sandbox();
    // A port nothing listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let out = run(sb
        .awsmfa()
        .env("AWS_ENDPOINT_URL_STS", format!("http://127.0.0.1:{port}"))
        .args(["--shell", "bash", "--token-code", "123456"]));
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("cannot reach"));

    let sts = FakeSts::builder()
        .user(User::alice())
        .any_code(true)
        .start();
    sts.push_delay(std::time::Duration::from_secs(3));
    let out = run(sb.awsmfa_at(&sts).args([
        "--shell",
        "bash",
        "--token-code",
        "123456",
        "--timeout",
        "1",
    ]));
    assert_eq!(out.status.code(), Some(6), "{}", stderr(&out));
    assert!(stderr(&out).contains("within 1 s"), "{}", stderr(&out));
}

#[test]
fn unset_prints_removals_and_calls_nothing() {
    let sb = Sandbox::new();
    let out = run(sb.awsmfa().args(["--unset", "--shell", "bash"]));
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    for name in [
        "AWS_ACCESS_KEY_ID",
        "AWS_SECRET_ACCESS_KEY",
        "AWS_SESSION_TOKEN",
        "AWS_SECURITY_TOKEN",
        "AWS_CREDENTIAL_EXPIRATION",
    ] {
        assert!(text.contains(&format!("unset {name}\n")), "{text}");
    }
    let out = run(sb.awsmfa().args(["--unset", "--shell", "json"]));
    assert_eq!(out.status.code(), Some(2));
    assert!(out.stdout.is_empty());
}

#[test]
fn json_is_a_credential_process_document() {
    let sts = FakeSts::builder()
        .user(User::alice())
        .any_code(true)
        .start();
    let sb = alice_sandbox();
    let out = run(sb
        .awsmfa_at(&sts)
        .args(["--shell", "json", "--token-code", "123456"]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let issued = &sts.issued()[0];
    assert_eq!(doc["Version"], 1);
    assert_eq!(doc["AccessKeyId"], issued.access_key_id.as_str());
    assert_eq!(doc["SecretAccessKey"], issued.secret_access_key.as_str());
    assert_eq!(doc["SessionToken"], issued.session_token.as_str());
    assert_eq!(doc["Expiration"], issued.expiration.as_str());
}

#[test]
fn missing_serial_and_missing_profile_say_where_they_looked() {
    let sb = Sandbox::new();
    sb.write_credentials(
        "[default]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = s\n",
    );
    let out = run(sb.awsmfa().args(["--shell", "bash"]));
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("AWS_MFA_SERIAL") && err.contains(".aws/credentials"),
        "{err}"
    );

    let out = run(sb.awsmfa().args(["--shell", "bash", "--profile", "nope"]));
    assert_eq!(out.status.code(), Some(3));
    let err = stderr(&out);
    assert!(
        err.contains("\"nope\" not found") && err.contains("profiles found: default"),
        "{err}"
    );
}

#[test]
fn other_partitions_ask_for_a_region() {
    let sb = Sandbox::new();
    sb.write_credentials(
        "[default]\naws_access_key_id = AKIAEXAMPLE000000001\naws_secret_access_key = s\nmfa_serial = arn:aws-cn:iam::123456789012:mfa/alice\n",
    );
    let out = run(sb
        .awsmfa()
        .args(["--shell", "bash", "--token-code", "123456"]));
    assert_eq!(out.status.code(), Some(3));
    assert!(stderr(&out).contains("--region"), "{}", stderr(&out));
}

#[test]
fn never_probes_instance_metadata_and_fails_fast_without_keys() {
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let imds = format!("http://{}", listener.local_addr().unwrap());
    let sb = Sandbox::new();
    let out = run(sb
        .awsmfa()
        .args(["--shell", "bash", "--token-code", "123456"])
        .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", &imds)
        .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", &imds));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(
        listener.accept().is_err(),
        "awsmfa connected to the metadata endpoint"
    );
}

#[test]
fn verbose_names_sources_but_never_a_secret() {
    let alice = User::alice();
    let sts = FakeSts::start(vec![alice.clone()]);
    let sb = alice_sandbox();
    let out =
        run(sb
            .awsmfa_at(&sts)
            .args(["-v", "--shell", "bash", "--token-code", &alice.totp_now()]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let err = stderr(&out);
    assert!(
        err.contains("profile: default")
            && err.contains("MFA serial number")
            && err.contains(&sts.url()),
        "{err}"
    );
    let issued = &sts.issued()[0];
    for secret in [
        &alice.secret_access_key,
        &issued.secret_access_key,
        &issued.session_token,
    ] {
        assert!(!err.contains(secret.as_str()), "secret leaked in -v output");
    }
    assert!(
        !err.contains(&alice.access_key_id),
        "full access key id shown"
    );
}

#[test]
fn environment_variables_that_are_not_utf8_are_refused_not_ignored() {
    use std::os::unix::ffi::OsStrExt;
    let sts = FakeSts::builder()
        .user(User::alice())
        .any_code(true)
        .start();
    let sb = alice_sandbox();
    let bad = std::ffi::OsStr::from_bytes(b"prod\xff");
    for name in ["AWS_PROFILE", "AWS_ENDPOINT_URL_STS", "AWS_REGION"] {
        let out = run(sb
            .awsmfa_at(&sts)
            .args(["--shell", "bash", "--token-code", "123456"])
            .env(name, bad));
        assert_eq!(out.status.code(), Some(3), "{name}: {}", stderr(&out));
        assert!(out.stdout.is_empty());
        assert!(stderr(&out).contains(name), "{}", stderr(&out));
    }
    assert_eq!(sts.requests().len(), 0);
}

#[test]
fn shell_is_not_guessed_from_shell_variable_when_output_goes_to_a_pipe() {
    // The parent (this test) is not a shell and stdout is a pipe: $SHELL may name another shell than the
    // one reading the output, so awsmfa asks for --shell instead of guessing.
    let sts = FakeSts::builder()
        .user(User::alice())
        .any_code(true)
        .start();
    let sb = alice_sandbox();
    let out = run(sb
        .awsmfa_at(&sts)
        .args(["--token-code", "123456"])
        .env("SHELL", "/bin/bash"));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("--shell"), "{}", stderr(&out));
    assert_eq!(sts.requests().len(), 0, "asked before any call");
}

#[test]
fn odd_inputs_fail_fast_and_clearly() {
    let sts = FakeSts::builder()
        .user(User::alice())
        .any_code(true)
        .start();
    let sb = alice_sandbox();
    // An endpoint URL with a password in it.
    let out = run(sb
        .awsmfa()
        .args(["--shell", "bash", "--token-code", "123456"])
        .env(
            "AWS_ENDPOINT_URL_STS",
            format!("http://user:hunter2@127.0.0.1:{}", sts.port()),
        ));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(!stderr(&out).contains("hunter2"));
    // A FIFO as the credentials file: refused at once instead of waiting for a writer.
    let fifo = sb.home().join("fifo");
    assert!(
        std::process::Command::new("mkfifo")
            .arg(&fifo)
            .status()
            .unwrap()
            .success()
    );
    let out = run(sb
        .awsmfa_at(&sts)
        .args(["--shell", "bash", "--token-code", "123456"])
        .env("AWS_SHARED_CREDENTIALS_FILE", &fifo));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(
        stderr(&out).contains("not a regular file"),
        "{}",
        stderr(&out)
    );
    // A bad AWSMFA_TIMEOUT does not break `init`, which runs from every shell start-up file.
    let out = run(sb
        .awsmfa()
        .args(["init", "bash"])
        .env("AWSMFA_TIMEOUT", "abc"));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let out = run(sb
        .awsmfa_at(&sts)
        .args(["--shell", "bash", "--token-code", "123456"])
        .env("AWSMFA_TIMEOUT", "abc"));
    assert_eq!(out.status.code(), Some(3), "{}", stderr(&out));
    assert!(stderr(&out).contains("AWSMFA_TIMEOUT"), "{}", stderr(&out));
    assert_eq!(sts.requests().len(), 0);
}

#[test]
fn a_credential_longer_than_any_real_session_is_refused() {
    let sts = FakeSts::builder()
        .user(User::alice())
        .any_code(true)
        .start();
    sts.push_credentials(fake_sts::IssuedOverride {
        access_key_id: "ASIAHUGE000000000001".into(),
        secret_access_key: "s".into(),
        session_token: "t".repeat(40 * 1024),
        expiration: None,
    });
    let sb = alice_sandbox();
    let out = run(sb
        .awsmfa_at(&sts)
        .args(["--shell", "bash", "--token-code", "123456"]));
    assert_eq!(out.status.code(), Some(5), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert!(stderr(&out).contains("32 KiB"), "{}", stderr(&out));
}
