//! `awsmfa init`: the installable wrapper functions of shell/ (issue 3), run in their real shells against
//! the fake STS, linted, the cmd wrapper under Wine's cmd with a stand-in executable, the PowerShell one
//! through a tree-sitter syntax check, and the code prompt through the bash, fish and elvish functions in a
//! pseudo-terminal.
//!
//! Optional tools (shells, shellcheck, Wine, Python with tree-sitter) follow the rule in common: a missing
//! one skips the test, or fails it under `AWSMFA_TEST_REQUIRE_ALL=1`.

mod common;

use common::{Sandbox, need, run, skip, stderr, stdout};
use fake_sts::{FakeSts, IssuedOverride, User};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

/// `init` shell names and their files in shell/.
const SCRIPTS: [(&str, &str); 7] = [
    ("bash", "awsmfa.bash"),
    ("zsh", "awsmfa.zsh"),
    ("sh", "awsmfa.sh"),
    ("fish", "awsmfa.fish"),
    ("powershell", "awsmfa.ps1"),
    ("cmd", "awsmfa.cmd"),
    ("elvish", "awsmfa.elv"),
];

/// The variables the round trips read back (as a child process sees them: exported ones only).
const NAMES: [&str; 7] = [
    "AWS_ACCESS_KEY_ID",
    "AWS_SECRET_ACCESS_KEY",
    "AWS_SESSION_TOKEN",
    "AWS_CREDENTIAL_EXPIRATION",
    "AWS_SECURITY_TOKEN",
    "AWS_REGION",
    "AWS_DEFAULT_REGION",
];

fn shell_file(file: &str) -> String {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("shell")
        .join(file);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

/// What `awsmfa init <shell> [--cmd NAME]` prints; the test fails unless it exits 0 with empty stderr.
fn init(shell: &str, name: Option<&str>) -> String {
    let sb = Sandbox::new();
    let mut cmd = sb.awsmfa();
    cmd.args(["init", shell]);
    if let Some(name) = name {
        cmd.args(["--cmd", name]);
    }
    let out = run(&mut cmd);
    assert_eq!(out.status.code(), Some(0), "init {shell}: {}", stderr(&out));
    assert!(out.stderr.is_empty(), "init {shell}: {}", stderr(&out));
    stdout(&out)
}

fn write(path: &Path, text: impl AsRef<[u8]>) {
    std::fs::write(path, text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
}

/// PATH with the directory of the awsmfa under test first, so the wrappers' `command awsmfa` finds it.
fn path_with_awsmfa() -> std::ffi::OsString {
    let dir = common::awsmfa_bin().parent().unwrap().to_path_buf();
    let rest = std::env::var_os("PATH").unwrap_or_default();
    std::env::join_paths(std::iter::once(dir).chain(std::env::split_paths(&rest))).unwrap()
}

/// A sandbox with alice as `default` and bob as `bob`.
fn sandbox() -> Sandbox {
    let sb = Sandbox::new();
    sb.with_user_profile("default", &User::alice());
    sb.with_user_profile("bob", &User::bob());
    sb
}

/// A command for `program` in the sandbox, pointed at `sts`, with the test's awsmfa first on PATH.
fn shell_command(sb: &Sandbox, sts: &FakeSts, program: &str) -> Command {
    let mut cmd = sb.command(program);
    cmd.env("PATH", path_with_awsmfa())
        .env("AWS_ENDPOINT_URL_STS", sts.url());
    cmd
}

// ------------------------------------------------------------------------------------------------------
// init prints the files

#[test]
fn init_prints_each_file_with_the_name_substituted() {
    for (shell, file) in SCRIPTS {
        let text = shell_file(file);
        assert!(
            text.contains(awsmfa::init::NAME_PLACEHOLDER),
            "{file} has no placeholder"
        );
        assert_eq!(
            init(shell, None),
            text.replace("__AWSMFA_CMD__", "mfa"),
            "{shell}"
        );
        let other = init(shell, Some("other_mfa"));
        assert_eq!(
            other,
            text.replace("__AWSMFA_CMD__", "other_mfa"),
            "{shell}"
        );
        assert!(!other.contains("__AWSMFA_CMD__"));
    }
    assert_eq!(init("pwsh", None), init("powershell", None));
}

#[test]
fn init_refuses_an_unusable_name_with_status_2() {
    // Malformed names; `my-mfa` (dash and busybox refuse `-` in function names); names that would shadow
    // what the wrappers or everyday use call (`eval`, `export`, elvish's `slurp`, the AWS CLI).
    for name in [
        "",
        "1mfa",
        "a b",
        "a;b",
        "$(x)",
        "m\u{e9}",
        &"m".repeat(65),
        "my-mfa",
        "eval",
        "export",
        "slurp",
        "aws",
        "__awsmfa_x",
    ] {
        let out = run(Sandbox::new()
            .awsmfa()
            .args(["init", "bash", "--cmd", name]));
        assert_eq!(out.status.code(), Some(2), "{name:?}: {}", stderr(&out));
        assert!(out.stdout.is_empty(), "{name:?}");
    }
}

#[test]
fn cmd_script_has_crlf_lines_and_clears_what_unset_removes() {
    let text = shell_file("awsmfa.cmd");
    assert!(text.ends_with("\r\n"));
    assert_eq!(
        text.matches('\n').count(),
        text.matches("\r\n").count(),
        "every line of shell/awsmfa.cmd ends in CRLF"
    );
    // The wrapper clears this list before it copies the staged values: it must be what --unset removes.
    let list = format!("in ({}) do", awsmfa::render::MANAGED.join(" "));
    assert!(text.contains(&list), "shell/awsmfa.cmd lacks `{list}`");
    let standin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/init/standin.cmd"),
    )
    .unwrap();
    assert_eq!(
        standin.matches('\n').count(),
        standin.matches("\r\n").count()
    );
}

// ------------------------------------------------------------------------------------------------------
// Lint what init prints

/// Runs `program args… FILE` on init's output for `shell`; the check must pass with no output.
fn lint(shell: &str, ext: &str, program: &str, args: &[&str]) {
    if !need(program, "lint of awsmfa init output") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join(format!("init.{ext}"));
    write(&file, init(shell, None));
    let out = run(Command::new(program).args(args).arg(&file));
    assert!(
        out.status.success() && out.stdout.is_empty() && out.stderr.is_empty(),
        "{program} {args:?} on init {shell}: status {:?}\n{}{}",
        out.status.code(),
        stdout(&out),
        stderr(&out)
    );
}

#[test]
fn shellcheck_passes_on_bash_output() {
    lint("bash", "bash", "shellcheck", &["-s", "bash"]);
}

#[test]
fn shellcheck_passes_on_sh_output() {
    lint("sh", "sh", "shellcheck", &["-s", "sh"]);
}

#[test]
fn bash_parses_bash_output() {
    lint("bash", "bash", "bash", &["-n"]);
}

#[test]
fn zsh_parses_zsh_output() {
    lint("zsh", "zsh", "zsh", &["-n"]);
}

#[test]
fn dash_parses_sh_output() {
    lint("sh", "sh", "dash", &["-n"]);
}

#[test]
fn fish_parses_fish_output() {
    lint("fish", "fish", "fish", &["--no-execute"]);
}

#[test]
fn elvish_compiles_elvish_output() {
    lint("elvish", "elv", "elvish", &["-compileonly"]);
}

/// The Python for tests/tools scripts when it has the tree-sitter packages.
fn python_with_tree_sitter() -> Option<String> {
    let python = common::python();
    if !need(&python, "PowerShell syntax check") {
        return None;
    }
    let ok = Command::new(&python)
        .args(["-c", "import tree_sitter, tree_sitter_powershell"])
        .output()
        .is_ok_and(|o| o.status.success());
    if ok {
        Some(python)
    } else {
        skip(&format!(
            "{python} lacks tree-sitter/tree-sitter-powershell (set AWSMFA_TEST_PYTHON to a venv with them)"
        ));
        None
    }
}

#[test]
fn powershell_output_passes_the_tree_sitter_syntax_check() {
    let Some(python) = python_with_tree_sitter() else {
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("init.ps1");
    write(&file, init("powershell", None));
    let out = run(Command::new(&python)
        .arg(common::tool("ps_decode.py"))
        .arg("syntax")
        .arg(&file));
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}{}",
        stdout(&out),
        stderr(&out)
    );
    // The check is not vacuous: a broken copy fails.
    write(
        &file,
        init("powershell", None)
            .replace("if ($__awsmfa_status -ne 0)", "if ($__awsmfa_status -ne )"),
    );
    let out = run(Command::new(&python)
        .arg(common::tool("ps_decode.py"))
        .arg("syntax")
        .arg(&file));
    assert_ne!(out.status.code(), Some(0), "a syntax error must be found");
}

