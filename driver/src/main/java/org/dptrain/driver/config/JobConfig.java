package org.dptrain.driver.config;

import static org.dptrain.driver.config.SettingTable.*;

import java.util.Map;
import org.dptrain.driver.checkpoint.CheckpointSettings;
import org.dptrain.driver.data.DataOptions;
import org.dptrain.driver.data.ScalingMethod;
import org.dptrain.driver.data.Targets;
import org.dptrain.driver.data.TaskType;
import org.dptrain.driver.eval.Metric;

/**
 * Everything a training job is told: the values of {@link SettingTable}'s settings, after
 * defaults, job file and flags, grouped into typed records. It is logged at start and stored in
 * the model's provenance ({@link #toMap}), and it alone decides what the job does (with the same
 * data, the same configuration gives the same model bit for bit).
 *
 * <pre>
 * JobConfig
 *   data          DataConfig(train, validation)            DataOptions each
 *   network       NetworkConfig(spec, initializer)         layers, activations, loss, init
 *   optimizer     OptimizerConfig(kind, lr, ..., schedule)
 *   loop          LoopConfig(batchSize, epochs, seed)
 *   parallelism   ParallelismConfig(partitions, localSteps, synchronousEpochs,
 *                   aggregationDepth, sync)
 *   scale, initModel, earlyStopping(metric, patience)
 *   checkpoints   CheckpointSettings(dir, every, keepLast, resume), or null
 *   output        OutputConfig(name, dir, metricsFile, report)
 * </pre>
 *
 * Built from defaults with {@link #builder()} and {@link Builder#set}, or from
 * {@link SettingValues}; {@link #with} changes one setting. Construction checks what fits
 * together without data (sizes and activations, loss and output, early stopping's metric and
 * validation data), so a command line fails before Spark starts.
 */
public final class JobConfig {
  private final SettingValues values;
  private final DataConfig data;
  private final NetworkConfig network;
  private final OptimizerConfig optimizer;
  private final LoopConfig loop;
  private final ParallelismConfig parallelism;
  private final EarlyStoppingConfig earlyStopping;
  private final CheckpointSettings checkpoints;
  private final OutputConfig output;

  /**
   * The data of a job.
   *
   * @param train the training data
   * @param validation the validation data (same format options), or null
   */
  public record DataConfig(DataOptions train, DataOptions validation) {}

  private JobConfig(SettingValues v) {
    this.values = v;
    String path = require(v, DATA);
    this.data = new DataConfig(options(v, path),
        v.get(VALIDATION) == null ? null : options(v, v.get(VALIDATION)));
    this.network = NetworkConfig.of(require(v, LAYERS), require(v, ACTIVATIONS),
        require(v, LOSS), v.get(INIT));
    this.optimizer = new OptimizerConfig(v.get(OPTIMIZER), v.get(LEARNING_RATE),
        v.get(MOMENTUM), v.get(BETA1), v.get(BETA2), v.get(EPSILON), v.get(WEIGHT_DECAY),
        v.get(CLIP_NORM), v.get(SCHEDULE));
    this.loop = new LoopConfig(v.get(BATCH_SIZE), v.get(EPOCHS), v.get(SEED));
    this.parallelism = new ParallelismConfig(v.get(PARTITIONS), v.get(LOCAL_STEPS),
        v.get(SYNCHRONOUS_EPOCHS), v.get(AGGREGATION_DEPTH), v.get(SYNC));
    this.earlyStopping = new EarlyStoppingConfig(v.get(EARLY_STOPPING), v.get(PATIENCE));
    if (v.get(CHECKPOINT_DIR) == null) {
      if (v.get(RESUME) != null) {
        throw new IllegalArgumentException(RESUME.option() + " needs " + CHECKPOINT_DIR.option()
            + ", the directory of the checkpoints to resume from");
      }
      this.checkpoints = null;
    } else {
      this.checkpoints = new CheckpointSettings(v.get(CHECKPOINT_DIR), v.get(CHECKPOINT_EVERY),
          v.get(KEEP_LAST), v.get(RESUME));
    }
    this.output = new OutputConfig(v.get(NAME), v.get(OUTPUT), v.get(METRICS_FILE),
        !v.get(NO_REPORT));
    Metric metric = earlyStopping.metric();
    if (metric != null) {
      if (data.validation() == null) {
        throw new IllegalArgumentException(EARLY_STOPPING.option() + " " + metric.id()
            + " needs " + VALIDATION.option() + " data to measure it on");
      }
      metric.checkFits(EARLY_STOPPING.option(), task());
    }
  }

