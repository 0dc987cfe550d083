package org.dptrain.driver.cli;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.linalg.SQLDataTypes;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.dptrain.driver.data.DataLoader;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.driver.data.LoadedData;
import org.dptrain.driver.data.Targets;
import org.dptrain.driver.data.TaskType;
import org.dptrain.driver.fs.OutputPath;
import org.dptrain.model.Model;
import org.dptrain.model.ModelFile;
import org.dptrain.network.Network;
import org.dptrain.network.NetworkSpec;
import org.dptrain.network.Workspace;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/**
 * {@code dptrain predict}: a Parquet file of predictions, one row per input row, in order. The
 * input is read with {@link org.dptrain.driver.data.DataOptions#labelsOptional() labels optional}:
 * a label column that is present is copied through (validated as for training's loader), and a
 * CSV or Parquet input without one gets a null label in every row (NaN labels are written null).
 * A model with class names adds their names ({@link ClassNameColumns}); a regression with several
 * outputs writes vectors ({@link VectorPredictions}).
 */
@Command(name = "predict", mixinStandardHelpOptions = true, sortOptions = false,
    description = {"Predict with a model and write Parquet: label, prediction and, for"
        + " classification, probability (a vector: the class probabilities, or [1-p, p] for"
        + " binary).", "The input's label column is copied through as it is read when present;"
        + " CSV and Parquet input may lack it, and then label is null.",
        "A model trained on class names adds labelName and predictionName (the names of label"
        + " and prediction). A regression with several outputs writes label and prediction as"
        + " vectors, one value per output."})
final class PredictCommand implements Callable<Integer> {
  /** Examples per forward pass. */
  static final int CHUNK = 512;

  @Mixin
  ModelArgs model;

  @Option(names = "--data", required = true, paramLabel = "PATH", description = "Input data")
  String data;

  @Mixin
  DataArgs dataArgs;

  @Option(names = "--output", required = true, paramLabel = "PATH",
      description = "Parquet directory to create")
  String output;

  @Mixin
  SparkArgs spark;

  @Override
  public Integer call() throws Exception {
    Model m = model.read();
    NetworkSpec spec = m.spec();
    Targets targets = ModelTargets.of(m);
    Path out = OutputPath.checkNew("--output", output, "output");
    try (Sessions session = spark.start("dptrain predict")) {
      SparkSession spark = session.spark();
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      LoadedData d = DataLoader.loadForModel(spark,
          dataArgs.options(data).withLabelsOptional(true), targets, spec.inputSize());
      FeatureScaling scaling = FeatureScaling.of(m);
      Broadcast<double[]> bw = sc.broadcast(m.weights());
      TaskType type = targets.type();
      boolean vectors = targets.labelWidth() > 1;
      JavaRDD<Row> rows = d.frame().select("features", "label").javaRDD()
          .mapPartitions(it -> vectors ? VectorPredictions.predict(it, spec, bw.value(), scaling)
              : predict(it, spec, bw.value(), scaling, type));
      List<StructField> fields = new ArrayList<>();
      if (vectors) {
        fields.addAll(VectorPredictions.FIELDS);
      } else {
        fields.add(DataTypes.createStructField("label", DataTypes.DoubleType, true));
        fields.add(DataTypes.createStructField("prediction", DataTypes.DoubleType, false));
      }
      if (type != TaskType.REGRESSION) {
        fields.add(DataTypes.createStructField("probability", SQLDataTypes.VectorType(), false));
      }
      Dataset<Row> result = ClassNameColumns.add(
          spark.createDataFrame(rows, DataTypes.createStructType(fields)), targets.classNames());
      try {
        result.write().parquet(out.toUri().toString());
      } catch (RuntimeException e) {
        ModelFile.deleteTree(out);
        throw e;
      } finally {
        bw.destroy();
      }
      System.out.println("predictions written to " + out);
      return 0;
    }
  }

  /** Forward passes over a partition's rows in chunks; one output row per input row. */
  static Iterator<Row> predict(Iterator<Row> it, NetworkSpec spec, double[] w,
      FeatureScaling scaling, TaskType type) {
    int f = spec.inputSize();
    int k = spec.outputSize();
    Network net = new Network(spec);
    Workspace ws = new Workspace(spec, CHUNK);
    List<Row> out = new ArrayList<>();
    double[] labels = new double[CHUNK];
    while (it.hasNext()) {
      int m = 0;
      double[] x = ws.a(0);
      while (m < CHUNK && it.hasNext()) {
        Row r = it.next();
        Vector v = r.getAs(0);
        double[] dense = v.toArray();
        System.arraycopy(dense, 0, x, m * f, f);
        if (scaling != null) {
          scaling.apply(x, m * f, 1);
        }
        labels[m] = r.isNullAt(1) ? Double.NaN : r.getDouble(1);
        m++;
      }
      net.forward(w, ws, m);
      double[] a = ws.a(spec.depth());
      for (int j = 0; j < m; j++) {
        int off = j * k;
        Object label = Double.isNaN(labels[j]) ? null : labels[j];
        out.add(switch (type) {
          case MULTICLASS -> {
            int best = 0;
            double[] p = new double[k];
            for (int c = 0; c < k; c++) {
              p[c] = a[off + c];
              if (p[c] > p[best]) {
                best = c;
              }
            }
            yield RowFactory.create(label, (double) best, Vectors.dense(p));
          }
          case BINARY -> {
            double p = a[off];
            yield RowFactory.create(label, p >= 0.5 ? 1.0 : 0.0, Vectors.dense(1.0 - p, p));
          }
          case REGRESSION -> RowFactory.create(label, a[off]);
        });
      }
    }
    return out.iterator();
  }
}
