package org.dptrain.driver.ml;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.ml.Pipeline;
import org.apache.spark.ml.PipelineModel;
import org.apache.spark.ml.PipelineStage;
import org.apache.spark.ml.linalg.Vector;
import org.apache.spark.ml.linalg.Vectors;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.dptrain.activation.Activation;
import org.dptrain.data.Block;
import org.dptrain.driver.SparkTestSession;
import org.dptrain.driver.config.SettingTable;
import org.dptrain.driver.train.TrainConfig;
import org.dptrain.driver.data.DataValidationException;
import org.dptrain.driver.train.DistributedTrainer;
import org.dptrain.model.Model;
import org.dptrain.network.Initializer;
import org.dptrain.network.NetworkSpec;
import org.dptrain.optim.Optimizer;
import org.dptrain.optim.OptimizerSpec;
import org.dptrain.train.ReferenceTrainer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MlpClassifier in pipelines: fit, transform, save, load, on Spark local[2] with Kryo. */
class MlpClassifierTest {
  @TempDir
  Path tmp;

  static MlpClassifier circlesClassifier() {
    return new MlpClassifier().setLayers(2, 16, 1).setActivations("tanh", "sigmoid")
        .setLoss("binary_cross_entropy").setOptimizer("adam").setLearningRate(0.02)
        .setEpochs(12).setBatchSize(32).setNumPartitions(2).setScale("standardize");
  }

  /** The precision param reaches the trainer: float32 blocks give other weights, close to
   *  float64's, and the model (float64) predicts as well. */
  @Test
  void float32TrainsCloseToFloat64() {
    Dataset<Row> data = MlTestData.assembler("x", "y").transform(MlTestData.circles());
    assertEquals("float64", circlesClassifier().getPrecision());
    double[] f64 = circlesClassifier().fit(data).toModel().weights();
    double[] f32 = circlesClassifier().setPrecision("float32").fit(data).toModel().weights();
    assertFalse(java.util.Arrays.equals(f64, f32), "float32 ran");
    for (int i = 0; i < f64.length; i++) {
      assertEquals(f64[i], f32[i], 1e-3 * Math.max(1, Math.abs(f64[i])), "weight " + i);
    }
  }

  /** prediction, probability, rawPrediction of every row, in order. */
  static List<Row> outputs(Dataset<Row> transformed) {
    return transformed.select("prediction", "probability", "rawPrediction").collectAsList();
  }

