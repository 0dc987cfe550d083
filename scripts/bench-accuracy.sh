#!/usr/bin/env bash
# Test accuracy against the number of partitions: Fashion-MNIST, 784-256-128-10, the settings of
# conf/jobs/fashion-mnist.yaml (batch 128, Adam lr 0.001, cosine:0, standardize), local[2] by
# default, one run per partitions x local steps x epochs x sync mode, in one Spark session. Prints
# each run's epochs, the load average after each run, then a table: accuracy after each epoch,
# best, time to 88%, a hash of the final weights (same hash = same bits).
#   scripts/bench-accuracy.sh [DATA_DIR] [options of org.dptrain.driver.bench.AccuracyBenchmark]
# DATA_DIR defaults to ../shared/data/fashion-mnist, else /usr/share/datasets/fashion-mnist.
# Any other --KEY VALUE is a job-file setting for every run. Examples:
#   scripts/bench-accuracy.sh --partitions 2,8,16,32 --local-steps 1,8,32,epoch --epochs 3,6
#   scripts/bench-accuracy.sh --partitions 16 --local-steps 32 --epochs 3 --sync driver,allreduce
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
data="$(fashion_mnist_dir "${1:-}")" || exit 2
if [ "${1:-}" = "$data" ]; then shift; fi
ensure_built bench
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
echo "## $(date -u +%FT%TZ) $(uname -n) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
echo "## scripts/bench-accuracy.sh $*"
java @"$DPTRAIN_HOME/conf/java-options" -Xmx6g ${DPTRAIN_JAVA_OPTS:-} \
  -Dlog4j2.configurationFile="$DPTRAIN_HOME/conf/log4j2.properties" \
  -cp "$(module_classpath bench)" org.dptrain.driver.bench.AccuracyBenchmark "$data" "$@" 2>&1 \
  | grep --line-buffered -v 'incubator modules'
echo "## done $(date -u +%FT%TZ), load $(cut -d' ' -f1-3 /proc/loadavg)"
