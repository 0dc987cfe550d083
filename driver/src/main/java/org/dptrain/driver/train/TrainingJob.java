package org.dptrain.driver.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.dptrain.data.Block;
import org.dptrain.driver.checkpoint.CheckpointStore;
import org.dptrain.driver.data.BlockStacker;
import org.dptrain.driver.data.DataLoader;
import org.dptrain.driver.data.DataOptions;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.driver.data.LoadedData;
import org.dptrain.driver.data.Targets;
import org.dptrain.driver.eval.Evaluator;
import org.dptrain.driver.eval.Metrics;
import org.dptrain.driver.fs.ModelStore;
import org.dptrain.linalg.Blas;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.dptrain.network.Initializer;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.dptrain.optim.OptimizerSpec;
import org.dptrain.optim.Schedule;
import org.dptrain.train.BatchPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A whole training run: load and validate data, stack it into cached blocks, initialise or
 * warm-start, train with {@link DistributedTrainer} (validation, progress lines, metrics file and
 * early stopping after each epoch, checkpoints), and write the run directory — model.json,
 * weights.bin and metrics.jsonl — under a temporary name that is renamed into place at the end, so
 * a failed run leaves nothing behind but its good checkpoints. With {@code --resume} it continues
 * from the newest good checkpoint and gives the weights an uninterrupted run gives, bit for bit.
 */
public final class TrainingJob {
  private static final Logger LOG = LoggerFactory.getLogger(TrainingJob.class);
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The metrics file inside a run directory: one JSON object per epoch. */
  public static final String METRICS_FILE = "metrics.jsonl";

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
   * @throws IllegalArgumentException for settings that do not fit together or the data, and for a
   *     resume whose settings differ from the checkpoint's
   * @throws FileAlreadyExistsException if the output directory exists
   * @throws TrainingDivergedException if the loss, a gradient or the weights stop being finite
   */
  public static Result run(SparkSession spark, JobSettings s, PrintStream out) throws IOException {
    return run(spark, s, out, TaskHook.NONE);
  }

  /** {@link #run(SparkSession, JobSettings, PrintStream)} with a hook in every training task
   *  (tests inject failures with it). */
  public static Result run(SparkSession spark, JobSettings s, PrintStream out, TaskHook hook)
      throws IOException {
    return run(spark, s, out, hook, DistributedTrainer.ProgressListener.NONE);
  }

