package org.dptrain.driver.data;

import static org.dptrain.driver.data.DataTestSupport.TEN_CLASSES;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.dptrain.data.Block;
import org.junit.jupiter.api.Test;

/** The real Fashion-MNIST files, when the machine has them (shared/data beside the repo). */
class FashionMnistTest {
  private static final Path DATA = Path.of("/work/shared/data/fashion-mnist");

  @Test
  void testSetLoadsAndStacksQuickly() {
    Path images = DATA.resolve("t10k-images-idx3-ubyte.gz");
    assumeTrue(Files.exists(images), "no Fashion-MNIST test set at " + images);
    check(images, 10_000, 2);
  }

  /** The 60k training set; run with -Ddptrain.test.fullFashionMnist=true (about 400 MB). */
  @Test
  void trainingSetLoadsAndStacks() {
    Path images = DATA.resolve("train-images-idx3-ubyte.gz");
    assumeTrue(Boolean.getBoolean("dptrain.test.fullFashionMnist"),
        "set -Ddptrain.test.fullFashionMnist=true to load the 60k training set");
    assumeTrue(Files.exists(images), "no Fashion-MNIST training set at " + images);
    check(images, 60_000, 2);
  }

  private static void check(Path images, int n, int partitions) {
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
    List<Block> all = blocks.collect();
    blocks.unpersist(true);
    long[] perClass = new long[10];
    int total = 0;
    for (Block b : all) {
      total += b.size();
      for (int j = 0; j < b.size(); j++) {
        double[] y = b.target(j);
        int ones = 0;
        for (int k = 0; k < 10; k++) {
          if (y[k] == 1.0) {
            perClass[k]++;
            ones++;
          }
        }
        assertEquals(1, ones, "one-hot target");
      }
      for (double v : b.x()) {
        assertTrue(v >= 0 && v <= 1, "pixels scaled to [0, 1]");
      }
    }
    assertEquals(n, total);
    for (long c : perClass) {
      assertEquals(n / 10, c, "Fashion-MNIST is balanced");
    }
  }
}
