package org.dptrain.model;

import java.io.IOException;

/** A model directory that cannot be read: missing, malformed, truncated or altered. The message
 *  names the file and what is wrong with it. */
public class ModelFileException extends IOException {
  private static final long serialVersionUID = 1L;

  public ModelFileException(String message) {
    super(message);
  }

  public ModelFileException(String message, Throwable cause) {
    super(message, cause);
  }
}
