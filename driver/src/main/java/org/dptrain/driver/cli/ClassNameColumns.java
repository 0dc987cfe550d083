package org.dptrain.driver.cli;

import java.util.List;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;

/**
 * The names beside the class indices of predictions: {@code labelName} (null when the label is)
 * and {@code predictionName}, from the model's class names by index.
 */
final class ClassNameColumns {
  private ClassNameColumns() {}

  /** {@code predictions} with the two name columns, or as it is when {@code names} is null. */
  static Dataset<Row> add(Dataset<Row> predictions, List<String> names) {
    if (names == null) {
      return predictions;
    }
    Column[] literals = names.stream().map(functions::lit).toArray(Column[]::new);
    Column byIndex = functions.array(literals);
    return predictions
        .withColumn("labelName", name(byIndex, functions.col("label")))
        .withColumn("predictionName", name(byIndex, functions.col("prediction")));
  }

  /** The name at a 0-based index (element_at counts from 1); null for a null index. */
  private static Column name(Column byIndex, Column index) {
    return functions.element_at(byIndex, index.cast(DataTypes.IntegerType).plus(1));
  }
}
