package org.dptrain.driver.cli;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.network.Network;
import org.dptrain.network.NetworkSpec;
import org.dptrain.network.Workspace;

/**
 * Predictions of a regression with several outputs: per input row its label vector (copied
 * through; null without labels) and the prediction vector, one value per output in the order of
 * the label columns.
 */
final class VectorPredictions {
  /** The output columns: label and prediction, Spark ML vectors. */
  static final List<StructField> FIELDS = List.of(
      DataTypes.createStructField("label", SQLDataTypes.VectorType(), true),
      DataTypes.createStructField("prediction", SQLDataTypes.VectorType(), false));

  private VectorPredictions() {}

  /** Forward passes over rows of (features, label vector or null), in chunks. */
  static Iterator<Row> predict(Iterator<Row> it, NetworkSpec spec, double[] w,
      FeatureScaling scaling) {
    int f = spec.inputSize();
    int k = spec.outputSize();
    Network net = new Network(spec);
    Workspace ws = new Workspace(spec, PredictCommand.CHUNK);
    List<Row> out = new ArrayList<>();
    Object[] labels = new Object[PredictCommand.CHUNK];
    while (it.hasNext()) {
      int m = 0;
      double[] x = ws.a(0);
      while (m < PredictCommand.CHUNK && it.hasNext()) {
        Row r = it.next();
        Vector v = r.getAs(0);
        System.arraycopy(v.toArray(), 0, x, m * f, f);
        if (scaling != null) {
          scaling.apply(x, m * f, 1);
        }
        labels[m] = r.isNullAt(1) ? null : r.get(1);
        m++;
      }
      net.forward(w, ws, m);
      double[] a = ws.a(spec.depth());
      for (int j = 0; j < m; j++) {
        double[] p = new double[k];
        System.arraycopy(a, j * k, p, 0, k);
        out.add(RowFactory.create(labels[j], Vectors.dense(p)));
      }
    }
    return out.iterator();
  }
}
