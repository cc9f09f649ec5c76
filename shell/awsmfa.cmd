@rem awsmfa shell integration for cmd.exe. Install: save what `awsmfa init cmd` prints as __AWSMFA_CMD__.cmd
@rem in a directory on PATH. Then `__AWSMFA_CMD__ [--profile NAME] [--token-code CODE] ...` at the prompt (in
@rem a batch file: `call __AWSMFA_CMD__ ...`) sets AWS session credentials in this cmd session.
@rem
@rem How __AWSMFA_CMD__ treats its arguments:
@rem - If an argument is -h, --help, -V, --version or a short-flag cluster holding h (-vh), or if the first
@rem   argument is a word other than `export` (a subcommand: init, completions, status, clear, help, ...),
@rem   awsmfa runs as is and prints to the console; nothing is applied.
@rem - Otherwise awsmfa.exe runs once as `awsmfa.exe export --shell cmd ARGS` (with a leading `export` of
@rem   its own: `awsmfa.exe ARGS --shell cmd`); its stdout is read by FOR /F and applied only when it exited
@rem   0. The errorlevel is then awsmfa's exit status; on failure no variable changes.
@rem
@rem How it knows the status: FOR /F hides the exit code, so the child cmd of FOR /F runs
@rem   awsmfa.exe ARGS  and then  call echo set __awsmfa_status=ERRORLEVEL
@rem which adds a last line holding awsmfa's exit code (the doubled percent signs and the caret below keep
@rem errorlevel from being expanded before awsmfa has run; CALL expands it afterwards).
@rem How it applies: each `set "NAME=value"` line is first staged as __awsmfa_v.NAME=value, the status line
@rem as __awsmfa_v.__awsmfa_status. Only when that says 0, the variables awsmfa manages are cleared (the
@rem list in the FOR after the status check: what `awsmfa --unset` removes) and every staged value is
@rem copied to its real name. No line is executed as a command and no value is parsed again: FOR variables are expanded
@rem after the special characters of the line have been parsed, so values keep them literally. No
@rem temporary file is written. Each FOR body is a single command, as Wine's cmd needs.
@rem
@rem There is no SETLOCAL (ENDLOCAL would drop the results): the working variables are named __awsmfa_*
@rem and removed before the script ends, also those left by an interrupted run. AWSMFA_EXE, when set,
@rem names the program to run instead of awsmfa.exe (for tests); it must not need quotes.
@set "__awsmfa_v.=1"
@for /f "delims==" %%n in ('set __awsmfa_v.') do @set "%%n="
@set "__awsmfa_a="
@set "__awsmfa_post="
@set "__awsmfa_status="
@set "__awsmfa_exe=awsmfa.exe"
@if defined AWSMFA_EXE set "__awsmfa_exe=%AWSMFA_EXE%"
@set "__awsmfa_pre=export --shell cmd"
@if not "%~1"=="export" goto __awsmfa_first
@set "__awsmfa_pre="
@set "__awsmfa_post=--shell cmd"
@shift
@goto __awsmfa_scan
:__awsmfa_first
@if "%~1"=="" goto __awsmfa_run
@set "__awsmfa_a=%~1"
@if not "%__awsmfa_a:~0,1%"=="-" goto __awsmfa_direct
@goto __awsmfa_scan
:__awsmfa_scan
@if "%~1"=="" goto __awsmfa_run
@if "%~1"=="--help" goto __awsmfa_direct
@if "%~1"=="-V" goto __awsmfa_direct
@if "%~1"=="--version" goto __awsmfa_direct
@set "__awsmfa_a=%~1"
@if "%__awsmfa_a:~0,1%"=="-" if not "%__awsmfa_a:~1,1%"=="-" if not "%__awsmfa_a:h=%"=="%__awsmfa_a%" goto __awsmfa_direct
@shift
@goto __awsmfa_scan
:__awsmfa_direct
@set "__awsmfa_a=" & set "__awsmfa_pre=" & set "__awsmfa_post=" & set "__awsmfa_exe=" & %__awsmfa_exe% %*
@exit /b
:__awsmfa_run
@for /f "tokens=1,*" %%a in ('%__awsmfa_exe% %__awsmfa_pre% %* %__awsmfa_post% ^& call echo set __awsmfa_status^=%%^^errorlevel%%') do @if "%%a"=="set" set "__awsmfa_v.%%~b"
@if not "%__awsmfa_v.__awsmfa_status%"=="0" goto __awsmfa_end
@for %%n in (AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_SECURITY_TOKEN AWS_CREDENTIAL_EXPIRATION) do @set "%%n="
@for /f "tokens=1,* delims=." %%a in ('set __awsmfa_v.') do @set "%%b"
@goto __awsmfa_end
:__awsmfa_end
@set "__awsmfa_status=%__awsmfa_v.__awsmfa_status%"
@if not defined __awsmfa_status set "__awsmfa_status=1"
@set "__awsmfa_v.=1"
@for /f "delims==" %%n in ('set __awsmfa_v.') do @set "%%n="
@set "__awsmfa_a=" & set "__awsmfa_pre=" & set "__awsmfa_post=" & set "__awsmfa_exe=" & set "__awsmfa_status=" & exit /b %__awsmfa_status%
