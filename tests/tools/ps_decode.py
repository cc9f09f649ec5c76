#!/usr/bin/env python3
"""A model of how PowerShell reads awsmfa's PowerShell output (no PowerShell runs here).

Usage:
  ps_decode.py decode [FILE]   strict decoder of awsmfa's two statement forms -> JSON on stdout
  ps_decode.py syntax [FILE]   tree-sitter-powershell syntax check (needs the tree-sitter packages)
  ps_decode.py selftest        check both modes on built-in samples
FILE defaults to stdin ("-"). Input must be UTF-8.

decode accepts ONLY these statements, one per line (LF or CRLF; the last newline is optional;
no blank lines, comments, extra spaces or other case):

  $env:NAME = '<verbatim string>'
  Remove-Item -LiteralPath Env:NAME -ErrorAction SilentlyContinue

where NAME is [A-Za-z_][A-Za-z0-9_]*. Anything else: a message on stderr, exit 1.

The verbatim (single-quoted) string follows PowerShell's tokenizer
(System.Management.Automation/engine/parser/tokenizer.cs, Tokenizer.ScanStringLiteral, and
CharExtensions.IsSingleQuote; language spec 3.0 section 2.3.5.2, verbatim-string-literal):
  * a single-quote character is any of U+0027 ' U+2018 ‘ U+2019 ’ U+201A ‚ U+201B ‛ ;
    the string may open and close with any of them (they need not match);
  * inside, a single-quote character followed by another single-quote character is ONE
    literal character: the first is the escape and the SECOND is kept (so '’ reads as ’,
    ’' reads as ') ;
  * a single-quote character not followed by another ends the string;
  * every other character, newline, CR, $, backtick, double quotes, NUL, is literal;
  * end of input before the terminator is an error ("TerminatorExpectedAtEndOfString").

decode prints
  {"set": {NAME: value}, "unset": [NAME...], "order": [NAME...],
   "statements": [{"op": "set"|"unset", "name": NAME, "value": value-or-null}],
   "empty": [NAME...]}
"set" and "unset" are the net effect of all statements in order (a later statement on the same
name wins); "order" and "statements" list every statement in input order. "empty" lists names
whose net value is '' - PowerShell before 7.5 REMOVES a variable assigned '' (7.5 keeps it).

syntax parses the text with tree-sitter-powershell and exits 1, printing each ERROR / MISSING
node on stderr, when the tree has any. tree-sitter-powershell only knows the ASCII quote, so syntax also
re-scans every single-quoted string literal the tree found with the rule above and reports a
"tokenizer disagreement" when PowerShell would end that string elsewhere (e.g. an undoubled ’).
"""

import json
import re
import sys

SINGLE_QUOTES = "'\u2018\u2019\u201a\u201b"
NAME_RE = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")
SET_PREFIX = "$env:"
UNSET_RE = re.compile(r"Remove-Item -LiteralPath Env:([A-Za-z_][A-Za-z0-9_]*) -ErrorAction SilentlyContinue")


class DecodeError(Exception):
    pass


def is_single_quote(c):
    return c in SINGLE_QUOTES


def scan_verbatim(text, i):
    """text[i] is the opening quote. Returns (value, index after the closing quote).

    Raises DecodeError when the input ends before the terminator."""
    assert is_single_quote(text[i])
    out = []
    j = i + 1
    n = len(text)
    while j < n:
        c = text[j]
        if is_single_quote(c):
            if j + 1 < n and is_single_quote(text[j + 1]):
                out.append(text[j + 1])  # the first is the escape, the second is kept
                j += 2
                continue
            return "".join(out), j + 1
        out.append(c)
        j += 1
    raise DecodeError(f"offset {i}: the string is missing its terminator: '")


def where(text, i):
    line = text.count("\n", 0, i) + 1
    col = i - (text.rfind("\n", 0, i) + 1) + 1
    return f"line {line}, column {col}"


def end_of_statement(text, i):
    if i == len(text):
        return i
    if text.startswith("\r\n", i):
        i += 2
    elif text.startswith("\n", i):
        i += 1
    else:
        raise DecodeError(f"{where(text, i)}: expected the end of the line, found {text[i:i + 20]!r}")
    if i < len(text) and text[i] in "\r\n":
        raise DecodeError(f"{where(text, i)}: blank line")
    return i


