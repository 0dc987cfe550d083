package org.dptrain.driver.data;

import static org.dptrain.driver.data.DataTestSupport.spark;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class DataLoaderTest {
  @Test
  void infersTheFormatFromThePath() {
    LoadedData data = DataLoader.load(spark(), DataOptions.of(
        DataTestSupport.resource("small.csv").toString()), DataTestSupport.BINARY);
    assertEquals(DataFormat.CSV, data.format());
  }

  @Test
  void oneLabelColumnCannotTrainSeveralOutputs() {
    String csv = DataTestSupport.resource("small.csv").toString();
    assertEquals(csv + " has one target per example but the network has 3 outputs; name 3 label"
        + " columns with --label-columns (csv, parquet) or give a vector label column (parquet)",
        assertThrows(IllegalArgumentException.class, () -> DataLoader.load(spark(),
            DataOptions.of(csv), new Targets(TaskType.REGRESSION, 3))).getMessage());
  }

  @Test
  void readsOnlyIdxFromTheClasspath() {
    assertEquals("only IDX input can be read from the classpath, not csv: classpath:data/small.csv",
        assertThrows(IllegalArgumentException.class, () -> DataLoader.load(spark(),
            DataOptions.of("classpath:data/small.csv"), DataTestSupport.BINARY)).getMessage());
  }

  @Test
  void unknownFormatAsksForOne() {
    assertEquals("cannot tell the format of /nowhere/data.bin from its name; give it with "
        + "--format (libsvm, csv, parquet, idx)", assertThrows(IllegalArgumentException.class,
        () -> DataLoader.load(spark(), DataOptions.of("/nowhere/data.bin"),
            DataTestSupport.BINARY)).getMessage());
  }
}
