package org.dptrain.driver.data;

import java.io.Serializable;
import org.apache.spark.ml.linalg.DenseVector;
import org.apache.spark.ml.linalg.SparseVector;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.sql.Row;

/**
 * Validates one example of a loaded frame and writes it into block columns. Rows are read by
 * position: features, label, file, pos (the order {@link #COLUMNS} selects).
 */
final class RowChecker implements Serializable {
  private static final long serialVersionUID = 1L;

  /** The columns to select, in the order {@link #features} and {@link #target} read them. */
  static final String[] COLUMNS = {LoadedData.FEATURES, LoadedData.LABEL, LoadedData.FILE,
      LoadedData.POS};

  private final int numFeatures;
  private final Targets targets;
  private final DataFormat format;
  private final boolean vectorLabels;
  private final HadoopConf conf;

  /** @param targets how labels become targets, or null to check features only */
  RowChecker(LoadedData data, Targets targets) {
    this.numFeatures = data.numFeatures();
    this.targets = targets;
    this.format = data.format();
    this.vectorLabels = data.vectorLabels();
    this.conf = new HadoopConf(data.frame().sparkSession().sparkContext().hadoopConfiguration());
  }

  /**
   * Copies the features into {@code x[offset .. offset + numFeatures)} (modified in place).
   *
   * @throws DataValidationException if the vector is null, has another width, or holds a value
   *     that is not finite
   */
  void features(Row row, double[] x, int offset) {
    if (row.isNullAt(0)) {
      throw fail(row, "features is null");
    }
    Vector v = (Vector) row.get(0);
    if (v.size() != numFeatures) {
      throw fail(row, "features has " + v.size() + " values, expected " + numFeatures);
    }
    if (v instanceof DenseVector) {
      System.arraycopy(((DenseVector) v).values(), 0, x, offset, numFeatures);
    } else {
      SparseVector s = (SparseVector) v;
      java.util.Arrays.fill(x, offset, offset + numFeatures, 0.0);
      int[] indices = s.indices();
      double[] values = s.values();
      for (int k = 0; k < indices.length; k++) {
        x[offset + indices[k]] = values[k];
      }
    }
    for (int i = offset; i < offset + numFeatures; i++) {
      if (!Double.isFinite(x[i])) {
        throw fail(row, "features[" + (i - offset) + "] is " + x[i] + ", not a finite number");
      }
    }
  }

  /**
   * Writes the label's target into {@code y[offset .. offset + outputs)} (modified in place).
   *
   * @throws DataValidationException if the label is null or breaks the task's rule (a vector
   *     label: its width or a value that is not finite)
   */
  void target(Row row, double[] y, int offset) {
    if (row.isNullAt(1)) {
      throw fail(row, "label is null");
    }
    if (vectorLabels) {
      double[] labels = ((Vector) row.get(1)).toArray();
      String problem = targets.labelProblem(labels);
      if (problem != null) {
        throw fail(row, problem);
      }
      targets.encode(labels, y, offset);
      return;
    }
    double label = row.getDouble(1);
    String problem = targets.labelProblem(label);
    if (problem != null) {
      throw fail(row, problem);
    }
    targets.encode(label, y, offset);
  }

  private DataValidationException fail(Row row, String problem) {
    String file = row.getString(2);
    return new DataValidationException(file,
        TextPositions.location(format, conf, file, row.getLong(3)), problem);
  }
}
