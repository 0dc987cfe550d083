package org.dptrain.driver.report;

import static org.dptrain.driver.config.SettingTable.ACTIVATIONS;
import static org.dptrain.driver.config.SettingTable.BATCH_SIZE;
import static org.dptrain.driver.config.SettingTable.EPOCHS;
import static org.dptrain.driver.config.SettingTable.LAYERS;
import static org.dptrain.driver.config.SettingTable.LEARNING_RATE;
import static org.dptrain.driver.config.SettingTable.LOSS;
import static org.dptrain.driver.config.SettingTable.OPTIMIZER;
import static org.dptrain.driver.config.SettingTable.OUTPUT;
import static org.dptrain.driver.config.SettingTable.PARTITIONS;
import static org.dptrain.driver.config.SettingTable.VALIDATION;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import javax.imageio.ImageIO;
import org.apache.spark.api.java.JavaRDD;
import org.dptrain.data.Block;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.driver.config.JobConfig;
import org.dptrain.driver.config.SettingTable;
import org.dptrain.driver.data.BlockStacker;
import org.dptrain.driver.data.DataFormat;
import org.dptrain.driver.data.DataLoader;
import org.dptrain.driver.data.DataOptions;
import org.dptrain.driver.data.Targets;
import org.dptrain.driver.eval.Evaluator;
import org.dptrain.driver.eval.Metrics;
import org.dptrain.driver.train.EpochRecord;
import org.dptrain.driver.train.TrainingJob;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.dptrain.model.ModelFileException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Reports of real training runs in the shared local Spark session. */
class RunReportTest {
  static final Path DATA = Paths.get("..", "conf", "jobs", "data").toAbsolutePath().normalize();

  @TempDir
  Path tmp;

  static JobConfig settings(DataOptions data, DataOptions validation, int[] layers,
      List<String> activations, String loss, double lr, int batchSize, int epochs, Path out) {
    return JobConfig.builder().set(SettingTable.DATA, data.path())
        .set(VALIDATION, validation == null ? null : validation.path()).set(LAYERS, layers)
        .parse(ACTIVATIONS, String.join(",", activations)).parse(LOSS, loss)
        .parse(OPTIMIZER, "adam").set(LEARNING_RATE, lr).set(BATCH_SIZE, batchSize)
        .set(EPOCHS, epochs).set(PARTITIONS, 2).set(OUTPUT, out.toString()).build();
  }

  static TrainingJob.Result train(JobConfig s) throws Exception {
    return TrainingJob.run(SparkTestSession.get(), s, new PrintStream(new ByteArrayOutputStream(),
        true, StandardCharsets.UTF_8));
  }

  /** Three Gaussian blobs in the plane, 50 points each, labels 0..2, seeded. */
  static Path threeBlobs(Path dir) throws Exception {
    SplittableRandom r = new SplittableRandom(11);
    double[][] centres = {{-2, 0}, {2, 0}, {0, 2.5}};
    StringBuilder b = new StringBuilder("x,y,label\n");
    for (int i = 0; i < 150; i++) {
      int c = i % 3;
      b.append(centres[c][0] + 1.2 * gaussian(r)).append(',')
          .append(centres[c][1] + 1.2 * gaussian(r)).append(',').append(c).append('\n');
    }
    Path file = dir.resolve("blobs.csv");
    Files.writeString(file, b.toString(), StandardCharsets.UTF_8);
    return file;
  }

  private static double gaussian(SplittableRandom r) {
    return Math.sqrt(-2 * Math.log(1 - r.nextDouble())) * Math.cos(2 * Math.PI * r.nextDouble());
  }

  static BufferedImage png(Path file) throws Exception {
    BufferedImage image = ImageIO.read(file.toFile());
    assertNotNull(image, file + " decodes as an image");
    return image;
  }

