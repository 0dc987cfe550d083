package org.dptrain.driver.train;

import java.io.Serializable;

/**
 * Called on the executor before each partition's work of each synchronisation: at the start of
 * every partition task in {@code --sync driver}, and inside the barrier task that owns the
 * partition before each synchronisation in {@code --sync allreduce}. Production runs use {@link
 * #NONE}; tests use it to delay tasks at random or make one fail, to show that results do not
 * depend on task timing or retries.
 */
@FunctionalInterface
public interface TaskHook extends Serializable {
  /** Does nothing. */
  TaskHook NONE = (partition, epoch, sync, attempt) -> { };

  /**
   * @param partition the partition index
   * @param epoch 0-based epoch
   * @param sync 0-based synchronisation within the epoch
   * @param attempt Spark's attempt number of this task (0 for the first); in allreduce mode the
   *     attempt number of the barrier stage, which the trainer reruns as a whole
   */
  void beforeTask(int partition, int epoch, int sync, int attempt) throws Exception;
}
