package org.dptrain.driver.data;

import static org.dptrain.driver.data.DataTestSupport.BINARY;
import static org.dptrain.driver.data.DataTestSupport.THREE_CLASSES;
import static org.dptrain.driver.data.DataTestSupport.fails;
import static org.dptrain.driver.data.DataTestSupport.load;
import static org.dptrain.driver.data.DataTestSupport.rows;
import static org.dptrain.driver.data.DataTestSupport.spark;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ParquetLoadTest {
  @TempDir Path dir;

  private static final StructType VECTORS = new StructType()
      .add("features", SQLDataTypes.VectorType())
      .add("label", DataTypes.DoubleType)
      .add("name", DataTypes.StringType);

  private static final StructType COLUMNS = new StructType()
      .add("a", DataTypes.IntegerType)
      .add("name", DataTypes.StringType)
      .add("b", DataTypes.DoubleType)
      .add("c", DataTypes.FloatType)
      .add("y", DataTypes.LongType);

  /** Writes rows as one Parquet file in a directory; returns the directory. */
  private Path parquet(String name, StructType schema, Row... rows) {
    Path out = dir.resolve(name);
    spark().createDataFrame(List.of(rows), schema).coalesce(1).write().parquet(out.toString());
    return out;
  }

  /** The one part file Spark wrote into {@code out}, as {@code _metadata.file_path} names it. */
  private static String partFile(Path out) {
    try (Stream<Path> files = Files.list(out)) {
      Path part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst()
          .orElseThrow();
      return DataTestSupport.hadoopName(part);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Test
  void readsAVectorColumnWithRowPositions() {
    Path out = parquet("v.parquet", VECTORS,
        RowFactory.create(Vectors.dense(1, 2), 0.0, "p"),
        RowFactory.create(Vectors.sparse(2, new int[] {1}, new double[] {5}), 2.0, "q"),
        RowFactory.create(Vectors.dense(-1, 0.5), 1.0, "r"));
    LoadedData data = load(out, THREE_CLASSES);
    assertEquals(DataFormat.PARQUET, data.format());
    assertEquals(2, data.numFeatures(), "the width of the first row");
    List<Row> rows = rows(data);
    assertArrayEquals(new double[] {1, 2}, features(rows.get(0)));
    assertArrayEquals(new double[] {0, 5}, features(rows.get(1)));
    assertArrayEquals(new double[] {-1, 0.5}, features(rows.get(2)));
    assertEquals(List.of(0.0, 2.0, 1.0), rows.stream().map(r -> r.getDouble(1)).toList());
    assertEquals(partFile(out), rows.get(2).getString(2));
    assertEquals(List.of(0L, 1L, 2L), rows.stream().map(r -> r.getLong(3)).toList());
  }

  @Test
  void assemblesNamedNumericColumns() {
    Path out = parquet("c.parquet", COLUMNS,
        RowFactory.create(1, "p", 2.5, 3.25f, 1L), RowFactory.create(4, "q", 5.0, 6f, 0L));
    LoadedData data = load(DataOptions.of(out.toString()).withLabelColumn("y")
        .withFeatureColumns(List.of("c", "a")), BINARY);
    assertEquals(2, data.numFeatures());
    List<Row> rows = rows(data);
    assertArrayEquals(new double[] {3.25, 1}, features(rows.get(0)));
    assertArrayEquals(new double[] {6, 4}, features(rows.get(1)));
    assertEquals(1.0, rows.get(0).getDouble(1));
  }

  @Test
  void withoutAVectorColumnAssemblesEveryOtherNumericColumn() {
    Path out = parquet("c.parquet", COLUMNS, RowFactory.create(1, "p", 2.5, 3.25f, 1L));
    LoadedData data = load(DataOptions.of(out.toString()).withLabelColumn("y"), BINARY);
    assertEquals(3, data.numFeatures());
    assertArrayEquals(new double[] {1, 2.5, 3.25}, features(rows(data).get(0)));
  }

  @Test
  void readsAnArrayColumnAsDenseVectors() {
    StructType schema = new StructType()
        .add("pixels", DataTypes.createArrayType(DataTypes.FloatType))
        .add("label", DataTypes.IntegerType);
    Path out = parquet("a.parquet", schema,
        RowFactory.create(List.of(0.5f, 1f, 2f), 1), RowFactory.create(List.of(3f, 4f, 5f), 0));
    LoadedData data = load(DataOptions.of(out.toString()).withFeaturesColumn("pixels"), BINARY);
    assertEquals(3, data.numFeatures());
    assertArrayEquals(new double[] {0.5, 1, 2}, features(rows(data).get(0)));
  }

  @Test
  void labelColumnMissing() {
    Path out = parquet("v.parquet", VECTORS, RowFactory.create(Vectors.dense(1), 0.0, "p"));
    fails(out + ": label column \"target\" is not in the schema; its columns are features, label, "
        + "name", () -> load(DataOptions.of(out.toString()).withLabelColumn("target"), BINARY));
  }

  @Test
  void labelColumnMissingWhenOptionalGivesNanLabels() {
    StructType unlabeled = new StructType().add("a", DataTypes.IntegerType)
        .add("name", DataTypes.StringType).add("b", DataTypes.DoubleType);
    Path out = parquet("u.parquet", unlabeled, RowFactory.create(1, "p", 2.5),
        RowFactory.create(3, "q", -4.0));
    LoadedData data = load(DataOptions.of(out.toString()).withLabelsOptional(true), BINARY);
    assertEquals(2, data.numFeatures(), "every numeric column");
    List<Row> rows = rows(data);
    assertEquals(2, rows.size());
    assertArrayEquals(new double[] {1, 2.5}, features(rows.get(0)));
    assertArrayEquals(new double[] {3, -4}, features(rows.get(1)));
    assertTrue(Double.isNaN(rows.get(0).getDouble(1)));
    assertTrue(Double.isNaN(rows.get(1).getDouble(1)));
    fails(out + ": label column \"label\" is not in the schema; its columns are a, name, b",
        () -> load(DataOptions.of(out.toString()), BINARY));
  }

  @Test
  void labelColumnMissingWhenOptionalWithAVectorColumn() {
    Path out = parquet("v.parquet", VECTORS, RowFactory.create(Vectors.dense(1, 2), 0.0, "p"),
        RowFactory.create(Vectors.dense(3, 4), 1.0, "q"));
    LoadedData data = load(DataOptions.of(out.toString()).withLabelColumn("target")
        .withLabelsOptional(true), BINARY);
    assertEquals(2, data.numFeatures());
    List<Row> rows = rows(data);
    assertArrayEquals(new double[] {3, 4}, features(rows.get(1)));
    assertTrue(Double.isNaN(rows.get(0).getDouble(1)));
    assertTrue(Double.isNaN(rows.get(1).getDouble(1)));
    LoadedData labeled = load(DataOptions.of(out.toString()).withLabelsOptional(true), BINARY);
    assertEquals(List.of(0.0, 1.0), rows(labeled).stream().map(r -> r.getDouble(1)).toList());
    fails(out + ": label column \"name\" has type string; regression labels must be numeric, or"
        + " vectors of numbers (one per output)", () -> load(DataOptions.of(out.toString())
            .withLabelColumn("name").withLabelsOptional(true), DataTestSupport.REGRESSION));
  }

  @Test
  void labelColumnNotNumeric() {
    Path out = parquet("v.parquet", VECTORS, RowFactory.create(Vectors.dense(1), 0.0, "p"));
    fails(out + ": label column \"name\" has type string; regression labels must be numeric, or"
        + " vectors of numbers (one per output)", () -> load(DataOptions.of(out.toString())
            .withLabelColumn("name"), DataTestSupport.REGRESSION));
    Path flags = parquet("f.parquet", new StructType().add("features", SQLDataTypes.VectorType())
        .add("label", DataTypes.BooleanType), RowFactory.create(Vectors.dense(1), true));
    fails(flags + ": label column \"label\" has type boolean; class labels must be numeric (class"
        + " indices) or strings (class names)", () -> load(flags, BINARY));
  }

  @Test
  void featureColumnMissing() {
    Path out = parquet("c.parquet", COLUMNS, RowFactory.create(1, "p", 2.5, 3.25f, 1L));
    fails(out + ": feature column \"d\" is not in the schema; its columns are a, name, b, c, y",
        () -> load(DataOptions.of(out.toString()).withLabelColumn("y")
            .withFeatureColumns(List.of("a", "d")), BINARY));
  }

  @Test
  void featureColumnNotNumeric() {
    Path out = parquet("c.parquet", COLUMNS, RowFactory.create(1, "p", 2.5, 3.25f, 1L));
    fails(out + ": feature column \"name\" has type string; feature columns must be numeric",
        () -> load(DataOptions.of(out.toString()).withLabelColumn("y")
            .withFeatureColumns(List.of("a", "name")), BINARY));
  }

  @Test
  void featuresColumnOfAnotherType() {
    Path out = parquet("v.parquet", VECTORS, RowFactory.create(Vectors.dense(1), 0.0, "p"));
    fails(out + ": features column \"name\" has type string; it must hold vectors or arrays of "
        + "numbers", () -> load(DataOptions.of(out.toString()).withFeaturesColumn("name"),
        BINARY));
  }

  @Test
  void wrongVectorWidth() {
    Path out = parquet("v.parquet", VECTORS,
        RowFactory.create(Vectors.dense(1, 2), 0.0, "p"),
        RowFactory.create(Vectors.dense(1, 2), 1.0, "q"),
        RowFactory.create(Vectors.dense(1, 2, 3), 1.0, "r"));
    LoadedData data = load(out, BINARY);
    fails(partFile(out) + " row 2 (0-based): features has 3 values, expected 2",
        () -> BlockStacker.stack(data, BINARY, 2, null));
  }

  @Test
  void nanInAVector() {
    Path out = parquet("v.parquet", VECTORS,
        RowFactory.create(Vectors.dense(1, 2), 0.0, "p"),
        RowFactory.create(Vectors.dense(1, Double.NaN), 1.0, "q"));
    LoadedData data = load(out, BINARY);
    fails(partFile(out) + " row 1 (0-based): features[1] is NaN, not a finite number",
        () -> BlockStacker.stack(data, BINARY, 1, null));
  }

  @Test
  void nullLabel() {
    Path out = parquet("v.parquet", VECTORS,
        RowFactory.create(Vectors.dense(1, 2), 0.0, "p"),
        RowFactory.create(Vectors.dense(3, 4), null, "q"));
    LoadedData data = load(out, BINARY);
    fails(partFile(out) + " row 1 (0-based): label column \"label\" is null",
        () -> BlockStacker.stack(data, BINARY, 1, null));
  }

  @Test
  void nullVector() {
    Path out = parquet("v.parquet", VECTORS,
        RowFactory.create(null, 0.0, "p"),
        RowFactory.create(Vectors.dense(3, 4), 1.0, "q"));
    LoadedData data = load(out, BINARY);
    assertEquals(2, data.numFeatures(), "the width of the first row that has a vector");
    fails(partFile(out) + " row 0 (0-based): features is null",
        () -> BlockStacker.stack(data, BINARY, 1, null));
  }

  @Test
  void nullInAnAssembledColumn() {
    Path out = parquet("c.parquet", COLUMNS,
        RowFactory.create(1, "p", 2.5, 3.25f, 1L), RowFactory.create(4, "q", null, 6f, 0L));
    LoadedData data = load(DataOptions.of(out.toString()).withLabelColumn("y"), BINARY);
    fails(partFile(out) + " row 1 (0-based): column \"b\" is null",
        () -> BlockStacker.stack(data, BINARY, 1, null));
  }

  @Test
  void infinityInAnAssembledColumn() {
    Path out = parquet("c.parquet", COLUMNS,
        RowFactory.create(1, "p", Double.POSITIVE_INFINITY, 3.25f, 1L));
    LoadedData data = load(DataOptions.of(out.toString()).withLabelColumn("y"), BINARY);
    fails(partFile(out) + " row 0 (0-based): column \"b\" value Infinity is not finite",
        () -> BlockStacker.stack(data, BINARY, 1, null));
  }

  @Test
  void noRows() {
    Path out = dir.resolve("empty.parquet");
    spark().createDataFrame(List.<Row>of(), VECTORS).write().parquet(out.toString());
    fails("no examples in " + out, () -> load(out, BINARY));
  }

  @Test
  void missingPath() {
    String path = dir.resolve("absent.parquet").toString();
    fails("no such file: " + path, () -> load(DataOptions.of(path), BINARY));
  }

  private static double[] features(Row r) {
    return ((Vector) r.get(0)).toArray();
  }
}
