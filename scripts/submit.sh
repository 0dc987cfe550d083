#!/usr/bin/env bash
# Submits a dptrain job to a Spark cluster with spark-submit:
#   scripts/submit.sh --master spark://host:7077 [spark-submit options] -- train --config conf/jobs/X.yaml ...
# Everything before "--" goes to spark-submit, everything after it to dptrain. Uses the application
# jar (driver/target/dptrain-driver-*-app.jar, built if missing) and conf/spark-defaults.conf.
# Needs spark-submit on the PATH or SPARK_HOME set.
set -euo pipefail
. "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
ensure_built
jar=$(ls "$DPTRAIN_HOME"/driver/target/dptrain-driver-*-app.jar 2>/dev/null | head -1)
[ -n "$jar" ] || die "application jar not found under driver/target (mvn -DskipTests package)"
if [ -n "${SPARK_HOME:-}" ]; then
  submit="$SPARK_HOME/bin/spark-submit"
else
  submit=$(command -v spark-submit) || die "spark-submit not found: set SPARK_HOME or put it on the PATH"
fi
spark_args=()
while [ $# -gt 0 ] && [ "$1" != "--" ]; do spark_args+=("$1"); shift; done
[ $# -gt 0 ] || die "usage: scripts/submit.sh [spark-submit options] -- COMMAND [dptrain options]"
shift
exec "$submit" --properties-file "$DPTRAIN_HOME/conf/spark-defaults.conf" \
  --class org.dptrain.driver.cli.Main "${spark_args[@]}" "$jar" "$@"
