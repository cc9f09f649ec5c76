# Print an optspec for argparse to handle cmd's options that are independent of any subcommand.
function __fish_awsmfa_global_optspecs
    string join \n profile= serial-number= token-code= duration-seconds= region= shell= unset timeout= refresh no-cache min-remaining= q/quiet v/verbose h/help V/version
end

function __fish_awsmfa_needs_command
    # Figure out if the current invocation already has a command.
    set -l cmd (commandline -opc)
    set -e cmd[1]
    argparse -s (__fish_awsmfa_global_optspecs) -- $cmd 2>/dev/null
    or return
    if set -q argv[1]
        # Also print the command, so this can be used to figure out what it is.
        echo $argv[1]
        return 1
    end
    return 0
end

function __fish_awsmfa_using_subcommand
    set -l cmd (__fish_awsmfa_needs_command)
    test -z "$cmd"
    and return 1
    contains -- $cmd[1] $argv
end

complete -c awsmfa -n "__fish_awsmfa_needs_command" -l profile -d 'Profile holding the long-term access keys [default: $AWS_PROFILE, else "default"]' -r
complete -c awsmfa -n "__fish_awsmfa_needs_command" -l serial-number -l mfa-serial -d 'MFA serial number: the device ARN (arn:aws:iam::123456789012:mfa/alice) or a hardware serial [default: $AWS_MFA_SERIAL, else mfa_serial of the profile or of its source_profile]' -r
complete -c awsmfa -n "__fish_awsmfa_needs_command" -l token-code -d 'The 6-digit token code [default: one line from stdin when it is not a terminal, else a prompt on the terminal]' -r
complete -c awsmfa -n "__fish_awsmfa_needs_command" -l duration-seconds -d 'Session length in seconds, 900 to 129600 [default: duration_seconds of the profile, else STS\'s default of 43200]' -r
complete -c awsmfa -n "__fish_awsmfa_needs_command" -l region -d 'Region whose STS endpoint is called [default: $AWS_REGION, $AWS_DEFAULT_REGION, region of the profile or its source_profile, else us-east-1]' -r
complete -c awsmfa -n "__fish_awsmfa_needs_command" -l shell -d 'Shell to print statements for [default: detected from the parent process, else $SHELL]' -r -f -a "bash\t'GNU bash: `export NAME=\'value\'`'
zsh\t'zsh: `export NAME=\'value\'`'
sh\t'POSIX sh (dash, mksh, busybox ash, ksh): `export NAME=\'value\'`'
fish\t'fish: `set -gx NAME \'value\'`'
powershell\t'PowerShell 5.1 and 7 (`pwsh`): `$env:NAME = \'value\'`'
cmd\t'Windows cmd.exe: `set "NAME=value"`'
elvish\t'elvish: `set-env NAME \'value\'`'
json\t'A credential_process document (JSON, Version 1)'
env\t'Plain `NAME=value` lines (for `env`, docker `--env-file`, dotenv)'"
complete -c awsmfa -n "__fish_awsmfa_needs_command" -l timeout -d 'Seconds to wait for STS, connection included [default: $AWSMFA_TIMEOUT, else 10]' -r
complete -c awsmfa -n "__fish_awsmfa_needs_command" -l min-remaining -d 'Reuse a cached session only while more than this many seconds of it remain [default: $AWSMFA_MIN_REMAINING, else 300]' -r
complete -c awsmfa -n "__fish_awsmfa_needs_command" -l unset -d 'Print statements that remove the credential variables awsmfa sets; no AWS call'
complete -c awsmfa -n "__fish_awsmfa_needs_command" -l refresh -d 'Get a new session even when a cached one is still valid (and replace the cached one)'
complete -c awsmfa -n "__fish_awsmfa_needs_command" -l no-cache -d 'Neither read nor write the session cache'
complete -c awsmfa -n "__fish_awsmfa_needs_command" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c awsmfa -n "__fish_awsmfa_needs_command" -s v -l verbose -d 'Tell where each input came from (profile, files, serial, region, endpoint); never a secret'
complete -c awsmfa -n "__fish_awsmfa_needs_command" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c awsmfa -n "__fish_awsmfa_needs_command" -s V -l version -d 'Print version'
complete -c awsmfa -n "__fish_awsmfa_needs_command" -f -a "export" -d 'Get session credentials and print them for a shell (the default command)'
complete -c awsmfa -n "__fish_awsmfa_needs_command" -f -a "init" -d 'Print a shell function (default name `mfa`) that runs awsmfa and applies its output to the current shell; add `eval "$(awsmfa init bash)"` (or the line for your shell) to your shell\'s start-up file'
complete -c awsmfa -n "__fish_awsmfa_needs_command" -f -a "completions" -d 'Print a completion script for awsmfa\'s own arguments'
complete -c awsmfa -n "__fish_awsmfa_needs_command" -f -a "status" -d 'Describe the credentials this shell holds (and the cached sessions), calling STS GetCallerIdentity unless --offline. Exit status: 0 valid session, 10 expired or expiring within 15 minutes, 11 no session credentials, 12 the GetCallerIdentity call failed'
complete -c awsmfa -n "__fish_awsmfa_needs_command" -f -a "clear" -d 'Remove cached sessions: those of the profile ($AWS_PROFILE, else "default"), or all with --all'
complete -c awsmfa -n "__fish_awsmfa_needs_command" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand export" -l profile -d 'Profile holding the long-term access keys [default: $AWS_PROFILE, else "default"]' -r
complete -c awsmfa -n "__fish_awsmfa_using_subcommand export" -l serial-number -l mfa-serial -d 'MFA serial number: the device ARN (arn:aws:iam::123456789012:mfa/alice) or a hardware serial [default: $AWS_MFA_SERIAL, else mfa_serial of the profile or of its source_profile]' -r
complete -c awsmfa -n "__fish_awsmfa_using_subcommand export" -l token-code -d 'The 6-digit token code [default: one line from stdin when it is not a terminal, else a prompt on the terminal]' -r
complete -c awsmfa -n "__fish_awsmfa_using_subcommand export" -l duration-seconds -d 'Session length in seconds, 900 to 129600 [default: duration_seconds of the profile, else STS\'s default of 43200]' -r
complete -c awsmfa -n "__fish_awsmfa_using_subcommand export" -l region -d 'Region whose STS endpoint is called [default: $AWS_REGION, $AWS_DEFAULT_REGION, region of the profile or its source_profile, else us-east-1]' -r
complete -c awsmfa -n "__fish_awsmfa_using_subcommand export" -l shell -d 'Shell to print statements for [default: detected from the parent process, else $SHELL]' -r -f -a "bash\t'GNU bash: `export NAME=\'value\'`'
zsh\t'zsh: `export NAME=\'value\'`'
sh\t'POSIX sh (dash, mksh, busybox ash, ksh): `export NAME=\'value\'`'
fish\t'fish: `set -gx NAME \'value\'`'
powershell\t'PowerShell 5.1 and 7 (`pwsh`): `$env:NAME = \'value\'`'
cmd\t'Windows cmd.exe: `set "NAME=value"`'
elvish\t'elvish: `set-env NAME \'value\'`'
json\t'A credential_process document (JSON, Version 1)'
env\t'Plain `NAME=value` lines (for `env`, docker `--env-file`, dotenv)'"
complete -c awsmfa -n "__fish_awsmfa_using_subcommand export" -l timeout -d 'Seconds to wait for STS, connection included [default: $AWSMFA_TIMEOUT, else 10]' -r
complete -c awsmfa -n "__fish_awsmfa_using_subcommand export" -l min-remaining -d 'Reuse a cached session only while more than this many seconds of it remain [default: $AWSMFA_MIN_REMAINING, else 300]' -r
complete -c awsmfa -n "__fish_awsmfa_using_subcommand export" -l unset -d 'Print statements that remove the credential variables awsmfa sets; no AWS call'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand export" -l refresh -d 'Get a new session even when a cached one is still valid (and replace the cached one)'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand export" -l no-cache -d 'Neither read nor write the session cache'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand export" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand export" -s v -l verbose -d 'Tell where each input came from (profile, files, serial, region, endpoint); never a secret'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand export" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand init" -l cmd -d 'Name of the function to define' -r
complete -c awsmfa -n "__fish_awsmfa_using_subcommand init" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand completions" -s h -l help -d 'Print help'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand status" -l format -d 'Output format' -r -f -a "text\t'Lines for people'
json\t'One JSON object for scripts'"
complete -c awsmfa -n "__fish_awsmfa_using_subcommand status" -l timeout -d 'Seconds to wait for STS, connection included [default: $AWSMFA_TIMEOUT, else 10]' -r
complete -c awsmfa -n "__fish_awsmfa_using_subcommand status" -l offline -d 'Do not call STS GetCallerIdentity'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand status" -s h -l help -d 'Print help (see more with \'--help\')'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand clear" -l profile -d 'Remove the cached sessions of this profile [default: $AWS_PROFILE, else "default"]' -r
complete -c awsmfa -n "__fish_awsmfa_using_subcommand clear" -l all -d 'Remove every cached session'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand clear" -s q -l quiet -d 'Print nothing on stderr but errors'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand clear" -s h -l help -d 'Print help'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand help; and not __fish_seen_subcommand_from export init completions status clear help" -f -a "export" -d 'Get session credentials and print them for a shell (the default command)'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand help; and not __fish_seen_subcommand_from export init completions status clear help" -f -a "init" -d 'Print a shell function (default name `mfa`) that runs awsmfa and applies its output to the current shell; add `eval "$(awsmfa init bash)"` (or the line for your shell) to your shell\'s start-up file'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand help; and not __fish_seen_subcommand_from export init completions status clear help" -f -a "completions" -d 'Print a completion script for awsmfa\'s own arguments'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand help; and not __fish_seen_subcommand_from export init completions status clear help" -f -a "status" -d 'Describe the credentials this shell holds (and the cached sessions), calling STS GetCallerIdentity unless --offline. Exit status: 0 valid session, 10 expired or expiring within 15 minutes, 11 no session credentials, 12 the GetCallerIdentity call failed'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand help; and not __fish_seen_subcommand_from export init completions status clear help" -f -a "clear" -d 'Remove cached sessions: those of the profile ($AWS_PROFILE, else "default"), or all with --all'
complete -c awsmfa -n "__fish_awsmfa_using_subcommand help; and not __fish_seen_subcommand_from export init completions status clear help" -f -a "help" -d 'Print this message or the help of the given subcommand(s)'
