#!/usr/bin/env python3
"""Debian-sections benchmark: predict a package's Section from its description, hashed to
--features features with Spark ML's Tokenizer -> HashingTF, with Spark's LogisticRegression
(multinomial), Spark's MultilayerPerceptronClassifier and dptrain's MlpClassifier, on the same
split in one Spark session. Prints a Markdown table: test accuracy, fit seconds, and the JVM's
peak heap during the fit (local mode: the driver is the executor).

    scripts/make-debian-sections.sh                    # builds data/debian-sections/ once
    target/python-venv/bin/python scripts/bench-debian-sections.py --features 262144 4096

A model that fails (out of memory, an error) gets a row saying how. Needs pyspark (the pinned
test environment has it) and dptrain's jar (`mvn -DskipTests package` copies it into python/).
"""
import argparse
import os
import threading
import sys
import time
import traceback

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "python"))

from pyspark.ml.classification import LogisticRegression, MultilayerPerceptronClassifier  # noqa: E402
from pyspark.ml.evaluation import MulticlassClassificationEvaluator  # noqa: E402
from pyspark.ml.feature import HashingTF, RegexTokenizer  # noqa: E402
from pyspark.sql import SparkSession  # noqa: E402
from pyspark.sql import functions as F  # noqa: E402

import dptrain  # noqa: E402
from dptrain.ml import MlpClassifier  # noqa: E402


def heap_pools(spark):
    mf = spark.sparkContext._jvm.java.lang.management.ManagementFactory
    return [p for p in mf.getMemoryPoolMXBeans() if str(p.getType()) == "Heap memory"]


def reset_peak(spark):
    spark.sparkContext._jvm.java.lang.System.gc()
    for p in heap_pools(spark):
        p.resetPeakUsage()


def peak_mb(spark):
    return sum(p.getPeakUsage().getUsed() for p in heap_pools(spark)) / 2**20


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--data", default="data/debian-sections")
    ap.add_argument("--features", type=int, nargs="+", default=[262144, 4096])
    ap.add_argument("--models", nargs="+", default=["lr", "mlpc", "dptrain"])
    ap.add_argument("--hidden", type=int, default=64)
    ap.add_argument("--epochs", type=int, default=10)
    ap.add_argument("--master", default="local[2]")
    ap.add_argument("--driver-memory", default="12g")
    ap.add_argument("--fit-timeout", type=float, default=1800,
                    help="cancel a fit's Spark jobs after this many seconds (default: %(default)s)")
    args = ap.parse_args()

    spark = (SparkSession.builder.master(args.master).appName("debian-sections")
             .config("spark.driver.memory", args.driver_memory)
             .config("spark.jars", dptrain.jar_path())
             .config("spark.ui.enabled", "false").config("spark.ui.showConsoleProgress", "false").getOrCreate())
    spark.sparkContext.setLogLevel("ERROR")
    read = lambda part: (spark.read.option("sep", "\t").option("header", True)
                         .option("quote", "\u0000").csv(os.path.join(args.data, part + ".tsv"))
                         .withColumn("label", F.col("label").cast("double")))
    train, test = read("train"), read("test")
    classes = int(train.agg(F.max("label")).first()[0]) + 1
    tokens = RegexTokenizer(inputCol="text", outputCol="words", pattern="\\W+", toLowercase=True)
    print("| features | model | test accuracy | fit s | peak heap MB | note |")
    print("|---|---|---|---|---|---|")
    for nf in args.features:
        tf = HashingTF(inputCol="words", outputCol="features", numFeatures=nf)
        tr = tf.transform(tokens.transform(train)).select("label", "features").cache()
        te = tf.transform(tokens.transform(test)).select("label", "features").cache()
        n = tr.count()
        te.count()
        for name in args.models:
            if name == "lr":
                est = LogisticRegression(family="multinomial", maxIter=100, regParam=1e-4)
            elif name == "mlpc":
                est = MultilayerPerceptronClassifier(layers=[nf, args.hidden, classes],
                                                     maxIter=100, blockSize=128, seed=7)
            elif name == "dptrain":
                est = MlpClassifier(layers=[args.hidden, classes],
                                    activations=["relu", "softmax"], optimizer="adam",
                                    learningRate=0.001, schedule="cosine:0", batchSize=128,
                                    epochs=args.epochs, localSteps=32, seed=7)
            else:
                sys.exit("unknown model " + name)
            reset_peak(spark)
            start = time.time()
            timer = threading.Timer(args.fit_timeout, spark.sparkContext.cancelAllJobs)
            timer.start()
            try:
                try:
                    model = est.fit(tr)
                finally:
                    timer.cancel()
                secs = time.time() - start
                acc = MulticlassClassificationEvaluator(metricName="accuracy").evaluate(
                    model.transform(te))
                print("| %d | %s | %.2f%% | %.1f | %.0f | %d training rows |"
                      % (nf, name, 100 * acc, secs, peak_mb(spark), n), flush=True)
            except Exception as e:  # a benchmark row, not a silent fallback: say what failed
                secs = time.time() - start
                first = str(e).strip().split("\n")[0][:160]
                if secs >= args.fit_timeout:
                    first = "cancelled after the %.0f s --fit-timeout; " % args.fit_timeout + first
                print("| %d | %s | failed | %.1f | %.0f | %s: %s |"
                      % (nf, name, secs, peak_mb(spark), type(e).__name__, first), flush=True)
                traceback.print_exc(file=sys.stderr)
        tr.unpersist()
        te.unpersist()
    spark.stop()


if __name__ == "__main__":
    main()
