#!/usr/bin/env bash
# Memory over 1,000 synchronous steps (--local-steps 1) of 784-256-128-10 on synthetic data in
# local[2]: every 100 steps, the driver heap in use after a full GC, the storage memory in use and
# the number of broadcast variables still held by any block manager. Flat lines show that each
# step's weight broadcast is destroyed, not left to pile up.
#   scripts/bench-memory.sh [options of org.dptrain.driver.bench.MemoryBenchmark]
#   e.g. scripts/bench-memory.sh --steps 2000 --every 200 --batch-size 128
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
case "${1:-}" in -h|--help)
  echo "usage: scripts/bench-memory.sh [--master local[2]] [--partitions 2] [--steps 1000] [--every 100] [--batch-size 64] [--seed 7]"
  exit 0 ;;
esac
ensure_built bench
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
echo "## $(date -u +%FT%TZ) $(uname -n) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
java @"$DPTRAIN_HOME/conf/java-options" -Xmx2g ${DPTRAIN_JAVA_OPTS:-} \
  -Dlog4j2.configurationFile="$DPTRAIN_HOME/conf/log4j2.properties" \
  -cp "$(module_classpath bench)" org.dptrain.driver.bench.MemoryBenchmark "$@" 2>&1 \
  | grep -v 'incubator modules'
