package org.dptrain.driver.bench;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.ml.classification.MultilayerPerceptronClassificationModel;
import org.apache.spark.ml.classification.MultilayerPerceptronClassifier;
import org.apache.spark.ml.evaluation.MulticlassClassificationEvaluator;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dptrain.activation.Activation;
import org.dptrain.data.Precision;
import org.dptrain.driver.config.JobConfig;
import org.dptrain.driver.config.SettingTable;
import org.dptrain.driver.data.DataLoader;
import org.dptrain.driver.data.DataOptions;
import org.dptrain.driver.data.LoadedData;
import org.dptrain.driver.data.ScalingMethod;
import org.dptrain.driver.data.Targets;
import org.dptrain.driver.spark.SparkSettings;
import org.dptrain.driver.train.EpochReport;
import org.dptrain.driver.train.TrainingJob;
import org.dptrain.linalg.Blas;
import org.dptrain.loss.Loss;
import org.dptrain.optim.OptimizerSpec;

/**
 * Fashion-MNIST, 784-256-128-10 (relu, relu, softmax), in one Spark session: dptrain with each
 * requested --local-steps, then Spark MLlib's MultilayerPerceptronClassifier with the same layers.
 * Per epoch it prints seconds, samples/s, the split between executor compute and the rest, and
 * test accuracy; at the end, the time to the target test accuracy for each run.
 *
 * <p>Arguments: {@code DATA_DIR [--master local[2]] [--partitions 2] [--local-steps 1,8,epoch]
 * [--epochs 10] [--batch-size 128] [--optimizer adam] [--lr 0.001] [--target 0.88]
 * [--schedule constant] [--scale none] [--momentum 0.9] [--precision float64,float32]
 * [--mlpc-iterations 0] [--mlpc-chunk 10] [--work DIR]}; every --local-steps runs in every
 * --precision (default float64 only), in the same session.
 */
public final class FashionMnistBenchmark {
  private FashionMnistBenchmark() {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: FashionMnistBenchmark DATA_DIR [options]");
    }
    Path dir = Paths.get(args[0]);
    String master = "local[2]";
    int partitions = 2;
    String[] localSteps = {"1"};
    int epochs = 10;
    int batch = 128;
    String optimizer = "adam";
    double lr = 0.001;
    double target = 0.88;
    int mlpcIterations = 0;
    int mlpcChunk = 10;
    String schedule = "constant";
    String scale = "none";
    double momentum = 0.9;
    String[] precisions = {"float64"};
    Path work = Files.createTempDirectory("dptrain-bench");
    for (int i = 1; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--master" -> master = v;
        case "--partitions" -> partitions = Integer.parseInt(v);
        case "--local-steps" -> localSteps = v.split(",");
        case "--epochs" -> epochs = Integer.parseInt(v);
        case "--batch-size" -> batch = Integer.parseInt(v);
        case "--optimizer" -> optimizer = v;
        case "--lr" -> lr = Double.parseDouble(v);
        case "--target" -> target = Double.parseDouble(v);
        case "--mlpc-iterations" -> mlpcIterations = Integer.parseInt(v);
        case "--mlpc-chunk" -> mlpcChunk = Integer.parseInt(v);
        case "--work" -> work = Paths.get(v);
        case "--schedule" -> schedule = v;
        case "--scale" -> scale = v;
        case "--momentum" -> momentum = Double.parseDouble(v);
        case "--precision" -> precisions = v.split(",");
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    String trainImages = dir.resolve("train-images-idx3-ubyte.gz").toString();
    String testImages = dir.resolve("t10k-images-idx3-ubyte.gz").toString();
    SparkConf conf = SparkSettings.apply(new SparkConf().setMaster(master)
        .setAppName("dptrain-bench").set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"));
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    PrintStream out = System.out;
    out.printf(Locale.ROOT, "# Fashion-MNIST %s: master %s, %d partitions, batch %d, %s lr %s,"
        + " %d epochs, schedule %s, scale %s; BLAS %s; OPENBLAS_NUM_THREADS=%s%n", dir, master,
        partitions, batch, optimizer, lr, epochs, schedule, scale, Blas.describe(),
        System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "(unset)"));
    List<String> summary = new ArrayList<>();
    for (String k : localSteps) {
      for (String precision : precisions) {
        out.println("## dptrain --local-steps " + k + " --precision " + precision);
        Path output = work.resolve("run-k" + k + "-" + System.nanoTime());
        JobConfig s = JobConfig.builder().set(SettingTable.DATA, trainImages)
            .set(SettingTable.VALIDATION, testImages)
            .set(SettingTable.LAYERS, new int[] {784, 256, 128, 10})
            .set(SettingTable.ACTIVATIONS, List.of(Activation.RELU, Activation.RELU,
                Activation.SOFTMAX))
            .set(SettingTable.LOSS, Loss.CROSS_ENTROPY)
            .set(SettingTable.OPTIMIZER, OptimizerSpec.Kind.parse(optimizer))
            .set(SettingTable.LEARNING_RATE, lr).set(SettingTable.MOMENTUM, momentum)
            .set(SettingTable.SCHEDULE, schedule).set(SettingTable.BATCH_SIZE, batch)
            .set(SettingTable.EPOCHS, epochs).set(SettingTable.PARTITIONS, partitions)
            .set(SettingTable.LOCAL_STEPS, k.equals("epoch") ? 0 : Integer.parseInt(k))
            .set(SettingTable.SCALE, ScalingMethod.parse(scale))
            .set(SettingTable.PRECISION, Precision.parse(precision))
            .set(SettingTable.OUTPUT, output.toString()).build();
        TrainingJob.Result r = TrainingJob.run(spark, s, out);
        double cumulative = 0;
        String reached = "not reached";
        double best = 0;
        for (int e = 0; e < r.epochs().size(); e++) {
          EpochReport rep = r.epochs().get(e);
          cumulative += rep.seconds();
          double acc = r.validationPerEpoch().get(e).accuracy();
          best = Math.max(best, acc);
          out.printf(Locale.ROOT, "  epoch %2d  %6.2f s  %8.0f samples/s  compute %6.2f s  other"
              + " %6.2f s  test accuracy %.4f  (cumulative %.1f s)%n", rep.epoch(), rep.seconds(),
              rep.samplesPerSecond(), rep.computeSeconds(),
              rep.seconds() - rep.computeSeconds(), acc,
              cumulative);
          if (acc >= target && reached.equals("not reached")) {
            reached = String.format(Locale.ROOT, "%.1f s (epoch %d)", cumulative, rep.epoch());
          }
        }
        double trained = 0;
        long examples = 0;
        for (EpochReport rep : r.epochs()) {
          trained += rep.seconds();
          examples += rep.examples();
        }
        summary.add(String.format(Locale.ROOT, "dptrain local-steps %-6s %-8s time to %.1f%%: %-22s"
            + " best %.2f%%  final %.2f%%  %.0f samples/s over the run", k, precision, 100 * target,
            reached, 100 * best, 100 * r.validationPerEpoch().get(r.epochs().size() - 1).accuracy(),
            examples / trained));
      }
    }
    if (mlpcIterations > 0) {
      summary.add(mlpc(spark, trainImages, testImages, partitions, mlpcIterations, mlpcChunk,
          target, out));
    }
    out.println("## summary");
    summary.forEach(out::println);
    spark.stop();
  }

