package org.dptrain.train;

import org.dptrain.data.Block;
import org.dptrain.gradient.GradientAccumulator;
import org.dptrain.network.Initializer;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.dptrain.optim.OptimizerSpec;

/**
 * Mini-batch training in one thread: the articles' {@code train(x, y, batch_size, epochs, lr)} and
 * the yardstick the distributed trainer must equal bit for bit with one partition. Batches follow
 * {@link BatchPlan} with partition 0; each step is accumulate, mean, optimizer step. The products
 * run in the block's {@link org.dptrain.data.Precision} (a float32 block gives the float32
 * reference); the weights, gradient and optimizer are float64 either way.
 */
public final class ReferenceTrainer {
  /** Seed used when none is given. */
  public static final long DEFAULT_SEED = 7L;

  /**
   * How to train.
   *
   * @param batchSize examples averaged into one update, &ge; 1
   * @param epochs passes over the data, &ge; 1
   * @param seed drives the initial weights and the per-epoch shuffles
   * @param optimizer the update rule
   */
  public record Config(int batchSize, int epochs, long seed, OptimizerSpec optimizer) {
    public Config {
      if (batchSize < 1) {
        throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
      }
      if (epochs < 1) {
        throw new IllegalArgumentException("epochs must be at least 1, got " + epochs);
      }
      if (optimizer == null) {
        throw new IllegalArgumentException("optimizer must be given");
      }
    }
  }

  /**
   * What training produced.
   *
   * @param weights the final flat parameters
   * @param epochLoss mean training loss of each epoch, over its batches as they were seen
   */
  public record Result(double[] weights, double[] epochLoss) {}

  private ReferenceTrainer() {}

  /**
   * The articles' entry point: plain SGD at rate {@code lr}, weights initialised from
   * {@link #DEFAULT_SEED}.
   *
   * @param x one row per example
   * @param y one row per example: one-hot classes, 0/1 targets or regression values
   */
  public static Result train(NetworkSpec spec, double[][] x, double[][] y, int batchSize,
      int epochs, double lr) {
    Config config = new Config(batchSize, epochs, DEFAULT_SEED, OptimizerSpec.sgd(lr));
    return train(spec, Initializer.initialize(spec, config.seed()), Block.ofRows(x, y), config);
  }

  /**
   * Trains from {@code initialWeights} (not modified) on {@code data}.
   *
   * @throws IllegalArgumentException if the shapes of weights or data do not fit the spec
   */
  public static Result train(NetworkSpec spec, double[] initialWeights, Block data, Config config) {
    if (initialWeights.length != spec.numParams()) {
      throw new IllegalArgumentException("initial weights have " + initialWeights.length
          + " values, " + spec + " has " + spec.numParams() + " parameters");
    }
    if (data.size() == 0) {
      throw new IllegalArgumentException("cannot train on an empty dataset");
    }
    double[] w = initialWeights.clone();
    double[] g = new double[w.length];
    int n = data.size();
    int steps = BatchPlan.stepsPerEpoch(n, config.batchSize());
    int[] order = new int[n];
    GradientAccumulator acc = new GradientAccumulator(spec, config.batchSize());
    Optimizer optimizer = new Optimizer(config.optimizer(), w.length);
    double[] epochLoss = new double[config.epochs()];
    for (int epoch = 0; epoch < config.epochs(); epoch++) {
      BatchPlan.permutation(config.seed(), epoch, 0, n, order);
      double lossSum = 0.0;
      for (int t = 0; t < steps; t++) {
        acc.reset();
        // forward + backward
        acc.add(w, data, order, BatchPlan.sliceStart(t, n, steps),
            BatchPlan.sliceStart(t + 1, n, steps));
        lossSum += acc.lossSum();
        // update
        acc.mean(g);
        optimizer.step(w, g);
      }
      epochLoss[epoch] = lossSum / n;
    }
    return new Result(w, epochLoss);
  }
}
