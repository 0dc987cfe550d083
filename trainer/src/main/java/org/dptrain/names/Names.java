package org.dptrain.names;

import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The one rule for names in configuration, command lines and model files: an enum constant's id
 * is its name in lower case ({@code LEAKY_RELU} is {@code leaky_relu}); parsing ignores case,
 * surrounding blanks, and accepts '-' for '_'. An unknown name is an error that lists the valid
 * ones, never a silent default.
 */
public final class Names {
  private Names() {}

  /** The id of a constant, e.g. {@code leaky_relu}. */
  public static String id(Enum<?> constant) {
    return constant.name().toLowerCase(Locale.ROOT);
  }

  /** The ids of all constants of an enum, comma separated. */
  public static <E extends Enum<E>> String valid(Class<E> type) {
    return Arrays.stream(type.getEnumConstants()).map(Names::id)
        .collect(Collectors.joining(", "));
  }

  /**
   * The constant named {@code name}.
   *
   * @param what what the name is of, for the message, e.g. "activation"
   * @throws IllegalArgumentException "unknown WHAT 'NAME'; valid names: ..."
   */
  public static <E extends Enum<E>> E parse(Class<E> type, String what, String name) {
    if (name != null) {
      String key = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
      for (E e : type.getEnumConstants()) {
        if (e.name().equals(key)) {
          return e;
        }
      }
    }
    throw new IllegalArgumentException("unknown " + what + " '" + name + "'; valid names: "
        + valid(type));
  }
}
