package org.dptrain.driver.onnx;

import org.dptrain.driver.onnx.proto.TensorProto;
import org.dptrain.names.Names;

/**
 * The element type of an exported model's input, output and constants.
 *
 * <p>{@link #FLOAT64} is the default: it reproduces dptrain's own double-precision forward pass
 * to round-off, and ONNX Runtime's CPU provider runs every operator the exporter writes for it.
 * {@link #FLOAT32} is for runtimes or accelerators without double kernels (GPU, mobile,
 * browser); float32 carries 24 bits, so a trained model's probabilities may differ from ours by
 * more than the 1e-6 we hold float64 exports to (BENCHMARKS.md, "ONNX export" has the measured
 * differences).
 */
public enum OnnxElementType {
  /** IEEE-754 single precision (ONNX {@code tensor(float)}). */
  FLOAT32(TensorProto.DataType.FLOAT, Float.BYTES),
  /** IEEE-754 double precision (ONNX {@code tensor(double)}). */
  FLOAT64(TensorProto.DataType.DOUBLE, Double.BYTES);

  private final TensorProto.DataType dataType;
  private final int bytes;

  OnnxElementType(TensorProto.DataType dataType, int bytes) {
    this.dataType = dataType;
    this.bytes = bytes;
  }

  /** The ONNX data type. */
  public TensorProto.DataType dataType() {
    return dataType;
  }

  /** Bytes per element. */
  public int bytes() {
    return bytes;
  }

  /** The name on the command line: {@code float32} or {@code float64}. */
  public String id() {
    return Names.id(this);
  }

  /**
   * Parses {@code float32} or {@code float64}, ignoring case.
   *
   * @throws IllegalArgumentException naming the value and listing the valid names
   */
  public static OnnxElementType parse(String name) {
    return Names.parse(OnnxElementType.class, "ONNX element type", name);
  }
}
