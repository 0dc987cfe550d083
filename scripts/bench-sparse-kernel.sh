#!/usr/bin/env bash
# Sparse against dense first layer: forward + weight gradient of one batch on one thread, native
# BLAS, over a range of input densities; prints a Markdown table and the crossover density per
# shape. Extra arguments go to org.dptrain.bench.SparseKernelBenchmark.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_built bench
cp="$(module_classpath bench)"
log="-Dlog4j2.configurationFile=$DPTRAIN_HOME/conf/log4j2.properties"
echo "## $(date -u +%FT%TZ) $(uname -n) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); uptime: $(uptime)"
OPENBLAS_NUM_THREADS=1 java @"$DPTRAIN_HOME/conf/java-options" "$log" -Xmx6g -cp "$cp" \
  org.dptrain.bench.SparseKernelBenchmark "$@" 2>&1 | grep --line-buffered -v 'incubator modules'
echo "## uptime after: $(uptime)"
