package org.dptrain.driver.train;

/**
 * Sums over the synchronisations of an epoch so far: what a resumed epoch continues from, so
 * that its report is the one an uninterrupted epoch gives.
 *
 * @param lossSum Σ of the loss over the examples so far, added one synchronisation at a time
 * @param examples examples so far
 * @param computeNanos Σ over synchronisations of the slowest partition's (or barrier task's)
 *     compute time
 * @param broadcastNanos driver time creating and destroying broadcasts
 * @param jobNanos wall time of the Spark jobs (in allreduce mode: of the barrier stages)
 * @param updateNanos driver time merging and updating
 * @param elapsedNanos wall time of the epoch so far
 */
public record EpochTotals(double lossSum, long examples, long computeNanos, long broadcastNanos,
    long jobNanos, long updateNanos, long elapsedNanos) {
  /** Nothing yet: the start of an epoch. */
  public static final EpochTotals ZERO = new EpochTotals(0.0, 0, 0, 0, 0, 0, 0);

  /**
   * These totals with one more synchronisation's (or stage's) counts and timings added. The loss
   * is added as given: a stage that ran several synchronisations passes the loss sum it carried
   * on from {@link #lossSum} (see {@link #carriedOn}), never a sum of its own, so that the
   * additions happen in the same order whatever the synchronisation scheme.
   */
  EpochTotals plus(double loss, long count, long compute, long broadcast, long job,
      long update) {
    return new EpochTotals(lossSum + loss, examples + count, computeNanos + compute,
        broadcastNanos + broadcast, jobNanos + job, updateNanos + update, elapsedNanos);
  }

  /**
   * The totals after a stage that carried the loss sum and examples on from these (so they
   * replace them), with its timings added.
   */
  EpochTotals carriedOn(double newLossSum, long newExamples, long compute, long broadcast,
      long job, long update) {
    return new EpochTotals(newLossSum, newExamples, computeNanos + compute,
        broadcastNanos + broadcast, jobNanos + job, updateNanos + update, elapsedNanos);
  }

  /** These totals with the elapsed time replaced. */
  EpochTotals withElapsed(long nanos) {
    return new EpochTotals(lossSum, examples, computeNanos, broadcastNanos, jobNanos,
        updateNanos, nanos);
  }
}
