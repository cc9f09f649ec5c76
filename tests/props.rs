//! Properties of the quoters (issue 5, "Properties"):
//!
//! 1. For every quoting function, generated hostile strings are either refused — and then exactly for the
//!    documented reasons (cmd: NUL CR LF `"` `%` `!`, non-ASCII, empty; PowerShell: NUL CR LF, empty; env:
//!    NUL CR LF; POSIX, fish, elvish: NUL only) — or read back to the input by a model decoder written here
//!    from the shell's manual rule. The models are strict: anything the rule does not allow is an error, not
//!    a guess. (The cmd model also rejects Ctrl-Z, which cmd's batch reader takes for a line feed.)
//! 2. The fixed hostile corpus plus 1,000 generated values go through each real shell (bash, zsh, dash,
//!    mksh, busybox sh, fish, elvish, Wine's cmd) in one interpreter start per shell, and through the
//!    PowerShell model tests/tools/ps_decode.py in one process; every value is read back byte for byte.
//!
//! Generation is deterministic: a fixed seed (printed; `AWSMFA_PROPS_SEED=N` picks another) drives
//! proptest's ChaCha RNG, so a failure reproduces, and proptest shrinks it to a minimal value.

mod common;

use awsmfa::render::{self, Op, Refused, Shell, cmd, elvish, env, fish, posix, powershell};
use common::{need, python, tool};
use proptest::prelude::*;
use proptest::strategy::ValueTree;
use proptest::test_runner::{Config, RngAlgorithm, TestError, TestRng, TestRunner};
use std::collections::BTreeMap;
use std::process::{Command, Stdio};

// ------------------------------------------------------------------------------------------------ generator

/// Default seed of every generator in this file.
const SEED: u64 = 0x5EED_0005_A3F1_2026;

fn seed() -> u64 {
    std::env::var("AWSMFA_PROPS_SEED")
        .ok()
        .and_then(|s| {
            s.strip_prefix("0x")
                .map_or_else(|| s.parse().ok(), |h| u64::from_str_radix(h, 16).ok())
        })
        .unwrap_or(SEED)
}

fn runner(cases: u32) -> TestRunner {
    let mut bytes = [0u8; 32];
    bytes[..8].copy_from_slice(&seed().to_le_bytes());
    let config = Config {
        cases,
        failure_persistence: None,
        ..Config::default()
    };
    TestRunner::new_with_rng(config, TestRng::from_seed(RngAlgorithm::ChaCha, &bytes))
}

/// Single characters that some shell treats specially (or that a careless quoter mangles).
const HOSTILE_CHARS: &[char] = &[
    '\'', '"', '`', '\u{2018}', '\u{2019}', '\u{201A}', '\u{201B}', '\u{201C}', '\u{201D}',
    '\u{201E}', '\\', '$', '!', '%', '^', '&', '|', '<', '>', '(', ')', ';', '*', '?', '[', ']',
    '{', '}', '~', '#', '=', '-', '@', ':', ',', '.', '/', '+', ' ', '\t', '\n', '\r', '\0',
    '\u{1A}', '\u{7F}', '\u{1B}', '\u{1}', '\u{85}', '\u{A0}', '\u{2028}', '\u{FEFF}', '\u{F600}',
    '\u{FDD0}', '\u{FFFE}', 'é', 'ß', '日', '🙂',
];

/// Multi-character fragments: escapes of one shell that mean something else in another, expansions,
/// cmd operators, option-looking words.
const HOSTILE_FRAGMENTS: &[&str] = &[
    "'\\''",
    "''",
    "\\'",
    "\\\\",
    "\\\n",
    "$(id)",
    "`id`",
    "${HOME}",
    "$HOME",
    "$env:PATH",
    "%PATH%",
    "%%",
    "!x!",
    "^&",
    "\" & echo PWNED & \"",
    "/?",
    "-e",
    "--",
    "--erase",
    "-gx",
    "=ls",
    "~root",
    "\r\n",
    "'\u{2019}",
    "\u{2019}'",
    "@(",
    "{a,b}",
    "a=b",
];

fn piece() -> impl Strategy<Value = String> {
    prop_oneof![
        5 => prop::sample::select(HOSTILE_CHARS).prop_map(String::from),
        2 => prop::sample::select(HOSTILE_FRAGMENTS).prop_map(String::from),
        2 => "[A-Za-z0-9+/=]{1,6}",
        1 => any::<char>().prop_map(String::from),
    ]
}

/// Strings of 0–12 pieces, mostly hostile.
fn hostile() -> impl Strategy<Value = String> {
    prop::collection::vec(piece(), 0..12).prop_map(|p| p.concat())
}