  /**
   * The configuration of these values.
   *
   * @throws IllegalArgumentException naming the first setting that is missing or does not fit
   */
  public static JobConfig of(SettingValues values) {
    return new JobConfig(values);
  }

  /** A builder starting from every default. */
  public static Builder builder() {
    return new Builder(SettingValues.defaults());
  }

  /** This configuration with {@code s} set to {@code value} (null: unset). */
  public <T> JobConfig with(Setting<T> s, T value) {
    return new JobConfig(values.with(s, value));
  }

  /** This configuration with {@code k}'s checkpoint settings (null: no checkpoints). */
  public JobConfig withCheckpoints(CheckpointSettings k) {
    return new JobConfig(values.with(CHECKPOINT_DIR, k == null ? null : k.dir())
        .with(CHECKPOINT_EVERY, k == null ? CHECKPOINT_EVERY.defaultValue() : k.every())
        .with(KEEP_LAST, k == null ? KEEP_LAST.defaultValue() : k.keepLast())
        .with(RESUME, k == null ? null : k.resume()));
  }

  /** How blocks are stored and multiplied ({@link SettingTable#PRECISION}). */
  public org.dptrain.data.Precision precision() {
    return values.get(PRECISION);
  }

  /** The value of one setting. */
  public <T> T get(Setting<T> s) {
    return values.get(s);
  }

  public SettingValues values() {
    return values;
  }

  public DataConfig data() {
    return data;
  }

  public NetworkConfig network() {
    return network;
  }

  public OptimizerConfig optimizer() {
    return optimizer;
  }

  public LoopConfig loop() {
    return loop;
  }

  public ParallelismConfig parallelism() {
    return parallelism;
  }

  /** The feature scaling to fit (a warm start or a resumed run may bring its own). */
  public ScalingMethod scale() {
    return values.get(SCALE);
  }

  /** The model directory to warm-start from, or null. */
  public String initModel() {
    return values.get(INIT_MODEL);
  }

  public EarlyStoppingConfig earlyStopping() {
    return earlyStopping;
  }

  /** Checkpointing and resuming, or null without {@link SettingTable#CHECKPOINT_DIR}. */
  public CheckpointSettings checkpoints() {
    return checkpoints;
  }

  public OutputConfig output() {
    return output;
  }

  /** The task the network's loss and output size define. */
  public TaskType task() {
    return targets().type();
  }

  /** The targets of the network's loss and output size. */
  public Targets targets() {
    return Targets.of(network.spec().loss(), network.spec().outputSize());
  }

  /** Every setting under its key as plain values, for logs, JSON and provenance. */
  public Map<String, Object> toMap() {
    return values.toMap();
  }

  @Override
  public String toString() {
    return toMap().toString();
  }

  private static DataOptions options(SettingValues v, String path) {
    return new DataOptions(path, v.get(FORMAT), v.get(NUM_FEATURES), v.get(LABEL_COLUMN),
        v.get(FEATURE_COLUMNS), v.get(FEATURES_COLUMN), false, v.get(LABEL_COLUMNS));
  }

  private static <T> T require(SettingValues v, Setting<T> s) {
    T value = v.get(s);
    if (value == null) {
      throw new IllegalArgumentException(s.option() + " is required: " + s.help());
    }
    return value;
  }

  /** Builds a configuration from the defaults. */
  public static final class Builder {
    private SettingValues values;

    private Builder(SettingValues values) {
      this.values = values;
    }

    /** Sets {@code s} (null: unset), checked. */
    public <T> Builder set(Setting<T> s, T value) {
      values = values.with(s, value);
      return this;
    }

    /** Sets {@code s} from text, as the command line and job files give it. */
    public Builder parse(Setting<?> s, String text) {
      values = values.withText(s, s.key(), text);
      return this;
    }

    /**
     * Builds it.
     *
     * @throws IllegalArgumentException naming the first setting that is missing or does not fit
     */
    public JobConfig build() {
      return new JobConfig(values);
    }
  }
}
