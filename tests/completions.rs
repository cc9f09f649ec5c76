//! The committed completion scripts in completions/ are exactly what `awsmfa completions` generates, so
//! they cannot drift from the command line. Regenerate with the commands in README.md.

mod common;

use common::{Sandbox, run, stdout};

#[test]
fn committed_completions_match_the_cli() {
    let sb = Sandbox::new();
    for (shell, file) in [
        ("bash", "awsmfa.bash"),
        ("zsh", "_awsmfa"),
        ("fish", "awsmfa.fish"),
        ("powershell", "_awsmfa.ps1"),
        ("elvish", "awsmfa.elv"),
    ] {
        let out = run(sb.awsmfa().args(["completions", shell]));
        assert_eq!(out.status.code(), Some(0));
        let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("completions")
            .join(file);
        let committed = std::fs::read_to_string(&path).unwrap_or_default();
        assert!(
            stdout(&out) == committed,
            "completions/{file} is stale: run `awsmfa completions {shell} > completions/{file}`"
        );
    }
}
