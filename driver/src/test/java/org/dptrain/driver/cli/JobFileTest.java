package org.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** Job files read and refused without Spark. */
class JobFileTest {
  static JobFile parse(String text) throws Exception {
    return JobFile.parse("job.yaml", new ByteArrayInputStream(
        text.getBytes(StandardCharsets.UTF_8)));
  }

  static String error(String text) {
    return assertThrows(IllegalArgumentException.class, () -> parse(text)).getMessage();
  }

  @Test
  void valuesAndTheirLines() throws Exception {
    JobFile f = parse("# a job\nlayers: [2, 4, 1]\nepochs: 3\nname: ~\n");
    assertEquals("2,4,1", f.value("layers"));
    assertEquals("3", f.value("epochs"));
    assertEquals(null, f.value("name"), "null is unset");
    assertEquals("job.yaml line 3", f.where("epochs"));
  }

  @Test
  void aKeyGivenTwiceNamesBothLines() {
    assertEquals("job.yaml: key 'epochs' is given twice, on line 1 and on line 3",
        error("epochs: 1\nlr: 0.1\nepochs: 2\n"));
  }

  @Test
  void nestingAndSizeAreBounded() {
    String deep = "layers: " + "[".repeat(50) + "1" + "]".repeat(50) + "\n";
    assertTrue(error(deep).startsWith("job.yaml is not valid YAML: "), error(deep));
    assertTrue(error(deep).contains("nesting depth"), error(deep));
    String big = "name: " + "x".repeat(JobFile.MAX_BYTES) + "\n";
    assertEquals("job.yaml is larger than " + JobFile.MAX_BYTES + " bytes; a job file holds a few"
        + " settings", error(big));
    assertEquals("job.yaml: key 'layers' must be a scalar or a list of scalars",
        error("layers: {a: 1}\n"));
    assertEquals("job.yaml must be a mapping of option names to values", error("- 1\n- 2\n"));
  }
}
