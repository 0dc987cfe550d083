package org.dptrain.network;

import dev.ludovic.netlib.blas.BLAS;
import org.dptrain.activation.Activation;
import org.dptrain.data.Block;
import org.dptrain.linalg.Blas;

/**
 * Forward and backward passes of a {@link NetworkSpec} over column-major mini-batches. Stateless
 * apart from the spec and the BLAS: parameters, workspace and gradient are passed in, so one
 * instance serves any number of threads, each with its own {@link Workspace}.
 *
 * <p>All matrix products are BLAS gemm calls: dgemm in a float64 {@link Workspace}, sgemm in a
 * float32 one (see {@link Workspace} for what stays float64). The weight matrix W_l (n_out × n_in, row-major in the
 * flat vector) is, to column-major BLAS, an n_in × n_out matrix, i.e. W_l^T; hence the transposes.
 */
public final class Network {
  private final NetworkSpec spec;
  private final BLAS blas;
  private final int[] weightOffset;
  private final int[] biasOffset;

  /** A network over the process-wide {@link Blas#get() BLAS}. */
  public Network(NetworkSpec spec) {
    this(spec, Blas.get());
  }

  /** A network over the given BLAS (benchmarks and tests compare implementations). */
  public Network(NetworkSpec spec, BLAS blas) {
    this.spec = spec;
    this.blas = blas;
    int depth = spec.depth();
    weightOffset = new int[depth + 1];
    biasOffset = new int[depth + 1];
    for (int l = 1; l <= depth; l++) {
      weightOffset[l] = spec.weightOffset(l);
      biasOffset[l] = spec.biasOffset(l);
    }
  }

  public NetworkSpec spec() {
    return spec;
  }

  /**
   * Forward pass: for l = 1..L, z_l = W_l a_{l-1} + b_l and a_l = f_l(z_l), over the first m columns
   * of the input ({@code ws.a(0)}, or {@code ws.a32(0)} in a float32 workspace). Leaves z and a of
   * every layer in the workspace. In a float32 workspace, w is first cast to float (once per call)
   * and the products are sgemm; z_l is widened to float64 for f_l, and a_l rounded to float for the
   * next product.
   *
   * @param w the flat parameters
   * @param m examples in the batch, 1 &le; m &le; capacity
   */
  public void forward(double[] w, Workspace ws, int m) {
    checkBatch(ws, m);
    switch (ws.precision()) {
      case FLOAT64 -> forward64(w, ws, m);
      case FLOAT32 -> {
        ws.castWeights(w);
        forward32(w, ws, m);
      }
    }
  }

  private void forward64(double[] w, Workspace ws, int m) {
    for (int l = 1; l <= spec.depth(); l++) {
      int nIn = spec.size(l - 1);
      int nOut = spec.size(l);
      double[] z = ws.z(l);
      if (l == 1 && sparseInput(ws)) {
        ws.sparseInput().forward(w, weightOffset[1], biasOffset[1], nOut, z);
        spec.activation(1).forward(z, ws.a(1), nOut, m);
        continue;
      }
      for (int c = 0; c < m; c++) {
        System.arraycopy(w, biasOffset[l], z, c * nOut, nOut);
      }
      blas.dgemm("T", "N", nOut, m, nIn, 1.0, w, weightOffset[l], nIn, ws.a(l - 1), 0, nIn,
          1.0, z, 0, nOut);
      spec.activation(l).forward(z, ws.a(l), nOut, m);
    }
  }

