package org.dptrain.driver.train;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/** How the partitions' work becomes one update: {@code --sync driver} or {@code allreduce}. */
public enum SyncMode {
  /** One Spark job per synchronisation; partials merged and the optimizer stepped on the driver. */
  DRIVER,
  /**
   * One barrier stage runs many synchronisations: the tasks sum their partials among themselves
   * in partition order and each applies the same update to its own copy of the weights.
   */
  ALLREDUCE;

  /** The default, {@link #DRIVER}. */
  public static final SyncMode DEFAULT = DRIVER;

  /** The name users write: {@code driver} or {@code allreduce}. */
  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** The valid names, comma-separated, for help texts and messages. */
  public static String names() {
    return Arrays.stream(values()).map(SyncMode::id).collect(Collectors.joining(", "));
  }

  /**
   * The mode named {@code text} (case-insensitive, surrounding blanks ignored).
   *
   * @throws IllegalArgumentException naming the text and the valid names
   */
  public static SyncMode parse(String text) {
    if (text != null) {
      for (SyncMode m : values()) {
        if (m.id().equals(text.trim().toLowerCase(Locale.ROOT))) {
          return m;
        }
      }
    }
    throw new IllegalArgumentException("unknown synchronisation mode '" + text + "': expected one"
        + " of " + names());
  }

  @Override
  public String toString() {
    return id();
  }
}
