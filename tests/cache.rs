//! The session cache, `status` and `clear`, end to end: the awsmfa binary against the fake STS, with a
//! sandboxed home and an explicit `AWSMFA_CACHE_DIR` so the entries can be inspected.

mod common;

use common::{Sandbox, awsmfa_bin, run, stderr, stdout};
use fake_sts::{FakeSts, Issued, IssuedOverride, User};
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::time::{Duration, Instant};

/// Any 6 digits do for the lenient fake.
const CODE: &str = "123456";

// ------------------------------------------------------------------------------------------------- helpers

/// A fake that takes any code, any number of times.
fn lenient_sts() -> FakeSts {
    FakeSts::builder()
        .user(User::alice())
        .any_code(true)
        .allow_reuse(true)
        .start()
}

/// `now + secs` as `YYYY-MM-DDTHH:MM:SSZ` (UTC).
fn utc_in(secs: i64) -> String {
    use aws_smithy_types::DateTime;
    use aws_smithy_types::date_time::Format;
    let now = DateTime::from(std::time::SystemTime::now()).secs();
    DateTime::from_secs(now + secs)
        .fmt(Format::DateTime)
        .unwrap()
}

/// Session credentials the fake hands out next, ending `secs` from now.
fn ending_in(secs: i64, tag: &str) -> IssuedOverride {
    IssuedOverride {
        access_key_id: format!("ASIA{tag:0>16}"),
        secret_access_key: format!("secret/{tag}+K7MDENGbPxRfiCYEXAMPLEKEY"),
        session_token: format!("FwoGZXIvYXdzTOKEN{tag}AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"),
        expiration: Some(utc_in(secs)),
    }
}

/// `AKIA…WXYZ`, as awsmfa masks an access key id.
fn masked(id: &str) -> String {
    format!("{}…{}", &id[..4], &id[id.len() - 4..])
}

/// A sandbox whose `default` profile holds alice's keys and serial, with a cache directory of its own
/// (not created yet).
struct Env {
    sb: Sandbox,
    cache: PathBuf,
}

impl Env {
    fn new() -> Env {
        let sb = Sandbox::new();
        sb.with_user_profile("default", &User::alice());
        let cache = sb.home().join("awsmfa-cache");
        Env { sb, cache }
    }

    /// A profile `name` with alice's keys and serial too.
    fn with_profile(self, name: &str) -> Env {
        self.sb.with_user_profile(name, &User::alice());
        self
    }

    fn env(&self, cmd: &mut Command, url: &str) {
        cmd.env("AWSMFA_CACHE_DIR", &self.cache)
            .env("AWS_ENDPOINT_URL_STS", url);
    }

    /// `awsmfa --shell bash` at `url`.
    fn export(&self, url: &str) -> Command {
        let mut cmd = self.sb.awsmfa();
        self.env(&mut cmd, url);
        cmd.args(["--shell", "bash"]);
        cmd
    }

    /// `awsmfa --shell bash` at `url` with no terminal and stdin from /dev/null: a run that needs a code
    /// fails at once with exit 3 instead of prompting.
    fn export_no_tty(&self, url: &str) -> Command {
        let mut cmd = self.sb.command("setsid");
        self.env(&mut cmd, url);
        cmd.arg("--wait")
            .arg(awsmfa_bin())
            .args(["--shell", "bash"]);
        cmd
    }

    /// `awsmfa SUBCOMMAND` at `url`.
    fn sub(&self, url: &str, args: &[&str]) -> Command {
        let mut cmd = self.sb.awsmfa();
        self.env(&mut cmd, url);
        cmd.args(args);
        cmd
    }

    /// The one entry in the cache directory.
    fn entry(&self) -> PathBuf {
        let found = entries(&self.cache);
        assert_eq!(found.len(), 1, "one entry: {found:?}");
        found.into_iter().next().unwrap()
    }
}

/// The `*.json` files in `dir`, sorted.
fn entries(dir: &Path) -> Vec<PathBuf> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map(|d| {
            d.filter_map(|e| e.ok())
                .map(|e| e.path())
                .filter(|p| p.extension().is_some_and(|x| x == "json"))
                .collect()
        })
        .unwrap_or_default();
    found.sort();
    found
}

/// Names of the files in `dir` that start with `.tmp-`.
fn temp_files(dir: &Path) -> Vec<String> {
    std::fs::read_dir(dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.starts_with(".tmp-"))
        .collect()
}

fn read_json(path: &Path) -> serde_json::Value {
    serde_json::from_slice(&std::fs::read(path).unwrap()).unwrap()
}

fn mode(path: &Path) -> u32 {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).unwrap().permissions().mode() & 0o777
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The entry at `path` is format version 1 and holds `issued`, field by field.
fn assert_entry_holds(path: &Path, issued: &Issued) {
    let doc = read_json(path);
    assert_eq!(doc["version"], 1, "{doc}");
    assert_eq!(doc["AccessKeyId"], issued.access_key_id.as_str());
    assert_eq!(doc["SecretAccessKey"], issued.secret_access_key.as_str());
    assert_eq!(doc["SessionToken"], issued.session_token.as_str());
    assert_eq!(doc["Expiration"], issued.expiration.as_str());
}

fn assert_exit(out: &Output, code: i32) {
    assert_eq!(
        out.status.code(),
        Some(code),
        "stdout: {}\nstderr: {}",
        String::from_utf8_lossy(&out.stdout),
        stderr(out)
    );
}

/// The statements awsmfa printed export `issued`.
fn assert_exports(out: &Output, issued: &Issued) {
    let text = stdout(out);
    for value in [
        &issued.access_key_id,
        &issued.secret_access_key,
        &issued.session_token,
        &issued.expiration,
    ] {
        assert!(text.contains(value.as_str()), "{value} not in {text}");
    }
}