/// `n` generated values for which `keep` holds, after passing each through `map`; deterministic.
fn sample(n: usize, map: impl Fn(String) -> String, keep: impl Fn(&str) -> bool) -> Vec<String> {
    let mut runner = runner(1);
    let strategy = hostile();
    let mut out = Vec::with_capacity(n);
    while out.len() < n {
        let v = map(strategy.new_tree(&mut runner).expect("a value").current());
        if keep(&v) {
            out.push(v);
        }
    }
    out
}

/// Runs `test` on `cases` generated values; on failure panics with the seed and the shrunk value.
fn check(name: &str, cases: u32, test: impl Fn(&str) -> Result<(), String>) {
    eprintln!("{name}: seed {:#x}, {cases} cases", seed());
    let result = runner(cases).run(&hostile(), |v| {
        test(&v).map_err(|e| TestCaseError::fail(format!("{v:?}: {e}")))
    });
    match result {
        Ok(()) => {}
        Err(TestError::Fail(why, value)) => panic!(
            "{name}: seed {:#x} (AWSMFA_PROPS_SEED): minimal failing value {value:?}: {why}",
            seed()
        ),
        Err(TestError::Abort(why)) => panic!("{name}: aborted: {why}"),
    }
}

// ------------------------------------------------------------------------------------------------ models
//
// Each model reads the text a quoter (or a `set` function) produced, the way the shell's documented rule
// says the shell reads it, and returns the string the shell would hold — or an error for anything the
// rule does not allow.

/// POSIX.1-2017 Shell Command Language 2.2 (quoting) for one word in `export NAME=WORD`, for the union of
/// bash, zsh, dash, mksh and busybox ash:
/// - `'…'`: every character literal up to the next `'` (2.2.3); none inside.
/// - `\c` outside quotes: `c` literal (2.2.1), except backslash-newline, which is a line continuation
///   (removed), and so never a way to write a newline.
/// - Unquoted characters: only those special in no context: ASCII letters, digits, `_ - . / , + : @`,
///   and `=` when not first (a leading `=` is zsh's EQUALS expansion, `=ls` → `/usr/bin/ls`; POSIX 2.2
///   lists `=` among the characters that may need quoting). Everything else unquoted is an error
///   (blanks, operators, `$ \` " * ? [ # ~ %`, non-ASCII, controls).
/// - NUL cannot occur in shell text.
fn posix_word(word: &str) -> Result<String, String> {
    let mut out = String::new();
    let mut chars = word.chars().peekable();
    let mut first = true;
    while let Some(c) = chars.next() {
        match c {
            '\0' => return Err("NUL in shell text".into()),
            '\'' => loop {
                match chars.next() {
                    None => return Err("unterminated single quote".into()),
                    Some('\'') => break,
                    Some('\0') => return Err("NUL in shell text".into()),
                    Some(q) => out.push(q),
                }
            },
            '\\' => match chars.next() {
                None => return Err("backslash at the end of the word".into()),
                Some('\n') => return Err("backslash-newline is a line continuation".into()),
                Some('\0') => return Err("NUL in shell text".into()),
                Some(e) => out.push(e),
            },
            '=' if first => {
                return Err("unquoted `=` at the start of the value (zsh EQUALS)".into());
            }
            c if c.is_ascii_alphanumeric() || "_-./,+:@=".contains(c) => out.push(c),
            c => return Err(format!("unquoted {c:?}")),
        }
        first = false;
    }
    Ok(out)
}

/// fish manual, "Quotes": a single-quoted string runs to the next unescaped `'`; inside, `\'` is `'` and
/// `\\` is `\`; a backslash before anything else is itself. The statement must be exactly one such string.
fn fish_word(word: &str) -> Result<String, String> {
    let mut chars = word.chars();
    if chars.next() != Some('\'') {
        return Err("does not start with '".into());
    }
    let mut out = String::new();
    loop {
        match chars.next() {
            None => return Err("unterminated single quote".into()),
            Some('\0') => return Err("NUL in shell text".into()),
            Some('\\') => match chars.next() {
                None => return Err("unterminated single quote (after \\)".into()),
                Some(e @ ('\\' | '\'')) => out.push(e),
                Some(other) => {
                    out.push('\\');
                    out.push(other);
                }
            },
            Some('\'') => {
                return match chars.next() {
                    None => Ok(out),
                    Some(c) => Err(format!("{c:?} after the closing quote")),
                };
            }
            Some(c) => out.push(c),
        }
    }
}

