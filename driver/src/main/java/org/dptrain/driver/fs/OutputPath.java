package org.dptrain.driver.fs;

import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;

/**
 * The one policy for a command's local output: it must not exist (no command replaces an output
 * unless asked to, as {@code export --force} is), and the nearest existing ancestor must be a
 * directory. Checked before any work starts.
 */
public final class OutputPath {
  private OutputPath() {}

  /**
   * Checks that {@code given} can be created.
   *
   * @param option the option that named it, e.g. {@code --output}, for messages
   * @param what what it is, e.g. {@code output directory}, for messages
   * @return the path, absolute and normalised
   * @throws FileAlreadyExistsException "PATH: WHAT exists; choose another OPTION or remove it"
   * @throws IllegalArgumentException naming the ancestor that is a file
   */
  public static Path checkNew(String option, String given, String what)
      throws FileAlreadyExistsException {
    Path out = Paths.get(given).toAbsolutePath().normalize();
    if (Files.exists(out)) {
      throw new FileAlreadyExistsException(out.toString(), null,
          what + " exists; choose another " + option + " or remove it");
    }
    for (Path p = out.getParent(); p != null; p = p.getParent()) {
      if (Files.exists(p)) {
        if (!Files.isDirectory(p)) {
          throw new IllegalArgumentException(option + " " + given + ": " + p + " is a file, not"
              + " a directory, so the " + what + " cannot be created there");
        }
        break;
      }
    }
    return out;
  }
}
