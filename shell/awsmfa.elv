# awsmfa shell integration for elvish. Install: add to ~/.config/elvish/rc.elv
#     eval (awsmfa init elvish | slurp)
# Then `__AWSMFA_CMD__ [--profile NAME] [--token-code CODE] …` sets AWS session credentials in this shell.
#
# How __AWSMFA_CMD__ treats its arguments:
# - If an argument is -h, --help, -V, --version, or a cluster of short flags holding h or V (-vh), or if the
#   first argument is a word other than `export` (a subcommand: init, completions, status, clear, help, …),
#   awsmfa runs as is and prints to the terminal; nothing is evaluated.
# - Otherwise it runs `awsmfa export --shell elvish ARGS…` (a leading `export` is dropped), captures stdout
#   only (the code prompt and messages use the terminal and stderr) and, only when awsmfa exits 0,
#   evaluates it (`set-env NAME 'value'` and `unset-env NAME` lines) in an empty namespace.
# - When awsmfa fails, elvish raises its usual exception for the external command (its reason holds
#   awsmfa's exit-status) out of __AWSMFA_CMD__, and nothing changes.
# Written for elvish 0.18 and later (`{|args| …}` lambdas).

use re

fn __AWSMFA_CMD__ {|@__awsmfa_args|
  if (> (count $__awsmfa_args) 0) {
    if (==s $__awsmfa_args[0] export) {
      set __awsmfa_args = $__awsmfa_args[1..]
    } elif (not (re:match '^-' $__awsmfa_args[0])) {
      e:awsmfa $@__awsmfa_args
      return
    }
  }
  for __awsmfa_arg $__awsmfa_args {
    if (re:match '^(--help|--version|-[^-]*[hV].*)$' $__awsmfa_arg) {
      e:awsmfa $@__awsmfa_args
      return
    }
  }
  var __awsmfa_out = (e:awsmfa export --shell elvish $@__awsmfa_args | slurp)
  eval &ns=(ns [&]) $__awsmfa_out
}

# At the interactive prompt (rc.elv), make the function visible to later commands; elsewhere (a script,
# `elvish -c`) there is no edit: module and this does nothing.
try { edit:add-var __AWSMFA_CMD__~ $__AWSMFA_CMD__~ } catch { }