def decode(text):
    statements = []
    i = 0
    n = len(text)
    while i < n:
        if text.startswith(SET_PREFIX, i):
            m = NAME_RE.match(text, i + len(SET_PREFIX))
            if not m:
                raise DecodeError(f"{where(text, i)}: bad variable name after $env:")
            name = m.group(0)
            j = m.end()
            if not text.startswith(" = ", j):
                raise DecodeError(f"{where(text, j)}: expected ' = ' after $env:{name}")
            j += 3
            if j >= n or not is_single_quote(text[j]):
                raise DecodeError(f"{where(text, j)}: expected a single-quoted string")
            try:
                value, j = scan_verbatim(text, j)
            except DecodeError:
                raise DecodeError(f"{where(text, j)}: the string is missing its terminator")
            statements.append({"op": "set", "name": name, "value": value})
            i = end_of_statement(text, j)
            continue
        m = UNSET_RE.match(text, i)
        if m:
            statements.append({"op": "unset", "name": m.group(1), "value": None})
            i = end_of_statement(text, m.end())
            continue
        raise DecodeError(f"{where(text, i)}: not an awsmfa statement: {text[i:i + 40]!r}")

    env = {}  # name -> value, or None for removed
    for s in statements:
        env[s["name"]] = s["value"]
    return {
        "set": {k: v for k, v in env.items() if v is not None},
        "unset": [k for k, v in env.items() if v is None],
        "order": [s["name"] for s in statements],
        "statements": statements,
        "empty": [k for k, v in env.items() if v == ""],
    }


# ---------------------------------------------------------------- syntax (tree-sitter)


def syntax_problems(text):
    try:
        from tree_sitter import Language, Parser
        import tree_sitter_powershell
    except ImportError as e:
        raise SystemExit(f"ps_decode.py: syntax mode needs tree-sitter and tree-sitter-powershell: {e}")
    data = text.encode("utf-8")
    parser = Parser(Language(tree_sitter_powershell.language()))
    tree = parser.parse(data)
    problems = []

    def pos(node):
        r, c = node.start_point
        return f"line {r + 1}, byte column {c + 1}"

    stack = [tree.root_node]
    while stack:
        node = stack.pop()
        if node.is_error or node.type == "ERROR":
            problems.append(f"{pos(node)}: ERROR node: {node.text.decode('utf-8', 'replace')[:80]!r}")
        elif node.is_missing:
            problems.append(f"{pos(node)}: MISSING {node.type}")
        elif node.type == "verbatim_string_characters":
            start = len(data[: node.start_byte].decode("utf-8"))
            end = len(data[: node.end_byte].decode("utf-8"))
            if start < len(text) and is_single_quote(text[start]):
                try:
                    _, ps_end = scan_verbatim(text, start)
                except DecodeError:
                    ps_end = None
                if ps_end != end:
                    problems.append(
                        f"{pos(node)}: tokenizer disagreement: tree-sitter reads the string "
                        f"{text[start:end][:60]!r}, PowerShell ends it "
                        + ("nowhere (unterminated)" if ps_end is None else f"after {text[start:ps_end][:60]!r}")
                    )
        stack.extend(reversed(node.children))
    if tree.root_node.has_error and not problems:
        problems.append("tree-sitter reports an error in the tree")
    return problems


# ---------------------------------------------------------------- selftest


def encode(value):
    """The quoting rule awsmfa must follow (for the selftest only): double every quote char."""
    return "'" + "".join(c + c if is_single_quote(c) else c for c in value) + "'"


