package org.dptrain.driver.onnx;

import com.google.protobuf.ByteString;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Arrays;
import java.util.Locale;
import org.dptrain.activation.Activation;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.driver.data.TaskType;
import org.dptrain.driver.data.Targets;
import org.dptrain.driver.onnx.proto.AttributeProto;
import org.dptrain.driver.onnx.proto.GraphProto;
import org.dptrain.driver.onnx.proto.ModelProto;
import org.dptrain.driver.onnx.proto.NodeProto;
import org.dptrain.driver.onnx.proto.OperatorSetIdProto;
import org.dptrain.driver.onnx.proto.StringStringEntryProto;
import org.dptrain.driver.onnx.proto.TensorProto;
import org.dptrain.driver.onnx.proto.TensorShapeProto;
import org.dptrain.driver.onnx.proto.TypeProto;
import org.dptrain.driver.onnx.proto.ValueInfoProto;
import org.dptrain.model.Model;
import org.dptrain.network.NetworkSpec;

/**
 * Builds and writes the ONNX form of a model (IR version {@value #IR_VERSION}, default operator
 * set version {@value #OPSET_VERSION}).
 *
 * <pre>
 * features [N, n_0]
 *   -&gt; Sub(shift) -&gt; Div(scale)                     only if the model has feature scaling
 *   -&gt; for l = 1..L: Gemm(W_l, b_l, transB=1) -&gt; f_l   z_l = a_{l-1} W_l^T + b_l, a_l = f_l(z_l)
 *   -&gt; {@value #PROBABILITIES} | {@value #PROBABILITY} | {@value #OUTPUT} [N, n_L]
 * </pre>
 *
 * The output is named by the task the loss implies: {@value #PROBABILITIES} for a softmax
 * classifier (one column per class), {@value #PROBABILITY} for a binary classifier (one column,
 * the probability of class 1), {@value #OUTPUT} for regression. Activations map to Sigmoid,
 * Tanh, Relu, LeakyRelu (alpha {@value Activation#LEAKY_SLOPE}), Softplus, Identity (linear) and
 * Softmax (axis -1); step has no ONNX form here and is refused. N is symbolic: any batch size.
 * In {@link OnnxElementType#FLOAT64} models, leaky_relu is Mul and Max, and softplus is composed
 * of Relu, Abs, Neg, Exp, Add and Log, so that the double results equal ours to round-off (see
 * {@code activation}).
 */
public final class OnnxExporter {
  /** ONNX IR version 8, introduced with ONNX 1.10. */
  public static final long IR_VERSION = 8;
  /**
   * Default-domain operator set 17 (ONNX 1.12, ONNX Runtime 1.12 and later); nothing newer is
   * needed, and Softmax has had its per-axis meaning since 13.
   */
  public static final long OPSET_VERSION = 17;
  /** The graph's input: one example per row. */
  public static final String INPUT = "features";
  /** Output of a softmax classifier: class probabilities, one column per class. */
  public static final String PROBABILITIES = "probabilities";
  /** Output of a binary (sigmoid, binary cross-entropy) classifier: P(class 1), one column. */
  public static final String PROBABILITY = "probability";
  /** Output of a regression network. */
  public static final String OUTPUT = "output";
  /** The symbolic batch dimension. */
  public static final String BATCH = "N";
  /** {@code producer_name} of every exported model. */
  public static final String PRODUCER = "dptrain";

  private OnnxExporter() {}

  /**
   * The name of the graph output for a network, by the task its loss implies
   * ({@value #PROBABILITIES}, {@value #PROBABILITY} or {@value #OUTPUT}).
   */
  public static String outputName(NetworkSpec spec) {
    TaskType task = Targets.of(spec.loss(), spec.outputSize()).type();
    return switch (task) {
      case MULTICLASS -> PROBABILITIES;
      case BINARY -> PROBABILITY;
      case REGRESSION -> OUTPUT;
    };
  }

