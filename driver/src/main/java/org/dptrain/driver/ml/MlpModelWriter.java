package org.dptrain.driver.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsWriter;
import org.apache.spark.ml.util.MLWriter;
import org.dptrain.driver.fs.HadoopFiles;
import org.dptrain.model.Model;

/**
 * Saves a model stage as a directory on any Hadoop filesystem:
 *
 * <pre>
 * PATH/metadata/   Spark's param metadata (class, uid, params), as every Spark ML stage has it
 * PATH/model/      a dptrain model directory: model.json + weights.bin ({@link HadoopFiles})
 * </pre>
 *
 * {@code PATH/model} is an ordinary dptrain model directory, so {@code dptrain predict},
 * {@code evaluate} and {@code inspect} read it as they are. It is written under a hidden name and
 * renamed into place; the metadata is written first, so a stage whose {@code model} directory
 * exists is complete. Overwriting ({@code write().overwrite()}) is Spark's: the old directory is
 * deleted first.
 */
final class MlpModelWriter extends MLWriter {
  /** The dptrain model directory inside a saved stage. */
  static final String MODEL_DIR = "model";

  private final Params instance;
  private final Model model;

  MlpModelWriter(Params instance, Model model) {
    this.instance = instance;
    this.model = model;
  }

  /**
   * Writes {@code path/metadata} and {@code path/model}.
   *
   * @throws UncheckedIOException if the model directory cannot be written (the message names it)
   */
  @Override
  public void saveImpl(String path) {
    DefaultParamsWriter.saveMetadata(instance, path, sparkSession());
    HadoopFiles store = HadoopFiles.of(sparkSession());
    Path dir = new Path(store.path(path), MODEL_DIR);
    try {
      store.writeModel(dir, model);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot write the dptrain model " + dir + ": "
          + e.getMessage(), e);
    }
  }
}
