//! Real-shell round trips: what awsmfa prints is evaluated by the real shell (rc files off) and every
//! variable is read back byte for byte, through the environment of a child process (`env -0`), so a
//! variable that is set but not exported counts as missing.
//!
//! - render layer × hostile corpus × bash, zsh, dash, mksh, busybox sh, fish, elvish (one interpreter start
//!   per shell per corpus);
//! - the awsmfa binary against the fake STS handing out hostile credentials, for every `--shell`;
//! - cmd through Wine's cmd (`set "NAME=value"` files, read back with `set PREFIX > file`);
//! - PowerShell through tests/tools/ps_decode.py (a decoder of the verbatim-string rule) plus a
//!   tree-sitter-powershell syntax check;
//! - the same variable names in the same order in every format;
//! - values a format cannot hold (cmd: empty, non-ASCII, NUL, CR, LF, `"`, `%`, `!`; PowerShell: empty,
//!   NUL, CR, LF; every format: NUL) are refused with `Kind::UnsafeValue` (exit 7, nothing on stdout).
//!
//! A missing shell, Wine, Python or tree-sitter is skipped (fails under AWSMFA_TEST_REQUIRE_ALL=1).

mod common;

use awsmfa::error::Kind;
use awsmfa::render::{self, Op, Shell};
use awsmfa::secret::Secret;
use awsmfa::session::Session;
use common::{Sandbox, need, python, skip, tool};
use fake_sts::{FakeSts, IssuedOverride, User};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

// ------------------------------------------------------------------------------------------------ corpus

/// The shared hostile corpus plus values that probe particular shells' parsers.
fn corpus() -> Vec<String> {
    let mut v = common::hostile_values();
    for extra in [
        // fish: a value that looks like an option of `set` (it must stay an argument).
        "-e",
        "--erase",
        "-gx",
        // tildes, which some shells expand at the start of a word or after `:` in assignments.
        "~",
        "~root",
        "a:~/b",
        // characters fish uses internally (private-use bytes, noncharacters) and other odd Unicode.
        "\u{F600}\u{F6FF}",
        "\u{FDD0}\u{FFFE}",
        "\u{FEFF}bom",
        "nbsp\u{A0}ls\u{2028}ps\u{2029}nel\u{85}",
        // elvish / PowerShell: doubled quotes at the ends.
        "''''",
        "'\u{2019}",
        // a long value of every quote kind
        &"'\"`\\$\u{2018}\u{2019}\u{201A}\u{201B}".repeat(200),
    ] {
        v.push(extra.to_string());
    }
    v
}

/// Values that begin with `=`: zsh's EQUALS option expands an unquoted word `=cmd` to the path of `cmd`.
fn equals_values() -> Vec<String> {
    [
        "=",
        "==",
        "=ls",
        "=sh",
        "=no-such-command-awsmfa",
        "=/x",
        "a=b",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

/// `AWSMFA_T<prefix><i>` for each value, leaked so they fit `Op::Set(&'static str, _)`.
fn names(prefix: &str, n: usize) -> Vec<&'static str> {
    (0..n)
        .map(|i| &*Box::leak(format!("AWSMFA_T{prefix}{i:03}").into_boxed_str()))
        .collect()
}

fn set_ops<'a>(names: &[&'static str], values: &'a [String]) -> Vec<Op<'a>> {
    names
        .iter()
        .zip(values)
        .map(|(n, v)| Op::Set(n, v.as_str()))
        .collect()
}

/// The real variable names the binary sets, used for one batch of the render corpus too.
const REAL_NAMES: [&str; 6] = [
    render::ACCESS_KEY_ID,
    render::SECRET_ACCESS_KEY,
    render::SESSION_TOKEN,
    render::CREDENTIAL_EXPIRATION,
    render::REGION,
    render::DEFAULT_REGION,
];

fn real_name_values() -> Vec<String> {
    [
        "ASIA'$(echo pwned)`id`",
        "trailing\\",
        "line1\nline2\r\n",
        "\u{2018}'\u{2019}\"\u{201A}\u{201B}",
        "",
        "^ & | < > ( ) ; %PATH% !x!",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect()
}

// ------------------------------------------------------------------------------------------------ shells

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Dialect {
    Posix,
    Fish,
    Elvish,
}

/// A real shell: how to start it with rc files off, and which `--shell` output it reads.
#[derive(Clone, Copy, Debug)]
struct RealShell {
    label: &'static str,
    program: &'static str,
    /// Arguments before `-c SCRIPT`.
    flags: &'static [&'static str],
    dialect: Dialect,
    render_as: Shell,
}

const SHELLS: [RealShell; 7] = [
    RealShell {
        label: "bash",
        program: "bash",
        flags: &["--norc", "--noprofile"],
        dialect: Dialect::Posix,
        render_as: Shell::Bash,
    },
    RealShell {
        label: "zsh",
        program: "zsh",
        flags: &["-f"],
        dialect: Dialect::Posix,
        render_as: Shell::Zsh,
    },
    RealShell {
        label: "dash",
        program: "dash",
        flags: &[],
        dialect: Dialect::Posix,
        render_as: Shell::Sh,
    },
    RealShell {
        label: "mksh",
        program: "mksh",
        flags: &[],
        dialect: Dialect::Posix,
        render_as: Shell::Sh,
    },
    RealShell {
        label: "busybox sh",
        program: "busybox",
        flags: &["sh"],
        dialect: Dialect::Posix,
        render_as: Shell::Sh,
    },
    RealShell {
        label: "fish",
        program: "fish",
        flags: &["--no-config"],
        dialect: Dialect::Fish,
        render_as: Shell::Fish,
    },
    RealShell {
        label: "elvish",
        program: "elvish",
        flags: &["-norc"],
        dialect: Dialect::Elvish,
        render_as: Shell::Elvish,
    },
];

/// Applies the statements the way the README tells users to (`eval "$(awsmfa)"`, `awsmfa | source`,
/// `eval (awsmfa | slurp)`), then replaces the shell with `env -0 > OUT`. Arguments: statements file,
/// env program, output file.
fn apply_script(dialect: Dialect) -> &'static str {
    match dialect {
        Dialect::Posix => "eval \"$(cat \"$1\")\" || exit 97\nexec \"$2\" -0 > \"$3\"\n",
        Dialect::Fish => "cat $argv[1] | source; or exit 97\nexec $argv[2] -0 > $argv[3]\n",
        Dialect::Elvish => "eval (slurp < $args[0])\n(external $args[1]) -0 > $args[2]\n",
    }
}

fn env_program() -> PathBuf {
    common::which("env").expect("env (coreutils) on PATH")
}

