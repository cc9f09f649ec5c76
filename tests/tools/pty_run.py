#!/usr/bin/env python3
"""Run a command in a pseudo-terminal and report what happened, as JSON (stdlib only).

Usage:
  pty_run.py [STEP...] [--timeout S] [--echo-wait S] [--stdout-tty] -- CMD ARGS...

Steps run in the order given:
  --expect TEXT     wait until TEXT appears on the terminal (after the previous match)
  --send TEXT       type TEXT followed by a carriage return ("\\r", what Enter sends)
  --send-raw TEXT   type TEXT exactly (no carriage return)
  --send-ctrl-c     type Ctrl-C (0x03: the line discipline sends SIGINT to the foreground group)
  --send-ctrl-d     type Ctrl-D (0x04: end of input in canonical mode)
A send that follows an expect first waits up to --echo-wait seconds (default 1.0) for the
terminal's ECHO flag to go off (a password prompt turns it off just after printing the prompt),
then types anyway; "echo_at_send" records, for each send, whether ECHO was still on.

The child runs in a new session whose controlling terminal is the pty; its stdin and stderr
are the pty. Its stdout is a separate pipe, unless --stdout-tty makes stdout the pty too (for a
shell whose function applies awsmfa's output itself). The terminal is 80x24 with the default
line discipline (so "\\n" written by the child reads back as "\\r\\n").

Prints one JSON object on stdout:
  {"exit": N or null, "signal": SIG or null, "timed_out": bool,
   "stdout": TEXT or null (null with --stdout-tty), "terminal": TEXT,
   "echo_after": bool,            ECHO flag of the pty after the child exited
   "echo_at_send": [bool, ...],   ECHO flag at each send
   "unmatched": TEXT or null,     the first expect that never matched (then nothing more was sent)
   "elapsed": seconds}
Text is decoded as UTF-8 with errors=replace. "exit" is the exit status, or null when the child
was killed by a signal ("signal" names it). On --timeout (default 20 s) the child's process
group is killed, "timed_out" is true. pty_run.py exits 0 whenever it printed the JSON, 2 on a
usage error, 127 when CMD cannot be started.
"""

import argparse
import fcntl
import json
import os
import select
import signal
import struct
import subprocess
import sys
import termios
import time


class Step(argparse.Action):
    def __call__(self, parser, namespace, values, option_string=None):
        steps = getattr(namespace, "steps", None) or []
        kind = option_string.lstrip("-")
        if kind == "send":
            steps.append(("send", values + "\r"))
        elif kind == "send-raw":
            steps.append(("send", values))
        elif kind == "send-ctrl-c":
            steps.append(("send", "\x03"))
        elif kind == "send-ctrl-d":
            steps.append(("send", "\x04"))
        else:
            steps.append(("expect", values))
        namespace.steps = steps


def parse_args(argv):
    ap = argparse.ArgumentParser(
        prog="pty_run.py",
        description="Run CMD in a pseudo-terminal; print JSON.",
        usage="pty_run.py [--expect T] [--send T | --send-ctrl-c ...] [--timeout S] [--stdout-tty] -- CMD ARGS...",
    )
    ap.add_argument("--expect", action=Step, metavar="TEXT")
    ap.add_argument("--send", action=Step, metavar="TEXT")
    ap.add_argument("--send-raw", action=Step, metavar="TEXT")
    ap.add_argument("--send-ctrl-c", action=Step, nargs=0)
    ap.add_argument("--send-ctrl-d", action=Step, nargs=0)
    ap.add_argument("--timeout", type=float, default=20.0)
    ap.add_argument("--echo-wait", type=float, default=1.0)
    ap.add_argument("--stdout-tty", action="store_true")
    ap.add_argument("cmd", nargs=argparse.REMAINDER)
    args = ap.parse_args(argv)
    if args.cmd and args.cmd[0] == "--":
        args.cmd = args.cmd[1:]
    if not args.cmd:
        ap.error("no command given (put it after --)")
    if not getattr(args, "steps", None):
        args.steps = []
    return args


