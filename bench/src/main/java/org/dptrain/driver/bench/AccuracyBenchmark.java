package org.dptrain.driver.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.SparkConf;
import org.apache.spark.sql.SparkSession;
import org.dptrain.activation.Activation;
import org.dptrain.driver.config.JobConfig;
import org.dptrain.driver.config.Setting;
import org.dptrain.driver.config.SettingTable;
import org.dptrain.driver.data.ScalingMethod;
import org.dptrain.driver.spark.SparkSettings;
import org.dptrain.driver.train.EpochReport;
import org.dptrain.driver.train.SyncMode;
import org.dptrain.driver.train.TrainingJob;
import org.dptrain.linalg.Blas;
import org.dptrain.loss.Loss;
import org.dptrain.optim.OptimizerSpec;

/**
 * Test accuracy against the number of partitions: Fashion-MNIST, 784-256-128-10 (relu, relu,
 * softmax), the settings of {@code conf/jobs/fashion-mnist.yaml} (batch 128, Adam lr 0.001,
 * cosine decay to 0 over the run, standardized features), one run per cell of the grid
 * partitions &times; local steps &times; epochs (separate runs: the cosine schedule spans the run)
 * &times; sync mode, all in one Spark session. Each run prints its epochs as it goes; at the end a
 * table: test accuracy after each epoch, the best, the training time and epoch to the target
 * accuracy, and a hash of the final weights (equal hashes = bit-identical weights, e.g. across
 * {@code --sync driver,allreduce}). The load average is printed after every run: timings on a
 * shared machine are not reproducible, accuracies and hashes are.
 *
 * <p>Arguments: {@code DATA_DIR [--master local[2]] [--partitions 2,4,8,16,32]
 * [--local-steps 1,8,32,epoch] [--epochs 3,6] [--sync allreduce] [--target 0.88] [--work DIR]
 * [--KEY VALUE ...]}: any other {@code --KEY VALUE} is a job-file setting applied to every run
 * (for example {@code --synchronous-epochs 1}).
 */
public final class AccuracyBenchmark {
  private AccuracyBenchmark() {}

  /** One finished run of the grid. */
  private record Row(int partitions, String localSteps, int epochs, SyncMode sync,
      List<Double> accuracy, List<Double> seconds, String reached, String hash) {}

