package org.dptrain.driver.progress;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ProgressDisplayTest {
  @Test
  void barOnlyOnATerminalWithoutPlainOrCi() {
    assertTrue(ProgressDisplay.wantsBar(true, Map.of()));
    assertTrue(ProgressDisplay.wantsBar(true, Map.of("DPTRAIN_PROGRESS", "bar", "CI", "false")));
    assertFalse(ProgressDisplay.wantsBar(false, Map.of()));
    assertFalse(ProgressDisplay.wantsBar(false, Map.of("DPTRAIN_PROGRESS", "bar")));
    assertFalse(ProgressDisplay.wantsBar(true, Map.of("DPTRAIN_PROGRESS", "plain")));
    assertFalse(ProgressDisplay.wantsBar(true, Map.of("DPTRAIN_PROGRESS", "PLAIN")));
    assertFalse(ProgressDisplay.wantsBar(true, Map.of("CI", "true")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> ProgressDisplay.wantsBar(true, Map.of("DPTRAIN_PROGRESS", "fancy")));
    assertEquals("DPTRAIN_PROGRESS='fancy' is not one of: plain, bar", e.getMessage());
  }

  @Test
  void widthFromColumns() {
    assertEquals(132, ProgressDisplay.width("132"));
    assertEquals(ProgressDisplay.DEFAULT_WIDTH, ProgressDisplay.width(null));
    assertEquals(ProgressDisplay.DEFAULT_WIDTH, ProgressDisplay.width("wide"));
    assertEquals(ProgressDisplay.DEFAULT_WIDTH, ProgressDisplay.width("5"));
  }

  @Test
  void plainPassesLinesThroughAndIgnoresSyncs() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream terminal = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ProgressDisplay d = ProgressDisplay.plain(terminal);
    assertSame(terminal, d.out());
    assertFalse(d.showsBar());
    d.afterSync(1, 1, 4);
    d.out().println("epoch 1/1  step 4  loss 0.5000");
    d.close();
    assertEquals("epoch 1/1  step 4  loss 0.5000\n", bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void barIsRedrawnInPlaceAndErasedBeforeEachLine() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream terminal = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    long[] now = {0};
    ProgressDisplay d = ProgressDisplay.bar(terminal, 2, 10, 80, () -> now[0]);
    assertTrue(d.showsBar());
    d.afterSync(1, 1, 4);                 // first sync: drawn, rate still unknown
    now[0] = 50_000_000L;
    d.afterSync(1, 2, 4);                 // 50 ms later: not redrawn
    now[0] = 1_000_000_000L;
    d.afterSync(1, 3, 4);                 // 2 steps in 1 s: 20 samples/s, 5 steps left: 2.5 s
    d.out().println("epoch 1/2 line");
    d.close();
    String first = "epoch 1/2 [======>                 ] step 1/4  - samples/s  ETA ?";
    String third = "epoch 1/2 [==================>     ] step 3/4  20 samples/s  ETA 0:03";
    String expected = "\r" + first
        + "\r" + third
        + "\r" + " ".repeat(third.length()) + "\r"
        + "epoch 1/2 line\n";
    assertEquals(expected, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void theLastStepOfAnEpochIsAlwaysDrawn() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    PrintStream terminal = new PrintStream(bytes, true, StandardCharsets.UTF_8);
    ProgressDisplay d = ProgressDisplay.bar(terminal, 1, 1, 80, () -> 0L);
    d.afterSync(1, 1, 2);
    d.afterSync(1, 2, 2);
    String out = bytes.toString(StandardCharsets.UTF_8);
    assertTrue(out.endsWith("step 2/2  - samples/s  ETA ?"), out);
  }
}
