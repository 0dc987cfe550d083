package org.dptrain.driver.data;

/**
 * What is wrong with one line or row, before the reader that found it adds the file and where.
 * It never leaves this package: readers turn it into a {@link DataValidationException}.
 */
final class LineProblem extends RuntimeException {
  private static final long serialVersionUID = 1L;

  LineProblem(String problem) {
    super(problem, null, false, false);
  }
}
