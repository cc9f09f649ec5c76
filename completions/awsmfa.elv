
use builtin;
use str;

set edit:completion:arg-completer[awsmfa] = {|@words|
    fn spaces {|n|
        builtin:repeat $n ' ' | str:join ''
    }
    fn cand {|text desc|
        edit:complex-candidate $text &display=$text' '(spaces (- 14 (wcswidth $text)))$desc
    }
    var command = 'awsmfa'
    for word $words[1..-1] {
        if (str:has-prefix $word '-') {
            break
        }
        set command = $command';'$word
    }
    var completions = [
        &'awsmfa'= {
            cand --profile 'Profile holding the long-term access keys [default: $AWS_PROFILE, else "default"]'
            cand --serial-number 'MFA serial number: the device ARN (arn:aws:iam::123456789012:mfa/alice) or a hardware serial [default: $AWS_MFA_SERIAL, else mfa_serial of the profile or of its source_profile]'
            cand --mfa-serial 'MFA serial number: the device ARN (arn:aws:iam::123456789012:mfa/alice) or a hardware serial [default: $AWS_MFA_SERIAL, else mfa_serial of the profile or of its source_profile]'
            cand --token-code 'The 6-digit token code [default: one line from stdin when it is not a terminal, else a prompt on the terminal]'
            cand --duration-seconds 'Session length in seconds, 900 to 129600 [default: duration_seconds of the profile, else STS''s default of 43200]'
            cand --region 'Region whose STS endpoint is called [default: $AWS_REGION, $AWS_DEFAULT_REGION, region of the profile or its source_profile, else us-east-1]'
            cand --shell 'Shell to print statements for [default: detected from the parent process, else $SHELL]'
            cand --timeout 'Seconds to wait for STS, connection included [default: $AWSMFA_TIMEOUT, else 10]'
            cand --min-remaining 'Reuse a cached session only while more than this many seconds of it remain [default: $AWSMFA_MIN_REMAINING, else 300]'
            cand --unset 'Print statements that remove the credential variables awsmfa sets; no AWS call'
            cand --refresh 'Get a new session even when a cached one is still valid (and replace the cached one)'
            cand --no-cache 'Neither read nor write the session cache'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Tell where each input came from (profile, files, serial, region, endpoint); never a secret'
            cand --verbose 'Tell where each input came from (profile, files, serial, region, endpoint); never a secret'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
            cand -V 'Print version'
            cand --version 'Print version'
            cand export 'Get session credentials and print them for a shell (the default command)'
            cand init 'Print a shell function (default name `mfa`) that runs awsmfa and applies its output to the current shell; add `eval "$(awsmfa init bash)"` (or the line for your shell) to your shell''s start-up file'
            cand completions 'Print a completion script for awsmfa''s own arguments'
            cand status 'Describe the credentials this shell holds (and the cached sessions), calling STS GetCallerIdentity unless --offline. Exit status: 0 valid session, 10 expired or expiring within 15 minutes, 11 no session credentials, 12 the GetCallerIdentity call failed'
            cand clear 'Remove cached sessions: those of the profile ($AWS_PROFILE, else "default"), or all with --all'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'awsmfa;export'= {
            cand --profile 'Profile holding the long-term access keys [default: $AWS_PROFILE, else "default"]'
            cand --serial-number 'MFA serial number: the device ARN (arn:aws:iam::123456789012:mfa/alice) or a hardware serial [default: $AWS_MFA_SERIAL, else mfa_serial of the profile or of its source_profile]'
            cand --mfa-serial 'MFA serial number: the device ARN (arn:aws:iam::123456789012:mfa/alice) or a hardware serial [default: $AWS_MFA_SERIAL, else mfa_serial of the profile or of its source_profile]'
            cand --token-code 'The 6-digit token code [default: one line from stdin when it is not a terminal, else a prompt on the terminal]'
            cand --duration-seconds 'Session length in seconds, 900 to 129600 [default: duration_seconds of the profile, else STS''s default of 43200]'
            cand --region 'Region whose STS endpoint is called [default: $AWS_REGION, $AWS_DEFAULT_REGION, region of the profile or its source_profile, else us-east-1]'
            cand --shell 'Shell to print statements for [default: detected from the parent process, else $SHELL]'
            cand --timeout 'Seconds to wait for STS, connection included [default: $AWSMFA_TIMEOUT, else 10]'
            cand --min-remaining 'Reuse a cached session only while more than this many seconds of it remain [default: $AWSMFA_MIN_REMAINING, else 300]'
            cand --unset 'Print statements that remove the credential variables awsmfa sets; no AWS call'
            cand --refresh 'Get a new session even when a cached one is still valid (and replace the cached one)'
            cand --no-cache 'Neither read nor write the session cache'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -v 'Tell where each input came from (profile, files, serial, region, endpoint); never a secret'
            cand --verbose 'Tell where each input came from (profile, files, serial, region, endpoint); never a secret'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'awsmfa;init'= {
            cand --cmd 'Name of the function to define'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'awsmfa;completions'= {
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'awsmfa;status'= {
            cand --format 'Output format'
            cand --timeout 'Seconds to wait for STS, connection included [default: $AWSMFA_TIMEOUT, else 10]'
            cand --offline 'Do not call STS GetCallerIdentity'
            cand -h 'Print help (see more with ''--help'')'
            cand --help 'Print help (see more with ''--help'')'
        }
        &'awsmfa;clear'= {
            cand --profile 'Remove the cached sessions of this profile [default: $AWS_PROFILE, else "default"]'
            cand --all 'Remove every cached session'
            cand -q 'Print nothing on stderr but errors'
            cand --quiet 'Print nothing on stderr but errors'
            cand -h 'Print help'
            cand --help 'Print help'
        }
        &'awsmfa;help'= {
            cand export 'Get session credentials and print them for a shell (the default command)'
            cand init 'Print a shell function (default name `mfa`) that runs awsmfa and applies its output to the current shell; add `eval "$(awsmfa init bash)"` (or the line for your shell) to your shell''s start-up file'
            cand completions 'Print a completion script for awsmfa''s own arguments'
            cand status 'Describe the credentials this shell holds (and the cached sessions), calling STS GetCallerIdentity unless --offline. Exit status: 0 valid session, 10 expired or expiring within 15 minutes, 11 no session credentials, 12 the GetCallerIdentity call failed'
            cand clear 'Remove cached sessions: those of the profile ($AWS_PROFILE, else "default"), or all with --all'
            cand help 'Print this message or the help of the given subcommand(s)'
        }
        &'awsmfa;help;export'= {
        }
        &'awsmfa;help;init'= {
        }
        &'awsmfa;help;completions'= {
        }
        &'awsmfa;help;status'= {
        }
        &'awsmfa;help;clear'= {
        }
        &'awsmfa;help;help'= {
        }
    ]
    $completions[$command]
}
