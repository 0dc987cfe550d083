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
   * @param targets what the labels will train: IDX labels are checked up front; regression with
   *     K outputs needs K targets per example (CSV or Parquet {@code labelColumns}, or a Parquet
   *     vector label column); classification labels of CSV and Parquet may be class names,
   *     numbered in sorted order when {@code targets} has none ({@link LoadedData#classNames()}
   *     says which; see {@link ClassNames}), looked up in {@code targets.classNames()} when it has
   *     them (an unknown name is an error naming the file, line or row and the value)
   * @throws DataValidationException for missing files, unreadable or bad input, or no examples
   * @throws IllegalArgumentException for options that do not fit the format, or labels that do
   *     not fit the targets (naming the counts)
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
    HadoopConf conf = new HadoopConf(spark.sparkContext().hadoopConfiguration());
    DataFormat format = options.format() != null ? options.format()
        : DataFormat.infer(options.path(), conf.get());
    if (format != DataFormat.IDX && options.path().startsWith(CLASSPATH_PREFIX)) {
      throw new IllegalArgumentException("only IDX input can be read from the classpath, not "
          + format.id() + ": " + options.path());
    }
    switch (format) {
      case LIBSVM, IDX -> checkSingleLabel(format, options, targets);
      case CSV, PARQUET -> { }
    }
    LoadedData d;
    try {
      d = switch (format) {
        case LIBSVM -> modelWidth != null && options.numFeatures() == null
            ? LibsvmSource.load(spark, options.withNumFeatures(modelWidth), conf,
                "the model's " + modelWidth + " features")
            : LibsvmSource.load(spark, options, conf);
        case CSV -> CsvSource.load(spark, options, conf, targets);
        case PARQUET -> ParquetSource.load(spark, options, conf, targets);
        case IDX -> IdxSource.load(spark, options, targets, conf);
      };
    } catch (Exception e) {
      throw DataValidationException.unwrap(e);
    }
    checkLabels(d, targets, options.path());
    return d;
  }

  /**
   * Refuses what a format with one numeric label per example cannot give: several label columns,
   * several regression targets, class names.
   */
  private static void checkSingleLabel(DataFormat format, DataOptions options, Targets targets) {
    String single = format.id() + " has a single label per " + (format == DataFormat.IDX
        ? "image" : "line");
    if (options.labelColumns() != null && options.labelColumns().size() > 1) {
      throw new IllegalArgumentException(single + ", but " + options.labelColumns().size()
          + " label columns are asked for (" + String.join(", ", options.labelColumns())
          + "); several targets per example need csv or parquet");
    }
    if (targets.labelWidth() > 1) {
      throw new IllegalArgumentException("regression with " + targets.outputs() + " outputs needs "
          + targets.outputs() + " targets per example, but " + single + " (" + options.path()
          + "); use csv with --label-columns or parquet with a vector label column");
    }
    if (targets.classNames() != null) {
      throw new IllegalArgumentException("the model's classes are names "
          + ClassNames.describe(targets.classNames()) + ", but " + format.id() + " labels are "
          + "numbers (" + options.path() + "); give the names in a csv or parquet label column");
    }
  }

  /**
   * Checks that loaded labels fit the targets: regression needs {@code targets.outputs()} targets
   * per example (the label width), classification one label.
   *
   * @param where the data's name in messages
   * @throws IllegalArgumentException naming the counts
   */
  static void checkLabels(LoadedData d, Targets targets, String where) {
    String problem = switch (targets.type()) {
      case REGRESSION -> d.labelWidth() == targets.outputs() ? null
          : d.vectorLabels()
              ? where + " has " + d.labelWidth() + " targets per example but the network has "
                  + targets.outputs() + " outputs; the output layer needs one unit per target"
              : where + " has one target per example but the network has " + targets.outputs()
                  + " outputs; name " + targets.outputs() + " label columns with --label-columns"
                  + " (csv, parquet) or give a vector label column (parquet)";
      case MULTICLASS, BINARY -> d.vectorLabels()
          ? where + " has " + d.labelWidth() + " label values per example; classification takes"
              + " one class per example (several label columns are for regression, mse or sse)"
          : null;
    };
    if (problem != null) {
      throw new IllegalArgumentException(problem);
    }
  }

  /**
   * The targets to train on {@code d}: {@code targets} with the class names the data's labels
   * had (numbered in sorted order by the loader), when they were names.
   *
   * @throws IllegalArgumentException if the number of names does not fit the network's classes
   */
  public static Targets targetsFor(LoadedData d, Targets targets, String where) {
    if (d.classNames() == null) {
      return targets;
    }
    if (d.classNames().size() != targets.classes()) {
      throw new IllegalArgumentException(where + " has " + d.classNames().size()
          + " class names " + ClassNames.describe(d.classNames()) + " but the network has "
          + targets.classes() + " classes (" + switch (targets.type()) {
            case MULTICLASS -> "cross_entropy: one softmax output per class";
            case BINARY -> "binary_cross_entropy: one sigmoid output for 2 classes";
            case REGRESSION -> "regression";
          } + "); the training data must hold every class");
    }
    return targets.withClassNames(d.classNames());
  }
}
