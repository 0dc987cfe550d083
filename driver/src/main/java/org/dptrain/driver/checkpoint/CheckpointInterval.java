package org.dptrain.driver.checkpoint;

import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How often a checkpoint is taken: every {@code count} epochs, or every {@code count} optimizer
 * steps (global steps, counted over the whole run). In local-steps mode the weights exist on the
 * driver only at synchronisations, so a step-based checkpoint is taken at the first
 * synchronisation at or after each multiple of {@code count}.
 *
 * @param count at least 1
 * @param unit epochs or steps
 */
public record CheckpointInterval(long count, Unit unit) {
  /** What {@link #count} counts. */
  public enum Unit { EPOCHS, STEPS }

  private static final Pattern SYNTAX =
      Pattern.compile("([0-9]+)\\s*(epochs?|steps?)?", Pattern.CASE_INSENSITIVE);

  public CheckpointInterval {
    if (count < 1) {
      throw new IllegalArgumentException("a checkpoint interval must be at least 1, got " + count);
    }
    if (unit == null) {
      throw new IllegalArgumentException("a checkpoint interval needs a unit");
    }
  }

  /**
   * Parses {@code N}, {@code Nepochs} (both every N epochs) or {@code Nsteps}.
   *
   * @throws IllegalArgumentException naming the text and the syntax
   */
  public static CheckpointInterval parse(String text) {
    Matcher m = text == null ? null : SYNTAX.matcher(text.trim());
    if (m == null || !m.matches()) {
      throw new IllegalArgumentException("--checkpoint-every '" + text + "' must be N or Nepochs"
          + " (every N epochs) or Nsteps (every N optimizer steps), e.g. 2 or 500steps");
    }
    long n;
    try {
      n = Long.parseLong(m.group(1));
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("--checkpoint-every '" + text + "' is too large", e);
    }
    if (n < 1) {
      throw new IllegalArgumentException("--checkpoint-every '" + text + "' must be at least 1");
    }
    String unit = m.group(2) == null ? "epochs" : m.group(2).toLowerCase(Locale.ROOT);
    return new CheckpointInterval(n, unit.startsWith("step") ? Unit.STEPS : Unit.EPOCHS);
  }

  /** The canonical text, e.g. {@code 2epochs} or {@code 500steps}. */
  @Override
  public String toString() {
    return count + unit.name().toLowerCase(Locale.ROOT);
  }
}
