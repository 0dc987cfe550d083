package org.dptrain.bench;

import dev.ludovic.netlib.blas.BLAS;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import org.dptrain.data.Block;
import org.dptrain.data.Precision;
import org.dptrain.linalg.Blas;
import org.dptrain.network.Network;
import org.dptrain.network.NetworkSpec;
import org.dptrain.network.Workspace;

/**
 * Forward + backward throughput of the kernel on one thread of the caller, against plain gemm
 * measured in the same run, for each available BLAS and each precision (float64: dgemm on float64
 * blocks; float32: sgemm on float32 blocks, the weights cast once per pass, as training runs it).
 *
 * <p>Three rates per (BLAS, batch size), each the median of several timed rounds after warm-up:
 * <ul>
 *   <li>kernel: gather + forward + backward (loss, deltas, dW, db) over a batch, as training runs
 *       it;</li>
 *   <li>gemm-same-shapes: only the gemm calls the kernel makes, with the same shapes and
 *       transposes, i.e. the BLAS ceiling for this network and batch;</li>
 *   <li>gemm-square: one square gemm of size 1024, the machine's BLAS peak.</li>
 * </ul>
 * FLOPs counted: 2·m·Σ_l n_l·n_{l-1} forward, the same for dW, and 2·m·Σ_{l&ge;2} n_l·n_{l-1} for
 * the deltas passed back; element-wise work is not counted, so it shows up as a lower rate. After
 * the table, the float32/float64 ratio of kernel samples/s per (BLAS, batch).
 *
 * <p>Usage: {@code KernelBenchmark [--layers 784,256,128,10] [--batches 128,256] [--blas both|java|native]
 * [--precision float64,float32] [--rounds 7] [--round-seconds 1.0]}
 */
public final class KernelBenchmark {

  private KernelBenchmark() {}

