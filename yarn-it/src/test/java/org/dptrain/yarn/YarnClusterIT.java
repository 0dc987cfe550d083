package org.dptrain.yarn;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.io.OutputStream;
import java.net.BindException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.hadoop.yarn.api.records.FinalApplicationStatus;
import org.apache.hadoop.yarn.conf.YarnConfiguration;
import org.apache.hadoop.yarn.server.MiniYARNCluster;
import org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMApp;
import org.apache.hadoop.yarn.server.resourcemanager.rmapp.RMAppState;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * dptrain on a real YARN cluster: Hadoop's {@link MiniYARNCluster} (a ResourceManager and one
 * NodeManager in this JVM, as Spark's own YarnClusterSuite runs it) and {@code scripts/submit.sh
 * --master yarn}, whose driver runs in the submitting JVM (client deploy mode) while the
 * ApplicationMaster and two executors run as YARN containers, separate JVMs the NodeManager
 * launches. Both {@code --sync driver} and {@code --sync allreduce} (one barrier stage of two
 * tasks, one per executor) must give the weights of a {@code local[2]} run ({@code
 * scripts/dptrain}) to 1e-12. Not bit for bit, which the standalone cluster gives: here some
 * weights have differed in their last bits (printed by the test; cause not yet found, see the
 * README).
 *
 * <p>The Spark on the cluster is the distribution this module's pom resolves (its
 * target/spark-classpath.txt, linked into a Spark home); spark-submit is given {@code
 * HADOOP_CONF_DIR} with the mini cluster's yarn-site.xml, as on a real YARN cluster. Skipped,
 * with the reason, only when the mini cluster cannot bind its ports. Run by {@code mvn verify}
 * (failsafe, after the application jar is packaged); state and logs, the containers' included,
 * go to {@code yarn-it/target/yarn-it/} and {@code yarn-it/target/dptrain-yarn-it/}.
 */
@Timeout(value = 20, unit = TimeUnit.MINUTES)
class YarnClusterIT {
  private static final Path HOME = Paths.get(System.getProperty("dptrain.home", ".."))
      .toAbsolutePath().normalize();
  private static final Path WORK = HOME.resolve("yarn-it/target/yarn-it");
  private static final Path SPARK_HOME = WORK.resolve("spark-home");
  private static final Path HADOOP_CONF = WORK.resolve("hadoop-conf");
  /** Per process; a YARN run takes about a minute on a quiet machine, several on a loaded one. */
  private static final Duration JOB_TIMEOUT = Duration.ofMinutes(6);
  /** The tolerance of the union-batch promise, for the weights of a YARN run against local[2]. */
  private static final double TOLERANCE = 1e-12;
  /** What the NodeManager may hand out: the AM (1 GB) and two executors (1 GB each) fit. */
  private static final int NM_MEMORY_MB = 6144;
  private static final int NM_VCORES = 4;

  private static MiniYARNCluster yarn;

  @BeforeAll
  static void startYarn() throws Exception {
    deleteTree(WORK);
    Files.createDirectories(HADOOP_CONF);
    makeSparkHome();

    YarnConfiguration conf = new YarnConfiguration();
    conf.set(YarnConfiguration.RM_HOSTNAME, "127.0.0.1");
    conf.setInt(YarnConfiguration.NM_PMEM_MB, NM_MEMORY_MB);
    conf.setInt(YarnConfiguration.NM_VCORES, NM_VCORES);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MINIMUM_ALLOCATION_MB, 256);
    conf.setInt(YarnConfiguration.RM_SCHEDULER_MAXIMUM_ALLOCATION_MB, NM_MEMORY_MB);
    // a JVM reserves far more virtual memory than YARN's default 2.1 x its container size
    conf.setBoolean(YarnConfiguration.NM_VMEM_CHECK_ENABLED, false);
    conf.set("yarn.nodemanager.disk-health-checker.max-disk-utilization-per-disk-percentage",
        "100.0");
    // hadoop-client-minicluster has no capacity-scheduler.xml: one queue with everything
    conf.set("yarn.scheduler.capacity.root.queues", "default");
    conf.setInt("yarn.scheduler.capacity.root.default.capacity", 100);
    conf.setInt("yarn.scheduler.capacity.root.default.maximum-capacity", 100);
    conf.setFloat("yarn.scheduler.capacity.root.default.user-limit-factor", 1);
    conf.set("yarn.scheduler.capacity.root.default.state", "RUNNING");
    conf.set("yarn.scheduler.capacity.root.default.acl_submit_applications", "*");
    conf.set("yarn.scheduler.capacity.root.default.acl_administer_queue", "*");
    conf.setFloat("yarn.scheduler.capacity.maximum-am-resource-percent", 0.5f);
    conf.setInt("yarn.scheduler.capacity.node-locality-delay", -1);

