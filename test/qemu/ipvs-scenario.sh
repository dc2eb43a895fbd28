#!/bin/sh
# IPVS comparison scenario, run INSIDE the qemu guest (test/qemu/ipvs-compare.ts): the same
# steps for each keepalived-compatible daemon. Every daemon gets its own network namespace
# ("d-LABEL": VS addresses on a dummy, its own IPVS table) wired to its own real servers
# (netns "rs-LABEL"), so the daemons run at the same time in one boot without seeing each
# other. Per LABEL, snapshots of `ipvsadm -S -n | sort` go to $JOB/LABEL/snap/<NN>-<phase>.txt,
# the waits to $JOB/LABEL/phases, the daemon's output to $JOB/LABEL/daemon-*.log.
#   env: DAEMONS  labels, blank-separated; DAEMON_<label> is that daemon's command prefix
#                 (flags -n -l -D -C -f -p -c are appended)
#        JOB      job directory (conf-initial, conf-reload, conf-flush; outputs)
#        HERE     directory of this script (rs-servers.py)
#        DELAY_MIN_S minimum wait after real servers died (delay_loop*(retry+1)+margin)
#        STABLE_MS   a snapshot is taken once the table was unchanged this long
#        VARIANTS 1 = also run the -I and lvs_flush/lvs_flush_on_stop variants
# Readiness is daemon-agnostic: rs-servers.py logs every connection it accepts ($RUN/rs-hits),
# so "the daemon's checkers reached these real servers" is observable without its logs.
# Network: only the guest's own namespaces (the guest has no network device).
set -u
: "${DAEMONS:?}" "${JOB:?}" "${HERE:?}"
DELAY_MIN_S="${DELAY_MIN_S:-3}"
STABLE_MS="${STABLE_MS:-2500}"
VARIANTS="${VARIANTS:-1}"
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }
log() { echo "scenario: [$(cut -d" " -f1 /proc/uptime)] $*"; }

# --- outer level: one namespace pair per daemon, then every daemon's phases concurrently ---
if [ "${1:-}" != --one ]; then
  pids=
  for d in $DAEMONS; do
    ip netns add "d-$d" && ip netns add "rs-$d" &&
      ip -n "d-$d" link add rsveth type veth peer name eth0 netns "rs-$d" || { log "$d: cannot build its namespaces"; exit 3; }
    ip netns exec "d-$d" sh "$0" --one "$d" &
    pids="$pids $!"
  done
  rc=0
  for p in $pids; do wait "$p" || rc=$?; done
  log "done (rc $rc)"
  exit "$rc"
fi

# --- one daemon, inside its namespace "d-$LABEL" --------------------------------------------
LABEL=$2
eval "DAEMON=\${DAEMON_$LABEL:?}"
RS_NS="rs-$LABEL"
RUN="/run/kts-compare/$LABEL"
OUT="$JOB/$LABEL"
HITS="$RUN/rs-hits"
mkdir -p "$RUN" "$OUT/snap"
: >"$OUT/phases"
n=0
table() { ipvsadm -S -n | LC_ALL=C sort; }

ip -b - <<'NET'
link set lo up
link add vip0 type dummy
addr add 203.0.113.1/24 dev vip0
addr add 2001:db8:203::1/64 dev vip0 nodad
link set vip0 up
addr add 198.51.100.1/24 dev rsveth
addr add 2001:db8:198::1/64 dev rsveth nodad
link set rsveth up
NET
ip -n "$RS_NS" -b - <<'NET'
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
addr add 198.51.100.20/24 dev eth0
addr add 198.51.100.21/24 dev eth0
addr add 198.51.100.22/24 dev eth0
addr add 198.51.100.23/24 dev eth0
addr add 198.51.100.24/24 dev eth0
addr add 198.51.100.25/24 dev eth0
addr add 2001:db8:198::11/64 dev eth0 nodad
link set eth0 up
route add default via 198.51.100.1
route add ::/0 via 2001:db8:198::1
NET
log "$LABEL: network ready"

