package org.dptrain.driver.data;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.Partitioner;
import org.apache.spark.api.java.JavaPairRDD;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.storage.StorageLevel;
import org.dptrain.data.Block;
import org.dptrain.data.Precision;
import scala.Tuple2;

/**
 * Turns loaded examples into the blocks executors train on: every example validated, then each of
 * P partitions stacked into one column-major {@link Block}, cached.
 *
 * <p><b>Which example goes where.</b> Examples are numbered 0..n-1 in a canonical order that does
 * not depend on how Spark split the input: by source file name, then by position in the file
 * (line or row). Example g goes to partition g mod P, at column g div P, so each partition gets
 * an even share of the whole input (a file sorted by class still gives every partition every
 * class), partition sizes differ by at most one, and the same input with the same P gives the
 * same blocks in the same order, bit for bit. A partition with no example (P &gt; n) gets a
 * block of size 0.
 */
public final class BlockStacker {
  /**
   * Doubles a map task buffers (over all target partitions) before shipping them: 32 MB. Examples
   * travel in chunks of consecutive columns of one block, not one record per example.
   */
  static final long BUFFER_DOUBLES = 4L << 20;
  /** Most examples in one shipped chunk. */
  static final int MAX_CHUNK_EXAMPLES = 4096;

  private BlockStacker() {}

  /**
   * Validates and stacks every example.
   *
   * <p>Each example is checked: its features vector is not null, has exactly
   * {@code data.numFeatures()} values and all are finite; its label is not null and follows the
   * rule of {@code targets} (an integer in [0, K) for MULTICLASS, 0 or 1 for BINARY, finite for
   * REGRESSION; a vector label has K values, all finite). A bad example is thrown as a {@link DataValidationException} naming the file
   * and line or row (with several bad examples, the one a task meets first). Block columns are x = the features (then scaled by {@code scaling} if
   * given: x' = (x - shift) / scale) and y = one-hot over K classes for MULTICLASS, the 0/1 label
   * for BINARY, the value (or vector) for REGRESSION.
   *
   * <p>Runs a Spark job reading positions, then one that validates the examples, shuffles them
   * into place and materializes the blocks, which are persisted MEMORY_AND_DISK; the caller
   * unpersists them when done. A frame whose rows of one file were shuffled across partitions
   * (for instance by {@code repartition}) is first sorted by (file, position).
   *
   * @param partitions P, the number of blocks, at least 1
   * @param scaling applied to the features while stacking, or null for none
   * @return P blocks, partition p holding block p
   * @throws DataValidationException for the first bad example found (Spark failures that carry
   *     one are unwrapped)
   * @throws IllegalArgumentException if partitions &lt; 1, the frame is empty, the scaling has
   *     another width, the labels do not fit the targets (regression needs one target per output),
   *     or a block would exceed a Java array
   */
  public static JavaRDD<Block> stack(LoadedData data, Targets targets, int partitions,
      FeatureScaling scaling) {
    return stack(data, targets, partitions, scaling, Precision.DEFAULT);
  }

  /**
   * {@link #stack(LoadedData, Targets, int, FeatureScaling)} into blocks of {@code precision}:
   * examples are validated, shipped and scaled in float64 as always, and each block is rounded to
   * float32 once it is assembled, so the cache holds only the float32 block.
   */
  public static JavaRDD<Block> stack(LoadedData data, Targets targets, int partitions,
      FeatureScaling scaling, Precision precision) {
    if (partitions < 1) {
      throw new IllegalArgumentException("partitions must be at least 1, got " + partitions);
    }
    DataLoader.checkLabels(data, targets, "the data");
    int features = data.numFeatures();
    if (scaling != null && scaling.size() != features) {
      throw new IllegalArgumentException("feature scaling for " + scaling.size()
          + " features cannot scale data with " + features);
    }
    Dataset<Row> selected = data.frame().select(RowChecker.COLUMNS[0], RowChecker.COLUMNS[1],
        RowChecker.COLUMNS[2], RowChecker.COLUMNS[3]);
    RowChecker checker = new RowChecker(data, targets);
    int outputs = targets.outputs();
    JavaRDD<Block> blocks = null;
    try {
      JavaRDD<Row> rows = selected.javaRDD();
      ExampleOrder placement = order(rows);
      if (placement.conflict() != null) {
        // The frame was shuffled (say, repartitioned), so rows of one file interleave across
        // partitions; sorting by (file, position) gives the same canonical order at the cost of
        // one more shuffle. Loaded frames never need it.
        rows = selected.sort(LoadedData.FILE, LoadedData.POS).javaRDD();
        placement = order(rows);
        if (placement.conflict() != null) {
          throw new IllegalArgumentException("the frame has more than one example at "
              + placement.conflict() + "; every (file, position) must be one example");
        }
      }
      long n = placement.total();
      if (n == 0) {
        throw new IllegalArgumentException("no examples to stack: the frame is empty");
      }
      long largest = (n + partitions - 1) / partitions;
      if (largest * Math.max(features, outputs) > Integer.MAX_VALUE - 8
          || (long) Double.BYTES * (features + outputs) > Integer.MAX_VALUE - 8) {
        throw new IllegalArgumentException(partitions + " blocks of up to " + largest
            + " examples with " + features + " features exceed a Java array; use more partitions");
      }
      int chunkExamples = (int) Math.max(1, Math.min(MAX_CHUNK_EXAMPLES,
          BUFFER_DOUBLES / ((long) partitions * (features + outputs))));
      long[][] runStarts = placement.starts();
      long[][] runCounts = placement.counts();
      JavaPairRDD<Long, byte[]> chunks = JavaPairRDD.fromJavaRDD(rows.mapPartitionsWithIndex(
          (p, it) -> new Chunker(it, checker, runStarts[p], runCounts[p], partitions, features,
              outputs, chunkExamples), false));
      blocks = chunks.repartitionAndSortWithinPartitions(new RoundRobin(partitions))
          .mapPartitionsWithIndex((p, it) -> List.of(assemble(p, it, n, partitions, features,
              outputs, scaling).as(precision)).iterator(), true);
      blocks.persist(StorageLevel.MEMORY_AND_DISK());
      blocks.count();
      return blocks;
    } catch (Exception e) {
      if (blocks != null) {
        blocks.unpersist(false);
      }
      throw DataValidationException.unwrap(e);
    }
  }

