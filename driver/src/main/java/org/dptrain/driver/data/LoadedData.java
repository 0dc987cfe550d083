package org.dptrain.driver.data;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.attribute.AttributeGroup;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.VectorUDT;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.NumericType;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Examples read by {@link DataLoader}, not yet validated against a task (that happens in
 * {@link BlockStacker} and {@link FeatureScaling#fit}).
 *
 * <p>The frame has (at least) the columns {@value #FEATURES} (a Spark ML vector, dense or
 * sparse), {@value #LABEL} (a double: a class index or a target; or, for regression with several
 * outputs, a Spark ML vector of {@code labelWidth} targets), and, to name the source of a bad example, {@value #FILE}
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
 * @param labelWidth the number of targets per example: 1 for a double label column; for a vector
 *     label column the width every label vector must have (checked when stacking)
 * @param classNames when the labels were class names: the names by class index, which the
 *     loader turned into the indices the label column holds ({@link ClassNames}); else null
 */
public record LoadedData(Dataset<Row> frame, int numFeatures, DataFormat format, int labelWidth,
    List<String> classNames) {
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

  /** The schema of frames whose labels are vectors of targets. */
  public static final StructType VECTOR_LABEL_SCHEMA = new StructType(new StructField[] {
      DataTypes.createStructField(FEATURES, SQLDataTypes.VectorType(), true),
      DataTypes.createStructField(LABEL, SQLDataTypes.VectorType(), true),
      DataTypes.createStructField(FILE, DataTypes.StringType, false),
      DataTypes.createStructField(POS, DataTypes.LongType, false)});

  /** Examples with one numeric label each. */
  public LoadedData(Dataset<Row> frame, int numFeatures, DataFormat format) {
    this(frame, numFeatures, format, 1, null);
  }

  /**
   * @throws IllegalArgumentException if a column is missing or has another type, numFeatures or
   *     labelWidth &lt; 1, a double label column has a width other than 1, or class names come
   *     with vector labels
   */
  public LoadedData {
    Objects.requireNonNull(frame, "frame");
    Objects.requireNonNull(format, "format");
    if (numFeatures < 1) {
      throw new IllegalArgumentException("numFeatures must be at least 1, got " + numFeatures);
    }
    if (labelWidth < 1) {
      throw new IllegalArgumentException("labelWidth must be at least 1, got " + labelWidth);
    }
    StructType schema = frame.schema();
    boolean vectors = Arrays.stream(schema.fields()).anyMatch(
        f -> f.name().equals(LABEL) && f.dataType() instanceof VectorUDT);
    if (!vectors && labelWidth != 1) {
      throw new IllegalArgumentException("a frame with a double label column has 1 label per "
          + "example, not " + labelWidth);
    }
    if (vectors && classNames != null) {
      throw new IllegalArgumentException("class names need one class label per example, not a "
          + "vector");
    }
    classNames = classNames == null ? null : List.copyOf(classNames);
    for (StructField want : (vectors ? VECTOR_LABEL_SCHEMA : SCHEMA).fields()) {
      StructField have = Arrays.stream(schema.fields())
          .filter(f -> f.name().equals(want.name())).findFirst().orElse(null);
      if (have == null || !sameType(have.dataType(), want.dataType())) {
        throw new IllegalArgumentException("a loaded frame needs column " + want.name()
            + " of type " + want.dataType().simpleString() + "; it has " + schema.simpleString());
      }
    }
  }

  /**
   * Examples from a Spark ML style Dataset: a vector column and a numeric label column (the label
   * cast to double; a null label stays null and is refused when stacking). Every row is one
   * example; {@value #FILE} is {@code name} and {@value #POS} the row's 0-based index in the
   * Dataset's order (partition by partition), so a bad row is reported as
   * {@code NAME row N (0-based)}. The format is {@link DataFormat#PARQUET}, whose positions mean
   * exactly that.
   *
   * <p>The width is the size the vector column's ML attribute metadata records (as
   * {@code VectorAssembler} writes it) or, without such metadata, the size of the first row's
   * vector (one small Spark job). Rows of another width are refused when stacking, by row.
   *
   * <p>The Dataset is computed again by every later pass over the frame; it must give the same
   * rows in the same order each time (files and cached data do; cache anything else first).
   * Numbering the rows runs one Spark job when the Dataset has more than one partition.
   *
   * @param name what to call the Dataset in messages, e.g. {@code "input dataset"}
   * @throws IllegalArgumentException if a column is missing or has the wrong type, or the
   *     metadata records a width below 1
   * @throws DataValidationException (file {@code name}) if the width must be read from the data
   *     and the Dataset has no row, or the first row's vector is null
   */
  public static LoadedData fromDataset(Dataset<?> dataset, String featuresColumn,
      String labelColumn, String name) {
    Objects.requireNonNull(dataset, "dataset");
    Objects.requireNonNull(name, "name");
    StructType schema = dataset.schema();
    StructField features = field(schema, featuresColumn, "features");
    if (!(features.dataType() instanceof VectorUDT)) {
      throw new IllegalArgumentException("features column '" + featuresColumn + "' must be of"
          + " type vector, but is " + features.dataType().simpleString());
    }
    StructField label = field(schema, labelColumn, "label");
    if (!(label.dataType() instanceof NumericType)) {
      throw new IllegalArgumentException("label column '" + labelColumn + "' must be numeric,"
          + " but is " + label.dataType().simpleString());
    }
    Dataset<Row> selected = dataset.select(new Column[] {functions.col(featuresColumn),
        functions.col(labelColumn).cast(DataTypes.DoubleType)});
    int width = AttributeGroup.fromStructField(features).size();
    if (width < 0) {
      List<Row> first = selected.limit(1).collectAsList();
      if (first.isEmpty()) {
        throw DataValidationException.noExamples(name);
      }
      if (first.get(0).isNullAt(0)) {
        throw new DataValidationException(name, DataValidationException.row(0),
            "features is null");
      }
      width = ((Vector) first.get(0).get(0)).size();
    }
    if (width < 1) {
      throw new IllegalArgumentException("features column '" + featuresColumn + "' holds vectors"
          + " of " + width + " values; at least 1 is needed");
    }
    JavaRDD<Row> rows = selected.javaRDD().zipWithIndex().map(t -> RowFactory.create(
        t._1().get(0), t._1().isNullAt(1) ? null : t._1().getDouble(1), name, t._2()));
    return new LoadedData(dataset.sparkSession().createDataFrame(rows, SCHEMA), width,
        DataFormat.PARQUET);
  }

  /** Whether the label column holds vectors of targets (else one double per example). */
  public boolean vectorLabels() {
    return frame.schema().apply(LABEL).dataType() instanceof VectorUDT;
  }

  private static StructField field(StructType schema, String column, String role) {
    if (column == null || !Arrays.asList(schema.fieldNames()).contains(column)) {
      throw new IllegalArgumentException("the " + role + " column '" + column + "' is not in the"
          + " dataset; it has " + schema.simpleString());
    }
    return schema.apply(column);
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