: >"$RUN/rs-down"
: >"$HITS"
RS_HITS="$HITS" ip netns exec "$RS_NS" python3 "$HERE/rs-servers.py" "$RUN/rs-down" "$RUN/rs-ready" \
  198.51.100.11:8080 198.51.100.12:8080 198.51.100.13:80 198.51.100.14:80 198.51.100.15:443 \
  198.51.100.16:443 198.51.100.17:80 198.51.100.18:80 198.51.100.11:80 198.51.100.12:80 \
  198.51.100.19:80 198.51.100.16:80 '[2001:db8:198::11]:80' \
  198.51.100.20:8080 198.51.100.20:443 198.51.100.21:8080 198.51.100.21:443 198.51.100.22:8080 \
  198.51.100.22:443 198.51.100.22:9090 198.51.100.23:8080 198.51.100.23:443 198.51.100.24:443 \
  198.51.100.24:80 198.51.100.25:443 198.51.100.25:80 >"$OUT/rs-servers.log" 2>&1 &
RS_PID=$!
i=0
while [ ! -s "$RUN/rs-ready" ] && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
[ -s "$RUN/rs-ready" ] || { log "$LABEL: real servers did not start"; cat "$OUT/rs-servers.log"; exit 3; }
log "$LABEL: real servers ready"

# Real servers with a checker in conf-initial/conf-flush (.19:80 is the sorry server).
CHECKED="198.51.100.11 8080|198.51.100.12 8080|198.51.100.13 80|198.51.100.14 80|198.51.100.15 443|\
198.51.100.16 443|198.51.100.17 80|198.51.100.18 80|198.51.100.11 80|198.51.100.12 80|2001:db8:198::11 80"

# snap PHASE WAITED_MS: record the current table.
snap() {
  n=$((n + 1))
  f="$OUT/snap/$(printf %02d $n)-$1.txt"
  table >"$f"
  echo "$1 ${2:-0}" >>"$OUT/phases"
  log "$LABEL: snapshot $1 (waited ${2:-0} ms): $(wc -l <"$f") lines"
}

# settle MIN_S MAX_S STABLE_MS: wait MIN_S, then until the table is unchanged for STABLE_MS
# (polled every 0.5 s) or MAX_S has passed.
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
}

