package org.dptrain.driver.spark;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.serializer.KryoSerializer;
import org.apache.spark.serializer.SerializerInstance;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.dptrain.data.Block;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.driver.train.PartitionResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import scala.reflect.ClassTag$;

/** What crosses the wire survives Kryo with registration required. */
class KryoRegistrationTest {
  @TempDir
  Path tmp;

  private static <T> T roundTrip(T value, Class<T> type) {
    SerializerInstance kryo = new KryoSerializer(SparkTestSession.get().sparkContext().getConf())
        .newInstance();
    ByteBuffer bytes = kryo.serialize(value, ClassTag$.MODULE$.apply(type));
    return kryo.deserialize(bytes, ClassTag$.MODULE$.apply(type));
  }

  @Test
  void blocksAndResultsRoundTrip() {
    Block b = new Block(2, 1, 3, new double[] {1, 2, 3, 4, 5, -0.0}, new double[] {0, 1, 0});
    Block back = roundTrip(b, Block.class);
    assertEquals(3, back.size());
    assertArrayEquals(b.x(), back.x(), 0.0);
    assertArrayEquals(b.y(), back.y(), 0.0);
    Block f = b.as(org.dptrain.data.Precision.FLOAT32);
    Block fb = roundTrip(f, Block.class);
    assertEquals(org.dptrain.data.Precision.FLOAT32, fb.precision());
    assertEquals(2, fb.features());
    assertArrayEquals(f.x32(), fb.x32(), 0.0f);
    assertArrayEquals(f.y32(), fb.y32(), 0.0f);
    PartitionResult r = new PartitionResult(3, 17, 2.5, new double[] {1e-300, Double.MAX_VALUE},
        null, 99);
    PartitionResult rb = roundTrip(r, PartitionResult.class);
    assertEquals(3, rb.partition());
    assertEquals(17, rb.count());
    assertEquals(2.5, rb.lossSum());
    assertArrayEquals(r.vector(), rb.vector(), 0.0);
    assertNull(rb.optimizerState());
    assertEquals(99, rb.computeNanos());
    assertEquals(-1, rb.divergedStep());
    assertNull(rb.divergence());
    PartitionResult bad = roundTrip(new PartitionResult(1, 4, Double.NaN, null, null, 5, 12,
        "the mean loss of the step is NaN"), PartitionResult.class);
    assertEquals(12, bad.divergedStep());
    assertEquals("the mean loss of the step is NaN", bad.divergence());
    assertTrue(Double.isNaN(bad.lossSum()));
  }

  @Test
  void sparkSqlSchemasAndRowsCrossTheWire() {
    SparkSession spark = SparkTestSession.get();
    Dataset<Row> df = spark.createDataFrame(List.of(
        RowFactory.create(1.5f, "a", Vectors.dense(1, 2), new double[] {1, 2}, 3L, true),
        RowFactory.create(2.5f, "b", Vectors.dense(3, 4), new double[] {3}, 4L, false)),
        DataTypes.createStructType(List.of(
            DataTypes.createStructField("f", DataTypes.FloatType, false),
            DataTypes.createStructField("s", DataTypes.StringType, false),
            DataTypes.createStructField("v", org.apache.spark.ml.linalg.SQLDataTypes.VectorType(),
                false),
            DataTypes.createStructField("a", DataTypes.createArrayType(DataTypes.DoubleType), false),
            DataTypes.createStructField("l", DataTypes.LongType, false),
            DataTypes.createStructField("b", DataTypes.BooleanType, false))));
    String path = tmp.resolve("t.parquet").toString();
    df.write().parquet(path);
    Dataset<Row> read = spark.read().parquet(path);
    assertEquals(6, read.columns().length);
    List<Row> rows = read.orderBy("l").javaRDD().collect();
    assertEquals(2, rows.size());
    assertEquals("a", rows.get(0).getString(1));
  }

  @Test
  void csvSchemaInferenceRuns() {
    // what a pipeline user does before VectorAssembler: inference ships an array of SQL types
    Dataset<Row> circles = SparkTestSession.get().read().option("header", "true")
        .option("inferSchema", "true").csv(java.nio.file.Paths.get("..", "conf", "jobs", "data",
            "circles.csv").toAbsolutePath().normalize().toString());
    assertEquals("struct<x:double,y:double,label:int>", circles.schema().simpleString());
    assertEquals(600, circles.count());
  }
}
