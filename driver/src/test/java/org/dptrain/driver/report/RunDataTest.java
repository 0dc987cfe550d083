package org.dptrain.driver.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** metrics.jsonl is read with the bounded JSON reader: each refusal names the file and line. */
class RunDataTest {
  private static final String EPOCH = line(1, 0.5);

  /** An epoch record with every field metrics.jsonl has. */
  private static String line(int epoch, double trainLoss) {
    return "{\"epoch\": " + epoch + ", \"step\": " + 4 * epoch + ", \"trainLoss\": " + trainLoss
        + ", \"learningRate\": 0.1, \"examples\": 8, \"seconds\": 1.0, \"computeSeconds\": 0.5,"
        + " \"jobSeconds\": 0.6, \"broadcastSeconds\": 0.1, \"updateSeconds\": 0.1,"
        + " \"samplesPerSecond\": 8.0, \"syncs\": 4}";
  }

  @TempDir
  Path tmp;

  private RunDirectoryException fails(String content) throws Exception {
    Path metrics = tmp.resolve("metrics.jsonl");
    Files.writeString(metrics, content);
    return assertThrows(RunDirectoryException.class, () -> RunData.readMetrics(metrics));
  }

  @Test
  void aKeyTwiceInALineIsAnErrorNamingFileLineAndKey() throws Exception {
    Path metrics = tmp.resolve("metrics.jsonl");
    assertEquals(metrics + " line 2: field 'epoch' appears twice (line 1, columns 2 and 14)",
        fails(EPOCH + "\n" + line(2, 0.4).replace("{", "{\"epoch\": 2, ") + "\n").getMessage());
  }

  @Test
  void aLineNestedTooDeepIsRefusedNamingFileAndLine() throws Exception {
    Path metrics = tmp.resolve("metrics.jsonl");
    String message = fails(EPOCH + "\n" + "[".repeat(100_000) + "\n").getMessage();
    assertTrue(message.startsWith(metrics + " line 2 is refused: Document nesting depth (65)"
        + " exceeds the maximum allowed (64)"), message);
  }

  @Test
  void aWellFormedFileStillReads() throws Exception {
    Path metrics = tmp.resolve("metrics.jsonl");
    Files.writeString(metrics, EPOCH + "\n\n" + line(2, 0.25) + "\n");
    assertEquals(2, RunData.readMetrics(metrics).size());
    assertEquals(0.25, RunData.readMetrics(metrics).get(1).trainLoss());
  }
}
