#!/usr/bin/env bash
# Benchmarks for awsmfa (whole-process wall time, peak RSS, binary size), against a local fake STS.
#
#   benches/run.sh [--no-build] [--runs N] [--warmup N] [--only REGEX] [--out DIR]
#
# Needs: hyperfine and GNU time (Debian packages `hyperfine`, `time`; installed here when missing
# and running as root), the AWS CLI v2 for the comparison ($AWSMFA_TEST_AWS_CLI, else /usr/bin/aws;
# the case is skipped when absent), and the workspace's `fake-sts` binary.
# Results: DIR (default target/bench) holds one hyperfine JSON + Markdown file per group and
# summary.md; a compact summary is printed at the end, with the targets from the issues.
#
# fake-sts's users come from its stderr ("fake-sts: user alice key K secret S serial SERIAL ...");
# BENCH_ACCESS_KEY_ID, BENCH_SECRET_ACCESS_KEY and BENCH_SERIAL override them.
#
# Adding a case: call `group NAME ENV_MODE HYPERFINE_FLAGS -- LABEL CMD [LABEL CMD]...` in the
# "cases" section below (ENV_MODE: `bench` = the bench profile + fake endpoint, `empty` = an empty
# HOME and no AWS variables). CMD is split into words by hyperfine (-N, no shell): no quoting.
set -euo pipefail

cd "$(dirname "$0")/.."
ROOT=$PWD
RUNS=${BENCH_RUNS:-50}
WARMUP=${BENCH_WARMUP:-3}
OUT=${BENCH_OUT:-$ROOT/target/bench}
ONLY=${BENCH_ONLY:-}
BUILD=1
while (($#)); do
	case $1 in
	--no-build) BUILD= ;;
	--runs) RUNS=$2 && shift ;;
	--warmup) WARMUP=$2 && shift ;;
	--only) ONLY=$2 && shift ;;
	--out) OUT=$2 && shift ;;
	-h | --help)
		sed -n '2,18p' "$0"
		exit 0
		;;
	*)
		echo "benches/run.sh: unknown argument $1" >&2
		exit 2
		;;
	esac
	shift
done
mkdir -p "$OUT"
OUT=$(cd "$OUT" && pwd)

log() { printf '== %s\n' "$*" >&2; }
die() {
	echo "benches/run.sh: error: $*" >&2
	exit 1
}

