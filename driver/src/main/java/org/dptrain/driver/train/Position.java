package org.dptrain.driver.train;

/**
 * A point between synchronisations where training can stop and resume.
 *
 * @param epoch 0-based epoch in progress (or about to start)
 * @param sync synchronisations of that epoch already done (0 = the epoch's start)
 * @param step steps of that epoch already done
 * @param stepsPerEpoch S
 * @param syncsPerEpoch synchronisations per epoch
 * @param totals the epoch's accumulators so far
 */
public record Position(int epoch, int sync, int step, int stepsPerEpoch, int syncsPerEpoch,
    EpochTotals totals) {
  /** The start of training. */
  public static final Position START = new Position(0, 0, 0, 0, 0, EpochTotals.ZERO);

  /** Steps of all epochs so far: epoch · S + step. */
  public long globalStep() {
    return (long) epoch * stepsPerEpoch + step;
  }

  /** The start of 0-based epoch {@code e}. */
  public static Position startOfEpoch(int e) {
    return new Position(e, 0, 0, 0, 0, EpochTotals.ZERO);
  }
}
