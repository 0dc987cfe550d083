package org.dptrain.driver.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.dptrain.driver.cli.CliTest.Run;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.dptrain.network.Initializer;
import org.dptrain.network.Network;
import org.dptrain.network.NetworkSpec;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code dptrain export} end to end: no Spark, a model directory in, an ONNX file out. */
class ExportCommandTest {
  @TempDir
  Path tmp;

  /** A binary classifier 4-6-1 (tanh, sigmoid) with standardize scaling, written to dir. */
  static Model writeModel(Path dir) throws Exception {
    NetworkSpec spec = NetworkSpec.of(new int[] {4, 6, 1}, List.of("tanh", "sigmoid"),
        "binary_cross_entropy");
    FeatureScaling scaling = new FeatureScaling(FeatureScaling.STANDARDIZE,
        new double[] {1, -2, 30, 0.5}, new double[] {2, 0.5, 10, 1});
    ObjectNode extra = JsonNodeFactory.instance.objectNode();
    extra.put("task", "binary");
    extra.set("featureScaling", scaling.toJson());
    Model m = new Model(spec, Initializer.initialize(spec, 3), extra);
    ModelFile.write(dir, m);
    return m;
  }

  @Test
  void exportsAFileOnnxRuntimeRunsAsPredictDoes() throws Exception {
    Path dir = tmp.resolve("model");
    Model m = writeModel(dir);
    Path onnx = tmp.resolve("served").resolve("model.onnx");
    Run r = CliTest.cli("export", "--model", dir.toString(), "--onnx", onnx.toString());
    assertEquals(0, r.code(), r.err());
    assertTrue(r.out().startsWith("ONNX model written to " + onnx + " (" + Files.size(onnx)
        + " bytes, IR version 8, opset 17)"), r.out());
    assertTrue(r.out().contains("input  features float64 [N, 4] (standardize scaling included)"),
        r.out());
    assertTrue(r.out().contains("output probability float64 [N, 1]"), r.out());

    // 1,000 rows through ONNX Runtime and through predict's path (scaling, then forward)
    SplittableRandom rng = new SplittableRandom(11);
    double[][] rows = new double[1000][4];
    double[][] scaled = new double[1000][];
    for (int i = 0; i < rows.length; i++) {
      for (int j = 0; j < 4; j++) {
        rows[i][j] = -40 + 80 * rng.nextDouble();
      }
      scaled[i] = rows[i].clone();
      FeatureScaling.of(m).apply(scaled[i], 0, 1);
    }
    double[][] ours = new Network(m.spec()).predict(m.weights(), scaled);
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession session = env.createSession(onnx.toString());
        OnnxTensor in = OnnxTensor.createTensor(env, rows);
        OrtSession.Result result = session.run(Map.of("features", in))) {
      assertEquals(List.of("probability"), List.copyOf(session.getOutputNames()));
      double[][] theirs = (double[][]) result.get(0).getValue();
      for (int i = 0; i < rows.length; i++) {
        assertArrayEquals(ours[i], theirs[i], 1e-12, "row " + i);
      }
    }

    Run f32 = CliTest.cli("export", "--model", dir.toString(), "--onnx", onnx.toString(),
        "--dtype", "float32", "--force");
    assertEquals(0, f32.code(), f32.err());
    assertTrue(f32.out().contains("input  features float32 [N, 4]"), f32.out());
    try (Stream<Path> files = Files.list(onnx.getParent())) {
      assertEquals(List.of(onnx), files.toList(), "no temporary file is left");
    }
  }

  @Test
  void anExistingFileIsKeptWithoutForce() throws Exception {
    Path dir = tmp.resolve("model");
    writeModel(dir);
    Path onnx = tmp.resolve("model.onnx");
    Files.writeString(onnx, "keep me");
    Run r = CliTest.cli("export", "--model", dir.toString(), "--onnx", onnx.toString());
    assertEquals(2, r.code());
    assertEquals("dptrain: error: " + onnx + ": file exists; choose another --onnx or pass"
        + " --force to replace it", r.err().strip());
    assertEquals("keep me", Files.readString(onnx));
  }

  @Test
  void badModelsAndOptionsAreErrorsThatWriteNothing() throws Exception {
    Path onnx = tmp.resolve("out.onnx");
    Path missing = tmp.resolve("no-such-model");
    assertError("model directory not found: " + missing,
        "export", "--model", missing.toString(), "--onnx", onnx.toString());

    Path dir = tmp.resolve("model");
    writeModel(dir);
    assertError("unknown ONNX element type 'float16'; valid names: float32, float64",
        "export", "--model", dir.toString(), "--onnx", onnx.toString(), "--dtype", "float16");
    assertError(tmp + " is a directory; --onnx names the file to write",
        "export", "--model", dir.toString(), "--onnx", tmp.toString());

    Path weights = dir.resolve(ModelFile.WEIGHTS_BIN);
    byte[] bytes = Files.readAllBytes(weights);
    bytes[3] ^= 1;
    Files.write(weights, bytes);
    Run altered = CliTest.cli("export", "--model", dir.toString(), "--onnx", onnx.toString());
    assertEquals(2, altered.code());
    assertTrue(altered.err().startsWith("dptrain: error: " + dir + "/weights.bin was altered or"
        + " corrupted: its SHA-256 is "), altered.err());
    assertFalse(Files.exists(onnx));

    // step cannot be trained by backpropagation, so no model file holds it: reading refuses it
    Path stepDir = tmp.resolve("step");
    writeModel(stepDir);
    Path json = stepDir.resolve(ModelFile.MODEL_JSON);
    Files.writeString(json, Files.readString(json).replace("\"tanh\"", "\"step\""),
        StandardCharsets.UTF_8);
    assertError(json + ": activation step (layer 1) has no useful derivative, so"
        + " backpropagation cannot train it; the step activation is trained by the perceptron"
        + " rule (org.dptrain.train.PerceptronTrainer)",
        "export", "--model", stepDir.toString(), "--onnx", onnx.toString());
  }

  private void assertError(String message, String... args) {
    Run r = CliTest.cli(args);
    assertEquals(2, r.code(), r.err());
    assertEquals("dptrain: error: " + message, r.err().strip());
    assertFalse(Files.exists(tmp.resolve("out.onnx")));
  }
}
