#!/usr/bin/env bash
# Starts LocalStack's STS and IAM on 127.0.0.1:$LS_PORT, on the host (no Docker, no auth token, offline),
# for the suite's LocalStack gate (interop/peers/gate.sh localstack; world: interop/peers/localstack/world.py).
#
#   interop/peers/localstack/start.sh    # prints the endpoint; PID in $LS_DIR/pids ("localstack PID")
#
# localstack-core 2026.3.0 from PyPI (the last release: the open-source repository was archived in March
# 2026), installed on first use into the venv $LS_VENV with Python 3.13 (the code uses 3.12+ syntax; on
# 3.11 the STS provider fails to load) and the exact pins of ls-constraints-2026.3.0.txt beside this
# script: unpinned, pip picks cbor2 6 and pyOpenSSL 26, which break it ("No module named
# 'cbor2._decoder'", "'X509' object has no attribute 'add_extensions'"). About 55 s with a warm pip cache,
# 500 MB. An instance left by an earlier start (its pids file) is stopped first, by its PID and only if it
# still runs LocalStack. Stop it with: kill "$(awk '{ print $2 }' "$LS_DIR/pids")" (and kill -9 after 5 s:
# its shutdown sometimes hangs at "Stopping all services"; it keeps no state).
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
LS_VERSION=2026.3.0 # the profile (scenarios/profiles/localstack.toml) was measured on this version
LS_VENV=${LS_VENV:-/tmp/sts-harness-peers/localstack-venv}
LS_DIR=${LS_DIR:-/tmp/sts-harness-peers/localstack}
LS_PORT=${LS_PORT:-27900}
case "$LS_DIR" in /tmp/?* | /var/tmp/?* | "$HOME"/?* | ./?* | [!/]?*) ;; *) echo "LS_DIR=$LS_DIR: give a directory of its own (it is wiped)" >&2; exit 2 ;; esac
now() { date +%s.%N; }
t0=$(now)

# --- install (a venv of its own, exact pins) ---------------------------------------------------------
if [ ! -f "$LS_VENV/.installed-$LS_VERSION" ]; then
  PY=${PY:-}
  if [ -z "$PY" ]; then
    # (a pyenv shim named python3.13 may exist and still fail: each candidate must run and be 3.13)
    for candidate in python3.13 "$HOME/.pyenv/versions/3.13.0/bin/python3" /usr/bin/python3.13 /usr/local/bin/python3.13; do
      if "$candidate" -c 'import sys; sys.exit(sys.version_info[:2] != (3, 13))' >/dev/null 2>&1; then
        PY=$(command -v "$candidate")
        break
      fi
    done
  fi
  [ -n "$PY" ] || { echo "LocalStack $LS_VERSION needs Python 3.13 (set PY=/path/to/python3.13)" >&2; exit 1; }
  echo "installing localstack-core $LS_VERSION into $LS_VENV ($("$PY" --version))"
  rm -rf "$LS_VENV"
  "$PY" -m venv "$LS_VENV"
  "$LS_VENV/bin/pip" install -q --disable-pip-version-check \
    -c "$HERE/ls-constraints-$LS_VERSION.txt" "localstack-core[runtime]==$LS_VERSION"
  touch "$LS_VENV/.installed-$LS_VERSION"
fi
t_installed=$(now)

# --- stop an instance left by an earlier start, by its PID -------------------------------------------
runs() { # pid: does it still run LocalStack? (a zombie's cmdline is empty)
  [ -r "/proc/$1/cmdline" ] && tr '\0' ' ' 2>/dev/null <"/proc/$1/cmdline" | grep -q 'localstack.runtime.main'
}
if [ -f "$LS_DIR/pids" ]; then
  while read -r _ pid; do
    runs "$pid" || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 25); do runs "$pid" || break; sleep 0.2; done # its shutdown sometimes hangs
    if runs "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  done <"$LS_DIR/pids"
fi
rm -rf "$LS_DIR"
mkdir -p "$LS_DIR"

# --- start -------------------------------------------------------------------------------------------
export GATEWAY_LISTEN=127.0.0.1:$LS_PORT
export GATEWAY_SERVER=hypercorn      # the default server (twisted) ignores the host and binds 0.0.0.0
export SERVICES=sts,iam              # only these providers
export EAGER_SERVICE_LOADING=1       # load them at start, not on the first request
export PARITY_AWS_ACCESS_KEY_ID=1    # AKIA/ASIA keys (not LKIA/LSIA); the account is decoded from the key
export DNS_ADDRESS=0                 # no DNS server on :53
export DISABLE_EVENTS=1              # no analytics
export SKIP_SSL_CERT_DOWNLOAD=1      # a self-signed certificate, no download
export LOCALSTACK_VOLUME_DIR=$LS_DIR/volume
export PERSISTENCE=0
unset DEBUG
"$LS_VENV/bin/python" -m localstack.runtime.main >"$LS_DIR/localstack.log" 2>&1 &
pid=$!
echo "localstack $pid" >"$LS_DIR/pids"
ready() {
  python3 - "http://127.0.0.1:$LS_PORT/_localstack/health" <<'PY' 2>/dev/null
import json, sys, urllib.request
services = json.load(urllib.request.urlopen(sys.argv[1], timeout=1))["services"]
sys.exit(0 if services.get("sts") == services.get("iam") == "running" else 1)
PY
}
ok=0
for _ in $(seq 1 240); do # 60 s at most
  if ready; then ok=1; break; fi
  kill -0 "$pid" 2>/dev/null || break
  sleep 0.25
done
if [ "$ok" != 1 ]; then
  echo "LocalStack did not start; the end of $LS_DIR/localstack.log:" >&2
  tail -n 20 "$LS_DIR/localstack.log" >&2 || true
  if runs "$pid"; then kill "$pid" 2>/dev/null || true; fi
  exit 1
fi
t_ready=$(now)
echo "LocalStack $LS_VERSION STS/IAM on http://127.0.0.1:$LS_PORT (pid $pid, log $LS_DIR/localstack.log)"
awk -v a="$t0" -v b="$t_installed" -v c="$t_ready" \
  'BEGIN { printf "localstack timings: install %.1fs, start until STS and IAM answer %.1fs\n", b - a, c - b }'