  private void forward32(double[] w64, Workspace ws, int m) {
    float[] w = ws.weights32();
    int base = ws.castBase();
    int depth = spec.depth();
    for (int l = 1; l <= depth; l++) {
      int nIn = spec.size(l - 1);
      int nOut = spec.size(l);
      double[] z = ws.z(l);
      if (l == 1 && sparseInput(ws)) {
        ws.sparseInput().forward(w64, weightOffset[1], biasOffset[1], nOut, z);
      } else {
        float[] z32 = ws.z32(l);
        for (int c = 0; c < m; c++) {
          System.arraycopy(w, biasOffset[l] - base, z32, c * nOut, nOut);
        }
        blas.sgemm("T", "N", nOut, m, nIn, 1.0f, w, weightOffset[l] - base, nIn, ws.a32(l - 1),
            0, nIn, 1.0f, z32, 0, nOut);
        widen(z32, z, nOut * m);
      }
      spec.activation(l).forward(z, ws.a(l), nOut, m);
      if (l < depth) {
        narrow(ws.a(l), ws.a32(l), nOut * m);
      }
    }
  }

  /**
   * Backward pass after {@link #forward} with the same {@code w}, with the targets in
   * {@code ws.target()}. Implements the four equations of backpropagation, per example i:
   * <pre>
   *   (1) delta_L = dl/dz_L                (a - y for the fused softmax/sigmoid losses)
   *   (2) delta_l = (W_{l+1}^T delta_{l+1}) ⊙ f_l'(z_l)
   *   (3) dl/db_l = delta_l
   *   (4) dl/dW_l = delta_l a_{l-1}^T
   * </pre>
   * and ADDS the sums over the batch, Σ_i dl_i/dw, into {@code gradientSum} (the caller divides by
   * the number of examples). In a float32 workspace the products of (2) and (4) are sgemm on
   * delta_l rounded to float and on the weights cast by the forward pass; each layer's dW over the
   * batch is then added to the float64 {@code gradientSum}, and (1), (3) and f' stay float64.
   *
   * @param gradientSum flat, same layout as w (modified in place: accumulated into)
   * @return Σ_i l_i over the batch
   * @throws IllegalStateException in a float32 workspace whose last forward pass was not on
   *     {@code w}
   */
  public double backward(double[] w, Workspace ws, int m, double[] gradientSum) {
    checkBatch(ws, m);
    int depth = spec.depth();
    int k = spec.outputSize();
    double lossSum = spec.loss().lossSum(ws.z(depth), ws.a(depth), ws.target(), k, m);
    spec.loss().outputDelta(spec.outputActivation(), ws.z(depth), ws.a(depth), ws.target(),
        ws.delta(depth), k, m);
    switch (ws.precision()) {
      case FLOAT64 -> backward64(w, ws, m, gradientSum);
      case FLOAT32 -> {
        if (!ws.castFrom(w)) {
          throw new IllegalStateException("backward on a float32 workspace must follow forward"
              + " with the same weights array");
        }
        backward32(ws, m, gradientSum);
      }
    }
    return lossSum;
  }

  private void backward64(double[] w, Workspace ws, int m, double[] gradientSum) {
    for (int l = spec.depth(); l >= 1; l--) {
      int nIn = spec.size(l - 1);
      int nOut = spec.size(l);
      double[] delta = ws.delta(l);
      if (l == 1 && sparseInput(ws)) {
        ws.sparseInput().backward(delta, nOut, gradientSum, weightOffset[1]);
      } else {
        blas.dgemm("N", "T", nIn, nOut, m, 1.0, ws.a(l - 1), 0, nIn, delta, 0, nOut,
            1.0, gradientSum, weightOffset[l], nIn);
      }
      addBiasGradient(delta, nOut, m, gradientSum, biasOffset[l]);
      if (l > 1) {
        double[] prev = ws.delta(l - 1);
        blas.dgemm("N", "N", nIn, m, nOut, 1.0, w, weightOffset[l], nIn, delta, 0, nOut,
            0.0, prev, 0, nIn);
        Activation f = spec.activation(l - 1);
        f.backward(ws.z(l - 1), ws.a(l - 1), prev, prev, nIn, m);
      }
    }
  }

