package org.dptrain.driver.fs;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileAlreadyExistsException;
import org.apache.hadoop.fs.FSDataOutputStream;
import org.apache.hadoop.fs.FileContext;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.LocalFileSystem;
import org.apache.hadoop.fs.Options;
import org.apache.hadoop.fs.Path;
import org.apache.hadoop.fs.RawLocalFileSystem;
import org.apache.spark.sql.SparkSession;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.dptrain.model.ModelFileException;

/**
 * Model directories and small files on any Hadoop filesystem, written so that a reader never sees
 * half of them (see the package documentation for what "atomic" means on each kind of store).
 *
 * <p>On the local filesystem the raw filesystem is used: Hadoop's checksummed local filesystem
 * would leave {@code .crc} files beside every file, and renaming a file and then its checksum is
 * two steps (a reader between them fails). Our files carry SHA-256 digests of their own.
 */
public final class HadoopFiles {
  /** The largest read limit of {@link #readFile}: the most bytes a Java array holds. */
  public static final long MAX_ARRAY_BYTES = Integer.MAX_VALUE - 8;

  private final Configuration conf;

  /** A store using the given Hadoop configuration (copied). */
  public HadoopFiles(Configuration conf) {
    this.conf = new Configuration(conf);
  }

  /** A store with the Spark session's Hadoop configuration (so {@code spark.hadoop.*} applies). */
  public static HadoopFiles of(SparkSession spark) {
    return new HadoopFiles(spark.sparkContext().hadoopConfiguration());
  }

  /**
   * The fully qualified path of {@code uri}: a URI ({@code hdfs://nn/models}, {@code
   * file:///tmp/x}) or a local path, relative ones against the working directory.
   *
   * @throws IllegalArgumentException if {@code uri} is empty or malformed
   */
  public Path path(String uri) {
    if (uri == null || uri.isBlank()) {
      throw new IllegalArgumentException("a path or URI is required, got an empty one");
    }
    try {
      Path p = new Path(uri);
      return p.getFileSystem(conf).makeQualified(p);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("'" + uri + "' is not a valid path or URI: "
          + e.getMessage(), e);
    } catch (IOException e) {
      throw new IllegalArgumentException("no filesystem for '" + uri + "': " + e.getMessage(), e);
    }
  }

  /** The filesystem of {@code p}; the raw one for local paths (no .crc side files). */
  public FileSystem fs(Path p) throws IOException {
    FileSystem fs = p.getFileSystem(conf);
    return fs instanceof LocalFileSystem local ? local.getRawFileSystem() : fs;
  }

  /** Whether {@code p} exists. */
  public boolean exists(Path p) throws IOException {
    return fs(p).exists(p);
  }

  /**
   * Writes {@code model} as directory {@code dir}, which must not exist: the files are written into
   * a hidden staging directory beside it, which is then renamed into place.
   *
   * @throws FileAlreadyExistsException if {@code dir} exists
   * @throws IllegalArgumentException if a weight is not finite (nothing is written)
   */
  public void writeModel(Path dir, Model model) throws IOException {
    ModelFile.Encoded files = ModelFile.encode(model);
    writeDirectory(dir, List.of(new NamedBytes(ModelFile.WEIGHTS_BIN, files.weightsBin()),
        new NamedBytes(ModelFile.MODEL_JSON, files.modelJson())));
  }

  /**
   * Reads and verifies the model directory {@code dir} ({@link ModelFile#decode}).
   *
   * @throws ModelFileException if it is missing, malformed, truncated or altered
   */
  public Model readModel(Path dir) throws IOException {
    return readModel(dir, dir.toString());
  }

  /**
   * {@link #readModel(Path)}, naming the directory {@code name} in messages (as the user gave it).
   */
  public Model readModel(Path dir, String name) throws IOException {
    FileSystem fs = fs(dir);
    if (!fs.exists(dir) || !fs.getFileStatus(dir).isDirectory()) {
      throw new ModelFileException("model directory not found: " + name);
    }
    return ModelFile.decode(name, file -> {
      try {
        return readFile(new Path(dir, file), ModelFile.maxBytes(file));
      } catch (FileTooLargeException e) {
        throw new ModelFileException(e.getMessage(), e);
      }
    });
  }

  /** A file's name and content. */
  public record NamedBytes(String name, byte[] bytes) {}

  /**
   * Creates directory {@code dir} holding exactly {@code files}, written in the order given into a
   * hidden staging directory beside it and renamed into place. On any failure the staging
   * directory is removed and {@code dir} does not exist.
   *
   * @throws FileAlreadyExistsException if {@code dir} exists
   */
  public void writeDirectory(Path dir, List<NamedBytes> files) throws IOException {
    FileSystem fs = fs(dir);
    if (fs.exists(dir)) {
      throw new FileAlreadyExistsException(dir + " exists; choose another name or remove it");
    }
    Path parent = dir.getParent();
    fs.mkdirs(parent);
    Path staging = new Path(parent, "." + dir.getName() + ".tmp-" + UUID.randomUUID());
    try {
      if (!fs.mkdirs(staging)) {
        throw new IOException("cannot create " + staging);
      }
      for (NamedBytes f : files) {
        write(fs, new Path(staging, f.name()), f.bytes());
      }
      if (!fs.rename(staging, dir)) {
        throw new IOException("cannot rename " + staging + " to " + dir
            + (fs.exists(dir) ? ": it was created meanwhile" : ""));
      }
    } catch (IOException | RuntimeException e) {
      deleteAfterFailure(fs, staging, e);
      throw e;
    }
  }