/// PowerShell Language Specification 3.0 §2.3.5.2, verbatim-string-literal: opens and closes with any of
/// `'` U+2018 U+2019 U+201A U+201B; inside, two quote characters in a row are one literal character (the
/// second); a lone quote character ends the string; everything else is literal.
fn powershell_word(word: &str) -> Result<String, String> {
    let is_quote = |c: char| powershell::SINGLE_QUOTES.contains(&c);
    let mut chars = word.chars().peekable();
    if !chars.next().is_some_and(is_quote) {
        return Err("does not start with a single-quote character".into());
    }
    let mut out = String::new();
    loop {
        match chars.next() {
            None => return Err("missing terminator".into()),
            Some('\0') => return Err("NUL in script text".into()),
            Some(c) if is_quote(c) => match chars.peek() {
                Some(&d) if is_quote(d) => {
                    out.push(d);
                    chars.next();
                }
                None => return Ok(out),
                Some(d) => return Err(format!("{d:?} after the closing quote")),
            },
            Some(c) => out.push(c),
        }
    }
}

/// elvish language reference, "String": in a single-quoted string every character is literal except
/// `'`, which is written `''`.
fn elvish_word(word: &str) -> Result<String, String> {
    let mut chars = word.chars().peekable();
    if chars.next() != Some('\'') {
        return Err("does not start with '".into());
    }
    let mut out = String::new();
    loop {
        match chars.next() {
            None => return Err("unterminated single quote".into()),
            Some('\0') => return Err("NUL in source text".into()),
            Some('\'') => match chars.peek() {
                Some('\'') => {
                    out.push('\'');
                    chars.next();
                }
                None => return Ok(out),
                Some(d) => return Err(format!("{d:?} after the closing quote")),
            },
            Some(c) => out.push(c),
        }
    }
}

/// What a cmd `set "NAME=VALUE"` line in a batch file does: `Some(value)` sets, `None` removes NAME.
///
/// Rule (`help set`; cmd's batch line parser as documented by jeb and dbenham, "How does the Windows
/// Command Interpreter (CMD.EXE) parse scripts?", Stack Overflow 4094699): phase 0 reads the line up to
/// LF, and Ctrl-Z (U+001A) is read as LF; phase 1 expands `%`; phase 2 strips CR and, inside `"…"`,
/// keeps `^ & | < > ( )` literal; phase 5 eats `!` under delayed expansion. So the value must hold none
/// of NUL CR LF Ctrl-Z `"` `%` `!`, and the line must fit in 8,191 UTF-16 units. `set "NAME="` removes
/// NAME (cmd cannot hold an empty variable).
fn cmd_line(line: &str) -> Result<(String, Option<String>), String> {
    if line.encode_utf16().count() > cmd::MAX_LINE {
        return Err("longer than cmd's 8,191-character line".into());
    }
    let inner = line
        .strip_prefix("set \"")
        .and_then(|r| r.strip_suffix('"'))
        .ok_or("not of the form set \"…\"")?;
    let (name, value) = inner.split_once('=').ok_or("no `=`")?;
    if !valid_name(name) {
        return Err(format!("bad name {name:?}"));
    }
    for (bad, why) in [
        ('\0', "NUL"),
        ('\r', "CR (stripped in phase 2)"),
        ('\n', "LF (ends the line)"),
        ('\u{1A}', "Ctrl-Z (read as LF in phase 0)"),
        ('"', "a double quote (ends the quoting)"),
        ('%', "% (percent expansion)"),
        ('!', "! (delayed expansion)"),
    ] {
        if value.contains(bad) {
            return Err(format!("the value holds {why}"));
        }
    }
    Ok((name.into(), (!value.is_empty()).then(|| value.into())))
}

/// A plain `NAME=value` line: the value runs to the end of the line, no quoting at all.
fn env_line(line: &str) -> Result<(String, String), String> {
    let (name, value) = line.split_once('=').ok_or("no `=`")?;
    if !valid_name(name) {
        return Err(format!("bad name {name:?}"));
    }
    if value.contains(['\0', '\r', '\n']) {
        return Err("the value holds NUL or a line break".into());
    }
    Ok((name.into(), value.into()))
}

fn valid_name(name: &str) -> bool {
    let mut c = name.chars();
    c.next()
        .is_some_and(|f| f.is_ascii_alphabetic() || f == '_')
        && c.all(|c| c.is_ascii_alphanumeric() || c == '_')
}

