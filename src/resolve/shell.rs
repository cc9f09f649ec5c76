//! Which shell to print for, when `--shell` is not given.
//!
//! Order: `--shell` always wins; then the name of the parent process (the shell that runs
//! `eval "$(awsmfa)"`, `awsmfa | source` or `Invoke-Expression (awsmfa | Out-String)`); then, on Unix and only
//! when stdout is a terminal (the text is for reading, not for a shell), the basename of `$SHELL`. When the
//! output goes to a pipe and the parent is not a shell (`timeout awsmfa | source`), `$SHELL` may name another
//! shell than the one that reads the output, and a wrong guess could let a value escape its quotes: that is an
//! error that names `--shell`.

use crate::error::{Error, Result};
use crate::render::Shell;

/// Maps a process or program name to a shell: `bash`, `-zsh` (a login shell), `/bin/dash`, `pwsh.exe`, …
/// POSIX-family shells (dash, ash, ksh, mksh, busybox, yash, posh) map to [`Shell::Sh`].
pub fn from_program_name(name: &str) -> Option<Shell> {
    let base = name.rsplit(['/', '\\']).next().unwrap_or(name);
    let base = base.strip_prefix('-').unwrap_or(base).to_ascii_lowercase();
    let base = base.strip_suffix(".exe").unwrap_or(&base);
    Some(match base {
        "bash" => Shell::Bash,
        "zsh" => Shell::Zsh,
        "sh" | "dash" | "ash" | "ksh" | "mksh" | "lksh" | "pdksh" | "busybox" | "yash" | "posh" => {
            Shell::Sh
        }
        "fish" => Shell::Fish,
        "pwsh" | "powershell" | "powershell_ise" => Shell::Powershell,
        "cmd" => Shell::Cmd,
        "elvish" => Shell::Elvish,
        _ => return None,
    })
}

/// The shell to print for. `flag` is `--shell`.
///
/// Errors ([`crate::error::Kind::Config`]): no flag and nothing recognisable in the parent process or
/// `$SHELL`.
pub fn detect(flag: Option<Shell>) -> Result<(Shell, &'static str)> {
    if let Some(shell) = flag {
        return Ok((shell, "--shell"));
    }
    if let Some(shell) = parent_name().as_deref().and_then(from_program_name) {
        return Ok((shell, "the parent process"));
    }
    if cfg!(unix)
        && std::io::IsTerminal::is_terminal(&std::io::stdout())
        && let Some(shell) = std::env::var("SHELL")
            .ok()
            .as_deref()
            .and_then(from_program_name)
    {
        return Ok((shell, "$SHELL"));
    }
    Err(Error::config(
        "cannot tell which shell will read the output (the parent process is not a shell): pass --shell bash|zsh|sh|fish|powershell|cmd|elvish|json|env",
    ))
}

/// The parent process's executable name, via sysinfo (Linux `/proc`, macOS `proc_pidinfo`, Windows
/// toolhelp), asking about two processes only.
fn parent_name() -> Option<String> {
    use sysinfo::{ProcessRefreshKind, ProcessesToUpdate, System, get_current_pid};
    let me = get_current_pid().ok()?;
    let mut system = System::new().ok()?;
    let kind = ProcessRefreshKind::nothing();
    system.refresh_processes_specifics(ProcessesToUpdate::Some(&[me]), false, kind);
    let parent = system.process(me)?.parent()?;
    system.refresh_processes_specifics(ProcessesToUpdate::Some(&[parent]), false, kind);
    Some(
        system
            .process(parent)?
            .name()
            .to_string_lossy()
            .into_owned(),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_map_to_shells() {
        assert_eq!(from_program_name("-zsh"), Some(Shell::Zsh));
        assert_eq!(from_program_name("/usr/bin/dash"), Some(Shell::Sh));
        assert_eq!(from_program_name("PowerShell.exe"), Some(Shell::Powershell));
        assert_eq!(
            from_program_name(r"C:\Windows\System32\cmd.exe"),
            Some(Shell::Cmd)
        );
        assert_eq!(from_program_name("python3"), None);
    }
}
