package org.dptrain.driver.config;

import org.dptrain.driver.train.SyncMode;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dptrain.activation.Activation;
import org.dptrain.data.Precision;
import org.dptrain.driver.checkpoint.CheckpointInterval;
import org.dptrain.driver.checkpoint.CheckpointSettings;
import org.dptrain.driver.data.DataFormat;
import org.dptrain.driver.data.DataOptions;
import org.dptrain.driver.data.ScalingMethod;
import org.dptrain.driver.eval.Metric;
import org.dptrain.loss.Loss;
import org.dptrain.names.Names;
import org.dptrain.network.Initializer;
import org.dptrain.optim.OptimizerSpec;
import org.dptrain.optim.Schedule;
import org.dptrain.train.ReferenceTrainer;

/**
 * Every setting of a training job, each declared once: its key (the long option without dashes,
 * the job-file key and the key in {@code provenance.config}), its Spark ML param name where it has
 * one, its default, its check, its help and whether a resumed run must share it. {@link #ALL}
 * lists them in the order of {@code --help} and of {@code provenance.config}.
 *
 * <p>A default is null when the setting is unset until given; that is the one representation of
 * "unset" in a {@link JobConfig}. Spark ML params keep the form saved pipelines hold
 * ({@link Setting#sparkUnset}: {@code auto} for the initializer, 0 for the partitions).
 *
 * <p>Defaults that belong to the math live in the trainer and are referenced here, not retyped:
 * the optimizer's hyperparameters ({@code OptimizerSpec.DEFAULT_*}) and the seed
 * ({@link ReferenceTrainer#DEFAULT_SEED}); the data layer's column names
 * ({@code DataOptions.DEFAULT_*}).
 */
public final class SettingTable {
  private SettingTable() {}

  /** The settings in declaration order; {@link #declare} adds each (static fields initialise in
   *  textual order, so this list must come first). */
  private static final List<Setting<?>> DECLARED = new ArrayList<>();

  private static <T> Setting<T> declare(Setting.Builder<T> b) {
    Setting<T> s = b.build();
    DECLARED.add(s);
    return s;
  }

  // ---- data
  public static final Setting<String> DATA = declare(Setting.of("data", Codec.TEXT).label("PATH")
      .trajectory().help("Training data (file, directory or glob; idx: the images file)"));
  public static final Setting<DataFormat> FORMAT = declare(Setting.of("format",
      Codec.of(DataFormat::parse, DataFormat::id)).label("FORMAT").trajectory()
      .help("Data format: " + Names.valid(DataFormat.class) + " (default: from the file name)")
      );
  public static final Setting<Integer> NUM_FEATURES = declare(Setting.of("num-features", Codec.INT)
      .label("N").trajectory().check(atLeast(1))
      .help("Feature count (libsvm; default: the largest index in the data)"));
  public static final Setting<String> LABEL_COLUMN = declare(Setting.of("label-column", Codec.TEXT)
      .label("NAME").trajectory().defaultValue(DataOptions.DEFAULT_LABEL_COLUMN)
      .check(notBlank()).help("Label column (csv, parquet)"));
  public static final Setting<List<String>> LABEL_COLUMNS = declare(Setting.of("label-columns",
      Codec.NAMES).label("A,B,...").trajectory()
      .help("Several numeric label columns, one regression output each (csv, parquet; instead of"
          + " --label-column)"));
  public static final Setting<List<String>> FEATURE_COLUMNS = declare(Setting.of("feature-columns",
      Codec.NAMES).label("A,B,...").trajectory()
      .help("Numeric feature columns (csv, parquet; default: all other columns)"));
  public static final Setting<String> FEATURES_COLUMN =
      declare(Setting.of("features-column", Codec.TEXT)
      .label("NAME").trajectory().defaultValue(DataOptions.DEFAULT_FEATURES_COLUMN)
      .check(notBlank()).help("Vector feature column (parquet)"));
  public static final Setting<String> VALIDATION = declare(Setting.of("validation", Codec.TEXT)
      .label("PATH").trajectory()
      .help("Validation data, read like --data; evaluated after every epoch"));

