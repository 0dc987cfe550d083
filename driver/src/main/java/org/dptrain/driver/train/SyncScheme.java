package org.dptrain.driver.train;

import org.dptrain.optim.Optimizer;

/**
 * How the partitions' work of some synchronisations of an epoch becomes one set of weights on
 * the driver: {@link DriverSync} (one Spark job per synchronisation) or {@link AllreduceSync}
 * (one barrier stage for many). {@link DistributedTrainer} owns the epochs and the listeners;
 * a scheme owns everything between two points where the driver holds the weights.
 */
interface SyncScheme extends AutoCloseable {
  /**
   * The most synchronisations one {@link #run} may span; the trainer returns to the driver's
   * listeners in between anyway where they need the weights.
   */
  int maxSyncsPerRun();

  /**
   * Runs synchronisations [fromSync, toSync) of 0-based {@code epoch}, starting from {@code w}
   * and {@code optimizer} (both updated in place).
   *
   * @param totals the epoch's sums before {@code fromSync}
   * @return the epoch's sums after {@code toSync - 1} (the elapsed time is the caller's)
   * @throws TrainingDivergedException at the first step that is not finite
   */
  EpochTotals run(int epoch, int fromSync, int toSync, double[] w, Optimizer optimizer,
      EpochTotals totals);

  /** Releases what the scheme cached for the run (nothing by default). */
  @Override
  default void close() {}
}
