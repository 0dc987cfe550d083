package org.dptrain.driver.data;

import static org.dptrain.driver.data.DataTestSupport.TEN_CLASSES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.abort;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.dptrain.data.Block;
import org.junit.jupiter.api.Test;

/**
 * The real Fashion-MNIST files: {@code ../shared/data/fashion-mnist} beside the repository (as CI
 * lays it out) or the Debian package {@code dataset-fashion-mnist}
 * ({@value #DEBIAN_PATH}). Skipped, saying where it looked, only when neither has them.
 */
class FashionMnistTest {
  static final String DEBIAN_PATH = "/usr/share/datasets/fashion-mnist";

  /** Where the files are looked for, in order. */
  private static List<Path> candidates() throws Exception {
    // the repository root: the first directory above this class's output holding both modules
    Path here = Path.of(FashionMnistTest.class.getProtectionDomain().getCodeSource().getLocation()
        .toURI());
    Path root = here;
    while (root != null && !(Files.isRegularFile(root.resolve("trainer/pom.xml"))
        && Files.isRegularFile(root.resolve("driver/pom.xml")))) {
      root = root.getParent();
    }
    List<Path> out = new ArrayList<>();
    if (root != null && root.getParent() != null) {
      out.add(root.getParent().resolve("shared/data/fashion-mnist"));
    }
    out.add(Path.of(DEBIAN_PATH));
    return out;
  }

  /** The images file of {@code set} (t10k or train) in the first candidate directory that has
   *  both its files; the test is skipped when none has them. */
  private static Path images(String set) throws Exception {
    List<Path> looked = candidates();
    for (Path dir : looked) {
      Path images = dir.resolve(set + "-images-idx3-ubyte.gz");
      if (Files.isRegularFile(images)
          && Files.isRegularFile(dir.resolve(set + "-labels-idx1-ubyte.gz"))) {
        return images;
      }
    }
    return abort("no Fashion-MNIST " + set + " files in any of " + looked
        + " (apt-get install dataset-fashion-mnist)");
  }

  @Test
  void testSetLoadsAndStacks() throws Exception {
    check(images("t10k"), 10_000, 2);
  }

  @Test
  void trainingSetLoadsAndStacks() throws Exception {
    check(images("train"), 60_000, 2);
  }

  private static void check(Path images, int n, int partitions) {
    System.out.println("Fashion-MNIST from " + images.getParent());
    DataTestSupport.spark().range(1).count();
    long start = System.nanoTime();
    LoadedData data = DataLoader.load(DataTestSupport.spark(), DataOptions.of(images.toString()),
        TEN_CLASSES);
    long loaded = System.nanoTime();
    JavaRDD<Block> blocks = BlockStacker.stack(data, TEN_CLASSES, partitions, null);
    long stacked = System.nanoTime();
    System.out.printf("Fashion-MNIST %s: %d x %d, load %.2f s, stack into %d blocks %.2f s,"
        + " total %.2f s%n", images.getFileName(), n, data.numFeatures(), (loaded - start) / 1e9,
        partitions, (stacked - loaded) / 1e9, (stacked - start) / 1e9);
    assertEquals(784, data.numFeatures());
    // summed where the blocks are cached: the columns never travel to the driver
    long[] summary = blocks.map(FashionMnistTest::summary).reduce(FashionMnistTest::sum);
    blocks.unpersist(true);
    System.out.printf("Fashion-MNIST %s: checked in %.2f s%n", images.getFileName(),
        (System.nanoTime() - stacked) / 1e9);
    assertEquals(n, summary[0]);
    assertEquals(0, summary[1], "targets that are not one-hot");
    assertEquals(0, summary[2], "pixels outside [0, 1]");
    for (int k = 0; k < 10; k++) {
      assertEquals(n / 10, summary[3 + k], "examples of class " + k + " (Fashion-MNIST is balanced)");
    }
  }

  /** {examples, targets not one-hot, pixels outside [0, 1], examples of class 0..9}. */
  private static long[] summary(Block b) {
    long[] out = new long[13];
    out[0] = b.size();
    for (int j = 0; j < b.size(); j++) {
      double[] y = b.target(j);
      int ones = 0;
      for (int k = 0; k < 10; k++) {
        if (y[k] == 1.0) {
          out[3 + k]++;
          ones++;
        } else if (y[k] != 0.0) {
          ones = -1;
          break;
        }
      }
      out[1] += ones == 1 ? 0 : 1;
    }
    for (double v : b.x()) {
      out[2] += v >= 0 && v <= 1 ? 0 : 1;
    }
    return out;
  }

  private static long[] sum(long[] a, long[] b) {
    long[] out = a.clone();
    for (int i = 0; i < out.length; i++) {
      out[i] += b[i];
    }
    return out;
  }
}