/// Runs `cmd`, with `TZ=tz` when given.
fn run_tz(cmd: &mut Command, tz: Option<&str>) -> Output {
    if let Some(tz) = tz {
        cmd.env("TZ", tz);
    }
    run(cmd)
}

// ------------------------------------------------------------------------------------------------- hit

/// A first run with a code caches the session; a second run without code, terminal or STS call exports
/// the same statements and names the session it reused; `-q` silences that.
fn check_hit(tz: Option<&str>, ahead: Option<i64>) {
    let sts = lenient_sts();
    let env = Env::new();
    if let Some(secs) = ahead {
        sts.push_credentials(ending_in(secs, "HIT"));
    }
    let first = run_tz(env.export(&sts.url()).args(["--token-code", CODE]), tz);
    assert_exit(&first, 0);
    assert_eq!(sts.calls("GetSessionToken"), 1);
    let issued = sts.issued()[0].clone();
    assert_exports(&first, &issued);
    if ahead.is_none() {
        assert!(
            !stderr(&first).contains("expires in"),
            "12 h left: no warning: {}",
            stderr(&first)
        );
    }

    let second = run_tz(&mut env.export_no_tty(&sts.url()), tz);
    assert_exit(&second, 0);
    assert_eq!(sts.calls("GetSessionToken"), 1, "no STS call on a hit");
    assert_eq!(sts.requests().len(), 1, "no request at all on a hit");
    assert_eq!(second.stdout, first.stdout, "the same statements");
    let err = stderr(&second);
    assert!(err.contains("reusing the cached session"), "{err}");
    assert!(err.contains(&masked(&issued.access_key_id)), "{err}");
    assert!(err.contains(&issued.expiration), "{err}");
    assert!(!err.contains(&issued.secret_access_key) && !err.contains(&issued.session_token));

    let quiet = run_tz(env.export_no_tty(&sts.url()).arg("-q"), tz);
    assert_exit(&quiet, 0);
    assert_eq!(quiet.stdout, first.stdout);
    assert!(quiet.stderr.is_empty(), "-q: {}", stderr(&quiet));
    assert_eq!(sts.requests().len(), 1);
}

#[test]
fn hit_needs_no_code_makes_no_call_and_prints_the_same_statements() {
    check_hit(None, None);
}

// ------------------------------------------------------------------------------------------------- miss

/// A cached session of the default profile, and the fake and env that made it.
fn cached_default(env: &Env, sts: &FakeSts) {
    let out = run(env.export(&sts.url()).args(["--token-code", CODE]));
    assert_exit(&out, 0);
    assert_eq!(sts.calls("GetSessionToken"), 1);
}

#[test]
fn another_profile_misses() {
    let sts = lenient_sts();
    let env = Env::new().with_profile("other");
    cached_default(&env, &sts);
    let out = run(env
        .export(&sts.url())
        .args(["--profile", "other", "--token-code", CODE]));
    assert_exit(&out, 0);
    assert_eq!(
        sts.calls("GetSessionToken"),
        2,
        "a new call for another profile"
    );
    assert_exports(&out, &sts.issued()[1]);
    assert_eq!(entries(&env.cache).len(), 2);
    // Without a code the other profile is now a hit too, and the default still is.
    let out = run(env.export_no_tty(&sts.url()).args(["--profile", "other"]));
    assert_exit(&out, 0);
    assert_exports(&out, &sts.issued()[1]);
    let out = run(&mut env.export_no_tty(&sts.url()));
    assert_exit(&out, 0);
    assert_exports(&out, &sts.issued()[0]);
    assert_eq!(sts.calls("GetSessionToken"), 2);
}

#[test]
fn another_serial_misses() {
    let sts = lenient_sts();
    let env = Env::new();
    cached_default(&env, &sts);
    let other = "arn:aws:iam::123456789012:mfa/alice-backup";
    let out = run(env
        .export(&sts.url())
        .args(["--serial-number", other, "--token-code", CODE]));
    // The fake knows one device per user, so it refuses the other serial; what matters is the call.
    assert_exit(&out, 4);
    assert_eq!(
        sts.calls("GetSessionToken"),
        2,
        "a new call for another serial"
    );
    assert_eq!(sts.requests()[1].param("SerialNumber"), Some(other));
    // The refused exchange left the cached session alone.
    let out = run(&mut env.export_no_tty(&sts.url()));
    assert_exit(&out, 0);
    assert_exports(&out, &sts.issued()[0]);
}

#[test]
fn another_region_of_the_same_partition_reuses_the_session() {
    // Session credentials work in every region of their partition, so the key holds the partition, not
    // the region: a shell whose AWS_REGION another profile changed still gets the cached session.
    let sts = lenient_sts();
    let env = Env::new();
    cached_default(&env, &sts);
    let out = run(env
        .export_no_tty(&sts.url())
        .args(["--region", "eu-west-1"]));
    assert_exit(&out, 0);
    assert_eq!(sts.calls("GetSessionToken"), 1, "no new call, no prompt");
    assert_exports(&out, &sts.issued()[0]);
    assert!(
        stdout(&out).contains("export AWS_REGION=eu-west-1\n"),
        "{}",
        stdout(&out)
    );
    let out = run(env
        .export_no_tty(&sts.url())
        .env("AWS_REGION", "ap-southeast-2"));
    assert_exit(&out, 0);
    assert_exports(&out, &sts.issued()[0]);
    assert_eq!(sts.calls("GetSessionToken"), 1);
}