/// The environment a shell's child saw after applying `statements`: name → value bytes.
///
/// Err when the shell exits non-zero or writes anything on stderr (or stdout).
fn apply_in(
    sh: &RealShell,
    statements: &str,
    preset: &[(&str, &str)],
) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let dir = tempfile::tempdir().unwrap();
    let stmts = dir.path().join("statements");
    let out = dir.path().join("env.bin");
    std::fs::write(&stmts, statements).unwrap();
    let mut cmd = Command::new(sh.program);
    cmd.args(sh.flags).arg("-c").arg(apply_script(sh.dialect));
    if sh.dialect == Dialect::Posix {
        cmd.arg(sh.program); // $0
    }
    cmd.arg(&stmts)
        .arg(env_program())
        .arg(&out)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("LANG", "C.UTF-8")
        .current_dir(dir.path())
        .stdin(Stdio::null());
    for (k, v) in preset {
        cmd.env(k, v);
    }
    let o = cmd.output().map_err(|e| format!("cannot start: {e}"))?;
    if !o.status.success() || !o.stderr.is_empty() || !o.stdout.is_empty() {
        return Err(format!(
            "{} exited {:?}; stdout {:?}; stderr {:?}",
            sh.label,
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ));
    }
    Ok(parse_env0(&std::fs::read(&out).unwrap()))
}

fn parse_env0(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    bytes
        .split(|b| *b == 0)
        .filter(|e| !e.is_empty())
        .filter_map(|e| {
            let eq = e.iter().position(|b| *b == b'=')?;
            Some((
                String::from_utf8_lossy(&e[..eq]).into_owned(),
                e[eq + 1..].to_vec(),
            ))
        })
        .collect()
}

/// Compares `expected` (name → value, `None` = must be absent) with what came back; one line per
/// difference, prefixed with `who`.
fn compare(
    who: &str,
    expected: &[(&str, Option<&str>)],
    got: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, want) in expected {
        let have = got.get(*name).map(|v| v.as_slice());
        if have != want.map(str::as_bytes) {
            problems.push(format!(
                "{who}: {name}: expected {:?}, read back {:?}",
                want,
                have.map(String::from_utf8_lossy)
            ));
        }
    }
    problems
}

fn assert_no_problems(problems: Vec<String>) {
    assert!(
        problems.is_empty(),
        "{} problem(s):\n{}",
        problems.len(),
        problems.join("\n")
    );
}

// ------------------------------------------------------------------------------------------------ 1. render × real shells

#[test]
fn harness_reads_only_exported_variables_and_catches_stderr() {
    // The dump goes through a child's environment: a shell variable that is not exported reads back
    // as absent, and a statement that writes to stderr or fails makes the run an error.
    for sh in &SHELLS {
        if !need(sh.program, &format!("{} round trips", sh.label)) {
            continue;
        }
        let (local, noisy, failing) = match sh.dialect {
            Dialect::Posix => ("AWSMFA_CTRL=1\n", "echo oops >&2\n", "false\n"),
            Dialect::Fish => ("set -g AWSMFA_CTRL 1\n", "echo oops >&2\n", "false\n"),
            Dialect::Elvish => ("var AWSMFA_CTRL = 1\n", "echo oops >&2\n", "fail oops\n"),
        };
        let env = apply_in(sh, local, &[("AWSMFA_PRESET", "p")]).unwrap();
        assert_eq!(env.get("AWSMFA_CTRL"), None, "{}", sh.label);
        assert_eq!(env.get("AWSMFA_PRESET").map(Vec::as_slice), Some(&b"p"[..]));
        assert!(apply_in(sh, noisy, &[]).is_err(), "{}", sh.label);
        assert!(apply_in(sh, failing, &[]).is_err(), "{}", sh.label);
    }
}

#[test]
fn every_shell_reads_back_the_hostile_corpus_byte_for_byte() {
    let values = corpus();
    let names = names("", values.len());
    let real_values = real_name_values();
    let mut ops = set_ops(&names, &values);
    for (n, v) in REAL_NAMES.iter().zip(&real_values) {
        ops.push(Op::Set(n, v));
    }
    let mut expected: Vec<(&str, Option<&str>)> = names
        .iter()
        .zip(&values)
        .map(|(n, v)| (*n, Some(v.as_str())))
        .collect();
    expected.extend(
        REAL_NAMES
            .iter()
            .zip(&real_values)
            .map(|(n, v)| (*n, Some(v.as_str()))),
    );

    let mut problems = Vec::new();
    let mut ran = 0;
    for sh in &SHELLS {
        if !need(sh.program, &format!("{} round trips", sh.label)) {
            continue;
        }
        let text = render::render_ops(sh.render_as, &ops).expect("no NUL in the corpus");
        match apply_in(sh, &text, &[]) {
            Ok(env) => problems.extend(compare(sh.label, &expected, &env)),
            Err(e) => problems.push(e),
        }
        ran += 1;
    }
    assert_no_problems(problems);
    eprintln!("{ran} shells checked");
}

#[test]
fn values_starting_with_an_equals_sign_read_back_in_every_shell() {
    // zsh (EQUALS, on by default and under -f) turns an unquoted `=ls` into `/usr/bin/ls`, and fails with
    // "not found" for `=no-such-command`; shell-escape leaves `=`-words unquoted, so the POSIX quoter
    // single-quotes a bare word that starts with `=` (and only such a word: `a=b` stays bare).
    let values = equals_values();
    for v in &values {
        let want = if v.starts_with('=') {
            format!("'{v}'")
        } else {
            v.clone()
        };
        assert_eq!(render::posix::quote(v).unwrap(), want, "{v:?}");
    }
    // Across the corpus, no value is left as a bare word starting with `=`.
    for v in corpus() {
        let q = render::posix::quote(&v).unwrap();
        assert!(!q.starts_with('='), "{v:?} quoted as {q:?}");
    }
    let names = names("EQ", values.len());
    let ops = set_ops(&names, &values);
    let expected: Vec<(&str, Option<&str>)> = names
        .iter()
        .zip(&values)
        .map(|(n, v)| (*n, Some(v.as_str())))
        .collect();
    let mut problems = Vec::new();
    for sh in &SHELLS {
        if !need(sh.program, &format!("{} round trips", sh.label)) {
            continue;
        }
        // One value per run, so one failing value does not hide the others.
        for (op, exp) in ops.iter().zip(&expected) {
            let text = render::render_ops(sh.render_as, std::slice::from_ref(op)).unwrap();
            match apply_in(sh, &text, &[]) {
                Ok(env) => problems.extend(compare(
                    &format!("{} (statement {:?})", sh.label, text.trim_end()),
                    std::slice::from_ref(exp),
                    &env,
                )),
                Err(e) => problems.push(format!("statement {:?}: {e}", text.trim_end())),
            }
        }
    }
    assert_no_problems(problems);
}

