package org.dptrain.driver.cli;

import static org.dptrain.driver.cli.CliTest.JOBS;
import static org.dptrain.driver.cli.CliTest.cli;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.dptrain.activation.Activation;
import org.dptrain.driver.cli.CliTest.Run;
import org.dptrain.driver.eval.Metric;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.dptrain.network.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mistakes in options, job files and outputs are refused before Spark starts, naming the option,
 * or the job file, line and key.
 */
class CliChecksTest {
  @TempDir
  Path tmp;

  /** Runs the command and checks it failed with exit 2 and {@code message}, without a Spark
   *  session left behind when there was none before. */
  private static void refused(String message, String... args) {
    boolean before = SparkSession.getDefaultSession().isDefined();
    Run r = cli(args);
    assertEquals(2, r.code(), r.err());
    assertEquals("dptrain: error: " + message + "\n", r.err());
    if (!before) {
      assertFalse(SparkSession.getDefaultSession().isDefined(), "Spark was started");
    }
  }

  private static String xor() {
    return JOBS.resolve("xor.yaml").toString();
  }

  private Path write(String name, String text) throws Exception {
    Path p = tmp.resolve(name);
    Files.writeString(p, text);
    return p;
  }

  @Test
  void rangesAreCheckedBeforeSpark() {
    refused("--epochs must be at least 1, got -1", "train", "--config", xor(), "--epochs", "-1",
        "--output", tmp.resolve("a").toString());
    refused("--batch-size must be at least 1, got 0", "train", "--config", xor(), "--batch-size",
        "0", "--output", tmp.resolve("a").toString());
    refused("--epochs 'ten' is not a whole number", "train", "--config", xor(), "--epochs",
        "ten", "--output", tmp.resolve("a").toString());
  }

  @Test
  void jobFileValueErrorsNameTheFileLineAndKey() throws Exception {
    String data = JOBS.resolve("data/xor.csv").toString();
    Path bad = write("bad.yaml", "data: " + data + "\nlayers: abc\nactivations: [tanh, sigmoid]\n"
        + "loss: binary_cross_entropy\n");
    refused(bad + " line 2: layers 'abc' must be whole numbers separated by commas, e.g."
        + " 784,256,10", "train", "--config", bad.toString());
    Path epochs = write("epochs.yaml", "data: " + data + "\nlayers: [2, 4, 1]\n"
        + "activations: [tanh, sigmoid]\nloss: binary_cross_entropy\nepochs: -1\n");
    refused(epochs + " line 5: epochs must be at least 1, got -1", "train", "--config",
        epochs.toString());
    Path twice = write("twice.yaml", "epochs: 1\nlr: 0.5\nepochs: 2\n");
    refused(twice + ": key 'epochs' is given twice, on line 1 and on line 3", "train", "--config",
        twice.toString());
  }

  @Test
  void everyOutputIsCheckedBeforeSpark() throws Exception {
    Path file = write("file", "not a directory\n");
    refused("--output " + file + "/sub: " + file + " is a file, not a directory, so the"
        + " output directory cannot be created there", "train", "--config", xor(), "--output",
        file + "/sub");
    Path dir = Files.createDirectories(tmp.resolve("dir"));
    refused("--metrics-file " + dir + " is a directory; name a file to append the metrics to",
        "train", "--config", xor(), "--output", tmp.resolve("b").toString(), "--metrics-file",
        dir.toString());
  }

  @Test
  void retrainTakesOnlyTheOptionsItUses() {
    for (String option : new String[] {"--output", "--init-model", "--no-report"}) {
      Run r = cli("retrain", option, "x");
      assertEquals(2, r.code(), r.err());
      assertTrue(r.err().startsWith("dptrain: error: Unknown options: '" + option + "'"),
          r.err());
    }
  }

  @Test
  void helpListsValidNamesFromTheEnums() {
    Run r = cli("train", "--help");
    assertEquals(0, r.code(), r.err());
    String text = r.out().replaceAll("\\s+", " ");
    assertTrue(text.contains(Activation.validNames()), text);
    assertTrue(text.contains(Metric.validNames()), text);
    assertTrue(text.contains("--batch-size=N Global mini-batch: examples averaged into one"
        + " update, split across partitions (default: 32)"), text);
    Run retrain = cli("retrain", "--help");
    assertTrue(retrain.out().replaceAll("\\s+", " ").contains("Metric compared: "
        + Metric.validNames()), retrain.out());
  }

  @Test
  void evaluateAndPredictSayNumFeaturesDefaultsToTheModelsWidth() {
    for (String command : List.of("evaluate", "predict")) {
      Run r = cli(command, "--help");
      assertEquals(0, r.code(), r.err());
      String text = r.out().replaceAll("\\s+", " ");
      assertTrue(text.contains("--num-features=N Feature count (libsvm; default: the model's"
          + " width, which any other value must equal)"), text);
    }
  }

  @Test
  void modelsAreReadThroughTheHadoopFileLayer() throws Exception {
    Path dir = tmp.resolve("model");
    Files.createDirectories(dir);
    ModelFile.writeInto(dir, new Model(NetworkSpec.of(new int[] {2, 3, 1},
        List.of("tanh", "sigmoid"), "binary_cross_entropy"), new double[13]));
    Run r = cli("inspect", "--model", "file://" + dir);
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("model      file://" + dir + "\n"), r.out());
    assertTrue(r.out().contains("parameters 13 (weights.bin verified)"), r.out());
    refused("model directory not found: file://" + tmp.resolve("none"), "inspect", "--model",
        "file://" + tmp.resolve("none"));
  }

  @Test
  void noCommandReplacesAnExistingOutput() throws Exception {
    Path png = write("a.png", "x");
    refused(png + ": file exists; choose another --output or remove it", "plot-activations",
        "--output", png.toString());
  }
}
