#!/usr/bin/env bash
# A Spark standalone cluster whose nodes are separate hosts on the network: a Master, N Workers
# (one core each by default) and a driver, each in a network namespace of its own on this
# machine, joined by veth pairs into one Linux bridge on a private /24. Each link can be limited
# with a tbf qdisc in both directions (e.g. 1gbit, 10gbit). Authentication is on, with a random
# secret per cluster, as in scripts/cluster.sh. Needs root and iproute2 (ip, tc).
#   scripts/netns-cluster.sh start              # bridge, namespaces, links, Master, Workers
#   scripts/netns-cluster.sh stop               # every process in our namespaces, then the network
#   scripts/netns-cluster.sh status             # exit 3 when not running
#   scripts/netns-cluster.sh rate RATE|none     # (re)sets the tbf limit of every link, live
#   scripts/netns-cluster.sh submit [spark-submit options] -- train ...   # driver in its namespace
#   scripts/netns-cluster.sh counters           # rx/tx bytes of every node's link, one line each
# start is idempotent (a running cluster with the same settings is left as it is; one with other
# settings is an error) and removes what a crashed run left behind; a failed start tears down all
# it made. stop is idempotent too.
#
# Settings (environment):
#   DPTRAIN_NETNS_DIR      state: pids, logs, secret, Spark home, executor logs (target/netns-cluster)
#   DPTRAIN_NETNS_WORKERS  Workers (2); DPTRAIN_WORKER_CORES (1), DPTRAIN_WORKER_MEMORY (2g)
#   DPTRAIN_NETNS_RATE     tbf rate of every link, tc syntax (unset or none: no limit)
#   DPTRAIN_NETNS_PREFIX   prefix of namespace, veth and bridge names (dptn; at most 8 characters)
#   DPTRAIN_NETNS_SUBNET   first three octets of the /24 (10.213.7): .1 the bridge (the root
#                          namespace's address on it), .2 the Master, .3 the driver, .11.. Workers
# The driver can also run in the root namespace, which has a route to the bridge:
#   SPARK_LOCAL_IP=<subnet>.1 DPTRAIN_CLUSTER_DIR=<state> scripts/submit.sh --cluster -- train ...
# Spark is the jars Maven resolved for the build (driver/target/classpath.txt), as in cluster.sh.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  sed -n '7,12p' "${BASH_SOURCE[0]}" | sed 's/^# *//' >&2
  exit 2
}
[ $# -ge 1 ] || usage

STATE="${DPTRAIN_NETNS_DIR:-$DPTRAIN_HOME/target/netns-cluster}"
WORKERS="${DPTRAIN_NETNS_WORKERS:-2}"
CORES="${DPTRAIN_WORKER_CORES:-1}"
MEMORY="${DPTRAIN_WORKER_MEMORY:-2g}"
RATE="${DPTRAIN_NETNS_RATE:-none}"
PREFIX="${DPTRAIN_NETNS_PREFIX:-dptn}"
SUBNET="${DPTRAIN_NETNS_SUBNET:-10.213.7}"
BRIDGE="$PREFIX-br"
START_TIMEOUT=90   # seconds for each daemon to come up (JVM start on a loaded 2-core machine)
STOP_TIMEOUT=20    # seconds for processes to exit after SIGTERM before SIGKILL

[[ "$PREFIX" =~ ^[a-z][a-z0-9]{0,7}$ ]] \
  || die "DPTRAIN_NETNS_PREFIX '$PREFIX' must be 1-8 lower-case letters or digits, a letter first"
[[ "$SUBNET" =~ ^[0-9]{1,3}\.[0-9]{1,3}\.[0-9]{1,3}$ ]] \
  || die "DPTRAIN_NETNS_SUBNET '$SUBNET' must be three octets such as 10.213.7"
[[ "$WORKERS" =~ ^[1-9][0-9]?$ ]] && [ "$WORKERS" -le 64 ] \
  || die "DPTRAIN_NETNS_WORKERS '$WORKERS' must be 1..64"

# Nodes: name, address. The namespace and the host end of its veth are both "$PREFIX-<name>".
nodes() {
  echo "master $SUBNET.2"
  echo "driver $SUBNET.3"
  local i
  for i in $(seq 1 "$WORKERS"); do echo "w$i $SUBNET.$((10 + i))"; done
}
ns_of() { echo "$PREFIX-$1"; }
# Our namespaces that exist now (whatever the worker count they were made with).
our_namespaces() { ip netns list 2>/dev/null | awk '{print $1}' | grep -E "^$PREFIX-(master|driver|w[0-9]+)\$" || true; }

need_root() {
  [ "$(id -u)" = 0 ] || die "scripts/netns-cluster.sh needs root (network namespaces, veth, tc)"
  command -v ip >/dev/null || die "ip is needed (Debian package iproute2)"
  command -v tc >/dev/null || die "tc is needed (Debian package iproute2)"
  command -v setsid >/dev/null || die "setsid is needed (Debian package util-linux)"
}


# True when a TCP connection from namespace $1 to $2:$3 opens within 5 s.
reachable() {
  ip netns exec "$1" timeout 5 bash -c "exec 3<>/dev/tcp/$2/$3" 2>/dev/null
}

# tbf on both ends of a node's link: the host end shapes what the node receives, the namespace
# end what it sends. burst: at least 1 ms at the rate and 256 KiB (veth hands tbf GSO packets of
# up to 64 KiB; tbf needs a burst of at least one packet).
set_rate() {
  local rate="$1" name addr ns host
  local bytes_per_ms burst
  if [ "$rate" != none ]; then
    bytes_per_ms=$(tc_rate_bytes_per_ms "$rate")
    burst=$(( bytes_per_ms > 262144 ? bytes_per_ms : 262144 ))
  fi
  while read -r name addr; do
    ns=$(ns_of "$name")
    host="$PREFIX-$name"
    if [ "$rate" = none ]; then
      tc qdisc del dev "$host" root 2>/dev/null || true
      ip netns exec "$ns" tc qdisc del dev eth0 root 2>/dev/null || true
    else
      tc qdisc replace dev "$host" root tbf rate "$rate" burst "$burst" latency 20ms
      ip netns exec "$ns" tc qdisc replace dev eth0 root tbf rate "$rate" burst "$burst" latency 20ms
    fi
  done < <(nodes)
  echo "$rate" > "$STATE/rate"
}

# Bytes per millisecond of a tc rate such as 1gbit, 10gbit, 500mbit, 100mbps.
tc_rate_bytes_per_ms() {
  local r="$1" n unit
  [[ "$r" =~ ^([0-9]+)([kmg]?)(bit|bps)$ ]] \
    || die "rate '$r' must be a number with kbit, mbit, gbit, kbps, mbps or gbps (or none)"
  n="${BASH_REMATCH[1]}"
  case "${BASH_REMATCH[2]}" in "") ;; k) n=$((n * 1000)) ;; m) n=$((n * 1000000)) ;; g) n=$((n * 1000000000)) ;; esac
  case "${BASH_REMATCH[3]}" in bit) n=$((n / 8)) ;; bps) ;; esac
  unit=$((n / 1000))
  [ "$unit" -gt 0 ] || die "rate '$r' is too small"
  echo "$unit"
}

