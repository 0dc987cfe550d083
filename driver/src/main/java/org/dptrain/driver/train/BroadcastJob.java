package org.dptrain.driver.train;

import java.util.function.Function;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;

/**
 * Broadcast → one Spark job that reads it → destroy, timed: the one place the training loop
 * ships its weights to the executors. The broadcast is destroyed whether the job succeeds or not.
 */
final class BroadcastJob {
  private BroadcastJob() {}

  /**
   * What the job returned and where the driver's time went.
   *
   * @param broadcastNanos creating and destroying the broadcast
   * @param jobNanos the job, from submission until its results are on the driver
   */
  record Timed<T>(T result, long broadcastNanos, long jobNanos) {}

  /**
   * Broadcasts {@code value}, runs {@code job} with it, destroys the broadcast.
   *
   * @param value not modified, and not to be modified until this returns
   * @param job runs one Spark action on the broadcast and returns its result
   */
  static <T> Timed<T> run(JavaSparkContext sc, double[] value,
      Function<Broadcast<double[]>, T> job) {
    long t0 = System.nanoTime();
    Broadcast<double[]> b = sc.broadcast(value);
    long t1 = System.nanoTime();
    T result;
    long t2;
    try {
      result = job.apply(b);
      t2 = System.nanoTime();
    } finally {
      // also when the job fails, so that a retry by the caller starts clean
      b.destroy();
    }
    long t3 = System.nanoTime();
    return new Timed<>(result, (t1 - t0) + (t3 - t2), t2 - t1);
  }
}