  // ---- network
  public static final Setting<int[]> LAYERS =
      declare(Setting.of("layers", Codec.INTS).param("layers")
      .label("N,N,...").trajectory().check(SettingTable::checkLayers)
      .help("Layer sizes, input first, e.g. 784,256,128,10")
      .sparkHelp("layer sizes, input first (n_0, ..., n_L), or without the input size (n_1, ...,"
          + " n_L: as many sizes as activations), which is then the width of the features column")
      );
  public static final Setting<List<Activation>> ACTIVATIONS = declare(Setting.of("activations",
      Codec.choices(Activation.class, "activation")).param("activations").label("F,F,...")
      .trajectory().check(SettingTable::checkActivations)
      .help("One per non-input layer: " + Activation.validNames() + " (softmax: output only)")
      );
  public static final Setting<Loss> LOSS =
      declare(Setting.of("loss", Codec.choice(Loss.class, "loss"))
      .param("loss").label("LOSS").trajectory()
      .help("The training loss: " + Names.valid(Loss.class) + " (cross_entropy: softmax output,"
          + " binary_cross_entropy: sigmoid output)"));
  public static final Setting<Initializer> INIT = declare(Setting.of("init",
      Codec.choice(Initializer.class, "initializer")).param("initializer").label("INIT")
      .sparkUnset("auto")
      .help("Weight initializer: " + Names.valid(Initializer.class) + " (default: he for the relu"
          + " family, else xavier; Spark ML: 'auto')"));

  // ---- optimizer and schedule
  public static final Setting<OptimizerSpec.Kind> OPTIMIZER = declare(Setting.of("optimizer",
      Codec.choice(OptimizerSpec.Kind.class, "optimizer")).param("optimizer").label("NAME")
      .trajectory().defaultValue(OptimizerSpec.Kind.SGD)
      .help("Update rule: " + Names.valid(OptimizerSpec.Kind.class)));
  public static final Setting<Double> LEARNING_RATE = declare(Setting.of("lr", Codec.DOUBLE)
      .param("learningRate").label("RATE").trajectory()
      .defaultValue(OptimizerSpec.DEFAULT_LEARNING_RATE)
      .check(real(v -> v > 0, "a finite number > 0")).help("Base learning rate"));
  public static final Setting<Double> MOMENTUM = declare(Setting.of("momentum", Codec.DOUBLE)
      .param("momentum").label("MU").trajectory().defaultValue(OptimizerSpec.DEFAULT_MOMENTUM)
      .check(real(v -> v >= 0 && v < 1, "in [0, 1)"))
      .help("Momentum of momentum and nesterov, in [0, 1)"));
  public static final Setting<Double> BETA1 =
      declare(Setting.of("beta1", Codec.DOUBLE).param("beta1")
      .label("B1").trajectory().defaultValue(OptimizerSpec.DEFAULT_BETA1)
      .check(real(v -> v >= 0 && v < 1, "in [0, 1)"))
      .help("Adam's first-moment decay, in [0, 1)"));
  public static final Setting<Double> BETA2 =
      declare(Setting.of("beta2", Codec.DOUBLE).param("beta2")
      .label("B2").trajectory().defaultValue(OptimizerSpec.DEFAULT_BETA2)
      .check(real(v -> v >= 0 && v < 1, "in [0, 1)"))
      .help("Adam's second-moment decay, in [0, 1)"));
  public static final Setting<Double> EPSILON = declare(Setting.of("epsilon", Codec.DOUBLE)
      .param("epsilon").label("EPS").trajectory().defaultValue(OptimizerSpec.DEFAULT_EPSILON)
      .check(real(v -> v > 0, "a finite number > 0")).help("Adam's epsilon, > 0"));
  public static final Setting<Double> WEIGHT_DECAY =
      declare(Setting.of("weight-decay", Codec.DOUBLE)
      .param("weightDecay").label("LAMBDA").trajectory()
      .defaultValue(OptimizerSpec.DEFAULT_WEIGHT_DECAY)
      .check(real(v -> v >= 0, "a finite number >= 0")).help("L2 weight decay, >= 0"));
  public static final Setting<Double> CLIP_NORM = declare(Setting.of("clip-norm", Codec.DOUBLE)
      .param("clipNorm").label("NORM").trajectory().defaultValue(OptimizerSpec.DEFAULT_CLIP_NORM)
      .check(real(v -> v >= 0, "a finite number >= 0 (0 = off)"))
      .help("Clip the gradient's L2 norm to this; 0 = off"));
  public static final Setting<String> SCHEDULE = declare(Setting.of("schedule", Codec.TEXT)
      .param("schedule").label("SCHEDULE").trajectory().defaultValue("constant")
      .check((name, v) -> Schedule.parse(v, Long.MAX_VALUE))
      .help("Learning-rate schedule: constant, step:STEP_SIZE:GAMMA,"
          + " exponential:GAMMA:DECAY_STEPS, cosine:WARMUP_STEPS:TOTAL_STEPS[:MIN_FACTOR], or"
          + " cosine:WARMUP_STEPS (to the run's last step)"));

