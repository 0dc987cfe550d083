package org.dptrain.driver.data;

import static org.dptrain.driver.data.DataTestSupport.THREE_CLASSES;
import static org.dptrain.driver.data.DataTestSupport.fails;
import static org.dptrain.driver.data.DataTestSupport.hadoopName;
import static org.dptrain.driver.data.DataTestSupport.load;
import static org.dptrain.driver.data.DataTestSupport.resource;
import static org.dptrain.driver.data.DataTestSupport.rows;
import static org.dptrain.driver.data.DataTestSupport.write;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LibsvmLoadTest {
  @TempDir Path dir;

  @Test
  void readsSparseFeaturesLabelsAndPositions() {
    Path file = resource("small.libsvm");
    LoadedData data = load(file, THREE_CLASSES);
    assertEquals(DataFormat.LIBSVM, data.format());
    assertEquals(4, data.numFeatures(), "inferred as the largest index");
    List<Row> rows = rows(data);
    assertEquals(3, rows.size());
    assertArrayEquals(new double[] {0.5, 0, 2.0, 0}, vector(rows.get(0)).toArray());
    assertArrayEquals(new double[] {0, -1.5, 0, 3}, vector(rows.get(1)).toArray());
    assertArrayEquals(new double[] {1, 2, 3, 4}, vector(rows.get(2)).toArray());
    assertTrue(vector(rows.get(0)) instanceof SparseVector);
    assertEquals(List.of(1.0, 0.0, 2.0), rows.stream().map(r -> r.getDouble(1)).toList());
    assertEquals(hadoopName(file), rows.get(0).getString(2));
    // byte offsets of lines 2, 4 and 5; locate() turns them into line numbers
    assertEquals("1 1:0.5 3:2.0", lineAt(file, rows.get(0).getLong(3)));
    assertEquals(hadoopName(file) + " line 5", data.locate(rows.get(2).getString(2),
        rows.get(2).getLong(3)));
  }

  @Test
  void givenNumFeaturesSetsTheVectorSize() {
    LoadedData data = load(DataOptions.of(resource("small.libsvm").toString()).withNumFeatures(6),
        THREE_CLASSES);
    assertEquals(6, data.numFeatures());
    assertEquals(6, vector(rows(data).get(0)).size());
  }

  @Test
  void readsADirectoryAndAGlobInNameOrder() {
    write(dir, "b.libsvm", "1 2:2\n");
    write(dir, "a.libsvm", "0 1:1\n");
    write(dir, "_SUCCESS", "");
    LoadedData whole = load(dir, THREE_CLASSES);
    assertEquals(2, whole.numFeatures());
    assertEquals(List.of(0.0, 1.0), rows(whole).stream().map(r -> r.getDouble(1)).toList());
    LoadedData glob = load(dir.resolve("*.libsvm"), THREE_CLASSES);
    assertEquals(2, rows(glob).size());
  }

  @Test
  void readsGzipAndCountsLinesInTheDecompressedText() {
    byte[] text = "0 1:1\n# comment\n1 1:1 2:x\n".getBytes(StandardCharsets.UTF_8);
    Path file = write(dir, "bad.libsvm.gz", DataTestSupport.gzip(text));
    fails(hadoopName(file) + " line 3: value \"x\" in \"2:x\" is not a number",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void countsCrLfAndLoneCrAsOneLineEnd() {
    Path file = write(dir, "crlf.libsvm", "0 1:1\r\n1 1:1\r\n\r\n0 1:2 bad\r\n");
    fails(hadoopName(file) + " line 4: token \"bad\" is not index:value",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void countsLinesAcrossInputSplits() {
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 3000; i++) {
      text.append(i == 2500 ? "1 3:1 2:1" : "1 1:0.25 2:0.5 3:0.75").append('\n');
    }
    Path file = write(dir, "long.libsvm", text.toString());
    assertTrue(DataTestSupport.spark().sparkContext().defaultMinPartitions() > 1,
        "the file is read in more than one split");
    fails(hadoopName(file) + " line 2500: index 2 in \"2:1\" follows index 3: indices must be "
        + "strictly ascending", () -> load(file, THREE_CLASSES));
  }

  @Test
  void tokenWithoutColon() {
    Path file = write(dir, "bad.libsvm", "# header comment\n\n1 1:0.5 abc\n");
    fails(hadoopName(file) + " line 3: token \"abc\" is not index:value",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void nonAscendingIndex() {
    Path file = write(dir, "bad.libsvm", "0 1:1\n1 3:1 2:1\n");
    fails(hadoopName(file) + " line 2: index 2 in \"2:1\" follows index 3: indices must be "
        + "strictly ascending", () -> load(file, THREE_CLASSES));
  }

  @Test
  void repeatedIndex() {
    Path file = write(dir, "bad.libsvm", "1 2:1 2:5\n");
    fails(hadoopName(file) + " line 1: index 2 in \"2:5\" follows index 2: indices must be "
        + "strictly ascending", () -> load(file, THREE_CLASSES));
  }

  @Test
  void zeroIndex() {
    Path file = write(dir, "bad.libsvm", "1 0:1.5 2:1\n");
    fails(hadoopName(file) + " line 1: index 0 in \"0:1.5\": indices are 1-based",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void indexThatIsNotAnInteger() {
    Path file = write(dir, "bad.libsvm", "1 1.5:2\n");
    fails(hadoopName(file) + " line 1: index \"1.5\" in \"1.5:2\" is not an integer",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void indexBeyondNumFeatures() {
    Path file = write(dir, "bad.libsvm", "0 1:1\n1 2:1 4:1\n");
    fails(hadoopName(file) + " line 2: index 4 in \"4:1\" exceeds numFeatures 3",
        () -> load(DataOptions.of(file.toString()).withNumFeatures(3), THREE_CLASSES));
  }

  @Test
  void anIndexTooLargeForAnIntIsOutOfRangeNotMalformed() {
    Path file = write(dir, "bad.libsvm", "0 1:1\n1 2:1 99999999999:1\n");
    fails(hadoopName(file) + " line 2: index \"99999999999\" in \"99999999999:1\" is out of"
        + " range: indices go up to 2147483647", () -> load(file, THREE_CLASSES));
    fails(hadoopName(file) + " line 2: index \"99999999999\" in \"99999999999:1\" is out of"
        + " range: it exceeds numFeatures 3",
        () -> load(DataOptions.of(file.toString()).withNumFeatures(3), THREE_CLASSES));
    Path negative = write(dir, "negative.libsvm", "1 -99999999999:1\n");
    fails(hadoopName(negative) + " line 1: index \"-99999999999\" in \"-99999999999:1\" is out"
        + " of range: indices are 1-based", () -> load(negative, THREE_CLASSES));
  }

  @Test
  void forAModelAFileWhoseHighestIndexIsBelowItsWidthTakesTheModelsWidth() {
    Path file = write(dir, "narrow.libsvm", "0 1:1\n1 2:0.5\n");
    LoadedData data = DataLoader.loadForModel(DataTestSupport.spark(),
        DataOptions.of(file.toString()), THREE_CLASSES, 4);
    assertEquals(4, data.numFeatures());
    assertArrayEquals(new double[] {0, 0.5, 0, 0}, vector(rows(data).get(1)).toArray());
  }

  @Test
  void forAModelAnIndexBeyondItsWidthNamesTheFileLineAndIndex() {
    Path file = write(dir, "wide.libsvm", "0 1:1\n1 2:0.5 5:1\n");
    fails(hadoopName(file) + " line 2: index 5 in \"5:1\" exceeds the model's 4 features",
        () -> DataLoader.loadForModel(DataTestSupport.spark(), DataOptions.of(file.toString()),
            THREE_CLASSES, 4));
  }

  @Test
  void forAModelAGivenNumFeaturesStillDecidesAndMustMatchTheModel() {
    Path file = write(dir, "narrow.libsvm", "0 1:1\n1 2:0.5\n");
    IllegalArgumentException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalArgumentException.class, () -> DataLoader.loadForModel(DataTestSupport.spark(),
            DataOptions.of(file.toString()).withNumFeatures(3), THREE_CLASSES, 4));
    assertEquals(file + " has 3 features; the model takes 4", e.getMessage());
  }

  @Test
  void valueThatIsNotANumber() {
    Path file = write(dir, "bad.libsvm", "1 2:x\n");
    fails(hadoopName(file) + " line 1: value \"x\" in \"2:x\" is not a number",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void nanValue() {
    Path file = write(dir, "bad.libsvm", "0 1:1\n1 2:NaN\n");
    fails(hadoopName(file) + " line 2: value NaN in \"2:NaN\" is not finite",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void infiniteValue() {
    Path file = write(dir, "bad.libsvm", "1 1:-Infinity\n");
    fails(hadoopName(file) + " line 1: value -Infinity in \"1:-Infinity\" is not finite",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void labelThatIsNotANumber() {
    Path file = write(dir, "bad.libsvm", "cat 1:1\n");
    fails(hadoopName(file) + " line 1: label \"cat\" is not a number",
        () -> load(file, THREE_CLASSES));
  }

  @Test
  void missingFile() {
    String path = dir.resolve("absent.libsvm").toString();
    DataValidationException e = fails("no such file: " + path,
        () -> load(DataOptions.of(path), THREE_CLASSES));
    assertEquals(path, e.file());
    assertEquals(null, e.location());
  }

  @Test
  void globMatchingNothing() {
    String path = dir.resolve("*.libsvm").toString();
    fails("no such file: " + path, () -> load(DataOptions.of(path), THREE_CLASSES));
  }

  @Test
  void onlyCommentsAndBlankLines() {
    Path file = write(dir, "empty.libsvm", "# nothing here\n\n   \n");
    fails("no examples in " + file, () -> load(file, THREE_CLASSES));
  }

  @Test
  void emptyDirectory() {
    fails("no examples in " + dir, () -> load(DataOptions.of(dir.toString())
        .withFormat(DataFormat.LIBSVM), THREE_CLASSES));
  }

  @Test
  void noFeatureAnywhere() {
    Path file = write(dir, "labels-only.libsvm", "1\n0\n");
    fails(file + ": no line has a feature, so the number of features cannot be inferred; give "
        + "numFeatures", () -> load(file, THREE_CLASSES));
  }

  @Test
  void nestedDirectory() throws Exception {
    java.nio.file.Files.createDirectory(dir.resolve("sub"));
    write(dir, "a.libsvm", "0 1:1\n");
    fails(hadoopName(dir) + ": holds the directory sub; nested directories are not read, name the "
        + "files (a glob works)", () -> load(DataOptions.of(dir.toString())
        .withFormat(DataFormat.LIBSVM), THREE_CLASSES));
  }

  private static Vector vector(Row r) {
    return (Vector) r.get(0);
  }

  private static String lineAt(Path file, long offset) {
    try {
      byte[] all = java.nio.file.Files.readAllBytes(file);
      int end = (int) offset;
      while (end < all.length && all[end] != '\n') {
        end++;
      }
      return new String(all, (int) offset, end - (int) offset, StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
