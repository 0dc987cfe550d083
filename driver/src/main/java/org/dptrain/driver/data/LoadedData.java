package org.dptrain.driver.data;

import java.util.Arrays;
import java.util.Objects;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Examples read by {@link DataLoader}, not yet validated against a task (that happens in
 * {@link BlockStacker} and {@link FeatureScaling#fit}).
 *
 * <p>The frame has (at least) the columns {@value #FEATURES} (a Spark ML vector, dense or
 * sparse), {@value #LABEL} (double), and, to name the source of a bad example, {@value #FILE}
 * (string) and {@value #POS} (long). What {@value #POS} counts depends on the format: for LIBSVM
 * and CSV it is the byte offset of the example's line in the file's (decompressed) text, which is
 * what Hadoop's line reader knows; error messages turn it into a 1-based line number by counting
 * lines up to it (see {@link #locate}). For PARQUET and IDX it is the 0-based row index within
 * the file. A frame built some other way (for instance in a test) should use the PARQUET or IDX
 * meaning.
 *
 * @param frame the examples
 * @param numFeatures the width every feature vector must have
 * @param format how the examples were read, which fixes what {@value #POS} means
 */
public record LoadedData(Dataset<Row> frame, int numFeatures, DataFormat format) {
  /** The feature-vector column. */
  public static final String FEATURES = "features";
  /** The label column. */
  public static final String LABEL = "label";
  /** The column naming the source file of each example. */
  public static final String FILE = "_file";
  /** The column locating each example within its file (see the class comment). */
  public static final String POS = "_pos";

  /** The schema of the frames the loaders build. */
  public static final StructType SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField(FEATURES, SQLDataTypes.VectorType(), true),
      DataTypes.createStructField(LABEL, DataTypes.DoubleType, true),
      DataTypes.createStructField(FILE, DataTypes.StringType, false),
      DataTypes.createStructField(POS, DataTypes.LongType, false)});

  /**
   * @throws IllegalArgumentException if a column is missing or has another type, or
   *     numFeatures &lt; 1
   */
  public LoadedData {
    Objects.requireNonNull(frame, "frame");
    Objects.requireNonNull(format, "format");
    if (numFeatures < 1) {
      throw new IllegalArgumentException("numFeatures must be at least 1, got " + numFeatures);
    }
    StructType schema = frame.schema();
    for (StructField want : SCHEMA.fields()) {
      StructField have = Arrays.stream(schema.fields())
          .filter(f -> f.name().equals(want.name())).findFirst().orElse(null);
      if (have == null || !sameType(have.dataType(), want.dataType())) {
        throw new IllegalArgumentException("a loaded frame needs column " + want.name()
            + " of type " + want.dataType().simpleString() + "; it has " + schema.simpleString());
      }
    }
  }

  /**
   * Where an example is, for messages: {@code FILE line N} for LIBSVM and CSV (reading the file
   * up to {@code pos} to count lines), {@code FILE row N (0-based)} for PARQUET and IDX. Uses the
   * frame's Hadoop configuration; call it on the driver.
   */
  public String locate(String file, long pos) {
    HadoopConf conf = new HadoopConf(frame.sparkSession().sparkContext().hadoopConfiguration());
    return file + " " + TextPositions.location(format, conf, file, pos);
  }

  private static boolean sameType(DataType a, DataType b) {
    return a.getClass().equals(b.getClass());
  }
}
