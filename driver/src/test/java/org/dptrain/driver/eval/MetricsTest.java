package org.dptrain.driver.eval;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.dptrain.driver.data.TaskType;
import org.junit.jupiter.api.Test;

/** Metrics against values worked by hand. */
class MetricsTest {

  @Test
  void multiclassAccuracyF1LogLossAndConfusion() {
    // 4 examples, 3 classes; truths 0, 1, 2, 2; predictions 0, 2, 2, 2
    double[] a = {0.7, 0.2, 0.1, 0.1, 0.3, 0.6, 0.2, 0.2, 0.6, 0.1, 0.1, 0.8};
    double[] y = {1, 0, 0, 0, 1, 0, 0, 0, 1, 0, 0, 1};
    MetricsAccumulator acc = new MetricsAccumulator(TaskType.MULTICLASS, 3);
    acc.add(a, y, 4);
    Metrics m = acc.result();
    assertEquals(0.75, m.accuracy());
    assertArrayEquals(new long[] {1, 0, 0}, m.confusion()[0]);
    assertArrayEquals(new long[] {0, 0, 1}, m.confusion()[1]);
    assertArrayEquals(new long[] {0, 0, 2}, m.confusion()[2]);
    // F1: class 0 = 1, class 1 = 0, class 2 = 2·2/(2+3) = 0.8
    assertEquals((1 + 0 + 0.8) / 3, m.macroF1(), 1e-15);
    assertEquals(-(Math.log(0.7) + Math.log(0.3) + Math.log(0.6) + Math.log(0.8)) / 4,
        m.logLoss(), 1e-15);
    assertEquals("accuracy 0.7500 macro_f1 0.6000 log_loss 0.5737", m.summary());
  }

  @Test
  void binaryUsesThresholdHalf() {
    MetricsAccumulator acc = new MetricsAccumulator(TaskType.BINARY, 1);
    acc.add(new double[] {0.9, 0.4, 0.6}, new double[] {1, 1, 0}, 3);
    Metrics m = acc.result();
    assertEquals(1.0 / 3, m.accuracy(), 1e-15);
    assertArrayEquals(new long[] {0, 1}, m.confusion()[0]);
    assertArrayEquals(new long[] {1, 1}, m.confusion()[1]);
    assertEquals(-(Math.log(0.9) + Math.log(0.4) + Math.log(0.4)) / 3, m.logLoss(), 1e-15);
  }

  @Test
  void regressionMergedInPiecesEqualsOnePass() {
    double[] a = {1.0, 2.5, 2.0, 5.0, 4.0};
    double[] y = {1.5, 2.0, 3.0, 4.0, 4.0};
    MetricsAccumulator whole = new MetricsAccumulator(TaskType.REGRESSION, 1);
    whole.add(a, y, 5);
    MetricsAccumulator left = new MetricsAccumulator(TaskType.REGRESSION, 1);
    left.add(a, y, 2);
    MetricsAccumulator right = new MetricsAccumulator(TaskType.REGRESSION, 1);
    right.add(new double[] {2.0, 5.0, 4.0}, new double[] {3.0, 4.0, 4.0}, 3);
    Metrics m = whole.result();
    Metrics merged = left.merge(right).result();
    // errors -0.5, 0.5, -1, 1, 0: SSE 2.5, SAE 3; targets mean 2.9, SST 1.96 + 0.81 + 0.01 + 1.21 + 1.21 = 5.2
    assertEquals(Math.sqrt(2.5 / 5), m.rmse(), 1e-15);
    assertEquals(3.0 / 5, m.mae(), 1e-15);
    assertEquals(1 - 2.5 / 5.2, m.r2(), 1e-12);
    assertEquals(m.r2(), merged.r2(), 1e-12);
    assertEquals(m.rmse(), merged.rmse(), 1e-15);
  }

