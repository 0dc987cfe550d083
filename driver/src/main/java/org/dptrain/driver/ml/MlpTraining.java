package org.dptrain.driver.ml;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.ml.param.Param;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.SparkSession;
import org.dptrain.driver.spark.SparkSettings;
import org.dptrain.data.Block;
import org.dptrain.driver.data.BlockStacker;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.driver.data.LoadedData;
import org.dptrain.driver.data.Targets;
import org.dptrain.driver.train.DistributedTrainer;
import org.dptrain.driver.train.EpochReport;
import org.dptrain.driver.train.TrainConfig;
import org.dptrain.driver.train.TrainingJob;
import org.dptrain.model.Model;
import org.dptrain.network.Initializer;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.dptrain.optim.OptimizerSpec;
import org.dptrain.optim.Schedule;
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
  private static final ObjectMapper JSON = new ObjectMapper();
  /** How the input Dataset is named in messages about its rows. */
  static final String DATASET_NAME = "input dataset";

  private MlpTraining() {}

  /**
   * Trains a network on {@code dataset} with the settings of {@code params}.
   *
   * @return the trained model: its extra fields hold task, numFeatures, featureScaling (when
   *     scaling), training (epochs, steps, final loss) and provenance (versions, partitions and
   *     every param), as {@code dptrain train} writes them
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
    NetworkSpec spec = NetworkSpec.of(layers(params.getLayers(), params.getActivations().length,
        data.numFeatures(), featuresColumn), Arrays.asList(params.getActivations()),
        params.getLoss());
    Targets targets = Targets.of(spec.loss(), spec.outputSize());
    String scale = params.getScale();
    FeatureScaling scaling = scale.equals(MlpParamSet.NO_SCALING) ? null
        : FeatureScaling.fit(data, scale);
    int partitions = params.getNumPartitions() == 0 ? sc.defaultParallelism()
        : params.getNumPartitions();

    JavaRDD<Block> blocks = BlockStacker.stack(data, targets, partitions, scaling);
    try {
      long total = blocks.map(Block::size).fold(0, Integer::sum);
      long totalSteps = (long) BatchPlan.stepsPerEpoch(total, params.getBatchSize())
          * params.getEpochs();
      OptimizerSpec optimizerSpec = new OptimizerSpec(
          OptimizerSpec.Kind.parse(params.getOptimizer()), params.getLearningRate(),
          params.getMomentum(), params.getBeta1(), params.getBeta2(), params.getEpsilon(),
          params.getWeightDecay(), params.getClipNorm(),
          schedule(params.getSchedule(), totalSteps));
      TrainConfig config = new TrainConfig(spec, optimizerSpec, params.getBatchSize(),
          params.getEpochs(), params.getSeed(), params.getLocalSteps(),
          params.getAggregationDepth());
      String init = params.getInitializer();
      double[] initial = Initializer.initialize(spec, params.getSeed(),
          init.equals(MlpParamSet.AUTO_INITIALIZER) ? null : Initializer.parse(init));
      LOG.info("{} fitting {} on {} examples in {} partitions", params.uid(), spec, total,
          partitions);
      DistributedTrainer.Outcome outcome = new DistributedTrainer(sc, config).train(blocks,
          initial, new Optimizer(optimizerSpec, spec.numParams()), 0, (report, w, o) -> {
            if (!Double.isFinite(report.trainLoss())) {
              throw new IllegalStateException("training diverged in epoch " + report.epoch()
                  + ": the mean training loss is " + report.trainLoss() + " (lower"
                  + " learningRate, or set clipNorm)");
            }
            LOG.info(String.format(Locale.ROOT, "%s epoch %d/%d loss %.6f (%.2f s)",
                params.uid(), report.epoch(), config.epochs(), report.trainLoss(),
                report.seconds()));
            return false;
          });

      ObjectNode extra = TrainingJob.modelExtra(spark, targets, spec, scaling, partitions);
      ObjectNode training = extra.putObject("training");
      training.put("epochsRun", outcome.epochs().size());
      training.put("optimizerSteps", outcome.optimizer().stepCount());
      training.put("finalTrainLoss",
          outcome.epochs().get(outcome.epochs().size() - 1).trainLoss());
      // per epoch, for the models' trainingHistoryJson and training summary (named as in
      // metrics.jsonl)
      ArrayNode history = training.putArray("history");
      long step = 0;
      for (EpochReport r : outcome.epochs()) {
        step += r.steps();
        history.addObject().put("epoch", r.epoch()).put("step", step)
            .put("trainLoss", r.trainLoss()).put("learningRate", r.learningRate())
            .put("examples", r.examples()).put("seconds", r.seconds()).put("syncs", r.syncs());
      }
      ObjectNode provenance = (ObjectNode) extra.get("provenance");
      provenance.put("estimator", params.getClass().getName());
      provenance.put("uid", params.uid());
      provenance.set("params", paramsJson(params));
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

  /**
   * The schedule named by {@code text}: {@link Schedule#parse}'s forms, plus
   * {@code cosine:WARMUP_STEPS}, a cosine to the last of {@code totalSteps}.
   *
   * @throws IllegalArgumentException naming the text and the expected forms
   */
  static Schedule schedule(String text, long totalSteps) {
    if (text == null) {
      throw new IllegalArgumentException("schedule must be set; 'constant' for none");
    }
    String[] parts = text.trim().split(":", -1);
    if (parts.length == 2 && parts[0].equalsIgnoreCase("cosine")) {
      return Schedule.parse(text.trim() + ":" + totalSteps);
    }
    return Schedule.parse(text);
  }

  /** Every param with a value (set or default), JSON-encoded as Spark saves it. */
  static ObjectNode paramsJson(MlpParams<?> params) {
    ObjectNode out = JsonNodeFactory.instance.objectNode();
    for (Param<?> p : params.params()) {
      if (params.isDefined(p)) {
        @SuppressWarnings("unchecked")
        Param<Object> param = (Param<Object>) p;
        try {
          out.set(p.name(), JSON.readTree(param.jsonEncode(params.getOrDefault(param))));
        } catch (JsonProcessingException e) {
          throw new IllegalStateException("param " + p.name() + " encodes to invalid JSON", e);
        }
      }
    }
    return out;
  }
}