#[test]
fn unset_statements_remove_the_variables_from_the_environment() {
    let hostile = real_name_values();
    let mut expected: Vec<(&str, Option<&str>)> =
        render::MANAGED.iter().map(|n| (*n, None)).collect();
    // A variable awsmfa does not manage survives --unset.
    expected.push((render::REGION, Some("eu-west-1")));
    // Also variables that came in through the environment (exported by the parent).
    let preset: Vec<(&str, &str)> = render::MANAGED
        .iter()
        .map(|n| (*n, "from-the-parent"))
        .chain([(render::REGION, "eu-west-1")])
        .collect();

    let mut problems = Vec::new();
    for sh in &SHELLS {
        if !need(sh.program, &format!("{} round trips", sh.label)) {
            continue;
        }
        // Set every managed variable in the shell first, then apply --unset.
        let set: Vec<Op> = render::MANAGED
            .iter()
            .zip(hostile.iter().cycle())
            .map(|(n, v)| Op::Set(n, v.as_str()))
            .collect();
        let mut text = render::render_ops(sh.render_as, &set).unwrap();
        text.push_str(&render::unset(sh.render_as).unwrap());
        match apply_in(sh, &text, &preset) {
            Ok(env) => problems.extend(compare(sh.label, &expected, &env)),
            Err(e) => problems.push(e),
        }
        // --unset when nothing is set is quiet too (empty stderr, exit 0).
        if let Err(e) = apply_in(sh, &render::unset(sh.render_as).unwrap(), &[]) {
            problems.push(format!("unset with nothing set: {e}"));
        }
    }
    assert_no_problems(problems);
}

#[test]
fn export_removes_the_legacy_security_token_and_keeps_the_rest() {
    let session = Session {
        access_key_id: "ASIAEXAMPLE".into(),
        secret_access_key: Secret::new("s'\\"),
        session_token: Secret::new("t\n"),
        expiration: "2030-01-02T03:04:05Z".into(),
    };
    let expected = [
        (render::ACCESS_KEY_ID, Some("ASIAEXAMPLE")),
        (render::SECRET_ACCESS_KEY, Some("s'\\")),
        (render::SESSION_TOKEN, Some("t\n")),
        (render::CREDENTIAL_EXPIRATION, Some("2030-01-02T03:04:05Z")),
        (render::REGION, Some("eu-west-1")),
        (render::DEFAULT_REGION, Some("eu-west-1")),
        (render::SECURITY_TOKEN, None),
    ];
    let mut problems = Vec::new();
    for sh in &SHELLS {
        if !need(sh.program, &format!("{} round trips", sh.label)) {
            continue;
        }
        let text = render::export(sh.render_as, &session, Some("eu-west-1")).unwrap();
        // With a stale legacy token in the environment, and without one (the usual case: removing an
        // absent variable must not make the statements fail).
        for preset in [&[(render::SECURITY_TOKEN, "stale")][..], &[]] {
            match apply_in(sh, &text, preset) {
                Ok(env) => problems.extend(compare(sh.label, &expected, &env)),
                Err(e) => problems.push(format!("preset {preset:?}: {e}")),
            }
        }
    }
    assert_no_problems(problems);
}

#[test]
fn nul_is_refused_for_every_format_with_exit_status_7() {
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Sh,
        Shell::Fish,
        Shell::Powershell,
        Shell::Cmd,
        Shell::Elvish,
        Shell::Env,
    ] {
        for v in ["\0", "a\0b", "trailing\0"] {
            let ops = [
                Op::Set(render::ACCESS_KEY_ID, "ASIAOK"),
                Op::Set(render::SESSION_TOKEN, v),
            ];
            let err = render::render_ops(shell, &ops).expect_err(&format!("{shell:?} {v:?}"));
            assert_eq!(err.kind, Kind::UnsafeValue, "{shell:?}: {}", err.message);
            assert_eq!(err.kind.exit_code(), 7);
            assert!(
                err.message.contains(render::SESSION_TOKEN),
                "{}",
                err.message
            );
            assert!(!err.message.contains('\0'));
        }
    }
}

// ------------------------------------------------------------------------------------------------ 5. names and order

/// The variable names of rendered statements, in order, with whether each is a set (true) or an unset.
fn statement_names(shell: Shell, text: &str) -> Vec<(String, bool)> {
    let lines: Vec<&str> = if shell == Shell::Cmd {
        assert!(text.ends_with("\r\n") && !text.replace("\r\n", "").contains('\n'));
        text.split_terminator("\r\n").collect()
    } else {
        assert!(!text.contains('\r'));
        text.split_terminator('\n').collect()
    };
    lines
        .iter()
        .map(|line| {
            let (set, rest) = match shell {
                Shell::Bash | Shell::Zsh | Shell::Sh => match line.strip_prefix("export ") {
                    Some(r) => (true, r.split('=').next()),
                    None => (false, line.strip_prefix("unset ")),
                },
                Shell::Fish => match line.strip_prefix("set -gx ") {
                    Some(r) => (true, r.split(' ').next()),
                    // `set -e NAME; or true`: status 0 even when NAME is absent.
                    None => (
                        false,
                        line.strip_prefix("set -e ")
                            .and_then(|r| r.strip_suffix("; or true")),
                    ),
                },
                Shell::Elvish => match line.strip_prefix("set-env ") {
                    Some(r) => (true, r.split(' ').next()),
                    None => (false, line.strip_prefix("unset-env ")),
                },
                Shell::Powershell => match line.strip_prefix("$env:") {
                    Some(r) => (true, r.split(' ').next()),
                    None => (
                        false,
                        line.strip_prefix("Remove-Item -LiteralPath Env:")
                            .and_then(|r| r.strip_suffix(" -ErrorAction SilentlyContinue")),
                    ),
                },
                Shell::Cmd => {
                    let r = line.strip_prefix("set \"").expect(line);
                    let (name, value) = r.split_once('=').expect(line);
                    (value != "\"", Some(name))
                }
                Shell::Env => (true, line.split('=').next()),
                Shell::Json => unreachable!(),
            };
            (rest.expect(line).to_string(), set)
        })
        .collect()
}

#[test]
fn every_format_names_the_same_variables_in_the_same_order() {
    let session = Session {
        access_key_id: "ASIAEXAMPLE".into(),
        secret_access_key: Secret::new("secret"),
        session_token: Secret::new("token"),
        expiration: "2030-01-02T03:04:05Z".into(),
    };
    let with_region: Vec<(String, bool)> = [
        (render::ACCESS_KEY_ID, true),
        (render::SECRET_ACCESS_KEY, true),
        (render::SESSION_TOKEN, true),
        (render::CREDENTIAL_EXPIRATION, true),
        (render::REGION, true),
        (render::DEFAULT_REGION, true),
        (render::SECURITY_TOKEN, false),
    ]
    .iter()
    .map(|(n, s)| (n.to_string(), *s))
    .collect();
    let without_region: Vec<(String, bool)> = with_region
        .iter()
        .filter(|(n, _)| n != render::REGION && n != render::DEFAULT_REGION)
        .cloned()
        .collect();
    let unset: Vec<(String, bool)> = render::MANAGED
        .iter()
        .map(|n| (n.to_string(), false))
        .collect();
    for shell in [
        Shell::Bash,
        Shell::Zsh,
        Shell::Sh,
        Shell::Fish,
        Shell::Powershell,
        Shell::Cmd,
        Shell::Elvish,
        Shell::Env,
    ] {
        for (region, want) in [(Some("eu-west-1"), &with_region), (None, &without_region)] {
            let text = render::export(shell, &session, region).unwrap();
            let got = statement_names(shell, &text);
            let want: Vec<(String, bool)> = if shell == Shell::Env {
                // A NAME=value list has no way to remove a variable: the removals are left out.
                want.iter().filter(|(_, set)| *set).cloned().collect()
            } else {
                want.clone()
            };
            assert_eq!(got, want, "{shell:?} region {region:?}:\n{text}");
        }
        if shell != Shell::Env {
            let text = render::unset(shell).unwrap();
            assert_eq!(statement_names(shell, &text), unset, "{shell:?} --unset");
        }
    }
    // json carries the same three secrets and the expiration, under credential_process names.
    let doc: serde_json::Value =
        serde_json::from_str(&render::export(Shell::Json, &session, None).unwrap()).unwrap();
    assert_eq!(doc["Version"], 1);
    assert_eq!(doc["AccessKeyId"], "ASIAEXAMPLE");
    assert_eq!(doc["SecretAccessKey"], "secret");
    assert_eq!(doc["SessionToken"], "token");
    assert_eq!(doc["Expiration"], "2030-01-02T03:04:05Z");
}

