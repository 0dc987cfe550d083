package org.dptrain.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.apache.spark.ml.linalg.Vectors;
import org.dptrain.driver.SparkTestSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Our reader of a saved model stage: Spark's metadata read bounded and strict. */
class MlpModelReaderTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void spark() {
    SparkTestSession.get();
  }

  /** The metadata part file of a saved stage. */
  private static Path metadataPart(Path stage) throws Exception {
    try (Stream<Path> files = Files.list(stage.resolve("metadata"))) {
      return files.filter(p -> p.getFileName().toString().startsWith("part-")).findFirst()
          .orElseThrow();
    }
  }

  @Test
  void aSavedModelLoadsWithItsUidAndParams() throws Exception {
    MlpClassificationModel model = MlpClassifierTest.untrained();
    Path dir = tmp.resolve("m");
    model.save(dir.toString());

    MlpClassificationModel same = MlpClassificationModel.load(dir.toString());

    assertEquals(model.uid(), same.uid());
    assertEquals(model.predictRaw(Vectors.dense(0.5, 0.25)),
        same.predictRaw(Vectors.dense(0.5, 0.25)));
  }

  @Test
  void metadataNestedTooDeepIsRefusedNamingTheFile() throws Exception {
    Path dir = tmp.resolve("deep");
    MlpClassifierTest.untrained().save(dir.toString());
    Path part = metadataPart(dir);
    String json = Files.readString(part).strip();
    Files.writeString(part, "{\"deep\": " + "[".repeat(100_000) + "]".repeat(100_000) + ","
        + json.substring(1) + "\n");
    Files.deleteIfExists(part.resolveSibling("." + part.getFileName() + ".crc"));

    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> MlpClassificationModel.load(dir.toString()));

    assertTrue(e.getMessage().startsWith("cannot load MlpClassificationModel from " + dir
        + ": file:" + part + " is refused: Document nesting depth (65) exceeds the maximum"
        + " allowed (64)"), e.getMessage());
  }

  @Test
  void metadataWithAKeyTwiceIsRefused() throws Exception {
    Path dir = tmp.resolve("dup");
    MlpClassifierTest.untrained().save(dir.toString());
    Path part = metadataPart(dir);
    String json = Files.readString(part).strip();
    Files.writeString(part, "{\"uid\": \"evil\"," + json.substring(1) + "\n");
    Files.deleteIfExists(part.resolveSibling("." + part.getFileName() + ".crc"));

    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> MlpClassificationModel.load(dir.toString()));

    assertTrue(e.getMessage().contains("file:" + part + ": field 'uid' appears twice"),
        e.getMessage());
  }

  @Test
  void missingMetadataIsNamed() throws Exception {
    Path dir = tmp.resolve("none");
    MlpClassifierTest.untrained().save(dir.toString());
    try (Stream<Path> files = Files.list(dir.resolve("metadata"))) {
      for (Path p : files.toList()) {
        Files.delete(p);
      }
    }

    UncheckedIOException e = assertThrows(UncheckedIOException.class,
        () -> MlpClassificationModel.load(dir.toString()));

    assertEquals("cannot load MlpClassificationModel from " + dir + ": file:"
        + dir.resolve("metadata") + " holds no part file with Spark's metadata", e.getMessage());
  }

  @Test
  void metadataOfAnotherClassIsStillRefusedBySpark() throws Exception {
    Path dir = tmp.resolve("other");
    MlpClassifierTest.untrained().save(dir.toString());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MlpRegressionModel.load(dir.toString()));
    assertTrue(e.getMessage().contains(MlpClassificationModel.class.getName()), e.getMessage());
    assertTrue(e.getMessage().contains(MlpRegressionModel.class.getName()),
        e.getMessage());
  }
}
