package org.dptrain.driver;

import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.dptrain.driver.spark.SparkSettings;

/**
 * One local[2] Spark session shared by every driver test in the JVM (Surefire forks one JVM per
 * module), with the production Kryo settings: registration required, dptrain's registrator. Tasks
 * get two attempts ({@code local[2,2]}), as on a cluster, so that retries can be tested.
 */
public final class SparkTestSession {
  private static SparkSession session;

  private SparkTestSession() {}

  public static synchronized SparkSession get() {
    if (session == null) {
      SparkConf conf = SparkSettings.apply(new SparkConf()
          .setMaster("local[2,2]")
          .setAppName("dptrain-tests")
          .set("spark.ui.enabled", "false")
          .set("spark.sql.shuffle.partitions", "4")
          .set("spark.driver.host", "127.0.0.1")
          .set("spark.driver.bindAddress", "127.0.0.1"));
      session = SparkSession.builder().config(conf).getOrCreate();
      session.sparkContext().setLogLevel("WARN");
    }
    return session;
  }

  public static JavaSparkContext context() {
    return JavaSparkContext.fromSparkContext(get().sparkContext());
  }
}
