package org.dptrain.driver.data;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.zip.GZIPInputStream;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.io.compress.CompressionCodec;
import org.apache.hadoop.io.compress.CompressionCodecFactory;

/** Finding and opening input files through the Hadoop FileSystem API (or the classpath). */
final class SourceFiles {
  private SourceFiles() {}

  /**
   * The files a path names, sorted by path: the file itself, the visible files of a directory
   * (names not starting with {@code _} or {@code .}, as Hadoop's input formats skip them), or the
   * matches of a glob (directories among them expanded the same way).
   *
   * @throws DataValidationException {@code no such file: PATH} if nothing matches, or naming a
   *     directory nested in an input directory (it would not be read)
   */
  static List<Path> list(Configuration conf, String path) {
    try {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      FileStatus[] matches = fs.globStatus(p);
      if (matches == null || matches.length == 0) {
        throw DataValidationException.noSuchFile(path);
      }
      List<Path> files = new ArrayList<>();
      for (FileStatus m : matches) {
        if (!m.isDirectory()) {
          files.add(m.getPath());
          continue;
        }
        for (FileStatus child : fs.listStatus(m.getPath())) {
          String name = child.getPath().getName();
          if (name.startsWith("_") || name.startsWith(".")) {
            continue;
          }
          if (child.isDirectory()) {
            throw new DataValidationException(m.getPath().toString(), null, "holds the directory "
                + name + "; nested directories are not read, name the files (a glob works)");
          }
          files.add(child.getPath());
        }
      }
      files.sort(Comparator.comparing(Path::toString));
      return files;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path + ": " + e.getMessage(), e);
    }
  }

  /** Opens a text file, decompressing it if Hadoop knows a codec for its suffix (as .gz). */
  static InputStream openText(Configuration conf, Path file) throws IOException {
    FileSystem fs = file.getFileSystem(conf);
    InputStream in = fs.open(file);
    CompressionCodec codec = new CompressionCodecFactory(conf).getCodec(file);
    return codec == null ? in : codec.createInputStream(in);
  }

  /**
   * Opens a binary file on a Hadoop filesystem or, for a {@code classpath:} path, from the
   * classpath, gunzipping it if it starts with the gzip magic bytes (whatever its name).
   *
   * @throws DataValidationException {@code no such file: PATH} if it does not exist, or naming a
   *     directory
   */
  static InputStream openBinary(Configuration conf, String path) throws IOException {
    InputStream raw;
    if (path.startsWith(DataLoader.CLASSPATH_PREFIX)) {
      String name = path.substring(DataLoader.CLASSPATH_PREFIX.length());
      name = name.replaceFirst("^/+", "");
      URL url = resource(name);
      if (url == null) {
        throw DataValidationException.noSuchFile(path);
      }
      raw = url.openStream();
    } else {
      Path p = new Path(path);
      FileSystem fs = p.getFileSystem(conf);
      if (!fs.exists(p)) {
        throw DataValidationException.noSuchFile(path);
      }
      if (fs.getFileStatus(p).isDirectory()) {
        throw new DataValidationException(path, null, "is a directory, not a file");
      }
      raw = fs.open(p);
    }
    BufferedInputStream in = new BufferedInputStream(raw, 1 << 16);
    in.mark(2);
    int b0 = in.read();
    int b1 = in.read();
    in.reset();
    return b0 == 0x1f && b1 == 0x8b ? new GZIPInputStream(in, 1 << 16) : in;
  }

  /** Whether a binary path exists (a file or a classpath resource). */
  static boolean exists(Configuration conf, String path) throws IOException {
    if (path.startsWith(DataLoader.CLASSPATH_PREFIX)) {
      String name = path.substring(DataLoader.CLASSPATH_PREFIX.length()).replaceFirst("^/+", "");
      return resource(name) != null;
    }
    Path p = new Path(path);
    return p.getFileSystem(conf).exists(p);
  }

  /** A classpath resource by the context class loader, else the one that loaded dptrain. */
  private static URL resource(String name) {
    ClassLoader context = Thread.currentThread().getContextClassLoader();
    URL url = context == null ? null : context.getResource(name);
    return url != null ? url : SourceFiles.class.getClassLoader().getResource(name);
  }
}
