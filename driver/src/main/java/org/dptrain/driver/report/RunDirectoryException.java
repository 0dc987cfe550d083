package org.dptrain.driver.report;

import org.dptrain.model.ModelFileException;

/** A run directory whose files cannot be reported on: the message names the file (and line) and
 *  what is wrong. A run directory is a model directory, hence the superclass. */
public final class RunDirectoryException extends ModelFileException {
  private static final long serialVersionUID = 1L;

  public RunDirectoryException(String message) {
    super(message);
  }

  public RunDirectoryException(String message, Throwable cause) {
    super(message, cause);
  }
}
