package org.dptrain.driver.train;

import java.io.Serializable;

/**
 * What one barrier task of {@code --sync allreduce} returns at the end of its stage. Every task
 * holds the same weights then, so only task 0 ships them; every task reports its own timings and,
 * if the stage stopped at a divergence, what it saw.
 *
 * @param rank the task's index in the stage
 * @param lossSum task 0: the epoch's loss sum carried on through the stage's synchronisations
 * @param examples task 0: the epoch's examples so far
 * @param optimizerSteps task 0: the optimizer's step count at the end
 * @param weights task 0: the parameters at the end, else null
 * @param optimizerState task 0: the optimizer state at the end, else null
 * @param computeNanos this task's forward/backward and update time in the stage
 * @param collectiveNanos this task's time in the collective (waiting for peers included)
 * @param bytesSent bytes this task sent to its peers
 * @param bytesReceived bytes this task received from its peers
 * @param divergedStep 1-based step of the epoch where this task saw training diverge, else 0
 * @param divergedOptimizerStep the 1-based optimizer step there
 * @param divergedPartition the partition that diverged (local steps), or -1 when every task saw
 *     the same merged step diverge (synchronous steps)
 * @param divergence what was not finite, as {@link TrainingDivergedException#reason()}, or null
 */
public record StageResult(int rank, double lossSum, long examples, long optimizerSteps,
    double[] weights, double[] optimizerState, long computeNanos, long collectiveNanos,
    long bytesSent, long bytesReceived, int divergedStep, long divergedOptimizerStep,
    int divergedPartition, String divergence) implements Serializable {

  /** Whether this one comes before {@code other} as the run's first divergence (step, then
   *  partition). */
  boolean divergedBefore(StageResult other) {
    return divergence != null && (other == null || other.divergence == null
        || divergedStep < other.divergedStep
        || (divergedStep == other.divergedStep && divergedPartition < other.divergedPartition));
  }
}