#[test]
fn models_reject_what_their_rule_does_not_allow() {
    // The models can fail; otherwise the properties below would prove nothing.
    for bad in [
        "a b", "$x", "'open", "a\\", "\\\n", "=ls", "~", "é", "a;b", "*",
    ] {
        assert!(posix_word(bad).is_err(), "posix accepted {bad:?}");
    }
    assert_eq!(posix_word(r"'a'\''b'\!c=d").unwrap(), "a'b!c=d");
    for bad in ["a", "'a", "'a\\'", "'a'b", "'a''b'", "'\0'"] {
        assert!(fish_word(bad).is_err(), "fish accepted {bad:?}");
    }
    assert_eq!(fish_word(r"'a\\b\'c\d'").unwrap(), r"a\b'c\d");
    for bad in ["a", "'a", "'a\u{2019}b'", "'a'b", "\"a\""] {
        assert!(powershell_word(bad).is_err(), "powershell accepted {bad:?}");
    }
    assert_eq!(
        powershell_word("\u{2018}a'\u{2019}b''\u{201B}").unwrap(),
        "a\u{2019}b'"
    );
    for bad in ["a", "'a", "'a'b'", "'a\\'b'x"] {
        assert!(elvish_word(bad).is_err(), "elvish accepted {bad:?}");
    }
    assert_eq!(elvish_word("'a''b\\'").unwrap(), "a'b\\");
    for bad in [
        "set A=b",
        "set \"A=%x%\"",
        "set \"A=!x!\"",
        "set \"A=a\"b\"",
        "set \"A=a\u{1A}b\"",
        "set \"1A=b\"",
    ] {
        assert!(cmd_line(bad).is_err(), "cmd accepted {bad:?}");
    }
    assert_eq!(
        cmd_line("set \"A=^&|<>()\"").unwrap(),
        ("A".into(), Some("^&|<>()".into()))
    );
    assert_eq!(cmd_line("set \"A=\"").unwrap(), ("A".into(), None));
    assert!(env_line("A=a\rb").is_err());
}

// ------------------------------------------------------------------------------------------------ 1. quoter properties

const NAME: &str = "AWSMFA_PROP";
const CASES: u32 = 3000;

/// One quoter's property: `refuses(v)` (the documented refusals) decides whether `quote` and `set` must
/// refuse; otherwise the statement `set` wrote is `prefix` + what `quote` wrote, and the model reads it
/// back to `v`.
fn quoter_property(
    v: &str,
    quote: Quoter,
    set: fn(&str, &str) -> Result<String, Refused>,
    prefix: &str,
    model: fn(&str) -> Result<String, String>,
    refuses: fn(&str) -> bool,
) -> Result<(), String> {
    let (quoted, line) = (quote(v), set(NAME, v));
    if refuses(v) {
        if quoted.is_ok() || line.is_ok() {
            return Err(format!("not refused: {quoted:?} / {line:?}"));
        }
        return Ok(());
    }
    let quoted = quoted.map_err(|r| format!("refused without a documented reason: {r:?}"))?;
    let line = line.map_err(|r| format!("set refused without a documented reason: {r:?}"))?;
    let word = line
        .strip_prefix(prefix)
        .ok_or_else(|| format!("statement {line:?} does not start with {prefix:?}"))?;
    if word != quoted {
        return Err(format!("set wrote {word:?}, quote wrote {quoted:?}"));
    }
    match model(word) {
        Ok(back) if back == v => Ok(()),
        Ok(back) => Err(format!("{word:?} reads back as {back:?}")),
        Err(e) => Err(format!("{word:?} is not readable by the rule: {e}")),
    }
}

/// NUL: no environment variable can hold it (C strings in `environ`, the Windows environment block).
fn has_nul(v: &str) -> bool {
    v.contains('\0')
}

/// PowerShell (src/render/powershell.rs): NUL; CR or LF, because PowerShell captures a native command's
/// output as lines and `Out-String` rejoins them with the platform newline; the empty string, because
/// before 7.5 assigning `''` to `$env:NAME` removes the variable.
fn powershell_refuses(v: &str) -> bool {
    v.is_empty() || !v.is_ascii() || v.contains(['\0', '\r', '\n'])
}

/// cmd (src/render/cmd.rs, shared/DESIGN.md §2): NUL CR LF `"` `%` `!` (no escape works in every mode);
/// Ctrl-Z (read as a line end by cmd's batch reader); non-ASCII (cmd reads batch files in the OEM code
/// page); the empty string (`set "NAME="` removes).
fn cmd_refuses(v: &str) -> bool {
    v.is_empty() || !v.is_ascii() || v.contains(['\0', '\r', '\n', '\u{1A}', '"', '%', '!'])
}

#[test]
fn posix_quote_reads_back_under_the_posix_word_rule() {
    check("posix", CASES, |v| {
        let prefix = format!("export {NAME}=");
        quoter_property(v, posix::quote, posix::set, &prefix, posix_word, has_nul)
    });
}

#[test]
fn fish_quote_reads_back_under_the_fish_single_quote_rule() {
    check("fish", CASES, |v| {
        let prefix = format!("set -gx {NAME} ");
        quoter_property(v, fish::quote, fish::set, &prefix, fish_word, has_nul)
    });
}

#[test]
fn powershell_quote_reads_back_as_a_verbatim_string() {
    check("powershell", CASES, |v| {
        let prefix = format!("$env:{NAME} = ");
        quoter_property(
            v,
            powershell::quote,
            powershell::set,
            &prefix,
            powershell_word,
            powershell_refuses,
        )
    });
}

