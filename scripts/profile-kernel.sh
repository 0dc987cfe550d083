#!/usr/bin/env bash
# Where a kernel pass's time goes: runs org.dptrain.bench.KernelBenchmark under Java Flight
# Recorder (built into the JDK) once per precision, native BLAS, one OpenBLAS thread, and prints
# the Java methods the samples land in (top frame) and the count of samples in native code
# (BLAS). Usage: scripts/profile-kernel.sh [precision ...]   (default: float32 float64)
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_built bench
cp="$(module_classpath bench)"
log="-Dlog4j2.configurationFile=$DPTRAIN_HOME/conf/log4j2.properties"
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
echo "## $(date -u +%FT%TZ) $(uname -n) $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg)"
for p in "${@:-float32 float64}"; do
  for precision in $p; do
    OPENBLAS_NUM_THREADS=1 java @"$DPTRAIN_HOME/conf/java-options" "$log" \
        -XX:StartFlightRecording=filename="$out/$precision.jfr",settings=profile -cp "$cp" \
        org.dptrain.bench.KernelBenchmark --blas native --precision "$precision" \
        --batches 128 --rounds 5 --round-seconds 1.0 2>&1 \
      | grep -vE 'incubator modules|StartFlightRecording|Started recording|jcmd' || true
    echo "## $precision: Java samples by top frame (jdk.ExecutionSample, 10 ms in the profile settings)"
    jfr print --events jdk.ExecutionSample "$out/$precision.jfr" \
      | grep -A1 'stackTrace = \[' | grep -vE 'stackTrace|^--' | sed 's/^ *//' \
      | sort | uniq -c | sort -rn | sed -n 1,10p
    echo "## $precision: samples in native code (jdk.NativeMethodSample, 20 ms): $(jfr print \
      --events jdk.NativeMethodSample "$out/$precision.jfr" | grep -c 'stackTrace = \[')"
  done
done