  /** MLlib's MultilayerPerceptronClassifier (sigmoid hidden layers, L-BFGS), in chunks of
   *  iterations continued from the previous weights, test accuracy after each chunk. */
  static String mlpc(SparkSession spark, String trainImages, String testImages, int partitions,
      int iterations, int chunk, double target, PrintStream out) {
    out.println("## Spark MLlib MultilayerPerceptronClassifier, layers [784, 256, 128, 10]");
    Targets targets = Targets.of(Loss.CROSS_ENTROPY, 10);
    Dataset<Row> train = frame(DataLoader.load(spark, DataOptions.of(trainImages), targets))
        .repartition(partitions).cache();
    Dataset<Row> test = frame(DataLoader.load(spark, DataOptions.of(testImages), targets)).cache();
    train.count();
    test.count();
    MulticlassClassificationEvaluator accuracy = new MulticlassClassificationEvaluator()
        .setMetricName("accuracy");
    Vector weights = null;
    double seconds = 0;
    String reached = "not reached";
    double best = 0;
    for (int done = 0; done < iterations; done += chunk) {
      MultilayerPerceptronClassifier mlpc = new MultilayerPerceptronClassifier()
          .setLayers(new int[] {784, 256, 128, 10}).setMaxIter(chunk).setSeed(7L).setTol(0.0);
      if (weights != null) {
        mlpc.setInitialWeights(weights);
      }
      long t0 = System.nanoTime();
      MultilayerPerceptronClassificationModel model = mlpc.fit(train);
      seconds += (System.nanoTime() - t0) / 1e9;
      weights = model.weights();
      double acc = accuracy.evaluate(model.transform(test));
      best = Math.max(best, acc);
      out.printf(Locale.ROOT, "  iterations %4d  cumulative %7.1f s  test accuracy %.4f%n",
          done + chunk, seconds, acc);
      if (acc >= target && reached.equals("not reached")) {
        reached = String.format(Locale.ROOT, "%.1f s (%d iterations)", seconds, done + chunk);
      }
    }
    return String.format(Locale.ROOT, "MLlib MLPC              time to %.1f%%: %-22s best %.2f%%",
        100 * target, reached, 100 * best);
  }

  private static Dataset<Row> frame(LoadedData d) {
    return d.frame().select("features", "label");
  }
}
