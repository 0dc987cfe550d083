package org.dptrain.driver.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.dptrain.data.Block;
import org.dptrain.driver.checkpoint.CheckpointStore;
import org.dptrain.driver.config.JobConfig;
import org.dptrain.driver.data.BlockStacker;
import org.dptrain.driver.data.DataLoader;
import org.dptrain.driver.data.ClassNames;
import org.dptrain.driver.data.DataOptions;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.driver.data.LoadedData;
import org.dptrain.driver.data.ScalingMethod;
import org.dptrain.driver.data.Targets;
import org.dptrain.driver.eval.Metrics;
import org.dptrain.driver.fs.HadoopFiles;
import org.dptrain.linalg.Blas;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.dptrain.network.Initializer;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.dptrain.optim.OptimizerSpec;
import org.dptrain.train.BatchPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole training run, as a straight line: configuration ({@link JobConfig}) → data (loaded,
 * validated, scaled, stacked into cached blocks) → resume point ({@link RunCheckpoint}) → training
 * loop ({@link DistributedTrainer} with {@link EpochHistory} after each epoch and checkpoints) →
 * run directory ({@link RunDirectory}: model.json, weights.bin and metrics.jsonl, staged and
 * renamed into place, so a failed run leaves nothing behind but its good checkpoints). With
 * {@code --resume} it continues from the newest good checkpoint and gives the weights an
 * uninterrupted run gives, bit for bit.
 */
