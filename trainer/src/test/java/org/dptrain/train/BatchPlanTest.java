package org.dptrain.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

/** The batch plan: pure, seeded permutations and the step slices that cover a partition. */
class BatchPlanTest {
  static final long SEED = 1234L;

  @ParameterizedTest(name = "n = {0}")
  @ValueSource(ints = {0, 1, 2, 10, 1000})
  void permutationIsAPermutation(int n) {
    int[] order = BatchPlan.permutation(SEED, 3, 2, n);
    assertEquals(n, order.length);
    int[] sorted = order.clone();
    Arrays.sort(sorted);
    assertArrayEquals(IntStream.range(0, n).toArray(), sorted);
  }

  @Test
  void permutationIsAPureFunctionOfSeedEpochAndPartition() {
    int n = 50;
    int[] first = BatchPlan.permutation(SEED, 4, 1, n);
    assertArrayEquals(first, BatchPlan.permutation(SEED, 4, 1, n), "same inputs, same order");

    // The in-place form ignores what the buffer held and leaves entries past n alone.
    int[] buffer = new int[n + 3];
    Arrays.fill(buffer, -7);
    BatchPlan.permutation(SEED, 4, 1, n, buffer);
    assertArrayEquals(first, Arrays.copyOf(buffer, n));
    assertArrayEquals(new int[] {-7, -7, -7}, Arrays.copyOfRange(buffer, n, n + 3));
    BatchPlan.permutation(SEED, 4, 1, n, buffer);
    assertArrayEquals(first, Arrays.copyOf(buffer, n), "a used buffer gives the same order");

    assertEquals(BatchPlan.streamSeed(SEED, 4, 1), BatchPlan.streamSeed(SEED, 4, 1));
  }

  @Test
  void permutationDiffersAcrossSeedsEpochsAndPartitions() {
    int n = 50;
    int[] base = BatchPlan.permutation(SEED, 0, 0, n);
    assertFalse(Arrays.equals(base, BatchPlan.permutation(SEED, 1, 0, n)), "next epoch");
    assertFalse(Arrays.equals(base, BatchPlan.permutation(SEED, 0, 1, n)), "next partition");
    assertFalse(Arrays.equals(base, BatchPlan.permutation(SEED + 1, 0, 0, n)), "next seed");
    assertFalse(Arrays.equals(BatchPlan.permutation(SEED, 1, 0, n),
        BatchPlan.permutation(SEED, 0, 1, n)), "epoch and partition do not commute");
    assertFalse(Arrays.equals(IntStream.range(0, n).toArray(), base), "it does shuffle");

    long[] seeds = {
        BatchPlan.streamSeed(SEED, 0, 0), BatchPlan.streamSeed(SEED, 1, 0),
        BatchPlan.streamSeed(SEED, 0, 1), BatchPlan.streamSeed(SEED + 1, 0, 0)
    };
    assertEquals(seeds.length, Arrays.stream(seeds).distinct().count(), Arrays.toString(seeds));
  }

  @ParameterizedTest(name = "{0} examples in batches of {1}: {2} steps")
  @CsvSource({"10, 3, 4", "9, 3, 3", "1, 100, 1", "100, 1, 100", "7, 7, 1", "8, 7, 2",
      "100, 32, 4"})
  void stepsPerEpochIsTheCeilingOfTotalOverBatch(long total, int batchSize, int steps) {
    assertEquals(steps, BatchPlan.stepsPerEpoch(total, batchSize));
  }