  /**
   * Where each partition's examples fall in the canonical order: per partition, its runs (rows
   * of one file in increasing position) with their first global index and length; or, if runs of
   * one file overlap so that no such numbering exists, a description of the overlap.
   */
  private record ExampleOrder(long total, long[][] starts, long[][] counts, String conflict) {}

  private record Run(int partition, int seq, String file, long first, long last, long count) {}

  private static ExampleOrder order(JavaRDD<Row> rows) {
    List<String[]> perPartition = rows.mapPartitions(it -> {
      List<String> runs = new ArrayList<>();
      String file = null;
      long first = 0;
      long last = 0;
      long count = 0;
      while (it.hasNext()) {
        Row r = it.next();
        String f = r.getString(2);
        long pos = r.getLong(3);
        if (file != null && file.equals(f) && pos > last) {
          last = pos;
          count++;
          continue;
        }
        if (file != null) {
          runs.add(first + "\t" + last + "\t" + count + "\t" + file);
        }
        file = f;
        first = pos;
        last = pos;
        count = 1;
      }
      if (file != null) {
        runs.add(first + "\t" + last + "\t" + count + "\t" + file);
      }
      return List.<String[]>of(runs.toArray(new String[0])).iterator();
    }).collect();

    List<Run> runs = new ArrayList<>();
    long[][] starts = new long[perPartition.size()][];
    long[][] counts = new long[perPartition.size()][];
    for (int p = 0; p < perPartition.size(); p++) {
      String[] encoded = perPartition.get(p);
      starts[p] = new long[encoded.length];
      counts[p] = new long[encoded.length];
      for (int s = 0; s < encoded.length; s++) {
        String[] f = encoded[s].split("\t", 4);
        runs.add(new Run(p, s, f[3], Long.parseLong(f[0]), Long.parseLong(f[1]),
            Long.parseLong(f[2])));
      }
    }
    runs.sort(Comparator.comparing(Run::file).thenComparingLong(Run::first));
    long next = 0;
    Run previous = null;
    for (Run r : runs) {
      if (previous != null && previous.file().equals(r.file()) && r.first() <= previous.last()) {
        // In (file, position) order this can only be a position seen twice: r.first().
        return new ExampleOrder(-1, null, null, "position " + r.first() + " of " + r.file());
      }
      starts[r.partition()][r.seq()] = next;
      counts[r.partition()][r.seq()] = r.count();
      next += r.count();
      previous = r;
    }
    return new ExampleOrder(next, starts, counts, null);
  }

  /**
   * Validates the rows of one input partition and ships them as chunks keyed by the global index
   * of their first example; a chunk holds consecutive columns of one block (global indices g,
   * g + P, g + 2P, ...) packed as [x of m examples | y of m examples], little-endian doubles in a
   * byte array: Kryo copies a byte array in bulk but writes a double array value by value.
   */
  private static final class Chunker implements Iterator<Tuple2<Long, byte[]>> {
    private final Iterator<Row> rows;
    private final RowChecker checker;
    private final long[] runStarts;
    private final long[] runCounts;
    private final int partitions;
    private final int features;
    private final int outputs;
    private final int chunkExamples;
    private final double[][] xs;
    private final double[][] ys;
    private final int[] sizes;
    private final long[] firsts;
    private final long[] lasts;
    private final ArrayDeque<Tuple2<Long, byte[]>> ready = new ArrayDeque<>();
    private int run;
    private long inRun;
    private boolean finished;

