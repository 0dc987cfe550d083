package org.dptrain.driver.train;

import static org.dptrain.driver.config.SettingTable.*;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.hadoop.conf.Configuration;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.driver.checkpoint.CheckpointInterval;
import org.dptrain.driver.checkpoint.CheckpointSettings;
import org.dptrain.driver.checkpoint.CheckpointStore;
import org.dptrain.driver.config.JobConfig;
import org.dptrain.driver.data.DataOptions;
import org.dptrain.driver.fs.HadoopFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints, resuming and the divergence guard, in process: a run that fails in Spark (every
 * attempt of one task throws) stands in for a crash; the real SIGKILL of a driver is in
 * {@code org.dptrain.driver.cli.KillAndResumeTest}.
 */
class ResumeTest {
  static final String CIRCLES =
      Paths.get("..", "conf", "jobs", "data", "circles.csv").toAbsolutePath().toString();
  static final String REGRESSION =
      Paths.get("..", "conf", "jobs", "data", "regression.libsvm").toAbsolutePath().toString();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  /** Circles, 600 examples in 2 partitions, batch 32: 19 steps an epoch, validation and early
   *  stopping on (so best weights and metrics are part of the state). */
  static JobConfig circles(String output, int localSteps, String lr) {
    return JobConfig.builder().set(DATA, CIRCLES).set(VALIDATION, CIRCLES)
        .parse(LAYERS, "2,8,1").parse(ACTIVATIONS, "tanh,sigmoid")
        .parse(LOSS, "binary_cross_entropy").parse(OPTIMIZER, "adam").parse(LEARNING_RATE, lr)
        .set(SCHEDULE, "cosine:5").set(BATCH_SIZE, 32).set(EPOCHS, 3).set(PARTITIONS, 2)
        .set(LOCAL_STEPS, localSteps).parse(SCALE, "standardize").parse(EARLY_STOPPING, "log_loss")
        .set(PATIENCE, 5).set(OUTPUT, output).build();
  }

  static CheckpointSettings checkpoints(Path dir, String every, String resume) {
    return new CheckpointSettings(dir.toString(), CheckpointInterval.parse(every), 3, resume);
  }

  /** A hook that fails every attempt of one task: the run dies there, as if the driver crashed. */
  static TaskHook crashAt(int epoch, int sync) {
    return (p, e, s, attempt) -> {
      if (e == epoch && s == sync) {
        throw new IllegalStateException("injected crash at epoch " + e + " sync " + s);
      }
    };
  }

  record Run(TrainingJob.Result result, String out) {}

