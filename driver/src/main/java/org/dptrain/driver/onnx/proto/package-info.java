/**
 * Java classes for the part of the ONNX model format that dptrain writes, generated at build time
 * by protoc from {@code driver/src/main/proto/onnx-subset.proto} (message names and field numbers
 * are ONNX's own). Nothing in this package is written by hand except this file; edit the
 * {@code .proto} file instead. In the application jar, the protobuf runtime these classes use is
 * relocated to {@code org.dptrain.shaded.protobuf}.
 */
package org.dptrain.driver.onnx.proto;
