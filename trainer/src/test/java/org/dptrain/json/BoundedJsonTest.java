package org.dptrain.json;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The bounded JSON reader: same trees as Jackson's, and every refusal with its message. */
class BoundedJsonTest {
  private static JsonNode read(String json) throws BadDocumentException {
    return BoundedJson.readTree(json.getBytes(StandardCharsets.UTF_8), "f.json");
  }

  private static String refusal(String json) {
    return assertThrows(BadDocumentException.class, () -> read(json)).getMessage();
  }

  @Test
  void buildsTheTreeJacksonBuilds() throws Exception {
    String json = "{\"a\": [1, 2.5, -3, 12345678901, 123456789012345678901234567890, true,"
        + " false, null, \"s\"], \"b\": {\"c\": {}}, \"d\": [], \"e\": 1e-300}";

    JsonNode ours = read(json);

    JsonNode jackson = new ObjectMapper().readTree(json);
    assertEquals(jackson, ours);
    assertEquals(jackson.get("a").get(3).getClass(), ours.get("a").get(3).getClass());
    assertEquals(jackson.get("a").get(4).getClass(), ours.get("a").get(4).getClass());
  }

  @Test
  void anEmptyDocumentIsMissing() throws Exception {
    assertTrue(read("  ").isMissingNode());
  }

  @Test
  void nestingUpToTheLimitIsRead() throws Exception {
    int d = BoundedJson.MAX_NESTING_DEPTH;
    assertTrue(read("[".repeat(d) + "]".repeat(d)).isArray());
  }

  @Test
  void nestingPastTheLimitIsRefusedNamingTheFile() {
    int d = BoundedJson.MAX_NESTING_DEPTH + 1;
    assertEquals("f.json is refused: Document nesting depth (" + d + ") exceeds the maximum"
        + " allowed (" + (d - 1) + ") (line 1, column " + (d + 1) + ")",
        refusal("[".repeat(d) + "]".repeat(d)));
  }

  @Test
  void aDuplicateKeyNamesBothPlaces() {
    assertEquals("f.json: field 'a' appears twice (lines 2 and 4)",
        refusal("{\n\"a\": 1,\n\"b\": 2,\n\"a\": 3}"));
    assertEquals("f.json: field 'k' appears twice (line 1, columns 8 and 16)",
        refusal("{\"x\": {\"k\": 1, \"k\": 2}}"));
  }

  @Test
  void aLongKeyIsRefused() {
    String key = "k".repeat(BoundedJson.MAX_NAME_LENGTH + 1);
    String message = refusal("{\"" + key + "\": 1}");
    assertTrue(message.startsWith("f.json is refused: Name length ("
        + (BoundedJson.MAX_NAME_LENGTH + 1) + ") exceeds the maximum allowed ("
        + BoundedJson.MAX_NAME_LENGTH + ")"), message);
  }

  @Test
  void syntaxErrorsGiveTheirPosition() {
    String message = refusal("{\"a\": 1,,}");
    assertTrue(message.startsWith("f.json is not valid JSON: Unexpected character (','"), message);
    assertTrue(message.endsWith("(line 1, column 9)"), message);
  }

  @Test
  void trailingContentIsRefused() {
    assertEquals("f.json is not valid JSON: content after the top-level value (line 1, column 4)",
        refusal("{} []"));
  }

  @Test
  void aByteArrayAboveTheLimitIsRefusedBeforeParsing() {
    BadDocumentException e = assertThrows(BadDocumentException.class,
        () -> BoundedJson.checkSize(BoundedJson.MAX_DOCUMENT_BYTES + 1,
            BoundedJson.MAX_DOCUMENT_BYTES, "hdfs://nn/r.json"));
    assertEquals("hdfs://nn/r.json has " + (BoundedJson.MAX_DOCUMENT_BYTES + 1) + " bytes, more"
        + " than the " + BoundedJson.MAX_DOCUMENT_BYTES + " dptrain reads", e.getMessage());
  }

  @Test
  void readAtMostReadsUpToTheBoundAndRefusesMore() throws Exception {
    byte[] ten = new byte[10];
    assertArrayEquals(ten, BoundedJson.readAtMost(new ByteArrayInputStream(ten), 10, "p"));
    BadDocumentException e = assertThrows(BadDocumentException.class,
        () -> BoundedJson.readAtMost(new ByteArrayInputStream(new byte[11]), 10, "p"));
    assertEquals("p has more than 10 bytes, the most dptrain reads", e.getMessage());
  }

  @Test
  void theMapperForBindingIsStrictToo() {
    ObjectMapper m = BoundedJson.mapper();
    Exception dup = assertThrows(Exception.class, () -> m.readTree("{\"a\": 1, \"a\": 2}"));
    assertTrue(dup.getMessage().startsWith("Duplicate field 'a'"), dup.getMessage());
    Exception deep = assertThrows(Exception.class, () -> m.readTree("[".repeat(100) + "]".repeat(100)));
    assertTrue(deep.getMessage().contains("nesting depth"), deep.getMessage());
    Exception trailing = assertThrows(Exception.class, () -> m.readTree("{} {}"));
    assertTrue(trailing.getMessage().contains("Trailing token"), trailing.getMessage());
  }
}
