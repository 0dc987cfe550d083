package org.dptrain.driver.data;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.List;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;

class LoadedDataTest {
  @Test
  void refusesAFrameWithoutTheSourceColumns() {
    LoadedData ok = DataTestSupport.memory("mem", 1, new double[][] {{1}}, new Double[] {0.0});
    assertEquals("a loaded frame needs column _pos of type bigint; it has struct<features:vector,"
        + "label:double,_file:string>", assertThrows(IllegalArgumentException.class,
        () -> new LoadedData(ok.frame().drop(LoadedData.POS), 1, DataFormat.IDX)).getMessage());
    assertEquals("numFeatures must be at least 1, got 0", assertThrows(
        IllegalArgumentException.class, () -> new LoadedData(ok.frame(), 0, DataFormat.IDX))
        .getMessage());
  }

  static Dataset<Row> vectors(List<Row> rows) {
    StructType schema = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("v", SQLDataTypes.VectorType(), true),
        DataTypes.createStructField("y", DataTypes.IntegerType, true),
        DataTypes.createStructField("s", DataTypes.StringType, true)});
    return DataTestSupport.spark().createDataFrame(rows, schema);
  }

  @Test
  void aDatasetBecomesAFrameOfNumberedRows() {
    Dataset<Row> ds = vectors(List.of(RowFactory.create(Vectors.dense(1, 2, 3), 1, "a"),
        RowFactory.create(Vectors.sparse(3, new int[] {1}, new double[] {5}), 0, "b"),
        RowFactory.create(Vectors.dense(4, 5, 6), null, "c")));
    LoadedData d = LoadedData.fromDataset(ds, "v", "y", "my data");
    assertEquals(3, d.numFeatures(), "width of the first row");
    assertEquals(DataFormat.PARQUET, d.format());
    List<Row> rows = d.frame().select(LoadedData.LABEL, LoadedData.FILE, LoadedData.POS)
        .collectAsList();
    assertEquals(List.of(RowFactory.create(1.0, "my data", 0L),
        RowFactory.create(0.0, "my data", 1L), RowFactory.create(null, "my data", 2L)), rows);

    Dataset<Row> numbers = DataTestSupport.spark().createDataFrame(List.of(
        RowFactory.create(1.0, 2.0, 0L)), DataTypes.createStructType(new StructField[] {
            DataTypes.createStructField("a", DataTypes.DoubleType, false),
            DataTypes.createStructField("b", DataTypes.DoubleType, false),
            DataTypes.createStructField("label", DataTypes.LongType, false)}));
    Dataset<Row> assembled = new VectorAssembler().setInputCols(new String[] {"a", "b"})
        .setOutputCol("features").transform(numbers);
    assertEquals(2, LoadedData.fromDataset(assembled, "features", "label", "x").numFeatures(),
        "width from the assembler's metadata");
  }

  @Test
  void aDatasetWithoutTheColumnsOrRowsIsRefusedByName() {
    Dataset<Row> ds = vectors(List.of(RowFactory.create(Vectors.dense(1), 1, "a")));
    assertEquals("the features column 'w' is not in the dataset; it has"
        + " struct<v:vector,y:int,s:string>", assertThrows(IllegalArgumentException.class,
        () -> LoadedData.fromDataset(ds, "w", "y", "d")).getMessage());
    assertEquals("features column 's' must be of type vector, but is string", assertThrows(
        IllegalArgumentException.class, () -> LoadedData.fromDataset(ds, "s", "y", "d"))
        .getMessage());
    assertEquals("label column 's' must be numeric, but is string", assertThrows(
        IllegalArgumentException.class, () -> LoadedData.fromDataset(ds, "v", "s", "d"))
        .getMessage());
    assertEquals("no examples in d", assertThrows(DataValidationException.class,
        () -> LoadedData.fromDataset(ds.limit(0), "v", "y", "d")).getMessage());
    Dataset<Row> nullFirst = vectors(List.of(RowFactory.create(null, 1, "a")));
    assertEquals("d row 0 (0-based): features is null", assertThrows(
        DataValidationException.class, () -> LoadedData.fromDataset(nullFirst, "v", "y", "d"))
        .getMessage());
  }
}
