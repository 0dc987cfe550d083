package org.dptrain.driver.ml;

import java.io.Serializable;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.apache.spark.ml.param.DoubleParam;
import org.apache.spark.ml.param.IntArrayParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.LongParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.Params;
import org.apache.spark.ml.param.StringArrayParam;
import org.dptrain.activation.Activation;
import org.dptrain.driver.data.FeatureScaling;
import org.dptrain.driver.train.TrainConfig;
import org.dptrain.loss.Loss;
import org.dptrain.network.Initializer;
import org.dptrain.optim.OptimizerSpec;
import scala.Function1;

/**
 * The training {@link Param}s of one estimator, created with it as their parent, with their
 * defaults and validators. Validators throw an {@link IllegalArgumentException} that names the
 * param and the bad value (Spark's own message would print an array as {@code [I@1b2c3d}); they
 * run whenever a value is set, including when a saved estimator is loaded.
 */
final class MlpParamSet implements Serializable {
  private static final long serialVersionUID = 1L;

  /** {@value}: the initializer named by each layer's activation ({@link Initializer#defaultFor}). */
  static final String AUTO_INITIALIZER = "auto";
  /** {@value}: no feature scaling. */
  static final String NO_SCALING = "none";
  /** The update rule of the command line's default. */
  static final String DEFAULT_OPTIMIZER = OptimizerSpec.Kind.SGD.id();
  /** A constant learning rate. */
  static final String DEFAULT_SCHEDULE = "constant";
  /** 0: Spark's default parallelism. */
  static final int DEFAULT_NUM_PARTITIONS = 0;

  private final Map<String, Param<?>> byName = new LinkedHashMap<>();

  /**
   * Creates the params of {@code parent} and sets their defaults on it.
   *
   * @param losses the losses this estimator trains, the first being the default
   */
  MlpParamSet(Params parent, List<Loss> losses) {
    add(new IntArrayParam(parent, "layers", "layer sizes, input first (n_0, ..., n_L), or"
        + " without the input size (n_1, ..., n_L: as many sizes as activations), which is then"
        + " the width of the features column", valid(MlpParamSet::checkLayers)));
    add(new StringArrayParam(parent, "activations", "one activation per non-input layer: "
        + Activation.validNames(), valid(MlpParamSet::checkActivations)));
    add(new Param<String>(parent, "loss", "the training loss: " + ids(losses),
        valid((String v) -> checkLoss(v, losses))));
    add(new Param<String>(parent, "initializer", "weight initializer: " + AUTO_INITIALIZER
        + " (He for relu, leaky_relu and softplus layers, Xavier otherwise), gaussian, xavier"
        + " or he", valid(MlpParamSet::checkInitializer)));
    add(new Param<String>(parent, "optimizer", "update rule: sgd, momentum, nesterov or adam",
        valid((String v) -> OptimizerSpec.Kind.parse(v) != null)));
    add(new DoubleParam(parent, "learningRate", "base learning rate, > 0",
        number("learningRate", v -> v > 0, "a finite number > 0")));
    add(new DoubleParam(parent, "momentum", "mu of momentum and nesterov, in [0, 1)",
        number("momentum", v -> v >= 0 && v < 1, "in [0, 1)")));
    add(new DoubleParam(parent, "beta1", "Adam's first-moment decay, in [0, 1)",
        number("beta1", v -> v >= 0 && v < 1, "in [0, 1)")));
    add(new DoubleParam(parent, "beta2", "Adam's second-moment decay, in [0, 1)",
        number("beta2", v -> v >= 0 && v < 1, "in [0, 1)")));
    add(new DoubleParam(parent, "epsilon", "Adam's epsilon, > 0",
        number("epsilon", v -> v > 0, "a finite number > 0")));
    add(new DoubleParam(parent, "weightDecay", "L2 coefficient lambda >= 0",
        number("weightDecay", v -> v >= 0, "a finite number >= 0")));
    add(new DoubleParam(parent, "clipNorm", "largest L2 norm of a gradient; 0 = no clipping",
        number("clipNorm", v -> v >= 0, "a finite number >= 0 (0 = off)")));
    add(new Param<String>(parent, "schedule", "learning-rate schedule: constant,"
        + " step:STEP_SIZE:GAMMA, exponential:GAMMA:DECAY_STEPS,"
        + " cosine:WARMUP_STEPS:TOTAL_STEPS[:MIN_FACTOR], or cosine:WARMUP_STEPS (to the last"
        + " step of the fit)", valid((String v) -> MlpTraining.schedule(v, Long.MAX_VALUE) != null)));
    add(new IntParam(parent, "batchSize", "global mini-batch: examples averaged into one update,"
        + " split over the partitions; >= 1", whole("batchSize", 1)));
    add(new IntParam(parent, "epochs", "passes over the data; >= 1", whole("epochs", 1)));
    add(new LongParam(parent, "seed", "seed of the initial weights and of every shuffle"));
    add(new IntParam(parent, "localSteps", "1 = synchronous SGD; K > 1 = K local steps per"
        + " partition between synchronisations; 0 = a whole epoch", whole("localSteps", 0)));
    add(new IntParam(parent, "aggregationDepth", "1 = partial gradients merged on the driver;"
        + " d >= 2 = merged in a tree of depth d", whole("aggregationDepth", 1)));
    add(new IntParam(parent, "numPartitions", "partitions (blocks) of the training data; 0 ="
        + " Spark's default parallelism", whole("numPartitions", 0)));
    add(new Param<String>(parent, "scale", "feature scaling fitted on the training data and"
        + " stored with the model: none, standardize or minmax",
        valid(MlpParamSet::checkScale)));

    parent.setDefault(get("loss"), losses.get(0).id());
    parent.setDefault(get("initializer"), AUTO_INITIALIZER);
    parent.setDefault(get("optimizer"), DEFAULT_OPTIMIZER);
    parent.setDefault(get("learningRate"), OptimizerSpec.DEFAULT_LEARNING_RATE);
    parent.setDefault(get("momentum"), OptimizerSpec.DEFAULT_MOMENTUM);
    parent.setDefault(get("beta1"), OptimizerSpec.DEFAULT_BETA1);
    parent.setDefault(get("beta2"), OptimizerSpec.DEFAULT_BETA2);
    parent.setDefault(get("epsilon"), OptimizerSpec.DEFAULT_EPSILON);
    parent.setDefault(get("weightDecay"), OptimizerSpec.DEFAULT_WEIGHT_DECAY);
    parent.setDefault(get("clipNorm"), OptimizerSpec.DEFAULT_CLIP_NORM);
    parent.setDefault(get("schedule"), DEFAULT_SCHEDULE);
    parent.setDefault(get("batchSize"), TrainConfig.DEFAULT_BATCH_SIZE);
    parent.setDefault(get("epochs"), TrainConfig.DEFAULT_EPOCHS);
    parent.setDefault(get("seed"), TrainConfig.DEFAULT_SEED);
    parent.setDefault(get("localSteps"), TrainConfig.DEFAULT_LOCAL_STEPS);
    parent.setDefault(get("aggregationDepth"), TrainConfig.DEFAULT_AGGREGATION_DEPTH);
    parent.setDefault(get("numPartitions"), DEFAULT_NUM_PARTITIONS);
    parent.setDefault(get("scale"), NO_SCALING);
  }