# ---------------------------------------------------------------- tools
need_apt=()
command -v hyperfine >/dev/null || need_apt+=(hyperfine)
[[ -x /usr/bin/time ]] || need_apt+=(time)
if ((${#need_apt[@]})); then
	[[ $(id -u) == 0 ]] || die "missing ${need_apt[*]} (apt-get install ${need_apt[*]})"
	log "installing ${need_apt[*]}"
	{ apt-get update && DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends "${need_apt[@]}"; } \
		>"$OUT/apt.log" 2>&1 || {
		tail -n 20 "$OUT/apt.log" >&2
		die "apt-get failed"
	}
fi
AWS_CLI=${AWSMFA_TEST_AWS_CLI:-/usr/bin/aws}
[[ -x $AWS_CLI ]] || AWS_CLI=

# ---------------------------------------------------------------- build
if [[ -n $BUILD ]]; then
	log "cargo build --release --workspace"
	cargo build --release --workspace --quiet
fi
TARGET_DIR=$(cargo metadata --format-version 1 --no-deps 2>/dev/null |
	python3 -c 'import json,sys; print(json.load(sys.stdin)["target_directory"])' 2>/dev/null ||
	echo "$ROOT/target")
AWSMFA=$TARGET_DIR/release/awsmfa
FAKE_STS=$TARGET_DIR/release/fake-sts
[[ -x $AWSMFA ]] || die "$AWSMFA not built"
[[ -x $FAKE_STS ]] || die "$FAKE_STS not built"

# ---------------------------------------------------------------- fake STS + temp homes
TMP=$(mktemp -d /tmp/awsmfa-bench.XXXXXX)
FAKE_PID=
cleanup() {
	if [[ -n $FAKE_PID ]]; then
		kill "$FAKE_PID" 2>/dev/null || true
		wait "$FAKE_PID" 2>/dev/null || true
	fi
	rm -rf "$TMP"
}
trap cleanup EXIT

mkfifo "$TMP/fake.out"
"$FAKE_STS" --any-code --allow-reuse >"$TMP/fake.out" 2>"$TMP/fake.err" &
FAKE_PID=$!
exec 3<"$TMP/fake.out"
URL=
IFS= read -r -t 20 URL <&3 || true
[[ $URL == http://127.0.0.1:* ]] || {
	cat "$TMP/fake.err" >&2
	die "fake-sts printed no URL (got '$URL')"
}
# Keep reading its stdout in the background so it can never block on a full pipe.
cat <&3 >/dev/null &
exec 3<&-
user_field() { sed -n "s/^fake-sts: user alice .*\\b$1 \\([^ ]*\\).*/\\1/p" "$TMP/fake.err" | head -n 1; }
KEY_ID=${BENCH_ACCESS_KEY_ID:-$(user_field key)}
SECRET=${BENCH_SECRET_ACCESS_KEY:-$(user_field secret)}
SERIAL=${BENCH_SERIAL:-$(user_field serial)}
[[ -n $KEY_ID && -n $SECRET && -n $SERIAL ]] ||
	die "no keys for alice (set BENCH_ACCESS_KEY_ID, BENCH_SECRET_ACCESS_KEY, BENCH_SERIAL)"
log "fake STS at $URL (alice: $KEY_ID, $SERIAL)"

BENCH_HOME=$TMP/home
EMPTY_HOME=$TMP/empty
mkdir -p "$BENCH_HOME/.aws" "$EMPTY_HOME"
cat >"$BENCH_HOME/.aws/config" <<EOF
[profile bench]
region = us-east-1
mfa_serial = $SERIAL
EOF
cat >"$BENCH_HOME/.aws/credentials" <<EOF
[bench]
aws_access_key_id = $KEY_ID
aws_secret_access_key = $SECRET
EOF
chmod 600 "$BENCH_HOME/.aws/credentials"

# Run "$@" in the environment of ENV_MODE ($1), with nothing of the caller's AWS_* variables.
in_env() {
	local mode=$1
	shift
	local keep=(PATH="$PATH" LANG=C.UTF-8 TERM=dumb)
	case $mode in
	bench)
		env -i "${keep[@]}" HOME="$BENCH_HOME" \
			AWS_CONFIG_FILE="$BENCH_HOME/.aws/config" \
			AWS_SHARED_CREDENTIALS_FILE="$BENCH_HOME/.aws/credentials" \
			AWS_ENDPOINT_URL_STS="$URL" AWS_EC2_METADATA_DISABLED=true AWS_PAGER= "$@"
		;;
	empty) env -i "${keep[@]}" HOME="$EMPTY_HOME" "$@" ;;
	*) die "unknown env mode $mode" ;;
	esac
}

# ---------------------------------------------------------------- groups
GROUPS_RUN=()
SKIPPED=()
declare -A RSS_KIB=() EXIT_OF=()

# group NAME ENV_MODE "HYPERFINE_FLAGS" -- LABEL CMD [LABEL CMD]...
group() {
	local name=$1 mode=$2 flags=$3
	shift 4
	if [[ -n $ONLY && ! $name =~ $ONLY ]]; then return 0; fi
	local args=() label cmd rc
	while (($#)); do
		label=$1 cmd=$2
		shift 2
		# One plain run first: its exit status, and that it works at all.
		# shellcheck disable=SC2086 # CMD is deliberately split into words
		in_env "$mode" $cmd >"$OUT/$name.$label.out" 2>"$OUT/$name.$label.err" && rc=0 || rc=$?
		EXIT_OF[$label]=$rc
		if [[ $rc != 0 && $flags != *-i* ]]; then
			log "SKIPPED $label: '$cmd' exited $rc: $(head -c 300 "$OUT/$name.$label.err")"
			SKIPPED+=("$label (exit $rc)")
			continue
		fi
		# Peak RSS: the largest of 5 runs, in KiB.
		local max=0 kib
		for _ in 1 2 3 4 5; do
			# shellcheck disable=SC2086
			kib=$(in_env "$mode" /usr/bin/time -f %M -o "$TMP/rss" $cmd >/dev/null 2>&1; tail -n 1 "$TMP/rss")
			[[ $kib =~ ^[0-9]+$ ]] && ((kib > max)) && max=$kib
		done
		RSS_KIB[$label]=$max
		args+=(--command-name "$label" "$cmd")
	done
	((${#args[@]})) || return 0
	log "hyperfine: $name"
	# shellcheck disable=SC2086 # FLAGS holds several options
	in_env "$mode" hyperfine -N --style basic --warmup "$WARMUP" --runs "$RUNS" $flags \
		--export-json "$OUT/$name.json" --export-markdown "$OUT/$name.md" "${args[@]}" \
		>"$OUT/$name.txt" 2>&1 || {
		cat "$OUT/$name.txt" >&2
		die "hyperfine failed for $name"
	}
	GROUPS_RUN+=("$name")
}

# ---------------------------------------------------------------- cases
exchange=(awsmfa "$AWSMFA --shell bash --no-cache --token-code 123456 --profile bench")
if [[ -n $AWS_CLI ]]; then
	# The CLI v2 from Debian (2.9) ignores AWS_ENDPOINT_URL_STS: give it --endpoint-url.
	exchange+=(aws-cli "$AWS_CLI sts get-session-token --serial-number $SERIAL --token-code 123456 --profile bench --endpoint-url $URL --output json")
else
	log "no AWS CLI v2 at ${AWSMFA_TEST_AWS_CLI:-/usr/bin/aws}: exchange compared with nothing"
fi
group exchange bench "" -- "${exchange[@]}"
# A serial is given so that the run gets as far as looking for keys.
group no-credentials empty "-i" -- no-creds "$AWSMFA --shell bash --token-code 123456 --serial-number $SERIAL"
group init bench "" -- init-bash "$AWSMFA init bash"

# Cache hit: the session one exchange cached, re-exported with no code and no network (hyperfine's stdin
# is /dev/null, so a miss would fail the run with exit 3), side by side with the AWS CLI exporting the
# static keys of the same profile (`configure export-credentials` has no MFA or network step either).
# The cache is the bench home's default one ($BENCH_HOME/.cache/awsmfa), primed here.
if [[ -z $ONLY || cache-hit =~ $ONLY ]]; then
	in_env bench "$AWSMFA" --shell bash --token-code 123456 --profile bench \
		</dev/null >/dev/null 2>"$OUT/cache-hit.prime.err" ||
		die "cache-hit: the priming exchange failed: $(cat "$OUT/cache-hit.prime.err")"
	prime=$(in_env bench "$AWSMFA" --shell bash --profile bench </dev/null 2>&1 >/dev/null) || true
	[[ $prime == *'reusing the cached session'* ]] || die "cache-hit: the primed session is not reused: $prime"
	hit=(cache-hit "$AWSMFA --shell bash --profile bench")
	if [[ -n $AWS_CLI ]]; then
		hit+=(aws-export-creds "$AWS_CLI configure export-credentials --profile bench --format env")
	else
		log "no AWS CLI v2 at ${AWSMFA_TEST_AWS_CLI:-/usr/bin/aws}: cache hit compared with nothing"
	fi
	group cache-hit bench "" -- "${hit[@]}"
fi
# More cases go here, as further `group` calls.

# ---------------------------------------------------------------- summary
SIZE=$(stat -c %s "$AWSMFA")
{
	for l in "${!RSS_KIB[@]}"; do echo "rss $l ${RSS_KIB[$l]}"; done
	for l in "${!EXIT_OF[@]}"; do echo "exit $l ${EXIT_OF[$l]}"; done
} >"$TMP/extra"
for s in "${SKIPPED[@]}"; do echo "skipped $s"; done >>"$TMP/extra"
python3 - "$OUT" "$SIZE" "$TMP/extra" "${GROUPS_RUN[@]}" <<'EOF' | tee "$OUT/summary.md"
import json, sys
out, size, extra, groups = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4:]
rss, exits, skipped = {}, {}, []
for line in open(extra):
    kind, rest = line.rstrip("\n").split(" ", 1)
    if kind == "skipped":
        skipped.append(rest)
        continue
    label, value = rest.split()
    (rss if kind == "rss" else exits)[label] = int(value)
rows, med = [], {}
for g in groups:
    for r in json.load(open(f"{out}/{g}.json"))["results"]:
        label = r["command"]
        med[label] = r["median"] * 1000
        rows.append((g, label, r["median"] * 1000, r["mean"] * 1000, (r["stddev"] or 0) * 1000,
                     r["min"] * 1000, r["max"] * 1000, rss.get(label), exits.get(label)))
print("| group | case | median ms | mean ± σ ms | min ms | max ms | peak RSS MiB | exit |")
print("|---|---|---:|---:|---:|---:|---:|---:|")
for g, l, m, mean, sd, mn, mx, k, e in rows:
    k = "-" if k is None else f"{k / 1024:.1f}"
    print(f"| {g} | {l} | {m:.2f} | {mean:.2f} ± {sd:.2f} | {mn:.2f} | {mx:.2f} | {k} | {e} |")
print(f"\nrelease binary: {size} bytes ({size / 1e6:.2f} MB)")
if skipped:
    print("skipped (the command failed): " + ", ".join(skipped))
checks = []
def check(what, ok, detail):
    checks.append(f"- [{'x' if ok else ' '}] {what}: {detail}")
if "awsmfa" in med:
    check("exchange median <= 10 ms", med["awsmfa"] <= 10, f"{med['awsmfa']:.2f} ms")
    if "aws-cli" in med:
        ratio = med["aws-cli"] / med["awsmfa"]
        check(">= 40x faster than the AWS CLI", ratio >= 40, f"{ratio:.0f}x")
if "cache-hit" in med:
    check("cache hit median <= 2 ms", med["cache-hit"] <= 2, f"{med['cache-hit']:.2f} ms")
    if "aws-export-creds" in med:
        ratio = med["aws-export-creds"] / med["cache-hit"]
        check(">= 200x faster than aws configure export-credentials", ratio >= 200,
              f"{ratio:.0f}x ({med['aws-export-creds']:.1f} ms vs {med['cache-hit']:.2f} ms)")
    if "cache-hit" in rss and "aws-export-creds" in rss:
        print(f"\ncache hit peak RSS {rss['cache-hit'] / 1024:.1f} MiB vs AWS CLI export-credentials "
              f"{rss['aws-export-creds'] / 1024:.1f} MiB ({rss['aws-export-creds'] / rss['cache-hit']:.0f}x)")
if "no-creds" in med:
    check("no credentials: fails in <= 20 ms", med["no-creds"] <= 20 and exits.get("no-creds", 0) != 0,
          f"{med['no-creds']:.2f} ms, exit {exits.get('no-creds')}")
if "init-bash" in med:
    check("init bash median <= 1.5 ms", med["init-bash"] <= 1.5, f"{med['init-bash']:.2f} ms")
check("stripped binary <= 6 MB", size <= 6_000_000, f"{size / 1e6:.2f} MB")
if "awsmfa" in rss:
    check("exchange peak RSS <= 12 MiB", rss["awsmfa"] <= 12 * 1024, f"{rss['awsmfa'] / 1024:.1f} MiB")
print("\ntargets:")
print("\n".join(checks))
EOF
log "details in $OUT"
