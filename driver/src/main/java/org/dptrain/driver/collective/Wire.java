package org.dptrain.driver.collective;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
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
 *  4 int  sequence  (the operation's number, counted from 1 on every member)
 *  8 long total     (the operation's vector length, in doubles)
 * 16 int  offset    (the chunk's first element; for an abort, the rank at fault)
 * 20 int  payload   (bytes that follow)
 * 24 int  flags     (EMPTY: no part summed yet, payload left out; FINAL: a finished chunk)
 * 28 int  aux       (broadcast: the root; abort: the rank that detected the failure)
 * </pre>
 * then the payload (little-endian doubles, or UTF-8 text for an abort). Encrypted, a frame on the
 * wire is its ciphertext length (int) followed by AES-256-GCM of the clear frame with a 128-bit
 * tag, the length as associated data, and a 96-bit nonce that is the frame's number on this link
 * (a counter both ends keep, so it is never reused under one key, and a dropped, repeated or
 * reordered frame fails the tag check).
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

  static ByteBuffer le(byte[] b) {
    return ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
  }

  static void header(byte[] b, int kind, int seq, long total, int offset, int payload, int flags,
      int aux) {
    le(b).putInt(kind).putInt(seq).putLong(total).putInt(offset).putInt(payload).putInt(flags)
        .putInt(aux);
  }

  static int kind(byte[] b) {
    return le(b).getInt(0);
  }

  static int seq(byte[] b) {
    return le(b).getInt(4);
  }

  static long total(byte[] b) {
    return le(b).getLong(8);
  }

  static int offset(byte[] b) {
    return le(b).getInt(16);
  }

  static int payload(byte[] b) {
    return le(b).getInt(20);
  }

  static int flags(byte[] b) {
    return le(b).getInt(24);
  }

  static int aux(byte[] b) {
    return le(b).getInt(28);
  }

  static void encode(double[] src, int from, int count, byte[] frame) {
    ByteBuffer.wrap(frame, HEADER_BYTES, 8 * count).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer()
        .put(src, from, count);
  }

  static void decode(byte[] frame, double[] dst, int from, int count) {
    ByteBuffer.wrap(frame, HEADER_BYTES, 8 * count).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer()
        .get(dst, from, count);
  }

  /** Frame buffers of one size, reused across operations; shared by a member's two link ends. */
  static final class Pool {
    final int frameBytes;
    private final ConcurrentLinkedQueue<byte[]> free = new ConcurrentLinkedQueue<>();

    Pool(int frameBytes) {
      this.frameBytes = frameBytes;
    }

    byte[] take() {
      byte[] b = free.poll();
      return b != null ? b : new byte[frameBytes];
    }

    void give(byte[] b) {
      if (b.length == frameBytes) {
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

    /** Encrypts or decrypts {@code in[inOff, inOff+len)} into {@code out[outOff...)}, AAD = aad[0, 4). */
    int apply(byte[] aad, byte[] in, int inOff, int len, byte[] out, int outOff)
        throws GeneralSecurityException {
      if (counter == Long.MAX_VALUE) {
        throw new GeneralSecurityException("frame counter exhausted on this link");
      }
      le(iv).putLong(4, counter++);
      cipher.init(mode, key, new GCMParameterSpec(TAG_BITS, iv));
      cipher.updateAAD(aad, 0, 4);
      return cipher.doFinal(in, inOff, len, out, outOff);
    }
  }

  /** The receiving end: reads whole frames in the clear into pool buffers. One thread. */
  static final class Reader {
    private final InputStream in;
    private final Pool pool;
    private final Seal seal;
    private final byte[] sealed;
    private volatile long bytes;

    Reader(InputStream in, Pool pool, byte[] key) {
      this.in = in;
      this.pool = pool;
      this.seal = key == null ? null : new Seal(key, Cipher.DECRYPT_MODE);
      this.sealed = key == null ? null : new byte[4 + pool.frameBytes + TAG_BYTES];
    }

    long bytes() {
      return bytes;
    }

    /**
     * The next frame, in a buffer of the pool (give it back when done with it).
     *
     * @throws java.net.SocketTimeoutException nothing arrived within the socket's timeout
     * @throws EOFException the peer closed the connection
     * @throws javax.crypto.AEADBadTagException the frame was altered, dropped or replayed
     */
    byte[] read() throws IOException, GeneralSecurityException {
      byte[] frame = pool.take();
      boolean ok = false;
      try {
        if (seal == null) {
          readFully(frame, 0, HEADER_BYTES);
          int payload = payload(frame);
          if (payload < 0 || payload > frame.length - HEADER_BYTES) {
            throw new IOException("frame with a payload of " + payload + " bytes (at most "
                + (frame.length - HEADER_BYTES) + ")");
          }
          readFully(frame, HEADER_BYTES, payload);
          bytes += HEADER_BYTES + payload;
        } else {
          readFully(sealed, 0, 4);
          int length = le(sealed).getInt(0);
          if (length < HEADER_BYTES + TAG_BYTES || length > frame.length + TAG_BYTES) {
            throw new IOException("encrypted frame of " + length + " bytes (from "
                + (HEADER_BYTES + TAG_BYTES) + " to " + (frame.length + TAG_BYTES) + ")");
          }
          readFully(sealed, 4, length);
          int clear = seal.apply(sealed, sealed, 4, length, frame, 0);
          if (clear != HEADER_BYTES + payload(frame)) {
            throw new IOException("encrypted frame of " + clear + " bytes says its payload is "
                + payload(frame) + " bytes");
          }
          bytes += 4 + length;
        }
        ok = true;
        return frame;
      } finally {
        if (!ok) {
          pool.give(frame);
        }
      }
    }

    private void readFully(byte[] b, int off, int n) throws IOException {
      while (n > 0) {
        int r = in.read(b, off, n);
        if (r < 0) {
          throw new EOFException("the peer closed the connection");
        }
        off += r;
        n -= r;
      }
    }
  }

  /** The sending end's encoder: writes one frame, sealed when the link is encrypted. One thread. */
  static final class Writer {
    private final OutputStream out;
    private final Seal seal;
    private final byte[] sealed;
    private final byte[] length = new byte[4];
    long bytes;

    Writer(OutputStream out, int frameBytes, byte[] key) {
      this.out = out;
      this.seal = key == null ? null : new Seal(key, Cipher.ENCRYPT_MODE);
      this.sealed = key == null ? null : new byte[4 + frameBytes + TAG_BYTES];
    }

    void write(byte[] frame, int len) throws IOException, GeneralSecurityException {
      if (seal == null) {
        out.write(frame, 0, len);
        bytes += len;
      } else {
        le(length).putInt(0, len + TAG_BYTES);
        System.arraycopy(length, 0, sealed, 0, 4);
        int n = seal.apply(length, frame, 0, len, sealed, 4);
        out.write(sealed, 0, 4 + n);
        bytes += 4 + n;
      }
    }
  }
}
