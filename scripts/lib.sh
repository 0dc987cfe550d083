# Shared by the launchers in scripts/: locate the repository, build what is missing, start a JVM.
# Sourced, not run.

DPTRAIN_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

die() {
  echo "dptrain: $*" >&2
  exit 2
}

# Builds the modules (skipping tests) when a jar or classpath file is missing or a source file is
# newer than it. Quiet unless the build fails. The launchers need trainer and driver; the benchmark
# scripts pass "bench" to need that module too.
ensure_built() {
  local modules=(trainer driver "$@")
  local stamp="$DPTRAIN_HOME/driver/target/classpath.txt"
  local need=0 m
  # DPTRAIN_NO_BUILD=1: the caller built it (the integration tests, run by Maven itself)
  if [ "${DPTRAIN_NO_BUILD:-}" = 1 ]; then
    for m in "${modules[@]}"; do
      [ -f "$DPTRAIN_HOME/$m/target/classpath.txt" ] \
        || die "DPTRAIN_NO_BUILD=1 but $m/target/classpath.txt is missing (mvn -DskipTests package)"
    done
    return 0
  fi
  for m in "${modules[@]}"; do
    [ -f "$DPTRAIN_HOME/$m/target/classpath.txt" ] || need=1
  done
  if [ "$need" = 0 ]; then
    local newer=("$DPTRAIN_HOME/pom.xml")
    for m in "${modules[@]}"; do
      newer+=("$DPTRAIN_HOME/$m/pom.xml" "$DPTRAIN_HOME/$m/src/main")
    done
    [ -z "$(find "${newer[@]}" -newer "$stamp" -print -quit)" ] || need=1
  fi
  if [ "$need" = 1 ]; then
    command -v mvn >/dev/null || die "Maven (mvn) is needed to build dptrain; install it (apt-get install maven)"
    echo "dptrain: building (mvn -q -DskipTests package) ..." >&2
    (cd "$DPTRAIN_HOME" && mvn -q -B -DskipTests package) >&2 || die "build failed"
    # Maven leaves an unchanged classpath file untouched; mark the build as done
    for m in "${modules[@]}"; do
      touch "$DPTRAIN_HOME/$m/target/classpath.txt"
    done
    touch "$stamp"
  fi
}

# The classpath of a module (trainer, driver or bench): its classes plus its dependencies (for
# bench, these include the driver's and the trainer's jars and Spark).
# The Fashion-MNIST folder for the benchmark scripts: $1 when it is given and not an option, else
# ../shared/data/fashion-mnist, else the Debian package's (dataset-fashion-mnist). The caller
# shifts $1 away when it was the folder: [ "${1:-}" = "$data" ] && shift
fashion_mnist_dir() {
  if [ -n "${1:-}" ] && [ "${1#--}" = "$1" ]; then
    echo "$1"
    return 0
  fi
  local d
  for d in "$DPTRAIN_HOME/../shared/data/fashion-mnist" /usr/share/datasets/fashion-mnist; do
    if [ -f "$d/train-images-idx3-ubyte.gz" ]; then
      echo "$d"
      return 0
    fi
  done
  die "Fashion-MNIST not found: pass its directory, or apt-get install dataset-fashion-mnist"
}

# True when process $1 is alive.
alive() { kill -0 "$1" 2>/dev/null; }

# True when pid file $1 names a live Spark daemon (a pid could be reused by another program).
spark_daemon_running() {
  local f="$1" pid
  pid=$(cat "$f" 2>/dev/null) || return 1
  [ -n "$pid" ] && alive "$pid" && tr '\0' ' ' < "/proc/$pid/cmdline" 2>/dev/null \
    | grep -q "org.apache.spark.deploy"
}

# Makes Spark home $1 for the cluster scripts: an empty RELEASE file (which makes Spark's launcher
# take jars/ as the classpath) and jars/ with links to the Spark jars of the build, without
# dptrain's own.
make_spark_home() {
  local home="$1" jar
  rm -rf "$home"
  mkdir -p "$home/jars"
  : > "$home/RELEASE"
  while IFS= read -r jar; do
    case "$(basename "$jar")" in dptrain-*|picocli-*) continue ;; esac
    ln -s "$jar" "$home/jars/$(basename "$jar")"
  done < <(tr ':' '\n' < "$DPTRAIN_HOME/driver/target/classpath.txt")
  ls "$home/jars"/spark-core_2.13-*.jar >/dev/null 2>&1 \
    || die "no spark-core jar in driver/target/classpath.txt; rebuild (mvn -DskipTests package)"
}

module_classpath() {
  local m="$1"
  echo "$DPTRAIN_HOME/$m/target/classes:$(cat "$DPTRAIN_HOME/$m/target/classpath.txt")"
}

# java with Spark's module options for Java 17+ (conf/java-options). With DPTRAIN_DEBUG set (to
# anything), Spark's reports of failed tasks reach the log too (conf/log4j2.properties keeps them
# out otherwise: the error dptrain prints names the file and line).
run_java() {
  command -v java >/dev/null || die "java is needed (Java 17 or later)"
  local debug=()
  [ -z "${DPTRAIN_DEBUG+set}" ] || debug=(-Ddptrain.sparkTaskLog=warn)
  exec java @"$DPTRAIN_HOME/conf/java-options" ${DPTRAIN_JAVA_OPTS:-} "${debug[@]+"${debug[@]}"}" "$@"
}
