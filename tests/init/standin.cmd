@rem Stand-in for awsmfa.exe in the cmd wrapper tests (tests/init.rs), run as AWSMFA_EXE=standin.cmd:
@rem records its arguments in standin-calls.txt, prints standin-out.txt (output the real awsmfa printed
@rem on Linux) and exits with AWSMFA_STANDIN_STATUS.
@>>standin-calls.txt echo %*
@type standin-out.txt
@exit /b %AWSMFA_STANDIN_STATUS%