def selftest():
    failures = []

    def check(cond, what):
        if not cond:
            failures.append(what)

    hostile = "a'b\u2018c\u2019d\u201ae\u201bf\ng\r\n$x `t`` \"q\" \\ %PATH% !x! ^&|<> é\u00a0\u2603 \x01end\\"
    values = {
        "AWS_ACCESS_KEY_ID": "ASIAEXAMPLE",
        "AWS_SECRET_ACCESS_KEY": hostile,
        "AWS_SESSION_TOKEN": "'",
        "AWS_CREDENTIAL_EXPIRATION": "",
        "Q": "\u2019\u2019'\u2018",
    }
    lines = [f"$env:{k} = {encode(v)}" for k, v in values.items()]
    lines.append("Remove-Item -LiteralPath Env:AWS_SECURITY_TOKEN -ErrorAction SilentlyContinue")
    text = "\n".join(lines) + "\n"
    got = decode(text)
    check(got["set"] == values, f"round trip: {got['set']!r}")
    check(got["unset"] == ["AWS_SECURITY_TOKEN"], "unset")
    check(got["order"] == list(values) + ["AWS_SECURITY_TOKEN"], "order")
    check(got["empty"] == ["AWS_CREDENTIAL_EXPIRATION"], "empty")
    check(decode(text.replace("\n", "\r\n"))["set"]["AWS_ACCESS_KEY_ID"] == "ASIAEXAMPLE", "CRLF")

    # The pair rule: the SECOND of two quote characters is kept; any quote char opens/closes.
    check(decode("$env:A = 'x''y'")["set"]["A"] == "x'y", "'' -> '")
    check(decode("$env:A = 'x'\u2019y'")["set"]["A"] == "x\u2019y", "'\u2019 -> \u2019")
    check(decode("$env:A = 'x\u2019'y'")["set"]["A"] == "x'y", "\u2019' -> '")
    check(decode("$env:A = \u2018x\u201b")["set"]["A"] == "x", "curly open/close")
    check(decode("$env:A = ''''")["set"]["A"] == "'", "''''")
    check(decode("$env:A = 'a'\nRemove-Item -LiteralPath Env:A -ErrorAction SilentlyContinue")["set"] == {}, "net")

    bad = [
        "$env:A = 'unterminated\n",
        "$env:A = 'x\u2019y'\n",  # undoubled ’ ends the string early, then y' is garbage
        "$env:A='x'\n",
        "$env:A = \"x\"\n",
        "$env:A = 'x'; $env:B = 'y'\n",
        "$env:A = 'x'\n\n$env:B = 'y'\n",
        "$ENV:A = 'x'\n",
        "remove-item -LiteralPath Env:A -ErrorAction SilentlyContinue\n",
        "Remove-Item -LiteralPath Env:A\n",
        "Write-Host hi\n",
        "$env:1A = 'x'\n",
    ]
    for b in bad:
        try:
            decode(b)
            failures.append(f"decode accepted {b!r}")
        except DecodeError:
            pass

    try:
        import tree_sitter  # noqa: F401
        import tree_sitter_powershell  # noqa: F401
        have_ts = True
    except ImportError:
        have_ts = False
    if have_ts:
        check(syntax_problems(text) == [], f"syntax rejects good text: {syntax_problems(text)}")
        check(syntax_problems(text.replace("\n", "\r\n")) == [], "syntax rejects CRLF text")
        check(syntax_problems("$env:A = 'unterminated\n") != [], "syntax accepts an unterminated quote")
        check(syntax_problems("$env:A = 'a\u2019b'\n") != [], "syntax misses an undoubled \u2019")
        check(syntax_problems("$env:A = 'a' 'b'\n") != [], "syntax accepts two strings")
        check(syntax_problems("if ($x) { $env:A = 'a' \n") != [], "syntax accepts a missing }")
        wrapper = (
            "function mfa {\n"
            "  $out = & awsmfa export --shell powershell @args | Out-String\n"
            "  if ($LASTEXITCODE -ne 0) { Write-Error \"awsmfa failed\"; return }\n"
            "  Invoke-Expression $out\n"
            "}\n"
        )
        check(syntax_problems(wrapper) == [], f"syntax rejects a wrapper: {syntax_problems(wrapper)}")
    if failures:
        for f in failures:
            print("FAIL:", f, file=sys.stderr)
        return 1
    print("ps_decode.py selftest: ok" + ("" if have_ts else " (decode only: tree-sitter not installed)"))
    return 0


def read_input(path):
    data = sys.stdin.buffer.read() if path in (None, "-") else open(path, "rb").read()
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError as e:
        raise DecodeError(f"input is not UTF-8: {e}")


def main(argv):
    if len(argv) < 2 or argv[1] not in ("decode", "syntax", "selftest") or len(argv) > 3:
        print(__doc__.split("\n\n")[1], file=sys.stderr)
        return 2
    mode = argv[1]
    if mode == "selftest":
        return selftest()
    path = argv[2] if len(argv) == 3 else None
    try:
        text = read_input(path)
        if mode == "decode":
            json.dump(decode(text), sys.stdout, ensure_ascii=True)
            sys.stdout.write("\n")
            return 0
    except DecodeError as e:
        print(f"ps_decode.py: {e}", file=sys.stderr)
        return 1
    problems = syntax_problems(text)
    for p in problems:
        print(f"ps_decode.py: {p}", file=sys.stderr)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
