#!/usr/bin/env python3
"""Prepare a moto_server that runs with authentication on, for awsmfa's tests.

Usage: moto_setup.py URL [--user NAME]

moto (5.x) authenticates nothing until it has served INITIAL_NO_AUTH_ACTION_COUNT
AWS actions; after that it checks every request's SigV4 signature against the
access keys of its own IAM users AND evaluates the user's IAM policies (only
sts:GetCallerIdentity is always allowed). GetSessionToken therefore needs an
Allow policy. This script:

  1. POSTs "3" to URL/moto-api/reset-auth: sets the unauthenticated budget to 3
     actions and resets moto's counter to 0 (moto-api calls are not counted),
     so the script works whatever moto was started with and whatever was sent
     to it before; it can be run again (each run creates a new user);
  2. spends exactly those 3 actions, unsigned: iam CreateUser,
     iam CreateAccessKey, iam PutUserPolicy (Allow sts:GetSessionToken and
     sts:GetCallerIdentity on "*");
  3. prints "ACCESS_KEY_ID SECRET_ACCESS_KEY" of the new user on one line.

From then on every request to moto must be signed by a known key.

Unsigned requests are not verified while the budget lasts, but moto's server
routes a request to a service by the credential scope of its Authorization
header, so the header below carries a scope naming "iam" and a dummy signature.

Only the Python standard library is used. Exit status: 0 on success, 1 on any
failure (with the reason on stderr).
"""

import argparse
import secrets
import sys
import urllib.error
import urllib.parse
import urllib.request
import xml.etree.ElementTree as ET

NO_AUTH_ACTIONS = 3  # CreateUser, CreateAccessKey, PutUserPolicy

POLICY = (
    '{"Version":"2012-10-17","Statement":[{"Effect":"Allow",'
    '"Action":["sts:GetSessionToken","sts:GetCallerIdentity"],"Resource":"*"}]}'
)


def fail(msg):
    print(f"moto_setup.py: {msg}", file=sys.stderr)
    sys.exit(1)


def post(url, body, headers, timeout):
    req = urllib.request.Request(url, data=body, headers=headers, method="POST")
    try:
        with urllib.request.urlopen(req, timeout=timeout) as resp:
            return resp.read()
    except urllib.error.HTTPError as e:
        fail(f"{url}: HTTP {e.code}: {e.read().decode('utf-8', 'replace')}")
    except (urllib.error.URLError, OSError) as e:
        fail(f"{url}: {e}")


def iam(base, params, timeout):
    params = dict(params, Version="2010-05-08")
    body = urllib.parse.urlencode(params).encode()
    headers = {
        "Content-Type": "application/x-www-form-urlencoded; charset=utf-8",
        # Routing only: moto does not verify it while the no-auth budget lasts.
        "Authorization": (
            "AWS4-HMAC-SHA256 Credential=AKIAMOTOSETUP0000000/20250101/"
            "us-east-1/iam/aws4_request, SignedHeaders=host;x-amz-date, "
            "Signature=" + "0" * 64
        ),
        "X-Amz-Date": "20250101T000000Z",
    }
    data = post(base + "/", body, headers, timeout)
    try:
        return ET.fromstring(data)
    except ET.ParseError as e:
        fail(f"{params['Action']}: unparsable answer ({e}): {data[:300]!r}")


def find(root, tag):
    for el in root.iter():
        if el.tag == tag or el.tag.endswith("}" + tag):
            return el.text
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("url", help="moto_server base URL, e.g. http://127.0.0.1:5000")
    ap.add_argument("--user", help="IAM user name (default: awsmfa-<random>)")
    ap.add_argument("--timeout", type=float, default=10.0)
    args = ap.parse_args()
    base = args.url.rstrip("/")
    user = args.user or "awsmfa-" + secrets.token_hex(4)

    post(
        base + "/moto-api/reset-auth",
        str(NO_AUTH_ACTIONS).encode(),
        {"Content-Type": "text/plain"},
        args.timeout,
    )
    iam(base, {"Action": "CreateUser", "UserName": user}, args.timeout)
    root = iam(base, {"Action": "CreateAccessKey", "UserName": user}, args.timeout)
    key_id = find(root, "AccessKeyId")
    secret = find(root, "SecretAccessKey")
    if not key_id or not secret:
        fail("CreateAccessKey answer holds no key: " + ET.tostring(root, "unicode")[:300])
    iam(
        base,
        {
            "Action": "PutUserPolicy",
            "UserName": user,
            "PolicyName": "awsmfa-test",
            "PolicyDocument": POLICY,
        },
        args.timeout,
    )
    print(f"{key_id} {secret}")


if __name__ == "__main__":
    main()
