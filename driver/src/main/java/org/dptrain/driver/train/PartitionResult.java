package org.dptrain.driver.train;

import java.io.Serializable;

/**
 * What one partition returns from a step (or a round of local steps): its index, how many
 * examples it used and their loss sum, and a vector that is the GRADIENT SUM over those examples
 * in synchronous mode or the partition's PARAMETERS after its local steps in local-steps mode,
 * together with its optimizer state then (null in synchronous mode).
 *
 * @param partition the partition index, which fixes the merge order
 * @param count examples used
 * @param lossSum Σ_i l_i over those examples
 * @param vector gradient sum or parameters, numParams values
 * @param optimizerState optimizer state after local steps, or null
 * @param computeNanos time the task spent in forward/backward and local updates
 * @param divergedStep local-steps mode: the 0-based step of the epoch at which the partition's
 *     loss, gradient or weights stopped being finite (it stopped there), else -1
 * @param divergence what was not finite at {@code divergedStep}, or null
 *
 * <p>Kryo carries it in dptrain's own sessions; it is also Serializable so that training works in
 * a session with Spark's default Java serializer (the Spark ML estimators in a user's session).
 */
public record PartitionResult(int partition, long count, double lossSum, double[] vector,
    double[] optimizerState, long computeNanos, int divergedStep, String divergence)
    implements Serializable {

  /** A result with no divergence. */
  public PartitionResult(int partition, long count, double lossSum, double[] vector,
      double[] optimizerState, long computeNanos) {
    this(partition, count, lossSum, vector, optimizerState, computeNanos, -1, null);
  }
}
