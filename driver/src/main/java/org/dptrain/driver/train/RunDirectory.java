package org.dptrain.driver.train;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;
import org.dptrain.driver.fs.OutputPath;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A run directory: {@code model.json}, {@code weights.bin} and {@value MetricsLog#FILE}, written
 * into a staging directory {@code .NAME.tmp-*} beside it and renamed into place in one atomic
 * move when the run is complete, so a failed run leaves nothing behind. An existing output is
 * never overwritten.
 */
public final class RunDirectory {
  private static final Logger LOG = LoggerFactory.getLogger(RunDirectory.class);

  private final Path output;
  private final Path staging;

  private RunDirectory(Path output, Path staging) {
    this.output = output;
    this.staging = staging;
  }

  /**
   * Checks that {@code output} can be created ({@link OutputPath#checkNew}).
   *
   * @return the output, absolute and normalised
   * @throws FileAlreadyExistsException if it exists
   * @throws IllegalArgumentException naming the ancestor that is not a directory
   */
  public static Path checkOutput(String output) throws FileAlreadyExistsException {
    return OutputPath.checkNew("--output", output, "output directory");
  }

  /**
   * Checks that an extra metrics file can be appended to: it is not a directory and its parent
   * is a directory.
   *
   * @throws IllegalArgumentException naming the file and what is wrong
   */
  public static void checkMetricsFile(String file) {
    Path p = Paths.get(file).toAbsolutePath().normalize();
    if (Files.isDirectory(p)) {
      throw new IllegalArgumentException("--metrics-file " + file + " is a directory; name a file"
          + " to append the metrics to");
    }
    Path parent = p.getParent();
    if (parent != null && !Files.isDirectory(parent)) {
      throw new IllegalArgumentException("--metrics-file " + file + ": " + parent
          + (Files.exists(parent) ? " is not a directory" : " does not exist"));
    }
  }

  /**
   * Creates the staging directory of {@code output} (and the output's parents).
   *
   * @param resumed whether the run continues an interrupted one, whose staging directories are
   *     then deleted
   */
  static RunDirectory stage(Path output, boolean resumed) throws IOException {
    checkOutput(output.toString());
    Files.createDirectories(output.getParent());
    if (resumed) {
      deleteStaleStaging(output);
    }
    return new RunDirectory(output, ModelFile.createStagingDirectory(output.getParent(),
        output.getFileName() + ".tmp-"));
  }

  /** The run directory this becomes. */
  Path output() {
    return output;
  }

  /** A file of the run, in the staging directory until {@link #commit}. */
  Path file(String name) {
    return staging.resolve(name);
  }

  /** Writes the model and renames the staging directory into place. */
  Path commit(Model model) throws IOException {
    ModelFile.writeInto(staging, model);
    Files.move(staging, output, StandardCopyOption.ATOMIC_MOVE);
    return output;
  }

  /** Deletes the staging directory (a failed run). */
  void abort() throws IOException {
    ModelFile.deleteTree(staging);
  }

  /**
   * Deletes the staging directories ({@code .NAME.tmp-*}) that earlier runs of this output left
   * when they were killed: a resumed run is the continuation of such a run.
   */
  private static void deleteStaleStaging(Path output) throws IOException {
    String prefix = "." + output.getFileName() + ".tmp-";
    try (Stream<Path> entries = Files.list(output.getParent())) {
      for (Path p : entries.filter(p -> p.getFileName().toString().startsWith(prefix)).toList()) {
        LOG.info("deleting {}: the staging directory of an interrupted run of {}", p, output);
        ModelFile.deleteTree(p);
      }
    }
  }
}
