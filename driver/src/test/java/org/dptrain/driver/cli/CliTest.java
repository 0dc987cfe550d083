package org.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The command line end to end on the example jobs, in the shared local Spark session. */
class CliTest {
  static final Path JOBS = Paths.get("..", "conf", "jobs").toAbsolutePath().normalize();

  @TempDir
  Path tmp;

  /** stdout, stderr and exit code of one run. */
  record Run(int code, String out, String err) {}

  @BeforeAll
  static void spark() {
    SparkTestSession.get();
  }

  static synchronized Run cli(String... args) {
    PrintStream oldOut = System.out;
    PrintStream oldErr = System.err;
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try {
      System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
      System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
      int code = Main.run(args);
      return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    } finally {
      System.setOut(oldOut);
      System.setErr(oldErr);
    }
  }

  @Test
  void xorJobLearnsXorAndWritesARunDirectory() throws Exception {
    Path out = tmp.resolve("xor");
    Run r = cli("train", "--config", JOBS.resolve("xor.yaml").toString(), "--output", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("epoch 300/300"), r.out());
    assertTrue(r.out().contains("validation accuracy 1.0000"), r.out());
    Model m = ModelFile.read(out);
    assertArrayEquals(new int[] {2, 4, 1}, m.spec().layers());
    assertEquals("binary", m.extra().get("task").asText());
    JsonNode config = m.extra().get("provenance").get("config");
    assertEquals(0.5, config.get("lr").asDouble());
    assertEquals(JOBS.resolve("data/xor.csv").toString(), config.get("data").asText());
    List<String> lines = Files.readAllLines(out.resolve("metrics.jsonl"));
    assertEquals(300, lines.size());
    JsonNode last = new ObjectMapper().readTree(lines.get(299));
    assertEquals(300, last.get("epoch").asInt());
    assertEquals(1.0, last.get("validation").get("accuracy").asDouble());
    assertNoStaging(tmp);

    Run inspect = cli("inspect", "--model", out.toString());
    assertEquals(0, inspect.code(), inspect.err());
    assertTrue(inspect.out().contains("layers     [2, 4, 1]"), inspect.out());
    assertTrue(inspect.out().contains("parameters 17 (weights.bin verified)"), inspect.out());

    Run eval = cli("evaluate", "--model", out.toString(), "--data",
        JOBS.resolve("data/xor.csv").toString());
    assertEquals(0, eval.code(), eval.err());
    assertTrue(eval.out().startsWith("100 examples: accuracy 1.0000"), eval.out());

    Path predictions = tmp.resolve("xor.parquet");
    Run predict = cli("predict", "--model", out.toString(), "--data",
        JOBS.resolve("data/xor.csv").toString(), "--output", predictions.toString());
    assertEquals(0, predict.code(), predict.err());
    Dataset<Row> p = SparkTestSession.get().read().parquet(predictions.toString());
    assertEquals(List.of("label", "prediction", "probability"), List.of(p.columns()));
    assertEquals(100, p.count());
    assertEquals(0, p.filter("label != prediction").count());
  }

  @Test
  void predictOnCsvWithoutLabelsWritesNullLabels() throws Exception {
    Path out = tmp.resolve("xor-unlabeled");
    Run r = cli("train", "--config", JOBS.resolve("xor.yaml").toString(), "--epochs", "2",
        "--output", out.toString());
    assertEquals(0, r.code(), r.err());
    Path data = Files.createDirectories(tmp.resolve("unlabeled")).resolve("x.csv");
    Files.writeString(data, "x1,x2\n0,0\n0,1\n1,0\n1,1\n1,1\n", StandardCharsets.UTF_8);
    Path predictions = tmp.resolve("unlabeled.parquet");
    Run predict = cli("predict", "--model", out.toString(), "--data", data.toString(),
        "--output", predictions.toString());
    assertEquals(0, predict.code(), predict.err());
    Dataset<Row> p = SparkTestSession.get().read().parquet(predictions.toString());
    assertEquals(List.of("label", "prediction", "probability"), List.of(p.columns()));
    assertEquals(5, p.count());
    assertEquals(5, p.filter("label IS NULL").count());
    assertEquals(5, p.filter("prediction IN (0.0, 1.0)").count());
    Run eval = cli("evaluate", "--model", out.toString(), "--data", data.toString());
    assertTrue(eval.code() != 0, "evaluate still needs labels");
    assertTrue(eval.err().contains("label column \"label\" is not in the header"), eval.err());
  }

