package org.dptrain.driver.collective;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.Channels;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.IntFunction;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/** The collective in one JVM: one thread per member, real sockets on loopback. */
class CollectiveTest {
  private static final InetAddress LOOPBACK = InetAddress.getLoopbackAddress();
  private static final Duration TIMEOUT = Duration.ofSeconds(5);
  private static final ExecutorService POOL = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "collective-test-member");
    t.setDaemon(true);
    return t;
  });

  @AfterAll
  static void stopPool() {
    POOL.shutdownNow();
  }

  // ---- helpers ----------------------------------------------------------------------------

  private static byte[] key(long seed) {
    byte[] k = new byte[GroupSpec.KEY_BYTES];
    new SplittableRandom(seed).nextBytes(k);
    return k;
  }

  private static String label(int r) {
    return "member " + r + " on test-host";
  }

  /** What one member's call gave: a value or a failure. */
  private record Outcome<T>(T value, Throwable error) {
    T get() {
      if (error != null) {
        throw new AssertionError("a member failed: " + error, error);
      }
      return value;
    }
  }

  /** Runs f(rank) on one thread per rank and waits for all of them (bounded). */
  private static <T> List<Outcome<T>> onAll(int p, IntFunction<T> f) {
    List<Future<T>> futures = new ArrayList<>();
    for (int r = 0; r < p; r++) {
      int rank = r;
      futures.add(POOL.submit((Callable<T>) () -> f.apply(rank)));
    }
    List<Outcome<T>> out = new ArrayList<>();
    for (Future<T> fu : futures) {
      try {
        out.add(new Outcome<>(fu.get(60, TimeUnit.SECONDS), null));
      } catch (java.util.concurrent.ExecutionException e) {
        out.add(new Outcome<>(null, e.getCause()));
      } catch (Exception e) {
        throw new AssertionError("a member did not finish within 60 s", e);
      }
    }
    return out;
  }

  private static List<Collective.Pending> listenAll(GroupSpec spec) throws IOException {
    List<Collective.Pending> pending = new ArrayList<>();
    for (int r = 0; r < spec.size(); r++) {
      pending.add(Collective.listen(r, spec, LOOPBACK));
    }
    return pending;
  }

  private static List<InetSocketAddress> addresses(List<Collective.Pending> pending) {
    return pending.stream().map(Collective.Pending::address).toList();
  }

  private static List<String> labels(int p) {
    List<String> l = new ArrayList<>();
    for (int r = 0; r < p; r++) {
      l.add(label(r));
    }
    return l;
  }

  private static List<Collective> connectAll(List<Collective.Pending> pending) {
    List<InetSocketAddress> a = addresses(pending);
    List<String> l = labels(pending.size());
    return onAll(pending.size(), r -> {
      try {
        return pending.get(r).connect(a, l);
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    }).stream().map(Outcome::get).toList();
  }

  private static List<Collective> group(int p, boolean encrypt, Duration timeout)
      throws IOException {
    return connectAll(listenAll(new GroupSpec(p, key(p), encrypt, timeout)));
  }

  private static void closeAll(List<Collective> g) {
    g.forEach(Collective::close);
  }

  /** Values of mixed magnitude (1e-8 to 1e8) and sign, with some exact zeros and -0.0. */
  private static double[] values(SplittableRandom rnd, int n) {
    double[] v = new double[n];
    for (int i = 0; i < n; i++) {
      int pick = rnd.nextInt(50);
      v[i] = pick == 0 ? -0.0 : pick == 1 ? 0.0
          : (rnd.nextDouble() - 0.5) * Math.pow(10, rnd.nextInt(17) - 8);
    }
    return v;
  }

  /** Each member's parts: 0-3 of them (more often 0 or 1), some null. */
  private static List<List<double[]>> parts(SplittableRandom rnd, int p, int n) {
    List<List<double[]>> all = new ArrayList<>();
    for (int r = 0; r < p; r++) {
      int count = rnd.nextInt(4);
      List<double[]> mine = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        mine.add(rnd.nextInt(5) == 0 ? null : values(rnd, n));
      }
      all.add(mine);
    }
    return all;
  }

  /** The sequential loop the collective must reproduce, over the parts in the given order. */
  private static double[] sequential(List<double[]> sequence, int n) {
    double[] result = null;
    for (double[] part : sequence) {
      if (part == null) {
        continue;
      }
      if (result == null) {
        result = part.clone();
      } else {
        for (int i = 0; i < n; i++) {
          result[i] += part[i];
        }
      }
    }
    return result == null ? new double[n] : result;
  }

  private static List<double[]> flatten(List<List<double[]>> perMember) {
    List<double[]> seq = new ArrayList<>();
    perMember.forEach(seq::addAll);
    return seq;
  }

  private static void assertSameBits(double[] expected, double[] actual, String what) {
    assertEquals(expected.length, actual.length, what + ": length");
    for (int i = 0; i < expected.length; i++) {
      if (Double.doubleToRawLongBits(expected[i]) != Double.doubleToRawLongBits(actual[i])) {
        throw new AssertionError(what + ": element " + i + " is " + actual[i] + ", expected "
            + expected[i] + " (bits differ)");
      }
    }
  }

  private static long differingBits(double[] a, double[] b) {
    long d = 0;
    for (int i = 0; i < a.length; i++) {
      if (Double.doubleToRawLongBits(a[i]) != Double.doubleToRawLongBits(b[i])) {
        d++;
      }
    }
    return d;
  }

  /** Sums the given per-member parts on the group and checks every member's bits. */
  private static void checkSum(List<Collective> g, List<List<double[]>> parts, int n,
      String what) {
    double[] expected = sequential(flatten(parts), n);
    List<Outcome<double[]>> results = onAll(g.size(), r -> {
      double[] result = new double[n];
      Arrays.fill(result, Double.NaN); // overwritten, never read
      g.get(r).sumInOrder(parts.get(r), result);
      return result;
    });
    for (int r = 0; r < g.size(); r++) {
      assertSameBits(expected, results.get(r).get(), what + ", rank " + r);
    }
  }

  // ---- sums -------------------------------------------------------------------------------

  @Test
  void sumEqualsTheSequentialLoopToTheLastBitForEverySizeAndGroupSize() throws IOException {
    int[] sizes = {0, 1, 2, 3, 1000, 1_000_003};
    SplittableRandom rnd = new SplittableRandom(42);
    for (int p = 1; p <= 8; p++) {
      List<Collective> g = group(p, false, TIMEOUT);
      try {
        for (int n : sizes) {
          // the large vector only with small parts lists, to keep the test's memory and time down
          List<List<double[]>> parts = n > 100_000 ? partsAtMost(rnd, p, n, p <= 4 ? 2 : 1)
              : parts(rnd, p, n);
          checkSum(g, parts, n, "P=" + p + " n=" + n);
        }
        List<List<double[]>> nulls = new ArrayList<>();
        for (int r = 0; r < p; r++) {
          nulls.add(r % 2 == 0 ? Arrays.asList((double[]) null) : List.of());
        }
        checkSum(g, nulls, 5, "P=" + p + ", every part null");
      } finally {
        closeAll(g);
      }
    }
  }

  private static List<List<double[]>> partsAtMost(SplittableRandom rnd, int p, int n, int max) {
    List<List<double[]>> all = new ArrayList<>();
    for (int r = 0; r < p; r++) {
      List<double[]> mine = new ArrayList<>();
      int count = rnd.nextInt(max + 1);
      for (int i = 0; i < count; i++) {
        mine.add(i == 0 && rnd.nextInt(4) == 0 ? null : values(rnd, n));
      }
      all.add(mine);
    }
    return all;
  }

  @Test
  void theTestDataIsOrderSensitiveSoAWrongOrderWouldFail() {
    SplittableRandom rnd = new SplittableRandom(7);
    List<double[]> seq = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      seq.add(values(rnd, 1000));
    }
    double[] inOrder = sequential(seq, 1000);
    List<double[]> reversed = new ArrayList<>(seq);
    java.util.Collections.reverse(reversed);
    List<double[]> rotated = new ArrayList<>(seq.subList(2, 6));
    rotated.addAll(seq.subList(0, 2));
    // a ring reduce-scatter starts each chunk at a different rank: a rotation of the sequence
    assertTrue(differingBits(inOrder, sequential(reversed, 1000)) > 100,
        "reversing the order must change many elements' bits");
    assertTrue(differingBits(inOrder, sequential(rotated, 1000)) > 100,
        "rotating the order must change many elements' bits");
  }

  @Test
  void theFirstPartIsCopiedNotAddedToZero() throws IOException {
    List<Collective> g = group(3, false, TIMEOUT);
    try {
      // 0.0 + -0.0 is 0.0: a sum that started from zeros would lose the sign
      List<List<double[]>> parts = List.of(List.of(), Arrays.asList(null, new double[] {-0.0}),
          List.of());
      checkSum(g, parts, 1, "first part -0.0");
      List<Outcome<double[]>> out = onAll(3, k -> {
        double[] x = new double[1];
        g.get(k).sumInOrder(parts.get(k), x);
        return x;
      });
      for (Outcome<double[]> o : out) {
        assertEquals(Double.doubleToRawLongBits(-0.0), Double.doubleToRawLongBits(o.get()[0]));
      }
    } finally {
      closeAll(g);
    }
  }

  @Test
  void hundredsOfSmallCallsOnOneGroup() throws IOException {
    int p = 4;
    List<Collective> g = group(p, false, TIMEOUT);
    try {
      SplittableRandom rnd = new SplittableRandom(3);
      int calls = 300;
      List<List<List<double[]>>> perCall = new ArrayList<>();
      int[] sizes = new int[calls];
      for (int c = 0; c < calls; c++) {
        sizes[c] = rnd.nextInt(40);
        perCall.add(parts(rnd, p, sizes[c]));
      }
      List<Outcome<List<double[]>>> out = onAll(p, r -> {
        List<double[]> mine = new ArrayList<>();
        for (int c = 0; c < calls; c++) {
          double[] result = new double[sizes[c]];
          g.get(r).sumInOrder(perCall.get(c).get(r), result);
          mine.add(result);
        }
        return mine;
      });
      for (int c = 0; c < calls; c++) {
        double[] expected = sequential(flatten(perCall.get(c)), sizes[c]);
        for (int r = 0; r < p; r++) {
          assertSameBits(expected, out.get(r).get().get(c), "call " + c + " rank " + r);
        }
      }
      assertTrue(g.get(1).bytesSent() > 0 && g.get(1).bytesReceived() > 0);
    } finally {
      closeAll(g);
    }
  }

  @Test
  void encryptedSumsGiveTheSameBits() throws IOException {
    int p = 3;
    List<Collective> g = group(p, true, TIMEOUT);
    try {
      SplittableRandom rnd = new SplittableRandom(11);
      for (int n : new int[] {0, 1, 1000, 100_003}) {
        checkSum(g, parts(rnd, p, n), n, "encrypted n=" + n);
      }
      double[] data = values(rnd, 70_000);
      onAll(p, r -> {
        double[] mine = r == 2 ? data.clone() : new double[data.length];
        g.get(r).broadcast(mine, 2);
        return mine;
      }).forEach(o -> assertSameBits(data, o.get(), "encrypted broadcast"));
    } finally {
      closeAll(g);
    }
  }

  // ---- broadcast, barrier -----------------------------------------------------------------

  @Test
  void broadcastCopiesTheRootsDataToEveryMember() throws IOException {
    int p = 5;
    List<Collective> g = group(p, false, TIMEOUT);
    try {
      SplittableRandom rnd = new SplittableRandom(5);
      for (int n : new int[] {0, 7, 100_000}) {
        for (int root : new int[] {0, 3, 4}) {
          double[] data = values(rnd, n);
          List<Outcome<double[]>> out = onAll(p, r -> {
            double[] mine = r == root ? data.clone() : new double[n];
            g.get(r).broadcast(mine, root);
            return mine;
          });
          for (int r = 0; r < p; r++) {
            assertSameBits(data, out.get(r).get(), "broadcast n=" + n + " root " + root
                + " rank " + r);
          }
        }
      }
    } finally {
      closeAll(g);
    }
  }

  @Test
  void noMemberLeavesTheBarrierBeforeTheLastOneEntersIt() throws IOException {
    int p = 4;
    List<Collective> g = group(p, false, TIMEOUT);
    try {
      for (int round = 0; round < 3; round++) {
        int late = round + 1;
        long[] entered = new long[p];
        List<Outcome<Long>> left = onAll(p, r -> {
          if (r == late) {
            sleepMillis(300);
          }
          entered[r] = System.nanoTime();
          g.get(r).barrier();
          return System.nanoTime();
        });
        long lastIn = Arrays.stream(entered).max().getAsLong();
        for (int r = 0; r < p; r++) {
          assertTrue(left.get(r).get() >= lastIn, "rank " + r + " left barrier " + round
              + " before rank " + late + " entered it");
        }
      }
    } finally {
      closeAll(g);
    }
  }

  private static void sleepMillis(long ms) {
    try {
      Thread.sleep(ms);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    }
  }

  @Test
  void aGroupOfOneNeedsNoPeers() throws IOException {
    GroupSpec spec = new GroupSpec(1, key(1), false, TIMEOUT);
    Collective.Pending pending = Collective.listen(0, spec, LOOPBACK);
    try (Collective c = pending.connect(List.of(pending.address()), List.of("alone"))) {
      double[] a = {1.5, -2.0};
      double[] b = {0.25, 1e-17};
      double[] result = new double[2];
      c.sumInOrder(Arrays.asList(null, a, b), result);
      assertSameBits(sequential(List.of(a, b), 2), result, "P=1");
      c.sumInOrder(List.of(), result);
      assertSameBits(new double[2], result, "P=1 no parts");
      c.broadcast(a, 0);
      c.barrier();
      assertEquals(0, c.bytesSent());
    }
  }

  // ---- mismatches -------------------------------------------------------------------------

  @Test
  void aLengthThatDiffersBetweenMembersFailsEveryMemberClearly() throws IOException {
    int p = 3;
    List<Collective> g = group(p, false, TIMEOUT);
    try {
      long start = System.nanoTime();
      List<Outcome<Object>> out = onAll(p, r -> {
        g.get(r).sumInOrder(List.of(new double[r == 1 ? 10 : 11]), new double[r == 1 ? 10 : 11]);
        return null;
      });
      long elapsed = System.nanoTime() - start;
      for (int r = 0; r < p; r++) {
        Throwable e = out.get(r).error();
        assertInstanceOf(CollectiveException.class, e, "rank " + r);
        assertTrue(e.getMessage().contains("length mismatch"), e.getMessage());
        assertTrue(e.getMessage().contains("10 doubles") && e.getMessage().contains("11 doubles"),
            e.getMessage());
      }
      assertTrue(elapsed < TIMEOUT.toNanos(), "the mismatch must not wait for the timeout");
      // the group is broken: every later call says so
      CollectiveException again = assertThrows(CollectiveException.class, () -> g.get(0).barrier());
      assertTrue(again.getMessage().contains("failed earlier"), again.getMessage());
    } finally {
      closeAll(g);
    }
  }

  @Test
  void aPartWhoseLengthDiffersFromTheResultFailsTheGroup() throws IOException {
    int p = 2;
    List<Collective> g = group(p, false, TIMEOUT);
    try {
      List<Outcome<Object>> out = onAll(p, r -> {
        double[] result = new double[4];
        g.get(r).sumInOrder(List.of(r == 0 ? new double[3] : new double[4]), result);
        return null;
      });
      String m0 = out.get(0).error().getMessage();
      assertTrue(m0.contains("part 0 has 3 doubles, result has 4"), m0);
      String m1 = out.get(1).error().getMessage();
      assertTrue(m1.contains("the group failed") && m1.contains(label(0)), m1);
    } finally {
      closeAll(g);
    }
  }

  @Test
  void differentCallsOnDifferentMembersFailClearly() throws IOException {
    int p = 2;
    List<Collective> g = group(p, false, TIMEOUT);
    try {
      List<Outcome<Object>> out = onAll(p, r -> {
        if (r == 0) {
          g.get(r).barrier();
        } else {
          g.get(r).broadcast(new double[3], 0);
        }
        return null;
      });
      for (int r = 0; r < p; r++) {
        String m = out.get(r).error().getMessage();
        assertTrue(m.contains("calls differ"), m);
      }
    } finally {
      closeAll(g);
    }
  }

  // ---- timeouts and closing ---------------------------------------------------------------

  @Test
  void aMemberThatNeverCallsFailsEveryOtherWithinAboutTheTimeout() throws IOException {
    int p = 4;
    int culprit = 2;
    Duration timeout = Duration.ofMillis(1000);
    List<Collective.Pending> pending = listenAll(new GroupSpec(p, key(9), false, timeout));
    List<InetSocketAddress> addrs = addresses(pending);
    List<Collective> g = connectAll(pending);
    try {
      long start = System.nanoTime();
      String[] messages = new String[p];
      List<Outcome<Long>> out = onAll(p, r -> {
        if (r != culprit) {
          try {
            g.get(r).sumInOrder(List.of(new double[300_000]), new double[300_000]);
          } catch (CollectiveException e) {
            long t = System.nanoTime();
            messages[r] = e.getMessage();
            return t;
          }
          throw new AssertionError("rank " + r + " finished a sum without rank " + culprit);
        }
        return 0L;
      });
      String where = addrs.get(culprit).getHostString() + ":" + addrs.get(culprit).getPort();
      for (int r = 0; r < p; r++) {
        if (r == culprit) {
          continue;
        }
        double seconds = (out.get(r).get() - start) / 1e9;
        assertTrue(seconds < 3.0, "rank " + r + " failed after " + seconds + " s: " + messages[r]);
        assertTrue(seconds >= 0.9, "rank " + r + " failed after " + seconds
            + " s, before the timeout: " + messages[r]);
        Collective member = g.get(r);
        CollectiveException e = assertThrows(CollectiveException.class, member::barrier);
        assertTrue(e.getMessage().contains(label(culprit)) && e.getMessage().contains(where),
            "rank " + r + ": " + e.getMessage());
        assertTrue(e.getMessage().contains("timeout after 1.0 s"), e.getMessage());
        assertEquals(culprit, e.peerRank());
      }
    } finally {
      closeAll(g);
    }
  }

  @Test
  void aMemberClosingMidCallFailsTheOthersNamingIt() throws IOException {
    int p = 3;
    int culprit = 1;
    List<Collective> g = group(p, false, Duration.ofSeconds(20));
    try {
      long start = System.nanoTime();
      List<Outcome<String>> out = onAll(p, r -> {
        if (r == culprit) {
          sleepMillis(300);
          g.get(r).close();
          return null;
        }
        try {
          g.get(r).sumInOrder(List.of(new double[1000]), new double[1000]);
        } catch (CollectiveException e) {
          return e.getMessage();
        }
        throw new AssertionError("rank " + r + " finished a sum without rank " + culprit);
      });
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(10),
          "closing must fail the others at once, not after the timeout");
      for (int r = 0; r < p; r++) {
        if (r != culprit) {
          String m = out.get(r).get();
          assertTrue(m.contains(label(culprit)), "rank " + r + ": " + m);
        }
      }
      assertThrows(IllegalStateException.class, () -> g.get(culprit).barrier());
    } finally {
      closeAll(g);
    }
  }

  @Test
  void closeStopsTheThreadsItStarted() throws Exception {
    List<Collective> g = group(3, true, TIMEOUT);
    checkSum(g, parts(new SplittableRandom(2), 3, 100), 100, "before close");
    closeAll(g);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
    while (!collectiveThreads().isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    assertEquals(List.of(), collectiveThreads(), "threads left after close");
  }

  private static List<String> collectiveThreads() {
    return Thread.getAllStackTraces().keySet().stream()
        .filter(t -> t.getName().startsWith("dptrain-collective") && t.isAlive())
        .map(Thread::getName).toList();
  }

  @Test
  void aGroupThatCannotConnectFailsWithinTheTimeout() throws IOException {
    GroupSpec spec = new GroupSpec(3, key(4), false, Duration.ofMillis(800));
    List<Collective.Pending> pending = listenAll(spec);
    List<InetSocketAddress> a = addresses(pending);
    pending.get(2).close();
    try {
      long start = System.nanoTime();
      // rank 2 is gone: rank 1 cannot connect to it, rank 0 hears from nobody
      List<Outcome<Collective>> out = onAll(2, r -> {
        try {
          return pending.get(r).connect(a, labels(3));
        } catch (IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      });
      assertTrue(System.nanoTime() - start < TimeUnit.SECONDS.toNanos(3));
      String m0 = out.get(0).error().getMessage();
      assertTrue(m0.contains(label(2)) && m0.contains("within 0.8 s"), m0);
      String m1 = out.get(1).error().getMessage();
      assertTrue(m1.contains(label(2)), m1);
    } finally {
      pending.forEach(Collective.Pending::close);
    }
  }

  // ---- strangers --------------------------------------------------------------------------

  @Test
  void strangersAreRefusedAndTheGroupStillConnects() throws Exception {
    int p = 3;
    GroupSpec spec = new GroupSpec(p, key(21), false, Duration.ofSeconds(4));
    List<Collective.Pending> pending = listenAll(spec);
    InetSocketAddress target = pending.get(1).address();
    // a silent one (connects, sends nothing), one sending garbage, one with the wrong key
    Socket silent = new Socket(target.getAddress(), target.getPort());
    Future<String> garbage = POOL.submit(() -> {
      try (Socket s = new Socket(target.getAddress(), target.getPort())) {
        byte[] junk = new byte[200];
        new SplittableRandom(1).nextBytes(junk);
        s.getOutputStream().write(junk);
        s.setSoTimeout(5000);
        // the member closes at once: an end of stream, or a reset (it left bytes unread)
        return s.getInputStream().read() < 0 ? "closed" : "answered";
      } catch (java.net.SocketException e) {
        return "closed";
      }
    });
    GroupSpec wrong = new GroupSpec(p, key(22), false, spec.timeout());
    Future<String> impostor = POOL.submit(() -> {
      try (Socket s = new Socket(target.getAddress(), target.getPort())) {
        s.setSoTimeout(5000);
        Handshake.client(s, 0, 1, wrong);
        return "accepted";
      } catch (Handshake.Refused e) {
        return e.getMessage();
      }
    });
    try {
      assertEquals("closed", garbage.get(10, TimeUnit.SECONDS));
      assertTrue(impostor.get(10, TimeUnit.SECONDS).contains("refused"));
      long start = System.nanoTime();
      List<Collective> g = connectAll(pending);
      try {
        assertTrue(System.nanoTime() - start < spec.timeout().toNanos(),
            "a silent stranger must not delay the group to its timeout");
        checkSum(g, parts(new SplittableRandom(8), p, 5000), 5000, "after strangers");
        assertTrue(pending.get(1).refusedConnections() >= 2,
            "refused: " + pending.get(1).refusedConnections());
      } finally {
        closeAll(g);
      }
      // after the group connected the port is closed: a late stranger is refused by the system
      assertThrows(IOException.class, () -> new Socket(target.getAddress(), target.getPort())
          .close());
    } finally {
      silent.close();
    }
  }

  @Test
  void aMemberWithAnotherKeyCannotJoin() throws Exception {
    int p = 2;
    GroupSpec spec = new GroupSpec(p, key(31), false, Duration.ofSeconds(2));
    GroupSpec other = new GroupSpec(p, key(32), false, Duration.ofSeconds(2));
    List<Collective.Pending> pending = List.of(Collective.listen(0, spec, LOOPBACK),
        Collective.listen(1, other, LOOPBACK));
    List<InetSocketAddress> a = addresses(pending);
    List<Outcome<Collective>> out = onAll(p, r -> {
      try {
        return pending.get(r).connect(a, labels(p));
      } catch (IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
    });
    for (int r = 0; r < p; r++) {
      Throwable e = out.get(r).error();
      assertInstanceOf(CollectiveException.class, e, "rank " + r);
      assertTrue(e.getMessage().contains("authentication failed")
          || e.getMessage().contains("no authenticated connection"), e.getMessage());
      assertTrue(e.getMessage().contains(label(1 - r)), e.getMessage());
    }
  }

  // ---- the wire ---------------------------------------------------------------------------

  private static final Wire.Wait NO_MORE_DATA = () -> {
    throw new IOException("no more data");
  };

  private static Wire.Reader reader(byte[] bytes, Wire.Pool pool, byte[] k) {
    return new Wire.Reader(Channels.newChannel(new ByteArrayInputStream(bytes)), NO_MORE_DATA,
        pool, k);
  }

  @Test
  void anAlteredDroppedOrReplayedEncryptedFrameIsDetected() throws Exception {
    byte[] k = key(5);
    Wire.Pool pool = new Wire.Pool(Wire.HEADER_BYTES + 8 * 16);
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    Wire.Writer w = new Wire.Writer(Channels.newChannel(sink), pool.frameBytes, k);
    List<byte[]> frames = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      ByteBuffer f = pool.take();
      Wire.header(f, Wire.SUM, i + 1, 4, 0, 32, 0, 0);
      Wire.encode(new double[] {i, 1.5, -2, 1e300}, 0, 4, f);
      w.write(f);
      frames.add(sink.toByteArray());
      sink.reset();
    }
    assertEquals(4 + Wire.HEADER_BYTES + 32 + Wire.TAG_BYTES, frames.get(0).length);
    // intact: reads back
    byte[] all = concat(frames.get(0), frames.get(1), frames.get(2));
    Wire.Reader ok = reader(all, pool, k);
    for (int i = 0; i < 3; i++) {
      ByteBuffer f = ok.read();
      assertEquals(i + 1, Wire.seq(f));
      double[] d = new double[4];
      Wire.decode(f, d, 0, 4);
      assertArrayEquals(new double[] {i, 1.5, -2, 1e300}, d);
    }
    // one bit flipped in the ciphertext, in the tag, or in the length
    for (int at : new int[] {40, frames.get(0).length - 1}) {
      byte[] altered = all.clone();
      altered[at] ^= 1;
      assertThrows(javax.crypto.AEADBadTagException.class, () -> reader(altered, pool, k).read(),
          "byte " + at);
    }
    // the first frame dropped, or replayed
    assertThrows(javax.crypto.AEADBadTagException.class,
        () -> reader(frames.get(1), pool, k).read());
    Wire.Reader replay = reader(concat(frames.get(0), frames.get(0)), pool, k);
    assertNotNull(replay.read());
    assertThrows(javax.crypto.AEADBadTagException.class, replay::read);
    // another key
    assertThrows(javax.crypto.AEADBadTagException.class,
        () -> reader(frames.get(0), pool, key(6)).read());
  }

  @Test
  void aPlainFrameLongerThanAChunkIsRefused() {
    Wire.Pool pool = new Wire.Pool(Wire.HEADER_BYTES + 8 * 16);
    ByteBuffer h = ByteBuffer.allocate(Wire.HEADER_BYTES).order(ByteOrder.LITTLE_ENDIAN);
    h.putInt(Wire.SUM).putInt(1).putLong(4).putInt(0).putInt(8 * 17).putInt(0).putInt(0);
    IOException e = assertThrows(IOException.class, () -> reader(h.array(), pool, null).read());
    assertTrue(e.getMessage().contains("136 bytes"), e.getMessage());
  }

  @Test
  void theSpecChecksItsValuesAndHidesTheKey() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new GroupSpec(2, new byte[16], false, TIMEOUT));
    assertTrue(e.getMessage().contains("16 bytes"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class, () -> new GroupSpec(0, key(1), false, TIMEOUT));
    assertTrue(e.getMessage().contains("got 0"), e.getMessage());
    e = assertThrows(IllegalArgumentException.class,
        () -> new GroupSpec(2, key(1), false, Duration.ZERO));
    assertTrue(e.getMessage().contains("PT0S"), e.getMessage());
    byte[] k = key(1);
    GroupSpec spec = new GroupSpec(2, k, false, TIMEOUT);
    k[0] ^= 1;
    assertFalse(Arrays.equals(k, spec.key()), "the spec keeps its own copy");
    assertFalse(spec.toString().contains(Arrays.toString(spec.key())));
    assertTrue(spec.toString().contains("hidden"));
    IllegalArgumentException bad = assertThrows(IllegalArgumentException.class,
        () -> Collective.listen(2, spec, LOOPBACK));
    assertTrue(bad.getMessage().contains("rank 2"), bad.getMessage());
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream o = new ByteArrayOutputStream();
    for (byte[] p : parts) {
      o.writeBytes(p);
    }
    return o.toByteArray();
  }
}
