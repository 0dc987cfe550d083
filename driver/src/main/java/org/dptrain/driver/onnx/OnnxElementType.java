package org.dptrain.driver.onnx;

import org.dptrain.driver.onnx.proto.TensorProto;
import org.dptrain.names.Names;

/**
 * The element type of an exported model's input, output and constants.
 *
 * <p>{@link #FLOAT64} is the default: it reproduces dptrain's own double-precision forward pass
 * to round-off (measured 1.4e-15 on 784-256-128-10), and ONNX Runtime's CPU provider runs every
 * operator the exporter writes for it. {@link #FLOAT32} is for runtimes or accelerators without
 * double kernels (GPU, mobile, browser); its outputs differ from ours by about 1e-6 (measured
 * 7e-7 on the probabilities of 784-256-128-10 and 1.3e-6 on regression outputs of size ~3), since
 * float32 carries 24 bits: not the 1e-6 we hold exports to.
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
