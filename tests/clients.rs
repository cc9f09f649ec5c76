//! awsmfa with real peers: the prompt in a pseudo-terminal, the AWS CLI consuming the exported variables,
//! and moto as an independent STS that checks our signatures.

mod common;

use common::{Sandbox, need, run, skip, stderr, stdout};
use fake_sts::{FakeSts, User};

fn json(out: &std::process::Output) -> serde_json::Value {
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {} / {}", stdout(out), stderr(out)))
}

#[test]
fn prompt_on_the_terminal_code_typed_statements_on_stdout() {
    if !need(&common::python(), "runs tests/tools/pty_run.py") {
        return;
    }
    let alice = User::alice();
    let sts = FakeSts::start(vec![alice.clone()]);
    let sb = Sandbox::new();
    sb.with_user_profile("default", &alice);
    let code = alice.totp_now();
    let out = run(sb
        .command(common::python())
        .arg(common::tool("pty_run.py"))
        .args(["--expect", "MFA code for", "--send", &code, "--"])
        .arg(common::awsmfa_bin())
        .args(["--shell", "bash"])
        .env("AWS_ENDPOINT_URL_STS", sts.url()));
    let r = json(&out);
    assert_eq!(r["exit"], 0, "{r}");
    let terminal = r["terminal"].as_str().unwrap();
    let statements = r["stdout"].as_str().unwrap();
    assert!(
        terminal.contains(&format!(
            "MFA code for {}",
            alice.mfa_serial.as_deref().unwrap()
        )),
        "{r}"
    );
    assert!(!terminal.contains(&code), "the code was echoed: {r}");
    assert!(statements.starts_with("export AWS_ACCESS_KEY_ID="), "{r}");
    assert!(!statements.contains("MFA code"), "prompt on stdout: {r}");
    let r0 = &sts.requests()[0];
    assert_eq!(r0.param("TokenCode"), Some(code.as_str()));
}

#[test]
fn the_aws_cli_uses_the_exported_session() {
    let cli = std::env::var("AWSMFA_TEST_AWS_CLI").unwrap_or_else(|_| "aws".into());
    if !need(
        &cli,
        "the AWS CLI is the real consumer of the exported variables",
    ) {
        return;
    }
    let alice = User::alice();
    let sts = FakeSts::start(vec![alice.clone()]);
    let sb = Sandbox::new();
    sb.with_user_profile("default", &alice);
    let script = format!(
        "set -e; eval \"$(\"$1\" --shell bash --token-code {code})\"; \
         \"$2\" sts get-caller-identity --endpoint-url \"$3\" --region us-east-1 --output json",
        code = alice.totp_now()
    );
    let out = run(sb
        .command("bash")
        .args(["--norc", "--noprofile", "-c", &script, "bash"])
        .arg(common::awsmfa_bin())
        .arg(&cli)
        .arg(sts.url())
        .env("AWS_ENDPOINT_URL_STS", sts.url())
        .env("AWS_EC2_METADATA_DISABLED", "true")
        .env("AWS_PAGER", ""));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    let identity = json(&out);
    assert_eq!(identity["Account"], "123456789012");

    let issued = &sts.issued()[0];
    let requests = sts.requests();
    let call = requests
        .iter()
        .find(|r| r.action == "GetCallerIdentity")
        .expect("the AWS CLI called GetCallerIdentity");
    assert!(call.signature_valid, "signed with the session's secret");
    assert_eq!(
        call.access_key_id.as_deref(),
        Some(issued.access_key_id.as_str())
    );
    assert_eq!(
        call.session_token.as_deref(),
        Some(issued.session_token.as_str())
    );
    assert_eq!(call.result, "OK");
}

#[test]
fn moto_verifies_that_we_sign_with_the_profiles_keys() {
    let Ok(url) = std::env::var("AWSMFA_TEST_MOTO_URL") else {
        skip("AWSMFA_TEST_MOTO_URL is not set (.ci/run starts moto_server)");
        return;
    };
    let setup = run(std::process::Command::new(common::python())
        .arg(common::tool("moto_setup.py"))
        .arg(&url));
    assert!(setup.status.success(), "moto_setup.py: {}", stderr(&setup));
    let line = stdout(&setup);
    let mut keys = line.split_whitespace();
    let (id, secret) = (keys.next().unwrap(), keys.next().unwrap());

    let sb = Sandbox::new();
    sb.write_credentials(&format!(
        "[moto]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\nmfa_serial = arn:aws:iam::123456789012:mfa/moto\n\
         [wrong]\naws_access_key_id = {id}\naws_secret_access_key = not-{secret}\nmfa_serial = arn:aws:iam::123456789012:mfa/moto\n"
    ));
    let ok = run(sb.awsmfa().env("AWS_ENDPOINT_URL_STS", &url).args([
        "--profile",
        "moto",
        "--shell",
        "sh",
        "--token-code",
        "123456",
    ]));
    assert_eq!(ok.status.code(), Some(0), "{}", stderr(&ok));
    assert!(stdout(&ok).contains("export AWS_SESSION_TOKEN="));

    let bad = run(sb.awsmfa().env("AWS_ENDPOINT_URL_STS", &url).args([
        "--profile",
        "wrong",
        "--shell",
        "sh",
        "--token-code",
        "123456",
    ]));
    assert_eq!(bad.status.code(), Some(5), "{}", stderr(&bad));
    assert!(bad.stdout.is_empty());
    assert!(!stderr(&bad).contains(secret), "secret leaked");
}
