package org.dptrain.driver.spark;

import com.esotericsoftware.kryo.Kryo;
import com.esotericsoftware.kryo.Serializer;
import com.esotericsoftware.kryo.io.Input;
import com.esotericsoftware.kryo.io.Output;
import org.apache.spark.serializer.KryoRegistrator;
import org.dptrain.data.Block;
import org.dptrain.data.Layout;
import org.dptrain.data.Precision;
import org.dptrain.driver.data.TaskType;
import org.dptrain.driver.eval.MetricsAccumulator;
import org.dptrain.driver.train.PartitionResult;
import org.dptrain.driver.train.StageResult;

/**
 * Registers every dptrain class that Spark serializes with Kryo: data blocks (cached and shipped
 * once per partition), per-partition results (returned every step), the barrier tasks' stage
 * results ({@code --sync allreduce}) and the arrays inside them.
 * Records get explicit serializers because Kryo's field serializer cannot set a record's final
 * fields; the format is a fixed sequence of primitives and arrays.
 */
public final class DptrainKryoRegistrator implements KryoRegistrator {

  /** Spark SQL's atomic types, Scala singleton objects (class names end in $). */
  static final String[] SQL_TYPE_OBJECTS = {"BooleanType", "ByteType", "ShortType", "IntegerType",
      "LongType", "FloatType", "DoubleType", "StringType", "BinaryType", "DateType",
      "TimestampType", "NullType"};

  @Override
  public void registerClasses(Kryo kryo) {
    kryo.register(double[].class);
    kryo.register(float[].class);
    kryo.register(int[].class);
    kryo.register(long[].class);
    kryo.register(double[][].class);
    kryo.register(Block.class, new BlockSerializer());
    kryo.register(PartitionResult.class, new PartitionResultSerializer());
    kryo.register(PartitionResult[].class);
    kryo.register(StageResult.class, new StageResultSerializer());
    kryo.register(StageResult[].class);
    kryo.register(TaskType.class);
    kryo.register(MetricsAccumulator.class);
    kryo.register(org.dptrain.driver.eval.OutputErrors.class);
    // Spark SQL ships schemas between tasks and the driver (Parquet schema inference, writers)
    // and rows in collect(); with registration required, those classes must be named too.
    kryo.register(org.apache.spark.ml.linalg.VectorUDT.class);
    kryo.register(org.apache.spark.sql.types.StructType.class);
    kryo.register(org.apache.spark.sql.types.StructField.class);
    kryo.register(org.apache.spark.sql.types.StructField[].class);
    kryo.register(org.apache.spark.sql.types.ArrayType.class);
    // CSV schema inference (spark.read().option("inferSchema", "true")) aggregates these
    kryo.register(org.apache.spark.sql.types.DataType[].class);
    kryo.register(org.apache.spark.sql.types.Metadata.class);
    kryo.register(org.apache.spark.sql.Row[].class);
    kryo.register(org.apache.spark.sql.catalyst.expressions.GenericRow.class);
    kryo.register(org.apache.spark.sql.catalyst.expressions.GenericRowWithSchema.class);
    kryo.register(Object[].class);
    kryo.register(Double[].class);
    kryo.register(scalaObject("scala.collection.mutable.ArraySeq$ofRef"));
    kryo.register(scalaObject("scala.collection.immutable.ArraySeq$ofRef"));
    kryo.register(org.apache.spark.ml.linalg.DenseVector.class);
    kryo.register(org.apache.spark.ml.linalg.SparseVector.class);
    for (String type : SQL_TYPE_OBJECTS) {
      kryo.register(scalaObject("org.apache.spark.sql.types." + type + "$"));
    }
  }

  /**
   * Block: precision and layout (their ordinals), features, outputs, size; then x and y (dense),
   * or start, index, values and y (sparse).
   */
  static final class BlockSerializer extends Serializer<Block> {
    @Override
    public void write(Kryo kryo, Output out, Block b) {
      out.writeInt(b.precision().ordinal(), true);
      out.writeInt(b.layout().ordinal(), true);
      out.writeInt(b.features(), true);
      out.writeInt(b.outputs(), true);
      out.writeInt(b.size(), true);
      switch (b.layout()) {
        case DENSE -> { }
        case SPARSE -> {
          writeInts(out, b.start());
          writeInts(out, b.index());
        }
      }
      switch (b.precision()) {
        case FLOAT64 -> {
          writeDoubles(out, b.layout() == Layout.DENSE ? b.x() : b.values());
          writeDoubles(out, b.y());
        }
        case FLOAT32 -> {
          writeFloats(out, b.layout() == Layout.DENSE ? b.x32() : b.values32());
          writeFloats(out, b.y32());
        }
      }
    }

