package org.dptrain.driver.onnx;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.model.Model;
import org.dptrain.network.Network;

/**
 * Test support: runs an exported model in ONNX Runtime and runs the same model through our own
 * forward pass (feature scaling applied as {@code predict} applies it), on the same examples.
 */
final class OnnxRuntimeCheck {
  private OnnxRuntimeCheck() {}

  /** ONNX Runtime's outputs, its graph's input and output names. */
  record OrtRun(double[][] outputs, List<String> inputNames, List<String> outputNames) {}

  /** Max absolute and max relative (to max(1, |ours|)) difference between two output sets. */
  record Difference(double maxAbs, double maxRel) {}

  /** ONNX Runtime on an exported file. */
  static OrtRun runFile(Path file, OnnxElementType type, double[][] rows) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = options();
        OrtSession session = env.createSession(file.toString(), options)) {
      return run(env, session, type, rows);
    }
  }

  /** ONNX Runtime on an exported model held in memory. */
  static OrtRun runBytes(byte[] model, OnnxElementType type, double[][] rows) throws OrtException {
    OrtEnvironment env = OrtEnvironment.getEnvironment();
    try (OrtSession.SessionOptions options = options();
        OrtSession session = env.createSession(model, options)) {
      return run(env, session, type, rows);
    }
  }

  private static OrtSession.SessionOptions options() throws OrtException {
    OrtSession.SessionOptions options = new OrtSession.SessionOptions();
    // the build machine is shared; one thread per session is plenty for 1,000 rows
    options.setIntraOpNumThreads(1);
    options.setInterOpNumThreads(1);
    return options;
  }

  private static OrtRun run(OrtEnvironment env, OrtSession session, OnnxElementType type,
      double[][] rows) throws OrtException {
    List<String> inputs = List.copyOf(session.getInputNames());
    List<String> outputs = List.copyOf(session.getOutputNames());
    Object input = type == OnnxElementType.FLOAT32 ? toFloat(rows) : rows;
    try (OnnxTensor tensor = OnnxTensor.createTensor(env, input);
        OrtSession.Result result = session.run(Map.of(OnnxExporter.INPUT, tensor))) {
      Object value = result.get(0).getValue();
      double[][] out;
      if (value instanceof float[][] f) {
        out = new double[f.length][];
        for (int i = 0; i < f.length; i++) {
          out[i] = new double[f[i].length];
          for (int j = 0; j < f[i].length; j++) {
            out[i][j] = f[i][j];
          }
        }
      } else {
        out = (double[][]) value;
      }
      return new OrtRun(out, inputs, outputs);
    }
  }

  /** Our forward pass on raw (unscaled) rows: scaling applied first, as predict does. */
  static double[][] ours(Model model, FeatureScaling scaling, double[][] rows) {
    double[][] scaled = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      scaled[i] = rows[i].clone();
      if (scaling != null) {
        scaling.apply(scaled[i], 0, 1);
      }
    }
    return new Network(model.spec()).predict(model.weights(), scaled);
  }

  static Difference difference(double[][] ours, double[][] theirs) {
    if (ours.length != theirs.length) {
      throw new AssertionError(ours.length + " rows against " + theirs.length);
    }
    double abs = 0;
    double rel = 0;
    for (int i = 0; i < ours.length; i++) {
      if (ours[i].length != theirs[i].length) {
        throw new AssertionError("row " + i + ": " + ours[i].length + " outputs against "
            + theirs[i].length);
      }
      for (int j = 0; j < ours[i].length; j++) {
        double d = Math.abs(ours[i][j] - theirs[i][j]);
        if (!(d <= Double.MAX_VALUE)) {
          throw new AssertionError("row " + i + " output " + j + ": ours " + ours[i][j]
              + ", ONNX Runtime " + theirs[i][j]);
        }
        abs = Math.max(abs, d);
        rel = Math.max(rel, d / Math.max(1.0, Math.abs(ours[i][j])));
      }
    }
    return new Difference(abs, rel);
  }

  /** Rows rounded to float32, the features a float32 client sends. */
  static double[][] roundedToFloat(double[][] rows) {
    double[][] out = new double[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = new double[rows[i].length];
      for (int j = 0; j < rows[i].length; j++) {
        out[i][j] = (float) rows[i][j];
      }
    }
    return out;
  }

  /** n rows of Gaussian features, feature i with mean center[i] and deviation spread[i]. */
  static double[][] gaussianRows(int n, double[] center, double[] spread, SplittableRandom rng) {
    double[][] rows = new double[n][center.length];
    for (int i = 0; i < n; i++) {
      for (int j = 0; j < center.length; j++) {
        rows[i][j] = center[j] + spread[j] * gaussian(rng);
      }
    }
    return rows;
  }

  /** A standard normal draw (Box-Muller), from the seeded generator. */
  static double gaussian(SplittableRandom rng) {
    double u = 1.0 - rng.nextDouble();
    return Math.sqrt(-2.0 * Math.log(u)) * Math.cos(2.0 * Math.PI * rng.nextDouble());
  }

  private static float[][] toFloat(double[][] rows) {
    float[][] out = new float[rows.length][];
    for (int i = 0; i < rows.length; i++) {
      out[i] = new float[rows[i].length];
      for (int j = 0; j < rows[i].length; j++) {
        out[i][j] = (float) rows[i][j];
      }
    }
    return out;
  }
}
