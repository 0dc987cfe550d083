package org.dptrain.driver.ml;

import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.ml.feature.VectorAssembler;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.dptrain.driver.SparkTestSession;

/** Datasets and helpers shared by the Spark ML tests. */
final class MlTestData {
  static final Path CIRCLES = Paths.get("..", "conf", "jobs", "data", "circles.csv")
      .toAbsolutePath().normalize();

  private MlTestData() {}

  static SparkSession spark() {
    return SparkTestSession.get();
  }

  /** The shipped two-circles data: columns x, y (double) and label (int, 0 or 1). */
  static Dataset<Row> circles() {
    return spark().read().option("header", "true").option("inferSchema", "true")
        .csv(CIRCLES.toString());
  }

  /** Assembles the named numeric columns into a "features" vector column (with its metadata). */
  static VectorAssembler assembler(String... columns) {
    return new VectorAssembler().setInputCols(columns).setOutputCol("features");
  }

  /**
   * Three Gaussian blobs in 4-D: columns f0..f3 (double) and label (int 0..2); feature k is
   * shifted by 2 for class k (k &lt; 3).
   */
  static Dataset<Row> blobs(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int label = rnd.nextInt(3);
      Object[] values = new Object[5];
      for (int f = 0; f < 4; f++) {
        values[f] = rnd.nextGaussian() * 0.7 + (f == label ? 2.0 : 0.0);
      }
      values[4] = label;
      rows.add(RowFactory.create(values));
    }
    List<StructField> fields = new ArrayList<>();
    for (int f = 0; f < 4; f++) {
      fields.add(DataTypes.createStructField("f" + f, DataTypes.DoubleType, false));
    }
    fields.add(DataTypes.createStructField("label", DataTypes.IntegerType, true));
    return spark().createDataFrame(rows, DataTypes.createStructType(fields));
  }

  /** A "features" vector column (no ML attribute metadata) and a "label" double column. */
  static Dataset<Row> vectors(double[][] x, Double[] labels) {
    List<Row> rows = new ArrayList<>();
    for (int i = 0; i < x.length; i++) {
      Vector v = x[i] == null ? null : Vectors.dense(x[i]);
      rows.add(RowFactory.create(v, labels[i]));
    }
    StructType schema = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("features", SQLDataTypes.VectorType(), true),
        DataTypes.createStructField("label", DataTypes.DoubleType, true)});
    return spark().createDataFrame(rows, schema);
  }

  /** Features of the rows of {@code data} (a "features" column), in order. */
  static double[][] features(Dataset<Row> data) {
    List<Row> rows = data.select("features").collectAsList();
    double[][] x = new double[rows.size()][];
    for (int i = 0; i < x.length; i++) {
      x[i] = ((Vector) rows.get(i).get(0)).toArray();
    }
    return x;
  }

  /** The message of {@code t} and its causes, one per line, to find a task's failure in. */
  static String messages(Throwable t) {
    StringBuilder b = new StringBuilder();
    for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
      b.append(c.getClass().getName()).append(": ").append(c.getMessage()).append('\n');
    }
    return b.toString();
  }
}