  public static void main(String[] args) {
    int[] layers = {784, 256, 128, 10};
    int[] batches = {128, 256};
    String which = "both";
    List<Precision> precisions = List.of(Precision.FLOAT64, Precision.FLOAT32);
    int rounds = 7;
    double roundSeconds = 1.0;
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--layers" -> layers = ints(v);
        case "--batches" -> batches = ints(v);
        case "--blas" -> which = v;
        case "--precision" -> precisions = Arrays.stream(v.split(",")).map(Precision::parse)
            .toList();
        case "--rounds" -> rounds = Integer.parseInt(v);
        case "--round-seconds" -> roundSeconds = Double.parseDouble(v);
        default -> throw new IllegalArgumentException("unknown option " + a
            + "; options: --layers, --batches, --blas, --precision, --rounds, --round-seconds");
      }
    }
    List<BLAS> impls = new ArrayList<>();
    if (!which.equals("native")) {
      impls.add(Blas.java());
    }
    if (!which.equals("java")) {
      try {
        impls.add(Blas.nativeOrFail());
      } catch (IllegalStateException e) {
        if (which.equals("native")) {
          throw e;
        }
        System.out.println("# native BLAS: not available (" + e.getMessage() + ")");
      }
    }
    List<String> acts = new ArrayList<>();
    for (int l = 1; l < layers.length - 1; l++) {
      acts.add("relu");
    }
    acts.add("softmax");
    NetworkSpec spec = NetworkSpec.of(layers, acts, "cross_entropy");
    System.out.printf(Locale.ROOT, "# network %s, %d parameters; java %s; %d cores; "
        + "OPENBLAS_NUM_THREADS=%s%n", Arrays.toString(layers), spec.numParams(),
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors(),
        System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "(unset)"));
    System.out.printf(Locale.ROOT, "# median of %d rounds of ~%.1f s each%n", rounds, roundSeconds);
    System.out.printf(Locale.ROOT, "%-22s %-8s %6s %14s %12s %12s %12s %10s %10s%n", "blas",
        "prec", "batch", "kernel samp/s", "kernel GF/s", "gemm-shapes", "gemm-1024", "vs shapes",
        "vs 1024");
    List<String> ratios = new ArrayList<>();
    for (BLAS blas : impls) {
      double[] squares = new double[Precision.values().length];
      for (Precision p : precisions) {
        squares[p.ordinal()] = squareGemm(blas, 1024, p, rounds, roundSeconds);
      }
      for (int m : batches) {
        double[] rate = new double[Precision.values().length];
        for (Precision p : precisions) {
          double square = squares[p.ordinal()];
          double[] r = kernel(spec, blas, m, p, rounds, roundSeconds);
          double shapes = sameShapeGemm(spec, blas, m, p, rounds, roundSeconds);
          rate[p.ordinal()] = r[0];
          System.out.printf(Locale.ROOT, "%-22s %-8s %6d %14.0f %12.1f %12.1f %12.1f %9.0f%%"
              + " %9.0f%%%n", Blas.describe(blas), p.id(), m, r[0], r[1], shapes, square,
              100 * r[1] / shapes, 100 * r[1] / square);
        }
        if (rate[0] > 0 && rate[1] > 0) {
          ratios.add(String.format(Locale.ROOT, "# float32/float64 kernel samples/s, %s, batch"
              + " %d: %.2fx", Blas.describe(blas), m, rate[1] / rate[0]));
        }
      }
    }
    ratios.forEach(System.out::println);
  }

  /** FLOPs of one forward + backward pass over m examples, as counted in the class doc. */
  static double flops(NetworkSpec spec, int m) {
    double f = 0;
    for (int l = 1; l <= spec.depth(); l++) {
      double mn = (double) spec.size(l) * spec.size(l - 1);
      f += 2 * m * mn * (l >= 2 ? 3 : 2);
    }
    return f;
  }

  /** {samples/s, GFLOP/s} of gather + forward + backward. */
  static double[] kernel(NetworkSpec spec, BLAS blas, int m, Precision precision, int rounds,
      double roundSeconds) {
    int n = 8192;
    SplittableRandom rnd = new SplittableRandom(1);
    double[] x = new double[spec.inputSize() * n];
    for (int i = 0; i < x.length; i++) {
      x[i] = rnd.nextDouble();
    }
    int[] labels = new int[n];
    for (int i = 0; i < n; i++) {
      labels[i] = rnd.nextInt(spec.outputSize());
    }
    Block data = new Block(spec.inputSize(), spec.outputSize(), n, x,
        Block.oneHot(labels, spec.outputSize())).as(precision);
    double[] w = org.dptrain.network.Initializer.initialize(spec, 1);
    double[] g = new double[w.length];
    Network net = new Network(spec, blas);
    Workspace ws = new Workspace(spec, m, precision);
    int[] start = {0};
    Runnable pass = () -> {
      int s = start[0];
      net.gather(data, null, s, s + m, ws);
      net.forward(w, ws, m);
      net.backward(w, ws, m, g);
      start[0] = (s + 2 * m > n) ? 0 : s + m;
    };
    double perSecond = timeRate(pass, rounds, roundSeconds);
    return new double[] {perSecond * m, perSecond * flops(spec, m) / 1e9};
  }

  /** GFLOP/s of exactly the gemm calls of one kernel pass (dgemm or sgemm). */
  static double sameShapeGemm(NetworkSpec spec, BLAS blas, int m, Precision precision, int rounds,
      double roundSeconds) {
    return switch (precision) {
      case FLOAT64 -> sameShapeDgemm(spec, blas, m, rounds, roundSeconds);
      case FLOAT32 -> sameShapeSgemm(spec, blas, m, rounds, roundSeconds);
    };
  }

  private static double sameShapeDgemm(NetworkSpec spec, BLAS blas, int m, int rounds,
      double roundSeconds) {
    Workspace ws = new Workspace(spec, m);
    double[] w = org.dptrain.network.Initializer.initialize(spec, 1);
    double[] g = new double[w.length];
    SplittableRandom rnd = new SplittableRandom(2);
    for (int l = 0; l <= spec.depth(); l++) {
      fill(ws.a(l), rnd);
      if (l > 0) {
        fill(ws.delta(l), rnd);
      }
    }
    Runnable pass = () -> {
      for (int l = 1; l <= spec.depth(); l++) {
        int nIn = spec.size(l - 1);
        int nOut = spec.size(l);
        blas.dgemm("T", "N", nOut, m, nIn, 1.0, w, spec.weightOffset(l), nIn, ws.a(l - 1), 0, nIn,
            1.0, ws.z(l), 0, nOut);
      }
      for (int l = spec.depth(); l >= 1; l--) {
        int nIn = spec.size(l - 1);
        int nOut = spec.size(l);
        blas.dgemm("N", "T", nIn, nOut, m, 1.0, ws.a(l - 1), 0, nIn, ws.delta(l), 0, nOut, 1.0, g,
            spec.weightOffset(l), nIn);
        if (l > 1) {
          blas.dgemm("N", "N", nIn, m, nOut, 1.0, w, spec.weightOffset(l), nIn, ws.delta(l), 0,
              nOut, 0.0, ws.delta(l - 1), 0, nIn);
        }
      }
    };
    return timeRate(pass, rounds, roundSeconds) * flops(spec, m) / 1e9;
  }

  private static double sameShapeSgemm(NetworkSpec spec, BLAS blas, int m, int rounds,
      double roundSeconds) {
    int depth = spec.depth();
    SplittableRandom rnd = new SplittableRandom(2);
    float[] w = floats(spec.numParams(), rnd);
    float[] g = new float[spec.numParams()];
    float[][] a = new float[depth + 1][];
    float[][] z = new float[depth + 1][];
    float[][] delta = new float[depth + 1][];
    for (int l = 0; l <= depth; l++) {
      a[l] = floats(spec.size(l) * m, rnd);
      z[l] = new float[spec.size(l) * m];
      delta[l] = floats(spec.size(l) * m, rnd);
    }
    Runnable pass = () -> {
      for (int l = 1; l <= depth; l++) {
        int nIn = spec.size(l - 1);
        int nOut = spec.size(l);
        blas.sgemm("T", "N", nOut, m, nIn, 1.0f, w, spec.weightOffset(l), nIn, a[l - 1], 0, nIn,
            1.0f, z[l], 0, nOut);
      }
      for (int l = depth; l >= 1; l--) {
        int nIn = spec.size(l - 1);
        int nOut = spec.size(l);
        blas.sgemm("N", "T", nIn, nOut, m, 1.0f, a[l - 1], 0, nIn, delta[l], 0, nOut, 0.0f, g,
            spec.weightOffset(l), nIn);
        if (l > 1) {
          blas.sgemm("N", "N", nIn, m, nOut, 1.0f, w, spec.weightOffset(l), nIn, delta[l], 0,
              nOut, 0.0f, delta[l - 1], 0, nIn);
        }
      }
    };
    return timeRate(pass, rounds, roundSeconds) * flops(spec, m) / 1e9;
  }

  /** GFLOP/s of C = A·B for n × n matrices, dgemm or sgemm. */
  static double squareGemm(BLAS blas, int n, Precision precision, int rounds,
      double roundSeconds) {
    SplittableRandom rnd = new SplittableRandom(3);
    Runnable pass = switch (precision) {
      case FLOAT64 -> {
        double[] a = new double[n * n];
        double[] b = new double[n * n];
        double[] c = new double[n * n];
        fill(a, rnd);
        fill(b, rnd);
        yield () -> blas.dgemm("N", "N", n, n, n, 1.0, a, n, b, n, 0.0, c, n);
      }
      case FLOAT32 -> {
        float[] a = floats(n * n, rnd);
        float[] b = floats(n * n, rnd);
        float[] c = new float[n * n];
        yield () -> blas.sgemm("N", "N", n, n, n, 1.0f, a, n, b, n, 0.0f, c, n);
      }
    };
    return timeRate(pass, rounds, roundSeconds) * 2.0 * n * n * n / 1e9;
  }

  /** Median calls per second over timed rounds, after a warm-up round. */
  static double timeRate(Runnable pass, int rounds, double roundSeconds) {
    long budget = (long) (roundSeconds * 1e9);
    runFor(pass, budget);
    double[] rates = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      rates[r] = runFor(pass, budget);
    }
    Arrays.sort(rates);
    return rates[rounds / 2];
  }

  private static double runFor(Runnable pass, long nanos) {
    long start = System.nanoTime();
    long calls = 0;
    long now;
    do {
      pass.run();
      calls++;
      now = System.nanoTime();
    } while (now - start < nanos);
    return calls * 1e9 / (now - start);
  }

  private static void fill(double[] a, SplittableRandom rnd) {
    for (int i = 0; i < a.length; i++) {
      a[i] = rnd.nextDouble() - 0.5;
    }
  }

  private static float[] floats(int n, SplittableRandom rnd) {
    float[] a = new float[n];
    for (int i = 0; i < n; i++) {
      a[i] = (float) (rnd.nextDouble() - 0.5);
    }
    return a;
  }

  private static int[] ints(String csv) {
    return Arrays.stream(csv.split(",")).map(String::trim).mapToInt(Integer::parseInt).toArray();
  }
}