def echo_on(fd):
    try:
        return bool(termios.tcgetattr(fd)[3] & termios.ECHO)
    except termios.error:
        return None


def main(argv):
    args = parse_args(argv)
    master, slave = os.openpty()
    fcntl.ioctl(slave, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 80, 0, 0))
    if args.stdout_tty:
        out_r, out_w = None, slave
    else:
        out_r, out_w = os.pipe()

    def child_setup():
        # start_new_session already called setsid(); make the pty our controlling terminal.
        fcntl.ioctl(0, termios.TIOCSCTTY, 0)

    start = time.monotonic()
    try:
        proc = subprocess.Popen(
            args.cmd,
            stdin=slave,
            stdout=out_w,
            stderr=slave,
            start_new_session=True,
            preexec_fn=child_setup,
            close_fds=True,
        )
    except OSError as e:
        print(f"pty_run.py: cannot start {args.cmd[0]}: {e}", file=sys.stderr)
        return 127
    # The parent keeps `slave` open so the pty's flags can still be read after the child exits
    # (and reads on `master` never fail with EIO); child exit is detected with poll().
    if out_r is not None:
        os.close(out_w)
    os.set_blocking(master, False)

    terminal = bytearray()
    stdout = bytearray()
    steps = list(args.steps)
    match_from = 0  # index in `terminal` after the last match
    after_expect = False
    echo_at_send = []
    unmatched = None
    timed_out = False
    deadline = start + args.timeout
    exited_at = None
    stdout_open = out_r is not None

    def run_steps():
        nonlocal match_from, after_expect, unmatched
        while steps:
            kind, text = steps[0]
            if kind == "expect":
                idx = terminal.find(text.encode(), match_from)
                if idx < 0:
                    return
                match_from = idx + len(text.encode())
                after_expect = True
                steps.pop(0)
            else:
                if after_expect:
                    wait_until = min(time.monotonic() + args.echo_wait, deadline)
                    while echo_on(slave) and time.monotonic() < wait_until and proc.poll() is None:
                        time.sleep(0.01)
                echo_at_send.append(echo_on(slave))
                try:
                    os.write(master, text.encode())
                except OSError:
                    pass
                after_expect = False
                steps.pop(0)

    run_steps()
    while True:
        now = time.monotonic()
        if now >= deadline:
            timed_out = True
            break
        if exited_at is None and proc.poll() is not None:
            exited_at = now
        # After the child exited: drain the terminal briefly, and stdout until EOF (bounded).
        if exited_at is not None and (not stdout_open or now - exited_at > 2.0):
            quiet = not select.select([master], [], [], 0.05)[0]
            if quiet:
                break
        fds = [master] + ([out_r] if stdout_open else [])
        ready, _, _ = select.select(fds, [], [], 0.05)
        for fd in ready:
            try:
                data = os.read(fd, 65536)
            except BlockingIOError:
                continue
            except OSError:
                data = b""
            if fd == master:
                terminal += data
            elif data:
                stdout += data
            else:
                stdout_open = False
        run_steps()

    if timed_out:
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if steps and steps[0][0] == "expect":
            unmatched = steps[0][1]
    elif steps and steps[0][0] == "expect":
        unmatched = steps[0][1]
    rc = proc.wait()
    # Last drain of whatever is left.
    while select.select([master], [], [], 0)[0]:
        try:
            data = os.read(master, 65536)
        except OSError:
            break
        if not data:
            break
        terminal += data
    if stdout_open:
        while select.select([out_r], [], [], 0)[0]:
            data = os.read(out_r, 65536)
            if not data:
                break
            stdout += data

    result = {
        "exit": rc if rc >= 0 else None,
        "signal": -rc if rc < 0 else None,
        "timed_out": timed_out,
        "stdout": None if args.stdout_tty else stdout.decode("utf-8", "replace"),
        "terminal": terminal.decode("utf-8", "replace"),
        "echo_after": echo_on(slave),
        "echo_at_send": echo_at_send,
        "unmatched": unmatched,
        "elapsed": round(time.monotonic() - start, 3),
    }
    json.dump(result, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