#[test]
fn another_endpoint_misses() {
    let sts = lenient_sts();
    let elsewhere = lenient_sts();
    let env = Env::new();
    cached_default(&env, &sts);
    let out = run(&mut env.export_no_tty(&elsewhere.url()));
    assert_exit(&out, 3);
    assert_eq!(elsewhere.requests().len(), 0);
    let out = run(env.export(&elsewhere.url()).args(["--token-code", CODE]));
    assert_exit(&out, 0);
    assert_eq!(
        elsewhere.calls("GetSessionToken"),
        1,
        "a new call for another endpoint"
    );
    assert_eq!(sts.calls("GetSessionToken"), 1);
    assert_exports(&out, &elsewhere.issued()[0]);
}

// ------------------------------------------------------------------------------------------------- margin

/// A session with 4 minutes left is not reused with the default 5-minute margin, but is with a 2-minute
/// one (flag or environment); exporting it warns that it ends within 15 minutes.
fn check_margin(tz: Option<&str>) {
    let sts = lenient_sts();
    let env = Env::new();
    sts.push_credentials(ending_in(240, "MARGIN"));
    let first = run_tz(env.export(&sts.url()).args(["--token-code", CODE]), tz);
    assert_exit(&first, 0);
    let issued = sts.issued()[0].clone();
    assert!(
        stderr(&first).contains("the session expires in 3m")
            || stderr(&first).contains("the session expires in 4m"),
        "warns under 15 minutes: {}",
        stderr(&first)
    );

    let flag = run_tz(
        env.export_no_tty(&sts.url())
            .args(["--min-remaining", "120"]),
        tz,
    );
    assert_exit(&flag, 0);
    assert_eq!(flag.stdout, first.stdout);
    assert!(
        stderr(&flag).contains("reusing the cached session"),
        "{}",
        stderr(&flag)
    );
    assert!(
        stderr(&flag).contains("the session expires in"),
        "{}",
        stderr(&flag)
    );

    let var = run_tz(
        env.export_no_tty(&sts.url())
            .env("AWSMFA_MIN_REMAINING", "120"),
        tz,
    );
    assert_exit(&var, 0);
    assert_eq!(var.stdout, first.stdout);
    assert_eq!(sts.calls("GetSessionToken"), 1);

    // Default margin: a miss, which needs a code (none here: exit 3, no call) ...
    let default = run_tz(&mut env.export_no_tty(&sts.url()), tz);
    assert_exit(&default, 3);
    assert_eq!(sts.calls("GetSessionToken"), 1);
    // ... and with one, a new session.
    let renewed = run_tz(env.export(&sts.url()).args(["--token-code", CODE]), tz);
    assert_exit(&renewed, 0);
    assert_eq!(sts.calls("GetSessionToken"), 2);
    let new = sts.issued()[1].clone();
    assert_ne!(new.access_key_id, issued.access_key_id);
    assert_exports(&renewed, &new);
    assert_entry_holds(&env.entry(), &new);
}

#[test]
fn margin_four_minutes_left_is_reused_only_with_a_smaller_margin() {
    check_margin(None);
}

#[test]
fn hit_and_margin_under_tz_europe_london() {
    check_hit(Some("Europe/London"), Some(600));
    check_margin(Some("Europe/London"));
}

#[test]
fn hit_and_margin_under_tz_pacific_kiritimati() {
    check_hit(Some("Pacific/Kiritimati"), Some(600));
    check_margin(Some("Pacific/Kiritimati"));
}

// ------------------------------------------------------------------------------------------------- refresh, no-cache

#[test]
fn refresh_calls_sts_again_and_replaces_the_entry() {
    let sts = lenient_sts();
    let env = Env::new();
    cached_default(&env, &sts);
    assert_entry_holds(&env.entry(), &sts.issued()[0]);
    let out = run(env
        .export(&sts.url())
        .args(["--refresh", "--token-code", CODE]));
    assert_exit(&out, 0);
    assert_eq!(sts.calls("GetSessionToken"), 2);
    let new = sts.issued()[1].clone();
    assert_exports(&out, &new);
    assert_entry_holds(&env.entry(), &new);
    let hit = run(&mut env.export_no_tty(&sts.url()));
    assert_exit(&hit, 0);
    assert_eq!(hit.stdout, out.stdout);
    assert_eq!(sts.calls("GetSessionToken"), 2);
}

#[test]
fn no_cache_neither_reads_nor_writes() {
    let sts = lenient_sts();
    let env = Env::new();
    let out = run(env
        .export(&sts.url())
        .args(["--no-cache", "--token-code", CODE]));
    assert_exit(&out, 0);
    let written: Vec<_> = std::fs::read_dir(&env.cache)
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(written.is_empty(), "nothing in the cache dir: {written:?}");
    // Nothing was written, so the next run misses.
    let out = run(&mut env.export_no_tty(&sts.url()));
    assert_exit(&out, 3);

    let out = run(env.export(&sts.url()).args(["--token-code", CODE]));
    assert_exit(&out, 0);
    assert_eq!(sts.calls("GetSessionToken"), 2);
    // The cache now holds a valid session; --no-cache does not read it ...
    let before = std::fs::read(env.entry()).unwrap();
    let out = run(env.export_no_tty(&sts.url()).arg("--no-cache"));
    assert_exit(&out, 3);
    let out = run(env
        .export(&sts.url())
        .args(["--no-cache", "--token-code", CODE]));
    assert_exit(&out, 0);
    assert_eq!(sts.calls("GetSessionToken"), 3);
    assert_exports(&out, &sts.issued()[2]);
    // ... nor replace it.
    assert_eq!(
        std::fs::read(env.entry()).unwrap(),
        before,
        "--no-cache does not write"
    );
}

// ------------------------------------------------------------------------------------------------- clear

/// The profiles of the entries in `dir`, sorted.
fn cached_profiles(dir: &Path) -> Vec<String> {
    let mut p: Vec<String> = entries(dir)
        .iter()
        .map(|e| read_json(e)["key"]["profile"].as_str().unwrap().to_string())
        .collect();
    p.sort();
    p
}

