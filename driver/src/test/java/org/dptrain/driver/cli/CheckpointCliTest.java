package org.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.driver.cli.CliTest.Run;
import org.dptrain.model.ModelFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Checkpoints from the command line, and the requirement they exist for: a driver killed with
 * SIGKILL after epoch 2 of 4 and resumed gives the weights of an uninterrupted 4-epoch run, bit
 * for bit.
 */
class CheckpointCliTest {
  static final Path ROOT = Paths.get("..").toAbsolutePath().normalize();
  static final Path JOBS = ROOT.resolve("conf/jobs");
  /** Circles for 4 epochs of 38 synchronous steps (600 examples, batch 16, 2 partitions). */
  static final List<String> JOB = List.of("train", "--config", JOBS.resolve("circles.yaml")
      .toString(), "--epochs", "4", "--batch-size", "16", "--local-steps", "1");
  static final long WAIT_SECONDS = 300;

  @TempDir
  Path tmp;

  @BeforeAll
  static void spark() {
    SparkTestSession.get();
  }

  /** {@link CliTest#cli} with the arguments as a list. */
  static Run cli(List<String> args) {
    return CliTest.cli(args.toArray(new String[0]));
  }

  static List<String> with(List<String> base, String... more) {
    List<String> all = new ArrayList<>(base);
    all.addAll(List.of(more));
    return all;
  }

  @Test
  void aDriverKilledAfterEpochTwoResumesToTheUninterruptedWeights() throws Exception {
    Path ckpts = tmp.resolve("ckpts");
    Path out = tmp.resolve("run");
    List<String> job = with(JOB, "--output", out.toString(), "--checkpoint-dir",
        ckpts.toString(), "--checkpoint-every", "1");

    // the driver in a JVM of its own, killed with SIGKILL once the epoch-2 checkpoint is complete
    List<String> command = new ArrayList<>(List.of(
        Paths.get(System.getProperty("java.home"), "bin", "java").toString(),
        "@" + ROOT.resolve("conf/java-options"), "-Xmx1g",
        "-Dlog4j2.configurationFile=" + ROOT.resolve("conf/log4j2.properties"),
        "-cp", testClassPath(), Main.class.getName()));
    command.addAll(job);
    command.addAll(List.of("--master", "local[2]"));
    Path log = tmp.resolve("child.log");
    Process child = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(log.toFile()).start();
    String killedAt;
    try {
      killedAt = waitForCheckpoint(child, ckpts.resolve("latest"), "ckpt-000000076", log);
      child.destroyForcibly();
      assertTrue(child.waitFor(60, TimeUnit.SECONDS), "the killed driver did not exit");
    } finally {
      child.destroyForcibly();
    }
    assertEquals(128 + 9, child.exitValue(), "killed by SIGKILL");
    assertFalse(Files.exists(out), "the killed run wrote no output");
    assertTrue(hidden(tmp).stream().anyMatch(n -> n.startsWith(".run.tmp-")),
        "the killed run left its staging directory: " + hidden(tmp));

    // resume here, then train the same job without interruption
    Run resumed = cli(with(job, "--resume"));
    assertEquals(0, resumed.code(), resumed.err());
    assertTrue(resumed.out().startsWith("resuming from " + killedAt + " (epoch "), resumed.out());
    assertTrue(resumed.out().contains("epoch 4/4"), resumed.out());
    Run straight = cli(with(JOB, "--output", tmp.resolve("straight").toString()));
    assertEquals(0, straight.code(), straight.err());

    assertArrayEquals(Files.readAllBytes(tmp.resolve("straight/weights.bin")),
        Files.readAllBytes(out.resolve("weights.bin")), "weights.bin");
    assertEquals(weightsSha(tmp.resolve("straight")), weightsSha(out));
    assertEquals(withoutTimings(tmp.resolve("straight")), withoutTimings(out));
    assertEquals(List.of(), hidden(tmp), "the stale staging directory was removed");
    JsonNode config = ModelFile.read(out).extra().get("provenance").get("config");
    assertEquals(ckpts.toString(), config.get("checkpoint-dir").asText());
    assertEquals("1epochs", config.get("checkpoint-every").asText());
    assertEquals("latest", config.get("resume").asText());
  }

