package org.dptrain.driver.cli;

import java.io.IOException;
import java.nio.file.Paths;
import org.apache.hadoop.conf.Configuration;
import org.dptrain.driver.fs.HadoopFiles;
import org.dptrain.model.Model;
import picocli.CommandLine.Option;

/**
 * {@code --model} of predict, evaluate, inspect and export: a model directory on any Hadoop
 * filesystem (a plain path is local), read and verified through {@link HadoopFiles} as
 * {@code train --init-model} reads it, before Spark starts.
 */
final class ModelArgs {
  @Option(names = "--model", required = true, paramLabel = "DIR",
      description = "Model directory (any Hadoop filesystem: file://, hdfs://, s3a://; a plain"
          + " path is local)")
  String model;

  /** The model, verified; messages name a local directory by its absolute path. */
  Model read() throws IOException {
    HadoopFiles store = new HadoopFiles(new Configuration());
    return store.readModel(store.path(model), display());
  }

  /** The directory as messages and output name it. */
  String display() {
    return model.matches("[A-Za-z][A-Za-z0-9+.-]*:.*") ? model
        : Paths.get(model).toAbsolutePath().normalize().toString();
  }
}
