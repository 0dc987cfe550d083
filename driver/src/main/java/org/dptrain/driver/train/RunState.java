package org.dptrain.driver.train;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;

/**
 * A checkpoint's {@code state.json}: everything but the arrays, bound to records by Jackson (no
 * hand-written fields). Reading refuses missing fields, nulls for numbers and unknown fields, with
 * Jackson's message naming the field.
 *
 * @param createdAt when it was written (ISO-8601)
 * @param position where the run is: epoch (0-based), synchronisations and steps done in it, steps
 *     and synchronisations per epoch, and the epoch's loss sum, examples and timings so far
 * @param optimizer the optimizer's kind, step count and state length
 * @param random what every random draw is a function of, with the data's size and digest
 * @param stepsSoFar optimizer steps of the epochs finished
 * @param epochs the records of the epochs finished ({@link EpochRecord#toJson})
 * @param earlyStopping the early-stopping state, or null without early stopping (the best weights
 *     are the checkpoint's best-weights.bin)
 * @param config the run's configuration ({@link org.dptrain.driver.config.JobConfig#toMap})
 */
record RunState(String createdAt, Position position, OptimizerInfo optimizer,
    RandomInfo random, long stepsSoFar, List<JsonNode> epochs, EarlyStoppingInfo earlyStopping,
    JsonNode config) {

  private static final ObjectMapper JSON = new ObjectMapper()
      .enable(DeserializationFeature.FAIL_ON_MISSING_CREATOR_PROPERTIES)
      .enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
      .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);

  /** The optimizer: its kind, step count and state length. */
  record OptimizerInfo(String kind, long stepCount, int stateLength) {}

  /**
   * What the random draws and the batches are a function of.
   *
   * @param dataSha256 {@link DataDigest#sha256} of the training data
   */
  record RandomInfo(long seed, int epoch, int stepInEpoch, int partitions, long examples,
      String dataSha256) {}

  /**
   * @param metric the metric watched
   * @param bestEpoch the best epoch so far (1-based; 0 before the first)
   * @param sinceBest epochs since the best
   * @param bestMetrics the best epoch's metrics ({@link org.dptrain.driver.eval.Metrics#toJson}),
   *     or null before the first
   */
  record EarlyStoppingInfo(String metric, int bestEpoch, int sinceBest, JsonNode bestMetrics) {}

  ObjectNode toJson() {
    return JSON.valueToTree(this);
  }

  /**
   * Binds a checkpoint's state.json.
   *
   * @throws IllegalArgumentException naming the checkpoint and Jackson's account of the problem
   */
  static RunState fromJson(String checkpoint, JsonNode state) {
    try {
      return JSON.treeToValue(state, RunState.class);
    } catch (Exception e) {
      String m = e instanceof com.fasterxml.jackson.core.JsonProcessingException j
          ? j.getOriginalMessage() : e.getMessage();
      throw new IllegalArgumentException("checkpoint " + checkpoint + ": state.json does not"
          + " hold the state of this dptrain version: " + m, e);
    }
  }
}
