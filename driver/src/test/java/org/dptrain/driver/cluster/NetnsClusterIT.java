package org.dptrain.driver.cluster;

import static org.dptrain.driver.cluster.ClusterProcesses.argument;
import static org.dptrain.driver.cluster.ClusterProcesses.deleteTree;
import static org.dptrain.driver.cluster.ClusterProcesses.destroyTree;
import static org.dptrain.driver.cluster.ClusterProcesses.executorsOf;
import static org.dptrain.driver.cluster.ClusterProcesses.finish;
import static org.dptrain.driver.cluster.ClusterProcesses.log;
import static org.dptrain.driver.cluster.ClusterProcesses.weights;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.dptrain.driver.cli.Main;
import org.dptrain.model.ModelFile;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.dptrain.driver.cluster.ClusterProcesses.Result;

/**
 * dptrain on a cluster whose nodes are separate hosts on a network: {@code
 * scripts/netns-cluster.sh} puts a Master, two Workers and the driver each in a network namespace
 * of its own, bridged, every link limited to 10 Gbit/s by tbf. Synchronous training of the
 * embedded sample in {@code --sync driver} and {@code --sync allreduce} must give, bit for bit,
 * the weights of an in-process {@code local[2]} run; so must an allreduce run whose barrier stage
 * loses one executor JVM to SIGKILL while it runs (the stage is rerun from the driver's weights).
 * Skipped, with the reason, when not root or without {@code ip netns}.
 *
 * <p>Run by {@code mvn verify} (failsafe, after package: the scripts use the application jar).
 */
@Timeout(value = 45, unit = TimeUnit.MINUTES)
class NetnsClusterIT {
  private static final Path HOME = Paths.get(System.getProperty("dptrain.home", ".."))
      .toAbsolutePath().normalize();
  private static final Path WORK = HOME.resolve("driver/target/netns-it");
  private static final Path STATE = WORK.resolve("cluster");
  /** Names and subnet of its own, so that a cluster of scripts/bench-netns.sh does not clash. */
  private static final Map<String, String> CLUSTER_ENV = Map.of(
      "DPTRAIN_NETNS_DIR", STATE.toString(), "DPTRAIN_NETNS_PREFIX", "dptnit",
      "DPTRAIN_NETNS_SUBNET", "10.213.9", "DPTRAIN_NETNS_WORKERS", "2",
      "DPTRAIN_NETNS_RATE", "10gbit");
  private static final Duration SCRIPT_TIMEOUT = Duration.ofMinutes(3);
  /** A bound, not a target: at load average 40 on 2 cores one job took over 5 min. */
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(12);
  /** 47 synchronous steps an epoch; allreduce runs each epoch as one barrier stage. */
  private static final String[] JOB = {"train", "--epochs", "2", "--local-steps", "1",
      "--partitions", "2", "--seed", "5", "--batch-size", "128", "--no-report"};

  private static boolean started;
  private static byte[] reference;

  @BeforeAll
  static void startCluster() throws Exception {
    assumeTrue(isRoot(), "NetnsClusterIT needs root (network namespaces, veth pairs, tc);"
        + " skipped as uid " + uid());
    assumeTrue(ipNetnsWorks(), "NetnsClusterIT needs 'ip netns' (iproute2) and a kernel that"
        + " lets this process make network namespaces; 'ip netns list' failed here");
    Files.createDirectories(WORK);
    // a cluster left by an aborted run is stopped before its state goes away
    script(WORK.resolve("stop-stale"), "stop");
    deleteTree(WORK);
    Files.createDirectories(WORK);
    started = true;
    Result r = script(WORK.resolve("start"), "start");
    assertEquals(0, r.code(), () -> "scripts/netns-cluster.sh start failed:\n" + r.all());
    assertTrue(r.out().contains("cluster started: spark://10.213.9.2:7077"), r::all);
    assertTrue(r.out().contains("links 10gbit"), r::all);
    Result again = script(WORK.resolve("start-again"), "start");
    assertEquals(0, again.code(), again::all);
    assertTrue(again.out().contains("cluster already running"), again::all);
    reference = weights(runLocal(WORK.resolve("local")));
  }

