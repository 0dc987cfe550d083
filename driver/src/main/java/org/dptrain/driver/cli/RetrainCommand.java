package org.dptrain.driver.cli;

import java.util.concurrent.Callable;
import org.dptrain.driver.registry.Promotion;
import org.dptrain.driver.registry.RegistryLockedException;
import org.dptrain.driver.registry.Retrainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dptrain retrain}: one scheduled retraining of a registry entry ({@link Retrainer}). Takes
 * every option and job file of {@code train}; {@code --name} names the entry. Exit codes: 0 done
 * (promoted or kept), 2 bad input, {@value RegistryLockedException#EXIT_CODE} locked by another
 * run, 1 any other failure.
 */
@Command(name = "retrain", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Retrain a registry entry: warm-start from its champion (or train from scratch"
        + " when it has none), evaluate challenger and champion on the same holdout, register the"
        + " challenger as the next version and promote it if the metric improves by at least"
        + " --min-improvement. Prints a one-line verdict last.",
        "Exit codes: 0 promoted or kept, 2 bad input, 3 locked by another run, 1 other failure.",
        "Takes every train option; --name is the registry entry."})
final class RetrainCommand implements Callable<Integer> {
  @Option(names = "--registry", paramLabel = "ROOT",
      description = "Registry root: a directory or URI (hdfs://, s3a://, file://)")
  String registry;

  @Option(names = "--holdout", paramLabel = "PATH",
      description = "Labelled data both models are judged on, read like --data")
  String holdout;

  @Option(names = "--metric", paramLabel = "METRIC",
      description = "Metric compared: accuracy, macro_f1, log_loss, rmse, mae or r2 (default:"
          + " accuracy for classification, rmse for regression)")
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

  @Mixin
  TrainCommand train;

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
    if (!nameGiven()) {
      throw new IllegalArgumentException("--name is required: the registry entry to retrain");
    }
    if (train.output != null) {
      throw new IllegalArgumentException("--output does not apply to retrain: the model is"
          + " registered as the next version of " + registry + "/" + train.name);
    }
    if (train.initModel != null) {
      throw new IllegalArgumentException("--init-model does not apply to retrain: it warm-starts"
          + " from the registry's champion (or use --from-scratch)");
    }
    Retrainer.Settings settings = new Retrainer.Settings(registry, train.name,
        train.dataArgs.options(holdout), metric, minImprovement, keep, breakLock, fromScratch);
    try (Sessions session = Sessions.start("dptrain retrain " + train.name, train.master)) {
      Retrainer.run(session.spark(), settings, train::settings, System.out);
      return 0;
    } catch (RegistryLockedException e) {
      System.err.println("dptrain: locked: " + e.getMessage());
      System.err.flush();
      return RegistryLockedException.EXIT_CODE;
    }
  }

  /** Whether --name was given on the command line or by the job file (not train's default). */
  private boolean nameGiven() {
    if (spec.commandLine().getParseResult().hasMatchedOption("--name")) {
      return true;
    }
    OptionSpec name = spec.findOption("--name");
    try {
      return spec.defaultValueProvider() != null
          && spec.defaultValueProvider().defaultValue(name) != null;
    } catch (Exception e) {
      throw new IllegalStateException("cannot read the job file's name: " + e.getMessage(), e);
    }
  }
}
