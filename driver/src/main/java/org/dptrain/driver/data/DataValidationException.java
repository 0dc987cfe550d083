package org.dptrain.driver.data;

import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Bad input data: the message names the file, where in it (a 1-based {@code line N} for text
 * formats, counting every physical line; a {@code row N (0-based)} for Parquet and IDX, the row
 * index within that file) and what is wrong, as in {@code data/train.libsvm line 7: token "3" is
 * not index:value}. Problems of a whole file or path have no location, e.g. {@code no such file:
 * PATH}.
 *
 * <p>Thrown on the driver by {@link DataLoader} and {@link BlockStacker}, and inside Spark tasks,
 * where Spark wraps it in a {@code SparkException}; {@link #unwrap} recovers it.
 */
public final class DataValidationException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String file;
  private final String location;

  /**
   * A problem at one place in a file; the message is {@code FILE LOCATION: PROBLEM}, or
   * {@code FILE: PROBLEM} without a location.
   *
   * @param file the file (or path) as the reader saw it
   * @param location {@link #line}, {@link #row}, or null for the whole file
   * @param problem what is wrong, in words
   */
  public DataValidationException(String file, String location, String problem) {
    this(file + (location == null ? "" : " " + location) + ": " + problem, file, location, true);
  }

  // The flag only tells this constructor apart from the public one; the message is complete.
  private DataValidationException(String message, String file, String location, boolean whole) {
    super(message);
    this.file = file;
    this.location = location;
  }

  /** {@code no such file: PATH}: nothing exists at {@code path} (or nothing matches the glob). */
  public static DataValidationException noSuchFile(String path) {
    return new DataValidationException("no such file: " + path, path, null, true);
  }

  /** {@code no such file: PATH (DETAIL)}, for a file that {@code detail} says was expected. */
  public static DataValidationException noSuchFile(String path, String detail) {
    return new DataValidationException("no such file: " + path + " (" + detail + ")", path, null,
        true);
  }

  /** {@code no examples in PATH}: the input exists but holds no example. */
  public static DataValidationException noExamples(String path) {
    return new DataValidationException("no examples in " + path, path, null, true);
  }

  /** The location of a 1-based physical line of a text file: {@code line N}. */
  public static String line(long lineNumber) {
    return "line " + lineNumber;
  }

  /** The location of a 0-based row within a Parquet or IDX file: {@code row N (0-based)}. */
  public static String row(long rowIndex) {
    return "row " + rowIndex + " (0-based)";
  }

  /**
   * The file or path the problem is in; null only for an exception that {@link #unwrap} rebuilt
   * from the text of a remote failure (its message is intact).
   */
  public String file() {
    return file;
  }

  /** {@code line N}, {@code row N (0-based)}, or null for a problem of the whole file. */
  public String location() {
    return location;
  }

  /**
   * What to throw for a failed Spark action over dptrain data: the {@code DataValidationException}
   * that a task threw, with its own message, if one is anywhere in the cause chain of
   * {@code sparkFailure} or, when Spark could not ship the exception object back, named in the
   * text of a message in that chain (then {@link #file()} and {@link #location()} are null);
   * otherwise {@code sparkFailure} itself when it is unchecked, or a RuntimeException with the
   * same message wrapping a checked one (such as a {@code SparkException}). An {@link Error} is
   * rethrown as it is.
   *
   * <p>Catch {@code Exception}, not {@code RuntimeException}: {@code SparkException} is a checked
   * exception that Scala code throws undeclared.
   *
   * <pre>{@code
   * try {
   *   rdd.count();
   * } catch (Exception e) {
   *   throw DataValidationException.unwrap(e);
   * }
   * }</pre>
   */
  public static RuntimeException unwrap(Throwable sparkFailure) {
    Map<Throwable, Boolean> seen = new IdentityHashMap<>();
    for (Throwable t = sparkFailure; t != null && seen.put(t, true) == null; t = t.getCause()) {
      if (t instanceof DataValidationException) {
        return (DataValidationException) t;
      }
    }
    String marker = DataValidationException.class.getName() + ": ";
    seen.clear();
    for (Throwable t = sparkFailure; t != null && seen.put(t, true) == null; t = t.getCause()) {
      String text = t.getMessage();
      int at = text == null ? -1 : text.indexOf(marker);
      if (at >= 0) {
        int start = at + marker.length();
        int end = text.indexOf('\n', start);
        String message = (end < 0 ? text.substring(start) : text.substring(start, end)).strip();
        return new DataValidationException(message, null, null, true);
      }
    }
    if (sparkFailure instanceof Error) {
      throw (Error) sparkFailure;
    }
    if (sparkFailure instanceof RuntimeException) {
      return (RuntimeException) sparkFailure;
    }
    return new RuntimeException(sparkFailure.getMessage(), sparkFailure);
  }
}
