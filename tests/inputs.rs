//! Bad and unusual input (issue 5): config-file quirks that must work, proxies, a private CA, a long
//! session token; and inputs that must fail well — a documented exit status, empty stdout, exactly one
//! line on stderr naming the file, line, profile or endpoint involved, and no secret in it.
//!
//! Every peer runs on 127.0.0.1 (see tests/inputs/net.rs); a proxy decides where to connect, so host
//! names such as `sts.test` never need to resolve.

mod common;
#[path = "inputs/net.rs"]
mod net;

use common::{Sandbox, need, python, run, stderr, stdout, tool};
use fake_sts::{FakeSts, IssuedOverride, User};
use net::{Pki, Proxy, Silent, TlsFront};
use std::process::{Command, Output};
use std::time::{Duration, Instant};

// ------------------------------------------------------------------------------------------------ helpers

fn alice() -> User {
    User::alice()
}

fn serial(u: &User) -> &str {
    u.mfa_serial.as_deref().unwrap()
}

/// A fake STS that knows alice and accepts any 6-digit code (each test case gets its own).
fn fake() -> FakeSts {
    FakeSts::builder().user(alice()).any_code(true).start()
}

/// `awsmfa --shell bash --no-cache --token-code 123456` against `sts`.
fn export(sb: &Sandbox, sts: &FakeSts) -> Command {
    let mut cmd = sb.awsmfa_at(sts);
    cmd.args(["--shell", "bash", "--no-cache", "--token-code", "123456"]);
    cmd
}

/// `awsmfa --shell bash --no-cache --token-code 123456` with no endpoint set.
fn export_plain(sb: &Sandbox) -> Command {
    let mut cmd = sb.awsmfa();
    cmd.args(["--shell", "bash", "--no-cache", "--token-code", "123456"]);
    cmd
}

/// The credentials-file section for `user` (keys and serial), LF line ends.
fn cred_section(name: &str, user: &User) -> String {
    format!(
        "[{name}]\naws_access_key_id = {}\naws_secret_access_key = {}\nmfa_serial = {}\n",
        user.access_key_id,
        user.secret_access_key,
        serial(user)
    )
}

/// Asserts a successful exchange: exit 0, exactly one GetSessionToken signed with `user`'s long-term
/// keys (a valid signature proves the secret was read exactly), `user`'s serial, and stdout holding the
/// issued credentials.
fn assert_exchange(what: &str, out: &Output, sts: &FakeSts, user: &User) {
    check_exchange(what, out, sts, user).unwrap_or_else(|problem| panic!("{problem}"));
}

/// [`assert_exchange`] as a check, for tables that report every failing case at once.
fn check_exchange(what: &str, out: &Output, sts: &FakeSts, user: &User) -> Result<(), String> {
    if out.status.code() != Some(0) {
        return Err(format!(
            "{what}: exit {:?}; stderr: {}",
            out.status.code(),
            stderr(out)
        ));
    }
    let requests = sts.requests();
    let [r] = &requests[..] else {
        return Err(format!("{what}: not exactly one request: {requests:?}"));
    };
    if r.action != "GetSessionToken" || r.result != "OK" {
        return Err(format!("{what}: {r:?}"));
    }
    if r.access_key_id.as_deref() != Some(user.access_key_id.as_str()) {
        return Err(format!(
            "{what}: signed with access key id {:?}",
            r.access_key_id
        ));
    }
    if !r.signature_valid {
        return Err(format!(
            "{what}: the signature does not verify with the secret key"
        ));
    }
    if r.param("SerialNumber") != user.mfa_serial.as_deref() {
        return Err(format!(
            "{what}: serial number {:?}",
            r.param("SerialNumber")
        ));
    }
    let issued = &sts.issued()[0];
    let text = stdout(out);
    if !(text.contains(&issued.session_token) && text.contains(&issued.secret_access_key)) {
        return Err(format!(
            "{what}: stdout lacks the issued credentials: {text}"
        ));
    }
    Ok(())
}

/// Asserts a failure that fails well and returns the stderr line: exit status `code`, nothing on stdout,
/// exactly one line on stderr containing every `needle` (case-insensitive) and none of `secrets`.
fn assert_fails_well(
    what: &str,
    out: &Output,
    code: i32,
    needles: &[&str],
    secrets: &[&str],
) -> String {
    check_fails_well(what, out, code, needles, secrets)
        .unwrap_or_else(|problem| panic!("{problem}"))
}

