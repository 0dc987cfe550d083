package org.dptrain.driver.train;

import java.io.Serializable;
import org.apache.spark.Partitioner;

/**
 * Which partitions each barrier task of {@code --sync allreduce} owns: T tasks over P &ge; T
 * partitions, task t owning the contiguous range [floor(t·P/T), floor((t+1)·P/T)). Because the
 * ranges are contiguous and in order, "task 0's partials, then task 1's, ..." is partition order,
 * so the tasks' in-order sum is the driver's sum over partitions.
 *
 * @param partitions P, the math: which examples form each partition's share of a step
 * @param tasks T, the slots: barrier tasks that run at once
 */
record TaskGroups(int partitions, int tasks) implements Serializable {
  TaskGroups {
    if (tasks < 1 || tasks > partitions) {
      throw new IllegalArgumentException("cannot spread " + partitions + " partitions over "
          + tasks + " tasks: need 1 <= tasks <= partitions");
    }
  }

  /** The first partition of task {@code t}. */
  int first(int t) {
    return (int) ((long) t * partitions / tasks);
  }

  /** One past the last partition of task {@code t}. */
  int end(int t) {
    return first(t + 1);
  }

  /** The task that owns partition {@code p}. */
  int taskOf(int p) {
    int t = (int) ((long) p * tasks / partitions);
    // the floor above can land one below the owner; never above it
    while (end(t) <= p) {
      t++;
    }
    return t;
  }

  /** E.g. "task 1 (partitions 8-15)" or "task 0 (partition 0)". */
  String label(int t) {
    int a = first(t);
    int b = end(t) - 1;
    return "task " + t + (a == b ? " (partition " + a + ")" : " (partitions " + a + "-" + b + ")");
  }

  /** Sends partition p's block (keyed by p) to the shuffle partition of its task. */
  Partitioner partitioner() {
    return new ByTask(this);
  }

  private static final class ByTask extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final TaskGroups groups;

    ByTask(TaskGroups groups) {
      this.groups = groups;
    }

    @Override
    public int numPartitions() {
      return groups.tasks();
    }

    @Override
    public int getPartition(Object key) {
      return groups.taskOf((Integer) key);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof ByTask b && b.groups.equals(groups);
    }

    @Override
    public int hashCode() {
      return groups.hashCode();
    }
  }
}
