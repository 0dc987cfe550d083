package org.dptrain.driver.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.dptrain.driver.checkpoint.CheckpointInterval;
import org.dptrain.driver.checkpoint.CheckpointSettings;
import org.dptrain.driver.checkpoint.CheckpointState;
import org.dptrain.driver.checkpoint.CheckpointStore;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.driver.eval.Metrics;
import org.dptrain.model.Model;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one training run: takes them when due (a {@link
 * DistributedTrainer.SyncListener}), decides where a run resumes, checks that a resumed run is the
 * same run, and restores the optimizer and the job's progress from a checkpoint.
 *
 * <p>{@code state.json} of a checkpoint holds: {@code position} (0-based epoch, synchronisations
 * and steps done in it, steps and synchronisations per epoch, global step), {@code epochTotals}
 * (the epoch's loss sum, examples and timings so far), {@code optimizer} (kind, step count, state
 * length), {@code random} (seed, epoch, step within the epoch, partitions and examples: every
 * random draw is a function of these), {@code progress} (epoch reports, validation metrics and
 * metrics.jsonl lines so far), {@code earlyStopping} (metric, best epoch, epochs since, best
 * metrics; the best weights are best-weights.bin) and {@code config} (the effective settings).
 */
final class RunCheckpoint implements DistributedTrainer.SyncListener {
  private static final Logger LOG = LoggerFactory.getLogger(RunCheckpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * The settings that fix the run's trajectory (or what it keeps, for early stopping): a resumed
   * run must have the checkpoint's values of all of them.
   */
  static final List<String> SAME_RUN_KEYS = List.of("data", "format", "num-features",
      "label-column", "feature-columns", "features-column", "validation", "layers", "activations",
      "loss", "optimizer", "lr", "momentum", "beta1", "beta2", "epsilon", "weight-decay",
      "clip-norm", "schedule", "batch-size", "epochs", "seed", "local-steps", "aggregation-depth",
      "scale", "early-stopping", "patience");

  private final CheckpointStore store;
  private final CheckpointInterval every;
  private final TrainingJob.Progress progress;
  private final NetworkSpec spec;
  private final FeatureScaling scaling;
  private final JobSettings settings;
  private final int partitions;
  private final long examples;
  private long nextStep;
  private String lastGood;

  /**
   * @param start where training starts (a fresh run: {@link Position#START})
   * @param resumedFrom the checkpoint the run resumed from, or null
   */
  RunCheckpoint(CheckpointStore store, CheckpointInterval every, TrainingJob.Progress progress,
      NetworkSpec spec, FeatureScaling scaling, JobSettings settings, int partitions,
      long examples, Position start, String resumedFrom) {
    this.store = store;
    this.every = every;
    this.progress = progress;
    this.spec = spec;
    this.scaling = scaling;
    this.settings = settings;
    this.partitions = partitions;
    this.examples = examples;
    this.nextStep = (start.globalStep() / every.count() + 1) * every.count();
    this.lastGood = resumedFrom;
  }

  /** The newest checkpoint of this run known to be complete, or null. */
  String lastGood() {
    return lastGood;
  }

  @Override
  public void afterSync(Position p, double[] weights, Optimizer optimizer) {
    boolean due = every.unit() == CheckpointInterval.Unit.EPOCHS
        ? p.sync() == 0 && p.epoch() % every.count() == 0
        : p.globalStep() >= nextStep;
    if (!due) {
      return;
    }
    long t0 = System.nanoTime();
    ObjectNode extra = JsonNodeFactory.instance.objectNode();
    if (scaling != null) {
      extra.set("featureScaling", scaling.toJson());
    }
    double[] optimizerState = optimizer.state();
    if (!Finite.all(optimizerState)) {
      throw new TrainingDivergedException(p.epoch() + 1, p.step(), optimizer.stepCount(),
          "the optimizer state is no longer finite");
    }
    CheckpointState state = new CheckpointState(p.globalStep(), new Model(spec, weights, extra),
        optimizerState, progress.bestWeights, state(p, optimizer));
    try {
      lastGood = store.write(state);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write checkpoint " + CheckpointStore.name(
          p.globalStep()) + " in " + store.root() + ": " + e.getMessage(), e);
    }
    LOG.info("checkpoint {} (epoch {}, step {}) written to {} in {} ms", lastGood, p.epoch() + 1,
        p.step(), store.root(), String.format(java.util.Locale.ROOT, "%.1f",
            (System.nanoTime() - t0) / 1e6));
    nextStep = (p.globalStep() / every.count() + 1) * every.count();
  }

  private ObjectNode state(Position p, Optimizer optimizer) {
    ObjectNode root = JSON.createObjectNode();
    root.put("createdAt", Instant.now().toString());
    ObjectNode pos = root.putObject("position");
    pos.put("epoch", p.epoch());
    pos.put("sync", p.sync());
    pos.put("step", p.step());
    pos.put("stepsPerEpoch", p.stepsPerEpoch());
    pos.put("syncsPerEpoch", p.syncsPerEpoch());
    pos.put("globalStep", p.globalStep());
    EpochTotals t = p.totals();
    ObjectNode totals = root.putObject("epochTotals");
    totals.put("lossSum", t.lossSum());
    totals.put("examples", t.examples());
    totals.put("computeNanos", t.computeNanos());
    totals.put("broadcastNanos", t.broadcastNanos());
    totals.put("jobNanos", t.jobNanos());
    totals.put("updateNanos", t.updateNanos());
    totals.put("elapsedNanos", t.elapsedNanos());
    ObjectNode opt = root.putObject("optimizer");
    opt.put("kind", optimizer.spec().kind().id());
    opt.put("stepCount", optimizer.stepCount());
    opt.put("stateLength", optimizer.state().length);
    ObjectNode random = root.putObject("random");
    random.put("seed", settings.seed());
    random.put("epoch", p.epoch());
    random.put("stepInEpoch", p.step());
    random.put("partitions", partitions);
    random.put("examples", examples);
    ObjectNode prog = root.putObject("progress");
    prog.put("stepsSoFar", progress.stepsSoFar);
    ArrayNode reports = prog.putArray("epochs");
    for (EpochReport r : progress.reports) {
      reports.add(toJson(r));
    }
    ArrayNode validation = prog.putArray("validationPerEpoch");
    progress.perEpoch.forEach(m -> validation.add(m.toJson()));
    prog.set("lastMetrics", progress.lastMetrics == null ? null : progress.lastMetrics.toJson());
    ArrayNode lines = prog.putArray("metricsLines");
    progress.metricsLines.forEach(lines::add);
    if (settings.earlyStopping() != null) {
      ObjectNode es = root.putObject("earlyStopping");
      es.put("metric", settings.earlyStopping());
      es.put("bestEpoch", progress.bestEpoch);
      es.put("sinceBest", progress.sinceBest);
      es.set("bestMetrics", progress.bestMetrics == null ? null : progress.bestMetrics.toJson());
      es.put("bestWeightsFile", progress.bestWeights == null ? null
          : CheckpointStore.BEST_WEIGHTS_BIN);
    }
    root.set("config", JSON.valueToTree(settings.toMap()));
    return root;
  }

  /**
   * The checkpoint a job continues from, by {@code --resume}: none (and then the directory must
   * hold no checkpoint), the newest good one, or a named one. Checkpoints newer than the one
   * chosen are deleted (they are bad, or abandoned by resuming from an older one), and so are
   * staging files of unfinished writes.
   *
   * @return the checkpoint, or null to start a new run
   * @throws IllegalArgumentException if the directory holds checkpoints but --resume is not given,
   *     or --resume finds nothing to resume
   */
  static CheckpointStore.Loaded findResumePoint(CheckpointStore store, CheckpointSettings c)
      throws IOException {
    store.clearIfFinished();
    if (!c.resuming()) {
      List<String> names = store.names();
      if (store.hasCheckpoints()) {
        throw new IllegalArgumentException("--checkpoint-dir " + store.root() + " holds the"
            + " checkpoints of an unfinished run" + (names.isEmpty() ? ""
                : " (newest: " + names.get(0) + ")") + "; continue it with --resume, or choose"
            + " another directory or remove them");
      }
      store.deleteStaging();
      return null;
    }
    CheckpointStore.Loaded loaded;
    if (!c.resume().equals(CheckpointSettings.LATEST)
        && !c.resume().equals(CheckpointSettings.IF_PRESENT)) {
      try {
        loaded = store.read(c.resume());
      } catch (CheckpointStore.BadCheckpointException e) {
        throw new IllegalArgumentException("--resume " + c.resume() + ": " + e.getMessage(), e);
      }
    } else {
      CheckpointStore.Scan scan = store.newestGood();
      loaded = scan.newest();
      if (loaded == null) {
        String skipped = scan.problems().isEmpty() ? ""
            : " (" + scan.problems().size() + " problems, logged above: "
                + String.join("; ", scan.problems()) + ")";
        if (c.resume().equals(CheckpointSettings.IF_PRESENT) && !store.hasCheckpoints()) {
          LOG.info("--resume if-present: no checkpoint in {}; starting a new run", store.root());
          store.deleteStaging();
          return null;
        }
        throw new IllegalArgumentException("--resume: no good checkpoint to resume in "
            + store.root() + skipped + (store.hasCheckpoints() ? "; remove the bad ones to start"
                + " a new run" : "; run without --resume (or with --resume if-present) to start"
                + " a new run"));
      }
    }
    return loaded;
  }

  /**
   * Checks that the job's settings are the checkpoint's wherever they change the trajectory.
   *
   * @throws IllegalArgumentException naming the first setting that differs and both values
   */
  static void checkSettings(CheckpointStore.Loaded c, JobSettings s) {
    JsonNode saved = c.state().state().path("config");
    JsonNode now = JSON.valueToTree(s.toMap());
    for (String key : SAME_RUN_KEYS) {
      JsonNode a = saved.path(key);
      JsonNode b = now.path(key);
      if (!sameValue(a, b)) {
        throw new IllegalArgumentException("--resume: checkpoint " + c.name() + " was taken with "
            + key + " " + text(a) + ", this run has " + key + " " + text(b) + "; a resumed run"
            + " needs the settings it started with");
      }
    }
  }

  /**
   * Checks that the data and partitioning are the checkpoint's: the same examples in the same
   * number of partitions give the same batches.
   */
  static void checkData(CheckpointStore.Loaded c, int partitions, long examples,
      int stepsPerEpoch) {
    JsonNode random = c.state().state().path("random");
    long p = random.path("partitions").asLong(-1);
    if (p != partitions) {
      throw new IllegalArgumentException("--resume: checkpoint " + c.name() + " was taken with "
          + p + " partitions, this run has " + partitions + "; set --partitions " + p);
    }
    long n = random.path("examples").asLong(-1);
    if (n != examples) {
      throw new IllegalArgumentException("--resume: checkpoint " + c.name() + " was taken on "
          + n + " training examples, the data now holds " + examples + "; a resumed run needs the"
          + " same data");
    }
    int s = c.state().state().path("position").path("stepsPerEpoch").asInt(-1);
    if (s != stepsPerEpoch) {
      throw new IllegalArgumentException("--resume: checkpoint " + c.name() + " has " + s
          + " steps per epoch, this run " + stepsPerEpoch);
    }
  }

  /**
   * The checkpoint's feature scaling (not refitted: the checkpoint's weights were trained on it),
   * or null for none.
   */
  static FeatureScaling scaling(CheckpointStore.Loaded c) {
    JsonNode f = c.state().model().extra().get("featureScaling");
    return f == null || f.isNull() ? null : FeatureScaling.fromJson(f);
  }

  /**
   * Restores the optimizer (state and step count) and the job's progress from {@code c}, and
   * writes the metrics lines so far into the run's metrics file.
   *
   * @return the position to continue from
   */
  static Position restore(CheckpointStore.Loaded c, Optimizer optimizer,
      TrainingJob.Progress progress) throws IOException {
    JsonNode st = c.state().state();
    optimizer.restore(c.state().optimizerState(), need(c, st, "optimizer", "stepCount").asLong());
    JsonNode prog = st.path("progress");
    progress.stepsSoFar = need(c, st, "progress", "stepsSoFar").asLong();
    for (JsonNode r : prog.path("epochs")) {
      progress.reports.add(report(r));
    }
    for (JsonNode m : prog.path("validationPerEpoch")) {
      progress.perEpoch.add(Metrics.fromJson(m));
    }
    JsonNode last = prog.get("lastMetrics");
    progress.lastMetrics = last == null || last.isNull() ? null : Metrics.fromJson(last);
    List<String> lines = new ArrayList<>();
    prog.path("metricsLines").forEach(l -> lines.add(l.asText()));
    progress.restoreMetricsLines(lines);
    JsonNode es = st.get("earlyStopping");
    if (es != null && !es.isNull()) {
      progress.bestEpoch = es.path("bestEpoch").asInt();
      progress.sinceBest = es.path("sinceBest").asInt();
      JsonNode best = es.get("bestMetrics");
      progress.bestMetrics = best == null || best.isNull() ? null : Metrics.fromJson(best);
      progress.bestWeights = c.state().bestWeights();
      if ((progress.bestMetrics == null) != (progress.bestWeights == null)) {
        throw new IllegalArgumentException("checkpoint " + c.name() + " has "
            + (progress.bestWeights == null ? "best metrics but no " + CheckpointStore
                .BEST_WEIGHTS_BIN : CheckpointStore.BEST_WEIGHTS_BIN + " but no best metrics"));
      }
    }
    JsonNode pos = st.path("position");
    JsonNode t = st.path("epochTotals");
    return new Position(need(c, st, "position", "epoch").asInt(),
        need(c, st, "position", "sync").asInt(), need(c, st, "position", "step").asInt(),
        pos.path("stepsPerEpoch").asInt(), pos.path("syncsPerEpoch").asInt(),
        new EpochTotals(need(c, st, "epochTotals", "lossSum").asDouble(),
            t.path("examples").asLong(), t.path("computeNanos").asLong(),
            t.path("broadcastNanos").asLong(), t.path("jobNanos").asLong(),
            t.path("updateNanos").asLong(), t.path("elapsedNanos").asLong()));
  }

  private static JsonNode need(CheckpointStore.Loaded c, JsonNode root, String object,
      String field) {
    JsonNode v = root.path(object).get(field);
    if (v == null || !v.isNumber()) {
      throw new IllegalArgumentException("checkpoint " + c.name() + ": "
          + CheckpointStore.STATE_JSON + " has no number " + object + "." + field);
    }
    return v;
  }

  private static ObjectNode toJson(EpochReport r) {
    ObjectNode o = JSON.createObjectNode();
    o.put("epoch", r.epoch());
    o.put("steps", r.steps());
    o.put("syncs", r.syncs());
    o.put("trainLoss", r.trainLoss());
    o.put("examples", r.examples());
    o.put("seconds", r.seconds());
    o.put("computeSeconds", r.computeSeconds());
    o.put("learningRate", r.learningRate());
    o.put("broadcastSeconds", r.broadcastSeconds());
    o.put("jobSeconds", r.jobSeconds());
    o.put("updateSeconds", r.updateSeconds());
    return o;
  }

  private static EpochReport report(JsonNode o) {
    return new EpochReport(o.path("epoch").asInt(), o.path("steps").asInt(),
        o.path("syncs").asInt(), o.path("trainLoss").asDouble(), o.path("examples").asLong(),
        o.path("seconds").asDouble(), o.path("computeSeconds").asDouble(),
        o.path("learningRate").asDouble(), o.path("broadcastSeconds").asDouble(),
        o.path("jobSeconds").asDouble(), o.path("updateSeconds").asDouble());
  }

  private static boolean sameValue(JsonNode a, JsonNode b) {
    boolean aNone = a.isMissingNode() || a.isNull();
    boolean bNone = b.isMissingNode() || b.isNull();
    if (aNone || bNone) {
      return aNone == bNone;
    }
    if (a.isNumber() && b.isNumber()) {
      return a.isIntegralNumber() && b.isIntegralNumber() ? a.asLong() == b.asLong()
          : Double.compare(a.asDouble(), b.asDouble()) == 0;
    }
    return Objects.equals(a, b);
  }

  private static String text(JsonNode v) {
    if (v.isMissingNode() || v.isNull()) {
      return "(none)";
    }
    if (v.isArray()) {
      List<String> items = new ArrayList<>();
      v.forEach(i -> items.add(i.asText()));
      return String.join(",", items);
    }
    return v.asText();
  }
}
