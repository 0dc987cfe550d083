package org.dptrain.driver.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.ml.Estimator;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What the Python package and Spark Connect need from the JVM classes: the params manifest, the
 * service-loader entries and no-argument constructors, a model's size, layers and training
 * history.
 */
class PythonSupportTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  /** The committed manifest the Python package reads. */
  static final Path MANIFEST = Paths.get("..", "python", "dptrain", "params.json")
      .toAbsolutePath().normalize();

  @TempDir
  Path tmp;

  /**
   * The committed manifest is what the classes declare today. To regenerate it after changing a
   * param: {@code mvn -o -B -pl driver -am test -Dtest=PythonSupportTest
   * -Dsurefire.failIfNoSpecifiedTests=false -Ddptrain.writeManifest=true}.
   */
  @Test
  void theCommittedParamsManifestIsCurrent() throws Exception {
    String expected = ParamsManifest.json();
    if (Boolean.getBoolean("dptrain.writeManifest")) {
      Files.writeString(MANIFEST, expected, StandardCharsets.UTF_8);
    }
    assertEquals(expected, Files.readString(MANIFEST, StandardCharsets.UTF_8), MANIFEST
        + " is stale: regenerate it with -Ddptrain.writeManifest=true (see this test's Javadoc)");

    JsonNode classifier = JSON.readTree(expected).get("classes")
        .get(MlpClassifier.class.getName()).get("params");
    Map<String, JsonNode> byName = new java.util.HashMap<>();
    classifier.forEach(p -> byName.put(p.get("name").asText(), p));
    assertEquals("float", byName.get("learningRate").get("type").asText());
    assertEquals(new MlpClassifier().getLearningRate(),
        byName.get("learningRate").get("default").asDouble(), 0.0);
    assertEquals("list[int]", byName.get("layers").get("type").asText());
    assertFalse(byName.get("layers").has("default"), "layers has no default");
    assertEquals("long", byName.get("seed").get("type").asText());
    assertEquals("cross_entropy", byName.get("loss").get("default").asText());
    assertEquals(new MlpClassifier().getSeed(), byName.get("seed").get("default").asLong());
  }

  @Test
  void theServiceLoaderFindsTheEstimatorsAndModels() {
    Set<String> estimators = ServiceLoader.load(Estimator.class).stream()
        .map(p -> p.type().getName()).collect(Collectors.toSet());
    Set<String> transformers = ServiceLoader.load(Transformer.class).stream()
        .map(p -> p.type().getName()).collect(Collectors.toSet());
    assertTrue(estimators.containsAll(Set.of(MlpClassifier.class.getName(),
        MlpRegressor.class.getName())), estimators.toString());
    assertTrue(transformers.containsAll(Set.of(MlpClassificationModel.class.getName(),
        MlpRegressionModel.class.getName())), transformers.toString());
  }

  @Test
  void aServiceLoaderModelRefusesToPredictByName() {
    MlpClassificationModel empty = new MlpClassificationModel();
    IllegalStateException e = assertThrows(IllegalStateException.class,
        () -> empty.predictRaw(Vectors.dense(1, 2)));
    assertTrue(e.getMessage().contains("MlpClassificationModel holds no network"),
        e.getMessage());
    assertTrue(empty.toString().contains("no network"), empty.toString());
    assertEquals(MlpModelState.OVERHEAD_BYTES, empty.estimatedSize());
    assertEquals(empty.uid(), empty.copy(org.apache.spark.ml.param.ParamMap.empty()).uid());
    MlpRegressionModel emptyRegression = new MlpRegressionModel();
    e = assertThrows(IllegalStateException.class, emptyRegression::numFeatures);
    assertTrue(e.getMessage().contains("MlpRegressionModel holds no network"), e.getMessage());
  }

  @Test
  void aFittedModelKnowsItsLayersSizeAndHistoryAndSavesThem() throws Exception {
    Dataset<Row> data = MlTestData.assembler("f0", "f1", "f2", "f3")
        .transform(MlTestData.blobs(120, 3));
    MlpClassificationModel model = new MlpClassifier().setLayers(5, 3)
        .setActivations("tanh", "softmax").setEpochs(3).setBatchSize(16).setNumPartitions(2)
        .setScale("standardize").setSeed(11).fit(data);

    assertArrayEquals(new int[] {4, 5, 3}, model.layers());
    int numParams = 4 * 5 + 5 + 5 * 3 + 3;
    long size = model.estimatedSize();
    assertTrue(size >= 8L * (numParams + 2 * 4) + MlpModelState.OVERHEAD_BYTES, "size " + size);
    assertTrue(size < 8L * (numParams + 2 * 4) + MlpModelState.OVERHEAD_BYTES + 20_000,
        "size " + size);

    JsonNode history = JSON.readTree(model.trainingHistoryJson());
    assertEquals(3, history.size());
    for (int e = 0; e < 3; e++) {
      assertEquals(e + 1, history.get(e).get("epoch").asInt());
      assertEquals(120, history.get(e).get("examples").asLong());
      assertEquals((e + 1) * 8, history.get(e).get("step").asLong(), "8 steps of 16 per epoch");
    }
    assertTrue(model.hasSummary());
    double[] losses = model.summary().objectiveHistory();
    assertEquals(3, model.summary().totalIterations());
    for (int e = 0; e < 3; e++) {
      assertEquals(history.get(e).get("trainLoss").asDouble(), losses[e], 0.0);
    }
    assertTrue(model.toString().contains("layers=[4, 5, 3]"), model.toString());

    Path dir = tmp.resolve("model");
    model.save(dir.toString());
    MlpClassificationModel loaded = MlpClassificationModel.load(dir.toString());
    assertEquals(model.trainingHistoryJson(), loaded.trainingHistoryJson());
    assertArrayEquals(losses, loaded.summary().objectiveHistory(), 0.0);
    assertEquals(size, loaded.estimatedSize());

    MlpRegressionModel regression = new MlpRegressor().setLayers(4, 1)
        .setActivations("tanh", "linear").setEpochs(2).setSeed(5).fit(data);
    assertArrayEquals(new int[] {4, 4, 1}, regression.layers());
    assertEquals(2, regression.summary().totalIterations());
    assertEquals(2, JSON.readTree(regression.trainingHistoryJson()).size());
  }
}
