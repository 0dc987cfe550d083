package org.dptrain.driver.ml;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Runs the Python package's tests ({@code python3 -m pytest python/tests}: classic sessions, a
 * Spark Connect server, MLflow) after {@code package}, which has copied the application jar into
 * {@code python/dptrain/jars/}. The interpreter is {@code $DPTRAIN_PYTHON} or {@code python3}; it
 * needs {@code python/requirements-test.txt} ({@code scripts/test} installs it). Any exit code
 * but 0 fails, 5 (no test collected) included.
 */
class PythonTestsIT {
  private static final Path HOME = Paths.get(System.getProperty("dptrain.home", ".."))
      .toAbsolutePath().normalize();
  private static final long TIMEOUT_MINUTES = 30;

  @Test
  void thePythonPackagesTestsPass() throws Exception {
    Path tests = HOME.resolve("python").resolve("tests");
    assertTrue(Files.isDirectory(tests), tests + " is missing");
    String python = System.getenv().getOrDefault("DPTRAIN_PYTHON", "python3");
    List<String> command = List.of(python, "-m", "pytest", tests.toString(), "-p",
        "no:cacheprovider", "--durations=8");
    System.out.println("running " + String.join(" ", command));
    ProcessBuilder builder = new ProcessBuilder(command).directory(HOME.toFile())
        .redirectErrorStream(true);
    builder.environment().remove("SPARK_HOME");
    Process process = builder.start();
    // Surefire owns this JVM's stdout stream: the child's lines go through System.out.
    try (BufferedReader out = new BufferedReader(
        new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        System.out.println(line);
      }
    }
    if (!process.waitFor(TIMEOUT_MINUTES, TimeUnit.MINUTES)) {
      process.destroyForcibly();
      throw new AssertionError("pytest did not finish in " + TIMEOUT_MINUTES + " minutes");
    }
    int code = process.exitValue();
    assertEquals(0, code, "pytest exited with " + code + (code == 5 ? " (no test collected)"
        : code == 1 ? " (tests failed; see above)" : "") + "; if pyspark or pytest is missing:"
        + " " + python + " -m pip install -r python/requirements-test.txt");
  }
}
