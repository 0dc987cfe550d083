package org.dptrain.driver.cluster;

import static org.dptrain.driver.cluster.ClusterProcesses.argument;
import static org.dptrain.driver.cluster.ClusterProcesses.deleteTree;
import static org.dptrain.driver.cluster.ClusterProcesses.destroyTree;
import static org.dptrain.driver.cluster.ClusterProcesses.executorsOf;
import static org.dptrain.driver.cluster.ClusterProcesses.finish;
import static org.dptrain.driver.cluster.ClusterProcesses.weights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.dptrain.driver.cli.Main;
import org.dptrain.model.ModelFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.dptrain.driver.cluster.ClusterProcesses.Result;

/**
 * dptrain on a real Spark standalone cluster: {@code scripts/cluster.sh} starts a Master and two
 * Workers on loopback (separate JVMs, authentication on), {@code scripts/submit.sh --cluster}
 * submits the application jar through SparkSubmit, and the weights must equal, bit for bit, those
 * of an in-process {@code local[2]} run with the same seed and partition count; also when one
 * executor JVM is killed with SIGKILL in the middle of training. A submission without the
 * cluster's secret must be refused. The cluster is always stopped at the end.
 *
 * <p>Run by {@code mvn verify} (failsafe, after package: the scripts use the application jar).
 */
@Timeout(value = 15, unit = TimeUnit.MINUTES)
class StandaloneClusterIT {
  private static final Path HOME = Paths.get(System.getProperty("dptrain.home", ".."))
      .toAbsolutePath().normalize();
  private static final Path WORK = HOME.resolve("driver/target/cluster-it");
  private static final Path STATE = WORK.resolve("cluster");
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(5);
  /** A cached block stored by an executor, as its BlockManager logs it at INFO. */
  private static final Pattern STORED =
      Pattern.compile("Block (rdd_\\d+_\\d+) stored as values in memory");

  private static boolean started;

  @BeforeAll
  static void startCluster() throws Exception {
    if (Files.exists(STATE)) {
      // a cluster left running by an aborted run is stopped before its state goes away
      Files.createDirectories(WORK);
      script(WORK.resolve("cluster-stop-stale"), SCRIPT_TIMEOUT, "scripts/cluster.sh", "stop");
    }
    deleteTree(WORK);
    Files.createDirectories(WORK);
    Result r = script(WORK.resolve("cluster-start"), SCRIPT_TIMEOUT, "scripts/cluster.sh",
        "start");
    started = true;
    assertEquals(0, r.code(), () -> "scripts/cluster.sh start failed:\n" + r.all());
    assertTrue(r.out().contains("cluster started: spark://127.0.0.1:"), r::all);
    Result status = script(WORK.resolve("cluster-status"), SCRIPT_TIMEOUT, "scripts/cluster.sh",
        "status");
    assertEquals(0, status.code(), status::all);
    assertTrue(status.out().contains("worker-2  pid"), status::all);
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (!started) {
      return;
    }
    Result r = script(WORK.resolve("cluster-stop"), SCRIPT_TIMEOUT, "scripts/cluster.sh", "stop");
    assertEquals(0, r.code(), () -> "scripts/cluster.sh stop failed:\n" + r.all());
    for (String name : List.of("master", "worker-1", "worker-2")) {
      assertFalse(Files.exists(STATE.resolve(name + ".pid")), name + ".pid left behind");
    }
  }

  /** Local-steps mode (K = 4) on the circles example, 2 partitions. */
  @Test
  void circlesOnTheClusterEqualLocalModeBitForBit() throws Exception {
    Path runs = runs("circles");
    String[] job = {"train", "--config", HOME.resolve("conf/jobs/circles.yaml").toString(),
        "--epochs", "4", "--seed", "11", "--partitions", "2"};
    Path local = runLocal(runs.resolve("local"), job);
    Result cluster = submit(runs.resolve("cluster"), null, job);
    assertEquals(0, cluster.code(), () -> "submission failed:\n" + cluster.all());
    assertTrue(cluster.err().contains("org.apache.spark.deploy.SparkSubmit")
        || cluster.err().contains("bin/spark-submit"), () -> "no launcher line:\n" + cluster.err());
    assertTrue(cluster.out().contains("epoch 4/4"), cluster::all);
    assertArrayEquals(weights(local), weights(runs.resolve("cluster")),
        "weights of the cluster run differ from local[2]");
  }