  @Test
  void jobFilesTakeTheCheckpointKeys() throws Exception {
    Path job = tmp.resolve("job.yaml");
    Path ckpts = tmp.resolve("ckpts");
    Files.writeString(job, "data: " + JOBS.resolve("data/xor.csv") + "\nlayers: [2, 4, 1]\n"
        + "activations: [tanh, sigmoid]\nloss: binary_cross_entropy\nlr: 0.5\nbatch-size: 4\n"
        + "epochs: 3\npartitions: 1\ncheckpoint-dir: " + ckpts + "\ncheckpoint-every: 2steps\n"
        + "keep-last: 2\nresume: if-present\n");
    Path out = tmp.resolve("out");
    Run r = cli(List.of("train", "--config", job.toString(), "--output", out.toString()));
    assertEquals(0, r.code(), r.err());
    JsonNode config = ModelFile.read(out).extra().get("provenance").get("config");
    assertEquals("2steps", config.get("checkpoint-every").asText());
    assertEquals(2, config.get("keep-last").asInt());
    assertEquals("if-present", config.get("resume").asText());
    try (Stream<Path> s = Files.list(ckpts)) {
      assertEquals(List.of(), s.toList(), "a finished run removes its checkpoints");
    }
  }

  @Test
  void badCheckpointOptionsAreUsageErrors() {
    String xor = JOBS.resolve("xor.yaml").toString();
    Run noDir = cli(List.of("train", "--config", xor, "--resume"));
    assertEquals(2, noDir.code());
    assertEquals("dptrain: error: --resume needs --checkpoint-dir, the directory of the checkpoints"
        + " to resume from\n", noDir.err());
    Run every = cli(List.of("train", "--config", xor, "--checkpoint-dir",
        tmp.resolve("c").toString(), "--checkpoint-every", "2weeks"));
    assertEquals(2, every.code());
    assertEquals("dptrain: error: --checkpoint-every '2weeks' must be N or Nepochs (every N"
        + " epochs) or Nsteps (every N optimizer steps), e.g. 2 or 500steps\n", every.err());
    Run keep = cli(List.of("train", "--config", xor, "--checkpoint-dir",
        tmp.resolve("c").toString(), "--keep-last", "0"));
    assertEquals(2, keep.code());
    assertEquals("dptrain: error: --keep-last must be at least 1, got 0\n", keep.err());
    Run help = cli(List.of("train", "--help"));
    assertEquals(0, help.code(), help.err());
    String text = help.out().replaceAll("\\s+", " ");
    assertTrue(text.contains("a step checkpoint is taken at the first one at or after the step"),
        help.out());
    assertTrue(text.contains("--resume[=WHICH] Continue from the newest good checkpoint"),
        help.out());
  }

  /** Polls {@code latest} until it names {@code name} or a later checkpoint; fails with the
   *  child's log if the child exits first or the wait times out. */
  static String waitForCheckpoint(Process child, Path latest, String name, Path log)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(WAIT_SECONDS);
    while (System.nanoTime() < deadline) {
      if (Files.exists(latest)) {
        String named = Files.readString(latest).trim();
        if (named.compareTo(name) >= 0) {
          return named;
        }
      }
      if (!child.isAlive()) {
        fail("the driver exited (" + child.exitValue() + ") before checkpoint " + name + ":\n"
            + Files.readString(log));
      }
      Thread.sleep(10);
    }
    fail("no checkpoint " + name + " within " + WAIT_SECONDS + " s:\n" + Files.readString(log));
    return null;
  }

  /** The test classpath (Surefire may run tests from a manifest-only jar; it names the real
   *  path in surefire.test.class.path). */
  static String testClassPath() {
    String cp = System.getProperty("surefire.test.class.path");
    if (cp == null || cp.isBlank()) {
      cp = System.getProperty("java.class.path");
    }
    assertTrue(cp.contains("classes"), "no class directories on the classpath " + cp);
    return String.join(File.pathSeparator, cp.split(File.pathSeparator));
  }

  static List<String> hidden(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith(".")).sorted()
          .toList();
    }
  }

  static String weightsSha(Path run) throws Exception {
    return new ObjectMapper().readTree(run.resolve("model.json").toFile()).get("weights")
        .get("sha256").asText();
  }

  static List<String> withoutTimings(Path run) throws Exception {
    ObjectMapper json = new ObjectMapper();
    List<String> lines = new ArrayList<>();
    for (String line : Files.readAllLines(run.resolve("metrics.jsonl"))) {
      ObjectNode o = (ObjectNode) json.readTree(line);
      o.remove(List.of("seconds", "computeSeconds", "jobSeconds", "broadcastSeconds",
          "updateSeconds", "samplesPerSecond"));
      lines.add(o.toString());
    }
    assertEquals(4, lines.size(), "metrics lines of " + run);
    return lines;
  }
}
