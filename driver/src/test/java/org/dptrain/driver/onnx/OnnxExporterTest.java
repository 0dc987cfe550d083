package org.dptrain.driver.onnx;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.SplittableRandom;
import java.util.stream.Stream;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.driver.onnx.OnnxRuntimeCheck.Difference;
import org.dptrain.driver.onnx.OnnxRuntimeCheck.OrtRun;
import org.dptrain.driver.onnx.proto.ModelProto;
import org.dptrain.driver.onnx.proto.NodeProto;
import org.dptrain.driver.onnx.proto.TensorProto;
import org.dptrain.driver.onnx.proto.TypeProto;
import org.dptrain.model.Model;
import org.dptrain.network.Initializer;
import org.dptrain.network.NetworkSpec;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Exported models run in ONNX Runtime give our own outputs (scaling, then the forward pass) on
 * 1,000 examples: every hidden activation under each output head (softmax classifier, sigmoid
 * binary classifier, linear regression), with standardize, minmax and no feature scaling.
 */
class OnnxExporterTest {
  static final int EXAMPLES = 1000;
  static final int FEATURES = 12;
  /**
   * float32 export against our float64 forward pass on the same (float32) features, relative to
   * max(1, |output|): absolute for probabilities; relative for larger regression outputs, since
   * rounding a float32 output alone errs by up to 2^-24 |y|. Measured up to 1.3e-6; 5e-6 leaves
   * room for other CPUs' kernels in ONNX Runtime.
   */
  static final double FLOAT32_TOLERANCE = 5e-6;
  /** float64 export against our float64 forward pass. */
  static final double FLOAT64_TOLERANCE = 1e-12;

  @TempDir
  Path tmp;

  /** An output layer with the loss it is trained on, and its ONNX output name. */
  record Head(String activation, String loss, int outputs, String outputName) {}

  static final List<Head> HEADS = List.of(
      new Head("softmax", "cross_entropy", 5, OnnxExporter.PROBABILITIES),
      new Head("sigmoid", "binary_cross_entropy", 1, OnnxExporter.PROBABILITY),
      new Head("linear", "mse", 3, OnnxExporter.OUTPUT));
  static final List<String> HIDDEN =
      List.of("sigmoid", "tanh", "relu", "leaky_relu", "softplus", "linear");
  static final List<String> SCALINGS =
      List.of(FeatureScaling.STANDARDIZE, FeatureScaling.MINMAX, "none");

  static Stream<Arguments> networks() {
    List<Arguments> cases = new ArrayList<>();
    for (String hidden : HIDDEN) {
      for (Head head : HEADS) {
        for (String scaling : SCALINGS) {
          cases.add(Arguments.of(hidden, head, scaling));
        }
      }
    }
    return cases.stream();
  }

  /** A model with seeded initial weights and non-zero biases. */
  static Model model(int[] layers, List<String> activations, String loss, long seed) {
    NetworkSpec spec = NetworkSpec.of(layers, activations, loss);
    double[] w = Initializer.initialize(spec, seed);
    SplittableRandom rng = new SplittableRandom(seed + 1);
    for (int l = 1; l <= spec.depth(); l++) {
      for (int r = 0; r < spec.size(l); r++) {
        w[spec.biasOffset(l) + r] = 0.2 * OnnxRuntimeCheck.gaussian(rng);
      }
    }
    return new Model(spec, w);
  }

  /** Raw features and the scaling a model trained on such data would carry. */
  record Data(double[][] rows, FeatureScaling scaling) {}

