//! Helpers shared by the integration tests: a sandbox home with its own AWS files, the awsmfa command with
//! a clean environment, and the skip-or-fail rule for optional tools.
#![allow(dead_code)]

use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// True when CI asks for every part of the suite (`AWSMFA_TEST_REQUIRE_ALL=1`): a missing tool fails.
pub fn require_all() -> bool {
    std::env::var("AWSMFA_TEST_REQUIRE_ALL").is_ok_and(|v| v == "1")
}

/// Whether `program` can be run (found on PATH or as a path). When it cannot: under
/// `AWSMFA_TEST_REQUIRE_ALL=1` the test fails; otherwise it prints that it skipped, and why, and the caller
/// returns early.
pub fn need(program: &str, why: &str) -> bool {
    if which(program).is_some() {
        return true;
    }
    skip(&format!("{program} not found ({why})"))
}

/// Reports a skip, or fails under `AWSMFA_TEST_REQUIRE_ALL=1`. Always returns false.
pub fn skip(reason: &str) -> bool {
    if require_all() {
        panic!("required by AWSMFA_TEST_REQUIRE_ALL=1 but unavailable: {reason}");
    }
    eprintln!("SKIPPED: {reason}");
    false
}

/// Finds `program` on PATH (or checks it as a path).
pub fn which(program: &str) -> Option<PathBuf> {
    if program.contains('/') {
        let p = PathBuf::from(program);
        return p.is_file().then_some(p);
    }
    std::env::split_paths(&std::env::var_os("PATH")?)
        .map(|dir| dir.join(program))
        .find(|p| p.is_file())
}

/// The Wine prefix for cmd tests: `$WINEPREFIX` (CI prepares one), else one created once per test binary
/// under the temp dir. `None` after a skip message (a failure under `AWSMFA_TEST_REQUIRE_ALL=1`) when Wine is
/// missing or the prefix cannot be made.
pub fn wine_prefix() -> Option<PathBuf> {
    static PREFIX: std::sync::OnceLock<Result<PathBuf, String>> = std::sync::OnceLock::new();
    if !need("wine", "cmd tests run under Wine's cmd") {
        return None;
    }
    let prefix = PREFIX.get_or_init(|| {
        if let Some(p) = std::env::var_os("WINEPREFIX").filter(|p| !p.is_empty()) {
            return Ok(PathBuf::from(p));
        }
        let p = std::env::temp_dir().join("awsmfa-test-wineprefix");
        if !p.join("system.reg").is_file() {
            for (program, arg) in [("wineboot", "-i"), ("wineserver", "-w")] {
                let out = Command::new(program)
                    .arg(arg)
                    .env("WINEPREFIX", &p)
                    .env("WINEDEBUG", "-all")
                    .stdin(Stdio::null())
                    .output()
                    .map_err(|e| format!("{program}: {e}"))?;
                if !out.status.success() {
                    return Err(format!("{program} {arg} failed: {}", stderr(&out)));
                }
            }
        }
        Ok(p)
    });
    match prefix {
        Ok(p) => Some(p.clone()),
        Err(e) => {
            skip(&format!("no Wine prefix: {e}"));
            None
        }
    }
}

/// The awsmfa binary built for this test run.
pub fn awsmfa_bin() -> PathBuf {
    PathBuf::from(env!("CARGO_BIN_EXE_awsmfa"))
}

/// The Python interpreter for tests/tools scripts: `$AWSMFA_TEST_PYTHON` (CI's venv) or `python3`.
pub fn python() -> String {
    std::env::var("AWSMFA_TEST_PYTHON").unwrap_or_else(|_| "python3".into())
}

/// Path of a file in tests/tools.
pub fn tool(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/tools")
        .join(name)
}

/// A temporary home directory with `.aws/config` and `.aws/credentials`, and a builder for awsmfa commands
/// that see only this home and a minimal environment.
pub struct Sandbox {
    pub dir: tempfile::TempDir,
}

impl Sandbox {
    pub fn new() -> Sandbox {
        let dir = tempfile::tempdir().expect("temp dir");
        std::fs::create_dir_all(dir.path().join(".aws")).unwrap();
        Sandbox { dir }
    }

    pub fn home(&self) -> &Path {
        self.dir.path()
    }

    pub fn config_path(&self) -> PathBuf {
        self.home().join(".aws/config")
    }