#[test]
fn elvish_quote_reads_back_under_the_elvish_single_quote_rule() {
    check("elvish", CASES, |v| {
        let prefix = format!("set-env {NAME} ");
        quoter_property(v, elvish::quote, elvish::set, &prefix, elvish_word, has_nul)
    });
}

/// cmd's refusals are exactly the documented ones (see [`cmd_refuses`]), and what it accepts must be
/// literal in `set "…"` by the model — which also rules out Ctrl-Z.
#[test]
fn cmd_refuses_exactly_the_documented_characters_and_keeps_the_rest_literal() {
    check("cmd", CASES, |v| {
        match (cmd::quote(v), cmd_refuses(v)) {
            (Err(r), false) => return Err(format!("refused without a documented reason: {r:?}")),
            (Ok(_), true) => return Err("accepted a documented-unsafe value".into()),
            (Ok(q), false) if q != v => return Err(format!("quote changed the value to {q:?}")),
            (Err(_), true) => return Ok(()),
            (Ok(_), false) => {}
        }
        let line =
            cmd::set(NAME, v).map_err(|r| format!("set refused what quote accepted: {r:?}"))?;
        match cmd_line(&line) {
            Ok((name, Some(back))) if name == NAME && back == v => Ok(()),
            Ok(other) => Err(format!("{line:?} reads back as {other:?}")),
            Err(e) => Err(format!("{line:?} is not literal in cmd: {e}")),
        }
    });
}

#[test]
fn cmd_set_refuses_lines_over_the_limit_and_only_those() {
    // Around the limit (cmd accepts ASCII only, so characters and UTF-16 units agree).
    let overhead = format!("set \"{NAME}=\"").encode_utf16().count();
    for (fill, unit) in [("x", 1), ("^&", 2)] {
        for n in [
            (cmd::MAX_LINE - overhead) / unit - 1,
            (cmd::MAX_LINE - overhead) / unit,
            (cmd::MAX_LINE - overhead) / unit + 1,
        ] {
            let v = fill.repeat(n);
            let fits = overhead + n * unit <= cmd::MAX_LINE;
            let got = cmd::set(NAME, &v);
            assert_eq!(got.is_ok(), fits, "{fill:?} × {n}");
            if let Ok(line) = got {
                assert_eq!(cmd_line(&line).unwrap().1.as_deref(), Some(v.as_str()));
            }
        }
    }
}

#[test]
fn env_lines_refuse_exactly_nul_and_line_breaks() {
    check("env", CASES, |v| {
        let documented = v.contains(['\0', '\r', '\n']);
        match (env::set(NAME, v), documented) {
            (Err(_), true) => Ok(()),
            (Err(r), false) => Err(format!("refused without a reason: {r:?}")),
            (Ok(_), true) => Err("accepted NUL or a line break".into()),
            (Ok(line), false) => match env_line(&line) {
                Ok((name, back)) if name == NAME && back == v => Ok(()),
                other => Err(format!("{line:?} reads back as {other:?}")),
            },
        }
    });
}

/// A refused value never appears in the error: the message names the variable and the character kind.
#[test]
fn refusals_never_repeat_the_value() {
    check("refusal messages", CASES, |v| {
        let secret = format!("CANARYSECRET{v}");
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
            if let Err(e) =
                render::render_ops(shell, &[Op::Set(render::SECRET_ACCESS_KEY, &secret)])
            {
                if e.message.contains("CANARYSECRET") || e.message.contains('\0') {
                    return Err(format!("{shell:?}: {}", e.message));
                }
                if !e.message.contains(render::SECRET_ACCESS_KEY) {
                    return Err(format!(
                        "{shell:?} does not name the variable: {}",
                        e.message
                    ));
                }
            }
        }
        Ok(())
    });
}

// ------------------------------------------------------------------------------------------------ 2. real shells

/// How many generated values go through each real shell (plus the fixed corpus).
const BATCH: usize = 1000;

/// `AWSMFA_P0000`…, leaked so they fit `Op::Set(&'static str, _)`.
fn names(n: usize) -> Vec<&'static str> {
    (0..n)
        .map(|i| &*Box::leak(format!("AWSMFA_P{i:04}").into_boxed_str()))
        .collect()
}

/// The fixed corpus and `BATCH` generated values, all without NUL (which every shell refuses).
fn batch_values() -> Vec<String> {
    let mut v: Vec<String> = common::hostile_values()
        .into_iter()
        .filter(|v| !v.contains('\0'))
        .collect();
    v.extend(sample(BATCH, |s| s, |s| !s.contains('\0')));
    v
}

