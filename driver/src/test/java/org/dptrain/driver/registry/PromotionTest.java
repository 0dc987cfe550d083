package org.dptrain.driver.registry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.dptrain.driver.data.TaskType;
import org.junit.jupiter.api.Test;

class PromotionTest {
  @Test
  void higherIsBetterPromotesOnlyByTheMargin() {
    Promotion up = Promotion.decide("accuracy", "v000004", 0.8812, "v000003", 0.8790, 0.001);
    assertTrue(up.promoted());
    assertEquals("promoted v000004: accuracy 0.8812 vs champion v000003 0.8790 (+0.0022 >= 0.0010)",
        up.verdict());
    Promotion small = Promotion.decide("accuracy", "v000004", 0.8795, "v000003", 0.8790, 0.001);
    assertFalse(small.promoted());
    assertEquals("kept champion v000003: accuracy of challenger v000004 0.8795 vs 0.8790"
        + " (+0.0005 < 0.0010)", small.verdict());
    Promotion worse = Promotion.decide("macro_f1", "v000004", 0.80, "v000003", 0.85, 0.0);
    assertFalse(worse.promoted());
    assertEquals(-0.05, worse.improvement(), 1e-12);
  }

  @Test
  void exactlyTheMarginPromotesDespiteRoundOff() {
    // 0.3 - 0.2 is 0.09999999999999998 in binary floating point
    assertTrue(0.3 - 0.2 < 0.1);
    assertTrue(Promotion.decide("accuracy", "v2", 0.3, "v1", 0.2, 0.1).promoted());
    assertTrue(Promotion.decide("accuracy", "v2", 0.5, "v1", 0.5, 0.0).promoted(),
        "a tie promotes only with --min-improvement 0");
    assertFalse(Promotion.decide("accuracy", "v2", 0.5, "v1", 0.5, 0.001).promoted());
  }

  @Test
  void lowerIsBetterForLossesAndErrors() {
    Promotion rmse = Promotion.decide("rmse", "v000002", 0.40, "v000001", 0.45, 0.01);
    assertTrue(rmse.promoted());
    assertEquals("promoted v000002: rmse 0.4000 vs champion v000001 0.4500 (+0.0500 >= 0.0100)",
        rmse.verdict());
    assertFalse(Promotion.decide("log_loss", "v2", 0.50, "v1", 0.45, 0.0).promoted());
    assertTrue(Promotion.decide("r2", "v2", 0.95, "v1", 0.90, 0.01).promoted());
  }

  @Test
  void withoutAChampionTheFirstFiniteChallengerIsPromoted() {
    Promotion first = Promotion.decide("accuracy", "v000001", 0.61, null, 0.99, 0.5);
    assertTrue(first.promoted());
    assertEquals("promoted v000001: accuracy 0.6100 (no champion before)", first.verdict());
    assertTrue(Double.isNaN(first.champion()));
    Promotion nan = Promotion.decide("r2", "v000002", Double.NaN, "v000001", 0.9, 0.0);
    assertFalse(nan.promoted());
    assertEquals("kept champion v000001: r2 of challenger v000002 is NaN (champion 0.9000)",
        nan.verdict());
  }

  @Test
  void metricDefaultsAndChecks() {
    assertEquals("accuracy", Promotion.metricFor(TaskType.BINARY, null));
    assertEquals("accuracy", Promotion.metricFor(TaskType.MULTICLASS, null));
    assertEquals("rmse", Promotion.metricFor(TaskType.REGRESSION, null));
    assertEquals("log_loss", Promotion.metricFor(TaskType.MULTICLASS, "log_loss"));
    IllegalArgumentException unknown = assertThrows(IllegalArgumentException.class,
        () -> Promotion.metricFor(TaskType.BINARY, "auc"));
    assertEquals("--metric 'auc' is not a metric; valid names: accuracy, macro_f1, log_loss, rmse,"
        + " mae, r2", unknown.getMessage());
    IllegalArgumentException wrongTask = assertThrows(IllegalArgumentException.class,
        () -> Promotion.metricFor(TaskType.BINARY, "rmse"));
    assertEquals("--metric rmse does not apply to a binary task; use accuracy, macro_f1, log_loss",
        wrongTask.getMessage());
    IllegalArgumentException negative = assertThrows(IllegalArgumentException.class,
        () -> Promotion.checkMinImprovement(-0.1));
    assertEquals("--min-improvement must be a finite number >= 0, got -0.1",
        negative.getMessage());
  }

  @Test
  void jsonRecordsTheComparison() {
    Promotion p = Promotion.decide("rmse", "v000002", 0.40, "v000001", 0.45, 0.01);
    assertEquals("rmse", p.toJson().get("metric").asText());
    assertFalse(p.toJson().get("higherIsBetter").asBoolean());
    assertEquals(0.05, p.toJson().get("improvement").asDouble(), 1e-12);
    assertTrue(p.toJson().get("promoted").asBoolean());
    assertEquals(p.verdict(), p.toJson().get("verdict").asText());
    assertTrue(Promotion.decide("accuracy", "v000001", 0.5, null, 0, 0).toJson()
        .get("championVersion").isNull());
  }
}