/// [`assert_fails_well`] as a check, for tables that report every failing case at once.
fn check_fails_well(
    what: &str,
    out: &Output,
    code: i32,
    needles: &[&str],
    secrets: &[&str],
) -> Result<String, String> {
    let err = stderr(out);
    if out.status.code() != Some(code) {
        return Err(format!(
            "{what}: exit {:?}, expected {code}; stderr: {err:?}; stdout: {:?}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    if !out.stdout.is_empty() {
        return Err(format!(
            "{what}: stdout must be empty: {:?}",
            String::from_utf8_lossy(&out.stdout)
        ));
    }
    if err.lines().count() != 1 {
        return Err(format!("{what}: not one line on stderr: {err:?}"));
    }
    let lower = err.to_lowercase();
    for needle in needles {
        if !lower.contains(&needle.to_lowercase()) {
            return Err(format!("{what}: {needle:?} missing from: {err}"));
        }
    }
    for secret in secrets.iter().filter(|s| !s.is_empty()) {
        if err.contains(secret) {
            return Err(format!("{what}: a secret leaked into stderr: {err}"));
        }
    }
    Ok(err)
}

/// Panics listing every problem, if any.
fn assert_no_problems(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} case(s) failed:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

fn utf16le(text: &str, bom: bool) -> Vec<u8> {
    let mut out = if bom { vec![0xFF, 0xFE] } else { vec![] };
    out.extend(text.encode_utf16().flat_map(|u| u.to_le_bytes()));
    out
}

fn utf16be(text: &str) -> Vec<u8> {
    let mut out = vec![0xFE, 0xFF];
    out.extend(text.encode_utf16().flat_map(|u| u.to_be_bytes()));
    out
}

// ------------------------------------------------------------------------------------------------ files that must work

/// Windows line ends, byte order marks, blanks and a stray CR after values, tabs around `=`, and
/// comments: each case writes both files and must give an exchange signed with alice's exact keys, her
/// serial, and the region from the config file (so the config file was parsed too).
#[test]
fn config_and_credentials_quirks_still_give_the_right_keys() {
    let a = alice();
    let (id, secret, sn) = (
        a.access_key_id.as_str(),
        a.secret_access_key.as_str(),
        serial(&a),
    );
    let bom = |s: String| {
        let mut b = vec![0xEF, 0xBB, 0xBF];
        b.extend_from_slice(s.as_bytes());
        b
    };
    let cases: Vec<(&str, Vec<u8>, Vec<u8>)> = vec![
        (
            "CRLF line ends",
            "[default]\r\nregion = eu-west-1\r\n".into(),
            format!(
                "[default]\r\naws_access_key_id = {id}\r\naws_secret_access_key = {secret}\r\nmfa_serial = {sn}\r\n"
            )
            .into_bytes(),
        ),
        (
            "UTF-8 byte order mark",
            bom("[default]\nregion = eu-west-1\n".into()),
            bom(cred_section("default", &a)),
        ),
        (
            "byte order mark and CRLF, no final line end",
            bom("[default]\r\nregion = eu-west-1".into()),
            bom(format!(
                "[default]\r\naws_access_key_id = {id}\r\naws_secret_access_key = {secret}\r\nmfa_serial = {sn}"
            )),
        ),
        (
            "trailing spaces after the secret and the key id",
            "[default]\nregion = eu-west-1   \n".into(),
            format!(
                "[default]\naws_access_key_id = {id}  \naws_secret_access_key = {secret}   \nmfa_serial = {sn} \n"
            )
            .into_bytes(),
        ),
        (
            "a stray CR after the secret in an LF file",
            "[default]\nregion = eu-west-1\r\n".into(),
            format!(
                "[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret}\r\nmfa_serial = {sn}\n"
            )
            .into_bytes(),
        ),
        (
            "blanks, tab and two CRs after the secret",
            "[default]\nregion = eu-west-1\n".into(),
            format!(
                "[default]\naws_access_key_id = {id}\naws_secret_access_key = {secret} \t\r\r\nmfa_serial = {sn}\n"
            )
            .into_bytes(),
        ),
        (
            "tabs around =",
            "[default]\nregion\t=\teu-west-1\n".into(),
            format!(
                "[default]\naws_access_key_id\t=\t{id}\naws_secret_access_key\t=\t{secret}\t\nmfa_serial\t= {sn}\n"
            )
            .into_bytes(),
        ),
        (
            "no blanks around =",
            "[default]\nregion=eu-west-1\n".into(),
            format!(
                "[default]\naws_access_key_id={id}\naws_secret_access_key={secret}\nmfa_serial={sn}\n"
            )
            .into_bytes(),
        ),
        (
            "comments on their own lines and after values",
            "; config\n# comment\n[default] ; the default\n# inside\nregion = eu-west-1 # Ireland\n; end\n"
                .into(),
            format!(
                "# my keys\n; another comment\n[default] # main\n# inside the section\naws_access_key_id = {id} # key id\n; between\naws_secret_access_key = {secret} ; rotated in May\nmfa_serial = {sn}\t# tab before the comment\n# last\n"
            )
            .into_bytes(),
        ),
        (
            "blank lines and a blank-only line inside the section",
            "\n\n[default]\n\n   \nregion = eu-west-1\n\n".into(),
            format!(
                "\n[default]\n\n\t\naws_access_key_id = {id}\n\naws_secret_access_key = {secret}\n \nmfa_serial = {sn}\n\n"
            )
            .into_bytes(),
        ),
        (
            "everything at once",
            bom("# c\r\n[default]\t; c\r\nregion\t=\teu-west-1 # c \r\n".into()),
            bom(format!(
                "; keys\r\n[default] # c\r\naws_access_key_id\t= {id}  # c\r\naws_secret_access_key =\t{secret} \t\r\r\nmfa_serial = {sn} ; c\r\n"
            )),
        ),
    ];
    for (what, config, credentials) in cases {
        let sts = fake();
        let sb = Sandbox::new();
        std::fs::write(sb.config_path(), &config).unwrap();
        std::fs::write(sb.credentials_path(), &credentials).unwrap();
        let out = run(&mut export(&sb, &sts));
        assert_exchange(what, &out, &sts, &a);
        assert_eq!(
            sts.requests()[0].region.as_deref(),
            Some("eu-west-1"),
            "{what}: region from the config file"
        );
    }
}

/// A comment line that is indented is still a comment (botocore's configparser, which the AWS CLI uses,
/// skips it too); the SDK's parser would instead glue it to the previous value as a continuation line.
#[test]
fn indented_comment_lines_are_comments() {
    let a = alice();
    let mut problems = Vec::new();
    for (what, credentials) in [
        (
            "indented # comment after the secret",
            format!(
                "[default]\naws_access_key_id = {}\naws_secret_access_key = {}\n  # rotated in May\nmfa_serial = {}\n",
                a.access_key_id,
                a.secret_access_key,
                serial(&a)
            ),
        ),
        (
            "tab-indented ; comment after the key id",
            format!(
                "[default]\naws_access_key_id = {}\n\t; old key: AKIAOLD\naws_secret_access_key = {}\nmfa_serial = {}\n",
                a.access_key_id,
                a.secret_access_key,
                serial(&a)
            ),
        ),
    ] {
        let sts = fake();
        let sb = Sandbox::new();
        sb.write_credentials(&credentials);
        let out = run(&mut export(&sb, &sts));
        if let Err(problem) = check_exchange(what, &out, &sts, &a) {
            problems.push(problem);
        }
    }
    assert_no_problems(problems);
}

/// An access key id holding a control character cannot go into a request header: the SDK's signer
/// panics on it. awsmfa must refuse it first, naming where it came from.
#[test]
fn an_access_key_id_with_a_control_character_is_refused_before_any_call() {
    let a = alice();
    let sb = Sandbox::new();
    let doc = format!(
        r#"{{"Version":1,"AccessKeyId":"{}\n","SecretAccessKey":"{}"}}"#,
        a.access_key_id, a.secret_access_key
    );
    let script = sb.home().join("creds.sh");
    std::fs::write(&script, format!("#!/bin/sh\nprintf '%s' '{doc}'\n")).unwrap();
    sb.write_config(&format!(
        "[profile proc]\ncredential_process = sh {}\nmfa_serial = {}\n",
        script.display(),
        serial(&a)
    ));
    let mut problems = Vec::new();
    for (what, needle) in [
        (
            "AWS_ACCESS_KEY_ID ending in a line feed",
            "AWS_ACCESS_KEY_ID",
        ),
        ("credential_process with a line feed in AccessKeyId", "proc"),
    ] {
        let sts = fake();
        let mut cmd = export(&sb, &sts);
        if needle == "proc" {
            cmd.args(["--profile", "proc"]);
        } else {
            cmd.env("AWS_ACCESS_KEY_ID", format!("{}\n", a.access_key_id))
                .env("AWS_SECRET_ACCESS_KEY", &a.secret_access_key)
                .env("AWS_MFA_SERIAL", serial(&a));
        }
        let out = run(&mut cmd);
        if let Err(problem) = check_fails_well(what, &out, 3, &[needle], &[&a.secret_access_key]) {
            problems.push(problem);
        }
        if !sts.requests().is_empty() {
            problems.push(format!("{what}: a request was sent"));
        }
    }
    assert_no_problems(problems);
}

#[test]
fn file_locations_from_the_environment_including_a_leading_tilde() {
    let (a, bob) = (alice(), User::bob());
    for (what, creds_var, config_var) in [
        ("absolute paths", None, None),
        (
            "paths starting with ~/",
            Some("~/elsewhere/creds"),
            Some("~/elsewhere/conf"),
        ),
    ] {
        let sts = fake();
        let sb = Sandbox::new();
        // Decoys at the default locations: bob's keys and another region.
        sb.with_user_profile("default", &bob);
        sb.write_config("[default]\nregion = us-west-2\n");
        let dir = sb.home().join("elsewhere");
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("creds"), cred_section("default", &a)).unwrap();
        std::fs::write(dir.join("conf"), "[default]\nregion = eu-west-1\n").unwrap();
        let creds = creds_var.map_or(dir.join("creds").display().to_string(), str::to_string);
        let config = config_var.map_or(dir.join("conf").display().to_string(), str::to_string);
        let out = run(export(&sb, &sts)
            .env("AWS_SHARED_CREDENTIALS_FILE", &creds)
            .env("AWS_CONFIG_FILE", &config));
        assert_exchange(what, &out, &sts, &a);
        assert_eq!(
            sts.requests()[0].region.as_deref(),
            Some("eu-west-1"),
            "{what}"
        );
    }
}

#[test]
fn no_config_file_at_all() {
    let a = alice();
    let sts = fake();
    let sb = Sandbox::new();
    sb.write_credentials(&cred_section("default", &a));
    assert!(!sb.config_path().exists());
    let out = run(&mut export(&sb, &sts));
    assert_exchange("no ~/.aws/config", &out, &sts, &a);
    assert_eq!(sts.requests()[0].region.as_deref(), Some("us-east-1"));

    // AWS_CONFIG_FILE naming a file that does not exist counts as empty too.
    let sts = fake();
    let out = run(export(&sb, &sts).env("AWS_CONFIG_FILE", sb.home().join("nowhere/config")));
    assert_exchange("AWS_CONFIG_FILE missing", &out, &sts, &a);
}

#[test]
fn no_default_profile_anywhere_when_another_is_asked_for() {
    let a = alice();
    let sb = Sandbox::new();
    sb.write_credentials(&cred_section("alice", &a));
    sb.write_config("[profile other]\nregion = eu-west-1\n");
    let sts = fake();
    let out = run(export(&sb, &sts).args(["--profile", "alice"]));
    assert_exchange("--profile alice", &out, &sts, &a);
    let sts = fake();
    let out = run(export(&sb, &sts).env("AWS_PROFILE", "alice"));
    assert_exchange("AWS_PROFILE=alice", &out, &sts, &a);
}

#[test]
fn mfa_serial_on_the_source_profile_only() {
    let a = alice();
    let keys = format!(
        "aws_access_key_id = {}\naws_secret_access_key = {}\n",
        a.access_key_id, a.secret_access_key
    );
    for (what, credentials, config) in [
        (
            "serial with the keys in the credentials file",
            format!("[base]\n{keys}mfa_serial = {}\n", serial(&a)),
            "[profile work]\nsource_profile = base\n".to_string(),
        ),
        (
            "serial on the source profile in the config file",
            format!("[base]\n{keys}"),
            format!(
                "[profile base]\nmfa_serial = {}\n[profile work]\nsource_profile = base\nregion = eu-west-1\n",
                serial(&a)
            ),
        ),
    ] {
        let sts = fake();
        let sb = Sandbox::new();
        sb.write_credentials(&credentials).write_config(&config);
        let out = run(export(&sb, &sts).args(["--profile", "work"]));
        assert_exchange(what, &out, &sts, &a);
    }
}

#[test]
fn mfa_serial_in_the_credentials_file_wins_over_the_config_file() {
    let a = alice();
    let sts = fake();
    let sb = Sandbox::new();
    sb.write_credentials(&cred_section("default", &a));
    sb.write_config("[default]\nregion = eu-west-1\n");
    let out = run(&mut export(&sb, &sts));
    assert_exchange("mfa_serial in the credentials file", &out, &sts, &a);

    // The same key in both files: the credentials file's value is used (README, "files").
    let sts = fake();
    sb.write_config("[default]\nmfa_serial = arn:aws:iam::123456789012:mfa/not-alice\n");
    let out = run(&mut export(&sb, &sts));
    assert_exchange("mfa_serial in both files", &out, &sts, &a);
}

#[test]
fn keys_in_the_config_file_in_profile_form() {
    let a = alice();
    let config = format!(
        "[profile x]\naws_access_key_id = {}\naws_secret_access_key = {}\nmfa_serial = {}\nregion = eu-west-1\n",
        a.access_key_id,
        a.secret_access_key,
        serial(&a)
    );
    let sts = fake();
    let sb = Sandbox::new();
    sb.write_config(&config);
    let out = run(export(&sb, &sts).args(["--profile", "x"]));
    assert_exchange("[profile x] in config", &out, &sts, &a);
    assert_eq!(sts.requests()[0].region.as_deref(), Some("eu-west-1"));

    // [default] in the config file holds keys too.
    let sts = fake();
    let sb = Sandbox::new();
    sb.write_config(&config.replace("[profile x]", "[default]"));
    let out = run(&mut export(&sb, &sts));
    assert_exchange("[default] in config", &out, &sts, &a);
}

#[test]
fn profile_names_with_at_dot_dash_and_plus() {
    let a = alice();
    for name in [
        "alice@example.com",
        "team.dev",
        "dev-1",
        "a+b",
        "ops@corp.example-1+admin",
    ] {
        for via_env in [false, true] {
            let sts = fake();
            let sb = Sandbox::new();
            sb.write_credentials(&format!(
                "[{name}]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
                a.access_key_id, a.secret_access_key
            ));
            sb.write_config(&format!(
                "[profile {name}]\nmfa_serial = {}\nregion = eu-west-2\n",
                serial(&a)
            ));
            let mut cmd = export(&sb, &sts);
            if via_env {
                cmd.env("AWS_PROFILE", name);
            } else {
                cmd.args(["--profile", name]);
            }
            let out = run(&mut cmd);
            let what = format!("profile {name} (AWS_PROFILE: {via_env})");
            assert_exchange(&what, &out, &sts, &a);
            assert_eq!(
                sts.requests()[0].region.as_deref(),
                Some("eu-west-2"),
                "{what}"
            );
        }
    }
}

// ------------------------------------------------------------------------------------------------ proxies

/// `alice` in `[default]` of the sandbox's credentials file.
fn alice_sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.write_credentials(&cred_section("default", &alice()));
    sb
}

