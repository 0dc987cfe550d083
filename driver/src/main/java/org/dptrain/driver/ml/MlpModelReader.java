package org.dptrain.driver.ml;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.function.BiFunction;
import org.apache.hadoop.fs.FileStatus;
import org.apache.hadoop.fs.FileSystem;
import org.apache.hadoop.fs.Path;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.DefaultParamsReader;
import org.apache.spark.ml.util.MLReader;
import org.dptrain.driver.fs.HadoopFiles;
import org.dptrain.json.BadDocumentException;
import org.dptrain.json.BoundedJson;
import org.dptrain.model.Model;

/**
 * Loads what {@link MlpModelWriter} saved: Spark's metadata (which must name the expected class)
 * gives the uid and the params, {@link HadoopFiles#readModel} the network, verified against its
 * SHA-256. Nothing is deserialized as a Java object: the metadata is JSON, the model is
 * model.json plus little-endian doubles. The metadata is read here, at most
 * {@value #MAX_METADATA_BYTES} bytes, and checked by {@link BoundedJson} (nesting, lengths,
 * duplicate keys) before Spark's {@code DefaultParamsReader.parseMetadata} reads its params.
 *
 * @param <M> the model class
 */
final class MlpModelReader<M extends Params> extends MLReader<M> {
  /** Most bytes of a stage's metadata read (it holds the class, uid and params: a few KiB). */
  static final long MAX_METADATA_BYTES = 1L << 20;

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
    HadoopFiles store = HadoopFiles.of(sparkSession());
    DefaultParamsReader.Metadata metadata;
    Path dir = new Path(store.path(path), MlpModelWriter.MODEL_DIR);
    Model model;
    try {
      metadata = DefaultParamsReader.parseMetadata(metadataJson(store, path), type.getName());
      model = store.readModel(dir);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot load " + type.getSimpleName() + " from " + path
          + ": " + e.getMessage(), e);
    }
    M instance = factory.apply(metadata.uid(), model);
    metadata.getAndSetParams(instance, scala.Option.empty());
    return instance;
  }

  /**
   * The one line of JSON Spark's writer left in {@code path/metadata} (in its first non-empty
   * part file), checked by {@link BoundedJson}.
   *
   * @throws BadDocumentException if it is past the limits, not JSON, or missing
   */
  static String metadataJson(HadoopFiles store, String path) throws IOException {
    Path metadataDir = new Path(store.path(path), "metadata");
    FileSystem fs = store.fs(metadataDir);
    if (!fs.exists(metadataDir)) {
      throw new BadDocumentException(metadataDir + " is missing");
    }
    for (FileStatus f : store.list(metadataDir)) {
      String name = f.getPath().getName();
      if (!f.isFile() || !name.startsWith("part-") || f.getLen() == 0) {
        continue;
      }
      byte[] bytes;
      try (InputStream in = fs.open(f.getPath())) {
        bytes = BoundedJson.readAtMost(in, MAX_METADATA_BYTES, f.getPath().toString());
      }
      String text = new String(bytes, StandardCharsets.UTF_8);
      int eol = text.indexOf('\n');
      String line = eol < 0 ? text : text.substring(0, eol);
      JsonNode root = BoundedJson.readTree(line.getBytes(StandardCharsets.UTF_8),
          f.getPath().toString());
      if (!root.isObject()) {
        throw new BadDocumentException(f.getPath() + " must hold a JSON object");
      }
      return line;
    }
    throw new BadDocumentException(metadataDir + " holds no part file with Spark's metadata");
  }
}
