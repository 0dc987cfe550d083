"""Trains a 784-256-128-10 network on the Fashion-MNIST sample shipped inside dptrain's jar, from
Python, and prints the test accuracy. Runs headless; classic by default, or over Spark Connect:

    python python/examples/fashion_mnist.py                       # local[*] classic session
    python python/examples/fashion_mnist.py --remote sc://127.0.0.1:15002 --epochs 3
"""

import argparse
import time

from pyspark.ml.evaluation import MulticlassClassificationEvaluator
from pyspark.sql import SparkSession

import dptrain
from dptrain.ml import MlpClassifier
from dptrain.sample import fashion_mnist


def run(spark, epochs=10):
    """Fits on the 6,000 training images, prints and returns the accuracy on the 1,000 test
    images (about 0.86 after 10 epochs)."""
    train = fashion_mnist(spark, "train")
    test = fashion_mnist(spark, "test")
    mlp = MlpClassifier(layers=[256, 128, 10], activations=["relu", "relu", "softmax"],
                        optimizer="adam", learningRate=0.001, schedule="cosine:0",
                        scale="standardize", batchSize=64, epochs=epochs, localSteps=32, seed=7)
    start = time.time()
    model = mlp.fit(train)
    for h in model.trainingHistory:
        print(f"epoch {h['epoch']}: train loss {h['trainLoss']:.4f}")
    accuracy = MulticlassClassificationEvaluator(metricName="accuracy").evaluate(
        model.transform(test))
    print(f"test accuracy {accuracy:.4f} after {epochs} epochs ({time.time() - start:.1f} s)")
    return accuracy


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--epochs", type=int, default=10)
    parser.add_argument("--remote", help="a Spark Connect URL (its server needs dptrain's jar)")
    args = parser.parse_args()
    if args.remote:
        spark = SparkSession.builder.remote(args.remote).getOrCreate()
    else:
        spark = (SparkSession.builder.master("local[*]").appName("fashion-mnist")
                 .config("spark.jars", dptrain.jar_path()).getOrCreate())
    try:
        run(spark, args.epochs)
    finally:
        spark.stop()


if __name__ == "__main__":
    main()