  @Test
  void flagsOverrideTheJobFile() throws Exception {
    Path out = tmp.resolve("xor-short");
    Run r = cli("train", "--config", JOBS.resolve("xor.yaml").toString(), "--epochs", "3",
        "--lr", "0.1", "--output", out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("epoch 3/3"), r.out());
    JsonNode config = ModelFile.read(out).extra().get("provenance").get("config");
    assertEquals(3, config.get("epochs").asInt());
    assertEquals(0.1, config.get("lr").asDouble());
    assertEquals(4, config.get("batch-size").asInt(), "from the job file");
  }

  @Test
  void sameSeedSameModelBitForBit() throws Exception {
    String[] common = {"train", "--config", JOBS.resolve("circles.yaml").toString(), "--epochs",
        "4", "--partitions", "3"};
    Run a = cli(concat(common, "--output", tmp.resolve("a").toString()));
    Run b = cli(concat(common, "--output", tmp.resolve("b").toString()));
    assertEquals(0, a.code(), a.err());
    assertEquals(0, b.code(), b.err());
    assertArrayEquals(Files.readAllBytes(tmp.resolve("a/weights.bin")),
        Files.readAllBytes(tmp.resolve("b/weights.bin")));
  }

  @Test
  void regressionJobFromLibsvmWithScaling() throws Exception {
    Path out = tmp.resolve("reg");
    Run r = cli("train", "--config", JOBS.resolve("regression.yaml").toString(), "--output",
        out.toString());
    assertEquals(0, r.code(), r.err());
    Model m = ModelFile.read(out);
    assertEquals("standardize", m.extra().get("featureScaling").get("method").asText());
    double r2 = m.extra().get("metrics").get("validation").get("r2").asDouble();
    assertTrue(r2 > 0.95, "r2 " + r2);
    Run eval = cli("evaluate", "--model", out.toString(), "--data",
        JOBS.resolve("data/regression.libsvm").toString(), "--format", "libsvm", "--json");
    assertEquals(0, eval.code(), eval.err());
    JsonNode metrics = new ObjectMapper().readTree(eval.out());
    assertEquals(r2, metrics.get("r2").asDouble(), 1e-12, "evaluate applies the stored scaling");
    Path predictions = tmp.resolve("reg.parquet");
    Run predict = cli("predict", "--model", out.toString(), "--data",
        JOBS.resolve("data/regression.libsvm").toString(), "--output", predictions.toString());
    assertEquals(0, predict.code(), predict.err());
    Row sums = SparkTestSession.get().read().parquet(predictions.toString())
        .selectExpr("sum((prediction - label) * (prediction - label))", "count(*)").first();
    double rmse = Math.sqrt(sums.getDouble(0) / sums.getLong(1));
    assertEquals(metrics.get("rmse").asDouble(), rmse, 1e-9, "predict applies the stored scaling");
  }

  @Test
  void warmStartContinuesAndRefusesOtherLayers() throws Exception {
    Path first = tmp.resolve("first");
    assertEquals(0, cli("train", "--config", JOBS.resolve("xor.yaml").toString(), "--epochs", "2",
        "--output", first.toString()).code());
    Run warm = cli("train", "--config", JOBS.resolve("xor.yaml").toString(), "--epochs", "2",
        "--init-model", first.toString(), "--output", tmp.resolve("second").toString());
    assertEquals(0, warm.code(), warm.err());
    Run bad = cli("train", "--config", JOBS.resolve("xor.yaml").toString(), "--layers", "2,3,1",
        "--init-model", first.toString(), "--output", tmp.resolve("third").toString());
    assertEquals(2, bad.code());
    assertEquals("dptrain: error: --init-model " + first + " has layers 2,4,1 but --layers is"
        + " 2,3,1; a warm start needs the same layers\n", bad.err());
    assertFalse(Files.exists(tmp.resolve("third")));
  }

