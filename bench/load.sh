#!/usr/bin/env bash
# Load test, run by hand (not in CI): wrk against `sts-harness serve` (SigV4 verified on a frozen
# clock, so one signed request stays valid), beside a fixed-body hyper server (the ceiling for an
# HTTP mock on this machine) and moto's STS server, on the same requests. Prints a Markdown table.
# ROUNDS=n (default 3) sets how many times ceiling and mock alternate per request.
#
# Needs: wrk (Debian package `wrk`), moto (`pip install 'moto[server]'`). Usage: bench/load.sh [seconds]
set -euo pipefail
cd "$(dirname "$0")/.."
DURATION=${1:-10}
AT=2024-01-01T00:00:00Z
MOCK=4566; CEILING=4600; MOTO=4700
cargo build --release --quiet --bin sts-harness --example fixed_body_server --example signed_request
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; }
trap cleanup EXIT

wait_port() { for _ in $(seq 1 100); do (echo > "/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0; sleep 0.1; done; echo "port $1 did not open" >&2; exit 1; }
script() { target/release/examples/signed_request "127.0.0.1:$1" "$2" "$AT" > "/tmp/sts-load-$1-$2.lua"; echo "/tmp/sts-load-$1-$2.lua"; }
# wrk: one thread, 32 connections; prints "req/s p50 p99".
run() {
  local out
  out=$(wrk -t1 -c32 -d"${3}s" --latency -s "$2" "http://127.0.0.1:$1/")
  local rps p50 p99
  rps=$(echo "$out" | awk '/Requests\/sec/ {print $2}')
  p50=$(echo "$out" | awk '$1=="50%" {print $2}')
  p99=$(echo "$out" | awk '$1=="99%" {print $2}')
  local non2xx
  non2xx=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  echo "$rps $p50 $p99 ${non2xx:-0}"
}

# The size of the mock's answer to a wrk script's request (curl replays the script's request).
answer_bytes() {
  local args=()
  while IFS= read -r line; do
    case "$line" in
      'wrk.headers["'*) args+=(-H "$(echo "$line" | sed -E 's/^wrk\.headers\["([^"]+)"\] = "(.*)"$/\1: \2/')") ;;
      'wrk.body = '*) args+=(--data-raw "$(echo "$line" | sed -E 's/^wrk\.body = "(.*)"$/\1/')") ;;
    esac
  done < "$2"
  curl -s -o /dev/null -w '%{size_download}' "${args[@]}" "http://127.0.0.1:$1/"
}

target/release/sts-harness serve --port $MOCK --clock $AT --quiet > /dev/null & pids+=($!)
moto_server -p $MOTO > /dev/null 2>&1 & pids+=($!)
wait_port $MOCK; wait_port $MOTO
# One ceiling server per operation, each answering a body of the size the mock answers it with.
CEILING_GCI=$CEILING; CEILING_AR=$((CEILING + 1))
gci_bytes=$(answer_bytes $MOCK "$(script $MOCK GetCallerIdentity)")
ar_bytes=$(answer_bytes $MOCK "$(script $MOCK AssumeRole)")
target/release/examples/fixed_body_server $CEILING_GCI "$gci_bytes" > /dev/null & pids+=($!)
target/release/examples/fixed_body_server $CEILING_AR "$ar_bytes" > /dev/null & pids+=($!)
wait_port $CEILING_GCI; wait_port $CEILING_AR
echo "Answer sizes: GetCallerIdentity $gci_bytes bytes, AssumeRole $ar_bytes bytes (the ceiling answers the same sizes)."
echo

# The machine is shared (a VM beside others): one run moves by 10-20%. Ceiling and mock alternate,
# ROUNDS times each, and the table gives the round with the median ratio, and every round's ratio.
ROUNDS=${ROUNDS:-3}
echo "| server | request | requests/s | p50 | p99 | non-2xx |"
echo "|---|---|---:|---:|---:|---:|"
ratios_text=""
for op in GetCallerIdentity AssumeRole; do
  ceiling=$CEILING_GCI; [ "$op" = AssumeRole ] && ceiling=$CEILING_AR
  rounds=()
  for round in $(seq 1 "$ROUNDS"); do
    read -r crps cp50 cp99 cbad < <(run $ceiling "$(script $ceiling $op)" "$DURATION")
    read -r mrps mp50 mp99 mbad < <(run $MOCK "$(script $MOCK $op)" "$DURATION")
    ratio=$(awk -v m="$mrps" -v c="$crps" 'BEGIN { printf "%.1f", 100 * m / c }')
    rounds+=("$ratio|$crps|$cp50|$cp99|$cbad|$mrps|$mp50|$mp99|$mbad")
    echo "  round $round, $op: ceiling $crps, serve $mrps requests/s ($ratio%)" >&2
  done
  IFS='|' read -r ratio crps cp50 cp99 cbad mrps mp50 mp99 mbad < <(printf '%s\n' "${rounds[@]}" | sort -t'|' -k1,1n | sed -n "$(( (ROUNDS + 1) / 2 ))p")
  echo "| hyper fixed body (ceiling) | $op | $crps | $cp50 | $cp99 | $cbad |"
  echo "| sts-harness serve (SigV4) | $op | $mrps | $mp50 | $mp99 | $mbad |"
  read -r rps p50 p99 bad < <(run $MOTO "$(script $MOTO $op)" "$DURATION")
  echo "| moto_server | $op | $rps | $p50 | $p99 | $bad |"
  all=$(printf '%s\n' "${rounds[@]}" | cut -d'|' -f1 | paste -sd' ')
  ratios_text+="serve / ceiling, $op: median ${ratio}% (rounds: ${all// /%, }%)"$'\n'
done
echo
printf '%s' "$ratios_text"

# Memory across a million AssumeRole requests, and the first credential afterwards: bench/soak.sh.
