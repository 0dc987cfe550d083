package org.dptrain.driver.train;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import org.apache.spark.api.java.JavaRDD;
import org.dptrain.data.Block;

/**
 * The size and a fingerprint of the training data as the trainer sees it: the stacked, scaled
 * blocks in partition order. {@code sha256} is the SHA-256 of the partition count followed by, for
 * each partition in order, the SHA-256 of its blocks in order, each block hashed as its size,
 * feature and output widths (int32) and its features then targets (float64), little-endian. The
 * partition digests are computed on the executors, so one pass over the cached blocks gives both
 * numbers; the same data in the same partitions with the same scaling gives the same digest on any
 * cluster.
 *
 * @param examples the number of training examples
 * @param sha256 the digest, 64 lower-case hex digits
 */
public record DataDigest(long examples, String sha256) {

  /** Size and digest of {@code blocks} (one Spark job). */
  public static DataDigest of(JavaRDD<Block> blocks) {
    List<byte[]> parts = blocks.mapPartitions(it -> {
      MessageDigest d = newDigest();
      long n = 0;
      while (it.hasNext()) {
        Block b = it.next();
        n += b.size();
        update(d, b);
      }
      ByteBuffer out = ByteBuffer.allocate(8 + 32).order(ByteOrder.LITTLE_ENDIAN);
      out.putLong(n).put(d.digest());
      return List.of(out.array()).iterator();
    }).collect();
    MessageDigest all = newDigest();
    all.update(ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN).putInt(parts.size()).array());
    long examples = 0;
    for (byte[] p : parts) {
      ByteBuffer b = ByteBuffer.wrap(p).order(ByteOrder.LITTLE_ENDIAN);
      examples += b.getLong();
      all.update(p, 8, 32);
    }
    return new DataDigest(examples, HexFormat.of().formatHex(all.digest()));
  }

  private static void update(MessageDigest d, Block b) {
    d.update(ByteBuffer.allocate(12).order(ByteOrder.LITTLE_ENDIAN).putInt(b.size())
        .putInt(b.features()).putInt(b.outputs()).array());
    switch (b.layout()) {
      case DENSE -> {
        switch (b.precision()) {
          case FLOAT64 -> update(d, b.x());
          case FLOAT32 -> update(d, b.x32());
        }
      }
      case SPARSE -> {
        // a sparse block digests apart from a dense one with the same values: "sparse", then
        // its offsets and indices
        d.update("sparse".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        update(d, b.start());
        update(d, b.index());
        switch (b.precision()) {
          case FLOAT64 -> update(d, b.values());
          case FLOAT32 -> update(d, b.values32());
        }
      }
    }
    switch (b.precision()) {
      case FLOAT64 -> update(d, b.y());
      case FLOAT32 -> update(d, b.y32());
    }
  }

  private static void update(MessageDigest d, int[] values) {
    ByteBuffer chunk = ByteBuffer.allocate(4 * 4096).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i += 4096) {
      chunk.clear();
      int n = Math.min(4096, values.length - i);
      for (int j = 0; j < n; j++) {
        chunk.putInt(values[i + j]);
      }
      d.update(chunk.array(), 0, 4 * n);
    }
  }

  private static void update(MessageDigest d, float[] values) {
    ByteBuffer chunk = ByteBuffer.allocate(4 * 4096).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i += 4096) {
      chunk.clear();
      int n = Math.min(4096, values.length - i);
      for (int j = 0; j < n; j++) {
        chunk.putFloat(values[i + j]);
      }
      d.update(chunk.array(), 0, 4 * n);
    }
  }

  private static void update(MessageDigest d, double[] values) {
    ByteBuffer chunk = ByteBuffer.allocate(8 * 4096).order(ByteOrder.LITTLE_ENDIAN);
    for (int i = 0; i < values.length; i += 4096) {
      chunk.clear();
      int n = Math.min(4096, values.length - i);
      for (int j = 0; j < n; j++) {
        chunk.putDouble(values[i + j]);
      }
      d.update(chunk.array(), 0, 8 * n);
    }
  }

  private static MessageDigest newDigest() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("this JVM has no SHA-256", e);
    }
  }
}
