package org.dptrain.driver.spark;

import org.apache.spark.SparkConf;

/** The Spark settings dptrain relies on, applied wherever it builds a session. */
public final class SparkSettings {
  /** The master when none is configured (by --master or spark-submit). */
  public static final String DEFAULT_MASTER = "local[*]";

  private SparkSettings() {}

  /**
   * Kryo with registration required and dptrain's registrator (overwriting other values, since
   * dptrain's wire format depends on them), and per-step settings measured to cut the cost of a
   * synchronisation (kept when already set, e.g. by spark-submit from conf/spark-defaults.conf;
   * BENCHMARKS.md, "Cost of one synchronisation", has the step times with and without them).
   */
  public static SparkConf apply(SparkConf conf) {
    conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.set("spark.kryo.registrationRequired", "true");
    String registrators = conf.get("spark.kryo.registrator", "");
    String ours = DptrainKryoRegistrator.class.getName();
    if (!registrators.contains(ours)) {
      conf.set("spark.kryo.registrator", registrators.isEmpty() ? ours : registrators + "," + ours);
    }
    // Results of one step are a gradient per partition (1.9 MB for the 784-256-128-10 net):
    // returned with the task's status instead of through the block manager (a second round trip
    // per task), and copied as arrays by Kryo's unsafe streams.
    conf.setIfMissing("spark.driver.maxResultSize", "2g");
    conf.setIfMissing("spark.task.maxDirectResultSize", "64m");
    conf.setIfMissing("spark.kryo.unsafe", "true");
    // The weights broadcast every step are doubles that do not compress; LZ4 on 1.9 MB per step
    // costs time and saves nothing.
    conf.setIfMissing("spark.broadcast.compress", "false");
    return conf;
  }

  /**
   * Checks that a session dptrain did not build (a user's application, spark-shell, a notebook)
   * can carry what training sends: Java serialization (Spark's default) can; Kryo can only with
   * {@link DptrainKryoRegistrator} among its registrators, since dptrain's records are registered
   * there.
   *
   * @param who what needs it, for the message (e.g. "MlpClassifier.fit")
   * @throws IllegalArgumentException naming the settings to add
   */
  public static void checkSerializer(SparkConf conf, String who) {
    String serializer = conf.get("spark.serializer", "org.apache.spark.serializer.JavaSerializer");
    String ours = DptrainKryoRegistrator.class.getName();
    if (serializer.contains("Kryo") && !conf.get("spark.kryo.registrator", "").contains(ours)) {
      throw new IllegalArgumentException(who + " needs dptrain's Kryo registrations in a session"
          + " with spark.serializer=" + serializer + ": add spark.kryo.registrator=" + ours
          + " to the session's configuration (or use Spark's default Java serializer)");
    }
  }
}