#[test]
fn http_proxy_upper_and_lower_case_carry_the_call() {
    let a = alice();
    for var in ["HTTP_PROXY", "http_proxy"] {
        let sts = fake();
        let proxy = Proxy::start(Some(sts.port()), None);
        let sb = alice_sandbox();
        // A name only the proxy can reach: the client must not resolve or connect to it itself.
        let endpoint = format!("http://sts.test:{}", sts.port());
        let out = run(export_plain(&sb)
            .env("AWS_ENDPOINT_URL_STS", &endpoint)
            .env(var, proxy.url()));
        assert_exchange(var, &out, &sts, &a);
        assert_eq!(
            proxy.seen(),
            vec![format!("POST {endpoint}/ HTTP/1.1")],
            "{var}: an absolute-form request to the proxy"
        );
        assert_eq!(
            sts.requests()[0].host.as_deref(),
            Some(format!("sts.test:{}", sts.port()).as_str()),
            "{var}"
        );
    }
}

#[test]
fn https_proxy_upper_and_lower_case_tunnel_the_call_with_connect() {
    let a = alice();
    let pki = Pki::new(&["sts.test", "localhost", "127.0.0.1"]);
    for (var, trust) in [
        ("HTTPS_PROXY", "AWS_CA_BUNDLE"),
        ("https_proxy", "AWS_CA_BUNDLE"),
        // The SDK's own client (no CA bundle for awsmfa): trusts the CA through SSL_CERT_FILE.
        ("HTTPS_PROXY", "SSL_CERT_FILE"),
    ] {
        let sts = fake();
        let front = TlsFront::start(&pki, sts.port());
        let proxy = Proxy::start(None, Some(front.port()));
        let sb = alice_sandbox();
        let ca = sb.home().join("ca.pem");
        std::fs::write(&ca, &pki.ca_pem).unwrap();
        let endpoint = front.url("sts.test");
        let out = run(export_plain(&sb)
            .env("AWS_ENDPOINT_URL_STS", &endpoint)
            .env(var, proxy.url())
            .env(trust, &ca));
        let what = format!("{var} with {trust}");
        assert_exchange(&what, &out, &sts, &a);
        assert_eq!(
            proxy.seen(),
            vec![format!("CONNECT sts.test:{} HTTP/1.1", front.port())],
            "{what}"
        );
        assert_eq!(front.requests(), 1, "{what}");
    }
}

