package org.dptrain.driver.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MlpClassifier in pipelines: fit, transform, save, load, on Spark local[2] with Kryo. */
class MlpClassifierTest {
  @TempDir
  Path tmp;

  static MlpClassifier circlesClassifier() {
    return new MlpClassifier().setLayers(2, 16, 1).setActivations("tanh", "sigmoid")
        .setLoss("binary_cross_entropy").setOptimizer("adam").setLearningRate(0.02)
        .setEpochs(12).setBatchSize(32).setNumPartitions(2).setScale("standardize");
  }

  /** prediction, probability, rawPrediction of every row, in order. */
  static List<Row> outputs(Dataset<Row> transformed) {
    return transformed.select("prediction", "probability", "rawPrediction").collectAsList();
  }

  @Test
  void aBinaryPipelineLearnsSavesAndLoadsWithIdenticalPredictions() throws Exception {
    Dataset<Row> data = MlTestData.circles();
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        MlTestData.assembler("x", "y"), circlesClassifier()});
    PipelineModel fitted = pipeline.fit(data);
    List<Row> before = outputs(fitted.transform(data));
    List<Row> labels = data.select("label").collectAsList();

    long correct = 0;
    for (int i = 0; i < before.size(); i++) {
      Row r = before.get(i);
      double[] p = ((Vector) r.get(1)).toArray();
      double[] raw = ((Vector) r.get(2)).toArray();
      assertEquals(2, p.length);
      assertEquals(1.0, p[0] + p[1], 1e-15, "row " + i);
      assertEquals(-raw[0], raw[1], 0.0, "margins [-z, z]");
      assertEquals(p[1] > p[0] ? 1.0 : 0.0, r.getDouble(0), 0.0, "prediction = argmax, row " + i);
      if (r.getDouble(0) == labels.get(i).getInt(0)) {
        correct++;
      }
    }
    assertTrue(correct > 0.9 * before.size(), correct + " of " + before.size() + " correct");

    Path dir = tmp.resolve("circles-pipeline");
    fitted.save(dir.toString());
    PipelineModel loaded = PipelineModel.load(dir.toString());
    assertEquals(before, outputs(loaded.transform(data)));

    MlpClassificationModel original = (MlpClassificationModel) fitted.stages()[1];
    MlpClassificationModel reloaded = (MlpClassificationModel) loaded.stages()[1];
    assertEquals(original.uid(), reloaded.uid());
    assertArrayEquals(original.toModel().weights(), reloaded.toModel().weights(), 0.0);
    assertEquals(original.extra(), reloaded.extra());
    Path stage = dir.resolve("stages").resolve("1_" + original.uid()).resolve("model");
    assertTrue(Files.isRegularFile(stage.resolve("model.json")), stage + " has model.json");
    assertArrayEquals(original.toModel().weights(),
        org.dptrain.model.ModelFile.read(stage).weights(), 0.0);
  }
}
