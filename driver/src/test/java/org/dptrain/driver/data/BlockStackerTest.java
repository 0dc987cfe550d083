package org.dptrain.driver.data;

import static org.dptrain.driver.data.DataTestSupport.BINARY;
import static org.dptrain.driver.data.DataTestSupport.REGRESSION;
import static org.dptrain.driver.data.DataTestSupport.THREE_CLASSES;
import static org.dptrain.driver.data.DataTestSupport.fails;
import static org.dptrain.driver.data.DataTestSupport.hadoopName;
import static org.dptrain.driver.data.DataTestSupport.load;
import static org.dptrain.driver.data.DataTestSupport.memory;
import static org.dptrain.driver.data.DataTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.storage.StorageLevel;
import org.dptrain.data.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BlockStackerTest {
  @TempDir Path dir;

  /** Example i: features (i, -i / 2), label i mod 3. */
  private static LoadedData examples(int n, int inputPartitions) {
    double[][] x = new double[n][];
    Double[] labels = new Double[n];
    for (int i = 0; i < n; i++) {
      x[i] = new double[] {i, -i / 2.0};
      labels[i] = (double) (i % 3);
    }
    return memory("mem", inputPartitions, x, labels);
  }

  private static List<Block> collect(JavaRDD<Block> blocks) {
    try {
      return blocks.collect();
    } finally {
      blocks.unpersist(true);
    }
  }

  @Test
  void everyExampleOnceRoundRobinWithOneHotTargets() {
    int n = 11;
    int p = 3;
    JavaRDD<Block> rdd = BlockStacker.stack(examples(n, 4), THREE_CLASSES, p, null);
    assertEquals(p, rdd.getNumPartitions());
    assertEquals(StorageLevel.MEMORY_AND_DISK(), rdd.getStorageLevel());
    List<Block> blocks = collect(rdd);
    assertEquals(p, blocks.size());
    assertEquals(List.of(4, 4, 3), blocks.stream().map(Block::size).toList());
    boolean[] seen = new boolean[n];
    for (int b = 0; b < p; b++) {
      Block block = blocks.get(b);
      assertEquals(2, block.features());
      assertEquals(3, block.outputs());
      for (int j = 0; j < block.size(); j++) {
        int g = b + j * p;
        seen[g] = true;
        assertArrayEquals(new double[] {g, -g / 2.0}, block.column(j));
        double[] oneHot = new double[3];
        oneHot[g % 3] = 1;
        assertArrayEquals(oneHot, block.target(j));
      }
    }
    for (int g = 0; g < n; g++) {
      assertEquals(true, seen[g], "example " + g);
    }
  }

  @Test
  void binaryTargetsAreTheLabel() {
    LoadedData data = memory("mem", 1, new double[][] {{1}, {2}, {3}},
        new Double[] {1.0, 0.0, 1.0});
    Block block = collect(BlockStacker.stack(data, BINARY, 1, null)).get(0);
    assertEquals(1, block.outputs());
    assertArrayEquals(new double[] {1, 0, 1}, block.y());
    assertArrayEquals(new double[] {1, 2, 3}, block.x());
  }

  @Test
  void regressionTargetsAreTheValue() {
    LoadedData data = memory("mem", 1, new double[][] {{1, 2}, {3, 4}},
        new Double[] {-0.25, 1e6});
    Block block = collect(BlockStacker.stack(data, REGRESSION, 1, null)).get(0);
    assertArrayEquals(new double[] {-0.25, 1e6}, block.y());
    assertArrayEquals(new double[] {1, 2, 3, 4}, block.x());
  }

  @Test
  void sameInputAndPartitionsGiveIdenticalBlocksWhateverTheInputSplit() {
    List<Block> first = collect(BlockStacker.stack(examples(50, 1), THREE_CLASSES, 4, null));
    List<Block> again = collect(BlockStacker.stack(examples(50, 1), THREE_CLASSES, 4, null));
    List<Block> resplit = collect(BlockStacker.stack(examples(50, 7), THREE_CLASSES, 4, null));
    for (int b = 0; b < 4; b++) {
      assertArrayEquals(first.get(b).x(), again.get(b).x());
      assertArrayEquals(first.get(b).y(), again.get(b).y());
      assertArrayEquals(first.get(b).x(), resplit.get(b).x());
      assertArrayEquals(first.get(b).y(), resplit.get(b).y());
    }
  }

  @Test
  void ordersByFileNameThenLine() {
    write(dir, "b.libsvm", "2 1:20\n2 1:21\n");
    write(dir, "a.libsvm", "0 1:10\n\n1 1:11\n");
    Block block = collect(BlockStacker.stack(load(dir, THREE_CLASSES), THREE_CLASSES, 1, null))
        .get(0);
    assertArrayEquals(new double[] {10, 11, 20, 21}, block.x());
  }

  @Test
  void morePartitionsThanExamplesGiveEmptyBlocks() {
    List<Block> blocks = collect(BlockStacker.stack(examples(2, 1), THREE_CLASSES, 4, null));
    assertEquals(List.of(1, 1, 0, 0), blocks.stream().map(Block::size).toList());
    assertEquals(0, blocks.get(3).x().length);
    assertEquals(2, blocks.get(3).features());
  }

  @Test
  void appliesFeatureScaling() {
    FeatureScaling scaling = new FeatureScaling(FeatureScaling.MINMAX, new double[] {1, -2},
        new double[] {2, 4});
    Block block = collect(BlockStacker.stack(examples(3, 1), THREE_CLASSES, 1, scaling)).get(0);
    assertArrayEquals(new double[] {-0.5, 0.5, 0, 0.375, 0.5, 0.25}, block.x());
  }

  @Test
  void multiclassLabelThatIsNotAnInteger() {
    Path file = write(dir, "d.libsvm", "0 1:1\n# note\n1.5 1:2\n");
    LoadedData data = load(file, THREE_CLASSES);
    fails(hadoopName(file) + " line 3: label 1.5 is not an integer class index in [0, 3)",
        () -> BlockStacker.stack(data, THREE_CLASSES, 2, null));
  }

  @Test
  void multiclassLabelOutsideTheClasses() {
    Path file = write(dir, "d.libsvm", "0 1:1\n2 1:1\n3 1:2\n");
    LoadedData data = load(file, THREE_CLASSES);
    fails(hadoopName(file) + " line 3: label 3 is outside [0, 3) (3 classes)",
        () -> BlockStacker.stack(data, THREE_CLASSES, 2, null));
  }

  @Test
  void negativeMulticlassLabel() {
    Path file = write(dir, "d.csv", "x,label\n1,0\n2,-1\n");
    LoadedData data = load(file, THREE_CLASSES);
    fails(hadoopName(file) + " line 3: label -1 is outside [0, 3) (3 classes)",
        () -> BlockStacker.stack(data, THREE_CLASSES, 1, null));
  }

  @Test
  void binaryLabelThatIsNotZeroOrOne() {
    Path file = write(dir, "d.csv", "x,label\n1,0\n2,1\n\n3,-1\n");
    LoadedData data = load(file, BINARY);
    fails(hadoopName(file) + " line 5: label -1 is not 0 or 1 (binary classification)",
        () -> BlockStacker.stack(data, BINARY, 3, null));
  }

  @Test
  void regressionLabelThatIsNotFinite() {
    Path file = write(dir, "d.libsvm", "0.5 1:1\nNaN 1:2\n");
    LoadedData data = load(file, REGRESSION);
    fails(hadoopName(file) + " line 2: label NaN is not finite",
        () -> BlockStacker.stack(data, REGRESSION, 1, null));
  }

  @Test
  void nullLabel() {
    LoadedData data = memory("mem", 1, new double[][] {{1}, {2}}, new Double[] {0.0, null});
    fails("mem row 1 (0-based): label is null", () -> BlockStacker.stack(data, BINARY, 1, null));
  }

  @Test
  void featureVectorOfAnotherWidth() {
    LoadedData data = memory("mem", 1, new double[][] {{1, 2}, {2}}, new Double[] {0.0, 1.0});
    fails("mem row 1 (0-based): features has 1 values, expected 2",
        () -> BlockStacker.stack(data, BINARY, 1, null));
  }

  @Test
  void infiniteFeature() {
    LoadedData data = memory("mem", 1, new double[][] {{1, 2}, {2, Double.NEGATIVE_INFINITY}},
        new Double[] {0.0, 1.0});
    fails("mem row 1 (0-based): features[1] is -Infinity, not a finite number",
        () -> BlockStacker.stack(data, BINARY, 1, null));
  }

  @Test
  void refusesBadArguments() {
    LoadedData data = examples(3, 1);
    assertEquals("partitions must be at least 1, got 0", assertThrows(
        IllegalArgumentException.class, () -> BlockStacker.stack(data, THREE_CLASSES, 0, null))
        .getMessage());
    FeatureScaling three = new FeatureScaling(FeatureScaling.MINMAX, new double[3],
        new double[] {1, 1, 1});
    assertEquals("feature scaling for 3 features cannot scale data with 2", assertThrows(
        IllegalArgumentException.class, () -> BlockStacker.stack(data, THREE_CLASSES, 1, three))
        .getMessage());
    assertEquals("the data has one target per example but the network has 2 outputs; name 2"
        + " label columns with --label-columns (csv, parquet) or give a vector label column"
        + " (parquet)", assertThrows(
        IllegalArgumentException.class, () -> BlockStacker.stack(data,
            new Targets(TaskType.REGRESSION, 2), 1, null)).getMessage());
  }

  @Test
  void refusesAnEmptyFrame() {
    LoadedData empty = new LoadedData(examples(3, 1).frame().limit(0), 2, DataFormat.IDX);
    assertEquals("no examples to stack: the frame is empty", assertThrows(
        IllegalArgumentException.class, () -> BlockStacker.stack(empty, THREE_CLASSES, 2, null))
        .getMessage());
  }

  @Test
  void refusesTwoExamplesAtOnePosition() {
    LoadedData data = examples(3, 1);
    LoadedData doubled = new LoadedData(data.frame().union(data.frame()), 2, DataFormat.IDX);
    assertEquals("the frame has more than one example at position 0 of mem; every (file, "
        + "position) must be one example",
        assertThrows(IllegalArgumentException.class,
            () -> BlockStacker.stack(doubled, THREE_CLASSES, 2, null)).getMessage());
  }
}
