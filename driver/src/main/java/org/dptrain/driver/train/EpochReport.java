package org.dptrain.driver.train;

/**
 * What one epoch did.
 *
 * @param epoch 1-based
 * @param steps optimizer steps taken in the epoch (global steps)
 * @param syncs synchronisations in the epoch: Spark jobs with {@code --sync driver}, collective
 *     sums inside the epoch's barrier stage(s) with {@code --sync allreduce}
 * @param trainLoss mean loss over the epoch's examples, each at the weights it was seen with
 * @param examples examples processed
 * @param seconds wall time of the epoch
 * @param computeSeconds Σ over syncs of the slowest partition's forward/backward/update time
 *     (driver mode); with allreduce, the slowest barrier task's compute and update, which covers
 *     all the partitions that task owns
 * @param learningRate the learning rate at the end of the epoch
 * @param broadcastSeconds driver time spent creating and destroying broadcasts
 * @param jobSeconds wall time of the Spark jobs or barrier stages (scheduling, task launch,
 *     executor work, collectives, results)
 * @param updateSeconds driver time merging partials and applying the optimizer
 */
public record EpochReport(int epoch, int steps, int syncs, double trainLoss, long examples,
    double seconds, double computeSeconds, double learningRate, double broadcastSeconds,
    double jobSeconds, double updateSeconds) {

  /** Examples per second of wall time. */
  public double samplesPerSecond() {
    return seconds > 0 ? examples / seconds : 0.0;
  }
}
