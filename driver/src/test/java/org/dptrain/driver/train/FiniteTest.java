package org.dptrain.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import org.junit.jupiter.api.Test;

/** The per-step divergence check and its message (no Spark). */
class FiniteTest {
  @Test
  void aStepNamesWhatIsNotFinite() {
    double[] g = {0.5, -1.0, 2.0};
    assertNull(Finite.check(3.0, g));
    assertEquals("the mean loss of the step is NaN", Finite.check(Double.NaN, g));
    assertEquals("the mean loss of the step is +Infinity",
        Finite.check(Double.POSITIVE_INFINITY, g));
    double[] bad = {0.5, Double.NEGATIVE_INFINITY, Double.NaN};
    assertEquals("the gradient has 2 non-finite values (parameter 1 is -Infinity)",
        Finite.check(3.0, bad));
  }

  @Test
  void theMessageNamesEpochStepAndCheckpoint() {
    TrainingDivergedException e = new TrainingDivergedException(3, 117, 1053,
        "the mean loss of the step is NaN");
    assertEquals("training diverged at epoch 3, step 117 (optimizer step 1053): the mean loss of"
        + " the step is NaN — lower --lr or use --clip-norm", e.getMessage());
    assertEquals("training diverged at epoch 3, step 117 (optimizer step 1053): the mean loss of"
        + " the step is NaN; the last good checkpoint is ckpt-000001000 in hdfs://nn/c — lower"
        + " --lr or use --clip-norm", e.withCheckpointNote("the last good checkpoint is"
        + " ckpt-000001000 in hdfs://nn/c").getMessage());
  }
}
