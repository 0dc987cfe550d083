package org.dptrain.driver.registry;

import java.io.IOException;

/**
 * Another run holds the entry's lock. The command line exits {@value #EXIT_CODE}, distinct from
 * bad input (2) and failures (1), so that a scheduler can tell an overlap from an error.
 */
public class RegistryLockedException extends IOException {
  private static final long serialVersionUID = 1L;
  /** The exit code of a run refused because the entry is locked. */
  public static final int EXIT_CODE = 3;

  /** An error whose message names the lock file and its holder. */
  public RegistryLockedException(String message) {
    super(message);
  }
}
