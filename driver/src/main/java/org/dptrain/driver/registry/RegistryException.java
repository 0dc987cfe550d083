package org.dptrain.driver.registry;

/**
 * A registry entry that cannot be used as it is (a pointer naming no version, a champion of
 * another task or topology). Bad input: the command line exits 2, and nothing was changed.
 */
public class RegistryException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  /** An error whose message names the entry, the file and what is wrong. */
  public RegistryException(String message) {
    super(message);
  }
}
