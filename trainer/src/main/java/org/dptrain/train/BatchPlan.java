package org.dptrain.train;

import java.util.SplittableRandom;

/**
 * Which examples form each mini-batch: a pure function of (seed, epoch, step, partition), shared
 * by the reference trainer and the distributed one so that they visit the same examples.
 *
 * <p>An epoch over N examples with global batch size B has S = ceil(N / B) steps. Partition p of
 * P, holding n examples, shuffles them with a permutation drawn from (seed, epoch, p) and gives step
 * t the positions [floor((t·n + phi_p)/S), floor(((t+1)·n + phi_p)/S)) of that permutation, with
 * the phase phi_p = floor(p·S/P). Every example is visited once per epoch and each slice holds
 * floor or ceil of n/S examples; the phases stagger where the partitions' larger slices fall, so the
 * global batch of step t (the union of the partitions' slices) stays close to N/S &le; B instead of
 * all partitions rounding up, or down, at the same step. With one partition the phase is 0 and the
 * batches hold floor or ceil of N/S &le; B examples (no ragged last batch).
 */
public final class BatchPlan {
  private BatchPlan() {}

  /** S = ceil(total / batchSize), at least 1 for a non-empty dataset. */
  public static int stepsPerEpoch(long total, int batchSize) {
    if (batchSize < 1) {
      throw new IllegalArgumentException("batch size must be at least 1, got " + batchSize);
    }
    if (total < 1) {
      throw new IllegalArgumentException("an epoch needs at least one example, got " + total);
    }
    long s = (total + batchSize - 1) / batchSize;
    if (s > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(total + " examples in batches of " + batchSize
          + " make more steps per epoch than an int counts");
    }
    return (int) s;
  }

  /** Start (inclusive) of step t's slice of partition 0 (or the only partition) of n examples;
   *  t = steps gives n. */
  public static int sliceStart(int t, int n, int steps) {
    return sliceStart(t, n, steps, 0);
  }

  /**
   * Start (inclusive) of step t's slice of a partition of n examples with phase {@code phase}
   * (see {@link #phase}); t = 0 gives 0 and t = steps gives n.
   */
  public static int sliceStart(int t, int n, int steps, int phase) {
    return (int) (((long) t * n + phase) / steps);
  }

  /** The phase of partition p of P in an epoch of S steps, floor(p·S/P), in [0, S). */
  public static int phase(int partition, int partitions, int steps) {
    if (partition < 0 || partition >= partitions) {
      throw new IllegalArgumentException("partition " + partition + " is outside [0, " + partitions
          + ")");
    }
    return (int) ((long) partition * steps / partitions);
  }

  /** A seed for (seed, epoch, partition), well mixed so neighbouring values are unrelated. */
  public static long streamSeed(long seed, long epoch, long partition) {
    return mix64(mix64(mix64(seed) + epoch) + partition);
  }

  /**
   * The order in which a partition of n examples is visited in an epoch: a Fisher-Yates shuffle
   * driven by {@link #streamSeed}.
   *
   * @param order receives the permutation of 0..n-1 (modified in place), length at least n
   */
  public static void permutation(long seed, int epoch, int partition, int n, int[] order) {
    if (n < 0 || order.length < n) {
      throw new IllegalArgumentException("a permutation of " + n + " examples needs n >= 0 and a"
          + " buffer of at least n, got " + order.length);
    }
    SplittableRandom rnd = new SplittableRandom(streamSeed(seed, epoch, partition));
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    for (int i = n - 1; i > 0; i--) {
      int j = rnd.nextInt(i + 1);
      int tmp = order[i];
      order[i] = order[j];
      order[j] = tmp;
    }
  }

  /** The permutation in a new array; see {@link #permutation(long, int, int, int, int[])}. */
  public static int[] permutation(long seed, int epoch, int partition, int n) {
    int[] order = new int[n];
    permutation(seed, epoch, partition, n, order);
    return order;
  }

  // SplitMix64's finaliser (Steele, Lea & Flood, "Fast splittable pseudorandom number generators",
  // OOPSLA 2014).
  private static long mix64(long z) {
    z += 0x9e3779b97f4a7c15L;
    z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
    z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
    return z ^ (z >>> 31);
  }
}
