package org.dptrain.driver.cli;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.dptrain.driver.progress.ProgressDisplay;
import org.dptrain.driver.report.RunReport;
import org.dptrain.driver.spark.SparkSettings;
import org.dptrain.driver.train.JobSettings;
import org.dptrain.driver.train.TaskHook;
import org.dptrain.driver.train.TrainConfig;
import org.dptrain.driver.train.TrainingJob;
import org.dptrain.optim.OptimizerSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dptrain train}: trains a network and writes a run directory. */
@Command(name = "train", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Train a network by data-parallel SGD on Spark and write a run directory"
        + " (model.json, weights.bin, metrics.jsonl).",
        "Without --config and --data, trains the embedded Fashion-MNIST sample in local mode."})
final class TrainCommand implements Callable<Integer> {
  /** The job run when train gets no arguments. */
  static final String EMBEDDED_JOB = "org/dptrain/driver/sample/default-job.yaml";

  @Option(names = "--config", paramLabel = "FILE",
      description = "Job file (YAML) with the same keys as these options; flags override it")
  String config;

  @Option(names = "--data", paramLabel = "PATH", description = "Training data (file, directory"
      + " or glob; idx: the images file)")
  String data;

  @Mixin
  DataArgs dataArgs;

  @Option(names = "--validation", paramLabel = "PATH",
      description = "Validation data, read like --data; evaluated after every epoch")
  String validation;

  @Option(names = "--layers", paramLabel = "N,N,...", split = ",",
      description = "Layer sizes, input first, e.g. 784,256,128,10")
  int[] layers;

  @Option(names = "--activations", paramLabel = "F,F,...", split = ",",
      description = "One per non-input layer: sigmoid, tanh, relu, leaky_relu, softplus, linear,"
          + " softmax (output only)")
  List<String> activations;

  @Option(names = "--loss", paramLabel = "LOSS",
      description = "cross_entropy (softmax), binary_cross_entropy (sigmoid), mse or sse")
  String loss;

  @Option(names = "--init", paramLabel = "INIT",
      description = "gaussian, xavier or he (default: he for the relu family, else xavier)")
  String init;

  @Option(names = "--optimizer", paramLabel = "NAME", defaultValue = "sgd",
      description = "sgd, momentum, nesterov or adam (default: ${DEFAULT-VALUE})")
  String optimizer;

  @Option(names = "--lr", paramLabel = "RATE",
      defaultValue = "" + OptimizerSpec.DEFAULT_LEARNING_RATE,
      description = "Learning rate (default: ${DEFAULT-VALUE})")
  double lr;

  @Option(names = "--momentum", defaultValue = "" + OptimizerSpec.DEFAULT_MOMENTUM,
      description = "Momentum of momentum and nesterov (default: ${DEFAULT-VALUE})")
  double momentum;

  @Option(names = "--beta1", defaultValue = "" + OptimizerSpec.DEFAULT_BETA1,
      description = "Adam beta1 (default: ${DEFAULT-VALUE})")
  double beta1;

  @Option(names = "--beta2", defaultValue = "" + OptimizerSpec.DEFAULT_BETA2,
      description = "Adam beta2 (default: ${DEFAULT-VALUE})")
  double beta2;

  @Option(names = "--epsilon", defaultValue = "" + OptimizerSpec.DEFAULT_EPSILON,
      description = "Adam epsilon (default: ${DEFAULT-VALUE})")
  double epsilon;

  @Option(names = "--weight-decay", defaultValue = "" + OptimizerSpec.DEFAULT_WEIGHT_DECAY,
      description = "L2 weight decay (default: ${DEFAULT-VALUE})")
  double weightDecay;

  @Option(names = "--clip-norm", defaultValue = "" + OptimizerSpec.DEFAULT_CLIP_NORM,
      description = "Clip the gradient's L2 norm to this; 0 = off (default: ${DEFAULT-VALUE})")
  double clipNorm;

  @Option(names = "--schedule", paramLabel = "SCHEDULE", defaultValue = "constant",
      description = "constant, step:STEPS:GAMMA, exponential:GAMMA:STEPS, or"
          + " cosine:WARMUP[:TOTAL[:MIN_FACTOR]] (TOTAL defaults to the run's last step)")
  String schedule;

  @Option(names = "--batch-size", defaultValue = "" + TrainConfig.DEFAULT_BATCH_SIZE,
      description = "Global mini-batch, split across partitions (default: ${DEFAULT-VALUE})")
  int batchSize;

  @Option(names = "--epochs", defaultValue = "" + TrainConfig.DEFAULT_EPOCHS,
      description = "Passes over the data (default: ${DEFAULT-VALUE})")
  int epochs;

  @Option(names = "--seed", defaultValue = "" + TrainConfig.DEFAULT_SEED,
      description = "Seed of initial weights and shuffles (default: ${DEFAULT-VALUE})")
  long seed;

  @Option(names = "--partitions", paramLabel = "P",
      description = "Partitions of the training data (default: Spark's default parallelism)")
  Integer partitions;

