package org.dptrain.driver.collective;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The mutual authentication of one connection (member {@code from} connects to member {@code
 * to}, its successor on the ring), and the derivation of its traffic key.
 *
 * <pre>
 * client -> server  hello:  magic, version, from, to, size, flags, nonceC (32 random bytes)
 * server -> client  hello:  magic, version, to, flags, nonceS (32 random bytes)
 * client -> server  HMAC-SHA256(key, "client" || both hellos)
 * server -> client  status (0 = accepted), HMAC-SHA256(key, "server" || both hellos)
 * </pre>
 *
 * The server checks the client's proof before it proves anything itself; both compare in constant
 * time ({@link MessageDigest#isEqual}). Fresh nonces on both sides make every transcript new, so a
 * recorded handshake cannot be replayed. With encryption the data key (client to server, the only
 * direction data flows) is HKDF-SHA256 (RFC 5869) of the group key, salted with both nonces.
 * Nonces come from {@link SecureRandom}: they are secrets' companions, not training randomness,
 * so they must not derive from the training seed.
 */
final class Handshake {
  static final int MAGIC = 0x44505443; // "DPTC"
  static final int VERSION = 1;
  static final int NONCE_BYTES = 32;
  static final int MAC_BYTES = 32;
  static final int CLIENT_HELLO_BYTES = 6 * 4 + NONCE_BYTES;
  static final int SERVER_HELLO_BYTES = 4 * 4 + NONCE_BYTES;
  private static final int FLAG_ENCRYPT = 1;
  private static final byte ACCEPTED = 0;
  private static final byte REFUSED = 1;
  private static final SecureRandom RANDOM = new SecureRandom();

  /** A connection that did not prove it belongs to the group, or sent something else than the handshake. */
  static final class Refused extends IOException {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message);
    }
  }

  private Handshake() {}

  /**
   * Runs the client side on a connected socket whose read timeout is set.
   *
   * @return the data key (client to server) when the spec encrypts, else null
   * @throws Refused the server is not a member of this group, or refused this one
   */
  static byte[] client(Socket socket, int from, int to, GroupSpec spec) throws IOException {
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    byte[] nonceC = nonce();
    ByteBuffer hello = le(CLIENT_HELLO_BYTES).putInt(MAGIC).putInt(VERSION).putInt(from).putInt(to)
        .putInt(spec.size()).putInt(flags(spec)).put(nonceC);
    byte[] clientHello = hello.array();
    out.write(clientHello);
    out.flush();
    byte[] serverHello = readFully(in, SERVER_HELLO_BYTES, "the server's hello");
    ByteBuffer s = ByteBuffer.wrap(serverHello).order(ByteOrder.LITTLE_ENDIAN);
    if (s.getInt() != MAGIC || s.getInt() != VERSION) {
      throw new Refused("the peer is not a dptrain collective member of this version");
    }
    int rank = s.getInt();
    int peerFlags = s.getInt();
    if (rank != to) {
      throw new Refused("the peer says it is rank " + rank + ", expected rank " + to);
    }
    if (peerFlags != flags(spec)) {
      throw new Refused("the peer's encryption setting differs from this member's");
    }
    byte[] nonceS = new byte[NONCE_BYTES];
    s.get(nonceS);
    byte[] key = spec.key();
    out.write(mac(key, "client", clientHello, serverHello));
    out.flush();
    byte[] status = readFully(in, 1, "the server's answer");
    if (status[0] != ACCEPTED) {
      throw new Refused("the peer refused this member's proof of the group key (do the keys differ?)");
    }
    byte[] proof = readFully(in, MAC_BYTES, "the server's proof");
    if (!MessageDigest.isEqual(proof, mac(key, "server", clientHello, serverHello))) {
      throw new Refused("the peer failed to prove it holds the group key");
    }
    return spec.encrypt() ? dataKey(key, nonceC, nonceS, from, to) : null;
  }

  /**
   * Runs the server side on an accepted socket whose read timeout is set.
   *
   * @param expectedFrom the only rank allowed to connect (this member's predecessor)
   * @return the data key (client to server) when the spec encrypts, else null
   * @throws Refused the client is not the expected member of this group; nothing about the key
   *     has been revealed to it
   */
  static byte[] server(Socket socket, int self, int expectedFrom, GroupSpec spec)
      throws IOException {
    InputStream in = socket.getInputStream();
    OutputStream out = socket.getOutputStream();
    byte[] clientHello = readFully(in, CLIENT_HELLO_BYTES, "a hello");
    ByteBuffer c = ByteBuffer.wrap(clientHello).order(ByteOrder.LITTLE_ENDIAN);
    if (c.getInt() != MAGIC) {
      throw new Refused("not a dptrain collective handshake (bad magic)");
    }
    int version = c.getInt();
    if (version != VERSION) {
      throw new Refused("protocol version " + version + ", expected " + VERSION);
    }
    int from = c.getInt();
    int to = c.getInt();
    int size = c.getInt();
    int peerFlags = c.getInt();
    byte[] nonceC = new byte[NONCE_BYTES];
    c.get(nonceC);
    if (from != expectedFrom || to != self || size != spec.size()) {
      throw new Refused("claims rank " + from + " of " + size + " connecting to rank " + to
          + ", expected rank " + expectedFrom + " of " + spec.size() + " connecting to rank " + self);
    }
    if (peerFlags != flags(spec)) {
      throw new Refused("its encryption setting differs from this member's");
    }
    byte[] nonceS = nonce();
    byte[] serverHello = le(SERVER_HELLO_BYTES).putInt(MAGIC).putInt(VERSION).putInt(self)
        .putInt(flags(spec)).put(nonceS).array();
    out.write(serverHello);
    out.flush();
    byte[] proof = readFully(in, MAC_BYTES, "its proof of the group key");
    byte[] key = spec.key();
    if (!MessageDigest.isEqual(proof, mac(key, "client", clientHello, serverHello))) {
      out.write(REFUSED);
      out.flush();
      throw new Refused("authentication failed: it does not hold the group key");
    }
    byte[] reply = new byte[1 + MAC_BYTES];
    reply[0] = ACCEPTED;
    System.arraycopy(mac(key, "server", clientHello, serverHello), 0, reply, 1, MAC_BYTES);
    out.write(reply);
    out.flush();
    return spec.encrypt() ? dataKey(key, nonceC, nonceS, from, to) : null;
  }

  private static int flags(GroupSpec spec) {
    return spec.encrypt() ? FLAG_ENCRYPT : 0;
  }

  private static ByteBuffer le(int n) {
    return ByteBuffer.allocate(n).order(ByteOrder.LITTLE_ENDIAN);
  }

  private static byte[] nonce() {
    byte[] n = new byte[NONCE_BYTES];
    RANDOM.nextBytes(n);
    return n;
  }

  private static byte[] readFully(InputStream in, int n, String what) throws IOException {
    byte[] b = new byte[n];
    int off = 0;
    while (off < n) {
      int r = in.read(b, off, n - off);
      if (r < 0) {
        throw new EOFException("connection closed before " + what + " (" + off + " of " + n
            + " bytes)");
      }
      off += r;
    }
    return b;
  }

  private static byte[] mac(byte[] key, String role, byte[] clientHello, byte[] serverHello) {
    Mac mac = hmac(key);
    mac.update(("dptrain-collective " + role).getBytes(StandardCharsets.US_ASCII));
    mac.update(clientHello);
    mac.update(serverHello);
    return mac.doFinal();
  }

  /** HKDF-SHA256 extract-and-expand of one 32-byte block. */
  static byte[] dataKey(byte[] key, byte[] nonceC, byte[] nonceS, int from, int to) {
    byte[] salt = new byte[2 * NONCE_BYTES];
    System.arraycopy(nonceC, 0, salt, 0, NONCE_BYTES);
    System.arraycopy(nonceS, 0, salt, NONCE_BYTES, NONCE_BYTES);
    byte[] prk = hmac(salt).doFinal(key);
    Mac expand = hmac(prk);
    expand.update(("dptrain-collective data " + from + "->" + to)
        .getBytes(StandardCharsets.US_ASCII));
    expand.update((byte) 1);
    return expand.doFinal();
  }

  private static Mac hmac(byte[] key) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return mac;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