  /**
   * Synchronous steps on the embedded Fashion-MNIST sample (47 Spark jobs an epoch); after the
   * first epoch line, one executor JVM is killed with SIGKILL. Its cached blocks (and shuffle
   * files) are lost and must be recomputed from lineage on another executor, and the result must
   * still be bit-identical to an undisturbed run.
   */
  @Test
  void killingAnExecutorMidTrainingChangesNoBit() throws Exception {
    Path runs = runs("fashion");
    String[] job = {"train", "--epochs", "2", "--local-steps", "1", "--partitions", "2",
        "--seed", "5", "--batch-size", "128"};
    Path local = runLocal(runs.resolve("local"), job);

    Path outDir = runs.resolve("cluster");
    List<String> command = submitCommand(outDir, "dptrain-executor-loss-it", job);
    Process p = start(runs.resolve("cluster-submit"), command);
    ProcessHandle victim;
    String victimApp;
    String victimId;
    try {
      waitForLine(p, runs.resolve("cluster-submit.out"), l -> l.startsWith("epoch 1/2"),
          JOB_TIMEOUT, "the first epoch line");
      // Spark may have cached every block on the executor that registered first: the victim
      // is an executor that holds some
      victim = null;
      List<ProcessHandle> executors = new ArrayList<>();
      for (int w = 1; w <= 2; w++) {
        executors.addAll(executorsOf(STATE.resolve("worker-" + w + ".pid")));
      }
      for (ProcessHandle e : executors) {
        if (victim == null && !storedBlocks(appId(e)).getOrDefault(executorLog(e), Set.of())
            .isEmpty()) {
          victim = e;
        }
      }
      if (victim == null) {
        throw new AssertionError("no executor holds a cached block: " + executors);
      }
      victimApp = appId(victim);
      victimId = executorId(victim);
      assertTrue(victim.destroyForcibly(), "SIGKILL to executor " + victim.pid() + " failed");
      victim.onExit().get(30, TimeUnit.SECONDS);
    } catch (Throwable t) {
      destroyTree(p);
      throw t;
    }
    Result r = finish(p, runs.resolve("cluster-submit"), JOB_TIMEOUT);
    assertEquals(0, r.code(), () -> "training did not survive the executor loss:\n" + r.all());
    assertTrue(r.out().contains("epoch 2/2"), r::all);
    assertTrue(r.err().contains("Lost executor"),
        () -> "the driver did not notice the executor loss:\n" + r.err());

    // the lost executor's cached blocks were stored again by another executor
    Map<Path, Set<String>> stored = storedBlocks(victimApp);
    Path victimLog = stored.keySet().stream()
        .filter(f -> f.getParent().getFileName().toString().equals(victimId)).findFirst()
        .orElseThrow(() -> new AssertionError("no log of the killed executor in " + stored));
    Set<String> lost = stored.get(victimLog);
    Set<String> again = new HashSet<>();
    stored.forEach((f, blocks) -> {
      if (!f.equals(victimLog)) {
        blocks.stream().filter(lost::contains).forEach(again::add);
      }
    });
    assertFalse(lost.isEmpty(), "the killed executor had stored no block: " + victimLog);
    assertFalse(again.isEmpty(), () -> "no block of the killed executor " + lost
        + " was recomputed elsewhere: " + stored);

    assertArrayEquals(weights(local), weights(outDir),
        "weights after an executor loss differ from the undisturbed local[2] run");
  }

