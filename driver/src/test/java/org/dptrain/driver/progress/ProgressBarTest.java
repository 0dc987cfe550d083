package org.dptrain.driver.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class ProgressBarTest {
  @Test
  void rendersEpochBarStepsRateAndEta() {
    ProgressBar.State s = new ProgressBar.State(3, 10, 120, 469, 2345.4, 65.2);
    assertEquals("epoch 3/10 [======>                 ] step 120/469  2,345 samples/s  ETA 1:05",
        ProgressBar.render(s, 120));
  }

  @Test
  void unknownRateAndEtaAreShownAsSuch() {
    ProgressBar.State s = new ProgressBar.State(1, 2, 0, 4, Double.NaN, Double.NaN);
    assertEquals("epoch 1/2 [>                       ] step 0/4  - samples/s  ETA ?",
        ProgressBar.render(s, 80));
  }

  @Test
  void aFullEpochIsAFullBar() {
    ProgressBar.State s = new ProgressBar.State(2, 2, 4, 4, 100, 0);
    assertEquals("epoch 2/2 [========================] step 4/4  100 samples/s  ETA 0:00",
        ProgressBar.render(s, 80));
  }

  @Test
  void narrowTerminalsShrinkTheBarThenDropIt() {
    ProgressBar.State s = new ProgressBar.State(3, 10, 120, 469, 2345, 65);
    String narrow = ProgressBar.render(s, 60);
    assertEquals("epoch 3/10 [=>    ] step 120/469  2,345 samples/s  ETA 1:05", narrow);
    assertEquals(59, narrow.length());
    assertEquals("epoch 3/10  step 120/469  2,345 samples/s  ETA 1:05",
        ProgressBar.render(s, 52));
    assertEquals("epoch 3/10  step 120/469", ProgressBar.render(s, 30));
    assertEquals("epoch 3/10 ", ProgressBar.render(s, 12));
    for (int w = 2; w < 130; w++) {
      assertTrue(ProgressBar.render(s, w).length() <= w - 1, "width " + w);
    }
  }

  @Test
  void durations() {
    assertEquals("0:07", ProgressBar.duration(7.4));
    assertEquals("12:34", ProgressBar.duration(754));
    assertEquals("1:02:03", ProgressBar.duration(3723));
    assertEquals("?", ProgressBar.duration(Double.POSITIVE_INFINITY));
    assertEquals("?", ProgressBar.duration(-1));
  }

  @Test
  void inconsistentStateIsRefused() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new ProgressBar.State(1, 2, 5, 4, 0, 0));
    assertEquals("inconsistent progress: epoch 1 of 2, step 5 of 4", e.getMessage());
    IllegalArgumentException w = assertThrows(IllegalArgumentException.class,
        () -> ProgressBar.render(new ProgressBar.State(1, 1, 0, 1, 0, 0), 1));
    assertEquals("terminal width must be at least 2, got 1", w.getMessage());
  }
}