#[test]
fn clear_removes_the_current_profile_a_named_profile_or_all() {
    let sts = lenient_sts();
    let env = Env::new().with_profile("other").with_profile("third");
    let fill = |profiles: &[&str]| {
        for p in profiles {
            let out = run(env
                .export(&sts.url())
                .args(["--profile", p, "--token-code", CODE]));
            assert_exit(&out, 0);
        }
    };
    fill(&["default", "other", "third"]);
    assert_eq!(cached_profiles(&env.cache), ["default", "other", "third"]);

    let out = run(&mut env.sub(&sts.url(), &["clear"]));
    assert_exit(&out, 0);
    assert!(out.stdout.is_empty());
    assert!(
        stderr(&out).contains("removed 1 cached session(s) of profile default"),
        "{}",
        stderr(&out)
    );
    assert_eq!(cached_profiles(&env.cache), ["other", "third"]);
    let miss = run(&mut env.export_no_tty(&sts.url()));
    assert_exit(&miss, 3);

    let out = run(env.sub(&sts.url(), &["clear"]).env("AWS_PROFILE", "other"));
    assert_exit(&out, 0);
    assert_eq!(cached_profiles(&env.cache), ["third"]);

    let out = run(&mut env.sub(&sts.url(), &["clear", "--profile", "third", "-q"]));
    assert_exit(&out, 0);
    assert!(out.stderr.is_empty(), "{}", stderr(&out));
    assert!(cached_profiles(&env.cache).is_empty());

    fill(&["default", "other"]);
    let out = run(&mut env.sub(&sts.url(), &["clear", "--all"]));
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("removed 2 cached session(s)"),
        "{}",
        stderr(&out)
    );
    assert!(entries(&env.cache).is_empty());
    let miss = run(env.export_no_tty(&sts.url()).args(["--profile", "other"]));
    assert_exit(&miss, 3);

    let out = run(&mut env.sub(&sts.url(), &["clear", "--all", "--profile", "x"]));
    assert_exit(&out, 2);
}

// ------------------------------------------------------------------------------------------------- permissions

#[test]
fn cache_dir_is_0700_and_entries_0600() {
    let sts = lenient_sts();
    let env = Env::new();
    cached_default(&env, &sts);
    assert_eq!(mode(&env.cache), 0o700);
    assert_eq!(mode(&env.entry()), 0o600);
    for f in std::fs::read_dir(&env.cache).unwrap() {
        let f = f.unwrap().path();
        assert_eq!(mode(&f) & 0o077, 0, "{} is private", f.display());
    }
}

#[test]
fn default_cache_dir_is_under_home_dot_cache() {
    let sts = lenient_sts();
    let sb = Sandbox::new();
    sb.with_user_profile("default", &User::alice());
    let out = run(sb
        .awsmfa_at(&sts)
        .args(["--shell", "bash", "--token-code", CODE]));
    assert_exit(&out, 0);
    let dir = sb.home().join(".cache/awsmfa");
    assert_eq!(entries(&dir).len(), 1);
    assert_eq!(mode(&dir), 0o700);
}

#[test]
fn a_group_readable_entry_is_warned_ignored_and_replaced_with_0600() {
    let sts = lenient_sts();
    let env = Env::new();
    cached_default(&env, &sts);
    let entry = env.entry();
    chmod(&entry, 0o644);
    // Ignored: without a code it is a miss.
    let out = run(&mut env.export_no_tty(&sts.url()));
    assert_exit(&out, 3);
    assert!(stderr(&out).contains("644"), "warned: {}", stderr(&out));
    let out = run(env.export(&sts.url()).args(["--token-code", CODE]));
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("ignoring the cached session"),
        "{}",
        stderr(&out)
    );
    assert_eq!(sts.calls("GetSessionToken"), 2, "a new call");
    assert_eq!(env.entry(), entry, "the same file name");
    assert_eq!(mode(&entry), 0o600, "replaced private");
    assert_entry_holds(&entry, &sts.issued()[1]);
}

#[test]
fn an_existing_0755_default_cache_dir_is_narrowed_to_0700() {
    let sts = lenient_sts();
    let env = Env::new();
    let default_dir = env.sb.home().join(".cache/awsmfa");
    std::fs::create_dir_all(&default_dir).unwrap();
    chmod(&default_dir, 0o755);
    let out = run(env
        .export(&sts.url())
        .env_remove("AWSMFA_CACHE_DIR")
        .args(["--token-code", CODE]));
    assert_exit(&out, 0);
    assert_eq!(mode(&default_dir), 0o700);
    assert_eq!(
        std::fs::read_dir(&default_dir).unwrap().count(),
        2,
        "entry and lock"
    );
}

#[test]
fn an_open_cache_dir_named_by_the_user_is_refused_not_changed() {
    // AWSMFA_CACHE_DIR may name a directory shared on purpose: awsmfa neither chmods nor fills it.
    let sts = lenient_sts();
    let env = Env::new();
    std::fs::create_dir(&env.cache).unwrap();
    chmod(&env.cache, 0o755);
    std::fs::write(env.cache.join("package.json"), "{}").unwrap();
    let out = run(env.export(&sts.url()).args(["--token-code", CODE]));
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("open to other users"),
        "{}",
        stderr(&out)
    );
    assert_eq!(mode(&env.cache), 0o755);
    let names: Vec<_> = std::fs::read_dir(&env.cache)
        .unwrap()
        .map(|e| e.unwrap().file_name())
        .collect();
    assert_eq!(names, ["package.json"]);
    // And clear --all leaves what is not awsmfa's alone.
    let out = run(&mut env.sub(&sts.url(), &["clear", "--all"]));
    assert_exit(&out, 0);
    assert!(env.cache.join("package.json").exists());
}