  @Test
  void aBinaryPipelineLearnsSavesAndLoadsWithIdenticalPredictions() throws Exception {
    Dataset<Row> data = MlTestData.circles();
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        MlTestData.assembler("x", "y"), circlesClassifier()});
    PipelineModel fitted = pipeline.fit(data);
    List<Row> before = outputs(fitted.transform(data));
    List<Row> labels = data.select("label").collectAsList();

    long correct = 0;
    for (int i = 0; i < before.size(); i++) {
      Row r = before.get(i);
      double[] p = ((Vector) r.get(1)).toArray();
      double[] raw = ((Vector) r.get(2)).toArray();
      assertEquals(2, p.length);
      assertEquals(1.0, p[0] + p[1], 1e-15, "row " + i);
      assertEquals(-raw[0], raw[1], 0.0, "margins [-z, z]");
      assertEquals(p[1] > p[0] ? 1.0 : 0.0, r.getDouble(0), 0.0, "prediction = argmax, row " + i);
      if (r.getDouble(0) == labels.get(i).getInt(0)) {
        correct++;
      }
    }
    assertTrue(correct > 0.9 * before.size(), correct + " of " + before.size() + " correct");

    Path dir = tmp.resolve("circles-pipeline");
    fitted.save(dir.toString());
    PipelineModel loaded = PipelineModel.load(dir.toString());
    assertEquals(before, outputs(loaded.transform(data)));

    MlpClassificationModel original = (MlpClassificationModel) fitted.stages()[1];
    MlpClassificationModel reloaded = (MlpClassificationModel) loaded.stages()[1];
    assertEquals(original.uid(), reloaded.uid());
    assertArrayEquals(original.toModel().weights(), reloaded.toModel().weights(), 0.0);
    assertEquals(original.extra(), reloaded.extra());
    Path stage = dir.resolve("stages").resolve("1_" + original.uid()).resolve("model");
    assertTrue(Files.isRegularFile(stage.resolve("model.json")), stage + " has model.json");
    assertArrayEquals(original.toModel().weights(),
        org.dptrain.model.ModelFile.read(stage).weights(), 0.0);
  }

  @Test
  void aMulticlassPipelineGivesSoftmaxProbabilitiesAndRefitsFromItsSavedFormBitForBit()
      throws Exception {
    Dataset<Row> data = MlTestData.blobs(300, 1);
    MlpClassifier mlp = new MlpClassifier().setLayers(8, 3).setActivations("tanh", "softmax")
        .setOptimizer("adam").setLearningRate(0.02).setEpochs(6).setBatchSize(20)
        .setLocalSteps(3).setNumPartitions(2).setSeed(5);
    Pipeline pipeline = new Pipeline().setStages(new PipelineStage[] {
        MlTestData.assembler("f0", "f1", "f2", "f3"), mlp});
    PipelineModel fitted = pipeline.fit(data);
    MlpClassificationModel model = (MlpClassificationModel) fitted.stages()[1];
    assertEquals(3, model.numClasses());
    assertEquals(4, model.numFeatures());
    assertArrayEquals(new int[] {4, 8, 3}, model.spec().layers(), "input size from the data");

    List<Row> out = outputs(fitted.transform(data));
    List<Row> labels = data.select("label").collectAsList();
    long correct = 0;
    for (int i = 0; i < out.size(); i++) {
      double[] p = ((Vector) out.get(i).get(1)).toArray();
      double[] raw = ((Vector) out.get(i).get(2)).toArray();
      double sum = 0;
      int best = 0;
      double expSum = 0;
      for (int k = 0; k < 3; k++) {
        sum += p[k];
        best = p[k] > p[best] ? k : best;
        expSum += Math.exp(raw[k]);
      }
      assertEquals(1.0, sum, 1e-12, "row " + i);
      assertEquals(best, out.get(i).getDouble(0), 0.0, "prediction = argmax, row " + i);
      for (int k = 0; k < 3; k++) {
        assertEquals(Math.exp(raw[k]) / expSum, p[k], 1e-12, "softmax of rawPrediction");
      }
      if (best == labels.get(i).getInt(0)) {
        correct++;
      }
    }
    assertTrue(correct > 0.9 * out.size(), correct + " of " + out.size() + " correct");

    Path modelDir = tmp.resolve("blobs-model");
    fitted.write().overwrite().save(modelDir.toString());
    assertEquals(out, outputs(PipelineModel.load(modelDir.toString()).transform(data)));

    // the estimator's params survive saving, and the same params give the same weights
    Path pipelineDir = tmp.resolve("blobs-pipeline");
    pipeline.save(pipelineDir.toString());
    Pipeline reread = Pipeline.load(pipelineDir.toString());
    MlpClassifier again = (MlpClassifier) reread.getStages()[1];
    assertEquals(mlp.uid(), again.uid());
    assertArrayEquals(new int[] {8, 3}, again.getLayers());
    assertArrayEquals(new String[] {"tanh", "softmax"}, again.getActivations());
    assertEquals("adam", again.getOptimizer());
    assertEquals(0.02, again.getLearningRate(), 0.0);
    assertEquals(5L, again.getSeed());
    MlpClassificationModel refit = (MlpClassificationModel) reread.fit(data).stages()[1];
    assertArrayEquals(model.toModel().weights(), refit.toModel().weights(), 0.0);
  }

  /** n examples of 4 features in three blobs, as a vector dataset, with their block. */
  record Examples(Dataset<Row> data, double[][] x, int[] labels) {
    Block block(int[] which) {
      double[] xs = new double[which.length * 4];
      int[] ls = new int[which.length];
      for (int j = 0; j < which.length; j++) {
        System.arraycopy(x[which[j]], 0, xs, j * 4, 4);
        ls[j] = labels[which[j]];
      }
      return new Block(4, 3, which.length, xs, Block.oneHot(ls, 3));
    }
  }

  static Examples examples(int n, long seed) {
    SplittableRandom rnd = new SplittableRandom(seed);
    double[][] x = new double[n][4];
    int[] labels = new int[n];
    Double[] boxed = new Double[n];
    for (int i = 0; i < n; i++) {
      labels[i] = rnd.nextInt(3);
      boxed[i] = (double) labels[i];
      for (int f = 0; f < 4; f++) {
        x[i][f] = rnd.nextGaussian() * 0.7 + (f == labels[i] ? 2.0 : 0.0);
      }
    }
    return new Examples(MlTestData.vectors(x, boxed), x, labels);
  }

  @Test
  void fittingEqualsTheReferenceTrainerAndTheDistributedTrainerBitForBit() {
    Examples ex = examples(157, 3);
    NetworkSpec spec = NetworkSpec.of(new int[] {4, 6, 3}, List.of("tanh", "softmax"),
        "cross_entropy");
    OptimizerSpec sgd = OptimizerSpec.sgd(0.1);
    MlpClassifier mlp = new MlpClassifier().setLayers(4, 6, 3).setActivations("tanh", "softmax")
        .setLearningRate(0.1).setBatchSize(16).setEpochs(3).setSeed(11);

    // one partition: the in-process reference trainer over the rows in order
    int[] all = new int[157];
    for (int i = 0; i < all.length; i++) {
      all[i] = i;
    }
    ReferenceTrainer.Result ref = ReferenceTrainer.train(spec, Initializer.initialize(spec, 11L),
        ex.block(all), new ReferenceTrainer.Config(16, 3, 11L, sgd));
    double[] one = mlp.setNumPartitions(1).fit(ex.data()).toModel().weights();
    assertArrayEquals(ref.weights(), one, 0.0);

    // three partitions: the distributed trainer over blocks holding rows g = p mod 3
    List<Block> parts = new ArrayList<>();
    for (int p = 0; p < 3; p++) {
      int[] rows = new int[(157 - p + 2) / 3];
      for (int j = 0; j < rows.length; j++) {
        rows[j] = p + 3 * j;
      }
      parts.add(ex.block(rows));
    }
    JavaRDD<Block> blocks = SparkTestSession.context().parallelize(parts, 3).cache();
    TrainConfig config = new TrainConfig(spec, sgd, 16, 3, 11L, 1, 1);
    double[] direct = new DistributedTrainer(SparkTestSession.context(), config).train(blocks,
        Initializer.initialize(spec, 11L), new Optimizer(sgd, spec.numParams()), 0,
        (r, w, o) -> false).weights();
    blocks.unpersist(false);
    double[] three = mlp.setNumPartitions(3).fit(ex.data()).toModel().weights();
    assertArrayEquals(direct, three, 0.0);
    assertArrayEquals(three, mlp.fit(ex.data()).toModel().weights(), 0.0, "run to run");
    MlpClassificationModel allreduce = mlp.setSync("allreduce").fit(ex.data());
    assertArrayEquals(three, allreduce.toModel().weights(), 0.0, "sync allreduce, same bits");
    assertEquals("allreduce", allreduce.extra().path("provenance").path("config").path("sync")
        .asText(), "the fit's provenance records the sync mode");
    mlp.setSync("driver");
    assertTrue(!java.util.Arrays.equals(three,
        mlp.setSeed(12).fit(ex.data()).toModel().weights()), "another seed, other weights");
  }

  @Test
  void paramsHaveTheTrainersDefaultsAndRefuseBadValuesByName() {
    MlpClassifier mlp = new MlpClassifier("mlp_1");
    assertEquals("mlp_1", mlp.uid());
    assertEquals("mlp_1", mlp.layers().parent());
    assertEquals("mlp_1", mlp.featuresCol().parent(), "Spark's own params get the uid too");
    assertEquals(OptimizerSpec.DEFAULT_LEARNING_RATE, mlp.getLearningRate(), 0.0);
    assertEquals(OptimizerSpec.DEFAULT_BETA2, mlp.getBeta2(), 0.0);
    assertEquals(SettingTable.BATCH_SIZE.defaultValue(), mlp.getBatchSize());
    assertEquals(SettingTable.EPOCHS.defaultValue(), mlp.getEpochs());
    assertEquals(SettingTable.SEED.defaultValue(), mlp.getSeed());
    assertEquals(SettingTable.LOCAL_STEPS.defaultValue(), mlp.getLocalSteps());
    assertEquals("cross_entropy", mlp.getLoss());
    assertEquals("sgd", mlp.getOptimizer());
    assertEquals("none", mlp.getScale());
    assertEquals(0, mlp.getNumPartitions());
    assertEquals(SettingTable.SYNC.defaultValue().id(), mlp.getSync());
    assertTrue(!mlp.isDefined(mlp.layers()) && !mlp.isDefined(mlp.activations()));

    MlpClassifier copy = mlp.setLearningRate(0.3).copy(ParamMap.empty());
    assertEquals("mlp_1", copy.uid());
    assertEquals(0.3, copy.getLearningRate(), 0.0);
    assertTrue(new MlpClassifier().uid().startsWith("mlpClassifier_"));

    assertEquals("learningRate must be a finite number > 0, got -1.0", message(
        () -> mlp.setLearningRate(-1)));
    assertEquals("momentum must be in [0, 1), got 1.0", message(() -> mlp.setMomentum(1)));
    assertEquals("batchSize must be at least 1, got 0", message(() -> mlp.setBatchSize(0)));
    assertEquals("localSteps must be at least 0, got -2", message(() -> mlp.setLocalSteps(-2)));
    assertEquals("layers[1] = 0: every layer size must be at least 1 (layers [4, 0])",
        message(() -> mlp.setLayers(4, 0)));
    assertEquals("unknown activation 'softmaxx'; valid names: " + Activation.validNames(),
        message(() -> mlp.setActivations("tanh", "softmaxx")));
    assertEquals("loss 'mse' is not one this estimator trains; use cross_entropy or"
        + " binary_cross_entropy (regression: MlpRegressor)", message(() -> mlp.setLoss("mse")));
    assertEquals("unknown optimizer 'adamw'; valid names: sgd, momentum, nesterov, adam",
        message(() -> mlp.setOptimizer("adamw")));
    assertEquals("unknown scale 'zscore'; valid names: none, standardize, minmax",
        message(() -> mlp.setScale("zscore")));
    assertEquals("unknown precision 'float16'; valid names: float64, float32",
        message(() -> mlp.setPrecision("float16")));
    assertEquals("unknown sync 'ring'; valid names: driver, allreduce",
        message(() -> mlp.setSync("ring")));
    assertEquals("unknown initializer 'zeros'; valid names: gaussian, xavier, he",
        message(() -> mlp.setInitializer("zeros")));
    assertTrue(message(() -> mlp.setSchedule("linear")).startsWith("schedule 'linear' not"
        + " understood; expected constant,"));
    assertEquals(0.3, mlp.getLearningRate(), 0.0, "a refused value leaves the old one");
  }

  @Test
  void fittingRefusesSettingsThatDoNotFitTheData() {
    Examples ex = examples(20, 4);
    assertEquals("activations must be set: " + new MlpClassifier().activations().doc(),
        message(() -> new MlpClassifier().setLayers(3).fit(ex.data())));
    assertEquals("layers [3, 8, 3] take 3 inputs, but features column 'features' holds vectors"
        + " of 4 values", message(() -> new MlpClassifier().setLayers(3, 8, 3)
        .setActivations("tanh", "softmax").fit(ex.data())));
    assertEquals("layers [5, 8, 2, 3] has 4 sizes for 2 activations; give 3 sizes (input first)"
        + " or 2 (the input size is then the width of the features column)",
        message(() -> new MlpClassifier().setLayers(5, 8, 2, 3).setActivations("tanh", "softmax")
            .fit(ex.data())));
    assertEquals("loss cross_entropy does not fit output activation sigmoid: cross_entropy needs"
        + " a softmax output layer", message(() -> new MlpClassifier().setLayers(3)
        .setActivations("sigmoid").fit(ex.data())));
  }

  @Test
  void aBadRowIsNamedByItsIndexAndValue() {
    double[][] x = {{0, 1}, {1, 0}, {1, 1}, {0, 0}, {2, 2}, {3, 1}};
    MlpClassifier three = new MlpClassifier().setLayers(4, 3).setActivations("tanh", "softmax")
        .setEpochs(1).setNumPartitions(2);
    DataValidationException e = assertThrows(DataValidationException.class, () -> three.fit(
        MlTestData.vectors(x, new Double[] {0.0, 1.0, 2.0, 1.0, 3.0, 0.0})));
    assertEquals("input dataset row 4 (0-based): label 3 is outside [0, 3) (3 classes)",
        e.getMessage());
    e = assertThrows(DataValidationException.class, () -> three.fit(
        MlTestData.vectors(x, new Double[] {0.0, 1.0, 0.5, 1.0, 2.0, 0.0})));
    assertEquals("input dataset row 2 (0-based): label 0.5 is not an integer class index in"
        + " [0, 3)", e.getMessage());
    e = assertThrows(DataValidationException.class, () -> three.fit(
        MlTestData.vectors(x, new Double[] {0.0, 1.0, 2.0, null, 2.0, 0.0})));
    assertEquals("input dataset row 3 (0-based): label is null", e.getMessage());
    MlpClassifier binary = new MlpClassifier().setLayers(3, 1).setActivations("tanh", "sigmoid")
        .setLoss("binary_cross_entropy").setEpochs(1);
    e = assertThrows(DataValidationException.class, () -> binary.fit(
        MlTestData.vectors(x, new Double[] {0.0, 1.0, 1.0, 1.0, 0.0, 2.0})));
    assertEquals("input dataset row 5 (0-based): label 2 is not 0 or 1 (binary classification)",
        e.getMessage());
    double[][] ragged = {{0, 1}, {1, 0}, {1, 1, 5}, {0, 0}};
    e = assertThrows(DataValidationException.class, () -> binary.fit(
        MlTestData.vectors(ragged, new Double[] {0.0, 1.0, 1.0, 0.0})));
    assertEquals("input dataset row 2 (0-based): features has 3 values, expected 2",
        e.getMessage());
  }

  /** A 2-3-2 softmax classifier with initial weights, wrapped without training. */
  static MlpClassificationModel untrained() {
    NetworkSpec spec = NetworkSpec.of(new int[] {2, 3, 2}, List.of("tanh", "softmax"),
        "cross_entropy");
    return new MlpClassificationModel("m", new Model(spec, Initializer.initialize(spec, 1L)));
  }

  @Test
  void transformRefusesVectorsOfAnotherWidth() {
    MlpClassificationModel model = untrained();
    Dataset<Row> three = MlTestData.blobs(5, 1).drop("f3");
    // the assembler's metadata gives the width away before any job runs
    Dataset<Row> assembled = MlTestData.assembler("f0", "f1", "f2").transform(three);
    assertEquals("features column 'features' holds vectors of 3 values, but this model takes 2"
        + " features", message(() -> model.transform(assembled)));
    // without metadata each row is checked as it is predicted
    Dataset<Row> plain = MlTestData.vectors(new double[][] {{1, 2}, {1, 2, 3}},
        new Double[] {0.0, 1.0});
    Exception e = assertThrows(Exception.class,
        () -> model.transform(plain).select("prediction").collectAsList());
    assertTrue(MlTestData.messages(e).contains(
        "java.lang.IllegalArgumentException: a features vector has 3 values; this model takes 2"
        + " features"), MlTestData.messages(e));
    Dataset<Row> nan = MlTestData.vectors(new double[][] {{1, Double.NaN}}, new Double[] {0.0});
    e = assertThrows(Exception.class,
        () -> model.transform(nan).select("prediction").collectAsList());
    assertTrue(MlTestData.messages(e).contains("features[1] is NaN, not a finite number"),
        MlTestData.messages(e));
  }

  @Test
  void aWrappedModelPredictsAsItsNetworkAndRefusesRegressionModels() {
    MlpClassificationModel model = untrained();
    Vector x = Vectors.dense(0.3, -1.2);
    Model m = model.toModel();
    double[] a = new org.dptrain.network.Network(m.spec()).predict(m.weights(), x.toArray(), 1,
        new org.dptrain.network.Workspace(m.spec(), 1));
    assertArrayEquals(a, model.predictProbability(x).toArray(), 0.0);
    assertEquals(a[1] > a[0] ? 1.0 : 0.0, model.predict(x), 0.0);
    scala.Tuple3<?, ?, ?> summary = model.copy(ParamMap.empty()).setProbabilityCol("")
        .findSummaryModel();
    assertTrue(((String) summary._2()).startsWith("probability_"), "a column for summaries");
    assertEquals("prediction", summary._3());
    NetworkSpec regression = NetworkSpec.of(new int[] {2, 1}, List.of("linear"), "mse");
    assertEquals("a mse model is a regression model, not a classifier (" + regression + "); use"
        + " MlpRegressionModel", message(() -> new MlpClassificationModel("r",
        new Model(regression, new double[] {1, 2, 3}))));
  }

  static String message(org.junit.jupiter.api.function.Executable call) {
    return assertThrows(IllegalArgumentException.class, call).getMessage();
  }

  @Test
  void aSavedModelWhoseWeightsWereAlteredIsRefused() throws Exception {
    MlpClassificationModel model = untrained();
    Path dir = tmp.resolve("untrained");
    model.save(dir.toString());
    MlpClassificationModel same = MlpClassificationModel.load(dir.toString());
    Vector x = Vectors.dense(0.5, 0.25);
    assertEquals(model.predictRaw(x), same.predictRaw(x));

    Path weights = dir.resolve("model").resolve("weights.bin");
    byte[] bytes = Files.readAllBytes(weights);
    bytes[3] ^= 1;
    Files.write(weights, bytes);
    java.io.UncheckedIOException e = assertThrows(java.io.UncheckedIOException.class,
        () -> MlpClassificationModel.load(dir.toString()));
    assertTrue(e.getMessage().startsWith("cannot load MlpClassificationModel from " + dir + ": "),
        e.getMessage());
    assertTrue(e.getMessage().contains("weights.bin was altered or corrupted"), e.getMessage());
  }
}
