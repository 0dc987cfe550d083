#!/usr/bin/env bash
# Fashion-MNIST benchmark: dptrain with 784-256-128-10 (relu, relu, softmax) on local[2], for
# several --local-steps, then Spark MLlib's MultilayerPerceptronClassifier with the same layers,
# all in one Spark session. Prints per epoch: seconds, samples/s, compute vs the rest, test
# accuracy; then the time to 88% test accuracy of each run.
#   scripts/bench.sh [DATA_DIR] [options of org.dptrain.driver.bench.FashionMnistBenchmark]
# DATA_DIR defaults to ../shared/data/fashion-mnist, else /usr/share/datasets/fashion-mnist
# (Debian package dataset-fashion-mnist). Example:
#   scripts/bench.sh --local-steps 1,8,32 --epochs 8 --mlpc-iterations 100
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
data="$(fashion_mnist_dir "${1:-}")" || exit 2
if [ "${1:-}" = "$data" ]; then shift; fi
ensure_built bench
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
echo "## $(date -u +%FT%TZ) $(uname -n) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
java @"$DPTRAIN_HOME/conf/java-options" -Xmx8g ${DPTRAIN_JAVA_OPTS:-} \
  -Dlog4j2.configurationFile="$DPTRAIN_HOME/conf/log4j2.properties" \
  -cp "$(module_classpath bench)" org.dptrain.driver.bench.FashionMnistBenchmark "$data" "$@" 2>&1 \
  | grep -v 'incubator modules'
