#!/usr/bin/env bash
# Kernel benchmark: forward+backward of 784-256-128-10 (relu, relu, softmax) at batch 128 and 256,
# beside plain dgemm in the same run, with pure-Java and native BLAS. Prints a table per
# OpenBLAS thread setting: 1 thread (one training task per core, how Spark runs it) and the
# library default (all cores). Extra arguments go to org.dptrain.bench.KernelBenchmark.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_built bench
# the bench classpath has the trainer and a logging backend (Spark's log4j)
cp="$(module_classpath bench)"
log="-Dlog4j2.configurationFile=$DPTRAIN_HOME/conf/log4j2.properties"
echo "## $(date -u +%FT%TZ) $(uname -n) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //')"
for threads in 1 default; do
  echo "## OPENBLAS_NUM_THREADS=$threads"
  if [ "$threads" = default ]; then
    (unset OPENBLAS_NUM_THREADS; java @"$DPTRAIN_HOME/conf/java-options" "$log" -cp "$cp" org.dptrain.bench.KernelBenchmark "$@") 2>&1 | grep -v 'incubator modules'
  else
    OPENBLAS_NUM_THREADS=$threads java @"$DPTRAIN_HOME/conf/java-options" "$log" -cp "$cp" org.dptrain.bench.KernelBenchmark "$@" 2>&1 | grep -v 'incubator modules'
  fi
done
