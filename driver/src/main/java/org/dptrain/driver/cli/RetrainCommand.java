package org.dptrain.driver.cli;

import java.util.concurrent.Callable;
import org.dptrain.driver.config.JobConfig;
import org.dptrain.driver.config.SettingTable;
import org.dptrain.driver.config.SettingValues;
import org.dptrain.driver.eval.Metric;
import org.dptrain.driver.registry.Promotion;
import org.dptrain.driver.registry.RegistryLockedException;
import org.dptrain.driver.registry.Retrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dptrain retrain}: one scheduled retraining of a registry entry ({@link Retrainer}). Takes
 * the job options and job files of {@code train} but those it has no use for (--output,
 * --init-model, --no-report: the model is registered, warm-started from the champion, and no
 * report is written); {@code --name} names the entry. Exit codes: 0 done
 * (promoted or kept), 2 bad input, {@value RegistryLockedException#EXIT_CODE} locked by another
 * run, 1 any other failure.
 */
@Command(name = "retrain", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Retrain a registry entry: warm-start from its champion (or train from scratch"
        + " when it has none), evaluate challenger and champion on the same holdout, register the"
        + " challenger as the next version and promote it if the metric improves by at least"
        + " --min-improvement. Prints a one-line verdict last.",
        "Exit codes: 0 promoted or kept, 2 bad input, 3 locked by another run, 1 other failure.",
        "Takes train's options but --output, --init-model and --no-report; --name is the registry"
            + " entry."})
final class RetrainCommand implements Callable<Integer> {
  @Option(names = "--registry", paramLabel = "ROOT",
      description = "Registry root: a directory or URI (hdfs://, s3a://, file://)")
  String registry;

  @Option(names = "--holdout", paramLabel = "PATH",
      description = "Labelled data both models are judged on, read like --data")
  String holdout;

  @Option(names = "--metric", paramLabel = "METRIC", completionCandidates = MetricNames.class,
      description = "Metric compared: ${COMPLETION-CANDIDATES} (default: accuracy for"
          + " classification, rmse for regression)")
  String metric;

  @Option(names = "--min-improvement", paramLabel = "DELTA",
      defaultValue = "" + Promotion.DEFAULT_MIN_IMPROVEMENT,
      description = "Least improvement of the metric, in its own unit, that promotes the"
          + " challenger (default: ${DEFAULT-VALUE})")
  double minImprovement;

  @Option(names = "--keep", paramLabel = "N", defaultValue = "" + Retrainer.DEFAULT_KEEP,
      description = "Keep the newest N versions, and the champion always (default:"
          + " ${DEFAULT-VALUE})")
  int keep;

  @Option(names = "--break-lock",
      description = "Remove the entry's lock whoever holds it (only when no run is active)")
  boolean breakLock;

  @Option(names = "--from-scratch",
      description = "Do not warm-start from the champion (e.g. new hidden layers); the champion is"
          + " still the one to beat")
  boolean fromScratch;

  @Option(names = "--config", paramLabel = "FILE",
      description = "Job file (YAML) with the same keys as these options; flags override it")
  String config;

  @Mixin
  SparkArgs spark;

  /** The metric names for --help, from {@link Metric}. */
  static final class MetricNames implements Iterable<String> {
    @Override
    public java.util.Iterator<String> iterator() {
      return java.util.Arrays.stream(Metric.values()).map(Metric::id).iterator();
    }
  }

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws Exception {
    if (registry == null) {
      throw new IllegalArgumentException("--registry is required: the root directory or URI of"
          + " the model registry");
    }
    if (holdout == null) {
      throw new IllegalArgumentException("--holdout is required: the labelled data the challenger"
          + " and the champion are compared on");
    }
    SettingValues values = TrainCommand.settings(spec);
    if (!nameGiven()) {
      throw new IllegalArgumentException("--name is required: the registry entry to retrain");
    }
    String name = values.get(SettingTable.NAME);
    // the holdout is read like --data: with the same format options
    JobConfig plain = JobConfig.of(values.with(SettingTable.DATA, holdout));
    Retrainer.Settings settings = new Retrainer.Settings(registry, name,
        plain.data().train(), metric, minImprovement, keep, breakLock, fromScratch);
    try (Sessions session = spark.start("dptrain retrain " + name)) {
      Retrainer.run(session.spark(), settings, (output, initModel) -> JobConfig.of(values
          .with(SettingTable.OUTPUT, output).with(SettingTable.INIT_MODEL, initModel)),
          System.out);
      return 0;
    }
  }

  /** Whether --name was given on the command line or by the job file (not its default). */
  private boolean nameGiven() {
    if (spec.commandLine().getParseResult().hasMatchedOption(SettingTable.NAME.option())) {
      return true;
    }
    return spec.defaultValueProvider() instanceof JobFile f
        && f.value(SettingTable.NAME.key()) != null;
  }
}
