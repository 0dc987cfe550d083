package org.dptrain.json;

import java.io.IOException;

/**
 * A JSON or YAML document that {@link BoundedJson} refuses: not well formed, past one of its
 * limits, or with a key twice. The message names the file and, where the parser knows it, the
 * line and column; readers wrap it in their own exception type and keep the message.
 */
public class BadDocumentException extends IOException {
  private static final long serialVersionUID = 1L;

  public BadDocumentException(String message) {
    super(message);
  }

  public BadDocumentException(String message, Throwable cause) {
    super(message, cause);
  }
}
