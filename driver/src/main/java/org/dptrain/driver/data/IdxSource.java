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
 * FileSystem API or from the classpath, and shipped to executors in a few large chunks of bytes
 * from which the rows are built there. Features are the pixels in row-major order scaled to
 * [0, 1] (value / 255); labels are the class numbers.
 */
final class IdxSource {
  /** Bytes of pixels per chunk shipped to executors; at least one chunk per core. */
  static final long CHUNK_BYTES = 8L << 20;

  private static final int UNSIGNED_BYTE = 0x08;

  private IdxSource() {}

  static LoadedData load(SparkSession spark, DataOptions options, Targets targets,
      HadoopConf conf) {
    String images = options.path();
    String labels = labelsPath(images);
    byte[] imageBytes = readAll(conf, images);
    boolean labelsExist;
    try {
      labelsExist = SourceFiles.exists(conf.get(), labels);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot look for " + labels + ": " + e.getMessage(), e);
    }
    if (!labelsExist) {
      throw DataValidationException.noSuchFile(labels, "the labels for " + images);
    }
    byte[] labelBytes = readAll(conf, labels);
    int[] imageDims = header(images, imageBytes, 3, "an images");
    int[] labelDims = header(labels, labelBytes, 1, "a labels");
    int n = imageDims[0];
    long width = (long) imageDims[1] * imageDims[2];
    if (width < 1 || width > Integer.MAX_VALUE / 2) {
      throw new DataValidationException(images, null, "unreadable IDX header: images of "
          + imageDims[1] + "x" + imageDims[2] + " pixels");
    }
    String shape = imageDims[1] + "x" + imageDims[2];
    checkLength(images, imageBytes, 16, n, (int) width, n + " images of " + shape + " bytes");
    checkLength(labels, labelBytes, 8, labelDims[0], 1, labelDims[0] + " labels");
    if (n != labelDims[0]) {
      throw new DataValidationException(images, null, "has " + n + " images but " + labels
          + " has " + labelDims[0] + " labels");
    }
    if (n == 0) {
      throw DataValidationException.noExamples(images);
    }
    if (options.numFeatures() != null && options.numFeatures() != width) {
      throw new DataValidationException(images, null, "images have " + shape + " = " + width
          + " pixels but numFeatures is " + options.numFeatures());
    }
    for (int i = 0; i < n; i++) {
      String problem = targets.labelProblem(labelBytes[8 + i] & 0xff);
      if (problem != null) {
        throw new DataValidationException(labels, DataValidationException.row(i), problem);
      }
    }
    return new LoadedData(spark.createDataFrame(rows(spark, images, imageBytes, labelBytes, n,
        (int) width), LoadedData.SCHEMA), (int) width, DataFormat.IDX);
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

  private static byte[] readAll(HadoopConf conf, String path) {
    try (InputStream in = SourceFiles.openBinary(conf.get(), path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw new DataValidationException(path, null, "cannot be read: " + e.getMessage());
    }
  }

  /**
   * The dimensions in an IDX header.
   *
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

  /** The data after the header must be exactly count items of itemBytes bytes. */
  private static void checkLength(String file, byte[] bytes, int headerSize, int count,
      int itemBytes, String promise) {
    long expected = headerSize + (long) count * itemBytes;
    if (bytes.length < expected) {
      long complete = (bytes.length - headerSize) / itemBytes;
      throw new DataValidationException(file, DataValidationException.row(complete), "the data "
          + "ends here: the header promises " + promise + ", the file holds " + complete
          + " complete");
    }
    if (bytes.length > expected) {
      throw new DataValidationException(file, null, "has " + (bytes.length - expected)
          + " bytes after the " + promise + " its header promises");
    }
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
      System.arraycopy(labels, 8 + start, chunk, 8, m);
      System.arraycopy(images, 16 + start * width, chunk, 8 + m, m * width);
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
