#!/usr/bin/env bash
# Collective benchmark: latency of Collective.sumInOrder on loopback, all members threads of one
# JVM, for the 235,146-double gradient of 784-256-128-10 and a 2.4M-double one, at 2, 4 and 8
# members, plain and AES-GCM. Prints a Markdown table. Extra arguments go to
# org.dptrain.driver.collective.CollectiveBenchmark (--sizes --members --encrypt --calls --warmup).
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
# test scope: the benchmark is a test class, and it needs SLF4J and a logging backend (Spark's)
cpfile="$DPTRAIN_HOME/driver/target/test-classpath.txt"
bench="$DPTRAIN_HOME/driver/target/test-classes/org/dptrain/driver/collective/CollectiveBenchmark.class"
if [ ! -f "$bench" ] || [ ! -f "$cpfile" ] || [ -n "$(find "$DPTRAIN_HOME/driver/src" \
    "$DPTRAIN_HOME/trainer/src/main" -newer "$bench" -name '*.java' -print -quit)" ]; then
  (cd "$DPTRAIN_HOME" && mvn -o -q -B -pl driver -am test-compile dependency:build-classpath \
    -Dmdep.outputFile=target/test-classpath.txt -Dmdep.includeScope=test) >&2 \
    || die "test-compile failed"
fi
cp="$DPTRAIN_HOME/driver/target/test-classes:$DPTRAIN_HOME/driver/target/classes:$(cat "$cpfile")"
log="-Dlog4j2.configurationFile=$DPTRAIN_HOME/conf/log4j2.properties"
echo "## $(date -u +%FT%TZ) $(uname -n) $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ //'); uptime: $(uptime)"
java @"$DPTRAIN_HOME/conf/java-options" "$log" -Xmx4g -cp "$cp" \
  org.dptrain.driver.collective.CollectiveBenchmark "$@" 2>&1 | grep -v 'incubator modules'
echo "## uptime after: $(uptime)"
