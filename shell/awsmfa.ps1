# awsmfa shell integration for PowerShell (Windows PowerShell 5.1 and PowerShell 7). Install: add to $PROFILE
#     Invoke-Expression (& awsmfa init powershell | Out-String)
# Then `__AWSMFA_CMD__ [--profile NAME] [--token-code CODE] ...` sets AWS session credentials in this session.
#
# How __AWSMFA_CMD__ treats its arguments:
# - If an argument is -h, --help, -V, --version, or a cluster of short flags holding h or V (-vh), or if the
#   first argument is a word other than `export` (a subcommand: init, completions, status, clear, help, ...),
#   awsmfa runs as is and its output is returned; nothing is evaluated.
# - Otherwise it runs `awsmfa export --shell powershell ARGS...` (a leading `export` is dropped), captures
#   stdout only (the code prompt and messages use the console and stderr), joins the lines and runs them
#   with Invoke-Expression only when awsmfa exits 0. On failure it sets nothing and writes a PowerShell
#   error; $LASTEXITCODE holds awsmfa's exit status either way.

function global:__AWSMFA_CMD__ {
    $__awsmfa_args = @($args)
    if ($__awsmfa_args.Count -gt 0) {
        if ("$($__awsmfa_args[0])" -ceq 'export') {
            $__awsmfa_args = @($__awsmfa_args | Select-Object -Skip 1)
        }
        elseif (-not ("$($__awsmfa_args[0])".StartsWith('-'))) {
            & awsmfa @__awsmfa_args
            return
        }
    }
    foreach ($__awsmfa_arg in $__awsmfa_args) {
        if ("$__awsmfa_arg" -cmatch '^(--help|--version|-[^-]*[hV].*)$') {
            & awsmfa @__awsmfa_args
            return
        }
    }
    $__awsmfa_out = & awsmfa export --shell powershell @__awsmfa_args
    $__awsmfa_status = $LASTEXITCODE
    if ($__awsmfa_status -ne 0) {
        Write-Error -Message "awsmfa failed with exit status $__awsmfa_status; nothing was changed" -Category InvalidResult
        return
    }
    if ($null -ne $__awsmfa_out) {
        Invoke-Expression ($__awsmfa_out | Out-String)
    }
}