  public static void main(String[] args) throws Exception {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: AccuracyBenchmark DATA_DIR [options]");
    }
    Path dir = Paths.get(args[0]);
    String master = "local[2]";
    String[] partitions = {"2", "4", "8", "16", "32"};
    String[] localSteps = {"1", "8", "32", "epoch"};
    String[] epochs = {"3", "6"};
    String[] modes = {"allreduce"};
    double target = 0.88;
    Path work = null;
    Map<Setting<?>, String> extra = new LinkedHashMap<>();
    for (int i = 1; i < args.length; i += 2) {
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + args[i] + " needs a value");
      }
      String v = args[i + 1];
      switch (args[i]) {
        case "--master" -> master = v;
        case "--partitions" -> partitions = v.split(",");
        case "--local-steps" -> localSteps = v.split(",");
        case "--epochs" -> epochs = v.split(",");
        case "--sync" -> modes = v.split(",");
        case "--target" -> target = Double.parseDouble(v);
        case "--work" -> work = Paths.get(v);
        default -> {
          if (!args[i].startsWith("--")) {
            throw new IllegalArgumentException("expected an option, got " + args[i]);
          }
          extra.put(SettingTable.byKey(args[i].substring(2)), v);
        }
      }
    }
    if (work == null) {
      work = Files.createTempDirectory("dptrain-accuracy");
    }
    String trainImages = dir.resolve("train-images-idx3-ubyte.gz").toString();
    String testImages = dir.resolve("t10k-images-idx3-ubyte.gz").toString();
    SparkConf conf = SparkSettings.apply(new SparkConf().setMaster(master)
        .setAppName("dptrain-accuracy").set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"));
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    PrintStream out = System.out;
    out.printf(Locale.ROOT, "# Fashion-MNIST %s: master %s, batch 128, adam lr 0.001, cosine:0,"
        + " standardize; extra settings %s; BLAS %s; OPENBLAS_NUM_THREADS=%s%n", dir, master,
        extra.isEmpty() ? "none" : extra.toString(), Blas.describe(),
        System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "(unset)"));
    List<Row> rows = new ArrayList<>();
    for (String e : epochs) {
      for (String p : partitions) {
        for (String k : localSteps) {
          for (String m : modes) {
            SyncMode mode = SyncMode.parse(m);
            out.printf(Locale.ROOT, "## P=%s K=%s epochs=%s --sync %s%n", p, k, e, mode);
            Path output = work.resolve("p" + p + "-k" + k + "-e" + e + "-" + mode + "-"
                + System.nanoTime());
            JobConfig.Builder b = JobConfig.builder().set(SettingTable.DATA, trainImages)
                .set(SettingTable.VALIDATION, testImages)
                .set(SettingTable.LAYERS, new int[] {784, 256, 128, 10})
                .set(SettingTable.ACTIVATIONS, List.of(Activation.RELU, Activation.RELU,
                    Activation.SOFTMAX))
                .set(SettingTable.LOSS, Loss.CROSS_ENTROPY)
                .set(SettingTable.OPTIMIZER, OptimizerSpec.Kind.ADAM)
                .set(SettingTable.LEARNING_RATE, 0.001).set(SettingTable.SCHEDULE, "cosine:0")
                .set(SettingTable.SCALE, ScalingMethod.STANDARDIZE)
                .set(SettingTable.BATCH_SIZE, 128).set(SettingTable.EPOCHS, Integer.parseInt(e))
                .set(SettingTable.PARTITIONS, Integer.parseInt(p))
                .parse(SettingTable.LOCAL_STEPS, k).set(SettingTable.SYNC, mode)
                .set(SettingTable.OUTPUT, output.toString());
            extra.forEach(b::parse);
            TrainingJob.Result r = TrainingJob.run(spark, b.build(), out);
            rows.add(row(r, Integer.parseInt(p), k, Integer.parseInt(e), mode, target));
            out.printf(Locale.ROOT, "## load %s%n", load());
          }
        }
      }
    }
    out.printf(Locale.ROOT, "## summary (time = training seconds summed over epochs, validation"
        + " excluded; target %.1f%%)%n", 100 * target);
    for (Row r : rows) {
      StringBuilder accs = new StringBuilder();
      double best = 0;
      double total = 0;
      for (int i = 0; i < r.accuracy().size(); i++) {
        accs.append(String.format(Locale.ROOT, " %.2f", 100 * r.accuracy().get(i)));
        best = Math.max(best, r.accuracy().get(i));
        total += r.seconds().get(i);
      }
      out.printf(Locale.ROOT, "| %2d | %-5s | %d | %-9s |%s | %.2f | %s | %.1f s | %s |%n",
          r.partitions(), r.localSteps(), r.epochs(), r.sync(), accs, 100 * best, r.reached(),
          total, r.hash());
    }
    spark.stop();
  }

  private static Row row(TrainingJob.Result r, int partitions, String k, int epochs,
      SyncMode mode, double target) throws IOException, NoSuchAlgorithmException {
    List<Double> acc = new ArrayList<>();
    List<Double> secs = new ArrayList<>();
    String reached = "-";
    double cumulative = 0;
    for (int e = 0; e < r.epochs().size(); e++) {
      EpochReport rep = r.epochs().get(e);
      cumulative += rep.seconds();
      double a = r.validationPerEpoch().get(e).accuracy();
      acc.add(a);
      secs.add(rep.seconds());
      if (a >= target && reached.equals("-")) {
        reached = String.format(Locale.ROOT, "%.1f s (epoch %d, step %d)", cumulative,
            rep.epoch(), rep.epoch() * rep.steps());
      }
    }
    byte[] weights = Files.readAllBytes(r.output().resolve("weights.bin"));
    String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(weights))
        .substring(0, 12);
    return new Row(partitions, k, epochs, mode, acc, secs, reached, hash);
  }

  private static String load() {
    try {
      return Files.readString(Paths.get("/proc/loadavg")).trim();
    } catch (IOException e) {
      return "unknown (" + e.getMessage() + ")";
    }
  }
}
