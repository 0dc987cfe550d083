package org.dptrain.driver.train;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.dptrain.gradient.GradientAccumulator;
import org.dptrain.network.NetworkSpec;
import scala.Tuple2;

/**
 * Merges partition results in PARTITION ORDER, never in the order tasks finish: floating-point
 * addition is not associative, so this order is what makes two runs give the same bits (and why
 * the loop does not use Spark's treeAggregate, which combines in completion order).
 *
 * <p>Gradient partials merge through {@link GradientAccumulator#merge}: the sum starts as the
 * first non-empty partial's bits and adds each later one, element by element. Parameter averages
 * (local-steps mode) start from zeros and add count-weighted parameters in partition order.
 */
final class OrderedMerge {
  private OrderedMerge() {}

  /**
   * The partials of one step, partly merged in a keyed tree on the executors when {@code depth}
   * is 2 or more (groups of consecutive partitions, each merged in order), else collected as they
   * are; sorted by partition either way, for {@link #sumInOrder}.
   */
  static List<PartitionResult> collect(JavaRDD<PartitionResult> partials, int depth,
      NetworkSpec spec) {
    List<PartitionResult> out = new ArrayList<>(depth == 1 ? partials.collect()
        : treeReduce(partials, depth, spec));
    out.sort(Comparator.comparingInt(PartitionResult::partition));
    return out;
  }

  /** Reduces partials level by level, keys = index / fanout, merging each group sorted by index. */
  static List<PartitionResult> treeReduce(JavaRDD<PartitionResult> partials, int depth,
      NetworkSpec spec) {
    int n = partials.getNumPartitions();
    int fanout = Math.max(2, (int) Math.ceil(Math.pow(n, 1.0 / depth)));
    JavaPairRDD<Integer, PartitionResult> level =
        partials.mapToPair(r -> new Tuple2<>(r.partition(), r));
    while (n > fanout) {
      int groups = (n + fanout - 1) / fanout;
      int f = fanout;
      level = level.mapToPair(t -> new Tuple2<>(t._1() / f, t._2()))
          .groupByKey(groups)
          .mapToPair(t -> {
            List<PartitionResult> group = new ArrayList<>();
            t._2().forEach(group::add);
            return new Tuple2<>(t._1(), sumInOrder(group, t._1(), spec));
          });
      n = groups;
    }
    return level.values().collect();
  }

  /**
   * Σ of the gradient partials sorted by partition, skipping empty ones; the result carries
   * {@code index}, the summed count and loss, and the largest compute time. All partials empty:
   * count 0 and a null vector. Only non-empty partials count towards the compute time.
   */
  static PartitionResult sumInOrder(List<PartitionResult> parts, int index, NetworkSpec spec) {
    List<PartitionResult> sorted = new ArrayList<>(parts);
    sorted.sort(Comparator.comparingInt(PartitionResult::partition));
    GradientAccumulator sum = null;
    long compute = 0;
    for (PartitionResult r : sorted) {
      if (r.count() == 0) {
        continue;
      }
      compute = Math.max(compute, r.computeNanos());
      GradientAccumulator partial = new GradientAccumulator(spec, 1, r.vector(), r.lossSum(),
          r.count());
      if (sum == null) {
        sum = partial;
      } else {
        sum.merge(partial);
      }
    }
    return sum == null ? new PartitionResult(index, 0, 0.0, null, null, compute)
        : new PartitionResult(index, sum.count(), sum.lossSum(), sum.gradientSum(), null, compute);
  }

  /**
   * Parameters and optimizer state averaged over partitions in partition order, weighted by the
   * examples each used: Σ_p (n_p / n) · v_p from zeros, empty partitions skipped. With one
   * partition the factor is exactly 1.0, so the average is that partition's bits.
   */
  static PartitionResult average(List<PartitionResult> parts, int numParams) {
    long count = 0;
    double loss = 0.0;
    long compute = 0;
    for (PartitionResult r : parts) {
      count += r.count();
      loss += r.lossSum();
      compute = Math.max(compute, r.computeNanos());
    }
    double[] w = new double[numParams];
    double[] state = null;
    for (PartitionResult r : parts) {
      if (r.count() == 0) {
        continue;
      }
      double f = (double) r.count() / count;
      double[] v = r.vector();
      for (int i = 0; i < numParams; i++) {
        w[i] += f * v[i];
      }
      double[] s = r.optimizerState();
      if (state == null) {
        state = new double[s.length];
      }
      for (int i = 0; i < s.length; i++) {
        state[i] += f * s[i];
      }
    }
    return new PartitionResult(0, count, loss, w, state, compute);
  }

  /** The result reporting the earliest divergence (lowest step, then partition), or null. */
  static PartitionResult firstDivergence(List<PartitionResult> parts) {
    PartitionResult first = null;
    for (PartitionResult r : parts) {
      if (r.divergence() != null && (first == null || r.divergedStep() < first.divergedStep()
          || (r.divergedStep() == first.divergedStep() && r.partition() < first.partition()))) {
        first = r;
      }
    }
    return first;
  }
}
