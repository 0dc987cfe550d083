package org.dptrain.driver.train;

import static org.dptrain.driver.config.SettingTable.*;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.driver.config.JobConfig;
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
    JobConfig s = JobConfig.builder().set(DATA, data).parse(LAYERS, "2,4,1")
        .parse(ACTIVATIONS, "tanh,sigmoid").parse(LOSS, "binary_cross_entropy")
        .set(LEARNING_RATE, 0.5).set(BATCH_SIZE, 10).set(EPOCHS, 2).set(PARTITIONS, 2)
        .set(LOCAL_STEPS, localSteps).set(OUTPUT, tmp.resolve("run-" + localSteps).toString())
        .build();
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
