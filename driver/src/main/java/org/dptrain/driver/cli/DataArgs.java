package org.dptrain.driver.cli;

import java.util.List;
import org.dptrain.driver.data.DataFormat;
import org.dptrain.driver.data.DataOptions;
import picocli.CommandLine.Option;

/**
 * How to read a dataset for a model: shared by evaluate and predict (train declares the same
 * options in {@link org.dptrain.driver.config.SettingTable}).
 */
final class DataArgs {
  @Option(names = "--format", paramLabel = "FORMAT",
      description = "libsvm, csv, parquet or idx (default: from the file name)")
  String format;

  @Option(names = "--num-features", paramLabel = "N",
      description = "Feature count (libsvm; default: the model's width, which any other value"
          + " must equal)")
  Integer numFeatures;

  @Option(names = "--label-column", paramLabel = "NAME",
      description = "Label column (csv, parquet; default: ${DEFAULT-VALUE})")
  String labelColumn = DataOptions.DEFAULT_LABEL_COLUMN;

  @Option(names = "--label-columns", paramLabel = "A,B,...", split = ",",
      description = "Several numeric label columns, one regression output each (csv, parquet;"
          + " instead of --label-column)")
  List<String> labelColumns;

  @Option(names = "--feature-columns", paramLabel = "A,B,...", split = ",",
      description = "Numeric feature columns (csv, parquet; default: all other columns)")
  List<String> featureColumns;

  @Option(names = "--features-column", paramLabel = "NAME",
      description = "Vector feature column (parquet; default: ${DEFAULT-VALUE})")
  String featuresColumn = DataOptions.DEFAULT_FEATURES_COLUMN;

  /** The options for {@code path}; the label column is required ({@code labelsOptional} false). */
  DataOptions options(String path) {
    DataFormat f = format == null ? null : DataFormat.parse(format);
    return new DataOptions(path, f, numFeatures, labelColumn, featureColumns, featuresColumn,
        false, labelColumns);
  }
}