public final class TrainingJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);
  private static final ObjectMapper JSON = new ObjectMapper();

  /**
   * What a run produced.
   *
   * @param output the run directory
   * @param epochs reports of the epochs run
   * @param validation validation metrics of the kept weights, or null without validation data
   * @param bestEpoch the epoch whose weights were kept (1-based)
   * @param validationPerEpoch validation metrics after each epoch (empty without validation data)
   */
  public record Result(Path output, List<EpochReport> epochs, Metrics validation, int bestEpoch,
      List<Metrics> validationPerEpoch) {}

  private TrainingJob() {}

  /**
   * Runs the job.
   *
   * @param out where progress lines go
   * @throws IllegalArgumentException for settings that do not fit the data, and for a resume
   *     whose settings differ from the checkpoint's
   * @throws FileAlreadyExistsException if the output directory exists
   * @throws TrainingDivergedException if the loss, a gradient or the weights stop being finite
   */
  public static Result run(SparkSession spark, JobConfig c, PrintStream out) throws IOException {
    return run(spark, c, out, TaskHook.NONE);
  }

  /** {@link #run(SparkSession, JobConfig, PrintStream)} with a hook in every training task
   *  (tests inject failures with it). */
  public static Result run(SparkSession spark, JobConfig c, PrintStream out, TaskHook hook)
      throws IOException {
    return run(spark, c, out, hook, DistributedTrainer.ProgressListener.NONE);
  }

  /** {@link #run(SparkSession, JobConfig, PrintStream, TaskHook)} telling {@code progressBar}
   *  after every synchronisation. */
  public static Result run(SparkSession spark, JobConfig c, PrintStream out, TaskHook hook,
      DistributedTrainer.ProgressListener progressBar) throws IOException {
    // configuration
    NetworkSpec spec = c.network().spec();
    Targets targets = c.targets();
    if (c.output().dir() == null) {
      throw new IllegalArgumentException("--output is required: the run directory to create");
    }
    Path output = RunDirectory.checkOutput(c.output().dir());
    if (c.output().metricsFile() != null) {
      RunDirectory.checkMetricsFile(c.output().metricsFile());
    }
    HadoopFiles files = HadoopFiles.of(spark);
    Model warm = c.initModel() == null ? null : readInitModel(files, c.initModel(), spec);
    // the resume point, decided before any work so that a bad --resume fails at once
    CheckpointStore store = c.checkpoints() == null ? null
        : new CheckpointStore(files, c.checkpoints().dir(), c.checkpoints().keepLast());
    CheckpointStore.Loaded resumed = store == null ? null : resumePoint(store, c);
    RunDirectory run = RunDirectory.stage(output, resumed != null);
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    DistributedTrainer.checkCluster(sc.getConf(), c.parallelism().sync());
    List<JavaRDD<Block>> cached = new ArrayList<>();
    try {
      Instant started = Instant.now();
      LOG.info("effective configuration: {}", JSON.writeValueAsString(c.toMap()));
      Blas.get(); // its first use logs the one line saying which BLAS runs

      // data
      LoadedData train = load(spark, c.data().train(), targets, spec);
      targets = DataLoader.targetsFor(train, targets, c.data().train().path());
      checkClassNames(warm, targets, c.initModel());
      FeatureScaling scaling = resumed != null ? RunCheckpoint.scaling(resumed)
          : chooseScaling(c.scale(), warm, train);
      int partitions = c.parallelism().partitions() != null ? c.parallelism().partitions()
          : sc.defaultParallelism();
      JavaRDD<Block> blocks = BlockStacker.stack(train, targets, partitions, scaling,
          c.precision());
      cached.add(blocks);
      JavaRDD<Block> validationBlocks = null;
      if (c.data().validation() != null) {
        validationBlocks = BlockStacker.stack(load(spark, c.data().validation(), targets, spec),
            targets, partitions, scaling, c.precision());
        cached.add(validationBlocks);
      }
      DataDigest digest = DataDigest.of(blocks);
      int stepsPerEpoch = BatchPlan.stepsPerEpoch(digest.examples(), c.loop().batchSize());
      OptimizerSpec optimizerSpec = c.optimizer().spec((long) stepsPerEpoch * c.loop().epochs());
      Optimizer optimizer = new Optimizer(optimizerSpec, spec.numParams());
      MetricsLog log = new MetricsLog(c.output().metricsFile() == null
          ? List.of(run.file(MetricsLog.FILE))
          : List.of(run.file(MetricsLog.FILE), Paths.get(c.output().metricsFile())));
      EpochHistory history = new EpochHistory(sc, spec, targets.type(), validationBlocks,
          c.loop().epochs(), out, log, c.earlyStopping().enabled()
              ? new EarlyStopping(c.earlyStopping().metric(), c.earlyStopping().patience())
              : null);

      // where training starts
      double[] weights;
      Position start;
      if (resumed != null) {
        RunCheckpoint.checkData(resumed, partitions, digest, stepsPerEpoch);
        start = RunCheckpoint.restore(resumed, optimizer, history);
        // accepted: the checkpoints after it belong to a future this run replaces
        store.discardAfter(resumed.name());
        weights = resumed.state().model().weights();
        LOG.info("resuming from {} in {}: epoch {}, step {} of {}", resumed.name(), store.root(),
            start.epoch() + 1, start.step(), stepsPerEpoch);
        out.println("resuming from " + resumed.name() + " (epoch " + (start.epoch() + 1)
            + ", step " + start.step() + " of " + stepsPerEpoch + ")");
      } else {
        weights = warm != null ? warm.weights()
            : Initializer.initialize(spec, c.loop().seed(), c.network().initializer());
        start = Position.START;
      }

      // the training loop
      RunCheckpoint checkpoints = store == null ? null : new RunCheckpoint(store, history, spec,
          scaling, c, partitions, digest, start, resumed == null ? null : resumed.name());
      DistributedTrainer.Outcome outcome = train(sc, trainConfig(c, spec, optimizerSpec), hook,
          progressBar, checkpoints, blocks, weights, optimizer, start, history);

      // the run directory
      Kept kept = Kept.of(history, outcome);
      ObjectNode extra = Provenance.modelExtra(spark, targets, spec, scaling, partitions, digest,
          c.toMap());
      ObjectNode provenance = (ObjectNode) extra.get("provenance");
      provenance.put("startedAt", started.toString());
      provenance.put("finishedAt", Instant.now().toString());
      extra.set("training", kept.training(outcome, resumed == null ? null : resumed.name()));
      if (kept.validation() != null) {
        extra.putObject("metrics").set("validation", kept.validation().toJson());
      }
      run.commit(new Model(spec, kept.weights(), extra));
      if (store != null) {
        finishCheckpoints(store, output);
      }
      return new Result(output, kept.epochs(), kept.validation(), kept.epoch(),
          history.validationPerEpoch());
    } catch (Throwable e) {
      // everything, including Spark's job failures (a checked SparkException thrown unchecked)
      run.abort();
      throw e;
    } finally {
      for (JavaRDD<Block> b : cached) {
        b.unpersist(false);
      }
    }
  }

  /**
   * What a run keeps: the best epoch's weights with early stopping, else the last.
   *
   * @param epochs the reports of the epochs run
   * @param epoch the epoch kept (1-based)
   * @param validation its validation metrics, or null without validation data
   */
  private record Kept(double[] weights, List<EpochReport> epochs, int epoch,
      Metrics validation) {
    static Kept of(EpochHistory history, DistributedTrainer.Outcome outcome) {
      List<EpochReport> epochs = history.reports();
      if (history.hasBest()) {
        EarlyStopping es = history.earlyStopping();
        return new Kept(es.bestWeights(), epochs, es.bestEpoch(), es.best());
      }
      List<Metrics> perEpoch = history.validationPerEpoch();
      return new Kept(outcome.weights(), epochs, epochs.size(),
          perEpoch.isEmpty() ? null : perEpoch.get(perEpoch.size() - 1));
    }

    /** model.json's {@code training}: epochs run and kept, steps, final loss, resumed from. */
    ObjectNode training(DistributedTrainer.Outcome outcome, String resumedFrom) {
      ObjectNode t = JSON.createObjectNode();
      t.put("epochsRun", epochs.size());
      t.put("keptEpoch", epoch);
      t.put("stoppedEarly", outcome.stoppedEarly());
      t.put("optimizerSteps", outcome.optimizer().stepCount());
      t.put("finalTrainLoss", epochs.get(epochs.size() - 1).trainLoss());
      if (resumedFrom != null) {
        t.put("resumedFrom", resumedFrom);
      }
      return t;
    }
  }

  /** The trainer's input: the configuration with the optimizer of this run's length. */
  private static TrainConfig trainConfig(JobConfig c, NetworkSpec spec, OptimizerSpec optimizer) {
    return new TrainConfig(spec, optimizer, c.loop().batchSize(), c.loop().epochs(),
        c.loop().seed(), c.parallelism().localSteps(), c.parallelism().synchronousEpochs(),
        c.parallelism().aggregationDepth(), c.parallelism().sync());
  }

  private static DistributedTrainer.Outcome train(JavaSparkContext sc, TrainConfig config,
      TaskHook hook, DistributedTrainer.ProgressListener progressBar, RunCheckpoint checkpoints,
      JavaRDD<Block> blocks, double[] weights, Optimizer optimizer,
      Position start, EpochHistory history) {
    DistributedTrainer trainer = new DistributedTrainer(sc, config).withTaskHook(hook)
        .withProgressListener(progressBar);
    if (checkpoints != null) {
      trainer.withSyncListener(checkpoints);
    }
    try {
      return trainer.train(blocks, weights, optimizer, start, history);
    } catch (TrainingDivergedException e) {
      throw checkpoints == null ? e : e.withCheckpointNote(checkpoints.lastGood() == null
          ? "no checkpoint was written before it"
          : "the last good checkpoint is " + checkpoints.lastGood() + " in " + checkpoints.root());
    }
  }

  private static CheckpointStore.Loaded resumePoint(CheckpointStore store, JobConfig c)
      throws IOException {
    long t0 = System.nanoTime();
    CheckpointStore.Loaded resumed = RunCheckpoint.findResumePoint(store, c.checkpoints());
    if (resumed != null) {
      LOG.info("read and verified checkpoint {} in {} ms", resumed.name(),
          String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e6));
      RunCheckpoint.checkSettings(resumed, c);
    }
    return resumed;
  }

  /**
   * A finished run's checkpoints are spent, and a later --resume if-present (cron) must start a
   * new run rather than finish this one again.
   */
  private static void finishCheckpoints(CheckpointStore store, Path output) {
    try {
      store.clear();
    } catch (IOException e) {
      LOG.warn("the model is written to {}, but the checkpoints in {} could not be removed:"
          + " {}", output, store.root(), e.toString());
    }
  }

  private static LoadedData load(SparkSession spark, DataOptions options, Targets targets,
      NetworkSpec spec) {
    LoadedData d = DataLoader.load(spark, options, targets);
    if (d.numFeatures() != spec.inputSize()) {
      throw new IllegalArgumentException(options.path() + " has " + d.numFeatures()
          + " features but the network's input layer has " + spec.inputSize() + " (--layers "
          + joined(spec.layers()) + ")");
    }
    return d;
  }

  /**
   * A warm start continues the outputs of its model, so their classes must be the same: both
   * numbered (no names) or the same names in the same order.
   */
  private static void checkClassNames(Model warm, Targets targets, String dir) throws IOException {
    if (warm == null) {
      return;
    }
    List<String> had = ModelFile.classNames(warm);
    if (!java.util.Objects.equals(had, targets.classNames())) {
      throw new IllegalArgumentException("--init-model " + dir + " has "
          + (had == null ? "numbered classes" : "classes " + ClassNames.describe(had))
          + " but the training data has " + (targets.classNames() == null
              ? "numeric labels" : "classes " + ClassNames.describe(targets.classNames()))
          + "; a warm start needs the same classes");
    }
  }

  /** Reads the warm-start model through {@link HadoopFiles}, so it may be on any Hadoop
   *  filesystem (a registry's champion on HDFS, say); messages name it as given. */
  private static Model readInitModel(HadoopFiles store, String dir, NetworkSpec spec)
      throws IOException {
    Model m = store.readModel(store.path(dir));
    if (!Arrays.equals(m.spec().layers(), spec.layers())) {
      throw new IllegalArgumentException("--init-model " + dir + " has layers "
          + joined(m.spec().layers()) + " but --layers is " + joined(spec.layers())
          + "; a warm start needs the same layers");
    }
    if (!m.spec().equals(spec)) {
      LOG.warn("--init-model {} was trained as {}; continuing it as {}", dir, m.spec(), spec);
    }
    LOG.info("warm start from {}", dir);
    return m;
  }

  private static FeatureScaling chooseScaling(ScalingMethod method, Model warm,
      LoadedData train) {
    FeatureScaling inherited = warm == null ? null : FeatureScaling.of(warm);
    if (inherited != null) {
      if (method != ScalingMethod.NONE && !method.id().equals(inherited.method())) {
        throw new IllegalArgumentException("--scale " + method.id() + " conflicts with the "
            + inherited.method() + " scaling of --init-model, whose weights expect it");
      }
      LOG.info("using the {} feature scaling of the warm-start model", inherited.method());
      return inherited;
    }
    return method.fit(train);
  }

  static String joined(int[] values) {
    StringBuilder b = new StringBuilder();
    for (int v : values) {
      if (b.length() > 0) {
        b.append(',');
      }
      b.append(v);
    }
    return b.toString();
  }
}
