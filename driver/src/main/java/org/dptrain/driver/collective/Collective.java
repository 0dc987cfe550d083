package org.dptrain.driver.collective;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import javax.crypto.AEADBadTagException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One member of a group of {@code size} members that sum, broadcast and synchronise arrays of
 * doubles among themselves over TCP, with results bit-identical on every member and independent
 * of timing.
 *
 * <p>The members form a ring: member r holds one connection to its successor r+1 (mod size) and
 * one from its predecessor, each authenticated both ways with the group key (and encrypted when
 * the spec says so). Data flows only forward along the ring. {@link #sumInOrder} is a pipelined
 * chain: the vector is cut into chunks of {@value #CHUNK_DOUBLES} doubles; chunk k's running sum
 * starts at rank 0, each rank adds its parts onto it in order and passes it on, rank size-1 finishes
 * it and sends it on round the ring (0, 1, ..., size-2) to everyone. Every element is thus summed
 * by the one sequential loop over the global sequence of parts, whatever the arrival order, and
 * the chunks keep every link busy at once; each link carries the vector about twice, like a ring
 * reduce-scatter + all-gather.
 *
 * <p>Failures: any I/O failure, timeout, mismatch between members or bad argument fails the whole
 * group. The member that detects it sends a report round the ring, so every member throws a
 * {@link CollectiveException} naming the member at fault (label, rank, address), normally within
 * about the timeout; after that every call throws. A member waiting inside a call receives
 * keep-alives from its predecessor while that one is inside the call too, so only a member that
 * stops answering (or lags its predecessor by more than the timeout) is blamed.
 *
 * <p>Not thread-safe: one thread makes the calls, in the same order on every member. {@link
 * #close()} may be called from any thread and ends a call in progress. Threads started here are
 * daemon threads and end on close.
 */
public final class Collective implements AutoCloseable {
  /** Doubles per chunk of the pipeline (256 KiB). */
  public static final int CHUNK_DOUBLES = 32 * 1024;

  private static final Logger LOG = LoggerFactory.getLogger(Collective.class);
  private static final int MAX_HANDSHAKES = 8;
  private static final int MAX_REPORT_BYTES = 4096;
  private static final long RETRY_MILLIS = 20;

  private final int rank;
  private final int size;
  private final GroupSpec spec;
  private final List<InetSocketAddress> members;
  private final List<String> labels;
  private final SocketChannel in;
  private final SocketChannel out;
  private final Selector selector;
  private final Wire.Pool pool;
  private final Wire.Reader reader;
  private final Sender sender;
  private int seq;
  private volatile CollectiveException failure;
  private volatile boolean closed;

  private Collective(int rank, GroupSpec spec, List<InetSocketAddress> members,
      List<String> labels, SocketChannel in, byte[] inKey, SocketChannel out, byte[] outKey)
      throws IOException {
    this.rank = rank;
    this.size = spec.size();
    this.spec = spec;
    this.members = members;
    this.labels = labels;
    this.in = in;
    this.out = out;
    this.pool = new Wire.Pool(Wire.HEADER_BYTES + 8 * CHUNK_DOUBLES);
    if (size == 1) {
      this.selector = null;
      this.reader = null;
      this.sender = null;
    } else {
      // the incoming link is read without blocking, so that a wait is bounded by the timeout
      in.configureBlocking(false);
      this.selector = Selector.open();
      in.register(selector, SelectionKey.OP_READ);
      this.reader = new Wire.Reader(in, this::awaitData, pool, inKey);
      long keepAlive = TimeUnit.MILLISECONDS.toNanos(Math.max(1, Math.min(1000,
          spec.timeoutMillis() / 4)));
      this.sender = new Sender(new Wire.Writer(out, pool.frameBytes, outKey), pool, keepAlive,
          "dptrain-collective-send-" + rank);
    }
  }

  /**
   * Binds this member's listening socket on an ephemeral port of {@code bindAddress} and starts
   * accepting (and authenticating) its predecessor's connection; returns at once.
   *
   * @param rank this member's rank, 0 to size-1
   * @throws IOException the socket could not be bound
   */
  public static Pending listen(int rank, GroupSpec spec, InetAddress bindAddress)
      throws IOException {
    Objects.requireNonNull(spec, "spec");
    Objects.requireNonNull(bindAddress, "bindAddress");
    if (rank < 0 || rank >= spec.size()) {
      throw new IllegalArgumentException("rank " + rank + " is outside the group of "
          + spec.size() + " (0 to " + (spec.size() - 1) + ")");
    }
    return new Pending(rank, spec, bindAddress);
  }

  /** A member whose socket is bound and accepting, not yet connected to the others. */
  public static final class Pending implements AutoCloseable {
    private final int rank;
    private final GroupSpec spec;
    private final ServerSocketChannel server;
    private final CompletableFuture<Accepted> incoming = new CompletableFuture<>();
    private final Set<SocketChannel> handshaking = ConcurrentHashMap.newKeySet();
    private final AtomicInteger refused = new AtomicInteger();
    private boolean used;
    private volatile boolean handedOver;
    private volatile boolean stopped;

    private record Accepted(SocketChannel socket, byte[] key) {}

    private record Dialed(SocketChannel socket, byte[] key) {}

    private Pending(int rank, GroupSpec spec, InetAddress bindAddress) throws IOException {
      this.rank = rank;
      this.spec = spec;
      this.server = ServerSocketChannel.open();
      try {
        server.bind(new InetSocketAddress(bindAddress, 0), 50);
      } catch (IOException e) {
        server.close();
        throw e;
      }
      if (spec.size() > 1) {
        Thread t = new Thread(this::accept, "dptrain-collective-accept-" + rank);
        t.setDaemon(true);
        t.start();
      }
    }

    /** The address peers connect to (the bind address and the ephemeral port). */
    public InetSocketAddress address() {
      try {
        return (InetSocketAddress) server.getLocalAddress();
      } catch (IOException e) {
        throw new IllegalStateException("rank " + rank + ": the listening socket is closed", e);
      }
    }

    /** How many connections were refused so far (not the group's, failed authentication, ...). */
    public int refusedConnections() {
      return refused.get();
    }

    /**
     * Connects to the others and waits until the group is connected: this member's connection
     * to its successor and its predecessor's to it are both authenticated. Then the listening
     * socket is closed (later connections are refused by the operating system).
     *
     * @param members members.get(r) = rank r's {@link #address()}
     * @param labels labels.get(r) = how messages name rank r, e.g. "task 1 (partitions 8-15) on
     *     host-b"
     * @throws CollectiveException the group did not connect within the timeout, or a peer failed
     *     authentication; names the peer
     */
    public Collective connect(List<InetSocketAddress> members, List<String> labels)
        throws IOException {
      Objects.requireNonNull(members, "members");
      Objects.requireNonNull(labels, "labels");
      int size = spec.size();
      if (members.size() != size || labels.size() != size) {
        throw new IllegalArgumentException("a group of " + size + " needs " + size
            + " addresses and labels, got " + members.size() + " and " + labels.size());
      }
      for (int r = 0; r < size; r++) {
        Objects.requireNonNull(members.get(r), "address of rank " + r);
        Objects.requireNonNull(labels.get(r), "label of rank " + r);
      }
      if (used) {
        throw new IllegalStateException("connect() was already called on this member");
      }
      used = true;
      List<InetSocketAddress> m = List.copyOf(members);
      List<String> l = List.copyOf(labels);
      SocketChannel out = null;
      SocketChannel in = null;
      try {
        if (size == 1) {
          return new Collective(rank, spec, m, l, null, null, null, null);
        }
        long deadline = System.nanoTime() + spec.timeout().toNanos();
        int next = (rank + 1) % size;
        int prev = (rank + size - 1) % size;
        String self = who(l, m, rank);
        Dialed d = dial(m.get(next), deadline, self, who(l, m, next), next);
        out = d.socket();
        Accepted a;
        try {
          a = incoming.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
          throw new CollectiveException(self + ": no authenticated connection from "
              + who(l, m, prev) + " within " + spec.timeoutText() + " (timeout; "
              + refused.get() + " other connection(s) refused)", prev, null);
        } catch (ExecutionException e) {
          throw new IllegalStateException("the accept thread failed", e.getCause());
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new CollectiveException(self + ": interrupted while connecting", -1, e);
        }
        in = a.socket();
        Collective c = new Collective(rank, spec, m, l, in, a.key(), out, d.key());
        handedOver = true;
        out = null;
        in = null;
        return c;
      } finally {
        close();
        closeQuietly(out);
        closeQuietly(in);
      }
    }

    /** Connects to the successor, retrying until it listens, and authenticates both ways. */
    private Dialed dial(InetSocketAddress to, long deadline, String self, String peer, int next)
        throws IOException {
      SocketChannel s = SocketChannel.open();
      boolean ok = false;
      try {
      while (true) {
        long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
        if (left <= 0) {
          throw new CollectiveException(self + ": could not connect to " + peer + " within "
              + spec.timeoutText() + " (timeout)", next, null);
        }
        try {
          s.socket().connect(to, (int) Math.min(Integer.MAX_VALUE, left));
          break;
        } catch (ConnectException e) {
          // the successor's socket is not bound yet (or its backlog is full): try again
          s.close();
          s = SocketChannel.open();
          sleep(RETRY_MILLIS);
        } catch (SocketTimeoutException e) {
          throw new CollectiveException(self + ": could not connect to " + peer + " within "
              + spec.timeoutText() + " (timeout)", next, e);
        }
      }
      Socket socket = s.socket();
      socket.setTcpNoDelay(true);
      socket.setSoTimeout((int) Math.max(1, Math.min(Integer.MAX_VALUE,
          TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()))));
        Dialed d = new Dialed(s, Handshake.client(socket, rank, next, spec));
        socket.setSoTimeout(0); // the outgoing link is never read after the handshake
        ok = true;
        return d;
      } catch (Handshake.Refused e) {
        throw new CollectiveException(self + ": authentication failed with " + peer + ": "
            + e.getMessage(), next, e);
      } catch (SocketTimeoutException e) {
        throw new CollectiveException(self + ": timeout after " + spec.timeoutText()
            + " in the handshake with " + peer, next, e);
      } catch (IOException e) {
        throw new CollectiveException(self + ": the handshake with " + peer + " failed: "
            + e.getMessage(), next, e);
      } finally {
        if (!ok) {
          closeQuietly(s);
        }
      }
    }

    private void accept() {
      int prev = (rank + spec.size() - 1) % spec.size();
      while (server.isOpen()) {
        SocketChannel s;
        try {
          s = server.accept();
        } catch (IOException e) {
          return; // closed
        }
        if (incoming.isDone() || handshaking.size() >= MAX_HANDSHAKES) {
          refuse(s, incoming.isDone() ? "the group is already connected"
              : MAX_HANDSHAKES + " handshakes already in progress");
          continue;
        }
        handshaking.add(s);
        Thread t = new Thread(() -> handshake(s, prev), "dptrain-collective-handshake-" + rank);
        t.setDaemon(true);
        t.start();
      }
    }

    private void handshake(SocketChannel s, int prev) {
      try {
        s.socket().setTcpNoDelay(true);
        s.socket().setSoTimeout(spec.timeoutMillis());
        byte[] key = Handshake.server(s.socket(), rank, prev, spec);
        // before complete(): connect() then closes what is still handshaking, not this one
        handshaking.remove(s);
        if (!incoming.complete(new Accepted(s, key))) {
          refuse(s, "the group is already connected");
        }
      } catch (Handshake.Refused e) {
        refuse(s, e.getMessage(), true);
      } catch (SocketTimeoutException e) {
        refuse(s, "no complete handshake within " + spec.timeoutText());
      } catch (IOException e) {
        refuse(s, e.getMessage());
      } finally {
        handshaking.remove(s);
      }
    }

    private void refuse(SocketChannel s, String why) {
      refuse(s, why, false);
    }

    /** Closes a connection that is not the group's; logged unless this member closed it itself. */
    private void refuse(SocketChannel s, String why, boolean always) {
      handshaking.remove(s);
      if (always || !stopped) {
        refused.incrementAndGet();
        LOG.warn("collective rank {}: refused a connection from {}: {}", rank,
            s.socket().getRemoteSocketAddress(), why);
      }
      closeQuietly(s);
    }

    /** Stops accepting; closes connections still in their handshake. Idempotent. */
    @Override
    public void close() {
      stopped = true;
      closeQuietly(server);
      for (SocketChannel s : handshaking) {
        refused.incrementAndGet();
        LOG.warn("collective rank {}: closed a connection from {} that had not completed its"
            + " handshake", rank, s.socket().getRemoteSocketAddress());
        closeQuietly(s);
      }
      incoming.thenAccept(a -> {
        if (!handedOver) {
          closeQuietly(a.socket());
        }
      });
    }
  }

  /** This member's rank, 0 to size-1. */
  public int rank() {
    return rank;
  }

  /** The number of members. */
  public int size() {
    return size;
  }

  /** Bytes this member wrote to its link since it connected (headers, tags and keep-alives included). */
  public long bytesSent() {
    return sender == null ? 0 : sender.bytes();
  }

  /** Bytes this member read from its link since it connected. */
  public long bytesReceived() {
    return reader == null ? 0 : reader.bytes();
  }

  /**
   * The in-order sum over the group. Member r contributes {@code parts} (its own list, in order;
   * null entries are skipped). The global sequence is rank 0's parts, then rank 1's, and so on;
   * result = a copy of the first non-null part of that sequence, then result[i] += part[i] for
   * each later non-null part in sequence order, exactly as that sequential loop computes it on one
   * machine: identical bits on every member. All zeros if every part is null.
   *
   * @param parts this member's parts, in order (the list may be empty, entries may be null)
   * @param result (modified in place) the sum; its length must be the same on every member, and
   *     every non-null part must have that length
   * @throws CollectiveException the group failed (a length differs here or on another member, a
   *     peer timed out, closed or failed authentication); names the member at fault
   */
  public void sumInOrder(List<double[]> parts, double[] result) {
    Objects.requireNonNull(parts, "parts");
    Objects.requireNonNull(result, "result");
    usable();
    int s = ++seq;
    int n = result.length;
    for (int i = 0; i < parts.size(); i++) {
      double[] p = parts.get(i);
      if (p != null && p.length != n) {
        throw fail("length mismatch in sumInOrder #" + s + ": part " + i + " has " + p.length
            + " doubles, result has " + n, rank, null);
      }
    }
    if (size == 1) {
      if (addParts(parts, result, 0, n, true)) {
        Arrays.fill(result, 0.0);
      }
      return;
    }
    chain(Wire.SUM, s, parts, result);
  }

  /**
   * Copies {@code data} on {@code root} into {@code data} on every other member.
   *
   * @param data (modified in place on every member but root) the same length on every member
   * @param root the rank whose data is copied, the same on every member
   * @throws CollectiveException the group failed; names the member at fault
   */
  public void broadcast(double[] data, int root) {
    Objects.requireNonNull(data, "data");
    usable();
    int s = ++seq;
    if (root < 0 || root >= size) {
      throw fail("broadcast #" + s + " from rank " + root + ", outside the group of " + size,
          rank, null);
    }
    if (size == 1) {
      return;
    }
    int n = data.length;
    int chunks = chunks(n);
    begin(s);
    try {
      if (rank == root) {
        for (int k = 0; k < chunks; k++) {
          int a = k * CHUNK_DOUBLES;
          sendData(Wire.BROADCAST, s, n, a, Math.min(CHUNK_DOUBLES, n - a), 0, root, data);
        }
      } else {
        boolean forward = next() != root;
        for (int k = 0; k < chunks; k++) {
          ByteBuffer f = receive(Wire.BROADCAST, s, n, root);
          int a = k * CHUNK_DOUBLES;
          int count = Math.min(CHUNK_DOUBLES, n - a);
          checkChunk(f, "broadcast", s, a, count, false);
          Wire.decode(f, data, a, count);
          pass(f, forward);
        }
      }
      finish(s, "broadcast");
    } finally {
      end(s);
    }
  }

  /** Returns once every member has called it (the same number of collective calls before it). */
  public void barrier() {
    usable();
    int s = ++seq;
    if (size > 1) {
      chain(Wire.BARRIER, s, List.of(), new double[0]);
    }
  }

  /**
   * Closes the links and stops this member's threads. A call in progress on another thread, and
   * every member still waiting on this one, fails. Idempotent.
   */
  @Override
  public void close() {
    closed = true;
    if (sender != null) {
      sender.stop();
    }
    closeQuietly(in);
    closeQuietly(out);
    closeQuietly(selector);
  }

  // ---- the chain --------------------------------------------------------------------------

  /**
   * sumInOrder's pipeline: partial chunks flow 0 -> 1 -> ... -> size-1 (each adding its parts),
   * finished ones size-1 -> 0 -> 1 -> ... -> size-2. A barrier is the same with no elements.
   */
  private void chain(int kind, int s, List<double[]> parts, double[] result) {
    int n = result.length;
    int chunks = chunks(n);
    boolean last = rank == size - 1;
    boolean forwardFinal = next() != size - 1;
    String op = opName(kind);
    begin(s);
    try {
      if (rank == 0) {
        for (int k = 0; k < chunks; k++) {
          int a = k * CHUNK_DOUBLES;
          int b = Math.min(n, a + CHUNK_DOUBLES);
          boolean empty = addParts(parts, result, a, b, true);
          sendData(kind, s, n, a, b - a, empty ? Wire.EMPTY : 0, 0, result);
        }
      }
      int wantPartial = rank == 0 ? 0 : chunks;
      int wantFinal = last ? 0 : chunks;
      int partials = 0;
      int finals = 0;
      while (partials < wantPartial || finals < wantFinal) {
        ByteBuffer f = receive(kind, s, n, 0);
        boolean fin = (Wire.flags(f) & Wire.FINAL) != 0;
        boolean empty = (Wire.flags(f) & Wire.EMPTY) != 0;
        if (fin ? finals >= wantFinal : partials >= wantPartial) {
          pool.give(f);
          throw fail("protocol error in " + op + " #" + s + ": an extra " + (fin ? "finished"
              : "partial") + " chunk from " + who(prev()), prev(), null);
        }
        int a = (fin ? finals : partials) * CHUNK_DOUBLES;
        int b = Math.min(n, a + CHUNK_DOUBLES);
        checkChunk(f, op, s, a, b - a, empty);
        if (fin) {
          if (empty) {
            Arrays.fill(result, a, b, 0.0);
          } else {
            Wire.decode(f, result, a, b - a);
          }
          pass(f, forwardFinal);
          finals++;
        } else {
          if (!empty) {
            Wire.decode(f, result, a, b - a);
          }
          pool.give(f);
          empty = addParts(parts, result, a, b, empty);
          if (last && empty) {
            Arrays.fill(result, a, b, 0.0);
          }
          sendData(kind, s, n, a, b - a, (empty ? Wire.EMPTY : 0) | (last ? Wire.FINAL : 0), 0,
              result);
          partials++;
        }
      }
      finish(s, op);
    } finally {
      end(s);
    }
  }

  /**
   * Adds the non-null parts onto result[a, b) in order; when {@code empty} (no part summed into
   * it yet) the first one is copied instead, so that its bits (e.g. -0.0) are kept.
   *
   * @return whether result[a, b) is still empty
   */
  private static boolean addParts(List<double[]> parts, double[] result, int a, int b,
      boolean empty) {
    for (double[] p : parts) {
      if (p == null) {
        continue;
      }
      if (empty) {
        System.arraycopy(p, a, result, a, b - a);
        empty = false;
      } else {
        for (int i = a; i < b; i++) {
          result[i] += p[i];
        }
      }
    }
    return empty;
  }

  private static int chunks(int n) {
    return n == 0 ? 1 : (n + CHUNK_DOUBLES - 1) / CHUNK_DOUBLES;
  }

  private void sendData(int kind, int s, int n, int offset, int count, int flags, int aux,
      double[] src) {
    ByteBuffer f = pool.take();
    int payload = (flags & Wire.EMPTY) != 0 ? 0 : 8 * count;
    Wire.header(f, kind, s, n, offset, payload, flags, aux);
    if (payload > 0) {
      Wire.encode(src, offset, count, f);
    }
    sendFrame(f, true, s);
  }

  /** Forwards a received frame unchanged to the successor, or gives it back to the pool. */
  private void pass(ByteBuffer f, boolean forward) {
    if (forward) {
      sendFrame(f, true, Wire.seq(f));
    } else {
      pool.give(f);
    }
  }

  private void sendFrame(ByteBuffer f, boolean pooled, int s) {
    Throwable e = sender.error();
    if (e != null) {
      if (pooled) {
        pool.give(f);
      }
      throw linkToNextFailed(e, s);
    }
    sender.send(f, pooled);
  }

  private void checkChunk(ByteBuffer f, String op, int s, int a, int count, boolean empty) {
    int expectedPayload = empty ? 0 : 8 * count;
    if (Wire.offset(f) != a || Wire.payload(f) != expectedPayload) {
      int offset = Wire.offset(f);
      int payload = Wire.payload(f);
      pool.give(f);
      throw fail("protocol error in " + op + " #" + s + ": " + who(prev()) + " sent the chunk at "
          + offset + " with " + payload + " bytes, expected the chunk at " + a + " with "
          + expectedPayload, prev(), null);
    }
  }

  /**
   * The next frame of call {@code s} from the predecessor, after keep-alives; a failure report is
   * passed on and thrown, a frame of another call is a mismatch between the members.
   */
  private ByteBuffer receive(int kind, int s, int n, int aux) {
    while (true) {
      ByteBuffer f;
      try {
        f = reader.read();
      } catch (SocketTimeoutException e) {
        throw fail("timeout after " + spec.timeoutText() + ": nothing from " + who(prev())
            + " while waiting in " + opName(kind) + " #" + s, prev(), e);
      } catch (EOFException e) {
        throw fail(who(prev()) + " closed the connection during " + opName(kind) + " #" + s,
            prev(), e);
      } catch (AEADBadTagException e) {
        throw fail("authentication failed for a message from " + who(prev()) + " during "
            + opName(kind) + " #" + s + " (altered, dropped or replayed)", prev(), e);
      } catch (IOException | GeneralSecurityException e) {
        throw fail("the connection from " + who(prev()) + " failed during " + opName(kind)
            + " #" + s + ": " + e.getMessage(), prev(), e);
      }
      int k = Wire.kind(f);
      if (k == Wire.KEEP_ALIVE) {
        pool.give(f);
        continue;
      }
      if (k == Wire.ABORT) {
        throw reported(f);
      }
      if (k != kind || Wire.seq(f) != s || Wire.total(f) != n || Wire.aux(f) != aux) {
        String theirs = describe(k, Wire.seq(f), Wire.total(f), Wire.aux(f));
        String ours = describe(kind, s, n, aux);
        boolean lengthOnly = k == kind && Wire.seq(f) == s && Wire.aux(f) == aux;
        pool.give(f);
        throw fail((lengthOnly ? "length mismatch: " : "the members' calls differ: ")
            + who(prev()) + " is in " + theirs + ", this member in " + ours, prev(), null);
      }
      return f;
    }
  }

  private static String describe(int kind, int s, long n, int aux) {
    return opName(kind) + " #" + s + (kind == Wire.BARRIER ? ""
        : " of " + n + " doubles" + (kind == Wire.BROADCAST ? " from rank " + aux : ""));
  }

  private static String opName(int kind) {
    return switch (kind) {
      case Wire.SUM -> "sumInOrder";
      case Wire.BROADCAST -> "broadcast";
      case Wire.BARRIER -> "barrier";
      case Wire.KEEP_ALIVE -> "keep-alive";
      case Wire.ABORT -> "abort";
      default -> "unknown call (kind " + kind + ")";
    };
  }

  private void begin(int s) {
    sender.inCall(s, true);
  }

  private void end(int s) {
    sender.inCall(s, false);
  }

  /** Waits until this member's frames of the call are written (the successor may lag behind). */
  private void finish(int s, String op) {
    boolean done;
    try {
      done = sender.awaitWritten(spec.timeout().toNanos());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw fail("interrupted in " + op + " #" + s, -1, e);
    }
    if (!done) {
      Throwable e = sender.error();
      if (e != null) {
        throw linkToNextFailed(e, s);
      }
      throw fail("timeout after " + spec.timeoutText() + ": " + who(next())
          + " stopped reading during " + op + " #" + s, next(), null);
    }
  }

  // ---- failures -----------------------------------------------------------------------------

  private CollectiveException linkToNextFailed(Throwable e, int s) {
    return fail("the connection to " + who(next()) + " failed in call #" + s + ": " + e,
        next(), e);
  }

  private void usable() {
    CollectiveException f = failure;
    if (f != null) {
      throw new CollectiveException(who(rank) + ": the group failed earlier: " + f.getMessage(),
          f.peerRank(), f);
    }
    if (closed) {
      throw new IllegalStateException(who(rank) + ": this member is closed");
    }
  }

  /**
   * Records a failure this member detected and sends the report round the ring, so the others
   * fail at once with the same cause instead of timing out.
   */
  private CollectiveException fail(String what, int atFault, Throwable cause) {
    if (closed && failure == null) {
      return failure = new CollectiveException(who(rank) + ": closed during a collective call ("
          + what + ")", -1, cause);
    }
    if (failure != null) {
      return failure;
    }
    String message = who(rank) + ": " + what;
    CollectiveException e = new CollectiveException(message, atFault, cause);
    failure = e;
    if (sender != null) {
      report(rank, atFault, message);
    }
    return e;
  }

  /** A failure report from the predecessor: passed on (unless back at its origin) and thrown. */
  private CollectiveException reported(ByteBuffer f) {
    int origin = Wire.aux(f);
    int atFault = Wire.offset(f);
    byte[] bytes = new byte[Math.min(Wire.payload(f), MAX_REPORT_BYTES)];
    f.get(Wire.HEADER_BYTES, bytes);
    String text = new String(bytes, StandardCharsets.UTF_8);
    pool.give(f);
    CollectiveException e = new CollectiveException(who(rank) + ": the group failed: " + text,
        atFault, null);
    if (failure == null) {
      failure = e;
      if (next() != origin) {
        report(origin, atFault, text);
      }
    }
    return failure;
  }

  private void report(int origin, int atFault, String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    int len = Math.min(bytes.length, MAX_REPORT_BYTES);
    ByteBuffer f = ByteBuffer.allocate(Wire.HEADER_BYTES + len).order(ByteOrder.LITTLE_ENDIAN);
    Wire.header(f, Wire.ABORT, seq, 0, atFault, len, 0, origin);
    f.put(Wire.HEADER_BYTES, bytes, 0, len);
    sender.sendFirst(f);
    try {
      // bounded: the successor may be the member that stopped reading
      sender.awaitWritten(TimeUnit.MILLISECONDS.toNanos(Math.min(1000, spec.timeoutMillis())));
    } catch (InterruptedException ie) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Waits until the incoming link has data: at most the timeout, or until close.
   *
   * @throws SocketTimeoutException nothing arrived within the timeout
   */
  private void awaitData() throws IOException {
    long deadline = System.nanoTime() + spec.timeout().toNanos();
    while (true) {
      if (closed) {
        throw new ClosedChannelException();
      }
      long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (left <= 0) {
        throw new SocketTimeoutException("nothing within " + spec.timeoutText());
      }
      int ready = selector.select(left);
      selector.selectedKeys().clear();
      if (ready > 0) {
        return;
      }
    }
  }

  // ---- names --------------------------------------------------------------------------------

  private int next() {
    return (rank + 1) % size;
  }

  private int prev() {
    return (rank + size - 1) % size;
  }

  private String who(int r) {
    return who(labels, members, r);
  }

  private static String who(List<String> labels, List<InetSocketAddress> members, int r) {
    InetSocketAddress a = members.get(r);
    return labels.get(r) + " (rank " + r + " at " + a.getHostString() + ":" + a.getPort() + ")";
  }

  private static void sleep(long millis) throws IOException {
    try {
      Thread.sleep(millis);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new java.io.InterruptedIOException("interrupted while connecting");
    }
  }

  private static void closeQuietly(AutoCloseable c) {
    if (c != null) {
      try {
        c.close();
      } catch (Exception e) {
        // closing after a failure or at the end: nothing left to save
      }
    }
  }
}
