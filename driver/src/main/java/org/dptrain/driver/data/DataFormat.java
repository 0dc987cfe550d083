package org.dptrain.driver.data;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Locale;
import org.dptrain.names.Names;
import java.util.TreeSet;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;

/** The input formats {@link DataLoader} reads. */
public enum DataFormat {
  /** {@code label index:value ...}, 1-based ascending indices (text, one example a line). */
  LIBSVM,
  /** Comma-separated values with a header line (text, one example a line). */
  CSV,
  /** Apache Parquet, through Spark's reader. */
  PARQUET,
  /**
   * The MNIST file format: an {@code images-idx3} file and its {@code labels-idx1} file; pixels
   * are scaled to [0, 1] (value / 255).
   */
  IDX;

  /** The name used on the command line and in job files, e.g. {@code libsvm}. */
  public String id() {
    return Names.id(this);
  }

  /**
   * Parses a name case-insensitively.
   *
   * @throws IllegalArgumentException naming the value and listing the valid names
   */
  public static DataFormat parse(String name) {
    return Names.parse(DataFormat.class, "data format", name);
  }

  /**
   * The format of {@code path} by its name, with a default Hadoop configuration; see
   * {@link #infer(String, Configuration)}.
   */
  public static DataFormat infer(String path) {
    return infer(path, new Configuration());
  }

  /**
   * The format of {@code path} by its name: {@code *-idx3-ubyte} or {@code *-idx3-ubyte.gz} is
   * IDX; otherwise, after dropping a {@code .gz} or {@code .bz2} suffix, {@code .csv} is CSV,
   * {@code .parquet} is PARQUET and {@code .libsvm}, {@code .svm} or {@code .txt} is LIBSVM. A path
   * with none of these names that is a directory takes the format its visible files (names not
   * starting with {@code _} or {@code .}) agree on by name, as in a directory of Parquet part
   * files. A glob is judged by its name pattern, e.g. {@code data/*.csv}.
   *
   * @param conf the Hadoop configuration used to look into a directory
   * @throws IllegalArgumentException naming the path and asking for an explicit format
   */
  public static DataFormat infer(String path, Configuration conf) {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("no input path given");
    }
    DataFormat byName = byName(path);
    if (byName != null) {
      return byName;
    }
    if (!path.startsWith(DataLoader.CLASSPATH_PREFIX)) {
      DataFormat inside = byContents(path, conf);
      if (inside != null) {
        return inside;
      }
    }
    throw new IllegalArgumentException("cannot tell the format of " + path
        + " from its name; give it with --format (" + validNames() + ")");
  }

  private static DataFormat byName(String path) {
    String trimmed = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
    String name = trimmed.substring(trimmed.lastIndexOf('/') + 1).toLowerCase(Locale.ROOT);
    if (name.endsWith("idx3-ubyte") || name.endsWith("idx3-ubyte.gz")) {
      return IDX;
    }
    for (String compressed : new String[] {".gz", ".bz2"}) {
      if (name.endsWith(compressed)) {
        name = name.substring(0, name.length() - compressed.length());
      }
    }
    if (name.endsWith(".csv")) {
      return CSV;
    }
    if (name.endsWith(".parquet")) {
      return PARQUET;
    }
    if (name.endsWith(".libsvm") || name.endsWith(".svm") || name.endsWith(".txt")) {
      return LIBSVM;
    }
    return null;
  }

  private static DataFormat byContents(String path, Configuration conf) {
    try {
      Path dir = new Path(path);
      FileSystem fs = dir.getFileSystem(conf);
      if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
        return null;
      }
      TreeSet<DataFormat> formats = new TreeSet<>();
      for (FileStatus child : fs.listStatus(dir)) {
        String name = child.getPath().getName();
        if (child.isFile() && !name.startsWith("_") && !name.startsWith(".")) {
          DataFormat f = byName(name);
          if (f == null || f == IDX) {
            return null;
          }
          formats.add(f);
        }
      }
      return formats.size() == 1 ? formats.first() : null;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look into " + path + ": " + e.getMessage(), e);
    }
  }

  private static String validNames() {
    return Names.valid(DataFormat.class);
  }
}