  @AfterAll
  static void stopCluster() throws Exception {
    if (!started) {
      return;
    }
    Result r = script(WORK.resolve("stop"), "stop");
    assertEquals(0, r.code(), () -> "scripts/netns-cluster.sh stop failed:\n" + r.all());
    Result list = run(WORK.resolve("netns-list"), List.of("ip", "netns", "list"), Map.of(),
        SCRIPT_TIMEOUT);
    assertFalse(list.out().contains("dptnit-"), () -> "namespaces left behind:\n" + list.out());
    Result status = script(WORK.resolve("status-after"), "status");
    assertEquals(3, status.code(), status::all);
  }

  @Test
  void driverModeAcrossTheNetworkEqualsLocalModeBitForBit() throws Exception {
    Path out = WORK.resolve("driver");
    Result r = finish(submit(out, "driver"), out, JOB_TIMEOUT);
    assertEquals(0, r.code(), () -> "submission failed:\n" + r.all());
    assertTrue(r.out().contains("epoch 2/2"), r::all);
    assertArrayEquals(reference, weights(out), "driver mode on the cluster differs from local[2]");
  }

  @Test
  void allreduceAcrossTheNetworkEqualsLocalModeBitForBit() throws Exception {
    Path out = WORK.resolve("allreduce");
    Result r = finish(submit(out, "allreduce"), out, JOB_TIMEOUT);
    assertEquals(0, r.code(), () -> "submission failed:\n" + r.all());
    assertTrue(r.out().contains("epoch 2/2"), r::all);
    // the barrier tasks ran on both Workers, so the ring crossed the bridge
    assertTrue(r.err().contains("on 2 tasks"), r::all);
    assertArrayEquals(reference, weights(out), "allreduce on the cluster differs from local[2]");
  }

  /**
   * After the first epoch line, as soon as an executor's task of epoch 2's barrier stage has
   * joined its group (the stage's one allGather, the second in the executor's log), that
   * executor JVM gets SIGKILL: the stage fails, the driver reruns it from its weights once
   * the Master has started a replacement executor, and the bits are those of local[2].
   */
  @Test
  void killingAnExecutorMidStageChangesNoBit() throws Exception {
    Path out = WORK.resolve("allreduce-kill");
    Process p = submit(out, "allreduce");
    try {
      waitForLine(p, log(out, "out"), l -> l.startsWith("epoch 1/2"), "the first epoch line");
      ProcessHandle victim = executorOf(1);
      Path victimLog = executorLog(victim);
      waitForLine(p, victimLog, null, "the victim's task of epoch 2's stage joining its group",
          2);
      assertTrue(victim.destroyForcibly(), "SIGKILL to executor " + victim.pid() + " failed");
      victim.onExit().get(30, TimeUnit.SECONDS);
    } catch (Throwable t) {
      destroyTree(p);
      throw t;
    }
    Result r = finish(p, out, JOB_TIMEOUT);
    assertEquals(0, r.code(), () -> "training did not survive the executor loss:\n" + r.all());
    assertTrue(r.out().contains("epoch 2/2"), r::all);
    assertTrue(r.err().contains("failed (attempt 1 of"),
        () -> "the killed stage was not rerun by the driver:\n" + r.err());
    assertArrayEquals(reference, weights(out),
        "weights after an executor loss mid-stage differ from the local[2] run");
  }

  // ---- helpers ------------------------------------------------------------------------------

  private static boolean isRoot() {
    return "0".equals(uid());
  }