#[test]
fn powershell_wrapper_keeps_to_its_contract() {
    // What a model-free reading can pin down (PowerShell cannot run here): see the report for the rest.
    let text = init("powershell", None);
    for needle in [
        "function global:mfa {",
        "& awsmfa export --shell powershell @__awsmfa_args",
        "$__awsmfa_status = $LASTEXITCODE",
        "Write-Error",
        "Invoke-Expression ($__awsmfa_out | Out-String)",
        "-cmatch '^(--help|--version|-[^-]*[hV].*)$'",
    ] {
        assert!(text.contains(needle), "init powershell lacks {needle:?}");
    }
    // Invoke-Expression comes after the status check, and nothing else evaluates the output.
    let apply = "Invoke-Expression ($__awsmfa_out";
    assert!(text.find("-ne 0").unwrap() < text.find(apply).unwrap());
    assert_eq!(
        text.matches("Invoke-Expression (").count(),
        2,
        "the install line and the apply"
    );
}

// ------------------------------------------------------------------------------------------------------
// Real shells: sourcing is quiet and idempotent

/// A shell to run a wrapper in: program and arguments (before the script), the `init` shell, and the
/// script's dialect.
#[derive(Clone, Copy)]
struct RealShell {
    label: &'static str,
    argv: &'static [&'static str],
    init: &'static str,
    dialect: Dialect,
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Dialect {
    Posix,
    Fish,
    Elvish,
}

const BASH: RealShell = RealShell {
    label: "bash",
    argv: &["bash", "--norc", "--noprofile", "-c"],
    init: "bash",
    dialect: Dialect::Posix,
};
const ZSH: RealShell = RealShell {
    label: "zsh",
    argv: &["zsh", "-f", "-c"],
    init: "zsh",
    dialect: Dialect::Posix,
};
const DASH: RealShell = RealShell {
    label: "dash",
    argv: &["dash", "-c"],
    init: "sh",
    dialect: Dialect::Posix,
};
const MKSH: RealShell = RealShell {
    label: "mksh",
    argv: &["mksh", "-c"],
    init: "sh",
    dialect: Dialect::Posix,
};
const BUSYBOX: RealShell = RealShell {
    label: "busybox sh",
    argv: &["busybox", "sh", "-c"],
    init: "sh",
    dialect: Dialect::Posix,
};
const FISH: RealShell = RealShell {
    label: "fish",
    argv: &["fish", "--no-config", "-c"],
    init: "fish",
    dialect: Dialect::Fish,
};
/// elvish runs a script file (init output + test code): names defined by `eval` are not visible to code
/// compiled before it, so the test code cannot follow an `eval` in the same file.
const ELVISH: RealShell = RealShell {
    label: "elvish",
    argv: &["elvish", "-norc"],
    init: "elvish",
    dialect: Dialect::Elvish,
};

