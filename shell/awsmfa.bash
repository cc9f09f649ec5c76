# awsmfa shell integration for bash. Install: add to ~/.bashrc
#     eval "$(awsmfa init bash)"
# Then `__AWSMFA_CMD__ [--profile NAME] [--token-code CODE] …` sets AWS session credentials in this shell.
#
# How __AWSMFA_CMD__ treats its arguments:
# - If an argument is -h, --help, -V, --version, or a cluster of short flags holding h or V (-vh), or if the
#   first argument is a word other than `export` (a subcommand: init, completions, status, clear, help, …),
#   awsmfa runs as is and prints to the terminal; nothing is evaluated.
# - Otherwise it runs `awsmfa export --shell bash ARGS…` (a leading `export` is dropped), captures stdout
#   only (the code prompt and messages use the terminal and stderr), evaluates it only when awsmfa exits 0,
#   and returns awsmfa's exit status. On failure nothing changes.
# Call it in the current shell: in `echo CODE | __AWSMFA_CMD__`, bash runs it in a subshell and the
# variables are lost; use `__AWSMFA_CMD__ --token-code CODE` instead.

unalias __AWSMFA_CMD__ 2>/dev/null || :

__AWSMFA_CMD__() {
    case ${1-} in
        export) shift ;;
        -* | '') ;;
        *)
            command awsmfa "$@"
            return
            ;;
    esac
    local __awsmfa_arg
    for __awsmfa_arg in "$@"; do
        case $__awsmfa_arg in
            --help | --version | -[!-]*[hV]* | -[hV]*)
                command awsmfa "$@"
                return
                ;;
        esac
    done
    local __awsmfa_out __awsmfa_status=0
    __awsmfa_out=$(command awsmfa export --shell bash "$@") || __awsmfa_status=$?
    if [ "$__awsmfa_status" -eq 0 ]; then
        eval "$__awsmfa_out" || return
    fi
    return "$__awsmfa_status"
}
