#!/usr/bin/env bash
# The suite against another STS implementation, as a CI gate (like .ci/run's moto gate):
#
#   interop/peers/gate.sh ceph         # Ceph RADOS Gateway (Debian's radosgw), profile scenarios/profiles/ceph-rgw.toml
#   interop/peers/gate.sh localstack   # LocalStack (localstack-core from PyPI, on the host), profile scenarios/profiles/localstack.toml
#
# Starts the peer (installing it on first use), builds the suite's world in it, runs
#   $STS_HARNESS check --endpoint URL --profile PROFILE --junit target/conformance/PEER-junit.xml --quiet
# which must pass with the profile's deviations, then the same with the first deviation removed, which must
# fail on exactly that scenario (the list cannot hide a difference). The peer is stopped in every case, each
# process by its PID. Exits non-zero if either check is wrong. Run from anywhere; paths are the repo's.
# Env: STS_HARNESS (default ./target/release/sts-harness), STS_SCENARIOS (default scenarios), PEERS_DIR
# (default /tmp/sts-harness-peers: the peers' data, logs, PIDs and LocalStack's venv), RGW_PORT (27901),
# LS_PORT (27900). In target/conformance/: PEER-junit.xml, PEER-check.log, PEER-minus-one.{toml,json}
# (and localstack.toml, the profile world.py wrote).
set -euo pipefail
cd "$(dirname "$0")/../.."
peer=${1:-}
STS_HARNESS=${STS_HARNESS:-./target/release/sts-harness}
STS_SCENARIOS=${STS_SCENARIOS:-scenarios}
PEERS_DIR=${PEERS_DIR:-/tmp/sts-harness-peers}
out=target/conformance
mkdir -p "$out"

case "$peer" in
  ceph)
    export CEPH_DIR=$PEERS_DIR/ceph RGW_PORT=${RGW_PORT:-27901}
    endpoint=http://127.0.0.1:$RGW_PORT
    pids=$CEPH_DIR/pids
    grace=30 # seconds from SIGTERM to SIGKILL (each daemon stops in under a second)
    profile=scenarios/profiles/ceph-rgw.toml # static: world.py checks that RGW matches it
    start() { interop/peers/ceph/start.sh; }
    world() { python3 interop/peers/ceph/world.py "$endpoint" "$CEPH_DIR/ceph.conf" "$profile"; }
    ;;
  localstack)
    export LS_DIR=$PEERS_DIR/localstack LS_VENV=${LS_VENV:-$PEERS_DIR/localstack-venv} LS_PORT=${LS_PORT:-27900}
    endpoint=http://127.0.0.1:$LS_PORT
    pids=$LS_DIR/pids
    grace=5 # its shutdown sometimes hangs at "Stopping all services" (1 stop in 4 here); no state to lose
    profile=$out/localstack.toml # written by world.py from scenarios/profiles/localstack.toml (keys made at run time)
    start() { interop/peers/localstack/start.sh; }
    world() { python3 interop/peers/localstack/world.py "$endpoint" scenarios/profiles/localstack.toml "$profile"; }
    ;;
  *)
    echo "usage: $0 ceph|localstack" >&2
    exit 2
    ;;
esac

now() { date +%s.%N; }
took() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.1fs", b - a }'; }
timings=()

# Stops what the peer's pids file names ("name pid" lines), last started first (RGW, then the OSD while the
# monitor still answers it, then the monitor), each by its PID and only while that PID still runs the program
# the name stands for; SIGKILL after $grace seconds.
gone() { # pid: exited (no longer in /proc, or a zombie waiting to be reaped)
  local state
  state=$(awk '{ print $3 }' 2>/dev/null <"/proc/$1/stat") || return 0
  [ -z "$state" ] || [ "$state" = Z ] || [ "$state" = X ]
}
owns() { # name pid: is pid still that program?
  local cmd
  [ -r "/proc/$2/cmdline" ] || return 1
  cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$2/cmdline") || return 1
  case "$1" in
    mon) [[ "$cmd" == *ceph-mon* ]] ;;
    osd) [[ "$cmd" == *ceph-osd* ]] ;;
    rgw) [[ "$cmd" == *radosgw* ]] ;;
    localstack) [[ "$cmd" == *localstack.runtime.main* ]] ;;
    *) return 1 ;;
  esac
}
stop_peer() {
  [ -f "$pids" ] || return 0
  local t name pid
  t=$(now)
  while read -r name pid; do
    owns "$name" "$pid" || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 $((grace * 5))); do
      gone "$pid" && break
      sleep 0.2
    done
    if owns "$name" "$pid"; then
      echo "$peer: $name ($pid) still running $grace s after SIGTERM: SIGKILL" >&2
      kill -9 "$pid" 2>/dev/null || true
    fi
  done < <(tac "$pids")
  rm -f "$pids"
  timings+=("stop $(took "$t")")
}
finish() {
  local rc=$?
  stop_peer
  echo "$peer gate timings: ${timings[*]}"
  exit "$rc"
}
trap finish EXIT

t=$(now)
start
timings+=("install+start $(took "$t")")

t=$(now)
world
timings+=("world $(took "$t")")

# 1. The suite with the profile's deviations must pass.
t=$(now)
rc=0
"$STS_HARNESS" check --scenarios "$STS_SCENARIOS" --endpoint "$endpoint" --profile "$profile" --junit "$out/$peer-junit.xml" \
  --quiet >"$out/$peer-check.log" 2>&1 || rc=$?
timings+=("suite $(took "$t")")
if [ "$rc" != 0 ]; then
  cat "$out/$peer-check.log" >&2
  echo "$peer gate: the suite does not pass with the deviations of $profile (exit $rc)" >&2
  exit 1
fi
tail -n 2 "$out/$peer-check.log"

# 2. Without its first deviation, the run must fail, on that scenario.
reduced=$out/$peer-minus-one.toml
awk '/^\[deviations\]/ { in_dev = 1 } in_dev && !done && /^"[^"]+" = "/ { done = 1; next } { print }' "$profile" >"$reduced"
removed=$(diff "$profile" "$reduced" | sed -n 's/^< "\([^"]*\)" = .*/\1/p' || true)
if [ -z "$removed" ]; then
  echo "$peer gate: no deviation was removed from $profile" >&2
  exit 1
fi
echo "removed: $removed"
t=$(now)
rc=0
"$STS_HARNESS" check --scenarios "$STS_SCENARIOS" --endpoint "$endpoint" --profile "$reduced" --json "$out/$peer-minus-one.json" --quiet >/dev/null || rc=$?
timings+=("suite-minus-one $(took "$t")")
if [ "$rc" != 1 ]; then
  echo "$peer gate: the run without '$removed' exited $rc, not 1 (a failed scenario)" >&2
  exit 1
fi
python3 - "$out/$peer-minus-one.json" "$removed" <<'PY'
import json, sys
report, removed = json.load(open(sys.argv[1])), sys.argv[2]
status = {s["id"]: s["status"] for s in report["scenarios"]}
others = sorted(i for i, s in status.items() if s == "fail" and i != removed)
if status.get(removed) != "fail" or others:
    sys.exit(f"the run without '{removed}' should fail on it alone: it is {status.get(removed)!r}, other failures: {others}")
PY
echo "$peer gate: passes with its deviation list, fails without one of them"