  // ---- the loop
  public static final Setting<Integer> BATCH_SIZE = declare(Setting.of("batch-size", Codec.INT)
      .param("batchSize").label("N").trajectory().defaultValue(32).check(atLeast(1))
      .help("Global mini-batch: examples averaged into one update, split across partitions")
      );
  public static final Setting<Integer> EPOCHS =
      declare(Setting.of("epochs", Codec.INT).param("epochs")
      .label("N").trajectory().defaultValue(5).check(atLeast(1))
      .help("Passes over the data"));
  public static final Setting<Long> SEED = declare(Setting.of("seed", Codec.LONG).param("seed")
      .label("SEED").trajectory().defaultValue(ReferenceTrainer.DEFAULT_SEED)
      .help("Seed of the initial weights and of every shuffle"));
  public static final Setting<Precision> PRECISION = declare(Setting.of("precision",
      Codec.choice(Precision.class, "precision")).param("precision").label("P").trajectory()
      .defaultValue(Precision.DEFAULT)
      .help("Storage of the cached blocks and arithmetic of the matrix products: "
          + Names.valid(Precision.class) + " (float32: half the block memory, sgemm; weights,"
          + " gradient sums, optimizer and model files stay float64)"));

  // ---- parallelism
  public static final Setting<Integer> PARTITIONS = declare(Setting.of("partitions", Codec.INT)
      .param("numPartitions").label("P").sparkUnset(0).check(atLeast(1))
      .help("Partitions (blocks) of the training data (default: Spark's default parallelism;"
          + " Spark ML: 0)"));
  public static final Setting<Integer> LOCAL_STEPS =
      declare(Setting.of("local-steps", new LocalSteps())
      .param("localSteps").label("K").trajectory().defaultValue(1).check(atLeast(0))
      .help("Steps each partition takes between synchronisations: 1 = synchronous SGD, K, or"
          + " 'epoch' (Spark ML: 0) for a whole epoch"));
  public static final Setting<Integer> SYNCHRONOUS_EPOCHS = declare(Setting.of(
      "synchronous-epochs", Codec.INT).label("N").trajectory().defaultValue(0).check(atLeast(0))
      .help("Post-local SGD: the first N epochs take synchronous steps (K = 1), the rest"
          + " --local-steps; 0 = --local-steps throughout"));
  public static final Setting<Integer> AGGREGATION_DEPTH = declare(Setting.of("aggregation-depth",
      Codec.INT).param("aggregationDepth").label("D").trajectory().defaultValue(1)
      .check(atLeast(1))
      .help("1 = merge partials on the driver; d >= 2 = in a tree of depth d"));
  /** Not a trajectory setting: both schemes give the same bits and the same resume positions. */
  public static final Setting<SyncMode> SYNC = declare(Setting.of("sync",
      Codec.choice(SyncMode.class, "sync")).param("sync").label("MODE")
      .defaultValue(SyncMode.DEFAULT)
      .help("How partials become one update: " + Names.valid(SyncMode.class) + " (driver = a"
          + " Spark job per synchronisation through the driver; allreduce = one barrier stage"
          + " whose tasks sum among themselves; same bits)"));

  // ---- start, scaling, early stopping
  public static final Setting<String> INIT_MODEL = declare(Setting.of("init-model", Codec.TEXT)
      .label("DIR").help("Warm-start from this model directory (same layers)"));
  public static final Setting<ScalingMethod> SCALE = declare(Setting.of("scale",
      Codec.choice(ScalingMethod.class, "scale")).param("scale").label("METHOD").trajectory()
      .defaultValue(ScalingMethod.NONE)
      .help("Feature scaling fitted on the training data and stored with the model: "
          + Names.valid(ScalingMethod.class)));
  public static final Setting<Metric> EARLY_STOPPING = declare(Setting.of("early-stopping",
      Codec.choice(Metric.class, "metric")).label("METRIC").trajectory()
      .help("Stop when this validation metric stops improving: " + Metric.validNames()
          + "; the best epoch's weights are kept"));
  public static final Setting<Integer> PATIENCE =
      declare(Setting.of("patience", Codec.INT).label("N")
      .trajectory().defaultValue(3).check(atLeast(1))
      .help("Epochs without improvement before early stopping"));

  // ---- output
  public static final Setting<String> NAME = declare(Setting.of("name", Codec.TEXT).label("NAME")
      .defaultValue("dptrain")
      .help("Job name, used in the default output directory (retrain: the registry entry)")
      );
  public static final Setting<String> OUTPUT = declare(Setting.of("output", Codec.TEXT).label("DIR")
      .help("Run directory to create (default: runs/NAME-yyyyMMdd-HHmmss)"));
  public static final Setting<String> METRICS_FILE = declare(Setting.of("metrics-file", Codec.TEXT)
      .label("FILE").help("Also append each epoch's metrics here as training goes (JSON lines)")
      );
  public static final Setting<Boolean> NO_REPORT = declare(Setting.of("no-report", Codec.FLAG)
      .defaultValue(false)
      .help("Do not write report.html and its charts into the run directory"));

