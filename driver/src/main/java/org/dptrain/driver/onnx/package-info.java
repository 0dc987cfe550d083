/**
 * ONNX export: a trained model directory as an ONNX model, so that it serves in any ONNX runtime
 * without Java or Spark. The graph is the model's feature scaling (Sub, Div) followed, per layer,
 * by a Gemm with {@code transB = 1} (weights.bin stores W row-major as n_out × n_in) and the
 * layer's activation. Written with the protobuf classes of {@link org.dptrain.driver.onnx.proto};
 * files are written under a temporary name and renamed into place.
 */
package org.dptrain.driver.onnx;
