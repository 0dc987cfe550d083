# Shared by the launchers in scripts/: locate the repository, build what is missing, start a JVM.
# Sourced, not run.

DPTRAIN_HOME="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

die() {
  echo "dptrain: $*" >&2
  exit 2
}

# Builds the modules (skipping tests) when a jar or classpath file is missing or a source file is
# newer than it. Quiet unless the build fails.
ensure_built() {
  local stamp="$DPTRAIN_HOME/driver/target/classpath.txt"
  local need=0
  # DPTRAIN_NO_BUILD=1: the caller built it (the integration tests, run by Maven itself)
  if [ "${DPTRAIN_NO_BUILD:-}" = 1 ]; then
    [ -f "$stamp" ] || die "DPTRAIN_NO_BUILD=1 but $stamp is missing (mvn -DskipTests package)"
    return 0
  fi
  if [ ! -f "$stamp" ] || [ ! -f "$DPTRAIN_HOME/trainer/target/classpath.txt" ]; then
    need=1
  elif [ -n "$(find "$DPTRAIN_HOME/pom.xml" "$DPTRAIN_HOME/trainer/pom.xml" "$DPTRAIN_HOME/driver/pom.xml" \
      "$DPTRAIN_HOME/trainer/src/main" "$DPTRAIN_HOME/driver/src/main" -newer "$stamp" -print -quit)" ]; then
    need=1
  fi
  if [ "$need" = 1 ]; then
    command -v mvn >/dev/null || die "Maven (mvn) is needed to build dptrain; install it (apt-get install maven)"
    echo "dptrain: building (mvn -q -DskipTests package) ..." >&2
    (cd "$DPTRAIN_HOME" && mvn -q -B -DskipTests package) >&2 || die "build failed"
    # Maven leaves an unchanged classpath file untouched; mark the build as done
    touch "$stamp" "$DPTRAIN_HOME/trainer/target/classpath.txt"
  fi
}

# The classpath of a module (trainer or driver): its classes plus its dependencies.
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
