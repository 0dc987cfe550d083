package org.dptrain.driver.collective;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.WritableByteChannel;
import java.security.GeneralSecurityException;
import java.util.concurrent.ConcurrentLinkedQueue;
import javax.crypto.Cipher;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * The frame format of one link, and its two ends.
 *
 * <p>A frame in the clear is a {@value #HEADER_BYTES}-byte little-endian header
 * <pre>
 *  0 int  kind      (sum, broadcast, barrier, keep-alive, abort)
 *  4 int  sequence  (the call's number, counted from 1 on every member)
 *  8 long total     (the call's vector length, in doubles)
 * 16 int  offset    (the chunk's first element; for an abort, the rank at fault)
 * 20 int  payload   (bytes that follow)
 * 24 int  flags     (EMPTY: no part summed yet, payload left out; FINAL: a finished chunk)
 * 28 int  aux       (broadcast: the root; abort: the rank that detected the failure)
 * </pre>
 * then the payload (little-endian doubles, or UTF-8 text for an abort). Encrypted, a frame on the
 * wire is its sealed length (int) followed by AES-256-GCM of the clear frame with a 128-bit tag,
 * the length as associated data, and a 96-bit nonce that is the frame's number on this link (a
 * counter both ends keep, so it is never reused under one key, and a dropped, repeated or
 * reordered frame fails the tag check).
 *
 * <p>Frames live in direct buffers (position 0, limit = frame length), so a chunk is copied once
 * from the double[] into the buffer and the socket reads and writes it without another copy.
 */
final class Wire {
  static final int HEADER_BYTES = 32;
  static final int TAG_BYTES = 16;
  static final int TAG_BITS = 8 * TAG_BYTES;

  static final int SUM = 1;
  static final int BROADCAST = 2;
  static final int BARRIER = 3;
  static final int KEEP_ALIVE = 8;
  static final int ABORT = 9;

  static final int EMPTY = 1;
  static final int FINAL = 2;

  private Wire() {}

  static void header(ByteBuffer b, int kind, int seq, long total, int offset, int payload,
      int flags, int aux) {
    b.putInt(0, kind).putInt(4, seq).putLong(8, total).putInt(16, offset).putInt(20, payload)
        .putInt(24, flags).putInt(28, aux);
    b.limit(HEADER_BYTES + payload).position(0);
  }

  static int kind(ByteBuffer b) {
    return b.getInt(0);
  }

  static int seq(ByteBuffer b) {
    return b.getInt(4);
  }

  static long total(ByteBuffer b) {
    return b.getLong(8);
  }

  static int offset(ByteBuffer b) {
    return b.getInt(16);
  }

  static int payload(ByteBuffer b) {
    return b.getInt(20);
  }

  static int flags(ByteBuffer b) {
    return b.getInt(24);
  }

  static int aux(ByteBuffer b) {
    return b.getInt(28);
  }

  /** Writes src[from, from+count) as the payload (after the header). */
  static void encode(double[] src, int from, int count, ByteBuffer frame) {
    frame.slice(HEADER_BYTES, 8 * count).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer()
        .put(src, from, count);
  }

  /** Reads the payload into dst[from, from+count). */
  static void decode(ByteBuffer frame, double[] dst, int from, int count) {
    frame.slice(HEADER_BYTES, 8 * count).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer()
        .get(dst, from, count);
  }

  /** Frame buffers of one size, reused across calls; shared by a member's two link ends. */
  static final class Pool {
    final int frameBytes;
    private final ConcurrentLinkedQueue<ByteBuffer> free = new ConcurrentLinkedQueue<>();

    Pool(int frameBytes) {
      this.frameBytes = frameBytes;
    }

    ByteBuffer take() {
      ByteBuffer b = free.poll();
      return b != null ? b.clear() : ByteBuffer.allocateDirect(frameBytes)
          .order(ByteOrder.LITTLE_ENDIAN);
    }

    void give(ByteBuffer b) {
      if (b.capacity() == frameBytes && b.isDirect()) {
        free.offer(b);
      }
    }
  }

  /** AES-GCM with a counter nonce: one instance per link end, used by one thread. */
  static final class Seal {
    private final Cipher cipher;
    private final SecretKeySpec key;
    private final int mode;
    private final byte[] iv = new byte[12];
    private final ByteBuffer ivView = ByteBuffer.wrap(iv).order(ByteOrder.LITTLE_ENDIAN);
    private long counter;

    Seal(byte[] key, int mode) {
      this.key = new SecretKeySpec(key, "AES");
      this.mode = mode;
      try {
        this.cipher = Cipher.getInstance("AES/GCM/NoPadding");
      } catch (GeneralSecurityException e) {
        throw new IllegalStateException("AES/GCM is not available in this JVM", e);
      }
    }

    /** Seals or opens {@code in} (position to limit) into {@code out}, with {@code aad} as associated data. */
    void apply(byte[] aad, ByteBuffer in, ByteBuffer out) throws GeneralSecurityException {
      if (counter == Long.MAX_VALUE) {
        throw new GeneralSecurityException("frame counter exhausted on this link");
      }
      ivView.putLong(4, counter++);
      cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(aad);
      cipher.doFinal(in, out);
    }
  }

  /** How a reader waits for data on a non-blocking channel; throws when the wait is over. */
  interface Wait {
    void await() throws IOException;
  }

  /** The receiving end: reads whole frames in the clear into pool buffers. One thread. */
  static final class Reader {
    private final ReadableByteChannel in;
    private final Wait wait;
    private final Pool pool;
    private final Seal seal;
    private final ByteBuffer sealed;
    private final byte[] length = new byte[4];
    private volatile long bytes;

    Reader(ReadableByteChannel in, Wait wait, Pool pool, byte[] key) {
      this.in = in;
      this.wait = wait;
      this.pool = pool;
      this.seal = key == null ? null : new Seal(key, Cipher.DECRYPT_MODE);
      this.sealed = key == null ? null : ByteBuffer.allocateDirect(pool.frameBytes + TAG_BYTES)
          .order(ByteOrder.LITTLE_ENDIAN);
    }

    long bytes() {
      return bytes;
    }

    /**
     * The next frame (position 0, limit its length), in a buffer of the pool: give it back when
     * done with it.
     *
     * @throws java.net.SocketTimeoutException nothing arrived within the wait's timeout
     * @throws EOFException the peer closed the connection
     * @throws javax.crypto.AEADBadTagException the frame was altered, dropped or replayed
     */
    ByteBuffer read() throws IOException, GeneralSecurityException {
      ByteBuffer frame = pool.take();
      boolean ok = false;
      try {
        if (seal == null) {
          fill(frame.limit(HEADER_BYTES));
          int payload = payload(frame);
          if (payload < 0 || payload > frame.capacity() - HEADER_BYTES) {
            throw new IOException("frame with a payload of " + payload + " bytes (at most "
                + (frame.capacity() - HEADER_BYTES) + ")");
          }
          fill(frame.limit(HEADER_BYTES + payload));
          bytes += HEADER_BYTES + payload;
        } else {
          ByteBuffer len = ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN);
          fill(len);
          int n = len.getInt(0);
          if (n < HEADER_BYTES + TAG_BYTES || n > sealed.capacity()) {
            throw new IOException("encrypted frame of " + n + " bytes (from "
                + (HEADER_BYTES + TAG_BYTES) + " to " + sealed.capacity() + ")");
          }
          sealed.clear().limit(n);
          fill(sealed);
          sealed.flip();
          frame.clear();
          seal.apply(length, sealed, frame);
          int clear = frame.position();
          if (clear != HEADER_BYTES + payload(frame)) {
            throw new IOException("encrypted frame of " + clear + " bytes says its payload is "
                + payload(frame) + " bytes");
          }
          frame.flip();
          bytes += 4 + n;
        }
        frame.position(0);
        ok = true;
        return frame;
      } finally {
        if (!ok) {
          pool.give(frame);
        }
      }
    }

    private void fill(ByteBuffer b) throws IOException {
      while (b.hasRemaining()) {
        int r = in.read(b);
        if (r < 0) {
          throw new EOFException("the peer closed the connection");
        }
        if (r == 0) {
          wait.await();
        }
      }
    }
  }

  /** The sending end's encoder: writes one frame, sealed when the link is encrypted. One thread. */
  static final class Writer {
    private final WritableByteChannel out;
    private final Seal seal;
    private final ByteBuffer sealed;
    private final byte[] length = new byte[4];
    long bytes;

    Writer(WritableByteChannel out, int frameBytes, byte[] key) {
      this.out = out;
      this.seal = key == null ? null : new Seal(key, Cipher.ENCRYPT_MODE);
      this.sealed = key == null ? null : ByteBuffer.allocateDirect(4 + frameBytes + TAG_BYTES)
          .order(ByteOrder.LITTLE_ENDIAN);
    }

    /** Writes {@code frame} from position 0 to its limit (blocking channel). */
    void write(ByteBuffer frame) throws IOException, GeneralSecurityException {
      frame.position(0);
      if (seal == null) {
        int n = frame.remaining();
        drain(frame);
        bytes += n;
      } else {
        int n = frame.remaining() + TAG_BYTES;
        ByteBuffer.wrap(length).order(ByteOrder.LITTLE_ENDIAN).putInt(0, n);
        sealed.clear().putInt(n);
        seal.apply(length, frame, sealed);
        sealed.flip();
        drain(sealed);
        bytes += 4 + n;
      }
    }

    private void drain(ByteBuffer b) throws IOException {
      while (b.hasRemaining()) {
        out.write(b);
      }
    }
  }
}
