package org.dptrain.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.PrintStream;
import java.io.ByteArrayOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.driver.data.DataOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TrainingJobTest {
  @TempDir
  Path tmp;

  @Test
  void aRunThatFailsInSparkLeavesNothingBehind() throws Exception {
    String data = Paths.get("..", "conf", "jobs", "data", "xor.csv").toAbsolutePath().toString();
    Path out = tmp.resolve("run");
    JobSettings s = new JobSettings(DataOptions.of(data), null, new int[] {2, 4, 1},
        List.of("tanh", "sigmoid"), "binary_cross_entropy", null, "sgd", 0.5, 0.9, 0.9, 0.999,
        1e-8, 0, 0, "constant", 4, 2, 7L, 1, 0, 1, null, "none", null, 3, out.toString(), null);
    TaskHook broken = (p, e, step, attempt) -> {
      if (e == 1) {
        throw new IllegalStateException("injected executor failure in epoch 2");
      }
    };
    Throwable t = assertThrows(Throwable.class, () -> TrainingJob.run(SparkTestSession.get(), s,
        new PrintStream(new ByteArrayOutputStream()), broken));
    assertTrue(String.valueOf(t.getMessage()).contains("injected executor failure in epoch 2"),
        String.valueOf(t.getMessage()));
    try (Stream<Path> left = Files.list(tmp)) {
      assertEquals(List.of(), left.toList(), "no run directory and no staging directory");
    }
  }
}
