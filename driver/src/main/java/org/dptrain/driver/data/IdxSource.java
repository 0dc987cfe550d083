package org.dptrain.driver.data;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;

/**
 * The IDX format of MNIST and Fashion-MNIST: an images file ({@code ...-images-idx3-ubyte}, gzip
 * or not, told by its first bytes) and a labels file of the same name with {@code labels-idx1} in
 * place of {@code images-idx3}. A header of two zero bytes, the type byte 0x08 (unsigned byte),
 * the number of dimensions (3 for images, 1 for labels) and that many big-endian int32 sizes is
 * followed by the data, row-major.
 *
 * <p>Both files are read on the driver (they must fit in its memory), through the Hadoop
 * FileSystem API or from the classpath, reading no more than their headers promise (see
 * {@link #read}), and shipped to executors in chunks of about {@link #CHUNK_BYTES} bytes from
 * which the rows are built there. Features are the pixels in row-major order scaled to [0, 1]
 * (value / 255); labels are the class numbers.
 */
final class IdxSource {
  /**
   * Bytes of pixels per chunk shipped to executors; at least one chunk per core. Each chunk
   * travels inside its task, so a chunk stays below Spark's recommended task size (1000 KiB).
   */
  static final long CHUNK_BYTES = 512L << 10;
  /** Most data bytes one IDX file may promise: what one Java array holds. */
  static final long MAX_DATA_BYTES = Integer.MAX_VALUE - 16;
  /** Bytes past the promised data that are counted for the message before giving up. */
  static final int TRAILING_BYTES_COUNTED = 1 << 20;

  private static final int UNSIGNED_BYTE = 0x08;

  private IdxSource() {}

  /** A read IDX file: its dimensions and the data after its header. */
  record IdxFile(int[] dims, byte[] data) {}