  @Test
  void multiclassReportHasChartsConfigAndTheEvaluatorsConfusionMatrix() throws Exception {
    Path data = threeBlobs(tmp);
    Path out = tmp.resolve("blobs-run");
    DataOptions d = DataOptions.of(data.toString());
    train(settings(d, d, new int[] {2, 8, 3}, List.of("tanh", "softmax"), "cross_entropy", 0.05,
        16, 4, out));

    List<Path> files = RunReport.write(out);
    assertEquals(List.of(out.resolve("report.html"), out.resolve("loss.png"),
        out.resolve("metric.png"), out.resolve("throughput.png"), out.resolve("confusion.png")),
        files);
    for (String chart : List.of("loss.png", "metric.png", "throughput.png")) {
      BufferedImage image = png(out.resolve(chart));
      assertEquals(Charts.WIDTH, image.getWidth(), chart);
      assertEquals(Charts.HEIGHT, image.getHeight(), chart);
    }
    BufferedImage confusion = png(out.resolve("confusion.png"));
    assertEquals(Charts.confusionSide(3) + Charts.CONFUSION_LEGEND_WIDTH, confusion.getWidth());
    assertEquals(Charts.confusionSide(3), confusion.getHeight());

    // the confusion matrix stored with the run is the Evaluator's on the validation data
    Model model = ModelFile.read(out);
    Targets targets = Targets.of(model.spec().loss(), 3);
    JavaRDD<Block> blocks = BlockStacker.stack(DataLoader.load(SparkTestSession.get(), d,
        targets), targets, 2, null);
    Metrics metrics = Evaluator.evaluate(SparkTestSession.context(), blocks, model.spec(),
        model.weights(), targets.type());
    blocks.unpersist(false);
    long[][] expected = metrics.confusion();
    RunData run = RunData.read(out);
    assertArrayEquals(expected, run.confusion());

    String html = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
    for (int t = 0; t < 3; t++) {
      StringBuilder row = new StringBuilder("<tr><th>" + t + "</th>");
      long total = 0;
      for (int p = 0; p < 3; p++) {
        row.append(p == t ? "<td class=\"diag\">" : "<td>").append(expected[t][p])
            .append("</td>");
        total += expected[t][p];
      }
      row.append("<td class=\"total\">").append(total).append("</td>");
      assertTrue(html.contains(row), "confusion row " + t + " " + row + " in\n" + html);
    }
    assertTrue(html.contains(String.format(java.util.Locale.ROOT,
        "<tr><th>validation accuracy (kept epoch)</th><td>%.4f</td></tr>", metrics.accuracy())),
        html);
    for (String configRow : List.of("<tr><th>lr</th><td>0.05</td></tr>",
        "<tr><th>batch-size</th><td>16</td></tr>", "<tr><th>layers</th><td>[2,8,3]</td></tr>",
        "<tr><th>optimizer</th><td>adam</td></tr>", "<tr><th>data</th><td>" + data + "</td></tr>",
        "<tr><th>init</th><td>(not set)</td></tr>")) {
      assertTrue(html.contains(configRow), configRow + " in\n" + html);
    }
    for (String img : List.of("loss.png", "metric.png", "throughput.png", "confusion.png")) {
      assertTrue(html.contains("<img src=\"" + img + "\""), img);
    }
    assertTrue(html.contains("<tr><th>Spark master</th><td>local[2,2]</td></tr>"), html);
    assertFalse(html.contains("http://") || html.contains("https://") || html.contains("<script"),
        "self-contained: nothing fetched, no script");
  }

  @Test
  void aRunWithoutValidationSaysSoInsteadOfFailing() throws Exception {
    Path out = tmp.resolve("xor-noval");
    train(settings(DataOptions.of(DATA.resolve("xor.csv").toString()), null, new int[] {2, 4, 1},
        List.of("tanh", "sigmoid"), "binary_cross_entropy", 0.05, 4, 2, out));
    List<Path> files = RunReport.write(out);
    assertEquals(List.of(out.resolve("report.html"), out.resolve("loss.png"),
        out.resolve("throughput.png")), files);
    assertFalse(Files.exists(out.resolve("metric.png")));
    assertFalse(Files.exists(out.resolve("confusion.png")));
    String html = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
    assertTrue(html.contains("No validation data: this run was trained without"), html);
    assertTrue(html.contains("No validation data, so no confusion matrix."), html);
    assertTrue(html.contains("<tr><th>validation</th><td>none: the run had no --validation data"
        + "</td></tr>"), html);
  }

  @Test
  void regressionReportChartsTheErrorAndHasNoConfusionMatrix() throws Exception {
    Path out = tmp.resolve("reg");
    DataOptions d = DataOptions.of(DATA.resolve("regression.libsvm").toString())
        .withFormat(DataFormat.LIBSVM).withNumFeatures(2);
    train(settings(d, d, new int[] {2, 8, 1}, List.of("tanh", "linear"), "mse", 0.01, 250, 2,
        out));
    List<Path> files = RunReport.write(out);
    assertEquals(4, files.size(), files.toString());
    assertTrue(Files.exists(out.resolve("metric.png")));
    assertFalse(Files.exists(out.resolve("confusion.png")));
    String html = Files.readString(out.resolve("report.html"), StandardCharsets.UTF_8);
    assertTrue(html.contains("alt=\"Validation error per epoch\""), html);
    assertFalse(html.contains("Confusion matrix"), html);
    RunData run = RunData.read(out);
    EpochRecord last = run.epochs().get(1);
    double rmse = last.validationMetric("rmse");
    assertEquals(rmse * rmse, RunReport.validationLoss(last, run.model()), 1e-15,
        "the mse validation loss is RMSE²");
  }

