package org.dptrain.driver.cli;

import static org.dptrain.driver.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.driver.cli.CliTest.Run;
import org.dptrain.driver.registry.RegistryLock;
import org.dptrain.driver.registry.Retrainer;
import org.dptrain.driver.train.Provenance;
import org.dptrain.model.ModelFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dptrain retrain} and {@code dptrain registry list} end to end on the example data. */
class RetrainCliTest {
  static final Path JOBS = CliTest.JOBS;
  static final String CIRCLES = JOBS.resolve("circles.yaml").toString();
  static final String CIRCLES_DATA = JOBS.resolve("data/circles.csv").toString();
  static final String XOR = JOBS.resolve("xor.yaml").toString();
  static final String XOR_DATA = JOBS.resolve("data/xor.csv").toString();
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir
  Path tmp;

  @BeforeAll
  static void spark() {
    SparkTestSession.get();
  }

  private Path root() {
    return tmp.resolve("registry");
  }

  private Run circles(String... extra) {
    return cli(concat(new String[] {"retrain", "--registry", root().toString(), "--config",
        CIRCLES, "--holdout", CIRCLES_DATA}, extra));
  }

  /** A fast retrain of entry "xor": one epoch over 100 examples. */
  private Run xor(String... extra) {
    return cli(concat(new String[] {"retrain", "--registry", root().toString(), "--config", XOR,
        "--holdout", XOR_DATA, "--epochs", "1"}, extra));
  }

  private static String lastLine(String text) {
    String[] lines = text.strip().split("\n");
    return lines[lines.length - 1];
  }

  private static Matcher match(String regex, String line) {
    Matcher m = Pattern.compile(regex).matcher(line);
    assertTrue(m.matches(), "'" + line + "' does not match " + regex);
    return m;
  }

  private JsonNode record(String name, String version) throws IOException {
    return JSON.readTree(root().resolve(name).resolve(version).resolve("registry.json").toFile());
  }

  private String champion(String name) throws IOException {
    return Files.readString(root().resolve(name).resolve("champion"));
  }

