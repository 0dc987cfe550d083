package org.dptrain.driver.data;

import static org.dptrain.driver.data.DataTestSupport.TEN_CLASSES;
import static org.dptrain.driver.data.DataTestSupport.THREE_CLASSES;
import static org.dptrain.driver.data.DataTestSupport.fails;
import static org.dptrain.driver.data.DataTestSupport.gzip;
import static org.dptrain.driver.data.DataTestSupport.idx;
import static org.dptrain.driver.data.DataTestSupport.load;
import static org.dptrain.driver.data.DataTestSupport.rows;
import static org.dptrain.driver.data.DataTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdxLoadTest {
  @TempDir Path dir;

  /** Three 2x3 images with pixels 0, 51, 255, ... and labels 2, 0, 1. */
  private static final byte[] PIXELS = {
      0, 51, (byte) 255, 102, (byte) 204, 1,
      10, 20, 30, 40, 50, 60,
      (byte) 255, (byte) 255, 0, 0, (byte) 128, 7};
  private static final byte[] LABELS = {2, 0, 1};

  private Path images(String name, boolean gzip) {
    byte[] img = idx(new int[] {3, 2, 3}, PIXELS);
    byte[] lab = idx(new int[] {3}, LABELS);
    String labels = name.replace("images-idx3", "labels-idx1");
    write(dir, labels, gzip ? gzip(lab) : lab);
    return write(dir, name, gzip ? gzip(img) : img);
  }

  @Test
  void readsPixelsScaledToTheUnitIntervalWithLabelsAndRows() {
    Path file = images("x-images-idx3-ubyte", false);
    LoadedData data = load(file, THREE_CLASSES);
    assertEquals(DataFormat.IDX, data.format());
    assertEquals(6, data.numFeatures());
    List<Row> rows = rows(data);
    assertEquals(3, rows.size());
    for (int i = 0; i < 3; i++) {
      double[] expected = new double[6];
      for (int p = 0; p < 6; p++) {
        expected[p] = (PIXELS[i * 6 + p] & 0xff) / 255.0;
      }
      assertArrayEquals(expected, ((Vector) rows.get(i).get(0)).toArray());
      assertEquals(LABELS[i], rows.get(i).getDouble(1));
      assertEquals(file.toString(), rows.get(i).getString(2));
      assertEquals(i, rows.get(i).getLong(3));
    }
    assertEquals(file + " row 2 (0-based)", data.locate(file.toString(), 2));
  }

  @Test
  void detectsGzipByItsMagicBytesNotItsName() {
    Path plainName = images("y-images-idx3-ubyte", true);
    Path gzName = images("z-images-idx3-ubyte.gz", true);
    List<Row> a = rows(load(plainName, THREE_CLASSES));
    List<Row> b = rows(load(gzName, THREE_CLASSES));
    for (int i = 0; i < 3; i++) {
      assertEquals(a.get(i).get(0), b.get(i).get(0));
      assertEquals(a.get(i).getDouble(1), b.get(i).getDouble(1));
    }
  }

  @Test
  void readsTheEmbeddedSampleFromTheClasspath() {
    LoadedData train = load(DataOptions.of(DataLoader.SAMPLE_TRAIN), TEN_CLASSES);
    assertEquals(784, train.numFeatures());
    assertEquals(List.of(600L, 600L, 600L, 600L, 600L, 600L, 600L, 600L, 600L, 600L),
        classCounts(train));
    LoadedData test = load(DataOptions.of(DataLoader.SAMPLE_TEST), TEN_CLASSES);
    assertEquals(List.of(100L, 100L, 100L, 100L, 100L, 100L, 100L, 100L, 100L, 100L),
        classCounts(test));
  }

  @Test
  void theEmbeddedSampleTravelsInTasksBelowSparksRecommendedSize() {
    List<String> warnings = new java.util.concurrent.CopyOnWriteArrayList<>();
    org.apache.logging.log4j.core.Appender capture =
        new org.apache.logging.log4j.core.appender.AbstractAppender("capture", null, null, true,
            org.apache.logging.log4j.core.config.Property.EMPTY_ARRAY) {
          @Override
          public void append(org.apache.logging.log4j.core.LogEvent event) {
            warnings.add(event.getMessage().getFormattedMessage());
          }
        };
    capture.start();
    org.apache.logging.log4j.core.Logger tasks =
        ((org.apache.logging.log4j.core.LoggerContext) org.apache.logging.log4j.LogManager
            .getContext(false)).getLogger("org.apache.spark.scheduler.TaskSetManager");
    tasks.addAppender(capture);
    try {
      LoadedData train = load(DataOptions.of(DataLoader.SAMPLE_TRAIN), TEN_CLASSES);
      assertEquals(6000, train.frame().count());
    } finally {
      tasks.removeAppender(capture);
      capture.stop();
    }
    assertEquals(List.of(), warnings.stream().filter(w -> w.contains("very large size")).toList());
  }

  @Test
  void fileTooShortForAHeader() {
    Path file = write(dir, "a-images-idx3-ubyte", new byte[] {0, 0, 8});
    write(dir, "a-labels-idx1-ubyte", idx(new int[] {0}, new byte[0]));
    fails(file + ": unreadable IDX header: the file has 3 bytes, fewer than the 4 of an IDX magic "
        + "number", () -> load(file, THREE_CLASSES));
  }

  @Test
  void headerCutShort() {
    byte[] header = Arrays.copyOf(idx(new int[] {3, 2, 3}, new byte[0]), 10);
    Path file = write(dir, "a-images-idx3-ubyte", header);
    write(dir, "a-labels-idx1-ubyte", idx(new int[] {3}, LABELS));
    fails(file + ": unreadable IDX header: the file has 10 bytes, fewer than the 16 of its header",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void badMagic() {
    byte[] bytes = idx(new int[] {3, 2, 3}, PIXELS);
    bytes[0] = 0x50;
    bytes[1] = 0x4b;
    Path file = write(dir, "a-images-idx3-ubyte", bytes);
    write(dir, "a-labels-idx1-ubyte", idx(new int[] {3}, LABELS));
    fails(file + ": unreadable IDX header: magic number 0x504b0803 does not start with two zero "
        + "bytes", () -> load(file, THREE_CLASSES));
  }

  @Test
  void wrongDataType() {
    byte[] bytes = idx(new int[] {3, 2, 3}, PIXELS);
    bytes[2] = 0x0d;
    Path file = write(dir, "a-images-idx3-ubyte", bytes);
    write(dir, "a-labels-idx1-ubyte", idx(new int[] {3}, LABELS));
    fails(file + ": unreadable IDX header: data type 0x0d is not 0x08 (unsigned byte)",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void wrongNumberOfDimensions() {
    Path file = write(dir, "a-images-idx3-ubyte", idx(new int[] {18}, PIXELS));
    write(dir, "a-labels-idx1-ubyte", idx(new int[] {3}, LABELS));
    fails(file + ": unreadable IDX header: it has 1 dimensions, an images file has 3",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void labelsFileWithImageDimensions() {
    Path file = write(dir, "a-images-idx3-ubyte", idx(new int[] {3, 2, 3}, PIXELS));
    Path labels = write(dir, "a-labels-idx1-ubyte", idx(new int[] {3, 1, 1}, LABELS));
    fails(labels + ": unreadable IDX header: it has 3 dimensions, a labels file has 1",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void imageDataShorterThanTheHeaderSays() {
    Path file = write(dir, "a-images-idx3-ubyte",
        idx(new int[] {3, 2, 3}, Arrays.copyOf(PIXELS, 14)));
    write(dir, "a-labels-idx1-ubyte", idx(new int[] {3}, LABELS));
    fails(file + " row 2 (0-based): the data ends here: the header promises 3 images of 2x3 bytes, "
        + "the file holds 2 complete", () -> load(file, THREE_CLASSES));
  }

  @Test
  void labelDataShorterThanTheHeaderSays() {
    Path file = write(dir, "a-images-idx3-ubyte", idx(new int[] {3, 2, 3}, PIXELS));
    Path labels = write(dir, "a-labels-idx1-ubyte", idx(new int[] {3}, new byte[] {1}));
    fails(labels + " row 1 (0-based): the data ends here: the header promises 3 labels, the file "
        + "holds 1 complete", () -> load(file, THREE_CLASSES));
  }

  @Test
  void dataLongerThanTheHeaderSays() {
    Path file = write(dir, "a-images-idx3-ubyte",
        idx(new int[] {2, 2, 3}, PIXELS));
    write(dir, "a-labels-idx1-ubyte", idx(new int[] {2}, new byte[] {0, 1}));
    fails(file + ": has 6 bytes after the 2 images of 2x3 bytes its header promises",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void aGzipBombIsAClearErrorNotAnOutOfMemoryError() throws Exception {
    // 3,000 concatenated gzip members of 1 MiB of zeros after a valid file of 2 images: ~3 MB
    // on disk that inflate to ~3 GB, more than a byte array holds and than the test heap
    java.io.ByteArrayOutputStream bomb = new java.io.ByteArrayOutputStream();
    bomb.write(gzip(idx(new int[] {2, 2, 3}, Arrays.copyOf(PIXELS, 12))));
    byte[] member = gzip(new byte[1 << 20]);
    for (int i = 0; i < 3000; i++) {
      bomb.write(member);
    }
    Path file = write(dir, "a-images-idx3-ubyte.gz", bomb.toByteArray());
    write(dir, "a-labels-idx1-ubyte.gz", idx(new int[] {2}, new byte[] {0, 1}));

    fails(file + ": has more than " + IdxSource.TRAILING_BYTES_COUNTED + " bytes after the 2"
        + " images of 2x3 bytes its header promises", () -> load(file, THREE_CLASSES));
  }

  @Test
  void aHeaderPromisingMoreThanTheDriverReadsIsRefusedBeforeReading() {
    Path file = write(dir, "a-images-idx3-ubyte", idx(new int[] {1_000_000, 100, 100}, PIXELS));
    write(dir, "a-labels-idx1-ubyte", idx(new int[] {3}, LABELS));

    DataValidationException e = org.junit.jupiter.api.Assertions.assertThrows(
        DataValidationException.class, () -> load(file, THREE_CLASSES));
    String expected = file + ": the header promises 1000000 images of 100x100 bytes ="
        + " 10000000000 bytes, more than the driver reads from one IDX file (";
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().startsWith(expected),
        e.getMessage());
    org.junit.jupiter.api.Assertions.assertTrue(e.getMessage().endsWith(" bytes: at most "
        + IdxSource.MAX_DATA_BYTES + " and half the driver's heap)"), e.getMessage());
  }

  @Test
  void imageAndLabelCountsDiffer() {
    Path file = write(dir, "a-images-idx3-ubyte", idx(new int[] {3, 2, 3}, PIXELS));
    Path labels = write(dir, "a-labels-idx1-ubyte", idx(new int[] {2}, new byte[] {0, 1}));
    fails(file + ": has 3 images but " + labels + " has 2 labels",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void labelsFileMissing() {
    Path file = write(dir, "a-images-idx3-ubyte.gz", gzip(idx(new int[] {3, 2, 3}, PIXELS)));
    fails("no such file: " + dir.resolve("a-labels-idx1-ubyte.gz") + " (the labels for " + file
        + ")", () -> load(file, THREE_CLASSES));
  }

  @Test
  void gzipStreamCutShort() {
    byte[] whole = gzip(idx(new int[] {3, 2, 3}, PIXELS));
    Path file = write(dir, "a-images-idx3-ubyte.gz", Arrays.copyOf(whole, whole.length - 12));
    write(dir, "a-labels-idx1-ubyte.gz", gzip(idx(new int[] {3}, LABELS)));
    fails(file + ": cannot be read: Unexpected end of ZLIB input stream",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void imagesFileMissing() {
    String path = dir.resolve("a-images-idx3-ubyte").toString();
    fails("no such file: " + path, () -> load(DataOptions.of(path), THREE_CLASSES));
  }

  @Test
  void classpathResourceMissing() {
    String path = "classpath:org/dptrain/nothing-images-idx3-ubyte.gz";
    fails("no such file: " + path, () -> load(DataOptions.of(path), THREE_CLASSES));
  }

  @Test
  void imagesFileNameWithoutImagesIdx3() {
    Path file = write(dir, "pictures.idx", idx(new int[] {3, 2, 3}, PIXELS));
    fails(file + ": cannot find the labels file: an IDX images file name contains "
        + "\"images-idx3\", and its labels file has \"labels-idx1\" there instead",
        () -> load(DataOptions.of(file.toString()).withFormat(DataFormat.IDX), THREE_CLASSES));
  }

  @Test
  void noImages() {
    Path file = write(dir, "a-images-idx3-ubyte", idx(new int[] {0, 2, 3}, new byte[0]));
    write(dir, "a-labels-idx1-ubyte", idx(new int[] {0}, new byte[0]));
    fails("no examples in " + file, () -> load(file, THREE_CLASSES));
  }

  @Test
  void labelOutsideTheClasses() {
    Path file = images("a-images-idx3-ubyte", false);
    fails(dir.resolve("a-labels-idx1-ubyte") + " row 0 (0-based): label 2 is outside [0, 2) (2 "
        + "classes)", () -> load(file, new Targets(TaskType.MULTICLASS, 2)));
  }

  @Test
  void numFeaturesThatDisagrees() {
    Path file = images("a-images-idx3-ubyte", false);
    fails(file + ": images have 2x3 = 6 pixels but numFeatures is 784",
        () -> load(DataOptions.of(file.toString()).withNumFeatures(784), THREE_CLASSES));
  }

  static List<Long> classCounts(LoadedData data) {
    long[] counts = new long[10];
    for (Row r : data.frame().groupBy(LoadedData.LABEL).count().collectAsList()) {
      counts[(int) r.getDouble(0)] = r.getLong(1);
    }
    return Arrays.stream(counts).boxed().toList();
  }
}
