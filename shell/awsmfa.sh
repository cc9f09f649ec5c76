# awsmfa shell integration for POSIX sh (dash, mksh, busybox ash, ksh). Install: add to ~/.profile or $ENV
#     eval "$(awsmfa init sh)"
# Then `__AWSMFA_CMD__ [--profile NAME] [--token-code CODE] …` sets AWS session credentials in this shell.
#
# How __AWSMFA_CMD__ treats its arguments:
# - If an argument is -h, --help, -V, --version, or a cluster of short flags holding h or V (-vh), or if the
#   first argument is a word other than `export` (a subcommand: init, completions, status, clear, help, …),
#   awsmfa runs as is and prints to the terminal; nothing is evaluated.
# - Otherwise it runs `awsmfa export --shell sh ARGS…` (a leading `export` is dropped), captures stdout
#   only (the code prompt and messages use the terminal and stderr), evaluates it only when awsmfa exits 0,
#   and returns awsmfa's exit status. On failure nothing changes.
# POSIX sh has no `local`: the function's own variables are globals named __awsmfa_*, removed before it
# returns. Call it in the current shell (not as `echo CODE | __AWSMFA_CMD__`, which may run in a subshell).

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
    for __awsmfa_arg in "$@"; do
        case $__awsmfa_arg in
            --help | --version | -[!-]*[hV]* | -[hV]*)
                unset __awsmfa_arg
                command awsmfa "$@"
                return
                ;;
        esac
    done
    unset __awsmfa_arg
    __awsmfa_status=0
    __awsmfa_out=$(command awsmfa export --shell sh "$@") || __awsmfa_status=$?
    if [ "$__awsmfa_status" -eq 0 ]; then
        eval "$__awsmfa_out" || __awsmfa_status=$?
    fi
    # Keep the status in $1 (positional parameters are the function's own) and remove the globals.
    set -- "$__awsmfa_status"
    unset __awsmfa_out __awsmfa_status
    return "$1"
}
