package org.dptrain.driver.bench;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.function.Supplier;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.dptrain.driver.spark.SparkSettings;
import org.dptrain.driver.train.PartitionResult;

/**
 * The cost of one synchronisation without arithmetic: broadcast a vector of the 784-256-128-10
 * network's size, run one task per partition that returns a vector of that size, merge, destroy.
 * Median milliseconds per synchronisation of several ways Spark offers:
 * <ul>
 *   <li>collect: mapPartitions returning a result per partition, collected and summed in
 *       partition order on the driver (what dptrain does at --aggregation-depth 1);</li>
 *   <li>treeAggregate(depth 2) and aggregate: Spark's, zero vector shipped in the closure;</li>
 *   <li>barrier: the collect path in Spark's barrier execution mode.</li>
 * </ul>
 * Usage: {@code SyncCostBenchmark [--master local[2]] [--partitions 2] [--syncs 200]}
 */
public final class SyncCostBenchmark {
  private SyncCostBenchmark() {}

  public static void main(String[] args) {
    String master = "local[2]";
    int partitions = 2;
    int syncs = 200;
    for (int i = 0; i < args.length; i += 2) {
      switch (args[i]) {
        case "--master" -> master = args[i + 1];
        case "--partitions" -> partitions = Integer.parseInt(args[i + 1]);
        case "--syncs" -> syncs = Integer.parseInt(args[i + 1]);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    int n = 784 * 256 + 256 + 256 * 128 + 128 + 128 * 10 + 10;
    SparkSession spark = SparkSession.builder().config(SparkSettings.apply(new SparkConf()
        .setMaster(master).setAppName("dptrain-sync-bench").set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1")))
        .getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<Integer> ids = new ArrayList<>();
    for (int p = 0; p < partitions; p++) {
      ids.add(p);
    }
    JavaRDD<Integer> rdd = sc.parallelize(ids, partitions).cache();
    rdd.count();
    double[] w = new double[n];
    System.out.printf(Locale.ROOT, "# %s, %d partitions, vector of %d doubles, %d syncs each;"
        + " median (p10-p90) ms per sync%n", master, partitions, n, syncs);

    report("broadcast + destroy only", syncs, () -> {
      Broadcast<double[]> b = sc.broadcast(w);
      b.destroy();
      return 0.0;
    });
    report("empty job (count)", syncs, () -> (double) rdd.count());
    report("collect, merge in partition order", syncs, () -> {
      Broadcast<double[]> b = sc.broadcast(w);
      List<PartitionResult> parts = rdd.mapPartitionsWithIndex((p, it) -> {
        double[] g = new double[b.value().length];
        g[0] = p;
        return Collections.singletonList(new PartitionResult(p, 1, 0, g, null, 0)).iterator();
      }, true).collect();
      double[] sum = new double[n];
      for (PartitionResult r : parts) {
        double[] v = r.vector();
        for (int i = 0; i < n; i++) {
          sum[i] += v[i];
        }
      }
      b.destroy();
      return sum[0];
    });
    report("treeAggregate depth 2", syncs, () -> {
      Broadcast<double[]> b = sc.broadcast(w);
      double[] sum = rdd.treeAggregate(new double[n],
          (acc, x) -> touch(acc, x, b.value()), SyncCostBenchmark::add, 2);
      b.destroy();
      return sum[0];
    });
    report("aggregate", syncs, () -> {
      Broadcast<double[]> b = sc.broadcast(w);
      double[] sum = rdd.aggregate(new double[n],
          (acc, x) -> touch(acc, x, b.value()), SyncCostBenchmark::add);
      b.destroy();
      return sum[0];
    });
    report("barrier mode, collect", syncs, () -> {
      Broadcast<double[]> b = sc.broadcast(w);
      scala.Function1<scala.collection.Iterator<Integer>, scala.collection.Iterator<PartitionResult>>
          f = (scala.Function1<scala.collection.Iterator<Integer>,
              scala.collection.Iterator<PartitionResult>> & java.io.Serializable) it ->
              scala.jdk.javaapi.CollectionConverters.asScala(Collections.singletonList(
                  new PartitionResult(0, 1, 0, new double[b.value().length], null, 0)).iterator());
      Object collected = rdd.rdd().barrier().mapPartitions(f, true,
          scala.reflect.ClassTag$.MODULE$.apply(PartitionResult.class)).collect();
      int parts = java.lang.reflect.Array.getLength(collected);
      b.destroy();
      return (double) parts;
    });
    spark.stop();
  }

  /** A seqOp that reads the broadcast, as a gradient computation would, and does no work. */
  private static double[] touch(double[] acc, int x, double[] weights) {
    acc[0] += x + weights.length * 0.0;
    return acc;
  }

  /** The combOp: a += c, element-wise. */
  private static double[] add(double[] a, double[] c) {
    for (int i = 0; i < a.length; i++) {
      a[i] += c[i];
    }
    return a;
  }

  private static void report(String name, int syncs, Supplier<Double> sync) {
    for (int i = 0; i < Math.min(30, syncs); i++) {
      sync.get();
    }
    double[] ms = new double[syncs];
    for (int i = 0; i < syncs; i++) {
      long t0 = System.nanoTime();
      sync.get();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    Arrays.sort(ms);
    System.out.printf(Locale.ROOT, "%-36s %7.1f  (%.1f-%.1f)%n", name, ms[syncs / 2],
        ms[syncs / 10], ms[syncs * 9 / 10]);
  }
}
