
using namespace System.Management.Automation
using namespace System.Management.Automation.Language

Register-ArgumentCompleter -Native -CommandName 'awsmfa' -ScriptBlock {
    param($wordToComplete, $commandAst, $cursorPosition)

    $commandElements = $commandAst.CommandElements
    $command = @(
        'awsmfa'
        for ($i = 1; $i -lt $commandElements.Count; $i++) {
            $element = $commandElements[$i]
            if ($element -isnot [StringConstantExpressionAst] -or
                $element.StringConstantType -ne [StringConstantType]::BareWord -or
                $element.Value.StartsWith('-') -or
                $element.Value -eq $wordToComplete) {
                break
        }
        $element.Value
    }) -join ';'

    $completions = @(switch ($command) {
        'awsmfa' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile holding the long-term access keys [default: $AWS_PROFILE, else "default"]')
            [CompletionResult]::new('--serial-number', '--serial-number', [CompletionResultType]::ParameterName, 'MFA serial number: the device ARN (arn:aws:iam::123456789012:mfa/alice) or a hardware serial [default: $AWS_MFA_SERIAL, else mfa_serial of the profile or of its source_profile]')
            [CompletionResult]::new('--mfa-serial', '--mfa-serial', [CompletionResultType]::ParameterName, 'MFA serial number: the device ARN (arn:aws:iam::123456789012:mfa/alice) or a hardware serial [default: $AWS_MFA_SERIAL, else mfa_serial of the profile or of its source_profile]')
            [CompletionResult]::new('--token-code', '--token-code', [CompletionResultType]::ParameterName, 'The 6-digit token code [default: one line from stdin when it is not a terminal, else a prompt on the terminal]')
            [CompletionResult]::new('--duration-seconds', '--duration-seconds', [CompletionResultType]::ParameterName, 'Session length in seconds, 900 to 129600 [default: duration_seconds of the profile, else STS''s default of 43200]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region whose STS endpoint is called [default: $AWS_REGION, $AWS_DEFAULT_REGION, region of the profile or its source_profile, else us-east-1]')
            [CompletionResult]::new('--shell', '--shell', [CompletionResultType]::ParameterName, 'Shell to print statements for [default: detected from the parent process, else $SHELL]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for STS, connection included [default: $AWSMFA_TIMEOUT, else 10]')
            [CompletionResult]::new('--min-remaining', '--min-remaining', [CompletionResultType]::ParameterName, 'Reuse a cached session only while more than this many seconds of it remain [default: $AWSMFA_MIN_REMAINING, else 300]')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Print statements that remove the credential variables awsmfa sets; no AWS call')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Get a new session even when a cached one is still valid (and replace the cached one)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the session cache')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Tell where each input came from (profile, files, serial, region, endpoint); never a secret')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Tell where each input came from (profile, files, serial, region, endpoint); never a secret')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('-V', '-V ', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('--version', '--version', [CompletionResultType]::ParameterName, 'Print version')
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Get session credentials and print them for a shell (the default command)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Print a shell function (default name `mfa`) that runs awsmfa and applies its output to the current shell; add `eval "$(awsmfa init bash)"` (or the line for your shell) to your shell''s start-up file')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a completion script for awsmfa''s own arguments')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Describe the credentials this shell holds (and the cached sessions), calling STS GetCallerIdentity unless --offline. Exit status: 0 valid session, 10 expired or expiring within 15 minutes, 11 no session credentials, 12 the GetCallerIdentity call failed')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove cached sessions: those of the profile ($AWS_PROFILE, else "default"), or all with --all')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'awsmfa;export' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Profile holding the long-term access keys [default: $AWS_PROFILE, else "default"]')
            [CompletionResult]::new('--serial-number', '--serial-number', [CompletionResultType]::ParameterName, 'MFA serial number: the device ARN (arn:aws:iam::123456789012:mfa/alice) or a hardware serial [default: $AWS_MFA_SERIAL, else mfa_serial of the profile or of its source_profile]')
            [CompletionResult]::new('--mfa-serial', '--mfa-serial', [CompletionResultType]::ParameterName, 'MFA serial number: the device ARN (arn:aws:iam::123456789012:mfa/alice) or a hardware serial [default: $AWS_MFA_SERIAL, else mfa_serial of the profile or of its source_profile]')
            [CompletionResult]::new('--token-code', '--token-code', [CompletionResultType]::ParameterName, 'The 6-digit token code [default: one line from stdin when it is not a terminal, else a prompt on the terminal]')
            [CompletionResult]::new('--duration-seconds', '--duration-seconds', [CompletionResultType]::ParameterName, 'Session length in seconds, 900 to 129600 [default: duration_seconds of the profile, else STS''s default of 43200]')
            [CompletionResult]::new('--region', '--region', [CompletionResultType]::ParameterName, 'Region whose STS endpoint is called [default: $AWS_REGION, $AWS_DEFAULT_REGION, region of the profile or its source_profile, else us-east-1]')
            [CompletionResult]::new('--shell', '--shell', [CompletionResultType]::ParameterName, 'Shell to print statements for [default: detected from the parent process, else $SHELL]')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for STS, connection included [default: $AWSMFA_TIMEOUT, else 10]')
            [CompletionResult]::new('--min-remaining', '--min-remaining', [CompletionResultType]::ParameterName, 'Reuse a cached session only while more than this many seconds of it remain [default: $AWSMFA_MIN_REMAINING, else 300]')
            [CompletionResult]::new('--unset', '--unset', [CompletionResultType]::ParameterName, 'Print statements that remove the credential variables awsmfa sets; no AWS call')
            [CompletionResult]::new('--refresh', '--refresh', [CompletionResultType]::ParameterName, 'Get a new session even when a cached one is still valid (and replace the cached one)')
            [CompletionResult]::new('--no-cache', '--no-cache', [CompletionResultType]::ParameterName, 'Neither read nor write the session cache')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-v', '-v', [CompletionResultType]::ParameterName, 'Tell where each input came from (profile, files, serial, region, endpoint); never a secret')
            [CompletionResult]::new('--verbose', '--verbose', [CompletionResultType]::ParameterName, 'Tell where each input came from (profile, files, serial, region, endpoint); never a secret')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'awsmfa;init' {
            [CompletionResult]::new('--cmd', '--cmd', [CompletionResultType]::ParameterName, 'Name of the function to define')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'awsmfa;completions' {
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'awsmfa;status' {
            [CompletionResult]::new('--format', '--format', [CompletionResultType]::ParameterName, 'Output format')
            [CompletionResult]::new('--timeout', '--timeout', [CompletionResultType]::ParameterName, 'Seconds to wait for STS, connection included [default: $AWSMFA_TIMEOUT, else 10]')
            [CompletionResult]::new('--offline', '--offline', [CompletionResultType]::ParameterName, 'Do not call STS GetCallerIdentity')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help (see more with ''--help'')')
            break
        }
        'awsmfa;clear' {
            [CompletionResult]::new('--profile', '--profile', [CompletionResultType]::ParameterName, 'Remove the cached sessions of this profile [default: $AWS_PROFILE, else "default"]')
            [CompletionResult]::new('--all', '--all', [CompletionResultType]::ParameterName, 'Remove every cached session')
            [CompletionResult]::new('-q', '-q', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('--quiet', '--quiet', [CompletionResultType]::ParameterName, 'Print nothing on stderr but errors')
            [CompletionResult]::new('-h', '-h', [CompletionResultType]::ParameterName, 'Print help')
            [CompletionResult]::new('--help', '--help', [CompletionResultType]::ParameterName, 'Print help')
            break
        }
        'awsmfa;help' {
            [CompletionResult]::new('export', 'export', [CompletionResultType]::ParameterValue, 'Get session credentials and print them for a shell (the default command)')
            [CompletionResult]::new('init', 'init', [CompletionResultType]::ParameterValue, 'Print a shell function (default name `mfa`) that runs awsmfa and applies its output to the current shell; add `eval "$(awsmfa init bash)"` (or the line for your shell) to your shell''s start-up file')
            [CompletionResult]::new('completions', 'completions', [CompletionResultType]::ParameterValue, 'Print a completion script for awsmfa''s own arguments')
            [CompletionResult]::new('status', 'status', [CompletionResultType]::ParameterValue, 'Describe the credentials this shell holds (and the cached sessions), calling STS GetCallerIdentity unless --offline. Exit status: 0 valid session, 10 expired or expiring within 15 minutes, 11 no session credentials, 12 the GetCallerIdentity call failed')
            [CompletionResult]::new('clear', 'clear', [CompletionResultType]::ParameterValue, 'Remove cached sessions: those of the profile ($AWS_PROFILE, else "default"), or all with --all')
            [CompletionResult]::new('help', 'help', [CompletionResultType]::ParameterValue, 'Print this message or the help of the given subcommand(s)')
            break
        }
        'awsmfa;help;export' {
            break
        }
        'awsmfa;help;init' {
            break
        }
        'awsmfa;help;completions' {
            break
        }
        'awsmfa;help;status' {
            break
        }
        'awsmfa;help;clear' {
            break
        }
        'awsmfa;help;help' {
            break
        }
    })

    $completions.Where{ $_.CompletionText -like "$wordToComplete*" } |
        Sort-Object -Property ListItemText
}