  static Run run(JobConfig s, TaskHook hook) throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    TrainingJob.Result r = TrainingJob.run(SparkTestSession.get(), s,
        new PrintStream(bytes, true, StandardCharsets.UTF_8), hook);
    return new Run(r, bytes.toString(StandardCharsets.UTF_8));
  }

  @Test
  void aRunCrashedMidEpochResumesFromStepCheckpointsBitForBit() throws Exception {
    Path ckpts = tmp.resolve("ckpts");
    Run straight = run(circles(tmp.resolve("straight").toString(), 1, "0.02"), TaskHook.NONE);

    JobConfig s = circles(tmp.resolve("run").toString(), 1, "0.02")
        .withCheckpoints(checkpoints(ckpts, "7steps", null));
    Throwable crash = assertThrows(Throwable.class, () -> run(s, crashAt(1, 12)));
    assertTrue(String.valueOf(crash.getMessage()).contains("injected crash at epoch 1 sync 12"),
        crash.getMessage());
    // global step 19 + 12 = 31 never completed: the newest checkpoint is at step 28 (epoch 2,
    // step 9), and only the last 3 are kept
    assertEquals(List.of("ckpt-000000028", "ckpt-000000021", "ckpt-000000014"),
        store(ckpts).names());
    assertEquals(List.of("ckpts", "straight"), list(tmp), "no run and no staging directory");

    Run resumed = run(circles(tmp.resolve("run").toString(), 1, "0.02")
        .withCheckpoints(checkpoints(ckpts, "7steps", CheckpointSettings.LATEST)), TaskHook.NONE);
    assertTrue(resumed.out().startsWith("resuming from ckpt-000000028 (epoch 2, step 9 of 19)\n"),
        resumed.out());
    assertSameRun(tmp.resolve("straight"), tmp.resolve("run"));
    assertEquals(straight.result().bestEpoch(), resumed.result().bestEpoch());
    assertEquals(3, resumed.result().epochs().size());
    for (int e = 0; e < 3; e++) {
      assertEquals(straight.result().epochs().get(e).trainLoss(),
          resumed.result().epochs().get(e).trainLoss(), 0.0, "epoch " + (e + 1));
    }
    assertEquals(List.of(), store(ckpts).names(), "a finished run removes its checkpoints");
    assertEquals("ckpt-000000028", JSON.readTree(tmp.resolve("run/model.json").toFile())
        .get("training").get("resumedFrom").asText());
  }

  @Test
  void postLocalSgdResumesAcrossTheSwitchBitForBitAndOnlyWithItsSetting() throws Exception {
    Path ckpts = tmp.resolve("ckpts");
    // epoch 1: 19 synchronous steps; epochs 2-3: K = 4, 5 synchronisations each
    JobConfig straight = circles(tmp.resolve("straight").toString(), 4, "0.02")
        .with(SYNCHRONOUS_EPOCHS, 1);
    run(straight, TaskHook.NONE);
    JobConfig s = circles(tmp.resolve("run").toString(), 4, "0.02").with(SYNCHRONOUS_EPOCHS, 1)
        .withCheckpoints(checkpoints(ckpts, "5steps", null));
    // checkpoints in the synchronous epoch (steps 5, 10, 15), then at synchronisations of K = 4
    Throwable crash = assertThrows(Throwable.class, () -> run(s, crashAt(1, 3)));
    assertTrue(String.valueOf(crash.getMessage()).contains("injected crash at epoch 1 sync 3"),
        crash.getMessage());
    JobConfig plain = circles(tmp.resolve("run").toString(), 4, "0.02")
        .withCheckpoints(checkpoints(ckpts, "5steps", CheckpointSettings.LATEST));
    IllegalArgumentException refused = assertThrows(IllegalArgumentException.class,
        () -> run(plain, TaskHook.NONE));
    assertTrue(refused.getMessage().contains("was taken with synchronous-epochs 1, this run has"
        + " synchronous-epochs 0"), refused.getMessage());
    Run resumed = run(circles(tmp.resolve("run").toString(), 4, "0.02")
        .with(SYNCHRONOUS_EPOCHS, 1)
        .withCheckpoints(checkpoints(ckpts, "5steps", CheckpointSettings.LATEST)), TaskHook.NONE);
    assertTrue(resumed.out().startsWith("resuming from ckpt-0000000"), resumed.out());
    assertSameRun(tmp.resolve("straight"), tmp.resolve("run"));
  }

  @Test
  void localStepsCheckpointAtTheFirstSynchronisationAtOrAfterTheStep() throws Exception {
    Path ckpts = tmp.resolve("ckpts");
    run(circles(tmp.resolve("straight").toString(), 4, "0.02"), TaskHook.NONE);
    JobConfig s = circles(tmp.resolve("run").toString(), 4, "0.02")
        .withCheckpoints(checkpoints(ckpts, "10steps", null));
    // 19 steps an epoch in synchronisations of 4: they end at steps 4, 8, 12, 16, 19 of each
    // epoch, so the checkpoints due at 10, 20 and 30 fall at global steps 12, 23 and 31
    assertThrows(Throwable.class, () -> run(s, crashAt(1, 3)));
    assertEquals(List.of("ckpt-000000031", "ckpt-000000023", "ckpt-000000012"),
        store(ckpts).names());
    Run resumed = run(circles(tmp.resolve("run").toString(), 4, "0.02")
        .withCheckpoints(checkpoints(ckpts, "10steps", CheckpointSettings.LATEST)), TaskHook.NONE);
    assertTrue(resumed.out().startsWith("resuming from ckpt-000000031 (epoch 2, step 12 of 19)\n"),
        resumed.out());
    assertSameRun(tmp.resolve("straight"), tmp.resolve("run"));
  }

  @Test
  void aRetriedTaskChangesNothingWithCheckpointsOn() throws Exception {
    run(circles(tmp.resolve("clean").toString(), 1, "0.02"), TaskHook.NONE);
    TaskHook failOnce = (p, e, s, attempt) -> {
      if (p == 1 && e == 1 && s == 5 && attempt == 0) {
        throw new IllegalStateException("injected failure of partition 1, epoch 1, step 5");
      }
    };
    run(circles(tmp.resolve("retried").toString(), 1, "0.02")
        .withCheckpoints(checkpoints(tmp.resolve("ckpts"), "1", null)), failOnce);
    assertSameRun(tmp.resolve("clean"), tmp.resolve("retried"));
  }

  @Test
  void resumingChecksTheSettingsAndTheDirectory() throws Exception {
    Path ckpts = tmp.resolve("ckpts");
    String out = tmp.resolve("run").toString();
    assertThrows(Throwable.class, () -> run(circles(out, 1, "0.02")
        .withCheckpoints(checkpoints(ckpts, "1", null)), crashAt(1, 3)));
    assertEquals(List.of("ckpt-000000019"), store(ckpts).names());

    IllegalArgumentException fresh = assertThrows(IllegalArgumentException.class,
        () -> run(circles(out, 1, "0.02").withCheckpoints(checkpoints(ckpts, "1", null)),
            TaskHook.NONE));
    assertEquals("--checkpoint-dir file:" + ckpts + " holds the checkpoints of an unfinished run"
        + " (newest: ckpt-000000019); continue it with --resume, or choose another directory or"
        + " remove them", fresh.getMessage());

    IllegalArgumentException lr = assertThrows(IllegalArgumentException.class,
        () -> run(circles(out, 1, "0.05").withCheckpoints(checkpoints(ckpts, "1", "latest")),
            TaskHook.NONE));
    assertEquals("--resume: checkpoint ckpt-000000019 was taken with lr 0.02, this run has lr"
        + " 0.05; a resumed run needs the settings it started with", lr.getMessage());

    IllegalArgumentException local = assertThrows(IllegalArgumentException.class,
        () -> run(circles(out, 4, "0.02").withCheckpoints(checkpoints(ckpts, "1", "latest")),
            TaskHook.NONE));
    assertEquals("--resume: checkpoint ckpt-000000019 was taken with local-steps 1, this run has"
        + " local-steps 4; a resumed run needs the settings it started with", local.getMessage());

    JobConfig other = circles(out, 1, "0.02");
    JobConfig threePartitions = other.with(PARTITIONS, 3)
        .withCheckpoints(checkpoints(ckpts, "1", "latest"));
    IllegalArgumentException parts = assertThrows(IllegalArgumentException.class,
        () -> run(threePartitions, TaskHook.NONE));
    assertEquals("--resume: checkpoint ckpt-000000019 was taken with 2 partitions, this run has 3;"
        + " set --partitions 2", parts.getMessage());
    assertEquals(List.of("ckpt-000000019"), store(ckpts).names(), "refusals change nothing");
    assertFalse(Files.exists(Paths.get(out)));

    Path empty = tmp.resolve("empty");
    IllegalArgumentException none = assertThrows(IllegalArgumentException.class,
        () -> run(circles(tmp.resolve("x").toString(), 1, "0.02")
            .withCheckpoints(checkpoints(empty, "1", "latest")), TaskHook.NONE));
    assertEquals("--resume: no good checkpoint to resume in file:" + empty + "; run without"
        + " --resume (or with --resume if-present) to start a new run", none.getMessage());
    Run ifPresent = run(circles(tmp.resolve("y").toString(), 1, "0.02")
        .withCheckpoints(checkpoints(empty, "1", "if-present")), TaskHook.NONE);
    assertFalse(ifPresent.out().contains("resuming"), ifPresent.out());
    assertEquals(3, ifPresent.result().epochs().size());
  }

  @Test
  void aRefusedResumeFromAnOlderCheckpointKeepsTheNewerOnes() throws Exception {
    Path ckpts = tmp.resolve("ckpts");
    String out = tmp.resolve("run").toString();
    assertThrows(Throwable.class, () -> run(circles(out, 1, "0.02")
        .withCheckpoints(checkpoints(ckpts, "7steps", null)), crashAt(1, 12)));
    List<String> before = List.of("ckpt-000000028", "ckpt-000000021", "ckpt-000000014");
    assertEquals(before, store(ckpts).names());
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> run(circles(out, 1, "0.05").withCheckpoints(
            checkpoints(ckpts, "7steps", "ckpt-000000014")), TaskHook.NONE));
    assertEquals("--resume: checkpoint ckpt-000000014 was taken with lr 0.02, this run has lr"
        + " 0.05; a resumed run needs the settings it started with", e.getMessage());
    assertEquals(before, store(ckpts).names(), "a refused resume changes nothing");
  }

  @Test
  void aFinishedRunsHalfDoneCleanUpIsCompletedNotResumed() throws Exception {
    Path ckpts = tmp.resolve("ckpts");
    assertThrows(Throwable.class, () -> run(circles(tmp.resolve("a").toString(), 1, "0.02")
        .withCheckpoints(checkpoints(ckpts, "1", null)), crashAt(1, 3)));
    assertEquals(List.of("ckpt-000000019"), store(ckpts).names());
    // as if the run had finished and died while removing its checkpoints
    Files.writeString(ckpts.resolve(CheckpointStore.FINISHED), "x");
    Run again = run(circles(tmp.resolve("b").toString(), 1, "0.02")
        .withCheckpoints(checkpoints(ckpts, "1", "if-present")), TaskHook.NONE);
    assertFalse(again.out().contains("resuming"), again.out());
    assertEquals(3, again.result().epochs().size());
    assertEquals(List.of(), store(ckpts).names());
    assertFalse(Files.exists(ckpts.resolve(CheckpointStore.FINISHED)));
  }

  @Test
  void divergenceStopsWithTheStepAndLeavesOnlyGoodCheckpoints() throws Exception {
    Path ckpts = tmp.resolve("ckpts");
    String out = tmp.resolve("run").toString();
    TrainingDivergedException e = assertThrows(TrainingDivergedException.class,
        () -> run(exploding(out, 1).withCheckpoints(checkpoints(ckpts, "1steps", null)),
            TaskHook.NONE));
    Matcher m = Pattern.compile("training diverged at epoch 1, step (\\d+) \\(optimizer step"
        + " (\\d+)\\): (the mean loss of the step is (NaN|\\+Infinity)|the gradient has \\d+"
        + " non-finite values \\(parameter \\d+ is \\S+\\)|the weights after the update are not"
        + " finite); the last good checkpoint is (ckpt-\\d{9}) in file:" + Pattern.quote(
        ckpts.toString()) + " — lower --lr or use --clip-norm").matcher(e.getMessage());
    assertTrue(m.matches(), e.getMessage());
    int step = Integer.parseInt(m.group(1));
    assertTrue(step > 2, "sgd at lr 1e6 takes a few steps to overflow: " + e.getMessage());
    String lastGood = m.group(5);
    assertEquals(CheckpointStore.name(step - 1), lastGood,
        "every finite step was checkpointed, none after it");
    CheckpointStore store = store(ckpts);
    CheckpointStore.Scan scan = store.newestGood();
    assertEquals(List.of(), scan.problems());
    assertEquals(lastGood, scan.newest().name());
    for (String n : store.names()) {
      assertNotNull(store.read(n), n);
    }
    assertEquals(3, store.names().size());
    assertEquals(List.of("ckpts"), list(tmp), "no run and no staging directory");

    // the checkpoint resumes, and the same settings diverge at the same step
    TrainingDivergedException again = assertThrows(TrainingDivergedException.class,
        () -> run(exploding(out, 1).withCheckpoints(checkpoints(ckpts, "1steps", "latest")),
            TaskHook.NONE));
    assertEquals(e.getMessage(), again.getMessage());

    // local steps: checked on the executors at every local step
    TrainingDivergedException local = assertThrows(TrainingDivergedException.class,
        () -> run(exploding(tmp.resolve("local").toString(), 8), TaskHook.NONE));
    assertTrue(local.getMessage().matches("training diverged at epoch 1, step \\d+ \\(optimizer"
        + " step \\d+\\): on partition [01], .* — lower --lr or use --clip-norm"),
        local.getMessage());
  }

  /** SGD at learning rate 1e6 on a regression: the weights overflow within a few steps. */
  static JobConfig exploding(String output, int localSteps) {
    return JobConfig.builder().set(DATA, REGRESSION).parse(LAYERS, "2,16,1")
        .parse(ACTIVATIONS, "tanh,linear").parse(LOSS, "mse").set(LEARNING_RATE, 1e6)
        .set(BATCH_SIZE, 32).set(EPOCHS, 2).set(PARTITIONS, 2).set(LOCAL_STEPS, localSteps)
        .parse(SCALE, "standardize").set(OUTPUT, output).build();
  }

  static CheckpointStore store(Path dir) {
    return new CheckpointStore(new HadoopFiles(new Configuration()), dir.toString(), 3);
  }

  /** Same weights.bin bytes, and the same metrics.jsonl lines except for the timings. */
  static void assertSameRun(Path expected, Path actual) throws Exception {
    assertArrayEquals(Files.readAllBytes(expected.resolve("weights.bin")),
        Files.readAllBytes(actual.resolve("weights.bin")), "weights.bin of " + actual);
    assertEquals(withoutTimings(expected), withoutTimings(actual));
  }

  static List<String> withoutTimings(Path run) throws Exception {
    List<String> out = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve(MetricsLog.FILE))) {
      ObjectNode o = (ObjectNode) JSON.readTree(line);
      o.remove(List.of("seconds", "computeSeconds", "jobSeconds", "broadcastSeconds",
          "updateSeconds", "samplesPerSecond"));
      out.add(o.toString());
    }
    assertFalse(out.isEmpty(), "no metrics lines in " + run);
    return out;
  }

  static List<String> list(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