    @Override
    public Block read(Kryo kryo, Input in, Class<Block> type) {
      Precision precision = ordinal(Precision.values(), in.readInt(true), "precision");
      Layout layout = ordinal(Layout.values(), in.readInt(true), "layout");
      int f = in.readInt(true);
      int k = in.readInt(true);
      int n = in.readInt(true);
      return switch (layout) {
        case DENSE -> switch (precision) {
          case FLOAT64 -> new Block(f, k, n, readDoubles(in), readDoubles(in));
          case FLOAT32 -> Block.float32(f, k, n, readFloats(in), readFloats(in));
        };
        case SPARSE -> {
          int[] start = readInts(in);
          int[] index = readInts(in);
          yield switch (precision) {
            case FLOAT64 -> Block.sparse(f, k, n, start, index, readDoubles(in), readDoubles(in));
            case FLOAT32 -> Block.sparse32(f, k, n, start, index, readFloats(in), readFloats(in));
          };
        }
      };
    }

    private static <E> E ordinal(E[] values, int i, String what) {
      if (i < 0 || i >= values.length) {
        throw new IllegalStateException("block " + what + " " + i + " is not one of 0.."
            + (values.length - 1));
      }
      return values[i];
    }
  }

  /** PartitionResult: its fields in declaration order; null arrays as length -1. */
  static final class PartitionResultSerializer extends Serializer<PartitionResult> {
    @Override
    public void write(Kryo kryo, Output out, PartitionResult r) {
      out.writeInt(r.partition(), true);
      out.writeLong(r.count(), true);
      out.writeDouble(r.lossSum());
      writeDoubles(out, r.vector());
      writeDoubles(out, r.optimizerState());
      out.writeLong(r.computeNanos(), true);
      out.writeInt(r.divergedStep());
      out.writeString(r.divergence());
    }

    @Override
    public PartitionResult read(Kryo kryo, Input in, Class<PartitionResult> type) {
      int p = in.readInt(true);
      long count = in.readLong(true);
      double loss = in.readDouble();
      double[] vector = readDoubles(in);
      double[] state = readDoubles(in);
      long compute = in.readLong(true);
      return new PartitionResult(p, count, loss, vector, state, compute, in.readInt(),
          in.readString());
    }
  }

  /** StageResult: its fields in declaration order; null arrays as length -1. */
  static final class StageResultSerializer extends Serializer<StageResult> {
    @Override
    public void write(Kryo kryo, Output out, StageResult r) {
      out.writeInt(r.rank(), true);
      out.writeDouble(r.lossSum());
      out.writeLong(r.examples(), true);
      out.writeLong(r.optimizerSteps(), true);
      writeDoubles(out, r.weights());
      writeDoubles(out, r.optimizerState());
      out.writeLong(r.computeNanos(), true);
      out.writeLong(r.collectiveNanos(), true);
      out.writeLong(r.bytesSent(), true);
      out.writeLong(r.bytesReceived(), true);
      out.writeInt(r.divergedStep(), true);
      out.writeLong(r.divergedOptimizerStep(), true);
      out.writeInt(r.divergedPartition());
      out.writeString(r.divergence());
    }

    @Override
    public StageResult read(Kryo kryo, Input in, Class<StageResult> type) {
      int rank = in.readInt(true);
      double loss = in.readDouble();
      long examples = in.readLong(true);
      long steps = in.readLong(true);
      double[] weights = readDoubles(in);
      double[] state = readDoubles(in);
      long compute = in.readLong(true);
      long collective = in.readLong(true);
      long sent = in.readLong(true);
      long received = in.readLong(true);
      int step = in.readInt(true);
      long optimizerStep = in.readLong(true);
      int partition = in.readInt();
      return new StageResult(rank, loss, examples, steps, weights, state, compute, collective,
          sent, received, step, optimizerStep, partition, in.readString());
    }
  }

  private static Class<?> scalaObject(String name) {
    try {
      return Class.forName(name);
    } catch (ClassNotFoundException e) {
      throw new IllegalStateException("Spark class " + name + " not found; is this Spark "
          + "4.1?", e);
    }
  }

  static void writeDoubles(Output out, double[] a) {
    if (a == null) {
      out.writeInt(-1);
      return;
    }
    out.writeInt(a.length);
    out.writeDoubles(a);
  }

  static void writeFloats(Output out, float[] a) {
    out.writeInt(a.length);
    out.writeFloats(a);
  }

  static float[] readFloats(Input in) {
    int n = in.readInt();
    if (n < 0) {
      throw new IllegalStateException("float array of length " + n);
    }
    return in.readFloats(n);
  }

  static double[] readDoubles(Input in) {
    int n = in.readInt();
    return n < 0 ? null : in.readDoubles(n);
  }

  static void writeInts(Output out, int[] a) {
    out.writeInt(a.length);
    out.writeInts(a, true);
  }

  static int[] readInts(Input in) {
    int n = in.readInt();
    if (n < 0) {
      throw new IllegalStateException("int array of length " + n);
    }
    return in.readInts(n, true);
  }
}