  /**
   * Writes {@code bytes} as {@code file} through a temporary file renamed into place; with {@code
   * replace} an existing file is replaced (atomically where the filesystem can: local and HDFS).
   *
   * @throws FileAlreadyExistsException if the file exists and {@code replace} is false
   */
  public void writeFile(Path file, byte[] bytes, boolean replace) throws IOException {
    FileSystem fs = fs(file);
    if (!replace && fs.exists(file)) {
      throw new FileAlreadyExistsException(file + " exists");
    }
    fs.mkdirs(file.getParent());
    Path tmp = new Path(file.getParent(), "." + file.getName() + ".tmp-" + UUID.randomUUID());
    try {
      write(fs, tmp, bytes);
      if ("file".equals(fs.getUri().getScheme()) || !fs.exists(file)) {
        // rename(2) replaces the target in one step
        if (!fs.rename(tmp, file)) {
          throw new IOException("cannot rename " + tmp + " to " + file);
        }
      } else {
        FileContext.getFileContext(fs.getUri(), conf).rename(tmp, file, Options.Rename.OVERWRITE);
      }
    } catch (IOException | RuntimeException e) {
      deleteAfterFailure(fs, tmp, e);
      throw e;
    }
  }

  /**
   * Creates {@code file} with {@code bytes} only if it does not exist (one atomic create on local
   * filesystems and HDFS): the primitive a lock needs.
   *
   * @return false if the file already existed (nothing written)
   */
  public boolean createExclusive(Path file, byte[] bytes) throws IOException {
    FileSystem fs = fs(file);
    fs.mkdirs(file.getParent());
    if (fs instanceof RawLocalFileSystem local) {
      // Hadoop's local create(f, false) checks and then opens: not exclusive. O_EXCL is.
      try {
        Files.write(local.pathToFile(file).toPath(), bytes, StandardOpenOption.CREATE_NEW,
            StandardOpenOption.WRITE, StandardOpenOption.SYNC);
        return true;
      } catch (java.nio.file.FileAlreadyExistsException e) {
        return false;
      }
    }
    FSDataOutputStream out;
    try {
      // HDFS: the NameNode creates the file or refuses, in one step
      out = fs.create(file, false);
    } catch (FileAlreadyExistsException e) {
      return false;
    } catch (IOException e) {
      if (fs.exists(file)) {
        return false;
      }
      throw e;
    }
    try (out) {
      out.write(bytes);
      out.hsync();
    }
    return true;
  }

  /**
   * The bytes of {@code file}, or null if it does not exist. The bound is checked twice: against
   * the size in the file's status before anything is read, and while reading (a file that grows
   * meanwhile, or a store whose status is wrong, is still refused without reading past it).
   *
   * @param maxBytes the most bytes the caller accepts (at most {@value #MAX_ARRAY_BYTES}, what a
   *     Java array holds)
   * @throws FileTooLargeException naming the file, its size and the limit
   */
  public byte[] readFile(Path file, long maxBytes) throws IOException {
    if (maxBytes < 0 || maxBytes > MAX_ARRAY_BYTES) {
      throw new IllegalArgumentException("a read limit must be in [0, " + MAX_ARRAY_BYTES
          + "], got " + maxBytes);
    }
    FileSystem fs = fs(file);
    try (InputStream in = fs.open(file)) {
      long size = fs.getFileStatus(file).getLen();
      if (size > maxBytes) {
        throw new FileTooLargeException(file, size, maxBytes);
      }
      // readNBytes grows its buffer as bytes arrive: a short file never allocates the limit
      byte[] bytes = in.readNBytes((int) maxBytes);
      if (in.read() != -1) {
        throw new FileTooLargeException(file, -1, maxBytes);
      }
      return bytes;
    } catch (FileNotFoundException e) {
      return null;
    }
  }

  /** A file larger than its reader accepts; nothing of it was kept. */
  public static final class FileTooLargeException extends IOException {
    private static final long serialVersionUID = 1L;
    private final long size;
    private final long limit;

    /**
     * @param size the file's size in bytes, or -1 when it was found larger only while reading
     * @param limit the most bytes the reader accepts
     */
    public FileTooLargeException(Path file, long size, long limit) {
      super(file + (size >= 0 ? " has " + size + " bytes" : " holds more bytes than its status"
          + " says") + ", more than the " + limit + " dptrain reads from it");
      this.size = size;
      this.limit = limit;
    }

    /** The file's size in bytes, or -1 when it was found larger only while reading. */
    public long size() {
      return size;
    }

    /** The most bytes the reader accepts. */
    public long limit() {
      return limit;
    }
  }

  /** The entries of directory {@code dir} sorted by name, or an empty list if it is missing. */
  public List<FileStatus> list(Path dir) throws IOException {
    FileSystem fs = fs(dir);
    try {
      List<FileStatus> out = new ArrayList<>(Arrays.asList(fs.listStatus(dir)));
      out.sort((a, b) -> a.getPath().getName().compareTo(b.getPath().getName()));
      return out;
    } catch (FileNotFoundException e) {
      return List.of();
    }
  }

  /** Deletes {@code p} and everything under it, if it exists. */
  public void delete(Path p) throws IOException {
    fs(p).delete(p, true);
  }

  private static void deleteAfterFailure(FileSystem fs, Path p, Exception cause) {
    try {
      fs.delete(p, true);
    } catch (IOException | RuntimeException e) {
      cause.addSuppressed(e);
    }
  }

  /** Writes a new file and forces it to the device before it is closed, so that a rename that
   *  follows never publishes a file whose data a crash of the machine could still lose. */
  private static void write(FileSystem fs, Path file, byte[] bytes) throws IOException {
    try (FSDataOutputStream out = fs.create(file, false)) {
      out.write(bytes);
      out.hsync();
    }
  }
}
