package org.dptrain.driver.train;

import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dptrain.driver.checkpoint.CheckpointSettings;
import org.dptrain.driver.data.DataOptions;

/**
 * Everything a training job is told: the effective configuration after defaults, job file and
 * flags. It is logged at start and stored in the model's provenance, and it alone decides what the
 * job does (with the same data, the same settings give the same model bit for bit).
 *
 * @param data training data
 * @param validation validation data (same format options), or null
 * @param layers layer sizes, input first
 * @param activations one per non-input layer
 * @param loss the loss name
 * @param initializer weight initializer name, or null for the default per activation
 * @param optimizer sgd, momentum, nesterov or adam
 * @param learningRate base learning rate
 * @param momentum momentum / Nesterov mu
 * @param beta1 Adam beta1
 * @param beta2 Adam beta2
 * @param epsilon Adam epsilon
 * @param weightDecay L2 coefficient
 * @param clipNorm gradient-norm clip (0 = off)
 * @param schedule learning-rate schedule; {@code cosine:WARMUP} means cosine to the end of the run
 * @param batchSize global mini-batch
 * @param epochs passes over the data
 * @param seed drives initial weights and shuffles
 * @param partitions partitions of the training data, or null for Spark's default parallelism
 * @param localSteps 1 = synchronous, K = local steps per synchronisation, 0 = a whole epoch
 * @param aggregationDepth 1 = merge on the driver; d &ge; 2 = tree of depth d
 * @param initModel model directory to warm-start from, or null
 * @param scale none, standardize or minmax
 * @param earlyStopping validation metric to stop on, or null
 * @param patience epochs without improvement before stopping
 * @param output the run directory to create
 * @param metricsFile an extra metrics file written as training goes, or null
 * @param checkpoint checkpointing and resuming, or null for neither
 */
public record JobSettings(DataOptions data, DataOptions validation, int[] layers,
    List<String> activations, String loss, String initializer, String optimizer,
    double learningRate, double momentum, double beta1, double beta2, double epsilon,
    double weightDecay, double clipNorm, String schedule, int batchSize, int epochs, long seed,
    Integer partitions, int localSteps, int aggregationDepth, String initModel, String scale,
    String earlyStopping, int patience, String output, String metricsFile,
    CheckpointSettings checkpoint) {

  /** Settings without checkpoints. */
  public JobSettings(DataOptions data, DataOptions validation, int[] layers,
      List<String> activations, String loss, String initializer, String optimizer,
      double learningRate, double momentum, double beta1, double beta2, double epsilon,
      double weightDecay, double clipNorm, String schedule, int batchSize, int epochs, long seed,
      Integer partitions, int localSteps, int aggregationDepth, String initModel, String scale,
      String earlyStopping, int patience, String output, String metricsFile) {
    this(data, validation, layers, activations, loss, initializer, optimizer, learningRate,
        momentum, beta1, beta2, epsilon, weightDecay, clipNorm, schedule, batchSize, epochs, seed,
        partitions, localSteps, aggregationDepth, initModel, scale, earlyStopping, patience, output,
        metricsFile, null);
  }

  /** These settings with {@code c} as the checkpoint settings (null: none). */
  public JobSettings withCheckpoint(CheckpointSettings c) {
    return new JobSettings(data, validation, layers, activations, loss, initializer, optimizer,
        learningRate, momentum, beta1, beta2, epsilon, weightDecay, clipNorm, schedule, batchSize,
        epochs, seed, partitions, localSteps, aggregationDepth, initModel, scale, earlyStopping,
        patience, output, metricsFile, c);
  }

  /** The settings as an ordered map of plain values, for logs, JSON and provenance. */
  public Map<String, Object> toMap() {
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("data", data.path());
    m.put("format", data.format() == null ? null : data.format().id());
    m.put("num-features", data.numFeatures());
    m.put("label-column", data.labelColumn());
    m.put("feature-columns", data.featureColumns());
    m.put("features-column", data.featuresColumn());
    m.put("validation", validation == null ? null : validation.path());
    m.put("layers", Arrays.stream(layers).boxed().toList());
    m.put("activations", activations);
    m.put("loss", loss);
    m.put("init", initializer);
    m.put("optimizer", optimizer);
    m.put("lr", learningRate);
    m.put("momentum", momentum);
    m.put("beta1", beta1);
    m.put("beta2", beta2);
    m.put("epsilon", epsilon);
    m.put("weight-decay", weightDecay);
    m.put("clip-norm", clipNorm);
    m.put("schedule", schedule);
    m.put("batch-size", batchSize);
    m.put("epochs", epochs);
    m.put("seed", seed);
    m.put("partitions", partitions);
    m.put("local-steps", localSteps);
    m.put("aggregation-depth", aggregationDepth);
    m.put("init-model", initModel);
    m.put("scale", scale);
    m.put("early-stopping", earlyStopping);
    m.put("patience", patience);
    m.put("output", output);
    m.put("metrics-file", metricsFile);
    if (checkpoint != null) {
      m.putAll(checkpoint.toMap());
    }
    return m;
  }
}