/// hyper-util's proxy matcher (used by the SDK's client) has no implicit exception for loopback: an
/// endpoint on 127.0.0.1 goes through HTTP_PROXY unless NO_PROXY lists it.
#[test]
fn loopback_goes_through_the_proxy_unless_no_proxy_lists_it() {
    let a = alice();
    let sts = fake();
    let proxy = Proxy::start(Some(sts.port()), None);
    let sb = alice_sandbox();
    let out = run(export(&sb, &sts).env("HTTP_PROXY", proxy.url()));
    assert_exchange("loopback without NO_PROXY", &out, &sts, &a);
    assert_eq!(
        proxy.seen(),
        vec![format!("POST {}/ HTTP/1.1", sts.url())],
        "no default bypass for 127.0.0.1"
    );

    for (var, value, host) in [
        ("NO_PROXY", "127.0.0.1", "127.0.0.1"),
        ("no_proxy", "127.0.0.1", "127.0.0.1"),
        ("NO_PROXY", "localhost", "localhost"),
        ("no_proxy", "localhost", "localhost"),
        ("NO_PROXY", "example.com, 127.0.0.0/8", "127.0.0.1"),
        // hyper-util matches `*` against host names only (not IP literals), hence localhost here.
        ("no_proxy", "*", "localhost"),
    ] {
        let sts = fake();
        let counting = Proxy::counting();
        let out = run(export_plain(&sb)
            .env(
                "AWS_ENDPOINT_URL_STS",
                format!("http://{host}:{}", sts.port()),
            )
            .env("HTTP_PROXY", counting.url())
            .env("http_proxy", counting.url())
            .env(var, value));
        let what = format!("{var}={value}");
        assert_exchange(&what, &out, &sts, &a);
        assert_eq!(counting.connections(), 0, "{what}: the proxy was used");
    }

    // The same over HTTPS (awsmfa's own client, because of the CA bundle).
    let pki = Pki::new(&["localhost", "127.0.0.1"]);
    for (var, value) in [("NO_PROXY", "localhost"), ("no_proxy", "localhost")] {
        let sts = fake();
        let front = TlsFront::start(&pki, sts.port());
        let counting = Proxy::counting();
        let ca = sb.home().join("ca.pem");
        std::fs::write(&ca, &pki.ca_pem).unwrap();
        let out = run(export_plain(&sb)
            .env("AWS_ENDPOINT_URL_STS", front.url("localhost"))
            .env("AWS_CA_BUNDLE", &ca)
            .env("HTTPS_PROXY", counting.url())
            .env("https_proxy", counting.url())
            .env(var, value));
        let what = format!("https with {var}={value}");
        assert_exchange(&what, &out, &sts, &a);
        assert_eq!(counting.connections(), 0, "{what}: the proxy was used");
        assert_eq!(front.requests(), 1, "{what}");
    }
}

// ------------------------------------------------------------------------------------------------ CA bundle

#[test]
fn ca_bundle_from_the_environment_or_the_profile_trusts_a_private_ca() {
    let a = alice();
    let pki = Pki::new(&["localhost", "127.0.0.1"]);
    for (what, host, via_profile) in [
        ("AWS_CA_BUNDLE, https://localhost", "localhost", false),
        ("AWS_CA_BUNDLE, https://127.0.0.1", "127.0.0.1", false),
        ("ca_bundle in the profile", "localhost", true),
    ] {
        let sts = fake();
        let front = TlsFront::start(&pki, sts.port());
        let sb = alice_sandbox();
        let ca = sb.home().join("corporate ca.pem");
        std::fs::write(&ca, &pki.ca_pem).unwrap();
        let mut cmd = export_plain(&sb);
        cmd.env("AWS_ENDPOINT_URL_STS", front.url(host));
        if via_profile {
            sb.write_config(&format!("[default]\nca_bundle = {}\n", ca.display()));
        } else {
            cmd.env("AWS_CA_BUNDLE", &ca);
        }
        let out = run(&mut cmd);
        assert_exchange(what, &out, &sts, &a);
        assert_eq!(front.requests(), 1, "{what}");
    }

    // AWS_CA_BUNDLE comes before the profile's ca_bundle.
    let sts = fake();
    let front = TlsFront::start(&pki, sts.port());
    let sb = alice_sandbox();
    let ca = sb.home().join("ca.pem");
    std::fs::write(&ca, &pki.ca_pem).unwrap();
    sb.write_config("[default]\nca_bundle = /nonexistent/bundle.pem\n");
    let out = run(export_plain(&sb)
        .env("AWS_ENDPOINT_URL_STS", front.url("localhost"))
        .env("AWS_CA_BUNDLE", &ca));
    assert_exchange("AWS_CA_BUNDLE over ca_bundle", &out, &sts, &a);
}

#[test]
fn an_untrusted_certificate_fails_with_exit_6_naming_aws_ca_bundle() {
    let a = alice();
    let pki = Pki::new(&["localhost", "127.0.0.1"]);
    let other = Pki::new(&["localhost"]);
    let mut problems = Vec::new();
    for (what, bundle) in [
        ("no CA bundle", None),
        ("a bundle naming another CA", Some(other.ca_pem.as_str())),
    ] {
        let sts = fake();
        let front = TlsFront::start(&pki, sts.port());
        let sb = alice_sandbox();
        let mut cmd = export_plain(&sb);
        cmd.env("AWS_ENDPOINT_URL_STS", front.url("localhost"));
        if let Some(pem) = bundle {
            let path = sb.home().join("other.pem");
            std::fs::write(&path, pem).unwrap();
            cmd.env("AWS_CA_BUNDLE", &path);
        }
        let out = run(&mut cmd);
        if let Err(problem) = check_fails_well(
            what,
            &out,
            6,
            &["certificate", "AWS_CA_BUNDLE", &front.url("localhost")],
            &[&a.secret_access_key],
        ) {
            problems.push(problem);
        }
        assert!(
            front.connections() >= 1,
            "{what}: never reached the TLS front"
        );
        assert_eq!(front.requests(), 0, "{what}: a request got through");
        assert_eq!(sts.requests().len(), 0, "{what}");
    }
    assert_no_problems(problems);
}