impl RealShell {
    fn available(&self) -> bool {
        need(self.argv[0], &format!("{} wrapper tests", self.label))
    }

    /// Runs `prelude` and then `code` in this shell (`cmd` runs the shell's program, see
    /// [`RealShell::program_command`]); for elvish both go into one script file in `dir`.
    fn run(
        &self,
        cmd: &mut Command,
        dir: &Path,
        prelude: &str,
        code: &str,
    ) -> std::process::Output {
        cmd.args(&self.argv[1..]);
        if self.dialect == Dialect::Elvish {
            let file = dir.join("script.elv");
            write(&file, format!("{prelude}\n{code}"));
            cmd.arg(file);
        } else {
            cmd.arg(format!("{prelude}\n{code}"));
        }
        run(cmd)
    }

    /// The code that installs the wrapper the way the README says (twice: installing twice is harmless).
    fn install_twice(&self) -> String {
        match self.dialect {
            Dialect::Posix => format!(
                "eval \"$(awsmfa init {0})\"\neval \"$(awsmfa init {0})\"\n",
                self.init
            ),
            Dialect::Fish => "awsmfa init fish | source\nawsmfa init fish | source\n".into(),
            // See ELVISH: the init text itself, twice, in the script file.
            Dialect::Elvish => format!("{0}\n{0}\n", init("elvish", None)),
        }
    }

    fn program_command(&self, sb: &Sandbox, sts: &FakeSts) -> Command {
        shell_command(sb, sts, self.argv[0])
    }
}

fn sourcing_is_quiet(shell: RealShell) {
    if !shell.available() {
        return;
    }
    let sts = FakeSts::start(vec![User::alice()]);
    let sb = sandbox();
    let check = match shell.dialect {
        Dialect::Posix => "command -v mfa",
        Dialect::Fish => "functions -q mfa; and echo mfa",
        Dialect::Elvish => "if (eq (kind-of $mfa~) fn) { echo mfa }",
    };
    let out = shell.run(
        &mut shell.program_command(&sb, &sts),
        sb.home(),
        &shell.install_twice(),
        check,
    );
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}: {}",
        shell.label,
        stderr(&out)
    );
    assert_eq!(
        stdout(&out),
        "mfa\n",
        "{}: the function is defined",
        shell.label
    );
    assert_eq!(
        stderr(&out),
        "",
        "{}: sourcing prints nothing on stderr",
        shell.label
    );
    if shell.dialect == Dialect::Elvish {
        // The install line itself, in a script: `eval` defines the function inside eval's namespace and
        // the edit: module is missing; both must stay quiet.
        let mut cmd = shell.program_command(&sb, &sts);
        let out = run(cmd.args([
            "-norc",
            "-c",
            "eval (awsmfa init elvish | slurp); eval (awsmfa init elvish | slurp)",
        ]));
        assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
        assert!(
            out.stdout.is_empty() && out.stderr.is_empty(),
            "{}",
            stderr(&out)
        );
    }
    assert_eq!(sts.requests().len(), 0);
}

#[test]
fn sourcing_bash_defines_mfa_quietly() {
    sourcing_is_quiet(BASH);
}
#[test]
fn sourcing_zsh_defines_mfa_quietly() {
    sourcing_is_quiet(ZSH);
}
#[test]
fn sourcing_sh_in_dash_defines_mfa_quietly() {
    sourcing_is_quiet(DASH);
}
#[test]
fn sourcing_sh_in_mksh_defines_mfa_quietly() {
    sourcing_is_quiet(MKSH);
}
#[test]
fn sourcing_sh_in_busybox_defines_mfa_quietly() {
    sourcing_is_quiet(BUSYBOX);
}
#[test]
fn sourcing_fish_defines_mfa_quietly() {
    sourcing_is_quiet(FISH);
}
#[test]
fn sourcing_elvish_defines_mfa_quietly() {
    sourcing_is_quiet(ELVISH);
}

// ------------------------------------------------------------------------------------------------------
// Real shells: the function against the fake STS