  /**
   * One partition: step t takes positions [sliceStart(t), sliceStart(t+1)) of the epoch's
   * permutation; over the S steps every example is visited exactly once, each slice holds at most
   * the batch size and at least one example, and slice sizes differ by at most one (no ragged last
   * batch).
   */
  @ParameterizedTest(name = "{0} examples, batch size {1}")
  @CsvSource({"10, 3", "7, 7", "7, 10", "100, 32", "1, 1", "31, 4", "64, 8"})
  void slicesCoverThePartitionExactlyOncePerEpoch(int n, int batchSize) {
    int steps = BatchPlan.stepsPerEpoch(n, batchSize);
    assertEquals(0, BatchPlan.sliceStart(0, n, steps));
    assertEquals(n, BatchPlan.sliceStart(steps, n, steps));
    for (int epoch = 0; epoch < 3; epoch++) {
      int[] order = BatchPlan.permutation(SEED, epoch, 0, n);
      int[] visits = new int[n];
      int smallest = Integer.MAX_VALUE;
      int largest = 0;
      for (int t = 0; t < steps; t++) {
        int from = BatchPlan.sliceStart(t, n, steps);
        int to = BatchPlan.sliceStart(t + 1, n, steps);
        int size = to - from;
        assertTrue(size <= batchSize, "step " + t + " has " + size + " > " + batchSize);
        smallest = Math.min(smallest, size);
        largest = Math.max(largest, size);
        for (int p = from; p < to; p++) {
          visits[order[p]]++;
        }
      }
      int[] once = new int[n];
      Arrays.fill(once, 1);
      assertArrayEquals(once, visits, "epoch " + epoch);
      assertTrue(smallest >= 1, "empty step in epoch " + epoch);
      assertTrue(largest - smallest <= 1, "sizes " + smallest + ".." + largest);
    }
  }

  /**
   * Several partitions share the global step count; each partition's slices still cover it
   * exactly once and are no larger than the batch size.
   */
  @Test
  void eachPartitionIsCoveredOncePerEpochUnderTheGlobalStepCount() {
    int[] partitionSizes = {13, 0, 7, 20, 1};
    int batchSize = 8;
    int total = Arrays.stream(partitionSizes).sum();
    int steps = BatchPlan.stepsPerEpoch(total, batchSize);
    for (int p = 0; p < partitionSizes.length; p++) {
      int n = partitionSizes[p];
      int[] order = BatchPlan.permutation(SEED, 2, p, n);
      int[] visits = new int[n];
      for (int t = 0; t < steps; t++) {
        int from = BatchPlan.sliceStart(t, n, steps);
        int to = BatchPlan.sliceStart(t + 1, n, steps);
        assertTrue(from <= to && to - from <= batchSize, "partition " + p + ", step " + t);
        for (int i = from; i < to; i++) {
          visits[order[i]]++;
        }
      }
      for (int i = 0; i < n; i++) {
        assertEquals(1, visits[i], "partition " + p + ", example " + i);
      }
    }
  }

  @Test
  void badInputsAreRefusedWithTheirValues() {
    assertEquals("batch size must be at least 1, got 0", assertThrows(
        IllegalArgumentException.class, () -> BatchPlan.stepsPerEpoch(10, 0)).getMessage());
    assertEquals("batch size must be at least 1, got -3", assertThrows(
        IllegalArgumentException.class, () -> BatchPlan.stepsPerEpoch(10, -3)).getMessage());
    assertEquals("an epoch needs at least one example, got 0", assertThrows(
        IllegalArgumentException.class, () -> BatchPlan.stepsPerEpoch(0, 5)).getMessage());
    assertEquals("an epoch needs at least one example, got -1", assertThrows(
        IllegalArgumentException.class, () -> BatchPlan.stepsPerEpoch(-1, 5)).getMessage());
    long tooMany = 3L * Integer.MAX_VALUE;
    assertEquals(tooMany + " examples in batches of 1 make more steps per epoch than an int counts",
        assertThrows(IllegalArgumentException.class,
            () -> BatchPlan.stepsPerEpoch(tooMany, 1)).getMessage());
    assertEquals(Integer.MAX_VALUE, BatchPlan.stepsPerEpoch(Integer.MAX_VALUE, 1),
        "the largest count that fits");
  }
}
