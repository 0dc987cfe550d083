package org.dptrain.driver.progress;

import java.util.Locale;

/** Renders the progress bar's one line from its state; no I/O. */
public final class ProgressBar {
  /** Columns of the bar itself, between the brackets, when the line has room. */
  public static final int BAR_COLUMNS = 24;

  private ProgressBar() {}

  /**
   * What the bar shows.
   *
   * @param epoch 1-based current epoch
   * @param epochs epochs of the run
   * @param step steps of the current epoch done, 0..stepsPerEpoch
   * @param stepsPerEpoch global steps per epoch, at least 1
   * @param samplesPerSecond recent throughput, NaN while unknown
   * @param etaSeconds estimated seconds to the end of training, NaN while unknown
   */
  public record State(int epoch, int epochs, int step, int stepsPerEpoch, double samplesPerSecond,
      double etaSeconds) {
    public State {
      if (epochs < 1 || epoch < 1 || epoch > epochs || stepsPerEpoch < 1 || step < 0
          || step > stepsPerEpoch) {
        throw new IllegalArgumentException(String.format(Locale.ROOT,
            "inconsistent progress: epoch %d of %d, step %d of %d", epoch, epochs, step,
            stepsPerEpoch));
      }
    }
  }

  /**
   * The line for {@code state}, at most {@code width - 1} characters (so that the terminal never
   * wraps it, which would break redrawing with {@code \r}), e.g.
   * {@code epoch 3/10 [=========>              ] step 120/469  2,345 samples/s  ETA 1:05}. The bar
   * shows the fraction of the current epoch; when the line is too narrow the bar goes first, then
   * the rate and ETA.
   *
   * @param width terminal columns, at least 2
   */
  public static String render(State state, int width) {
    if (width < 2) {
      throw new IllegalArgumentException("terminal width must be at least 2, got " + width);
    }
    String head = String.format(Locale.ROOT, "epoch %d/%d", state.epoch(), state.epochs());
    String steps = String.format(Locale.ROOT, "step %d/%d", state.step(), state.stepsPerEpoch());
    String rate = Double.isFinite(state.samplesPerSecond())
        ? String.format(Locale.ROOT, "%,.0f samples/s", state.samplesPerSecond())
        : "- samples/s";
    String eta = "ETA " + duration(state.etaSeconds());
    String tail = steps + "  " + rate + "  " + eta;
    int max = width - 1;
    String full = head + " " + bar(state, BAR_COLUMNS) + " " + tail;
    if (full.length() <= max) {
      return full;
    }
    int room = max - head.length() - tail.length() - 4;
    if (room >= 5) {
      return head + " " + bar(state, room) + " " + tail;
    }
    String noBar = head + "  " + tail;
    if (noBar.length() <= max) {
      return noBar;
    }
    String shortest = head + "  " + steps;
    return shortest.length() <= max ? shortest : shortest.substring(0, max);
  }

  /** {@code [=====>    ]} with {@code columns} cells inside the brackets. */
  static String bar(State s, int columns) {
    int filled = (int) ((long) s.step() * columns / s.stepsPerEpoch());
    StringBuilder b = new StringBuilder(columns + 2).append('[');
    for (int i = 0; i < columns; i++) {
      b.append(i < filled ? '=' : i == filled ? '>' : ' ');
    }
    return b.append(']').toString();
  }

  /** {@code 0:07}, {@code 12:34}, {@code 1:02:03}; {@code ?} when unknown. */
  static String duration(double seconds) {
    if (!Double.isFinite(seconds) || seconds < 0) {
      return "?";
    }
    long s = Math.round(seconds);
    if (s >= 3600) {
      return String.format(Locale.ROOT, "%d:%02d:%02d", s / 3600, s / 60 % 60, s % 60);
    }
    return String.format(Locale.ROOT, "%d:%02d", s / 60, s % 60);
  }
}