#[test]
fn an_unusable_ca_bundle_is_a_configuration_error() {
    let a = alice();
    let sb = alice_sandbox();
    let not_pem = sb.home().join("bundle.txt");
    std::fs::write(&not_pem, "this is not a certificate\n").unwrap();
    for (what, var, path, needles) in [
        (
            "AWS_CA_BUNDLE names a missing file",
            "AWS_CA_BUNDLE",
            "/nonexistent/ca.pem".to_string(),
            vec!["/nonexistent/ca.pem", "AWS_CA_BUNDLE"],
        ),
        (
            "AWS_CA_BUNDLE holds no certificate",
            "AWS_CA_BUNDLE",
            not_pem.display().to_string(),
            vec!["bundle.txt", "certificate"],
        ),
        (
            "ca_bundle names a missing file",
            "",
            "/nonexistent/ca.pem".to_string(),
            vec!["/nonexistent/ca.pem", "ca_bundle", "\"default\""],
        ),
    ] {
        let sts = fake();
        let mut cmd = export(&sb, &sts);
        if var.is_empty() {
            sb.write_config(&format!("[default]\nca_bundle = {path}\n"));
        } else {
            sb.write_config("");
            cmd.env(var, &path);
        }
        let out = run(&mut cmd);
        assert_fails_well(what, &out, 3, &needles, &[&a.secret_access_key]);
        assert_eq!(sts.requests().len(), 0, "{what}");
    }
}

// ------------------------------------------------------------------------------------------------ long session token

/// A 4,096-character session token of the base64 alphabet (as STS's are), `=` included.
fn long_token(len: usize) -> String {
    const ALPHABET: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/=";
    (0..len)
        .map(|i| char::from(ALPHABET[(i * 7 + 3) % ALPHABET.len()]))
        .collect()
}

