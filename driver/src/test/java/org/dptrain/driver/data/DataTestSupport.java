package org.dptrain.driver.data;

import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.dptrain.driver.SparkTestSession;
import org.junit.jupiter.api.function.Executable;

/** Fixtures and helpers shared by the data tests. */
final class DataTestSupport {
  static final Targets THREE_CLASSES = new Targets(TaskType.MULTICLASS, 3);
  static final Targets TEN_CLASSES = new Targets(TaskType.MULTICLASS, 10);
  static final Targets BINARY = new Targets(TaskType.BINARY, 1);
  static final Targets REGRESSION = new Targets(TaskType.REGRESSION, 1);

  private DataTestSupport() {}

  static SparkSession spark() {
    return SparkTestSession.get();
  }

  /** A file's name as Hadoop's readers report it: {@code file:/abs/path}. */
  static String hadoopName(Path p) {
    return "file:" + p.toAbsolutePath();
  }

  /** A test resource under data/ as a local path. */
  static Path resource(String name) {
    try {
      return Path.of(DataTestSupport.class.getResource("/data/" + name).toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  static Path write(Path dir, String name, String text) {
    try {
      Path p = dir.resolve(name);
      Files.writeString(p, text, StandardCharsets.UTF_8);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static Path write(Path dir, String name, byte[] bytes) {
    try {
      Path p = dir.resolve(name);
      Files.write(p, bytes);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static byte[] gzip(byte[] bytes) {
    try {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      try (OutputStream z = new GZIPOutputStream(out)) {
        z.write(bytes);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** An IDX file of unsigned bytes: header (0, 0, 0x08, ndims, dims) then data. */
  static byte[] idx(int[] dims, byte[] data) {
    ByteBuffer b = ByteBuffer.allocate(4 + 4 * dims.length + data.length);
    b.put((byte) 0).put((byte) 0).put((byte) 0x08).put((byte) dims.length);
    for (int d : dims) {
      b.putInt(d);
    }
    b.put(data);
    return b.array();
  }

  static LoadedData load(Path path, Targets targets) {
    return DataLoader.load(spark(), DataOptions.of(path.toString()), targets);
  }

  static LoadedData load(DataOptions options, Targets targets) {
    return DataLoader.load(spark(), options, targets);
  }

  /** The frame's rows by (file, position). */
  static List<Row> rows(LoadedData data) {
    Dataset<Row> f = data.frame();
    return f.orderBy(LoadedData.FILE, LoadedData.POS).collectAsList();
  }

  /**
   * An in-memory frame (positions mean rows, as for IDX) of examples {@code x[i]} with
   * {@code labels[i]} at row i of {@code file}: in order when {@code partitions} is 1 (Spark
   * spreads the rows over its default parallelism), else shuffled over {@code partitions}
   * partitions by a SQL repartition, so that rows arrive in no particular order.
   */
  static LoadedData memory(String file, int partitions, double[][] x, Double[] labels) {
    List<Row> rows = new java.util.ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      rows.add(org.apache.spark.sql.RowFactory.create(
          x[i] == null ? null : org.apache.spark.ml.linalg.Vectors.dense(x[i]), labels[i], file,
          (long) i));
    }
    Dataset<Row> frame = spark().createDataFrame(rows, LoadedData.SCHEMA);
    if (partitions > 1) {
      frame = frame.repartition(partitions);
    }
    int width = x[0] == null ? 1 : x[0].length;
    return new LoadedData(frame, width, DataFormat.IDX);
  }

  /** Asserts that {@code action} fails with exactly {@code message}. */
  static DataValidationException fails(String message, Executable action) {
    DataValidationException e = assertThrows(DataValidationException.class, action);
    org.junit.jupiter.api.Assertions.assertEquals(message, e.getMessage());
    return e;
  }
}
