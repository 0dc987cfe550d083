package org.dptrain.driver.checkpoint;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Objects;
import org.dptrain.model.Model;

/**
 * What one checkpoint holds.
 *
 * @param globalStep the global step it was taken at (steps of all epochs so far); names it
 * @param model the current weights as a model (its extra fields carry the feature scaling)
 * @param optimizerState the optimizer's flat state ({@link org.dptrain.optim.Optimizer#state()})
 * @param bestWeights the early-stopping best weights, or null when there are none
 * @param state everything else, as JSON (counters, random-number positions, accumulators,
 *     early-stopping state, metrics lines, configuration); the trainer defines its fields
 */
public record CheckpointState(long globalStep, Model model, double[] optimizerState,
    double[] bestWeights, ObjectNode state) {

  public CheckpointState {
    if (globalStep < 0) {
      throw new IllegalArgumentException("global step must be at least 0, got " + globalStep);
    }
    Objects.requireNonNull(model, "model");
    Objects.requireNonNull(optimizerState, "optimizerState");
    Objects.requireNonNull(state, "state");
    if (bestWeights != null && bestWeights.length != model.weights().length) {
      throw new IllegalArgumentException("best weights have " + bestWeights.length
          + " values, the model " + model.weights().length);
    }
  }
}