#[derive(Clone, Copy)]
struct RealShell {
    label: &'static str,
    program: &'static str,
    flags: &'static [&'static str],
    render_as: Shell,
    /// `-c` script: apply the statements in file $1 as users do, then `exec env -0 > $2`.
    script: &'static str,
    /// Whether the script wants a `$0` argument first.
    dollar0: bool,
}

const POSIX_APPLY: &str = "eval \"$(cat \"$1\")\" || exit 97\nexec env -0 > \"$2\"\n";

const SHELLS: [RealShell; 7] = [
    RealShell {
        label: "bash",
        program: "bash",
        flags: &["--norc", "--noprofile"],
        render_as: Shell::Bash,
        script: POSIX_APPLY,
        dollar0: true,
    },
    RealShell {
        label: "zsh",
        program: "zsh",
        flags: &["-f"],
        render_as: Shell::Zsh,
        script: POSIX_APPLY,
        dollar0: true,
    },
    RealShell {
        label: "dash",
        program: "dash",
        flags: &[],
        render_as: Shell::Sh,
        script: POSIX_APPLY,
        dollar0: true,
    },
    RealShell {
        label: "mksh",
        program: "mksh",
        flags: &[],
        render_as: Shell::Sh,
        script: POSIX_APPLY,
        dollar0: true,
    },
    RealShell {
        label: "busybox sh",
        program: "busybox",
        flags: &["sh"],
        render_as: Shell::Sh,
        script: POSIX_APPLY,
        dollar0: true,
    },
    RealShell {
        label: "fish",
        program: "fish",
        flags: &["--no-config"],
        render_as: Shell::Fish,
        script: "cat $argv[1] | source; or exit 97\nexec env -0 > $argv[2]\n",
        dollar0: false,
    },
    RealShell {
        label: "elvish",
        program: "elvish",
        flags: &["-norc"],
        render_as: Shell::Elvish,
        script: "eval (slurp < $args[0])\n(external env) -0 > $args[1]\n",
        dollar0: false,
    },
];

fn parse_env0(bytes: &[u8]) -> BTreeMap<String, Vec<u8>> {
    bytes
        .split(|b| *b == 0)
        .filter_map(|e| {
            let eq = e.iter().position(|b| *b == b'=')?;
            Some((
                String::from_utf8_lossy(&e[..eq]).into_owned(),
                e[eq + 1..].to_vec(),
            ))
        })
        .collect()
}

/// Compares every `AWSMFA_P*` variable read back with what was set; one line per difference.
fn compare(
    who: &str,
    names: &[&str],
    values: &[Option<&str>],
    got: &BTreeMap<String, Vec<u8>>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for (n, want) in names.iter().zip(values) {
        let have = got.get(*n).map(Vec::as_slice);
        if have != want.map(str::as_bytes) {
            problems.push(format!(
                "{who}: {n}: set {want:?}, read back {:?}",
                have.map(String::from_utf8_lossy)
            ));
        }
    }
    let extra: Vec<&String> = got
        .keys()
        .filter(|k| k.starts_with("AWSMFA_P") && !names.contains(&k.as_str()))
        .collect();
    if !extra.is_empty() {
        problems.push(format!("{who}: unexpected variables {extra:?}"));
    }
    problems
}