# Removes the network: every namespace of ours (its veth pair goes with it) and the bridge.
teardown_network() {
  local ns
  for ns in $(our_namespaces); do ip netns del "$ns" 2>/dev/null || true; done
  ip link del "$BRIDGE" 2>/dev/null || true
}

make_network() {
  [ -z "$(our_namespaces)" ] && ! ip link show "$BRIDGE" >/dev/null 2>&1 || {
    echo "dptrain: removing a network left by an earlier run (prefix $PREFIX)" >&2
    teardown_network
  }
  ip link add "$BRIDGE" type bridge
  ip addr add "$SUBNET.1/24" dev "$BRIDGE"
  ip link set "$BRIDGE" up
  local name addr ns
  while read -r name addr; do
    ns=$(ns_of "$name")
    ip netns add "$ns"
    ip link add "$PREFIX-$name" type veth peer name "$PREFIX-$name-n"
    ip link set "$PREFIX-$name-n" netns "$ns"
    ip -n "$ns" link set "$PREFIX-$name-n" name eth0
    ip -n "$ns" addr add "$addr/24" dev eth0
    ip -n "$ns" link set lo up
    ip -n "$ns" link set eth0 up
    ip -n "$ns" route add default via "$SUBNET.1"
    ip link set "$PREFIX-$name" master "$BRIDGE" up
  done < <(nodes)
  set_rate "$RATE"
}

# Waits until $2 appears in log $1 while pid $3 lives; fails with the log's tail otherwise.
wait_for_log() {
  local log="$1" pattern="$2" pid="$3" what="$4" waited=0
  until grep -q "$pattern" "$log" 2>/dev/null; do
    if ! alive "$pid"; then
      tail -n 30 "$log" >&2 || true
      die "$what exited during start-up; its log is $log (tail above)"
    fi
    if [ "$waited" -ge $((START_TIMEOUT * 2)) ]; then
      tail -n 30 "$log" >&2 || true
      die "$what did not come up within ${START_TIMEOUT}s; its log is $log (tail above)"
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
}