    MiniYARNCluster cluster = new MiniYARNCluster("dptrain-yarn-it", 1, 1, 1);
    try {
      cluster.init(conf);
      cluster.start();
    } catch (RuntimeException e) {
      cluster.stop();
      Throwable bind = cause(e, BindException.class);
      Assumptions.assumeTrue(bind == null,
          () -> "skipped: the mini YARN cluster cannot bind its ports here: " + bind);
      throw e;
    }
    yarn = cluster;

    // MiniYARNCluster may return before the ResourceManager has put its port in the config
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (yarn.getConfig().get(YarnConfiguration.RM_ADDRESS).endsWith(":0")) {
      if (System.nanoTime() > deadline) {
        fail("the ResourceManager did not report its address within 30 s: "
            + yarn.getConfig().get(YarnConfiguration.RM_ADDRESS));
      }
      Thread.sleep(100);
    }
    try (OutputStream out = Files.newOutputStream(HADOOP_CONF.resolve("yarn-site.xml"))) {
      yarn.getConfig().writeXml(out);
    }
  }

  @AfterAll
  static void stopYarn() {
    if (yarn != null) {
      // stops the NodeManager, which kills the containers it launched
      yarn.stop();
    }
  }

  @Test
  void driverSyncOnYarnAgreesWithLocalMode() throws Exception {
    trainOnYarnAndLocally("driver");
  }

  @Test
  void allreduceSyncOnYarnAgreesWithLocalMode() throws Exception {
    Result r = trainOnYarnAndLocally("allreduce");
    assertTrue(r.err().contains("allreduce stage: epoch 4, ") && r.err().contains(" on 2 tasks in"),
        () -> "no allreduce stage of two barrier tasks in the driver's log:\n" + r.err());
  }

  /**
   * Trains circles (4 epochs, 2 partitions, 4 local steps) with the given sync mode on YARN and in
   * local[2]; checks the YARN run ran as a YARN application on two executor containers and wrote
   * the same weights. Returns the submission's output.
   */
  private static Result trainOnYarnAndLocally(String sync) throws Exception {
    Path runs = Files.createDirectories(WORK.resolve(sync));
    String name = "dptrain-yarn-it-" + sync;
    List<String> job = List.of("train", "--config",
        HOME.resolve("conf/jobs/circles.yaml").toString(), "--epochs", "4", "--seed", "11",
        "--partitions", "2", "--sync", sync);

    List<String> local = new ArrayList<>(List.of(HOME.resolve("scripts/dptrain").toString()));
    local.addAll(job);
    local.addAll(List.of("--master", "local[2]", "--output", runs.resolve("local").toString()));
    Result l = run(runs.resolve("local-run"), local, Map.of());
    assertEquals(0, l.code(), () -> "the local[2] run failed:\n" + l.all());

    List<String> submit = new ArrayList<>(List.of(HOME.resolve("scripts/submit.sh").toString(),
        "--master", "yarn", "--deploy-mode", "client", "--name", name,
        "--num-executors", "2", "--executor-cores", "1", "--executor-memory", "512m",
        // the Spark jars are on the node already: no upload of them per application
        "--conf", "spark.yarn.jars=local:" + SPARK_HOME.resolve("jars") + "/*",
        "--conf", "spark.yarn.stagingDir=" + WORK.resolve("staging").toUri(),
        "--conf", "spark.yarn.am.memory=512m",
        // training starts once both executors have registered
        "--conf", "spark.scheduler.minRegisteredResourcesRatio=1.0",
        "--conf", "spark.scheduler.maxRegisteredResourcesWaitingTime=120s",
        "--"));
    submit.addAll(job);
    submit.addAll(List.of("--output", runs.resolve("yarn").toString()));
    Result y = run(runs.resolve("yarn-submit"), submit, Map.of(
        "SPARK_HOME", SPARK_HOME.toString(),
        "HADOOP_CONF_DIR", HADOOP_CONF.toString(),
        // the driver, the ApplicationMaster and the executors reach each other on loopback
        "SPARK_LOCAL_IP", "127.0.0.1"));
    assertEquals(0, y.code(), () -> "spark-submit --master yarn failed:\n" + y.all());
    assertTrue(y.out().contains("epoch 4/4"), y::all);

    RMApp app = finishedApp(name);
    assertEquals(FinalApplicationStatus.SUCCEEDED, app.getFinalApplicationStatus(),
        () -> app.getApplicationId() + " finished as " + app.getFinalApplicationStatus());
    List<Path> executors = executorLogs(app.getApplicationId().toString());
    assertEquals(2, executors.size(),
        () -> "expected tasks in two executor containers of " + app.getApplicationId() + ": "
            + executors);

    double[] want = weights(runs.resolve("local"));
    double[] got = weights(runs.resolve("yarn"));
    assertEquals(want.length, got.length, "weight counts");
    int differ = 0;
    double worst = 0;
    for (int i = 0; i < want.length; i++) {
      if (Double.doubleToRawLongBits(want[i]) != Double.doubleToRawLongBits(got[i])) {
        differ++;
        worst = Math.max(worst, Math.abs(want[i] - got[i]));
      }
    }
    // Not bit for bit (yet): on YARN the weights have differed from local[2] in the last bits
    // (see the README's YARN paragraph); within the union-batch tolerance they must agree.
    System.out.printf(Locale.ROOT, "--sync %s on YARN against local[2]: %d of %d weights differ"
        + " in their bits, by at most %.3g%n", sync, differ, want.length, worst);
    final double maxDiff = worst;
    assertTrue(maxDiff <= TOLERANCE, () -> "weights of the --sync " + sync
        + " run on YARN differ from local[2] by " + maxDiff);
    return y;
  }

  /** The weights of a run directory: little-endian doubles. */
  private static double[] weights(Path run) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(Files.readAllBytes(run.resolve("weights.bin")))
        .order(ByteOrder.LITTLE_ENDIAN);
    double[] w = new double[b.remaining() / Double.BYTES];
    b.asDoubleBuffer().get(w);
    return w;
  }

  /** The application of that name, once the ResourceManager has it finished. */
  private static RMApp finishedApp(String name) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (true) {
      List<RMApp> apps = yarn.getResourceManager().getRMContext().getRMApps().values().stream()
          .filter(a -> a.getName().equals(name)).toList();
      assertTrue(apps.size() <= 1, () -> "more than one application named " + name);
      if (apps.size() == 1 && apps.get(0).getState() == RMAppState.FINISHED) {
        return apps.get(0);
      }
      if (System.nanoTime() > deadline) {
        fail("the ResourceManager has no finished application " + name + ": "
            + (apps.isEmpty() ? "none" : apps.get(0).getState()));
      }
      Thread.sleep(200);
    }
  }

  /** The stderr of each container of the application that ran a Spark task. */
  private static List<Path> executorLogs(String appId) throws IOException {
    List<Path> out = new ArrayList<>();
    String dirs = yarn.getNodeManager(0).getConfig().get(YarnConfiguration.NM_LOG_DIRS);
    for (String dir : dirs.split(",")) {
      Path appLogs = Paths.get(dir.replaceFirst("^file:", "")).resolve(appId);
      if (!Files.isDirectory(appLogs)) {
        continue;
      }
      try (Stream<Path> containers = Files.list(appLogs)) {
        for (Path c : containers.sorted().toList()) {
          Path stderr = c.resolve("stderr");
          if (Files.exists(stderr)
              && Files.readString(stderr, StandardCharsets.UTF_8).contains("Running task")) {
            out.add(stderr);
          }
        }
      }
    }
    return out;
  }

  /**
   * A Spark home of the distribution this module resolved: an empty RELEASE file (Spark's
   * launcher then takes jars/ as its classpath) and jars/ linking each jar.
   */
  private static void makeSparkHome() throws IOException {
    Path list = Paths.get(System.getProperty("dptrain.sparkClasspath",
        HOME.resolve("yarn-it/target/spark-classpath.txt").toString()));
    assertTrue(Files.exists(list), () -> list + " is missing: run this test through Maven (verify)");
    Path jars = Files.createDirectories(SPARK_HOME.resolve("jars"));
    Files.createFile(SPARK_HOME.resolve("RELEASE"));
    for (String jar : Files.readString(list).trim().split(File.pathSeparator)) {
      Path p = Paths.get(jar);
      Files.createSymbolicLink(jars.resolve(p.getFileName()), p);
    }
    try (Stream<Path> s = Files.list(jars)) {
      assertTrue(s.anyMatch(p -> p.getFileName().toString().startsWith("spark-yarn_")),
          () -> "no spark-yarn jar in " + list);
    }
  }

  // ---- processes ----------------------------------------------------------------------------

  /** stdout, stderr and exit code of a finished process. */
  record Result(int code, String out, String err) {
    String all() {
      return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  /** Runs a command to its end (LOGS.out, LOGS.err); on timeout kills it and all it started. */
  private static Result run(Path logs, List<String> command, Map<String, String> env)
      throws Exception {
    Path out = logs.resolveSibling(logs.getFileName() + ".out");
    Path err = logs.resolveSibling(logs.getFileName() + ".err");
    ProcessBuilder b = new ProcessBuilder(command).directory(HOME.toFile())
        .redirectOutput(out.toFile()).redirectError(err.toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    b.environment().putIfAbsent("DPTRAIN_NO_BUILD", "1");
    b.environment().putAll(env);
    Process p = b.start();
    if (!p.waitFor(JOB_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
      all.add(p.toHandle());
      Path dumps = logs.resolveSibling(logs.getFileName() + ".threads");
      threadDumps(all, dumps);
      all.forEach(ProcessHandle::destroyForcibly);
      fail("timed out after " + JOB_TIMEOUT + " (thread dumps of its JVMs in " + dumps + "): "
          + command + "\n" + new Result(-1, Files.readString(out), Files.readString(err)).all());
    }
    return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
        Files.readString(err, StandardCharsets.UTF_8));
  }

  /** What each JVM among the processes is doing, into one file, by jcmd Thread.print. */
  private static void threadDumps(List<ProcessHandle> processes, Path file) throws Exception {
    Path jcmd = Paths.get(System.getProperty("java.home"), "bin", "jcmd");
    Files.deleteIfExists(file);
    Files.createFile(file);
    for (ProcessHandle h : processes) {
      if (!h.info().command().orElse("").endsWith("/java") || !Files.isExecutable(jcmd)) {
        continue;
      }
      Files.writeString(file, "=== pid " + h.pid() + ": " + h.info().commandLine().orElse("?")
          + "\n", StandardCharsets.UTF_8, java.nio.file.StandardOpenOption.APPEND);
      Process d = new ProcessBuilder(jcmd.toString(), Long.toString(h.pid()), "Thread.print")
          .redirectErrorStream(true)
          .redirectOutput(ProcessBuilder.Redirect.appendTo(file.toFile())).start();
      if (!d.waitFor(30, TimeUnit.SECONDS)) {
        d.destroyForcibly();
      }
    }
  }

  private static Throwable cause(Throwable t, Class<? extends Throwable> type) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (type.isInstance(c)) {
        return c;
      }
    }
    return null;
  }

  private static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((a, c) -> c.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
