package org.dptrain.driver.collective;

import java.time.Duration;

/**
 * What every member of one group shares.
 *
 * @param size the number of members, at least 1
 * @param key the group secret, exactly {@value #KEY_BYTES} bytes: every connection proves it holds
 *     it (HMAC-SHA256 challenge-response both ways), and with {@code encrypt} the traffic keys are
 *     derived from it. Copied on construction; never printed by {@link #toString()}.
 * @param encrypt whether all traffic after the handshake is AES-GCM encrypted and authenticated
 * @param timeout the longest wait for any peer I/O or connection before the group fails: while a
 *     member waits inside a collective call its neighbours send it keep-alives, so this bounds how
 *     long one member may lag behind its neighbour in reaching the same call (not the duration of
 *     a call). Positive, at most {@link Integer#MAX_VALUE} ms.
 */
public record GroupSpec(int size, byte[] key, boolean encrypt, Duration timeout) {
  /** The length of {@link #key()}. */
  public static final int KEY_BYTES = 32;

  public GroupSpec {
    if (size < 1) {
      throw new IllegalArgumentException("group size must be at least 1, got " + size);
    }
    if (key == null || key.length != KEY_BYTES) {
      throw new IllegalArgumentException("group key must be " + KEY_BYTES + " bytes, got "
          + (key == null ? "null" : key.length + " bytes"));
    }
    key = key.clone();
    if (timeout == null || timeout.isNegative() || timeout.isZero()
        || timeout.compareTo(Duration.ofMillis(Integer.MAX_VALUE)) > 0) {
      throw new IllegalArgumentException("group timeout must be positive and at most "
          + Integer.MAX_VALUE + " ms, got " + timeout);
    }
  }

  /** A copy of the group secret. */
  @Override
  public byte[] key() {
    return key.clone();
  }

  /** The timeout in milliseconds, at least 1. */
  int timeoutMillis() {
    return (int) Math.max(1, timeout.toMillis());
  }

  /** The timeout as it appears in messages, e.g. "2.5 s". */
  String timeoutText() {
    return String.format(java.util.Locale.ROOT, "%.1f s", timeout.toMillis() / 1000.0);
  }

  /** Leaves the key out: the spec is logged, the secret must not be. */
  @Override
  public String toString() {
    return "GroupSpec[size=" + size + ", key=(" + KEY_BYTES + " bytes, hidden), encrypt=" + encrypt
        + ", timeout=" + timeout + "]";
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GroupSpec g && g.size == size && java.util.Arrays.equals(g.key, key)
        && g.encrypt == encrypt && g.timeout.equals(timeout);
  }

  @Override
  public int hashCode() {
    return java.util.Objects.hash(size, java.util.Arrays.hashCode(key), encrypt, timeout);
  }
}
