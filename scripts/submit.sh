#!/usr/bin/env bash
# Submits a dptrain job to a Spark cluster through Spark's own SparkSubmit:
#   scripts/submit.sh --master spark://host:7077 [spark-submit options] -- train --config conf/jobs/X.yaml ...
#   scripts/submit.sh --cluster [spark-submit options] -- train ...   # the cluster of scripts/cluster.sh
# Everything before "--" goes to spark-submit, everything after it to dptrain. Uses the application
# jar (driver/target/dptrain-driver-*-app.jar, built if missing) and conf/spark-defaults.conf.
#
# Spark: $SPARK_HOME/bin/spark-submit when SPARK_HOME has one; a SPARK_HOME that is only jars/ (as
# scripts/cluster.sh makes) runs org.apache.spark.deploy.SparkSubmit with java -cp "$SPARK_HOME/jars/*"
# and the module options of conf/java-options (and $HADOOP_CONF_DIR, $YARN_CONF_DIR on the classpath,
# as bin/spark-submit has them); without SPARK_HOME, spark-submit from the PATH.
# One line on stderr says which. DPTRAIN_DRIVER_JAVA_OPTS: the driver JVM's options in the java -cp
# case (default -Xmx1g).
#
# --cluster (first option) targets the loopback cluster of scripts/cluster.sh in
# $DPTRAIN_CLUSTER_DIR (default target/cluster): its master URL, its Spark home when SPARK_HOME is
# unset, and its secret, which goes to the driver inside a properties file readable only by you,
# never on a command line.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"

usage="usage: scripts/submit.sh [--cluster] [spark-submit options] -- COMMAND [dptrain options]"
cluster=0
if [ "${1:-}" = "--cluster" ]; then
  cluster=1
  shift
fi
spark_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do spark_args+=("$1"); shift; done
[ $# -gt 0 ] || die "$usage"
shift
[ $# -gt 0 ] || die "$usage"

ensure_built
jar=$(ls "$DPTRAIN_HOME"/driver/target/dptrain-driver-*-app.jar 2>/dev/null | head -1 || true)
[ -n "$jar" ] || die "application jar not found under driver/target (mvn -DskipTests package)"

props="$DPTRAIN_HOME/conf/spark-defaults.conf"
cleanup=""
trap '[ -z "$cleanup" ] || rm -f "$cleanup"' EXIT
if [ "$cluster" = 1 ]; then
  state="${DPTRAIN_CLUSTER_DIR:-$DPTRAIN_HOME/target/cluster}"
  [ -f "$state/master-url" ] && [ -f "$state/auth.conf" ] \
    || die "no cluster of scripts/cluster.sh in $state (scripts/cluster.sh start)"
  for a in "${spark_args[@]+"${spark_args[@]}"}"; do
    case "$a" in --master|--master=*|--properties-file|--properties-file=*)
      die "--cluster sets $a itself; leave it out" ;;
    esac
  done
  spark_args=(--master "$(cat "$state/master-url")" "${spark_args[@]+"${spark_args[@]}"}")
  export SPARK_HOME="${SPARK_HOME:-$state/spark-home}"
  # the driver binds to loopback like the cluster (the Workers reach it there)
  export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"
  # dptrain's defaults plus the cluster's secret, in one properties file that only we can read
  cleanup=$(umask 077 && mktemp "$state/submit-XXXXXX.conf")
  cat "$props" "$state/auth.conf" > "$cleanup"
  props="$cleanup"
fi

if [ -n "${SPARK_HOME:-}" ] && [ -x "$SPARK_HOME/bin/spark-submit" ]; then
  echo "dptrain: submitting with $SPARK_HOME/bin/spark-submit" >&2
  submit=("$SPARK_HOME/bin/spark-submit")
elif [ -n "${SPARK_HOME:-}" ]; then
  ls "$SPARK_HOME"/jars/spark-core_*.jar >/dev/null 2>&1 \
    || die "SPARK_HOME=$SPARK_HOME has neither bin/spark-submit nor jars/spark-core_*.jar"
  command -v java >/dev/null || die "java is needed (Java 17 or later)"
  echo "dptrain: submitting with java -cp $SPARK_HOME/jars/* org.apache.spark.deploy.SparkSubmit" \
    "(SPARK_HOME has no bin/spark-submit)" >&2
  # What bin/spark-submit's launcher would add for the driver JVM: the module options, a log
  # configuration (dptrain's: Spark at WARN, progress lines alone on stdout), and the Hadoop
  # configuration directories on the classpath (how --master yarn finds the ResourceManager).
  cp="$SPARK_HOME/jars/*"
  [ -z "${YARN_CONF_DIR:-}" ] || cp="$YARN_CONF_DIR:$cp"
  [ -z "${HADOOP_CONF_DIR:-}" ] || cp="$HADOOP_CONF_DIR:$cp"
  submit=(java @"$DPTRAIN_HOME/conf/java-options" ${DPTRAIN_DRIVER_JAVA_OPTS:--Xmx1g}
    -Dlog4j2.configurationFile="$DPTRAIN_HOME/conf/log4j2.properties"
    -cp "$cp" org.apache.spark.deploy.SparkSubmit)
else
  s=$(command -v spark-submit) || die "spark-submit not found: set SPARK_HOME or put it on the PATH"
  echo "dptrain: submitting with $s (from the PATH)" >&2
  submit=("$s")
fi

status=0
"${submit[@]}" --properties-file "$props" --class org.dptrain.driver.cli.Main \
  "${spark_args[@]+"${spark_args[@]}"}" "$jar" "$@" || status=$?
exit "$status"
