package org.dptrain.driver.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.dptrain.driver.spark.SparkSettings;

/** The Spark session of a command: created, or borrowed when one is already running in this JVM
 *  (an embedding application, or the tests), and then left running. */
final class Sessions implements AutoCloseable {
  private final SparkSession spark;
  private final boolean owned;

  private Sessions(SparkSession spark, boolean owned) {
    this.spark = spark;
    this.owned = owned;
  }

  SparkSession spark() {
    return spark;
  }

  /**
   * A session with dptrain's settings. The master is {@code master} when given, else what Spark
   * was configured with (spark-submit sets it), else {@value SparkSettings#DEFAULT_MASTER}.
   */
  static Sessions start(String appName, String master) {
    SparkSession running = SparkSession.getDefaultSession().isDefined()
        ? SparkSession.getDefaultSession().get() : null;
    if (running != null && !running.sparkContext().isStopped()) {
      return new Sessions(running, false);
    }
    SparkConf conf = new SparkConf();
    if (master != null) {
      conf.setMaster(master);
    } else if (!conf.contains("spark.master")) {
      conf.setMaster(SparkSettings.DEFAULT_MASTER);
    }
    conf.setIfMissing("spark.app.name", appName);
    if (conf.get("spark.master").startsWith("local")) {
      // one machine: no need to resolve this host's name or to serve a UI by default
      conf.setIfMissing("spark.driver.host", "127.0.0.1");
      conf.setIfMissing("spark.driver.bindAddress", "127.0.0.1");
      conf.setIfMissing("spark.ui.enabled", "false");
    }
    return new Sessions(SparkSession.builder().config(SparkSettings.apply(conf)).getOrCreate(),
        true);
  }

  @Override
  public void close() {
    if (owned) {
      spark.stop();
    }
  }
}