    Chunker(Iterator<Row> rows, RowChecker checker, long[] runStarts, long[] runCounts,
        int partitions, int features, int outputs, int chunkExamples) {
      this.rows = rows;
      this.checker = checker;
      this.runStarts = runStarts;
      this.runCounts = runCounts;
      this.partitions = partitions;
      this.features = features;
      this.outputs = outputs;
      this.chunkExamples = chunkExamples;
      this.xs = new double[partitions][];
      this.ys = new double[partitions][];
      this.sizes = new int[partitions];
      this.firsts = new long[partitions];
      this.lasts = new long[partitions];
    }

    @Override
    public boolean hasNext() {
      while (ready.isEmpty() && rows.hasNext()) {
        add(rows.next());
      }
      if (ready.isEmpty() && !finished) {
        finished = true;
        if (run != runStarts.length) {
          throw new IllegalStateException("a partition yielded fewer rows than when it was "
              + "counted; the input changed while it was being stacked");
        }
        for (int t = 0; t < partitions; t++) {
          flush(t);
        }
      }
      return !ready.isEmpty();
    }

    @Override
    public Tuple2<Long, byte[]> next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return ready.poll();
    }

    private void add(Row row) {
      if (run == runStarts.length) {
        throw new IllegalStateException("a partition yielded more rows than when it was "
            + "counted; the input changed while it was being stacked");
      }
      long g = runStarts[run] + inRun;
      if (++inRun == runCounts[run]) {
        run++;
        inRun = 0;
      }
      int t = (int) (g % partitions);
      if (sizes[t] > 0 && (sizes[t] == chunkExamples || g != lasts[t] + partitions)) {
        flush(t);
      }
      if (xs[t] == null) {
        xs[t] = new double[chunkExamples * features];
        ys[t] = new double[chunkExamples * outputs];
      }
      if (sizes[t] == 0) {
        firsts[t] = g;
      }
      checker.features(row, xs[t], sizes[t] * features);
      checker.target(row, ys[t], sizes[t] * outputs);
      sizes[t]++;
      lasts[t] = g;
    }

    private void flush(int t) {
      int m = sizes[t];
      if (m == 0) {
        return;
      }
      byte[] packed = new byte[Double.BYTES * m * (features + outputs)];
      DoubleBuffer out = ByteBuffer.wrap(packed).order(ByteOrder.LITTLE_ENDIAN).asDoubleBuffer();
      out.put(xs[t], 0, m * features);
      out.put(ys[t], 0, m * outputs);
      ready.add(new Tuple2<>(firsts[t], packed));
      sizes[t] = 0;
    }
  }

  /** Block p from its chunks, sorted by the global index of their first example. */
  private static Block assemble(int p, Iterator<Tuple2<Long, byte[]>> chunks, long n,
      int partitions, int features, int outputs, FeatureScaling scaling) {
    int size = (int) (n / partitions + (p < n % partitions ? 1 : 0));
    double[] x = new double[size * features];
    double[] y = new double[size * outputs];
    int filled = 0;
    while (chunks.hasNext()) {
      Tuple2<Long, byte[]> chunk = chunks.next();
      DoubleBuffer packed = ByteBuffer.wrap(chunk._2()).order(ByteOrder.LITTLE_ENDIAN)
          .asDoubleBuffer();
      int m = packed.remaining() / (features + outputs);
      if (chunk._1() / partitions != filled || filled + m > size) {
        throw new IllegalStateException("block " + p + " received examples from column "
            + chunk._1() / partitions + " while expecting column " + filled + " of " + size);
      }
      packed.get(x, filled * features, m * features);
      packed.get(y, filled * outputs, m * outputs);
      filled += m;
    }
    if (filled != size) {
      throw new IllegalStateException("block " + p + " received " + filled + " examples, expected "
          + size);
    }
    if (scaling != null) {
      scaling.apply(x, 0, size);
    }
    return new Block(features, outputs, size, x, y);
  }

  /** Global example g goes to partition g mod P. */
  static final class RoundRobin extends Partitioner {
    private static final long serialVersionUID = 1L;
    private final int partitions;

    RoundRobin(int partitions) {
      this.partitions = partitions;
    }

    @Override
    public int numPartitions() {
      return partitions;
    }

    @Override
    public int getPartition(Object key) {
      return (int) Math.floorMod((Long) key, (long) partitions);
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof RoundRobin && ((RoundRobin) o).partitions == partitions;
    }

    @Override
    public int hashCode() {
      return partitions;
    }
  }
}