  /** Every file under the entry with its bytes: a snapshot to compare before and after. */
  private Map<String, String> snapshot(String name) throws IOException {
    Map<String, String> files = new TreeMap<>();
    Path dir = root().resolve(name);
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.toList()) {
        files.put(dir.relativize(p).toString(), Files.isDirectory(p) ? "/"
            : Arrays.toString(Files.readAllBytes(p)));
      }
    }
    return files;
  }

  private List<String> entries(String name) throws IOException {
    try (Stream<Path> s = Files.list(root().resolve(name))) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void firstRunPromotesFromScratchThenWarmStartsAndPromotesOrKeepsByTheMargin() throws Exception {
    Path entry = root().resolve("circles");
    Run first = circles("--epochs", "2");
    assertEquals(0, first.code(), first.err());
    assertTrue(first.out().startsWith("no champion in file:" + entry + ": training from scratch\n"),
        first.out());
    String firstAccuracy = match("promoted v000001: accuracy (\\d\\.\\d{4}) \\(no champion"
        + " before\\)", lastLine(first.out())).group(1);
    assertEquals("v000001\n", champion("circles"));
    assertEquals(List.of("metrics.jsonl", "model.json", "registry.json", "weights.bin"),
        Files.list(entry.resolve("v000001")).map(p -> p.getFileName().toString()).sorted()
            .toList());
    assertEquals(2, Files.readAllLines(entry.resolve("v000001/metrics.jsonl")).size());
    JsonNode r1 = record("circles", "v000001");
    assertTrue(r1.get("parent").isNull());
    assertFalse(r1.get("warmStart").asBoolean());
    assertEquals("file:" + CIRCLES_DATA, r1.get("holdout").get("path").asText());
    assertEquals(600, r1.get("holdout").get("metrics").get("count").asInt());
    assertFalse(r1.get("holdout").has("champion"));
    assertEquals("file:" + CIRCLES_DATA, r1.get("provenance").get("data").asText());
    assertEquals(7, r1.get("provenance").get("seed").asLong());
    assertEquals(Provenance.version(), r1.get("provenance").get("dptrainVersion").asText());
    assertEquals(2, r1.get("provenance").get("config").get("epochs").asInt());
    assertEquals("file:" + entry.resolve("v000001"),
        r1.get("provenance").get("config").get("output").asText());
    assertTrue(r1.get("decision").get("promoted").asBoolean());

    // warm start: the champion is re-measured on the same holdout, so its value is run 1's
    Run second = circles("--epochs", "30", "--min-improvement", "0.05");
    assertEquals(0, second.code(), second.err());
    assertTrue(second.out().startsWith("warm start from champion v000001 (file:"
        + entry.resolve("v000001") + ")\n"), second.out());
    Matcher promoted = match("promoted v000002: accuracy (\\d\\.\\d{4}) vs champion v000001"
        + " (\\d\\.\\d{4}) \\(\\+(\\d\\.\\d{4}) >= 0\\.0500\\)", lastLine(second.out()));
    assertEquals(firstAccuracy, promoted.group(2));
    assertTrue(second.out().contains("\nchampion v000001 on the holdout (600 examples): accuracy "
        + firstAccuracy + " macro_f1 "), second.out());
    assertTrue(second.out().contains("\nchallenger on the holdout (600 examples): accuracy "
        + promoted.group(1) + " macro_f1 "), second.out());
    assertEquals("v000002\n", champion("circles"));
    JsonNode r2 = record("circles", "v000002");
    assertEquals("v000001", r2.get("parent").asText());
    assertTrue(r2.get("warmStart").asBoolean());
    assertEquals("v000001", r2.get("holdout").get("champion").get("version").asText());
    assertEquals(lastLine(second.out()), r2.get("decision").get("verdict").asText());
    JsonNode config = ModelFile.read(entry.resolve("v000002")).extra().get("provenance")
        .get("config");
    assertEquals("file:" + entry.resolve("v000001"), config.get("init-model").asText());
    assertEquals("file:" + entry.resolve("v000002"), config.get("output").asText());

    // a margin no accuracy can reach: registered, not promoted
    Run third = circles("--epochs", "1", "--min-improvement", "1");
    assertEquals(0, third.code(), third.err());
    Matcher kept = match("kept champion v000002: accuracy of challenger v000003 \\d\\.\\d{4} vs"
        + " (\\d\\.\\d{4}) \\([+-]\\d\\.\\d{4} < 1\\.0000\\)", lastLine(third.out()));
    assertEquals(promoted.group(1), kept.group(1));
    assertEquals("v000002\n", champion("circles"));
    JsonNode r3 = record("circles", "v000003");
    assertFalse(r3.get("decision").get("promoted").asBoolean());
    assertEquals("v000002", r3.get("parent").asText());
    assertEquals(List.of("champion", "v000001", "v000002", "v000003"), entries("circles"));

    Run list = cli("registry", "list", "--registry", root().toString(), "--name", "circles");
    assertEquals(0, list.code(), list.err());
    String[] lines = list.out().split("\n");
    assertEquals("file:" + entry + ": 3 versions, champion v000002", lines[0]);
    assertEquals(5, lines.length, list.out());
    assertTrue(lines[2].startsWith("  v000001  ") && lines[2].contains("  accuracy    "
        + firstAccuracy + "  promoted      -"), lines[2]);
    assertTrue(lines[3].startsWith("* v000002  ") && lines[3].endsWith("promoted      v000001"),
        lines[3]);
    assertTrue(lines[4].startsWith("  v000003  ") && lines[4].endsWith("not promoted  v000002"),
        lines[4]);

    Run rollback = cli("registry", "promote", "--registry", root().toString(), "--name",
        "circles", "v000001");
    assertEquals(0, rollback.code(), rollback.err());
    assertEquals("champion of circles: v000001 (was v000002)\n", rollback.out());
    assertEquals("v000001\n", champion("circles"));
  }

  @Test
  void classNamesOfTheChampionNumberTheHoldout() throws Exception {
    String species = Path.of(RetrainCliTest.class.getResource("/data/species.csv").toURI())
        .toString();
    String[] job = {"retrain", "--registry", root().toString(), "--name", "species", "--data",
        species, "--label-column", "species", "--layers", "2,8,3", "--activations",
        "tanh,softmax", "--loss", "cross_entropy", "--optimizer", "adam", "--lr", "0.05",
        "--batch-size", "8", "--epochs", "5", "--seed", "3"};
    Path two = Files.createDirectories(tmp.resolve("h")).resolve("two.csv");
    Files.writeString(two, "x,y,species\n3,-2,virginica\n-3,-2,setosa\n");
    Run small = cli(concat(job, new String[] {"--holdout", two.toString()}));
    assertEquals(2, small.code(), small.out());
    assertTrue(small.err().contains("--holdout " + two + " has 2 class names (\"setosa\","
        + " \"virginica\") but the network has 3 classes"), small.err());
    Run first = cli(concat(job, new String[] {"--holdout", species}));
    assertEquals(0, first.code(), first.err());
    // with a champion, its names number the holdout: a holdout with two of the classes is fine
    Run second = cli(concat(job, new String[] {"--holdout", two.toString()}));
    assertEquals(0, second.code(), second.err());
    assertTrue(second.out().contains("champion v000001 on the holdout (2 examples)"),
        second.out());
    assertEquals(List.of("setosa", "versicolor", "virginica"), ModelFile.classNames(
        ModelFile.read(root().resolve("species").resolve("v000002"))));
  }

  @Test
  void keepPrunesTheOldestButNeverTheChampion() throws Exception {
    assertEquals(0, xor("--keep", "1").code());
    Run second = xor("--keep", "1", "--min-improvement", "1");
    assertEquals(0, second.code(), second.err());
    assertFalse(second.out().contains("pruned"), "v000001 is the champion");
    assertEquals(List.of("champion", "v000001", "v000002"), entries("xor"));
    Run third = xor("--keep", "1", "--min-improvement", "1");
    assertEquals(0, third.code(), third.err());
    assertTrue(third.out().contains("\npruned v000002 (--keep 1)\nkept champion v000001: "),
        third.out());
    assertEquals(List.of("champion", "v000001", "v000003"), entries("xor"));
    assertEquals("v000001\n", champion("xor"));
    Run bad = xor("--keep", "0");
    assertEquals(2, bad.code());
    assertEquals("dptrain: error: --keep must be at least 1, got 0\n", bad.err());
  }

  @Test
  void aLockedEntryExitsThreeNamingTheHolderAndBreakLockOverrides() throws Exception {
    Path lock = root().resolve("xor/.lock");
    Files.createDirectories(lock.getParent());
    Process holder = new ProcessBuilder("sleep", "120").start();
    try {
      RegistryLock.Holder h = new RegistryLock.Holder(RegistryLock.hostName(), holder.pid(),
          Instant.now().plusSeconds(1), null);
      Files.write(lock, h.toBytes());
      Run locked = xor();
      assertEquals(3, locked.code(), locked.out() + locked.err());
      assertEquals("dptrain: locked: file:" + root().resolve("xor") + " is locked by "
          + h.describe() + "; another run of 'xor' is in progress. If none is, rerun with"
          + " --break-lock (lock file file:" + lock + ")\n", locked.err());
      assertEquals(List.of(".lock"), entries("xor"), "nothing else was written");
      Run promote = cli("registry", "promote", "--registry", root().toString(), "--name", "xor",
          "v000001");
      assertEquals(3, promote.code(), promote.err());
      assertTrue(promote.err().startsWith("dptrain: locked: file:" + root().resolve("xor")
          + " is locked by " + h.describe()), promote.err());
      assertTrue(Arrays.equals(h.toBytes(), Files.readAllBytes(lock)));

      Run broken = xor("--break-lock");
      assertEquals(0, broken.code(), broken.err());
      assertTrue(broken.out().startsWith("warning: --break-lock: removing file:" + lock
          + ", held by " + h.describe() + "\n"), broken.out());
      assertEquals(List.of("champion", "v000001"), entries("xor"), "lock released at the end");
    } finally {
      holder.destroyForcibly();
    }
  }

  @Test
  void aStaleLockOfADeadProcessIsBrokenWithAWarning() throws Exception {
    Process gone = new ProcessBuilder("true").start();
    gone.waitFor();
    Path lock = root().resolve("xor/.lock");
    Files.createDirectories(lock.getParent());
    RegistryLock.Holder h = new RegistryLock.Holder(RegistryLock.hostName(), gone.pid(),
        Instant.now().minusSeconds(60), null);
    Files.write(lock, h.toBytes());
    Run r = xor();
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("warning: removing stale lock file:" + lock + ": "
        + h.describe() + " is no longer running\n"), r.out());
    assertEquals(List.of("champion", "v000001"), entries("xor"));
  }

  @Test
  void invalidNamesAreRefusedBeforeAnythingIsWritten() throws Exception {
    String rule = ": use letters, digits, '-' and '_', starting with a letter or digit\n";
    String[][] cases = {
        {"..", "dptrain: error: --name '..' is not a valid name ('..' would leave its folder)"
            + rule},
        {"../up", "dptrain: error: --name '../up' is not a valid name ('..' would leave its"
            + " folder)" + rule},
        {"a/b", "dptrain: error: --name 'a/b' is not a valid name (no path separators)" + rule},
        {"/etc/x", "dptrain: error: --name '/etc/x' is not a valid name (a name, not a path)"
            + rule},
        {"", "dptrain: error: --name is empty; give a name of letters, digits, '-' and '_'\n"}};
    for (String[] c : cases) {
      Run r = xor("--name", c[0]);
      assertEquals(2, r.code(), c[0]);
      assertEquals(c[1], r.err());
    }
    assertFalse(Files.exists(root()), "nothing was created");
  }

  @Test
  void aFailureMidwayLeavesTheChampionAndTheEntryUntouched() throws Exception {
    assertEquals(0, xor().code());
    Map<String, String> before = snapshot("xor");
    Path bad = tmp.resolve("bad.csv");
    Files.writeString(bad, "x1,x2,label\n0,0,0\n0,abc,1\n");
    Run badHoldout = cli("retrain", "--registry", root().toString(), "--config", XOR,
        "--holdout", bad.toString(), "--epochs", "1");
    assertEquals(2, badHoldout.code());
    assertEquals("dptrain: error: file:" + bad + " line 3: column \"x2\" value \"abc\" is not a"
        + " number\n", badHoldout.err());
    assertEquals(before, snapshot("xor"));

    // the champion does not fit the job: refused before training
    Run layers = xor("--layers", "2,3,1");
    assertEquals(2, layers.code());
    assertEquals("dptrain: error: champion v000001 of 'xor' has layers 2,4,1 but --layers is"
        + " 2,3,1; retrain warm-starts from the champion and needs the same layers (add"
        + " --from-scratch to train the new layers and compare them with the champion)\n",
        layers.err());
    Run task = xor("--activations", "tanh,linear", "--loss", "mse");
    assertEquals(2, task.code());
    assertEquals("dptrain: error: champion v000001 of 'xor' is a binary model but this job trains"
        + " regression (--loss mse); one registry name holds one task\n", task.err());

    // training diverges midway (in epoch 2): exit 1, nothing registered
    String[] regression = {"retrain", "--registry", root().toString(), "--config",
        JOBS.resolve("regression.yaml").toString(), "--holdout",
        JOBS.resolve("data/regression.libsvm").toString(), "--epochs", "2"};
    Run reg = cli(regression);
    assertEquals(0, reg.code(), reg.err());
    match("promoted v000001: rmse \\d\\.\\d{4} \\(no champion before\\)", lastLine(reg.out()));
    Map<String, String> regBefore = snapshot("regression");
    Run diverged = cli(concat(regression, "--optimizer", "sgd", "--lr", "1000"));
    assertEquals(1, diverged.code(), diverged.out() + diverged.err());
    assertEquals("dptrain: failed: training diverged at epoch 2, step 4 (optimizer step 36): on"
        + " partition 0, the mean loss of the step is +Infinity \u2014 lower --lr or use"
        + " --clip-norm\n(set DPTRAIN_DEBUG=1 for the stack trace)\n", diverged.err());
    assertTrue(diverged.out().startsWith("warm start from champion v000001"), diverged.out());
    assertEquals(regBefore, snapshot("regression"));
    assertEquals(before, snapshot("xor"));

    // a damaged pointer is bad input
    Files.writeString(root().resolve("xor/champion"), "v000009\n");
    Run damaged = xor();
    assertEquals(2, damaged.code());
    assertEquals("dptrain: error: file:" + root().resolve("xor/champion") + " names v000009, but"
        + " file:" + root().resolve("xor/v000009") + " does not exist; the registry is damaged"
        + " (repair it with dptrain registry promote)\n", damaged.err());
    assertEquals(List.of("champion", "v000001"), entries("xor"));

    // which registry promote repairs
    Run missing = cli("registry", "promote", "--registry", root().toString(), "--name", "xor",
        "v000009");
    assertEquals(2, missing.code());
    assertEquals("dptrain: error: model directory not found: file:" + root().resolve("xor/v000009")
        + "\n", missing.err());
    Run repaired = cli("registry", "promote", "--registry", root().toString(), "--name", "xor",
        "v000001");
    assertEquals(0, repaired.code(), repaired.err());
    assertEquals("champion of xor: v000001 (was a damaged pointer)\n", repaired.out());
    assertEquals("v000001\n", champion("xor"));
    assertEquals(List.of("champion", "v000001"), entries("xor"));
  }

  @Test
  void stagingLeftByAKilledWriterIsRemovedByTheNextRun() throws Exception {
    assertEquals(0, xor().code());
    Path staging = root().resolve("xor/.v000002.tmp-0000");
    Files.createDirectories(staging);
    Files.writeString(staging.resolve("weights.bin"), "half");
    Run r = xor("--min-improvement", "0");
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("removed file:" + staging + ", left by an interrupted run\n"),
        r.out());
    assertEquals(List.of("champion", "v000001", "v000002"), entries("xor"));
  }

  @Test
  void optionsThatDoNotApplyAreRefused() throws Exception {
    // retrain takes only the options it uses: these are not options of it
    Run output = xor("--output", tmp.resolve("x").toString());
    assertEquals(2, output.code());
    assertTrue(output.err().startsWith("dptrain: error: Unknown options: '--output'"),
        output.err());
    Run init = xor("--init-model", tmp.toString());
    assertEquals(2, init.code());
    assertTrue(init.err().startsWith("dptrain: error: Unknown options: '--init-model'"),
        init.err());
    Run noName = cli("retrain", "--registry", root().toString(), "--data", XOR_DATA, "--holdout",
        XOR_DATA, "--layers", "2,4,1", "--activations", "tanh,sigmoid", "--loss",
        "binary_cross_entropy");
    assertEquals(2, noName.code());
    assertEquals("dptrain: error: --name is required: the registry entry to retrain\n",
        noName.err());
    Run noHoldout = cli("retrain", "--registry", root().toString(), "--config", XOR);
    assertEquals(2, noHoldout.code());
    assertEquals("dptrain: error: --holdout is required: the labelled data the challenger and the"
        + " champion are compared on\n", noHoldout.err());
    Run metric = xor("--metric", "rmse");
    assertEquals(2, metric.code());
    assertEquals("dptrain: error: --metric rmse does not apply to a binary task; use accuracy,"
        + " macro_f1, log_loss\n", metric.err());
    assertFalse(Files.exists(root()), "nothing was created");
  }

  /**
   * Starts {@code retrain} of entry "xor" for 100000 epochs in a child JVM (this JVM's class path,
   * Spark's module options) and returns once it prints its first epoch line, holding the lock.
   */
  private Process startTrainingChild(String log) throws Exception {
    Path repo = JOBS.getParent().getParent();
    List<String> command = new ArrayList<>(List.of(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "@" + repo.resolve("conf/java-options"), "-Xmx1g",
        "-Dlog4j2.configurationFile=" + repo.resolve("conf/log4j2.properties"),
        "-cp", System.getProperty("java.class.path"), Main.class.getName(),
        "retrain", "--registry", root().toString(), "--config", XOR, "--holdout", XOR_DATA,
        "--epochs", "100000", "--master", "local[1]"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(tmp.resolve(log).toFile());
    pb.environment().put("SPARK_LOCAL_IP", "127.0.0.1");
    Process child = pb.start();
    LinkedBlockingQueue<String> lines = new LinkedBlockingQueue<>();
    Thread reader = new Thread(() -> {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
          StandardCharsets.UTF_8))) {
        for (String line; (line = in.readLine()) != null; ) {
          lines.add(line);
        }
      } catch (IOException e) {
        lines.add("read failed: " + e);
      }
    });
    reader.setDaemon(true);
    reader.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(240);
    String line = "";
    while (!line.startsWith("epoch 1/")) {
      line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null || !child.isAlive()) {
        child.destroyForcibly();
        throw new AssertionError("the child never reached epoch 1: "
            + Files.readString(tmp.resolve(log)));
      }
    }
    return child;
  }

  @Test
  void aRunKilledDuringTrainingLeavesTheChampionAndTheNextRunRecovers() throws Exception {
    assertEquals(0, xor().code());
    Map<String, String> before = snapshot("xor");
    Process child = startTrainingChild("kill.err");
    try {
      RegistryLock.Holder holder = RegistryLock.Holder.parse(
          Files.readAllBytes(root().resolve("xor/.lock")));
      assertEquals(child.pid(), holder.pid());
      assertTrue(Files.isDirectory(Path.of(holder.scratch())), "the child trains in its scratch");
      child.destroyForcibly(); // SIGKILL: no finally, no shutdown hook
      assertTrue(child.waitFor(60, TimeUnit.SECONDS));
      assertEquals(137, child.exitValue());

      Map<String, String> after = snapshot("xor");
      after.remove(".lock");
      assertEquals(before, after, "champion and versions untouched; only the lock is left");

      Run next = xor();
      assertEquals(0, next.code(), next.err());
      assertTrue(next.out().startsWith("warning: removing stale lock file:"
          + root().resolve("xor/.lock") + ": " + holder.describe() + " is no longer running\n"
          + "removed " + holder.scratch() + ", the scratch directory of that run\n"), next.out());
      assertFalse(Files.exists(Path.of(holder.scratch())));
      assertTrue(Path.of(holder.scratch()).getFileName().toString()
          .startsWith(Retrainer.SCRATCH_PREFIX + "xor-"));
      assertEquals(List.of("champion", "v000001", "v000002"), entries("xor"));
    } finally {
      child.destroyForcibly();
    }
  }

  @Test
  void aRunStoppedBySigtermReleasesItsLockAndWritesNothing() throws Exception {
    assertEquals(0, xor().code());
    Map<String, String> before = snapshot("xor");
    Process child = startTrainingChild("term.err");
    try {
      RegistryLock.Holder holder = RegistryLock.Holder.parse(
          Files.readAllBytes(root().resolve("xor/.lock")));
      assertEquals(child.pid(), holder.pid());
      child.destroy(); // SIGTERM: the shutdown hook removes the lock and the scratch directory
      assertTrue(child.waitFor(120, TimeUnit.SECONDS));
      assertEquals(143, child.exitValue());
      assertEquals(before, snapshot("xor"), "no lock, no version, the champion as it was");
      assertFalse(Files.exists(Path.of(holder.scratch())));
      Run next = xor();
      assertEquals(0, next.code(), next.err());
      assertFalse(next.out().contains("warning"), next.out());
    } finally {
      child.destroyForcibly();
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
