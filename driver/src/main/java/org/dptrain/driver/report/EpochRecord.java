package org.dptrain.driver.report;

import java.util.Map;

/**
 * One line of {@code metrics.jsonl}: what an epoch did (see
 * {@link org.dptrain.driver.train.EpochReport} for the meaning of each time).
 *
 * @param epoch 1-based
 * @param step optimizer steps since the start of the run, at the end of this epoch
 * @param trainLoss mean training loss over the epoch's examples
 * @param learningRate learning rate at the end of the epoch
 * @param examples examples processed
 * @param seconds wall time of the epoch
 * @param computeSeconds Σ over synchronisations of the slowest partition's compute time
 * @param jobSeconds wall time of the Spark jobs
 * @param broadcastSeconds driver time creating and destroying broadcasts
 * @param updateSeconds driver time merging partials and applying the optimizer
 * @param samplesPerSecond examples per second of wall time
 * @param syncs synchronisations (Spark jobs) in the epoch
 * @param validation validation metrics after the epoch by name ({@code accuracy}, {@code rmse}...;
 *     NaN where the file holds null), empty when the run had no validation data
 */
public record EpochRecord(int epoch, long step, double trainLoss, double learningRate,
    long examples, double seconds, double computeSeconds, double jobSeconds,
    double broadcastSeconds, double updateSeconds, double samplesPerSecond, int syncs,
    Map<String, Double> validation) {

  public EpochRecord {
    validation = Map.copyOf(validation);
  }

  /** The named validation metric, or NaN when it was not measured. */
  public double validationMetric(String name) {
    return validation.getOrDefault(name, Double.NaN);
  }
}
