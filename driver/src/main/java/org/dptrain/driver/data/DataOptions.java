package org.dptrain.driver.data;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * What to read and how.
 *
 * @param path a file, a directory or a glob on any Hadoop filesystem ({@code file://},
 *     {@code hdfs://}, ...); for IDX the images file, which may also be a classpath resource
 *     written {@code classpath:org/dptrain/...}
 * @param format the format, or null to {@link DataFormat#infer infer} it from the path
 * @param numFeatures the width of the feature vectors, or null to take it from the data (the
 *     largest LIBSVM index; the number of feature columns; the Parquet vector column's metadata or
 *     first row; the IDX image size). When given and the data disagrees, loading fails.
 * @param labelColumn the label column of CSV and Parquet; null means
 *     {@link #DEFAULT_LABEL_COLUMN}
 * @param featureColumns the numeric feature columns of CSV or Parquet, in the order they form
 *     the vector; null means every other column of a CSV file, and for Parquet the vector column
 *     {@code featuresColumn} when the file has it, else every other numeric column
 * @param featuresColumn the Parquet column holding feature vectors (Spark ML vectors or arrays of
 *     numbers); null means {@link #DEFAULT_FEATURES_COLUMN}
 * @param labelsOptional whether CSV and Parquet input may lack the label column (for predicting
 *     on unlabeled data). When true and the column is absent, every example's label is NaN, and
 *     the default feature columns are every column of a CSV file (for Parquet, the vector column
 *     {@code featuresColumn} when the file has it, else every numeric column). When the column is
 *     present it is read and validated as when false. When false (the default) a missing label
 *     column is an error. LIBSVM always has labels and IDX always needs its labels file, so this
 *     does not affect them.
 * @param labelColumns several numeric label columns of CSV or Parquet, in the order they form the
 *     vector of targets (regression with one output per column); null means the one column
 *     {@code labelColumn}. When given, {@code labelColumn} is not read and must be left at its
 *     default. LIBSVM and IDX have a single label and refuse more than one. With
 *     {@code labelsOptional}, a file with none of these columns has no labels; one with only some
 *     of them is an error.
 */
public record DataOptions(String path, DataFormat format, Integer numFeatures, String labelColumn,
    List<String> featureColumns, String featuresColumn, boolean labelsOptional,
    List<String> labelColumns) {

  /** The label column when none is named. */
  public static final String DEFAULT_LABEL_COLUMN = "label";
  /** The Parquet feature-vector column when none is named. */
  public static final String DEFAULT_FEATURES_COLUMN = "features";

  public DataOptions {
    if (path == null || path.isBlank()) {
      throw new IllegalArgumentException("no input path given");
    }
    if (numFeatures != null && numFeatures < 1) {
      throw new IllegalArgumentException("numFeatures must be at least 1, got " + numFeatures);
    }
    labelColumn = columnName(labelColumn, DEFAULT_LABEL_COLUMN, "label column");
    featuresColumn = columnName(featuresColumn, DEFAULT_FEATURES_COLUMN, "features column");
    if (labelColumns != null) {
      if (!labelColumn.equals(DEFAULT_LABEL_COLUMN)) {
        throw new IllegalArgumentException("give the label column (\"" + labelColumn
            + "\") or the label columns " + labelColumns + ", not both");
      }
      labelColumns = names(labelColumns, "labelColumns", "label column");
    }
    List<String> labels = labelColumns != null ? labelColumns : List.of(labelColumn);
    if (featureColumns != null) {
      if (featureColumns.isEmpty()) {
        throw new IllegalArgumentException("featureColumns is empty; leave it unset to use every "
            + "other column");
      }
      featureColumns = names(featureColumns, "featureColumns", "feature column");
      for (String c : featureColumns) {
        if (labels.contains(c)) {
          throw new IllegalArgumentException("column \"" + c + "\" is a label column and cannot "
              + "also be a feature");
        }
      }
    }
  }

  /** Options with one label column. */
  public DataOptions(String path, DataFormat format, Integer numFeatures, String labelColumn,
      List<String> featureColumns, String featuresColumn, boolean labelsOptional) {
    this(path, format, numFeatures, labelColumn, featureColumns, featuresColumn, labelsOptional,
        null);
  }

  /** The label columns read: {@code labelColumns}, or the one {@code labelColumn}. */
  public List<String> labels() {
    return labelColumns != null ? labelColumns : List.of(labelColumn);
  }

  /** These options with several label columns (null: the one label column). */
  public DataOptions withLabelColumns(List<String> cs) {
    return new DataOptions(path, format, numFeatures, labelColumn, featureColumns, featuresColumn,
        labelsOptional, cs);
  }

  private static List<String> names(List<String> given, String list, String what) {
    if (given.isEmpty()) {
      throw new IllegalArgumentException(list + " is empty; leave it unset to use "
          + (what.startsWith("label") ? "the label column" : "every other column"));
    }
    Set<String> seen = new HashSet<>();
    for (String c : given) {
      if (c == null || c.isBlank()) {
        throw new IllegalArgumentException(list + " " + given + " has a blank name");
      }
      if (!seen.add(c)) {
        throw new IllegalArgumentException(what + " \"" + c + "\" is listed twice");
      }
    }
    return List.copyOf(given);
  }

  /** Options that require the label column ({@code labelsOptional} false). */
  public DataOptions(String path, DataFormat format, Integer numFeatures, String labelColumn,
      List<String> featureColumns, String featuresColumn) {
    this(path, format, numFeatures, labelColumn, featureColumns, featuresColumn, false);
  }

  /** Options for {@code path} with every other setting at its default (format inferred). */
  public static DataOptions of(String path) {
    return new DataOptions(path, null, null, null, null, null, false);
  }

  /** These options with another format (null: infer). */
  public DataOptions withFormat(DataFormat f) {
    return new DataOptions(path, f, numFeatures, labelColumn, featureColumns, featuresColumn,
        labelsOptional, labelColumns);
  }

  /** These options with another feature width (null: from the data). */
  public DataOptions withNumFeatures(Integer n) {
    return new DataOptions(path, format, n, labelColumn, featureColumns, featuresColumn,
        labelsOptional, labelColumns);
  }

  /** These options with another label column (null: the default). */
  public DataOptions withLabelColumn(String c) {
    return new DataOptions(path, format, numFeatures, c, featureColumns, featuresColumn,
        labelsOptional, labelColumns);
  }

  /** These options with other feature columns (null: every other column). */
  public DataOptions withFeatureColumns(List<String> cs) {
    return new DataOptions(path, format, numFeatures, labelColumn, cs, featuresColumn,
        labelsOptional, labelColumns);
  }

  /** These options with another Parquet vector column (null: the default). */
  public DataOptions withFeaturesColumn(String c) {
    return new DataOptions(path, format, numFeatures, labelColumn, featureColumns, c,
        labelsOptional, labelColumns);
  }

  /** These options with labels optional or required (see {@link #labelsOptional()}). */
  public DataOptions withLabelsOptional(boolean optional) {
    return new DataOptions(path, format, numFeatures, labelColumn, featureColumns, featuresColumn,
        optional, labelColumns);
  }

  private static String columnName(String given, String defaultName, String what) {
    if (given == null) {
      return defaultName;
    }
    if (given.isBlank()) {
      throw new IllegalArgumentException(what + " name is blank");
    }
    return given;
  }
}
