#!/usr/bin/env bash
# retrain.sh: one scheduled retraining of a registry entry, ready for cron.
#
#   scripts/retrain.sh [--log FILE] --registry ROOT --name NAME --data PATH --holdout PATH \
#       [--config JOB.yaml] [any option of `dptrain retrain`]
#
# Runs `dptrain retrain` (see `scripts/dptrain retrain --help`) with the built classes: it never
# builds (build once with `mvn -B -DskipTests package`), needs nothing from PATH but java (or
# JAVA_HOME), and works from any working directory (cron starts in $HOME). Relative paths in the
# arguments are still relative to the working directory: give absolute ones in a crontab.
#
# Output: every line of the run, stamped with UTC time, is appended to the log file, by default
# <repository>/logs/retrain-NAME.log (--log FILE or DPTRAIN_RETRAIN_LOG to change it). Standard
# output gets the one-line verdict; standard error gets the error of a failed run; so cron mails
# one line per run, or nothing with `>/dev/null`.
#
# Exit codes:
#   0  done: the challenger was registered, and promoted or not (the verdict says which)
#   1  failure (Spark, filesystem, a diverging run, ...); the champion is untouched
#   2  bad input or usage (options, data, a damaged registry); the champion is untouched
#   3  locked: another run of NAME holds ROOT/NAME/.lock (it names the holder); nothing was done
#
# Environment: JAVA_HOME, DPTRAIN_JAVA_OPTS (default -Xmx4g), DPTRAIN_RETRAIN_LOG,
# DPTRAIN_GIT_COMMIT (recorded in registry.json; found with git when unset and git is present).
set -uo pipefail

HERE="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
DPTRAIN_HOME="$(cd "$HERE/.." && pwd)"

log="${DPTRAIN_RETRAIN_LOG:-}"
name=""
args=()
while [ $# -gt 0 ]; do
  case "$1" in
    --log) [ $# -ge 2 ] || { echo "retrain.sh: --log needs a file" >&2; exit 2; }
           log="$2"; shift 2; continue ;;
    --log=*) log="${1#--log=}"; shift; continue ;;
    --name) [ $# -ge 2 ] && name="$2" ;;
    --name=*) name="${1#--name=}" ;;
  esac
  args+=("$1")
  shift
done
if [ -z "$log" ]; then
  # the name only picks the log file; the Java side validates it (letters, digits, - and _)
  case "$name" in
    ""|*[!A-Za-z0-9_-]*) log="$DPTRAIN_HOME/logs/retrain.log" ;;
    *) log="$DPTRAIN_HOME/logs/retrain-$name.log" ;;
  esac
fi
mkdir -p "$(dirname "$log")" 2>/dev/null
if ! touch "$log" 2>/dev/null; then
  echo "retrain.sh: cannot write the log file $log (use --log FILE)" >&2
  exit 2
fi

for m in trainer driver; do
  if [ ! -f "$DPTRAIN_HOME/$m/target/classpath.txt" ] || [ ! -d "$DPTRAIN_HOME/$m/target/classes" ]; then
    echo "retrain.sh: dptrain is not built; run: (cd $DPTRAIN_HOME && mvn -B -DskipTests package)" >&2
    exit 2
  fi
done
java="java"
[ -n "${JAVA_HOME:-}" ] && java="$JAVA_HOME/bin/java"
if ! command -v "$java" >/dev/null 2>&1; then
  echo "retrain.sh: java not found (set JAVA_HOME or put java on PATH)" >&2
  exit 2
fi
if [ -z "${DPTRAIN_GIT_COMMIT:-}" ] && command -v git >/dev/null 2>&1; then
  DPTRAIN_GIT_COMMIT="$(git -C "$DPTRAIN_HOME" rev-parse HEAD 2>/dev/null || true)"
fi
export DPTRAIN_GIT_COMMIT="${DPTRAIN_GIT_COMMIT:-}"
export OPENBLAS_NUM_THREADS="${OPENBLAS_NUM_THREADS:-1}"
export SPARK_LOCAL_IP="${SPARK_LOCAL_IP:-127.0.0.1}"

# Prefixes each line with the UTC time (bash's own strftime: no process per line).
stamp() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    TZ=UTC printf '%(%Y-%m-%dT%H:%M:%SZ)T %s\n' -1 "$line"
  done
}

out="$(mktemp "${TMPDIR:-/tmp}/dptrain-retrain-out.XXXXXX")"
trap 'rm -f "$out"' EXIT
echo "start: retrain ${args[*]}" | stamp >>"$log"
# stdout and stderr, in order, go to the log and aside for the verdict and the error line
# java runs in the background so that a SIGTERM/SIGINT/SIGHUP to this script (cron's timeout, a
# Ctrl-C) reaches it: its shutdown hook then releases the registry lock before it exits.
"$java" @"$DPTRAIN_HOME/conf/java-options" ${DPTRAIN_JAVA_OPTS:--Xmx4g} \
    -Dlog4j2.configurationFile="$DPTRAIN_HOME/conf/log4j2.properties" \
    -cp "$DPTRAIN_HOME/driver/target/classes:$(cat "$DPTRAIN_HOME/driver/target/classpath.txt")" \
    org.dptrain.driver.cli.Main retrain "${args[@]}" > >(tee "$out" | stamp >>"$log") 2>&1 &
pid=$!
trap 'kill -TERM "$pid" 2>/dev/null' TERM INT HUP
code=0
wait "$pid" || code=$?
# a trapped signal interrupts wait: wait again for java's own exit status
while kill -0 "$pid" 2>/dev/null; do
  code=0
  wait "$pid" || code=$?
done
trap - TERM INT HUP
wait  # the log writer (bash 5.1+ waits for process substitutions too)
case "$code" in
  0) what="done" ;;
  2) what="bad input" ;;
  3) what="locked" ;;
  *) what="failure"; [ "$code" = 1 ] || code=1 ;;
esac
echo "exit $code ($what)" | stamp >>"$log"
if [ "$code" = 0 ]; then
  grep -E '^(promoted|kept champion|not promoted) ' "$out" | tail -n 1
else
  grep -E '^dptrain: ' "$out" | tail -n 1 >&2
  echo "retrain.sh: exit $code ($what); see $log" >&2
fi
exit "$code"