  /** {@link #run(SparkSession, JobSettings, PrintStream, TaskHook)} telling {@code progressBar}
   *  after every synchronisation. */
  public static Result run(SparkSession spark, JobSettings s, PrintStream out, TaskHook hook,
      DistributedTrainer.ProgressListener progressBar) throws IOException {
    NetworkSpec spec = NetworkSpec.of(s.layers(), s.activations(), s.loss());
    Targets targets = Targets.of(spec.loss(), spec.outputSize());
    if (s.earlyStopping() != null && s.validation() == null) {
      throw new IllegalArgumentException("--early-stopping " + s.earlyStopping()
          + " needs --validation data to measure it on");
    }
    if (s.earlyStopping() != null) {
      checkMetricFits(s.earlyStopping(), targets);
    }
    if (s.patience() < 1) {
      throw new IllegalArgumentException("--patience must be at least 1, got " + s.patience());
    }
    Initializer init = s.initializer() == null ? null : Initializer.parse(s.initializer());
    Model warm = s.initModel() == null ? null : readInitModel(ModelStore.of(spark), s.initModel(),
        spec);

    Path output = Paths.get(s.output()).toAbsolutePath().normalize();
    if (Files.exists(output)) {
      throw new FileAlreadyExistsException(output.toString(), null,
          "output directory exists; choose another --output or remove it");
    }
    Files.createDirectories(output.getParent());
    // where to resume, decided before any work so that a bad --resume fails at once
    CheckpointStore store = null;
    CheckpointStore.Loaded resumed = null;
    if (s.checkpoint() != null) {
      store = new CheckpointStore(ModelStore.of(spark), s.checkpoint().dir(),
          s.checkpoint().keepLast());
      long t0 = System.nanoTime();
      resumed = RunCheckpoint.findResumePoint(store, s.checkpoint());
      if (resumed != null) {
        LOG.info("read and verified checkpoint {} in {} ms", resumed.name(),
            String.format(Locale.ROOT, "%.1f", (System.nanoTime() - t0) / 1e6));
        RunCheckpoint.checkSettings(resumed, s);
        deleteStaleStaging(output);
      }
    }
    Path staging = ModelFile.createStagingDirectory(output.getParent(),
        output.getFileName() + ".tmp-");
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    List<JavaRDD<Block>> cached = new ArrayList<>();
    try {
      Instant started = Instant.now();
      LOG.info("effective configuration: {}", JSON.writeValueAsString(s.toMap()));
      LOG.info("BLAS on the driver: {}", Blas.describe());

      // data
      LoadedData train = DataLoader.load(spark, s.data(), targets);
      checkFeatures(train, s.data(), spec);
      FeatureScaling scaling = resumed != null ? RunCheckpoint.scaling(resumed)
          : chooseScaling(s.scale(), warm, train);
      int partitions = s.partitions() != null ? s.partitions() : sc.defaultParallelism();
      if (partitions < 1) {
        throw new IllegalArgumentException("--partitions must be at least 1, got " + partitions);
      }
      JavaRDD<Block> blocks = BlockStacker.stack(train, targets, partitions, scaling);
      cached.add(blocks);
      JavaRDD<Block> validationBlocks = null;
      if (s.validation() != null) {
        LoadedData v = DataLoader.load(spark, s.validation(), targets);
        checkFeatures(v, s.validation(), spec);
        validationBlocks = BlockStacker.stack(v, targets, partitions, scaling);
        cached.add(validationBlocks);
      }

      // model and optimizer
      long total = blocks.map(Block::size).fold(0, Integer::sum);
      int stepsPerEpoch = BatchPlan.stepsPerEpoch(total, s.batchSize());
      OptimizerSpec optimizerSpec = optimizerSpec(s, (long) stepsPerEpoch * s.epochs());
      TrainConfig config = new TrainConfig(spec, optimizerSpec, s.batchSize(), s.epochs(), s.seed(),
          s.localSteps(), s.aggregationDepth());
      Optimizer optimizer = new Optimizer(optimizerSpec, spec.numParams());
      Path metricsPath = staging.resolve(METRICS_FILE);
      Progress progress = new Progress(sc, spec, targets, validationBlocks, s, out, metricsPath);
      double[] weights;
      Position start;
      if (resumed != null) {
        RunCheckpoint.checkData(resumed, partitions, total, stepsPerEpoch);
        start = RunCheckpoint.restore(resumed, optimizer, progress);
        // accepted: the checkpoints after it belong to a future this run replaces
        store.discardAfter(resumed.name());
        weights = resumed.state().model().weights();
        LOG.info("resuming from {} in {}: epoch {}, step {} of {}", resumed.name(), store.root(),
            start.epoch() + 1, start.step(), stepsPerEpoch);
        out.println("resuming from " + resumed.name() + " (epoch " + (start.epoch() + 1)
            + ", step " + start.step() + " of " + stepsPerEpoch + ")");
      } else {
        weights = warm != null ? warm.weights() : Initializer.initialize(spec, s.seed(), init);
        start = Position.START;
      }

      // train, with per-epoch validation, progress, early stopping and checkpoints
      RunCheckpoint checkpoints = store == null ? null : new RunCheckpoint(store,
          s.checkpoint().every(), progress, spec, scaling, s, partitions, total, start,
          resumed == null ? null : resumed.name());
      DistributedTrainer trainer = new DistributedTrainer(sc, config).withTaskHook(hook)
          .withProgressListener(progressBar);
      if (checkpoints != null) {
        trainer.withSyncListener(checkpoints);
      }
      DistributedTrainer.Outcome outcome;
      try {
        outcome = trainer.train(blocks, weights, optimizer, start, progress);
      } catch (TrainingDivergedException e) {
        throw checkpoints == null ? e : e.withCheckpointNote(checkpoints.lastGood() == null
            ? "no checkpoint was written before it"
            : "the last good checkpoint is " + checkpoints.lastGood() + " in " + store.root());
      }
      List<EpochReport> epochs = List.copyOf(progress.reports);
      double[] kept = progress.bestWeights != null ? progress.bestWeights : outcome.weights();
      int keptEpoch = progress.bestWeights != null ? progress.bestEpoch : epochs.size();
      Metrics validation = progress.bestWeights != null ? progress.bestMetrics
          : progress.lastMetrics;

      // the run directory
      ObjectNode extra = modelExtra(spark, targets, spec, scaling, partitions);
      ObjectNode provenance = (ObjectNode) extra.get("provenance");
      provenance.put("startedAt", started.toString());
      provenance.put("finishedAt", Instant.now().toString());
      provenance.set("config", JSON.valueToTree(s.toMap()));
      ObjectNode training = extra.putObject("training");
      training.put("epochsRun", epochs.size());
      training.put("keptEpoch", keptEpoch);
      training.put("stoppedEarly", outcome.stoppedEarly());
      training.put("optimizerSteps", outcome.optimizer().stepCount());
      training.put("finalTrainLoss", epochs.get(epochs.size() - 1).trainLoss());
      if (resumed != null) {
        training.put("resumedFrom", resumed.name());
      }
      if (validation != null) {
        extra.putObject("metrics").set("validation", validation.toJson());
      }
      ModelFile.writeInto(staging, new Model(spec, kept, extra));
      Files.move(staging, output, StandardCopyOption.ATOMIC_MOVE);
      if (store != null) {
        // the run is complete: its checkpoints are spent, and a later --resume if-present (cron)
        // must start a new run rather than finish this one again
        try {
          store.clear();
        } catch (IOException e) {
          LOG.warn("the model is written to {}, but the checkpoints in {} could not be removed:"
              + " {}", output, store.root(), e.toString());
        }
      }
      return new Result(output, epochs, validation, keptEpoch, List.copyOf(progress.perEpoch));
    } catch (Throwable e) {
      // everything, including Spark's job failures (a checked SparkException thrown unchecked)
      ModelFile.deleteTree(staging);
      throw e;
    } finally {
      for (JavaRDD<Block> b : cached) {
        b.unpersist(false);
      }
    }
  }