  // ---- checkpoints
  public static final Setting<String> CHECKPOINT_DIR =
      declare(Setting.of("checkpoint-dir", Codec.TEXT)
      .label("URI").check(notBlank())
      .help("Write checkpoints here (any Hadoop filesystem: file://, hdfs://, s3a://; a plain path"
          + " is local). A run that finishes removes its checkpoints"));
  public static final Setting<CheckpointInterval> CHECKPOINT_EVERY = declare(Setting.of(
      "checkpoint-every", Codec.of(CheckpointInterval::parse, CheckpointInterval::toString))
      .label("N[epochs|steps]").defaultValue(CheckpointInterval.parse("1epochs"))
      .help("Checkpoint every N epochs (N or Nepochs) or every N optimizer steps (Nsteps). With"
          + " --local-steps K > 1 the weights exist only at synchronisations: a step checkpoint"
          + " is taken at the first one at or after the step"));
  public static final Setting<Integer> KEEP_LAST =
      declare(Setting.of("keep-last", Codec.INT).label("N")
      .defaultValue(3).check(atLeast(1))
      .help("Complete checkpoints to keep; older ones are deleted once a newer one is complete")
      );
  public static final Setting<String> RESUME =
      declare(Setting.of("resume", Codec.TEXT).label("WHICH")
      .fallback(CheckpointSettings.LATEST).check(CheckpointSettings::checkResume)
      .help("Continue from the newest good checkpoint in --checkpoint-dir with the same settings"
          + " (an error if there is none); '--resume if-present' starts a new run when there is"
          + " none (for cron); '--resume ckpt-NNNNNNNNN' names the checkpoint"));

  /**
   * Every setting, in declaration order: the order of {@code --help} and of
   * {@code provenance.config}. A setting is added by declaring it above; nothing else lists it.
   */
  public static final List<Setting<?>> ALL = List.copyOf(DECLARED);

  /**
   * The setting with this key.
   *
   * @throws IllegalArgumentException for an unknown key
   */
  public static Setting<?> byKey(String key) {
    for (Setting<?> s : ALL) {
      if (s.key().equals(key)) {
        return s;
      }
    }
    throw new IllegalArgumentException("unknown setting '" + key + "'");
  }

  // ---- checks

  /** Whole numbers of at least {@code min}: "NAME must be at least MIN, got V". */
  static Setting.Check<Integer> atLeast(int min) {
    return (name, v) -> {
      if (v < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", got " + v);
      }
    };
  }

  /** Finite numbers passing {@code ok}: "NAME must be RANGE, got V". */
  static Setting.Check<Double> real(java.util.function.DoublePredicate ok, String range) {
    return (name, v) -> {
      if (!Double.isFinite(v) || !ok.test(v)) {
        throw new IllegalArgumentException(name + " must be " + range + ", got " + v);
      }
    };
  }

  static Setting.Check<String> notBlank() {
    return (name, v) -> {
      if (v.isBlank()) {
        throw new IllegalArgumentException(name + " is blank");
      }
    };
  }

  static void checkLayers(String name, int[] layers) {
    if (layers.length == 0) {
      throw new IllegalArgumentException(name + " must list at least one layer size, got "
          + Arrays.toString(layers));
    }
    for (int i = 0; i < layers.length; i++) {
      if (layers[i] < 1) {
        throw new IllegalArgumentException(name + "[" + i + "] = " + layers[i] + ": every layer"
            + " size must be at least 1 (" + name + " " + Arrays.toString(layers) + ")");
      }
    }
  }

  static void checkActivations(String name, List<Activation> activations) {
    if (activations.isEmpty()) {
      throw new IllegalArgumentException(name + " must name one activation per non-input layer");
    }
  }

  /** {@code epoch} (0) or a whole number of at least 1. */
  private static final class LocalSteps implements Codec<Integer> {
    @Override
    public Integer parse(String name, String text) {
      if (text.trim().equalsIgnoreCase("epoch")) {
        return 0;
      }
      try {
        int k = Integer.parseInt(text.trim());
        if (k >= 1) {
          return k;
        }
      } catch (NumberFormatException e) {
        // the message below
      }
      throw new IllegalArgumentException(name + " '" + text
          + "' must be a whole number >= 1 or 'epoch'");
    }

    @Override
    public Object plain(Integer value) {
      return value;
    }

    @Override
    public String text(Integer value) {
      return value == 0 ? "epoch" : value.toString();
    }

    @Override
    public SparkKind sparkKind() {
      return SparkKind.INT;
    }
  }
}