// ------------------------------------------------------------------------------------------------- corrupt entries

#[test]
fn corrupt_entries_are_warned_ignored_and_replaced() {
    let sts = lenient_sts();
    let env = Env::new();
    cached_default(&env, &sts);
    let entry = env.entry();
    let good = std::fs::read(&entry).unwrap();
    let text = String::from_utf8(good.clone()).unwrap();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        ("truncated", good[..good.len() / 2].to_vec()),
        ("empty", Vec::new()),
        ("empty object", b"{}".to_vec()),
        (
            "version 2",
            text.replacen("\"version\": 1", "\"version\": 2", 1)
                .into_bytes(),
        ),
        ("garbage", (0..=255u8).rev().cycle().take(700).collect()),
        ("bad expiration", {
            let mut doc: serde_json::Value = serde_json::from_slice(&good).unwrap();
            doc["Expiration"] = "next Tuesday".into();
            serde_json::to_vec(&doc).unwrap()
        }),
        ("missing token", {
            let mut doc: serde_json::Value = serde_json::from_slice(&good).unwrap();
            doc.as_object_mut().unwrap().remove("SessionToken");
            serde_json::to_vec(&doc).unwrap()
        }),
    ];
    assert!(cases[3].1 != good, "the version was replaced");
    for (what, bytes) in cases {
        std::fs::write(&entry, &bytes).unwrap();
        assert_eq!(mode(&entry), 0o600);
        let calls = sts.calls("GetSessionToken");
        let out = run(env.export(&sts.url()).args(["--token-code", CODE]));
        assert_exit(&out, 0);
        let err = stderr(&out);
        assert!(
            err.contains("ignoring the cached session"),
            "{what}: warned: {err}"
        );
        assert_eq!(
            sts.calls("GetSessionToken"),
            calls + 1,
            "{what}: a new call"
        );
        let newest = sts.issued().last().unwrap().clone();
        assert_exports(&out, &newest);
        assert_entry_holds(&env.entry(), &newest);
        assert_eq!(mode(&entry), 0o600);
    }
}

// ------------------------------------------------------------------------------------------------- failed exchange

#[test]
fn a_failed_exchange_leaves_the_old_entry_byte_for_byte() {
    let sts = lenient_sts();
    let env = Env::new();
    cached_default(&env, &sts);
    let entry = env.entry();
    let before = std::fs::read(&entry).unwrap();
    sts.push_error(
        403,
        "AccessDenied",
        "User is not authorized to perform: sts:GetSessionToken",
    );
    let out = run(env
        .export(&sts.url())
        .args(["--refresh", "--token-code", CODE]));
    assert_ne!(out.status.code(), Some(0), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    assert_eq!(sts.calls("GetSessionToken"), 2);
    assert_eq!(std::fs::read(&entry).unwrap(), before, "untouched");
    assert_eq!(mode(&entry), 0o600);
    assert_eq!(entries(&env.cache), [entry]);
    assert!(temp_files(&env.cache).is_empty());
}

// ------------------------------------------------------------------------------------------------- SIGKILL

/// A small xorshift generator: delays only, no need for quality.
struct Rng(u64);
impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n.max(1)
    }
}

/// Spawns a `--refresh` run and watches it: the time until the fake issued its session (polled), and
/// the time until it exited. With `kill_after`, SIGKILLs it that long after the session was issued.
/// Returns (issued after, ended after, killed).
fn watched_refresh(
    env: &Env,
    sts: &FakeSts,
    kill_after: Option<Duration>,
) -> (Option<Duration>, Duration, bool) {
    use std::os::unix::process::ExitStatusExt;
    let issued_before = sts.issued().len();
    let start = Instant::now();
    let mut child = env
        .export(&sts.url())
        .args(["--refresh", "--token-code", CODE])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let mut issued_at = None;
    let status = loop {
        if issued_at.is_none() && sts.issued().len() > issued_before {
            issued_at = Some(start.elapsed());
            if let Some(delay) = kill_after {
                let until = Instant::now() + delay;
                while Instant::now() < until {
                    std::hint::spin_loop();
                }
                let _ = child.kill();
                break child.wait().unwrap();
            }
        }
        if let Some(status) = child.try_wait().unwrap() {
            break status;
        }
        std::thread::sleep(Duration::from_micros(20));
    };
    let ended = start.elapsed();
    (issued_at, ended, status.signal() == Some(9))
}