  /** The real uid of this process, from /proc/self/status ("?" when unreadable). */
  private static String uid() {
    try {
      return Files.readAllLines(Paths.get("/proc/self/status")).stream()
          .filter(l -> l.startsWith("Uid:")).map(l -> l.split("\\s+")[1]).findFirst()
          .orElse("?");
    } catch (IOException e) {
      return "?";
    }
  }

  private static boolean ipNetnsWorks() {
    try {
      Process p = new ProcessBuilder("ip", "netns", "list").redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
      return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** The job in this JVM, local[2] (driver mode: both modes give the same bits). */
  private static Path runLocal(Path out) {
    List<String> args = new ArrayList<>(List.of(JOB));
    args.addAll(List.of("--master", "local[2]", "--output", out.toString()));
    assertEquals(0, Main.run(args.toArray(new String[0])), "the local[2] run failed");
    return out;
  }

  /** The job through the driver's namespace; stdout and stderr beside the run directory. */
  private static Process submit(Path out, String sync) throws IOException {
    List<String> c = new ArrayList<>(List.of(HOME.resolve("scripts/netns-cluster.sh").toString(),
        "submit", "--name", "dptrain-netns-it-" + out.getFileName(), "--"));
    c.addAll(List.of(JOB));
    c.addAll(List.of("--sync", sync, "--output", out.toString()));
    return ClusterProcesses.start(HOME, out, c, CLUSTER_ENV);
  }

  private static Result script(Path logs, String command) throws Exception {
    return run(logs, List.of(HOME.resolve("scripts/netns-cluster.sh").toString(), command),
        CLUSTER_ENV, SCRIPT_TIMEOUT);
  }

  private static Result run(Path logs, List<String> command, Map<String, String> env,
      Duration timeout) throws Exception {
    return finish(ClusterProcesses.start(HOME, logs, command, env), logs, timeout);
  }

  private static void waitForLine(Process p, Path file, Predicate<String> line, String what)
      throws Exception {
    waitForLine(p, file, line, what, -1);
  }

  /**
   * Polls a log file until a line matches (or, with {@code line} null, until it has {@code
   * syncs} lines of a barrier task's finished allGather); fails if the process exits first or on
   * timeout.
   */
  private static void waitForLine(Process p, Path file, Predicate<String> line, String what,
      long syncs) throws Exception {
    long deadline = System.nanoTime() + JOB_TIMEOUT.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(file)) {
        if (line == null ? countSyncs(file) >= syncs : matches(file, line)) {
          return;
        }
      }
      if (!p.isAlive()) {
        fail("the job exited (" + p.exitValue() + ") before " + what + " appeared in " + file);
      }
      Thread.sleep(50);
    }
    fail("no " + what + " in " + file + " within " + JOB_TIMEOUT);
  }

  private static boolean matches(Path file, Predicate<String> line) throws IOException {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.anyMatch(line);
    }
  }

  private static long countSyncs(Path file) throws IOException {
    try (Stream<String> lines = Files.lines(file, StandardCharsets.UTF_8)) {
      return lines.filter(l -> l.contains("finished global sync successfully")).count();
    }
  }

  /** The executor JVM Worker N started (a descendant of its pid: only what we started). */
  private static ProcessHandle executorOf(int worker) throws IOException {
    return executorsOf(STATE.resolve("worker-" + worker + ".pid")).stream().findFirst()
        .orElseThrow(() -> new AssertionError("worker " + worker + " runs no executor"));
  }

  /** The stderr of an executor: STATE/worker-N/APP/EXECUTOR/stderr. */
  private static Path executorLog(ProcessHandle executor) throws IOException {
    String app = argument(executor, "--app-id");
    String id = argument(executor, "--executor-id");
    try (Stream<Path> files = Files.walk(STATE, 4)) {
      return files.filter(f -> f.getFileName().toString().equals("stderr")
              && f.getParent().getFileName().toString().equals(id)
              && f.getParent().getParent().getFileName().toString().equals(app))
          .findFirst().orElseThrow(() -> new AssertionError("no log of executor " + id));
    }
  }

}
