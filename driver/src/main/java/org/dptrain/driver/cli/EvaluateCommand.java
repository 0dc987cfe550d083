package org.dptrain.driver.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.dptrain.data.Block;
import org.dptrain.driver.data.BlockStacker;
import org.dptrain.driver.data.DataLoader;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.driver.data.LoadedData;
import org.dptrain.driver.data.Targets;
import org.dptrain.driver.eval.Evaluator;
import org.dptrain.driver.eval.Metrics;
import org.dptrain.model.Model;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dptrain evaluate}: metrics of a model on a dataset. */
@Command(name = "evaluate", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Evaluate a model on labelled data: accuracy, macro F1, log loss and confusion"
        + " matrix, or RMSE, MAE and R² for regression (overall and, with several outputs, per"
        + " output). A model trained on class names maps the data's label names with its own;"
        + " a name it does not know is an error naming the file, line or row and the value.")
final class EvaluateCommand implements Callable<Integer> {
  @Mixin
  ModelArgs model;

  @Option(names = "--data", required = true, paramLabel = "PATH", description = "Labelled data")
  String data;

  @Mixin
  DataArgs dataArgs;

  @Option(names = "--partitions", paramLabel = "P",
      description = "Partitions (default: Spark's default parallelism)")
  Integer partitions;

  @Mixin
  SparkArgs spark;

  @Option(names = "--json", description = "Print the metrics as one JSON object")
  boolean json;

  @Override
  public Integer call() throws Exception {
    Model m = model.read();
    Targets targets = ModelTargets.of(m);
    try (Sessions session = spark.start("dptrain evaluate")) {
      SparkSession spark = session.spark();
      JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
      LoadedData d = DataLoader.loadForModel(spark, dataArgs.options(data), targets,
          m.spec().inputSize());
      JavaRDD<Block> blocks = BlockStacker.stack(d, targets,
          partitions != null ? partitions : sc.defaultParallelism(), FeatureScaling.of(m));
      Metrics metrics = Evaluator.evaluate(sc, blocks, m.spec(), m.weights(), targets.type());
      blocks.unpersist(false);
      if (json) {
        System.out.println(new ObjectMapper().writeValueAsString(metrics.toJson()));
      } else {
        System.out.printf(Locale.ROOT, "%d examples: %s%n", metrics.count(), metrics.summary());
        if (metrics.perOutput() != null) {
          List<String> names = dataArgs.labelColumns;
          for (int i = 0; i < metrics.perOutput().size(); i++) {
            System.out.printf(Locale.ROOT, "  output %d%s: %s%n", i, names != null
                && names.size() == metrics.perOutput().size() ? " (" + names.get(i) + ")" : "",
                metrics.perOutput().get(i).summary());
          }
        }
        if (metrics.confusion() != null) {
          System.out.println("confusion matrix (rows: true class, columns: predicted):");
          if (targets.classNames() != null) {
            System.out.println("classes: " + String.join(", ", targets.classNames()));
          }
          for (long[] row : metrics.confusion()) {
            StringBuilder b = new StringBuilder();
            for (long v : row) {
              b.append(String.format(Locale.ROOT, "%7d", v));
            }
            System.out.println(b);
          }
        }
      }
      return 0;
    }
  }
}