// ------------------------------------------------------------------------------------------------ 3. cmd via Wine

/// Characters the cmd quoter must refuse (shared/DESIGN.md §2).
const CMD_REFUSED: [char; 7] = ['\0', '\r', '\n', '\u{1A}', '"', '%', '!'];

/// The cmd rule (`render::cmd::quote`): refused are the empty string (`set "NAME="` removes the
/// variable), any non-ASCII character (cmd reads batch files in the OEM code page, see
/// [`WINE_DEFAULT_LOCALE`]), and the characters in [`CMD_REFUSED`].
fn cmd_refuses(v: &str) -> bool {
    v.is_empty() || !v.is_ascii() || v.contains(CMD_REFUSED)
}

/// Wine's code page selection follows LANG. `hi_IN` is a Windows locale without an ANSI code page, for
/// which Wine uses UTF-8 as both the ANSI and the OEM code page — the setting that matches a real cmd.exe
/// after `chcp 65001`. With the default en-US locale Wine's cmd decodes a batch file in OEM 437 and writes
/// redirected output in ANSI 1252, so a UTF-8 `é` (C3 A9) is read as `├⌐` and written back as `+¬`.
/// (`chcp 65001` does not help under Wine: without a console `chcp` answers "Invalid code page", and
/// Wine's cmd decodes batch files with GetOEMCP() regardless of the console code page.)
///
/// A real cmd.exe whose console code page is 437/850/1252 mangles non-ASCII the same way, so the cmd
/// quoter refuses non-ASCII values (real credentials are ASCII); ASCII reads back under either setting.
const WINE_UTF8_LOCALE: &str = "hi_IN.UTF-8";
const WINE_DEFAULT_LOCALE: &str = "C.UTF-8";

