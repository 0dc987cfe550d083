package org.dptrain.driver.progress;

import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.function.LongSupplier;
import org.dptrain.driver.train.DistributedTrainer;

/**
 * Where a training run's progress goes. {@link #plain} passes the per-epoch lines through and
 * ignores synchronisations; {@link #bar} also keeps a {@link ProgressBar} on the terminal's last
 * line, erasing it before any other output is written and drawing it again at the next
 * synchronisation (at most every {@value #REDRAW_MILLIS} ms, and always at the end of an epoch).
 * Call {@link #close} when training ends, before printing anything else, to erase the bar.
 */
public final class ProgressDisplay implements DistributedTrainer.ProgressListener, AutoCloseable {
  /** Environment variable: {@code plain} turns the bar off. */
  public static final String ENV = "DPTRAIN_PROGRESS";
  /** Minimum time between two redraws of the bar. */
  public static final long REDRAW_MILLIS = 100;
  /** Columns assumed when the environment does not say ({@code COLUMNS}). */
  public static final int DEFAULT_WIDTH = 80;

  private final PrintStream terminal;
  private final PrintStream lines;
  private final boolean showBar;
  private final int epochs;
  private final int batchSize;
  private final int width;
  private final LongSupplier nanoClock;
  private long startNanos = -1;
  private long startStep;
  private long lastDrawNanos;
  private int shownLength;

  private ProgressDisplay(PrintStream terminal, boolean showBar, int epochs, int batchSize,
      int width, LongSupplier nanoClock) {
    this.terminal = terminal;
    this.showBar = showBar;
    this.epochs = epochs;
    this.batchSize = batchSize;
    this.width = width;
    this.nanoClock = nanoClock;
    this.lines = showBar ? new PrintStream(new ErasingStream(), true, StandardCharsets.UTF_8)
        : terminal;
  }

  /** Per-epoch lines only, written to {@code out} unchanged. */
  public static ProgressDisplay plain(PrintStream out) {
    return new ProgressDisplay(out, false, 1, 1, DEFAULT_WIDTH, System::nanoTime);
  }

  /**
   * Lines plus a bar on {@code terminal}.
   *
   * @param epochs epochs of the run
   * @param batchSize global mini-batch (samples per step, for the rate)
   * @param width terminal columns
   * @param nanoClock the time, as {@link System#nanoTime}
   */
  public static ProgressDisplay bar(PrintStream terminal, int epochs, int batchSize, int width,
      LongSupplier nanoClock) {
    return new ProgressDisplay(terminal, true, epochs, batchSize, width, nanoClock);
  }

  /**
   * The display for this process's standard output: a bar when {@link #wantsBar} says so for
   * {@link System#console()} and the environment, else plain lines.
   */
  public static ProgressDisplay forStdout(int epochs, int batchSize) {
    Map<String, String> env = System.getenv();
    if (!wantsBar(onTerminal(), env)) {
      return plain(System.out);
    }
    return bar(System.out, epochs, batchSize, width(env.get("COLUMNS")), System::nanoTime);
  }

  /**
   * Whether standard input and output are a terminal. Up to Java 21 that is {@code System.console()
   * != null}; from Java 22 the console exists when output is redirected too, and {@code
   * Console.isTerminal()} (looked up by reflection: this code is compiled for Java 17) says it.
   */
  static boolean onTerminal() {
    java.io.Console console = System.console();
    if (console == null) {
      return false;
    }
    try {
      return (Boolean) java.io.Console.class.getMethod("isTerminal").invoke(console);
    } catch (NoSuchMethodException e) {
      return true;
    } catch (ReflectiveOperationException e) {
      throw new IllegalStateException("cannot ask the console whether it is a terminal", e);
    }
  }

  /**
   * Whether to draw a bar: on a terminal, unless {@code DPTRAIN_PROGRESS=plain} or
   * {@code CI=true} (case-insensitive).
   *
   * @throws IllegalArgumentException for a {@code DPTRAIN_PROGRESS} other than {@code plain},
   *     {@code bar} or empty
   */
  public static boolean wantsBar(boolean console, Map<String, String> env) {
    String mode = env.getOrDefault(ENV, "").trim();
    if (!mode.isEmpty() && !mode.equalsIgnoreCase("plain") && !mode.equalsIgnoreCase("bar")) {
      throw new IllegalArgumentException(ENV + "='" + mode + "' is not one of: plain, bar");
    }
    return console && !mode.equalsIgnoreCase("plain")
        && !"true".equalsIgnoreCase(env.getOrDefault("CI", "").trim());
  }

  /** Terminal columns from a {@code COLUMNS} value; {@value #DEFAULT_WIDTH} when absent or not a
   *  number of at least 20. */
  static int width(String columns) {
    if (columns == null) {
      return DEFAULT_WIDTH;
    }
    try {
      int w = Integer.parseInt(columns.trim());
      return w >= 20 ? w : DEFAULT_WIDTH;
    } catch (NumberFormatException e) {
      return DEFAULT_WIDTH;
    }
  }

  /** Whether this display draws a bar. */
  public boolean showsBar() {
    return showBar;
  }

  /** Where the per-epoch lines go: the terminal, erasing the bar first when one is shown. */
  public PrintStream out() {
    return lines;
  }

  @Override
  public synchronized void afterSync(int epoch, int stepsDone, int stepsPerEpoch) {
    if (!showBar) {
      return;
    }
    long now = nanoClock.getAsLong();
    long globalStep = (long) (epoch - 1) * stepsPerEpoch + stepsDone;
    if (startNanos < 0) {
      startNanos = now;
      startStep = globalStep;
    }
    boolean due = shownLength == 0 || stepsDone == stepsPerEpoch
        || now - lastDrawNanos >= REDRAW_MILLIS * 1_000_000L;
    if (!due) {
      return;
    }
    double elapsed = (now - startNanos) / 1e9;
    double stepsPerSecond = elapsed > 0 && globalStep > startStep
        ? (globalStep - startStep) / elapsed : Double.NaN;
    long remaining = (long) epochs * stepsPerEpoch - globalStep;
    ProgressBar.State state = new ProgressBar.State(Math.min(epoch, epochs), epochs, stepsDone,
        stepsPerEpoch, stepsPerSecond * batchSize, remaining / stepsPerSecond);
    String line = ProgressBar.render(state, width);
    StringBuilder b = new StringBuilder("\r").append(line);
    for (int i = line.length(); i < shownLength; i++) {
      b.append(' ');
    }
    terminal.print(b);
    terminal.flush();
    shownLength = line.length();
    lastDrawNanos = now;
  }

  /** Erases the bar, if shown; the display keeps working (a later sync draws it again). */
  @Override
  public synchronized void close() {
    erase();
    terminal.flush();
  }

  private void erase() {
    if (shownLength > 0) {
      terminal.print("\r" + " ".repeat(shownLength) + "\r");
      shownLength = 0;
    }
  }

  /** The line stream of bar mode: erases the bar before passing bytes to the terminal. */
  private final class ErasingStream extends OutputStream {
    @Override
    public void write(int b) {
      synchronized (ProgressDisplay.this) {
        erase();
        terminal.write(b);
      }
    }

    @Override
    public void write(byte[] bytes, int off, int len) {
      synchronized (ProgressDisplay.this) {
        erase();
        terminal.write(bytes, off, len);
      }
    }

    @Override
    public void flush() {
      terminal.flush();
    }
  }
}
