# awsmfa shell integration for fish. Install: add to ~/.config/fish/config.fish
#     awsmfa init fish | source
# Then `__AWSMFA_CMD__ [--profile NAME] [--token-code CODE] …` sets AWS session credentials in this shell.
#
# How __AWSMFA_CMD__ treats its arguments:
# - If an argument is -h, --help, -V, --version, or a cluster of short flags holding h or V (-vh), or if the
#   first argument is a word other than `export` (a subcommand: init, completions, status, clear, help, …),
#   awsmfa runs as is and prints to the terminal; nothing is evaluated.
# - Otherwise it runs `awsmfa export --shell fish ARGS…` (a leading `export` is dropped), captures stdout
#   only (the code prompt and messages use the terminal and stderr), sources it only when awsmfa exits 0,
#   and returns awsmfa's exit status. On failure nothing changes.

function __AWSMFA_CMD__ --description 'Get AWS session credentials with an MFA code (awsmfa) into this shell'
    if set -q argv[1]
        if test "$argv[1]" = export
            set -e argv[1]
        else if not string match -q -- '-*' $argv[1]
            command awsmfa $argv
            return
        end
    end
    # `set -q argv[1]` first: string match with no argument would read stdin.
    if set -q argv[1]; and string match -qr -- '^(--help|--version|-[^-]*[hV].*)$' $argv
        command awsmfa $argv
        return
    end
    # `string collect` keeps the output one string; $pipestatus[1] is awsmfa's status.
    set -l __awsmfa_out (command awsmfa export --shell fish $argv | string collect)
    set -l __awsmfa_status $pipestatus[1]
    if test "$__awsmfa_status" -eq 0
        printf '%s\n' $__awsmfa_out | source
        or return
    end
    return $__awsmfa_status
end
