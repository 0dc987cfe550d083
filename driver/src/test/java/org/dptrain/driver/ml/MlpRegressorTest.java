package org.dptrain.driver.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.dptrain.driver.data.DataValidationException;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.model.Model;
import org.dptrain.network.Initializer;
import org.dptrain.network.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MlpRegressor in pipelines: fit, transform, save, load, on Spark local[2] with Kryo. */
class MlpRegressorTest {
  @TempDir
  Path tmp;

  /** y = 2 x0 - x1 + 0.5 sin(3 x0) + noise(0.05), x uniform in [-1, 1]^2, scaled up by 10. */
  static Dataset<Row> smooth(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      double a = rnd.nextDouble(-1, 1);
      double b = rnd.nextDouble(-1, 1);
      double y = 2 * a - b + 0.5 * Math.sin(3 * a) + 0.05 * rnd.nextGaussian();
      rows.add(RowFactory.create(10 * a, 10 * b, y));
    }
    return MlTestData.spark().createDataFrame(rows, DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("a", DataTypes.DoubleType, false),
        DataTypes.createStructField("b", DataTypes.DoubleType, false),
        DataTypes.createStructField("label", DataTypes.DoubleType, false)}));
  }

  @Test
  void aRegressionPipelineLearnsSavesAndLoadsWithIdenticalPredictions() throws Exception {
    Dataset<Row> data = smooth(400, 1);
    MlpRegressor mlp = new MlpRegressor().setLayers(16, 1).setActivations("tanh", "linear")
        .setScale("standardize").setOptimizer("adam").setLearningRate(0.01).setEpochs(15)
        .setBatchSize(16).setLocalSteps(5).setNumPartitions(2);
    PipelineModel fitted = new Pipeline().setStages(new PipelineStage[] {
        MlTestData.assembler("a", "b"), mlp}).fit(data);
    MlpRegressionModel model = (MlpRegressionModel) fitted.stages()[1];
    assertEquals(2, model.numFeatures());
    assertEquals("standardize", FeatureScaling.fromJson(model.extra().get("featureScaling"))
        .method());
    assertEquals("regression", model.extra().get("task").asText());

    List<Row> before = fitted.transform(data).select("label", "prediction").collectAsList();
    double sse = 0;
    double mean = 0;
    for (Row r : before) {
      mean += r.getDouble(0) / before.size();
    }
    double sst = 0;
    for (Row r : before) {
      sse += Math.pow(r.getDouble(1) - r.getDouble(0), 2);
      sst += Math.pow(r.getDouble(0) - mean, 2);
    }
    assertTrue(1 - sse / sst > 0.95, "R2 " + (1 - sse / sst));

    Path dir = tmp.resolve("regression-pipeline");
    fitted.save(dir.toString());
    PipelineModel loaded = PipelineModel.load(dir.toString());
    assertEquals(before, loaded.transform(data).select("label", "prediction").collectAsList());
    MlpRegressionModel reloaded = (MlpRegressionModel) loaded.stages()[1];
    assertArrayEquals(model.toModel().weights(), reloaded.toModel().weights(), 0.0);

    // a stage is loaded only as the class that saved it
    String stage = dir.resolve("stages").resolve("1_" + model.uid()).toString();
    assertEquals(before.get(0).getDouble(1), MlpRegressionModel.load(stage).predict(
        Vectors.dense(data.first().getDouble(0), data.first().getDouble(1))), 0.0);
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> MlpClassificationModel.load(stage));
    assertTrue(e.getMessage().contains("Expected class name "
        + MlpClassificationModel.class.getName() + " but found class name "
        + MlpRegressionModel.class.getName()), e.getMessage());
  }

  @Test
  void theRegressorTakesOnlyRegressionLossesAndOneOutput() {
    assertEquals("mse", new MlpRegressor().getLoss());
    assertEquals("loss 'cross_entropy' is not one this estimator trains; use mse or sse"
        + " (classification: MlpClassifier)", assertThrows(IllegalArgumentException.class,
        () -> new MlpRegressor().setLoss("cross_entropy")).getMessage());
    Dataset<Row> data = MlTestData.vectors(new double[][] {{1, 2}, {3, 4}},
        new Double[] {0.5, 1.5});
    assertEquals("the estimators train on one numeric label per row (Spark ML's convention), but"
        + " the layers give 2 regression outputs; use 1 output (several targets per example are"
        + " for the command line, --label-columns)",
        assertThrows(IllegalArgumentException.class, () -> new MlpRegressor().setLayers(2)
            .setActivations("linear").fit(data)).getMessage());
    Dataset<Row> nan = MlTestData.vectors(new double[][] {{1, 2}, {3, 4}, {5, 6}},
        new Double[] {0.5, Double.NaN, 1.0});
    assertEquals("input dataset row 1 (0-based): label NaN is not finite", assertThrows(
        DataValidationException.class, () -> new MlpRegressor().setLayers(1)
            .setActivations("linear").setEpochs(1).fit(nan)).getMessage());
    NetworkSpec classifier = NetworkSpec.of(new int[] {2, 2}, List.of("softmax"),
        "cross_entropy");
    assertEquals("a cross_entropy model is a classifier, not a regression model (" + classifier
        + "); use MlpClassificationModel", assertThrows(IllegalArgumentException.class,
        () -> new MlpRegressionModel("r", new Model(classifier,
            Initializer.initialize(classifier, 1L)))).getMessage());
  }
}
