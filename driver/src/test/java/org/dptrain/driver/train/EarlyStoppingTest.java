package org.dptrain.driver.train;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dptrain.driver.data.TaskType;
import org.dptrain.driver.eval.Metric;
import org.dptrain.driver.eval.Metrics;
import org.junit.jupiter.api.Test;

/** Early stopping as plain logic: no Spark. */
class EarlyStoppingTest {
  static Metrics rmse(double v) {
    return new Metrics(TaskType.REGRESSION, 10, Double.NaN, Double.NaN, Double.NaN, null, v, v,
        0.5);
  }

  static Metrics accuracy(double v) {
    return new Metrics(TaskType.BINARY, 10, v, v, 0.3, new long[][] {{1, 0}, {0, 1}}, Double.NaN,
        Double.NaN, Double.NaN);
  }

  @Test
  void smallerIsBetterForRmseAndThePatienceCounts() {
    EarlyStopping es = new EarlyStopping(Metric.RMSE, 2);
    assertFalse(es.offer(1, rmse(1.0), new double[] {1}));
    assertFalse(es.offer(2, rmse(0.5), new double[] {2}));
    assertFalse(es.offer(3, rmse(0.5), new double[] {3}), "equal is no improvement");
    assertEquals(1, es.sinceBest());
    assertTrue(es.offer(4, rmse(0.7), new double[] {4}));
    assertEquals(2, es.bestEpoch());
    assertArrayEquals(new double[] {2}, es.bestWeights());
    assertEquals(0.5, es.best().rmse());
  }

  @Test
  void largerIsBetterForAccuracyAndTheBestWeightsAreACopy() {
    EarlyStopping es = new EarlyStopping(Metric.ACCURACY, 1);
    double[] w = {1, 2};
    assertFalse(es.offer(1, accuracy(0.6), w));
    w[0] = 9;
    assertFalse(es.offer(2, accuracy(0.8), new double[] {3, 4}));
    assertTrue(es.offer(3, accuracy(0.7), new double[] {5, 6}));
    assertArrayEquals(new double[] {3, 4}, es.bestWeights());
    assertEquals("--patience must be at least 1, got 0", assertThrows(
        IllegalArgumentException.class, () -> new EarlyStopping(Metric.RMSE, 0)).getMessage());
  }

  @Test
  void restoreRefusesHalfAState() {
    EarlyStopping es = new EarlyStopping(Metric.RMSE, 3);
    assertEquals("best metrics without best weights", assertThrows(
        IllegalArgumentException.class, () -> es.restore(2, 1, rmse(0.4), null)).getMessage());
    es.restore(2, 1, rmse(0.4), new double[] {7});
    assertFalse(es.offer(3, rmse(0.45), new double[] {8}));
    assertEquals(2, es.sinceBest());
    assertTrue(es.offer(4, rmse(0.45), new double[] {9}));
    assertArrayEquals(new double[] {7}, es.bestWeights());
  }
}
