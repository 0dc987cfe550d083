package org.dptrain.driver.cli;

import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.dptrain.driver.spark.SparkSettings;

/** Builds the Spark session of a command. */
final class Sessions {
  private Sessions() {}

  /**
   * A session with dptrain's settings. The master is {@code master} when given, else what Spark
   * was configured with (spark-submit sets it), else {@value SparkSettings#DEFAULT_MASTER}.
   */
  static SparkSession start(String appName, String master) {
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
    SparkSession spark = SparkSession.builder().config(SparkSettings.apply(conf)).getOrCreate();
    return spark;
  }
}