/// One call of the function: a step name and its arguments (none holds a single quote).
struct Step {
    name: &'static str,
    args: Vec<String>,
    /// Send the function's stdout to this file (for steps that print), which must then hold this text.
    stdout_to: Option<(PathBuf, &'static str)>,
}

fn single_quoted(args: &[String]) -> String {
    args.iter()
        .map(|a| {
            assert!(!a.contains('\'') && !a.contains('\\'));
            format!("'{a}'")
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The test code for `shell`: preset two variables, then run each step and report its status and every
/// variable in NAMES as `printenv` sees it:
/// `== STEP STATUS` then `NAME=value` or `NAME=<unset>` lines.
fn round_trip_code(dialect: Dialect, steps: &[Step]) -> String {
    let names = NAMES.join(" ");
    let mut code = String::new();
    match dialect {
        Dialect::Posix => {
            code.push_str(&format!(
                "report() {{ printf '== %s %s\\n' \"$1\" \"$2\"; for n in {names}; do printf '%s=' \"$n\"; printenv \"$n\" || echo '<unset>'; done; }}\n\
                 export AWS_ACCESS_KEY_ID=preset AWS_SECURITY_TOKEN=legacy\n"
            ));
            for s in steps {
                let redirect = s
                    .stdout_to
                    .as_ref()
                    .map(|(p, _)| format!(" > '{}'", p.display()))
                    .unwrap_or_default();
                code.push_str(&format!(
                    "mfa {}{redirect}; report {} $?\n",
                    single_quoted(&s.args),
                    s.name
                ));
            }
        }
        Dialect::Fish => {
            code.push_str(&format!(
                "function report; printf '== %s %s\\n' $argv[1] $argv[2]; for n in {names}; printf '%s=' $n; printenv $n; or echo '<unset>'; end; end\n\
                 set -gx AWS_ACCESS_KEY_ID preset; set -gx AWS_SECURITY_TOKEN legacy\n"
            ));
            for s in steps {
                let redirect = s
                    .stdout_to
                    .as_ref()
                    .map(|(p, _)| format!(" > '{}'", p.display()))
                    .unwrap_or_default();
                code.push_str(&format!(
                    "mfa {}{redirect}; report {} $status\n",
                    single_quoted(&s.args),
                    s.name
                ));
            }
        }
        Dialect::Elvish => {
            code.push_str(&format!(
                "fn report {{|step st| echo '==' $step $st; for n [{names}] {{ print $n'='; try {{ e:printenv $n }} catch {{ echo '<unset>' }} }} }}\n\
                 var st = 0\n\
                 fn call {{|@a| try {{ mfa $@a; set st = 0 }} catch e {{ set st = $e[reason][exit-status] }} }}\n\
                 set-env AWS_ACCESS_KEY_ID preset; set-env AWS_SECURITY_TOKEN legacy\n"
            ));
            for s in steps {
                let redirect = s
                    .stdout_to
                    .as_ref()
                    .map(|(p, _)| format!(" > '{}'", p.display()))
                    .unwrap_or_default();
                code.push_str(&format!(
                    "call {}{redirect}; report {} $st\n",
                    single_quoted(&s.args),
                    s.name
                ));
            }
        }
    }
    code
}

/// Step name → (status, variables as printenv saw them; None = unset).
type Reports = BTreeMap<String, (i32, BTreeMap<String, Option<String>>)>;

fn parse_reports(text: &str) -> Reports {
    let mut reports = Reports::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        if let Some(rest) = line.strip_prefix("== ") {
            let (step, status) = rest.split_once(' ').expect("== STEP STATUS");
            let status = status.trim().parse().expect("numeric status");
            reports.insert(step.to_string(), (status, BTreeMap::new()));
            current = Some(step.to_string());
        } else if let Some((name, value)) = line.split_once('=') {
            let step = current.as_ref().expect("a report line before any step");
            let value = (value != "<unset>").then(|| value.to_string());
            reports
                .get_mut(step)
                .unwrap()
                .1
                .insert(name.to_string(), value);
        } else {
            panic!("unexpected output line {line:?} in\n{text}");
        }
    }
    reports
}

fn round_trip(shell: RealShell) {
    if !shell.available() {
        return;
    }
    let alice = User::alice();
    let bob = User::bob();
    let sts = FakeSts::start(vec![alice.clone(), bob.clone()]);
    let sb = sandbox();
    let printed = sb.home().join("printed files");
    std::fs::create_dir(&printed).unwrap();
    let code = alice.totp_now();
    let steps = [
        Step {
            name: "ok",
            args: vec!["--no-cache".into(), "--token-code".into(), code.clone()],
            stdout_to: None,
        },
        // The same code again: STS refuses a used code (exit status 4).
        Step {
            name: "reused",
            args: vec!["--no-cache".into(), "--token-code".into(), code.clone()],
            stdout_to: None,
        },
        // Printing forms run awsmfa as is: nothing is evaluated, the text reaches stdout.
        Step {
            name: "help",
            args: vec!["--help".into()],
            stdout_to: Some((printed.join("help.txt"), "Usage:")),
        },
        Step {
            name: "help-short",
            args: vec!["-h".into()],
            stdout_to: Some((printed.join("h.txt"), "Usage:")),
        },
        Step {
            name: "help-cluster",
            args: vec!["--no-cache".into(), "-vh".into()],
            stdout_to: Some((printed.join("vh.txt"), "Usage:")),
        },
        Step {
            name: "version",
            args: vec!["-V".into()],
            stdout_to: Some((printed.join("version.txt"), "awsmfa ")),
        },
        Step {
            name: "subcommand",
            args: vec!["completions".into(), "bash".into()],
            stdout_to: Some((printed.join("completions.txt"), "awsmfa")),
        },
        // An argument with a space arrives whole: awsmfa names the profile it did not find (the SDK
        // accepts no profile name with a space, so this is a failure, status 3).
        Step {
            name: "spaces",
            args: vec!["--no-cache".into(), "--profile".into(), "my profile".into()],
            stdout_to: None,
        },
        Step {
            name: "unset",
            args: vec!["--unset".into()],
            stdout_to: None,
        },
        Step {
            name: "export",
            args: vec![
                "export".into(),
                "--no-cache".into(),
                "--profile".into(),
                "bob".into(),
                "--token-code".into(),
                bob.totp_now(),
            ],
            stdout_to: None,
        },
        Step {
            name: "export-unset",
            args: vec!["export".into(), "--unset".into()],
            stdout_to: None,
        },
    ];
    let prelude = match shell.dialect {
        Dialect::Elvish => init("elvish", None),
        Dialect::Fish => "awsmfa init fish | source\n".into(),
        Dialect::Posix => format!("eval \"$(awsmfa init {})\"\n", shell.init),
    };
    let out = shell.run(
        &mut shell.program_command(&sb, &sts),
        sb.home(),
        &prelude,
        &round_trip_code(shell.dialect, &steps),
    );
    let label = shell.label;
    let err = stderr(&out);
    assert_eq!(out.status.code(), Some(0), "{label}: {err}");
    let reports = parse_reports(&stdout(&out));
    assert_eq!(
        reports.len(),
        steps.len(),
        "{label}: {}\n{err}",
        stdout(&out)
    );

    let issued = sts.issued();
    assert_eq!(issued.len(), 2, "{label}: two sessions issued\n{err}");
    let requests = sts.requests();
    assert_eq!(
        sts.calls("GetSessionToken"),
        3,
        "{label}: one call per code-bearing step"
    );

    let creds = |i: usize| -> BTreeMap<String, Option<String>> {
        let s = &issued[i];
        NAMES
            .iter()
            .map(|n| {
                let v = match *n {
                    "AWS_ACCESS_KEY_ID" => Some(s.access_key_id.clone()),
                    "AWS_SECRET_ACCESS_KEY" => Some(s.secret_access_key.clone()),
                    "AWS_SESSION_TOKEN" => Some(s.session_token.clone()),
                    "AWS_CREDENTIAL_EXPIRATION" => Some(s.expiration.clone()),
                    _ => None,
                };
                (n.to_string(), v)
            })
            .collect()
    };
    let none: BTreeMap<String, Option<String>> =
        NAMES.iter().map(|n| (n.to_string(), None)).collect();
    let step = |name: &str| {
        reports
            .get(name)
            .unwrap_or_else(|| panic!("{label}: no {name}"))
    };

    assert_eq!(step("ok"), &(0, creds(0)), "{label}: ok\n{err}");
    assert_eq!(
        step("reused"),
        &(4, creds(0)),
        "{label}: a rejected code changes nothing and the status is awsmfa's"
    );
    assert!(err.contains("already used"), "{label}: {err}");
    for s in &steps {
        if let Some((file, want)) = &s.stdout_to {
            assert_eq!(
                step(s.name),
                &(0, creds(0)),
                "{label}: {} is not evaluated",
                s.name
            );
            let text = std::fs::read_to_string(file).unwrap();
            assert!(
                text.contains(want),
                "{label}: {} went to stdout: {text:?}",
                s.name
            );
        }
    }
    assert_eq!(
        step("spaces"),
        &(3, creds(0)),
        "{label}: --profile 'my profile'"
    );
    assert!(
        err.contains("profile \"my profile\" not found"),
        "{label}: the argument with a space arrived whole: {err}"
    );
    assert_eq!(step("unset"), &(0, none.clone()), "{label}: --unset");
    assert_eq!(
        step("export"),
        &(0, creds(1)),
        "{label}: a leading `export`\n{err}"
    );
    assert_eq!(
        requests.last().unwrap().access_key_id.as_deref(),
        Some(bob.access_key_id.as_str()),
        "{label}: --profile bob signed the last call"
    );
    assert_eq!(
        step("export-unset"),
        &(0, none),
        "{label}: a leading `export`"
    );
}

#[test]
fn round_trip_bash() {
    round_trip(BASH);
}
#[test]
fn round_trip_zsh() {
    round_trip(ZSH);
}
#[test]
fn round_trip_sh_in_dash() {
    round_trip(DASH);
}
#[test]
fn round_trip_sh_in_mksh() {
    round_trip(MKSH);
}
#[test]
fn round_trip_sh_in_busybox() {
    round_trip(BUSYBOX);
}
#[test]
fn round_trip_fish() {
    round_trip(FISH);
}
#[test]
fn round_trip_elvish() {
    round_trip(ELVISH);
}

#[test]
fn posix_wrappers_leave_no_helper_variables_behind() {
    // sh has no `local`: its __awsmfa_* globals must be gone after success, failure and pass-through.
    for shell in [DASH, MKSH, BUSYBOX, BASH, ZSH] {
        if !shell.available() {
            continue;
        }
        let sts = FakeSts::builder()
            .user(User::alice())
            .any_code(true)
            .start();
        sts.push_error(403, "AccessDenied", fake_sts::MFA_FAILED);
        let sb = sandbox();
        let out = shell.run(
            &mut shell.program_command(&sb, &sts),
            sb.home(),
            &format!("eval \"$(awsmfa init {})\"", shell.init),
            "mfa --token-code 123456; echo \"status=$?\"\n\
             mfa --token-code 123456; echo \"status=$?\"\n\
             mfa --version >/dev/null; mfa --unset\n\
             set | grep '^__awsmfa' || echo clean",
        );
        assert_eq!(
            stdout(&out),
            "status=4\nstatus=0\nclean\n",
            "{}: {}",
            shell.label,
            stderr(&out)
        );
    }
}

// ------------------------------------------------------------------------------------------------------
// The prompt through the functions, in a pseudo-terminal

#[derive(Debug)]
struct PtyResult {
    exit: Option<i64>,
    terminal: String,
    unmatched: Option<String>,
}

/// Runs `argv` in a pseudo-terminal (stdout too) with tests/tools/pty_run.py and the environment of
/// `env_from`; `steps` are pty_run.py's (`expect`, TEXT) and (`send`, TEXT) steps, in order.
fn pty_run(env_from: &Command, steps: &[(&str, &str)], argv: &[&str]) -> Option<PtyResult> {
    let python = common::python();
    if !need(&python, "pseudo-terminal tests") {
        return None;
    }
    let tool = common::tool("pty_run.py");
    if !tool.is_file() {
        skip("tests/tools/pty_run.py is missing");
        return None;
    }
    let mut args: Vec<String> = vec![tool.display().to_string()];
    for (kind, text) in steps {
        args.push(format!("--{kind}"));
        args.push(text.to_string());
    }
    args.extend(["--timeout", "30", "--stdout-tty", "--"].map(String::from));
    args.extend(argv.iter().map(|s| s.to_string()));
    let mut py = Command::new(&python);
    py.args(&args).env_clear();
    for (k, v) in env_from.get_envs() {
        if let Some(v) = v {
            py.env(k, v);
        }
    }
    let out = run(&mut py);
    assert_eq!(out.status.code(), Some(0), "pty_run.py: {}", stderr(&out));
    let json = stdout(&out);
    let field = |name: &str| -> Option<String> { json_field(&json, name) };
    Some(PtyResult {
        exit: field("exit").and_then(|v| v.parse().ok()),
        terminal: field("terminal").unwrap_or_default(),
        unmatched: field("unmatched"),
    })
}

/// A tiny reader for pty_run.py's flat JSON object: a string or number field by name.
fn json_field(json: &str, name: &str) -> Option<String> {
    let key = format!("\"{name}\": ");
    let start = json.find(&key)? + key.len();
    let rest = &json[start..];
    if let Some(body) = rest.strip_prefix('"') {
        let mut out = String::new();
        let mut chars = body.chars();
        while let Some(c) = chars.next() {
            match c {
                '"' => return Some(out),
                '\\' => match chars.next()? {
                    'n' => out.push('\n'),
                    'r' => out.push('\r'),
                    't' => out.push('\t'),
                    'u' => {
                        let hex: String = chars.by_ref().take(4).collect();
                        out.push(
                            char::from_u32(u32::from_str_radix(&hex, 16).ok()?).unwrap_or('?'),
                        );
                    }
                    other => out.push(other),
                },
                c => out.push(c),
            }
        }
        None
    } else {
        let end = rest.find([',', '}']).unwrap_or(rest.len());
        let v = rest[..end].trim();
        (v != "null").then(|| v.to_string())
    }
}

fn prompt_through(shell: RealShell, script: &str) {
    if !shell.available() {
        return;
    }
    let alice = User::alice();
    let sts = FakeSts::start(vec![alice.clone()]);
    let sb = sandbox();
    let result = sb.home().join("result.txt");
    let script = script.replace("RESULT", &result.display().to_string());
    let mut argv: Vec<&str> = shell.argv.to_vec();
    argv.push(&script);
    let code = alice.totp_now();
    let Some(r) = pty_run(
        &shell.program_command(&sb, &sts),
        &[("expect", "MFA code for"), ("send", &code)],
        &argv,
    ) else {
        return;
    };
    let label = shell.label;
    assert_eq!(
        r.unmatched, None,
        "{label}: no prompt on the terminal: {:?}",
        r.terminal
    );
    assert_eq!(r.exit, Some(0), "{label}: {:?}", r.terminal);
    assert!(
        r.terminal
            .contains("MFA code for arn:aws:iam::123456789012:mfa/alice"),
        "{:?}",
        r.terminal
    );
    assert!(
        !r.terminal.contains(&code),
        "{label}: the code is not echoed: {:?}",
        r.terminal
    );
    let issued = sts.issued();
    assert_eq!(issued.len(), 1, "{label}: {:?}", r.terminal);
    let got = std::fs::read_to_string(&result).unwrap();
    assert_eq!(
        got,
        format!(
            "status=0 {} {}\n",
            issued[0].access_key_id, issued[0].session_token
        ),
        "{label}: the variables are set in the shell that typed the code"
    );
}

#[test]
fn prompt_through_the_bash_function_in_a_pty() {
    prompt_through(
        BASH,
        "eval \"$(awsmfa init bash)\"; mfa; echo \"status=$? $AWS_ACCESS_KEY_ID $AWS_SESSION_TOKEN\" > 'RESULT'",
    );
}

#[test]
fn prompt_through_the_fish_function_in_a_pty() {
    prompt_through(
        FISH,
        "awsmfa init fish | source; mfa; echo \"status=$status $AWS_ACCESS_KEY_ID $AWS_SESSION_TOKEN\" > 'RESULT'",
    );
}

#[test]
fn prompt_through_the_elvish_function_installed_by_rc_elv_in_a_pty() {
    // Interactive elvish with the README's line in its rc file: the function reaches the prompt through
    // edit:add-var, and the prompt for the code goes through it.
    if !ELVISH.available() {
        return;
    }
    let alice = User::alice();
    let sts = FakeSts::start(vec![alice.clone()]);
    let sb = sandbox();
    let rc = sb.home().join("rc.elv");
    write(
        &rc,
        "eval (awsmfa init elvish | slurp)\neval (awsmfa init elvish | slurp)\n",
    );
    let result = sb.home().join("result.txt");
    let line = format!(
        "mfa; echo 'status=0' $E:AWS_ACCESS_KEY_ID $E:AWS_SESSION_TOKEN > '{}'; exit",
        result.display()
    );
    let code = alice.totp_now();
    let rc_arg = rc.display().to_string();
    let Some(r) = pty_run(
        &ELVISH.program_command(&sb, &sts),
        &[
            ("expect", "> "),
            ("send", &line),
            ("expect", "MFA code for"),
            ("send", &code),
        ],
        &["elvish", "-rc", &rc_arg],
    ) else {
        return;
    };
    assert_eq!(r.unmatched, None, "{:?}", r.terminal);
    assert_eq!(r.exit, Some(0), "{:?}", r.terminal);
    let issued = sts.issued();
    assert_eq!(issued.len(), 1, "{:?}", r.terminal);
    assert_eq!(
        std::fs::read_to_string(&result).unwrap(),
        format!(
            "status=0 {} {}\n",
            issued[0].access_key_id, issued[0].session_token
        )
    );
}

// ------------------------------------------------------------------------------------------------------
// cmd under Wine, with a stand-in for awsmfa.exe

/// What one run of a driver under Wine's cmd left behind.
#[derive(Debug)]
struct CmdRun {
    /// `%errorlevel%` after `call mfa.cmd …`.
    errorlevel: i32,
    /// `set AWS_` afterwards: NAME → value.
    vars: BTreeMap<String, String>,
    /// The stand-in's argument lines (one per run of the "awsmfa" it stands in for).
    calls: Vec<String>,
    /// Lines of `set __awsmfa` afterwards (must be empty: no helper variables left).
    left: Vec<String>,
    /// What the driver printed (the stand-in's pass-through output lands here).
    stdout: String,
    /// Files the run created besides the expected ones (e.g. pwned.txt).
    dir: tempfile::TempDir,
}

fn crlf(text: &str) -> String {
    text.replace("\r\n", "\n").replace('\n', "\r\n")
}

fn read_lines(path: &Path) -> Vec<String> {
    std::fs::read(path)
        .map(|b| {
            String::from_utf8_lossy(&b)
                .split("\r\n")
                .flat_map(|l| l.split('\n'))
                .filter(|l| !l.is_empty())
                .map(String::from)
                .collect()
        })
        .unwrap_or_default()
}

/// Runs `call mfa.cmd ARGS` (mfa.cmd = `awsmfa init cmd`) under Wine's cmd, with the stand-in replaying
/// `output` and exiting with `status`, after presetting `preset`.
fn cmd_wrapper(
    prefix: &Path,
    output: &[u8],
    status: i32,
    preset: &[(&str, &str)],
    args: &str,
) -> CmdRun {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("mfa.cmd"), init("cmd", None));
    let standin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/init/standin.cmd"),
    )
    .unwrap();
    write(&d.join("standin.cmd"), crlf(&standin));
    write(&d.join("standin-out.txt"), output);
    let mut driver = String::new();
    for (name, value) in preset {
        driver.push_str(&format!("@set \"{name}={value}\"\n"));
    }
    driver.push_str(&format!(
        "@set AWSMFA_EXE=standin.cmd\n\
         @set AWSMFA_STANDIN_STATUS={status}\n\
         @call mfa.cmd {args}\n\
         @>errorlevel.txt echo %errorlevel%\n\
         @>vars.txt set AWS_\n\
         @>left.txt set __awsmfa\n\
         @set AWSMFA_EXE=\n\
         @set AWSMFA_STANDIN_STATUS=\n"
    ));
    write(&d.join("driver.cmd"), crlf(&driver));
    let sb = Sandbox::new();
    let mut cmd = sb.command("wine");
    cmd.args(["cmd", "/c", "driver.cmd"])
        .current_dir(d)
        .env("WINEPREFIX", prefix)
        .env("WINEDEBUG", "-all");
    let out = run(&mut cmd);
    let errorlevel = read_lines(&d.join("errorlevel.txt"))
        .first()
        .unwrap_or_else(|| panic!("driver did not run: {}{}", stdout(&out), stderr(&out)))
        .trim()
        .parse()
        .unwrap();
    let vars = read_lines(&d.join("vars.txt"))
        .into_iter()
        .map(|l| {
            let (n, v) = l.split_once('=').unwrap();
            (n.to_string(), v.to_string())
        })
        .collect();
    CmdRun {
        errorlevel,
        vars,
        calls: read_lines(&d.join("standin-calls.txt"))
            .into_iter()
            .map(|l| l.trim_end().to_string())
            .collect(),
        left: read_lines(&d.join("left.txt")),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        dir,
    }
}

/// The exit code of `wine cmd /c mfa.cmd ARGS` itself (Wine 8's `call` of a batch file reports any
/// non-zero `exit /b N` as 1, so the exact status is read from the process).
fn cmd_wrapper_exit_code(prefix: &Path, output: &[u8], status: i32, args: &[&str]) -> Option<i32> {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    write(&d.join("mfa.cmd"), init("cmd", None));
    let standin = std::fs::read_to_string(
        Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/init/standin.cmd"),
    )
    .unwrap();
    write(&d.join("standin.cmd"), crlf(&standin));
    write(&d.join("standin-out.txt"), output);
    let sb = Sandbox::new();
    let mut cmd = sb.command("wine");
    cmd.args(["cmd", "/c", "mfa.cmd"])
        .args(args)
        .current_dir(d)
        .env("WINEPREFIX", prefix)
        .env("WINEDEBUG", "-all")
        .env("AWSMFA_EXE", "standin.cmd")
        .env("AWSMFA_STANDIN_STATUS", status.to_string());
    run(&mut cmd).status.code()
}

/// Real `awsmfa --shell cmd` output from the fake STS, handing out `values` (access key id, secret,
/// token), with `--region eu-west-1` so the region variables are set too.
fn real_cmd_output(values: (&str, &str, &str)) -> (Vec<u8>, fake_sts::Issued) {
    let sts = FakeSts::builder()
        .user(User::alice())
        .any_code(true)
        .start();
    sts.push_credentials(IssuedOverride {
        access_key_id: values.0.into(),
        secret_access_key: values.1.into(),
        session_token: values.2.into(),
        expiration: None,
    });
    let sb = sandbox();
    let out = run(sb.awsmfa_at(&sts).args([
        "--shell",
        "cmd",
        "--token-code",
        "123456",
        "--region",
        "eu-west-1",
    ]));
    assert_eq!(out.status.code(), Some(0), "{}", stderr(&out));
    (out.stdout, sts.issued().remove(0))
}

const PRESET: [(&str, &str); 4] = [
    ("AWS_ACCESS_KEY_ID", "before"),
    ("AWS_SECURITY_TOKEN", "legacy"),
    ("AWS_CREDENTIAL_EXPIRATION", "then"),
    ("AWS_PROFILE", "kept"),
];

fn preset_vars() -> BTreeMap<String, String> {
    PRESET
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect()
}

#[test]
fn cmd_wrapper_applies_real_output_literally_under_wine() {
    let Some(prefix) = common::wine_prefix() else {
        return;
    };
    let (output, issued) = real_cmd_output((
        "ASIA&|<>^()x",
        "x & echo PWNED > pwned.txt",
        "=lead ^ | < > & ( ) ; , . = tail",
    ));
    let r = cmd_wrapper(
        &prefix,
        &output,
        0,
        &PRESET,
        "--profile \"my profile\" --token-code 123456",
    );
    assert_eq!(r.errorlevel, 0, "{r:?}");
    let mut want = preset_vars();
    want.remove("AWS_SECURITY_TOKEN");
    for (n, v) in [
        ("AWS_ACCESS_KEY_ID", issued.access_key_id.as_str()),
        ("AWS_SECRET_ACCESS_KEY", &issued.secret_access_key),
        ("AWS_SESSION_TOKEN", &issued.session_token),
        ("AWS_CREDENTIAL_EXPIRATION", &issued.expiration),
        ("AWS_REGION", "eu-west-1"),
        ("AWS_DEFAULT_REGION", "eu-west-1"),
    ] {
        want.insert(n.into(), v.into());
    }
    assert_eq!(r.vars, want, "{r:?}");
    assert_eq!(
        r.calls,
        ["export --shell cmd --profile \"my profile\" --token-code 123456"],
        "awsmfa runs exactly once, with the arguments intact"
    );
    assert!(r.left.is_empty(), "helper variables left: {:?}", r.left);
    assert!(
        !r.dir.path().join("pwned.txt").exists(),
        "a value was executed"
    );
    assert!(!r.stdout.contains("PWNED"), "{r:?}");
}

#[test]
fn cmd_wrapper_sets_nothing_when_awsmfa_fails_under_wine() {
    let Some(prefix) = common::wine_prefix() else {
        return;
    };
    // Real output of a rejected code: empty stdout, status 4.
    let sts = FakeSts::start(vec![User::alice()]);
    sts.push_error(403, "AccessDenied", fake_sts::MFA_FAILED);
    let sb = sandbox();
    let out = run(sb
        .awsmfa_at(&sts)
        .args(["--shell", "cmd", "--token-code", "123456"]));
    assert_eq!(out.status.code(), Some(4), "{}", stderr(&out));
    assert!(out.stdout.is_empty());
    let r = cmd_wrapper(&prefix, &out.stdout, 4, &PRESET, "--token-code 123456");
    assert_ne!(r.errorlevel, 0, "{r:?}");
    assert_eq!(r.vars, preset_vars(), "{r:?}");
    assert_eq!(r.calls.len(), 1);
    assert!(r.left.is_empty(), "{:?}", r.left);
    assert_eq!(
        cmd_wrapper_exit_code(&prefix, &out.stdout, 4, &["--token-code", "123456"]),
        Some(4),
        "the wrapper ends with awsmfa's status"
    );

    // A full answer followed by a failing status is not applied either.
    let (output, _) = real_cmd_output(("ASIAX", "secret", "token"));
    let r = cmd_wrapper(&prefix, &output, 5, &PRESET, "--token-code 123456");
    assert_ne!(r.errorlevel, 0, "{r:?}");
    assert_eq!(r.vars, preset_vars(), "{r:?}");
    assert!(r.left.is_empty(), "{:?}", r.left);
}

#[test]
fn cmd_wrapper_unsets_and_passes_help_through_under_wine() {
    let Some(prefix) = common::wine_prefix() else {
        return;
    };
    let sb = Sandbox::new();
    let unset = run(sb.awsmfa().args(["--shell", "cmd", "--unset"]));
    assert_eq!(unset.status.code(), Some(0));
    let r = cmd_wrapper(&prefix, &unset.stdout, 0, &PRESET, "export --unset");
    assert_eq!(r.errorlevel, 0, "{r:?}");
    let mut want = preset_vars();
    for n in awsmfa::render::MANAGED {
        want.remove(n);
    }
    assert_eq!(r.vars, want, "{r:?}");
    assert_eq!(
        r.calls,
        ["export --unset --shell cmd"],
        "a leading export is not doubled"
    );
    assert!(r.left.is_empty(), "{:?}", r.left);

    // --help: the stand-in prints real help text; the wrapper runs it without --shell and applies nothing.
    let help = run(sb.awsmfa().arg("--help"));
    assert_eq!(help.status.code(), Some(0));
    for args in ["--help", "--profile x -h", "-vh", "completions bash", "-V"] {
        let r = cmd_wrapper(&prefix, &help.stdout, 0, &PRESET, args);
        assert_eq!(r.errorlevel, 0, "{args}: {r:?}");
        assert_eq!(r.vars, preset_vars(), "{args}: {r:?}");
        assert_eq!(r.calls, [args], "{args}: passed through as is");
        assert!(r.stdout.contains("Usage:"), "{args}: {r:?}");
        assert!(r.left.is_empty(), "{args}: {:?}", r.left);
    }
}

#[test]
fn cmd_wrapper_keeps_every_value_cmd_accepts_under_wine() {
    // The hostile corpus through the render layer's cmd form (values cmd refuses are left out: awsmfa
    // never prints them), one variable per value, through the wrapper in one run.
    let Some(prefix) = common::wine_prefix() else {
        return;
    };
    use awsmfa::render::{Op, Shell, cmd, render_ops};
    let values: Vec<String> = common::hostile_values()
        .into_iter()
        .filter(|v| cmd::set("X", v).is_ok())
        // Wine converts non-ASCII through the console code page; see the report.
        .filter(|v| v.is_ascii())
        .collect();
    assert!(values.len() >= 20, "{values:?}");
    let names: Vec<&'static str> = (0..values.len())
        .map(|i| &*Box::leak(format!("AWS_T{i:02}").into_boxed_str()))
        .collect();
    let ops: Vec<Op<'_>> = names
        .iter()
        .zip(&values)
        .map(|(n, v)| Op::Set(n, v.as_str()))
        .collect();
    let output = render_ops(Shell::Cmd, &ops).unwrap();
    let r = cmd_wrapper(&prefix, output.as_bytes(), 0, &[], "--token-code 123456");
    assert_eq!(r.errorlevel, 0, "{r:?}");
    for (n, v) in names.iter().zip(&values) {
        // cmd holds no empty variable: `set "NAME="` removes it.
        let got = r.vars.get(*n).map(String::as_str);
        let want = (!v.is_empty()).then_some(v.as_str());
        assert_eq!(got, want, "{n} = {v:?}");
    }
    assert!(r.left.is_empty(), "{:?}", r.left);
    assert!(!r.stdout.contains("pwned"), "{r:?}");
}
