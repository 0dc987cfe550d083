package org.dptrain.driver.data;

import static org.dptrain.driver.data.DataTestSupport.BINARY;
import static org.dptrain.driver.data.DataTestSupport.fails;
import static org.dptrain.driver.data.DataTestSupport.hadoopName;
import static org.dptrain.driver.data.DataTestSupport.load;
import static org.dptrain.driver.data.DataTestSupport.resource;
import static org.dptrain.driver.data.DataTestSupport.rows;
import static org.dptrain.driver.data.DataTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CsvLoadTest {
  @TempDir Path dir;

  @Test
  void readsEveryOtherColumnAsFeatures() {
    Path file = resource("small.csv");
    LoadedData data = load(file, BINARY);
    assertEquals(DataFormat.CSV, data.format());
    assertEquals(3, data.numFeatures());
    List<Row> rows = rows(data);
    assertEquals(2, rows.size());
    assertArrayEquals(new double[] {7, 1.5, 2}, features(rows.get(0)));
    assertArrayEquals(new double[] {8, -3, 4.25}, features(rows.get(1)));
    assertEquals(List.of(0.0, 1.0), rows.stream().map(r -> r.getDouble(1)).toList());
    assertEquals(hadoopName(file) + " line 4", data.locate(rows.get(1).getString(2),
        rows.get(1).getLong(3)));
  }

  @Test
  void readsNamedFeatureColumnsInTheGivenOrder() {
    LoadedData data = load(DataOptions.of(resource("small.csv").toString())
        .withFeatureColumns(List.of("x 2", "x1")), BINARY);
    assertEquals(2, data.numFeatures());
    assertArrayEquals(new double[] {2, 1.5}, features(rows(data).get(0)));
  }

  @Test
  void readsQuotedFieldsAndAnotherLabelColumn() {
    Path file = write(dir, "q.csv", "\uFEFF\"a,b\",\"say \"\"hi\"\"\",y\n\"1\",2,1\n3,\"4\",0\n");
    LoadedData data = load(DataOptions.of(file.toString()).withLabelColumn("y"), BINARY);
    List<Row> rows = rows(data);
    assertArrayEquals(new double[] {1, 2}, features(rows.get(0)));
    assertArrayEquals(new double[] {3, 4}, features(rows.get(1)));
    assertEquals(1.0, rows.get(0).getDouble(1));
    DataValidationException e = fails(hadoopName(file) + " line 1: feature column \"z\" is not in "
        + "the header; its columns are a,b, say \"hi\", y", () -> load(DataOptions.of(
        file.toString()).withLabelColumn("y").withFeatureColumns(List.of("z")), BINARY));
    assertEquals("line 1", e.location());
  }

  @Test
  void readsFilesWhoseHeadersOrderColumnsDifferently() {
    write(dir, "a.csv", "x,label\n1,0\n");
    write(dir, "b.csv", "label,x\n1,2\n");
    List<Row> rows = rows(load(dir, BINARY));
    assertArrayEquals(new double[] {1}, features(rows.get(0)));
    assertArrayEquals(new double[] {2}, features(rows.get(1)));
    assertEquals(1.0, rows.get(1).getDouble(1));
  }

  @Test
  void labelColumnMissing() {
    Path file = write(dir, "d.csv", "a,b,c\n1,2,3\n");
    fails(hadoopName(file) + " line 1: label column \"label\" is not in the header; its columns "
        + "are a, b, c", () -> load(file, BINARY));
  }

  @Test
  void labelColumnMissingWhenOptionalGivesNanLabelsAndEveryColumnAsFeatures() {
    Path file = write(dir, "u.csv", "a,b,c\n1,2,3\n4,5.5,-6\n");
    LoadedData data = load(DataOptions.of(file.toString()).withLabelsOptional(true), BINARY);
    assertEquals(3, data.numFeatures());
    List<Row> rows = rows(data);
    assertEquals(2, rows.size());
    assertArrayEquals(new double[] {1, 2, 3}, features(rows.get(0)));
    assertArrayEquals(new double[] {4, 5.5, -6}, features(rows.get(1)));
    assertTrue(Double.isNaN(rows.get(0).getDouble(1)));
    assertTrue(Double.isNaN(rows.get(1).getDouble(1)));
    fails(hadoopName(file) + " line 1: label column \"label\" is not in the header; its columns "
        + "are a, b, c", () -> load(DataOptions.of(file.toString()).withLabelsOptional(false),
        BINARY));
  }

  @Test
  void labelColumnPresentWhenOptionalIsReadAndChecked() {
    Path file = write(dir, "l.csv", "a,label\n1,1\n");
    List<Row> rows = rows(load(DataOptions.of(file.toString()).withLabelsOptional(true), BINARY));
    assertArrayEquals(new double[] {1}, features(rows.get(0)));
    assertEquals(1.0, rows.get(0).getDouble(1));
    Path bad = write(dir, "bad.csv", "a,label\n1,yes\n");
    fails(hadoopName(bad) + " line 2: label column \"label\" value \"yes\" is not a number",
        () -> load(DataOptions.of(bad.toString()).withLabelsOptional(true),
            DataTestSupport.REGRESSION));
  }

  @Test
  void featureColumnMissing() {
    Path file = write(dir, "d.csv", "a,label\n1,0\n");
    fails(hadoopName(file) + " line 1: feature column \"b\" is not in the header; its columns are "
        + "a, label", () -> load(DataOptions.of(file.toString())
        .withFeatureColumns(List.of("a", "b")), BINARY));
  }

  @Test
  void wrongNumberOfFields() {
    Path file = write(dir, "d.csv", "a,b,label\n1,2,0\n1,2\n");
    fails(hadoopName(file) + " line 3: has 2 fields, the header has 3", () -> load(file, BINARY));
  }

  @Test
  void featureValueThatIsNotANumber() {
    Path file = write(dir, "d.csv", "a,b,label\n1,2,0\n\n1,two,1\n");
    fails(hadoopName(file) + " line 4: column \"b\" value \"two\" is not a number",
        () -> load(file, BINARY));
  }

  @Test
  void nanFeatureValue() {
    Path file = write(dir, "d.csv", "a,b,label\n1,NaN,0\n");
    fails(hadoopName(file) + " line 2: column \"b\" value \"NaN\" is not finite",
        () -> load(file, BINARY));
  }

  @Test
  void infiniteFeatureValue() {
    Path file = write(dir, "d.csv", "a,b,label\n-Infinity,1,0\n");
    fails(hadoopName(file) + " line 2: column \"a\" value \"-Infinity\" is not finite",
        () -> load(file, BINARY));
  }

  @Test
  void emptyFeatureValue() {
    Path file = write(dir, "d.csv", "a,b,label\n1,,0\n");
    fails(hadoopName(file) + " line 2: column \"b\" is empty", () -> load(file, BINARY));
  }

  @Test
  void labelThatIsNotANumber() {
    // regression labels are numbers; for classification "yes" would be a class name
    Path file = write(dir, "d.csv", "a,label\n1,yes\n");
    fails(hadoopName(file) + " line 2: label column \"label\" value \"yes\" is not a number",
        () -> load(file, DataTestSupport.REGRESSION));
  }

  @Test
  void emptyLabel() {
    Path file = write(dir, "d.csv", "a,label\n1, \n");
    fails(hadoopName(file) + " line 2: label column \"label\" is empty", () -> load(file, BINARY));
  }

  @Test
  void unterminatedQuote() {
    Path file = write(dir, "d.csv", "a,label\n\"1,0\n");
    fails(hadoopName(file) + " line 2: field 1 opens a quote that the line does not close (quoted "
        + "fields cannot span lines)", () -> load(file, BINARY));
  }

  @Test
  void textAfterClosingQuote() {
    Path file = write(dir, "d.csv", "a,label\n\"1\"x,0\n");
    fails(hadoopName(file) + " line 2: field 1 has text after its closing quote",
        () -> load(file, BINARY));
  }

  @Test
  void emptyFile() {
    Path file = write(dir, "d.csv", "");
    fails(hadoopName(file) + ": is empty; a CSV file starts with a header line naming its columns",
        () -> load(file, BINARY));
  }

  @Test
  void blankHeader() {
    Path file = write(dir, "d.csv", "\n1,0\n");
    fails(hadoopName(file) + " line 1: the header line is blank; a CSV file starts with a header "
        + "line naming its columns", () -> load(file, BINARY));
  }

  @Test
  void duplicateColumn() {
    Path file = write(dir, "d.csv", "a,a,label\n1,2,0\n");
    fails(hadoopName(file) + " line 1: column \"a\" appears twice in the header",
        () -> load(file, BINARY));
  }

  @Test
  void onlyTheLabelColumn() {
    Path file = write(dir, "d.csv", "label\n1\n");
    fails(hadoopName(file) + " line 1: the header has no column besides the label column "
        + "\"label\"", () -> load(file, BINARY));
  }

  @Test
  void headerOnly() {
    Path file = write(dir, "d.csv", "a,label\n\n");
    fails("no examples in " + file, () -> load(file, BINARY));
  }

  @Test
  void filesWithDifferentColumns() {
    Path a = write(dir, "a.csv", "x,label\n1,0\n");
    Path b = write(dir, "b.csv", "x,z,label\n1,2,0\n");
    fails(hadoopName(b) + " line 1: its columns [x, z, label] differ from the columns [x, label] "
        + "of " + hadoopName(a) + "; name the feature columns to read files with different headers",
        () -> load(dir, BINARY));
  }

  @Test
  void numFeaturesThatDisagrees() {
    Path file = resource("small.csv");
    fails(file + ": has 3 feature columns but numFeatures is 4",
        () -> load(DataOptions.of(file.toString()).withNumFeatures(4), BINARY));
  }

  @Test
  void missingFile() {
    String path = dir.resolve("absent.csv").toString();
    fails("no such file: " + path, () -> load(DataOptions.of(path), BINARY));
  }

  private static double[] features(Row r) {
    return ((Vector) r.get(0)).toArray();
  }
}
