package org.dptrain.driver.collective;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * Latency of {@link Collective#sumInOrder} on loopback, every member a thread of this JVM (so at
 * P above the core count the members also compete for CPU). Each member contributes one part of
 * n doubles (a task's partial gradient), calls back to back; the time of a call is the slowest
 * member's, per call. Run by {@code scripts/bench-collective.sh}.
 *
 * <p>Arguments (all optional): {@code --sizes 235146,2400000 --members 2,4,8 --encrypt false,true
 * --calls 200 --warmup 50}.
 */
public final class CollectiveBenchmark {
  private CollectiveBenchmark() {}

  public static void main(String[] args) throws Exception {
    int[] sizes = {235_146, 2_400_000};
    int[] members = {2, 4, 8};
    boolean[] encrypt = {false, true};
    int calls = 200;
    int warmup = 50;
    for (int i = 0; i + 1 < args.length; i += 2) {
      String v = args[i + 1];
      switch (args[i]) {
        case "--sizes" -> sizes = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt).toArray();
        case "--members" -> members = Arrays.stream(v.split(",")).mapToInt(Integer::parseInt)
            .toArray();
        case "--encrypt" -> {
          String[] e = v.split(",");
          encrypt = new boolean[e.length];
          for (int j = 0; j < e.length; j++) {
            encrypt[j] = Boolean.parseBoolean(e[j]);
          }
        }
        case "--calls" -> calls = Integer.parseInt(v);
        case "--warmup" -> warmup = Integer.parseInt(v);
        default -> throw new IllegalArgumentException("unknown option " + args[i]
            + " (known: --sizes --members --encrypt --calls --warmup)");
      }
    }
    System.out.printf(Locale.ROOT, "| encrypt | P | doubles | MB | calls | median ms | p10 ms | p90 ms"
        + " | MB/s per link (2 x vector / median) | bytes sent per member per call |%n");
    System.out.println("|---|---|---|---|---|---|---|---|---|---|");
    for (boolean enc : encrypt) {
      for (int p : members) {
        for (int n : sizes) {
          int reps = n > 1_000_000 ? Math.max(20, calls / 4) : calls;
          run(enc, p, n, reps, n > 1_000_000 ? Math.max(10, warmup / 4) : warmup);
        }
      }
    }
  }

  private static void run(boolean enc, int p, int n, int calls, int warmup) throws Exception {
    byte[] key = new byte[GroupSpec.KEY_BYTES];
    new SplittableRandom(1).nextBytes(key);
    GroupSpec spec = new GroupSpec(p, key, enc, Duration.ofSeconds(60));
    ExecutorService pool = Executors.newFixedThreadPool(p, r -> {
      Thread t = new Thread(r, "bench-member");
      t.setDaemon(true);
      return t;
    });
    try {
      List<Collective.Pending> pending = new ArrayList<>();
      for (int r = 0; r < p; r++) {
        pending.add(Collective.listen(r, spec, InetAddress.getLoopbackAddress()));
      }
      List<InetSocketAddress> addrs = pending.stream().map(Collective.Pending::address).toList();
      List<String> labels = new ArrayList<>();
      for (int r = 0; r < p; r++) {
        labels.add("member " + r);
      }
      List<Future<Collective>> cf = new ArrayList<>();
      for (int r = 0; r < p; r++) {
        int rank = r;
        cf.add(pool.submit(() -> pending.get(rank).connect(addrs, labels)));
      }
      List<Collective> g = new ArrayList<>();
      for (Future<Collective> f : cf) {
        g.add(f.get());
      }
      long[][] times = new long[p][calls];
      long[] sent = new long[p];
      List<Future<?>> runs = new ArrayList<>();
      for (int r = 0; r < p; r++) {
        int rank = r;
        runs.add(pool.submit(() -> {
          SplittableRandom rnd = new SplittableRandom(rank);
          double[] part = new double[n];
          for (int i = 0; i < n; i++) {
            part[i] = rnd.nextGaussian();
          }
          double[] result = new double[n];
          Collective c = g.get(rank);
          List<double[]> parts = List.of(part);
          for (int k = 0; k < warmup; k++) {
            c.sumInOrder(parts, result);
          }
          c.barrier();
          long before = c.bytesSent();
          for (int k = 0; k < calls; k++) {
            long t0 = System.nanoTime();
            c.sumInOrder(parts, result);
            times[rank][k] = System.nanoTime() - t0;
          }
          sent[rank] = (c.bytesSent() - before) / calls;
          return null;
        }));
      }
      for (Future<?> f : runs) {
        f.get();
      }
      g.forEach(Collective::close);
      double[] slowest = new double[calls];
      for (int k = 0; k < calls; k++) {
        long m = 0;
        for (int r = 0; r < p; r++) {
          m = Math.max(m, times[r][k]);
        }
        slowest[k] = m / 1e6;
      }
      Arrays.sort(slowest);
      double median = slowest[calls / 2];
      double mb = 8.0 * n / 1e6;
      System.out.printf(Locale.ROOT, "| %s | %d | %,d | %.2f | %d | %.2f | %.2f | %.2f | %.0f | %,d |%n",
          enc ? "AES-GCM" : "plain", p, n, mb, calls, median, slowest[calls / 10],
          slowest[calls * 9 / 10], 2 * mb / (median / 1e3), Arrays.stream(sent).max().getAsLong());
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } finally {
      pool.shutdownNow();
    }
  }
}
