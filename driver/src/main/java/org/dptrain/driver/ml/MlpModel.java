package org.dptrain.driver.ml;

import com.fasterxml.jackson.databind.node.ObjectNode;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.util.HasTrainingSummary;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.dptrain.model.Model;
import org.dptrain.network.NetworkSpec;
import scala.Option;

/**
 * What both dptrain model stages offer beyond their Spark base classes (which differ:
 * {@code ProbabilisticClassificationModel} and {@code RegressionModel}, so the shared part is an
 * interface, as Spark's own {@code *Params} traits are): the network, the dptrain model, the
 * training history and summary, and saving. Every method works over {@link #mlpState()}.
 * Implemented by {@link MlpClassificationModel} and {@link MlpRegressionModel} only.
 */
public interface MlpModel extends Params, MLWritable, HasTrainingSummary<MlpTrainingSummary> {

  /** The network and model.json fields this stage holds (internal to this package). */
  MlpModelState mlpState();

  /** The network: layers, activations, loss. */
  default NetworkSpec spec() {
    return mlpState().forward().spec();
  }

  /** The layer sizes n_0 (the input), n_1, ..., n_L. */
  default int[] layers() {
    return spec().layers();
  }

  /**
   * The per-epoch records of the fit that made this model, as a JSON array of objects (epoch,
   * step, trainLoss, learningRate, examples, seconds, syncs); {@code []} for a model wrapped from
   * a {@code dptrain train} run directory, whose history is its metrics.jsonl. Saved and loaded
   * with the model.
   */
  default String trainingHistoryJson() {
    return mlpState().historyJson();
  }

  /**
   * The model as dptrain stores it: spec, weights (a copy) and the extra fields of model.json
   * (task, numFeatures, featureScaling, training, provenance).
   */
  default Model toModel() {
    return mlpState().toModel();
  }

  /** The extra fields of model.json (a copy). */
  default ObjectNode extra() {
    return toModel().extra();
  }

  /** Spark's field of {@link HasTrainingSummary} (implemented here because this is Java). */
  @Override
  default Option<MlpTrainingSummary> trainingSummary() {
    return mlpState().summary();
  }

  @Override
  default void trainingSummary_$eq(Option<MlpTrainingSummary> summary) {
    mlpState().setSummary(summary);
  }

  /**
   * The summary of the fit that made this model ({@link HasTrainingSummary}'s, redeclared here
   * because Py4J, which PySpark calls the model through, does not find default methods of an
   * interface's superinterfaces).
   *
   * @throws org.apache.spark.SparkException when the model has none
   */
  @Override
  default MlpTrainingSummary summary() {
    return HasTrainingSummary.super.summary();
  }

  /** Whether the model has a training summary (redeclared for Py4J, as {@link #summary()}). */
  @Override
  default boolean hasSummary() {
    return HasTrainingSummary.super.hasSummary();
  }

  /**
   * Nothing to write: the summary is the model's training history, which {@link #write()} saves
   * in model.json. (Spark Connect's ML cache calls this when it registers a model with a
   * summary, and fails for a class that does not override it.)
   */
  @Override
  default void saveSummary(String path) {}

  /**
   * Restores the summary from the model's own training history ({@code dataset} is not needed):
   * what Spark Connect calls when a client asks for the summary of a model it had offloaded.
   */
  @Override
  default void loadSummary(String path, Dataset<Row> dataset) {
    setSummary(mlpState().historySummary());
  }

  /** Spark's metadata and the dptrain model directory ({@link MlpModelWriter}). */
  @Override
  default MLWriter write() {
    return new MlpModelWriter(this, toModel());
  }
}