#[test]
fn sigkill_while_writing_leaves_the_old_or_the_new_entry() {
    let sts = lenient_sts();
    let env = Env::new();
    cached_default(&env, &sts);
    let entry = env.entry();

    // Calibrate: how long a run lives after the fake issued its session (answer, cache write, exit).
    let mut windows: Vec<Duration> = (0..5)
        .filter_map(|_| {
            let (issued, ended, _) = watched_refresh(&env, &sts, None);
            issued.map(|i| ended - i)
        })
        .collect();
    windows.sort();
    let window = windows[windows.len() / 2].max(Duration::from_micros(200));
    let seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    let mut rng = Rng(seed);

    let (mut killed, mut killed_old, mut killed_new, mut finished) = (0, 0, 0, 0);
    let mut killed_mid_write = 0;
    for i in 0..40 {
        let before = read_json(&entry);
        // Delays spread over 0 ..= 1.2 × the window after the session was issued.
        let delay = Duration::from_micros(rng.below(window.as_micros() as u64 * 6 / 5 + 1));
        let n = sts.issued().len();
        let temps = temp_files(&env.cache).len();
        let (issued, _, was_killed) = watched_refresh(&env, &sts, Some(delay));
        let issued_now = sts.issued();
        // Never broken: valid JSON, version 1, a session the fake issued, old or new.
        let doc = read_json(&entry);
        assert_eq!(doc["version"], 1, "iteration {i}: {doc}");
        assert_eq!(mode(&entry), 0o600);
        let held = issued_now
            .iter()
            .find(|s| doc["AccessKeyId"] == s.access_key_id.as_str())
            .unwrap_or_else(|| panic!("iteration {i}: entry holds no issued session: {doc}"));
        assert_entry_holds(&entry, held);
        let is_old = doc == before;
        let is_new =
            issued_now.len() > n && doc["AccessKeyId"] == issued_now[n].access_key_id.as_str();
        assert!(is_old || is_new, "iteration {i}: neither old nor new");
        match (was_killed, is_new) {
            (true, false) => killed_old += 1,
            (true, true) => killed_new += 1,
            (false, _) => finished += 1,
        }
        killed += usize::from(was_killed);
        // A new temporary file left behind: killed between creating it and the rename.
        killed_mid_write += usize::from(temp_files(&env.cache).len() > temps);
        assert!(
            issued.is_some() || !was_killed,
            "killed only after the answer"
        );
    }
    let leftovers = temp_files(&env.cache);
    eprintln!(
        "sigkill: window {window:?} (runs' life after the answer: {windows:?}); 40 runs: {killed} killed \
         ({killed_old} before the entry was replaced, {killed_new} after; {killed_mid_write} inside the \
         write, between creating the temporary file and the rename), {finished} finished; {} leftover \
         .tmp-* files",
        leftovers.len()
    );
    // Leftover temporary files are never taken for entries: still one entry, and a hit exports it.
    assert_eq!(entries(&env.cache), std::slice::from_ref(&entry));
    let doc = read_json(&entry);
    let hit = run(&mut env.export_no_tty(&sts.url()));
    assert_exit(&hit, 0);
    assert!(stdout(&hit).contains(doc["AccessKeyId"].as_str().unwrap()));
    let status = run(&mut env.sub(&sts.url(), &["status", "--offline", "--format", "json"]));
    let status: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(status["cached"].as_array().unwrap().len(), 1, "{status}");
}

// ------------------------------------------------------------------------------------------------- concurrency

#[test]
fn twenty_concurrent_runs_with_one_code_make_one_call_and_export_the_same_session() {
    let alice = User::alice();
    let sts = FakeSts::start(vec![alice.clone()]);
    let env = Env::new();
    let code = alice.totp_now();
    let children: Vec<_> = (0..20)
        .map(|_| {
            env.export(&sts.url())
                .args(["--token-code", &code])
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    let outs: Vec<Output> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap())
        .collect();
    for out in &outs {
        assert_exit(out, 0);
    }
    assert_eq!(sts.calls("GetSessionToken"), 1, "exactly one call");
    let issued = sts.issued();
    assert_eq!(issued.len(), 1);
    for out in &outs {
        assert_eq!(out.stdout, outs[0].stdout, "the same session");
    }
    assert_exports(&outs[0], &issued[0]);
    assert_entry_holds(&env.entry(), &issued[0]);
}

// ------------------------------------------------------------------------------------------------- status

/// Exports a session from `sts` (the next one `session` says, if given) with bash statements.
fn exported(env: &Env, sts: &FakeSts, session: Option<IssuedOverride>) -> (String, Issued) {
    if let Some(s) = session {
        sts.push_credentials(s);
    }
    let out = run(env
        .export(&sts.url())
        .args(["--no-cache", "--token-code", CODE]));
    assert_exit(&out, 0);
    (stdout(&out), sts.issued().last().unwrap().clone())
}

/// `eval "$statements"` in bash, then `awsmfa status ARGS` in that shell (at `url`).
fn status_after_eval(
    env: &Env,
    url: &str,
    statements: &str,
    prelude: &str,
    args: &[&str],
) -> Output {
    let script = format!("{statements}\n{prelude}\nexec \"$AWSMFA_BIN\" status \"$@\"\n");
    let mut cmd = env.sb.command("bash");
    env.env(&mut cmd, url);
    cmd.env("AWSMFA_BIN", awsmfa_bin())
        .args(["--norc", "--noprofile", "-c", &script, "bash"])
        .args(args);
    run(&mut cmd)
}

/// Neither stdout nor stderr holds any of `secrets`.
fn assert_no_secret(out: &Output, secrets: &[&str]) {
    let all = format!("{}{}", String::from_utf8_lossy(&out.stdout), stderr(out));
    for s in secrets {
        assert!(!all.contains(s), "a secret is printed: {all}");
    }
}

fn issued_secrets(issued: &Issued) -> [&str; 2] {
    [&issued.secret_access_key, &issued.session_token]
}

#[test]
fn status_valid_session_exits_0_with_the_identity() {
    let sts = lenient_sts();
    let env = Env::new();
    let (statements, issued) = exported(&env, &sts, None);
    let out = status_after_eval(&env, &sts.url(), &statements, "", &[]);
    assert_exit(&out, 0);
    assert_eq!(sts.calls("GetCallerIdentity"), 1);
    let r = sts
        .requests()
        .into_iter()
        .find(|r| r.action == "GetCallerIdentity")
        .unwrap();
    assert!(r.signature_valid);
    assert_eq!(
        r.access_key_id.as_deref(),
        Some(issued.access_key_id.as_str())
    );
    let text = stdout(&out);
    assert!(text.contains("credentials: session"), "{text}");
    assert!(text.contains(&masked(&issued.access_key_id)), "{text}");
    assert!(text.contains(&issued.expiration), "{text}");
    assert!(text.contains(&User::alice().arn()), "{text}");
    assert!(text.contains("state: valid"), "{text}");
    assert!(
        !text.contains(&issued.access_key_id),
        "the id is masked: {text}"
    );
    assert_no_secret(&out, &issued_secrets(&issued));
}

#[test]
fn status_json_parses_and_has_the_fields() {
    let sts = lenient_sts();
    let env = Env::new();
    // A cached session too, to be listed.
    cached_default(&env, &sts);
    let (statements, issued) = exported(&env, &sts, None);
    let out = status_after_eval(&env, &sts.url(), &statements, "", &["--format", "json"]);
    assert_exit(&out, 0);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["credentials"], "session");
    assert_eq!(doc["state"], "valid");
    assert_eq!(doc["access_key_id"], masked(&issued.access_key_id).as_str());
    assert_eq!(doc["expiration"], issued.expiration.as_str());
    let left = doc["seconds_left"].as_i64().unwrap();
    assert!((43_000..=43_200).contains(&left), "{left}");
    assert_eq!(doc["identity"]["account"], fake_sts::ACCOUNT);
    assert_eq!(doc["identity"]["arn"], User::alice().arn().as_str());
    assert_eq!(doc["identity"]["user_id"], User::alice().user_id().as_str());
    assert!(doc["identity_error"].is_null());
    let cached = doc["cached"].as_array().unwrap();
    assert_eq!(cached.len(), 1, "{doc}");
    assert_eq!(cached[0]["profile"], "default");
    assert_eq!(
        cached[0]["serial"],
        User::alice().mfa_serial.unwrap().as_str()
    );
    assert_eq!(cached[0]["partition"], "aws");
    assert_eq!(cached[0]["endpoint"], sts.url().as_str());
    assert_eq!(
        cached[0]["access_key_id"],
        masked(&sts.issued()[0].access_key_id).as_str()
    );
    assert_eq!(cached[0]["expiration"], sts.issued()[0].expiration.as_str());
    assert!(cached[0]["seconds_left"].as_i64().unwrap() > 43_000);
    let cached_session = sts.issued()[0].clone();
    let mut secrets = issued_secrets(&issued).to_vec();
    secrets.extend(issued_secrets(&cached_session));
    secrets.push(&cached_session.access_key_id);
    assert_no_secret(&out, &secrets);
}

