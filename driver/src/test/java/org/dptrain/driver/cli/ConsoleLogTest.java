package org.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.ConfigurationFactory;
import org.apache.logging.log4j.core.config.ConfigurationSource;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.dptrain.network.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user sees on the console with the shipped log configuration (conf/log4j2.properties) and
 * launcher (scripts/lib.sh): a bad row is one line naming file, line and field, without Spark's
 * reports of the failed task unless DPTRAIN_DEBUG is set; netlib's probe warnings stay out.
 */
class ConsoleLogTest {
  private static final Path CONFIG = CheckpointCliTest.ROOT.resolve("conf/log4j2.properties");

  @TempDir
  Path tmp;

  @Test
  void theShippedConfigurationQuietsNetlibProbesAndSparkTaskFailures() throws IOException {
    LoggerContext quiet = context("quiet");
    try {
      assertFalse(quiet.getLogger("dev.ludovic.netlib.blas.InstanceBuilder")
          .isEnabled(Level.WARN));
      assertFalse(quiet.getLogger("org.apache.spark.executor.Executor").isEnabled(Level.ERROR));
      assertFalse(quiet.getLogger("org.apache.spark.scheduler.TaskSetManager")
          .isEnabled(Level.ERROR));
      assertTrue(quiet.getLogger("org.dptrain.linalg.Blas").isEnabled(Level.INFO));
      assertTrue(quiet.getLogger("org.apache.spark.SparkContext").isEnabled(Level.WARN));
    } finally {
      quiet.stop();
    }
    System.setProperty("dptrain.sparkTaskLog", "warn");
    LoggerContext debug;
    try {
      debug = context("debug");
    } finally {
      System.clearProperty("dptrain.sparkTaskLog");
    }
    try {
      assertTrue(debug.getLogger("org.apache.spark.executor.Executor").isEnabled(Level.ERROR));
      assertTrue(debug.getLogger("org.apache.spark.scheduler.TaskSetManager")
          .isEnabled(Level.WARN));
    } finally {
      debug.stop();
    }
  }

  @Test
  void aBadRowIsOneLineWithoutSparksTaskReportsUnlessDebugging() throws Exception {
    Path model = tmp.resolve("model");
    ModelFile.write(model, new Model(NetworkSpec.of(new int[] {2, 1}, List.of("sigmoid"),
        "binary_cross_entropy"), new double[] {0.5, -0.5, 0.1},
        JsonNodeFactory.instance.objectNode()));
    Path bad = Files.writeString(tmp.resolve("bad.libsvm"), "0 1:1\n1 2:x\n");
    String expected = "dptrain: error: file:" + bad + " line 2: value \"x\" in \"2:x\" is not a"
        + " number";

    String quiet = evaluate(model, bad, false);
    String debug = evaluate(model, bad, true);

    assertTrue(quiet.contains(expected + "\n"), quiet);
    for (String noise : List.of("Exception in task", "TaskSetManager", "Executor:", "\tat ")) {
      assertFalse(quiet.contains(noise), noise + " in:\n" + quiet);
    }
    assertTrue(debug.contains(expected + "\n"), debug);
    assertTrue(debug.contains("ERROR Executor: Exception in task"), debug);
  }

  /** stdout and stderr of evaluate in a child JVM started by scripts/lib.sh's run_java. */
  private String evaluate(Path model, Path data, boolean debug) throws Exception {
    List<String> command = new ArrayList<>(List.of("bash", "-c",
        ". \"$1/scripts/lib.sh\"; shift; run_java \"$@\"", "bash",
        CheckpointCliTest.ROOT.toString(), "-Dlog4j2.configurationFile=" + CONFIG,
        "-cp", CheckpointCliTest.testClassPath(), Main.class.getName(),
        "evaluate", "--model", model.toString(), "--data", data.toString(),
        "--master", "local[1]"));
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
        .redirectOutput(tmp.resolve(debug ? "debug.log" : "quiet.log").toFile());
    Map<String, String> env = pb.environment();
    env.remove("DPTRAIN_DEBUG");
    if (debug) {
      env.put("DPTRAIN_DEBUG", "1");
    }
    env.put("DPTRAIN_JAVA_OPTS", "-Xmx1g");
    env.put("SPARK_LOCAL_IP", "127.0.0.1");
    Process child = pb.start();
    try {
      assertTrue(child.waitFor(CheckpointCliTest.WAIT_SECONDS, TimeUnit.SECONDS),
          "the child JVM did not finish");
    } finally {
      child.destroyForcibly();
    }
    String out = Files.readString(tmp.resolve(debug ? "debug.log" : "quiet.log"));
    assertEquals(2, child.exitValue(), out);
    return out;
  }

  private static LoggerContext context(String name) throws IOException {
    LoggerContext ctx = new LoggerContext(name);
    Configuration config = ConfigurationFactory.getInstance().getConfiguration(ctx,
        ConfigurationSource.fromUri(CONFIG.toUri()));
    ctx.start(config);
    return ctx;
  }
}
