package org.dptrain.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DataFormatTest {
  @TempDir Path dir;

  @Test
  void parsesNamesInAnyCase() {
    assertEquals(DataFormat.LIBSVM, DataFormat.parse("LibSVM"));
    assertEquals(DataFormat.CSV, DataFormat.parse(" csv "));
    assertEquals(DataFormat.PARQUET, DataFormat.parse("PARQUET"));
    assertEquals(DataFormat.IDX, DataFormat.parse("idx"));
    assertEquals("parquet", DataFormat.PARQUET.id());
  }

  @Test
  void unknownNameListsTheValidOnes() {
    assertEquals("unknown data format 'json'; valid names: libsvm, csv, parquet, idx",
        assertThrows(IllegalArgumentException.class, () -> DataFormat.parse("json"))
            .getMessage());
  }

  @Test
  void infersFromTheFileName() {
    assertEquals(DataFormat.CSV, DataFormat.infer("data/iris.csv"));
    assertEquals(DataFormat.CSV, DataFormat.infer("hdfs://nn/data/part-*.csv.gz"));
    assertEquals(DataFormat.PARQUET, DataFormat.infer("s3a://b/train.parquet/"));
    assertEquals(DataFormat.LIBSVM, DataFormat.infer("a9a.libsvm"));
    assertEquals(DataFormat.LIBSVM, DataFormat.infer("x.svm.bz2"));
    assertEquals(DataFormat.LIBSVM, DataFormat.infer("sample_libsvm_data.txt"));
    assertEquals(DataFormat.IDX, DataFormat.infer("mnist/train-images-idx3-ubyte"));
    assertEquals(DataFormat.IDX, DataFormat.infer("t10k-images-idx3-ubyte.gz"));
    assertEquals(DataFormat.IDX, DataFormat.infer(DataLoader.SAMPLE_TRAIN));
  }

  @Test
  void infersADirectoryOfParquetParts() throws Exception {
    Path out = Files.createDirectory(dir.resolve("table"));
    Files.writeString(out.resolve("part-00000-abc.snappy.parquet"), "");
    Files.writeString(out.resolve("part-00001-abc.snappy.parquet"), "");
    Files.writeString(out.resolve("_SUCCESS"), "");
    Files.writeString(out.resolve(".part-00000-abc.snappy.parquet.crc"), "");
    assertEquals(DataFormat.PARQUET, DataFormat.infer(out.toString()));
  }

  @Test
  void unknownNameAsksForTheFormat() {
    assertEquals("cannot tell the format of data/train.bin from its name; give it with --format "
        + "(libsvm, csv, parquet, idx)", assertThrows(IllegalArgumentException.class,
        () -> DataFormat.infer("data/train.bin")).getMessage());
  }

  @Test
  void directoryOfMixedFilesAsksForTheFormat() throws Exception {
    Files.writeString(dir.resolve("a.csv"), "");
    Files.writeString(dir.resolve("b.parquet"), "");
    assertEquals("cannot tell the format of " + dir + " from its name; give it with --format "
        + "(libsvm, csv, parquet, idx)", assertThrows(IllegalArgumentException.class,
        () -> DataFormat.infer(dir.toString())).getMessage());
  }
}