    pub fn credentials_path(&self) -> PathBuf {
        self.home().join(".aws/credentials")
    }

    pub fn write_config(&self, text: &str) -> &Self {
        std::fs::write(self.config_path(), text).unwrap();
        self
    }

    pub fn write_credentials(&self, text: &str) -> &Self {
        std::fs::write(self.credentials_path(), text).unwrap();
        self
    }

    /// Writes a `[NAME]` credentials profile with `user`'s keys and MFA serial.
    pub fn with_user_profile(&self, name: &str, user: &fake_sts::User) -> &Self {
        let mut text = std::fs::read_to_string(self.credentials_path()).unwrap_or_default();
        text.push_str(&format!(
            "[{name}]\naws_access_key_id = {}\naws_secret_access_key = {}\n",
            user.access_key_id, user.secret_access_key
        ));
        if let Some(serial) = &user.mfa_serial {
            text.push_str(&format!("mfa_serial = {serial}\n"));
        }
        self.write_credentials(&text)
    }

    /// A command running `program` with a clean environment: PATH, HOME, LANG=C.UTF-8, and TMPDIR. stdin is
    /// null unless the test sets it.
    pub fn command(&self, program: impl AsRef<std::ffi::OsStr>) -> Command {
        let mut cmd = Command::new(program);
        cmd.env_clear()
            .env("PATH", std::env::var_os("PATH").unwrap_or_default())
            .env("HOME", self.home())
            .env("LANG", "C.UTF-8")
            .env("TMPDIR", std::env::temp_dir())
            .stdin(Stdio::null());
        for keep in ["WINEPREFIX", "WINEDEBUG"] {
            if let Some(v) = std::env::var_os(keep) {
                cmd.env(keep, v);
            }
        }
        cmd
    }

    /// awsmfa with a clean environment (see [`Sandbox::command`]).
    pub fn awsmfa(&self) -> Command {
        self.command(awsmfa_bin())
    }

    /// awsmfa pointed at `sts` (AWS_ENDPOINT_URL_STS).
    pub fn awsmfa_at(&self, sts: &fake_sts::FakeSts) -> Command {
        let mut cmd = self.awsmfa();
        cmd.env("AWS_ENDPOINT_URL_STS", sts.url());
        cmd
    }
}

/// Runs a command to completion, capturing stdout and stderr.
pub fn run(cmd: &mut Command) -> Output {
    cmd.output().expect("command runs")
}

/// Runs `cmd` with `input` on its stdin (written from a thread, so a large input cannot deadlock against a
/// full stdout pipe), capturing stdout and stderr.
pub fn pipe(cmd: &mut Command, input: &[u8]) -> Output {
    use std::io::Write;
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("spawn");
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    let writer = std::thread::spawn(move || stdin.write_all(&input));
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap().unwrap();
    out
}

/// stdout as UTF-8.
pub fn stdout(out: &Output) -> String {
    String::from_utf8(out.stdout.clone()).expect("utf-8 stdout")
}

/// stderr as (lossy) text.
pub fn stderr(out: &Output) -> String {
    String::from_utf8_lossy(&out.stderr).into_owned()
}

/// The hostile corpus: values that break naive quoting in at least one shell.
pub fn hostile_values() -> Vec<String> {
    let mut v: Vec<String> = [
        "",
        " ",
        "plain",
        "'",
        "''",
        "\"",
        "a'b\"c",
        "$HOME",
        "${HOME}",
        "$(echo pwned)",
        "`echo pwned`",
        "\\",
        "trailing\\",
        "\\\\double",
        "a\\'b",
        "!",
        "!!",
        "%PATH%",
        "%",
        "^ & | < > ( ) ;",
        "a b\tc",
        "line1\nline2",
        "cr\rhere",
        "crlf\r\n",
        "\n",
        "non-ASCII: é ü ß 日本 🙂",
        "\u{2018}left\u{2019}right\u{201A}low\u{201B}rev",
        "'\u{2019}'\u{2018}",
        "*?[a-z]~",
        "#comment",
        "-n",
        "--",
        "{a,b}",
        "\u{7f}\u{1}\u{1b}[31m",
        "ctrl-z\u{1a}calc",
        "IFS=x",
    ]
    .iter()
    .map(|s| s.to_string())
    .collect();
    v.push("x".repeat(4096));
    v
}
