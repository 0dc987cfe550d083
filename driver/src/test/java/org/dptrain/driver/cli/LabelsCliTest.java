package org.dptrain.driver.cli;

import static org.dptrain.driver.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** train, evaluate and predict on class names and on several regression targets. */
class LabelsCliTest {
  @TempDir
  Path tmp;

  @BeforeAll
  static void spark() {
    SparkTestSession.get();
  }

  private static String resource(String name) throws URISyntaxException {
    return Path.of(LabelsCliTest.class.getResource("/data/" + name).toURI()).toString();
  }

  @Test
  void classNamesFromTrainToPredict() throws Exception {
    String data = resource("species.csv");
    Path model = tmp.resolve("species");
    CliTest.Run train = cli("train", "--data", data, "--label-column", "species", "--layers",
        "2,8,3", "--activations", "tanh,softmax", "--loss", "cross_entropy", "--optimizer",
        "adam", "--lr", "0.05", "--epochs", "40", "--batch-size", "8", "--seed", "3",
        "--no-report", "--output", model.toString());
    assertEquals(0, train.code(), train.err());
    Model m = ModelFile.read(model);
    assertEquals(List.of("setosa", "versicolor", "virginica"), ModelFile.classNames(m));
    CliTest.Run inspect = cli("inspect", "--model", model.toString());
    assertTrue(inspect.out().contains("classes    setosa, versicolor, virginica\n"), inspect.out());

    CliTest.Run eval = cli("evaluate", "--model", model.toString(), "--data", data,
        "--label-column", "species");
    assertEquals(0, eval.code(), eval.err());
    assertTrue(eval.out().startsWith("30 examples: accuracy 1.0000"), eval.out());
    assertTrue(eval.out().contains("classes: setosa, versicolor, virginica"), eval.out());

    Path predictions = tmp.resolve("p.parquet");
    CliTest.Run predict = cli("predict", "--model", model.toString(), "--data", data,
        "--label-column", "species", "--output", predictions.toString());
    assertEquals(0, predict.code(), predict.err());
    Dataset<Row> p = SparkTestSession.get().read().parquet(predictions.toString());
    assertEquals(List.of("label", "prediction", "probability", "labelName", "predictionName"),
        List.of(p.columns()));
    assertEquals(30, p.filter("labelName = predictionName").count());
    assertEquals(10, p.filter("labelName = 'setosa' AND label = 0.0").count());
    assertEquals(10, p.filter("predictionName = 'virginica' AND prediction = 2.0").count());

    Path other = Files.createDirectories(tmp.resolve("other")).resolve("o.csv");
    Files.writeString(other, "x,y,species\n0,3,versicolor\n0,3,iris\n", StandardCharsets.UTF_8);
    CliTest.Run unknown = cli("evaluate", "--model", model.toString(), "--data",
        other.toString(), "--label-column", "species");
    assertEquals(2, unknown.code(), unknown.out());
    assertTrue(unknown.err().contains("file:" + other + " line 3: label column \"species\" value"
        + " \"iris\" is not one of the model's 3 classes (\"setosa\", \"versicolor\","
        + " \"virginica\")"), unknown.err());
    Path none = tmp.resolve("none.parquet");
    CliTest.Run refused = cli("predict", "--model", model.toString(), "--data", other.toString(),
        "--label-column", "species", "--output", none.toString());
    assertEquals(2, refused.code(), refused.out());
    assertFalse(Files.exists(none), "nothing is written");

    CliTest.Run wrongWidth = cli("train", "--data", data, "--label-column", "species",
        "--layers", "2,8,4", "--activations", "tanh,softmax", "--loss", "cross_entropy",
        "--epochs", "1", "--no-report", "--output", tmp.resolve("w").toString());
    assertEquals(2, wrongWidth.code(), wrongWidth.out());
    assertTrue(wrongWidth.err().contains(data + " has 3 class names (\"setosa\", \"versicolor\","
        + " \"virginica\") but the network has 4 classes"), wrongWidth.err());
    assertFalse(Files.exists(tmp.resolve("w")));
  }

  @Test
  void severalTargetsFromTrainToPredict() throws Exception {
    String data = resource("two-targets.csv");
    Path model = tmp.resolve("two");
    CliTest.Run train = cli("train", "--data", data, "--label-columns", "y1,y2", "--layers",
        "2,2", "--activations", "linear", "--loss", "mse", "--optimizer", "adam", "--lr", "0.05",
        "--epochs", "200", "--batch-size", "8", "--seed", "5", "--no-report", "--output",
        model.toString());
    assertEquals(0, train.code(), train.err());
    CliTest.Run eval = cli("evaluate", "--model", model.toString(), "--data", data,
        "--label-columns", "y1,y2", "--json");
    assertEquals(0, eval.code(), eval.err());
    com.fasterxml.jackson.databind.JsonNode metrics =
        new com.fasterxml.jackson.databind.ObjectMapper().readTree(eval.out());
    assertEquals(2, metrics.get("outputs").size());
    assertTrue(metrics.get("rmse").asDouble() < 0.05, eval.out());
    assertTrue(metrics.get("outputs").get(1).get("r2").asDouble() > 0.99, eval.out());
    CliTest.Run text = cli("evaluate", "--model", model.toString(), "--data", data,
        "--label-columns", "y1,y2");
    assertTrue(text.out().contains("  output 0 (y1): rmse "), text.out());
    assertTrue(text.out().contains("  output 1 (y2): rmse "), text.out());

    Path predictions = tmp.resolve("p.parquet");
    CliTest.Run predict = cli("predict", "--model", model.toString(), "--data", data,
        "--label-columns", "y1,y2", "--output", predictions.toString());
    assertEquals(0, predict.code(), predict.err());
    List<Row> rows = SparkTestSession.get().read().parquet(predictions.toString())
        .collectAsList();
    assertEquals(40, rows.size());
    Vector label = rows.get(0).getAs("label");
    Vector prediction = rows.get(0).getAs("prediction");
    assertEquals(2, label.size());
    assertEquals(label.apply(0), prediction.apply(0), 0.1);
    assertEquals(label.apply(1), prediction.apply(1), 0.1);

    CliTest.Run wrong = cli("train", "--data", data, "--label-columns", "y1,y2", "--layers",
        "2,3", "--activations", "linear", "--loss", "mse", "--epochs", "1", "--no-report",
        "--output", tmp.resolve("w").toString());
    assertEquals(2, wrong.code(), wrong.out());
    assertTrue(wrong.err().contains(data + " has 2 targets per example but the network has 3"
        + " outputs"), wrong.err());
    CliTest.Run libsvm = cli("train", "--data", resource("small.libsvm"), "--label-columns",
        "y1,y2", "--layers", "3,2", "--activations", "linear", "--loss", "mse", "--epochs", "1",
        "--no-report", "--output", tmp.resolve("l").toString());
    assertEquals(2, libsvm.code(), libsvm.out());
    assertTrue(libsvm.err().contains("libsvm has a single label per line, but 2 label columns"
        + " are asked for (y1, y2)"), libsvm.err());
  }
}