  private void backward32(Workspace ws, int m, double[] gradientSum) {
    float[] w = ws.weights32();
    int base = ws.castBase();
    float[] delta32 = ws.delta32();
    float[] dw = ws.gradient32();
    for (int l = spec.depth(); l >= 1; l--) {
      int nIn = spec.size(l - 1);
      int nOut = spec.size(l);
      double[] delta = ws.delta(l);
      if (l == 1 && sparseInput(ws)) {
        // float64 kernel on the float64 delta: the sparse first layer is never rounded
        ws.sparseInput().backward(delta, nOut, gradientSum, weightOffset[1]);
        addBiasGradient(delta, nOut, m, gradientSum, biasOffset[1]);
        continue;
      }
      narrow(delta, delta32, nOut * m);
      blas.sgemm("N", "T", nIn, nOut, m, 1.0f, ws.a32(l - 1), 0, nIn, delta32, 0, nOut,
          0.0f, dw, 0, nIn);
      int off = weightOffset[l];
      for (int i = 0, n = nIn * nOut; i < n; i++) {
        gradientSum[off + i] += dw[i];
      }
      addBiasGradient(delta, nOut, m, gradientSum, biasOffset[l]);
      if (l > 1) {
        float[] back = ws.back32();
        blas.sgemm("N", "N", nIn, m, nOut, 1.0f, w, weightOffset[l] - base, nIn, delta32, 0,
            nOut, 0.0f, back, 0, nIn);
        double[] prev = ws.delta(l - 1);
        widen(back, prev, nIn * m);
        Activation f = spec.activation(l - 1);
        f.backward(ws.z(l - 1), ws.a(l - 1), prev, prev, nIn, m);
      }
    }
  }

  /** (3): gradientSum[b + r] += Σ_c delta[c·nOut + r], column by column. */
  private static void addBiasGradient(double[] delta, int nOut, int m, double[] gradientSum,
      int b) {
    for (int c = 0; c < m; c++) {
      int off = c * nOut;
      for (int r = 0; r < nOut; r++) {
        gradientSum[b + r] += delta[off + r];
      }
    }
  }

  /**
   * Copies examples {@code index[from..to)} of {@code data} (or examples from..to when index is
   * null) into the workspace's input and target buffers, as columns 0..to-from. The block and the
   * workspace must have the same precision (float32 targets are widened into the float64
   * {@code ws.target()}).
   *
   * @throws IllegalArgumentException if the block's shape or precision does not fit
   */
  public void gather(Block data, int[] index, int from, int to, Workspace ws) {
    int m = to - from;
    checkBatch(ws, m);
    int f = data.features();
    int k = data.outputs();
    if (f != spec.inputSize() || k != spec.outputSize()) {
      throw new IllegalArgumentException("block has " + f + " features and " + k
          + " outputs; the network takes " + spec.inputSize() + " and gives " + spec.outputSize());
    }
    if (data.precision() != ws.precision() || data.layout() != ws.layout()) {
      throw new IllegalArgumentException("the block is " + data.precision().id() + " "
          + data.layout().id() + " but the workspace is " + ws.precision().id() + " "
          + ws.layout().id());
    }
    double[] y = ws.target();
    if (sparseInput(ws)) {
      ws.sparseInput().gather(data, index, from, to, y);
      return;
    }
    switch (ws.precision()) {
      case FLOAT64 -> {
        double[] x = ws.a(0);
        double[] dx = data.x();
        double[] dy = data.y();
        for (int j = 0; j < m; j++) {
          int src = index == null ? from + j : index[from + j];
          System.arraycopy(dx, src * f, x, j * f, f);
          System.arraycopy(dy, src * k, y, j * k, k);
        }
      }
      case FLOAT32 -> {
        float[] x = ws.a32(0);
        float[] dx = data.x32();
        float[] dy = data.y32();
        for (int j = 0; j < m; j++) {
          int src = index == null ? from + j : index[from + j];
          System.arraycopy(dx, src * f, x, j * f, f);
          for (int r = 0; r < k; r++) {
            y[j * k + r] = dy[src * k + r];
          }
        }
      }
    }
  }

