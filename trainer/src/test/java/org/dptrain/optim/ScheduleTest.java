package org.dptrain.optim;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Learning-rate schedule factors worked by hand, and the text forms {@link Schedule#parse} reads. */
class ScheduleTest {

  private static final String FORMS = "expected constant, step:STEP_SIZE:GAMMA,"
      + " exponential:GAMMA:DECAY_STEPS or cosine:WARMUP_STEPS:TOTAL_STEPS[:MIN_FACTOR]";

  @Test
  void constantIsAlwaysOne() {
    Schedule s = new Schedule.Constant();

    assertEquals(1.0, s.factor(0), 0.0);
    assertEquals(1.0, s.factor(1), 0.0);
    assertEquals(1.0, s.factor(1_000_000_000L), 0.0);
    assertEquals("constant", s.describe());
  }

  @Test
  void stepDecayMultipliesByGammaEveryStepSizeSteps() {
    Schedule s = new Schedule.StepDecay(3, 0.5);

    assertEquals(1.0, s.factor(0), 0.0);
    assertEquals(1.0, s.factor(2), 0.0);
    assertEquals(0.5, s.factor(3), 0.0);
    assertEquals(0.5, s.factor(5), 0.0);
    assertEquals(0.25, s.factor(6), 0.0);
    assertEquals(0.125, s.factor(9), 0.0);
    assertEquals("step:3:0.5", s.describe());
  }

  @Test
  void exponentialDecaysSmoothlyByGammaEveryDecaySteps() {
    Schedule s = new Schedule.Exponential(0.5, 4);

    assertEquals(1.0, s.factor(0), 0.0);
    assertEquals(Math.sqrt(0.5), s.factor(2), 1e-15);
    assertEquals(0.5, s.factor(4), 1e-15);
    assertEquals(0.5 * Math.sqrt(0.5), s.factor(6), 1e-15);
    assertEquals(0.25, s.factor(8), 1e-15);
    assertEquals(0.5 * 0.5 * Math.sqrt(Math.sqrt(0.5)), s.factor(9), 1e-15);
    assertEquals("exponential:0.5:4", s.describe());
  }

  @Test
  void warmupCosineRampsUpThenFollowsHalfACosineDownToTheMinimum() {
    // warm-up over t = 0..3, cosine over t = 4..12 (8 steps), 0.1 from t = 12 on
    Schedule s = new Schedule.WarmupCosine(4, 12, 0.1);
    double halfRootTwo = Math.sqrt(2.0) / 2.0;

    assertEquals(0.25, s.factor(0), 1e-15);
    assertEquals(0.5, s.factor(1), 1e-15);
    assertEquals(0.75, s.factor(2), 1e-15);
    assertEquals(1.0, s.factor(3), 1e-15);
    assertEquals(1.0, s.factor(4), 1e-15);
    // progress 1/4: 0.1 + 0.9·½·(1 + cos(π/4))
    assertEquals(0.1 + 0.45 * (1.0 + halfRootTwo), s.factor(6), 1e-15);
    // progress 1/2: halfway between 1 and 0.1
    assertEquals(0.55, s.factor(8), 1e-15);
    // progress 3/4
    assertEquals(0.1 + 0.45 * (1.0 - halfRootTwo), s.factor(10), 1e-15);
    assertEquals(0.1, s.factor(12), 0.0);
    assertEquals(0.1, s.factor(1000), 0.0);
    assertEquals("cosine:4:12:0.1", s.describe());
  }

  @Test
  void warmupCosineWithoutWarmupStartsAtOneAndDecaysToZeroByDefault() {
    Schedule s = Schedule.parse("cosine:0:2");

    assertEquals(1.0, s.factor(0), 0.0);
    assertEquals(0.5, s.factor(1), 1e-15);
    assertEquals(0.0, s.factor(2), 0.0);
  }

  static Stream<Arguments> validTexts() {
    return Stream.of(
        Arguments.of("constant", new Schedule.Constant()),
        Arguments.of(" Constant ", new Schedule.Constant()),
        Arguments.of("step:10:0.5", new Schedule.StepDecay(10, 0.5)),
        Arguments.of("STEP:1:1", new Schedule.StepDecay(1, 1.0)),
        Arguments.of("exponential:0.9:100", new Schedule.Exponential(0.9, 100)),
        Arguments.of("exponential:1e-3:7", new Schedule.Exponential(0.001, 7)),
        Arguments.of("cosine:5:100", new Schedule.WarmupCosine(5, 100, 0.0)),
        Arguments.of("cosine:5:100:0.1", new Schedule.WarmupCosine(5, 100, 0.1)));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("validTexts")
  void parseReadsEachForm(String text, Schedule expected) {
    Schedule parsed = Schedule.parse(text);

    assertEquals(expected, parsed);
    assertEquals(expected, Schedule.parse(parsed.describe()), "describe() reads back");
  }

  @ParameterizedTest(name = "\"{0}\"")
  @ValueSource(strings = {"", "linear", "step", "step:10", "step:10:0.5:2", "exponential:0.9",
      "cosine:5", "cosine:5:100:0.1:3", "constant:1", "constant:", "step:10:0.5:"})
  void parseRefusesTextItDoesNotUnderstand(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Schedule.parse(text));

    assertEquals("schedule '" + text + "' not understood; " + FORMS, e.getMessage());
  }

  @Test
  void parseRefusesATrailingEmptyMinFactorInsteadOfDefaultingIt() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Schedule.parse("cosine:5:100:"));

    assertEquals("schedule 'cosine:5:100:': empty String; " + FORMS, e.getMessage());
  }

  @Test
  void parseNamesANumberItCannotRead() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Schedule.parse("step:ten:0.5"));

    assertEquals("schedule 'step:ten:0.5': For input string: \"ten\"; " + FORMS, e.getMessage());
    assertTrue(e.getCause() instanceof NumberFormatException);
  }

  @Test
  void parseWithoutTextListsTheForms() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Schedule.parse(null));

    assertEquals("no schedule given; " + FORMS, e.getMessage());
  }

  static Stream<Arguments> invalidParameters() {
    return Stream.of(
        Arguments.of("step:0:0.5", "step schedule: step size must be at least 1, got 0"),
        Arguments.of("step:10:0", "step schedule: gamma must be in (0, 1], got 0.0"),
        Arguments.of("step:10:1.5", "step schedule: gamma must be in (0, 1], got 1.5"),
        Arguments.of("exponential:-0.5:10",
            "exponential schedule: gamma must be in (0, 1], got -0.5"),
        Arguments.of("exponential:0.5:0",
            "exponential schedule: decay steps must be at least 1, got 0"),
        Arguments.of("cosine:10:10",
            "cosine schedule: need 0 <= warmup < total steps, got warmup=10, total=10"),
        Arguments.of("cosine:-1:10",
            "cosine schedule: need 0 <= warmup < total steps, got warmup=-1, total=10"),
        Arguments.of("cosine:0:10:1.5",
            "cosine schedule: min factor must be in [0, 1], got 1.5"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("invalidParameters")
  void parseRefusesParametersOutOfRange(String text, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Schedule.parse(text));

    assertEquals(message, e.getMessage());
  }

  @Test
  void constructorsRefuseNaN() {
    IllegalArgumentException step = assertThrows(IllegalArgumentException.class,
        () -> new Schedule.StepDecay(1, Double.NaN));
    assertEquals("step schedule: gamma must be in (0, 1], got NaN", step.getMessage());
    IllegalArgumentException exp = assertThrows(IllegalArgumentException.class,
        () -> new Schedule.Exponential(Double.NaN, 1));
    assertEquals("exponential schedule: gamma must be in (0, 1], got NaN", exp.getMessage());
    IllegalArgumentException cos = assertThrows(IllegalArgumentException.class,
        () -> new Schedule.WarmupCosine(0, 1, Double.NaN));
    assertEquals("cosine schedule: min factor must be in [0, 1], got NaN", cos.getMessage());
  }

  @Test
  void cosineWithOnlyAWarmupRunsToTheRunsLastStep() {
    assertEquals(new Schedule.WarmupCosine(5, 300, 0.0), Schedule.parse("cosine:5", 300));
    assertEquals(new Schedule.WarmupCosine(5, 100, 0.0), Schedule.parse("cosine:5:100", 300));
    assertEquals(new Schedule.StepDecay(10, 0.5), Schedule.parse("step:10:0.5", 300));
    assertThrows(IllegalArgumentException.class, () -> Schedule.parse("cosine:400", 300));
  }
}