#[test]
fn status_expiring_session_exits_10() {
    let sts = lenient_sts();
    let env = Env::new();
    let (statements, issued) = exported(&env, &sts, Some(ending_in(300, "EXPIRING")));
    let out = status_after_eval(&env, &sts.url(), &statements, "", &[]);
    assert_exit(&out, 10);
    assert!(stdout(&out).contains("state: expiring"), "{}", stdout(&out));
    assert!(
        stdout(&out).contains(&User::alice().arn()),
        "the call still works: {}",
        stdout(&out)
    );
    assert_no_secret(&out, &issued_secrets(&issued));
    let json = status_after_eval(&env, &sts.url(), &statements, "", &["--format", "json"]);
    assert_exit(&json, 10);
    let doc: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(doc["state"], "expiring");
    assert!(
        (250..=300).contains(&doc["seconds_left"].as_i64().unwrap()),
        "{doc}"
    );
}

#[test]
fn status_expired_session_exits_10() {
    let sts = lenient_sts();
    let env = Env::new();
    // awsmfa refuses a session that STS hands out already expired, so this one ends 2 s after issue and the
    // test waits it out.
    let (statements, issued) = exported(&env, &sts, Some(ending_in(2, "EXPIRED")));
    std::thread::sleep(std::time::Duration::from_millis(3500));
    // With AWS_CREDENTIAL_EXPIRATION, and without it (then only STS's ExpiredToken tells).
    for prelude in ["", "unset AWS_CREDENTIAL_EXPIRATION"] {
        let calls = sts.calls("GetCallerIdentity");
        let out = status_after_eval(
            &env,
            &sts.url(),
            &statements,
            prelude,
            &["--format", "json"],
        );
        assert_exit(&out, 10);
        assert_eq!(sts.calls("GetCallerIdentity"), calls + 1);
        assert_eq!(sts.requests().last().unwrap().result, "ExpiredToken");
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(doc["state"], "expired", "{prelude}: {doc}");
        assert!(doc["identity"].is_null());
        assert!(
            doc["identity_error"].as_str().unwrap().contains("expired"),
            "{doc}"
        );
        assert_no_secret(&out, &issued_secrets(&issued));
    }
}

#[test]
fn status_without_credentials_exits_11() {
    let sts = lenient_sts();
    let env = Env::new();
    let out = status_after_eval(&env, &sts.url(), "", "", &[]);
    assert_exit(&out, 11);
    assert!(
        stdout(&out).contains("credentials: none"),
        "{}",
        stdout(&out)
    );
    assert_eq!(sts.requests().len(), 0, "nothing to call with");
    let out = status_after_eval(&env, &sts.url(), "", "", &["--format", "json"]);
    assert_exit(&out, 11);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["credentials"], "none");
    assert_eq!(doc["state"], "none");
}

#[test]
fn status_with_long_term_keys_only_exits_11() {
    let sts = lenient_sts();
    let env = Env::new();
    let alice = User::alice();
    let statements = format!(
        "export AWS_ACCESS_KEY_ID='{}' AWS_SECRET_ACCESS_KEY='{}'",
        alice.access_key_id, alice.secret_access_key
    );
    let out = status_after_eval(&env, &sts.url(), &statements, "", &["--format", "json"]);
    assert_exit(&out, 11);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["credentials"], "long-term");
    assert_eq!(doc["state"], "none");
    assert_eq!(doc["identity"]["arn"], alice.arn().as_str());
    assert_no_secret(&out, &[&alice.secret_access_key, &alice.access_key_id]);
    let out = status_after_eval(&env, &sts.url(), &statements, "", &[]);
    assert_exit(&out, 11);
    assert!(
        stdout(&out).contains("credentials: long-term"),
        "{}",
        stdout(&out)
    );
    assert_no_secret(&out, &[&alice.secret_access_key, &alice.access_key_id]);
}

