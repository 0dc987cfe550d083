package org.dptrain.bench;

import dev.ludovic.netlib.blas.BLAS;
import java.util.Arrays;
import java.util.Locale;
import java.util.SplittableRandom;
import org.dptrain.linalg.Blas;
import org.dptrain.data.Block;
import org.dptrain.network.SparseInput;

/**
 * The first layer's forward + weight gradient, dense (two dgemm calls, as {@link
 * org.dptrain.network.Network} makes them) against sparse ({@link SparseInput}), on one thread,
 * over a range of input densities: where the two cost the same is the crossover below which
 * sparse blocks pay. The dense time does not depend on the density (dgemm multiplies the zeros).
 *
 * <p>Usage: {@code SparseKernelBenchmark [--shapes 784x256,4096x64,262144x64] [--batch 128]
 * [--densities 0.0002,0.001,...] [--rounds 3] [--round-seconds 0.5] [--blas native|java]}
 */
public final class SparseKernelBenchmark {

  private SparseKernelBenchmark() {}

  public static void main(String[] args) {
    String[] shapes = {"784x256", "4096x64", "262144x64"};
    int batch = 128;
    double[] densities = {0.0002, 0.001, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2};
    int rounds = 3;
    double roundSeconds = 0.5;
    String which = "native";
    for (int i = 0; i < args.length; i++) {
      String a = args[i];
      if (i + 1 >= args.length) {
        throw new IllegalArgumentException("option " + a + " needs a value");
      }
      String v = args[++i];
      switch (a) {
        case "--shapes" -> shapes = v.split(",");
        case "--batch" -> batch = Integer.parseInt(v);
        case "--densities" -> densities = Arrays.stream(v.split(","))
            .mapToDouble(Double::parseDouble).toArray();
        case "--rounds" -> rounds = Integer.parseInt(v);
        case "--round-seconds" -> roundSeconds = Double.parseDouble(v);
        case "--blas" -> which = v;
        default -> throw new IllegalArgumentException("unknown option " + a
            + "; options: --shapes, --batch, --densities, --rounds, --round-seconds, --blas");
      }
    }
    BLAS blas = switch (which) {
      case "native" -> Blas.nativeOrFail();
      case "java" -> Blas.java();
      default -> throw new IllegalArgumentException("--blas is native or java, got " + which);
    };
    System.out.printf(Locale.ROOT, "# %s, batch %d, one thread (OPENBLAS_NUM_THREADS=%s), median"
        + " of %d rounds of ~%.1f s%n", Blas.describe(blas), batch,
        System.getenv().getOrDefault("OPENBLAS_NUM_THREADS", "(unset)"), rounds, roundSeconds);
    System.out.println("| inputs x units | density | non-zeros per example | dense ms/batch"
        + " | sparse ms/batch | sparse / dense |");
    System.out.println("|---|---|---|---|---|---|");
    for (String shape : shapes) {
      String[] p = shape.split("x");
      int features = Integer.parseInt(p[0]);
      int units = Integer.parseInt(p[1]);
      double dense = dense(blas, features, units, batch, rounds, roundSeconds);
      double crossover = Double.NaN;
      double prevD = Double.NaN;
      double prevRatio = Double.NaN;
      for (double d : densities) {
        Block block = block(features, batch, d, 11);
        double sparse = sparse(block, units, rounds, roundSeconds);
        double ratio = sparse / dense;
        System.out.printf(Locale.ROOT, "| %d x %d | %.4f | %.1f | %.3f | %.3f | %.2f |%n",
            features, units, d, block.storedValues() / (double) batch, dense, sparse, ratio);
        if (Double.isNaN(crossover) && ratio >= 1 && !Double.isNaN(prevRatio) && prevRatio < 1) {
          // linear in the density between the two measured points
          crossover = prevD + (1 - prevRatio) * (d - prevD) / (ratio - prevRatio);
        }
        prevD = d;
        prevRatio = ratio;
      }
      System.out.printf(Locale.ROOT, "# %d x %d: crossover density %s%n", features, units,
          Double.isNaN(crossover) ? "not inside the densities measured"
              : String.format(Locale.ROOT, "%.4f", crossover));
    }
  }

  static Block block(int features, int n, double density, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    int perExample = Math.max(1, (int) Math.round(density * features));
    int[] start = new int[n + 1];
    int[] index = new int[perExample * n];
    double[] value = new double[perExample * n];
    for (int j = 0; j < n; j++) {
      // perExample distinct sorted indices: a random subset by selection sampling
      int need = perExample;
      int at = j * perExample;
      for (int i = 0; i < features && need > 0; i++) {
        if (rnd.nextInt(features - i) < need) {
          index[at] = i;
          value[at++] = rnd.nextDouble();
          need--;
        }
      }
      start[j + 1] = at;
    }
    return Block.sparse(features, 1, n, start, index, value, new double[n]);
  }

  static double dense(BLAS blas, int features, int units, int m, int rounds, double seconds) {
    double[] a0 = new double[Math.multiplyExact(features, m)];
    SplittableRandom rnd = new SplittableRandom(3);
    for (int i = 0; i < a0.length; i++) {
      a0[i] = rnd.nextDouble();
    }
    double[] w = new double[Math.multiplyExact(features, units)];
    double[] z = new double[units * m];
    double[] delta = new double[units * m];
    double[] grad = new double[w.length];
    Arrays.fill(delta, 1e-3);
    return time(rounds, seconds, () -> {
      blas.dgemm("T", "N", units, m, features, 1.0, w, 0, features, a0, 0, features, 1.0, z, 0,
          units);
      blas.dgemm("N", "T", features, units, m, 1.0, a0, 0, features, delta, 0, units, 1.0, grad, 0,
          features);
    });
  }

  static double sparse(Block block, int units, int rounds, double seconds) {
    int m = block.size();
    SparseInput in = new SparseInput(block.features(), m, (int) block.storedValues());
    in.gather(block, null, 0, m, new double[m]);
    double[] w = new double[Math.multiplyExact(block.features(), units) + units];
    double[] z = new double[units * m];
    double[] delta = new double[units * m];
    double[] grad = new double[w.length];
    Arrays.fill(delta, 1e-3);
    return time(rounds, seconds, () -> {
      in.forward(w, 0, w.length - units, units, z);
      in.backward(delta, units, grad, 0);
    });
  }

  /** Median milliseconds per call over rounds of about {@code seconds} each, after a warm-up. */
  static double time(int rounds, double seconds, Runnable op) {
    long warmEnd = System.nanoTime() + (long) (seconds * 1e9);
    int calls = 0;
    while (System.nanoTime() < warmEnd || calls < 1) {
      op.run();
      calls++;
    }
    double[] ms = new double[rounds];
    for (int r = 0; r < rounds; r++) {
      long end = System.nanoTime() + (long) (seconds * 1e9);
      long t0 = System.nanoTime();
      int n = 0;
      do {
        op.run();
        n++;
      } while (System.nanoTime() < end);
      ms[r] = (System.nanoTime() - t0) / 1e6 / n;
    }
    Arrays.sort(ms);
    return ms[rounds / 2];
  }
}
