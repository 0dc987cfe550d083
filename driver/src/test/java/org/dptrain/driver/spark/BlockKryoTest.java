package org.dptrain.driver.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.ByteBuffer;
import java.util.stream.Stream;
import org.apache.spark.SparkConf;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.dptrain.data.Block;
import org.dptrain.data.Layout;
import org.dptrain.data.Precision;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import scala.reflect.ClassTag;
import scala.reflect.ClassTag$;

/**
 * Blocks through Spark's Kryo serializer with dptrain's registrator and registration required:
 * every precision and layout comes back with the same shape and the same bits.
 */
class BlockKryoTest {
  private static final Block DENSE = new Block(3, 2, 4,
      new double[] {0.5, 0, 0, 0, -1.25, 0, 0, 0, 0, 1e-300, 0, 7},
      new double[] {1, 0, 0, 1, 1, 0, 0.5, 0.5});

  static Stream<Block> blocks() {
    return Stream.of(DENSE, DENSE.as(Precision.FLOAT32), DENSE.as(Layout.SPARSE),
        DENSE.as(Layout.SPARSE).as(Precision.FLOAT32),
        new Block(3, 2, 0, new double[0], new double[0]).as(Layout.SPARSE));
  }

  @ParameterizedTest
  @MethodSource("blocks")
  void blocksRoundTripBitForBit(Block block) {
    SparkConf conf = new SparkConf(false)
        .set("spark.serializer", KryoSerializer.class.getName())
        .set("spark.kryo.registrationRequired", "true")
        .set("spark.kryo.registrator", DptrainKryoRegistrator.class.getName());
    SerializerInstance kryo = new KryoSerializer(conf).newInstance();
    ClassTag<Block> tag = ClassTag$.MODULE$.apply(Block.class);
    ByteBuffer bytes = kryo.serialize(block, tag);
    Block back = kryo.deserialize(bytes, tag);
    assertEquals(block.toString(), back.toString());
    switch (block.layout()) {
      case DENSE -> { }
      case SPARSE -> {
        assertArrayEquals(block.start(), back.start());
        assertArrayEquals(block.index(), back.index());
      }
    }
    switch (block.precision()) {
      case FLOAT64 -> {
        assertArrayEquals(block.y(), back.y());
        assertArrayEquals(block.layout() == Layout.DENSE ? block.x() : block.values(),
            block.layout() == Layout.DENSE ? back.x() : back.values());
      }
      case FLOAT32 -> {
        assertArrayEquals(block.y32(), back.y32());
        assertArrayEquals(block.layout() == Layout.DENSE ? block.x32() : block.values32(),
            block.layout() == Layout.DENSE ? back.x32() : back.values32());
      }
    }
  }
}