/// Runs `script` (reading the statements from the file given as its first argument) in `program` and
/// returns its stdout.
fn read_back(program: &str, flags: &[&str], script: &str, statements: &str) -> String {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("statements");
    std::fs::write(&file, statements).unwrap();
    let mut cmd = Command::new(program);
    cmd.args(flags).arg("-c").arg(script);
    if !program.contains("fish") && !program.contains("elvish") {
        cmd.arg(program); // $0 for POSIX shells
    }
    let out = cmd
        .arg(&file)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("LANG", "C.UTF-8")
        .output()
        .unwrap();
    assert!(
        out.status.success() && out.stderr.is_empty(),
        "{program}: {:?} {}",
        out.status,
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

#[test]
fn a_4096_character_session_token_survives_every_shell_format() {
    let token = long_token(4096);
    let sts = FakeSts::builder()
        .user(alice())
        .any_code(true)
        .allow_reuse(true)
        .start();
    let sb = alice_sandbox();
    let statements = |shell: &str| -> String {
        sts.push_credentials(IssuedOverride {
            access_key_id: "ASIALONGTOKEN0000001".into(),
            secret_access_key: "longTokenSecret/K7MDENG+bPxRfiCYEXAMPLE01".into(),
            session_token: token.clone(),
            expiration: None,
        });
        let out = run(sb.awsmfa_at(&sts).args([
            "--shell",
            shell,
            "--no-cache",
            "--token-code",
            "123456",
        ]));
        assert_eq!(out.status.code(), Some(0), "{shell}: {}", stderr(&out));
        stdout(&out)
    };

    let posix = "eval \"$(cat \"$1\")\" || exit 97\nprintf '%s' \"$AWS_SESSION_TOKEN\"";
    let text = statements("bash");
    assert_eq!(
        read_back("bash", &["--norc", "--noprofile"], posix, &text),
        token,
        "bash"
    );
    for (shell, program, flags, script) in [
        ("zsh", "zsh", &["-f"][..], posix),
        ("sh", "dash", &[][..], posix),
        (
            "fish",
            "fish",
            &["--no-config"][..],
            "cat $argv[1] | source; or exit 97\nprintf '%s' $AWS_SESSION_TOKEN",
        ),
        (
            "elvish",
            "elvish",
            &["-norc"][..],
            "eval (slurp < $args[0])\nprint $E:AWS_SESSION_TOKEN",
        ),
    ] {
        if need(program, "reading a long token back") {
            let text = statements(shell);
            assert_eq!(read_back(program, flags, script, &text), token, "{shell}");
        }
    }

    // PowerShell: the model of its verbatim strings (tests/tools/ps_decode.py).
    if need(&python(), "PowerShell model (tests/tools/ps_decode.py)") {
        let text = statements("powershell");
        let mut child = Command::new(python())
            .arg(tool("ps_decode.py"))
            .arg("decode")
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        use std::io::Write;
        child
            .stdin
            .take()
            .unwrap()
            .write_all(text.as_bytes())
            .unwrap();
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "ps_decode.py failed");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(
            doc["set"]["AWS_SESSION_TOKEN"],
            token.as_str(),
            "powershell"
        );
    }

    // cmd: the token's line is exactly `set "AWS_SESSION_TOKEN=…"`, every line within 8,191 characters.
    let text = statements("cmd");
    let expected = format!("set \"AWS_SESSION_TOKEN={token}\"");
    assert!(
        text.lines().any(|l| l == expected),
        "cmd: no exact token line"
    );
    for line in text.lines() {
        assert!(line.encode_utf16().count() <= 8191, "cmd line too long");
    }

    let doc: serde_json::Value = serde_json::from_str(&statements("json")).unwrap();
    assert_eq!(doc["SessionToken"], token.as_str(), "json");

    let text = statements("env");
    assert!(
        text.lines()
            .any(|l| l == format!("AWS_SESSION_TOKEN={token}")),
        "env"
    );
}

#[test]
fn a_token_too_long_for_a_cmd_line_exits_7_and_says_why() {
    // `set "AWS_SESSION_TOKEN=` + token + `"` is 24 characters more than the token: 8,167 fit in 8,191.
    let sts = FakeSts::builder()
        .user(alice())
        .any_code(true)
        .allow_reuse(true)
        .start();
    let sb = alice_sandbox();
    let run_with = |len: usize, shell: &str| {
        let token = long_token(len);
        sts.push_credentials(IssuedOverride {
            access_key_id: "ASIALONGTOKEN0000001".into(),
            secret_access_key: "longTokenSecret/K7MDENG+bPxRfiCYEXAMPLE01".into(),
            session_token: token.clone(),
            expiration: None,
        });
        let out = run(sb.awsmfa_at(&sts).args([
            "--shell",
            shell,
            "--no-cache",
            "--token-code",
            "123456",
        ]));
        (token, out)
    };
    let (token, out) = run_with(8167, "cmd");
    assert_eq!(
        out.status.code(),
        Some(0),
        "8,191 exactly: {}",
        stderr(&out)
    );
    assert!(
        stdout(&out)
            .lines()
            .any(|l| l == format!("set \"AWS_SESSION_TOKEN={token}\"") && l.len() == 8191)
    );

    let (token, out) = run_with(8168, "cmd");
    assert_fails_well(
        "8,192 characters",
        &out,
        7,
        &["8,191", "cmd"],
        &[&token, "longTokenSecret", &alice().secret_access_key],
    );

    // The limit is cmd's only.
    let (token, out) = run_with(8168, "bash");
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(stdout(&out).contains(&token));
}

// ------------------------------------------------------------------------------------------------ files that must fail well

#[test]
fn a_utf16_file_is_refused_with_a_hint_to_resave_it_as_utf8() {
    let a = alice();
    let text = cred_section("default", &a);
    for (what, bytes, in_config) in [
        (
            "UTF-16LE with BOM (PowerShell 5 `>`)",
            utf16le(&text, true),
            false,
        ),
        ("UTF-16BE with BOM", utf16be(&text), false),
        ("UTF-16LE without BOM", utf16le(&text, false), false),
        (
            "config file in UTF-16LE",
            utf16le("[default]\nregion = eu-west-1\n", true),
            true,
        ),
    ] {
        let sts = fake();
        let sb = Sandbox::new();
        let path = if in_config {
            sb.write_credentials(&text);
            sb.config_path()
        } else {
            sb.credentials_path()
        };
        std::fs::write(&path, &bytes).unwrap();
        let out = run(&mut export(&sb, &sts));
        assert_fails_well(
            what,
            &out,
            3,
            &[&path.display().to_string(), "UTF-16", "re-save it as UTF-8"],
            &[&a.secret_access_key],
        );
        assert_eq!(sts.requests().len(), 0, "{what}");
    }

    // Other non-UTF-8 bytes (a Latin-1 comment): refused with the byte position.
    let sts = fake();
    let sb = Sandbox::new();
    let mut bytes = b"# caf\xe9\n".to_vec();
    bytes.extend_from_slice(text.as_bytes());
    std::fs::write(sb.credentials_path(), &bytes).unwrap();
    let out = run(&mut export(&sb, &sts));
    assert_fails_well(
        "Latin-1",
        &out,
        3,
        &[
            &sb.credentials_path().display().to_string(),
            "not valid UTF-8",
            "byte 6",
        ],
        &[&a.secret_access_key],
    );
}

/// Tests run as root, where chmod 000 does not stop reading: a directory where the file should be is
/// the unreadable file every user can make. chmod 000 is tried too when it does take effect.
#[test]
fn an_unreadable_file_names_the_file_and_the_variable_that_moves_it() {
    let a = alice();
    for (what, which) in [
        ("~/.aws/credentials is a directory", "credentials"),
        ("~/.aws/config is a directory", "config"),
        ("AWS_SHARED_CREDENTIALS_FILE names a directory", "env"),
    ] {
        let sts = fake();
        let sb = Sandbox::new();
        let mut cmd = export(&sb, &sts);
        let (path, variable) = match which {
            "credentials" => {
                std::fs::create_dir(sb.credentials_path()).unwrap();
                (sb.credentials_path(), "AWS_SHARED_CREDENTIALS_FILE")
            }
            "config" => {
                sb.write_credentials(&cred_section("default", &a));
                std::fs::create_dir(sb.config_path()).unwrap();
                (sb.config_path(), "AWS_CONFIG_FILE")
            }
            _ => {
                let dir = sb.home().join("creds.d");
                std::fs::create_dir(&dir).unwrap();
                cmd.env("AWS_SHARED_CREDENTIALS_FILE", &dir);
                (dir, "AWS_SHARED_CREDENTIALS_FILE")
            }
        };
        let out = run(&mut cmd);
        assert_fails_well(
            what,
            &out,
            3,
            &[&path.display().to_string(), "cannot read", variable],
            &[&a.secret_access_key],
        );
        assert_eq!(sts.requests().len(), 0, "{what}");
    }

    use std::os::unix::fs::PermissionsExt;
    let sts = fake();
    let sb = alice_sandbox();
    std::fs::set_permissions(
        sb.credentials_path(),
        std::fs::Permissions::from_mode(0o000),
    )
    .unwrap();
    if std::fs::read(sb.credentials_path()).is_ok() {
        eprintln!(
            "note: chmod 000 does not stop this user (root) from reading; that case is covered by the directory cases"
        );
    } else {
        let out = run(&mut export(&sb, &sts));
        assert_fails_well(
            "chmod 000",
            &out,
            3,
            &[
                &sb.credentials_path().display().to_string(),
                "cannot read",
                "permission",
            ],
            &[&a.secret_access_key],
        );
    }
}

#[test]
fn a_malformed_line_names_the_file_and_the_line() {
    let a = alice();
    let (id, secret) = (a.access_key_id.as_str(), a.secret_access_key.as_str());
    let sn = serial(&a);
    let mut problems = Vec::new();
    for (what, in_config, text, line) in [
        (
            "a line without =",
            false,
            format!(
                "[default]\naws_access_key_id = {id}\nthis is not a setting\naws_secret_access_key = {secret}\nmfa_serial = {sn}\n"
            ),
            "line 3",
        ),
        (
            "the secret without = (must not be echoed)",
            false,
            format!(
                "[default]\naws_access_key_id = {id}\naws_secret_access_key {secret}\nmfa_serial = {sn}\n"
            ),
            "line 3",
        ),
        (
            "an unclosed section header",
            false,
            format!("[default\naws_access_key_id = {id}\naws_secret_access_key = {secret}\n"),
            "line 1",
        ),
        (
            "a setting before any section, after a BOM and CRLF",
            false,
            format!("\u{feff}# keys\r\naws_access_key_id = {id}\r\n[default]\r\n"),
            "line 2",
        ),
        (
            "a malformed line in the config file",
            true,
            "[default]\nregion = eu-west-1\n= no name\n".to_string(),
            "line 3",
        ),
    ] {
        let sts = fake();
        let sb = Sandbox::new();
        let path = if in_config {
            sb.write_credentials(&cred_section("default", &a));
            sb.write_config(&text);
            sb.config_path()
        } else {
            sb.write_credentials(&text);
            sb.credentials_path()
        };
        let out = run(&mut export(&sb, &sts));
        if let Err(problem) = check_fails_well(
            what,
            &out,
            3,
            &[&path.display().to_string(), line],
            &[secret],
        ) {
            problems.push(problem);
        }
        assert_eq!(sts.requests().len(), 0, "{what}");
    }
    assert_no_problems(problems);
}

/// An indented key line is a continuation of the previous value for the SDK's parser (and for the AWS
/// CLI's configparser), so the key seems missing. Either it works, or the one message says that the
/// line is indented (not "add the other", which sends the user looking for a key that is there).
#[test]
fn an_indented_key_line_works_or_is_named_as_indented() {
    let a = alice();
    let text = format!(
        "[default]\naws_access_key_id = {}\n  aws_secret_access_key = {}\nmfa_serial = {}\n",
        a.access_key_id,
        a.secret_access_key,
        serial(&a)
    );
    let sts = fake();
    let sb = Sandbox::new();
    sb.write_credentials(&text);
    let out = run(&mut export(&sb, &sts));
    if out.status.code() == Some(0) {
        assert_exchange("indented secret line", &out, &sts, &a);
    } else {
        assert_fails_well(
            "indented secret line",
            &out,
            3,
            &[&sb.credentials_path().display().to_string(), "indent"],
            &[&a.secret_access_key],
        );
        assert_eq!(sts.requests().len(), 0);
    }
}

#[test]
fn a_section_in_the_wrong_form_is_named_and_the_existing_profiles_listed() {
    let a = alice();
    let bob = User::bob();
    // [alice] in the config file.
    for via_env in [false, true] {
        let sts = fake();
        let sb = Sandbox::new();
        sb.write_credentials(&cred_section("default", &a));
        sb.write_config(&format!(
            "[alice]\nmfa_serial = {}\n[profile bob]\nregion = eu-west-1\n",
            serial(&a)
        ));
        let mut cmd = export(&sb, &sts);
        if via_env {
            cmd.env("AWS_PROFILE", "alice");
        } else {
            cmd.args(["--profile", "alice"]);
        }
        let out = run(&mut cmd);
        assert_fails_well(
            "[alice] in config",
            &out,
            3,
            &[
                "\"alice\"",
                &sb.config_path().display().to_string(),
                "[profile alice]",
                "profiles found: bob, default",
            ],
            &[&a.secret_access_key],
        );
        assert_eq!(sts.requests().len(), 0);
    }
    // [profile alice] in the credentials file.
    let sts = fake();
    let sb = Sandbox::new();
    sb.write_credentials(&format!(
        "{}{}",
        cred_section("profile alice", &a),
        cred_section("bob", &bob)
    ));
    let out = run(export(&sb, &sts).args(["--profile", "alice"]));
    assert_fails_well(
        "[profile alice] in credentials",
        &out,
        3,
        &[
            "\"alice\"",
            &sb.credentials_path().display().to_string(),
            "[profile alice]",
            "needs [alice]",
            "profiles found: bob",
        ],
        &[&a.secret_access_key, &bob.secret_access_key],
    );
    assert_eq!(sts.requests().len(), 0);
}

// ------------------------------------------------------------------------------------------------ the STS endpoint failing

#[test]
fn connection_refused_exits_6_naming_the_endpoint() {
    let a = alice();
    let sb = alice_sandbox();
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let out = run(export_plain(&sb).env("AWS_ENDPOINT_URL_STS", &url));
    assert_fails_well(
        "refused",
        &out,
        6,
        &[&url, "refused"],
        &[&a.secret_access_key],
    );
}

#[test]
fn no_answer_ends_within_the_timeout_with_exit_6() {
    let a = alice();
    let sb = alice_sandbox();
    let sts = fake();
    sts.push_delay(Duration::from_secs(30));
    let silent = Silent::start();
    for (what, url, timeout_flag) in [
        ("STS accepts and delays", sts.url(), true),
        ("a listener that never answers", silent.url(), true),
        ("AWSMFA_TIMEOUT=1", silent.url(), false),
    ] {
        let mut cmd = export_plain(&sb);
        cmd.env("AWS_ENDPOINT_URL_STS", &url);
        if timeout_flag {
            cmd.args(["--timeout", "1"]);
        } else {
            cmd.env("AWSMFA_TIMEOUT", "1");
        }
        let start = Instant::now();
        let out = run(&mut cmd);
        let took = start.elapsed();
        assert_fails_well(
            what,
            &out,
            6,
            &[&url, "within 1 s", "--timeout"],
            &[&a.secret_access_key],
        );
        assert!(
            took < Duration::from_secs(5),
            "{what}: took {took:?} with a 1 s timeout"
        );
    }
    assert_eq!(sts.requests().len(), 1, "never retried");
    assert!(silent.connections() >= 1);
}

/// Error answers, and answers that are not what GetSessionToken returns: each one request (never
/// retried: STS may have consumed the code), exit 5, one line, no secret — not even the ones inside the
/// unreadable answer.
#[test]
fn error_and_unreadable_answers_exit_5_after_exactly_one_request() {
    let a = alice();
    let sb = alice_sandbox();
    let namespace = "https://sts.amazonaws.com/doc/2011-06-15/";
    let no_credentials = format!(
        "<GetSessionTokenResponse xmlns=\"{namespace}\"><GetSessionTokenResult></GetSessionTokenResult><ResponseMetadata><RequestId>r</RequestId></ResponseMetadata></GetSessionTokenResponse>"
    );
    let no_token = format!(
        "<GetSessionTokenResponse xmlns=\"{namespace}\"><GetSessionTokenResult><Credentials><AccessKeyId>ASIANOTOKEN000000001</AccessKeyId><SecretAccessKey>leakedSecretInBody01</SecretAccessKey><Expiration>2030-01-01T00:00:00Z</Expiration></Credentials></GetSessionTokenResult></GetSessionTokenResponse>"
    );
    let no_expiration = format!(
        "<GetSessionTokenResponse xmlns=\"{namespace}\"><GetSessionTokenResult><Credentials><AccessKeyId>ASIANOEXPIRY0000001</AccessKeyId><SecretAccessKey>leakedSecretInBody04</SecretAccessKey><SessionToken>leakedTokenInBody05</SessionToken></Credentials></GetSessionTokenResult></GetSessionTokenResponse>"
    );
    let bad_expiration = IssuedOverride {
        access_key_id: "ASIABADEXPIRY0000001".into(),
        secret_access_key: "leakedSecretInBody02".into(),
        session_token: "leakedTokenInBody03".into(),
        expiration: Some("next Tuesday".into()),
    };
    enum Answer<'a> {
        Error(u16, &'a str, &'a str),
        Raw(u16, &'a str, &'a str),
        Issued(IssuedOverride),
    }
    let cases: Vec<(&str, Answer, &[&str])> = vec![
        (
            "HTTP 500 InternalFailure",
            Answer::Error(500, "InternalFailure", "We encountered an internal error."),
            &["InternalFailure"],
        ),
        (
            "HTTP 500 with an HTML page",
            Answer::Raw(
                500,
                "text/html",
                "<html><body>Internal Server Error</body></html>",
            ),
            &[],
        ),
        ("HTTP 503 with an empty body", Answer::Raw(503, "", ""), &[]),
        (
            "Throttling",
            Answer::Error(400, "Throttling", "Rate exceeded"),
            &["throttling"],
        ),
        (
            "HTTP 429 from a gateway",
            Answer::Raw(429, "text/plain", "Too Many Requests"),
            &[],
        ),
        (
            "a body that is not XML",
            Answer::Raw(200, "text/xml", "this is not XML at all"),
            &[],
        ),
        (
            "a captive portal page",
            Answer::Raw(
                200,
                "text/html",
                "<html><body>Please sign in to the Wi-Fi</body></html>",
            ),
            &[],
        ),
        ("an empty 200 answer", Answer::Raw(200, "text/xml", ""), &[]),
        (
            "XML without Credentials",
            Answer::Raw(200, "text/xml", &no_credentials),
            &["without credentials"],
        ),
        (
            "Credentials without SessionToken",
            Answer::Raw(200, "text/xml", &no_token),
            &[],
        ),
        (
            "Credentials without Expiration",
            Answer::Raw(200, "text/xml", &no_expiration),
            &[],
        ),
        (
            "an Expiration that does not parse",
            Answer::Issued(bad_expiration.clone()),
            &[],
        ),
    ];
    let secrets = [
        a.secret_access_key.as_str(),
        "leakedSecretInBody01",
        "leakedSecretInBody02",
        "leakedTokenInBody03",
        "leakedSecretInBody04",
        "leakedTokenInBody05",
    ];
    let mut problems = Vec::new();
    for (what, answer, needles) in cases {
        let sts = fake();
        match answer {
            Answer::Error(status, code, message) => sts.push_error(status, code, message),
            Answer::Raw(status, content_type, body) => sts.push_raw(status, content_type, body),
            Answer::Issued(o) => sts.push_credentials(o),
        }
        let out = run(&mut export(&sb, &sts));
        match check_fails_well(what, &out, 5, needles, &secrets) {
            Err(problem) => problems.push(problem),
            Ok(err) if !err.contains("STS") && !err.contains(&sts.url()) => {
                problems.push(format!("{what}: names neither STS nor the endpoint: {err}"))
            }
            Ok(_) => {}
        }
        if sts.requests().len() != 1 {
            problems.push(format!(
                "{what}: {} requests, expected exactly one",
                sts.requests().len()
            ));
        }
    }
    assert_no_problems(problems);
}

