package org.dptrain.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The per-step divergence checks, on the edge values of float64 (no Spark). */
class FiniteTest {
  @Test
  void onlyNanAndInfinitiesAreNotFinite() {
    assertTrue(Finite.all(new double[0]));
    assertTrue(Finite.all(new double[] {0.0, -0.0, Double.MAX_VALUE, -Double.MAX_VALUE,
        Double.MIN_VALUE, Double.MIN_NORMAL, 1e308, -1e-320}));
    for (double bad : new double[] {Double.NaN, Double.POSITIVE_INFINITY,
        Double.NEGATIVE_INFINITY, Double.longBitsToDouble(0xfff8000000000001L)}) {
      double[] v = new double[1001];
      v[1000] = bad;
      assertFalse(Finite.all(v), Double.toString(bad));
      v[1000] = 0;
      v[0] = bad;
      assertFalse(Finite.all(v), Double.toString(bad));
    }
  }

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
