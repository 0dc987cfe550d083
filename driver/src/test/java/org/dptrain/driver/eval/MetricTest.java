package org.dptrain.driver.eval;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import org.dptrain.driver.data.TaskType;
import org.junit.jupiter.api.Test;

class MetricTest {
  @Test
  void eachMetricKnowsItsTaskAndDirection() {
    assertEquals(List.of(Metric.ACCURACY, Metric.MACRO_F1, Metric.LOG_LOSS),
        Metric.of(TaskType.BINARY));
    assertEquals(List.of(Metric.RMSE, Metric.MAE, Metric.R2), Metric.of(TaskType.REGRESSION));
    assertTrue(Metric.ACCURACY.largerIsBetter() && Metric.R2.largerIsBetter());
    assertFalse(Metric.LOG_LOSS.largerIsBetter() || Metric.MAE.largerIsBetter());
    assertEquals(Metric.RMSE, Metric.defaultFor(TaskType.REGRESSION));
    assertEquals("accuracy, macro_f1, log_loss, rmse, mae, r2", Metric.validNames());
    assertEquals("unknown metric 'auc'; valid names: accuracy, macro_f1, log_loss, rmse, mae, r2",
        assertThrows(IllegalArgumentException.class, () -> Metric.parse("auc")).getMessage());
  }
}
