package org.dptrain.driver.fs;

import java.util.regex.Pattern;

/**
 * The rule for names that become one path component (a registry model name, a checkpoint name): 1
 * to 100 characters, letters, digits, {@code -} and {@code _}, starting with a letter or digit. So
 * no {@code ..}, no separator, no absolute path, no hidden name and nothing a shell or URI would
 * read specially.
 */
public final class SafeName {
  /** The longest name accepted. */
  public static final int MAX_LENGTH = 100;
  private static final Pattern VALID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]*");

  private SafeName() {}

  /**
   * Returns {@code name} if it is valid.
   *
   * @param what what the name names, for the message (e.g. "--name")
   * @throws IllegalArgumentException naming {@code what}, the value and the rule
   */
  public static String check(String what, String name) {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException(what + " is empty; give a name of letters, digits,"
          + " '-' and '_'");
    }
    if (name.length() > MAX_LENGTH) {
      throw new IllegalArgumentException(what + " '" + name.substring(0, 20) + "...' is "
          + name.length() + " characters long; at most " + MAX_LENGTH + " are allowed");
    }
    if (!VALID.matcher(name).matches()) {
      String why = name.contains("..") ? " ('..' would leave its folder)"
          : name.startsWith("/") || name.contains(":") ? " (a name, not a path)"
          : name.contains("/") || name.contains("\\") ? " (no path separators)" : "";
      throw new IllegalArgumentException(what + " '" + name + "' is not a valid name" + why
          + ": use letters, digits, '-' and '_', starting with a letter or digit");
    }
    return name;
  }
}
