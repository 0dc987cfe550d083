package org.dptrain.driver.spark;

import org.apache.spark.SparkConf;

/** The Spark settings dptrain relies on, applied wherever it builds a session. */
public final class SparkSettings {
  /** The master when none is configured (by --master or spark-submit). */
  public static final String DEFAULT_MASTER = "local[*]";

  private SparkSettings() {}

  /**
   * Kryo with registration required and dptrain's registrator; values already set (for instance
   * by spark-submit from conf/spark-defaults.conf) are kept unless they contradict these, in which
   * case they are overwritten, since dptrain's wire format depends on them.
   */
  public static SparkConf apply(SparkConf conf) {
    conf.set("spark.serializer", "org.apache.spark.serializer.KryoSerializer");
    conf.set("spark.kryo.registrationRequired", "true");
    String registrators = conf.get("spark.kryo.registrator", "");
    String ours = DptrainKryoRegistrator.class.getName();
    if (!registrators.contains(ours)) {
      conf.set("spark.kryo.registrator", registrators.isEmpty() ? ours : registrators + "," + ours);
    }
    // Results of one step are a gradient per partition (1.9 MB for the 784-256-128-10 net).
    conf.setIfMissing("spark.driver.maxResultSize", "2g");
    return conf;
  }
}
