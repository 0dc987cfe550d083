#!/usr/bin/env bash
# --sync driver against --sync allreduce on Fashion-MNIST, 784-256-128-10 (relu, relu, softmax),
# Adam, local[2] by default, in one Spark session. Prints per epoch: seconds, ms per step, the
# part of a step that is not arithmetic, test accuracy.
#   scripts/bench-sync.sh [DATA_DIR] [options of org.dptrain.driver.bench.SyncModeBenchmark]
# DATA_DIR defaults to ../shared/data/fashion-mnist, else /usr/share/datasets/fashion-mnist.
# Example:
#   scripts/bench-sync.sh --partitions 2,16 --sync driver,allreduce --epochs 2
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
data="$(fashion_mnist_dir "${1:-}")" || exit 2
if [ "${1:-}" = "$data" ]; then shift; fi
ensure_built bench
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
echo "## $(date -u +%FT%TZ) $(uname -n) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
java @"$DPTRAIN_HOME/conf/java-options" -Xmx6g ${DPTRAIN_JAVA_OPTS:-} \
  -Dlog4j2.configurationFile="$DPTRAIN_HOME/conf/log4j2.properties" \
  -cp "$(module_classpath bench)" org.dptrain.driver.bench.SyncModeBenchmark "$data" "$@" 2>&1 \
  | grep --line-buffered -v 'incubator modules'
echo "## done, load $(cut -d' ' -f1-3 /proc/loadavg)"
