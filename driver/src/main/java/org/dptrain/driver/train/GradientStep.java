package org.dptrain.driver.train;

import org.dptrain.gradient.GradientAccumulator;
import org.dptrain.model.Float64Codec;
import org.dptrain.optim.Optimizer;

/**
 * One update of synchronous SGD from a step's merged gradient sum, with the divergence checks:
 * the same code on the driver ({@code --sync driver}) and in every barrier task ({@code --sync
 * allreduce}), so both give the same bits and the same message.
 */
final class GradientStep {
  private GradientStep() {}

  /**
   * w ← optimizer step with the mean gradient sum / count. A step whose global batch is empty
   * (count 0, possible only with fewer examples in some partitions than steps) changes nothing.
   *
   * @param sum the step's gradient sum, loss sum and count over all partitions
   * @param g scratch for the mean gradient (modified), numParams values
   * @param w parameters (modified in place)
   * @param epoch 0-based epoch
   * @param step 0-based step of the epoch
   * @throws TrainingDivergedException if the loss, the mean gradient or the updated weights are
   *     not finite; then {@code w} must be thrown away
   */
  static void apply(GradientAccumulator sum, double[] g, double[] w, Optimizer optimizer,
      int epoch, int step) {
    if (sum.count() == 0) {
      return;
    }
    sum.mean(g);
    String bad = Finite.check(sum.lossSum(), g);
    if (bad != null) {
      throw new TrainingDivergedException(epoch + 1, step + 1, optimizer.stepCount() + 1, bad);
    }
    optimizer.step(w, g);
    if (!Float64Codec.allFinite(w)) {
      throw new TrainingDivergedException(epoch + 1, step + 1, optimizer.stepCount(),
          "the weights after the update are not finite");
    }
  }
}
