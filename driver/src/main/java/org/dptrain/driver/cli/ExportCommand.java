package org.dptrain.driver.cli;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.concurrent.Callable;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.driver.onnx.OnnxElementType;
import org.dptrain.driver.onnx.OnnxExporter;
import org.dptrain.driver.onnx.proto.ModelProto;
import org.dptrain.driver.train.Provenance;
import org.dptrain.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dptrain export}: a model directory as an ONNX file (see {@link OnnxExporter} for the
 * graph). Needs no Spark: it reads and verifies the model, builds the graph and writes the file
 * under a temporary name, renamed into place.
 */
@Command(name = "export", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Export a model as ONNX: input \"features\" [N, inputs], the model's feature"
        + " scaling, then per layer Gemm and the activation; output \"probabilities\" (softmax),"
        + " \"probability\" (binary) or \"output\" (regression).",
        "ONNX IR version " + OnnxExporter.IR_VERSION + ", operator set "
            + OnnxExporter.OPSET_VERSION + "."})
final class ExportCommand implements Callable<Integer> {
  @Mixin
  ModelArgs model;

  @Option(names = "--onnx", required = true, paramLabel = "FILE",
      description = "ONNX file to write")
  String onnx;

  @Option(names = "--dtype", paramLabel = "TYPE", defaultValue = "float64",
      description = "float64 (our results to round-off; ONNX Runtime's CPU provider runs it) or"
          + " float32 (for runtimes without double kernels; outputs differ by up to ~1e-4)"
          + " (default: ${DEFAULT-VALUE})")
  String dtype;

  @Option(names = "--force", description = "Replace the ONNX file if it exists")
  boolean force;

  @Override
  public Integer call() throws Exception {
    OnnxElementType type = OnnxElementType.parse(dtype);
    Model m = model.read();
    FeatureScaling scaling = FeatureScaling.of(m);
    ModelProto proto = OnnxExporter.toOnnx(m, scaling, type, Provenance.version());
    Path file = Paths.get(onnx).toAbsolutePath().normalize();
    long bytes = OnnxExporter.write(proto, file, force);
    System.out.println("ONNX model written to " + file + " (" + bytes + " bytes, IR version "
        + OnnxExporter.IR_VERSION + ", opset " + OnnxExporter.OPSET_VERSION + ")");
    System.out.println("input  " + OnnxExporter.INPUT + " " + type.id() + " [N, "
        + m.spec().inputSize() + "]" + (scaling == null ? ""
            : " (" + scaling.method() + " scaling included)"));
    System.out.println("output " + OnnxExporter.outputName(m.spec()) + " " + type.id() + " [N, "
        + m.spec().outputSize() + "]");
    return 0;
  }
}
