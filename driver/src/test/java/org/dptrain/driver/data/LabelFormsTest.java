package org.dptrain.driver.data;

import static org.dptrain.driver.data.DataTestSupport.BINARY;
import static org.dptrain.driver.data.DataTestSupport.THREE_CLASSES;
import static org.dptrain.driver.data.DataTestSupport.fails;
import static org.dptrain.driver.data.DataTestSupport.hadoopName;
import static org.dptrain.driver.data.DataTestSupport.load;
import static org.dptrain.driver.data.DataTestSupport.rows;
import static org.dptrain.driver.data.DataTestSupport.spark;
import static org.dptrain.driver.data.DataTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
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
import org.dptrain.data.Block;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Labels as users have them: several regression targets, and class names. */
class LabelFormsTest {
  @TempDir Path dir;

  private static final Targets TWO_TARGETS = new Targets(TaskType.REGRESSION, 2);

  // ---- several regression targets, CSV

  @Test
  void csvLabelColumnsAreOneTargetVector() {
    Path file = write(dir, "t.csv", "y2,a,y1,b\n1.5,1,2,3\n-4,5,6,7\n");
    LoadedData data = load(DataOptions.of(file.toString()).withLabelColumns(List.of("y1", "y2")),
        TWO_TARGETS);
    assertTrue(data.vectorLabels());
    assertEquals(2, data.labelWidth());
    assertEquals(2, data.numFeatures(), "both label columns are left out of the features");
    List<Row> rows = rows(data);
    assertArrayEquals(new double[] {1, 3}, ((Vector) rows.get(0).get(0)).toArray());
    assertArrayEquals(new double[] {2, 1.5}, ((Vector) rows.get(0).get(1)).toArray(),
        "in the order the columns are named");
    Block b = BlockStacker.stack(data, TWO_TARGETS, 1, null).collect().get(0);
    assertArrayEquals(new double[] {2, 1.5, 6, -4}, b.y());
  }

  @Test
  void csvLabelColumnsMustMatchTheOutputs() {
    Path file = write(dir, "t.csv", "a,y1,y2\n1,2,3\n");
    assertEquals(file + " has 2 targets per example but the network has 3 outputs; the output"
        + " layer needs one unit per target", assertThrows(IllegalArgumentException.class,
            () -> load(DataOptions.of(file.toString()).withLabelColumns(List.of("y1", "y2")),
                new Targets(TaskType.REGRESSION, 3))).getMessage());
    assertEquals("classification takes one label column, but 2 are asked for (y1, y2); several"
        + " label columns are for regression (mse, sse)", assertThrows(
            IllegalArgumentException.class, () -> load(DataOptions.of(file.toString())
                .withLabelColumns(List.of("y1", "y2")), THREE_CLASSES)).getMessage());
  }

  @Test
  void csvBadTargetsNameLineAndColumn() {
    Path missing = write(dir, "m.csv", "a,y1\n1,2\n");
    fails(hadoopName(missing) + " line 1: label column \"y2\" is not in the header; its columns"
        + " are a, y1", () -> load(DataOptions.of(missing.toString())
            .withLabelColumns(List.of("y1", "y2")), TWO_TARGETS));
    Path text = write(dir, "x.csv", "a,y1,y2\n1,2,3\n1,2,x\n");
    fails(hadoopName(text) + " line 3: label column \"y2\" value \"x\" is not a number",
        () -> load(DataOptions.of(text.toString()).withLabelColumns(List.of("y1", "y2")),
            TWO_TARGETS));
    Path nan = write(dir, "n.csv", "a,y1,y2\n1,NaN,3\n");
    fails(hadoopName(nan) + " line 2: label column \"y1\" value \"NaN\" is not finite",
        () -> load(DataOptions.of(nan.toString()).withLabelColumns(List.of("y1", "y2")),
            TWO_TARGETS));
    Path empty = write(dir, "e.csv", "a,y1,y2\n1,2,\n");
    fails(hadoopName(empty) + " line 2: label column \"y2\" is empty",
        () -> load(DataOptions.of(empty.toString()).withLabelColumns(List.of("y1", "y2")),
            TWO_TARGETS));
  }