  @Test
  void severalOutputsHaveMetricsEachAndOverall() {
    // 3 examples, 2 outputs (column-major: output 0, output 1 per example)
    double[] a = {1, 10, 2, 20, 4, 33};
    double[] y = {1, 12, 3, 20, 5, 30};
    MetricsAccumulator whole = new MetricsAccumulator(TaskType.REGRESSION, 2);
    whole.add(a, y, 3);
    MetricsAccumulator left = new MetricsAccumulator(TaskType.REGRESSION, 2);
    left.add(new double[] {1, 10}, new double[] {1, 12}, 1);
    MetricsAccumulator right = new MetricsAccumulator(TaskType.REGRESSION, 2);
    right.add(new double[] {2, 20, 4, 33}, new double[] {3, 20, 5, 30}, 2);
    Metrics m = whole.result();
    Metrics merged = left.merge(right).result();
    // output 0: errors 0, -1, -1; targets 1, 3, 5 (mean 3, SST 8)
    // output 1: errors -2, 0, 3; targets 12, 20, 30 (mean 62/3, SST 162.666...)
    OutputMetrics o0 = m.perOutput().get(0);
    OutputMetrics o1 = m.perOutput().get(1);
    assertEquals(Math.sqrt(2.0 / 3), o0.rmse(), 1e-15);
    assertEquals(2.0 / 3, o0.mae(), 1e-15);
    assertEquals(1 - 2.0 / 8, o0.r2(), 1e-12);
    double sst1 = Math.pow(12 - 62.0 / 3, 2) + Math.pow(20 - 62.0 / 3, 2)
        + Math.pow(30 - 62.0 / 3, 2);
    assertEquals(Math.sqrt(13.0 / 3), o1.rmse(), 1e-15);
    assertEquals(5.0 / 3, o1.mae(), 1e-15);
    assertEquals(1 - 13 / sst1, o1.r2(), 1e-12);
    // overall: RMSE and MAE over all 6 values, R² the mean of the outputs'
    assertEquals(Math.sqrt(15.0 / 6), m.rmse(), 1e-15);
    assertEquals(7.0 / 6, m.mae(), 1e-15);
    assertEquals((o0.r2() + o1.r2()) / 2, m.r2(), 1e-15);
    assertEquals(m.r2(), merged.r2(), 1e-12);
    assertEquals(o1.r2(), merged.perOutput().get(1).r2(), 1e-12);
    Metrics back = Metrics.fromJson(m.toJson());
    assertEquals(m.perOutput(), back.perOutput());
    assertEquals(2, m.toJson().get("outputs").size());
    MetricsAccumulator one = new MetricsAccumulator(TaskType.REGRESSION, 1);
    one.add(new double[] {1, 2}, new double[] {1, 3}, 2);
    assertEquals(null, one.result().perOutput(), "one output: the overall metrics only");
  }

  @Test
  void errorsAreNamed() {
    assertEquals("no examples were evaluated", assertThrows(IllegalStateException.class,
        () -> new MetricsAccumulator(TaskType.BINARY, 1).result()).getMessage());
    MetricsAccumulator acc = new MetricsAccumulator(TaskType.REGRESSION, 1);
    acc.add(new double[] {1}, new double[] {2}, 1);
    Metrics m = acc.result();
    assertEquals("metric 'accuracy' is not computed for a regression task; use rmse, mae or r2",
        assertThrows(IllegalArgumentException.class, () -> m.get("accuracy")).getMessage());
    assertEquals("unknown metric 'auc'; valid names: accuracy, macro_f1, log_loss, rmse, mae, r2",
        assertThrows(IllegalArgumentException.class, () -> m.get("auc")).getMessage());
    assertEquals("cannot merge BINARY metrics of 1 outputs into REGRESSION metrics of 1",
        assertThrows(IllegalArgumentException.class,
            () -> acc.merge(new MetricsAccumulator(TaskType.BINARY, 1))).getMessage());
  }
}
