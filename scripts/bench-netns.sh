#!/usr/bin/env bash
# Per-step time and network traffic of --sync driver and --sync allreduce on the namespaced
# cluster of scripts/netns-cluster.sh (Master, Workers and driver each a host of its own on a
# bridge, every link limited by tbf). For each worker count W (one core each; P = W partitions),
# link rate, network and sync mode, one job trains the embedded Fashion-MNIST sample with
# --local-steps 1; the counters of every link are read at each epoch line, and the last epoch
# (the first one warms the JVMs up) gives per step: wall time, the compute the epoch report
# counts (driver mode: Σ slowest partition; allreduce: slowest task's compute and update), the
# allreduce collective time, bytes into and out of the driver, and the mean bytes in and out of
# an executor's host.
#   scripts/bench-netns.sh [--workers 2,4,8] [--rates 10gbit,1gbit] [--nets small,big]
#                          [--modes driver,allreduce] [--epochs 2] [--batch-size 128]
# small = 784-256-128-10 (235,146 parameters), big = 784-1500-800-10 (2,386,310 parameters).
# Needs root. Starts its own cluster (prefix dptnb, subnet 10.213.8) and stops it at the end.
# One result line per job on stdout (a header first); job logs in the printed directory.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

workers="2,4,8"
rates="10gbit,1gbit"
nets="small,big"
modes="driver,allreduce"
epochs=2
batch=128
while [ $# -gt 0 ]; do
  case "$1" in
    --workers) workers="$2"; shift 2 ;;
    --rates) rates="$2"; shift 2 ;;
    --nets) nets="$2"; shift 2 ;;
    --modes) modes="$2"; shift 2 ;;
    --epochs) epochs="$2"; shift 2 ;;
    --batch-size) batch="$2"; shift 2 ;;
    -h|--help) sed -n '2,16p' "${BASH_SOURCE[0]}" | sed 's/^# *//'; exit 0 ;;
    *) die "unknown option $1 (see scripts/bench-netns.sh --help)" ;;
  esac
done
[[ "$epochs" =~ ^[0-9]+$ ]] && [ "$epochs" -ge 2 ] || die "--epochs must be 2 or more"
[ "$(id -u)" = 0 ] || die "scripts/bench-netns.sh needs root (scripts/netns-cluster.sh)"
ensure_built

export DPTRAIN_NETNS_DIR="${DPTRAIN_NETNS_DIR:-$DPTRAIN_HOME/target/netns-bench}"
export DPTRAIN_NETNS_PREFIX="${DPTRAIN_NETNS_PREFIX:-dptnb}"
export DPTRAIN_NETNS_SUBNET="${DPTRAIN_NETNS_SUBNET:-10.213.8}"
cluster="$DPTRAIN_HOME/scripts/netns-cluster.sh"
out=$(mktemp -d "${TMPDIR:-/tmp}/dptrain-bench-netns-XXXXXX")
trap '"$cluster" stop >/dev/null 2>&1 || true' EXIT

layers() {
  case "$1" in
    small) echo "784,256,128,10" ;;
    big) echo "784,1500,800,10" ;;
    *) die "--nets: '$1' is not small or big" ;;
  esac
}

# "name rx tx" per node, one line, space-separated: name:rx:tx ...
snapshot() { "$cluster" counters | awk '{printf "%s:%s:%s ", $1, $2, $3}'; }

echo "## $(date -u +%FT%TZ) $(uname -n) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## embedded sample (6,000 examples), batch $batch, --local-steps 1, $epochs epochs, last epoch measured; logs in $out"
echo "# W rate net sync | steps ms/step compute_ms/step collective_ms/step | driver_in_MB/step driver_out_MB/step | executor_in_MB/step executor_out_MB/step (mean of W) | load"

IFS=, read -r -a ws <<< "$workers"
IFS=, read -r -a rs <<< "$rates"
IFS=, read -r -a ns <<< "$nets"
IFS=, read -r -a ms <<< "$modes"
for w in "${ws[@]}"; do
  "$cluster" stop >/dev/null 2>&1 || true
  DPTRAIN_NETNS_WORKERS="$w" DPTRAIN_NETNS_RATE="${rs[0]}" "$cluster" start > "$out/start-$w.log" 2>&1 \
    || { cat "$out/start-$w.log" >&2; die "the cluster of $w workers did not start"; }
  for rate in "${rs[@]}"; do
    "$cluster" rate "$rate" >/dev/null
    for net in "${ns[@]}"; do
      for mode in "${ms[@]}"; do
        name="w$w-$rate-$net-$mode"
        # each epoch line, prefixed by the counters at the moment it was printed
        DPTRAIN_NETNS_WORKERS="$w" "$cluster" submit --name "bench-$name" -- train \
          --layers "$(layers "$net")" --epochs "$epochs" --batch-size "$batch" --local-steps 1 \
          --partitions "$w" --seed 5 --sync "$mode" --no-report --output "$out/$name" \
          2> "$out/$name.err" | while IFS= read -r line; do
            case "$line" in epoch\ *) echo "$(snapshot)| $line" ;; *) echo "$line" ;; esac
          done > "$out/$name.out" || true
        if ! grep -q "^trained in" "$out/$name.out"; then
          echo "$w $rate $net $mode | FAILED (see $out/$name.err)"
          continue
        fi
        awk -v w="$w" -v rate="$rate" -v net="$net" -v mode="$mode" -v e="$epochs" \
            -v load="$(cut -d' ' -f1-3 /proc/loadavg)" \
            -v coll="$(grep "allreduce stage: epoch $epochs," "$out/$name.err" | sed -n 's/.*collective \([0-9.]*\) ms.*/\1/p' | head -1)" '
          function counters(s, c,   n, i, f) {
            n = split(s, f, " ")
            for (i = 1; i <= n; i++) { split(f[i], x, ":"); c[x[1] ":rx"] = x[2]; c[x[1] ":tx"] = x[3] }
          }
          / \| epoch / {
            split($0, parts, "\\| ")
            k++
            snap[k] = parts[1]
            line[k] = parts[2]
          }
          END {
            counters(snap[e - 1], a)
            counters(snap[e], b)
            l = line[e]
            steps = l; sub(/.*step /, "", steps); sub(/ .*/, "", steps)
            prev = line[e - 1]; sub(/.*step /, "", prev); sub(/ .*/, "", prev)
            steps = steps - prev
            secs = l; sub(/ s \(jobs.*/, "", secs); sub(/.* /, "", secs)
            comp = l; sub(/.*compute /, "", comp); sub(/ s.*/, "", comp)
            din = (b["driver:rx"] - a["driver:rx"]) / steps / 1e6
            dout = (b["driver:tx"] - a["driver:tx"]) / steps / 1e6
            ein = 0; eout = 0
            for (i = 1; i <= w; i++) {
              ein += b["w" i ":rx"] - a["w" i ":rx"]
              eout += b["w" i ":tx"] - a["w" i ":tx"]
            }
            ein = ein / w / steps / 1e6; eout = eout / w / steps / 1e6
            collective = coll == "" ? "-" : sprintf("%.1f", coll / steps)
            printf "%s %s %s %s | %d %.1f %.1f %s | %.2f %.2f | %.2f %.2f | %s\n", w, rate, net,
              mode, steps, secs * 1000 / steps, comp * 1000 / steps, collective, din, dout, ein,
              eout, load
          }' "$out/$name.out"
      done
    done
  done
done
"$cluster" stop >/dev/null
trap - EXIT