#[test]
fn status_call_failure_exits_12() {
    let sts = lenient_sts();
    let env = Env::new();
    let (statements, issued) = exported(&env, &sts, None);
    sts.push_error(500, "InternalFailure", "The request processing has failed.");
    let out = status_after_eval(&env, &sts.url(), &statements, "", &[]);
    assert_exit(&out, 12);
    assert!(
        stdout(&out).contains("identity: check failed"),
        "{}",
        stdout(&out)
    );
    assert_no_secret(&out, &issued_secrets(&issued));

    // Unreachable: a port nobody listens on.
    let port = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    let url = format!("http://127.0.0.1:{port}");
    let started = Instant::now();
    let out = status_after_eval(
        &env,
        &url,
        &statements,
        "",
        &["--format", "json", "--timeout", "3"],
    );
    assert_exit(&out, 12);
    assert!(started.elapsed() < Duration::from_secs(5));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(doc["state"], "valid");
    assert!(doc["identity_error"].is_string(), "{doc}");
    assert_no_secret(&out, &issued_secrets(&issued));
}

#[test]
fn status_offline_makes_no_call() {
    let sts = lenient_sts();
    let env = Env::new();
    let (statements, issued) = exported(&env, &sts, None);
    let requests = sts.requests().len();
    let out = status_after_eval(&env, &sts.url(), &statements, "", &["--offline"]);
    assert_exit(&out, 0);
    assert!(!stdout(&out).contains("identity:"), "{}", stdout(&out));
    assert_no_secret(&out, &issued_secrets(&issued));
    let (expiring, issued) = exported(&env, &sts, Some(ending_in(300, "OFFLINE")));
    let requests = requests + 1;
    let out = status_after_eval(
        &env,
        &sts.url(),
        &expiring,
        "",
        &["--offline", "--format", "json"],
    );
    assert_exit(&out, 10);
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(
        doc["identity"].is_null() && doc["identity_error"].is_null(),
        "{doc}"
    );
    assert_no_secret(&out, &issued_secrets(&issued));
    let out = status_after_eval(&env, &sts.url(), "", "", &["--offline"]);
    assert_exit(&out, 11);
    assert_eq!(sts.requests().len(), requests, "no call with --offline");
    assert_eq!(sts.calls("GetCallerIdentity"), 0);
}

// ------------------------------------------------------------------------------------------------- no socket

/// A TCP proxy in front of `target` that counts the connections it accepts (nonblocking accept loop).
struct CountingProxy {
    port: u16,
    accepted: std::sync::Arc<std::sync::atomic::AtomicUsize>,
    stop: std::sync::Arc<std::sync::atomic::AtomicBool>,
}

impl CountingProxy {
    fn start(target: u16) -> CountingProxy {
        use std::sync::atomic::{AtomicBool, AtomicUsize, Ordering};
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        listener.set_nonblocking(true).unwrap();
        let port = listener.local_addr().unwrap().port();
        let accepted = std::sync::Arc::new(AtomicUsize::new(0));
        let stop = std::sync::Arc::new(AtomicBool::new(false));
        let (a, st) = (accepted.clone(), stop.clone());
        std::thread::spawn(move || {
            while !st.load(Ordering::SeqCst) {
                match listener.accept() {
                    Ok((client, _)) => {
                        a.fetch_add(1, Ordering::SeqCst);
                        client.set_nonblocking(false).unwrap();
                        let Ok(server) = std::net::TcpStream::connect(("127.0.0.1", target)) else {
                            continue;
                        };
                        let (mut c2, mut s2) =
                            (client.try_clone().unwrap(), server.try_clone().unwrap());
                        let (mut c1, mut s1) = (client, server);
                        std::thread::spawn(move || {
                            let _ = std::io::copy(&mut c1, &mut s1);
                            let _ = s1.shutdown(std::net::Shutdown::Write);
                        });
                        std::thread::spawn(move || {
                            let _ = std::io::copy(&mut s2, &mut c2);
                            let _ = c2.shutdown(std::net::Shutdown::Write);
                        });
                    }
                    Err(_) => std::thread::sleep(Duration::from_millis(1)),
                }
            }
        });
        CountingProxy {
            port,
            accepted,
            stop,
        }
    }

    fn url(&self) -> String {
        format!("http://127.0.0.1:{}", self.port)
    }

    fn accepted(&self) -> usize {
        // Give a connection made just now time to be accepted.
        std::thread::sleep(Duration::from_millis(20));
        self.accepted.load(std::sync::atomic::Ordering::SeqCst)
    }
}

impl Drop for CountingProxy {
    fn drop(&mut self) {
        self.stop.store(true, std::sync::atomic::Ordering::SeqCst);
    }
}

#[test]
fn a_cache_hit_opens_no_socket() {
    let sts = lenient_sts();
    let env = Env::new();
    // The endpoint is part of the cache key, so both runs go to the proxy's URL.
    let proxy = CountingProxy::start(sts.port());
    let out = run(env.export(&proxy.url()).args(["--token-code", CODE]));
    assert_exit(&out, 0);
    assert_eq!(sts.calls("GetSessionToken"), 1);
    let first = proxy.accepted();
    assert!(first >= 1, "the proxy counts the exchange's connection");
    let out = run(&mut env.export_no_tty(&proxy.url()));
    assert_exit(&out, 0);
    assert!(
        stderr(&out).contains("reusing the cached session"),
        "{}",
        stderr(&out)
    );
    assert_eq!(proxy.accepted(), first, "no connection on a hit");
    assert_eq!(sts.requests().len(), 1);
}
