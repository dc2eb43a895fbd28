#!/bin/sh
# IPVS comparison scenario, run INSIDE the qemu guest (test/qemu/ipvs-compare.ts): the same
# steps for any keepalived-compatible daemon. Snapshots of `ipvsadm -S -n | sort` go to
# $JOB/snap/<NN>-<phase>.txt, the waits to $JOB/phases, the daemon's output to $JOB/daemon-*.log.
#   env: DAEMON   daemon command prefix (flags -n -l -D -C -f -p -c are appended)
#        JOB      job directory (conf-initial, conf-reload, conf-flush; outputs)
#        HERE     directory of this script (rs-servers.py)
#        DELAY_MIN_S minimum wait after a real-server change (delay_loop*(retry+1)+margin)
#        STABLE_MS   a snapshot is taken once the table was unchanged this long
#        VARIANTS 1 = also run the -I and lvs_flush/lvs_flush_on_stop variants
# Network: only the guest's own namespaces (the guest has no network device).
set -u
: "${DAEMON:?}" "${JOB:?}" "${HERE:?}"
DELAY_MIN_S="${DELAY_MIN_S:-3}"
STABLE_MS="${STABLE_MS:-2500}"
VARIANTS="${VARIANTS:-1}"
RUN=/run/kts-compare
mkdir -p "$RUN" "$JOB/snap"
: >"$JOB/phases"
n=0
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
table() { ipvsadm -S -n | LC_ALL=C sort; }
log() { echo "scenario: [$(cut -d" " -f1 /proc/uptime)] $*"; }

# --- network: VS addresses on a dummy, real servers in netns "rs" behind a veth pair -------
ip -b - <<'NET'
link set lo up
link add vip0 type dummy
addr add 203.0.113.1/24 dev vip0
addr add 2001:db8:203::1/64 dev vip0 nodad
link set vip0 up
netns add rs
link add rsveth type veth peer name eth0 netns rs
addr add 198.51.100.1/24 dev rsveth
addr add 2001:db8:198::1/64 dev rsveth nodad
link set rsveth up
NET
ip -n rs -b - <<'NET'
link set lo up
addr add 198.51.100.11/24 dev eth0
addr add 198.51.100.12/24 dev eth0
addr add 198.51.100.13/24 dev eth0
addr add 198.51.100.14/24 dev eth0
addr add 198.51.100.15/24 dev eth0
addr add 198.51.100.16/24 dev eth0
addr add 198.51.100.17/24 dev eth0
addr add 198.51.100.18/24 dev eth0
addr add 198.51.100.19/24 dev eth0
addr add 2001:db8:198::11/64 dev eth0 nodad
link set eth0 up
route add default via 198.51.100.1
route add ::/0 via 2001:db8:198::1
NET
log "network ready"

: >"$RUN/rs-down"
ip netns exec rs python3 "$HERE/rs-servers.py" "$RUN/rs-down" "$RUN/rs-ready" \
  198.51.100.11:8080 198.51.100.12:8080 198.51.100.13:80 198.51.100.14:80 198.51.100.15:443 \
  198.51.100.16:443 198.51.100.17:80 198.51.100.18:80 198.51.100.11:80 198.51.100.12:80 \
  198.51.100.19:80 198.51.100.16:80 '[2001:db8:198::11]:80' >"$JOB/rs-servers.log" 2>&1 &
RS_PID=$!
i=0
while [ ! -s "$RUN/rs-ready" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$RUN/rs-ready" ] || { log "real servers did not start"; cat "$JOB/rs-servers.log"; exit 3; }
log "real servers ready"

# A service the daemon did not create: it must be left alone (unless lvs_flush*).
ipvsadm -A -t 203.0.113.99:80 -s rr

# snap PHASE: record the current table.
snap() {
  n=$((n + 1))
  f="$JOB/snap/$(printf %02d $n)-$1.txt"
  table >"$f"
  echo "$1 ${2:-0}" >>"$JOB/phases"
  log "snapshot $1 (waited ${2:-0} ms): $(wc -l <"$f") lines"
}

# settle MIN_S MAX_S STABLE_MS: wait MIN_S, then until the table is unchanged for STABLE_MS
# (polled every 0.5 s) or MAX_S has passed. Prints the time waited (ms).
settle() {
  st0=$(now_ms)
  sleep "$1"
  last=$(table); same_since=$(now_ms)
  while :; do
    t=$(now_ms)
    [ $((t - st0)) -ge $(($2 * 1000)) ] && break
    [ $((t - same_since)) -ge "$3" ] && break
    sleep 0.5
    cur=$(table)
    if [ "$cur" != "$last" ]; then last=$cur; same_since=$(now_ms); fi
  done
  echo $(($(now_ms) - st0))
}

PID=
# start NAME CONF [extra flags]: start the daemon and wait for its table to converge.
start() {
  name=$1; conf=$2; shift 2
  cp "$conf" "$RUN/keepalived.conf"
  before=$(table)
  rm -f "$RUN/main.pid" "$RUN/checker.pid"
  # shellcheck disable=SC2086
  $DAEMON -n -l -D -C -f "$RUN/keepalived.conf" -p "$RUN/main.pid" -c "$RUN/checker.pid" "$@" \
    >"$JOB/daemon-$name.log" 2>&1 &
  PID=$!
  log "started $name: pid $PID"
  t0=$(now_ms)
  # Until the daemon changed the table (or 20 s: a daemon that never does still gets snapshots).
  while [ "$(table)" = "$before" ] && [ $(($(now_ms) - t0)) -lt 20000 ] && kill -0 "$PID" 2>/dev/null; do sleep 0.3; done
  settle 2 25 "$STABLE_MS" >/dev/null
  snap "$name" $(($(now_ms) - t0))
}

# stop NAME: SIGTERM, wait for exit (20 s, then SIGKILL), snapshot.
stop() {
  t0=$(now_ms)
  kill -TERM "$PID" 2>/dev/null
  i=0
  while kill -0 "$PID" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
  if kill -0 "$PID" 2>/dev/null; then log "daemon $PID ignored SIGTERM for 20 s: SIGKILL"; kill -KILL "$PID"; fi
  wait "$PID" 2>/dev/null
  sleep 0.5
  snap "$1" $(($(now_ms) - t0))
}

rs_down() { printf '%s\n' "$@" >"$RUN/rs-down"; }

start startup "$JOB/conf-initial"

rs_down "198.51.100.11 8080" "198.51.100.14 80" "198.51.100.12 80"
snap rs-down "$(settle "$DELAY_MIN_S" 25 "$STABLE_MS")"

rs_down
snap rs-up "$(settle "$DELAY_MIN_S" 25 "$STABLE_MS")"

cp "$JOB/conf-reload" "$RUN/keepalived.conf"
kill -HUP "$(cat "$RUN/main.pid" 2>/dev/null || echo "$PID")"
snap reload "$(settle "$DELAY_MIN_S" 25 "$STABLE_MS")"

stop shutdown

if [ "$VARIANTS" = 1 ]; then
  # -I (--dont-release-ipvs): the table survives the daemon.
  start startup-dont-release "$JOB/conf-initial" -I
  stop shutdown-dont-release
  # lvs_flush at start wipes the leftovers (and the foreign service); lvs_flush_on_stop flushes all.
  start startup-lvs-flush "$JOB/conf-flush"
  stop shutdown-lvs-flush-on-stop
fi

kill "$RS_PID" 2>/dev/null
log done