  @Option(names = "--local-steps", paramLabel = "K", defaultValue = "1",
      description = "Steps each partition takes between synchronisations: 1 = synchronous SGD,"
          + " K, or 'epoch' (default: ${DEFAULT-VALUE})")
  String localSteps;

  @Option(names = "--aggregation-depth", defaultValue = "" + TrainConfig.DEFAULT_AGGREGATION_DEPTH,
      description = "1 = merge partials on the driver; d >= 2 = tree of depth d"
          + " (default: ${DEFAULT-VALUE})")
  int aggregationDepth;

  @Option(names = "--master", paramLabel = "URL",
      description = "Spark master (default: spark-submit's, else " + SparkSettings.DEFAULT_MASTER
          + ")")
  String master;

  @Option(names = "--init-model", paramLabel = "DIR",
      description = "Warm-start from this model directory (same layers)")
  String initModel;

  @Option(names = "--scale", paramLabel = "METHOD", defaultValue = "none",
      description = "Feature scaling stored in the model: none, standardize or minmax"
          + " (default: ${DEFAULT-VALUE})")
  String scale;

  @Option(names = "--early-stopping", paramLabel = "METRIC",
      description = "Stop when this validation metric stops improving: accuracy, macro_f1,"
          + " log_loss, rmse, mae or r2; the best epoch's weights are kept")
  String earlyStopping;

  @Option(names = "--patience", defaultValue = "3",
      description = "Epochs without improvement before early stopping (default: ${DEFAULT-VALUE})")
  int patience;

  @Option(names = "--name", defaultValue = "dptrain",
      description = "Job name, used in the default output directory (default: ${DEFAULT-VALUE})")
  String name;

  @Option(names = "--output", paramLabel = "DIR",
      description = "Run directory to create (default: runs/NAME-yyyyMMdd-HHmmss)")
  String output;

  @Option(names = "--metrics-file", paramLabel = "FILE",
      description = "Also append each epoch's metrics here as training goes (JSON lines)")
  String metricsFile;

  @Option(names = "--no-report", description = "Do not write report.html and its charts into"
      + " the run directory")
  boolean noReport;

  @Mixin
  CheckpointArgs checkpointArgs;

  @Override
  public Integer call() throws Exception {
    String out = output != null ? output : "runs/" + name + "-"
        + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT));
    JobSettings settings = settings(out, initModel);
    try (Sessions session = Sessions.start("dptrain train " + name, master)) {
      SparkSession spark = session.spark();
      long t0 = System.nanoTime();
      TrainingJob.Result r;
      try (ProgressDisplay progress = ProgressDisplay.forStdout(epochs, batchSize)) {
        r = TrainingJob.run(spark, settings, progress.out(), TaskHook.NONE, progress);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      String summary = r.validation() == null ? String.format(Locale.ROOT, "final training loss %.4f",
          r.epochs().get(r.epochs().size() - 1).trainLoss())
          : "validation " + r.validation().summary() + " (epoch " + r.bestEpoch() + ")";
      System.out.printf(Locale.ROOT, "%s%ntrained in %.1f s; model written to %s%n", summary,
          seconds, r.output());
      if (!noReport) {
        System.out.println("report written to " + RunReport.writeAfterTraining(r.output()));
      }
      return 0;
    }
  }

  /**
   * The job these options describe (after the job file and the defaults), writing {@code output}
   * and warm-starting from {@code initModel}: {@code retrain} reuses every train option this way.
   *
   * @param output the run directory to create
   * @param initModel the model directory (any Hadoop filesystem) to warm-start from, or null
   * @throws IllegalArgumentException if --data, --layers, --activations or --loss is missing, or
   *     an option value is malformed
   */
  JobSettings settings(String output, String initModel) {
    if (data == null) {
      throw new IllegalArgumentException("--data is required (without --config and --data, train"
          + " uses the embedded Fashion-MNIST sample)");
    }
    require(layers != null, "--layers is required, e.g. --layers 784,256,128,10");
    require(activations != null, "--activations is required, e.g. --activations relu,relu,softmax");
    require(loss != null, "--loss is required: cross_entropy, binary_cross_entropy, mse or sse");
    return new JobSettings(dataArgs.options(data),
        validation == null ? null : dataArgs.options(validation), layers, activations, loss, init,
        optimizer, lr, momentum, beta1, beta2, epsilon, weightDecay, clipNorm, schedule, batchSize,
        epochs, seed, partitions, parseLocalSteps(localSteps), aggregationDepth, initModel, scale,
        earlyStopping, patience, output, metricsFile).withCheckpoint(checkpointArgs.settings());
  }

  static int parseLocalSteps(String text) {
    if (text.trim().equalsIgnoreCase("epoch")) {
      return 0;
    }
    try {
      int k = Integer.parseInt(text.trim());
      if (k < 1) {
        throw new NumberFormatException();
      }
      return k;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--local-steps '" + text
          + "' must be a whole number >= 1 or 'epoch'");
    }
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