fn report(label: &str, problems: Vec<String>, n: usize, started: std::time::Instant) {
    eprintln!(
        "{label}: {n} values ({BATCH} generated, seed {:#x}) in {:?}",
        seed(),
        started.elapsed()
    );
    assert!(
        problems.is_empty(),
        "{label}: {} of {n} values wrong (seed {:#x}):\n{}",
        problems.len(),
        seed(),
        problems
            .iter()
            .take(40)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Runs `text` in `sh` the way users apply it and returns what a child saw in its environment, plus any
/// problem (non-zero exit, output on stdout or stderr).
fn apply(sh: &RealShell, text: &str) -> (BTreeMap<String, Vec<u8>>, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    let (stmts, out) = (dir.path().join("statements"), dir.path().join("env.bin"));
    std::fs::write(&stmts, text).unwrap();
    let mut cmd = Command::new(sh.program);
    cmd.args(sh.flags).arg("-c").arg(sh.script);
    if sh.dollar0 {
        cmd.arg(sh.program);
    }
    let o = cmd
        .arg(&stmts)
        .arg(&out)
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", dir.path())
        .env("LANG", "C.UTF-8")
        .current_dir(dir.path())
        .stdin(Stdio::null())
        .output()
        .expect("the shell starts");
    let mut problems = Vec::new();
    if !o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty() {
        problems.push(format!(
            "{} exited {:?}; stdout {:?}; stderr {:?}",
            sh.label,
            o.status.code(),
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
                .chars()
                .take(2000)
                .collect::<String>()
        ));
    }
    (
        parse_env0(&std::fs::read(&out).unwrap_or_default()),
        problems,
    )
}

fn round_trip(sh: &RealShell) {
    if !need(sh.program, &format!("{} property round trips", sh.label)) {
        return;
    }
    let started = std::time::Instant::now();
    let values = batch_values();
    let names = names(values.len());
    let ops: Vec<Op> = names
        .iter()
        .zip(&values)
        .map(|(n, v)| Op::Set(n, v))
        .collect();
    let text = render::render_ops(sh.render_as, &ops).expect("no NUL in the batch");
    let (got, mut problems) = apply(sh, &text);
    let want: Vec<Option<&str>> = values.iter().map(|v| Some(v.as_str())).collect();
    problems.extend(compare(sh.label, &names, &want, &got));
    report(sh.label, problems, values.len(), started);
}

type Quoter = fn(&str) -> Result<String, Refused>;

#[test]
fn the_harness_catches_a_wrong_quoter() {
    // Another shell's quoting read by this shell: a value comes back wrong, or the shell complains.
    let values = ["a\\b", "it's", "trailing\\"];
    let names = names(values.len());
    let want: Vec<Option<&str>> = values.iter().map(|v| Some(*v)).collect();
    let cases: [(&RealShell, &str, Quoter); 3] = [
        (&SHELLS[0], "export {}={}", fish::quote),
        (&SHELLS[5], "set -gx {} {}", posix::quote),
        (&SHELLS[6], "set-env {} {}", fish::quote),
    ];
    for (sh, form, wrong) in cases {
        if !need(sh.program, &format!("{} harness check", sh.label)) {
            continue;
        }
        let text: String = names
            .iter()
            .zip(values)
            .map(|(n, v)| {
                let (head, tail) = form.split_once("{}").unwrap();
                let (mid, _) = tail.split_once("{}").unwrap();
                format!("{head}{n}{mid}{}\n", wrong(v).unwrap())
            })
            .collect();
        let (got, problems) = apply(sh, &text);
        assert!(
            !problems.is_empty() || !compare(sh.label, &names, &want, &got).is_empty(),
            "{}: the harness accepted {text:?}",
            sh.label
        );
    }
}

#[test]
fn bash_reads_back_generated_values() {
    round_trip(&SHELLS[0]);
}

#[test]
fn zsh_reads_back_generated_values() {
    round_trip(&SHELLS[1]);
}

#[test]
fn dash_reads_back_generated_values() {
    round_trip(&SHELLS[2]);
}

#[test]
fn mksh_reads_back_generated_values() {
    round_trip(&SHELLS[3]);
}

#[test]
fn busybox_sh_reads_back_generated_values() {
    round_trip(&SHELLS[4]);
}

#[test]
fn fish_reads_back_generated_values() {
    round_trip(&SHELLS[5]);
}

#[test]
fn elvish_reads_back_generated_values() {
    round_trip(&SHELLS[6]);
}

/// Every value cmd accepts is applied from one .cmd file (`set "NAME=value"` lines, as awsmfa prints
/// them) under Wine's default code pages, and read back with `set AWSMFA_P > file`. The generator's output
/// has what cmd refuses removed (the six characters and non-ASCII), so the batch stays hostile for cmd:
/// `^ & | < > ( )`, other quotes' ASCII forms, Ctrl-Z and other controls, `/?`, leading `=`, blanks.
#[test]
fn wine_cmd_reads_back_generated_values() {
    let Some(prefix) = common::wine_prefix() else {
        return;
    };
    let started = std::time::Instant::now();
    let mut values: Vec<String> = common::hostile_values()
        .into_iter()
        .filter(|v| !cmd_refuses(v))
        .collect();
    values.extend(sample(
        BATCH,
        |s| s.chars().filter(|c| !cmd_refuses(&c.to_string())).collect(),
        |s| !cmd_refuses(s),
    ));
    for probe in ["/?", "^", "&", "("] {
        assert!(
            values.iter().any(|v| v.contains(probe)),
            "no {probe:?} in the batch"
        );
    }
    let names = names(values.len());
    let ops: Vec<Op> = names
        .iter()
        .zip(&values)
        .map(|(n, v)| Op::Set(n, v))
        .collect();
    let body = render::render_ops(Shell::Cmd, &ops).expect("nothing refused is left");
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("apply.cmd"),
        format!("@echo off\r\n{body}>awsmfa-dump.txt set AWSMFA_P\r\n"),
    )
    .unwrap();
    let o = Command::new("wine")
        .args(["cmd", "/c", "apply.cmd"])
        .current_dir(dir.path())
        .env_clear()
        .env("PATH", std::env::var_os("PATH").unwrap_or_default())
        .env("HOME", std::env::var_os("HOME").unwrap_or_default())
        .env("WINEPREFIX", &prefix)
        .env("WINEDEBUG", "-all")
        .env("LANG", "C.UTF-8")
        .env("LC_ALL", "C.UTF-8")
        .stdin(Stdio::null())
        .output()
        .expect("wine runs");
    let mut problems = Vec::new();
    if !o.status.success() || !o.stdout.is_empty() || !o.stderr.is_empty() {
        problems.push(format!(
            "wine cmd exited {:?}; stdout {:?}; stderr {:?}",
            o.status.code(),
            String::from_utf8_lossy(&o.stdout)
                .chars()
                .take(2000)
                .collect::<String>(),
            String::from_utf8_lossy(&o.stderr)
                .chars()
                .take(2000)
                .collect::<String>()
        ));
    }
    let dump = std::fs::read(dir.path().join("awsmfa-dump.txt")).unwrap_or_default();
    let got: BTreeMap<String, Vec<u8>> = dump
        .split(|b| *b == b'\n')
        .map(|l| l.strip_suffix(b"\r").unwrap_or(l))
        .filter_map(|l| {
            let eq = l.iter().position(|b| *b == b'=')?;
            Some((
                String::from_utf8_lossy(&l[..eq]).into_owned(),
                l[eq + 1..].to_vec(),
            ))
        })
        .collect();
    let want: Vec<Option<&str>> = values.iter().map(|v| Some(v.as_str())).collect();
    problems.extend(compare("wine cmd", &names, &want, &got));
    let files: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|f| f != "apply.cmd" && f != "awsmfa-dump.txt")
        .collect();
    if !files.is_empty() {
        problems.push(format!("wine cmd: a value created files {files:?}"));
    }
    report("wine cmd", problems, values.len(), started);
}

