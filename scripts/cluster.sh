#!/usr/bin/env bash
# A real Spark standalone cluster on loopback, for tests and measurements: one Master and two
# Worker JVMs (separate processes, 1 core and 2g each by default), each Worker launching executor
# JVMs for the applications submitted to it. Authentication is on, with a random secret per cluster.
#   scripts/cluster.sh start|stop|status
# State (ports, pids, logs, the secret, the Spark home, worker work dirs with executor logs) lives in
# $DPTRAIN_CLUSTER_DIR, default target/cluster under the repository. Submit to it with
#   scripts/submit.sh --cluster -- train ...
# Settings: DPTRAIN_CLUSTER_WORKERS (2), DPTRAIN_WORKER_CORES (1), DPTRAIN_WORKER_MEMORY (2g).
# Spark is the jars Maven resolved for the build (driver/target/classpath.txt): no download.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage() {
  echo "usage: scripts/cluster.sh start|stop|status   (state in \$DPTRAIN_CLUSTER_DIR, default target/cluster)" >&2
  exit 2
}
[ $# -eq 1 ] || usage

STATE="${DPTRAIN_CLUSTER_DIR:-$DPTRAIN_HOME/target/cluster}"
WORKERS="${DPTRAIN_CLUSTER_WORKERS:-2}"
CORES="${DPTRAIN_WORKER_CORES:-1}"
MEMORY="${DPTRAIN_WORKER_MEMORY:-2g}"
START_TIMEOUT=90   # seconds for each daemon to come up (JVM start on a loaded 2-core machine)
STOP_TIMEOUT=20    # seconds for a process group to exit after SIGTERM before SIGKILL

# Every daemon runs in its own session (setsid), so its process group id is its pid and the
# executor JVMs a Worker launches share that group: stopping a group stops exactly what we started.
alive_group() { kill -0 -- "-$1" 2>/dev/null; }

pid_files() {
  [ -f "$STATE/master.pid" ] && echo "$STATE/master.pid"
  ls "$STATE"/worker-*.pid 2>/dev/null || true
}

# Waits until $2 appears in log $1 while pid $3 lives; fails with the log's tail otherwise.
wait_for_log() {
  local log="$1" pattern="$2" pid="$3" what="$4" waited=0
  until grep -q "$pattern" "$log" 2>/dev/null; do
    if ! alive "$pid"; then
      tail -n 30 "$log" >&2 || true
      stop_all >/dev/null 2>&1 || true
      die "$what exited during start-up; its log is $log (tail above)"
    fi
    if [ "$waited" -ge $((START_TIMEOUT * 2)) ]; then
      tail -n 30 "$log" >&2 || true
      stop_all >/dev/null 2>&1 || true
      die "$what did not come up within ${START_TIMEOUT}s; its log is $log (tail above)"
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
}

# Starts a Spark daemon in its own session; prints its pid.
launch() {
  local log="$1"
  shift
  SPARK_HOME="$STATE/spark-home" SPARK_SCALA_VERSION=2.13 SPARK_LOCAL_IP=127.0.0.1 \
    SPARK_LOG_DIR="$STATE" OPENBLAS_NUM_THREADS=1 \
    setsid java @"$DPTRAIN_HOME/conf/java-options" -Xmx256m \
      -cp "$STATE/spark-home/jars/*" "$@" > "$log" 2>&1 < /dev/null &
  echo $!
}

start() {
  local f
  for f in $(pid_files); do
    if spark_daemon_running "$f"; then
      die "a cluster is already running from $STATE ($(basename "$f" .pid) pid $(cat "$f"));" \
        "use scripts/cluster.sh status, or stop it first"
    fi
  done
  command -v java >/dev/null || die "java is needed (Java 17 or later)"
  command -v setsid >/dev/null || die "setsid is needed (Debian package util-linux)"
  ensure_built
  mkdir -p "$STATE"
  chmod 700 "$STATE"
  rm -f "$STATE"/*.pid "$STATE"/master-url "$STATE"/*.log
  rm -rf "$STATE"/worker-*
  make_spark_home "$STATE/spark-home"

  # The cluster's secret, in a properties file only we can read: Master and Workers load it with
  # --properties-file, scripts/submit.sh --cluster hands it to the driver in its properties file,
  # and Workers pass it to executors in their environment; never on a command line.
  (
    umask 077
    {
      echo "# written by scripts/cluster.sh; the secret of this cluster only"
      echo "spark.authenticate true"
      echo "spark.authenticate.secret $(od -An -N32 -tx1 /dev/urandom | tr -d ' \n')"
      echo "# the Master's REST submission server cannot authenticate, so it must be off"
      echo "spark.master.rest.enabled false"
    } > "$STATE/auth.conf"
  )

  local master_pid url
  master_pid=$(launch "$STATE/master.log" org.apache.spark.deploy.master.Master \
    --host 127.0.0.1 --port 0 --webui-port 0 --properties-file "$STATE/auth.conf")
  echo "$master_pid" > "$STATE/master.pid"
  wait_for_log "$STATE/master.log" "I have been elected leader" "$master_pid" "the Master"
  url=$(grep -o 'Starting Spark master at spark://[0-9.]*:[0-9]*' "$STATE/master.log" | head -1 \
    | sed 's/.* at //')
  [ -n "$url" ] || die "cannot read the master URL from $STATE/master.log"
  echo "$url" > "$STATE/master-url"

  local i pid
  for i in $(seq 1 "$WORKERS"); do
    mkdir -p "$STATE/worker-$i"
    pid=$(launch "$STATE/worker-$i.log" org.apache.spark.deploy.worker.Worker \
      --host 127.0.0.1 --port 0 --webui-port 0 --cores "$CORES" --memory "$MEMORY" \
      --work-dir "$STATE/worker-$i" --properties-file "$STATE/auth.conf" "$url")
    echo "$pid" > "$STATE/worker-$i.pid"
  done
  for i in $(seq 1 "$WORKERS"); do
    wait_for_log "$STATE/worker-$i.log" "Successfully registered with master" \
      "$(cat "$STATE/worker-$i.pid")" "worker $i"
  done
  echo "cluster started: $url, $WORKERS workers x $CORES core(s), $MEMORY; state in $STATE"
}

# Stops every process group we started (daemons and the executors they launched), waits for them.
stop_all() {
  local f pid groups=()
  for f in $(pid_files); do
    pid=$(cat "$f" 2>/dev/null || true)
    # a stale pid file whose pid now belongs to someone else is not ours to signal
    if [ -n "$pid" ] && alive_group "$pid" && spark_daemon_running "$f"; then
      groups+=("$pid")
    elif [ -n "$pid" ] && alive_group "$pid" && ! alive "$pid"; then
      groups+=("$pid")   # the daemon died, executors of its group may live on
    fi
  done
  if [ "${#groups[@]}" -eq 0 ]; then
    rm -f "$STATE"/*.pid
    echo "no cluster running from $STATE"
    return 0
  fi
  local g
  for g in "${groups[@]}"; do kill -TERM -- "-$g" 2>/dev/null || true; done
  local waited=0 left
  while :; do
    left=()
    for g in "${groups[@]}"; do alive_group "$g" && left+=("$g"); done
    [ "${#left[@]}" -eq 0 ] && break
    if [ "$waited" -ge $((STOP_TIMEOUT * 2)) ]; then
      echo "dptrain: process groups ${left[*]} still alive after ${STOP_TIMEOUT}s; sending SIGKILL" >&2
      for g in "${left[@]}"; do kill -KILL -- "-$g" 2>/dev/null || true; done
      sleep 1
      break
    fi
    sleep 0.5
    waited=$((waited + 1))
  done
  rm -f "$STATE"/*.pid
  echo "cluster stopped (process groups ${groups[*]}); logs kept in $STATE"
}

status() {
  if [ ! -f "$STATE/master.pid" ] || ! spark_daemon_running "$STATE/master.pid"; then
    echo "no cluster running from $STATE"
    return 3
  fi
  echo "master    $(cat "$STATE/master-url")  pid $(cat "$STATE/master.pid")  log $STATE/master.log"
  local f pid i execs
  for f in "$STATE"/worker-*.pid; do
    i=$(basename "$f" .pid)
    pid=$(cat "$f")
    if spark_daemon_running "$f"; then
      execs=$(pgrep -g "$pid" -f CoarseGrainedExecutorBackend | tr '\n' ' ' || true)
      echo "$i  pid $pid  executors: ${execs:-none}  log $STATE/$i.log"
    else
      echo "$i  pid $pid  NOT RUNNING (see $STATE/$i.log)"
    fi
  done
  echo "secret    $STATE/auth.conf"
  echo "spark     SPARK_HOME=$STATE/spark-home"
}

case "$1" in
  start) start ;;
  stop) stop_all ;;
  status) status ;;
  *) usage ;;
esac