  @Test
  void csvWithoutTargetsWhenOptional() {
    Path file = write(dir, "u.csv", "a,b\n1,2\n");
    LoadedData data = load(DataOptions.of(file.toString()).withLabelColumns(List.of("y1", "y2"))
        .withLabelsOptional(true), TWO_TARGETS);
    assertEquals(2, data.numFeatures());
    assertTrue(data.vectorLabels());
    assertTrue(rows(data).get(0).isNullAt(1));
    LoadedData noList = load(DataOptions.of(file.toString()).withLabelsOptional(true),
        TWO_TARGETS);
    assertTrue(noList.vectorLabels(), "a several-output model without label columns");
    Path some = write(dir, "s.csv", "a,y1\n1,2\n");
    fails(hadoopName(some) + " line 1: label column \"y2\" is not in the header; its columns are"
        + " a, y1", () -> load(DataOptions.of(some.toString())
            .withLabelColumns(List.of("y1", "y2")).withLabelsOptional(true), TWO_TARGETS));
  }

  @Test
  void stackingChecksEachTargetVector() {
    Path out = parquet("w.parquet", new StructType().add("features", SQLDataTypes.VectorType())
        .add("label", SQLDataTypes.VectorType()),
        RowFactory.create(Vectors.dense(1), Vectors.dense(1, 2)),
        RowFactory.create(Vectors.dense(2), Vectors.dense(1, 2, 3)),
        RowFactory.create(Vectors.dense(3), Vectors.dense(1, Double.NaN)));
    LoadedData data = load(out, TWO_TARGETS);
    assertEquals(2, data.labelWidth(), "the first row's width");
    fails(partFile(out) + " row 1 (0-based): label has 3 values, expected 2 (one per output)",
        () -> BlockStacker.stack(data, TWO_TARGETS, 1, null));
  }

  // ---- several regression targets, Parquet

  @Test
  void parquetVectorAndArrayTargets() {
    Path out = parquet("v.parquet", new StructType().add("features", SQLDataTypes.VectorType())
        .add("label", SQLDataTypes.VectorType()),
        RowFactory.create(Vectors.dense(1), Vectors.dense(1, 2)),
        RowFactory.create(Vectors.dense(2), Vectors.dense(3, 4)));
    Block b = BlockStacker.stack(load(out, TWO_TARGETS), TWO_TARGETS, 1, null).collect().get(0);
    assertArrayEquals(new double[] {1, 2, 3, 4}, b.y());

    Path arrays = parquet("a.parquet", new StructType().add("x", DataTypes.DoubleType)
        .add("t", DataTypes.createArrayType(DataTypes.FloatType)),
        RowFactory.create(1.0, List.of(0.5f, 1.5f)),
        RowFactory.create(2.0, java.util.Arrays.asList(2.5f, null)));
    LoadedData a = load(DataOptions.of(arrays.toString()).withLabelColumn("t"), TWO_TARGETS);
    assertEquals(1, a.numFeatures(), "the array label is not a feature");
    fails(partFile(arrays) + " row 1 (0-based): label column \"t\" element 1 is null",
        () -> BlockStacker.stack(a, TWO_TARGETS, 1, null));
  }

  @Test
  void parquetLabelColumns() {
    StructType schema = new StructType().add("x", DataTypes.DoubleType)
        .add("y1", DataTypes.IntegerType).add("y2", DataTypes.DoubleType)
        .add("tag", DataTypes.StringType);
    Path out = parquet("c.parquet", schema, RowFactory.create(1.0, 2, 3.5, "a"),
        RowFactory.create(4.0, 5, 6.0, "b"));
    LoadedData data = load(DataOptions.of(out.toString()).withLabelColumns(List.of("y2", "y1")),
        TWO_TARGETS);
    assertEquals(1, data.numFeatures());
    assertArrayEquals(new double[] {3.5, 2}, ((Vector) rows(data).get(0).get(1)).toArray());
    Path nulls = parquet("cn.parquet", schema, RowFactory.create(1.0, 2, 3.5, "a"),
        RowFactory.create(4.0, 5, null, "b"));
    fails(partFile(nulls) + " row 1 (0-based): label column \"y2\" is null",
        () -> BlockStacker.stack(load(DataOptions.of(nulls.toString())
            .withLabelColumns(List.of("y2", "y1")), TWO_TARGETS), TWO_TARGETS, 1, null));
    fails(out + ": label column \"tag\" has type string; label columns must be numeric",
        () -> load(DataOptions.of(out.toString()).withLabelColumns(List.of("y1", "tag")),
            TWO_TARGETS));
    fails(out + ": label columns \"z1\", \"z2\" are not in the schema; its columns are x, y1, y2,"
        + " tag", () -> load(DataOptions.of(out.toString())
            .withLabelColumns(List.of("z1", "z2")), TWO_TARGETS));
    Path vectors = parquet("cv.parquet", new StructType().add("features",
        SQLDataTypes.VectorType()).add("label", SQLDataTypes.VectorType()),
        RowFactory.create(Vectors.dense(1), Vectors.dense(1, 2)));
    fails(vectors + ": label column \"label\" has type vector; class labels must be numeric"
        + " (class indices) or strings (class names)", () -> load(vectors, THREE_CLASSES));
  }