/// An Expiration with fractional seconds or an offset is still RFC 3339: it is accepted and printed in
/// UTC.
#[test]
fn an_unusual_but_valid_expiration_is_accepted() {
    let sb = alice_sandbox();
    for (sent, printed) in [
        ("2030-01-02T03:04:05.678Z", "2030-01-02T03:04:05"),
        ("2030-01-02T04:04:05+01:00", "2030-01-02T03:04:05"),
    ] {
        let sts = fake();
        sts.push_credentials(IssuedOverride {
            access_key_id: "ASIAEXPIRY0000000001".into(),
            secret_access_key: "sessionSecret".into(),
            session_token: "sessionToken".into(),
            expiration: Some(sent.into()),
        });
        let out = run(sb.awsmfa_at(&sts).args([
            "--shell",
            "env",
            "--no-cache",
            "--token-code",
            "123456",
        ]));
        assert_eq!(out.status.code(), Some(0), "{sent}: {}", stderr(&out));
        let text = stdout(&out);
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix("AWS_CREDENTIAL_EXPIRATION="))
            .unwrap_or_default();
        assert!(
            line.starts_with(printed) && line.ends_with('Z'),
            "{sent} printed as {line:?}"
        );
    }
}

/// STS answering with an Expiration already past (a clock far off, or a broken endpoint): the credentials
/// are useless. Either refused (exit 5, one line saying so), or exported with a notice that reads as a
/// sentence — never "expires in expired".
#[test]
fn an_expiration_already_past_is_refused_or_clearly_reported() {
    let sb = alice_sandbox();
    let sts = fake();
    sts.push_credentials(IssuedOverride {
        access_key_id: "ASIAPAST000000000001".into(),
        secret_access_key: "pastSessionSecret01".into(),
        session_token: "pastSessionToken01".into(),
        expiration: Some("2020-01-01T00:00:00Z".into()),
    });
    let out = run(&mut export(&sb, &sts));
    let err = stderr(&out);
    if out.status.code() == Some(0) {
        assert!(
            !err.contains("expires in expired") && err.to_lowercase().contains("expired"),
            "exported with an unclear notice: {err:?}"
        );
    } else {
        assert_fails_well(
            "expiration in the past",
            &out,
            5,
            &["expired"],
            &["pastSessionSecret01", "pastSessionToken01"],
        );
    }
}

