package org.dptrain.driver.train;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
import org.dptrain.driver.config.JobConfig;
import org.dptrain.driver.config.Setting;
import org.dptrain.driver.config.SettingTable;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.driver.eval.Metrics;
import org.dptrain.model.Float64Codec;
import org.dptrain.model.Model;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The checkpoints of one training run: takes them when due (a {@link
 * DistributedTrainer.SyncListener}), decides where a run resumes, checks that a resumed run is the
 * same run, and restores the optimizer and the run's history from a checkpoint. Its
 * {@code state.json} is a {@link RunState}.
 */
final class RunCheckpoint implements DistributedTrainer.SyncListener {
  private static final Logger LOG = LoggerFactory.getLogger(RunCheckpoint.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  private final CheckpointStore store;
  private final CheckpointInterval every;
  private final EpochHistory history;
  private final NetworkSpec spec;
  private final FeatureScaling scaling;
  private final JobConfig config;
  private final int partitions;
  private final DataDigest data;
  private long nextStep;
  private String lastGood;

  /**
   * @param start where training starts (a fresh run: {@link Position#START})
   * @param resumedFrom the checkpoint the run resumed from, or null
   */
  RunCheckpoint(CheckpointStore store, EpochHistory history, NetworkSpec spec,
      FeatureScaling scaling, JobConfig config, int partitions, DataDigest data,
      Position start, String resumedFrom) {
    this.store = store;
    this.every = config.checkpoints().every();
    this.history = history;
    this.spec = spec;
    this.scaling = scaling;
    this.config = config;
    this.partitions = partitions;
    this.data = data;
    this.nextStep = (start.globalStep() / every.count() + 1) * every.count();
    this.lastGood = resumedFrom;
  }

  /** The newest checkpoint of this run known to be complete, or null. */
  String lastGood() {
    return lastGood;
  }

  /** Where the checkpoints are. */
  String root() {
    return store.root().toString();
  }

  /** Only checkpoint positions: the allreduce scheme stays in its barrier stage past the rest. */
  @Override
  public boolean wants(Position next) {
    return due(next);
  }

  private boolean due(Position p) {
    return every.unit() == CheckpointInterval.Unit.EPOCHS
        ? p.sync() == 0 && p.epoch() % every.count() == 0
        : p.globalStep() >= nextStep;
  }

  @Override
  public void afterSync(Position p, double[] weights, Optimizer optimizer) {
    if (!due(p)) {
      return;
    }
    long t0 = System.nanoTime();
    ObjectNode extra = JsonNodeFactory.instance.objectNode();
    if (scaling != null) {
      scaling.writeTo(extra);
    }
    double[] optimizerState = optimizer.state();
    if (!Float64Codec.allFinite(optimizerState)) {
      throw new TrainingDivergedException(p.epoch() + 1, p.step(), optimizer.stepCount(),
          "the optimizer state is no longer finite");
    }
    EarlyStopping es = history.earlyStopping();
    CheckpointState state = new CheckpointState(p.globalStep(), new Model(spec, weights, extra),
        optimizerState, es == null ? null : es.bestWeights(), state(p, optimizer).toJson());
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

  private RunState state(Position p, Optimizer optimizer) {
    List<JsonNode> epochs = new ArrayList<>();
    for (EpochRecord r : history.records()) {
      epochs.add(r.toJson());
    }
    EarlyStopping es = history.earlyStopping();
    return new RunState(Instant.now().toString(), p,
        new RunState.OptimizerInfo(optimizer.spec().kind().id(), optimizer.stepCount(),
            optimizer.state().length),
        new RunState.RandomInfo(config.loop().seed(), p.epoch(), p.step(), partitions,
            data.examples(), data.sha256()),
        history.stepsSoFar(), epochs,
        es == null ? null : new RunState.EarlyStoppingInfo(es.metric().id(), es.bestEpoch(),
            es.sinceBest(), es.best() == null ? null : es.best().toJson()),
        JSON.valueToTree(config.toMap()));
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
   * Checks that the job's settings are the checkpoint's wherever they shape the trajectory (the
   * settings {@link Setting#trajectory} marks).
   *
   * @throws IllegalArgumentException naming the first setting that differs and both values
   */
  static void checkSettings(CheckpointStore.Loaded c, JobConfig config) {
    JsonNode saved = c.state().state().path("config");
    JsonNode now = JSON.valueToTree(config.toMap());
    for (Setting<?> s : SettingTable.ALL) {
      if (!s.trajectory()) {
        continue;
      }
      String key = s.key();
      JsonNode a = saved.path(key);
      JsonNode b = now.path(key);
      if (!sameValue(a, b)) {
        throw new IllegalArgumentException("--resume: checkpoint " + c.name() + " was taken with "
            + key + " " + text(a) + ", this run has " + key + " " + text(b) + "; a resumed run"
            + " needs the settings it started with");
      }
    }
  }

  /** The checkpoint's state, bound. */
  static RunState state(CheckpointStore.Loaded c) {
    return RunState.fromJson(c.name(), c.state().state());
  }

  /**
   * Checks that the data and partitioning are the checkpoint's: the same examples in the same
   * number of partitions give the same batches.
   */
  static void checkData(CheckpointStore.Loaded c, int partitions, DataDigest data,
      int stepsPerEpoch) {
    RunState st = state(c);
    int p = st.random().partitions();
    if (p != partitions) {
      throw new IllegalArgumentException("--resume: checkpoint " + c.name() + " was taken with "
          + p + " partitions, this run has " + partitions + "; set --partitions " + p);
    }
    long n = st.random().examples();
    if (n != data.examples()) {
      throw new IllegalArgumentException("--resume: checkpoint " + c.name() + " was taken on "
          + n + " training examples, the data now holds " + data.examples() + "; a resumed run"
          + " needs the same data");
    }
    if (!data.sha256().equals(st.random().dataSha256())) {
      throw new IllegalArgumentException("--resume: checkpoint " + c.name() + " was taken on"
          + " training data with SHA-256 " + st.random().dataSha256() + ", the data now has "
          + data.sha256() + "; a resumed run needs the same data in the same order");
    }
    int s = st.position().stepsPerEpoch();
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
    return FeatureScaling.of(c.state().model());
  }

  /**
   * Restores the optimizer (state and step count) and the run's history from {@code c}, and
   * writes the metrics records so far into the run's metrics log.
   *
   * @return the position to continue from
   */
  static Position restore(CheckpointStore.Loaded c, Optimizer optimizer,
      EpochHistory history) {
    RunState st = state(c);
    optimizer.restore(c.state().optimizerState(), st.optimizer().stepCount());
    List<EpochRecord> records = new ArrayList<>();
    for (int i = 0; i < st.epochs().size(); i++) {
      records.add(EpochRecord.fromJson(st.epochs().get(i), "checkpoint " + c.name() + " "
          + CheckpointStore.STATE_JSON + " epochs[" + i + "]"));
    }
    history.restore(st.stepsSoFar(), records);
    RunState.EarlyStoppingInfo es = st.earlyStopping();
    if (es != null && history.earlyStopping() != null) {
      Metrics best = es.bestMetrics() == null || es.bestMetrics().isNull() ? null
          : Metrics.fromJson(es.bestMetrics());
      try {
        history.earlyStopping().restore(es.bestEpoch(), es.sinceBest(), best,
            c.state().bestWeights());
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("checkpoint " + c.name() + ": " + e.getMessage(), e);
      }
    }
    return st.position();
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