  // ---- single-label formats

  @Test
  void libsvmAndIdxHaveOneLabel() {
    String libsvm = DataTestSupport.resource("small.libsvm").toString();
    assertEquals("libsvm has a single label per line, but 2 label columns are asked for (a, b);"
        + " several targets per example need csv or parquet", assertThrows(
            IllegalArgumentException.class, () -> load(DataOptions.of(libsvm)
                .withLabelColumns(List.of("a", "b")), TWO_TARGETS)).getMessage());
    assertEquals("regression with 2 outputs needs 2 targets per example, but libsvm has a single"
        + " label per line (" + libsvm + "); use csv with --label-columns or parquet with a vector"
        + " label column", assertThrows(IllegalArgumentException.class,
            () -> load(DataOptions.of(libsvm), TWO_TARGETS)).getMessage());
    assertEquals("the model's classes are names (\"a\", \"b\"), but libsvm labels are numbers ("
        + libsvm + "); give the names in a csv or parquet label column", assertThrows(
            IllegalArgumentException.class, () -> load(DataOptions.of(libsvm),
                BINARY.withClassNames(List.of("a", "b")))).getMessage());
  }

  // ---- class names, CSV

  @Test
  void csvClassNamesAreNumberedInSortedOrder() throws IOException {
    Path files = Files.createDirectories(dir.resolve("a"));
    write(files, "1.csv", "x,species\n1,virginica\n2,setosa\n");
    write(files, "2.csv", "x,species\n3,versicolor\n4,setosa\n");
    LoadedData data = load(DataOptions.of(files.toString()).withLabelColumn("species"),
        THREE_CLASSES);
    assertEquals(List.of("setosa", "versicolor", "virginica"), data.classNames());
    assertEquals(List.of(2.0, 0.0, 1.0, 0.0), rows(data).stream().map(r -> r.getDouble(1))
        .toList());
    Targets named = DataLoader.targetsFor(data, THREE_CLASSES, "d");
    assertEquals(List.of("setosa", "versicolor", "virginica"), named.classNames());
    assertEquals("d has 3 class names (\"setosa\", \"versicolor\", \"virginica\") but the network"
        + " has 2 classes (binary_cross_entropy: one sigmoid output for 2 classes); the training"
        + " data must hold every class", assertThrows(IllegalArgumentException.class,
            () -> DataLoader.targetsFor(data, BINARY, "d")).getMessage());
    // the same names in another order of files and rows give the same indices
    Path other = write(Files.createDirectories(dir.resolve("b")), "r.csv",
        "x,species\n1,setosa\n2,virginica\n3,versicolor\n");
    LoadedData reversed = load(DataOptions.of(other.toString()).withLabelColumn("species"),
        THREE_CLASSES);
    assertEquals(data.classNames(), reversed.classNames());
    assertEquals(List.of(0.0, 2.0, 1.0), rows(reversed).stream().map(r -> r.getDouble(1))
        .toList());
  }

  @Test
  void csvNumericLabelsStayNumbers() {
    Path file = write(dir, "n.csv", "x,label\n1,0\n2,1\n");
    LoadedData data = load(file, BINARY);
    assertNull(data.classNames());
    assertFalse(data.vectorLabels());
    assertEquals(List.of(0.0, 1.0), rows(data).stream().map(r -> r.getDouble(1)).toList());
  }