  /**
   * The ONNX model of a trained network.
   *
   * @param model the network and its weights
   * @param scaling the feature scaling the model was trained with, applied first; null for none
   * @param type element type of the input, the output and every constant (weights are rounded
   *     to it)
   * @param producerVersion the dptrain version, recorded as {@code producer_version}
   * @throws IllegalArgumentException if the scaling does not have one entry per input feature, or
   *     a layer's activation has no ONNX form (step); the message names it and the layer
   */
  public static ModelProto toOnnx(Model model, FeatureScaling scaling, OnnxElementType type,
      String producerVersion) {
    NetworkSpec spec = model.spec();
    double[] w = model.weights();
    GraphProto.Builder graph = GraphProto.newBuilder().setName("dptrain_mlp");
    String output = outputName(spec);
    int depth = spec.depth();
    String current = INPUT;
    if (scaling != null) {
      if (scaling.size() != spec.inputSize()) {
        throw new IllegalArgumentException("feature scaling has " + scaling.size()
            + " features; the network takes " + spec.inputSize());
      }
      // Sub then Div: the operations FeatureScaling.apply does, (x - shift) / scale
      graph.addInitializer(tensor("scaling_shift", type, scaling.shift(), 0, scaling.size()));
      graph.addInitializer(tensor("scaling_scale", type, scaling.scale(), 0, scaling.size()));
      graph.addNode(node("Sub", "scaling/sub", "features_centered", current, "scaling_shift"));
      graph.addNode(node("Div", "scaling/div", "features_scaled", "features_centered",
          "scaling_scale"));
      current = "features_scaled";
    }

    for (int l = 1; l <= depth; l++) {
      int nIn = spec.size(l - 1);
      int nOut = spec.size(l);
      String weights = "W" + l;
      String bias = "b" + l;
      graph.addInitializer(tensor(weights, type, w, spec.weightOffset(l), nOut, nIn));
      graph.addInitializer(tensor(bias, type, w, spec.biasOffset(l), nOut));
      String z = "z" + l;
      graph.addNode(node("Gemm", "layer" + l + "/gemm", z, current, weights, bias).toBuilder()
          .addAttribute(intAttribute("transB", 1)).build());
      String a = l == depth ? output : "a" + l;
      activation(graph, type, spec.activation(l), l, depth, z, a);
      current = a;
    }

    graph.addInput(valueInfo(INPUT, type, spec.inputSize()));
    graph.addOutput(valueInfo(output, type, spec.outputSize()));

    ModelProto.Builder onnx = ModelProto.newBuilder()
        .setIrVersion(IR_VERSION)
        .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET_VERSION))
        .setProducerName(PRODUCER)
        .setProducerVersion(producerVersion)
        .setModelVersion(1)
        .setDocString("dptrain multilayer perceptron " + Arrays.toString(spec.layers())
            + ", activations " + spec.activationIds() + ", trained with loss "
            + spec.loss().id())
        .setGraph(graph);
    TaskType task = Targets.of(spec.loss(), spec.outputSize()).type();
    metadata(onnx, "dptrain.task", task.name().toLowerCase(Locale.ROOT));
    metadata(onnx, "dptrain.layers", Arrays.toString(spec.layers()));
    metadata(onnx, "dptrain.activations", spec.activationIds().toString());
    metadata(onnx, "dptrain.loss", spec.loss().id());
    metadata(onnx, "dptrain.featureScaling", scaling == null ? "none" : scaling.method());
    metadata(onnx, "dptrain.elementType", type.id());
    return onnx.build();
  }

  /**
   * Writes {@code onnx} to {@code file}: the bytes go to a temporary file beside it, which is then
   * renamed into place, so a reader never sees half a model and a failed write leaves nothing
   * behind. The file is readable by others where POSIX permissions exist (rw-r--r--), so that a
   * server running as another user can load it. Missing parent directories are created.
   *
   * @param replace whether an existing file is replaced; without it an existing file is an error
   * @return the number of bytes written
   * @throws FileAlreadyExistsException if {@code file} exists and {@code replace} is false
   * @throws IllegalArgumentException if {@code file} is a directory
   * @throws IOException if writing or renaming fails (nothing is left behind)
   */
  public static long write(ModelProto onnx, Path file, boolean replace) throws IOException {
    Path target = file.toAbsolutePath().normalize();
    if (Files.isDirectory(target)) {
      throw new IllegalArgumentException(target + " is a directory; --onnx names the file to"
          + " write");
    }
    if (Files.exists(target) && !replace) {
      throw new FileAlreadyExistsException(target.toString(), null,
          "file exists; choose another --onnx or pass --force to replace it");
    }
    Path parent = target.getParent();
    Files.createDirectories(parent);
    Path tmp = Files.createTempFile(parent, "." + target.getFileName() + ".tmp-", "");
    try {
      byte[] bytes = onnx.toByteArray();
      Files.write(tmp, bytes);
      if (Files.getFileStore(tmp).supportsFileAttributeView(PosixFileAttributeView.class)) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-r--r--"));
      }
      try {
        // rename(2) replaces an existing target atomically; without replace we checked above
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE);
      } catch (AtomicMoveNotSupportedException e) {
        throw new IOException("cannot rename " + tmp + " to " + target + " atomically on this"
            + " filesystem", e);
      }
      return bytes.length;
    } finally {
      Files.deleteIfExists(tmp);
    }
  }

  /**
   * Adds the nodes computing a = f(z). In FLOAT32 each activation is its one ONNX operator. In
   * FLOAT64, leaky_relu and softplus are composed of operators with double kernels, computed as
   * {@link Activation#apply} does: LeakyRelu's alpha attribute is a float (0.01f differs from
   * 0.01 by 2e-10), and ONNX Runtime has no double Softplus.
   */
  private static void activation(GraphProto.Builder graph, OnnxElementType type, Activation f,
      int l, int depth, String z, String a) {
    String layer = "layer" + l;
    switch (f) {
      case SIGMOID:
        graph.addNode(node("Sigmoid", layer + "/sigmoid", a, z));
        return;
      case TANH:
        graph.addNode(node("Tanh", layer + "/tanh", a, z));
        return;
      case RELU:
        graph.addNode(node("Relu", layer + "/relu", a, z));
        return;
      case LEAKY_RELU:
        if (type == OnnxElementType.FLOAT32) {
          graph.addNode(node("LeakyRelu", layer + "/leaky_relu", a, z).toBuilder()
              .addAttribute(AttributeProto.newBuilder().setName("alpha")
                  .setType(AttributeProto.AttributeType.FLOAT)
                  .setF((float) Activation.LEAKY_SLOPE))
              .build());
        } else {
          // max(z, slope·z) equals z > 0 ? z : slope·z for a slope in (0, 1)
          String slope = constant(graph, type, "leaky_slope", Activation.LEAKY_SLOPE);
          String scaled = layer + "/leaky_relu/scaled";
          graph.addNode(node("Mul", scaled, scaled, z, slope));
          graph.addNode(node("Max", layer + "/leaky_relu/max", a, z, scaled));
        }
        return;
      case SOFTPLUS:
        if (type == OnnxElementType.FLOAT32) {
          graph.addNode(node("Softplus", layer + "/softplus", a, z));
        } else {
          // max(z, 0) + log(1 + e^-|z|): no overflow for large |z|; ONNX has no log1p, and
          // log(1 + e) differs from log1p(e) by at most one rounding of 1 + e (1.1e-16)
          String one = constant(graph, type, "one", 1.0);
          String p = layer + "/softplus/";
          graph.addNode(node("Relu", p + "relu", p + "relu", z));
          graph.addNode(node("Abs", p + "abs", p + "abs", z));
          graph.addNode(node("Neg", p + "neg", p + "neg", p + "abs"));
          graph.addNode(node("Exp", p + "exp", p + "exp", p + "neg"));
          graph.addNode(node("Add", p + "one_plus", p + "one_plus", one, p + "exp"));
          graph.addNode(node("Log", p + "log", p + "log", p + "one_plus"));
          graph.addNode(node("Add", p + "sum", a, p + "relu", p + "log"));
        }
        return;
      case LINEAR:
        graph.addNode(node("Identity", layer + "/linear", a, z));
        return;
      case SOFTMAX:
        graph.addNode(node("Softmax", layer + "/softmax", a, z).toBuilder()
            .addAttribute(intAttribute("axis", -1)).build());
        return;
      case STEP:
        // NetworkSpec refuses step (it has no useful derivative), so no model holds it
        throw new IllegalArgumentException("activation " + f.id() + " (layer " + l + " of "
            + depth + ") has no ONNX export; exportable activations: sigmoid, tanh, relu,"
            + " leaky_relu, softplus, linear, softmax");
    }
  }

  /** A scalar initializer named {@code name}, added once however many layers use it. */
  private static String constant(GraphProto.Builder graph, OnnxElementType type, String name,
      double value) {
    for (TensorProto t : graph.getInitializerList()) {
      if (t.getName().equals(name)) {
        return name;
      }
    }
    graph.addInitializer(tensor(name, type, new double[] {value}, 0));
    return name;
  }

  private static NodeProto node(String opType, String name, String output, String... inputs) {
    return NodeProto.newBuilder().setOpType(opType).setName(name)
        .addAllInput(Arrays.asList(inputs)).addOutput(output).build();
  }

  private static AttributeProto intAttribute(String name, long value) {
    return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT)
        .setI(value).build();
  }

  /**
   * A constant tensor of the given dims holding values[offset ..) in row-major order, as
   * little-endian raw data of the element type (rounded to float for FLOAT32).
   */
  static TensorProto tensor(String name, OnnxElementType type, double[] values, int offset,
      int... dims) {
    int n = 1;
    TensorProto.Builder t = TensorProto.newBuilder().setName(name)
        .setDataType(type.dataType().getNumber());
    for (int d : dims) {
      n = Math.multiplyExact(n, d);
      t.addDims(d);
    }
    ByteBuffer buf = ByteBuffer.allocate(Math.multiplyExact(n, type.bytes()))
        .order(ByteOrder.LITTLE_ENDIAN);
    if (type == OnnxElementType.FLOAT32) {
      for (int i = 0; i < n; i++) {
        buf.putFloat((float) values[offset + i]);
      }
    } else {
      buf.asDoubleBuffer().put(values, offset, n);
    }
    return t.setRawData(ByteString.copyFrom(buf.array())).build();
  }

  private static ValueInfoProto valueInfo(String name, OnnxElementType type, int columns) {
    TensorShapeProto shape = TensorShapeProto.newBuilder()
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(BATCH))
        .addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(columns))
        .build();
    return ValueInfoProto.newBuilder().setName(name)
        .setType(TypeProto.newBuilder().setTensorType(TypeProto.Tensor.newBuilder()
            .setElemType(type.dataType().getNumber()).setShape(shape)))
        .build();
  }

  private static void metadata(ModelProto.Builder onnx, String key, String value) {
    onnx.addMetadataProps(StringStringEntryProto.newBuilder().setKey(key).setValue(value));
  }
}
