package org.dptrain.driver.train;

import java.io.Serializable;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.spark.SparkConf;
import org.apache.spark.SparkEnv;

/**
 * Where the 32-byte key of one barrier stage's collective comes from; made on the driver, sent
 * with the task closure, turned into the key on the executor. With {@code spark.authenticate}
 * on, the closure carries only a fresh random nonce and each task derives the key from the
 * application's secret (which executors already hold) by HKDF-SHA256 (RFC 5869) with the nonce as
 * salt; otherwise the closure carries a fresh random 32-byte token, which is the key. Either way a
 * peer that does not know the key cannot join, and no two stages share one.
 */
final class GroupSecret implements Serializable {
  private static final long serialVersionUID = 1L;
  static final int KEY_BYTES = 32;
  private static final byte[] INFO = "dptrain allreduce group key v1"
      .getBytes(StandardCharsets.US_ASCII);
  private static final SecureRandom RANDOM = new SecureRandom();

  private final boolean fromAppSecret;
  private final byte[] material;

  private GroupSecret(boolean fromAppSecret, byte[] material) {
    this.fromAppSecret = fromAppSecret;
    this.material = material;
  }

  /** A fresh secret for one stage of an application with configuration {@code conf}. */
  static GroupSecret create(SparkConf conf) {
    byte[] random = new byte[KEY_BYTES];
    RANDOM.nextBytes(random);
    return new GroupSecret(conf.getBoolean("spark.authenticate", false), random);
  }

  /** Whether the key is derived from {@code spark.authenticate}'s secret. */
  boolean fromAppSecret() {
    return fromAppSecret;
  }

  /**
   * The group's key, on the executor (or the driver).
   *
   * @throws IllegalStateException if the application's secret is needed and not available
   */
  byte[] key() {
    if (!fromAppSecret) {
      return material.clone();
    }
    SparkEnv env = SparkEnv.get();
    String secret = env == null ? null : env.securityManager().getSecretKey();
    if (secret == null) {
      throw new IllegalStateException("spark.authenticate is on but this JVM has no application"
          + " secret to derive the allreduce group key from");
    }
    return derive(secret.getBytes(StandardCharsets.UTF_8), material, INFO);
  }

  /**
   * HKDF-SHA256 (RFC 5869) of {@code secret} with {@code salt} and {@code info}, 32 bytes:
   * extract, then one expand block.
   */
  static byte[] derive(byte[] secret, byte[] salt, byte[] info) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(salt, "HmacSHA256"));
      byte[] prk = mac.doFinal(secret);
      mac.init(new SecretKeySpec(prk, "HmacSHA256"));
      mac.update(info);
      mac.update((byte) 1);
      return Arrays.copyOf(mac.doFinal(), KEY_BYTES);
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available in this JVM", e);
    }
  }
}