  static Data data(String scaling, int n, int f, long seed) {
    SplittableRandom rng = new SplittableRandom(seed);
    double[] a = new double[f];
    double[] b = new double[f];
    for (int j = 0; j < f; j++) {
      a[j] = -10 + 20 * rng.nextDouble();
      b[j] = 0.5 + 5 * rng.nextDouble();
    }
    switch (scaling) {
      case FeatureScaling.STANDARDIZE:
        return new Data(OnnxRuntimeCheck.gaussianRows(n, a, b, rng),
            new FeatureScaling(scaling, a, b));
      case FeatureScaling.MINMAX: {
        double[][] rows = new double[n][f];
        for (int i = 0; i < n; i++) {
          for (int j = 0; j < f; j++) {
            rows[i][j] = a[j] + b[j] * rng.nextDouble();
          }
        }
        return new Data(rows, new FeatureScaling(scaling, a, b));
      }
      default:
        return new Data(OnnxRuntimeCheck.gaussianRows(n, new double[f], filled(f, 1.0), rng),
            null);
    }
  }

  static double[] filled(int n, double v) {
    double[] x = new double[n];
    Arrays.fill(x, v);
    return x;
  }

  @ParameterizedTest(name = "{0} hidden, {1}, scaling {2}")
  @MethodSource("networks")
  void float32ExportMatchesOurForwardPass(String hidden, Head head, String scaling)
      throws Exception {
    Model m = model(new int[] {FEATURES, 16, 8, head.outputs()},
        List.of(hidden, hidden, head.activation()), head.loss(), 42);
    Data d = data(scaling, EXAMPLES, FEATURES, 7);
    double[][] rows = OnnxRuntimeCheck.roundedToFloat(d.rows());
    ModelProto onnx = OnnxExporter.toOnnx(m, d.scaling(), OnnxElementType.FLOAT32, "test");
    OrtRun ort = OnnxRuntimeCheck.runBytes(onnx.toByteArray(), OnnxElementType.FLOAT32, rows);
    assertEquals(List.of(OnnxExporter.INPUT), ort.inputNames());
    assertEquals(List.of(head.outputName()), ort.outputNames());
    Difference diff = OnnxRuntimeCheck.difference(OnnxRuntimeCheck.ours(m, d.scaling(), rows),
        ort.outputs());
    record(OnnxElementType.FLOAT32, head, diff);
    assertTrue(diff.maxRel() <= FLOAT32_TOLERANCE, "max difference relative to max(1, |y|) "
        + diff.maxRel() + " (max abs " + diff.maxAbs() + ")");
  }

  @ParameterizedTest(name = "{0} hidden, {1}, scaling {2}")
  @MethodSource("networks")
  void float64ExportMatchesOurForwardPass(String hidden, Head head, String scaling)
      throws Exception {
    Model m = model(new int[] {FEATURES, 16, 8, head.outputs()},
        List.of(hidden, hidden, head.activation()), head.loss(), 43);
    Data d = data(scaling, EXAMPLES, FEATURES, 8);
    ModelProto onnx = OnnxExporter.toOnnx(m, d.scaling(), OnnxElementType.FLOAT64, "test");
    OrtRun ort = OnnxRuntimeCheck.runBytes(onnx.toByteArray(), OnnxElementType.FLOAT64,
        d.rows());
    Difference diff = OnnxRuntimeCheck.difference(OnnxRuntimeCheck.ours(m, d.scaling(), d.rows()),
        ort.outputs());
    record(OnnxElementType.FLOAT64, head, diff);
    assertTrue(diff.maxAbs() <= FLOAT64_TOLERANCE, "max abs difference " + diff.maxAbs());
  }

  /** Largest differences seen per element type and output, printed after the class. */
  static final Map<String, double[]> WORST = new ConcurrentSkipListMap<>();

  static void record(OnnxElementType type, Head head, Difference diff) {
    WORST.merge(type.id() + " " + head.outputName(), new double[] {diff.maxAbs(), diff.maxRel()},
        (a, b) -> new double[] {Math.max(a[0], b[0]), Math.max(a[1], b[1])});
  }

  @AfterAll
  static void reportDifferences() {
    WORST.forEach((k, v) -> System.out.printf("ONNX Runtime vs ours, %s: max abs %.3g, max rel"
        + " %.3g%n", k, v[0], v[1]));
  }

