#!/usr/bin/env bash
# Epoch times of one job on the loopback cluster of scripts/cluster.sh against local[2], and the
# cost of losing an executor: the job runs (1) in local[2], (2) on the cluster, (3) on the cluster
# with one executor JVM killed (SIGKILL) right after the first epoch line. Prints each run's
# epoch lines and wall time, and whether the three weights files are identical.
#   scripts/bench-cluster.sh [dptrain train options]
# Default job: the embedded Fashion-MNIST sample, --epochs 3 --local-steps 1 --partitions 2
# --seed 5 --batch-size 64. Starts the cluster if none runs (and then stops it at the end).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
case "${1:-}" in -h|--help)
  echo "usage: scripts/bench-cluster.sh [dptrain train options, e.g. --epochs 3 --local-steps 1]"
  exit 0 ;;
esac
ensure_built
export DPTRAIN_CLUSTER_DIR="${DPTRAIN_CLUSTER_DIR:-$DPTRAIN_HOME/target/cluster}"
state="$DPTRAIN_CLUSTER_DIR"
job=("$@")
[ ${#job[@]} -gt 0 ] || job=(--epochs 3 --local-steps 1 --partitions 2 --seed 5 --batch-size 64)
out=$(mktemp -d "${TMPDIR:-/tmp}/dptrain-bench-cluster-XXXXXX")
started=0
if ! "$DPTRAIN_HOME/scripts/cluster.sh" status >/dev/null 2>&1; then
  "$DPTRAIN_HOME/scripts/cluster.sh" start
  started=1
fi
trap '[ "$started" = 0 ] || "$DPTRAIN_HOME/scripts/cluster.sh" stop' EXIT

echo "## $(date -u +%FT%TZ) $(uname -n) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## job: train ${job[*]}; runs in $out"

timed() {
  local name="$1"
  shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@" > "$out/$name.out" 2> "$out/$name.err" || { tail -n 20 "$out/$name.err" >&2; die "$name failed"; }
  t1=$(date +%s.%N)
  echo "### $name: wall $(awk -v a="$t0" -v b="$t1" 'BEGIN { printf "%.1f", b - a }') s"
  grep '^epoch\|^trained' "$out/$name.out"
}

timed local "$DPTRAIN_HOME/scripts/dptrain" train "${job[@]}" --master 'local[2]' --output "$out/local"
timed cluster "$DPTRAIN_HOME/scripts/submit.sh" --cluster -- train "${job[@]}" --output "$out/cluster"

# (3): a watcher kills one executor of worker 1 once the first epoch line is out
(
  # polls every 0.1 s for up to 30 minutes (start-up alone can take minutes on a loaded machine)
  for _ in $(seq 1 18000); do
    if grep -q '^epoch 1/' "$out/cluster-kill.out" 2>/dev/null; then
      victim=$(pgrep -g "$(cat "$state/worker-1.pid")" -f CoarseGrainedExecutorBackend | head -1 || true)
      [ -n "$victim" ] || { echo "no executor under worker 1 to kill" >&2; exit 1; }
      kill -KILL "$victim"
      echo "killed executor pid $victim at $(date +%T.%N | cut -c1-12)" > "$out/kill.txt"
      exit 0
    fi
    sleep 0.1
  done
  echo "no epoch line within 30 minutes; no executor killed" >&2
  exit 1
) &
watcher=$!
timed cluster-kill "$DPTRAIN_HOME/scripts/submit.sh" --cluster -- train "${job[@]}" --output "$out/cluster-kill"
wait "$watcher" || true
cat "$out/kill.txt" 2>/dev/null || echo "(no executor was killed: the job ended first?)"
grep -h 'Lost executor\|No more replicas\|FetchFailed' "$out/cluster-kill.err" | cut -c1-160 || true

for r in cluster cluster-kill; do
  if cmp -s "$out/local/weights.bin" "$out/$r/weights.bin"; then
    echo "weights of $r: identical to local[2]"
  else
    echo "weights of $r: DIFFER from local[2]"
  fi
done
