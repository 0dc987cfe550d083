package org.dptrain.driver.yaml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.stream.Stream;
import org.dptrain.json.BadDocumentException;
import org.dptrain.json.BoundedJson;
import org.junit.jupiter.api.Test;

/** The bounded YAML reader: the trees Jackson builds, and every refusal with its message. */
class BoundedYamlTest {
  private static JsonNode read(String yaml) throws BadDocumentException {
    return BoundedYaml.readTree(yaml.getBytes(StandardCharsets.UTF_8), "job.yaml");
  }

  private static String refusal(String yaml) {
    return assertThrows(BadDocumentException.class, () -> read(yaml)).getMessage();
  }

  @Test
  void readsEveryShippedJobAsJacksonDoes() throws Exception {
    ObjectMapper plain = new ObjectMapper(new YAMLFactory());
    Path jobs = Paths.get("..", "conf", "jobs");
    try (Stream<Path> files = Files.list(jobs)) {
      for (Path job : files.filter(p -> p.toString().endsWith(".yaml")).toList()) {
        byte[] bytes = Files.readAllBytes(job);
        assertEquals(plain.readTree(bytes), BoundedYaml.readTree(bytes, job.toString()),
            job.toString());
      }
    }
    assertEquals(plain.readTree("a: 1\nb: [x, 2.5, true, null]\n"),
        read("a: 1\nb: [x, 2.5, true, null]\n"));
  }

  @Test
  void aDuplicateKeyNamesTheKeyAndBothLines() {
    assertEquals("job.yaml: field 'epochs' appears twice (lines 1 and 3)",
        refusal("epochs: 1\nlayers: [2, 1]\nepochs: 2\n"));
  }

  @Test
  void nestingPastTheLimitIsRefused() {
    int d = BoundedJson.MAX_NESTING_DEPTH + 1;
    String message = refusal("[".repeat(d) + "]".repeat(d));
    assertTrue(message.startsWith("job.yaml is refused: Document nesting depth (" + d
        + ") exceeds the maximum allowed (" + (d - 1) + ")"), message);
  }

  @Test
  void tooManyCodePointsAreRefused() {
    String message = refusal("note: " + "x".repeat(BoundedYaml.MAX_CODE_POINTS) + "\n");
    assertTrue(message.startsWith("job.yaml is not valid YAML: "), message);
    assertTrue(message.contains("code points"), message);
  }

  @Test
  void aliasesAreRefusedRatherThanReadAsTheirName() {
    assertEquals("job.yaml: line 2: alias *rate is not supported; write the value out",
        refusal("lr: &rate 0.1\nfinal-lr: *rate\n"));
  }

  @Test
  void aStreamLongerThanTheLimitIsRefusedWhileReading() {
    byte[] big = new byte[(int) BoundedYaml.MAX_BYTES + 1];
    BadDocumentException e = assertThrows(BadDocumentException.class,
        () -> BoundedYaml.readTree(new ByteArrayInputStream(big), "job.yaml"));
    assertEquals("job.yaml has more than " + BoundedYaml.MAX_BYTES + " bytes, the most dptrain"
        + " reads", e.getMessage());
  }

  @Test
  void syntaxErrorsNameTheFile() {
    String message = refusal("a: [1, 2\nb: 3\n");
    assertTrue(message.startsWith("job.yaml is not valid YAML: "), message);
  }

  @Test
  void theMapperForBindingRefusesDuplicatesToo() {
    Exception e = assertThrows(Exception.class,
        () -> BoundedYaml.mapper().readTree("epochs: 1\nepochs: 2\n"));
    assertTrue(e.getMessage().startsWith("Duplicate field 'epochs'"), e.getMessage());
  }
}
