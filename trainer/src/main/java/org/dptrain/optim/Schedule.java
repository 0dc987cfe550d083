package org.dptrain.optim;

import java.io.Serializable;
import java.util.Locale;

/**
 * A learning-rate schedule: the factor by which the base learning rate is multiplied at optimizer
 * step t (t = 0 for the first update).
 */
public sealed interface Schedule extends Serializable {

  /** The factor at step t &ge; 0. */
  double factor(long t);

  /** The schedule as {@link #parse} reads it. */
  String describe();

  /** Always 1. */
  record Constant() implements Schedule {
    @Override
    public double factor(long t) {
      return 1.0;
    }

    @Override
    public String describe() {
      return "constant";
    }
  }

  /** gamma^floor(t / stepSize): multiply by gamma every stepSize steps. */
  record StepDecay(long stepSize, double gamma) implements Schedule {
    public StepDecay {
      if (stepSize < 1) {
        throw new IllegalArgumentException("step schedule: step size must be at least 1, got "
            + stepSize);
      }
      if (!(gamma > 0 && gamma <= 1)) {
        throw new IllegalArgumentException("step schedule: gamma must be in (0, 1], got " + gamma);
      }
    }

    @Override
    public double factor(long t) {
      return Math.pow(gamma, t / stepSize);
    }

    @Override
    public String describe() {
      return "step:" + stepSize + ":" + gamma;
    }
  }

  /** gamma^(t / decaySteps): smooth exponential decay, by gamma every decaySteps steps. */
  record Exponential(double gamma, long decaySteps) implements Schedule {
    public Exponential {
      if (!(gamma > 0 && gamma <= 1)) {
        throw new IllegalArgumentException("exponential schedule: gamma must be in (0, 1], got "
            + gamma);
      }
      if (decaySteps < 1) {
        throw new IllegalArgumentException("exponential schedule: decay steps must be at least 1,"
            + " got " + decaySteps);
      }
    }

    @Override
    public double factor(long t) {
      return Math.pow(gamma, (double) t / decaySteps);
    }

    @Override
    public String describe() {
      return "exponential:" + gamma + ":" + decaySteps;
    }
  }

  /**
   * Linear warm-up from 1/warmupSteps to 1 over the first warmupSteps steps, then cosine decay to
   * minFactor at totalSteps, and minFactor after that — Loshchilov &amp; Hutter, "SGDR: Stochastic
   * Gradient Descent with Warm Restarts", ICLR 2017 (without restarts); warm-up as in Goyal et al.,
   * "Accurate, Large Minibatch SGD", 2017.
   */
  record WarmupCosine(long warmupSteps, long totalSteps, double minFactor) implements Schedule {
    public WarmupCosine {
      if (warmupSteps < 0 || totalSteps <= warmupSteps) {
        throw new IllegalArgumentException("cosine schedule: need 0 <= warmup < total steps, got"
            + " warmup=" + warmupSteps + ", total=" + totalSteps);
      }
      if (!(minFactor >= 0 && minFactor <= 1)) {
        throw new IllegalArgumentException("cosine schedule: min factor must be in [0, 1], got "
            + minFactor);
      }
    }

    @Override
    public double factor(long t) {
      if (t < warmupSteps) {
        return (t + 1.0) / warmupSteps;
      }
      if (t >= totalSteps) {
        return minFactor;
      }
      double progress = (double) (t - warmupSteps) / (totalSteps - warmupSteps);
      return minFactor + (1.0 - minFactor) * 0.5 * (1.0 + Math.cos(Math.PI * progress));
    }

    @Override
    public String describe() {
      return "cosine:" + warmupSteps + ":" + totalSteps + ":" + minFactor;
    }
  }

  /**
   * Parses a schedule of a run of {@code totalSteps} optimizer steps: {@link #parse(String)}'s
   * forms, plus {@code cosine:WARMUP_STEPS}, a cosine to the last of {@code totalSteps}. This is the
   * one place where that short form expands (the command line and the Spark ML params both use it).
   *
   * @throws IllegalArgumentException naming the text and the expected forms
   */
  static Schedule parse(String text, long totalSteps) {
    if (text != null) {
      String[] parts = text.trim().split(":", -1);
      if (parts.length == 2 && parts[0].equalsIgnoreCase("cosine")) {
        return parse(text.trim() + ":" + totalSteps);
      }
    }
    return parse(text);
  }

  /**
   * Parses {@code constant}, {@code step:STEP_SIZE:GAMMA}, {@code exponential:GAMMA:DECAY_STEPS}
   * or {@code cosine:WARMUP_STEPS:TOTAL_STEPS[:MIN_FACTOR]}.
   *
   * @throws IllegalArgumentException naming the text and the expected forms
   */
  static Schedule parse(String text) {
    String forms = "expected constant, step:STEP_SIZE:GAMMA, exponential:GAMMA:DECAY_STEPS or"
        + " cosine:WARMUP_STEPS:TOTAL_STEPS[:MIN_FACTOR]";
    if (text == null) {
      throw new IllegalArgumentException("no schedule given; " + forms);
    }
    // limit -1 keeps trailing empty fields, so "cosine:5:100:" is refused rather than read as
    // "cosine:5:100" with the default min factor
    String[] p = text.trim().toLowerCase(Locale.ROOT).split(":", -1);
    try {
      switch (p[0]) {
        case "constant":
          if (p.length == 1) {
            return new Constant();
          }
          break;
        case "step":
          if (p.length == 3) {
            return new StepDecay(Long.parseLong(p[1]), Double.parseDouble(p[2]));
          }
          break;
        case "exponential":
          if (p.length == 3) {
            return new Exponential(Double.parseDouble(p[1]), Long.parseLong(p[2]));
          }
          break;
        case "cosine":
          if (p.length == 3 || p.length == 4) {
            return new WarmupCosine(Long.parseLong(p[1]), Long.parseLong(p[2]),
                p.length == 4 ? Double.parseDouble(p[3]) : 0.0);
          }
          break;
        default:
          break;
      }
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("schedule '" + text + "': " + e.getMessage() + "; "
          + forms, e);
    }
    throw new IllegalArgumentException("schedule '" + text + "' not understood; " + forms);
  }
}