  /**
   * Deletes the staging directories ({@code .NAME.tmp-*}) that earlier runs of this output left
   * when they were killed: a resumed run is the continuation of such a run.
   */
  private static void deleteStaleStaging(Path output) throws IOException {
    String prefix = "." + output.getFileName() + ".tmp-";
    try (Stream<Path> entries = Files.list(output.getParent())) {
      for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
        LOG.info("deleting {}: the staging directory of an interrupted run of {}", p, output);
        ModelFile.deleteTree(p);
      }
    }
  }

  /** Per-epoch validation, progress line, metrics file and early stopping. */
  static final class Progress implements DistributedTrainer.EpochListener {
    private final JavaSparkContext sc;
    private final NetworkSpec spec;
    private final Targets targets;
    private final JavaRDD<Block> validation;
    private final JobSettings settings;
    private final PrintStream out;
    private final Path metricsPath;
    long stepsSoFar;
    final List<EpochReport> reports = new ArrayList<>();
    final List<Metrics> perEpoch = new ArrayList<>();
    /** The lines of metrics.jsonl so far, without their newlines. */
    final List<String> metricsLines = new ArrayList<>();
    Metrics lastMetrics;
    double[] bestWeights;
    Metrics bestMetrics;
    int bestEpoch;
    int sinceBest;

    Progress(JavaSparkContext sc, NetworkSpec spec, Targets targets, JavaRDD<Block> validation,
        JobSettings settings, PrintStream out, Path metricsPath) {
      this.sc = sc;
      this.spec = spec;
      this.targets = targets;
      this.validation = validation;
      this.settings = settings;
      this.out = out;
      this.metricsPath = metricsPath;
    }

    JobSettings settings() {
      return settings;
    }

    @Override
    public boolean afterEpoch(EpochReport r, double[] weights, Optimizer optimizer) {
      stepsSoFar += r.steps();
      reports.add(r);
      Metrics m = null;
      if (validation != null) {
        sc.setJobDescription("dptrain epoch " + r.epoch() + " validation");
        m = Evaluator.evaluate(sc, validation, spec, weights, targets.type());
        lastMetrics = m;
        perEpoch.add(m);
      }
      out.println(String.format(Locale.ROOT,
          "epoch %d/%d  step %d  loss %.4f%s  %.0f samples/s  %.2f s (jobs %.2f s of which"
          + " compute %.2f s, broadcast %.2f s, update %.2f s)",
          r.epoch(), settings.epochs(), stepsSoFar, r.trainLoss(),
          m == null ? "" : "  val " + m.summary(), r.samplesPerSecond(), r.seconds(),
          r.jobSeconds(), r.computeSeconds(), r.broadcastSeconds(), r.updateSeconds()));
      out.flush();
      writeMetricsLine(r, m);
      if (settings.earlyStopping() == null) {
        return false;
      }
      String name = settings.earlyStopping();
      double value = m.get(name);
      boolean better = bestMetrics == null || (Metrics.higherIsBetter(name)
          ? value > bestMetrics.get(name) : value < bestMetrics.get(name));
      if (better) {
        bestMetrics = m;
        bestWeights = weights.clone();
        bestEpoch = r.epoch();
        sinceBest = 0;
        return false;
      }
      sinceBest++;
      if (sinceBest >= settings.patience()) {
        out.println(String.format(Locale.ROOT, "early stopping: validation %s has not improved"
            + " for %d epochs; keeping epoch %d (%s %.4f)", name, sinceBest, bestEpoch, name,
            bestMetrics.get(name)));
        return true;
      }
      return false;
    }

    private void writeMetricsLine(EpochReport r, Metrics m) {
      ObjectNode line = JsonNodeFactory.instance.objectNode();
      line.put("epoch", r.epoch());
      line.put("step", stepsSoFar);
      line.put("trainLoss", r.trainLoss());
      line.put("learningRate", r.learningRate());
      line.put("examples", r.examples());
      line.put("seconds", r.seconds());
      line.put("computeSeconds", r.computeSeconds());
      line.put("jobSeconds", r.jobSeconds());
      line.put("broadcastSeconds", r.broadcastSeconds());
      line.put("updateSeconds", r.updateSeconds());
      line.put("samplesPerSecond", r.samplesPerSecond());
      line.put("syncs", r.syncs());
      if (m != null) {
        line.set("validation", m.toJson());
      }
      try {
        String text = JSON.writeValueAsString(line);
        metricsLines.add(text);
        append(metricsPath, text + "\n");
        if (settings.metricsFile() != null) {
          append(Paths.get(settings.metricsFile()), text + "\n");
        }
      } catch (IOException e) {
        throw new IllegalStateException("cannot write the metrics file: " + e.getMessage(), e);
      }
    }

    /** Writes the lines of the run before a resume into this run's metrics file. */
    void restoreMetricsLines(List<String> lines) throws IOException {
      metricsLines.addAll(lines);
      StringBuilder b = new StringBuilder();
      for (String l : lines) {
        b.append(l).append('\n');
      }
      append(metricsPath, b.toString());
    }

    private static void append(Path p, String text) throws IOException {
      try (BufferedWriter w = Files.newBufferedWriter(p, StandardCharsets.UTF_8,
          StandardOpenOption.CREATE, StandardOpenOption.APPEND)) {
        w.write(text);
      }
    }
  }


  static OptimizerSpec optimizerSpec(JobSettings s, long totalSteps) {
    String text = s.schedule() == null ? "constant" : s.schedule().trim();
    Schedule schedule;
    String[] parts = text.split(":", -1);
    if (parts.length == 2 && parts[0].equalsIgnoreCase("cosine")) {
      // cosine:WARMUP runs the cosine to the last step of this run
      schedule = Schedule.parse(text + ":" + totalSteps);
    } else {
      schedule = Schedule.parse(text);
    }
    return new OptimizerSpec(OptimizerSpec.Kind.parse(s.optimizer()), s.learningRate(),
        s.momentum(), s.beta1(), s.beta2(), s.epsilon(), s.weightDecay(), s.clipNorm(), schedule);
  }

  private static void checkMetricFits(String metric, Targets targets) {
    boolean classification = !targets.type().name().equals("REGRESSION");
    boolean forClassification = Arrays.asList("accuracy", "macro_f1", "log_loss").contains(metric);
    boolean forRegression = Arrays.asList("rmse", "mae", "r2").contains(metric);
    if (!forClassification && !forRegression) {
      throw new IllegalArgumentException("unknown metric '" + metric + "' for --early-stopping;"
          + " valid names: " + Metrics.NAMES);
    }
    if (classification != forClassification) {
      throw new IllegalArgumentException("--early-stopping " + metric + " does not apply to a "
          + targets.type().name().toLowerCase(Locale.ROOT) + " task; use "
          + (classification ? "accuracy, macro_f1 or log_loss" : "rmse, mae or r2"));
    }
  }

  private static void checkFeatures(LoadedData d, DataOptions options, NetworkSpec spec) {
    if (d.numFeatures() != spec.inputSize()) {
      throw new IllegalArgumentException(options.path() + " has " + d.numFeatures()
          + " features but the network's input layer has " + spec.inputSize() + " (--layers "
          + joined(spec.layers()) + ")");
    }
  }

  /** Reads the warm-start model through {@link ModelStore}, so it may be on any Hadoop
   *  filesystem (a registry's champion on HDFS, say); messages name it as given. */
  private static Model readInitModel(ModelStore store, String dir, NetworkSpec spec)
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

  private static FeatureScaling chooseScaling(String scale, Model warm, LoadedData train) {
    String method = scale == null ? "none" : scale.trim().toLowerCase(Locale.ROOT);
    if (!List.of("none", "standardize", "minmax").contains(method)) {
      throw new IllegalArgumentException("--scale '" + scale + "' is not one of: none, standardize,"
          + " minmax");
    }
    if (warm != null && warm.extra().has("featureScaling")) {
      FeatureScaling inherited = FeatureScaling.fromJson((ObjectNode) warm.extra().get(
          "featureScaling"));
      if (!method.equals("none") && !method.equals(inherited.method())) {
        throw new IllegalArgumentException("--scale " + method + " conflicts with the "
            + inherited.method() + " scaling of --init-model, whose weights expect it");
      }
      LOG.info("using the {} feature scaling of the warm-start model", inherited.method());
      return inherited;
    }
    return method.equals("none") ? null : FeatureScaling.fit(train, method);
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

  /**
   * The model.json fields every model trained on Spark carries beside its network: the task, the
   * input size, the feature scaling (null: none) and a {@code provenance} object with the versions,
   * master, partitions and BLAS it was trained with. Callers add their own fields to both.
   */
  public static ObjectNode modelExtra(SparkSession spark, Targets targets, NetworkSpec spec,
      FeatureScaling scaling, int partitions) {
    ObjectNode extra = JsonNodeFactory.instance.objectNode();
    extra.put("task", targets.type().name().toLowerCase(Locale.ROOT));
    extra.put("numFeatures", spec.inputSize());
    if (scaling != null) {
      extra.set("featureScaling", scaling.toJson());
    }
    ObjectNode provenance = extra.putObject("provenance");
    provenance.put("dptrainVersion", version());
    provenance.put("sparkVersion", spark.version());
    provenance.put("javaVersion", System.getProperty("java.version"));
    provenance.put("master", spark.sparkContext().master());
    provenance.put("partitions", partitions);
    provenance.put("blas", Blas.describe());
    return extra;
  }

  /** The dptrain version, from the build's {@code org/dptrain/driver/version.properties}. */
  public static String version() {
    try (java.io.InputStream in = TrainingJob.class.getResourceAsStream(
        "/org/dptrain/driver/version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the build");
      }
      java.util.Properties p = new java.util.Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read version.properties: " + e.getMessage(), e);
    }
  }
}