/// Runs `body` (CRLF lines) as a .cmd file under Wine's cmd with `@echo off` first and, last,
/// `>awsmfa-dump.txt set PREFIX`; returns the `NAME=value` lines of the dump.
///
/// Err when cmd exits non-zero or prints anything.
fn run_in_wine_cmd(
    prefix: &Path,
    dir: &Path,
    body: &str,
    dump_prefix: &str,
    locale: &str,
) -> Result<BTreeMap<String, Vec<u8>>, String> {
    let script = format!("@echo off\r\n{body}>awsmfa-dump.txt set {dump_prefix}\r\n");
    std::fs::write(dir.join("apply.cmd"), script).unwrap();
    let out = Command::new("wine")
        .args(["cmd", "/c", "apply.cmd"])
        .current_dir(dir)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", std::env::var_os("HOME").unwrap_or_default())
        .env("WINEPREFIX", prefix)
        .env("WINEDEBUG", "-all")
        .env("LANG", locale)
        .env("LC_ALL", locale)
        .stdin(Stdio::null())
        .output()
        .expect("wine runs");
    if !out.status.success() || !out.stdout.is_empty() || !out.stderr.is_empty() {
        return Err(format!(
            "wine cmd exited {:?}; stdout {:?}; stderr {:?}",
            out.status.code(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let dump = std::fs::read(dir.join("awsmfa-dump.txt")).map_err(|e| format!("no dump: {e}"))?;
    Ok(dump
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter(|l| !l.is_empty())
        .filter_map(|l| {
            let eq = l.iter().position(|b| *b == b'=')?;
            Some((
                String::from_utf8_lossy(&l[..eq]).into_owned(),
                l[eq + 1..].to_vec(),
            ))
        })
        .collect())
}

#[test]
fn cmd_refuses_exactly_empty_non_ascii_nul_cr_lf_quote_percent_and_bang() {
    let mut values = corpus();
    values.extend(
        [
            "a\0b", "%", "!", "\"", // the refused characters alone
            "\u{7f}", "~", " ", // the top and bottom of printable ASCII, DEL: accepted
            "\u{80}", "\u{a0}", "é", "x\u{ff}", "\u{FFFD}", // just past ASCII: refused
        ]
        .map(String::from),
    );
    for v in &values {
        let refused = cmd_refuses(v);
        assert_eq!(render::cmd::quote(v).is_err(), refused, "{v:?}");
        let rendered = render::render_ops(Shell::Cmd, &[Op::Set(render::SESSION_TOKEN, v)]);
        match rendered {
            Err(e) => {
                assert!(refused, "{v:?} refused: {}", e.message);
                assert_eq!(e.kind, Kind::UnsafeValue);
            }
            Ok(text) => {
                assert!(!refused, "{v:?} accepted: {text:?}");
                assert_eq!(text, format!("set \"{}={v}\"\r\n", render::SESSION_TOKEN));
            }
        }
    }
    // The corpus really exercises every refused character, the empty value, values refused for being
    // non-ASCII alone, and accepted values.
    for c in &CMD_REFUSED[1..] {
        assert!(corpus().iter().any(|v| v.contains(*c)), "{c:?}");
    }
    assert!(corpus().iter().any(String::is_empty));
    assert!(
        corpus()
            .iter()
            .any(|v| !v.is_ascii() && !v.contains(CMD_REFUSED))
    );
    assert!(corpus().iter().any(|v| !cmd_refuses(v)));
}

#[test]
fn cmd_reads_back_every_accepted_value_under_wine() {
    let Some(prefix) = common::wine_prefix() else {
        return;
    };
    let accepted: Vec<String> = corpus().into_iter().filter(|v| !cmd_refuses(v)).collect();
    assert!(!accepted.is_empty());
    assert!(accepted.iter().all(|v| v.is_ascii() && !v.is_empty()));

    let mut problems = Vec::new();
    // Under Wine's default code pages (OEM 437 in, ANSI 1252 out), and under a UTF-8 code page (see
    // WINE_UTF8_LOCALE): accepted values are ASCII, so both read them back unchanged.
    for (locale, tag) in [(WINE_DEFAULT_LOCALE, "A"), (WINE_UTF8_LOCALE, "B")] {
        let names = names(tag, accepted.len());
        let mut ops = set_ops(&names, &accepted);
        // Why the empty value is refused: `set "NAME="`, the line it would give, removes the variable.
        let empty_name: &'static str = Box::leak(format!("AWSMFA_T{tag}EMPTY").into_boxed_str());
        ops.push(Op::Set(empty_name, "was-set"));
        ops.push(Op::Unset(empty_name));
        let body = render::render_ops(Shell::Cmd, &ops).unwrap();
        assert!(
            body.ends_with(&format!("set \"{empty_name}=\"\r\n")),
            "{body}"
        );
        let dir = tempfile::tempdir().unwrap();
        match run_in_wine_cmd(&prefix, dir.path(), &body, "AWSMFA_T", locale) {
            Ok(env) => {
                let mut expected: Vec<(&str, Option<&str>)> = names
                    .iter()
                    .zip(accepted.iter())
                    .map(|(n, v)| (*n, Some(v.as_str())))
                    .collect();
                expected.push((empty_name, None));
                problems.extend(compare(&format!("wine cmd ({locale})"), &expected, &env));
                let extra: Vec<&String> = env
                    .keys()
                    .filter(|k| !expected.iter().any(|(n, _)| n == k))
                    .collect();
                if !extra.is_empty() {
                    problems.push(format!("unexpected variables: {extra:?}"));
                }
            }
            Err(e) => problems.push(format!("{locale}: {e}")),
        }
        let files: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .filter(|f| f != "apply.cmd" && f != "awsmfa-dump.txt")
            .collect();
        if !files.is_empty() {
            problems.push(format!("{locale}: cmd created files {files:?}"));
        }
    }
    // The empty value itself is refused, not rendered as a removal.
    let err = render::render_ops(Shell::Cmd, &[Op::Set(render::SESSION_TOKEN, "")])
        .expect_err("empty value for cmd");
    assert_eq!(err.kind, Kind::UnsafeValue, "{}", err.message);
    assert_no_problems(problems);
}

#[test]
fn cmd_refuses_non_ascii_values_which_wine_would_mangle() {
    // Non-ASCII values that hold none of cmd's other refused characters: refused for non-ASCII alone.
    let non_ascii: Vec<String> = corpus()
        .into_iter()
        .filter(|v| !v.is_ascii() && !v.contains(CMD_REFUSED))
        .collect();
    assert!(non_ascii.len() >= 3, "{non_ascii:?}");
    for v in &non_ascii {
        assert!(render::cmd::quote(v).is_err(), "{v:?}");
        let err = render::render_ops(
            Shell::Cmd,
            &[
                Op::Set(render::ACCESS_KEY_ID, "ASIAOK"),
                Op::Set(render::SESSION_TOKEN, v),
            ],
        )
        .expect_err(v);
        assert_eq!(err.kind, Kind::UnsafeValue, "{v:?}: {}", err.message);
        assert_eq!(err.kind.exit_code(), 7);
        assert!(
            err.message.contains(render::SESSION_TOKEN),
            "{}",
            err.message
        );
    }

    // Why: written as `set "NAME=value"` anyway, they come back altered under Wine's default code pages.
    let Some(prefix) = common::wine_prefix() else {
        return;
    };
    let names = names("U", non_ascii.len());
    let body: String = names
        .iter()
        .zip(&non_ascii)
        .map(|(n, v)| format!("set \"{n}={v}\"\r\n"))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    let env = run_in_wine_cmd(&prefix, dir.path(), &body, "AWSMFA_TU", WINE_DEFAULT_LOCALE)
        .unwrap_or_else(|e| panic!("{e}"));
    for (n, v) in names.iter().zip(&non_ascii) {
        assert_ne!(
            env.get(*n).map(Vec::as_slice),
            Some(v.as_bytes()),
            "{n} = {v:?} read back unchanged under the default code page"
        );
    }
}

#[test]
fn cmd_never_executes_metacharacters_inside_values() {
    let Some(prefix) = common::wine_prefix() else {
        return;
    };
    let values: Vec<String> = [
        "x & echo PWNED > pwned1.txt",
        "x && echo PWNED > pwned2.txt",
        "x | echo PWNED > pwned3.txt",
        "x || echo PWNED > pwned4.txt",
        "x ) & echo PWNED > pwned5.txt & (",
        "x ^& echo PWNED > pwned6.txt",
        "x > pwned7.txt",
        "x >> pwned8.txt",
        "x < nul & echo PWNED > pwned9.txt",
        "(echo PWNED > pwned10.txt)",
        "^",
        "x^",
        "& echo PWNED > pwned11.txt &",
        "\t& echo PWNED > pwned12.txt",
        "x : echo",
        "x & rem",
        "x & exit /b 3",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    for v in &values {
        assert!(!cmd_refuses(v), "{v:?}");
    }
    let names = names("P", values.len());
    let body = render::render_ops(Shell::Cmd, &set_ops(&names, &values)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let env = run_in_wine_cmd(&prefix, dir.path(), &body, "AWSMFA_T", WINE_DEFAULT_LOCALE)
        .unwrap_or_else(|e| panic!("{e}"));
    let expected: Vec<(&str, Option<&str>)> = names
        .iter()
        .zip(&values)
        .map(|(n, v)| (*n, Some(v.as_str())))
        .collect();
    assert_no_problems(compare("wine cmd", &expected, &env));
    let files: Vec<_> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(files.len(), 2, "cmd created files: {files:?}");
}

#[test]
fn cmd_unset_removes_the_variables_under_wine() {
    let Some(prefix) = common::wine_prefix() else {
        return;
    };
    let ops: Vec<Op> = render::MANAGED
        .iter()
        .map(|n| Op::Set(n, "ASIA^&|<>()x"))
        .chain([Op::Set(render::REGION, "eu-west-1")])
        .collect();
    let mut body = render::render_ops(Shell::Cmd, &ops).unwrap();
    body.push_str(&render::unset(Shell::Cmd).unwrap());
    // Removing what is not set is quiet too.
    body.push_str(&render::unset(Shell::Cmd).unwrap());
    let dir = tempfile::tempdir().unwrap();
    let env = run_in_wine_cmd(&prefix, dir.path(), &body, "AWS_", WINE_DEFAULT_LOCALE)
        .unwrap_or_else(|e| panic!("{e}"));
    let mut expected: Vec<(&str, Option<&str>)> =
        render::MANAGED.iter().map(|n| (*n, None)).collect();
    expected.push((render::REGION, Some("eu-west-1")));
    assert_no_problems(compare("wine cmd --unset", &expected, &env));
    assert_eq!(env.len(), 1, "{env:?}");
}

// ------------------------------------------------------------------------------------------------ 4. PowerShell model

/// The PowerShell rule (`render::powershell::quote`): refused are NUL, CR and LF (PowerShell's line capture
/// of a native command's output plus `Out-String` would rewrite them) and the empty string (before
/// PowerShell 7.5 `$env:X = ''` removes the variable).
fn ps_refuses(v: &str) -> bool {
    v.is_empty() || !v.is_ascii() || v.contains(['\0', '\r', '\n'])
}

/// The corpus split by [`ps_refuses`]: (accepted, refused).
fn ps_corpus() -> (Vec<String>, Vec<String>) {
    let (refused, accepted): (Vec<String>, Vec<String>) =
        corpus().into_iter().partition(|v| ps_refuses(v));
    (accepted, refused)
}

/// Python with tests/tools/ps_decode.py present; `syntax` also needs tree-sitter-powershell.
fn ps_decoder(with_syntax: bool) -> Option<(String, PathBuf)> {
    let py = python();
    if !need(&py, "PowerShell model (tests/tools/ps_decode.py)") {
        return None;
    }
    let script = tool("ps_decode.py");
    if !script.is_file() {
        skip(&format!("{} is missing", script.display()));
        return None;
    }
    if with_syntax {
        let ok = Command::new(&py)
            .args(["-c", "import tree_sitter, tree_sitter_powershell"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if !ok {
            skip(&format!(
                "tree-sitter-powershell is not importable by {py} (set AWSMFA_TEST_PYTHON to CI's venv)"
            ));
            return None;
        }
    }
    Some((py, script))
}

/// `ps_decode.py decode`: (set map, unset names, statement order).
type Decoded = (BTreeMap<String, String>, Vec<String>, Vec<String>);

fn ps_decode(py: &str, script: &Path, text: &str) -> Result<Decoded, String> {
    let out = common::pipe(Command::new(py).arg(script).arg("decode"), text.as_bytes());
    if !out.status.success() {
        return Err(format!(
            "ps_decode.py decode failed: {}",
            String::from_utf8_lossy(&out.stderr)
        ));
    }
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).map_err(|e| e.to_string())?;
    let set = doc["set"]
        .as_object()
        .unwrap()
        .iter()
        .map(|(k, v)| (k.clone(), v.as_str().unwrap().to_string()))
        .collect();
    let strings = |key: &str| -> Vec<String> {
        doc[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|v| v.as_str().unwrap().to_string())
            .collect()
    };
    Ok((set, strings("unset"), strings("order")))
}

fn ps_syntax(py: &str, script: &Path, text: &str) -> Result<(), String> {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("out.ps1");
    std::fs::write(&file, text).unwrap();
    let out = Command::new(py)
        .arg(script)
        .arg("syntax")
        .arg(&file)
        .output()
        .unwrap();
    if out.status.success() {
        Ok(())
    } else {
        Err(format!(
            "tree-sitter-powershell: {}",
            String::from_utf8_lossy(&out.stderr)
        ))
    }
}

#[test]
fn powershell_refuses_exactly_empty_nul_cr_and_lf() {
    let mut values = corpus();
    values.extend(["a\0b", "\r", "a\rb", "\r\n", "x\n"].map(String::from));
    for v in &values {
        let refused = ps_refuses(v);
        assert_eq!(render::powershell::quote(v).is_err(), refused, "{v:?}");
        let rendered = render::render_ops(
            Shell::Powershell,
            &[
                Op::Set(render::ACCESS_KEY_ID, "ASIAOK"),
                Op::Set(render::SESSION_TOKEN, v),
            ],
        );
        match rendered {
            Err(e) => {
                assert!(refused, "{v:?} refused: {}", e.message);
                assert_eq!(e.kind, Kind::UnsafeValue, "{v:?}: {}", e.message);
                assert_eq!(e.kind.exit_code(), 7);
                assert!(e.message.contains(render::SESSION_TOKEN), "{}", e.message);
            }
            Ok(text) => assert!(!refused, "{v:?} accepted: {text:?}"),
        }
    }
    // The corpus exercises every refusal (a lone CR, a lone LF, the empty value) and has accepted values.
    let (accepted, refused) = ps_corpus();
    assert!(!accepted.is_empty());
    assert!(refused.iter().any(String::is_empty));
    assert!(
        refused
            .iter()
            .any(|v| v.contains('\r') && !v.contains('\n'))
    );
    assert!(
        refused
            .iter()
            .any(|v| v.contains('\n') && !v.contains('\r'))
    );
}

#[test]
fn powershell_model_decodes_the_hostile_corpus_exactly() {
    let Some((py, script)) = ps_decoder(false) else {
        return;
    };
    let (values, refused) = ps_corpus();
    let names = names("", values.len());
    let mut ops = set_ops(&names, &values);
    ops.push(Op::Unset(render::SECURITY_TOKEN));
    let text = render::render_ops(Shell::Powershell, &ops).unwrap();
    let (set, unset, order) = ps_decode(&py, &script, &text).unwrap_or_else(|e| panic!("{e}"));
    let mut problems = Vec::new();
    for (n, v) in names.iter().zip(&values) {
        if set.get(*n) != Some(v) {
            problems.push(format!("{n}: expected {v:?}, decoded {:?}", set.get(*n)));
        }
    }
    assert_no_problems(problems);
    assert_eq!(set.len(), values.len());
    assert_eq!(unset, [render::SECURITY_TOKEN]);
    let mut want_order: Vec<String> = names.iter().map(|n| n.to_string()).collect();
    want_order.push(render::SECURITY_TOKEN.into());
    assert_eq!(order, want_order);

    // The refused values: each one, even among accepted ones, makes the whole rendering an UnsafeValue
    // error (nothing is rendered).
    assert!(!refused.is_empty());
    for v in &refused {
        let mut ops = set_ops(&names, &values);
        ops.push(Op::Set(render::SESSION_TOKEN, v));
        let err = render::render_ops(Shell::Powershell, &ops).expect_err(v);
        assert_eq!(err.kind, Kind::UnsafeValue, "{v:?}: {}", err.message);
        assert!(
            err.message.contains(render::SESSION_TOKEN),
            "{}",
            err.message
        );
    }

    // The model can fail: POSIX quoting is not PowerShell quoting.
    let posix = render::render_ops(Shell::Bash, &[Op::Set(render::SESSION_TOKEN, "a'b")])
        .unwrap()
        .replacen("export ", "$env:", 1)
        .replacen('=', " = ", 1);
    assert_ne!(
        ps_decode(&py, &script, &posix).ok().map(|d| d.0),
        Some(BTreeMap::from([(
            render::SESSION_TOKEN.to_string(),
            "a'b".to_string()
        )])),
        "{posix}"
    );

    // --unset decodes to removals only, in MANAGED order.
    let (set, unset, _) =
        ps_decode(&py, &script, &render::unset(Shell::Powershell).unwrap()).unwrap();
    assert!(set.is_empty());
    assert_eq!(unset, render::MANAGED);
}

#[test]
fn powershell_rendered_hostile_output_passes_the_tree_sitter_check() {
    let Some((py, script)) = ps_decoder(true) else {
        return;
    };
    let (values, _) = ps_corpus();
    let names = names("", values.len());
    let mut ops = set_ops(&names, &values);
    ops.push(Op::Unset(render::SECURITY_TOKEN));
    let text = render::render_ops(Shell::Powershell, &ops).unwrap();
    ps_syntax(&py, &script, &text).unwrap_or_else(|e| panic!("{e}"));
    ps_syntax(&py, &script, &render::unset(Shell::Powershell).unwrap())
        .unwrap_or_else(|e| panic!("{e}"));
    // The check can fail: an undoubled curly quote is caught.
    assert!(ps_syntax(&py, &script, "$env:A = 'a\u{2019}b'\n").is_err());
}

// ------------------------------------------------------------------------------------------------ 2. binary × fake STS

/// Hostile credentials for the fake STS to hand out (all of them legal in XML 1.0, as real STS answers
/// would be: no C0 controls other than TAB, LF, CR).
struct Case {
    access_key_id: &'static str,
    secret: &'static str,
    token: &'static str,
}

const CASES: [Case; 6] = [
    Case {
        access_key_id: "ASIA'$(echo pwned)`id`",
        secret: "a'b\"c $HOME ${HOME} `echo x` \\ \\\\ trailing\\",
        token: "line1\nline2\r\ncr\rhere\ttab\n",
    },
    Case {
        access_key_id: "ASIA\u{2018}\u{2019}",
        secret: "\u{2018}left\u{2019}right\u{201A}low\u{201B}rev '' é ü ß 日本 🙂",
        token: "%PATH% !x! !! % ^ & | < > ( ) ; * ? [a-z] ~ #",
    },
    Case {
        access_key_id: "ASIAPLAIN0000000001",
        secret: "x & echo PWNED > pwned.txt",
        token: "^ & | < > ( ) ; ' ` $ \\ trailing\\ é 日本 🙂 \u{2019}",
    },
    Case {
        access_key_id: "ASIA^&|<>()",
        secret: " ",
        token: "\\",
    },
    // (Empty values cannot come from STS: awsmfa refuses an answer with an empty field as incomplete, exit 5;
    // tests/inputs.rs covers that.)
    Case {
        access_key_id: "ASIADASH",
        secret: "-",
        token: "'",
    },
    // Case 2 without its non-ASCII characters: cmd's metacharacters in values cmd accepts.
    Case {
        access_key_id: "ASIAPLAIN0000000002",
        secret: "x & echo PWNED > pwned.txt",
        token: "^ & | < > ( ) ; ' ` $ \\ trailing\\",
    },
];

const EXPIRATION: &str = "2030-01-02T03:04:05Z";
const REGION: &str = "eu-west-1";

/// Whether `--shell SHELL` must refuse case `c` (exit 7, nothing on stdout). The expiration and the
/// region are plain ASCII that every shell accepts.
fn case_refused_by(shell: Shell, c: &Case) -> bool {
    let all = [c.access_key_id, c.secret, c.token];
    match shell {
        Shell::Cmd => all.iter().any(|v| cmd_refuses(v)),
        Shell::Powershell => all.iter().any(|v| ps_refuses(v)),
        Shell::Env => all.iter().any(|v| v.contains(['\r', '\n'])),
        _ => false,
    }
}

fn expected_for(c: &Case) -> Vec<(&'static str, Option<&'static str>)> {
    vec![
        (render::ACCESS_KEY_ID, Some(c.access_key_id)),
        (render::SECRET_ACCESS_KEY, Some(c.secret)),
        (render::SESSION_TOKEN, Some(c.token)),
        (render::CREDENTIAL_EXPIRATION, Some(EXPIRATION)),
        (render::REGION, Some(REGION)),
        (render::DEFAULT_REGION, Some(REGION)),
        (render::SECURITY_TOKEN, None),
    ]
}

/// A fake STS that accepts alice's current code more than once, and a sandbox with her keys.
fn fake_and_sandbox() -> (FakeSts, Sandbox) {
    let sts = FakeSts::builder()
        .user(User::alice())
        .allow_reuse(true)
        .start();
    let sb = Sandbox::new();
    sb.with_user_profile("default", &User::alice());
    (sts, sb)
}

/// Runs `awsmfa --shell SHELL` with the fake handing out `c`; checks the STS side.
fn awsmfa_with(sts: &FakeSts, sb: &Sandbox, shell: &str, c: &Case) -> Output {
    sts.push_credentials(IssuedOverride {
        access_key_id: c.access_key_id.into(),
        secret_access_key: c.secret.into(),
        session_token: c.token.into(),
        expiration: Some(EXPIRATION.into()),
    });
    let before = sts.calls("GetSessionToken");
    let out = common::run(sb.awsmfa_at(sts).args([
        "--no-cache",
        "--shell",
        shell,
        "--region",
        REGION,
        "--token-code",
        &User::alice().totp_now(),
    ]));
    assert_eq!(sts.calls("GetSessionToken"), before + 1, "one call per run");
    out
}

/// Checks the exit status, stderr and stdout of a run: success with empty stderr, or (when the shell
/// cannot hold a value) exit 7, nothing on stdout and one error line.
fn check_run(shell: &str, c: &Case, refused: bool, out: &Output) -> Result<(), String> {
    let err = String::from_utf8_lossy(&out.stderr);
    if refused {
        if out.status.code() != Some(Kind::UnsafeValue.exit_code() as i32)
            || !out.stdout.is_empty()
            || !err.starts_with("awsmfa: error: ")
            || err.lines().count() != 1
        {
            return Err(format!(
                "--shell {shell} with {:?}: expected exit 7, empty stdout and one error line; got {:?}, stdout {:?}, stderr {err:?}",
                c.access_key_id,
                out.status.code(),
                String::from_utf8_lossy(&out.stdout)
            ));
        }
        for secret in [c.secret, c.token] {
            if secret.len() > 3 && err.contains(secret) {
                return Err(format!("--shell {shell}: the error shows a secret: {err}"));
            }
        }
        return Ok(());
    }
    if out.status.code() != Some(0) || !out.stderr.is_empty() {
        return Err(format!(
            "--shell {shell} with {:?}: exit {:?}, stderr {err:?}",
            c.access_key_id,
            out.status.code()
        ));
    }
    Ok(())
}

#[test]
fn binary_output_round_trips_through_posix_shells_fish_and_elvish() {
    let (sts, sb) = fake_and_sandbox();
    let mut problems = Vec::new();
    for (i, c) in CASES.iter().enumerate() {
        // One binary run per --shell value, fed to every real shell that reads it.
        let mut outputs: Vec<(Shell, Output)> = Vec::new();
        for shell in [
            Shell::Bash,
            Shell::Zsh,
            Shell::Sh,
            Shell::Fish,
            Shell::Elvish,
        ] {
            let out = awsmfa_with(&sts, &sb, shell.name(), c);
            match check_run(shell.name(), c, false, &out) {
                Ok(()) => outputs.push((shell, out)),
                Err(e) => problems.push(e),
            }
        }
        for sh in &SHELLS {
            let Some((_, out)) = outputs.iter().find(|(s, _)| *s == sh.render_as) else {
                continue;
            };
            if !need(sh.program, &format!("{} round trips", sh.label)) {
                continue;
            }
            let text = String::from_utf8(out.stdout.clone()).expect("UTF-8 stdout");
            match apply_in(sh, &text, &[(render::SECURITY_TOKEN, "stale")]) {
                Ok(env) => problems.extend(compare(
                    &format!("{} case {i}", sh.label),
                    &expected_for(c),
                    &env,
                )),
                Err(e) => problems.push(format!("case {i}: {e}")),
            }
        }
    }
    assert_no_problems(problems);
}

#[test]
fn binary_json_and_env_outputs_hold_the_values_or_refuse() {
    let (sts, sb) = fake_and_sandbox();
    let mut problems = Vec::new();
    for c in &CASES {
        let out = awsmfa_with(&sts, &sb, "json", c);
        if let Err(e) = check_run("json", c, false, &out) {
            problems.push(e);
            continue;
        }
        let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
        let want = serde_json::json!({
            "Version": 1,
            "AccessKeyId": c.access_key_id,
            "SecretAccessKey": c.secret,
            "SessionToken": c.token,
            "Expiration": EXPIRATION,
        });
        if doc != want {
            problems.push(format!("json: {doc} != {want}"));
        }

        let refused = case_refused_by(Shell::Env, c);
        let out = awsmfa_with(&sts, &sb, "env", c);
        if let Err(e) = check_run("env", c, refused, &out) {
            problems.push(e);
            continue;
        }
        if !refused {
            let want = format!(
                "AWS_ACCESS_KEY_ID={}\nAWS_SECRET_ACCESS_KEY={}\nAWS_SESSION_TOKEN={}\nAWS_CREDENTIAL_EXPIRATION={EXPIRATION}\nAWS_REGION={REGION}\nAWS_DEFAULT_REGION={REGION}\n",
                c.access_key_id, c.secret, c.token
            );
            if out.stdout != want.as_bytes() {
                problems.push(format!(
                    "env: {:?} != {want:?}",
                    String::from_utf8_lossy(&out.stdout)
                ));
            }
        }
    }
    assert!(
        CASES.iter().any(|c| case_refused_by(Shell::Env, c))
            && CASES.iter().any(|c| !case_refused_by(Shell::Env, c))
    );
    assert_no_problems(problems);
}

#[test]
fn binary_cmd_output_round_trips_through_wine_or_exits_7() {
    assert!(CASES.iter().any(|c| case_refused_by(Shell::Cmd, c)));
    assert!(CASES.iter().any(|c| !case_refused_by(Shell::Cmd, c)));
    // Some case is refused for non-ASCII alone (empty values never reach a renderer: see CASES).
    let only = |c: &Case, why: fn(&str) -> bool| {
        let all = [c.access_key_id, c.secret, c.token];
        all.iter().any(|v| why(v)) && all.iter().all(|v| why(v) || !cmd_refuses(v))
    };
    assert!(CASES.iter().any(|c| only(c, |v| !v.is_ascii())));
    let (sts, sb) = fake_and_sandbox();
    let prefix = common::wine_prefix();
    let mut problems = Vec::new();
    for (i, c) in CASES.iter().enumerate() {
        let refused = case_refused_by(Shell::Cmd, c);
        let out = awsmfa_with(&sts, &sb, "cmd", c);
        if let Err(e) = check_run("cmd", c, refused, &out) {
            problems.push(e);
            continue;
        }
        if refused {
            continue;
        }
        let Some(prefix) = &prefix else { continue };
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        // Accepted output is ASCII, so it reads back under the default code pages as well as UTF-8.
        for locale in [WINE_DEFAULT_LOCALE, WINE_UTF8_LOCALE] {
            let dir = tempfile::tempdir().unwrap();
            // Pre-set the legacy token so its removal is visible.
            let body = format!("set \"AWS_SECURITY_TOKEN=stale\"\r\n{text}");
            match run_in_wine_cmd(prefix, dir.path(), &body, "AWS_", locale) {
                Ok(env) => problems.extend(compare(
                    &format!("wine cmd ({locale}) case {i}"),
                    &expected_for(c),
                    &env,
                )),
                Err(e) => problems.push(format!("case {i} ({locale}): {e}")),
            }
            if dir.path().join("pwned.txt").exists() {
                problems.push(format!("case {i}: cmd ran a command from a value"));
            }
        }
    }
    assert_no_problems(problems);
}

#[test]
fn binary_powershell_output_decodes_exactly_and_parses() {
    let Some((py, script)) = ps_decoder(false) else {
        return;
    };
    let syntax = ps_decoder(true).is_some();
    assert!(CASES.iter().any(|c| case_refused_by(Shell::Powershell, c)));
    assert!(CASES.iter().any(|c| !case_refused_by(Shell::Powershell, c)));
    let (sts, sb) = fake_and_sandbox();
    let mut problems = Vec::new();
    for (i, c) in CASES.iter().enumerate() {
        let refused = case_refused_by(Shell::Powershell, c);
        let out = awsmfa_with(&sts, &sb, "powershell", c);
        if let Err(e) = check_run("powershell", c, refused, &out) {
            problems.push(e);
            continue;
        }
        if refused {
            continue;
        }
        let text = String::from_utf8(out.stdout.clone()).unwrap();
        match ps_decode(&py, &script, &text) {
            Ok((set, unset, order)) => {
                let want = expected_for(c);
                let want_set: BTreeMap<String, String> = want
                    .iter()
                    .filter_map(|(n, v)| v.map(|v| (n.to_string(), v.to_string())))
                    .collect();
                if set != want_set {
                    problems.push(format!("case {i}: decoded {set:?}, expected {want_set:?}"));
                }
                if unset != [render::SECURITY_TOKEN] {
                    problems.push(format!("case {i}: unset {unset:?}"));
                }
                let want_order: Vec<String> = want.iter().map(|(n, _)| n.to_string()).collect();
                if order != want_order {
                    problems.push(format!("case {i}: order {order:?}"));
                }
            }
            Err(e) => problems.push(format!("case {i}: {e}")),
        }
        if syntax && let Err(e) = ps_syntax(&py, &script, &text) {
            problems.push(format!("case {i}: {e}"));
        }
    }
    // The alias `pwsh` prints the same.
    let c = CASES
        .iter()
        .find(|c| !case_refused_by(Shell::Powershell, c))
        .expect("a case PowerShell accepts");
    let a = awsmfa_with(&sts, &sb, "pwsh", c);
    let b = awsmfa_with(&sts, &sb, "powershell", c);
    assert!(!a.stdout.is_empty());
    assert_eq!(a.stdout, b.stdout);
    assert_no_problems(problems);
}