  @Test
  void earlyStoppingKeepsTheBestEpoch() throws Exception {
    Path out = tmp.resolve("early");
    Run r = cli("train", "--config", JOBS.resolve("circles.yaml").toString(), "--epochs", "200",
        "--early-stopping", "log_loss", "--patience", "2", "--lr", "0.2", "--output",
        out.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().contains("early stopping: validation log_loss has not improved for 2"
        + " epochs"), r.out());
    Model m = ModelFile.read(out);
    int kept = m.extra().get("training").get("keptEpoch").asInt();
    int run = m.extra().get("training").get("epochsRun").asInt();
    assertEquals(run - 2, kept);
    assertTrue(m.extra().get("training").get("stoppedEarly").asBoolean());
  }

  @Test
  void usageErrorsNameWhatIsWrong() throws Exception {
    Run noLayers = cli("train", "--data", JOBS.resolve("data/xor.csv").toString());
    assertEquals(2, noLayers.code());
    assertEquals("dptrain: error: --layers is required, e.g. --layers 784,256,128,10\n",
        noLayers.err());

    Run badActivation = cli("train", "--data", JOBS.resolve("data/xor.csv").toString(),
        "--layers", "2,4,1", "--activations", "tanh,sigmod", "--loss", "binary_cross_entropy",
        "--output", tmp.resolve("x").toString());
    assertEquals(2, badActivation.code());
    assertEquals("dptrain: error: unknown activation 'sigmod'; valid names: step, sigmoid, tanh,"
        + " relu, leaky_relu, softplus, linear, softmax\n", badActivation.err());

    Run badKey = cli("train", "--config", write("bad.yaml", "layers: [2, 1]\nlearning-rate: 3\n"));
    assertEquals(2, badKey.code());
    assertTrue(badKey.err().startsWith("dptrain: error: " + tmp.resolve("bad.yaml")
        + ": unknown key 'learning-rate'; valid keys: "), badKey.err());

    Run badFlag = cli("train", "--epoch", "3");
    assertEquals(2, badFlag.code());
    assertTrue(badFlag.err().startsWith("dptrain: error: Unknown options: '--epoch', '3'\n"
        + "see: dptrain train --help"), badFlag.err());

    Run localSteps = cli("train", "--config", JOBS.resolve("xor.yaml").toString(),
        "--local-steps", "two", "--output", tmp.resolve("y").toString());
    assertEquals(2, localSteps.code());
    assertEquals("dptrain: error: --local-steps 'two' must be a whole number >= 1 or 'epoch'\n",
        localSteps.err());

    Run noValidation = cli("train", "--data", JOBS.resolve("data/xor.csv").toString(),
        "--layers", "2,4,1", "--activations", "tanh,sigmoid", "--loss", "binary_cross_entropy",
        "--early-stopping", "accuracy", "--output", tmp.resolve("z").toString());
    assertEquals(2, noValidation.code());
    assertEquals("dptrain: error: --early-stopping accuracy needs --validation data to measure it"
        + " on\n", noValidation.err());
  }

  @Test
  void badDataLeavesNoOutputBehind() throws Exception {
    String data = write("bad.csv", "x1,x2,label\n0,0,0\n0,abc,1\n");
    Path out = tmp.resolve("never");
    Run r = cli("train", "--data", data, "--layers", "2,4,1", "--activations", "tanh,sigmoid",
        "--loss", "binary_cross_entropy", "--output", out.toString());
    assertEquals(2, r.code(), r.err());
    assertEquals("dptrain: error: file:" + data + " line 3: column \"x2\" value \"abc\" is not a"
        + " number\n", r.err());
    assertFalse(Files.exists(out));
    assertNoStaging(tmp);
  }

  @Test
  void anExistingOutputIsNeverOverwritten() throws Exception {
    Path out = Files.createDirectories(tmp.resolve("exists"));
    Run r = cli("train", "--config", JOBS.resolve("xor.yaml").toString(), "--output",
        out.toString());
    assertEquals(2, r.code());
    assertEquals("dptrain: error: " + out + ": output directory exists; choose another --output or"
        + " remove it\n", r.err());
  }

  private String write(String name, String text) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p.toString();
  }

  private static void assertNoStaging(Path dir) throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      List<String> hidden = s.map(p -> p.getFileName().toString()).filter(n -> n.startsWith("."))
          .toList();
      assertEquals(List.of(), hidden);
    }
  }

  private static String[] concat(String[] a, String... b) {
    String[] r = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, r, a.length, b.length);
    return r;
  }
}