  /**
   * Network outputs for every example of {@code x} (features × n, column-major), in batches of the
   * workspace's capacity.
   *
   * @return outputs × n, column-major (a new array)
   */
  public double[] predict(double[] w, double[] x, int n, Workspace ws) {
    if (sparseInput(ws)) {
      throw new IllegalArgumentException("dense x needs a dense workspace; predict a sparse block"
          + " with predict(w, block, workspace)");
    }
    int f = spec.inputSize();
    int k = spec.outputSize();
    if ((long) f * n != x.length) {
      throw new IllegalArgumentException("x has " + x.length + " values, " + n + " examples of "
          + f + " features need " + (long) f * n);
    }
    double[] out = new double[k * n];
    for (int start = 0; start < n; start += ws.capacity()) {
      int m = Math.min(ws.capacity(), n - start);
      switch (ws.precision()) {
        case FLOAT64 -> System.arraycopy(x, start * f, ws.a(0), 0, m * f);
        case FLOAT32 -> {
          float[] in = ws.a32(0);
          for (int i = 0; i < m * f; i++) {
            in[i] = (float) x[start * f + i];
          }
        }
      }
      forward(w, ws, m);
      System.arraycopy(ws.a(spec.depth()), 0, out, start * k, m * k);
    }
    return out;
  }

  /** Outputs for row-per-example inputs, one row per example. Allocates; for tests and tools. */
  public double[][] predict(double[] w, double[][] rows) {
    int f = spec.inputSize();
    int k = spec.outputSize();
    double[] x = new double[rows.length * f];
    for (int i = 0; i < rows.length; i++) {
      if (rows[i].length != f) {
        throw new IllegalArgumentException("row " + i + " has " + rows[i].length
            + " features, the network takes " + f);
      }
      System.arraycopy(rows[i], 0, x, i * f, f);
    }
    double[] out = predict(w, x, rows.length, new Workspace(spec, Math.max(1, Math.min(rows.length, 1024))));
    double[][] result = new double[rows.length][k];
    for (int i = 0; i < rows.length; i++) {
      System.arraycopy(out, i * k, result[i], 0, k);
    }
    return result;
  }

  private static void widen(float[] from, double[] to, int n) {
    for (int i = 0; i < n; i++) {
      to[i] = from[i];
    }
  }

  private static void narrow(double[] from, float[] to, int n) {
    for (int i = 0; i < n; i++) {
      to[i] = (float) from[i];
    }
  }

  /**
   * Network outputs for every example of {@code data} (either layout and precision; its targets
   * are not read), in batches of the workspace's capacity; the workspace must fit the block.
   *
   * @return outputs × size, column-major (a new array)
   */
  public double[] predict(double[] w, Block data, Workspace ws) {
    int k = spec.outputSize();
    double[] out = new double[Math.multiplyExact(k, data.size())];
    for (int start = 0; start < data.size(); start += ws.capacity()) {
      int end = Math.min(data.size(), start + ws.capacity());
      gather(data, null, start, end, ws);
      forward(w, ws, end - start);
      System.arraycopy(ws.a(spec.depth()), 0, out, start * k, (end - start) * k);
    }
    return out;
  }

  private static boolean sparseInput(Workspace ws) {
    return switch (ws.layout()) {
      case DENSE -> false;
      case SPARSE -> true;
    };
  }

  private void checkBatch(Workspace ws, int m) {
    if (ws.spec() != spec && !ws.spec().equals(spec)) {
      throw new IllegalArgumentException("workspace was made for " + ws.spec() + ", not " + spec);
    }
    if (m < 1 || m > ws.capacity()) {
      throw new IllegalArgumentException("batch of " + m + " examples; this workspace takes 1 to "
          + ws.capacity());
    }
  }
}
