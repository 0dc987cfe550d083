package org.dptrain.driver.ml;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.function.BiFunction;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.dptrain.driver.fs.ModelStore;
import org.dptrain.model.Model;

/**
 * Loads what {@link MlpModelWriter} saved: Spark's metadata (which must name the expected class)
 * gives the uid and the params, {@link ModelStore#readModel} the network, verified against its
 * SHA-256. Nothing is deserialized as a Java object: the metadata is JSON, the model is
 * model.json plus little-endian doubles.
 *
 * @param <M> the model class
 */
final class MlpModelReader<M extends Params> extends MLReader<M> {
  private final Class<M> type;
  private final BiFunction<String, Model, M> factory;

  /** @param factory builds the model from the saved uid and the dptrain model */
  MlpModelReader(Class<M> type, BiFunction<String, Model, M> factory) {
    this.type = type;
    this.factory = factory;
  }

  /**
   * @throws IllegalArgumentException if the metadata names another class, or the model does not
   *     fit the class (a regression model loaded as a classifier, say)
   * @throws UncheckedIOException if the model directory is missing, truncated or altered (its
   *     cause is the {@link org.dptrain.model.ModelFileException} naming the file)
   */
  @Override
  public M load(String path) {
    DefaultParamsReader.Metadata metadata =
        DefaultParamsReader.loadMetadata(path, sparkSession(), type.getName());
    ModelStore store = ModelStore.of(sparkSession());
    Path dir = new Path(store.path(path), MlpModelWriter.MODEL_DIR);
    Model model;
    try {
      model = store.readModel(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + type.getSimpleName() + " from " + path
          + ": " + e.getMessage(), e);
    }
    M instance = factory.apply(metadata.uid(), model);
    metadata.getAndSetParams(instance, scala.Option.empty());
    return instance;
  }
}