# wait_hits MAX_S "ADDR PORT|ADDR PORT...": until every listed real server accepted a
# connection since $HITS was last truncated (a checker of the daemon reached it).
wait_hits() {
  wt0=$(now_ms)
  while :; do
    # One process per poll: forks are expensive in an emulated guest.
    missing=$(awk -v want="$2" 'BEGIN { n = split(want, w, "|"); for (i = 1; i <= n; i++) need[w[i]] = 1 }
      { delete need[$0] } END { for (k in need) print k }' "$HITS")
    [ -z "$missing" ] && return 0
    if [ $(($(now_ms) - wt0)) -ge $(($1 * 1000)) ]; then log "$LABEL: no check reached: $(echo $missing)"; return 1; fi
    sleep 0.3
  done
}

PID=
# start NAME CONF [extra flags]: start the daemon, wait until it programmed IPVS and its
# checkers reached every real server, then for the table to settle.
start() {
  name=$1; conf=$2; shift 2
  cp "$conf" "$RUN/keepalived.conf"
  before=$(table)
  rm -f "$RUN/main.pid" "$RUN/checker.pid"
  : >"$HITS"
  t0=$(now_ms)
  # shellcheck disable=SC2086
  $DAEMON -n -l -D -C -f "$RUN/keepalived.conf" -p "$RUN/main.pid" -c "$RUN/checker.pid" "$@" \
    >"$OUT/daemon-$name.log" 2>&1 &
  PID=$!
  log "$LABEL: started $name: pid $PID"
  while [ "$(table)" = "$before" ] && [ $(($(now_ms) - t0)) -lt 60000 ] && kill -0 "$PID" 2>/dev/null; do sleep 0.3; done
  wait_hits 60 "$CHECKED"
  settle 1 25 "$STABLE_MS"
  snap "$name" $(($(now_ms) - t0))
}

# stop NAME: SIGTERM, wait for the daemon (and its checker child) to exit (20 s, then
# SIGKILL), snapshot.
stop() {
  t0=$(now_ms)
  child=$(cat "$RUN/checker.pid" 2>/dev/null)
  kill -TERM "$PID" 2>/dev/null
  i=0
  while kill -0 "$PID" 2>/dev/null && [ $i -lt 200 ]; do sleep 0.1; i=$((i + 1)); done
  if kill -0 "$PID" 2>/dev/null; then log "$LABEL: daemon $PID ignored SIGTERM for 20 s: SIGKILL"; kill -KILL "$PID"; fi
  wait "$PID" 2>/dev/null
  i=0
  while [ -n "$child" ] && kill -0 "$child" 2>/dev/null && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
  [ -n "$child" ] && kill -0 "$child" 2>/dev/null && { log "$LABEL: checker $child outlived its parent: SIGKILL"; kill -KILL "$child"; }
  sleep 0.5
  snap "$1" $(($(now_ms) - t0))
}

rs_down() { printf '%s\n' "$@" >"$RUN/rs-down"; }

# snap_hits PHASE ERE: record which real-server ports the daemon's checkers connected to
# since start-up ("ADDR PORT" lines of $HITS matching ERE, sorted, unique), as a snapshot.
snap_hits() {
  n=$((n + 1))
  f="$OUT/snap/$(printf %02d $n)-$1.txt"
  grep -E "$2" "$HITS" | LC_ALL=C sort -u >"$f"
  echo "$1 0" >>"$OUT/phases"
  log "$LABEL: snapshot $1: $(tr '\n' ',' <"$f")"
}

# Every phase, from a table holding only a foreign service.
scenario() {
  # A service the daemon did not create: it must be left alone (unless lvs_flush*).
  ipvsadm -A -t 203.0.113.99:80 -s rr

  start startup "$JOB/conf-initial"
  snap_hits checker-ports '^198\.51\.100\.2[0-5] '

  rs_down "198.51.100.11 8080" "198.51.100.14 80" "198.51.100.12 80"
  t0=$(now_ms); settle "$DELAY_MIN_S" 25 "$STABLE_MS"
  snap rs-down $(($(now_ms) - t0))

  # Back up once the checkers reached them again.
  t0=$(now_ms); : >"$HITS"; rs_down
  wait_hits 25 "198.51.100.11 8080|198.51.100.14 80|198.51.100.12 80"
  settle 1 25 "$STABLE_MS"
  snap rs-up $(($(now_ms) - t0))

  # Reloaded once the new VS's real server (.16:80, only in conf-reload) was checked.
  t0=$(now_ms); : >"$HITS"
  cp "$JOB/conf-reload" "$RUN/keepalived.conf"
  kill -HUP "$(cat "$RUN/main.pid" 2>/dev/null || echo "$PID")"
  wait_hits 40 "198.51.100.16 80"
  settle 1 25 "$STABLE_MS"
  snap reload $(($(now_ms) - t0))

  stop shutdown

  if [ "$VARIANTS" = 1 ]; then
    # -I (--dont-release-ipvs): the table survives the daemon.
    start startup-dont-release "$JOB/conf-initial" -I
    stop shutdown-dont-release
    # lvs_flush at start wipes the leftovers (and the foreign service); lvs_flush_on_stop flushes all.
    start startup-lvs-flush "$JOB/conf-flush"
    stop shutdown-lvs-flush-on-stop
  fi
}

scenario
kill "$RS_PID" 2>/dev/null
log "$LABEL: done"
