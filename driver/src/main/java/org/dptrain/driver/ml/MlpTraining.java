package org.dptrain.driver.ml;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.dptrain.data.Block;
import org.dptrain.driver.config.JobConfig;
import org.dptrain.driver.config.SettingTable;
import org.dptrain.driver.config.SettingValues;
import org.dptrain.driver.data.BlockStacker;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.driver.data.LoadedData;
import org.dptrain.driver.data.Targets;
import org.dptrain.driver.spark.SparkSettings;
import org.dptrain.driver.train.DataDigest;
import org.dptrain.driver.train.DistributedTrainer;
import org.dptrain.driver.train.EpochRecord;
import org.dptrain.driver.train.EpochReport;
import org.dptrain.driver.train.Provenance;
import org.dptrain.driver.train.TrainConfig;
import org.dptrain.model.Model;
import org.dptrain.network.Initializer;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.dptrain.optim.OptimizerSpec;
import org.dptrain.train.BatchPlan;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fitting for both estimators: the Dataset becomes validated, cached blocks (the data layer's
 * {@link LoadedData#fromDataset} and {@link BlockStacker}), the network is initialised from the
 * seed and trained by {@link DistributedTrainer}, the same loop as {@code dptrain train}, so the
 * same data, settings and partitions give the same weights bit for bit.
 */
final class MlpTraining {
  private static final Logger LOG = LoggerFactory.getLogger(MlpTraining.class);
  /** How the input Dataset is named in messages about its rows. */
  static final String DATASET_NAME = "input dataset";

  private MlpTraining() {}

  /**
   * Trains a network on {@code dataset} with the settings of {@code params}.
   *
   * @return the trained model: its extra fields hold task, numFeatures, featureScaling (when
   *     scaling), training (epochs, steps, final loss) and provenance (versions, partitions,
   *     the data's size and digest, and {@code config}: the params as the job settings they are,
   *     under the command line's keys), as {@code dptrain train} writes them
   * @throws IllegalArgumentException for settings that do not fit together or the data
   * @throws org.dptrain.driver.data.DataValidationException naming the row of a bad example
   * @throws IllegalStateException if training diverges (a loss that is not finite)
   */
  static Model fit(Dataset<?> dataset, MlpParams<?> params, String featuresColumn,
      String labelColumn) {
    for (Param<?> required : List.of(params.layers(), params.activations())) {
      if (!params.isDefined(required)) {
        throw new IllegalArgumentException(required.name() + " must be set: " + required.doc());
      }
    }
    SparkSession spark = dataset.sparkSession();
    SparkSettings.checkSerializer(spark.sparkContext().getConf(),
        params.getClass().getSimpleName() + ".fit");
    JavaSparkContext sc = JavaSparkContext.fromSparkContext(spark.sparkContext());
    LoadedData data = LoadedData.fromDataset(dataset, featuresColumn, labelColumn, DATASET_NAME);
    // the job's configuration, as the command line has it: the estimator's columns are the data
    // settings, the layers get the input size when the params leave it out
    SettingValues values = MlpParamSet.values(params);
    values = values.with(SettingTable.LAYERS, layers(params.getLayers(),
        params.getActivations().length, data.numFeatures(), featuresColumn))
        .with(SettingTable.DATA, DATASET_NAME).with(SettingTable.LABEL_COLUMN, labelColumn)
        .with(SettingTable.FEATURES_COLUMN, featuresColumn);
    JobConfig config = JobConfig.of(values);
    DistributedTrainer.checkCluster(sc.getConf(), config.parallelism().sync());
    NetworkSpec spec = config.network().spec();
    Targets targets = config.targets();
    if (targets.labelWidth() != 1) {
      throw new IllegalArgumentException("the estimators train on one numeric label per row"
          + " (Spark ML's convention), but the layers give " + targets.outputs() + " regression"
          + " outputs; use 1 output (several targets per example are for the command line,"
          + " --label-columns)");
    }
    FeatureScaling scaling = config.scale().fit(data);
    int partitions = config.parallelism().partitions() == null ? sc.defaultParallelism()
        : config.parallelism().partitions();

    JavaRDD<Block> blocks = BlockStacker.stack(data, targets, partitions, scaling,
        config.precision());
    try {
      DataDigest digest = DataDigest.of(blocks);
      long totalSteps = (long) BatchPlan.stepsPerEpoch(digest.examples(),
          config.loop().batchSize()) * config.loop().epochs();
      OptimizerSpec optimizerSpec = config.optimizer().spec(totalSteps);
      TrainConfig trainConfig = new TrainConfig(spec, optimizerSpec, config.loop().batchSize(),
          config.loop().epochs(), config.loop().seed(), config.parallelism().localSteps(),
          config.parallelism().aggregationDepth()).withSync(config.parallelism().sync());
      double[] initial = Initializer.initialize(spec, config.loop().seed(),
          config.network().initializer());
      LOG.info("{} fitting {} on {} examples in {} partitions", params.uid(), spec,
          digest.examples(), partitions);
      DistributedTrainer.Outcome outcome = new DistributedTrainer(sc, trainConfig).train(blocks,
          initial, new Optimizer(optimizerSpec, spec.numParams()), 0, (report, w, o) -> {
            if (!Double.isFinite(report.trainLoss())) {
              throw new IllegalStateException("training diverged in epoch " + report.epoch()
                  + ": the mean training loss is " + report.trainLoss() + " (lower"
                  + " learningRate, or set clipNorm)");
            }
            LOG.info(String.format(Locale.ROOT, "%s epoch %d/%d loss %.6f (%.2f s)",
                params.uid(), report.epoch(), trainConfig.epochs(), report.trainLoss(),
                report.seconds()));
            return false;
          });

      ObjectNode extra = Provenance.modelExtra(spark, targets, spec, scaling, partitions, digest,
          config.toMap());
      ObjectNode training = extra.putObject("training");
      training.put("epochsRun", outcome.epochs().size());
      training.put("optimizerSteps", outcome.optimizer().stepCount());
      training.put("finalTrainLoss",
          outcome.epochs().get(outcome.epochs().size() - 1).trainLoss());
      // per epoch, for the models' trainingHistoryJson and training summary: metrics.jsonl's
      // record format
      ArrayNode history = training.putArray("history");
      long step = 0;
      for (EpochReport r : outcome.epochs()) {
        step += r.steps();
        history.add(EpochRecord.of(r, step, null).toJson());
      }
      ObjectNode provenance = (ObjectNode) extra.get("provenance");
      provenance.put("estimator", params.getClass().getName());
      provenance.put("uid", params.uid());
      return new Model(spec, outcome.weights(), extra);
    } finally {
      blocks.unpersist(false);
    }
  }

  /**
   * The full layer sizes: {@code layers} itself when it has one size more than there are
   * activations (its input size must then be {@code width}), or {@code width} followed by
   * {@code layers} when it has as many.
   *
   * @throws IllegalArgumentException naming the sizes, the activations count and the width
   */
  static int[] layers(int[] layers, int activations, int width, String featuresColumn) {
    if (layers.length == activations + 1) {
      if (layers[0] != width) {
        throw new IllegalArgumentException("layers " + Arrays.toString(layers) + " take "
            + layers[0] + " inputs, but features column '" + featuresColumn + "' holds vectors"
            + " of " + width + " values");
      }
      return layers.clone();
    }
    if (layers.length == activations) {
      int[] full = new int[layers.length + 1];
      full[0] = width;
      System.arraycopy(layers, 0, full, 1, layers.length);
      return full;
    }
    throw new IllegalArgumentException("layers " + Arrays.toString(layers) + " has "
        + layers.length + " sizes for " + activations + " activations; give " + (activations + 1)
        + " sizes (input first) or " + activations + " (the input size is then the width of the"
        + " features column)");
  }
}
