package org.dptrain.driver.train;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.dptrain.data.Block;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.driver.cli.Main;
import org.dptrain.driver.config.SettingTable;
import org.dptrain.driver.ml.MlpClassifier;
import org.dptrain.model.ModelFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The provenance of a model: the same shape from the command line and from Spark ML. */
class ProvenanceTest {
  static final Path XOR = Paths.get("..", "conf", "jobs", "data", "xor.csv").toAbsolutePath();

  @TempDir
  Path tmp;

  @Test
  void theDigestIsOfTheDataInPartitionOrder() {
    List<Block> blocks = new ArrayList<>();
    blocks.add(Block.ofRows(new double[][] {{1, 2}, {3, 4}}, new double[][] {{0}, {1}}));
    blocks.add(Block.ofRows(new double[][] {{5, 6}}, new double[][] {{1}}));
    JavaRDD<Block> a = SparkTestSession.context().parallelize(blocks, 2);
    DataDigest d = DataDigest.of(a);
    assertEquals(3, d.examples());
    assertTrue(d.sha256().matches("[0-9a-f]{64}"), d.sha256());
    assertEquals(d, DataDigest.of(SparkTestSession.context().parallelize(blocks, 2)));
    JavaRDD<Block> swapped = SparkTestSession.context().parallelize(
        List.of(blocks.get(1), blocks.get(0)), 2);
    assertNotEquals(d.sha256(), DataDigest.of(swapped).sha256(), "another order");
  }

  @Test
  void theCommandLineAndSparkMlRecordTheSameConfiguration() throws Exception {
    Path out = tmp.resolve("cli");
    assertEquals(0, Main.run("train", "--data", XOR.toString(), "--layers", "2,4,1",
        "--activations", "tanh,sigmoid", "--loss", "binary_cross_entropy", "--epochs", "2",
        "--partitions", "1", "--output", out.toString(), "--no-report"));
    JsonNode cli = ModelFile.read(out).extra().get("provenance");

    Dataset<Row> data = new VectorAssembler().setInputCols(new String[] {"x1", "x2"})
        .setOutputCol("features").transform(SparkTestSession.get().read().option("header", "true")
            .option("inferSchema", "true").csv(XOR.toString()));
    JsonNode ml = new MlpClassifier().setLayers(2, 4, 1).setActivations("tanh", "sigmoid")
        .setLoss("binary_cross_entropy").setEpochs(2).setNumPartitions(1).fit(data).toModel()
        .extra().get("provenance");

    List<String> keys = new ArrayList<>();
    SettingTable.ALL.forEach(s -> keys.add(s.key()));
    for (JsonNode p : List.of(cli, ml)) {
      List<String> got = new ArrayList<>();
      p.get("config").fieldNames().forEachRemaining(got::add);
      assertEquals(keys, got);
      assertEquals(100, p.get("trainingExamples").asLong());
      assertTrue(p.get("trainingDataSha256").asText().matches("[0-9a-f]{64}"));
    }
    for (String key : List.of("layers", "activations", "loss", "lr", "epochs", "partitions",
        "batch-size", "seed", "local-steps", "scale")) {
      assertEquals(cli.get("config").get(key), ml.get("config").get(key), key);
    }
  }
}
