#!/usr/bin/env bash
# Starts a fresh one-node Ceph cluster with RADOS Gateway serving STS and IAM on 127.0.0.1:$RGW_PORT,
# for the suite's Ceph gate (interop/peers/gate.sh ceph; world: interop/peers/ceph/world.py).
#
#   interop/peers/ceph/start.sh        # prints the endpoint; PIDs in $CEPH_DIR/pids ("name pid" lines)
#
# Debian 12's packages (Ceph 16.2.15, Pacific), installed on first use: one monitor, one OSD on the
# in-memory objectstore (memstore: no disk), radosgw, cephx off, pools of size 1, no manager (RGW's STS
# and IAM run the same without one). Every port is on 127.0.0.1. Everything lives under $CEPH_DIR,
# wiped on each start; a cluster left by an earlier start (its pids file) is stopped first, each
# process by its PID and only if it still is the Ceph daemon that was started. Stop it, last started first:
#   tac "$CEPH_DIR/pids" | while read -r _ p; do kill "$p"; while kill -0 "$p" 2>/dev/null; do sleep 0.2; done; done
# On failure, whatever this run started is stopped and the daemons' logs are under $CEPH_DIR/log/.
set -euo pipefail
CEPH_DIR=${CEPH_DIR:-/tmp/sts-harness-peers/ceph}
case "$CEPH_DIR" in /tmp/?* | /var/tmp/?* | "$HOME"/?* | ./?* | [!/]?*) ;; *) echo "CEPH_DIR=$CEPH_DIR: give a directory of its own (it is wiped)" >&2; exit 2 ;; esac
# Fixed ports below the kernel's ephemeral range (32768-60999 here): ports inside it can be held by
# a client socket an earlier phase left in TIME_WAIT, and the monitor then fails to bind.
RGW_PORT=${RGW_PORT:-27901}
MON_V2=${MON_V2:-27910}
MON_V1=${MON_V1:-27911}
MS_PORT_MIN=${MS_PORT_MIN:-27920}
MS_PORT_MAX=${MS_PORT_MAX:-27999}
# RGW encrypts session tokens with this key; it must be exactly 16 characters.
RGW_STS_KEY=${RGW_STS_KEY:-sts-harness-key1}
[ "${#RGW_STS_KEY}" -eq 16 ] || { echo "RGW_STS_KEY must be 16 characters" >&2; exit 2; }
now() { date +%s.%N; }
t0=$(now)

# --- install (Debian's packages, about 30 s with an up-to-date package list) -------------------------
missing=0
for cmd in radosgw radosgw-admin ceph-mon ceph-osd ceph monmaptool; do
  command -v "$cmd" >/dev/null 2>&1 || missing=1
done
if [ "$missing" = 1 ]; then
  echo "installing radosgw ceph-mon ceph-osd ceph-common (Debian packages)"
  export DEBIAN_FRONTEND=noninteractive
  apt-get update -qq
  apt-get install -y -qq --no-install-recommends radosgw ceph-mon ceph-osd ceph-common >/dev/null
fi
t_installed=$(now)

# --- stop a cluster left by an earlier start, by its PIDs -------------------------------------------
gone() { # pid: exited (no longer in /proc, or a zombie waiting to be reaped)
  local state
  state=$(awk '{ print $3 }' 2>/dev/null <"/proc/$1/stat") || return 0
  [ -z "$state" ] || [ "$state" = Z ] || [ "$state" = X ]
}
runs() { # name pid: does pid still run that daemon? (a zombie's cmdline is empty)
  local cmd
  [ -r "/proc/$2/cmdline" ] || return 1
  cmd=$(tr '\0' ' ' 2>/dev/null <"/proc/$2/cmdline") || return 1
  case "$1" in
    mon) [[ "$cmd" == *ceph-mon* ]] ;;
    osd) [[ "$cmd" == *ceph-osd* ]] ;;
    rgw) [[ "$cmd" == *radosgw* ]] ;;
    *) return 1 ;;
  esac
}
stop_pids() { # $1: pids file ("name pid" lines). Last started first, so that the OSD can still tell the
  # monitor it is going (else it waits 5 s for it); only processes that still run that daemon; SIGKILL after 30 s.
  local f=$1 name pid
  [ -f "$f" ] || return 0
  while read -r name pid; do
    runs "$name" "$pid" || continue
    kill "$pid" 2>/dev/null || true
    for _ in $(seq 1 150); do
      gone "$pid" && break
      sleep 0.2
    done
    if runs "$name" "$pid"; then kill -9 "$pid" 2>/dev/null || true; fi
  done < <(tac "$f")
}
stop_pids "$CEPH_DIR/pids"
rm -rf "$CEPH_DIR"
mkdir -p "$CEPH_DIR"/{run,log,mon/mon.a,osd,rgw}
: >"$CEPH_DIR/pids"
started_ok=0
trap '[ "$started_ok" = 1 ] || { echo "Ceph did not start; logs in $CEPH_DIR/log/" >&2; tail -n 20 "$CEPH_DIR/log/daemons.out" >&2 2>/dev/null || true; stop_pids "$CEPH_DIR/pids"; }' EXIT

