package org.dptrain.driver.data;

import java.util.Objects;
import org.apache.spark.sql.SparkSession;

/**
 * Reads training data into a {@link LoadedData} frame. What each format does is described on
 * {@link DataFormat}; in short:
 *
 * <ul>
 *   <li>LIBSVM and CSV are read with Hadoop's TextInputFormat (any Hadoop filesystem, compressed
 *       files, a file, a directory or a glob; files in name order). Every line is parsed once
 *       while loading, so syntax errors, the empty-dataset error and the inferred LIBSVM width
 *       come from here, each error naming the file and 1-based line.</li>
 *   <li>PARQUET is read by Spark, with the hidden {@code _metadata} columns locating each row.
 *       Schema problems are found here; nulls and wrong vector widths when stacking.</li>
 *   <li>IDX files are read on the driver (Hadoop filesystem or {@code classpath:}), checked
 *       (header, lengths, image and label counts, labels against the task), never reading
 *       more than the header promises, and shipped to executors in chunks below Spark's
 *       recommended task size; pixels are scaled to [0, 1] (value / 255).</li>
 * </ul>
 *
 * Every problem with the input is a {@link DataValidationException}; Spark failures that carry
 * one are unwrapped before they leave this class.
 */
public final class DataLoader {
  /** Prefix of an IDX path read from the classpath, as in the embedded sample. */
  public static final String CLASSPATH_PREFIX = "classpath:";
  /** The embedded Fashion-MNIST training sample (6,000 images, 600 per class). */
  public static final String SAMPLE_TRAIN =
      CLASSPATH_PREFIX + "org/dptrain/driver/sample/fashion-mnist/train-images-idx3-ubyte.gz";
  /** The embedded Fashion-MNIST test sample (1,000 images, 100 per class). */
  public static final String SAMPLE_TEST =
      CLASSPATH_PREFIX + "org/dptrain/driver/sample/fashion-mnist/t10k-images-idx3-ubyte.gz";

  private DataLoader() {}

  /**
   * Reads {@code options.path()} in {@code options.format()} (inferred from the path when null).
   *
   * @param targets what the labels will train; used to check IDX labels up front, and to refuse
   *     REGRESSION with more than 1 output (the loaders read one label number per example)
   * @throws DataValidationException for missing files, unreadable or bad input, or no examples
   * @throws IllegalArgumentException for options that do not fit the format
   */
  public static LoadedData load(SparkSession spark, DataOptions options, Targets targets) {
    return load(spark, options, targets, null);
  }

  /**
   * Reads data for a model that takes {@code inputSize} features (to evaluate or predict). LIBSVM
   * does not record its width, so without {@code options.numFeatures()} it is read with the
   * model's: a file whose highest index is below it is read as it is, an index beyond it is an
   * error naming the file, line and index. Every format must then give {@code inputSize}
   * features.
   *
   * @throws IllegalArgumentException if the data has another number of features, naming both
   * @see #load(SparkSession, DataOptions, Targets)
   */
  public static LoadedData loadForModel(SparkSession spark, DataOptions options, Targets targets,
      int inputSize) {
    LoadedData d = load(spark, options, targets, inputSize);
    if (d.numFeatures() != inputSize) {
      throw new IllegalArgumentException(options.path() + " has " + d.numFeatures()
          + " features; the model takes " + inputSize);
    }
    return d;
  }

  /** @param modelWidth the width a LIBSVM file without numFeatures takes, or null to infer it */
  private static LoadedData load(SparkSession spark, DataOptions options, Targets targets,
      Integer modelWidth) {
    Objects.requireNonNull(spark, "spark");
    Objects.requireNonNull(options, "options");
    Objects.requireNonNull(targets, "targets");
    if (targets.type() == TaskType.REGRESSION && targets.outputs() != 1) {
      throw new IllegalArgumentException(vectorLabelsMessage(targets.outputs()));
    }
    HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
    DataFormat format = options.format() != null ? options.format()
        : DataFormat.infer(options.path(), conf.get());
    if (format != DataFormat.IDX && options.path().startsWith(CLASSPATH_PREFIX)) {
      throw new IllegalArgumentException("only IDX input can be read from the classpath, not "
          + format.id() + ": " + options.path());
    }
    try {
      return switch (format) {
        case LIBSVM -> modelWidth != null && options.numFeatures() == null
            ? LibsvmSource.load(spark, options.withNumFeatures(modelWidth), conf,
                "the model's " + modelWidth + " features")
            : LibsvmSource.load(spark, options, conf);
        case CSV -> CsvSource.load(spark, options, conf);
        case PARQUET -> ParquetSource.load(spark, options, conf);
        case IDX -> IdxSource.load(spark, options, targets, conf);
      };
    } catch (Exception e) {
      throw DataValidationException.unwrap(e);
    }
  }

  static String vectorLabelsMessage(int outputs) {
    return "regression with " + outputs + " outputs needs a vector of " + outputs
        + " targets per example, but the loaders read one label number per example; use 1 output";
  }
}