  @Test
  void fashionMnistSizedNetworkInBothElementTypes() throws Exception {
    int[] layers = {784, 256, 128, 10};
    Model m = model(layers, List.of("relu", "relu", "softmax"), "cross_entropy", 5);
    // pixel-like features: integers 0..255, exact in float32, so both types see the same input
    SplittableRandom rng = new SplittableRandom(9);
    double[][] rows = new double[EXAMPLES][784];
    double[] mean = new double[784];
    double[] sd = new double[784];
    for (int j = 0; j < 784; j++) {
      mean[j] = 40 + 60 * rng.nextDouble();
      sd[j] = 50 + 50 * rng.nextDouble();
    }
    for (double[] row : rows) {
      for (int j = 0; j < 784; j++) {
        row[j] = rng.nextInt(256);
      }
    }
    FeatureScaling scaling = new FeatureScaling(FeatureScaling.STANDARDIZE, mean, sd);
    double[][] ours = OnnxRuntimeCheck.ours(m, scaling, rows);
    long constants = m.spec().numParams() + 2L * 784;
    for (OnnxElementType type : OnnxElementType.values()) {
      Path file = tmp.resolve("fmnist-" + type.id() + ".onnx");
      long bytes = OnnxExporter.write(OnnxExporter.toOnnx(m, scaling, type, "test"), file, false);
      assertEquals(Files.size(file), bytes);
      assertTrue(bytes >= constants * type.bytes() && bytes <= constants * type.bytes() + 4096,
          type.id() + ": " + bytes + " bytes for " + constants + " constants");
      OrtRun ort = OnnxRuntimeCheck.runFile(file, type, rows);
      Difference diff = OnnxRuntimeCheck.difference(ours, ort.outputs());
      System.out.printf("784-256-128-10 %s: %d bytes, max abs difference %.3g%n", type.id(),
          bytes, diff.maxAbs());
      double tolerance = type == OnnxElementType.FLOAT32 ? FLOAT32_TOLERANCE : FLOAT64_TOLERANCE;
      // probabilities: relative to max(1, p) is absolute
      assertTrue(diff.maxAbs() <= tolerance, type.id() + ": max abs difference " + diff.maxAbs());
    }
  }

