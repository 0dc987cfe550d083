package org.dptrain.driver.cluster;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dptrain.model.ModelFile;

/**
 * What the cluster integration tests do with the processes they start: scripts and submissions
 * with their output in files, bounded waits that kill the whole process tree on timeout, the
 * executor JVMs a Worker started, and the weights a run wrote.
 */
final class ClusterProcesses {
  private ClusterProcesses() {}

  /** stdout, stderr and exit code of a finished process. */
  record Result(int code, String out, String err) {
    String all() {
      return "exit " + code + "\n--- stdout\n" + out + "\n--- stderr\n" + err;
    }
  }

  /** LOGS.out or LOGS.err. */
  static Path log(Path logs, String kind) {
    return logs.resolveSibling(logs.getFileName() + "." + kind);
  }

  /**
   * Starts a command in {@code home} with stdout and stderr in LOGS.out and LOGS.err, stdin from
   * /dev/null, {@code DPTRAIN_NO_BUILD=1} unless set (Maven built it) and {@code env} on top.
   */
  static Process start(Path home, Path logs, List<String> command, Map<String, String> env)
      throws IOException {
    ProcessBuilder b = new ProcessBuilder(command).directory(home.toFile())
        .redirectOutput(log(logs, "out").toFile()).redirectError(log(logs, "err").toFile())
        .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    b.environment().putIfAbsent("DPTRAIN_NO_BUILD", "1");
    b.environment().putAll(env);
    return b.start();
  }

  /** Waits for the process; on timeout kills it and everything it started, and fails. */
  static Result finish(Process p, Path logs, Duration timeout) throws Exception {
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      destroyTree(p);
      fail("timed out after " + timeout + ": " + p.info().commandLine().orElse("?") + "\n"
          + read(logs, -1).all());
    }
    return read(logs, p.exitValue());
  }

  static Result read(Path logs, int code) throws IOException {
    return new Result(code, Files.readString(log(logs, "out"), StandardCharsets.UTF_8),
        Files.readString(log(logs, "err"), StandardCharsets.UTF_8));
  }

  /** Kills the process and its descendants and waits (bounded) for them to exit. */
  static void destroyTree(Process p) throws Exception {
    List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
    all.add(p.toHandle());
    all.forEach(ProcessHandle::destroyForcibly);
    for (ProcessHandle h : all) {
      h.onExit().get(30, TimeUnit.SECONDS);
    }
  }

  /** Executor JVMs started by the Worker whose pid file is given: only processes we started. */
  static List<ProcessHandle> executorsOf(Path workerPidFile) throws IOException {
    long worker = Long.parseLong(Files.readString(workerPidFile).trim());
    ProcessHandle w = ProcessHandle.of(worker)
        .orElseThrow(() -> new AssertionError("worker " + worker + " is not running"));
    return w.descendants().filter(h -> h.info().commandLine().orElse("")
        .contains("CoarseGrainedExecutorBackend")).toList();
  }

  /** The value after {@code option} on a process's command line. */
  static String argument(ProcessHandle h, String option) {
    String[] args = h.info().arguments().orElseThrow(
        () -> new AssertionError("cannot read the arguments of process " + h.pid()));
    for (int i = 0; i + 1 < args.length; i++) {
      if (args[i].equals(option)) {
        return args[i + 1];
      }
    }
    throw new AssertionError("process " + h.pid() + " has no " + option);
  }

  /** The weights file of a run directory, as bytes. */
  static byte[] weights(Path run) throws IOException {
    return Files.readAllBytes(run.resolve(ModelFile.WEIGHTS_BIN));
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((a, b) -> b.getNameCount() - a.getNameCount()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }
}
