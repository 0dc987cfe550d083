package org.dptrain.driver.train;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.dptrain.data.Block;
import org.dptrain.driver.data.TaskType;
import org.dptrain.driver.eval.Evaluator;
import org.dptrain.driver.eval.Metrics;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;

/**
 * What happens after each epoch of a run: validation, the progress line, the metrics log and
 * early stopping; it keeps the run's history (epoch records and the early-stopping state) for the
 * result and for checkpoints.
 */
final class EpochHistory implements DistributedTrainer.EpochListener {
  private final JavaSparkContext sc;
  private final NetworkSpec spec;
  private final TaskType task;
  private final JavaRDD<Block> validation;
  private final int epochs;
  private final PrintStream out;
  private final MetricsLog log;
  private final EarlyStopping earlyStopping;
  private long stepsSoFar;

  /**
   * @param validation the validation blocks, or null
   * @param earlyStopping the early stopping, or null for none
   */
  EpochHistory(JavaSparkContext sc, NetworkSpec spec, TaskType task, JavaRDD<Block> validation,
      int epochs, PrintStream out, MetricsLog log, EarlyStopping earlyStopping) {
    this.sc = sc;
    this.spec = spec;
    this.task = task;
    this.validation = validation;
    this.epochs = epochs;
    this.out = out;
    this.log = log;
    this.earlyStopping = earlyStopping;
  }

  @Override
  public boolean afterEpoch(EpochReport r, double[] weights, Optimizer optimizer) {
    stepsSoFar += r.steps();
    Metrics m = null;
    if (validation != null) {
      sc.setJobDescription("dptrain epoch " + r.epoch() + " validation");
      m = Evaluator.evaluate(sc, validation, spec, weights, task);
    }
    out.println(String.format(Locale.ROOT,
        "epoch %d/%d  step %d  loss %.4f%s  %.0f samples/s  %.2f s (jobs %.2f s of which"
        + " compute %.2f s, broadcast %.2f s, update %.2f s)",
        r.epoch(), epochs, stepsSoFar, r.trainLoss(),
        m == null ? "" : "  val " + m.summary(), r.samplesPerSecond(), r.seconds(),
        r.jobSeconds(), r.computeSeconds(), r.broadcastSeconds(), r.updateSeconds()));
    out.flush();
    log.append(EpochRecord.of(r, stepsSoFar, m));
    if (earlyStopping == null || !earlyStopping.offer(r.epoch(), m, weights)) {
      return false;
    }
    String name = earlyStopping.metric().id();
    out.println(String.format(Locale.ROOT, "early stopping: validation %s has not improved"
        + " for %d epochs; keeping epoch %d (%s %.4f)", name, earlyStopping.sinceBest(),
        earlyStopping.bestEpoch(), name, earlyStopping.best().get(name)));
    return true;
  }

  /** Continues the history of a resumed run from its checkpoint's records. */
  void restore(long steps, List<EpochRecord> before) {
    stepsSoFar = steps;
    log.restore(before);
  }

  long stepsSoFar() {
    return stepsSoFar;
  }

  /** The records of the epochs run, oldest first. */
  List<EpochRecord> records() {
    return log.records();
  }

  /** The trainer's reports of the epochs run. */
  List<EpochReport> reports() {
    List<EpochReport> r = new ArrayList<>();
    for (EpochRecord e : log.records()) {
      r.add(e.report());
    }
    return r;
  }

  /** The validation metrics after each epoch (empty without validation data). */
  List<Metrics> validationPerEpoch() {
    List<Metrics> m = new ArrayList<>();
    for (EpochRecord e : log.records()) {
      if (e.validation() != null) {
        m.add(e.metrics());
      }
    }
    return m;
  }

  /** The early stopping, or null. */
  EarlyStopping earlyStopping() {
    return earlyStopping;
  }

  /** Whether early stopping has a best epoch whose weights are kept. */
  boolean hasBest() {
    return earlyStopping != null && earlyStopping.bestWeights() != null;
  }
}
