package org.dptrain.optim;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.function.UnaryOperator;
import java.util.stream.Stream;
import org.dptrain.optim.OptimizerSpec.Kind;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The optimizers against closed-form optima (Tribuo's quadratic bowl and Rosenbrock), their update
 * rules worked by hand for two steps, weight decay, clipping, checkpoint resume and validation.
 */
class OptimizerTest {

  /** f(w) = ½ Σ c_i (w_i - t_i)², minimum at t; the curvatures 1 and 10 make it ill-conditioned. */
  private static final double[] BOWL_C = {1.0, 10.0};
  private static final double[] BOWL_T = {3.0, -2.0};

  private static double[] bowlGradient(double[] w) {
    double[] g = new double[w.length];
    for (int i = 0; i < w.length; i++) {
      g[i] = BOWL_C[i] * (w[i] - BOWL_T[i]);
    }
    return g;
  }

  /** f(x, y) = (1 - x)² + 100 (y - x²)², minimum 0 at (1, 1). */
  private static double[] rosenbrockGradient(double[] w) {
    double x = w[0];
    double y = w[1];
    return new double[] {-2.0 * (1.0 - x) - 400.0 * x * (y - x * x), 200.0 * (y - x * x)};
  }

  private static double[] minimize(OptimizerSpec spec, double[] start,
      UnaryOperator<double[]> gradient, int steps) {
    double[] w = start.clone();
    Optimizer opt = new Optimizer(spec, w.length);
    for (int s = 0; s < steps; s++) {
      opt.step(w, gradient.apply(w));
    }
    assertEquals(steps, opt.stepCount());
    return w;
  }

  /**
   * Settings that converge on the bowl from (0, 0). The stable range of plain SGD is lr &lt; 2/10;
   * 0.15 shrinks the stiff coordinate by 0.5 and the soft one by 0.85 per step. Momentum and
   * Nesterov run at the default mu = 0.9 with lr 0.02 (effective lr/(1-mu) = 0.2). Adam's step is
   * about lr whatever the gradient, so it needs many steps at lr 0.1 to settle below 1e-6.
   */
  static Stream<Arguments> bowlSettings() {
    return Stream.of(
        Arguments.of(OptimizerSpec.sgd(0.15), 500),
        Arguments.of(OptimizerSpec.of(Kind.MOMENTUM, 0.02), 1000),
        Arguments.of(OptimizerSpec.of(Kind.NESTEROV, 0.02), 1000),
        Arguments.of(OptimizerSpec.of(Kind.ADAM, 0.1), 2000));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("bowlSettings")
  void reachesTheMinimumOfAQuadraticBowl(OptimizerSpec spec, int steps) {
    double[] w = minimize(spec, new double[] {0.0, 0.0}, OptimizerTest::bowlGradient, steps);

    assertArrayEquals(BOWL_T, w, 1e-6, spec.kind().id());
  }

  /**
   * Settings that reach (1, 1) from (-1.5, 2). The curvature along x is about 1900 at the start,
   * so SGD needs lr below ~1e-3; momentum and Nesterov use lr 1e-4 with mu 0.9 (the same effective
   * rate). Constant-rate Adam at 0.01 hovers around the minimum at about 1e-3, so its rate is
   * halved every 2000 steps.
   */
  static Stream<Arguments> rosenbrockSettings() {
    return Stream.of(
        Arguments.of(OptimizerSpec.sgd(1e-3), 50_000),
        Arguments.of(OptimizerSpec.of(Kind.MOMENTUM, 1e-4).withMomentum(0.9), 50_000),
        Arguments.of(OptimizerSpec.of(Kind.NESTEROV, 1e-4).withMomentum(0.9), 50_000),
        Arguments.of(OptimizerSpec.of(Kind.ADAM, 0.01)
            .withSchedule(new Schedule.Exponential(0.5, 2000)), 20_000));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rosenbrockSettings")
  void reachesTheRosenbrockMinimum(OptimizerSpec spec, int steps) {
    double[] w = minimize(spec, new double[] {-1.5, 2.0}, OptimizerTest::rosenbrockGradient, steps);

    assertArrayEquals(new double[] {1.0, 1.0}, w, 1e-6, spec.kind().id());
  }

  // Two steps of each rule at lr 0.1 from w = (1, -2) with g1 = (0.5, 3), then g2 = (-1, 0.2).

  @Test
  void sgdSubtractsTheScaledGradient() {
    Optimizer opt = new Optimizer(OptimizerSpec.sgd(0.1), 2);
    double[] w = {1.0, -2.0};

    opt.step(w, new double[] {0.5, 3.0});
    assertArrayEquals(new double[] {0.95, -2.3}, w, 1e-15);
    opt.step(w, new double[] {-1.0, 0.2});
    assertArrayEquals(new double[] {1.05, -2.32}, w, 1e-15);
    assertEquals(0, opt.state().length);
    assertEquals(2, opt.stepCount());
  }

  @Test
  void momentumAccumulatesTheVelocity() {
    Optimizer opt = new Optimizer(OptimizerSpec.of(Kind.MOMENTUM, 0.1).withMomentum(0.9), 2);
    double[] w = {1.0, -2.0};

    // v1 = g1 = (0.5, 3); w -= 0.1·v1
    opt.step(w, new double[] {0.5, 3.0});
    assertArrayEquals(new double[] {0.5, 3.0}, opt.state(), 1e-15);
    assertArrayEquals(new double[] {0.95, -2.3}, w, 1e-15);
    // v2 = 0.9·v1 + g2 = (-0.55, 2.9); w -= 0.1·v2
    opt.step(w, new double[] {-1.0, 0.2});
    assertArrayEquals(new double[] {-0.55, 2.9}, opt.state(), 1e-15);
    assertArrayEquals(new double[] {1.005, -2.59}, w, 1e-15);
  }

  @Test
  void nesterovStepsAlongTheGradientPlusTheNewVelocity() {
    Optimizer opt = new Optimizer(OptimizerSpec.of(Kind.NESTEROV, 0.1).withMomentum(0.9), 2);
    double[] w = {1.0, -2.0};

    // v1 = (0.5, 3); w -= 0.1·(g1 + 0.9·v1) = 0.1·(0.95, 5.7)
    opt.step(w, new double[] {0.5, 3.0});
    assertArrayEquals(new double[] {0.5, 3.0}, opt.state(), 1e-15);
    assertArrayEquals(new double[] {0.905, -2.57}, w, 1e-15);
    // v2 = (-0.55, 2.9); w -= 0.1·(g2 + 0.9·v2) = 0.1·(-1.495, 2.81)
    opt.step(w, new double[] {-1.0, 0.2});
    assertArrayEquals(new double[] {-0.55, 2.9}, opt.state(), 1e-15);
    assertArrayEquals(new double[] {1.0545, -2.851}, w, 1e-15);
  }

  @Test
  void adamCorrectsTheBiasAndAddsEpsilonOutsideTheSquareRoot() {
    // eps = 0.1 is large so that adding it inside the square root would change the digits.
    OptimizerSpec spec = OptimizerSpec.of(Kind.ADAM, 0.1).withBetas(0.9, 0.999).withEpsilon(0.1);
    Optimizer opt = new Optimizer(spec, 2);
    double[] w = {1.0, 1.0};

    // t = 1: m = 0.1·g, v = 0.001·g², so m_hat = g and v_hat = g²: the step is lr·g/(|g| + eps).
    opt.step(w, new double[] {0.5, -2.0});
    assertArrayEquals(new double[] {0.05, -0.2, 0.00025, 0.004}, opt.state(), 1e-15);
    assertArrayEquals(new double[] {1.0 - 0.1 * 0.5 / 0.6, 1.0 + 0.1 * 2.0 / 2.1}, w, 1e-15);

    // t = 2 with g = (0.25, 1): m = 0.9·m + 0.1·g, v = 0.999·v + 0.001·g²,
    // bias corrections 1 - 0.9² = 0.19 and 1 - 0.999² = 0.001999.
    double[] before = w.clone();
    opt.step(w, new double[] {0.25, 1.0});
    double m0 = 0.045 + 0.025;
    double m1 = -0.18 + 0.1;
    double v0 = 0.00024975 + 0.0000625;
    double v1 = 0.003996 + 0.001;
    assertArrayEquals(new double[] {m0, m1, v0, v1}, opt.state(), 1e-15);
    double step0 = 0.1 * (m0 / 0.19) / (Math.sqrt(v0 / 0.001999) + 0.1);
    double step1 = 0.1 * (m1 / 0.19) / (Math.sqrt(v1 / 0.001999) + 0.1);
    assertArrayEquals(new double[] {before[0] - step0, before[1] - step1}, w, 1e-14);
    // the same numbers to 6 digits, worked on paper: 0.916667 - 0.074395, 1.095238 + 0.025049
    assertArrayEquals(new double[] {0.842272, 1.120287}, w, 1e-6);
  }

  @Test
  void weightDecayAddsLambdaTimesWToTheGradient() {
    Optimizer opt = new Optimizer(OptimizerSpec.sgd(0.1).withWeightDecay(0.5), 2);
    double[] w = {2.0, -4.0};
    double[] g = {1.0, 1.0};

    opt.step(w, g);

    // g + 0.5·w = (2, -1), modified in place as documented
    assertArrayEquals(new double[] {2.0, -1.0}, g, 1e-15);
    assertArrayEquals(new double[] {1.8, -3.9}, w, 1e-15);
  }

  @Test
  void clippingScalesALongGradientToTheClipNorm() {
    Optimizer opt = new Optimizer(OptimizerSpec.sgd(1.0).withClipNorm(1.0), 2);
    double[] w = {0.0, 0.0};
    double[] g = {3.0, 4.0};

    opt.step(w, g);

    assertArrayEquals(new double[] {0.6, 0.8}, g, 1e-15);
    assertArrayEquals(new double[] {-0.6, -0.8}, w, 1e-15);
  }

  @Test
  void clippingLeavesAGradientWithinTheClipNormAlone() {
    Optimizer opt = new Optimizer(OptimizerSpec.sgd(1.0).withClipNorm(1.0), 2);
    double[] w = {0.0, 0.0};
    double[] g = {0.3, 0.4};

    opt.step(w, g);

    assertArrayEquals(new double[] {0.3, 0.4}, g, 0.0);
    assertArrayEquals(new double[] {-0.3, -0.4}, w, 0.0);
  }

  @Test
  void weightDecayComesBeforeClipping() {
    Optimizer opt = new Optimizer(OptimizerSpec.sgd(1.0).withWeightDecay(1.0).withClipNorm(1.0),
        2);
    double[] w = {3.0, 0.0};
    double[] g = {0.0, 4.0};

    opt.step(w, g);

    // g + w = (3, 4), norm 5, clipped to (0.6, 0.8); clipping first would give (3.0, 1.0)
    assertArrayEquals(new double[] {0.6, 0.8}, g, 1e-15);
    assertArrayEquals(new double[] {2.4, -0.8}, w, 1e-15);
  }

  @Test
  void theScheduleScalesTheLearningRateByStepCount() {
    Optimizer opt = new Optimizer(OptimizerSpec.sgd(1.0)
        .withSchedule(new Schedule.StepDecay(2, 0.5)), 1);
    double[] w = {0.0};
    double[] expectedRates = {1.0, 1.0, 0.5, 0.5, 0.25};
    double expectedW = 0.0;

    for (double rate : expectedRates) {
      assertEquals(rate, opt.currentLearningRate(), 0.0);
      opt.step(w, new double[] {1.0});
      expectedW -= rate;
      assertEquals(expectedW, w[0], 0.0);
    }
  }

  static Stream<OptimizerSpec> statefulSpecs() {
    Schedule cosine = new Schedule.WarmupCosine(3, 40, 0.1);
    return Stream.of(
        OptimizerSpec.of(Kind.MOMENTUM, 1e-4).withSchedule(cosine),
        OptimizerSpec.of(Kind.NESTEROV, 1e-4).withWeightDecay(0.01).withSchedule(cosine),
        OptimizerSpec.of(Kind.ADAM, 0.01).withClipNorm(5.0).withSchedule(cosine));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("statefulSpecs")
  void anOptimizerRestoredFromStateAndStepCountContinuesIdentically(OptimizerSpec spec) {
    Optimizer original = new Optimizer(spec, 2);
    double[] w = {-1.5, 2.0};
    for (int s = 0; s < 7; s++) {
      original.step(w, rosenbrockGradient(w));
    }
    double[] checkpointW = w.clone();
    double[] checkpointState = original.state().clone();

    Optimizer resumed = new Optimizer(spec, 2);
    resumed.restore(checkpointState, original.stepCount());
    // restore copies: later changes to the caller's array do not reach the optimizer
    checkpointState[0] = 1e6;
    double[] resumedW = checkpointW.clone();
    for (int s = 0; s < 20; s++) {
      original.step(w, rosenbrockGradient(w));
      resumed.step(resumedW, rosenbrockGradient(resumedW));
    }

    assertArrayEquals(bits(w), bits(resumedW));
    assertArrayEquals(bits(original.state()), bits(resumed.state()));
    assertEquals(27, resumed.stepCount());
  }

  @Test
  void resumingWithoutTheStepCountDoesNotContinueIdentically() {
    // Guards the test above: the step count matters (schedule and Adam's bias correction).
    OptimizerSpec spec = OptimizerSpec.of(Kind.ADAM, 0.01);
    Optimizer original = new Optimizer(spec, 2);
    double[] w = {-1.5, 2.0};
    for (int s = 0; s < 7; s++) {
      original.step(w, rosenbrockGradient(w));
    }
    Optimizer resumed = new Optimizer(spec, 2);
    resumed.restore(original.state().clone(), 0);
    double[] resumedW = w.clone();

    original.step(w, rosenbrockGradient(w));
    resumed.step(resumedW, rosenbrockGradient(resumedW));

    assertFalse(w[0] == resumedW[0] && w[1] == resumedW[1]);
  }

  @Test
  void stateWidthIsPerParameterStateOfEachRule() {
    assertEquals(0, new Optimizer(OptimizerSpec.of(Kind.SGD, 0.1), 5).state().length);
    assertEquals(5, new Optimizer(OptimizerSpec.of(Kind.MOMENTUM, 0.1), 5).state().length);
    assertEquals(5, new Optimizer(OptimizerSpec.of(Kind.NESTEROV, 0.1), 5).state().length);
    assertEquals(10, new Optimizer(OptimizerSpec.of(Kind.ADAM, 0.1), 5).state().length);
  }

  @Test
  void defaultsAreTheDocumentedConstants() {
    OptimizerSpec spec = OptimizerSpec.of(Kind.ADAM, 0.3);

    assertEquals(0.3, spec.learningRate());
    assertEquals(OptimizerSpec.DEFAULT_MOMENTUM, spec.momentum());
    assertEquals(OptimizerSpec.DEFAULT_BETA1, spec.beta1());
    assertEquals(OptimizerSpec.DEFAULT_BETA2, spec.beta2());
    assertEquals(OptimizerSpec.DEFAULT_EPSILON, spec.epsilon());
    assertEquals(OptimizerSpec.DEFAULT_WEIGHT_DECAY, spec.weightDecay());
    assertEquals(OptimizerSpec.DEFAULT_CLIP_NORM, spec.clipNorm());
    assertEquals(new Schedule.Constant(), spec.schedule());
  }

  static Stream<Arguments> invalidSpecs() {
    OptimizerSpec ok = OptimizerSpec.of(Kind.ADAM, 0.1);
    return Stream.of(
        Arguments.of((Runnable) () -> OptimizerSpec.sgd(0.0),
            "learning rate must be a finite number > 0, got 0.0"),
        Arguments.of((Runnable) () -> OptimizerSpec.sgd(-0.5),
            "learning rate must be a finite number > 0, got -0.5"),
        Arguments.of((Runnable) () -> OptimizerSpec.sgd(Double.NaN),
            "learning rate must be a finite number > 0, got NaN"),
        Arguments.of((Runnable) () -> OptimizerSpec.sgd(Double.POSITIVE_INFINITY),
            "learning rate must be a finite number > 0, got Infinity"),
        Arguments.of((Runnable) () -> ok.withMomentum(1.0),
            "momentum must be in [0, 1), got 1.0"),
        Arguments.of((Runnable) () -> ok.withMomentum(-0.1),
            "momentum must be in [0, 1), got -0.1"),
        Arguments.of((Runnable) () -> ok.withMomentum(Double.NaN),
            "momentum must be in [0, 1), got NaN"),
        Arguments.of((Runnable) () -> ok.withBetas(1.0, 0.999),
            "beta1 must be in [0, 1), got 1.0"),
        Arguments.of((Runnable) () -> ok.withBetas(0.9, 1.5),
            "beta2 must be in [0, 1), got 1.5"),
        Arguments.of((Runnable) () -> ok.withEpsilon(0.0),
            "epsilon must be a finite number > 0, got 0.0"),
        Arguments.of((Runnable) () -> ok.withWeightDecay(-0.01),
            "weight decay must be a finite number >= 0, got -0.01"),
        Arguments.of((Runnable) () -> ok.withWeightDecay(Double.NaN),
            "weight decay must be a finite number >= 0, got NaN"),
        Arguments.of((Runnable) () -> ok.withClipNorm(-1.0),
            "clip norm must be a finite number >= 0 (0 = off), got -1.0"),
        Arguments.of((Runnable) () -> ok.withClipNorm(Double.POSITIVE_INFINITY),
            "clip norm must be a finite number >= 0 (0 = off), got Infinity"));
  }

  @ParameterizedTest(name = "{1}")
  @MethodSource("invalidSpecs")
  void anInvalidSpecIsRefusedNamingTheValue(Runnable build, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::run);
    assertEquals(message, e.getMessage());
  }

  @Test
  void aSpecNeedsAKindAndASchedule() {
    NullPointerException noKind = assertThrows(NullPointerException.class,
        () -> OptimizerSpec.of(null, 0.1));
    assertEquals("kind", noKind.getMessage());
    NullPointerException noSchedule = assertThrows(NullPointerException.class,
        () -> OptimizerSpec.sgd(0.1).withSchedule(null));
    assertEquals("schedule", noSchedule.getMessage());
  }

  @Test
  void kindsParseCaseInsensitively() {
    assertSame(Kind.SGD, Kind.parse("sgd"));
    assertSame(Kind.MOMENTUM, Kind.parse("Momentum"));
    assertSame(Kind.NESTEROV, Kind.parse("NESTEROV"));
    assertSame(Kind.ADAM, Kind.parse(" adam "));
  }

  @Test
  void anUnknownOptimizerNameListsTheValidNames() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> Kind.parse("rmsprop"));
    assertEquals("unknown optimizer 'rmsprop'; valid names: sgd, momentum, nesterov, adam",
        e.getMessage());
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> Kind.parse(null));
    assertEquals("unknown optimizer 'null'; valid names: sgd, momentum, nesterov, adam",
        none.getMessage());
  }

  @Test
  void restoringStateOfTheWrongLengthNamesBothLengths() {
    Optimizer opt = new Optimizer(OptimizerSpec.of(Kind.ADAM, 0.1), 3);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> opt.restore(new double[4], 1));

    assertEquals("optimizer state has 4 values; adam over 3 parameters needs 6", e.getMessage());
  }

  @Test
  void restoringANegativeStepCountIsRefused() {
    Optimizer opt = new Optimizer(OptimizerSpec.of(Kind.MOMENTUM, 0.1), 3);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> opt.restore(new double[3], -1));

    assertEquals("step count must be at least 0, got -1", e.getMessage());
  }

  @Test
  void anOptimizerNeedsAtLeastOneParameter() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Optimizer(OptimizerSpec.sgd(0.1), 0));

    assertEquals("number of parameters must be at least 1, got 0", e.getMessage());
  }

  @Test
  void aStepWithArraysOfTheWrongLengthIsRefused() {
    Optimizer opt = new Optimizer(OptimizerSpec.sgd(0.1), 2);

    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> opt.step(new double[3], new double[2]));

    assertEquals("optimizer for 2 parameters got w of 3 and g of 2", e.getMessage());
    assertEquals(0, opt.stepCount());
  }

  private static long[] bits(double[] values) {
    long[] bits = new long[values.length];
    for (int i = 0; i < values.length; i++) {
      bits[i] = Double.doubleToRawLongBits(values[i]);
    }
    return bits;
  }
}