  @Test
  void sseValidationLossIsHalfKTimesRmseSquared() {
    EpochRecord e = new EpochRecord(1, 1, 0.5, 0.1, 10, 1, 0.5, 0.6, 0.1, 0.1, 10, 1, 1,
        new com.fasterxml.jackson.databind.ObjectMapper().createObjectNode().put("rmse", 2.0));
    Model sse = new Model(org.dptrain.network.NetworkSpec.of(new int[] {2, 3}, List.of("linear"),
        "sse"), new double[9]);
    assertEquals(0.5 * 3 * 4.0, RunReport.validationLoss(e, sse), 1e-15);
  }

  @Test
  void brokenRunDirectoriesAreNamedAndNothingIsWritten() throws Exception {
    Path missing = tmp.resolve("nope");
    RunDirectoryException e = assertThrows(RunDirectoryException.class,
        () -> RunReport.write(missing));
    assertEquals("run directory not found: " + missing, e.getMessage());

    Path empty = Files.createDirectories(tmp.resolve("empty"));
    ModelFileException noModel = assertThrows(ModelFileException.class,
        () -> RunReport.write(empty));
    assertEquals(empty.resolve("model.json") + " is missing", noModel.getMessage());

    Path out = tmp.resolve("xor");
    train(settings(DataOptions.of(DATA.resolve("xor.csv").toString()), null, new int[] {2, 4, 1},
        List.of("tanh", "sigmoid"), "binary_cross_entropy", 0.05, 4, 3, out));
    Path metrics = out.resolve("metrics.jsonl");
    List<String> lines = Files.readAllLines(metrics);
    assertEquals(3, lines.size());

    Files.write(metrics, List.of(lines.get(0), "{\"epoch\": 2, \"trainLoss\": ", lines.get(2)));
    RunDirectoryException corrupt = assertThrows(RunDirectoryException.class,
        () -> RunReport.write(out));
    assertTrue(corrupt.getMessage().startsWith(metrics + " line 2 is not valid JSON: "),
        corrupt.getMessage());

    Files.write(metrics, List.of(lines.get(0), lines.get(1).replace("\"trainLoss\"", "\"x\"")));
    RunDirectoryException field = assertThrows(RunDirectoryException.class,
        () -> RunReport.write(out));
    assertEquals(metrics + " line 2: field 'trainLoss' is missing or not a number",
        field.getMessage());

    Files.write(metrics, List.of(lines.get(0), lines.get(2)));
    RunDirectoryException gap = assertThrows(RunDirectoryException.class,
        () -> RunReport.write(out));
    assertEquals(metrics + " line 2: epoch 3 follows epoch 1; epochs must be consecutive",
        gap.getMessage());

    Files.write(metrics, List.of(""));
    RunDirectoryException none = assertThrows(RunDirectoryException.class,
        () -> RunReport.write(out));
    assertEquals(metrics + " holds no epoch", none.getMessage());

    Files.delete(metrics);
    RunDirectoryException gone = assertThrows(RunDirectoryException.class,
        () -> RunReport.write(out));
    assertEquals(metrics + " is missing; a run directory written by dptrain train has one line"
        + " per epoch there", gone.getMessage());

    try (var left = Files.list(out)) {
      assertEquals(List.of("model.json", "weights.bin"), new ArrayList<>(left.map(p ->
          p.getFileName().toString()).sorted().toList()), "no report, no temporary file");
    }
  }

  @Test
  void aCorruptConfusionMatrixIsNamed() throws Exception {
    Path out = tmp.resolve("circles");
    DataOptions d = DataOptions.of(DATA.resolve("circles.csv").toString());
    train(settings(d, d, new int[] {2, 4, 1}, List.of("tanh", "sigmoid"), "binary_cross_entropy",
        0.05, 32, 1, out));
    Path json = out.resolve("model.json");
    String text = Files.readString(json);
    int at = text.indexOf("\"confusion\"");
    assertTrue(at > 0, text);
    // same length keeps the weights' checksum field untouched; a row of 1 count is not square
    String broken = text.substring(0, at) + text.substring(at).replaceFirst(
        "\\[\\s*\\[\\s*(\\d+)\\s*,\\s*(\\d+)\\s*\\]", "[[$1]");
    Files.writeString(json, broken);
    RunDirectoryException e = assertThrows(RunDirectoryException.class,
        () -> RunReport.write(out));
    assertTrue(e.getMessage().startsWith(json + ": metrics.validation.confusion row 0 must hold"
        + " 2 counts (a square matrix), got ["), e.getMessage());
    try (var left = Files.list(out)) {
      assertEquals(List.of("metrics.jsonl", "model.json", "weights.bin"), left.map(p ->
          p.getFileName().toString()).sorted().toList(), "no chart written before the error");
    }
  }
}