// ------------------------------------------------------------------------------------------------ Ctrl-C at the prompt

#[test]
fn ctrl_c_at_the_prompt_exits_130_with_echo_restored_and_nothing_on_stdout() {
    if !need(
        &python(),
        "the pseudo-terminal driver tests/tools/pty_run.py",
    ) {
        return;
    }
    let sts = fake();
    let sb = alice_sandbox();
    let out = run(sb
        .command(python())
        .arg(tool("pty_run.py"))
        .args([
            "--expect",
            "MFA code",
            "--send-ctrl-c",
            "--timeout",
            "20",
            "--",
        ])
        .arg(common::awsmfa_bin())
        .args(["--shell", "bash", "--no-cache"])
        .env("AWS_ENDPOINT_URL_STS", sts.url()));
    assert!(out.status.success(), "pty_run.py: {}", stderr(&out));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["timed_out"], false, "{doc}");
    assert_eq!(doc["unmatched"], serde_json::Value::Null, "{doc}");
    assert_eq!(doc["exit"], 130, "{doc}");
    assert_eq!(doc["echo_after"], true, "echo left off: {doc}");
    assert_eq!(doc["stdout"], "", "{doc}");
    let terminal = doc["terminal"].as_str().unwrap();
    assert_eq!(
        terminal.matches("error:").count(),
        1,
        "one message: {terminal:?}"
    );
    assert!(terminal.contains("interrupted"), "{terminal:?}");
    assert_eq!(sts.requests().len(), 0);
}

// ------------------------------------------------------------------------------------------------ no other peer

/// With every proxy variable pointing at a counting proxy (NO_PROXY exempting only 127.0.0.1, the
/// configured endpoint) and the instance-metadata and container-credential endpoints pointing at a
/// silent listener, neither sees a connection — on success and on each failure path. With no endpoint
/// configured, the one connection is a CONNECT to the regional STS endpoint (refused by the proxy).
#[test]
fn nothing_but_the_configured_sts_endpoint_is_ever_contacted() {
    let a = alice();
    let proxy = Proxy::counting();
    let metadata = Silent::start();
    let environment = |cmd: &mut Command| {
        for var in [
            "HTTP_PROXY",
            "http_proxy",
            "HTTPS_PROXY",
            "https_proxy",
            "ALL_PROXY",
            "all_proxy",
        ] {
            cmd.env(var, proxy.url());
        }
        cmd.env("NO_PROXY", "127.0.0.1")
            .env("no_proxy", "127.0.0.1")
            .env("AWS_EC2_METADATA_SERVICE_ENDPOINT", metadata.url())
            .env("AWS_CONTAINER_CREDENTIALS_FULL_URI", metadata.url())
            .env("AWS_WEB_IDENTITY_TOKEN_FILE", "/nonexistent/token")
            .env("AWS_ROLE_ARN", "arn:aws:iam::123456789012:role/r");
    };
    let refused = format!(
        "http://127.0.0.1:{}",
        std::net::TcpListener::bind("127.0.0.1:0")
            .unwrap()
            .local_addr()
            .unwrap()
            .port()
    );

    // Success.
    let sts = fake();
    let sb = alice_sandbox();
    let mut cmd = export(&sb, &sts);
    environment(&mut cmd);
    assert_exchange("success", &run(&mut cmd), &sts, &a);

    // An STS error answer.
    let sts = fake();
    sts.push_error(
        403,
        "InvalidClientTokenId",
        "The security token included in the request is invalid.",
    );
    let mut cmd = export(&sb, &sts);
    environment(&mut cmd);
    assert_fails_well("STS error", &run(&mut cmd), 5, &[], &[&a.secret_access_key]);

    // STS unreachable.
    let mut cmd = export_plain(&sb);
    cmd.env("AWS_ENDPOINT_URL_STS", &refused);
    environment(&mut cmd);
    assert_fails_well(
        "unreachable",
        &run(&mut cmd),
        6,
        &[&refused],
        &[&a.secret_access_key],
    );

    // No keys anywhere; a profile whose keys would come from instance metadata.
    let empty = Sandbox::new();
    let mut cmd = export(&empty, &sts);
    environment(&mut cmd);
    assert_fails_well("no keys", &run(&mut cmd), 3, &[], &[]);
    let meta = Sandbox::new();
    meta.write_config(&format!(
        "[default]\ncredential_source = Ec2InstanceMetadata\nmfa_serial = {}\n",
        serial(&a)
    ));
    let mut cmd = export(&meta, &sts);
    environment(&mut cmd);
    assert_fails_well(
        "credential_source",
        &run(&mut cmd),
        3,
        &["\"default\""],
        &[],
    );

    assert_eq!(proxy.connections(), 0, "proxy saw: {:?}", proxy.seen());
    assert_eq!(
        metadata.connections(),
        0,
        "the metadata endpoint was contacted"
    );

    // No endpoint configured: the regional endpoint, through the proxy, and nothing else.
    let mut cmd = export_plain(&sb);
    environment(&mut cmd);
    let out = run(&mut cmd);
    assert_fails_well(
        "default endpoint via a refusing proxy",
        &out,
        6,
        &[],
        &[&a.secret_access_key],
    );
    assert_eq!(
        proxy.seen(),
        vec!["CONNECT sts.us-east-1.amazonaws.com:443 HTTP/1.1".to_string()]
    );
    assert_eq!(metadata.connections(), 0);
}
