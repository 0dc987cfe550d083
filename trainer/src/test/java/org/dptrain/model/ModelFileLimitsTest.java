package org.dptrain.model;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import org.dptrain.json.BoundedJson;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What {@link ModelFile} refuses beyond the fields of the format: documents past the bounded
 * JSON reader's limits, and a {@code numFeatures} that contradicts the input layer.
 */
class ModelFileLimitsTest {
  private static final double[] WEIGHTS = {0.5, -0.25, 0.125};

  @TempDir
  Path tmp;

  @Test
  void aModelJsonNestedTooDeepIsRefusedNamingTheFile() throws IOException {
    String deep = "[".repeat(100_000) + "]".repeat(100_000);
    Path dir = write("deep", json("\"provenance\": " + deep + ","));

    String message = refusal(dir);

    assertTrue(message.startsWith(dir.resolve("model.json") + " is refused: "), message);
    assertTrue(message.contains("nesting depth (" + (BoundedJson.MAX_NESTING_DEPTH + 1)
        + ") exceeds the maximum allowed (" + BoundedJson.MAX_NESTING_DEPTH + ")"), message);
  }

  @Test
  void theSameDocumentThroughDecodeIsRefusedToo() throws IOException {
    String deep = "{\"a\":".repeat(5_000) + "1" + "}".repeat(5_000);
    Map<String, byte[]> files = new HashMap<>();
    files.put(ModelFile.MODEL_JSON, json("\"x\": " + deep + ",").getBytes(StandardCharsets.UTF_8));
    files.put(ModelFile.WEIGHTS_BIN, littleEndian(WEIGHTS));

    ModelFileException e = assertThrows(ModelFileException.class,
        () -> ModelFile.decode("hdfs://nn/m", files::get));

    assertTrue(e.getMessage().startsWith("hdfs://nn/m/model.json is refused: "), e.getMessage());
  }

  @Test
  void aDuplicateFieldIsRefusedNamingBothLines() throws IOException {
    Path dir = write("dup", json("\"loss\": \"mse\",\n"));

    assertEquals(dir.resolve("model.json") + ": field 'loss' appears twice (lines 2 and 6)",
        refusal(dir));
  }

  @Test
  void aLongStringIsRefused() throws IOException {
    String huge = "x".repeat(BoundedJson.MAX_STRING_LENGTH + 1);
    Path dir = write("long", json("\"note\": \"" + huge + "\","));

    String message = refusal(dir);

    assertTrue(message.startsWith(dir.resolve("model.json") + " is refused: String value length ("
        + (BoundedJson.MAX_STRING_LENGTH + 1) + ") exceeds the maximum allowed ("
        + BoundedJson.MAX_STRING_LENGTH + ")"), message);
  }

  @Test
  void aLongNumberIsRefused() throws IOException {
    String digits = "1".repeat(BoundedJson.MAX_NUMBER_LENGTH + 1);
    Path dir = write("number", json("\"epochs\": " + digits + ","));

    String message = refusal(dir);

    assertTrue(message.startsWith(dir.resolve("model.json") + " is refused: Number value length ("
        + (BoundedJson.MAX_NUMBER_LENGTH + 1) + ") exceeds the maximum allowed ("
        + BoundedJson.MAX_NUMBER_LENGTH + ")"), message);
  }

  @Test
  void aModelJsonLargerThanTheLimitIsRefusedBeforeItIsRead() throws IOException {
    Path dir = write("big", json(""));
    try (var ch = Files.newByteChannel(dir.resolve("model.json"),
        java.nio.file.StandardOpenOption.WRITE)) {
      // sparse: the size is past the limit without writing the bytes
      ch.position(BoundedJson.MAX_DOCUMENT_BYTES).write(ByteBuffer.wrap(new byte[] {' '}));
    }

    assertEquals(dir.resolve("model.json") + " has " + (BoundedJson.MAX_DOCUMENT_BYTES + 1)
        + " bytes, more than the " + BoundedJson.MAX_DOCUMENT_BYTES + " dptrain reads",
        refusal(dir));
  }

  @Test
  void trailingContentAfterTheObjectIsRefused() throws IOException {
    Path dir = write("trailing", json("") + "{}");

    String message = refusal(dir);

    assertTrue(message.startsWith(dir.resolve("model.json") + " is not valid JSON: "), message);
    assertTrue(message.contains("after the top-level value"), message);
  }

  @Test
  void numFeaturesThatContradictsTheInputLayerIsRefusedWithBothValues() throws IOException {
    Path dir = write("width", json("\"numFeatures\": 5,"));

    assertEquals(dir.resolve("model.json") + ": numFeatures is 5 but layers[0] is 2; the input"
        + " layer takes numFeatures features", refusal(dir));
  }

  @Test
  void numFeaturesThatIsNotAnIntegerIsRefused() throws IOException {
    Path dir = write("width", json("\"numFeatures\": \"2\","));

    assertEquals(dir.resolve("model.json") + ": numFeatures must be an integer, got \"2\"",
        refusal(dir));
  }

  @Test
  void numFeaturesThatAgreesLoadsAndIsKept() throws IOException {
    Path dir = write("width", json("\"numFeatures\": 2,"));

    assertEquals(2, ModelFile.read(dir).extra().get("numFeatures").intValue());
  }

  /** model.json of a 2-1 sigmoid model with {@code more} (fields and a comma) inserted first. */
  private static String json(String more) {
    String sha = ModelFile.sha256(littleEndian(WEIGHTS));
    return "{\n" + more + "\n  \"format\": \"dptrain-model\", \"formatVersion\": 1,\n"
        + "  \"layers\": [2, 1], \"activations\": [\"sigmoid\"],\n"
        + "  \"loss\": \"binary_cross_entropy\",\n"
        + "  \"weights\": {\"file\": \"weights.bin\", \"dtype\": \"float64\", \"byteOrder\":"
        + " \"little\", \"sha256\": \"" + sha + "\"}\n}\n";
  }

  private Path write(String name, String modelJson) throws IOException {
    Path dir = Files.createDirectory(tmp.resolve(name));
    Files.writeString(dir.resolve("model.json"), modelJson);
    Files.write(dir.resolve("weights.bin"), littleEndian(WEIGHTS));
    return dir;
  }

  private static String refusal(Path dir) {
    return assertThrows(ModelFileException.class, () -> ModelFile.read(dir)).getMessage();
  }

  private static byte[] littleEndian(double[] values) {
    ByteBuffer buf = ByteBuffer.allocate(8 * values.length).order(ByteOrder.LITTLE_ENDIAN);
    for (double v : values) {
      buf.putDouble(v);
    }
    return buf.array();
  }
}
