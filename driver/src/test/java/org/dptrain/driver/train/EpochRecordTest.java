package org.dptrain.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The one epoch-record format: written and read back, without Spark. */
class EpochRecordTest {
  @Test
  void aRecordRoundTripsInItsLineFormat() throws Exception {
    EpochReport report = new EpochReport(2, 10, 5, 0.25, 100, 1.5, 0.5, 0.01, 0.1, 1.2, 0.2);
    EpochRecord r = EpochRecord.of(report, 20, null);
    String line = new ObjectMapper().writeValueAsString(r.toJson());
    List<String> keys = new ArrayList<>();
    r.toJson().fieldNames().forEachRemaining(keys::add);
    assertEquals(List.of("epoch", "step", "trainLoss", "learningRate", "examples", "seconds",
        "computeSeconds", "jobSeconds", "broadcastSeconds", "updateSeconds", "samplesPerSecond",
        "syncs", "steps"), keys, line);
    EpochRecord back = EpochRecord.fromJson(new ObjectMapper().readTree(line), "x line 1");
    assertEquals(r, back);
    assertEquals(report, back.report());
    assertEquals("x line 1: field 'step' is missing or not a whole number, got 1.5",
        assertThrows(IllegalArgumentException.class, () -> EpochRecord.fromJson(
            new ObjectMapper().readTree(line.replace("\"step\":20", "\"step\":1.5")),
            "x line 1")).getMessage());
  }
}