  @Test
  void csvMixedNumbersAndNamesAreRefused() {
    Path file = write(dir, "m.csv", "x,label\n1,0\n2,1\n3,yes\n");
    fails(hadoopName(file) + " line 4: label column \"label\" value \"yes\" is not a number, but "
        + hadoopName(file) + " line 2 holds the number 0: labels are all numbers (class indices)"
        + " or all class names", () -> load(file, BINARY));
  }

  @Test
  void csvNamesOfTheModel() {
    Targets model = BINARY.withClassNames(List.of("no", "yes"));
    Path file = write(dir, "c.csv", "x,churned\n1,yes\n2,no\n");
    LoadedData data = load(DataOptions.of(file.toString()).withLabelColumn("churned"), model);
    assertEquals(List.of(1.0, 0.0), rows(data).stream().map(r -> r.getDouble(1)).toList());
    Path unknown = write(dir, "u.csv", "x,churned\n1,yes\n2,maybe\n");
    fails(hadoopName(unknown) + " line 3: label column \"churned\" value \"maybe\" is not one of"
        + " the model's 2 classes (\"no\", \"yes\")", () -> load(DataOptions.of(
            unknown.toString()).withLabelColumn("churned"), model));
    Path numbers = write(dir, "nn.csv", "x,churned\n1,1\n");
    fails(hadoopName(numbers) + " line 2: label column \"churned\" value \"1\" is not one of the"
        + " model's 2 classes (\"no\", \"yes\")", () -> load(DataOptions.of(numbers.toString())
            .withLabelColumn("churned"), model));
    Path unlabeled = write(dir, "p.csv", "x\n1\n");
    LoadedData none = load(DataOptions.of(unlabeled.toString()).withLabelColumn("churned")
        .withLabelsOptional(true), model);
    assertTrue(Double.isNaN(rows(none).get(0).getDouble(1)));
  }

  @Test
  void csvNameTooLong() {
    String name = "n".repeat(300);
    Path file = write(dir, "l.csv", "x,label\n1," + name + "\n");
    fails(hadoopName(file) + " line 2: label column \"label\" value \"" + "n".repeat(37)
        + "...\" has 300 characters; a class name has at most 256", () -> load(file, BINARY));
  }

  // ---- class names, Parquet

  @Test
  void parquetStringLabels() {
    StructType schema = new StructType().add("x", DataTypes.DoubleType)
        .add("label", DataTypes.StringType);
    Path out = parquet("s.parquet", schema, RowFactory.create(1.0, "yes"),
        RowFactory.create(2.0, "no"), RowFactory.create(3.0, "yes"));
    LoadedData data = load(out, BINARY);
    assertEquals(List.of("no", "yes"), data.classNames());
    assertEquals(List.of(1.0, 0.0, 1.0), rows(data).stream().map(r -> r.getDouble(1)).toList());
    Targets model = BINARY.withClassNames(List.of("no", "yes"));
    Path unknown = parquet("u.parquet", schema, RowFactory.create(1.0, "yes"),
        RowFactory.create(2.0, "perhaps"));
    LoadedData u = load(unknown, model);
    fails(partFile(unknown) + " row 1 (0-based): label column \"label\" value \"perhaps\" is not"
        + " one of the model's 2 classes (\"no\", \"yes\")",
        () -> BlockStacker.stack(u, model, 1, null));
    Path nulls = parquet("n.parquet", schema, RowFactory.create(1.0, "yes"),
        RowFactory.create(2.0, null));
    fails(partFile(nulls) + " row 1 (0-based): label column \"label\" is null",
        () -> BlockStacker.stack(load(nulls, BINARY), BINARY, 1, null));
    Path numeric = parquet("d.parquet", new StructType().add("x", DataTypes.DoubleType)
        .add("label", DataTypes.DoubleType), RowFactory.create(1.0, 1.0));
    fails(numeric + ": label column \"label\" has type double, but the model's classes are names"
        + " (\"no\", \"yes\"); the labels must be those names", () -> load(numeric, model));
  }

  private Path parquet(String name, StructType schema, Row... rows) {
    Path out = dir.resolve(name);
    spark().createDataFrame(List.of(rows), schema).coalesce(1).write().parquet(out.toString());
    return out;
  }

  private static String partFile(Path out) {
    try (Stream<Path> files = Files.list(out)) {
      Path part = files.filter(p -> p.getFileName().toString().endsWith(".parquet")).findFirst()
          .orElseThrow();
      return hadoopName(part);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
