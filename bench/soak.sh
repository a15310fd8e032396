#!/usr/bin/env bash
# Soak, run by hand (not in CI): one million AssumeRole requests against `sts-harness serve`, then the
# first credential minted, still inside its hour (the clock is frozen), must still work, and RSS must
# stay flat. Sessions are sealed in their tokens, so nothing grows with the number minted; only the
# bounded journal fills up (at most 10,000 calls). Prints RSS along the way and a verdict.
#
# Needs: wrk (Debian package `wrk`), boto3. Usage: bench/soak.sh [requests] (default 1000000)
set -euo pipefail
cd "$(dirname "$0")/.."
TOTAL=${1:-1000000}
AT=2024-01-01T00:00:00Z
PORT=4567
cargo build --release --quiet --bin sts-harness --example signed_request
target/release/sts-harness serve --port $PORT --clock $AT --signature-skew off --quiet >/dev/null &
pid=$!
trap 'kill $pid 2>/dev/null || true' EXIT
for _ in $(seq 1 100); do (echo >"/dev/tcp/127.0.0.1/$PORT") 2>/dev/null && break; sleep 0.1; done
rss_kib() { awk '/VmRSS/ {print $2}' "/proc/$pid/status"; }

# The first credential, minted before the load (boto3 signs on the wall clock: --signature-skew off).
creds=$(python3 - "http://127.0.0.1:$PORT" <<'EOF'
import boto3, json, sys
sts = boto3.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1",
                   aws_access_key_id="AKIAIOSFODNN7EXAMPLE", aws_secret_access_key="wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY")
c = sts.assume_role(RoleArn="arn:aws:iam::123456789012:role/test-role", RoleSessionName="first")["Credentials"]
print(json.dumps({k: c[k] for k in ("AccessKeyId", "SecretAccessKey", "SessionToken")}))
EOF
)

lua=/tmp/sts-soak-$PORT.lua
target/release/examples/signed_request "127.0.0.1:$PORT" AssumeRole "$AT" >"$lua"
# Warm up to the journal's bound (10,000 calls), then measure RSS from there.
wrk -t1 -c32 -d3s -s "$lua" "http://127.0.0.1:$PORT/" >/dev/null
before=$(rss_kib)
echo "RSS after warm-up: $before KiB"
done_requests=0
started=$SECONDS
while [ "$done_requests" -lt "$TOTAL" ]; do
  out=$(wrk -t1 -c32 -d10s -s "$lua" "http://127.0.0.1:$PORT/")
  n=$(echo "$out" | awk '/requests in/ {print $1}')
  bad=$(echo "$out" | awk '/Non-2xx/ {print $5}')
  done_requests=$((done_requests + n))
  echo "  $done_requests AssumeRole, RSS $(rss_kib) KiB${bad:+, $bad non-2xx}"
done
after=$(rss_kib)

python3 - "http://127.0.0.1:$PORT" "$creds" <<'EOF'
import boto3, json, sys
c = json.loads(sys.argv[2])
sts = boto3.client("sts", endpoint_url=sys.argv[1], region_name="us-east-1", aws_access_key_id=c["AccessKeyId"],
                   aws_secret_access_key=c["SecretAccessKey"], aws_session_token=c["SessionToken"])
arn = sts.get_caller_identity()["Arn"]
assert arn == "arn:aws:sts::123456789012:assumed-role/test-role/first", arn
print(f"the first credential still works: {arn}")
EOF
echo "RSS of serve: $before KiB after warm-up, $after KiB after $done_requests AssumeRole in $((SECONDS - started)) s ($(awk -v a="$after" -v b="$before" 'BEGIN { printf "%+.1f", 100 * (a - b) / b }')%)."
