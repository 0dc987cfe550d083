package org.dptrain.driver.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Locale;
import org.apache.spark.SparkConf;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.dptrain.data.Block;
import org.dptrain.driver.data.BlockStacker;
import org.dptrain.driver.data.DataLoader;
import org.dptrain.driver.data.DataOptions;
import org.dptrain.driver.data.LoadedData;
import org.dptrain.driver.data.TaskType;
import org.dptrain.driver.data.Targets;
import org.dptrain.driver.eval.Evaluator;
import org.dptrain.driver.spark.SparkSettings;
import org.dptrain.driver.train.DistributedTrainer;
import org.dptrain.driver.train.EpochReport;
import org.dptrain.driver.train.SyncMode;
import org.dptrain.driver.train.TrainConfig;
import org.dptrain.linalg.Blas;
import org.dptrain.loss.Loss;
import org.dptrain.network.Initializer;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.dptrain.optim.OptimizerSpec;

/**
 * {@code --sync driver} against {@code --sync allreduce} on Fashion-MNIST, 784-256-128-10 (relu,
 * relu, softmax), Adam, in one Spark session: for each partition count and mode, per epoch the
 * wall time, milliseconds per step, the part of it that is not arithmetic (wall time minus the
 * slowest partition's or task's compute, per step) and test accuracy (evaluated outside the
 * timings).
 *
 * <p>Arguments: {@code DATA_DIR [--master local[2]] [--partitions 2,16] [--sync driver,allreduce]
 * [--local-steps 1] [--epochs 2] [--batch-size 128] [--lr 0.001]}
 */
public final class SyncModeBenchmark {
  private SyncModeBenchmark() {}

  public static void main(String[] args) {
    if (args.length < 1) {
      throw new IllegalArgumentException("usage: SyncModeBenchmark DATA_DIR [options]");
    }
    Path dir = Paths.get(args[0]);
    String master = "local[2]";
    String[] partitions = {"2", "16"};
    String[] modes = {"driver", "allreduce"};
    int localSteps = 1;
    int epochs = 2;
    int batch = 128;
    double lr = 0.001;
    for (int i = 1; i < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--master" -> master = v;
        case "--partitions" -> partitions = v.split(",");
        case "--sync" -> modes = v.split(",");
        case "--local-steps" -> localSteps = Integer.parseInt(v);
        case "--epochs" -> epochs = Integer.parseInt(v);
        case "--batch-size" -> batch = Integer.parseInt(v);
        case "--lr" -> lr = Double.parseDouble(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    SparkConf conf = SparkSettings.apply(new SparkConf().setMaster(master)
        .setAppName("dptrain-sync-modes").set("spark.ui.enabled", "false")
        .set("spark.driver.host", "127.0.0.1").set("spark.driver.bindAddress", "127.0.0.1"));
    SparkSession spark = SparkSession.builder().config(conf).getOrCreate();
    spark.sparkContext().setLogLevel("WARN");
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    PrintStream out = System.out;
    NetworkSpec spec = NetworkSpec.of(new int[] {784, 256, 128, 10},
        List.of("relu", "relu", "softmax"), "cross_entropy");
    Targets targets = Targets.of(Loss.CROSS_ENTROPY, 10);
    LoadedData train = DataLoader.load(spark,
        DataOptions.of(dir.resolve("train-images-idx3-ubyte.gz").toString()), targets);
    LoadedData test = DataLoader.load(spark,
        DataOptions.of(dir.resolve("t10k-images-idx3-ubyte.gz").toString()), targets);
    out.printf(Locale.ROOT, "# Fashion-MNIST %s: master %s, batch %d, adam lr %s, local steps %d,"
        + " %d epochs; BLAS %s; OPENBLAS_NUM_THREADS=%s%n", dir, master, batch, lr, localSteps,
        epochs, Blas.describe(), System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "(unset)"));
    JavaRDD<Block> testBlocks = BlockStacker.stack(test, targets, 2, null);
    for (String p : partitions) {
      JavaRDD<Block> blocks = BlockStacker.stack(train, targets, Integer.parseInt(p), null);
      for (String m : modes) {
        SyncMode mode = SyncMode.parse(m);
        TrainConfig config = new TrainConfig(spec, OptimizerSpec.of(OptimizerSpec.Kind.ADAM, lr),
            batch, epochs, 7L, localSteps, 1, mode);
        out.printf(Locale.ROOT, "## --sync %s, %s partitions%n", mode, p);
        new DistributedTrainer(sc, config).train(blocks, Initializer.initialize(spec, 7L),
            new Optimizer(config.optimizer(), spec.numParams()), 0, (r, w, o) -> {
              double acc = Evaluator.evaluate(sc, testBlocks, spec, w, TaskType.MULTICLASS)
                  .accuracy();
              print(out, r, acc);
              return false;
            });
      }
      blocks.unpersist(false);
    }
    spark.stop();
  }

  private static void print(PrintStream out, EpochReport r, double accuracy) {
    double msPerStep = 1e3 * r.seconds() / r.steps();
    double overhead = 1e3 * (r.seconds() - r.computeSeconds()) / r.steps();
    out.printf(Locale.ROOT, "  epoch %d  %6.2f s  %5d steps  %6.2f ms/step  compute %6.2f s"
        + "  not compute %6.2f ms/step  test accuracy %.4f%n", r.epoch(), r.seconds(), r.steps(),
        msPerStep, r.computeSeconds(), overhead, accuracy);
  }
}