# Starts a Spark daemon in namespace $1 bound to address $2, in a session of its own (setsid:
# its process group is its pid; the executor JVMs a Worker launches share it); prints its pid.
launch() {
  local ns="$1" addr="$2" log="$3"
  shift 3
  setsid ip netns exec "$ns" env SPARK_HOME="$STATE/spark-home" SPARK_SCALA_VERSION=2.13 \
    SPARK_LOCAL_IP="$addr" SPARK_LOG_DIR="$STATE" OPENBLAS_NUM_THREADS=1 \
    java @"$DPTRAIN_HOME/conf/java-options" -Xmx256m \
      -cp "$STATE/spark-home/jars/*" "$@" > "$log" 2>&1 < /dev/null &
  echo $!
}

settings() { echo "workers=$WORKERS cores=$CORES memory=$MEMORY prefix=$PREFIX subnet=$SUBNET"; }

start() {
  need_root
  if [ -f "$STATE/master.pid" ] && spark_daemon_running "$STATE/master.pid"; then
    if [ "$(cat "$STATE/settings" 2>/dev/null)" = "$(settings)" ]; then
      [ "$(cat "$STATE/rate" 2>/dev/null)" = "$RATE" ] || set_rate "$RATE"
      echo "cluster already running: $(cat "$STATE/master-url"), $(settings), rate $RATE; state in $STATE"
      return 0
    fi
    die "a cluster with other settings runs from $STATE ($(cat "$STATE/settings")); stop it first"
  fi
  command -v java >/dev/null || die "java is needed (Java 17 or later)"
  ensure_built
  # whatever an earlier run left (processes in our namespaces, the network) goes first
  stop_all >/dev/null 2>&1 || true
  mkdir -p "$STATE"
  chmod 700 "$STATE"
  rm -f "$STATE"/*.pid "$STATE"/master-url "$STATE"/*.log "$STATE"/settings "$STATE"/rate
  rm -rf "$STATE"/worker-*
  # from here on, a failure tears down everything made so far
  trap 'status=$?; if [ "$status" != 0 ]; then echo "dptrain: start failed; cleaning up" >&2; stop_all >&2 || true; fi' EXIT
  make_spark_home "$STATE/spark-home"
  (
    umask 077
    {
      echo "# written by scripts/netns-cluster.sh; the secret of this cluster only"
      echo "spark.authenticate true"
      echo "spark.authenticate.secret $(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
      echo "# the Master's REST submission server cannot authenticate, so it must be off"
      echo "spark.master.rest.enabled false"
    } > "$STATE/auth.conf"
  )
  make_network

  local master_pid url
  master_pid=$(launch "$(ns_of master)" "$SUBNET.2" "$STATE/master.log" \
    org.apache.spark.deploy.master.Master --host "$SUBNET.2" --port 7077 --webui-port 8080 \
    --properties-file "$STATE/auth.conf")
  echo "$master_pid" > "$STATE/master.pid"
  wait_for_log "$STATE/master.log" "I have been elected leader" "$master_pid" "the Master"
  url="spark://$SUBNET.2:7077"
  grep -q "Starting Spark master at $url" "$STATE/master.log" \
    || die "the Master did not start at $url; see $STATE/master.log"
  echo "$url" > "$STATE/master-url"

  local i pid
  for i in $(seq 1 "$WORKERS"); do
    mkdir -p "$STATE/worker-$i"
    pid=$(launch "$(ns_of "w$i")" "$SUBNET.$((10 + i))" "$STATE/worker-$i.log" \
      org.apache.spark.deploy.worker.Worker --host "$SUBNET.$((10 + i))" --port 7078 \
      --webui-port 8081 --cores "$CORES" --memory "$MEMORY" --work-dir "$STATE/worker-$i" \
      --properties-file "$STATE/auth.conf" "$url")
    echo "$pid" > "$STATE/worker-$i.pid"
  done
  for i in $(seq 1 "$WORKERS"); do
    wait_for_log "$STATE/worker-$i.log" "Successfully registered with master" \
      "$(cat "$STATE/worker-$i.pid")" "worker $i"
  done
  # the driver reaches every node over the bridge (the Workers reached the Master already)
  reachable "$(ns_of driver)" "$SUBNET.2" 7077 \
    || die "the driver namespace cannot reach the Master at $SUBNET.2:7077 over $BRIDGE"
  for i in $(seq 1 "$WORKERS"); do
    reachable "$(ns_of driver)" "$SUBNET.$((10 + i))" 7078 \
      || die "the driver namespace cannot reach worker $i at $SUBNET.$((10 + i)):7078 over $BRIDGE"
  done
  settings > "$STATE/settings"
  trap - EXIT
  echo "cluster started: $url, $WORKERS workers x $CORES core(s), $MEMORY, links $RATE;" \
    "driver namespace $(ns_of driver) at $SUBNET.3; state in $STATE"
}

# Every pid inside our namespaces (daemons, executors, drivers, anything started there).
ns_pids() {
  local ns
  for ns in $(our_namespaces); do ip netns pids "$ns" 2>/dev/null || true; done
}

# Stops every process in our namespaces (they are all ours: we made the namespaces), waits for
# them (SIGKILL after STOP_TIMEOUT), then removes the network. Logs stay in $STATE.
stop_all() {
  need_root
  local pids=() p
  mapfile -t pids < <(ns_pids)
  if [ "${#pids[@]}" -gt 0 ]; then
    for p in "${pids[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    local waited=0 left
    while :; do
      left=()
      for p in "${pids[@]}"; do alive "$p" && left+=("$p"); done
      [ "${#left[@]}" -eq 0 ] && break
      if [ "$waited" -ge $((STOP_TIMEOUT * 2)) ]; then
        echo "dptrain: pids ${left[*]} still alive after ${STOP_TIMEOUT}s; sending SIGKILL" >&2
        for p in "${left[@]}"; do kill -KILL "$p" 2>/dev/null || true; done
        sleep 1
        break
      fi
      sleep 0.5
      waited=$((waited + 1))
    done
  fi
  local had_net=0
  { [ -n "$(our_namespaces)" ] || ip link show "$BRIDGE" >/dev/null 2>&1; } && had_net=1
  teardown_network
  rm -f "$STATE"/*.pid "$STATE"/settings "$STATE"/rate 2>/dev/null || true
  if [ "${#pids[@]}" -eq 0 ] && [ "$had_net" = 0 ]; then
    echo "no cluster running (prefix $PREFIX)"
  else
    echo "cluster stopped (${#pids[@]} processes, namespaces and bridge $BRIDGE removed); logs kept in $STATE"
  fi
}

status() {
  need_root
  if [ ! -f "$STATE/master.pid" ] || ! spark_daemon_running "$STATE/master.pid"; then
    echo "no cluster running from $STATE"
    return 3
  fi
  echo "master    $(cat "$STATE/master-url")  pid $(cat "$STATE/master.pid")  namespace $(ns_of master)  log $STATE/master.log"
  local f pid i n execs
  for f in "$STATE"/worker-*.pid; do
    i=$(basename "$f" .pid)
    n=${i#worker-}
    pid=$(cat "$f")
    if spark_daemon_running "$f"; then
      execs=$(pgrep -g "$pid" -f CoarseGrainedExecutorBackend | tr '\n' ' ' || true)
      echo "$i  $SUBNET.$((10 + n))  pid $pid  namespace $(ns_of "w$n")  executors: ${execs:-none}  log $STATE/$i.log"
    else
      echo "$i  pid $pid  NOT RUNNING (see $STATE/$i.log)"
    fi
  done
  echo "driver    namespace $(ns_of driver) at $SUBNET.3 (scripts/netns-cluster.sh submit ...)"
  echo "links     $(cat "$STATE/rate" 2>/dev/null || echo '?') (tbf both ways), bridge $BRIDGE at $SUBNET.1"
  echo "secret    $STATE/auth.conf"
  echo "spark     SPARK_HOME=$STATE/spark-home"
}

# "NODE RX TX": bytes each node received and sent, as the node sees them (read from the host
# end of its veth, which counts the reverse).
counters() {
  local name addr host
  while read -r name addr; do
    host="$PREFIX-$name"
    [ -e "/sys/class/net/$host" ] || die "no link $host: is the cluster running?"
    echo "$name $(cat "/sys/class/net/$host/statistics/tx_bytes") $(cat "/sys/class/net/$host/statistics/rx_bytes")"
  done < <(nodes)
}

submit() {
  need_root
  [ -f "$STATE/master.pid" ] && spark_daemon_running "$STATE/master.pid" \
    || die "no cluster running from $STATE (scripts/netns-cluster.sh start)"
  exec ip netns exec "$(ns_of driver)" env SPARK_LOCAL_IP="$SUBNET.3" DPTRAIN_CLUSTER_DIR="$STATE" \
    "$DPTRAIN_HOME/scripts/submit.sh" --cluster "$@"
}

cmd="$1"
shift
case "$cmd" in
  start) [ $# -eq 0 ] || usage; start ;;
  stop) [ $# -eq 0 ] || usage; stop_all ;;
  status) [ $# -eq 0 ] || usage; status ;;
  rate)
    [ $# -eq 1 ] || usage
    need_root
    [ -f "$STATE/master.pid" ] && spark_daemon_running "$STATE/master.pid" \
      || die "no cluster running from $STATE"
    [ "$1" = none ] || tc_rate_bytes_per_ms "$1" >/dev/null
    set_rate "$1"
    echo "links: $1"
    ;;
  counters) [ $# -eq 0 ] || usage; need_root; counters ;;
  submit) submit "$@" ;;
  *) usage ;;
esac
