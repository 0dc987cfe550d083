package org.dptrain.driver.cli;

import static org.dptrain.driver.config.SettingTable.ACTIVATIONS;
import static org.dptrain.driver.config.SettingTable.DATA;
import static org.dptrain.driver.config.SettingTable.LAYERS;
import static org.dptrain.driver.config.SettingTable.LOSS;
import static org.dptrain.driver.config.SettingTable.NAME;
import static org.dptrain.driver.config.SettingTable.OUTPUT;

import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.sql.SparkSession;
import org.dptrain.driver.config.JobConfig;
import org.dptrain.driver.config.SettingValues;
import org.dptrain.driver.progress.ProgressDisplay;
import org.dptrain.driver.report.RunReport;
import org.dptrain.driver.train.RunDirectory;
import org.dptrain.driver.train.TaskHook;
import org.dptrain.driver.train.TrainingJob;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dptrain train}: trains a network and writes a run directory. Its job options are built
 * from {@link org.dptrain.driver.config.SettingTable} ({@link JobOptions}).
 */
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

  @Mixin
  SparkArgs spark;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    JobConfig job = config(spec);
    // every output is checked before Spark starts
    RunDirectory.checkOutput(job.output().dir());
    if (job.output().metricsFile() != null) {
      RunDirectory.checkMetricsFile(job.output().metricsFile());
    }
    try (Sessions session = spark.start("dptrain train " + job.output().name())) {
      SparkSession s = session.spark();
      long t0 = System.nanoTime();
      TrainingJob.Result r;
      try (ProgressDisplay progress = ProgressDisplay.forStdout(job.loop().epochs(),
          job.loop().batchSize())) {
        r = TrainingJob.run(s, job, progress.out(), TaskHook.NONE, progress);
      }
      double seconds = (System.nanoTime() - t0) / 1e9;
      String summary = r.validation() == null ? String.format(Locale.ROOT, "final training loss %.4f",
          r.epochs().get(r.epochs().size() - 1).trainLoss())
          : "validation " + r.validation().summary() + " (epoch " + r.bestEpoch() + ")";
      System.out.printf(Locale.ROOT, "%s%ntrained in %.1f s; model written to %s%n", summary,
          seconds, r.output());
      if (job.output().report()) {
        System.out.println("report written to " + RunReport.writeAfterTraining(r.output()));
      }
      return 0;
    }
  }

  /**
   * The job the options of {@code command} describe (after the job file and the defaults), with
   * the default run directory {@code runs/NAME-yyyyMMdd-HHmmss} when the command takes --output
   * and none is given.
   *
   * @throws IllegalArgumentException if --data, --layers, --activations or --loss is missing, or
   *     a value is malformed (naming the option, or the job file and key)
   */
  static JobConfig config(CommandSpec command) {
    SettingValues v = settings(command);
    if (JobOptions.has(command, OUTPUT) && v.get(OUTPUT) == null) {
      v = v.with(OUTPUT, "runs/" + v.get(NAME) + "-" + LocalDateTime.now().format(
          DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss", Locale.ROOT)));
    }
    return JobConfig.of(v);
  }

  /** The settings' values of {@code command}, with the command line's messages for the required
   *  ones. */
  static SettingValues settings(CommandSpec command) {
    JobFile file = command.defaultValueProvider() instanceof JobFile f ? f : null;
    SettingValues v = JobOptions.values(command, file);
    if (v.get(DATA) == null) {
      throw new IllegalArgumentException("--data is required (without --config and --data, train"
          + " uses the embedded Fashion-MNIST sample)");
    }
    require(v.get(LAYERS) != null, "--layers is required, e.g. --layers 784,256,128,10");
    require(v.get(ACTIVATIONS) != null,
        "--activations is required, e.g. --activations relu,relu,softmax");
    require(v.get(LOSS) != null, "--loss is required: " + LOSS.help());
    return v;
  }

  private static void require(boolean ok, String message) {
    if (!ok) {
      throw new IllegalArgumentException(message);
    }
  }
}