  /**
   * The param called {@code name}.
   *
   * @throws IllegalArgumentException for a name that is not one of these params
   */
  @SuppressWarnings("unchecked")
  <T> Param<T> get(String name) {
    Param<?> p = byName.get(name);
    if (p == null) {
      throw new IllegalArgumentException("no training param '" + name + "'; known: "
          + byName.keySet());
    }
    return (Param<T>) p;
  }

  private void add(Param<?> p) {
    byName.put(p.name(), p);
  }

  // Validators: Spark calls isValid(value) and throws its own message on false; ours throw first,
  // with the param's name and the value. They are serializable because Params are.

  private interface SerializableCheck<T> extends Function1<T, Object>, Serializable {}

  private interface Check<T> extends Serializable {
    /** @throws IllegalArgumentException naming the bad value */
    boolean test(T value);
  }

  private static <T> Function1<T, Object> valid(Check<T> check) {
    return (SerializableCheck<T>) v -> check.test(v);
  }

  private interface DoubleTest extends Serializable {
    boolean test(double v);
  }

  private static Function1<Object, Object> number(String name, DoubleTest ok, String range) {
    return (SerializableCheck<Object>) v -> {
      double d = (Double) v;
      if (!Double.isFinite(d) || !ok.test(d)) {
        throw new IllegalArgumentException(name + " must be " + range + ", got " + d);
      }
      return true;
    };
  }

  private static Function1<Object, Object> whole(String name, int min) {
    return (SerializableCheck<Object>) v -> {
      int i = (Integer) v;
      if (i < min) {
        throw new IllegalArgumentException(name + " must be at least " + min + ", got " + i);
      }
      return true;
    };
  }

  static boolean checkLayers(int[] layers) {
    if (layers == null || layers.length == 0) {
      throw new IllegalArgumentException("layers must list at least one layer size, got "
          + Arrays.toString(layers));
    }
    for (int i = 0; i < layers.length; i++) {
      if (layers[i] < 1) {
        throw new IllegalArgumentException("layers[" + i + "] = " + layers[i] + ": every layer"
            + " size must be at least 1 (layers " + Arrays.toString(layers) + ")");
      }
    }
    return true;
  }

  static boolean checkActivations(String[] names) {
    if (names == null || names.length == 0) {
      throw new IllegalArgumentException("activations must name one activation per non-input"
          + " layer, got " + Arrays.toString(names));
    }
    for (String name : names) {
      Activation.parse(name);
    }
    return true;
  }

  static boolean checkLoss(String name, List<Loss> losses) {
    Loss loss = Loss.parse(name);
    if (!losses.contains(loss)) {
      throw new IllegalArgumentException("loss '" + name + "' is not one this estimator trains;"
          + " use " + ids(losses) + (losses.contains(Loss.MSE)
          ? " (classification: MlpClassifier)" : " (regression: MlpRegressor)"));
    }
    return true;
  }

  static boolean checkInitializer(String name) {
    if (!AUTO_INITIALIZER.equals(name)) {
      Initializer.parse(name);
    }
    return true;
  }

  static boolean checkScale(String name) {
    if (!NO_SCALING.equals(name) && !FeatureScaling.METHODS.contains(name)) {
      throw new IllegalArgumentException("unknown scale '" + name + "'; valid names: "
          + NO_SCALING + ", " + String.join(", ", FeatureScaling.METHODS));
    }
    return true;
  }

  private static String ids(List<Loss> losses) {
    StringBuilder b = new StringBuilder();
    for (Loss l : losses) {
      b.append(b.length() == 0 ? "" : " or ").append(l.id());
    }
    return b.toString().toLowerCase(Locale.ROOT);
  }
}