  @Test
  void graphIsScalingThenGemmAndActivationPerLayer() throws Exception {
    Model m = model(new int[] {3, 4, 2}, List.of("tanh", "softmax"), "cross_entropy", 1);
    FeatureScaling scaling = new FeatureScaling(FeatureScaling.MINMAX, new double[] {1, 2, 3},
        new double[] {4, 5, 6});
    ModelProto onnx = OnnxExporter.toOnnx(m, scaling, OnnxElementType.FLOAT32, "9.9");
    assertEquals(8, onnx.getIrVersion());
    assertEquals(1, onnx.getOpsetImportCount());
    assertEquals("", onnx.getOpsetImport(0).getDomain());
    assertEquals(17, onnx.getOpsetImport(0).getVersion());
    assertEquals("dptrain", onnx.getProducerName());
    assertEquals("9.9", onnx.getProducerVersion());
    assertEquals(List.of("Sub", "Div", "Gemm", "Tanh", "Gemm", "Softmax"),
        onnx.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
    NodeProto gemm = onnx.getGraph().getNode(2);
    assertEquals(List.of("features_scaled", "W1", "b1"), gemm.getInputList());
    assertEquals("transB", gemm.getAttribute(0).getName());
    assertEquals(1, gemm.getAttribute(0).getI());
    assertEquals(-1, onnx.getGraph().getNode(5).getAttribute(0).getI());
    assertEquals(List.of(OnnxExporter.PROBABILITIES), onnx.getGraph().getNode(5).getOutputList());
    TypeProto.Tensor input = onnx.getGraph().getInput(0).getType().getTensorType();
    assertEquals(1, input.getElemType());
    assertEquals("N", input.getShape().getDim(0).getDimParam());
    assertEquals(3, input.getShape().getDim(1).getDimValue());
    TensorProto w1 = onnx.getGraph().getInitializerList().stream()
        .filter(t -> t.getName().equals("W1")).findFirst().orElseThrow();
    assertEquals(List.of(4L, 3L), w1.getDimsList());
    assertEquals(4 * 3 * Float.BYTES, w1.getRawData().size());
    // W row-major, little-endian float: the first element is W[0][0]
    assertEquals((float) m.weights()[0], ByteBuffer.wrap(w1.getRawData().toByteArray())
        .order(ByteOrder.LITTLE_ENDIAN).getFloat(0));
    assertTrue(onnx.getMetadataPropsList().stream().anyMatch(e ->
        e.getKey().equals("dptrain.featureScaling") && e.getValue().equals("minmax")));

    ModelProto leaky = OnnxExporter.toOnnx(
        model(new int[] {3, 4, 1}, List.of("leaky_relu", "sigmoid"), "binary_cross_entropy", 1),
        null, OnnxElementType.FLOAT64, "9.9");
    assertEquals(List.of("Gemm", "Mul", "Max", "Gemm", "Sigmoid"),
        leaky.getGraph().getNodeList().stream().map(NodeProto::getOpType).toList());
    assertEquals(List.of(OnnxExporter.PROBABILITY), leaky.getGraph().getNode(4).getOutputList());
  }

  @Test
  void scalingOfTheWrongWidthIsRefused() {
    Model m = model(new int[] {3, 2}, List.of("linear"), "mse", 1);
    FeatureScaling scaling = new FeatureScaling(FeatureScaling.STANDARDIZE, new double[] {0, 0},
        new double[] {1, 1});
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxExporter.toOnnx(m, scaling, OnnxElementType.FLOAT32, "test"));
    assertEquals("feature scaling has 2 features; the network takes 3", e.getMessage());
  }

  @Test
  void writeRefusesAnExistingFileUnlessReplacingAndLeavesNoTemporaryFile() throws Exception {
    Model m = model(new int[] {2, 3, 1}, List.of("tanh", "linear"), "mse", 1);
    ModelProto onnx = OnnxExporter.toOnnx(m, null, OnnxElementType.FLOAT32, "test");
    Path file = tmp.resolve("out").resolve("m.onnx");
    long bytes = OnnxExporter.write(onnx, file, false);
    assertEquals(onnx, ModelProto.parseFrom(Files.readAllBytes(file)));
    assertEquals(bytes, Files.size(file));

    Files.writeString(file, "not a model");
    FileAlreadyExistsException e = assertThrows(FileAlreadyExistsException.class,
        () -> OnnxExporter.write(onnx, file, false));
    assertEquals(file.toString(), e.getFile());
    assertEquals("file exists; choose another --onnx or pass --force to replace it",
        e.getReason());
    assertEquals("not a model", Files.readString(file));

    OnnxExporter.write(onnx, file, true);
    assertEquals(onnx, ModelProto.parseFrom(Files.readAllBytes(file)));
    try (Stream<Path> files = Files.list(file.getParent())) {
      assertEquals(List.of(file), files.toList());
    }

    IllegalArgumentException dir = assertThrows(IllegalArgumentException.class,
        () -> OnnxExporter.write(onnx, tmp, true));
    assertEquals(tmp + " is a directory; --onnx names the file to write", dir.getMessage());
  }

  @Test
  void elementTypeNamesParseAndUnknownOnesAreListed() {
    assertEquals(OnnxElementType.FLOAT64, OnnxElementType.parse("Float64"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> OnnxElementType.parse("float16"));
    assertEquals("unknown ONNX element type 'float16'; valid names: float32, float64",
        e.getMessage());
  }
}
