package org.dptrain.driver.ml;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.Serializable;
import org.apache.spark.ml.classification.TrainingSummary;
import org.apache.spark.ml.util.Summary;

/**
 * What a fit did, epoch by epoch, as Spark's {@link TrainingSummary}: {@link #objectiveHistory()}
 * is the mean training loss of each epoch (epoch 1 first). It is the only per-epoch record that a
 * Spark Connect client may read from a third-party model (Connect's allowlist lets it call
 * {@code summary} on a {@code HasTrainingSummary} and {@code objectiveHistory} and
 * {@code totalIterations} on a {@code TrainingSummary}); the model's
 * {@code trainingHistoryJson()} has every field.
 */
public final class MlpTrainingSummary implements TrainingSummary, Summary, Serializable {
  private static final long serialVersionUID = 1L;

  private final double[] objectiveHistory;

  /** @param objectiveHistory the mean training loss of each epoch (copied) */
  public MlpTrainingSummary(double[] objectiveHistory) {
    if (objectiveHistory.length == 0) {
      throw new IllegalArgumentException("a training summary needs at least one epoch");
    }
    this.objectiveHistory = objectiveHistory.clone();
  }

  /**
   * The summary of a model's {@code training.history} (as {@link MlpTraining} records it), or
   * null when the model has none (a model of {@code dptrain train}, whose history is its
   * metrics.jsonl, or of an older version).
   *
   * @throws IllegalArgumentException if the history is not an array of objects with a numeric
   *     {@code trainLoss}
   */
  static MlpTrainingSummary of(JsonNode history) {
    if (history == null || history.isMissingNode() || history.isNull()) {
      return null;
    }
    if (!history.isArray() || history.isEmpty()) {
      throw new IllegalArgumentException("training.history must be a non-empty array, got "
          + history);
    }
    double[] losses = new double[history.size()];
    for (int i = 0; i < losses.length; i++) {
      JsonNode loss = history.get(i).get("trainLoss");
      if (loss == null || !loss.isNumber()) {
        throw new IllegalArgumentException("training.history[" + i + "] has no numeric"
            + " trainLoss: " + history.get(i));
      }
      losses[i] = loss.asDouble();
    }
    return new MlpTrainingSummary(losses);
  }

  /** The mean training loss of each epoch (a copy). */
  @Override
  public double[] objectiveHistory() {
    return objectiveHistory.clone();
  }

  /** The number of epochs run. */
  @Override
  public int totalIterations() {
    return objectiveHistory.length;
  }
}
