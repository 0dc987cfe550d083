package org.dptrain.driver.train;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import org.apache.spark.sql.SparkSession;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.driver.data.Targets;
import org.dptrain.linalg.Blas;
import org.dptrain.model.ModelFile;
import org.dptrain.network.NetworkSpec;

/**
 * The model.json fields every model trained on Spark carries beside its network, the same from
 * {@code dptrain train} and from the Spark ML estimators: {@code task}, {@code numFeatures},
 * {@code classNames} (when the labels were class names),
 * {@code featureScaling} (when scaling) and {@code provenance}: versions, master, partitions, BLAS,
 * the training data's size and digest ({@link DataDigest}) and {@code config}, the job's settings
 * under their keys ({@link org.dptrain.driver.config.JobConfig#toMap}).
 */
public final class Provenance {
  private static final ObjectMapper JSON = new ObjectMapper();

  private Provenance() {}

  /**
   * The extra fields of a model trained on {@code data} with {@code config}; callers add their
   * own ({@code training}, {@code metrics}, ...).
   */
  public static ObjectNode modelExtra(SparkSession spark, Targets targets, NetworkSpec spec,
      FeatureScaling scaling, int partitions, DataDigest data, Map<String, Object> config) {
    ObjectNode extra = JsonNodeFactory.instance.objectNode();
    extra.put("task", targets.type().name().toLowerCase(Locale.ROOT));
    extra.put("numFeatures", spec.inputSize());
    if (targets.classNames() != null) {
      targets.classNames().forEach(extra.putArray(ModelFile.CLASS_NAMES)::add);
    }
    if (scaling != null) {
      scaling.writeTo(extra);
    }
    ObjectNode provenance = extra.putObject("provenance");
    provenance.put("dptrainVersion", version());
    provenance.put("sparkVersion", spark.version());
    provenance.put("javaVersion", System.getProperty("java.version"));
    provenance.put("master", spark.sparkContext().master());
    provenance.put("partitions", partitions);
    provenance.put("blas", Blas.describe());
    provenance.put("trainingExamples", data.examples());
    provenance.put("trainingDataSha256", data.sha256());
    provenance.set("config", JSON.valueToTree(config));
    return extra;
  }

  /** The dptrain version, from the build's {@code org/dptrain/driver/version.properties}. */
  public static String version() {
    try (InputStream in = Provenance.class.getResourceAsStream(
        "/org/dptrain/driver/version.properties")) {
      if (in == null) {
        throw new IllegalStateException("version.properties is missing from the build");
      }
      Properties p = new Properties();
      p.load(in);
      return p.getProperty("version");
    } catch (IOException e) {
      throw new IllegalStateException("cannot read version.properties: " + e.getMessage(), e);
    }
  }
}
