package org.dptrain.driver.train;

/**
 * Training stopped because a loss, gradient or weight stopped being finite. The message names the
 * epoch, the step and the optimizer step where it happened and what was not finite, then what to
 * do; the job adds which checkpoint is the last good one.
 */
public final class TrainingDivergedException extends IllegalStateException {
  private static final long serialVersionUID = 1L;
  private static final String ADVICE = " — lower --lr or use --clip-norm";

  private final int epoch;
  private final int step;
  private final long optimizerStep;
  private final String reason;
  private final String checkpointNote;

  /**
   * @param epoch 1-based epoch
   * @param step 1-based step within the epoch
   * @param optimizerStep 1-based optimizer step over the whole run
   * @param reason what was not finite, e.g. "the mean loss of the step is NaN"
   */
  public TrainingDivergedException(int epoch, int step, long optimizerStep, String reason) {
    this(epoch, step, optimizerStep, reason, null);
  }

  private TrainingDivergedException(int epoch, int step, long optimizerStep, String reason,
      String checkpointNote) {
    super("training diverged at epoch " + epoch + ", step " + step + " (optimizer step "
        + optimizerStep + "): " + reason + (checkpointNote == null ? "" : "; " + checkpointNote)
        + ADVICE);
    this.epoch = epoch;
    this.step = step;
    this.optimizerStep = optimizerStep;
    this.reason = reason;
    this.checkpointNote = checkpointNote;
  }

  /** The same divergence, its message also saying {@code note} (e.g. the last good checkpoint). */
  public TrainingDivergedException withCheckpointNote(String note) {
    TrainingDivergedException e = new TrainingDivergedException(epoch, step, optimizerStep,
        reason, note);
    e.setStackTrace(getStackTrace());
    return e;
  }

  /** 1-based epoch. */
  public int epoch() {
    return epoch;
  }

  /** 1-based step within the epoch. */
  public int step() {
    return step;
  }

  /** 1-based optimizer step over the whole run. */
  public long optimizerStep() {
    return optimizerStep;
  }

  /** What was not finite. */
  public String reason() {
    return reason;
  }

  /** The checkpoint note, or null. */
  public String checkpointNote() {
    return checkpointNote;
  }
}