  /** Without the secret, the Master refuses the driver's connection and no app registers. */
  @Test
  void aSubmissionWithoutTheSecretIsRefused() throws Exception {
    Path runs = runs("no-secret");
    String url = Files.readString(STATE.resolve("master-url")).trim();
    String name = "dptrain-no-secret-it";
    List<String> command = List.of(HOME.resolve("scripts/submit.sh").toString(), "--master", url,
        "--name", name, "--", "train", "--config", HOME.resolve("conf/jobs/xor.yaml").toString(),
        "--epochs", "1", "--output", runs.resolve("model").toString());
    Map<String, String> env = new HashMap<>();
    env.put("SPARK_HOME", STATE.resolve("spark-home").toString());
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    Process p = start(runs.resolve("submit"), command, env);
    try {
      // Spark's client retries three times over a minute before giving up; the first refusal
      // is enough to know
      waitForLine(p, runs.resolve("submit.err"),
          l -> l.contains("Expected SaslMessage") || l.contains("All masters are unresponsive"),
          Duration.ofMinutes(2), "the master's refusal");
    } finally {
      destroyTree(p);
    }
    String master = Files.readString(STATE.resolve("master.log"));
    assertFalse(master.contains("Registering app " + name),
        "the master registered an application without the secret");
    assertFalse(Files.exists(runs.resolve("model")), "a model was written without the secret");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static Path runs(String name) throws IOException {
    return Files.createDirectories(WORK.resolve(name));
  }

  /** The job in this JVM, local[2]; returns the run directory. */
  private static Path runLocal(Path out, String... job) {
    List<String> args = new ArrayList<>(List.of(job));
    args.addAll(List.of("--master", "local[2]", "--output", out.toString()));
    int code = Main.run(args.toArray(new String[0]));
    assertEquals(0, code, "the local[2] run of " + args + " failed");
    return out;
  }

  private static List<String> submitCommand(Path out, String appName, String... job) {
    List<String> c = new ArrayList<>(List.of(HOME.resolve("scripts/submit.sh").toString(),
        "--cluster"));
    if (appName != null) {
      c.addAll(List.of("--name", appName));
    }
    c.add("--");
    c.addAll(List.of(job));
    c.addAll(List.of("--output", out.toString()));
    return c;
  }

  private static Result submit(Path out, String appName, String... job) throws Exception {
    Path logs = out.resolveSibling(out.getFileName() + "-submit");
    Process p = start(logs, submitCommand(out, appName, job));
    return finish(p, logs, JOB_TIMEOUT);
  }

  private static Result script(Path logs, Duration timeout, String... command) throws Exception {
    List<String> c = new ArrayList<>(List.of(command));
    c.set(0, HOME.resolve(c.get(0)).toString());
    return finish(start(logs, c), logs, timeout);
  }

  private static Process start(Path logs, List<String> command) throws IOException {
    return start(logs, command, Map.of());
  }

  /** {@link ClusterProcesses#start} with the cluster's state directory in the environment. */
  private static Process start(Path logs, List<String> command, Map<String, String> env)
      throws IOException {
    Map<String, String> all = new java.util.HashMap<>(env);
    all.putIfAbsent("DPTRAIN_CLUSTER_DIR", STATE.toString());
    return ClusterProcesses.start(HOME, logs, command, all);
  }

  /** Polls a log file until a line matches; fails if the process exits first or on timeout. */
  private static void waitForLine(Process p, Path file, Predicate<String> line, Duration timeout,
      String what) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
          if (lines.anyMatch(line)) {
            return;
          }
        }
      }
      if (!p.isAlive()) {
        fail("the process exited (" + p.exitValue() + ") before " + what + " appeared in " + file
            + ":\n" + Files.readString(file));
      }
      Thread.sleep(200);
    }
    fail("no " + what + " in " + file + " within " + timeout);
  }

  private static String appId(ProcessHandle executor) {
    return argument(executor, "--app-id");
  }

  private static String executorId(ProcessHandle executor) {
    return argument(executor, "--executor-id");
  }

  /** The stderr of an executor: STATE/worker-N/APP/EXECUTOR/stderr (executor ids are per app). */
  private static Path executorLog(ProcessHandle executor) {
    try (Stream<Path> files = Files.walk(STATE, 4)) {
      String app = appId(executor);
      String id = executorId(executor);
      return files.filter(f -> f.getFileName().toString().equals("stderr")
              && f.getParent().getFileName().toString().equals(id)
              && f.getParent().getParent().getFileName().toString().equals(app))
          .findFirst().orElseThrow(() -> new AssertionError("no log of executor " + id));
    } catch (IOException e) {
      throw new AssertionError("cannot list " + STATE + ": " + e.getMessage(), e);
    }
  }

  /** Per executor log (WORKER/APP/EXECUTOR/stderr) of the app: the cached blocks it stored. */
  private static Map<Path, Set<String>> storedBlocks(String appId) throws IOException {
    Map<Path, Set<String>> out = new HashMap<>();
    try (Stream<Path> files = Files.walk(STATE)) {
      for (Path f : files.filter(f -> f.getFileName().toString().equals("stderr")
          && f.getParent().getParent().getFileName().toString().equals(appId)).toList()) {
        Set<String> blocks = new HashSet<>();
        Matcher m = STORED.matcher(Files.readString(f, StandardCharsets.UTF_8));
        while (m.find()) {
          blocks.add(m.group(1));
        }
        out.put(f, blocks);
      }
    }
    return out;
  }

}