/// The corpus and 1,000 generated values through the PowerShell model (tests/tools/ps_decode.py decode), one process.
#[test]
fn powershell_model_reads_back_generated_values() {
    let py = python();
    if !need(&py, "PowerShell model (tests/tools/ps_decode.py)") {
        return;
    }
    let started = std::time::Instant::now();
    // What PowerShell refuses (NUL, CR, LF, empty) is taken out, the rest of each value kept.
    let mut values: Vec<String> = common::hostile_values()
        .into_iter()
        .filter(|v| !powershell_refuses(v))
        .collect();
    values.extend(sample(
        BATCH,
        |s| s.replace(['\0', '\r', '\n'], ""),
        |s| !powershell_refuses(s),
    ));
    let names = names(values.len());
    let ops: Vec<Op> = names
        .iter()
        .zip(&values)
        .map(|(n, v)| Op::Set(n, v))
        .collect();
    let text = render::render_ops(Shell::Powershell, &ops).expect("nothing refused is left");
    let o = common::pipe(
        Command::new(&py).arg(tool("ps_decode.py")).arg("decode"),
        text.as_bytes(),
    );
    assert!(
        o.status.success(),
        "ps_decode.py decode failed: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).expect("JSON");
    let got: BTreeMap<String, Vec<u8>> = doc["set"]
        .as_object()
        .expect("a set map")
        .iter()
        .map(|(k, v)| {
            (
                k.clone(),
                v.as_str().unwrap_or_default().as_bytes().to_vec(),
            )
        })
        .collect();
    let want: Vec<Option<&str>> = values.iter().map(|v| Some(v.as_str())).collect();
    let mut problems = compare("powershell model", &names, &want, &got);
    let order: Vec<&str> = doc["order"]
        .as_array()
        .expect("an order list")
        .iter()
        .filter_map(|v| v.as_str())
        .collect();
    if order != names {
        problems.push("statements decoded out of order".into());
    }
    report("powershell model", problems, values.len(), started);
}

#[test]
fn the_batches_are_hostile_and_reproducible() {
    let a = batch_values();
    assert_eq!(a, batch_values(), "same seed, same values");
    let generated = &a[a.len() - BATCH..];
    for c in [
        '\'', '"', '`', '\\', '$', '!', '%', '^', '&', '|', '<', '>', '(', ')', ' ', '\t', '\n',
        '\r',
    ] {
        assert!(
            generated.iter().any(|v| v.contains(c)),
            "no {c:?} in the batch"
        );
    }
    for q in powershell::SINGLE_QUOTES {
        assert!(
            generated.iter().any(|v| v.contains(q)),
            "no {q:?} in the batch"
        );
    }
    assert!(generated.iter().any(|v| !v.is_ascii()));
    assert!(generated.iter().any(|v| v.ends_with('\\')));
    assert!(generated.iter().any(|v| v.starts_with('-')));
    assert!(generated.iter().any(String::is_empty));
    // NUL is generated too (the quoter properties see it; the real-shell batch leaves it out).
    assert!(
        sample(200, |s| s, |_| true)
            .iter()
            .any(|v| v.contains('\0'))
    );
}