# --- configuration -------------------------------------------------------------------------------
fsid=$(cat /proc/sys/kernel/random/uuid)
conf="$CEPH_DIR/ceph.conf"
cat >"$conf" <<CONF
[global]
fsid = $fsid
mon host = [v2:127.0.0.1:$MON_V2,v1:127.0.0.1:$MON_V1]
public addr = 127.0.0.1
public network = 127.0.0.0/8
cluster network = 127.0.0.0/8
ms bind port min = $MS_PORT_MIN
ms bind port max = $MS_PORT_MAX
auth cluster required = none
auth service required = none
auth client required = none
# radosgw defaults ms_mon_client_mode to 'secure', which auth 'none' cannot offer: it would retry
# forever ('get_initial_auth_request returned -13'). Allow crc.
ms mon client mode = crc secure
ms client mode = crc secure
osd pool default size = 1
osd pool default min size = 1
osd pool default pg num = 8
osd pool default pgp num = 8
osd pool default pg autoscale mode = off
mon allow pool size one = true
mon allow pool delete = true
mon warn on pool no redundancy = false
osd crush chooseleaf type = 0
run dir = $CEPH_DIR/run
admin socket = $CEPH_DIR/run/\$name.asok
pid file = $CEPH_DIR/run/\$name.pid
log file = $CEPH_DIR/log/\$name.log
mon data = $CEPH_DIR/mon/\$name
osd data = $CEPH_DIR/osd/\$name
osd objectstore = memstore
memstore device bytes = 1073741824
osd memory target = 939524096
[client.rgw.a]
rgw frontends = beast endpoint=127.0.0.1:$RGW_PORT
rgw data = $CEPH_DIR/rgw
rgw sts key = $RGW_STS_KEY
rgw s3 auth use sts = true
rgw enable apis = s3, admin, sts, iam
CONF
C=(-c "$conf")

# --- monitor, OSD, gateway -------------------------------------------------------------------------
monmaptool --create --clobber --addv a "[v2:127.0.0.1:$MON_V2,v1:127.0.0.1:$MON_V1]" --fsid "$fsid" "$CEPH_DIR/monmap" >/dev/null
ceph-mon "${C[@]}" --mkfs -i a --monmap "$CEPH_DIR/monmap" >/dev/null
ceph-mon "${C[@]}" -i a -f >>"$CEPH_DIR/log/daemons.out" 2>&1 &
echo "mon $!" >>"$CEPH_DIR/pids"
osd_uuid=$(cat /proc/sys/kernel/random/uuid)
id=$(timeout 60 ceph "${C[@]}" osd new "$osd_uuid")
mkdir -p "$CEPH_DIR/osd/osd.$id"
ceph-osd "${C[@]}" -i "$id" --mkfs --osd-uuid "$osd_uuid" >>"$CEPH_DIR/log/daemons.out" 2>&1
ceph-osd "${C[@]}" -i "$id" -f >>"$CEPH_DIR/log/daemons.out" 2>&1 &
echo "osd $!" >>"$CEPH_DIR/pids"
# The OSD must be up before radosgw creates its pools (60 s at most).
up=0
for _ in $(seq 1 120); do
  if timeout 10 ceph "${C[@]}" osd stat 2>/dev/null | grep -q " 1 up"; then up=1; break; fi
  sleep 0.5
done
[ "$up" = 1 ] || { echo "the OSD did not come up" >&2; exit 1; }
t_cluster=$(now)
radosgw "${C[@]}" -n client.rgw.a -f >>"$CEPH_DIR/log/daemons.out" 2>&1 &
echo "rgw $!" >>"$CEPH_DIR/pids"

# --- wait until STS answers (an unsigned AssumeRole: RGW's STS refuses it with a 4xx) ---------------
sts_answers() {
  python3 - "http://127.0.0.1:$RGW_PORT/" <<'PY'
import sys, urllib.error, urllib.request
req = urllib.request.Request(sys.argv[1], method="POST",
                             data=b"Action=AssumeRole&Version=2011-06-15&RoleArn=arn:aws:iam:::role/x&RoleSessionName=s",
                             headers={"Content-Type": "application/x-www-form-urlencoded"})
try:
    urllib.request.urlopen(req, timeout=2)
except urllib.error.HTTPError as e:
    sys.exit(0 if 400 <= e.code < 500 else 1)
except Exception:
    sys.exit(1)
PY
}
ok=0
for _ in $(seq 1 240); do # 120 s at most
  if sts_answers; then ok=1; break; fi
  # radosgw gone: no point in waiting
  kill -0 "$(awk '$1 == "rgw" { print $2 }' "$CEPH_DIR/pids")" 2>/dev/null || break
  sleep 0.5
done
[ "$ok" = 1 ] || { echo "RGW's STS did not answer on 127.0.0.1:$RGW_PORT" >&2; exit 1; }
started_ok=1
t_ready=$(now)
printf 'RGW STS/IAM on http://127.0.0.1:%s (conf %s, pids %s, version %s)\n' "$RGW_PORT" "$conf" "$CEPH_DIR/pids" \
  "$(radosgw --version 2>/dev/null | awk '{print $3}')"
awk -v a="$t0" -v b="$t_installed" -v c="$t_cluster" -v d="$t_ready" \
  'BEGIN { printf "ceph timings: install %.1fs, mon+osd %.1fs, rgw until STS answers %.1fs\n", b - a, c - b, d - c }'