  static LoadedData load(SparkSession spark, DataOptions options, Targets targets,
      HadoopConf conf) {
    String images = options.path();
    String labels = labelsPath(images);
    try {
      // a missing labels file is said before anything about the images file but its absence
      if (!SourceFiles.exists(conf.get(), labels) && SourceFiles.exists(conf.get(), images)) {
        throw DataValidationException.noSuchFile(labels, "the labels for " + images);
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for " + labels + ": " + e.getMessage(), e);
    }
    IdxFile imageFile = read(conf, images, 3, "an images");
    IdxFile labelFile = read(conf, labels, 1, "a labels");
    int[] imageDims = imageFile.dims();
    int n = imageDims[0];
    int width = imageDims[1] * imageDims[2];
    int numLabels = labelFile.dims()[0];
    if (n != numLabels) {
      throw new DataValidationException(images, null, "has " + n + " images but " + labels
          + " has " + numLabels + " labels");
    }
    if (n == 0) {
      throw DataValidationException.noExamples(images);
    }
    String shape = imageDims[1] + "x" + imageDims[2];
    if (options.numFeatures() != null && options.numFeatures() != width) {
      throw new DataValidationException(images, null, "images have " + shape + " = " + width
          + " pixels but numFeatures is " + options.numFeatures());
    }
    byte[] labelBytes = labelFile.data();
    for (int i = 0; i < n; i++) {
      String problem = targets.labelProblem(labelBytes[i] & 0xff);
      if (problem != null) {
        throw new DataValidationException(labels, DataValidationException.row(i), problem);
      }
    }
    return new LoadedData(spark.createDataFrame(rows(spark, images, imageFile.data(), labelBytes,
        n, width), LoadedData.SCHEMA), width, DataFormat.IDX);
  }

  /** The labels file beside an images file: {@code images-idx3} becomes {@code labels-idx1}. */
  static String labelsPath(String images) {
    int slash = images.lastIndexOf('/');
    String name = images.substring(slash + 1);
    int at = name.lastIndexOf("images-idx3");
    if (at < 0) {
      throw new DataValidationException(images, null, "cannot find the labels file: an IDX "
          + "images file name contains \"images-idx3\", and its labels file has \"labels-idx1\" "
          + "there instead");
    }
    return images.substring(0, slash + 1) + name.substring(0, at) + "labels-idx1"
        + name.substring(at + "images-idx3".length());
  }

  /**
   * Reads an IDX file of {@code ndims} dimensions: the header first, then exactly the data it
   * promises and no more. A header promising more than {@value #MAX_DATA_BYTES} bytes, or more
   * than half the driver's heap, is refused before any data is read; the data buffer grows only
   * as bytes arrive, so a header promising much more than the file holds costs nothing; and
   * reading stops {@value #TRAILING_BYTES_COUNTED} bytes past the promise, so a file (or a gzip
   * stream) that expands to more than its header says is an error, not an OutOfMemoryError.
   *
   * @param kind "an images" or "a labels", for messages
   * @throws DataValidationException naming the file and what is wrong
   */
  static IdxFile read(HadoopConf conf, String path, int ndims, String kind) {
    try (InputStream in = SourceFiles.openBinary(conf.get(), path)) {
      int[] dims = header(path, in.readNBytes(4 + 4 * ndims), ndims, kind);
      int itemBytes = 1;
      for (int d = 1; d < ndims; d++) {
        itemBytes = (int) Math.min((long) itemBytes * dims[d], Integer.MAX_VALUE);
      }
      String promise = ndims == 3 ? dims[0] + " images of " + dims[1] + "x" + dims[2] + " bytes"
          : dims[0] + " labels";
      if (ndims == 3 && (itemBytes < 1 || itemBytes > Integer.MAX_VALUE / 2)) {
        throw new DataValidationException(path, null, "unreadable IDX header: images of "
            + dims[1] + "x" + dims[2] + " pixels");
      }
      long dataBytes = (long) dims[0] * itemBytes;
      long heap = Runtime.getRuntime().maxMemory() / 2;
      if (dataBytes > MAX_DATA_BYTES || dataBytes > heap) {
        throw new DataValidationException(path, null, "the header promises " + promise + " = "
            + dataBytes + " bytes, more than the driver reads from one IDX file ("
            + Math.min(MAX_DATA_BYTES, heap) + " bytes: at most " + MAX_DATA_BYTES
            + " and half the driver's heap)");
      }
      byte[] data = in.readNBytes((int) dataBytes);
      if (data.length < dataBytes) {
        long complete = data.length / itemBytes;
        throw new DataValidationException(path, DataValidationException.row(complete), "the data "
            + "ends here: the header promises " + promise + ", the file holds " + complete
            + " complete");
      }
      long extra = countRest(in, TRAILING_BYTES_COUNTED);
      if (extra > 0) {
        throw new DataValidationException(path, null, "has " + (extra > TRAILING_BYTES_COUNTED
            ? "more than " + TRAILING_BYTES_COUNTED : String.valueOf(extra)) + " bytes after the "
            + promise + " its header promises");
      }
      return new IdxFile(dims, data);
    } catch (IOException e) {
      throw new DataValidationException(path, null, "cannot be read: " + e.getMessage());
    }
  }

  /** The bytes left in {@code in}, counted up to {@code limit} + 1. */
  private static long countRest(InputStream in, int limit) throws IOException {
    byte[] buf = new byte[8192];
    long count = 0;
    for (int r; count <= limit && (r = in.read(buf)) >= 0; ) {
      count += r;
    }
    return count;
  }

  /**
   * The dimensions in an IDX header.
   *
   * @param bytes the file's first 4 + 4 × ndims bytes, or all of it when it is shorter
   * @param kind "an images" or "a labels", for messages
   * @throws DataValidationException {@code unreadable IDX header: ...} saying what is wrong
   */
  static int[] header(String file, byte[] bytes, int ndims, String kind) {
    int headerSize = 4 + 4 * ndims;
    if (bytes.length < 4) {
      throw unreadable(file, "the file has " + bytes.length + " bytes, fewer than the 4 of an IDX "
          + "magic number");
    }
    if (bytes[0] != 0 || bytes[1] != 0) {
      throw unreadable(file, String.format("magic number 0x%02x%02x%02x%02x does not start with "
          + "two zero bytes", bytes[0], bytes[1], bytes[2], bytes[3]));
    }
    if (bytes[2] != UNSIGNED_BYTE) {
      throw unreadable(file, String.format("data type 0x%02x is not 0x08 (unsigned byte)",
          bytes[2]));
    }
    if (bytes[3] != ndims) {
      throw unreadable(file, "it has " + bytes[3] + " dimensions, " + kind + " file has " + ndims);
    }
    if (bytes.length < headerSize) {
      throw unreadable(file, "the file has " + bytes.length + " bytes, fewer than the "
          + headerSize + " of its header");
    }
    ByteBuffer b = ByteBuffer.wrap(bytes);
    int[] dims = new int[ndims];
    for (int d = 0; d < ndims; d++) {
      dims[d] = b.getInt(4 + 4 * d);
      if (dims[d] < 0) {
        throw unreadable(file, "dimension " + d + " is " + (dims[d] & 0xffffffffL)
            + ", more than an array holds");
      }
    }
    return dims;
  }

  private static DataValidationException unreadable(String file, String why) {
    return new DataValidationException(file, null, "unreadable IDX header: " + why);
  }

  /**
   * Rows built on executors from chunks of [start row (int64), m labels, m × width pixels].
   */
  private static JavaRDD<Row> rows(SparkSession spark, String file, byte[] images,
      byte[] labels, int n, int width) {
    int parallelism = Math.max(1, spark.sparkContext().defaultParallelism());
    long bytes = (long) n * width;
    int chunks = (int) Math.min(n, Math.max(parallelism, (bytes + CHUNK_BYTES - 1) / CHUNK_BYTES));
    List<byte[]> list = new ArrayList<>(chunks);
    for (int c = 0; c < chunks; c++) {
      int start = (int) ((long) c * n / chunks);
      int end = (int) ((long) (c + 1) * n / chunks);
      int m = end - start;
      byte[] chunk = new byte[8 + m + m * width];
      ByteBuffer.wrap(chunk).putLong(0, start);
      System.arraycopy(labels, start, chunk, 8, m);
      System.arraycopy(images, start * width, chunk, 8 + m, m * width);
      list.add(chunk);
    }
    JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    return jsc.parallelize(list, chunks).mapPartitions(it -> new Iterator<Row>() {
      private byte[] chunk;
      private long start;
      private int m;
      private int i;

      @Override
      public boolean hasNext() {
        while ((chunk == null || i == m) && it.hasNext()) {
          chunk = it.next();
          start = ByteBuffer.wrap(chunk).getLong(0);
          m = (chunk.length - 8) / (width + 1);
          i = 0;
        }
        return chunk != null && i < m;
      }

      @Override
      public Row next() {
        if (!hasNext()) {
          throw new NoSuchElementException();
        }
        double[] x = new double[width];
        int off = 8 + m + i * width;
        for (int p = 0; p < width; p++) {
          x[p] = (chunk[off + p] & 0xff) / 255.0;
        }
        Row r = RowFactory.create(Vectors.dense(x), (double) (chunk[8 + i] & 0xff), file,
            start + i);
        i++;
        return r;
      }
    });
  }
}
