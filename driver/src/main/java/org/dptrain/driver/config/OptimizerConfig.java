package org.dptrain.driver.config;

import org.dptrain.optim.OptimizerSpec;
import org.dptrain.optim.Schedule;

/**
 * The update rule and its schedule ({@link SettingTable#OPTIMIZER} to
 * {@link SettingTable#SCHEDULE}).
 *
 * @param schedule the schedule as written; {@code cosine:WARMUP} runs to the end of the run and
 *     so becomes a {@link Schedule} only once the run's length is known ({@link #spec})
 */
public record OptimizerConfig(OptimizerSpec.Kind kind, double learningRate, double momentum,
    double beta1, double beta2, double epsilon, double weightDecay, double clipNorm,
    String schedule) {

  /** The optimizer of a run of {@code totalSteps} optimizer steps. */
  public OptimizerSpec spec(long totalSteps) {
    return new OptimizerSpec(kind, learningRate, momentum, beta1, beta2, epsilon, weightDecay,
        clipNorm, Schedule.parse(schedule, totalSteps));
  }
}
