"""dptrain from Python: PySpark (classic and Spark Connect) wrappers of dptrain's Spark ML
estimators, the bundled application jar, MLflow helpers and the shipped Fashion-MNIST sample.

Set-up is one line::

    spark = SparkSession.builder.config("spark.jars", dptrain.jar_path()).getOrCreate()

A Spark Connect server needs the jar on its class path instead (``--jars`` when it starts); the
client needs only this package.
"""

import glob
import os

__all__ = ["jar_path", "__version__"]

__version__ = "0.1.0.dev0"

#: Overrides the bundled jar (a path to dptrain-driver-*-app.jar).
JAR_ENV = "DPTRAIN_JAR"


def jar_path() -> str:
    """The path of dptrain's application jar: ``$DPTRAIN_JAR`` when set, else the one bundled in
    this package (``dptrain/jars/``, put there by ``mvn -B -DskipTests package`` before
    ``pip install ./python``).

    Raises FileNotFoundError when there is no jar, or when the package holds more than one.
    """
    override = os.environ.get(JAR_ENV)
    if override:
        if not os.path.isfile(override):
            raise FileNotFoundError(f"{JAR_ENV}={override} is not a file")
        return os.path.abspath(override)
    jars_dir = os.path.join(os.path.dirname(os.path.abspath(__file__)), "jars")
    jars = sorted(glob.glob(os.path.join(jars_dir, "dptrain-driver-*-app.jar")))
    if len(jars) == 1:
        return jars[0]
    if not jars:
        raise FileNotFoundError(
            f"no dptrain application jar in {jars_dir}: build it with `mvn -B -DskipTests package`"
            " (which copies it there) before `pip install ./python`, or set " + JAR_ENV)
    raise FileNotFoundError(
        f"{len(jars)} dptrain application jars in {jars_dir} ({', '.join(map(os.path.basename, jars))}):"
        " delete the stale ones")
