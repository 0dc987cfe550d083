package org.dptrain.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.driver.data.DataOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The listener the progress bar hangs on: told after every synchronisation, in order. */
class ProgressListenerTest {
  @TempDir
  Path tmp;

  private List<String> calls(int localSteps) throws Exception {
    String data = Paths.get("..", "conf", "jobs", "data", "xor.csv").toAbsolutePath().toString();
    // 100 examples, batch 10: 10 steps per epoch
    JobSettings s = new JobSettings(DataOptions.of(data), null, new int[] {2, 4, 1},
        List.of("tanh", "sigmoid"), "binary_cross_entropy", null, "sgd", 0.5, 0.9, 0.9, 0.999,
        1e-8, 0, 0, "constant", 10, 2, 7L, 2, localSteps, 1, null, "none", null, 3,
        tmp.resolve("run-" + localSteps).toString(), null);
    List<String> calls = new ArrayList<>();
    TrainingJob.run(SparkTestSession.get(), s, new PrintStream(new ByteArrayOutputStream()),
        TaskHook.NONE, (epoch, done, steps) -> calls.add(epoch + ":" + done + "/" + steps));
    return calls;
  }

  @Test
  void synchronousStepsAreReportedOneByOne() throws Exception {
    List<String> expected = new ArrayList<>();
    for (int e = 1; e <= 2; e++) {
      for (int t = 1; t <= 10; t++) {
        expected.add(e + ":" + t + "/10");
      }
    }
    assertEquals(expected, calls(1));
  }

  @Test
  void localStepsAreReportedPerSynchronisation() throws Exception {
    assertEquals(List.of("1:4/10", "1:8/10", "1:10/10", "2:4/10", "2:8/10", "2:10/10"),
        calls(4));
  }
}
